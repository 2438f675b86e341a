"""lis:indicatorstatistics - values with 95% and 99.8% confidence limits, as PHEindicatormethods computes them.

A thin shell over core.aggregation.indicator_statistics: it reads the parameters, calls indicator_statistics
and pushes its log; the core function's IndicatorStatisticsError becomes the message the user reads.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label

#: MULTIPLIER's options, in order: None is the method's usual one.
MULTIPLIER_CHOICES = (None, 100.0, 1_000.0, 100_000.0)


class IndicatorStatisticsAlgorithm(LisAlgorithm):
    """Give each row (or area) its value and confidence limits: Wilson, Byar, Student's t or Dobson."""

    GROUP_ID = "indicators"
    GROUP = "Indicators"  # translated by LisAlgorithm.group()
    INPUT = "INPUT"
    METHOD = "METHOD"
    COUNT_FIELD = "COUNT_FIELD"
    DENOMINATOR_FIELD = "DENOMINATOR_FIELD"
    VALUE_FIELD = "VALUE_FIELD"
    AREA_FIELD = "AREA_FIELD"
    AGE_BAND_FIELD = "AGE_BAND_FIELD"
    MULTIPLIER = "MULTIPLIER"
    CONFIDENCE = "CONFIDENCE"
    OUTPUT = "OUTPUT"
    ROWS_WITH_VALUE = "ROWS_WITH_VALUE"
    ROWS_WITHOUT_VALUE = "ROWS_WITHOUT_VALUE"

    def name(self) -> str:
        return "indicatorstatistics"

    def displayName(self) -> str:
        return self.tr("Indicator values with confidence limits")

    def shortHelpString(self) -> str:
        return self.tr(
            "Gives rows with a count and a denominator (or values to average) their value and its 95% and 99.8% "
            "confidence limits, computed as the public-health reference, the R package PHEindicatormethods, does:\n"
            "- proportion: count / denominator, Wilson score limits;\n"
            "- crude rate: count / population, Byar's limits;\n"
            "- mean: the mean of VALUE_FIELD over the rows of each area (AREA_FIELD), Student's t limits;\n"
            "- directly standardised rate: rows per area and five-year age band (AGE_BAND_FIELD: 0-4, 5-9, ... "
            "90+) with a count and a population, standardised to the 2013 European Standard Population, Dobson's "
            "limits; one row per area. As in PHEindicatormethods, an area with fewer than 10 events gets no value.\n\n"
            "MULTIPLIER: per 100 (a percentage), per 1,000 or per 100,000; by default % for proportions and per "
            "100,000 for rates. CONFIDENCE: 95%, 99.8% or both.\n\n"
            "The output GeoPackage keeps the input's rows, fields and geometry (one row per area for means and "
            "standardised rates) and adds value, lower95, upper95, lower998, upper998 and note, which says why a "
            "value or limit is missing (no count, no denominator, too few events). Limits the input already gives "
            "(Fingertips' 'Lower CI 95.0 limit' and 'Upper CI 95.0 limit', or lower95 and upper95) are kept, not "
            "recomputed, and the log says so. A negative count or denominator, or a proportion's count above its "
            "denominator, stops the run with the row and field named. The input is never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Rows with counts and denominators (a layer, GeoPackage table or CSV)"),
                [Qgis.ProcessingSourceType.Vector],
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD,
                self.tr("Method"),
                [
                    self.tr("Proportion (Wilson score)"),
                    self.tr("Crude rate (Byar's method)"),
                    self.tr("Mean (Student's t)"),
                    self.tr("Directly standardised rate (Dobson, 2013 European Standard Population)"),
                ],
                defaultValue=0,
            )
        )
        for name, label in (
            (self.COUNT_FIELD, self.tr("Count field (events, people with the condition)")),
            (self.DENOMINATOR_FIELD, self.tr("Denominator field (population)")),
            (self.VALUE_FIELD, self.tr("Value field (for means)")),
            (self.AREA_FIELD, self.tr("Area field (groups rows for means and standardised rates)")),
            (self.AGE_BAND_FIELD, self.tr("Age band field (for standardised rates: 0-4, 5-9, ... 90+)")),
        ):
            self.addParameter(
                QgsProcessingParameterField(name, label, parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.MULTIPLIER,
                self.tr("Multiplier"),
                [
                    self.tr("The method's usual (% for proportions, per 100,000 for rates)"),
                    self.tr("Per 100 (%)"),
                    self.tr("Per 1,000"),
                    self.tr("Per 100,000"),
                ],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.CONFIDENCE,
                self.tr("Confidence levels"),
                [self.tr("95% and 99.8%"), self.tr("95%"), self.tr("99.8%")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Values with confidence limits (GeoPackage)"), Qgis.ProcessingSourceType.Vector
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ROWS_WITH_VALUE, self.tr("Rows with a value")))
        self.addOutput(QgsProcessingOutputNumber(self.ROWS_WITHOUT_VALUE, self.tr("Rows without a value")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        # imported here: scipy is heavy, and loading the plugin must stay light (qgis_process, QGIS start-up)
        from ..core.aggregation.indicator_statistics import METHODS, StatisticsRequest, indicator_statistics
        from ..core.statistics.confidence import CONFIDENCE_LEVELS

        layer = self.input_layer(parameters, self.INPUT, context)
        assert layer is not None  # required: input_layer raises for a missing one
        levels = (CONFIDENCE_LEVELS, CONFIDENCE_LEVELS[:1], CONFIDENCE_LEVELS[1:])  # CONFIDENCE's options
        request = StatisticsRequest(
            METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            count_field=self.parameterAsString(parameters, self.COUNT_FIELD, context),
            denominator_field=self.parameterAsString(parameters, self.DENOMINATOR_FIELD, context),
            value_field=self.parameterAsString(parameters, self.VALUE_FIELD, context),
            area_field=self.parameterAsString(parameters, self.AREA_FIELD, context),
            age_band_field=self.parameterAsString(parameters, self.AGE_BAND_FIELD, context),
            multiplier=MULTIPLIER_CHOICES[self.parameterAsEnum(parameters, self.MULTIPLIER, context)],
            confidences=levels[self.parameterAsEnum(parameters, self.CONFIDENCE, context)],
        )
        outcome = indicator_statistics(layer, self.gpkg_output(parameters, self.OUTPUT, context), request, feedback)
        self.push_log(feedback, outcome.log)
        feedback.pushInfo(self.tr("Wrote {0}").format(outcome.uri))
        what = self.tr("{0} with confidence limits").format(short_label(layer_label(layer)))
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {
            self.OUTPUT: outcome.uri,
            self.ROWS_WITH_VALUE: outcome.with_value,
            self.ROWS_WITHOUT_VALUE: outcome.rows - outcome.with_value,
        }
