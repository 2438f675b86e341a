"""lis:addtostore - a table file or an online source into the indicator store (a thin shell over core/store)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from .join_indicators_algorithm import split_field_list
from .lis_algorithm import LisAlgorithm
from .store_parameters import STORE, add_store_parameter, store_location
from .target_parameters import TABLE_FILTER

if TYPE_CHECKING:
    from ..core.store.store_sources import OnlineFetcher

#: SOURCE's choices: the TABLE file, then the online sources of lis:loadindicators.
SOURCES = ("table", "fingertips", "nomis", "url")


def online_fetcher(feedback: QgsProcessingFeedback, api_key: str = "") -> OnlineFetcher:
    """The downloads' network options, cache and mirrors, read from the settings now (the core reads none)."""
    from ..core.sources.http_client import HttpClient
    from ..core.store.store_sources import OnlineFetcher
    from ..settings import online_settings

    online = online_settings()
    mirrors = {"fingertips": online.fingertips_base_url, "nomis": online.nomis_base_url, "url": None}
    client = HttpClient(feedback=feedback, options=online.http)
    return OnlineFetcher(client, online.cache_dir, online.max_age_days, mirrors, api_key, feedback)


def read_api_key(algorithm: LisAlgorithm, authcfg: str, feedback: QgsProcessingFeedback) -> str | None:
    """The key in a QGIS authentication configuration ('' for none); None after reporting why it cannot be read.

    Called on the main thread (prepareAlgorithm): unlocking the auth database may ask for the master password.
    """
    from ..core.sources.http_client import OnlineSourceError, auth_config_secret

    if not authcfg:
        return ""
    try:
        return auth_config_secret(authcfg, algorithm.tr("API key"))
    except OnlineSourceError as error:
        feedback.reportError(str(error), True)
        return None


class AddToStoreAlgorithm(LisAlgorithm):
    """Put every period, limit and breakdown of a table or online source into the store, with the join's checks."""

    GROUP_ID = "store"
    GROUP = "Indicator store"  # translated by LisAlgorithm.group()
    SOURCE = "SOURCE"
    TABLE = "TABLE"
    SHEET = "SHEET"
    CODE_FIELD = "CODE_FIELD"
    FIELDS = "FIELDS"
    PERIOD = "PERIOD"
    IDS = "IDS"
    AREA_TYPE = "AREA_TYPE"
    PARENT_CODE = "PARENT_CODE"
    PARENT_AREA_TYPE = "PARENT_AREA_TYPE"
    QUERY = "QUERY"
    BASE_URL = "BASE_URL"
    AUTH_CONFIG = "AUTH_CONFIG"
    REFRESH = "REFRESH"
    NAME = "NAME"
    ID_PREFIX = "ID_PREFIX"
    UNIT = "UNIT"
    POLARITY = "POLARITY"
    SOURCE_NAME = "SOURCE_NAME"
    LICENCE = "LICENCE"
    GEOGRAPHY = "GEOGRAPHY"
    VINTAGE = "VINTAGE"
    REPORT = "REPORT"
    ADDED = "ADDED"
    INDICATORS = "INDICATORS"

    def __init__(self) -> None:
        super().__init__()
        self._api_key = ""

    def name(self) -> str:
        return "addtostore"

    def displayName(self) -> str:
        return self.tr("Add indicators to the store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Puts an indicator table into the indicator store, every period and interval kept, so every later map "
            "and report starts from the store instead of files.\n\n"
            "SOURCE 0 reads the TABLE file (CSV, XLSX or ODS). A wide table (one row per area, one column per "
            "indicator) adds each numeric column, or the FIELDS chosen (separated by ;), as an indicator with one "
            "PERIOD (IoD files are recognised by their name: IMD2019, IoD2025). A long table (Fingertips' shape: "
            "Indicator ID, Area Code, Time period, Value, the 95% and 99.8% limits, Count, Denominator, Sex, Age, "
            "Value note; or Indicator, period and value columns) adds every indicator with all its periods; a "
            "Fingertips Category breakdown (e.g. deprivation deciles) becomes an indicator of its own.\n\n"
            "SOURCE 1-3 downloads from Fingertips, Nomis or a web address first, with the parameters of 'Load "
            "indicators'; the query is kept so 'Update the indicator store' can ask again.\n\n"
            "Indicator ids are ID_PREFIX (default: iod2019, fingertips, nomis or the file's name) and the column "
            "or indicator. Geography and boundary vintage come from the codes where they tell; NAME, UNIT, "
            "POLARITY, SOURCE_NAME, LICENCE, GEOGRAPHY and VINTAGE fill in what the data does not say. Adding the "
            "same data again updates the stored values, never duplicates them; the REPORT says which values were "
            "new and which updated, and lists suppressed, empty and unreadable cells by row, as the join does."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SOURCE,
                self.tr("Source"),
                [
                    self.tr("The table file (TABLE)"), self.tr("Fingertips (OHID)"), self.tr("Nomis (ONS)"),
                    self.tr("A web address (CSV, XLSX)"),
                ],
                defaultValue=0,
            )
        )  # fmt: skip
        table = QgsProcessingParameterFile(self.TABLE, self.tr("Indicator table (CSV, XLSX or ODS)"), optional=True)
        table.setFileFilter(TABLE_FILTER)
        self.addParameter(table)
        texts = [
            (self.SHEET, self.tr("Sheet (workbooks; empty: first)")),
            (self.CODE_FIELD, self.tr("Code column in the table (empty: find it)")),
            (self.FIELDS, self.tr("Columns or indicators to add, separated by ; (empty: all numeric)")),
            (self.PERIOD, self.tr("Period of a wide table's values (e.g. 2019, 2022/23; IoD files: their year)")),
            (self.IDS, self.tr("Indicator ids (Fingertips), dataset id (Nomis) or web address (URL)")),
            (self.AREA_TYPE, self.tr("Area type: Fingertips area type id (e.g. 501) or Nomis geography (TYPE151)")),
            (self.PARENT_CODE, self.tr("Parent area (e.g. E06000017; Nomis: geography id)")),
            (self.NAME, self.tr("Indicator name (empty: the column's or the source's)")),
            (self.ID_PREFIX, self.tr("Id prefix of the indicators (empty: from the file or source)")),
            (self.UNIT, self.tr("Unit (e.g. %, per 100,000)")),
        ]  # fmt: skip
        for name, label in texts:
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.POLARITY,
                self.tr("Polarity"),
                [self.tr("From the data"), self.tr("Higher is better"), self.tr("Higher is worse"), self.tr("Neutral")],
                defaultValue=0,
            )
        )
        advanced = [
            QgsProcessingParameterString(self.SOURCE_NAME, self.tr("Source (publisher) of the data"), optional=True),
            QgsProcessingParameterString(self.LICENCE, self.tr("Licence (e.g. Open Government Licence v3.0)"),
                                         optional=True),
            QgsProcessingParameterString(self.GEOGRAPHY, self.tr("Geography (empty: from the codes)"), optional=True),
            QgsProcessingParameterString(self.VINTAGE, self.tr("Boundary vintage (empty: from the codes)"),
                                         optional=True),
            QgsProcessingParameterString(self.PARENT_AREA_TYPE,
                                         self.tr("Fingertips parent area type id (empty: from the parent code)"),
                                         optional=True),
            QgsProcessingParameterString(self.QUERY, self.tr("More query options (name=value&name=value)"),
                                         optional=True),
            QgsProcessingParameterString(self.BASE_URL, self.tr("Base URL of the API (a mirror)"), optional=True),
            QgsProcessingParameterAuthConfig(self.AUTH_CONFIG,
                                             self.tr("Authentication configuration holding the API key (Nomis uid)"),
                                             optional=True),
            QgsProcessingParameterBoolean(self.REFRESH, self.tr("Download again, ignoring the cache"),
                                          defaultValue=False),
        ]  # fmt: skip
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | Qgis.ProcessingParameterFlag.Advanced)
            self.addParameter(parameter)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Report (HTML)"), "HTML files (*.html)", optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ADDED, self.tr("Values added or updated")))
        self.addOutput(QgsProcessingOutputString(self.INDICATORS, self.tr("Indicator ids (comma-separated)")))

    def prepareAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> bool:
        key = read_api_key(self, self.parameterAsString(parameters, self.AUTH_CONFIG, context), feedback)
        self._api_key = key or ""
        return key is not None

    def options(self, parameters: dict[str, Any], context: QgsProcessingContext) -> Any:
        """The user's description of the data (empty parts are found from the data)."""
        from ..core.store.store_loading import POLARITIES, AddOptions

        def text(name: str) -> str:
            return self.parameterAsString(parameters, name, context).strip()

        return AddOptions(
            sheet=text(self.SHEET), code_column=text(self.CODE_FIELD),
            fields=tuple(split_field_list(text(self.FIELDS))),
            period=text(self.PERIOD), name=text(self.NAME), id_prefix=text(self.ID_PREFIX), unit=text(self.UNIT),
            polarity=POLARITIES[self.parameterAsEnum(parameters, self.POLARITY, context)],
            source=text(self.SOURCE_NAME), licence=text(self.LICENCE), geography=text(self.GEOGRAPHY),
            vintage=text(self.VINTAGE),
        )  # fmt: skip

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.store.store_loading import add_loaded_tables, file_refresh, read_store_table
        from ..core.store.store_location import store_label
        from ..core.store.store_report import AddReport
        from ..core.store.store_schema import StoreError
        from ..core.store.store_sources import OnlineQuery, load_online_table
        from ..settings import suppressed_markers

        store = store_location(self.parameterAsString(parameters, STORE, context))
        source = SOURCES[self.parameterAsEnum(parameters, self.SOURCE, context)]
        options = self.options(parameters, context)
        markers = suppressed_markers()  # read here: the core reads no settings
        report_path = (
            self.parameterAsFileOutput(parameters, self.REPORT, context) if parameters.get(self.REPORT) else ""
        )
        if source == "table":
            path = self.parameterAsFile(parameters, self.TABLE, context).strip()
            if not path:
                raise StoreError(self.tr("TABLE: choose the table file to add (or choose an online SOURCE)."))
            table = read_store_table(Path(path), options, file_refresh(Path(path)), markers)
        else:
            query = OnlineQuery(
                source, *(self.parameterAsString(parameters, name, context).strip() for name in (
                    self.IDS, self.AREA_TYPE, self.PARENT_CODE, self.PARENT_AREA_TYPE, self.QUERY, self.BASE_URL,
                )),
            )  # fmt: skip
            with tempfile.TemporaryDirectory(dir=QgsProcessingUtils.tempFolder()) as folder:
                refresh = self.parameterAsBoolean(parameters, self.REFRESH, context)
                fetcher = online_fetcher(feedback, self._api_key)
                table, outcome = load_online_table(fetcher, query, Path(folder), options, markers, refresh)
                self.push_log(feedback, outcome.log)
        results = add_loaded_tables(store, [table], feedback)
        report = AddReport(store_label(store), table, results)
        self.push_log(feedback, report.log_lines())
        if report_path:
            report.write_html(Path(report_path))
        return {
            self.ADDED: report.rows,
            self.INDICATORS: ",".join(result.indicator_id for result in results),
            self.REPORT: report_path or None,
        }
