"""Catchment polygons from node costs, on small networks whose answer is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qgis.core import QgsGeometry, QgsRectangle

from lis_qgis_plugin.core.catchment_geometry import (
    catchment_polygon,
    nearest_segments,
    reached_segments,
    without_overlaps,
)

# A straight road of two 100 m segments, both ways: nodes at x = 0, 100, 200.
XY = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]])
FROM = np.array([0, 1, 1, 2])
TO = np.array([1, 2, 0, 1])
COST = np.array([100.0, 100.0, 100.0, 100.0])


def covered_x(segments: list) -> tuple[float, float]:
    xs = [x for segment in segments for (x, _) in segment]
    return min(xs), max(xs)


def test_reached_roads_are_cut_at_the_band_limit() -> None:
    node_cost = np.array([0.0, 100.0, 200.0])  # a search from node 0
    segments = reached_segments(XY, FROM, TO, COST, node_cost, limit=150)
    assert covered_x(segments) == (0.0, 150.0)
    assert ((100.0, 0.0), (150.0, 0.0)) in segments  # the half-used second segment
    polygon = catchment_polygon(segments, buffer_m=10)
    # 150 m of road, 10 m either side, plus two round ends (a circle of radius 10 in all).
    assert polygon.area() == pytest.approx(150 * 20 + math.pi * 10**2, rel=0.01)


def test_unreached_nodes_give_no_road() -> None:
    node_cost = np.array([0.0, math.inf, math.inf])
    assert reached_segments(XY, FROM[:1], TO[:1], COST[:1], node_cost, limit=50) == [((0.0, 0.0), (50.0, 0.0))]
    assert catchment_polygon([], buffer_m=10).isEmpty()


def test_nearest_facility_catchments_meet_where_the_costs_are_equal() -> None:
    # Sources at both ends: node 0 -> source 0, node 2 -> source 1; node 1 is 100 from each (tie: source 0).
    node_cost = np.array([0.0, 100.0, 0.0])
    node_source = np.array([0, 0, 1])
    parts = nearest_segments(XY, FROM, TO, COST, node_cost, node_source, limit=1000)
    assert covered_x(parts[0]) == (0.0, 100.0)
    assert covered_x(parts[1]) == (100.0, 200.0)
    # With node 1 nearer to source 1 (cost 60 via a faster road), the border moves towards source 0.
    node_cost = np.array([0.0, 60.0, 0.0])
    parts = nearest_segments(XY, FROM, TO, COST, node_cost, np.array([0, 1, 1]), limit=1000)
    # On 0 -> 1 (cost 100) the costs meet where 0 + t * 100 = 60 + (1 - t) * 100, at t = 0.8.
    assert covered_x(parts[0]) == (0.0, 80.0)
    assert min(covered_x(parts[1])) == pytest.approx(80.0)


def test_buffers_that_touch_are_shared_without_overlap() -> None:
    left = QgsGeometry.fromRect(QgsRectangle(0, 0, 110, 10))
    right = QgsGeometry.fromRect(QgsRectangle(90, 0, 200, 10))
    result = without_overlaps({1: right, 0: left})
    assert result[0].area() == pytest.approx(1100)
    assert result[1].area() == pytest.approx(900)  # the 20 m overlap stays with source 0
    assert result[0].intersection(result[1]).area() == pytest.approx(0)
