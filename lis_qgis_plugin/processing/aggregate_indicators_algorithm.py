"""lis:aggregateindicators - small-area values to wards, MSOAs, districts or drawn polygons.

A thin shell over core.aggregation.aggregate_indicators: this module reads the parameters, calls
aggregate_indicators, pushes its log and turns every input problem into a
QgsProcessingException that says what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.aggregation.aggregate_indicators import METHOD_PARAMETERS, aggregate_indicators
from ..core.aggregation.aggregation import Measure, parse_ratios
from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label
from .target_parameters import add_target_parameters


class AggregateIndicatorsAlgorithm(LisAlgorithm):
    """Sum counts and average rates of small areas over the larger areas that contain them."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    INPUT = "INPUT"
    CODE_FIELD = "CODE_FIELD"
    TARGET = "TARGET"
    TARGET_CODE_FIELD = "TARGET_CODE_FIELD"
    LOOKUP = "LOOKUP"
    CENTROIDS = "CENTROIDS"
    FIELDS_SUM = "FIELDS_SUM"
    FIELDS_MEAN = "FIELDS_MEAN"
    FIELDS_WEIGHTED_MEAN = "FIELDS_WEIGHTED_MEAN"
    FIELDS_MIN = "FIELDS_MIN"
    FIELDS_MAX = "FIELDS_MAX"
    FIELDS_RATIO = "FIELDS_RATIO"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    OUTPUT = "OUTPUT"
    AREAS_ASSIGNED = "AREAS_ASSIGNED"
    AREAS_UNASSIGNED = "AREAS_UNASSIGNED"

    def name(self) -> str:
        return "aggregateindicators"

    def displayName(self) -> str:
        return self.tr("Aggregate indicators to larger areas")

    def shortHelpString(self) -> str:
        return self.tr(
            "Aggregates values of small areas (for example LSOAs) to larger areas: wards, MSOAs, districts, or "
            "polygons you drew.\n\n"
            "Each small area goes to one target area:\n"
            "- with a lookup file (CSV or XLSX, small-area code -> target code, such as a best-fit LSOA to ward "
            "lookup), through the lookup. Its two code columns are found automatically;\n"
            "- without one, by location: the target polygon that contains the small area's point on surface (a "
            "point always inside it), or its point in the centroids layer when you give one (one point per small "
            "area with the same codes, such as population-weighted centroids: areas split by a boundary go where "
            "their people live). Layers in different CRSs are handled.\n\n"
            "Choose how each field is aggregated: sum for counts (population, cases), mean, minimum, maximum, and "
            "population-weighted mean for rates, scores and ranks (choose the population field as weight). NULL "
            "values are left out and never count as 0; a target whose small areas all have NULL gets NULL.\n\n"
            "A rate or share whose counts are known is best made as a ratio of sums: FIELDS_RATIO takes "
            "numerator/denominator pairs of field names, optionally with *100 (a percentage) or *1000 (per 1,000), "
            "separated by commas or new lines, for example pop_60plus_mid2015/pop_total_mid2015*100. Each target gets "
            "sum of numerators / sum of denominators over its small areas with both values, never a mean of the "
            "small areas' ratios, in a field NUMERATOR_per_DENOMINATOR (NUMERATOR_pct_DENOMINATOR for *100, "
            "NUMERATOR_per1000_DENOMINATOR for *1000), with the sums of both fields; small areas missing either value "
            "are left out of the ratio and named (then RATIO_den holds the sum of the denominator over the areas "
            "used); a target whose denominators add up to 0 gets NULL and is named in the log. The unit (%, per "
            "1,000 or proportion) and the numerator and denominator are stored in the GeoPackage, so "
            "lis:exportatlas makes the district's value the same way.\n\n"
            "The output GeoPackage has every target area with its fields, n_areas (how many small areas it "
            "received), one field per aggregate (FIELD_sum, _mean, _wmean, _min, _max) and, per field, how many "
            "small areas had a value (FIELD_n). The log gives the totals in and out, and names every small area "
            "left out and every target area that received none. The inputs are never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Small areas with values (for example LSOAs)"),
                [Qgis.ProcessingSourceType.VectorPolygon, Qgis.ProcessingSourceType.VectorPoint],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("Small-area code field (empty: found automatically)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        add_target_parameters(
            self,
            self.tr("Target areas (wards, MSOAs, districts or any polygons)"),
            self.tr("Lookup small-area code -> target code (CSV/XLSX; empty: aggregate by location)"),
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.CENTROIDS,
                self.tr(
                    "Centroids: one point per small area with its code, such as population-weighted centroids "
                    "(without LOOKUP; empty: point on surface)"
                ),
                [Qgis.ProcessingSourceType.VectorPoint],
                optional=True,
            )
        )
        for name, label in (
            (self.FIELDS_SUM, self.tr("Fields to sum (counts: population, cases)")),
            (self.FIELDS_MEAN, self.tr("Fields to average (mean)")),
            (self.FIELDS_WEIGHTED_MEAN, self.tr("Fields to average weighted by population (rates, scores, ranks)")),
            (self.FIELDS_MIN, self.tr("Fields to take the minimum of")),
            (self.FIELDS_MAX, self.tr("Fields to take the maximum of")),
        ):
            self.addParameter(
                QgsProcessingParameterField(
                    name,
                    label,
                    parentLayerParameterName=self.INPUT,
                    type=Qgis.ProcessingFieldParameterDataType.Numeric,
                    allowMultiple=True,
                    optional=True,
                )
            )
        self.addParameter(
            QgsProcessingParameterString(
                self.FIELDS_RATIO,
                self.tr(
                    "Ratios of sums: numerator/denominator field pairs, optionally *100 or *1000, one per line "
                    "(for example pop_60plus_mid2015/pop_total_mid2015*100)"
                ),
                multiLine=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                self.tr("Weight for weighted means (population field)"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Aggregated areas (GeoPackage)"), Qgis.ProcessingSourceType.VectorPolygon
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.AREAS_ASSIGNED, self.tr("Small areas assigned")))
        self.addOutput(QgsProcessingOutputNumber(self.AREAS_UNASSIGNED, self.tr("Small areas not assigned")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        lookup = self.parameterAsFile(parameters, self.LOOKUP, context).strip()
        areas = self.input_layer(parameters, self.INPUT, context)
        targets = self.input_layer(parameters, self.TARGET, context)
        assert areas is not None and targets is not None  # required: input_layer raises for a missing one
        outcome = aggregate_indicators(
            areas,
            targets,
            self.gpkg_output(parameters, self.OUTPUT, context),
            [
                Measure(name, method)
                for parameter, method in METHOD_PARAMETERS
                for name in self.parameterAsStrings(parameters, parameter, context)
            ],
            weight_field=next(iter(self.parameterAsStrings(parameters, self.WEIGHT_FIELD, context)), None),
            area_field=self.parameterAsString(parameters, self.CODE_FIELD, context),
            target_field=self.parameterAsString(parameters, self.TARGET_CODE_FIELD, context),
            lookup=Path(lookup) if lookup else None,
            centroids=self.input_layer(parameters, self.CENTROIDS, context, optional=True),
            feedback=feedback,
            transform_context=context.transformContext(),
            ratios=parse_ratios(self._ratio_texts(parameters, context)),
        )
        self.push_log(feedback, outcome.log)
        feedback.pushInfo(self.tr("Wrote {0}").format(outcome.uri))
        what = self.tr("{0} by {1}").format(short_label(layer_label(areas)), short_label(layer_label(targets)))
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {
            self.OUTPUT: outcome.uri,
            self.AREAS_ASSIGNED: outcome.assigned,
            self.AREAS_UNASSIGNED: outcome.unassigned,
        }

    def _ratio_texts(self, parameters: dict[str, Any], context: QgsProcessingContext) -> list[str]:
        """The FIELDS_RATIO pairs: a Python list, or one text split at new lines, ';' or ',' (not 1,000's)."""
        given = parameters.get(self.FIELDS_RATIO)
        if isinstance(given, (list, tuple)):
            return [str(item) for item in given]
        text = self.parameterAsString(parameters, self.FIELDS_RATIO, context) or ""
        return re.split(r"[\n;]+|,(?!\d)", text)
