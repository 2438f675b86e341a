"""Catchment polygons from node costs, on small networks whose answer is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qgis.core import QgsGeometry

from lis_qgis_plugin.core.access.catchment_geometry import (
    CELLS_PER_BUFFER,
    catchment_polygons,
    cell_size,
    nearest_catchments,
    road_points,
)

# A straight road of two 100 m segments, both ways: nodes at x = 0, 100, 200.
XY = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]])
FROM = np.array([0, 1, 1, 2])
TO = np.array([1, 2, 0, 1])
COST = np.array([100.0, 100.0, 100.0, 100.0])
BUFFER = 10.0
CELL = BUFFER / CELLS_PER_BUFFER


def x_range(polygon: QgsGeometry) -> tuple[float, float]:
    box = polygon.boundingBox()
    return box.xMinimum(), box.xMaximum()


def test_reached_roads_are_cut_at_the_band_limit_and_buffered() -> None:
    points = road_points(XY, FROM, TO, COST, BUFFER)
    node_cost = np.array([0.0, 100.0, 200.0])  # a search from node 0
    near, far = catchment_polygons(points, np.arange(3), node_cost, [150.0, 1000.0])
    # 150 m of road, 10 m either side, plus two round ends (a circle of radius 10 in all)
    assert near.area() == pytest.approx(150 * 20 + math.pi * 10**2, rel=0.08)
    low, high = x_range(near)
    assert low == pytest.approx(-BUFFER, abs=CELL)
    assert high == pytest.approx(150 + BUFFER, abs=CELL)  # the second segment is cut half way
    box = near.boundingBox()
    assert box.yMinimum() == pytest.approx(-BUFFER, abs=CELL) and box.yMaximum() == pytest.approx(BUFFER, abs=CELL)
    assert far.isGeosValid() and x_range(far)[1] == pytest.approx(200 + BUFFER, abs=CELL)
    assert far.contains(near)


def test_unreached_nodes_give_no_road() -> None:
    points = road_points(XY, FROM, TO, COST, BUFFER)
    node_cost = np.array([0.0, math.inf, math.inf])
    (polygon,) = catchment_polygons(points, np.array([0]), node_cost[:1], [50.0])
    assert x_range(polygon)[1] == pytest.approx(50 + BUFFER, abs=CELL)
    (nothing,) = catchment_polygons(points, np.array([0]), np.array([80.0]), [50.0])
    assert nothing.isEmpty()


def test_nearest_facility_catchments_meet_where_the_costs_are_equal() -> None:
    points = road_points(XY, FROM, TO, COST, BUFFER)
    # Sources at both ends: node 0 -> source 0, node 2 -> source 1; node 1 is 100 from each.
    parts = nearest_catchments(points, np.array([0.0, 100.0, 0.0]), np.array([0, 0, 1]), limit=1000)
    assert x_range(parts[0])[1] == pytest.approx(100, abs=2 * CELL)
    assert x_range(parts[1])[0] == pytest.approx(100, abs=2 * CELL)
    assert parts[0].intersection(parts[1]).area() == pytest.approx(0, abs=1e-6)
    whole = nearest_catchments(points, np.array([0.0, 100.0, 200.0]), np.array([0, 0, 0]), limit=1000)[0]
    assert parts[0].area() + parts[1].area() == pytest.approx(whole.area(), rel=1e-9)  # no gap, no overlap
    # Node 1 nearer to source 1 (cost 60 via a faster road): on 0 -> 1 (cost 100) the costs meet
    # where 0 + t * 100 = 60 + (1 - t) * 100, at t = 0.8, so the border moves to x = 80.
    parts = nearest_catchments(points, np.array([0.0, 60.0, 0.0]), np.array([0, 1, 1]), limit=1000)
    assert x_range(parts[0])[1] == pytest.approx(80, abs=2 * CELL)
    assert x_range(parts[1])[0] == pytest.approx(80, abs=2 * CELL)


def test_nearest_catchments_stop_at_the_limit() -> None:
    points = road_points(XY, FROM, TO, COST, BUFFER)
    parts = nearest_catchments(points, np.array([0.0, 100.0, 200.0]), np.array([0, 0, 0]), limit=50)
    assert list(parts) == [0]
    assert x_range(parts[0])[1] == pytest.approx(50 + BUFFER, abs=CELL)


def test_the_grid_grows_coarser_only_on_very_large_networks() -> None:
    assert cell_size(100, 30_000, 30_000) == pytest.approx(100 / CELLS_PER_BUFFER)
    assert cell_size(100, 600_000, 600_000) > 100 / CELLS_PER_BUFFER
