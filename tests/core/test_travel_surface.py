"""The travel-time surface on small networks whose answer is known by hand: network time plus the walk from the road."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qgis.core import QgsGeometry, QgsPointXY

from lis_qgis_plugin.core.access.catchment_geometry import road_points
from lis_qgis_plugin.core.access.travel_surface import (
    WALK_KPH,
    SamplePlaces,
    cost_at,
    stamp_surface,
    surface_grid,
    walk_cost_per_m,
    walk_minutes,
)

# A straight 1 km road both ways along y = 0, driven in 100 s: nodes at x = 0 and 1000.
XY = np.array([[0.0, 0.0], [1000.0, 0.0]])
FROM, TO, COST = np.array([0, 1]), np.array([1, 0]), np.array([100.0, 100.0])
WALK = walk_cost_per_m("time")  # seconds per metre walked
CELL, MAX_OFF = 50.0, 400.0


def samples(node_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The road's samples (25 m apart) and their costs to a facility whose node costs are ``node_cost``."""
    points = road_points(XY, TO, FROM, COST, 25.0, spacing_m=25.0)
    index, cost = points.take(np.arange(len(XY)), node_cost)
    return points.xy[index], cost


def test_walking_speed_is_4_8_kmh() -> None:
    assert WALK_KPH == 4.8 and pytest.approx(0.75) == WALK  # 80 m a minute
    assert walk_minutes(50) == pytest.approx(0.625) and walk_cost_per_m("distance") == 1.0


def test_a_cell_costs_the_drive_to_the_nearest_road_point_plus_the_walk_to_it() -> None:
    xy, cost = samples(np.array([0.0, 100.0]))  # the facility at x = 0
    grid = surface_grid(XY, CELL, MAX_OFF)
    surface = stamp_surface(grid, xy, cost, WALK, MAX_OFF)
    assert surface is not None
    places = np.array([[512.0, 130.0], [0.0, -380.0], [990.0, 10.0], [500.0, 420.0], [-300.0, 300.0]])
    value, label = surface.at(places)
    centres = grid.cell_centres(places)
    # the cell centre's drive along the road to its foot, then the walk up to it (at most 25 m / 2 from a sample)
    expected = centres[:, 0].clip(0, 1000) / 10 + WALK * np.hypot(
        centres[:, 0] - centres[:, 0].clip(0, 1000), centres[:, 1]
    )
    assert value[:3] == pytest.approx(expected[:3], abs=WALK * 12.5)
    assert math.isinf(value[3]) and label[3] == -1  # beyond the 400 m walk: nothing reached
    assert value[4] == pytest.approx(WALK * math.hypot(*centres[4]), abs=1e-6)  # straight to the road's end
    # single places are valued by the KD-tree with the very same sum, at their cell's centre
    looked_up, _ = cost_at(centres, xy, cost, WALK, MAX_OFF)
    assert np.array_equal(np.isinf(looked_up), np.isinf(value))
    assert looked_up[np.isfinite(value)] == pytest.approx(value[np.isfinite(value)], abs=1e-9)


def test_the_whole_grid_matches_the_kd_tree_lookup_cell_by_cell() -> None:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 2000, size=(400, 2))
    cost = rng.uniform(0, 600, size=400)
    grid = surface_grid(xy, 37.0, 250.0)
    surface = stamp_surface(grid, xy, cost, WALK, 250.0, labels=np.arange(400) % 5)
    assert surface is not None
    rows, cols = np.indices(surface.values.shape)
    centres = grid.centres(rows.ravel() + surface.row0, cols.ravel() + surface.col0)
    value, label = cost_at(centres, xy, cost, WALK, 250.0, labels=np.arange(400) % 5)
    assert np.array_equal(np.isinf(value), np.isinf(surface.values.ravel()))
    finite = np.isfinite(value)
    assert value[finite] == pytest.approx(surface.values.ravel()[finite], abs=1e-9)
    assert (label == surface.labels.ravel()).mean() > 0.999  # ties may name either sample


def test_a_band_is_a_filled_polygon_cut_where_the_time_runs_out() -> None:
    xy, cost = samples(np.array([0.0, 100.0]))
    surface = stamp_surface(surface_grid(XY, CELL, MAX_OFF), xy, cost, WALK, MAX_OFF)
    assert surface is not None
    # within 150 s: the whole road (100 s) with a 400 m walk near its start, thinning to (150 - 100) / 0.75 m at its end
    area = surface.band(150)
    box = area.boundingBox()
    assert box.xMinimum() == pytest.approx(-200, abs=CELL) and box.xMaximum() == pytest.approx(
        1000 + 50 / WALK, abs=CELL
    )
    assert box.yMaximum() == pytest.approx(200, abs=CELL)
    inside = QgsGeometry.fromPointXY(QgsPointXY(100, 150))
    outside = QgsGeometry.fromPointXY(QgsPointXY(900, 150))  # 90 s of driving and 112.5 s of walking
    assert area.contains(inside) and not area.contains(outside)
    assert surface.band(-1).isEmpty()


def test_a_ring_road_gives_an_area_with_a_hole() -> None:
    # a square ring road of 3 km sides, driven in 300 s each way: the middle is beyond any walk
    ring = np.array([[0.0, 0.0], [3000.0, 0.0], [3000.0, 3000.0], [0.0, 3000.0]])
    start, end = np.array([0, 1, 2, 3, 1, 2, 3, 0]), np.array([1, 2, 3, 0, 0, 1, 2, 3])
    points = road_points(ring, end, start, np.full(8, 300.0), 25.0, spacing_m=25.0)
    index, cost = points.take(np.arange(4), np.array([0.0, 300.0, 600.0, 300.0]))
    surface = stamp_surface(surface_grid(ring, CELL, MAX_OFF), points.xy[index], cost, WALK, MAX_OFF)
    assert surface is not None
    area = surface.band(1000)
    parts = area.asGeometryCollection()
    assert len(parts) == 1 and parts[0].constGet().numInteriorRings() == 1  # one outer ring and one hole
    assert not area.contains(QgsGeometry.fromPointXY(QgsPointXY(1500, 1500)))
    assert area.contains(QgsGeometry.fromPointXY(QgsPointXY(1500, 300)))


def test_nearest_facility_areas_share_their_border_and_never_overlap() -> None:
    # two facilities at the road's ends: the border is where the drives meet, halfway
    points = road_points(XY, TO, FROM, COST, 25.0, spacing_m=25.0)
    xy, cost, label = [], [], []
    for source, node_cost in enumerate((np.array([0.0, 100.0]), np.array([100.0, 0.0]))):
        index, point_cost = points.take(np.arange(2), node_cost)
        xy.append(points.xy[index])
        cost.append(point_cost)
        label.append(np.full(len(index), source))
    surface = stamp_surface(
        surface_grid(XY, CELL, MAX_OFF), np.vstack(xy), np.concatenate(cost), WALK, MAX_OFF, np.concatenate(label)
    )
    assert surface is not None
    areas = surface.nearest_bands(1000)
    assert sorted(areas) == [0, 1]
    assert areas[0].intersection(areas[1]).area() == pytest.approx(0, abs=1e-6)
    border = areas[0].intersection(areas[1])
    assert border.length() == pytest.approx(800, abs=2 * CELL)  # the whole width of the walk, both sides
    assert areas[0].boundingBox().xMaximum() == pytest.approx(500, abs=CELL)
    union = areas[0].combine(areas[1])
    assert union.area() == pytest.approx(surface.band(1000, smooth=False).area(), rel=1e-9)


def test_a_limit_gives_the_same_surface_up_to_it_and_nothing_beyond() -> None:
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 3000, size=(2000, 2))
    cost = rng.uniform(0, 900, size=2000)
    grid = surface_grid(xy, 50.0, 400.0)
    whole = stamp_surface(grid, xy, cost, WALK, 400.0)
    limited = stamp_surface(grid, xy, cost, WALK, 400.0, limit=600.0)
    assert whole is not None and limited is not None
    height, width = limited.values.shape
    rows, cols = slice(limited.row0 - whole.row0, None), slice(limited.col0 - whole.col0, None)
    expected = whole.values[rows, cols][:height, :width]
    assert np.array_equal(limited.values <= 600, expected <= 600)
    assert limited.values[expected <= 600] == pytest.approx(expected[expected <= 600], abs=1e-9)
    assert np.isinf(limited.values[expected > 600]).all()


def test_places_found_once_per_graph_give_the_very_same_surface() -> None:
    # a 6 x 6 street grid, 100 m blocks, both directions: every road position is sampled twice, crossings more
    rng = np.random.default_rng(5)
    node_xy = np.array([[x * 100.0, y * 100.0] for y in range(6) for x in range(6)]) + rng.normal(0, 3, (36, 2))
    pairs = [(i, i + 1) for i in range(36) if i % 6 < 5] + [(i, i + 6) for i in range(30)]
    start = np.array([a for a, b in pairs] + [b for a, b in pairs])
    end = np.array([b for a, b in pairs] + [a for a, b in pairs])
    cost = np.hypot(*(node_xy[end] - node_xy[start]).T) / 10.0
    points = road_points(node_xy, end, start, cost, 25.0, spacing_m=25.0)
    places = SamplePlaces.of(points.xy)
    assert len(places.xy) < len(points.xy) / 1.5  # the shared positions are found
    grid = surface_grid(node_xy, CELL, MAX_OFF)
    node_cost = np.hypot(*(node_xy - node_xy[14]).T) / 8.0
    index, sample_cost = points.take(np.arange(36), node_cost)
    expected = stamp_surface(grid, points.xy[index], sample_cost, WALK, MAX_OFF, limit=60.0)
    xy, least = places.cheapest(index, sample_cost)
    surface = stamp_surface(grid, xy, least, WALK, MAX_OFF, limit=60.0, distinct=True)
    assert expected is not None and surface is not None
    assert (surface.row0, surface.col0) == (expected.row0, expected.col0)
    assert np.array_equal(surface.values, expected.values)  # bit for bit
    assert np.isfinite(surface.values).sum() > 100 and np.isinf(surface.values).sum() > 0
    # the next facility starts clean: the same samples give the same places, another facility its own
    assert np.isinf(places.scratch).all()
    again_xy, again = places.cheapest(index, sample_cost)
    assert np.array_equal(again_xy, xy) and np.array_equal(again, least)
    other_cost = np.hypot(*(node_xy - node_xy[0]).T) / 8.0
    other_index, other_sample = points.take(np.arange(36), other_cost)
    other_xy, other = places.cheapest(other_index, other_sample)
    direct = stamp_surface(grid, points.xy[other_index], other_sample, WALK, MAX_OFF, limit=60.0)
    by_places = stamp_surface(grid, other_xy, other, WALK, MAX_OFF, limit=60.0, distinct=True)
    assert direct is not None and by_places is not None and np.array_equal(direct.values, by_places.values)
    assert len(other) == len(places.xy)  # every position once (no limit here), none twice
    # a facility reaching a corner only (a few of the graph's samples) is reduced on the scratch instead
    corner_index, corner_sample = points.take(np.array([0, 1, 6]), other_cost[[0, 1, 6]])
    assert 4 * len(corner_index) < len(points.xy)
    corner_xy, corner = places.cheapest(corner_index, corner_sample)
    assert np.isinf(places.scratch).all() and len(corner_xy) < len(corner_index)
    direct = stamp_surface(grid, points.xy[corner_index], corner_sample, WALK, MAX_OFF)
    by_places = stamp_surface(grid, corner_xy, corner, WALK, MAX_OFF, distinct=True)
    assert direct is not None and by_places is not None and np.array_equal(direct.values, by_places.values)
    # the same answer as going through every position (the other samples unreached)
    unreached = np.full(len(points.xy), np.inf)
    unreached[corner_index] = corner_sample
    every_xy, every = places.cheapest(np.arange(len(points.xy)), unreached)
    mine, theirs = np.lexsort((corner_xy[:, 1], corner_xy[:, 0])), np.lexsort((every_xy[:, 1], every_xy[:, 0]))
    assert np.array_equal(corner_xy[mine], every_xy[theirs]) and np.array_equal(corner[mine], every[theirs])


def test_a_dense_street_grid_with_a_park_matches_the_kd_tree_cell_by_cell() -> None:
    """Where roads are dense most samples stop stamping after a cell or two; the park in the middle (no roads, 600 m
    across) needs the full walk. The surface must still be the exact minimum over every sample within the walk."""
    rng = np.random.default_rng(3)
    size = 16
    node_xy = np.array([[x * 100.0, y * 100.0] for y in range(size) for x in range(size)])
    node_xy += rng.uniform(-20, 20, node_xy.shape)
    park = (np.abs(node_xy[:, 0] - 750) < 300) & (np.abs(node_xy[:, 1] - 750) < 300)
    pairs = [(i, i + 1) for i in range(size * size) if i % size < size - 1] + [
        (i, i + size) for i in range(size * (size - 1))
    ]
    pairs = [(a, b) for a, b in pairs if not (park[a] or park[b])]
    start = np.array([a for a, b in pairs] + [b for a, b in pairs])
    end = np.array([b for a, b in pairs] + [a for a, b in pairs])
    cost = np.hypot(*(node_xy[end] - node_xy[start]).T) / rng.choice([8.3, 13.3, 17.8], len(start))
    points = road_points(node_xy, end, start, cost, 25.0, spacing_m=25.0)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    matrix = csr_matrix((cost, (end, start)), shape=(size * size, size * size))  # reversed: costs TO the sources
    node_cost, _, source = dijkstra(matrix, indices=[0, size * size - 1], min_only=True, return_predecessors=True)
    reached = np.flatnonzero(np.isfinite(node_cost))
    index, sample_cost = points.take(reached, node_cost[reached])
    labels = np.repeat((source[reached] != 0).astype(np.int64), np.diff(points.node_ptr)[reached])
    grid = surface_grid(node_xy, CELL, MAX_OFF)
    surface = stamp_surface(grid, points.xy[index], sample_cost, WALK, MAX_OFF, labels, limit=600.0)
    assert surface is not None
    rows, cols = np.indices(surface.values.shape)
    centres = grid.centres(rows.ravel() + surface.row0, cols.ravel() + surface.col0)
    value, label = cost_at(centres, points.xy[index], sample_cost, WALK, MAX_OFF, labels)
    value[value > 600.0] = np.inf
    assert np.array_equal(np.isinf(value), np.isinf(surface.values.ravel()))
    finite = np.isfinite(value)
    assert value[finite] == pytest.approx(surface.values.ravel()[finite], abs=1e-9)
    assert (label[finite] == surface.labels.ravel()[finite]).mean() > 0.999
    middle = surface.at(np.array([[750.0, 750.0]]))[0][0]
    assert math.isfinite(middle) and middle > WALK * 300  # the park's middle: a long walk from its edge
    assert finite.sum() > 1000 and set(np.unique(surface.labels[np.isfinite(surface.values)])) == {0, 1}


def test_a_fast_road_still_reaches_the_open_land_beyond_a_slower_road_beside_it() -> None:
    """Three parallel roads: the fast one, a slower one 50 m to the north (reached 45 s later) and another 100 m to
    the south. Every cell within two of the fast road is cheap, yet the open land north of the slower road is
    cheapest from the fast road: its samples must still stamp that far (a reach bounded by the nearby cells alone
    stops them short, and the slower road's time is left there)."""
    x = np.arange(0.0, 1000.0, 25.0)
    xy = np.vstack([np.column_stack([x, np.full_like(x, y)]) for y in (0.0, 50.0, -100.0)])
    cost = np.concatenate([x / 20.0, 45.0 + x / 20.0, 10.0 + x / 20.0])  # 72 km/h
    grid = surface_grid(xy, CELL, MAX_OFF)
    surface = stamp_surface(grid, xy, cost, WALK, MAX_OFF, limit=600.0)
    assert surface is not None
    rows, cols = np.indices(surface.values.shape)
    centres = grid.centres(rows.ravel() + surface.row0, cols.ravel() + surface.col0)
    value, _ = cost_at(centres, xy, cost, WALK, MAX_OFF)
    value[value > 600.0] = np.inf
    assert np.array_equal(np.isinf(value), np.isinf(surface.values.ravel()))
    finite = np.isfinite(value)
    assert value[finite] == pytest.approx(surface.values.ravel()[finite], abs=1e-9)
    north = grid.cell_centres(np.array([[510.0, 160.0]]))
    slower_only, _ = cost_at(north, xy[40:80], cost[40:80], WALK, MAX_OFF)
    assert surface.at(north)[0][0] < slower_only[0] - 5.0  # from the fast road, past the slower one
