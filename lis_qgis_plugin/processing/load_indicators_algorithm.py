"""lis:loadindicators - indicator tables from Fingertips, Nomis or any URL (a thin shell over the core sources)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from .add_to_store_algorithm import online_fetcher, read_api_key
from .lis_algorithm import LisAlgorithm

#: SOURCE's choices, as core.store.store_sources names them.
SOURCES = ("fingertips", "nomis", "url")


class LoadIndicatorsAlgorithm(LisAlgorithm):
    """Download an indicator table to a file that lis:joinindicators reads."""

    GROUP_ID = "online"
    GROUP = "Online sources"  # translated by LisAlgorithm.group()
    SOURCE = "SOURCE"
    IDS = "IDS"
    AREA_TYPE = "AREA_TYPE"
    PARENT_CODE = "PARENT_CODE"
    PARENT_AREA_TYPE = "PARENT_AREA_TYPE"
    QUERY = "QUERY"
    BASE_URL = "BASE_URL"
    AUTH_CONFIG = "AUTH_CONFIG"
    REFRESH = "REFRESH"
    OUTPUT = "OUTPUT"
    ROWS = "ROWS"
    SOURCE_URL = "SOURCE_URL"

    def __init__(self) -> None:
        super().__init__()
        self._api_key = ""

    def name(self) -> str:
        return "loadindicators"

    def displayName(self) -> str:
        return self.tr("Load indicators (Fingertips, Nomis or a URL)")

    def shortHelpString(self) -> str:
        from ..core.sources.fingertips import AREA_TYPES, FINGERTIPS_BASE_URL
        from ..core.sources.nomis import NOMIS_BASE_URL

        types = "; ".join(f"{number} {name}" for number, (name, _) in AREA_TYPES.items())
        return self.tr(
            "Downloads an indicator table and saves it as a file that 'Join indicators to boundaries' reads as its "
            "TABLE (chain them in the model designer).\n\n"
            "SOURCE 0, Fingertips (OHID, {0}): IDS are indicator ids (93553, 90366), AREA_TYPE the child area type "
            "id ({1}), PARENT_CODE the parent area (e.g. E06000017; its area type is found from the code, or give "
            "PARENT_AREA_TYPE). The CSV keeps the value, the 95% and 99.8% confidence limits, count, denominator and "
            "time period of every row; the join takes the latest period.\n\n"
            "SOURCE 1, Nomis ({2}): IDS is the dataset id (NM_144_1), AREA_TYPE the Nomis geography (TYPE151 LSOA "
            "2021, TYPE152 MSOA 2021, TYPE298 LSOA 2011...), PARENT_CODE an optional Nomis geography id the areas lie "
            "in, QUERY more options (measures=20100&c_sex=0). Guests get 25,000 rows per call, so LIS pages with "
            "RecordOffset; a registered user's uid is read from AUTH_CONFIG (a QGIS authentication configuration "
            "holding it as its password), never from plain settings.\n\n"
            "SOURCE 2, URL: IDS is the address of a CSV, XLSX or GeoJSON file; a web page (e.g. a sign-in page) is "
            "an error.\n\nDownloads are cached (see 'Load boundaries'); REFRESH downloads again. BASE_URL points a "
            "source at a mirror. A download cut short (a CSV ending inside a quoted field or mid-row, a gzip answer "
            "without its end, broken JSON) is refused and leaves nothing in the cache or at OUTPUT; downloads have "
            "the deadline, largest size and redirect limit described in 'Load boundaries'."
        ).format(FINGERTIPS_BASE_URL, types, NOMIS_BASE_URL)

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SOURCE,
                self.tr("Source"),
                [self.tr("Fingertips (OHID)"), self.tr("Nomis (ONS)"), self.tr("A web address (CSV, XLSX, GeoJSON)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.IDS, self.tr("Indicator ids (Fingertips), dataset id (Nomis) or web address (URL)")
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.AREA_TYPE,
                self.tr("Area type: Fingertips area type id (e.g. 501) or Nomis geography (e.g. TYPE151)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.PARENT_CODE, self.tr("Parent area (e.g. E06000017; Nomis: geography id)"), optional=True
            )
        )
        advanced = [
            QgsProcessingParameterString(
                self.PARENT_AREA_TYPE, self.tr("Fingertips parent area type id (empty: from the parent code)"),
                optional=True,
            ),
            QgsProcessingParameterString(
                self.QUERY, self.tr("More query options (name=value&name=value)"), optional=True
            ),
            QgsProcessingParameterString(self.BASE_URL, self.tr("Base URL of the API (a mirror)"), optional=True),
        ]  # fmt: skip
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | Qgis.ProcessingParameterFlag.Advanced)
            self.addParameter(parameter)
        self.addParameter(
            QgsProcessingParameterAuthConfig(
                self.AUTH_CONFIG, self.tr("Authentication configuration holding the API key (Nomis uid)"),
                optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.REFRESH, self.tr("Download again, ignoring the cache"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                self.tr("Indicator table"),
                "CSV files (*.csv);;Excel workbooks (*.xlsx);;GeoJSON (*.geojson)",
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, self.tr("Rows saved")))
        self.addOutput(QgsProcessingOutputString(self.SOURCE_URL, self.tr("Address the table came from")))

    def prepareAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> bool:
        """Read the API key here, on the main thread: unlocking the auth database may ask for the master password."""
        api_key = read_api_key(self, self.parameterAsString(parameters, self.AUTH_CONFIG, context), feedback)
        self._api_key = api_key or ""
        return api_key is not None

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.store.store_sources import OnlineQuery

        source = SOURCES[self.parameterAsEnum(parameters, self.SOURCE, context)]
        query = OnlineQuery(
            source,
            self.parameterAsString(parameters, self.IDS, context).strip(),
            self.parameterAsString(parameters, self.AREA_TYPE, context).strip(),
            self.parameterAsString(parameters, self.PARENT_CODE, context).strip(),
            self.parameterAsString(parameters, self.PARENT_AREA_TYPE, context).strip(),
            self.parameterAsString(parameters, self.QUERY, context),
            self.parameterAsString(parameters, self.BASE_URL, context).strip(),
        )
        output = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if source == "url" and Path(output).parent == Path(QgsProcessingUtils.tempFolder()):
            output = output.with_suffix("")  # a temporary output takes the suffix of what is downloaded
        refresh = self.parameterAsBoolean(parameters, self.REFRESH, context)
        # The store's downloader, with the network, cache and mirror settings read here: the core reads none.
        outcome = online_fetcher(feedback, self._api_key).download_to(query, output, refresh)
        self.push_log(feedback, outcome.log)
        return {self.OUTPUT: str(outcome.path), self.ROWS: outcome.rows, self.SOURCE_URL: outcome.source_url}
