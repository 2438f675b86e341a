"""lis:joinindicators - join an indicator table onto boundaries (a thin shell over core.indicators.join_indicators)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label
from .target_parameters import TABLE_FILTER


def split_field_list(text: str) -> list[str]:
    """'Rank; Decile' or one name per line -> names (semicolons, since column names contain commas)."""
    return [name.strip() for name in re.split(r"[;\n]", text or "") if name.strip()]


class JoinIndicatorsAlgorithm(LisAlgorithm):
    """Join indicator tables onto boundaries and explain every mismatch."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    BOUNDARIES = "BOUNDARIES"
    BOUNDARY_CODE_FIELD = "BOUNDARY_CODE_FIELD"
    TABLE = "TABLE"
    SHEET = "SHEET"
    TABLE_CODE_FIELD = "TABLE_CODE_FIELD"
    FIELDS = "FIELDS"
    PERIOD = "PERIOD"
    DUPLICATES = "DUPLICATES"
    LOOKUP = "LOOKUP"
    METADATA = "METADATA"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"
    REPORT_JSON = "REPORT_JSON"
    MATCHED = "MATCHED"
    UNMATCHED_BOUNDARIES = "UNMATCHED_BOUNDARIES"
    UNMATCHED_ROWS = "UNMATCHED_ROWS"

    def name(self) -> str:
        return "joinindicators"

    def displayName(self) -> str:
        return self.tr("Join indicators to boundaries")

    def shortHelpString(self) -> str:
        return self.tr(
            "Joins an indicator table (CSV, TSV, XLSX, ODS, or a table layer: give its layer name) onto boundaries "
            "by area code and writes a NEW GeoPackage layer: every boundary feature, field and geometry, plus typed "
            "indicator fields whose original column names are kept as aliases. Inputs are never modified.\n\n"
            "It reads tables as published: UTF-8 with or without BOM or Windows-1252, title rows above the header, "
            'thousands separators ("29,199"), percent signs and suppressed values (*, .., -, c, x, n/a: NULL, '
            "each counted). Long tables (code, indicator, period, value, as Fingertips exports) are pivoted, "
            "using the latest period unless you give one.\n\n"
            "Code fields are found automatically (ONS codes such as E01000001). The report lists every boundary "
            "with no row, every row with no boundary, duplicate codes, suppressed and unreadable values, and says "
            "when a table of 2011 LSOAs meets 2021 boundaries; a lookup table (e.g. LSOA11CD to LSOA21CD) converts "
            "the codes. Indicator metadata (source, period, unit, polarity) is read from a 'Metadata' sheet or a "
            "metadata table and stored in the GeoPackage for maps and reports."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        from ..core.indicators.indicator_join import DUPLICATE_LABELS, DUPLICATE_POLICIES

        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.BOUNDARIES,
                self.tr("Boundaries (LSOA, MSOA, ward, district...)"),
                [Qgis.ProcessingSourceType.VectorAnyGeometry],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.BOUNDARY_CODE_FIELD,
                self.tr("Code field of the boundaries (empty: find it)"),
                parentLayerParameterName=self.BOUNDARIES,
                type=Qgis.ProcessingFieldParameterDataType.String,
                optional=True,
            )
        )
        table = QgsProcessingParameterFile(self.TABLE, self.tr("Indicator table (file, or the name of a table layer)"))
        table.setFileFilter(TABLE_FILTER)
        self.addParameter(table)
        sheet = QgsProcessingParameterString(self.SHEET, self.tr("Sheet (workbooks; empty: first)"), optional=True)
        self.addParameter(sheet)
        self.addParameter(
            QgsProcessingParameterString(
                self.TABLE_CODE_FIELD, self.tr("Code column in the table (empty: find it)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.FIELDS, self.tr("Columns to join, separated by ; (empty: all)"), multiLine=True, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.PERIOD, self.tr("Period, for long tables (empty: latest)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DUPLICATES,
                self.tr("Codes on more than one row"),
                [self.tr(DUPLICATE_LABELS[key]) for key in DUPLICATE_POLICIES],
                defaultValue=0,
            )
        )
        lookup = QgsProcessingParameterFile(
            self.LOOKUP, self.tr("Code lookup to convert the table's codes (e.g. LSOA 2011 to 2021)"), optional=True
        )
        lookup.setFileFilter(TABLE_FILTER)
        self.addParameter(lookup)
        metadata = QgsProcessingParameterFile(
            self.METADATA,
            self.tr("Indicator metadata table (Indicator, Source, Period, Unit, Polarity)"),
            optional=True,
        )
        metadata.setFileFilter(TABLE_FILTER)
        self.addParameter(metadata)
        output = QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Joined layer (GeoPackage)"), Qgis.ProcessingSourceType.VectorAnyGeometry
        )
        output.setSupportsNonFileBasedOutput(False)
        self.addParameter(output)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Join report (HTML)"), "HTML files (*.html)", optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputFile(self.REPORT_JSON, self.tr("Join report (JSON)")))
        self.addOutput(QgsProcessingOutputNumber(self.MATCHED, self.tr("Boundary codes matched")))
        self.addOutput(QgsProcessingOutputNumber(self.UNMATCHED_BOUNDARIES, self.tr("Boundary codes with no row")))
        self.addOutput(QgsProcessingOutputNumber(self.UNMATCHED_ROWS, self.tr("Table rows with no boundary")))

    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """Let any TABLE text through to process(), which explains what is wrong with it.

        The file parameter rejects a name without a table extension with a bare "Incorrect
        parameter value": but TABLE may name a table layer of the project, and a folder or a
        missing file deserves a message that says so.
        """
        ok, message = super().checkParameterValues(parameters, context)
        value = parameters.get(self.TABLE)
        if not ok and isinstance(value, str) and value.strip():
            return super().checkParameterValues({**parameters, self.TABLE: "table.csv"}, context)
        return ok, message

    def _table(self, parameters: dict[str, Any], context: QgsProcessingContext) -> str | QgsVectorLayer:
        """A file path, or a table layer of the project named by id or name."""
        value = self.parameterAsFile(parameters, self.TABLE, context)
        if not value:
            raise QgsProcessingException(self.tr("Choose an indicator table (TABLE)."))
        if Path(value).exists():
            return value  # the core reader explains folders and unreadable files
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
        if isinstance(layer, QgsVectorLayer):
            return layer
        raise QgsProcessingException(
            self.tr("{0}: no such file, and no table layer of that name is open. Check the path.").format(value)
        )

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.indicators.indicator_join import DUPLICATE_POLICIES
        from ..core.indicators.join_indicators import join_indicators
        from ..settings import suppressed_markers

        boundaries = self.input_layer(parameters, self.BOUNDARIES, context)
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        destination = self.gpkg_output(parameters, self.OUTPUT, context)
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        lookup = self.parameterAsFile(parameters, self.LOOKUP, context)
        metadata = self.parameterAsFile(parameters, self.METADATA, context)
        table = self._table(parameters, context)
        markers = suppressed_markers()  # read here: the core reads no settings
        outcome = join_indicators(
            boundaries,
            table,
            destination,
            boundary_field=self.parameterAsString(parameters, self.BOUNDARY_CODE_FIELD, context) or None,
            sheet=self.parameterAsString(parameters, self.SHEET, context) or None,
            table_code_field=self.parameterAsString(parameters, self.TABLE_CODE_FIELD, context) or None,
            fields=split_field_list(self.parameterAsString(parameters, self.FIELDS, context)),
            period=self.parameterAsString(parameters, self.PERIOD, context) or None,
            duplicates=DUPLICATE_POLICIES[self.parameterAsEnum(parameters, self.DUPLICATES, context)],
            lookup=Path(lookup) if lookup else None,
            report_html=Path(report) if report else None,
            metadata_file=Path(metadata) if metadata else None,
            markers=markers,
            feedback=feedback,
        )
        for line in outcome.report.log_lines():
            feedback.pushInfo(line)
        if outcome.report_html:
            feedback.pushInfo(self.tr("Report: {0} (and {1})").format(outcome.report_html, outcome.report_json))
        source = short_label(layer_label(table) if isinstance(table, QgsVectorLayer) else Path(table).stem)
        what = self.tr("{0} + {1}").format(short_label(layer_label(boundaries)), source)
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        plan = outcome.report.plan
        return {
            self.OUTPUT: outcome.uri,
            self.REPORT: str(outcome.report_html) if outcome.report_html else None,
            self.REPORT_JSON: str(outcome.report_json) if outcome.report_json else None,
            self.MATCHED: plan.matched_count,
            self.UNMATCHED_BOUNDARIES: len(plan.unmatched_boundaries),
            self.UNMATCHED_ROWS: len(plan.unmatched_rows),
        }
