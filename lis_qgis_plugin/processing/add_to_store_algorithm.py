"""lis:addtostore - a table file or an online source into the indicator store (a thin shell over core/store)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from .join_indicators_algorithm import split_field_list
from .online_parameters import (
    REFRESH,
    SOURCE,
    TABLE_OR_ONLINE_SOURCES,
    OnlineSourceAlgorithm,
    add_download_parameters,
    add_query_parameters,
    add_source_parameter,
    read_online_query,
)
from .store_parameters import STORE, add_store_parameter, store_location
from .target_parameters import TABLE_FILTER


class AddToStoreAlgorithm(OnlineSourceAlgorithm):
    """Put every period, limit and breakdown of a table or online source into the store, with the join's checks."""

    GROUP_ID = "store"
    GROUP = "Indicator store"  # translated by LisAlgorithm.group()
    TABLE = "TABLE"
    SHEET = "SHEET"
    CODE_FIELD = "CODE_FIELD"
    FIELDS = "FIELDS"
    PERIOD = "PERIOD"
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
        add_source_parameter(self, self.tr("The table file (TABLE)"))
        table = QgsProcessingParameterFile(self.TABLE, self.tr("Indicator table (CSV, XLSX or ODS)"), optional=True)
        table.setFileFilter(TABLE_FILTER)
        self.addParameter(table)
        texts = [
            (self.SHEET, self.tr("Sheet (workbooks; empty: first)")),
            (self.CODE_FIELD, self.tr("Code column in the table (empty: find it)")),
            (self.FIELDS, self.tr("Columns or indicators to add, separated by ; (empty: all numeric)")),
            (self.PERIOD, self.tr("Period of a wide table's values (e.g. 2019, 2022/23; IoD files: their year)")),
        ]
        self._add_optional_texts(texts)
        add_query_parameters(self, ids_optional=True)
        self._add_optional_texts([
            (self.NAME, self.tr("Indicator name (empty: the column's or the source's)")),
            (self.ID_PREFIX, self.tr("Id prefix of the indicators (empty: from the file or source)")),
            (self.UNIT, self.tr("Unit (e.g. %, per 100,000)")),
        ])  # fmt: skip
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
        ]  # fmt: skip
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | Qgis.ProcessingParameterFlag.Advanced)
            self.addParameter(parameter)
        add_download_parameters(self, advanced_download=True)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Report (HTML)"), "HTML files (*.html)", optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ADDED, self.tr("Values added or updated")))
        self.addOutput(QgsProcessingOutputString(self.INDICATORS, self.tr("Indicator ids (comma-separated)")))

    def _add_optional_texts(self, texts: list[tuple[str, str]]) -> None:
        """Add optional text parameters: (name, label)."""
        for name, label in texts:
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))

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
        from ..core.store.store_sources import load_online_table
        from ..settings import suppressed_markers

        store = store_location(self.parameterAsString(parameters, STORE, context))
        source = TABLE_OR_ONLINE_SOURCES[self.parameterAsEnum(parameters, SOURCE, context)]
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
            query = read_online_query(self, parameters, context, source)
            with tempfile.TemporaryDirectory(dir=QgsProcessingUtils.tempFolder()) as folder:
                refresh = self.parameterAsBoolean(parameters, REFRESH, context)
                fetcher = self.online_fetcher(feedback)
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
