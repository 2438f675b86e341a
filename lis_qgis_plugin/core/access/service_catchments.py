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
* ``method="buffer"``: straight-line circles of each band around each facility.
* ``method="voronoi"``: the nearest-facility (Voronoi) cell of each facility, clipped to the
  study area (the union of the small areas).

It writes the catchment polygons, the assignment of each demand point and the coverage table
(population within each band, and people in national deprivation deciles 1-2 beyond it) to
GeoPackages. Inputs are only read.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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
from ..io.layer_output import check_output_is_new, gpkg_destination, write_outputs
from ..network.graph_cache import load_or_build
from ..network.network_search import Reach, iter_reach, nearest_sources
from ..network.road_network import DEFAULT_SNAP_WARNING_M, RoadGraph, Source, TravelMode
from .catchment_geometry import CELLS_PER_BUFFER, catchment_polygons, nearest_catchments, road_points
from .catchment_style import style_catchments
from .coverage import ALL_FACILITIES, band_of, coverage_table
from .point_inputs import (
    demand_point,
    field_index,
    layer_transform,
    plain_value,
    read_facilities,
    values_of_containing_areas,
    work_crs,
)
from .service_points import read_service_points

METHODS = ("network", "buffer", "voronoi")
OVERLAPS = ("overlapping", "nearest")
#: Threads drawing catchment polygons while the searches go on.
DRAWING_THREADS = max(1, min(4, os.cpu_count() or 1))
FacilitiesInput = Union[QgsVectorLayer, str, Path]


class ServiceCatchmentError(LisError, ValueError):
    """The inputs cannot give catchments; the message says what to fix."""


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
    #: network method: the snapped graph, facility nodes and each facility's reach within the largest band
    graph: RoadGraph | None = None
    facility_nodes: np.ndarray | None = None
    demand_nodes: np.ndarray | None = None
    reaches: list[Reach] = field(default_factory=list)
    from_cache: bool = False
    log: list[LogLine] = field(default_factory=list)


@dataclass
class _Demand:
    ids: list[int]
    codes: list[str]
    xy: np.ndarray
    wkb: list[bytes]
    geometry_type: str
    population: list[float]
    decile: list[int | None] | None


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


def _demand_from(
    demand: QgsVectorLayer,
    crs_authid: str,
    population_field: str | None,
    deprivation_field: str | None,
    areas: QgsVectorLayer | None,
    log: list[LogLine],
) -> _Demand:
    population_index = field_index(demand, population_field, "population")
    if population_index is not None and not demand.fields().at(population_index).isNumeric():
        raise ServiceCatchmentError(f"The population field {population_field!r} of {demand.name()!r} is not numeric.")
    decile_index = None
    decile_from_areas = False
    if deprivation_field:
        decile_index = demand.fields().lookupField(deprivation_field)
        if decile_index < 0:
            if areas is None or areas.fields().lookupField(deprivation_field) < 0:
                raise ServiceCatchmentError(
                    f"Neither the demand layer {demand.name()!r} nor the small areas have a deprivation decile "
                    f"field {deprivation_field!r}."
                )
            decile_from_areas, decile_index = True, None
    code_index = next(
        (i for i, f in enumerate(demand.fields()) if f.name().lower().endswith(("cd", "code")) and not f.isNumeric()),
        None,
    )
    transform = layer_transform(demand, crs_authid)
    ids, codes, xy, wkb, population, decile = [], [], [], [], [], []
    is_point = demand.geometryType() == Qgis.GeometryType.Point
    missing_population = 0
    for feature in demand.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            continue
        if transform is not None:
            geometry.transform(transform)
        x, y, geometry = demand_point(geometry, is_point)
        attrs = feature.attributes()
        ids.append(feature.id())
        codes.append(str(plain_value(attrs[code_index]) or "") if code_index is not None else str(feature.id()))
        xy.append((x, y))
        wkb.append(bytes(geometry.asWkb()))
        people = plain_value(attrs[population_index]) if population_index is not None else 1
        if people is None:
            missing_population += 1
        population.append(float(people or 0))
        if decile_index is not None:
            value = plain_value(attrs[decile_index])
            decile.append(int(value) if value is not None else None)
    if not ids:
        raise ServiceCatchmentError(f"The demand layer {demand.name()!r} has no features with a location.")
    if missing_population:
        log.append(
            LogLine(
                f"{plural('demand point', missing_population)} have no population in {population_field!r}: "
                "counted as 0.",
                True,
            )
        )
    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    deciles: list[int | None] | None = decile if decile_index is not None else None
    if decile_from_areas and areas is not None:
        deciles = [
            int(value) if value is not None else None
            for value in values_of_containing_areas(areas, crs_authid, deprivation_field or "", points)
        ]
    return _Demand(ids, codes, points, wkb, "Point" if is_point else "MultiPolygon", population, deciles)


def _study_area(areas: QgsVectorLayer | None, crs_authid: str) -> QgsGeometry | None:
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


def _multi_wkb(geometry: QgsGeometry) -> bytes:
    geometry = QgsGeometry(geometry)
    if geometry.type() != Qgis.GeometryType.Polygon:
        geometry = geometry.buffer(0, 1) if not geometry.isEmpty() else geometry
    geometry.convertToMultiType()
    return bytes(geometry.asWkb())


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
    feedback: QgsFeedback | None = None,
) -> CatchmentOutcome:
    """Catchments of ``facilities`` within each band, the nearest facility of each demand point and coverage.

    ``facilities``: a point layer or the path of a CSV/XLSX table with easting/northing or lon/lat
    columns (``facility_filter``: a QGIS expression choosing some of them, such as
    ``"category" = 'gp_surgery'``). ``network``: a line layer, GeoPackage path or ``.osm.pbf``
    (needed for ``method="network"``). ``bands``: minutes (``cost="time"``) or metres
    (``cost="distance"``; the only choice for ``buffer`` and ``voronoi``). ``overlap``:
    ``"overlapping"`` (each facility's own catchment) or ``"nearest"`` (each place in the catchment
    of its nearest facility only). Demand: ``demand`` points, else the points on surface of
    ``areas``; ``deprivation_field`` is read from the demand layer or, failing that, from the small
    area containing each demand point. Raises ServiceCatchmentError, NetworkError, TableError or
    OutputError with a message for the user and CancelledError when cancelled.
    """
    if method not in METHODS:
        raise ServiceCatchmentError(f"Method must be one of {', '.join(METHODS)}, not {method!r}.")
    if overlap not in OVERLAPS:
        raise ServiceCatchmentError(f"Overlap must be one of {', '.join(OVERLAPS)}, not {overlap!r}.")
    limits = parse_bands(bands)
    if method != "network" and cost != "distance":
        raise ServiceCatchmentError(
            f"The {method} method measures straight-line distance: choose cost 'distance' and give the bands in metres."
        )
    if method == "network" and network is None:
        raise ServiceCatchmentError("The network method needs a road network (a line layer or an .osm.pbf file).")
    if method == "voronoi" and areas is None:
        raise ServiceCatchmentError("Voronoi catchments need the small areas: they are clipped to the study area.")
    if not buffer_m >= 1:
        raise ServiceCatchmentError(
            f"The buffer around reached roads must be at least 1 metre, not {buffer_m:g}: catchments are the "
            "reached roads widened by it (100 m is usual)."
        )
    travel = TravelMode(kind=mode, cost=cost, speed_field=speed_field or None, speeds_kph=speeds_kph)
    unit = "min" if cost == "time" else "m"
    to_graph = 60.0 if cost == "time" else 1.0  # graph costs are seconds or metres
    log: list[LogLine] = []
    inputs: list[Any] = [facilities if isinstance(facilities, QgsVectorLayer) else Path(str(facilities)), areas, demand]
    if isinstance(network, QgsVectorLayer):
        inputs.append(network)
    elif network is not None:
        inputs.append(Path(str(network).split("|")[0]))
    for destination in (catchments_output, assignment_output, coverage_output):
        if destination:
            check_output_is_new(gpkg_destination(destination)[0], inputs)
    if demand is not None and demand.featureCount() == 0:
        raise ServiceCatchmentError(f"The demand layer {demand.name()!r} has no features.")
    if areas is not None and areas.featureCount() == 0:
        raise ServiceCatchmentError(f"The small-areas layer {areas.name()!r} has no features.")
    report_progress(feedback, 1)

    graph: RoadGraph | None = None
    from_cache = False
    if method == "network":
        graph, from_cache = load_or_build(network, travel, cache_dir=cache_dir)
        log.append(LogLine(graph.summary() + (" (read from the cache)" if from_cache else " (built and cached)")))
        crs_authid = graph.crs_authid
    else:
        facility_layer = facilities if isinstance(facilities, QgsVectorLayer) else None
        crs_authid = work_crs([facility_layer, areas, demand])
    report_progress(feedback, 30)

    if isinstance(facilities, QgsVectorLayer):
        facility_layer = facilities
        if facility_layer.featureCount() == 0:
            raise ServiceCatchmentError(f"The facilities layer {facility_layer.name()!r} has no features.")
    else:
        facility_layer = table_layer(Path(str(facilities)), crs_authid, facilities_sheet)
        log.append(
            LogLine(f"Read {plural('facility', facility_layer.featureCount())} from {Path(str(facilities)).name}.")
        )
    found = read_facilities(facility_layer, crs_authid, facility_id_field, capacity_field, facility_filter)
    log.append(LogLine(f"{plural('facility', len(found.ids))}; bands {', '.join(f'{b:g}' for b in limits)} {unit}."))

    demand_layer = demand if demand is not None else areas
    people: _Demand | None = None
    if demand_layer is not None:
        people = _demand_from(demand_layer, crs_authid, population_field, deprivation_field, areas, log)
        how = "points" if demand is not None else "points on surface of the small areas"
        log.append(
            LogLine(
                f"Demand: {len(people.ids):,} {how} of {demand_layer.name()!r}, "
                f"population {sum(people.population):,.0f}."
            )
        )
    study = _study_area(areas, crs_authid)
    clip = study if clip_to_areas else None
    report_progress(feedback, 40)

    outcome = CatchmentOutcome(catchments_output, None, None, found.ids, limits, unit, from_cache=from_cache, log=log)
    rows: list[dict[str, Any]] = []
    wkb: list[bytes] = []

    def add(index: int, band: float | None, geometry: QgsGeometry, population: float | None) -> None:
        if geometry.isNull() or geometry.isEmpty():
            return
        rows.append(
            {
                "facility_id": found.ids[index],
                "capacity": found.capacity[index],
                "band": band,
                "band_unit": unit if band is not None else None,
                "method": method if method != "network" else f"network {mode} {cost}",
                "population": population,
            }
        )
        wkb.append(_multi_wkb(geometry))

    demand_cost = np.full(len(people.ids) if people else 0, np.inf)
    demand_facility = np.full(len(demand_cost), -1, dtype=np.int64)
    snap_m = np.full(len(demand_cost), np.nan)
    if method == "network":
        assert graph is not None
        all_xy = np.vstack([found.xy, people.xy]) if people else found.xy
        snapped = graph.snap(all_xy, snap_warning_m)
        graph = snapped.graph
        nodes = snapped.nodes[: len(found.ids)]
        demand_nodes = snapped.nodes[len(found.ids) :]
        snap_m = snapped.distance_m[len(found.ids) :]
        outcome.graph, outcome.facility_nodes, outcome.demand_nodes = graph, nodes, demand_nodes
        far = np.flatnonzero(snapped.far[: len(found.ids)])
        if len(far):
            log.append(
                LogLine(
                    f"{plural('facility', len(far))} lie more than {snap_warning_m:g} m from the {mode} network: "
                    + list_labels([f"{found.ids[i]} ({snapped.distance_m[i]:,.0f} m)" for i in far])
                    + ". Check their locations or the network's extent.",
                    True,
                )
            )
        far_demand = int(snapped.far[len(found.ids) :].sum())
        if far_demand:
            log.append(
                LogLine(
                    f"{plural('demand point', far_demand)} lie more than {snap_warning_m:g} m from the network.", True
                )
            )
        _, labels = connected_components(graph.matrix, directed=True, connection="strong")
        main = np.bincount(labels).argmax()
        isolated = [found.ids[i] for i, node in enumerate(nodes) if labels[node] != main]
        if isolated:
            log.append(
                LogLine(
                    f"{plural('facility', len(isolated))} are on road pieces cut off from the main network "
                    f"(one-way or unconnected roads): {list_labels(isolated)}.",
                    True,
                )
            )
        report_progress(feedback, 50)
        # one multi-source search: the nearest facility (cost TO it) of every node
        node_cost, node_source = nearest_sources(graph, nodes, reverse=True)
        if people:
            demand_cost = node_cost[demand_nodes] / to_graph
            demand_facility = node_source[demand_nodes]
        # points along the roads, as travelled towards the facility (costs are costs TO it)
        points = road_points(graph.node_xy, graph.edge_to, graph.edge_from, graph.edge_cost, buffer_m)
        if points.cell > max(buffer_m, 1.0) / CELLS_PER_BUFFER + 1e-9:
            log.append(LogLine(f"The network is large: catchments are drawn on a {points.cell:,.0f} m grid."))

        def clipped(polygon: QgsGeometry) -> QgsGeometry:
            return polygon.intersection(clip) if clip is not None and not polygon.isEmpty() else polygon

        if overlap == "overlapping":
            # searches here, drawing in worker threads (numpy, scipy.ndimage and GDAL release the GIL)
            graph_limits = [b * to_graph for b in limits]
            with ThreadPoolExecutor(max_workers=DRAWING_THREADS) as pool:
                drawn = []
                for reach in iter_reach(graph, nodes, graph_limits[-1], reverse=True):
                    report_progress(feedback, 55 + 20 * len(drawn) / len(nodes))
                    outcome.reaches.append(reach)
                    drawn.append(pool.submit(catchment_polygons, points, reach.nodes, reach.costs, graph_limits))
                for index, (reach, polygons) in enumerate(zip(outcome.reaches, drawn)):
                    report_progress(feedback, 75 + 15 * index / len(nodes))
                    costs = np.full(graph.node_count, np.inf)
                    costs[reach.nodes] = reach.costs
                    for band, polygon in zip(limits, polygons.result()):
                        within = (
                            float(np.asarray(people.population)[costs[demand_nodes] <= band * to_graph].sum())
                            if people
                            else None
                        )
                        add(index, band, clipped(polygon), within)
        else:
            for step, band in enumerate(limits):
                report_progress(feedback, 55 + 35 * step / len(limits))
                polygons = nearest_catchments(points, node_cost, node_source, band * to_graph)
                for index in range(len(nodes)):
                    within = None
                    if people:
                        hit = (demand_facility == index) & (demand_cost <= band)
                        within = float(np.asarray(people.population)[hit].sum())
                    add(index, band, clipped(polygons.get(index, QgsGeometry())), within)
    else:
        if people:
            distance, nearest = cKDTree(found.xy).query(people.xy)
            demand_cost, demand_facility = np.asarray(distance, float), np.asarray(nearest, np.int64)
        cells = voronoi_cells(found.xy, study) if (method == "voronoi" or overlap == "nearest") and study else None
        if method == "voronoi" and cells is not None:
            for index, cell in enumerate(cells):
                within = float(np.asarray(people.population)[demand_facility == index].sum()) if people else None
                add(index, None, cell, within)
        else:
            for index, (x, y) in enumerate(found.xy):
                report_progress(feedback, 50 + 40 * index / len(found.ids))
                for band in limits:
                    polygon = QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))).buffer(band, 16)
                    if cells is not None:
                        polygon = polygon.intersection(cells[index])
                    elif clip is not None:
                        polygon = polygon.intersection(clip)
                    within = None
                    if people:
                        near = np.hypot(*(people.xy - found.xy[index]).T) <= band
                        if overlap == "nearest":
                            near &= demand_facility == index
                        within = float(np.asarray(people.population)[near].sum())
                    add(index, band, polygon, within)
    report_progress(feedback, 90)

    catchment_fields: list[tuple[str, type]] = [
        ("facility_id", str),
        ("capacity", found.capacity_type),
        ("band", float),
        ("band_unit", str),
        ("method", str),
        ("population", float),
    ]
    outputs = [(catchments_output, FeatureTable("catchments", catchment_fields, rows, "MultiPolygon", wkb))]
    if people:
        outcome.assigned = [
            found.ids[i] if i >= 0 and math.isfinite(c) else None for i, c in zip(demand_facility, demand_cost)
        ]
        outcome.cost = [float(c) for c in demand_cost]
        outcome.population = list(people.population)
        unreached = [people.codes[i] for i, c in enumerate(demand_cost) if not math.isfinite(c)]
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
        outcome.coverage = coverage_table(outcome.assigned, outcome.cost, outcome.population, limits, people.decile)
        if assignment_output:
            assignment_rows = [
                {
                    "demand_fid": people.ids[i],
                    "code": people.codes[i],
                    "facility_id": outcome.assigned[i],
                    "cost": outcome.cost[i] if math.isfinite(outcome.cost[i]) else None,
                    "cost_unit": unit if method == "network" else "m (straight line)",
                    "band": band_of(outcome.cost[i], limits),
                    "snap_distance_m": None if math.isnan(snap_m[i]) else float(snap_m[i]),
                    "population": people.population[i],
                    "decile": people.decile[i] if people.decile is not None else None,
                }
                for i in range(len(people.ids))
            ]
            assignment_fields: list[tuple[str, type]] = [
                ("demand_fid", int),
                ("code", str),
                ("facility_id", str),
                ("cost", float),
                ("cost_unit", str),
                ("band", float),
                ("snap_distance_m", float),
                ("population", float),
                ("decile", int),
            ]
            table = FeatureTable("assignment", assignment_fields, assignment_rows, people.geometry_type, people.wkb)
            outputs.append((assignment_output, table))
        if coverage_output:
            outputs.append((coverage_output, _coverage_table(outcome.coverage, limits, unit)))
        for row in outcome.coverage:
            if row.facility == ALL_FACILITIES:
                for band, within, share in zip(limits, row.within, row.share):
                    log.append(LogLine(f"Within {band:g} {unit}: {within:,.0f} people ({100 * share:.1f}%)."))
                for band, beyond in zip(limits, row.deprived_beyond):
                    if beyond:
                        log.append(LogLine(f"{beyond:,.0f} people in deciles 1-2 live beyond {band:g} {unit}.", True))
    elif assignment_output or coverage_output:
        log.append(LogLine("No demand points or small areas were given: no assignment or coverage table.", True))
    check_cancel(feedback)
    uris = dict(zip((table.name for _, table in outputs), write_outputs(outputs, crs_authid)))
    kinds = [table for _, table in outputs]
    outcome.catchments_uri = uris[kinds[0].name]
    if rows:
        style_catchments(outcome.catchments_uri, [row["band"] for row in rows], unit)
    for table in kinds[1:]:
        if table.geometry_type is None:
            outcome.coverage_uri = uris[table.name]
        else:
            outcome.assignment_uri = uris[table.name]
    log.append(LogLine(f"Wrote {len(rows):,} catchment polygons."))
    report_progress(feedback, 100)
    return outcome


def _coverage_table(rows: Sequence[Any], bands: Sequence[float], unit: str) -> FeatureTable:
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
