"""Road graph, searches and cache on Rutland's real OpenStreetMap roads, checked against QGIS's own router."""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from scipy.sparse.csgraph import connected_components

from lis_qgis_plugin.core.network.graph_cache import load_or_build
from lis_qgis_plugin.core.network.network_search import costs_from, nearest_sources, reach_within
from lis_qgis_plugin.core.network.road_network import (
    BACKWARD,
    FORWARD,
    MPH,
    NetworkError,
    RoadGraph,
    TravelMode,
    build_graph,
    check_pbf_complete,
    classify_way,
    parse_maxspeed,
    parse_other_tags,
    points_from_layer,
    unique_rows,
)

from ..support import open_layer, point_layer, qgis_copy, saved


@pytest.fixture(scope="module")
def network_dir(shared_data: Path) -> Path:
    return shared_data / "rutland" / "network"


@pytest.fixture(scope="module")
def highways(network_dir: Path) -> str:
    """URI of the highways layer (a layer object must not outlive QGIS, so tests open their own)."""
    open_layer(network_dir / "rutland_osm_highways.gpkg", "highways")
    return f"{network_dir / 'rutland_osm_highways.gpkg'}|layername=highways"


@pytest.fixture(scope="module")
def drive(highways: str) -> RoadGraph:
    return build_graph(highways, TravelMode())


@pytest.fixture(scope="module")
def gp_points(shared_data: Path) -> np.ndarray:
    """Five distinct GP surgeries in Rutland (easting, northing)."""
    path = shared_data / "rutland" / "services" / "rutland_nhs_services_nhschoices_2014.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["category"] == "gp_surgery" and r["in_la"] == "True"]
    xy = np.unique(np.array([[float(r["easting"]), float(r["northing"])] for r in rows]), axis=0)
    assert len(xy) >= 5
    return xy[:5]


def features_by_id(layer: QgsVectorLayer) -> dict[int, dict[str, object]]:
    names = layer.fields().names()
    return {f.id(): dict(zip(names, f.attributes())) for f in layer.getFeatures()}


def directions_of(graph: RoadGraph, segments: np.ndarray) -> set[str]:
    """'F' and/or 'B' edges found on the given segments."""
    on = np.isin(graph.edge_segment, segments)
    forward = graph.edge_from[on] == graph.seg_nodes[graph.edge_segment[on], 0]
    return {"F" if f else "B" for f in forward}


# ------------------------------------------------------------------------------------------ rules


def test_maxspeed_and_tags_are_parsed() -> None:
    assert parse_maxspeed("30 mph") == pytest.approx(30 * MPH)
    assert parse_maxspeed("50") == 50
    assert parse_maxspeed("national") == pytest.approx(60 * MPH)
    assert parse_maxspeed("GB:nsl_single") == pytest.approx(60 * MPH)
    assert parse_maxspeed("GB:nsl_dual") == pytest.approx(70 * MPH)
    assert parse_maxspeed("GB:motorway") == pytest.approx(70 * MPH)
    assert parse_maxspeed("signals") is None and parse_maxspeed(None) is None
    assert parse_other_tags('"maxspeed"=>"60 mph","oneway"=>"yes"') == {"maxspeed": "60 mph", "oneway": "yes"}
    mode = TravelMode()
    assert classify_way({"highway": "primary", "oneway": "-1"}, mode).direction == BACKWARD
    assert classify_way({"highway": "primary", "junction": "roundabout"}, mode).direction == FORWARD
    assert not classify_way({"highway": "service", "access": "private"}, mode).allowed
    assert not classify_way({"highway": "residential", "motor_vehicle": "no"}, mode).allowed
    assert classify_way({"highway": "tertiary"}, mode).speed_kph == pytest.approx(40 * MPH)
    assert classify_way({"highway": "tertiary", "maxspeed": "30 mph"}, mode).speed_kph == pytest.approx(30 * MPH)
    assert classify_way({"highway": "primary", "speed": 1}, TravelMode(speed_field="s"), speed=72).speed_kph == 72
    assert not classify_way({"highway": "motorway"}, TravelMode(kind="walk")).allowed
    assert classify_way({"highway": "footway"}, TravelMode(kind="walk")).speed_kph == 4.8


# ------------------------------------------------------------------------------------- (a) build


def test_rutland_drive_graph_is_plausible(highways: str, drive: RoadGraph) -> None:
    assert drive.crs_authid == "EPSG:27700"
    assert 15_000 < drive.node_count < 40_000
    assert 700_000 < drive.total_length_m < 1_100_000  # 1,562 km of highways, minus paths, tracks and private
    assert drive.edge_count > 1.9 * drive.segment_count  # nearly all two-way
    features = features_by_id(QgsVectorLayer(highways, "highways", "ogr"))
    used = {features[int(fid)]["highway"] for fid in np.unique(drive.seg_way)}
    assert not used & {"footway", "path", "steps", "bridleway", "cycleway", "pedestrian", "track"}
    private = [fid for fid, f in features.items() if f["access"] == "private" and not f["motor_vehicle"]]
    assert not np.isin(drive.seg_way, private).any()

    def segments_of(condition: object) -> np.ndarray:
        fids = [fid for fid, f in features.items() if condition(f)]
        segments = np.flatnonzero(np.isin(drive.seg_way, fids))
        assert len(segments) > 0
        return segments

    assert directions_of(drive, segments_of(lambda f: f["oneway"] == "yes")) == {"F"}
    assert directions_of(drive, segments_of(lambda f: f["oneway"] == "-1")) == {"B"}
    assert directions_of(drive, segments_of(lambda f: f["junction"] == "roundabout" and not f["oneway"])) == {"F"}
    assert directions_of(drive, segments_of(lambda f: f["oneway"] == "no")) == {"F", "B"}
    # the A1 and other 70 mph roads: cost = length / speed
    fast = np.isin(drive.edge_segment, segments_of(lambda f: f["maxspeed"] == "70 mph"))
    np.testing.assert_allclose(drive.edge_cost[fast], drive.edge_length[fast] / (70 * MPH / 3.6))
    slow = np.isin(drive.edge_segment, segments_of(lambda f: not f["maxspeed"] and f["highway"] == "residential"))
    np.testing.assert_allclose(drive.edge_cost[slow], drive.edge_length[slow] / (25 * MPH / 3.6))
    # ways cross at shared vertices, not only at their ends: the main network is one strongly connected piece
    _, labels = connected_components(drive.matrix, directed=True, connection="strong")
    assert np.bincount(labels).max() > 0.95 * drive.node_count


# ------------------------------------------------------------------------- (b) QGIS's own router


def sample_points(graph: RoadGraph, count: int, seed: int = 7) -> np.ndarray:
    """Points a few metres off random nodes of the main strongly connected network (so snapping splits edges)."""
    _, labels = connected_components(graph.matrix, directed=True, connection="strong")
    main = np.flatnonzero(labels == np.bincount(labels).argmax())
    rng = np.random.default_rng(seed)
    return graph.node_xy[rng.choice(main, count, replace=False)] + np.array([6.0, -4.0])


def qgis_costs(algorithm: str, params: dict[str, object], output: Path) -> dict[int, float]:
    """Costs by point id of a QGIS shortest path algorithm (written to a GeoPackage, read back).

    Point to point: ``{-1: TRAVEL_COST}``.
    """
    import processing

    params = {**params, "TOLERANCE": 0, "OUTPUT": str(output)}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())  # the network algorithms crash without a project
    result = processing.run(algorithm, params, context=context, feedback=QgsProcessingFeedback())
    if "TRAVEL_COST" in result:
        return {-1: float(result["TRAVEL_COST"])}
    layer = QgsVectorLayer(str(output), "routes", "ogr")
    costs = {int(f["pid"]): f["cost"] for f in layer.getFeatures()}
    return {pid: float(cost) for pid, cost in costs.items() if isinstance(cost, (int, float))}


@pytest.mark.parametrize("cost", ["time", "distance"])
def test_costs_match_qgis_shortest_path(lis_plugin: object, highways: str, cost: str, tmp_path: Path) -> None:
    mode = TravelMode(cost=cost)
    graph = build_graph(highways, mode)
    points = sample_points(graph, 20)
    snapped = graph.snap(points)
    assert snapped.distance_m.max() < 10 and not snapped.far.any()
    ends = saved(point_layer(points), tmp_path / "points.gpkg")
    start = f"{points[0, 0]},{points[0, 1]} [EPSG:27700]"
    common = {
        "INPUT": saved(qgis_copy(highways, mode), tmp_path / "roads.gpkg"),
        "STRATEGY": 1 if cost == "time" else 0,
        "DIRECTION_FIELD": "dir",
        "VALUE_FORWARD": "F",
        "VALUE_BACKWARD": "B",
        "VALUE_BOTH": "T",
        "DEFAULT_DIRECTION": 2,
        "SPEED_FIELD": "speed",
        "DEFAULT_SPEED": 50,
    }
    unit = 3600.0 if cost == "time" else 1.0  # QGIS's fastest route reports hours
    ours_out = costs_from(snapped.graph, int(snapped.nodes[0]))[snapped.nodes]
    ours_in = costs_from(snapped.graph, int(snapped.nodes[0]), reverse=True)[snapped.nodes]
    outward = qgis_costs(
        "native:shortestpathpointtolayer",
        {**common, "START_POINT": start, "END_POINTS": ends},
        tmp_path / "out.gpkg",
    )
    inward = qgis_costs(
        "native:shortestpathlayertopoint",
        {**common, "START_POINTS": ends, "END_POINT": start},
        tmp_path / "in.gpkg",
    )
    assert len(outward) >= 19 and len(inward) >= 19
    for pid in range(1, 20):
        assert ours_out[pid] == pytest.approx(outward[pid] * unit, rel=0.01, abs=0.5), f"to point {pid}"
        assert ours_in[pid] == pytest.approx(inward[pid] * unit, rel=0.01, abs=0.5), f"from point {pid}"
    assert not np.allclose(ours_out[1:], ours_in[1:])  # one-way streets make the two directions differ
    end = f"{points[5, 0]},{points[5, 1]} [EPSG:27700]"
    one = qgis_costs(
        "native:shortestpathpointtopoint", {**common, "START_POINT": start, "END_POINT": end}, tmp_path / "one.gpkg"
    )
    assert ours_out[5] == pytest.approx(one[-1] * unit, rel=0.01)


# ---------------------------------------------------------------------------- (c) nearest source


@pytest.mark.parametrize("reverse", [False, True])
def test_multi_source_equals_minimum_of_single_searches(
    drive: RoadGraph, gp_points: np.ndarray, reverse: bool, shared_data: Path
) -> None:
    gp_geojson = shared_data / "rutland" / "services" / "rutland_nhs_services_nhschoices_2014.geojson"
    snapped = drive.snap(gp_points)
    graph, sources = snapped.graph, snapped.nodes
    assert len(set(sources.tolist())) == 5 and snapped.distance_m.max() < 100
    layer = QgsVectorLayer(str(gp_geojson), "services", "ogr")  # WGS84 lon/lat
    moved = points_from_layer(layer, graph.crs_authid)
    assert np.min(np.hypot(*(moved[:, None, :] - gp_points[None, :, :]).T), axis=1).max() < 5
    started = time.perf_counter()
    cost, nearest = nearest_sources(graph, sources, reverse=reverse)
    elapsed = time.perf_counter() - started
    each = np.vstack([costs_from(graph, int(s), reverse=reverse) for s in sources])
    best = each.min(axis=0)
    assert np.array_equal(np.isinf(cost), np.isinf(best))
    reached = np.isfinite(best)
    assert reached.mean() > 0.95
    np.testing.assert_allclose(cost[reached], best[reached], rtol=1e-9)
    np.testing.assert_allclose(each[nearest[reached], np.flatnonzero(reached)], best[reached], rtol=1e-9)
    assert (nearest[~reached] == -1).all()
    assert elapsed < 1.0
    # bounded searches: 10 minutes
    limited, _ = nearest_sources(graph, sources, limit=600, reverse=reverse)
    np.testing.assert_array_equal(np.isfinite(limited), best <= 600)
    reaches = reach_within(graph, sources, 600, reverse=reverse)
    for row, reach in zip(each, reaches):
        np.testing.assert_array_equal(reach.nodes, np.flatnonzero(row <= 600))
        np.testing.assert_allclose(reach.costs, row[reach.nodes])


# ------------------------------------------------------------------------------------ (d) .osm.pbf


def test_osm_pbf_gives_the_same_drivable_network(network_dir: Path, drive: RoadGraph) -> None:
    graph = build_graph(network_dir / "rutland-latest.osm.pbf", TravelMode())
    assert graph.crs_authid == "EPSG:27700"  # reprojected from WGS84
    assert graph.total_length_m == pytest.approx(drive.total_length_m, rel=0.03)
    assert graph.info["oneway_segments"] == pytest.approx(drive.info["oneway_segments"], rel=0.03)
    assert graph.edge_count == pytest.approx(drive.edge_count, rel=0.03)


# --------------------------------------------------------------------------------- (e) sample town


def test_sample_district_drive_network_is_strongly_connected(sample_gpkg: Path) -> None:
    graph = build_graph(open_layer(sample_gpkg, "roads"), TravelMode(speed_field="speed_kph"))
    count, _ = connected_components(graph.matrix, directed=True, connection="strong")
    assert count == 1
    walk = build_graph(open_layer(sample_gpkg, "roads"), TravelMode(kind="walk"))
    assert walk.total_length_m > graph.total_length_m  # footpaths and private roads are walkable


# ----------------------------------------------------------------------------------------- (f) cache


def test_cache_returns_the_same_graph_and_misses_on_changes(sample_gpkg: Path, tmp_path: Path) -> None:
    gpkg = tmp_path / "district.gpkg"
    shutil.copy(sample_gpkg, gpkg)
    source, cache = f"{gpkg}|layername=roads", tmp_path / "cache"
    first, hit = load_or_build(source, TravelMode(), cache_dir=cache)
    assert not hit
    second, hit = load_or_build(source, TravelMode(), cache_dir=cache)
    assert hit
    for name in RoadGraph.ARRAY_NAMES:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert second.mode == first.mode and second.crs_authid == first.crs_authid
    assert (second.matrix != first.matrix).nnz == 0
    assert not load_or_build(source, TravelMode(cost="distance"), cache_dir=cache)[1]
    assert not load_or_build(source, TravelMode(speed_field="speed_kph"), cache_dir=cache)[1]
    stat = gpkg.stat()
    os.utime(gpkg, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert not load_or_build(source, TravelMode(), cache_dir=cache)[1]
    assert len(list(cache.glob("roadgraph_*.npz"))) == 4


# ------------------------------------------------------------------------------------ (g) bad input


def line_layer(rows: list[tuple[str, object]], crs: str = "EPSG:27700") -> QgsVectorLayer:
    layer = QgsVectorLayer(f"LineString?crs={crs}&field=highway:string&field=speed:double", "bad", "memory")
    features = []
    for index, (highway, speed) in enumerate(rows):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(f"LINESTRING({index * 100} 0, {index * 100 + 50} 50)"))
        feature.setAttributes([highway, speed])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_bad_inputs_have_clear_messages(highways: str, shared_data: Path) -> None:
    with pytest.raises(NetworkError, match="has no features"):
        build_graph(line_layer([]), TravelMode())
    points = shared_data / "rutland" / "services" / "rutland_nhs_services_nhschoices_2014.geojson"
    with pytest.raises(NetworkError, match="not lines"):
        build_graph(points, TravelMode())
    with pytest.raises(NetworkError, match=r"None of the 3 lines .* drive \(3 not drivable\)"):
        build_graph(line_layer([("footway", 5.0)] * 3), TravelMode())
    with pytest.raises(NetworkError, match=r"2 of 3 drivable roads .* no positive speed in the field 'speed'"):
        build_graph(
            line_layer([("residential", None), ("primary", 80.0), ("service", 0.0)]), TravelMode(speed_field="speed")
        )
    with pytest.raises(NetworkError, match="no field 'kph'"):
        build_graph(line_layer([("residential", 30.0)]), TravelMode(speed_field="kph"))
    with pytest.raises(NetworkError, match="geographic"):
        build_graph(highways, TravelMode(cost="distance"), crs="EPSG:4326")
    with pytest.raises(NetworkError, match="does not exist"):
        build_graph(shared_data / "no_such_roads.gpkg")
    with pytest.raises(NetworkError, match="drive"):
        TravelMode(kind="cycle")
    # a geographic layer is built in British National Grid metres by default
    wgs84 = line_layer([("residential", 30.0)], crs="EPSG:4326")
    wgs84.dataProvider().changeGeometryValues({1: QgsGeometry.fromWkt("LINESTRING(-0.72 52.66, -0.71 52.66)")})
    graph = build_graph(wgs84, TravelMode(speed_field="speed"))
    assert graph.crs_authid == "EPSG:27700" and graph.total_length_m == pytest.approx(677, rel=0.01)
    assert graph.edge_cost.sum() / 2 == pytest.approx(graph.total_length_m / (30 / 3.6))


def test_snapping_splits_edges_and_flags_far_points(drive: RoadGraph) -> None:
    a, b = drive.seg_nodes[0]
    middle = (drive.node_xy[a] + drive.node_xy[b]) / 2
    normal = np.array([-(drive.node_xy[b] - drive.node_xy[a])[1], (drive.node_xy[b] - drive.node_xy[a])[0]])
    off = middle + 3 * normal / np.linalg.norm(normal)
    snapped = drive.snap(np.vstack([off, off, drive.node_xy[a], [520_000.0, 330_000.0]]))
    assert snapped.graph.node_count == drive.node_count + 1  # one new node, shared by the two equal points
    assert snapped.nodes[0] == snapped.nodes[1] == drive.node_count and snapped.nodes[2] == a
    assert snapped.distance_m[0] == pytest.approx(3, abs=0.01)
    assert snapped.far.tolist() == [False, False, False, True]
    graph = snapped.graph
    assert graph.total_length_m == pytest.approx(drive.total_length_m)
    assert graph.edge_cost.sum() == pytest.approx(drive.edge_cost.sum())
    before, after = costs_from(drive, int(a)), costs_from(graph, int(a))[: drive.node_count]
    np.testing.assert_allclose(before, after)


def test_many_points_snap_to_the_nearest_road_and_split_it_in_order(drive: RoadGraph) -> None:
    """All points at once (issue 18): the nearest of all segments, checked by brute force; several
    points on one segment split it into a chain whose pieces add up to it."""
    rng = np.random.default_rng(18)
    low, high = drive.node_xy.min(axis=0), drive.node_xy.max(axis=0)
    points = np.vstack([rng.uniform(low, high, size=(300, 2)), drive.node_xy[:20]])
    a = drive.node_xy[drive.seg_nodes[:, 0]]
    d = drive.node_xy[drive.seg_nodes[:, 1]] - a
    for main_only in (False, True):
        segments, fraction, distance = drive.nearest_segments(points, main_only)
        allowed = drive.main_segments if main_only else np.arange(drive.segment_count)
        for point, segment, along, dist in zip(points, segments, fraction, distance):
            t = np.clip(((point - a[allowed]) * d[allowed]).sum(axis=1) / (d[allowed] ** 2).sum(axis=1), 0, 1)
            brute = np.hypot(*(a[allowed] + d[allowed] * t[:, None] - point).T)
            assert dist == pytest.approx(brute.min(), abs=1e-9) and segment in allowed
            assert np.hypot(*(a[segment] + d[segment] * along - point)) == pytest.approx(dist, abs=1e-9)
    segment = int(np.argmax(drive.seg_length))
    first, last = drive.seg_nodes[segment].tolist()
    start, end = drive.node_xy[[first, last]]
    snapped = drive.snap(start + np.outer([0.7, 0.2, 0.5, 0.2], end - start))
    graph, (at_07, at_02, at_05, again_02) = snapped.graph, snapped.nodes.tolist()
    assert at_02 == again_02 and len({at_07, at_02, at_05}) == 3
    assert graph.segment_count == drive.segment_count + 3  # one segment became four, appended in order
    pieces = graph.seg_nodes[drive.segment_count - 1 :].tolist()
    assert pieces == [[first, at_02], [at_02, at_05], [at_05, at_07], [at_07, last]]
    np.testing.assert_allclose(graph.seg_length[-4:], drive.seg_length[segment] * np.array([0.2, 0.3, 0.2, 0.3]))
    assert graph.total_length_m == pytest.approx(drive.total_length_m)
    assert graph.edge_cost.sum() == pytest.approx(drive.edge_cost.sum())


# ---------------------------------------------------------------------------- issue 16: main network, damaged files


def test_points_snap_to_the_main_network_and_name_the_fragment_they_skip(drive: RoadGraph, shared_data: Path) -> None:
    """Cottesmore's and E01013790's centroids lie nearest to road pieces cut off from Rutland's network."""
    main = drive.main_nodes
    assert main.sum() == 27_204 and drive.node_count == 27_853  # one main part; the largest fragment has 69 nodes
    centroids = shared_data / "rutland" / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"
    layer = QgsVectorLayer(str(centroids), "pwc", "ogr")
    codes = [str(f["LSOA11CD"]) for f in layer.getFeatures()]
    xy = points_from_layer(layer, drive.crs_authid)
    anywhere = drive.snap(xy)
    snapped = drive.snap(xy, main_only=True, max_distance_m=1000.0)
    assert [codes[i] for i in np.flatnonzero(snapped.fragment)] == ["E01013790", "E01013805"]
    here = codes.index("E01013805")
    assert snapped.fragment_m[here] == pytest.approx(anywhere.distance_m[here])
    assert snapped.fragment_m[here] == pytest.approx(163.2, abs=0.1)
    assert anywhere.distance_m[here] < snapped.distance_m[here] < 1000 and snapped.placed.all()
    assert not anywhere.fragment.any() and anywhere.placed.all()  # nearest-any-road: the old behaviour
    unmoved = np.flatnonzero(~snapped.fragment)
    np.testing.assert_allclose(snapped.distance_m[unmoved], anywhere.distance_m[unmoved])
    # a place 30 km east of the extract is not placed
    far = drive.snap(np.array([[538_533.0, 303_107.0]]), main_only=True, max_distance_m=1000.0)
    assert not far.placed[0] and 30_000 < far.distance_m[0] < 32_000


def test_a_damaged_geopackage_and_a_cut_short_pbf_are_named_with_what_to_do(network_dir: Path, tmp_path: Path) -> None:
    whole = (network_dir / "rutland_osm_highways.gpkg").read_bytes()
    cut = tmp_path / "roads.gpkg"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(NetworkError, match=rf"{cut} is damaged: it is cut short \(\d[\d,]* of [\d,]+ bytes\).*again"):
        build_graph(cut)
    text = tmp_path / "notes.gpkg"
    text.write_text("not a database\n")
    with pytest.raises(NetworkError, match=rf"{text} is damaged: it is not a GeoPackage \(SQLite\) database"):
        build_graph(text)
    pbf = (network_dir / "rutland-latest.osm.pbf").read_bytes()
    check_pbf_complete(network_dir / "rutland-latest.osm.pbf")  # the whole file passes
    for share in (0.5, 0.95):
        short = tmp_path / f"cut_{share}.osm.pbf"
        short.write_bytes(pbf[: int(len(pbf) * share)])
        with pytest.raises(NetworkError, match=rf"{short} is cut short: it ends in the middle of block .*Download it"):
            build_graph(short)
    assert (network_dir / "rutland-latest.osm.pbf").read_bytes() == pbf  # inputs unchanged


def test_unique_rows_sorts_and_numbers_rows_as_numpy_does() -> None:
    rng = np.random.default_rng(3)
    small = rng.integers(-50, 50, size=(5000, 2))
    huge = np.stack([rng.integers(-(2**40), 2**40, 3000), rng.integers(-(2**40), 2**40, 3000)], axis=1)
    huge[1000:] = huge[:2000]  # repeats, and ranges too wide for one key: numpy's own way
    for rows in (small, huge, small[:, :1], np.empty((0, 3), np.int64)):
        unique, first, inverse = unique_rows(rows)
        expected = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        for got, want in zip((unique, first, inverse), expected):
            np.testing.assert_array_equal(got, np.asarray(want).reshape(got.shape))
