"""lis:accessibility2sfca - capacity per person within reach on the road network (2SFCA / E2SFCA).

A thin shell over core.access.accessibility_2sfca: this module reads the parameters, calls
accessibility_2sfca, pushes its log and turns every input problem into a
QgsProcessingException that says what to fix.
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
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .network_parameters import COST, COSTS, MODE, MODES, add_network_parameters, check_network_file, read_network
from .output_loading import load_on_completion, short_label


class Accessibility2sfcaAlgorithm(LisAlgorithm):
    """Two-step floating catchment area scores of small areas for access to facilities' capacity."""

    GROUP_ID = "access"
    GROUP = "Access to services"  # translated by LisAlgorithm.group()
    FACILITIES = "FACILITIES"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    DEMAND = "DEMAND"
    POPULATION_FIELD = "POPULATION_FIELD"
    BANDS = "BANDS"
    WEIGHTS = "WEIGHTS"
    OUTPUT = "OUTPUT"
    AREAS_WITHOUT_ACCESS = "AREAS_WITHOUT_ACCESS"
    FACILITIES_UNREACHED = "FACILITIES_UNREACHED"

    def name(self) -> str:
        return "accessibility2sfca"

    def displayName(self) -> str:
        return self.tr("Accessibility score (2SFCA / E2SFCA)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Scores every small area for how much service capacity (GPs, beds, places) its people can reach on "
            "the road network, sharing each facility's capacity among everyone who can reach it: the two-step "
            "floating catchment area method (2SFCA).\n\n"
            "Step 1: each facility's capacity is divided by the population of the areas within reach of it. "
            "Step 2: each area adds up the shares of the facilities it reaches. The score is capacity per person "
            "(also given per 1,000 people); the population-weighted total of the scores equals the capacity of "
            "the facilities anyone reaches.\n\n"
            "Bands: one limit (such as 10) is plain 2SFCA; several limits with weights (bands 5,10,15 and weights "
            "1,0.6,0.2) is the enhanced method (E2SFCA), where farther facilities count less. Limits are minutes "
            "when the cost is time and metres when it is distance.\n\n"
            "Travel is measured FROM each area TO the facility (one-way streets are followed in that direction), "
            "from the road nearest each point; the short walk from a point to its road is not counted. Areas given "
            "as polygons are placed at their point on surface; population-weighted centroids are better when you "
            "have them.\n\n"
            "The network is a line layer of roads (OpenStreetMap highways, or any lines: then a speed field or a "
            "default speed applies) or an .osm.pbf file. Built networks are cached, so the next run is faster.\n\n"
            "The output GeoPackage has every demand feature with access_score, access_per_1000 and "
            "facilities_reached. The log names the areas with the lowest and highest access, the areas that reach "
            "no facility and the facilities nobody reaches."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.FACILITIES, self.tr("Facilities (points)"), [Qgis.ProcessingSourceType.VectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CAPACITY_FIELD,
                self.tr("Capacity of each facility (GPs, beds, places...)"),
                parentLayerParameterName=self.FACILITIES,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.DEMAND,
                self.tr("Small areas with population (points, or polygons: point on surface)"),
                [Qgis.ProcessingSourceType.VectorPoint, Qgis.ProcessingSourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                self.tr("Population field"),
                parentLayerParameterName=self.DEMAND,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
            )
        )
        add_network_parameters(self, self.tr("Road network (line layer; or give an .osm.pbf file below)"))
        self.addParameter(QgsProcessingParameterEnum(MODE, self.tr("Travel mode"), list(MODES), defaultValue=0))
        self.addParameter(
            QgsProcessingParameterEnum(
                COST, self.tr("Travel cost (time: bands in minutes; distance: in metres)"), list(COSTS), defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.BANDS, self.tr("Travel bands: one limit (2SFCA) or several, such as 5,10,15"), defaultValue="10"
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.WEIGHTS,
                self.tr("Weight of each band, such as 1,0.6,0.2 (E2SFCA; empty: all 1)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(self.OUTPUT, self.tr("Accessibility scores (GeoPackage)"))
        )
        self.addOutput(QgsProcessingOutputNumber(self.AREAS_WITHOUT_ACCESS, self.tr("Areas that reach no facility")))
        self.addOutput(QgsProcessingOutputNumber(self.FACILITIES_UNREACHED, self.tr("Facilities nobody reaches")))

    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """A damaged NETWORK file is named, with what to do, before Processing's generic check."""
        ok, message = check_network_file(parameters)
        return super().checkParameterValues(parameters, context) if ok else (False, message)

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.access.accessibility_2sfca import accessibility_2sfca, parse_bands
        from ..core.network.road_network import TravelMode
        from ..settings import cache_dir, max_snap_m, speeds_kph

        network = read_network(self, parameters, context, required=True)
        speeds, graph_folder = speeds_kph(), cache_dir()  # the user's settings, read here: the core reads none
        unit = "min" if network.cost == "time" else "m"

        mode = TravelMode(kind=network.mode, cost=network.cost, speed_field=network.speed_field, speeds_kph=speeds)
        assert network.source is not None  # read_network asked for one
        facilities = self.input_layer(parameters, self.FACILITIES, context)
        assert facilities is not None  # required: input_layer raises for a missing one
        bands = self.parameterAsString(parameters, self.BANDS, context)
        outcome = accessibility_2sfca(
            facilities,
            self.parameterAsString(parameters, self.CAPACITY_FIELD, context),
            self.input_layer(parameters, self.DEMAND, context),
            self.parameterAsString(parameters, self.POPULATION_FIELD, context),
            network.source,
            self.gpkg_output(parameters, self.OUTPUT, context),
            parse_bands(bands, self.parameterAsString(parameters, self.WEIGHTS, context), unit),
            mode,
            cache_dir=graph_folder,
            max_snap_m=max_snap_m(),
            snap_to_main=network.snap_to_main,
            feedback=feedback,
        )
        self.push_log(feedback, outcome.log)
        feedback.pushInfo(self.tr("Wrote {0}").format(outcome.uri))
        reach = "/".join(band.strip() for band in bands.split(",") if band.strip())
        what = self.tr("{0} – 2SFCA access, {1} {2} {3}").format(
            short_label(layer_label(facilities)), reach, unit, network.mode
        )
        planned = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        load_on_completion(context, outcome.uri, outcome.layer_name, replaces=planned, what=what)
        return {
            self.OUTPUT: outcome.uri,
            self.AREAS_WITHOUT_ACCESS: outcome.areas_without_access,
            self.FACILITIES_UNREACHED: outcome.facilities_unreached,
        }
