"""Filled travel-time areas: a surface of the time to a facility over a grid, then its contours.

Road buffers show the roads a facility reaches, not the homes: planners expect the filled areas
routing services draw. Here every grid cell takes the cheapest way to the facility from its
centre: walk in a straight line to a point on a reached road (at :data:`WALK_KPH`, at most
``max_off_m`` metres), then the network time from that point. The reached roads are sampled
every few metres (:func:`~.catchment_geometry.road_points`), each sample with its network cost.

Each sample stamps the cells within ``max_off_m`` of it, taking the lower of the cell's value
and its own cost plus the walk: an exact minimum over every sample near each cell, done as
whole-array numpy steps (one per cell offset and per group of samples in distinct cells, so no
step writes a cell twice). Every sample first stamps its own cell and the eight around it; then
its reach is cut to where it could still lower a cell (beyond ``(largest value near it - its
cost) / walk`` its walk costs more than the cells there already hold). Where roads are dense the
walk soon costs more than driving to a nearer road, so most samples stop there; those beside open
land still walk the whole way. A band is then the cells at or below its limit, traced
into polygons by GDAL (holes and islands kept). With the samples of every facility and their
facility as labels, the same surface gives each cell its nearest facility: catchments that share
borders and never overlap. Single places (demand points) are valued at the centre of their cell
with a KD-tree query (:func:`cost_at`), the same sum as the grid's, so a point is counted within
a band exactly when it lies inside that band's polygon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from qgis.core import QgsGeometry
from scipy.ndimage import maximum_filter
from scipy.spatial import cKDTree

from .catchment_geometry import MAX_CELLS, trace_grid

#: Speed of the walk between a cell and the road (km/h): a usual planning figure for walking.
WALK_KPH = 4.8
DEFAULT_CELL_M = 50.0
DEFAULT_MAX_OFF_NETWORK_M = 400.0
#: Road samples per cell side: the walk starts at most a quarter of a cell from the best place on the road.
SAMPLES_PER_CELL = 2.0
#: Cells valued together when single places are looked up in the KD-tree (bounds memory).
LOOKUP_CHUNK = 20_000


def walk_cost_per_m(cost: str) -> float:
    """Graph cost units per metre walked: seconds for ``cost="time"`` (at :data:`WALK_KPH`), else metres."""
    return 3.6 / WALK_KPH if cost == "time" else 1.0


def walk_minutes(metres: float) -> float:
    """Minutes to walk ``metres`` at :data:`WALK_KPH` (the accuracy of a surface of cells that size)."""
    return metres / (WALK_KPH * 1000 / 60)


@dataclass(frozen=True)
class SurfaceGrid:
    """A grid of square cells: column 0 starts at ``left``, row 0 at ``top`` (rows run south)."""

    left: float
    top: float
    cell: float

    def index(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the cells holding the points ``xy``."""
        xy = np.asarray(xy, float).reshape(-1, 2)
        rows = np.floor((self.top - xy[:, 1]) / self.cell).astype(np.int64)
        cols = np.floor((xy[:, 0] - self.left) / self.cell).astype(np.int64)
        return rows, cols

    def centres(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The centres of the cells at ``rows``, ``cols``."""
        x = self.left + (np.asarray(cols, float) + 0.5) * self.cell
        y = self.top - (np.asarray(rows, float) + 0.5) * self.cell
        return np.column_stack([x, y])

    def cell_centres(self, xy: np.ndarray) -> np.ndarray:
        """The centre of the cell holding each point: where the surface is valued for it."""
        return self.centres(*self.index(xy))


def surface_grid(node_xy: np.ndarray, cell_m: float, max_off_m: float) -> SurfaceGrid:
    """The grid over a network (padded by the walk), its cell grown only when it would exceed :data:`MAX_CELLS`."""
    node_xy = np.asarray(node_xy, float).reshape(-1, 2)
    low = node_xy.min(axis=0) - max_off_m if len(node_xy) else np.zeros(2)
    high = node_xy.max(axis=0) + max_off_m if len(node_xy) else np.ones(2)
    width, height = np.maximum(high - low, 1.0)
    cell = max(float(cell_m), math.sqrt(width * height / MAX_CELLS))
    return SurfaceGrid(float(low[0]), float(high[1]), cell)


@dataclass
class Surface:
    """Travel costs over a window of a :class:`SurfaceGrid` (``inf``: nothing reached within the walk).

    ``labels``: per cell, the label (facility position) of the cheapest sample, -1 where unreached.
    """

    grid: SurfaceGrid
    row0: int
    col0: int
    values: np.ndarray
    labels: np.ndarray

    def at(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The cost and label of the cell holding each point (``inf``, -1 outside the window)."""
        rows, cols = self.grid.index(xy)
        rows, cols = rows - self.row0, cols - self.col0
        height, width = self.values.shape
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        cost, label = np.full(len(rows), np.inf), np.full(len(rows), -1, np.int64)
        cost[inside] = self.values[rows[inside], cols[inside]]
        label[inside] = self.labels[rows[inside], cols[inside]]
        return cost, label

    def band(self, limit: float, smooth: bool = True) -> QgsGeometry:
        """The cells within ``limit`` as one (multi)polygon with its holes; empty when none are."""
        mask = (self.values <= limit).view(np.uint8)
        if not mask.any():
            return QgsGeometry()
        return self._trace(mask, smooth).get(1, QgsGeometry())

    def nearest_bands(self, limit: float) -> dict[int, QgsGeometry]:
        """Per label, the cells within ``limit`` whose cheapest sample has that label: shared borders, no overlap."""
        labels = np.where(self.values <= limit, self.labels + 1, 0).astype(np.int32)
        if not labels.any():
            return {}
        return {label - 1: polygon for label, polygon in self._trace(labels, False).items()}

    def _trace(self, labels: np.ndarray, smooth: bool) -> dict[int, QgsGeometry]:
        grid = self.grid
        left, top = grid.left + self.col0 * grid.cell, grid.top - self.row0 * grid.cell
        return trace_grid(labels, left, top, grid.cell, smooth)


def _cheapest_first(xy: np.ndarray, cost: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Indices of the samples, one per position (the cheapest): both directions of a road share positions."""
    order = np.lexsort((cost, xy[:, 1], xy[:, 0]))
    same = np.all(xy[order][1:] == xy[order][:-1], axis=1)
    return order[np.concatenate(([True], ~same))]


@dataclass(frozen=True)
class SamplePlaces:
    """The distinct positions of a graph's road samples, found once per graph (both directions of a road
    share theirs): a facility's samples then reduce to the cheapest per position with no sorting.

    ``xy``: each position, in the order of its first sample (so gathers run through memory in order);
    ``place_of``: each sample's position; ``slot_of``: its rank among the samples at that position (most
    have two, one per direction; crossings more); ``slots``: for k = 0, 1, ..., the positions with more
    than k samples and the k-th sample of each; ``scratch``: one cost per position, ``inf`` between calls
    of :meth:`cheapest`.
    """

    xy: np.ndarray
    place_of: np.ndarray
    slot_of: np.ndarray
    slots: tuple[tuple[np.ndarray, np.ndarray], ...]
    scratch: np.ndarray

    @classmethod
    def of(cls, xy: np.ndarray) -> SamplePlaces:
        """The positions of the samples ``xy`` (bit-identical coordinates make one position)."""
        xy = np.asarray(xy, float).reshape(-1, 2)
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        ordered = xy[order]
        new = np.concatenate(([True], np.any(ordered[1:] != ordered[:-1], axis=1))) if len(xy) else np.empty(0, bool)
        starts = np.flatnonzero(new)
        counts = np.diff(np.append(starts, len(xy)))
        by_first = np.argsort(order[starts], kind="stable")  # positions by their first sample (lexsort is stable)
        place = np.empty(len(starts), np.int64)
        place[by_first] = np.arange(len(starts))
        group = np.cumsum(new) - 1
        # small integer types: a facility's gathers from them are random, so their size is what costs
        place_of, slot_of = np.empty(len(xy), np.int32), np.empty(len(xy), np.int16)
        place_of[order] = place[group]
        slot_of[order] = np.arange(len(xy)) - starts[group]
        starts, counts = starts[by_first], counts[by_first]
        slots = []
        for k in range(int(counts.max()) if len(counts) else 0):
            has = np.flatnonzero(counts > k)
            slots.append((has, order[starts[has] + k]))
        return cls(ordered[starts], place_of, slot_of, tuple(slots), np.full(len(starts), np.inf))

    def cheapest(self, index: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the samples ``index`` (distinct indices, network ``cost`` each) and the least cost at
        each: the samples :func:`stamp_surface` keeps for ``distinct=True``. No sorting: it runs once per facility.

        A facility reaching much of the graph goes through every position, slot by slot, in memory order; one
        reaching little (a large network) pays only for its own samples, on :attr:`scratch`. One caller at a time.
        """
        index, cost = np.asarray(index, np.int64), np.asarray(cost, float)
        if 4 * len(index) >= len(self.place_of):
            return self._cheapest_everywhere(index, cost)
        finite = cost < np.inf
        index, cost = index[finite], cost[finite]
        place, slot = self.place_of[index], self.slot_of[index]
        by_slot = np.argsort(slot, kind="stable")  # a radix sort of 16-bit integers
        bounds = np.searchsorted(slot[by_slot], np.arange(int(slot.max()) + 2 if len(slot) else 1))
        best, touched = self.scratch, []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            chosen = by_slot[lo:hi]  # the positions of one slot are distinct
            at, old = place[chosen], best[place[chosen]]
            touched.append(at[old == np.inf])  # first reached at this slot
            best[at] = np.minimum(old, cost[chosen])
        where = np.concatenate(touched) if touched else np.empty(0, np.int64)
        least = best[where]
        best[where] = np.inf
        return self.xy[where], least

    def _cheapest_everywhere(self, index: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        full = np.full(len(self.place_of), np.inf)
        full[index] = cost
        best = full[self.slots[0][1]]
        for has, sample in self.slots[1:]:
            best[has] = np.minimum(best[has], full[sample])
        reached = np.flatnonzero(best < np.inf)
        return self.xy[reached], best[reached]


def _offsets(radius_cells: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column offsets of the cells whose centre may lie within ``radius_cells`` of a point in cell (0, 0),
    nearest first, with the least distance (cells) from such a point to their centre."""
    reach = int(math.ceil(radius_cells + 0.5))
    dr, dc = np.meshgrid(np.arange(-reach, reach + 1), np.arange(-reach, reach + 1), indexing="ij")
    least = np.hypot(np.maximum(np.abs(dr) - 0.5, 0), np.maximum(np.abs(dc) - 0.5, 0))
    near = np.flatnonzero(least.ravel() <= radius_cells)
    near = near[np.argsort(least.ravel()[near], kind="stable")]
    return dr.ravel()[near], dc.ravel()[near], least.ravel()[near]


def _in_distinct_cells(samples: np.ndarray, cell_of: np.ndarray, owner: np.ndarray) -> list[np.ndarray]:
    """The ``samples`` split into groups whose cells (``cell_of``) are distinct, so one numpy step may write a
    group's cells at once. Each round one sample per cell claims it in ``owner`` (any one: the minimum taken
    does not depend on which) and leaves; no sorting. ``owner``: one slot per cell, its contents are overwritten."""
    groups = []
    while len(samples):
        cells = cell_of[samples]
        owner[cells] = samples
        first = owner[cells] == samples
        groups.append(samples[first])
        samples = samples[~first]
    return groups


#: Offsets (cells, least distance) stamped by every sample before the reach of each is tightened.
NEAR_CELLS = 1.0


@dataclass
class _Stamp:
    """The arrays one :func:`stamp_surface` call writes into, and its samples: their costs, labels and places."""

    values: np.ndarray  # flat, the window's costs
    labels: np.ndarray  # flat, each cell's cheapest label
    width: int
    cell: float
    walk_per_m: float
    cost: np.ndarray  # per sample
    label: np.ndarray
    cell_of: np.ndarray  # per sample, its cell's flat index in the window
    own_x: np.ndarray  # per sample, from it to its cell's centre (metres)
    own_y: np.ndarray

    def near(self, reach: np.ndarray, dr: np.ndarray, dc: np.ndarray) -> None:
        """Stamp every sample at the offsets ``dr``, ``dc`` (the few next to its cell) within its ``reach``."""
        owner = np.empty(len(self.values), np.int64)
        for take in _in_distinct_cells(np.arange(len(self.cost)), self.cell_of, owner):
            group = self._group(take, reach)
            for row_step, col_step in zip(dr, dc):
                self._lower(group, len(group.reach), row_step, col_step)

    def far(self, reach: np.ndarray, dr: np.ndarray, dc: np.ndarray, least: np.ndarray) -> None:
        """Stamp the samples whose ``reach`` gets to the offsets ``dr``, ``dc`` (nearest first, ``least`` cells
        away at the least), the farthest-reaching first, so each offset's step takes only those that get there."""
        chosen = np.flatnonzero(reach >= least[0] * self.cell) if len(least) else np.empty(0, np.int64)
        owner = np.empty(len(self.values), np.int64)
        for take in _in_distinct_cells(chosen, self.cell_of, owner):
            group = self._group(take[np.argsort(-reach[take], kind="stable")], reach)
            counts = np.searchsorted(-group.reach, -least * self.cell, side="right")
            for row_step, col_step, count in zip(dr, dc, counts):
                if count == 0:
                    break
                self._lower(group, count, row_step, col_step)

    def _group(self, take: np.ndarray, reach: np.ndarray) -> _Group:
        return _Group(
            self.cost[take], self.label[take], reach[take], self.cell_of[take], self.own_x[take], self.own_y[take]
        )

    def _lower(self, group: _Group, count: int, row_step: int, col_step: int) -> None:
        """Lower the cells one offset from the first ``count`` samples of ``group`` to their cost plus the walk."""
        distance = np.hypot(group.own_x[:count] + col_step * self.cell, group.own_y[:count] - row_step * self.cell)
        value = group.cost[:count] + self.walk_per_m * distance
        target = group.cell_of[:count] + (row_step * self.width + col_step)
        better = np.flatnonzero((distance <= group.reach[:count]) & (value < self.values[target]))
        self.values[target[better]] = value[better]
        self.labels[target[better]] = group.label[better]


@dataclass(frozen=True)
class _Group:
    """Samples in distinct cells, stamped together: their cost, label, reach, cell and way to its centre."""

    cost: np.ndarray
    label: np.ndarray
    reach: np.ndarray
    cell_of: np.ndarray
    own_x: np.ndarray
    own_y: np.ndarray


def _tightened(
    values: np.ndarray,
    cell_of: np.ndarray,
    cost: np.ndarray,
    reach: np.ndarray,
    limit: float,
    walk_per_m: float,
    cell: float,
    pad: int,
) -> np.ndarray:
    """Each sample's reach cut to where it could still lower a cell.

    ``highest``: the largest value (at most ``limit``) in a square window of cells around the sample; its
    cost plus the walk exceeds every cell of the window beyond ``(highest - cost) / walk``. Over the whole
    reach (``pad`` cells) this bounds the reach outright. Then ever smaller windows (``half`` cells) give
    tighter bounds, each valid when the bound so far ends within the window: the cells outside it lie
    farther away than that, so the sample cannot lower them either."""
    capped = np.minimum(values, limit)

    def bound(half: int) -> np.ndarray:
        highest = maximum_filter(capped, size=2 * half + 1, mode="nearest").reshape(-1)[cell_of]
        return (highest - cost) / walk_per_m

    tight = np.minimum(reach, bound(pad))
    half = 1 << max(int(math.log2(max(pad - 1, 1))), 0)  # the largest power of two below pad
    while half >= 1:
        fits = tight < (half + 0.5) * cell  # strictly: a cell just outside may lie exactly that far
        if fits.any():
            tight[fits] = np.minimum(tight[fits], bound(half)[fits])
        half //= 2
    return tight


def stamp_surface(
    grid: SurfaceGrid,
    xy: np.ndarray,
    cost: np.ndarray,
    walk_per_m: float,
    max_off_m: float,
    labels: np.ndarray | None = None,
    limit: float = math.inf,
    distinct: bool = False,
) -> Surface | None:
    """The surface over the window of the samples ``xy`` (network ``cost`` each): per cell, the least
    ``cost + walk_per_m * distance`` over the samples within ``max_off_m`` of its centre; None without samples.

    Only costs up to ``limit`` are computed (cells beyond it are ``inf``): a sample stamps only the cells
    it can reach within the limit, so samples near the limit cost little. ``distinct``: the samples are
    already one per position, the cheapest (:meth:`SamplePlaces.cheapest`), so they are not sorted again.

    Two passes give the same minimum with far less work: every sample first stamps the cells next to its
    own, then only as far as it could still lower a cell (:func:`_tightened`). Where roads are dense the
    walk soon costs more than driving to a nearer road, so most samples stop after a cell or two.
    """
    xy, cost = np.asarray(xy, float).reshape(-1, 2), np.asarray(cost, float)
    labels = np.zeros(len(cost), np.int64) if labels is None else np.asarray(labels, np.int64)
    keep = np.isfinite(cost) & (cost <= limit)
    xy, cost, labels = xy[keep], cost[keep], labels[keep]
    if len(cost) == 0:
        return None
    if not distinct:
        chosen = _cheapest_first(xy, cost, labels)
        xy, cost, labels = xy[chosen], cost[chosen], labels[chosen]
    rows, cols = grid.index(xy)
    dr, dc, least = _offsets(max_off_m / grid.cell)
    # how far each sample may stamp: the walk, or less when the limit is near
    reach = np.minimum(max_off_m, (limit - cost) / walk_per_m) if walk_per_m > 0 else np.full(len(cost), max_off_m)
    pad = int(np.abs(dr).max()) if len(dr) else 0
    row0, col0 = int(rows.min()) - pad, int(cols.min()) - pad
    shape = (int(rows.max()) + pad + 1 - row0, int(cols.max()) + pad + 1 - col0)
    values, cheapest = np.full(shape, np.inf), np.full(shape, -1, np.int64)
    cell = grid.cell
    stamp = _Stamp(
        values.reshape(-1),
        cheapest.reshape(-1),
        shape[1],
        cell,
        walk_per_m,
        cost,
        labels,
        (rows - row0) * shape[1] + (cols - col0),
        grid.left + (cols + 0.5) * cell - xy[:, 0],  # from each sample to its own cell's centre
        grid.top - (rows + 0.5) * cell - xy[:, 1],
    )
    near = least <= NEAR_CELLS
    stamp.near(reach, dr[near], dc[near])
    if walk_per_m > 0:
        reach = _tightened(values, stamp.cell_of, cost, reach, limit, walk_per_m, cell, pad)
    stamp.far(reach, dr[~near], dc[~near], least[~near])
    return Surface(grid, row0, col0, values, cheapest)


def cost_at(
    targets: np.ndarray,
    xy: np.ndarray,
    cost: np.ndarray,
    walk_per_m: float,
    max_off_m: float,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The least ``cost + walk_per_m * distance`` over the samples within ``max_off_m`` of each target, and its label.

    The grid's sum at single places (give cell centres to get the grid's values): a KD-tree of the
    samples, one radius query per target. ``inf`` and -1 where no sample is near.
    """
    targets = np.asarray(targets, float).reshape(-1, 2)
    xy, cost = np.asarray(xy, float).reshape(-1, 2), np.asarray(cost, float)
    labels = np.zeros(len(cost), np.int64) if labels is None else np.asarray(labels, np.int64)
    keep = np.isfinite(cost)
    xy, cost, labels = xy[keep], cost[keep], labels[keep]
    best, best_label = np.full(len(targets), np.inf), np.full(len(targets), -1, np.int64)
    if len(cost) == 0 or len(targets) == 0:
        return best, best_label
    tree = cKDTree(xy)
    for lo in range(0, len(targets), LOOKUP_CHUNK):
        chunk = targets[lo : lo + LOOKUP_CHUNK]
        found = tree.query_ball_point(chunk, max_off_m)
        counts = np.fromiter((len(near) for near in found), np.int64, len(found))
        if counts.sum() == 0:
            continue
        sample = np.concatenate([np.asarray(near, np.int64) for near in found if near])
        target = np.repeat(np.arange(len(chunk)), counts)
        value = cost[sample] + walk_per_m * np.hypot(*(xy[sample] - chunk[target]).T)
        order = np.lexsort((value, target))
        first = order[np.concatenate(([True], target[order][1:] != target[order][:-1]))]
        best[lo + target[first]] = value[first]
        best_label[lo + target[first]] = labels[sample[first]]
    return best, best_label
