"""lis:locateservices - where should new sites (a children's centre, GP surgery, library...) go?

A thin shell over core.location.locate_services (imported when the tool runs, so loading the plugin stays
light): this module reads the parameters, calls locate_services, pushes its log (headline first)
and turns every input problem into a QgsProcessingException that says what to fix.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExpression,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from .lis_algorithm import LisAlgorithm
from .network_parameters import COST, COSTS, MODE, MODES, add_network_parameters, check_network_file, read_network
from .output_loading import load_on_completion


class LocateServicesAlgorithm(LisAlgorithm):
    """New sites chosen among candidates by p-median, maximal covering or set covering, with existing sites kept."""

    GROUP_ID = "access"
    GROUP = "Access to services"
    DEMAND = "DEMAND"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    NEED_FIELD = "NEED_FIELD"
    NEED_RULE = "NEED_RULE"
    AREAS = "AREAS"
    EXISTING = "EXISTING"
    EXISTING_FILTER = "EXISTING_FILTER"
    EXISTING_ID_FIELD = "EXISTING_ID_FIELD"
    CANDIDATES = "CANDIDATES"
    CANDIDATE_FILTER = "CANDIDATE_FILTER"
    CANDIDATE_ID_FIELD = "CANDIDATE_ID_FIELD"
    CANDIDATE_NAME_FIELD = "CANDIDATE_NAME_FIELD"
    OBJECTIVE = "OBJECTIVE"
    P = "P"
    MAX_COST = "MAX_COST"
    EXACT_LIMIT = "EXACT_LIMIT"
    OUTPUT = "OUTPUT"
    ASSIGNMENT = "ASSIGNMENT"
    SUMMARY = "SUMMARY"
    HEADLINE = "HEADLINE"
    CHOSEN = "CHOSEN"
    NOTHING_TO_GAIN = "NOTHING_TO_GAIN"

    NEED_RULES = ("decile", "score")
    OBJECTIVES = ("pmedian", "mclp", "lscp")

    def name(self) -> str:
        return "locateservices"

    def displayName(self) -> str:
        return self.tr("Locate new services (p-median, coverage)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Where should new sites go (a children's centre, GP surgery, library...)? Chooses new sites among "
            "candidate points, keeping the existing sites open, and shows what they change.\n\n"
            "Demand: points (population-weighted centroids) or polygons (their point on surface) with a population "
            "field (WEIGHT_FIELD). An optional NEED_FIELD, read from the demand or from the small area (AREAS) "
            "containing each point, multiplies the weight: rule 'decile' (national IMD decile, 1 = most deprived): "
            "deciles 1-2 count x2, 3-4 x1.5, 5-10 x1; rule 'score': score / mean score.\n\n"
            "Objectives: p-median opens P sites that make the average journey (minutes of travel per resident, "
            "weighted by need) shortest; MCLP opens P sites that bring the most residents, weighted by need, within "
            "MAX_COST; LSCP opens as few sites as bring everyone who can be covered within MAX_COST (P is ignored; "
            "demand no candidate can cover is listed). When no new site could bring anyone within MAX_COST "
            "(everyone already is, or no candidate is near the people left), that is the answer: no site is "
            "chosen, the outputs are written with before = after and NOTHING_TO_GAIN says why. "
            "Problems up to EXACT_LIMIT useful demand-site pairs are solved exactly (HiGHS integer programme); larger "
            "p-median problems use greedy + Teitz-Bart swaps and report the gap to a bound.\n\n"
            "Costs: travel TO the site on the road network (a line layer or an .osm.pbf/GeoPackage file, cached) in "
            "minutes (time) or metres (distance); without a network, straight-line metres (cost 'distance' only). "
            "MAX_COST is minutes for time and metres for distance.\n\n"
            "Outputs (GeoPackage): the chosen sites in choice order with their marginal gain; each demand point "
            "with its nearest open site and cost before (existing sites) and after, and whether covered within "
            "MAX_COST; a summary table before / after / change (population-weighted mean and 90th percentile cost, "
            "people and most deprived people within MAX_COST). The log starts with one sentence saying what the new "
            "sites would change. The inputs are never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        point = [Qgis.ProcessingSourceType.VectorPoint]
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.DEMAND,
                self.tr("Demand (population-weighted centroids or small areas)"),
                [Qgis.ProcessingSourceType.VectorPoint, Qgis.ProcessingSourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD, self.tr("Population field (weight)"), parentLayerParameterName=self.DEMAND,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterString(
                self.NEED_FIELD, self.tr("Need field (IMD decile or a need score; empty: none)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.NEED_RULE,
                self.tr("Need rule"),
                [
                    self.tr("decile: deciles 1-2 x2, 3-4 x1.5, 5-10 x1"),
                    self.tr("score: score / mean score"),
                ],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.AREAS,
                self.tr("Small areas holding the need field (when the demand points do not)"),
                [Qgis.ProcessingSourceType.VectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.EXISTING, self.tr("Existing sites (stay open)"), point, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterExpression(
                self.EXISTING_FILTER, self.tr("Existing sites filter (expression)"),
                parentLayerParameterName=self.EXISTING, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterField(
                self.EXISTING_ID_FIELD, self.tr("Existing site id field (empty: feature number)"),
                parentLayerParameterName=self.EXISTING, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.CANDIDATES, self.tr("Candidate sites (points)"), point)
        )
        self.addParameter(
            QgsProcessingParameterExpression(
                self.CANDIDATE_FILTER, self.tr("Candidate sites filter (expression)"),
                parentLayerParameterName=self.CANDIDATES, optional=True,
            )
        )  # fmt: skip
        for name, label in (
            (self.CANDIDATE_ID_FIELD, self.tr("Candidate id field (unique; empty: feature number)")),
            (self.CANDIDATE_NAME_FIELD, self.tr("Candidate name field")),
        ):
            self.addParameter(
                QgsProcessingParameterField(name, label, parentLayerParameterName=self.CANDIDATES, optional=True)
            )
        add_network_parameters(self, self.tr("Road network (lines; empty: straight line)"))
        for name, label, options, default in (
            (MODE, self.tr("Travel mode"), MODES, 0),
            (COST, self.tr("Cost"), COSTS, 0),
        ):
            self.addParameter(QgsProcessingParameterEnum(name, label, list(options), defaultValue=default))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.OBJECTIVE,
                self.tr("Objective"),
                [
                    self.tr("p-median: shortest average journey"),
                    self.tr("MCLP: most people within the maximum cost"),
                    self.tr("LSCP: fewest sites covering everyone within the maximum cost"),
                ],
                defaultValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.P, self.tr("Number of new sites (P; not used by LSCP)"),
                Qgis.ProcessingNumberParameterType.Integer, 1, minValue=1,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_COST, self.tr("Maximum cost: coverage standard (minutes for time, metres for distance)"),
                Qgis.ProcessingNumberParameterType.Double, 10, minValue=0,
            )
        )  # fmt: skip
        exact = QgsProcessingParameterNumber(
            self.EXACT_LIMIT,
            self.tr("Solve exactly up to this many demand-site pairs (larger p-median: heuristic; 0: automatic)"),
            Qgis.ProcessingNumberParameterType.Integer,
            0,
            minValue=0,
        )
        exact.setFlags(exact.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(exact)
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Chosen sites"), Qgis.ProcessingSourceType.VectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.ASSIGNMENT, self.tr("Nearest open site of each demand point, before and after"), optional=True,
                createByDefault=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.SUMMARY, self.tr("Before / after summary"), Qgis.ProcessingSourceType.Vector, optional=True,
                createByDefault=True,
            )
        )  # fmt: skip
        self.addOutput(QgsProcessingOutputString(self.HEADLINE, self.tr("Headline")))
        self.addOutput(QgsProcessingOutputString(self.CHOSEN, self.tr("Chosen site ids (in choice order)")))
        self.addOutput(
            QgsProcessingOutputString(
                self.NOTHING_TO_GAIN, self.tr("Why no new site was chosen (empty when sites were chosen)")
            )
        )

    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """A damaged NETWORK file is named, with what to do, before Processing's generic check."""
        ok, message = check_network_file(parameters)
        return super().checkParameterValues(parameters, context) if ok else (False, message)

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.location.locate_services import locate_services
        from ..settings import cache_dir, max_snap_m, speeds_kph

        network = read_network(self, parameters, context)
        graph_folder, speeds = cache_dir(), speeds_kph()  # the user's options, read here: the core reads none

        def text(name: str) -> str | None:
            return self.optional_text(parameters, name, context)

        def destination(name: str) -> str | None:
            return self.optional_output(parameters, name, context)

        objective = self.OBJECTIVES[self.parameterAsEnum(parameters, self.OBJECTIVE, context)]
        max_cost = self.parameterAsDouble(parameters, self.MAX_COST, context)
        outcome = locate_services(
            self.input_layer(parameters, self.DEMAND, context),
            self.input_layer(parameters, self.CANDIDATES, context),
            self.gpkg_output(parameters, self.OUTPUT, context),
            weight_field=text(self.WEIGHT_FIELD) or "",
            need_field=text(self.NEED_FIELD),
            need_rule=self.NEED_RULES[self.parameterAsEnum(parameters, self.NEED_RULE, context)],
            areas=self.input_layer(parameters, self.AREAS, context, optional=True),
            existing=self.input_layer(parameters, self.EXISTING, context, optional=True),
            candidate_id_field=text(self.CANDIDATE_ID_FIELD),
            candidate_name_field=text(self.CANDIDATE_NAME_FIELD),
            candidate_filter=text(self.CANDIDATE_FILTER),
            existing_id_field=text(self.EXISTING_ID_FIELD),
            existing_filter=text(self.EXISTING_FILTER),
            network=network.source,
            mode=network.mode,
            cost=network.cost,
            speed_field=network.speed_field,
            objective=objective,
            p=self.parameterAsInt(parameters, self.P, context),
            # p-median does not need the standard; a 0 there means "no coverage columns"
            max_cost=max_cost if max_cost > 0 or objective != "pmedian" else None,
            assignment_output=destination(self.ASSIGNMENT),
            summary_output=destination(self.SUMMARY),
            exact_limit=self.parameterAsInt(parameters, self.EXACT_LIMIT, context) or None,
            cache_dir=graph_folder,
            max_snap_m=max_snap_m(),
            snap_to_main=network.snap_to_main,
            speeds_kph=speeds,
            feedback=feedback,
        )
        self.push_log(feedback, outcome.log)
        results: dict[str, Any] = {self.OUTPUT: outcome.output_uri}
        for name, uri in ((self.ASSIGNMENT, outcome.assignment_uri), (self.SUMMARY, outcome.summary_uri)):
            if uri:
                results[name] = uri
        for name, uri in list(results.items()):
            planned = self.parameterAsOutputLayer(parameters, name, context)
            load_on_completion(context, uri, name.lower(), replaces=planned if planned != uri else None)
        results[self.HEADLINE] = outcome.headline
        results[self.CHOSEN] = ",".join(outcome.chosen_ids)
        results[self.NOTHING_TO_GAIN] = outcome.nothing_to_gain.reason if outcome.nothing_to_gain else ""
        return results
