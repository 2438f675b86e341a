"""lis:exportwebreport - an interactive area report in one folder, for any web server or to open from disk (a thin
shell over core.web)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .indicator_layer_algorithm import split_ids
from .lis_algorithm import LisAlgorithm
from .store_parameters import STORE, add_store_parameter, store_location


class ExportWebReportAlgorithm(LisAlgorithm):
    """Write the web report folder: index.html, its script and styles, and data.js with the store's figures."""

    GROUP_ID = "reports"
    GROUP = "Reports"  # translated by LisAlgorithm.group()
    BOUNDARIES = "BOUNDARIES"
    CODE_FIELD = "CODE_FIELD"
    NAME_FIELD = "NAME_FIELD"
    INDICATORS = "INDICATORS"
    TITLE = "TITLE"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    INDEX_HTML = "INDEX_HTML"
    DATA_BYTES = "DATA_BYTES"

    def name(self) -> str:
        return "exportwebreport"

    def displayName(self) -> str:
        return self.tr("Export web report (interactive map and area profiles)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes a NEW folder (OUTPUT_FOLDER, which must not exist or be empty) holding an interactive report of "
            "the BOUNDARIES' areas: index.html, lis-report.js, lis-report.css and data.js. Open index.html in a "
            "browser from disk, email the folder, or put it on any web server: nothing is fetched from another "
            "site, and no server program is needed.\n\n"
            "The reader chooses an indicator and a period and sees the map (national deciles for IMD deciles, five "
            "classes otherwise), a sortable table of all areas, a CSV download, and each area's profile: its "
            "values with confidence limits, the district and England, significance against England, the recent "
            "trend and the same headline as the printed profile (lis:exportatlas).\n\n"
            "INDICATORS: store ids separated by commas (empty: every indicator of the store with values for these "
            "areas), with every period the store holds. England is the store's E92000001 rows. TITLE empty: "
            "'<district> <area word> profiles'.\n\n"
            "Size: about 180 LSOAs with 30 indicators of 5 periods make a data.js under 3 MB (the areas are "
            "simplified to about 5 m). The report is written to a temporary folder beside OUTPUT_FOLDER and renamed "
            "at the end, so a failure or a cancel leaves nothing; the boundaries and the store are only read."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.BOUNDARIES, self.tr("Areas of the report (polygons)"), [Qgis.ProcessingSourceType.VectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("Area code field (empty: found automatically)"),
                parentLayerParameterName=self.BOUNDARIES,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.NAME_FIELD,
                self.tr("Area name field (empty: found automatically)"),
                parentLayerParameterName=self.BOUNDARIES,
                type=Qgis.ProcessingFieldParameterDataType.String,
                optional=True,
            )
        )
        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.INDICATORS, self.tr("Indicators (store ids, separated by commas; empty: all)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TITLE, self.tr("Title (empty: '<district> <area word> profiles')"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Report folder (new or empty)"))
        )
        self.addOutput(QgsProcessingOutputFile(self.INDEX_HTML, self.tr("The report's index.html")))
        self.addOutput(QgsProcessingOutputNumber(self.DATA_BYTES, self.tr("Size of data.js (bytes)")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.web.web_report import DATA_FILE, report_data, write_web_report

        layer = self.input_layer(parameters, self.BOUNDARIES, context)
        folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        report = report_data(
            layer,
            store_location(self.parameterAsString(parameters, STORE, context)),
            split_ids(self.parameterAsString(parameters, self.INDICATORS, context)),
            self.parameterAsString(parameters, self.TITLE, context),
            self.optional_text(parameters, self.CODE_FIELD, context),
            self.optional_text(parameters, self.NAME_FIELD, context),
            feedback,
        )
        index = write_web_report(folder, report, feedback)
        size = (index.parent / DATA_FILE).stat().st_size
        feedback.pushInfo(
            self.tr("Web report of {0} areas and {1} indicators: open {2} in a browser (data.js: {3:,} bytes).").format(
                len(report["areas"]), len(report["indicators"]), index, size
            )
        )
        return {self.OUTPUT_FOLDER: str(index.parent), self.INDEX_HTML: str(index), self.DATA_BYTES: size}
