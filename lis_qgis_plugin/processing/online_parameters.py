"""The online-source parameters of the tools that download indicators: declared once, read once.

lis:loadindicators and lis:addtostore ask for a download the same way: SOURCE (Fingertips, Nomis or a
web address; lis:addtostore also offers its TABLE file first), IDS, AREA_TYPE, PARENT_CODE, then
PARENT_AREA_TYPE, QUERY and BASE_URL among the advanced ones, AUTH_CONFIG and REFRESH. They and
lis:updatestore read the API key in AUTH_CONFIG once per run, in ``OnlineSourceAlgorithm.prepareAlgorithm``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from .lis_algorithm import LisAlgorithm

if TYPE_CHECKING:
    from ..core.store.store_sources import OnlineFetcher, OnlineQuery

SOURCE = "SOURCE"
IDS = "IDS"
AREA_TYPE = "AREA_TYPE"
PARENT_CODE = "PARENT_CODE"
PARENT_AREA_TYPE = "PARENT_AREA_TYPE"
QUERY = "QUERY"
BASE_URL = "BASE_URL"
AUTH_CONFIG = "AUTH_CONFIG"
REFRESH = "REFRESH"
#: SOURCE's choices, as core.store.store_sources names them: the online ones, and the TABLE file first where offered.
ONLINE_SOURCES = ("fingertips", "nomis", "url")
TABLE_OR_ONLINE_SOURCES = ("table", *ONLINE_SOURCES)


def _tr(text: str) -> str:
    return QCoreApplication.translate("OnlineParameters", text)


def _advanced(parameter: QgsProcessingParameterDefinition) -> QgsProcessingParameterDefinition:
    parameter.setFlags(parameter.flags() | Qgis.ProcessingParameterFlag.Advanced)
    return parameter


def add_source_parameter(algorithm: LisAlgorithm, table_label: str | None = None) -> None:
    """Add SOURCE: ONLINE_SOURCES, or TABLE_OR_ONLINE_SOURCES with the file choice labelled ``table_label``.

    lis:addtostore's web address reads CSV and XLSX; lis:loadindicators saves a GeoJSON file as well.
    """
    url = _tr("A web address (CSV, XLSX)") if table_label else _tr("A web address (CSV, XLSX, GeoJSON)")
    choices = [_tr("Fingertips (OHID)"), _tr("Nomis (ONS)"), url]
    algorithm.addParameter(
        QgsProcessingParameterEnum(
            SOURCE, _tr("Source"), [table_label, *choices] if table_label else choices, defaultValue=0
        )
    )


def add_query_parameters(algorithm: LisAlgorithm, ids_optional: bool = False) -> None:
    """Add IDS (``ids_optional`` where another SOURCE needs none), AREA_TYPE and PARENT_CODE."""
    algorithm.addParameter(
        QgsProcessingParameterString(
            IDS, _tr("Indicator ids (Fingertips), dataset id (Nomis) or web address (URL)"), optional=ids_optional
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterString(
            AREA_TYPE,
            _tr("Area type: Fingertips area type id (e.g. 501) or Nomis geography (e.g. TYPE151)"),
            optional=True,
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterString(
            PARENT_CODE, _tr("Parent area (e.g. E06000017; Nomis: geography id)"), optional=True
        )
    )


def add_download_parameters(algorithm: LisAlgorithm, advanced_download: bool = False) -> None:
    """Add PARENT_AREA_TYPE, QUERY and BASE_URL (advanced), then AUTH_CONFIG and REFRESH (advanced if asked)."""
    for parameter in (
        QgsProcessingParameterString(
            PARENT_AREA_TYPE, _tr("Fingertips parent area type id (empty: from the parent code)"), optional=True
        ),
        QgsProcessingParameterString(QUERY, _tr("More query options (name=value&name=value)"), optional=True),
        QgsProcessingParameterString(BASE_URL, _tr("Base URL of the API (a mirror)"), optional=True),
    ):
        algorithm.addParameter(_advanced(parameter))
    add_auth_config_parameter(algorithm, advanced_download)
    refresh = QgsProcessingParameterBoolean(REFRESH, _tr("Download again, ignoring the cache"), defaultValue=False)
    algorithm.addParameter(_advanced(refresh) if advanced_download else refresh)


def add_auth_config_parameter(algorithm: LisAlgorithm, advanced: bool = False) -> None:
    """Add the optional AUTH_CONFIG: the QGIS authentication configuration whose password is the API key."""
    auth = QgsProcessingParameterAuthConfig(
        AUTH_CONFIG, _tr("Authentication configuration holding the API key (Nomis uid)"), optional=True
    )
    algorithm.addParameter(_advanced(auth) if advanced else auth)


def read_online_query(
    algorithm: LisAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, source: str
) -> OnlineQuery:
    """What to download from ``source``, as the user asked: ids, area type, parent, its type, query, mirror."""
    from ..core.store.store_sources import OnlineQuery

    def text(name: str) -> str:
        return algorithm.parameterAsString(parameters, name, context).strip()

    return OnlineQuery(
        source, text(IDS), text(AREA_TYPE), text(PARENT_CODE), text(PARENT_AREA_TYPE), text(QUERY), text(BASE_URL)
    )


def read_api_key(authcfg: str, feedback: QgsProcessingFeedback) -> str | None:
    """The key in a QGIS authentication configuration ('' for none); None after reporting why it cannot be read.

    Called on the main thread (prepareAlgorithm): unlocking the auth database may ask for the master password.
    """
    from ..core.sources.http_client import OnlineSourceError, auth_config_secret

    if not authcfg:
        return ""
    try:
        return auth_config_secret(authcfg, _tr("API key"))
    except OnlineSourceError as error:
        feedback.reportError(str(error), True)
        return None


class OnlineSourceAlgorithm(LisAlgorithm):
    """Base of the tools that download with the API key in AUTH_CONFIG: the key is read once, before the run."""

    def __init__(self) -> None:
        super().__init__()
        self._api_key = ""

    def prepareAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> bool:
        """Read the API key here, on the main thread: unlocking the auth database may ask for the master password."""
        key = read_api_key(self.parameterAsString(parameters, AUTH_CONFIG, context), feedback)
        self._api_key = key or ""
        return key is not None

    def online_fetcher(self, feedback: QgsProcessingFeedback) -> OnlineFetcher:
        """The downloader of this run: network options, cache and mirrors read from the settings now (the core
        reads none), and the key read in ``prepareAlgorithm``."""
        from ..core.sources.http_client import HttpClient
        from ..core.store.store_sources import OnlineFetcher
        from ..settings import online_settings

        online = online_settings()
        mirrors = {"fingertips": online.fingertips_base_url, "nomis": online.nomis_base_url, "url": None}
        client = HttpClient(feedback=feedback, options=online.http)
        return OnlineFetcher(client, online.cache_dir, online.max_age_days, mirrors, self._api_key, feedback)
