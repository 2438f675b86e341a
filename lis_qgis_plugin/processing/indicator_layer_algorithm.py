"""lis:indicatorlayer - stored indicators at a period, joined onto boundaries (a thin shell over core.store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label
from .store_parameters import STORE, add_store_parameter, store_location


def split_ids(text: str) -> list[str]:
    """'imd2025_decile, imd2025_rank' -> ids (ids are slugs, so commas, semicolons and spaces separate them)."""
    return [item for item in text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",") if item]


class IndicatorLayerAlgorithm(LisAlgorithm):
    """Map stored indicators: their values at one period joined onto a stored boundary set or a polygon layer."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    INDICATORS = "INDICATORS"
    PERIOD = "PERIOD"
    BOUNDARY_SET = "BOUNDARY_SET"
    BOUNDARIES = "BOUNDARIES"
    BOUNDARY_CODE_FIELD = "BOUNDARY_CODE_FIELD"
    DUPLICATES = "DUPLICATES"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"
    REPORT_JSON = "REPORT_JSON"
    MATCHED = "MATCHED"
    UNMATCHED_BOUNDARIES = "UNMATCHED_BOUNDARIES"

    def name(self) -> str:
        return "indicatorlayer"

    def displayName(self) -> str:
        return self.tr("Indicator layer from the store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes a NEW GeoPackage layer of indicators kept in the indicator store, at one period: each "
            "indicator's latest period by default, or the period you name. The values are joined onto a boundary "
            "set of the store (by name, e.g. 'LSOA 2021') or onto any polygon layer, exactly as 'Join indicators "
            "to boundaries' joins a table: the same fields, aliases, indicator metadata (source, period, unit, "
            "polarity) and report, so the deprivation map, summary, composite index, atlas and catchments take "
            "the layer as they take a joined one.\n\n"
            "When the indicators were published for other areas than the boundaries (IoD2019 on 2011 LSOAs, "
            "boundaries of 2021), the store's lookup between the two converts the codes; add lookups with "
            "'Add a code lookup to the store'. Indicator ids are separated by commas."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        from ..core.indicators.indicator_join import DUPLICATE_LABELS, DUPLICATE_POLICIES

        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(self.INDICATORS, self.tr("Indicators (ids, separated by commas)"))
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.PERIOD, self.tr("Period ('latest': each indicator's newest)"), defaultValue="latest"
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.BOUNDARY_SET,
                self.tr("Boundary set of the store (its name; or choose a layer below)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.BOUNDARIES,
                self.tr("Boundaries (a polygon layer; or a boundary set above)"),
                [Qgis.ProcessingSourceType.VectorPolygon],
                optional=True,
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
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DUPLICATES,
                self.tr("Areas receiving several values through a lookup"),
                [self.tr(DUPLICATE_LABELS[key]) for key in DUPLICATE_POLICIES],
                defaultValue=0,
            )
        )
        output = QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Indicator layer (GeoPackage)"), Qgis.ProcessingSourceType.VectorPolygon
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
        self.addOutput(QgsProcessingOutputNumber(self.UNMATCHED_BOUNDARIES, self.tr("Boundary codes with no value")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.indicators.indicator_join import DUPLICATE_POLICIES
        from ..core.store.indicator_layer import indicator_layer

        store = store_location(self.parameterAsString(parameters, STORE, context))
        boundaries = self.input_layer(parameters, self.BOUNDARIES, context, optional=True)
        boundary_set = self.parameterAsString(parameters, self.BOUNDARY_SET, context).strip()
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        destination = self.gpkg_output(parameters, self.OUTPUT, context)
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        ids = split_ids(self.parameterAsString(parameters, self.INDICATORS, context))
        outcome = indicator_layer(
            store,
            ids,
            destination,
            period=self.parameterAsString(parameters, self.PERIOD, context).strip() or "latest",
            boundaries=boundaries,
            boundary_set_name=boundary_set,
            boundary_field=self.optional_text(parameters, self.BOUNDARY_CODE_FIELD, context),
            duplicates=DUPLICATE_POLICIES[self.parameterAsEnum(parameters, self.DUPLICATES, context)],
            report_html=Path(report) if report else None,
            feedback=feedback,
        )
        for line in outcome.report.log_lines():
            feedback.pushInfo(line)
        if outcome.report_html:
            feedback.pushInfo(self.tr("Report: {0} (and {1})").format(outcome.report_html, outcome.report_json))
        where = layer_label(boundaries) if boundaries is not None else boundary_set
        what = self.tr("{0} + {1}").format(short_label(where), short_label(", ".join(ids)))
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        plan = outcome.report.plan
        return {
            self.OUTPUT: outcome.uri,
            self.REPORT: str(outcome.report_html) if outcome.report_html else None,
            self.REPORT_JSON: str(outcome.report_json) if outcome.report_json else None,
            self.MATCHED: plan.matched_count,
            self.UNMATCHED_BOUNDARIES: len(plan.unmatched_boundaries),
        }
