"""Service catchments: who can reach which facility within each travel band, and who is left beyond.

This is the one function the Processing algorithm ``lis:servicecatchments`` calls; Python code
(the demo, notebooks) can call :func:`service_catchments` directly. It reads the facilities
(a point layer, or a CSV/XLSX table through :func:`~.service_points.read_service_points`), the
demand (population-weighted centroids or the small areas' points on surface) and the road
network (a line layer or ``.osm.pbf``, through the graph cache), then:

* ``method="network"``: snaps facilities and demand to the roads, runs **one** multi-source
  search for the nearest facility of every node (assignment, non-overlapping catchments) and
  one bounded search per facility for overlapping catchments. Searches run on the reversed
  graph: costs are the time or distance *from* each place *to* the facility, as people travel.
* ``method="filled"``: the same searches, drawn as filled travel-time areas: a surface of the
  network time plus a walk from the road (:mod:`.travel_surface`) contoured at each band, so the
  areas cover the homes within reach; demand points are valued on the same surface.
* ``method="buffer"``: straight-line circles of each band around each facility.
* ``method="voronoi"``: the nearest-facility (Voronoi) cell of each facility, clipped to the
  study area (the union of the small areas).

It writes the catchment polygons, the assignment of each demand point and the coverage table
(population within each band, and people in national deprivation deciles 1-2 beyond it) to
GeoPackages. Inputs are only read.

The run is five stages, each a public function tested on its own: :func:`check_options` and
:func:`prepare_inputs` (the graph, facilities, demand and study area, read once), :func:`route`
(each demand point's nearest facility), :func:`draw` (the polygons), :func:`tabulate` (the
assignment and coverage tables and the log) and :func:`write_catchments`.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

import numpy as np
from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsVectorLayer,
)
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ..common.errors import LisError, LogLine
from ..common.progress import check_cancel, report_progress
from ..common.wording import list_labels, plural
from ..io.gpkg_writer import FeatureTable
from ..io.layer_output import gpkg_destination, write_outputs
from ..network.graph_cache import graph_line, load_or_build
from ..network.network_search import Reach, iter_reach, nearest_sources
from ..network.road_network import DEFAULT_MAX_SNAP_M, DEFAULT_SNAP_WARNING_M, RoadGraph, Source, TravelMode
from .catchment_geometry import CELLS_PER_BUFFER, RoadPoints, nearest_catchments, road_points
from .catchment_style import style_catchments
from .catchment_workers import reach_and_draw
from .coverage import ALL_FACILITIES, band_of, coverage_table
from .point_inputs import (
    NOT_PLACED,
    DemandPoints,
    FacilityPoints,
    check_outputs_are_new,
    code_field,
    far_from_network,
    layer_transform,
    not_placed_headline,
    not_placed_rows,
    not_placed_table,
    numeric_field,
    placement_lines,
    read_demand_points,
    read_facilities,
    read_points,
    work_crs,
)
from .population_field import find_population_field
from .service_points import read_service_points
from .travel_surface import (
    DEFAULT_CELL_M,
    DEFAULT_MAX_OFF_NETWORK_M,
    SAMPLES_PER_CELL,
    WALK_KPH,
    SamplePlaces,
    SurfaceGrid,
    cost_at,
    stamp_surface,
    surface_grid,
    walk_cost_per_m,
)

METHODS = ("network", "buffer", "voronoi", "filled")
#: Fields that name a facility, for the labels of its catchments (first found; any case).
NAME_FIELDS = ("name", "facility_name", "site_name", "organisation_name", "practice_name", "school_name")
#: The methods that travel along the roads (a graph, snapping and searches).
NETWORK_METHODS = ("network", "filled")
OVERLAPS = ("overlapping", "nearest")
FacilitiesInput = Union[QgsVectorLayer, str, Path]


class ServiceCatchmentError(LisError, ValueError):
    """The inputs cannot give catchments; the message says what to fix."""


@dataclass(frozen=True)
class CatchmentOptions:
    """The choices of one run: method, travel, bands, which fields to read, where to cache the graph.

    One frozen object instead of seventeen arguments at every stage: the stages read what they need
    by name, and :func:`check_options` checks the combination once, before anything is read.
    ``bands``: as :func:`parse_bands` takes them (minutes for time, metres for distance).
    """

    method: str = "network"
    cost: str = "time"
    mode: str = "drive"
    speed_field: str | None = None
    bands: str | Sequence[float] = "5,10,15"
    buffer_m: float = 100.0
    overlap: str = "overlapping"
    facility_id_field: str | None = None
    capacity_field: str | None = None
    facility_filter: str | None = None
    facilities_sheet: str | None = None
    population_field: str | None = None
    deprivation_field: str | None = None
    clip_to_areas: bool = False
    snap_warning_m: float = DEFAULT_SNAP_WARNING_M
    cache_dir: Path | str | None = None
    speeds_kph: Mapping[str, float] | None = None
    max_snap_m: float = DEFAULT_MAX_SNAP_M
    snap_to_main: bool = True
    cell_m: float = DEFAULT_CELL_M
    max_off_network_m: float = DEFAULT_MAX_OFF_NETWORK_M

    @property
    def limits(self) -> list[float]:
        """The bands, sorted."""
        return parse_bands(self.bands)

    @property
    def unit(self) -> str:
        """'min' or 'm': the unit of the bands and of every cost reported."""
        return "min" if self.cost == "time" else "m"

    @property
    def per_unit(self) -> float:
        """Graph cost units (seconds or metres) per band unit."""
        return 60.0 if self.cost == "time" else 1.0

    @property
    def travel(self) -> TravelMode:
        return TravelMode(
            kind=self.mode, cost=self.cost, speed_field=self.speed_field or None, speeds_kph=self.speeds_kph
        )

    @property
    def on_network(self) -> bool:
        """Whether the method travels along the roads (road buffers or filled areas)."""
        return self.method in NETWORK_METHODS

    @property
    def method_label(self) -> str:
        """The method as the catchments table names it: 'buffer', 'voronoi', 'network drive time' or
        'filled network drive time'."""
        if not self.on_network:
            return self.method
        label = f"network {self.mode} {self.cost}"
        return label if self.method == "network" else f"filled {label}"


@dataclass
class CatchmentOutcome:
    """Where the outputs were written, what was computed and the log that explains it."""

    catchments_uri: str
    assignment_uri: str | None
    coverage_uri: str | None
    facility_ids: list[str]
    bands: list[float]
    unit: str  # "min" or "m"
    #: per demand point: nearest facility id (None unreachable), cost in ``unit`` (inf), population
    assigned: list[str | None] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    population: list[float] = field(default_factory=list)
    coverage: list[Any] = field(default_factory=list)
    #: per demand point: whether it was placed on the network (False: too far, left out of the results)
    placed: list[bool] = field(default_factory=list)
    #: the places left out for being too far from the network (kind, label, snap_distance_m)
    not_placed: list[dict[str, Any]] = field(default_factory=list)
    not_placed_uri: str | None = None
    #: True when the demand had no population field: every figure counts points, not people
    counts_points: bool = False
    #: network method: the snapped graph, facility nodes and each facility's reach within the largest band
    graph: RoadGraph | None = None
    facility_nodes: np.ndarray | None = None
    demand_nodes: np.ndarray | None = None
    reaches: list[Reach] = field(default_factory=list)
    from_cache: bool = False
    log: list[LogLine] = field(default_factory=list)


@dataclass
class CatchmentInputs:
    """What the run reads once: facilities and demand in the working CRS, the study area and the road graph."""

    facilities: FacilityPoints
    demand: DemandPoints | None
    study_area: QgsGeometry | None
    crs_authid: str
    graph: RoadGraph | None = None
    from_cache: bool = False
    counts_points: bool = False  # no population field: each demand point counts one
    facility_names: dict[str, str] = field(default_factory=dict)  # by id, for the map's labels


@dataclass
class Routing:
    """Each demand point's nearest facility and its cost; on the network, the snapped graph and search behind them."""

    cost: np.ndarray  # per demand point, in the bands' unit (inf: no facility reachable)
    facility: np.ndarray  # per demand point, the nearest facility's position (-1: none)
    snap_m: np.ndarray  # per demand point, its distance to the network (nan: straight line)
    graph: RoadGraph | None = None  # with a node at every facility and demand point
    facility_nodes: np.ndarray | None = None
    demand_nodes: np.ndarray | None = None
    node_cost: np.ndarray | None = None  # per node: the cost to its nearest facility (graph units)
    node_source: np.ndarray | None = None  # per node: that facility's position
    placed: np.ndarray | None = None  # per demand point: on the network (False: too far, left out)
    not_placed: list[dict[str, Any]] = field(default_factory=list)  # facilities and demand left out

    @property
    def demand_placed(self) -> np.ndarray:
        """Per demand point, whether it counts (straight-line methods place every point)."""
        return self.placed if self.placed is not None else np.ones(len(self.cost), dtype=bool)


@dataclass
class CatchmentPolygons:
    """The catchments drawn: one row and one (multi)polygon per facility and band, with the people within."""

    facilities: FacilityPoints
    unit: str
    method: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    wkb: list[bytes] = field(default_factory=list)
    reaches: list[Reach] = field(default_factory=list)  # overlapping network catchments: each facility's search
    names: Mapping[str, str] = field(default_factory=dict)  # facility names by id (None in the table when unknown)

    def add(self, index: int, band: float | None, geometry: QgsGeometry, population: float | None) -> None:
        """Add facility ``index``'s catchment within ``band`` (None: a Voronoi cell); empty geometries are left out."""
        if geometry.isNull() or geometry.isEmpty():
            return
        self.rows.append(
            {
                "facility_id": self.facilities.ids[index],
                "facility_name": self.names.get(self.facilities.ids[index]),
                "capacity": self.facilities.capacity[index],
                "band": band,
                "band_unit": self.unit if band is not None else None,
                "method": self.method,
                "population": population,
            }
        )
        self.wkb.append(_multi_wkb(geometry))

    def table(self) -> FeatureTable:
        fields: list[tuple[str, type]] = [
            ("facility_id", str),
            ("facility_name", str),
            ("capacity", self.facilities.capacity_type),
            ("band", float),
            ("band_unit", str),
            ("method", str),
            ("population", float),
        ]
        return FeatureTable("catchments", fields, self.rows, "MultiPolygon", self.wkb)


def parse_bands(text: str | Sequence[float]) -> list[float]:
    """'5,10,15' -> [5.0, 10.0, 15.0] (sorted, distinct, positive); ServiceCatchmentError otherwise."""
    items = [part.strip() for part in text.replace(";", ",").split(",")] if isinstance(text, str) else list(text)
    bands: list[float] = []
    for item in items:
        if item == "":
            continue
        try:
            value = float(item)
        except (TypeError, ValueError) as error:
            raise ServiceCatchmentError(
                f"Bands must be numbers separated by commas, such as 5,10,15: {item!r}."
            ) from error
        if not value > 0 or not math.isfinite(value):
            raise ServiceCatchmentError(f"Bands must be positive numbers: {item!r}.")
        bands.append(value)
    if not bands:
        raise ServiceCatchmentError("Give at least one travel band, such as 5,10,15 (minutes) or 800,1600 (metres).")
    return sorted(set(bands))


def table_layer(path: Path, crs_authid: str, sheet: str | None = None) -> QgsVectorLayer:
    """A memory point layer of a CSV/XLSX facility table (every column as text), in ``crs_authid``."""
    points = read_service_points(Path(path), crs_authid, sheet)
    header = list(points.rows[0]) if points.rows else []
    uri = f"Point?crs={crs_authid}" + "".join(f"&field={name.replace('&', '_')}:string" for name in header)
    layer = QgsVectorLayer(uri, Path(path).stem, "memory")
    features = []
    for (x, y), row in zip(points.xy, points.rows):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes([row.get(name) for name in header])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


# --- stage 1: check and prepare ------------------------------------------------------------------


def check_options(options: CatchmentOptions, network: Source | None, areas: QgsVectorLayer | None) -> None:
    """Refuse choices that cannot work together, before anything is read."""
    method = options.method
    if method not in METHODS:
        raise ServiceCatchmentError(f"Method must be one of {', '.join(METHODS)}, not {method!r}.")
    if options.overlap not in OVERLAPS:
        raise ServiceCatchmentError(f"Overlap must be one of {', '.join(OVERLAPS)}, not {options.overlap!r}.")
    parse_bands(options.bands)  # its messages say what is wrong with the bands
    if method not in NETWORK_METHODS and options.cost != "distance":
        raise ServiceCatchmentError(
            f"The {method} method measures straight-line distance: choose cost 'distance' and give the bands in metres."
        )
    if method in NETWORK_METHODS and network is None:
        raise ServiceCatchmentError(f"The {method} method needs a road network (a line layer or an .osm.pbf file).")
    if method == "voronoi" and areas is None:
        raise ServiceCatchmentError("Voronoi catchments need the small areas: they are clipped to the study area.")
    if not options.buffer_m >= 1:
        raise ServiceCatchmentError(
            f"The buffer around reached roads must be at least 1 metre, not {options.buffer_m:g}: catchments are the "
            "reached roads widened by it (100 m is usual)."
        )
    check_surface_options(options)
    TravelMode(kind=options.mode, cost=options.cost, speeds_kph=options.speeds_kph)  # refuses an unknown mode or cost


def check_surface_options(options: CatchmentOptions) -> None:
    """Refuse a travel-time surface cell under 1 m and a negative walk from the road (filled areas only)."""
    if options.method != "filled":
        return
    if not options.cell_m >= 1:
        raise ServiceCatchmentError(
            f"The cell of the travel-time surface must be at least 1 metre, not {options.cell_m:g} (50 m is usual)."
        )
    if not options.max_off_network_m >= 0:
        raise ServiceCatchmentError(
            f"The walk from the road must be 0 metres or more, not {options.max_off_network_m:g} (400 m is usual)."
        )


def check_inputs(
    facilities: FacilitiesInput,
    network: Source | None,
    areas: QgsVectorLayer | None,
    demand: QgsVectorLayer | None,
    destinations: Sequence[str | None],
) -> None:
    """Refuse an output that would overwrite an input, and empty demand or small areas."""
    table = facilities if isinstance(facilities, QgsVectorLayer) else Path(str(facilities))
    check_outputs_are_new(destinations, [table, areas, demand], network)
    if demand is not None and demand.featureCount() == 0:
        raise ServiceCatchmentError(f"The demand layer {demand.name()!r} has no features.")
    if areas is not None and areas.featureCount() == 0:
        raise ServiceCatchmentError(f"The small-areas layer {areas.name()!r} has no features.")


def facility_layer(
    facilities: FacilitiesInput, crs_authid: str, options: CatchmentOptions, log: list[LogLine]
) -> QgsVectorLayer:
    """The facilities as a point layer: the layer given, or a CSV/XLSX table's rows placed in ``crs_authid``."""
    if isinstance(facilities, QgsVectorLayer):
        if facilities.featureCount() == 0:
            raise ServiceCatchmentError(f"The facilities layer {facilities.name()!r} has no features.")
        return facilities
    layer = table_layer(Path(str(facilities)), crs_authid, options.facilities_sheet)
    log.append(LogLine(f"Read {plural('facility', layer.featureCount())} from {Path(str(facilities)).name}."))
    return layer


def read_catchment_facilities(
    facilities: FacilitiesInput, crs_authid: str, options: CatchmentOptions, log: list[LogLine]
) -> FacilityPoints:
    """The facilities of a point layer or of a CSV/XLSX table, chosen by the filter, in ``crs_authid``."""
    layer = facility_layer(facilities, crs_authid, options, log)
    found = read_facilities(
        layer, crs_authid, options.facility_id_field, options.capacity_field, options.facility_filter
    )
    bands = ", ".join(f"{b:g}" for b in options.limits)
    log.append(LogLine(f"{plural('facility', len(found.ids))}; bands {bands} {options.unit}."))
    return found


def facility_names(
    layer: QgsVectorLayer, crs_authid: str, options: CatchmentOptions, ids: Sequence[str]
) -> dict[str, str]:
    """Each facility's name (by id) from its layer's name field (``name``, ``site_name``...), for the labels.

    ``ids``: as :func:`read_catchment_facilities` read them (same filter, same order). Empty when the layer
    has no such field, or when the id field is the name field itself.
    """
    fields = layer.fields()
    chosen = next((fields.at(i).name() for name in NAME_FIELDS if (i := fields.lookupField(name)) >= 0), None)
    if chosen is None or chosen == options.facility_id_field:
        return {}
    points = read_points(layer, crs_authid, label_field=chosen, where=options.facility_filter)
    return {
        ident: str(value).strip() for ident, value in zip(ids, points.names) if value is not None and str(value).strip()
    }


def read_catchment_demand(
    layer: QgsVectorLayer,
    crs_authid: str,
    options: CatchmentOptions,
    areas: QgsVectorLayer | None,
    log: list[LogLine],
) -> DemandPoints:
    """The demand points (polygons: point on surface) with their population (NULL counts 0) and deprivation decile.

    Without a population field everyone counts 1. The decile is read from the demand layer or, when it
    has no such field, from the small area containing each point. Features without a location are left out.
    """
    population_field = options.population_field
    if population_field:
        population_field = numeric_field(layer, population_field, "POPULATION_FIELD")
    deprivation_field = options.deprivation_field
    points = read_demand_points(layer, crs_authid, population_field, deprivation_field, areas, "DEPRIVATION_FIELD")
    if not len(points):
        raise ServiceCatchmentError(f"The demand layer {layer.name()!r} has no features with a location.")
    missing = int(np.isnan(points.values).sum())
    if missing:
        log.append(
            LogLine(
                f"{plural('demand point', missing)} have no population in {options.population_field!r}: counted as 0.",
                True,
            )
        )
    if code_field(layer) is not None:
        codes = [str(name or "") for name in points.names]
    else:
        codes = [str(fid) for fid in points.fids]
    population = np.nan_to_num(points.values, nan=0.0)
    deciles = [None if value is None else int(value) for value in points.extra] if deprivation_field else None
    return DemandPoints(
        points.fids,
        codes,
        points.xy,
        points.shapes,
        points.geometry_type,
        population,
        None,
        np.ones(len(points)),
        population,
        deciles,
    )


def with_population_field(
    options: CatchmentOptions, layer: QgsVectorLayer, log: list[LogLine]
) -> tuple[CatchmentOptions, bool]:
    """The options with the demand's population field, found by name as the Locate page finds it when none is chosen.

    Returns ``(options, counts_points)``: ``counts_points`` is True when the layer has no such field, so
    every figure counts points, not people. Run on, not refused: counting places (schools, care homes)
    is a fair question, as long as every headline says that is what it counts.
    """
    if options.population_field:
        return options, False
    found = find_population_field(layer)
    if found is None:
        log.append(
            LogLine(
                f"The demand layer {layer.name()!r} has no population field (such as population, pop or "
                "usual_residents): every figure counts points, not people. Choose POPULATION_FIELD to count people.",
                True,
            )
        )
        return options, True
    log.append(LogLine(f"Population: the field {found!r} of {layer.name()!r} (choose another in POPULATION_FIELD)."))
    return replace(options, population_field=found), False


def study_area(areas: QgsVectorLayer | None, crs_authid: str) -> QgsGeometry | None:
    """The small areas as one polygon in ``crs_authid`` (None without them): Voronoi cells and clipping end there."""
    if areas is None:
        return None
    transform = layer_transform(areas, crs_authid)
    parts = []
    for feature in areas.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull():
            continue
        if transform is not None:
            geometry.transform(transform)
        parts.append(geometry.makeValid())
    if not parts:
        raise ServiceCatchmentError(f"The small-areas layer {areas.name()!r} has no polygons.")
    return QgsGeometry.unaryUnion(parts)


def prepare_inputs(
    facilities: FacilitiesInput,
    network: Source | None,
    areas: QgsVectorLayer | None,
    demand: QgsVectorLayer | None,
    options: CatchmentOptions,
    log: list[LogLine],
    feedback: QgsFeedback | None = None,
) -> CatchmentInputs:
    """Read everything once: the road graph (network method; cached), the facilities, the demand and the study area.

    The working CRS is the graph's, else the first projected CRS of the layers. Demand: ``demand``
    points, else the points on surface of ``areas``.
    """
    graph: RoadGraph | None = None
    from_cache = False
    if options.on_network:
        graph, from_cache = load_or_build(network, options.travel, cache_dir=options.cache_dir)
        log.append(LogLine(graph_line(graph, from_cache)))
        crs_authid = graph.crs_authid
    else:
        crs_authid = work_crs([facilities if isinstance(facilities, QgsVectorLayer) else None, areas, demand])
    report_progress(feedback, 30)
    layer = facility_layer(facilities, crs_authid, options, log)
    found = read_catchment_facilities(layer, crs_authid, options, log)
    demand_layer = demand if demand is not None else areas
    people: DemandPoints | None = None
    counts_points = False
    if demand_layer is not None:
        options, counts_points = with_population_field(options, demand_layer, log)
        people = read_catchment_demand(demand_layer, crs_authid, options, areas, log)
        how = "points" if demand is not None else "points on surface of the small areas"
        total = sum(people.population.tolist())
        size = f"population {total:,.0f}" if not counts_points else "no population field: each point counts one"
        log.append(LogLine(f"Demand: {len(people.fids):,} {how} of {demand_layer.name()!r}, {size}."))
    inputs = CatchmentInputs(found, people, study_area(areas, crs_authid), crs_authid, graph, from_cache)
    inputs.counts_points = counts_points
    inputs.facility_names = facility_names(layer, crs_authid, options, found.ids)
    report_progress(feedback, 40)
    return inputs


# --- stage 2: route ------------------------------------------------------------------------------


def route(
    inputs: CatchmentInputs, options: CatchmentOptions, log: list[LogLine], feedback: QgsFeedback | None = None
) -> Routing:
    """The nearest facility of every demand point: along the roads (network; filled: on the surface), else
    in a straight line."""
    if options.method == "filled":
        return route_on_surface(inputs, options, log, feedback)
    if options.method == "network":
        return route_on_network(inputs, options, log, feedback)
    return route_straight_line(inputs)


def route_on_network(
    inputs: CatchmentInputs, options: CatchmentOptions, log: list[LogLine], feedback: QgsFeedback | None = None
) -> Routing:
    """Snap facilities and demand to the roads, then one multi-source search for every node's nearest facility.

    The search runs on the reversed graph: costs are from each place TO the facility, as people
    travel. Facilities and demand far from the roads, and facilities cut off from the main network,
    are warned about.
    """
    assert inputs.graph is not None
    found, people = inputs.facilities, inputs.demand
    count = len(found.ids)
    snapped = inputs.graph.snap(
        np.vstack([found.xy, people.xy]) if people else found.xy,
        options.snap_warning_m,
        main_only=options.snap_to_main,
        max_distance_m=options.max_snap_m,
    )
    graph, nodes, demand_nodes = snapped.graph, snapped.nodes[:count], snapped.nodes[count:]
    network = f"{options.mode} network"
    distance, far = snapped.distance_m, snapped.far & snapped.placed
    log.extend(far_from_network("facility", found.ids, distance[:count], far[:count], options.snap_warning_m, network))
    log.extend(placement_lines("facility", found.ids, snapped, slice(0, count), options.max_snap_m, network))
    not_placed = not_placed_rows("facility", found.ids, distance[:count], snapped.placed[:count])
    if people is not None:
        log.extend(
            far_from_network(
                "demand point", people.codes, distance[count:], far[count:], options.snap_warning_m, network
            )
        )
        log.extend(
            placement_lines("demand point", people.codes, snapped, slice(count, None), options.max_snap_m, network)
        )
        not_placed += not_placed_rows("demand point", people.codes, distance[count:], snapped.placed[count:])
    if not_placed:
        inputs.facilities, nodes = placed_facilities(found, nodes, snapped.placed[:count], options.max_snap_m, network)
    log.extend(cut_off_facilities(graph, nodes, inputs.facilities.ids))
    report_progress(feedback, 50)
    node_cost, node_source = nearest_sources(graph, nodes, reverse=True)
    routing = Routing(
        np.full(len(demand_nodes), np.inf),
        np.full(len(demand_nodes), -1, dtype=np.int64),
        snapped.distance_m[count:],
        graph,
        nodes,
        demand_nodes,
        node_cost,
        node_source,
    )
    routing.placed, routing.not_placed = snapped.placed[count:], not_placed
    if people is not None:
        routing.cost = np.where(routing.placed, node_cost[demand_nodes] / options.per_unit, np.inf)
        routing.facility = np.where(routing.placed, node_source[demand_nodes], -1)
    return routing


def surface_samples(graph: RoadGraph, options: CatchmentOptions) -> RoadPoints:
    """Points along every road, half a surface cell apart, as travelled towards the facility (costs are costs TO it)."""
    spacing = options.cell_m / SAMPLES_PER_CELL
    return road_points(graph.node_xy, graph.edge_to, graph.edge_from, graph.edge_cost, spacing, spacing_m=spacing)


def route_on_surface(
    inputs: CatchmentInputs, options: CatchmentOptions, log: list[LogLine], feedback: QgsFeedback | None = None
) -> Routing:
    """The network routing, with each demand point valued on the travel-time surface: the centre of its cell.

    A point's cost is the least network cost of a road within the walk plus the walk at
    :data:`~.travel_surface.WALK_KPH`, the very sum the filled areas are drawn from, so the coverage
    counts exactly the points inside them.
    """
    routing = route_on_network(inputs, options, log, feedback)
    people = inputs.demand
    if people is None or routing.graph is None or routing.node_cost is None or routing.node_source is None:
        return routing
    graph = routing.graph
    samples = surface_samples(graph, options)
    reached = np.flatnonzero(np.isfinite(routing.node_cost))
    index, cost = samples.take(reached, routing.node_cost[reached])
    source = np.repeat(routing.node_source[reached], np.diff(samples.node_ptr)[reached])
    grid = surface_grid(graph.node_xy, options.cell_m, options.max_off_network_m)
    walk = walk_cost_per_m(options.cost)
    value, nearest = cost_at(
        grid.cell_centres(people.xy), samples.xy[index], cost, walk, options.max_off_network_m, source
    )
    routing.cost = np.where(routing.demand_placed, value / options.per_unit, np.inf)
    routing.facility = np.where(routing.demand_placed & np.isfinite(value), nearest, -1)
    log.append(
        LogLine(
            f"Filled areas: each {grid.cell:,.0f} m cell takes the network {options.cost} from the best road within "
            f"{options.max_off_network_m:,.0f} m plus the walk to it at {WALK_KPH:g} km/h; each demand point is "
            "valued at its cell, so the coverage counts exactly the points inside the areas."
        )
    )
    return routing


def placed_facilities(
    found: FacilityPoints, nodes: np.ndarray, placed: np.ndarray, max_snap_m: float, network: str
) -> tuple[FacilityPoints, np.ndarray]:
    """The facilities within the maximum snap distance, and their nodes: the others get no catchment."""
    if not placed.any():
        raise ServiceCatchmentError(
            f"Every facility lies more than {max_snap_m:,g} m from the {network}: check that the facilities and "
            "the road network cover the same area, or raise the maximum snap distance in Settings > Options > LIS."
        )
    keep = np.flatnonzero(placed)
    kept = FacilityPoints(
        [found.ids[i] for i in keep], found.xy[keep], [found.capacity[i] for i in keep], found.capacity_type
    )
    return kept, nodes[keep]


def cut_off_facilities(graph: RoadGraph, nodes: np.ndarray, ids: Sequence[str]) -> list[LogLine]:
    """The warning naming facilities on road pieces cut off from the main (largest strongly connected) network."""
    _, labels = connected_components(graph.matrix, directed=True, connection="strong")
    main = np.bincount(labels).argmax()
    isolated = [ids[i] for i, node in enumerate(nodes) if labels[node] != main]
    if not isolated:
        return []
    return [
        LogLine(
            f"{plural('facility', len(isolated))} are on road pieces cut off from the main network "
            f"(one-way or unconnected roads): {list_labels(isolated)}.",
            True,
        )
    ]


def route_straight_line(inputs: CatchmentInputs) -> Routing:
    """The nearest facility of every demand point in a straight line (metres)."""
    people = inputs.demand
    count = len(people.fids) if people is not None else 0
    routing = Routing(np.full(count, np.inf), np.full(count, -1, dtype=np.int64), np.full(count, np.nan))
    if people is not None:
        distance, nearest = cKDTree(inputs.facilities.xy).query(people.xy)
        routing.cost, routing.facility = np.asarray(distance, float), np.asarray(nearest, np.int64)
    return routing


# --- stage 3: draw -------------------------------------------------------------------------------


def draw(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    log: list[LogLine],
    feedback: QgsFeedback | None = None,
) -> CatchmentPolygons:
    """The catchment polygons of every facility and band, each with the population within it."""
    drawn = CatchmentPolygons(inputs.facilities, options.unit, options.method_label, names=inputs.facility_names)
    if not options.on_network:
        draw_straight_line(inputs, routing, options, drawn, feedback)
        return drawn
    if options.method == "filled":
        draw_filled(inputs, routing, options, drawn, feedback)
        return drawn
    assert routing.graph is not None
    graph = routing.graph
    # points along the roads, as travelled towards the facility (costs are costs TO it)
    points = road_points(graph.node_xy, graph.edge_to, graph.edge_from, graph.edge_cost, options.buffer_m)
    if points.cell > max(options.buffer_m, 1.0) / CELLS_PER_BUFFER + 1e-9:
        log.append(LogLine(f"The network is large: catchments are drawn on a {points.cell:,.0f} m grid."))
    clip = inputs.study_area if options.clip_to_areas else None
    if options.overlap == "overlapping":
        draw_overlapping(inputs, routing, options, points, clip, drawn, feedback)
    else:
        draw_nearest(inputs, routing, options, points, clip, drawn, feedback)
    return drawn


def _clipped(polygon: QgsGeometry, clip: QgsGeometry | None) -> QgsGeometry:
    return polygon.intersection(clip) if clip is not None and not polygon.isEmpty() else polygon


def _population(demand: DemandPoints | None, chosen: np.ndarray) -> float | None:
    """The people of the chosen demand points (None without demand)."""
    return None if demand is None else float(demand.population[chosen].sum())


def _costs_at(reach: Reach, nodes: np.ndarray) -> np.ndarray:
    """The search's cost at each of ``nodes`` (``inf`` where it did not reach), without a row over the whole graph."""
    if len(reach.nodes) == 0:
        return np.full(len(nodes), np.inf)
    at = np.minimum(np.searchsorted(reach.nodes, nodes), len(reach.nodes) - 1)
    return np.where(reach.nodes[at] == nodes, reach.costs[at], np.inf)


def draw_overlapping(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    points: RoadPoints,
    clip: QgsGeometry | None,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Each facility's own catchment: one bounded reverse search per facility and its road buffers, searched
    and drawn in worker processes where the system allows (:mod:`.catchment_workers`); each search is kept
    in ``drawn.reaches``."""
    assert routing.graph is not None and routing.facility_nodes is not None and routing.demand_nodes is not None
    graph, nodes, demand_nodes = routing.graph, routing.facility_nodes, routing.demand_nodes
    limits = options.limits
    graph_limits = [band * options.per_unit for band in limits]
    for index, (reach, polygons) in enumerate(reach_and_draw(graph, nodes, points, graph_limits)):
        check_cancel(feedback)
        report_progress(feedback, 55 + 35 * index / len(nodes))
        drawn.reaches.append(reach)
        demand_cost = _costs_at(reach, demand_nodes) if inputs.demand is not None else None
        for band, graph_limit, polygon in zip(limits, graph_limits, polygons):
            within = None
            if demand_cost is not None:
                within = _population(inputs.demand, (demand_cost <= graph_limit) & routing.demand_placed)
            drawn.add(index, band, _clipped(polygon, clip), within)


def draw_nearest(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    points: RoadPoints,
    clip: QgsGeometry | None,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Nearest-facility catchments: every road goes to its nearest facility, from the one multi-source search."""
    assert routing.node_cost is not None and routing.node_source is not None
    limits = options.limits
    for step, band in enumerate(limits):
        report_progress(feedback, 55 + 35 * step / len(limits))
        polygons = nearest_catchments(points, routing.node_cost, routing.node_source, band * options.per_unit)
        for index in range(len(inputs.facilities.ids)):
            within = _population(inputs.demand, (routing.facility == index) & (routing.cost <= band))
            drawn.add(index, band, _clipped(polygons.get(index, QgsGeometry()), clip), within)


def draw_filled(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Filled travel-time areas: each facility's own surface, or one surface of the nearest facility, contoured."""
    assert routing.graph is not None
    graph = routing.graph
    samples = surface_samples(graph, options)
    grid = surface_grid(graph.node_xy, options.cell_m, options.max_off_network_m)
    clip = inputs.study_area if options.clip_to_areas else None
    if options.overlap == "overlapping":
        draw_filled_overlapping(inputs, routing, options, samples, grid, clip, drawn, feedback)
    else:
        draw_filled_nearest(inputs, routing, options, samples, grid, clip, drawn, feedback)


#: Threads stamping and tracing each facility's surface while the searches go on (numpy's whole-array steps release
#: the GIL; scipy's Dijkstra and GDAL's polygonize do not, so the overlap is partial).
FILLED_THREADS = max(1, min(2, os.cpu_count() or 1))
#: Facilities searched ahead of the threads at most: each waiting one holds its samples (megabytes on large networks).
FILLED_AHEAD = 2 * FILLED_THREADS
FilledResult = tuple[list[QgsGeometry], np.ndarray]


def draw_filled_overlapping(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    samples: RoadPoints,
    grid: SurfaceGrid,
    clip: QgsGeometry | None,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Each facility's own filled areas: one bounded reverse search per facility, its surface, one polygon per band.

    The searches run here while worker threads stamp and trace the surfaces (their whole-array numpy steps release
    the GIL); only a few facilities wait at a time, so memory stays bounded.
    """
    assert routing.graph is not None and routing.facility_nodes is not None
    graph, nodes = routing.graph, routing.facility_nodes
    graph_limits = [band * options.per_unit for band in options.limits]
    walk, top, max_off = walk_cost_per_m(options.cost), graph_limits[-1], options.max_off_network_m
    demand_xy = inputs.demand.xy if inputs.demand is not None else None
    places = SamplePlaces.of(samples.xy)  # once per graph: each facility then keeps the cheapest sample per place
    waiting: deque[tuple[int, Future[FilledResult]]] = deque()
    with ThreadPoolExecutor(max_workers=FILLED_THREADS) as pool:
        for index, reach in enumerate(iter_reach(graph, nodes, top, reverse=True)):
            report_progress(feedback, 55 + 35 * index / len(nodes))
            drawn.reaches.append(reach)
            xy, cost = places.cheapest(*samples.take(reach.nodes, reach.costs))
            waiting.append(
                (index, pool.submit(filled_areas, grid, xy, cost, walk, max_off, graph_limits, demand_xy, True))
            )
            while len(waiting) > FILLED_AHEAD:
                _add_filled(inputs, routing, options, clip, drawn, *waiting.popleft())
        while waiting:
            _add_filled(inputs, routing, options, clip, drawn, *waiting.popleft())


def _add_filled(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    clip: QgsGeometry | None,
    drawn: CatchmentPolygons,
    index: int,
    result: Future[FilledResult],
) -> None:
    """Add facility ``index``'s filled areas, one per band, each with the people whose cell is within it: the table
    and the polygons agree but for points within one cell's walk of a band limit."""
    polygons, at_demand = result.result()
    people = inputs.demand
    for band, polygon in zip(options.limits, polygons):
        within = None
        if people is not None:
            within = _population(people, (at_demand / options.per_unit <= band) & routing.demand_placed)
        drawn.add(index, band, _clipped(polygon, clip), within)


def filled_areas(
    grid: SurfaceGrid,
    xy: np.ndarray,
    cost: np.ndarray,
    walk_per_m: float,
    max_off_m: float,
    limits: Sequence[float],
    demand_xy: np.ndarray | None,
    distinct: bool = False,
) -> tuple[list[QgsGeometry], np.ndarray]:
    """One facility's surface from its road samples, traced at each of ``limits`` (graph units), and its cost at
    each demand point's cell (``inf`` beyond the last limit; empty without demand). ``distinct``: the samples
    are one per position already (:meth:`~.travel_surface.SamplePlaces.cheapest`)."""
    surface = stamp_surface(grid, xy, cost, walk_per_m, max_off_m, limit=limits[-1], distinct=distinct)
    if surface is None:
        return [QgsGeometry() for _ in limits], np.full(0 if demand_xy is None else len(demand_xy), np.inf)
    at_demand = surface.at(demand_xy)[0] if demand_xy is not None else np.empty(0)
    return [surface.band(limit) for limit in limits], at_demand


def draw_filled_nearest(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    samples: RoadPoints,
    grid: SurfaceGrid,
    clip: QgsGeometry | None,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Nearest-facility filled areas: one surface from the multi-source search, each cell to its cheapest facility."""
    assert routing.node_cost is not None and routing.node_source is not None
    limits = options.limits
    top = limits[-1] * options.per_unit
    reached = np.flatnonzero((routing.node_cost <= top) & (routing.node_source >= 0))
    taken, cost = samples.take(reached, routing.node_cost[reached])
    source = np.repeat(routing.node_source[reached], np.diff(samples.node_ptr)[reached])
    report_progress(feedback, 55)
    surface = stamp_surface(
        grid, samples.xy[taken], cost, walk_cost_per_m(options.cost), options.max_off_network_m, source, limit=top
    )
    for step, band in enumerate(limits):
        check_cancel(feedback)
        report_progress(feedback, 60 + 30 * step / len(limits))
        polygons = surface.nearest_bands(band * options.per_unit) if surface is not None else {}
        for index in range(len(inputs.facilities.ids)):
            within = _population(inputs.demand, (routing.facility == index) & (routing.cost <= band))
            drawn.add(index, band, _clipped(polygons.get(index, QgsGeometry()), clip), within)


def draw_straight_line(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    drawn: CatchmentPolygons,
    feedback: QgsFeedback | None = None,
) -> None:
    """Voronoi cells, or circles of each band (cut to each facility's cell for nearest-facility catchments)."""
    found, people, study = inputs.facilities, inputs.demand, inputs.study_area
    nearest_only = options.method == "voronoi" or options.overlap == "nearest"
    cells = voronoi_cells(found.xy, study) if nearest_only and study else None
    if options.method == "voronoi" and cells is not None:
        for index, cell in enumerate(cells):
            drawn.add(index, None, cell, _population(people, routing.facility == index))
        return
    clip = study if options.clip_to_areas else None
    for index, (x, y) in enumerate(found.xy):
        report_progress(feedback, 50 + 40 * index / len(found.ids))
        for band in options.limits:
            polygon = QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))).buffer(band, 16)
            if cells is not None:
                polygon = polygon.intersection(cells[index])
            elif clip is not None:
                polygon = polygon.intersection(clip)
            within = None
            if people is not None:
                near = np.hypot(*(people.xy - found.xy[index]).T) <= band
                if options.overlap == "nearest":
                    near &= routing.facility == index
                within = _population(people, near)
            drawn.add(index, band, polygon, within)


def voronoi_cells(xy: np.ndarray, study_area: QgsGeometry) -> list[QgsGeometry]:
    """The nearest-point cell of every point, clipped to ``study_area`` (empty for a repeated location)."""
    points = QgsGeometry.fromMultiPointXY([QgsPointXY(float(x), float(y)) for x, y in xy])
    box = QgsRectangle(study_area.boundingBox())
    box.combineExtentWith(points.boundingBox())
    box.grow(max(box.width(), box.height()))
    if len(xy) == 1:
        cells = [QgsGeometry.fromRect(box)]
    else:
        diagram = points.voronoiDiagram(QgsGeometry.fromRect(box))
        cells = list(diagram.asGeometryCollection())
    out = [QgsGeometry() for _ in range(len(xy))]
    for cell in cells:
        for index, (x, y) in enumerate(xy):
            if out[index].isEmpty() and cell.contains(QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y)))):
                out[index] = cell.intersection(study_area)
                break
    return out


def _multi_wkb(geometry: QgsGeometry) -> bytes:
    geometry = QgsGeometry(geometry)
    if geometry.type() != Qgis.GeometryType.Polygon:
        geometry = geometry.buffer(0, 1) if not geometry.isEmpty() else geometry
    geometry.convertToMultiType()
    return bytes(geometry.asWkb())


# --- stage 4: tabulate ---------------------------------------------------------------------------


def assign(inputs: CatchmentInputs, routing: Routing, options: CatchmentOptions, outcome: CatchmentOutcome) -> None:
    """Fill in each demand point's facility, cost and population and the coverage, and log who is left out."""
    people, found, log = inputs.demand, inputs.facilities, outcome.log
    if people is None:
        return
    outcome.assigned = [
        found.ids[i] if i >= 0 and math.isfinite(c) else None for i, c in zip(routing.facility, routing.cost)
    ]
    outcome.cost = [float(c) for c in routing.cost]
    outcome.population = people.population.tolist()
    placed = routing.demand_placed
    outcome.placed = placed.tolist()
    unreached = [people.codes[i] for i, c in enumerate(routing.cost) if not math.isfinite(c) and placed[i]]
    if unreached:
        log.append(
            LogLine(
                f"{plural('demand point', len(unreached))} cannot reach any facility on the network: "
                f"{list_labels(unreached)}.",
                True,
            )
        )
    serving = set(outcome.assigned)
    idle = [name for name in found.ids if name not in serving]
    if idle:
        log.append(
            LogLine(f"{plural('facility', len(idle))} are the nearest for no demand point: {list_labels(idle)}.")
        )
    chosen = np.flatnonzero(placed)  # points too far from the network are left out of the coverage
    outcome.coverage = coverage_table(
        [outcome.assigned[i] for i in chosen],
        [outcome.cost[i] for i in chosen],
        [outcome.population[i] for i in chosen],
        outcome.bands,
        [people.decile[i] for i in chosen] if people.decile is not None else None,
    )


def assignment_table(demand: DemandPoints, outcome: CatchmentOutcome, snap_m: np.ndarray, method: str) -> FeatureTable:
    """Each demand point with its nearest facility, cost, band, distance to the network, population and decile."""
    limits, unit = outcome.bands, outcome.unit
    rows = [
        {
            "demand_fid": demand.fids[i],
            "code": demand.codes[i],
            "facility_id": outcome.assigned[i],
            "cost": outcome.cost[i] if math.isfinite(outcome.cost[i]) else None,
            "cost_unit": unit if method in NETWORK_METHODS else "m (straight line)",
            "band": band_of(outcome.cost[i], limits),
            "snap_distance_m": None if math.isnan(snap_m[i]) else float(snap_m[i]),
            "population": outcome.population[i],
            "decile": demand.decile[i] if demand.decile is not None else None,
            "status": "placed" if not outcome.placed or outcome.placed[i] else "not placed: too far from the network",
        }
        for i in range(len(demand.fids))
    ]
    fields: list[tuple[str, type]] = [
        ("demand_fid", int),
        ("code", str),
        ("facility_id", str),
        ("cost", float),
        ("cost_unit", str),
        ("band", float),
        ("snap_distance_m", float),
        ("population", float),
        ("decile", int),
        ("status", str),
    ]
    return FeatureTable("assignment", fields, rows, demand.geometry_type, demand.wkb)


def coverage_features(rows: Sequence[Any], bands: Sequence[float], unit: str) -> FeatureTable:
    """The coverage table: population within each band, its share and the most deprived beyond it, per facility."""
    fields: list[tuple[str, type]] = [("facility_id", str), ("population", float)]
    for band in bands:
        label = f"{band:g}{unit}".replace(".", "_")
        fields += [(f"within_{label}", float), (f"pct_{label}", float), (f"deprived_beyond_{label}", float)]
    out = []
    for row in rows:
        values: dict[str, Any] = {"facility_id": row.facility, "population": row.population}
        for index, band in enumerate(bands):
            label = f"{band:g}{unit}".replace(".", "_")
            values[f"within_{label}"] = row.within[index]
            values[f"pct_{label}"] = None if math.isnan(row.share[index]) else 100 * row.share[index]
            values[f"deprived_beyond_{label}"] = row.deprived_beyond[index] if row.deprived_beyond else None
        out.append(values)
    return FeatureTable("coverage", fields, out)


def coverage_lines(
    outcome: CatchmentOutcome, max_snap_m: float = DEFAULT_MAX_SNAP_M, network: str = ""
) -> list[LogLine]:
    """The people within each band, and the most deprived beyond it, for all facilities together.

    Without a population field each line says it counts points, not people; places left out for
    lying too far from the network are counted first.
    """
    lines = []
    left_out = not_placed_headline(len(outcome.not_placed), max_snap_m, network or "network")
    if left_out is not None:
        lines.append(left_out)
    who = "points (not people: no population field)" if outcome.counts_points else "people"
    for row in outcome.coverage:
        if row.facility != ALL_FACILITIES:
            continue
        for band, within, share in zip(outcome.bands, row.within, row.share):
            lines.append(LogLine(f"Within {band:g} {outcome.unit}: {within:,.0f} {who} ({100 * share:.1f}%)."))
        for band, beyond in zip(outcome.bands, row.deprived_beyond):
            if beyond:
                lines.append(LogLine(f"{beyond:,.0f} {who} in deciles 1-2 live beyond {band:g} {outcome.unit}.", True))
    return lines


def tabulate(
    inputs: CatchmentInputs,
    routing: Routing,
    options: CatchmentOptions,
    drawn: CatchmentPolygons,
    outcome: CatchmentOutcome,
    destinations: tuple[str, str | None, str | None],
) -> list[tuple[str, FeatureTable]]:
    """The tables to write, each with its destination: catchments, then the assignment and coverage when asked."""
    catchments_output, assignment_output, coverage_output = destinations
    outputs = [(catchments_output, drawn.table())]
    outcome.not_placed, outcome.counts_points = routing.not_placed, inputs.counts_points
    assign(inputs, routing, options, outcome)
    if outcome.not_placed:
        outputs.append((str(gpkg_destination(catchments_output)[0]), not_placed_table(outcome.not_placed)))
    if inputs.demand is None:
        if assignment_output or coverage_output:
            outcome.log.append(
                LogLine("No demand points or small areas were given: no assignment or coverage table.", True)
            )
        return outputs
    if assignment_output:
        outputs.append((assignment_output, assignment_table(inputs.demand, outcome, routing.snap_m, options.method)))
    if coverage_output:
        outputs.append((coverage_output, coverage_features(outcome.coverage, outcome.bands, outcome.unit)))
    # the answer leads the log (the panel shows its first lines): places left out, then coverage by band
    outcome.log[0:0] = coverage_lines(outcome, options.max_snap_m, f"{options.mode} network")
    return outputs


# --- stage 5: write ------------------------------------------------------------------------------


def write_catchments(
    outputs: list[tuple[str, FeatureTable]], crs_authid: str, drawn: CatchmentPolygons, outcome: CatchmentOutcome
) -> None:
    """Write the tables (those sharing a file go in it together), style the catchments and note the URIs."""
    uris = write_outputs(outputs, crs_authid)
    outcome.catchments_uri = uris[0]
    if drawn.rows:
        style_catchments(outcome.catchments_uri, [row["band"] for row in drawn.rows], outcome.unit)
    for (_, table), uri in zip(outputs[1:], uris[1:]):
        if table.name == NOT_PLACED:
            outcome.not_placed_uri = uri
        elif table.geometry_type is None:
            outcome.coverage_uri = uri
        else:
            outcome.assignment_uri = uri
    outcome.log.append(LogLine(f"Wrote {len(drawn.rows):,} catchment polygons."))


# --- the tool ------------------------------------------------------------------------------------


def service_catchments(
    facilities: FacilitiesInput,
    network: Source | None,
    catchments_output: str,
    *,
    assignment_output: str | None = None,
    coverage_output: str | None = None,
    method: str = "network",
    cost: str = "time",
    mode: str = "drive",
    speed_field: str | None = None,
    bands: str | Sequence[float] = "5,10,15",
    buffer_m: float = 100.0,
    overlap: str = "overlapping",
    facility_id_field: str | None = None,
    capacity_field: str | None = None,
    facility_filter: str | None = None,
    facilities_sheet: str | None = None,
    areas: QgsVectorLayer | None = None,
    demand: QgsVectorLayer | None = None,
    population_field: str | None = None,
    deprivation_field: str | None = None,
    clip_to_areas: bool = False,
    snap_warning_m: float = DEFAULT_SNAP_WARNING_M,
    cache_dir: Path | str | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    snap_to_main: bool = True,
    cell_m: float = DEFAULT_CELL_M,
    max_off_network_m: float = DEFAULT_MAX_OFF_NETWORK_M,
    feedback: QgsFeedback | None = None,
) -> CatchmentOutcome:
    """Catchments of ``facilities`` within each band, the nearest facility of each demand point and coverage.

    ``facilities``: a point layer or the path of a CSV/XLSX table with easting/northing or lon/lat
    columns (``facility_filter``: a QGIS expression choosing some of them, such as
    ``"category" = 'gp_surgery'``). ``network``: a line layer, GeoPackage path or ``.osm.pbf``
    (needed for ``method="network"`` and ``"filled"``; ``cell_m`` and ``max_off_network_m``: the
    filled areas' cell and longest walk from the road). ``bands``: minutes (``cost="time"``) or metres
    (``cost="distance"``; the only choice for ``buffer`` and ``voronoi``). ``overlap``:
    ``"overlapping"`` (each facility's own catchment) or ``"nearest"`` (each place in the catchment
    of its nearest facility only). Demand: ``demand`` points, else the points on surface of
    ``areas``; ``deprivation_field`` is read from the demand layer or, failing that, from the small
    area containing each demand point. Raises ServiceCatchmentError, InputLayerError, NetworkError,
    TableError or OutputError with a message for the user and CancelledError when cancelled.

    The keyword arguments are the documented Python call; the stages below take them as one
    :class:`CatchmentOptions`: check, prepare, route, draw, tabulate, write.
    """
    options = CatchmentOptions(
        method=method,
        cost=cost,
        mode=mode,
        speed_field=speed_field,
        bands=bands,
        buffer_m=buffer_m,
        overlap=overlap,
        facility_id_field=facility_id_field,
        capacity_field=capacity_field,
        facility_filter=facility_filter,
        facilities_sheet=facilities_sheet,
        population_field=population_field,
        deprivation_field=deprivation_field,
        clip_to_areas=clip_to_areas,
        snap_warning_m=snap_warning_m,
        cache_dir=cache_dir,
        speeds_kph=speeds_kph,
        max_snap_m=max_snap_m,
        snap_to_main=snap_to_main,
        cell_m=cell_m,
        max_off_network_m=max_off_network_m,
    )
    destinations = (catchments_output, assignment_output, coverage_output)
    check_options(options, network, areas)
    check_inputs(facilities, network, areas, demand, destinations)
    report_progress(feedback, 1)
    log: list[LogLine] = []
    inputs = prepare_inputs(facilities, network, areas, demand, options, log, feedback)
    ids, limits, unit = inputs.facilities.ids, options.limits, options.unit
    outcome = CatchmentOutcome(catchments_output, None, None, ids, limits, unit, from_cache=inputs.from_cache, log=log)
    routing = route(inputs, options, log, feedback)
    outcome.facility_ids = inputs.facilities.ids  # without those too far from the network
    outcome.graph = routing.graph
    outcome.facility_nodes, outcome.demand_nodes = routing.facility_nodes, routing.demand_nodes
    drawn = draw(inputs, routing, options, log, feedback)
    outcome.reaches = drawn.reaches
    report_progress(feedback, 90)
    outputs = tabulate(inputs, routing, options, drawn, outcome, destinations)
    check_cancel(feedback)
    write_catchments(outputs, inputs.crs_authid, drawn, outcome)
    report_progress(feedback, 100)
    return outcome
