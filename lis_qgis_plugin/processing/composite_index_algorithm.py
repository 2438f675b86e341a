"""lis:compositeindex - combine several indicators into one composite index (a thin shell over core.deprivation)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.deprivation.composite_index import (
    MISSING_LABELS,
    MISSING_RULES,
    STANDARDISATION_LABELS,
    STANDARDISATIONS,
    composite_index,
)
from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label


class CompositeIndexAlgorithm(LisAlgorithm):
    """Standardise, orient, weight and add up indicators; rank and decile the areas."""

    GROUP_ID = "deprivation"
    GROUP = "Deprivation"  # translated by LisAlgorithm.group()
    INPUT = "INPUT"
    FIELDS = "FIELDS"
    DIRECTIONS = "DIRECTIONS"
    STANDARDISE = "STANDARDISE"
    EXPONENTIAL = "EXPONENTIAL"
    WEIGHTS = "WEIGHTS"
    MISSING = "MISSING"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "compositeindex"

    def displayName(self) -> str:
        return self.tr("Composite index from several indicators")

    def shortHelpString(self) -> str:
        return self.tr(
            "Combines several numeric indicators of the same areas into one composite index, as the Index of "
            "Multiple Deprivation combines its domains, and writes a NEW GeoPackage layer: every input feature plus "
            "composite_score (higher = more deprived), composite_rank (1 = most deprived), composite_decile (deciles "
            "of this layer, 1 = most deprived tenth; not England's deciles) and contrib_FIELD, each indicator's "
            "weighted standardised contribution. The contributions add up to the score. An area code on more than "
            "one feature is refused, naming it (it would count twice). Inputs are never modified.\n\n"
            "DIRECTIONS: one per field, in the order of FIELDS, separated by ';': 'higher is worse' or 'higher is "
            "better' (IMD ranks, where 1 = most deprived, are 'higher is better'). An empty entry takes the polarity "
            "stored by 'Join indicators' for that field, else 'higher is worse'.\n\n"
            "STANDARDISE: z-score, (value - mean) / standard deviation (divisor n); or rank: ranks from least to most "
            "deprived (ties averaged) scaled to 0-1 as (rank - 0.5) / n, the IMD convention. EXPONENTIAL (ranks only) "
            "applies the IMD exponential transformation -23 ln(1 - R (1 - exp(-100/23))), on a 0-100 scale, which "
            "limits how much a good result on one indicator cancels a bad one on another.\n\n"
            "WEIGHTS: one number per field, separated by ';' (empty: equal weights); none negative. They are "
            "normalised to sum to 1: the IMD weights are 0.225;0.225;0.135;0.135;0.093;0.093;0.093.\n\n"
            "MISSING: leave the area out (NULL score, rank and decile when any indicator is NULL), or re-weight the "
            "indicators the area has (their weights re-normalised to sum to 1). The log names these areas, and "
            "explains the most and the least deprived area."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT, self.tr("Areas with indicators"), [Qgis.ProcessingSourceType.VectorAnyGeometry]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Indicators to combine (numeric fields)"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
                allowMultiple=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.DIRECTIONS,
                self.tr(
                    "Directions, one per field separated by ; (higher is worse / higher is better; empty: metadata)"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.STANDARDISE,
                self.tr("Standardisation"),
                [self.tr(STANDARDISATION_LABELS[key]) for key in STANDARDISATIONS],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.EXPONENTIAL, self.tr("Apply the IMD exponential transformation to the ranks"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.WEIGHTS, self.tr("Weights, one per field separated by ; (empty: equal)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.MISSING,
                self.tr("Areas with NULL values"),
                [self.tr(MISSING_LABELS[key]) for key in MISSING_RULES],
                defaultValue=0,
            )
        )
        output = QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Composite index (GeoPackage)"), Qgis.ProcessingSourceType.VectorAnyGeometry
        )
        output.setSupportsNonFileBasedOutput(False)
        self.addParameter(output)

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        layer = self.input_layer(parameters, self.INPUT, context)
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        outcome = composite_index(
            layer,
            self.gpkg_output(parameters, self.OUTPUT, context),
            self.parameterAsStrings(parameters, self.FIELDS, context),
            directions=self.parameterAsString(parameters, self.DIRECTIONS, context),
            standardisation=STANDARDISATIONS[self.parameterAsEnum(parameters, self.STANDARDISE, context)],
            exponential=self.parameterAsBoolean(parameters, self.EXPONENTIAL, context),
            weights=self.parameterAsString(parameters, self.WEIGHTS, context),
            missing=MISSING_RULES[self.parameterAsEnum(parameters, self.MISSING, context)],
            feedback=feedback,
        )
        self.push_log(feedback, outcome.log)
        what = self.tr("{0} – composite index of {1} indicators").format(
            short_label(layer_label(layer)), len(self.parameterAsStrings(parameters, self.FIELDS, context))
        )
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {self.OUTPUT: outcome.uri}
