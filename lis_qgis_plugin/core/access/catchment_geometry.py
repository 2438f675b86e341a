"""Catchment polygons from a network search, drawn on a grid: the roads reached within a band, buffered.

A network search gives a travel cost at every node. Points are laid along every edge at most one
grid cell apart, each with its cost (the cost of the edge's start node plus the share of the edge
travelled), so a band keeps the points within its limit: whole edges, and partial edges cut at the
limit to within a cell. The kept points are burnt into a grid, widened by the buffer distance and
traced into polygons by GDAL. Vector buffers and unions of tens of thousands of road pieces per
catchment take GEOS seconds to minutes; the grid takes milliseconds, and its outline follows the
true buffer to within about one cell (2/7 of the buffer by default).

For nearest-facility catchments every cell takes the facility of the cheapest point in it and
the cells within the buffer take the facility of the nearest road cell, so neighbouring
catchments share borders and never overlap.
Arrays in, geometry out: the search code stays independent of how the polygons are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from osgeo import gdal, ogr
from qgis.core import QgsGeometry
from scipy import ndimage

#: The buffer distance in grid cells: a road cell and three cells either side span the buffer's
#: width exactly, and outlines are within about a cell (2/7 of the buffer) of the true buffer.
CELLS_PER_BUFFER = 3.5
#: The largest grid (cells) one catchment or one band of nearest-facility catchments may use;
#: on very large networks the cell grows instead.
MAX_CELLS = 16_000_000
#: Points along the roads are at most this many cells apart: the buffer (3.5 cells) closes the gaps,
#: and half as many points halve the work per catchment.
POINT_SPACING_CELLS = 2.0


@dataclass(frozen=True)
class RoadPoints:
    """Points along every directed edge, grouped by the edge's start node, on a grid.

    Points of the edges leaving node ``n`` are ``node_ptr[n]:node_ptr[n + 1]``, each edge's points
    in order from its start (``first`` marks them); ``offset`` is the cost from the start node to
    the point and ``xy`` its position. The grid's row 0 is at ``top``.
    """

    node_ptr: np.ndarray
    offset: np.ndarray
    xy: np.ndarray
    first: np.ndarray
    row: np.ndarray
    col: np.ndarray
    left: float
    top: float
    cell: float
    rows: int
    cols: int
    radius_cells: float

    def take(self, nodes: np.ndarray, node_costs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The indices and costs of the points on edges leaving ``nodes`` (whose costs are ``node_costs``)."""
        starts = self.node_ptr[nodes]
        counts = self.node_ptr[np.asarray(nodes) + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.int64), np.empty(0)
        shift = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        index = shift + np.arange(total)
        return index, np.repeat(np.asarray(node_costs, float), counts) + self.offset[index]

    def cells(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Grid rows and columns of the points ``xy`` (all inside the grid, so truncating is flooring)."""
        scale = 1.0 / self.cell
        return ((self.top - xy[:, 1]) * scale).astype(np.int32), ((xy[:, 0] - self.left) * scale).astype(np.int32)

    def reached_cells(self, index: np.ndarray, point_cost: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the points (``index``, ``point_cost`` from :meth:`take`) reached within ``limit``,
        and of the point where each partly reached edge runs out of budget."""
        inside = point_cost <= limit
        rows, cols = self.row[index[inside]], self.col[index[inside]]
        after = np.flatnonzero(~inside[1:] & inside[:-1]) + 1  # the first point past the limit on its edge
        after = after[~self.first[index[after]]]
        if len(after) == 0:
            return rows, cols
        share = (limit - point_cost[after - 1]) / (point_cost[after] - point_cost[after - 1])
        before_xy, after_xy = self.xy[index[after - 1]], self.xy[index[after]]
        cut_rows, cut_cols = self.cells(before_xy + (after_xy - before_xy) * share[:, None])
        return np.concatenate([rows, cut_rows]), np.concatenate([cols, cut_cols])


def cell_size(buffer_m: float, width_m: float, height_m: float) -> float:
    """2/7 of the buffer, made coarser only when the grid over the network would be too large."""
    cell = max(buffer_m, 1.0) / CELLS_PER_BUFFER
    floor = math.sqrt(max(width_m, 1.0) * max(height_m, 1.0) / MAX_CELLS)
    return max(cell, floor)


def road_points(
    node_xy: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    cost: np.ndarray,
    buffer_m: float,
    spacing_m: float | None = None,
) -> RoadPoints:
    """Points at most :data:`POINT_SPACING_CELLS` cells apart along each edge ``start`` -> ``end``, ends included.

    ``spacing_m``: at most that far apart instead (the travel-time surface samples the roads more finely
    than its cells, so the walk from the road is measured from near its true start).
    """
    pad = max(buffer_m, 1.0) * 2
    left, bottom = node_xy.min(axis=0) - pad if len(node_xy) else (0.0, 0.0)
    right, top = node_xy.max(axis=0) + pad if len(node_xy) else (1.0, 1.0)
    cell = cell_size(buffer_m, right - left, top - bottom)
    start, end = np.asarray(start, np.int64), np.asarray(end, np.int64)
    order = np.argsort(start, kind="stable")
    start, end, cost = start[order], end[order], np.asarray(cost, float)[order]
    length = np.hypot(*(node_xy[end] - node_xy[start]).T)
    spacing = POINT_SPACING_CELLS * cell if spacing_m is None else max(float(spacing_m), 0.01)
    steps = np.maximum(1, np.ceil(length / spacing)).astype(np.int64)
    edge = np.repeat(np.arange(len(start)), steps + 1)
    first = np.concatenate(([0], np.cumsum(steps + 1)[:-1]))
    step = np.arange(len(edge)) - first[edge]
    fraction = step / steps[edge]
    # positions measured from the lower node id, so both directions of a road give bit-identical points
    forward = start[edge] < end[edge]
    low = np.where(forward, start[edge], end[edge])
    high = np.where(forward, end[edge], start[edge])
    share = np.where(forward, step, steps[edge] - step) / steps[edge]
    xy = node_xy[low] + (node_xy[high] - node_xy[low]) * share[:, None]
    counts = np.bincount(start, weights=steps + 1, minlength=len(node_xy)).astype(np.int64)
    scale = 1.0 / cell
    return RoadPoints(
        node_ptr=np.concatenate(([0], np.cumsum(counts))),
        offset=cost[edge] * fraction,
        xy=xy,
        first=fraction == 0,
        row=((top - xy[:, 1]) * scale).astype(np.int32),
        col=((xy[:, 0] - left) * scale).astype(np.int32),
        left=float(left),
        top=float(top),
        cell=float(cell),
        rows=int(math.ceil((top - bottom) / cell)) + 1,
        cols=int(math.ceil((right - left) / cell)) + 1,
        radius_cells=max(buffer_m, 1.0) / cell,
    )


def _shift_or(out: np.ndarray, grid: np.ndarray, shift: int, axis: int) -> None:
    """``out |= grid`` moved by ``shift`` cells along ``axis`` (cells moved off the edge are dropped)."""
    if shift == 0:
        out |= grid
        return
    source = [slice(None), slice(None)]
    target = [slice(None), slice(None)]
    source[axis] = slice(None, -shift) if shift > 0 else slice(-shift, None)
    target[axis] = slice(shift, None) if shift > 0 else slice(None, shift)
    out[tuple(target)] |= grid[tuple(source)]


def dilate(grid: np.ndarray, radius: float) -> np.ndarray:
    """``grid`` widened by a disc of ``radius`` cells: the union of the disc's rows, each a run of cells.

    Runs are built by OR-ing shifted copies (a few dozen passes over bytes), several times faster
    than a 2-D dilation with the disc or 1-D maximum filters on these large grids and small discs.
    """
    r = int(math.floor(radius))
    halves = [int(math.floor(math.sqrt(max(radius**2 - dy**2, 0.0)) + 1e-9)) for dy in range(-r, r + 1)]
    runs: dict[int, np.ndarray] = {0: grid}
    run = grid
    for half in range(1, max(halves) + 1):  # run of half-width ``half`` from the previous one
        run = run.copy()
        _shift_or(run, grid, half, 1)
        _shift_or(run, grid, -half, 1)
        runs[half] = run
    out = np.zeros_like(grid)
    for dy, half in zip(range(-r, r + 1), halves):
        _shift_or(out, runs[half], dy, 0)
    return out


def _window(points: RoadPoints, rows: np.ndarray, cols: np.ndarray) -> tuple[int, int, int, int]:
    """Row/column bounds of the cells holding the points, padded by the buffer."""
    pad = int(math.ceil(points.radius_cells)) + 1
    return int(rows.min()) - pad, int(cols.min()) - pad, int(rows.max()) + pad + 1, int(cols.max()) + pad + 1


def _trace(
    labels: np.ndarray, points: RoadPoints, row0: int, col0: int, smooth: bool = False
) -> dict[int, QgsGeometry]:
    """:func:`trace_grid` of a window of the road points' grid starting at row ``row0``, column ``col0``."""
    return trace_grid(labels, points.left + col0 * points.cell, points.top - row0 * points.cell, points.cell, smooth)


def trace_grid(
    labels: np.ndarray, left: float, top: float, cell: float, smooth: bool = False
) -> dict[int, QgsGeometry]:
    """Polygons of the cells of each non-zero label (GDAL's polygonize), as one multipolygon per label.

    The grid's top-left corner is at (``left``, ``top``). ``smooth`` straightens the cell steps (a
    topology-preserving simplification by one cell, the least that turns a diagonal staircase into
    a line); shared borders between labels would no longer match, so nearest-facility catchments
    keep their steps.
    """
    height, width = labels.shape
    kind = gdal.GDT_Byte if labels.dtype == np.uint8 else gdal.GDT_Int32
    raster = gdal.GetDriverByName("MEM").Create("", width, height, 1, kind)
    raster.SetGeoTransform((left, cell, 0.0, top, 0.0, -cell))
    band = raster.GetRasterBand(1)
    band.WriteArray(labels)
    vector = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vector.CreateLayer("cells", geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("label", ogr.OFTInteger))
    gdal.Polygonize(band, band, layer, 0, [])
    parts: dict[int, ogr.Geometry] = {}
    for feature in layer:
        label = feature.GetField(0)
        multi = parts.setdefault(label, ogr.Geometry(ogr.wkbMultiPolygon))
        multi.AddGeometry(feature.GetGeometryRef())
    result = {}
    for label, multi in parts.items():
        if smooth:
            multi = multi.SimplifyPreserveTopology(cell)
        geometry = QgsGeometry()
        geometry.fromWkb(bytes(multi.ExportToWkb()))
        result[label] = geometry
    return result


def catchment_polygons(
    points: RoadPoints, nodes: np.ndarray, costs: np.ndarray, limits: Sequence[float]
) -> list[QgsGeometry]:
    """One source's catchment within each of ``limits``: the roads reached (``costs`` at ``nodes``), buffered.

    An empty geometry stands for a band that reaches no road.
    """
    index, point_cost = points.take(np.asarray(nodes, np.int64), costs)
    reached = [points.reached_cells(index, point_cost, limit) for limit in limits]
    if not any(len(rows) for rows, _ in reached):
        return [QgsGeometry() for _ in limits]
    row0, col0, row1, col1 = _window(
        points, np.concatenate([rows for rows, _ in reached]), np.concatenate([cols for _, cols in reached])
    )
    result = []
    for rows, cols in reached:
        if len(rows) == 0:
            result.append(QgsGeometry())
            continue
        grid = np.zeros((row1 - row0, col1 - col0), bool)
        grid[rows - row0, cols - col0] = True
        grid = dilate(grid, points.radius_cells)
        result.append(_trace(grid.view(np.uint8), points, row0, col0, smooth=True).get(1, QgsGeometry()))
    return result


def _cheapest_per_cell(flat: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """The point of least ``cost`` in each cell ``flat`` (ties: the first point), in cell order.

    One stable sort by cell and a minimum per run of cells: the same points as a lexsort by cell and
    cost, in about two thirds of its time.
    """
    order = np.argsort(flat, kind="stable")
    cells, costs = flat[order], cost[order]
    starts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
    counts = np.diff(np.append(starts, len(order)))
    cheapest = np.flatnonzero(costs == np.repeat(np.minimum.reduceat(costs, starts), counts))
    run = np.repeat(np.arange(len(starts)), counts)[cheapest]
    return order[cheapest[np.concatenate(([True], run[1:] != run[:-1]))]]


def nearest_catchments(
    points: RoadPoints, node_cost: np.ndarray, node_source: np.ndarray, limit: float
) -> dict[int, QgsGeometry]:
    """Per source, the roads nearer to it than to any other within ``limit``, buffered, sharing borders.

    Each grid cell goes to the source of its cheapest point; a cell off the roads but within the
    buffer goes to the source of the nearest road cell.
    """
    nodes = np.flatnonzero((node_cost <= limit) & (node_source >= 0))
    index, point_cost = points.take(nodes, node_cost[nodes])
    point_source = np.repeat(node_source[nodes], np.diff(points.node_ptr)[nodes])
    keep = point_cost <= limit
    if not keep.any():
        return {}
    index, point_cost, point_source = index[keep], point_cost[keep], point_source[keep]
    rows, cols = points.row[index], points.col[index]
    row0, col0, row1, col1 = _window(points, rows, cols)
    labels = np.zeros((row1 - row0, col1 - col0), np.int32)
    flat = (rows - row0).astype(np.int64) * labels.shape[1] + (cols - col0)
    first = _cheapest_per_cell(flat, point_cost)
    labels.flat[flat[first]] = point_source[first] + 1
    distance, (near_row, near_col) = ndimage.distance_transform_edt(labels == 0, return_indices=True)
    labels = np.where(distance <= points.radius_cells, labels[near_row, near_col], 0)
    return {label - 1: polygon for label, polygon in _trace(labels, points, row0, col0).items()}
