"""lis:servicecatchments - who can reach a service within 5, 10, 15 minutes, and who cannot.

A thin shell over core.access.service_catchments (imported when the tool runs, so loading the plugin
stays light): this module reads the parameters, calls service_catchments, pushes its log and
turns every input problem into a QgsProcessingException that says what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..core.io.layer_codes import layer_label
from .lis_algorithm import LisAlgorithm
from .network_parameters import COST, COSTS, MODE, MODES, add_network_parameters, check_network_file, read_network
from .output_loading import load_on_completion, short_label
from .target_parameters import TABLE_FILTER


class ServiceCatchmentsAlgorithm(LisAlgorithm):
    """Catchments of facilities by road travel time or distance, straight-line buffers or Voronoi cells."""

    GROUP_ID = "access"
    GROUP = "Access to services"
    FACILITIES = "FACILITIES"
    FACILITIES_TABLE = "FACILITIES_TABLE"
    FACILITY_FILTER = "FACILITY_FILTER"
    FACILITY_ID_FIELD = "FACILITY_ID_FIELD"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    METHOD = "METHOD"
    BANDS = "BANDS"
    BUFFER = "BUFFER"
    CELL_SIZE = "CELL_SIZE"
    MAX_OFF_NETWORK = "MAX_OFF_NETWORK"
    AREAS = "AREAS"
    DEMAND_POINTS = "DEMAND_POINTS"
    POPULATION_FIELD = "POPULATION_FIELD"
    DEPRIVATION_FIELD = "DEPRIVATION_FIELD"
    OVERLAP = "OVERLAP"
    CLIP = "CLIP"
    CATCHMENTS = "CATCHMENTS"
    ASSIGNMENT = "ASSIGNMENT"
    COVERAGE = "COVERAGE"

    METHODS = ("network", "buffer", "voronoi", "filled")
    #: core.access.travel_surface's DEFAULT_CELL_M and DEFAULT_MAX_OFF_NETWORK_M, written out so that loading the
    #: plugin does not load scipy and GDAL (a test checks they agree)
    DEFAULT_CELL_M = 50.0
    DEFAULT_MAX_OFF_NETWORK_M = 400.0
    OVERLAPS = ("overlapping", "nearest")

    def name(self) -> str:
        return "servicecatchments"

    def displayName(self) -> str:
        return self.tr("Service catchments (travel time or distance)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Draws the catchment of each facility (GP surgery, school, library...) within travel bands such as 5, "
            "10 and 15 minutes, finds the nearest facility of every demand point and counts who is covered.\n\n"
            "Facilities: a point layer, or a CSV/XLSX table with easting/northing or lon/lat columns "
            "(FACILITIES_TABLE). FACILITY_FILTER chooses some of them (for example \"category\" = 'gp_surgery'). "
            "Ids must be unique (empty: feature numbers).\n\n"
            "Methods: network (roads from a line layer or an OpenStreetMap .osm.pbf, with one-way streets; the "
            "built network is cached), straight-line buffers, nearest-facility Voronoi cells clipped to the "
            "small areas, or filled travel-time areas on the same network. Travel is measured TO the facility, as "
            "people travel to it. Bands are minutes for time and metres for distance; buffers and Voronoi need "
            "distance.\n\n"
            "Filled travel-time areas cover the homes within reach, as routing services draw them: every cell of "
            "a grid (CELL_SIZE, 50 m) takes the network time from the best road within MAX_OFF_NETWORK metres "
            "(400 m) plus the walk to it at 4.8 km/h, and each band is the cells within it (holes where nothing is "
            "reached). Nearest-facility areas come from the same surface and share their borders. Each demand "
            "point's time is the surface at its cell, so the coverage counts exactly the points inside the "
            "areas.\n\n"
            "Overlapping catchments show everything each facility reaches; nearest-facility catchments give each "
            "place to its nearest facility only. Network catchments are the reached roads buffered by BUFFER metres, "
            "drawn on a grid of 2/7 of the buffer (outlines within about one cell of the exact buffer; "
            "nearest-facility catchments share exact borders).\n\n"
            "Demand: population-weighted centroids (DEMAND_POINTS) or the small areas' points on surface, with a "
            "population field and an optional national deprivation decile (read from the demand points or from "
            "the small area containing them). ASSIGNMENT gives each demand point its nearest facility, cost, band "
            "and snap distance; COVERAGE gives population within each band per facility and for all facilities, "
            "percentages, and the people in deciles 1-2 beyond each band. The log lists facilities far from the "
            "roads or cut off, and demand that reaches no facility. The inputs are never changed."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        point = [Qgis.ProcessingSourceType.VectorPoint]
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.FACILITIES, self.tr("Facilities (points)"), point, optional=True)
        )
        table = QgsProcessingParameterFile(
            self.FACILITIES_TABLE, self.tr("or facilities table (CSV/XLSX with coordinates)"), optional=True
        )
        table.setFileFilter(TABLE_FILTER)
        self.addParameter(table)
        self.addParameter(
            QgsProcessingParameterExpression(
                self.FACILITY_FILTER, self.tr("Facility filter (expression)"), parentLayerParameterName=self.FACILITIES,
                optional=True,
            )
        )  # fmt: skip
        for name, label in (
            (self.FACILITY_ID_FIELD, self.tr("Facility id field (empty: feature number)")),
            (self.CAPACITY_FIELD, self.tr("Capacity field (carried to the outputs)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        add_network_parameters(self, self.tr("Road network (lines)"))
        for name, label, options, default in (
            (self.METHOD, self.tr("Method"), self.METHODS, 0),
            (COST, self.tr("Cost"), COSTS, 0),
            (MODE, self.tr("Travel mode"), MODES, 0),
            (self.OVERLAP, self.tr("Catchments"), ("overlapping (each facility)", "nearest facility only"), 0),
        ):
            self.addParameter(QgsProcessingParameterEnum(name, label, list(options), defaultValue=default))
        self.addParameter(
            QgsProcessingParameterString(
                self.BANDS, self.tr("Bands (minutes for time, metres for distance)"), defaultValue="5,10,15"
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.BUFFER,
                self.tr("Buffer around reached roads (m)"),
                Qgis.ProcessingNumberParameterType.Double,
                100,
                minValue=1,
            )
        )
        for name, label, metres, least in (
            (self.CELL_SIZE, self.tr("Filled areas: cell size (m)"), self.DEFAULT_CELL_M, 1.0),
            (
                self.MAX_OFF_NETWORK,
                self.tr("Filled areas: longest walk from the road (m)"),
                self.DEFAULT_MAX_OFF_NETWORK_M,
                0.0,
            ),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, label, Qgis.ProcessingNumberParameterType.Double, metres, minValue=least
                )
            )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.AREAS,
                self.tr("Small areas (study area)"),
                [Qgis.ProcessingSourceType.VectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.DEMAND_POINTS, self.tr("Demand points (e.g. population-weighted centroids)"), point, optional=True
            )
        )
        for name, label in (
            (self.POPULATION_FIELD, self.tr("Population field")),
            (self.DEPRIVATION_FIELD, self.tr("Deprivation decile field (national, 1 = most deprived)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterBoolean(self.CLIP, self.tr("Clip catchments to the small areas"), False)
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.CATCHMENTS, self.tr("Catchments"), Qgis.ProcessingSourceType.VectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.ASSIGNMENT, self.tr("Nearest facility of each demand point"), optional=True,
                createByDefault=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.COVERAGE,
                self.tr("Coverage table"),
                Qgis.ProcessingSourceType.Vector,
                optional=True,
                createByDefault=True,
            )
        )

    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """A damaged NETWORK file is named, with what to do, before Processing's generic check."""
        ok, message = check_network_file(parameters)
        return super().checkParameterValues(parameters, context) if ok else (False, message)

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        from ..core.access.service_catchments import service_catchments
        from ..settings import cache_dir, max_snap_m, speeds_kph

        facilities: Any = self.input_layer(parameters, self.FACILITIES, context, optional=True)
        table = self.parameterAsFile(parameters, self.FACILITIES_TABLE, context).strip()
        if (facilities is None) == (not table):
            raise QgsProcessingException(self.tr("Give the facilities as a point layer OR as a table file, not both."))
        network = read_network(self, parameters, context)
        graph_folder, speeds = cache_dir(), speeds_kph()  # the user's options, read here: the core reads none

        def text(name: str) -> str | None:
            return self.optional_text(parameters, name, context)

        def destination(name: str) -> str | None:
            return self.optional_output(parameters, name, context)

        outcome = service_catchments(
            facilities if facilities is not None else Path(table),
            network.source,
            self.gpkg_output(parameters, self.CATCHMENTS, context),
            assignment_output=destination(self.ASSIGNMENT),
            coverage_output=destination(self.COVERAGE),
            method=self.METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            cost=network.cost,
            mode=network.mode,
            speed_field=network.speed_field,
            bands=self.parameterAsString(parameters, self.BANDS, context),
            buffer_m=self.parameterAsDouble(parameters, self.BUFFER, context),
            overlap=self.OVERLAPS[self.parameterAsEnum(parameters, self.OVERLAP, context)],
            facility_id_field=text(self.FACILITY_ID_FIELD),
            capacity_field=text(self.CAPACITY_FIELD),
            facility_filter=text(self.FACILITY_FILTER),
            areas=self.input_layer(parameters, self.AREAS, context, optional=True),
            demand=self.input_layer(parameters, self.DEMAND_POINTS, context, optional=True),
            population_field=text(self.POPULATION_FIELD),
            deprivation_field=text(self.DEPRIVATION_FIELD),
            clip_to_areas=self.parameterAsBoolean(parameters, self.CLIP, context),
            cache_dir=graph_folder,
            max_snap_m=max_snap_m(),
            snap_to_main=network.snap_to_main,
            cell_m=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            max_off_network_m=self.parameterAsDouble(parameters, self.MAX_OFF_NETWORK, context),
            speeds_kph=speeds,
            feedback=feedback,
        )
        self.push_log(feedback, outcome.log)
        facilities_label = short_label(layer_label(facilities) if facilities is not None else Path(table).stem)
        what = self.result_names(
            facilities_label, text(self.FACILITY_FILTER), outcome.bands, outcome.unit,
            self.METHODS[self.parameterAsEnum(parameters, self.METHOD, context)], network.mode,
        )  # fmt: skip
        results: dict[str, Any] = {self.CATCHMENTS: outcome.catchments_uri}
        for name, uri in ((self.ASSIGNMENT, outcome.assignment_uri), (self.COVERAGE, outcome.coverage_uri)):
            if uri:
                results[name] = uri
        for name, uri in results.items():
            planned = self.parameterAsOutputLayer(parameters, name, context)
            load_on_completion(context, uri, name.lower(), replaces=planned, what=what[name])
        return results

    def result_names(
        self, facilities: str, facility_filter: str | None, bands: list[float], unit: str, method: str, mode: str
    ) -> dict[str, str]:
        """What each output is, for its layer name: 'rutland_nhs_services – 5/10/15 min drive catchments'.

        A filter that picks a value ("category" = 'gp_surgery' ...) names the facilities by that value instead
        ('gp_surgery – 10 min drive catchments'), which is what tells runs on parts of one layer apart.
        """
        chosen = re.search(r"=\s*'([^']+)'", facility_filter or "")
        subject = facilities
        if chosen:
            subject = short_label(chosen.group(1))
        elif facility_filter:
            subject = self.tr("{0} (filtered)").format(facilities)
        reach = "/".join(f"{band:g}" for band in bands) + f" {unit}"
        travel = {
            "network": f"{reach} {mode}",
            "filled": self.tr("{0} {1} filled").format(reach, mode),
            "buffer": self.tr("{0} buffer").format(reach),
        }.get(method, self.tr("Voronoi"))
        return {
            self.CATCHMENTS: self.tr("{0} – {1} catchments").format(subject, travel),
            self.ASSIGNMENT: self.tr("{0} – nearest facility, {1}").format(subject, travel),
            self.COVERAGE: self.tr("{0} – {1} coverage").format(subject, travel),
        }
