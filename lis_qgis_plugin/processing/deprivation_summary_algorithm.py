"""lis:deprivationsummary - MHCLG's summary measures of deprivation for wards, districts or any polygons.

A thin shell over core.deprivation.deprivation_summary: this module reads the parameters, calls
deprivation_summary, pushes its log and turns every input problem into a
QgsProcessingException that says what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterField,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.deprivation.deprivation_summary import deprivation_summary
from ..core.io.layer_codes import layer_label
from .deprivation_map_algorithm import national_n_parameter, national_n_value
from .lis_algorithm import LisAlgorithm
from .output_loading import load_on_completion, short_label
from .target_parameters import add_target_parameters


class DeprivationSummaryAlgorithm(LisAlgorithm):
    """Average score and rank, extent, local concentration and decile counts of the LSOAs in each target."""

    GROUP_ID = "deprivation"
    GROUP = "Deprivation"  # translated by LisAlgorithm.group()
    INPUT = "INPUT"
    CODE_FIELD = "CODE_FIELD"
    SCORE_FIELD = "SCORE_FIELD"
    RANK_FIELD = "RANK_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    NATIONAL_N = "NATIONAL_N"
    TARGET = "TARGET"
    TARGET_CODE_FIELD = "TARGET_CODE_FIELD"
    LOOKUP = "LOOKUP"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "deprivationsummary"

    def displayName(self) -> str:
        return self.tr("Deprivation summary measures for any areas")

    def shortHelpString(self) -> str:
        return self.tr(
            "Computes MHCLG's summary measures of the English Indices of Deprivation, published for local "
            "authority districts, for any areas made of LSOAs: wards, districts, catchments or polygons you drew.\n\n"
            "Each LSOA goes to one target area through a lookup file (LSOA code -> target code), or, without one, "
            "to the target polygon containing its point on surface. With r an LSOA's national rank (1 = most "
            "deprived), N the number of LSOAs ranked nationally (IoD2019: 32,844; IoD2025: 33,755) and p its "
            "population, per target:\n"
            "- avg_score = sum(p x score) / sum(p) (when a score field is given);\n"
            "- avg_rank = sum(p x r) / sum(p); lower means more deprived (MHCLG reverses ranks so that the most "
            "deprived is N; its figure is N + 1 - avg_rank);\n"
            "- prop_lsoas_most_deprived_10 = LSOAs in national decile 1 / LSOAs (a count);\n"
            "- extent = sum(p x w) / sum(p), w = 1 in national percentiles 1-10, 0.95 - (0.9 / 19) x (percentile - "
            "11) in percentiles 11-30 (0.95 down to 0.05), 0 beyond: the share of residents in the most deprived "
            "30%, fully counted in the most deprived 10%;\n"
            "- local_concentration = population-weighted mean rank of the target's most deprived LSOAs that hold "
            "exactly 10% of its population; the LSOA crossing the 10% line counts only with the residents needed "
            "to reach 10%;\n"
            "- decile_1 .. decile_10 = LSOAs in each national decile.\n"
            "N: empty NATIONAL_N takes the edition from the LSOA codes (a 2011 code retired in 2021: IoD2019; a code "
            "created in 2021, E01033769 and above, or a rank above 32,844: IoD2025); when the codes cannot tell, set "
            "NATIONAL_N. Ranks above N are refused, and so is an LSOA code on more than one row (it would count "
            "twice).\n"
            "Percentile = ceil(100 r / N) and decile = ceil(10 r / N) are national, never recomputed within the "
            "target. Sources: The English Indices of Deprivation 2019, Technical report (Appendix N) and Research "
            "report (MHCLG, 2019); the R package IMD (calculate_extent) for the extent weights.\n\n"
            "The output GeoPackage has every target with its fields plus n_lsoas, population and the measures "
            "(shares as 0..1). The log says, per target, the share of residents in England's most deprived 10%, "
            "and names every LSOA left out (no target, NULL rank or population). The inputs are never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("LSOAs with national ranks (a layer, or a table when LOOKUP is given)"),
                [Qgis.ProcessingSourceType.Vector],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("LSOA code field (empty: found automatically)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.RANK_FIELD,
                self.tr("National rank field (1 = most deprived)"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                self.tr("Population field (residents per LSOA)"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SCORE_FIELD,
                self.tr("Score field (optional: gives the average score)"),
                parentLayerParameterName=self.INPUT,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(national_n_parameter(self.NATIONAL_N, self.tr))
        add_target_parameters(
            self,
            self.tr("Target areas (wards, districts, catchments or any polygons)"),
            self.tr("Lookup LSOA code -> target code (CSV/XLSX; empty: by location)"),
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Deprivation summary (GeoPackage)"), Qgis.ProcessingSourceType.VectorPolygon
            )
        )

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        lookup = self.parameterAsFile(parameters, self.LOOKUP, context).strip()
        areas = self.input_layer(parameters, self.INPUT, context)
        targets = self.input_layer(parameters, self.TARGET, context)
        assert areas is not None and targets is not None  # required: input_layer raises for a missing one
        outcome = deprivation_summary(
            areas,
            targets,
            self.gpkg_output(parameters, self.OUTPUT, context),
            rank_field=self.parameterAsString(parameters, self.RANK_FIELD, context),
            population_field=self.parameterAsString(parameters, self.POPULATION_FIELD, context),
            national_n=national_n_value(self, parameters, self.NATIONAL_N, context),
            score_field=self.parameterAsString(parameters, self.SCORE_FIELD, context) or None,
            area_field=self.parameterAsString(parameters, self.CODE_FIELD, context),
            target_field=self.parameterAsString(parameters, self.TARGET_CODE_FIELD, context),
            lookup=Path(lookup) if lookup else None,
            feedback=feedback,
            transform_context=context.transformContext(),
        )
        self.push_log(feedback, outcome.log)
        feedback.pushInfo(self.tr("Wrote {0}").format(outcome.uri))
        what = self.tr("{0} – deprivation of {1}").format(
            short_label(layer_label(targets)), short_label(layer_label(areas))
        )
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {self.OUTPUT: outcome.uri}
