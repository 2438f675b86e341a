"""Catchment polygons from a network search: the roads reached within a band, cut at the band limit.

A network search gives a travel cost at every node. A road segment is reached in full when
both ends are within the limit, in part when one is (it is cut where the cost reaches the
limit), and a catchment is the reached roads buffered by a walking distance either side.
For nearest-facility catchments each segment is first divided where the costs from its two
facilities meet, so neighbouring catchments share a border and never overlap.
Arrays in, geometry out: the search code stays independent of how the polygons are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY

Segment = tuple[tuple[float, float], tuple[float, float]]


def _point(xy: np.ndarray, start: int, end: int, fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way along the segment start -> end."""
    x = xy[start, 0] + (xy[end, 0] - xy[start, 0]) * fraction
    y = xy[start, 1] + (xy[end, 1] - xy[start, 1]) * fraction
    return float(x), float(y)


def reached_segments(
    node_xy: np.ndarray,
    edge_from: np.ndarray,
    edge_to: np.ndarray,
    edge_cost: np.ndarray,
    node_cost: np.ndarray,
    limit: float,
) -> list[Segment]:
    """The parts of the edges reachable within ``limit``, travelling from ``edge_from`` to ``edge_to``.

    ``node_cost`` is the search's cost at each node (``inf`` when unreached). An edge whose start
    is reached with budget left is followed for as far as the budget lasts.
    """
    segments: list[Segment] = []
    start_cost = node_cost[edge_from]
    usable = np.flatnonzero(start_cost <= limit)
    for index in usable:
        start, end, cost = int(edge_from[index]), int(edge_to[index]), float(edge_cost[index])
        left = limit - float(start_cost[index])
        fraction = 1.0 if cost <= 0 or left >= cost else left / cost
        if fraction > 0:
            segments.append(
                ((float(node_xy[start, 0]), float(node_xy[start, 1])), _point(node_xy, start, end, fraction))
            )
    return segments


def nearest_segments(
    node_xy: np.ndarray,
    edge_from: np.ndarray,
    edge_to: np.ndarray,
    edge_cost: np.ndarray,
    node_cost: np.ndarray,
    node_source: np.ndarray,
    limit: float,
) -> dict[int, list[Segment]]:
    """Per source, the reached parts of the edges that are nearer to it than to any other source.

    An edge whose two ends belong to different sources is divided where the two travel costs are
    equal (start cost + t x cost = end cost + (1 - t) x cost), so each part goes to the nearer source.
    """
    by_source: dict[int, list[Segment]] = {}
    for index in range(len(edge_from)):
        start, end = int(edge_from[index]), int(edge_to[index])
        cost = float(edge_cost[index])
        cost_start, cost_end = float(node_cost[start]), float(node_cost[end])
        source_start, source_end = int(node_source[start]), int(node_source[end])
        if source_start < 0 or cost_start > limit:
            continue
        if source_end == source_start or source_end < 0 or cost <= 0:
            share = 1.0
        else:  # the point where both sources' costs meet
            share = min(1.0, max(0.0, (cost_end - cost_start + cost) / (2 * cost)))
        budget = (limit - cost_start) / cost if cost > 0 else 1.0
        fraction = min(share, budget, 1.0)
        if fraction > 0:
            piece = (_point(node_xy, start, end, 0.0), _point(node_xy, start, end, fraction))
            by_source.setdefault(source_start, []).append(piece)
    return by_source


def catchment_polygon(segments: Sequence[Segment], buffer_m: float, clip: QgsGeometry | None = None) -> QgsGeometry:
    """The reached roads buffered by ``buffer_m`` metres, dissolved into one (multi)polygon, clipped if asked.

    Pieces reached in both directions are kept once and joined into longer lines, each line is
    buffered on its own and the buffers are dissolved in one cascaded union: a single buffer of the
    whole multi-line takes GEOS tens of seconds on a 15-minute rural drive catchment.
    """
    unique = list({tuple(sorted(piece)): piece for piece in segments if piece[0] != piece[1]}.values())
    if not unique:
        return QgsGeometry()
    merged = QgsGeometry.fromMultiPolylineXY([[QgsPointXY(*start), QgsPointXY(*end)] for start, end in unique])
    merged = merged.mergeLines()
    lines = merged.asGeometryCollection() if merged.isMultipart() else [merged]
    polygon = QgsGeometry.unaryUnion([line.buffer(max(buffer_m, 0.01), 4) for line in lines])
    if clip is not None and not clip.isEmpty():
        polygon = polygon.intersection(clip)
    return polygon


def without_overlaps(polygons: dict[int, QgsGeometry]) -> dict[int, QgsGeometry]:
    """Nearest-facility polygons that share borders: each keeps what no earlier source claimed.

    The road parts never overlap, but their buffers meet where two catchments touch; the
    overlap goes to the source listed first, so the result is the same on every run.
    """
    claimed = QgsGeometry()
    result = {}
    for source in sorted(polygons):
        polygon = polygons[source]
        if not claimed.isEmpty():
            polygon = polygon.difference(claimed)
        result[source] = polygon
        claimed = polygon if claimed.isEmpty() else claimed.combine(polygon)
    return result
