"""A routable road graph built from a line layer or an OpenStreetMap extract.

The graph follows what QGIS's own network analysis (``QgsVectorLayerDirector`` with a
topology tolerance) does: every vertex of every usable line is a node (coordinates rounded
to ``tolerance_m``, so lines connect wherever they share a vertex, not only at their ends,
which is how OpenStreetMap ways meet), and every consecutive pair of vertices is a
*segment* carrying one or two directed *edges* (one for one-way roads).

Everything is numpy arrays, and the cost matrix is a ``scipy.sparse.csr_matrix`` ready for
``scipy.sparse.csgraph`` (see :mod:`network_search`). Costs are seconds (``cost="time"``)
or metres (``cost="distance"``); lengths are metres in a projected CRS.

Rules (see DOMAIN.md, "Roads (OpenStreetMap)"):

* **drive**: the ``highway`` classes in :data:`DRIVE_CLASSES`; ``access=private|no`` and
  ``motor_vehicle=no|private`` are excluded (an explicit ``motor_vehicle=yes|designated|
  destination|permissive`` lets a road in again); ``oneway=yes|1|true`` follows the
  digitised direction, ``-1|reverse`` goes against it, ``junction=roundabout`` is one-way.
  Speed: the ``speed_field`` of the mode when given (km/h, no NULLs allowed), else the parsed
  ``maxspeed`` tag (:func:`parse_maxspeed`), else the mode's speeds by class (:attr:`TravelMode.speeds_kph`:
  :data:`DEFAULT_SPEEDS_KPH` with the changes the caller passes, from *Settings > Options > LIS*).
* **walk**: every class in :data:`WALK_CLASSES` (everything people can walk on, not
  motorways), in both directions, at ``walk_speed_kph``; ``foot=no`` and
  ``access=private|no`` (unless ``foot=yes|designated|permissive``) are excluded.
* A layer without a ``highway`` field is taken as "all lines are public roads" for both
  modes (drive speed: ``speed_field``, ``maxspeed`` or ``fallback_speed_kph``).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Union

import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsFeedback,
    QgsGeometry,
    QgsProject,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsWkbTypes,
)
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ..common.errors import LisError
from ..io.columnar_reading import (
    ColumnarUnsuitableError,
    LayerColumns,
    python_values,
    read_columns,
    transformed_xy,
    wkb_line_parts,
)

#: Bump when the graph rules or the array layout change: cached graphs are then rebuilt.
GRAPH_VERSION = "1"
#: Projected CRS used when the roads come in longitude/latitude (British National Grid).
DEFAULT_PROJECTED_CRS = "EPSG:27700"
#: Coordinates closer than this (metres) are the same node.
DEFAULT_TOLERANCE_M = 0.01
#: Points snapped farther than this from the network are flagged (metres).
DEFAULT_SNAP_WARNING_M = 500.0
#: Points farther than this from the network are not placed on it at all (metres): left out of the results.
DEFAULT_MAX_SNAP_M = 1000.0
#: Spacing of the sample points that index the roads for snapping (metres). Any spacing gives the exact
#: nearest road (candidates are every road with a sample within the best distance plus half a spacing);
#: a wider one builds a smaller index at each run, a narrower one checks fewer candidates per point.
SNAP_SAMPLE_M = 50.0
#: A strongly connected part of the network with at least this share of the largest part's nodes is "main":
#: points snap to it. Smaller parts are fragments (Rutland's largest fragment has 69 nodes, its main part 27,204).
MAIN_PART_SHARE = 0.1
MPH = 1.609344

DRIVE_CLASSES = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
    }
)
#: Not for cars (DOMAIN.md); walkable.
PATH_CLASSES = frozenset({"footway", "path", "steps", "bridleway", "cycleway", "pedestrian", "track"})
WALK_CLASSES = (DRIVE_CLASSES - {"motorway", "motorway_link"}) | PATH_CLASSES | {"corridor"}

#: Typical car speeds (km/h) by ``highway`` class when neither a speed field nor ``maxspeed``
#: says otherwise. Rural England: limits are often 60 mph but minor roads are slower in practice.
DEFAULT_SPEEDS_KPH: Mapping[str, float] = {
    "motorway": 70 * MPH,
    "motorway_link": 40 * MPH,
    "trunk": 60 * MPH,
    "trunk_link": 40 * MPH,
    "primary": 50 * MPH,
    "primary_link": 30 * MPH,
    "secondary": 45 * MPH,
    "secondary_link": 30 * MPH,
    "tertiary": 40 * MPH,
    "tertiary_link": 30 * MPH,
    "unclassified": 30 * MPH,
    "road": 25 * MPH,
    "residential": 25 * MPH,
    "living_street": 10 * MPH,
    "service": 15 * MPH,
}
#: ``maxspeed`` words (UK and generic) and their limits in mph.
MAXSPEED_WORDS_MPH: Mapping[str, float] = {
    "national": 60,
    "gb:nsl_single": 60,
    "gb:nsl_dual": 70,
    "gb:motorway": 70,
    "uk:nsl_single": 60,
    "uk:nsl_dual": 70,
    "uk:motorway": 70,
    "walk": 3,
}

_YES = frozenset({"yes", "1", "true"})
_REVERSE = frozenset({"-1", "reverse"})
_NO_ACCESS = frozenset({"private", "no"})
_MOTOR_OK = frozenset({"yes", "designated", "destination", "permissive", "permit"})
_FOOT_OK = frozenset({"yes", "designated", "permissive"})
_TAGS = ("highway", "oneway", "maxspeed", "junction", "access", "motor_vehicle", "foot")
_HSTORE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")

#: Direction codes of a way: both ways, digitised direction only, against it only.
BOTH, FORWARD, BACKWARD = 0, 1, -1

Source = Union[QgsVectorLayer, str, Path]


class NetworkError(LisError, ValueError):
    """Bad network input that the user can fix; the message says what and what to do."""


@dataclass(frozen=True)
class TravelMode:
    """How people travel on the network and what a route costs.

    ``kind``: ``"drive"`` or ``"walk"``. ``cost``: ``"time"`` (seconds) or ``"distance"`` (metres).
    ``speed_field``: a numeric km/h field for driving speeds (every drivable road needs a value);
    ``None`` uses ``maxspeed`` then the speed of the road's class (then ``fallback_speed_kph`` for
    lines without a ``highway`` class). ``speeds_kph``: speeds by class that replace those of
    :data:`DEFAULT_SPEEDS_KPH` (the user's, passed in by the caller: the core reads no settings).
    Walking ignores speed fields: everyone walks at ``walk_speed_kph`` on every path, in both directions.
    """

    kind: str = "drive"
    cost: str = "time"
    walk_speed_kph: float = 4.8
    speed_field: str | None = None
    fallback_speed_kph: float = 30 * MPH
    speeds_kph: Mapping[str, float] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in ("drive", "walk"):
            raise NetworkError(f"Travel mode must be 'drive' or 'walk', not {self.kind!r}.")
        if self.cost not in ("time", "distance"):
            raise NetworkError(f"Travel cost must be 'time' or 'distance', not {self.cost!r}.")
        if not self.walk_speed_kph > 0 or not self.fallback_speed_kph > 0:
            raise NetworkError("Speeds must be positive (km/h).")
        if any(not kph > 0 for kph in (self.speeds_kph or {}).values()):
            raise NetworkError("Speeds must be positive (km/h).")

    @cached_property
    def class_speeds_kph(self) -> Mapping[str, float]:
        """Car speeds (km/h) by ``highway`` class: :data:`DEFAULT_SPEEDS_KPH` with :attr:`speeds_kph` over them."""
        return {**DEFAULT_SPEEDS_KPH, **(self.speeds_kph or {})}

    def changed_speeds_kph(self) -> dict[str, float]:
        """Only the class speeds that differ from :data:`DEFAULT_SPEEDS_KPH` (empty for the built-in ones)."""
        return {
            name: float(kph)
            for name, kph in sorted((self.speeds_kph or {}).items())
            if abs(kph - DEFAULT_SPEEDS_KPH.get(name, math.inf)) > 1e-9
        }

    @property
    def cost_unit(self) -> str:
        """'s' (seconds) or 'm' (metres)."""
        return "s" if self.cost == "time" else "m"

    def key(self) -> str:
        """A stable text of every setting (for caches and logs).

        Class speeds appear only when some differ from the built-in ones, so a graph built with the
        default speeds keeps the key (and cache file) it had before speeds could be changed.
        """
        changed = self.changed_speeds_kph()
        return json.dumps(
            {
                "kind": self.kind,
                "cost": self.cost,
                "walk_speed_kph": self.walk_speed_kph,
                "speed_field": self.speed_field,
                "fallback_speed_kph": self.fallback_speed_kph,
                **({"speeds_kph": changed} if changed else {}),
            },
            sort_keys=True,
        )

    @classmethod
    def from_key(cls, key: str) -> TravelMode:
        """The mode :meth:`key` describes."""
        return cls(**json.loads(key))


@dataclass(frozen=True)
class WayRule:
    """What a mode may do on one way: ``allowed``, ``direction`` (BOTH/FORWARD/BACKWARD), ``speed_kph``."""

    allowed: bool
    direction: int = BOTH
    speed_kph: float = math.nan
    reason: str = ""


def _text(value: Any) -> str:
    """Lower-case stripped text of an attribute value; '' for NULL."""
    if value is None:
        return ""
    try:
        if value.isNull():  # QVariant NULL
            return ""
    except AttributeError:
        pass
    return str(value).strip().lower()


def parse_maxspeed(value: Any) -> float | None:
    """A ``maxspeed`` tag in km/h: ``'30 mph'`` -> 48.28, ``'50'`` -> 50, ``'national'`` -> 96.56; None if unreadable.

    Several values (``'30 mph;40 mph'``) give the first readable one.
    """
    text = _text(value)
    if not text:
        return None
    for part in re.split(r"[;|]", text):
        part = part.strip()
        if part in MAXSPEED_WORDS_MPH:
            return MAXSPEED_WORDS_MPH[part] * MPH
        match = _SPEED.match(part)
        if match:
            number = float(match.group(1))
            if number <= 0:
                continue
            return number * MPH if match.group(2) == "mph" else number
    return None


def parse_other_tags(text: Any) -> dict[str, str]:
    """The OGR OSM driver's ``other_tags`` hstore text as a dict."""
    raw = "" if text is None else str(text)
    if not raw or raw == "NULL":
        return {}
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in _HSTORE.findall(raw)}


def way_direction(tags: Mapping[str, Any]) -> int:
    """BOTH, FORWARD or BACKWARD for cars from ``oneway`` and ``junction``."""
    oneway = _text(tags.get("oneway"))
    if oneway in _YES:
        return FORWARD
    if oneway in _REVERSE:
        return BACKWARD
    if oneway == "no":
        return BOTH
    if _text(tags.get("junction")) in ("roundabout", "circular"):
        return FORWARD
    return BOTH


def classify_way(tags: Mapping[str, Any], mode: TravelMode, speed: Any = None, has_highway: bool = True) -> WayRule:
    """The rule for one way: ``tags`` are OSM-like keys (missing = NULL); ``speed`` the speed field's value.

    Raises nothing: a missing speed-field value gives ``speed_kph=nan`` (the builder reports them all).
    """
    highway = _text(tags.get("highway"))
    access = _text(tags.get("access"))
    if mode.kind == "walk":
        if has_highway and highway not in WALK_CLASSES:
            return WayRule(False, reason="not walkable")
        foot = _text(tags.get("foot"))
        if foot == "no" or (access in _NO_ACCESS and foot not in _FOOT_OK):
            return WayRule(False, reason="no foot access")
        return WayRule(True, BOTH, mode.walk_speed_kph)
    if has_highway and highway not in DRIVE_CLASSES:
        return WayRule(False, reason="not drivable")
    motor = _text(tags.get("motor_vehicle"))
    if motor in _NO_ACCESS or (access in _NO_ACCESS and motor not in _MOTOR_OK):
        return WayRule(False, reason="no public motor access")
    direction = way_direction(tags)
    if mode.speed_field:
        try:
            kph = float(speed) if _text(speed) else math.nan
        except (TypeError, ValueError):
            kph = math.nan
        if not kph > 0:
            kph = math.nan
    else:
        kph = parse_maxspeed(tags.get("maxspeed")) or mode.class_speeds_kph.get(highway, mode.fallback_speed_kph)
    return WayRule(True, direction, kph)


@dataclass
class Snapped:
    """Points placed on a graph: ``graph`` has a node at each point's nearest place on the network.

    ``nodes[i]`` is the node of point i in ``graph``; ``distance_m[i]`` how far the point is from
    the network; ``xy`` where it landed; ``far[i]`` whether ``distance_m[i]`` exceeds the warning
    threshold (the point is probably off the network's area or on an unconnected road).
    ``fragment[i]``: snapped to the main network although its nearest road is on a piece cut off
    from it (``fragment_m[i]``: how far that road is). ``placed[i]``: within the maximum snap
    distance; a point that is not is still given a node, but the tools leave it out of the results.
    """

    graph: RoadGraph
    nodes: np.ndarray
    distance_m: np.ndarray
    xy: np.ndarray
    far: np.ndarray
    fragment: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    fragment_m: np.ndarray = field(default_factory=lambda: np.empty(0))
    placed: np.ndarray = field(default_factory=lambda: np.empty(0, bool))

    def __post_init__(self) -> None:
        count = len(self.nodes)
        if len(self.fragment) != count:
            self.fragment = np.zeros(count, dtype=bool)
            self.fragment_m = np.full(count, np.nan)
        if len(self.placed) != count:
            self.placed = np.ones(count, dtype=bool)

    @property
    def far_count(self) -> int:
        """How many points are beyond the warning distance."""
        return int(self.far.sum())


@dataclass
class RoadGraph:
    """A directed road graph.

    * ``node_xy``: (N, 2) float64 node coordinates in ``crs_authid``.
    * ``seg_nodes``: (S, 2) int32 node pairs of the geometric segments in digitised order;
      ``seg_length``: (S,) metres; ``seg_way``: (S,) int64 feature id of the source line.
    * ``edge_from``, ``edge_to`` (E,) int32, ``edge_length`` (E,) metres, ``edge_cost`` (E,) seconds
      or metres, ``edge_segment`` (E,) int32: the directed edges (a two-way segment has two).
    * ``matrix``: N×N ``csr_matrix`` of edge costs (the cheapest of parallel edges).
    """

    node_xy: np.ndarray
    seg_nodes: np.ndarray
    seg_length: np.ndarray
    seg_way: np.ndarray
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_length: np.ndarray
    edge_cost: np.ndarray
    edge_segment: np.ndarray
    crs_authid: str
    mode: TravelMode
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return int(self.node_xy.shape[0])

    @property
    def edge_count(self) -> int:
        """Number of directed edges."""
        return int(self.edge_from.shape[0])

    @property
    def segment_count(self) -> int:
        """Number of geometric segments."""
        return int(self.seg_nodes.shape[0])

    @property
    def total_length_m(self) -> float:
        """Length of all usable road (each segment once, whatever its directions)."""
        return float(self.seg_length.sum())

    @cached_property
    def matrix(self) -> csr_matrix:
        """Costs from row node to column node (cheapest parallel edge kept)."""
        return cost_matrix(self.node_count, self.edge_from, self.edge_to, self.edge_cost)

    @cached_property
    def matrix_reversed(self) -> csr_matrix:
        """The transposed matrix: searches on it give costs *to* the start nodes."""
        return self.matrix.transpose().tocsr()

    def summary(self) -> str:
        """One line for a log."""
        unit = "s" if self.mode.cost == "time" else "m"
        return (
            f"{self.mode.kind} network: {self.node_count:,} nodes, {self.edge_count:,} directed edges, "
            f"{self.total_length_m / 1000:,.1f} km of road, from {self.info.get('ways_used', '?')} of "
            f"{self.info.get('ways_read', '?')} lines; cost in {unit}; CRS {self.crs_authid}"
        )

    # ----------------------------------------------------------------- snapping
    @cached_property
    def main_nodes(self) -> np.ndarray:
        """Per node, whether it is on the main network: the largest strongly connected part.

        From every node of it every other can be reached (one-way streets included), which is where
        routing engines place points; the rest are fragments, such as a private estate road digitised
        without its junction or a one-way stub. A part at least :data:`MAIN_PART_SHARE` of the
        largest's size is main too: two towns whose roads do not meet in the data are both served.
        """
        if self.node_count == 0:
            return np.zeros(0, dtype=bool)
        _, labels = connected_components(self.matrix, directed=True, connection="strong")
        sizes = np.bincount(labels)
        return np.asarray(sizes[labels] >= MAIN_PART_SHARE * sizes.max())

    @cached_property
    def main_segments(self) -> np.ndarray:
        """The ids of the segments whose two ends are on the main network."""
        main = self.main_nodes
        return np.flatnonzero(main[self.seg_nodes[:, 0]] & main[self.seg_nodes[:, 1]])

    def _sample_index(self, segments: np.ndarray) -> tuple[cKDTree, np.ndarray, float]:
        """Sample points along the given segments (spacing ``step``) and the segment of each sample."""
        a = self.node_xy[self.seg_nodes[segments, 0]]
        b = self.node_xy[self.seg_nodes[segments, 1]]
        lengths = self.seg_length[segments]
        step = SNAP_SAMPLE_M
        pieces = np.maximum(1, np.ceil(lengths / step).astype(np.int64))
        local = np.repeat(np.arange(len(segments)), pieces + 1)
        starts = np.repeat(np.cumsum(pieces + 1) - (pieces + 1), pieces + 1)
        k = np.arange(local.shape[0]) - starts
        t = (k / np.repeat(pieces, pieces + 1))[:, None]
        samples = a[local] + (b[local] - a[local]) * t
        spacing = float(np.max(lengths / pieces)) if len(segments) else 0.0
        # a sliding-midpoint tree builds in about two thirds of the time; queries stay exact
        tree = cKDTree(samples, balanced_tree=False, compact_nodes=False)
        return tree, np.asarray(segments, dtype=np.int64)[local], spacing

    @cached_property
    def _segment_index(self) -> tuple[cKDTree, np.ndarray, float]:
        return self._sample_index(np.arange(self.segment_count))

    @cached_property
    def _main_segment_index(self) -> tuple[cKDTree, np.ndarray, float]:
        if len(self.main_segments) == self.segment_count:  # one connected network: the same index serves both
            return self._segment_index
        return self._sample_index(self.main_segments)

    def nearest_segments(
        self, points_xy: np.ndarray, main_only: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(segment, fraction along it from its first node, distance m) of the nearest point on the network.

        ``main_only``: the nearest point on the main network (:attr:`main_segments`) instead.
        """
        pts = np.asarray(points_xy, dtype=float).reshape(-1, 2)
        if self.segment_count == 0 or (main_only and len(self.main_segments) == 0):
            raise NetworkError("The network has no roads to snap points to.")
        if len(pts) == 0:
            return np.empty(0, np.int64), np.empty(0), np.empty(0)
        tree, sample_seg, spacing = self._main_segment_index if main_only else self._segment_index
        a = self.node_xy[self.seg_nodes[:, 0]]
        d = self.node_xy[self.seg_nodes[:, 1]] - a
        dd = np.maximum((d * d).sum(axis=1), 1e-18)

        def project(point: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            t = np.clip(((pts[point] - a[cand]) * d[cand]).sum(axis=1) / dd[cand], 0.0, 1.0)
            q = a[cand] + d[cand] * t[:, None]
            return t, np.hypot(*(q - pts[point]).T)

        # the segments of the 8 nearest samples bound the distance; every segment within it
        # (plus half the sample spacing) is a candidate; the nearest wins, the lowest id on ties
        k = min(8, tree.n)
        _, first = tree.query(pts, k=k)
        point = np.repeat(np.arange(len(pts)), k)
        _, dist = project(point, sample_seg[np.asarray(first).reshape(-1)])
        radius = dist.reshape(len(pts), k).min(axis=1) + spacing / 2 + 1e-6
        balls = tree.query_ball_point(pts, radius)
        counts = np.fromiter(map(len, balls), dtype=np.int64, count=len(pts))
        samples = np.fromiter(itertools.chain.from_iterable(balls), dtype=np.int64, count=int(counts.sum()))
        pairs, _, _ = unique_rows(np.stack([np.repeat(np.arange(len(pts)), counts), sample_seg[samples]], axis=1))
        t, dist = project(pairs[:, 0], pairs[:, 1])
        order = np.lexsort((pairs[:, 1], dist, pairs[:, 0]))
        best = order[np.searchsorted(pairs[order, 0], np.arange(len(pts)))]
        return pairs[best, 1], t[best], dist[best]

    def snap(
        self,
        points_xy: np.ndarray,
        warn_distance_m: float = DEFAULT_SNAP_WARNING_M,
        *,
        main_only: bool = False,
        max_distance_m: float = math.inf,
    ) -> Snapped:
        """Place points on the nearest point of the nearest road, splitting that road there.

        Returns a new graph (this one is not changed) with one extra node per distinct snap place
        (an existing node is reused when the place is within the tolerance of it); the split
        edges keep their directions and share length and cost in proportion. ``main_only``: the
        nearest road of the main network (:attr:`main_nodes`), as routing engines snap, with the
        points whose nearest road is a fragment marked. Points farther than ``max_distance_m`` are
        marked not placed.
        """
        pts = np.asarray(points_xy, dtype=float).reshape(-1, 2)
        if len(pts) == 0:
            return Snapped(self, np.empty(0, np.int64), np.empty(0), np.empty((0, 2)), np.empty(0, bool))
        seg, t, dist = self.nearest_segments(pts)
        fragment, fragment_m = np.zeros(len(pts), dtype=bool), np.full(len(pts), np.nan)
        if main_only:
            # a point whose nearest road is on the main network has that road as its nearest main road too
            # (the lowest id wins ties either way): only the others are searched again, among main roads
            main = self.main_nodes
            off_main = np.flatnonzero(~(main[self.seg_nodes[seg, 0]] & main[self.seg_nodes[seg, 1]]))
            if len(off_main):
                any_dist = dist[off_main]
                seg, t, dist = seg.copy(), t.copy(), dist.copy()
                seg[off_main], t[off_main], dist[off_main] = self.nearest_segments(pts[off_main], main_only=True)
                fragment[off_main] = any_dist < dist[off_main]
                fragment_m[off_main[fragment[off_main]]] = any_dist[fragment[off_main]]
        snapped = self._split_at(pts, seg, t, dist, warn_distance_m)
        snapped.fragment, snapped.fragment_m, snapped.placed = fragment, fragment_m, dist <= max_distance_m
        return snapped

    def _split_at(
        self, pts: np.ndarray, seg: np.ndarray, t: np.ndarray, dist: np.ndarray, warn_distance_m: float
    ) -> Snapped:
        """The graph with a node at fraction ``t`` of each segment ``seg`` (see :meth:`snap`)."""
        tol = float(self.info.get("tolerance_m", DEFAULT_TOLERANCE_M))
        a_node = self.seg_nodes[seg, 0]
        b_node = self.seg_nodes[seg, 1]
        length = self.seg_length[seg]
        along = t * length
        nodes = np.full(len(pts), -1, dtype=np.int64)
        nodes[along <= tol] = a_node[along <= tol]
        at_b = (nodes < 0) & (length - along <= tol)
        nodes[at_b] = b_node[at_b]
        a_xy = self.node_xy[a_node]
        landed = a_xy + (self.node_xy[b_node] - a_xy) * t[:, None]
        inner = np.flatnonzero(nodes < 0)
        if len(inner) == 0:
            landed[nodes >= 0] = self.node_xy[nodes[nodes >= 0]]
            return Snapped(self, nodes, dist, landed, dist > warn_distance_m)

        # one new node per distinct (segment, position) among the inner points
        pos = np.round(along[inner] / tol).astype(np.int64)
        keys = np.stack([seg[inner], pos], axis=1)
        uniq, _, inverse = unique_rows(keys)
        new_ids = self.node_count + np.arange(len(uniq))
        nodes[inner] = new_ids[inverse]
        first_of = np.zeros(len(uniq), dtype=np.int64)
        first_of[inverse] = inner
        new_xy = landed[first_of]
        new_t = t[first_of]
        node_xy = np.vstack([self.node_xy, new_xy])

        # split each affected segment into a chain a -> w1 -> ... -> b (uniq is sorted by segment, position)
        split_segs, starts = np.unique(uniq[:, 0], return_index=True)
        keep_seg = np.ones(self.segment_count, dtype=bool)
        keep_seg[split_segs] = False
        inner_count = np.diff(np.append(starts, len(uniq)))
        pieces = inner_count + 1
        parent = np.repeat(split_segs, pieces)
        piece = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        is_first, is_last = piece == 0, piece == np.repeat(inner_count, pieces)
        before = np.repeat(starts, pieces) + piece - 1  # the inner node a piece starts at (unless it is first)
        add_nodes = np.stack(
            [
                np.where(is_first, self.seg_nodes[parent, 0], new_ids[np.maximum(before, 0)]),
                np.where(is_last, self.seg_nodes[parent, 1], new_ids[np.minimum(before + 1, len(uniq) - 1)]),
            ],
            axis=1,
        )
        t0 = np.where(is_first, 0.0, new_t[np.maximum(before, 0)])
        t1 = np.where(is_last, 1.0, new_t[np.minimum(before + 1, len(uniq) - 1)])
        frac = t1 - t0
        new_seg_len = frac * self.seg_length[parent]
        new_seg_way = self.seg_way[parent]
        kept_ids = np.flatnonzero(keep_seg)
        seg_map = np.full(self.segment_count, -1, dtype=np.int64)
        seg_map[kept_ids] = np.arange(len(kept_ids))
        seg_nodes = np.vstack([self.seg_nodes[keep_seg], add_nodes]).astype(np.int32)
        seg_length = np.concatenate([self.seg_length[keep_seg], new_seg_len])
        seg_way = np.concatenate([self.seg_way[keep_seg], new_seg_way])
        new_seg_ids = len(kept_ids) + np.arange(len(add_nodes))

        # directed edges: keep those on unsplit segments, replace the others piece by piece
        edge_keep = keep_seg[self.edge_segment]
        parts_from, parts_to, parts_len, parts_cost, parts_seg = [], [], [], [], []
        for forward in (True, False):
            seg_dir = self.seg_nodes[self.edge_segment, 0] == self.edge_from
            chosen = np.flatnonzero(~edge_keep & (seg_dir == forward))
            if len(chosen) == 0:
                continue
            # pieces of every parent segment, for every edge on it
            order = np.argsort(parent, kind="stable")
            piece_parent = parent[order]
            lo = np.searchsorted(piece_parent, self.edge_segment[chosen], side="left")
            hi = np.searchsorted(piece_parent, self.edge_segment[chosen], side="right")
            counts = hi - lo
            edge_rep = np.repeat(chosen, counts)
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            piece = order[np.repeat(lo, counts) + offsets]
            src, dst = add_nodes[piece, 0], add_nodes[piece, 1]
            if not forward:
                src, dst = dst, src
            parts_from.append(src)
            parts_to.append(dst)
            parts_len.append(self.edge_length[edge_rep] * frac[piece])
            parts_cost.append(self.edge_cost[edge_rep] * frac[piece])
            parts_seg.append(new_seg_ids[piece])
        graph = RoadGraph(
            node_xy=node_xy,
            seg_nodes=seg_nodes,
            seg_length=seg_length,
            seg_way=seg_way,
            edge_from=np.concatenate([self.edge_from[edge_keep], *parts_from]).astype(np.int32),
            edge_to=np.concatenate([self.edge_to[edge_keep], *parts_to]).astype(np.int32),
            edge_length=np.concatenate([self.edge_length[edge_keep], *parts_len]),
            edge_cost=np.concatenate([self.edge_cost[edge_keep], *parts_cost]),
            edge_segment=np.concatenate([seg_map[self.edge_segment[edge_keep]], *parts_seg]).astype(np.int32),
            crs_authid=self.crs_authid,
            mode=self.mode,
            info={**self.info, "snapped_nodes": int(self.info.get("snapped_nodes", 0)) + len(uniq)},
        )
        landed[nodes >= 0] = node_xy[nodes[nodes >= 0]]
        return Snapped(graph, nodes, dist, landed, dist > warn_distance_m)

    # ----------------------------------------------------------------- storage
    #: The arrays that define a graph (everything else derives from them).
    ARRAY_NAMES: ClassVar[tuple[str, ...]] = (
        "node_xy",
        "seg_nodes",
        "seg_length",
        "seg_way",
        "edge_from",
        "edge_to",
        "edge_length",
        "edge_cost",
        "edge_segment",
    )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Everything as named numpy arrays (metadata as a JSON string array), for ``np.savez``."""
        meta = {"crs_authid": self.crs_authid, "mode": self.mode.key(), "info": self.info, "version": GRAPH_VERSION}
        arrays = {name: getattr(self, name) for name in self.ARRAY_NAMES}
        arrays["meta"] = np.array(json.dumps(meta))
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> RoadGraph:
        """The graph :meth:`to_arrays` described."""
        meta = json.loads(str(arrays["meta"]))
        if meta.get("version") != GRAPH_VERSION:
            raise NetworkError("The stored graph was built by another version of the plugin.")
        values = {name: np.asarray(arrays[name]) for name in cls.ARRAY_NAMES}
        return cls(**values, crs_authid=meta["crs_authid"], mode=TravelMode.from_key(meta["mode"]), info=meta["info"])


def cost_matrix(node_count: int, edge_from: np.ndarray, edge_to: np.ndarray, edge_cost: np.ndarray) -> csr_matrix:
    """N×N CSR matrix of the cheapest edge from each node to each node (parallel edges: minimum kept)."""
    if len(edge_from) == 0:
        return csr_matrix((node_count, node_count))
    # one integer key per (from, to) pair: a single sort, and the costs join it only when pairs repeat
    key = edge_from.astype(np.int64) * node_count + edge_to
    order = np.argsort(key, kind="stable")
    repeated = key[order][1:] == key[order][:-1]
    if repeated.any():
        order = np.lexsort((edge_cost, key))
    src, dst, cost = edge_from[order], edge_to[order], edge_cost[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, cost = src[first], dst[first], cost[first]
    # csgraph ignores explicit zeros: a zero-cost edge (impossible unless two vertices coincide) gets a tiny cost
    cost = np.maximum(cost, 1e-9)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=node_count))))
    return csr_matrix((cost, dst.astype(np.int32), indptr), shape=(node_count, node_count))


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(rows, axis=0, return_index=True, return_inverse=True)`` for integer rows, much faster.

    The rows are turned into one int64 key (first column most significant) when their ranges allow,
    which sorts them in the same order as ``axis=0`` does; otherwise ``np.unique`` does it row-wise.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows):
        low = rows.min(axis=0)
        span = rows.max(axis=0) - low + 1
        if float(np.prod(span.astype(float))) < 2.0**62:
            radix = np.cumprod(np.concatenate([[1], span[::-1][:-1]]))[::-1]
            key = ((rows - low) * radix).sum(axis=1)
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            return rows[first], first, inverse.reshape(-1)
    unique, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return unique, first, inverse.reshape(-1)


# --------------------------------------------------------------------- reading


def open_road_layer(source: Source, layer_name: str | None = None) -> QgsVectorLayer:
    """A QGIS line layer from a layer, a GeoPackage/Shapefile path (``layer_name`` or ``path|layername=x``)
    or an ``.osm.pbf``/``.osm`` extract (its ``lines`` layer)."""
    if isinstance(source, QgsVectorLayer):
        layer = source
    else:
        text = str(source)
        path = Path(text.split("|")[0])
        if not path.exists():
            raise NetworkError(f"The road network file {path} does not exist.")
        if text.lower().endswith((".pbf", ".osm")) and layer_name is None:
            layer_name = "lines"
        if path.suffix.lower() == ".pbf":
            check_pbf_complete(path)
        uri = f"{text}|layername={layer_name}" if layer_name and "|" not in text else text
        layer = QgsVectorLayer(uri, path.stem, "ogr")
        if not layer.isValid():
            raise NetworkError(
                damaged_file_message(path)
                or f"Cannot open the road network {uri}: is it a GeoPackage, Shapefile or .osm.pbf?"
            )
    if not layer.isValid():
        raise NetworkError(f"The road layer {layer.name()!r} is not valid (its file may be missing).")
    if layer.geometryType() != Qgis.GeometryType.Line:
        raise NetworkError(
            f"The road layer {layer.name()!r} holds {QgsWkbTypes.geometryDisplayString(layer.geometryType())} "
            "features, not lines: choose a layer of road centre lines."
        )
    return layer


#: The first bytes of every SQLite database, so of every GeoPackage.
SQLITE_HEADER = b"SQLite format 3\x00"


def damaged_file_message(path: Path) -> str | None:
    """Why a road network file that exists cannot be opened, when its bytes tell: a damaged or cut-short file.

    A GeoPackage is an SQLite database: its header gives the page size and page count, so a file
    shorter than that was cut short (an interrupted download or copy), and one without the header
    is not a GeoPackage at all. None when the file looks whole (the caller's message stands).
    """
    if path.suffix.lower() != ".gpkg" or not path.is_file():
        return None
    with path.open("rb") as handle:
        header = handle.read(100)
    size = path.stat().st_size
    if not header.startswith(SQLITE_HEADER):
        return (
            f"The road network file {path} is damaged: it is not a GeoPackage (SQLite) database, although its "
            "name ends in .gpkg. Export or download it again, or choose the right file."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if len(header) < 100 or (pages and size < page_size * pages):
        return (
            f"The road network file {path} is damaged: it is cut short ({size:,} of {page_size * pages:,} bytes), "
            "as after an interrupted download or copy. Download or export it again."
        )
    return (
        f"The road network file {path} is damaged: QGIS cannot read it as a GeoPackage. Open it in QGIS to check, "
        "or export or download it again."
    )


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """A protocol-buffer varint at ``offset``: (value, offset after it)."""
    value = shift = 0
    while offset < len(data):
        byte = data[offset]
        value |= (byte & 0x7F) << shift
        offset += 1
        if not byte & 0x80:
            return value, offset
        shift += 7
    raise ValueError("varint runs past the end")


def _blob_size(header: bytes) -> int:
    """The ``datasize`` (field 3) of an OSM PBF BlobHeader message."""
    offset = 0
    while offset < len(header):
        key, offset = _varint(header, offset)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, offset = _varint(header, offset)
            if number == 3:
                return value
        elif wire == 2:
            length, offset = _varint(header, offset)
            offset += length
        else:
            raise ValueError(f"unexpected wire type {wire}")
    raise ValueError("no datasize")


def check_pbf_complete(path: Path) -> None:
    """Refuse an ``.osm.pbf`` that is cut short or damaged, naming it; GDAL would read it as fewer (or no) roads.

    An OSM PBF file is a chain of blocks, each a 4-byte length, a header giving the size of its data,
    then the data: the chain must end exactly at the end of the file. Only the headers are read.
    """
    size = path.stat().st_size
    offset = blocks = 0
    with path.open("rb") as handle:
        while offset < size:
            try:
                length = int.from_bytes(handle.read(4), "big")
                if length <= 0 or length > 64 * 1024 or offset + 4 + length > size:
                    raise ValueError("block header past the end")
                data = _blob_size(handle.read(length))
            except ValueError:
                data = -1
            end = offset + 4 + length + data
            if data < 0 or end > size:
                what = "cut short" if blocks and data >= 0 else "damaged or cut short"
                raise NetworkError(
                    f"The road network file {path} is {what}: it ends in the middle of block {blocks + 1:,} "
                    f"after {offset:,} of its {size:,} bytes, as after an interrupted download. Download it again "
                    "(Geofabrik publishes an .md5 file to check it)."
                )
            handle.seek(end)
            offset, blocks = end, blocks + 1
    if blocks == 0:
        raise NetworkError(f"The road network file {path} is empty: download it again.")


def target_crs(layer: QgsVectorLayer, crs: str | None = None) -> QgsCoordinateReferenceSystem:
    """The projected CRS in metres to build in: ``crs`` if given, the layer's if projected, else EPSG:27700."""
    source_crs = layer.crs()
    if not source_crs.isValid():
        raise NetworkError(f"The road layer {layer.name()!r} has no coordinate reference system: set it first.")
    if crs:
        target = QgsCoordinateReferenceSystem(crs)
        if not target.isValid():
            raise NetworkError(f"Unknown coordinate reference system {crs!r}.")
    elif source_crs.isGeographic():
        target = QgsCoordinateReferenceSystem(DEFAULT_PROJECTED_CRS)
    else:
        target = source_crs
    if target.isGeographic():
        raise NetworkError(
            f"{target.authid() or target.description()} is geographic (degrees): distances and travel times "
            f"need a projected CRS in metres, such as {DEFAULT_PROJECTED_CRS} (British National Grid)."
        )
    if target.mapUnits() != Qgis.DistanceUnit.Meters:
        raise NetworkError(
            f"{target.authid()} measures in {QgsUnitTypes.toString(target.mapUnits())}, not metres: "
            f"reproject the roads to a metre-based CRS such as {DEFAULT_PROJECTED_CRS}."
        )
    return target


def _wkb_lines(wkb: bytes) -> list[np.ndarray]:
    """The vertex arrays (n, 2) of a (Multi)LineString in ISO WKB, with any Z/M dropped."""
    out: list[np.ndarray] = []

    def read(offset: int) -> int:
        endian = "<" if wkb[offset] == 1 else ">"
        kind = int(np.frombuffer(wkb, dtype=f"{endian}u4", count=1, offset=offset + 1)[0])
        base, dims = kind % 1000, 2 + (kind // 1000 in (1, 2)) + 2 * (kind // 1000 == 3)
        offset += 5
        count = int(np.frombuffer(wkb, dtype=f"{endian}u4", count=1, offset=offset)[0])
        offset += 4
        if base == 2:
            coords = np.frombuffer(wkb, dtype=f"{endian}f8", count=count * dims, offset=offset)
            out.append(coords.reshape(count, dims)[:, :2].astype(float))
            return offset + 8 * count * dims
        if base in (5, 7):
            for _ in range(count):
                offset = read(offset)
            return offset
        raise NetworkError(f"Unexpected geometry type {kind} in a line layer.")

    read(0)
    return out


@dataclass
class _WayParts:
    """The usable line parts of a layer as flat arrays, and what reading found.

    ``xy`` (V, 2) vertices in the graph's CRS; per part (P,): ``sizes`` (vertices), ``fids`` (its
    feature), ``direction`` and ``speed`` (km/h). ``read``: features read; ``used``: usable ways;
    ``missing_speed``: drivable ways without a speed; ``reasons``: ways left out, by reason.
    ``reader``: ``"arrow"`` (GDAL's columns) or ``"qgis"`` (QGIS's feature iterator).
    """

    xy: np.ndarray
    sizes: np.ndarray
    fids: np.ndarray
    direction: np.ndarray
    speed: np.ndarray
    read: int
    used: int
    missing_speed: int
    reasons: dict[str, int]
    reader: str


@dataclass
class _Ways:
    coords: list[np.ndarray] = field(default_factory=list)
    fids: list[int] = field(default_factory=list)
    direction: list[int] = field(default_factory=list)
    speed: list[float] = field(default_factory=list)
    read: int = 0
    used: int = 0
    missing_speed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, fid: int, geometry: QgsGeometry, rule: WayRule) -> None:
        """Keep each part of a usable way (in the graph's CRS) with its direction and speed."""
        for part in _wkb_lines(bytes(geometry.asWkb())):
            if len(part) >= 2:
                self.coords.append(part)
                self.fids.append(fid)
                self.direction.append(rule.direction)
                self.speed.append(rule.speed_kph)
        self.used += 1

    def parts(self) -> _WayParts:
        """The same ways as flat arrays."""
        return _WayParts(
            xy=np.concatenate(self.coords) if self.coords else np.empty((0, 2)),
            sizes=np.array([len(c) for c in self.coords], dtype=np.int64),
            fids=np.asarray(self.fids, dtype=np.int64),
            direction=np.asarray(self.direction, dtype=np.int8),
            speed=np.asarray(self.speed, dtype=float),
            read=self.read,
            used=self.used,
            missing_speed=self.missing_speed,
            reasons=dict(self.reasons),
            reader="qgis",
        )


def _field_lookup(layer: QgsVectorLayer) -> dict[str, int]:
    return {f.name().lower(): i for i, f in enumerate(layer.fields())}


def _speed_index(layer: QgsVectorLayer, mode: TravelMode, names: Mapping[str, int]) -> int | None:
    """The column of the driving speed field (None: speeds come from maxspeed and the road class)."""
    if mode.kind != "drive" or not mode.speed_field:
        return None
    index = names.get(mode.speed_field.lower())
    if index is None:
        raise NetworkError(
            f"The road layer {layer.name()!r} has no field {mode.speed_field!r} for speeds; "
            f"its fields are: {', '.join(layer.fields().names())}."
        )
    return index


def _way_tags(attrs: Sequence[Any], names: Mapping[str, int], other: int | None) -> dict[str, Any]:
    """The OpenStreetMap tags the rules read: own columns first, then those packed in ``other_tags``."""
    tags: dict[str, Any] = {key: attrs[names[key]] for key in _TAGS if key in names}
    if other is not None:
        for key, value in parse_other_tags(attrs[other]).items():
            if key in _TAGS and not _text(tags.get(key)):
                tags[key] = value
    return tags


def _reading_progress(feedback: QgsFeedback | None, number: int, total: int) -> None:
    if feedback is None:
        return
    if feedback.isCanceled():
        raise NetworkError("Building the road network was cancelled.")
    if number % 2000 == 0:
        feedback.setProgress(min(99.0, 100.0 * number / total))


def _read_ways(
    layer: QgsVectorLayer, mode: TravelMode, target: QgsCoordinateReferenceSystem, feedback: QgsFeedback | None
) -> _Ways:
    """The usable ways of a line layer for ``mode``, in ``target``, feature by feature through QGIS.

    Why the others were left out is counted. The fallback of :func:`read_way_parts` for layers
    that are not plain files; its results are the reference the columnar reading must equal.
    """
    names = _field_lookup(layer)
    has_highway = "highway" in names
    other = names.get("other_tags")
    speed_index = _speed_index(layer, mode, names)
    transform = None
    if layer.crs() != target:
        transform = QgsCoordinateTransform(layer.crs(), target, QgsProject.instance().transformContext())
    ways = _Ways()
    total = max(layer.featureCount(), 1)
    for number, feature in enumerate(layer.getFeatures(QgsFeatureRequest())):
        _reading_progress(feedback, number, total)
        ways.read += 1
        geometry = feature.geometry()
        if geometry.isNull() or geometry.isEmpty():
            continue
        attrs = feature.attributes()
        tags = _way_tags(attrs, names, other)
        speed = attrs[speed_index] if speed_index is not None else None
        rule = classify_way(tags, mode, speed, has_highway or "highway" in tags)
        if not rule.allowed:
            ways.reasons[rule.reason] = ways.reasons.get(rule.reason, 0) + 1
            continue
        if math.isnan(rule.speed_kph):
            ways.missing_speed += 1
            continue
        if QgsWkbTypes.isCurvedType(geometry.wkbType()):
            geometry.convertToStraightSegment()
        if transform is not None:
            geometry.transform(transform)
        ways.add(feature.id(), geometry, rule)
    return ways


def read_way_parts(
    layer: QgsVectorLayer,
    mode: TravelMode,
    target: QgsCoordinateReferenceSystem,
    feedback: QgsFeedback | None,
    *,
    columnar: bool = True,
) -> _WayParts:
    """The usable ways of ``layer`` for ``mode`` in ``target``: read as columns when it is a plain file.

    GDAL's Arrow stream (``core/io/columnar_reading.py``: GeoPackage, Shapefile, FlatGeobuf, ``.osm.pbf``)
    with the way rules applied once per distinct combination of tags; QGIS's feature iterator for
    everything else (memory layers, databases, services, filtered or edited layers). Both give the
    same ways in the same order.
    """
    if columnar:
        try:
            return _read_ways_columnar(layer, mode, target, feedback)
        except ColumnarUnsuitableError:
            pass
    return _read_ways(layer, mode, target, feedback).parts()


def _cancel_check(feedback: QgsFeedback | None) -> None:
    if feedback is not None and feedback.isCanceled():
        raise NetworkError("Building the road network was cancelled.")


def _relevant_other_tags(value: Any) -> tuple[tuple[str, str], ...]:
    """The tags the rules read from an ``other_tags`` text, in a fixed order (most texts hold none of them)."""
    text = "" if value is None else str(value)
    if not any(f'"{key}"' in text for key in _TAGS):
        return ()
    return tuple(sorted((key, tag) for key, tag in parse_other_tags(text).items() if key in _TAGS))


def _way_rules(
    columns: LayerColumns, tag_columns: Mapping[str, str], other: str | None, speed_name: str | None, mode: TravelMode
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per feature: allowed, direction, speed (km/h) and reason index, with :func:`classify_way` called once
    per distinct combination of the values it reads (the same answers as feature by feature)."""
    names = [*tag_columns.values(), *([other] if other else []), *([speed_name] if speed_name else [])]
    distinct: dict[str, list[Any]] = {}
    codes = []
    for name in dict.fromkeys(names):
        code, distinct[name] = python_values(columns.values[name], columns.nulls[name])
        if name == other:
            subsets = [_relevant_other_tags(value) for value in distinct[name]]
            kinds = {subset: number for number, subset in enumerate(dict.fromkeys([(), *subsets]))}
            lookup = np.array([0, *(kinds[subset] for subset in subsets)], dtype=np.int64)
            code, distinct[name] = lookup[code], list(kinds)
        codes.append(code)
    column_index = {name: number for number, name in enumerate(dict.fromkeys(names))}
    stacked = np.stack(codes, axis=1) if codes else np.zeros((columns.count, 1), np.int64)
    combos, _, inverse = unique_rows(stacked)

    def value(name: str, combo: np.ndarray) -> Any:
        code = int(combo[column_index[name]])
        return distinct[name][code - 1] if code else None

    has_highway = "highway" in tag_columns
    rules, reasons = [], {"": 0}
    for combo in combos:
        tags: dict[str, Any] = {key: value(name, combo) for key, name in tag_columns.items()}
        if other:
            for key, tag in distinct[other][int(combo[column_index[other]])]:
                if not _text(tags.get(key)):
                    tags[key] = tag
        speed = value(speed_name, combo) if speed_name else None
        rule = classify_way(tags, mode, speed, has_highway or "highway" in tags)
        rules.append((rule.allowed, rule.direction, rule.speed_kph, reasons.setdefault(rule.reason, len(reasons))))
    table = np.array(rules, dtype=float).reshape(-1, 4)[inverse]
    reason_names = np.array(list(reasons), dtype=object)
    return table[:, 0] > 0, table[:, 1].astype(np.int8), table[:, 2], reason_names[table[:, 3].astype(np.int64)]


def _read_ways_columnar(
    layer: QgsVectorLayer, mode: TravelMode, target: QgsCoordinateReferenceSystem, feedback: QgsFeedback | None
) -> _WayParts:
    """:func:`_read_ways` for a plain file, column by column (ColumnarUnsuitableError when it is not one)."""
    if QgsWkbTypes.isCurvedType(layer.wkbType()):
        raise ColumnarUnsuitableError("curved geometries")
    names = _field_lookup(layer)
    field_names = layer.fields().names()
    tag_columns = {key: field_names[names[key]] for key in _TAGS if key in names}
    other = field_names[names["other_tags"]] if "other_tags" in names else None
    speed_index = _speed_index(layer, mode, names)
    speed_name = field_names[speed_index] if speed_index is not None else None
    wanted = [name for name in dict.fromkeys([*tag_columns.values(), other, speed_name]) if name]
    columns = read_columns(layer, wanted, lambda: _cancel_check(feedback))
    if columns.count == 0:
        raise ColumnarUnsuitableError("no features")  # QGIS's reading names the empty layer
    for name in wanted:
        if columns.values[name].dtype.kind not in "SUifbO":
            raise ColumnarUnsuitableError(f"column {name} of type {columns.values[name].dtype}")
    xy, sizes, owner = wkb_line_parts(columns.wkb)
    allowed, direction, speed, reason = _way_rules(columns, tag_columns, other, speed_name, mode)
    drawn = np.bincount(owner, weights=sizes, minlength=columns.count) > 0
    left_out = drawn & ~allowed
    excluded, counts = np.unique(reason[left_out].astype(str), return_counts=True)
    missing = drawn & allowed & np.isnan(speed)
    usable = drawn & allowed & ~np.isnan(speed)
    keep = usable[owner] & (sizes >= 2)
    xy = xy[np.repeat(keep, sizes)]
    if layer.crs() != target and len(xy):
        xy = transformed_xy(xy, layer.crs(), target)
    owner = owner[keep]
    if feedback is not None:
        feedback.setProgress(99.0)
    return _WayParts(
        xy=xy,
        sizes=sizes[keep],
        fids=columns.fids[owner],
        direction=direction[owner],
        speed=speed[owner],
        read=columns.count,
        used=int(usable.sum()),
        missing_speed=int(missing.sum()),
        reasons={str(name): int(count) for name, count in zip(excluded, counts)},
        reader="arrow",
    )


def build_graph(
    source: Source,
    mode: TravelMode | None = None,
    *,
    layer_name: str | None = None,
    crs: str | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    feedback: QgsFeedback | None = None,
    columnar: bool = True,
) -> RoadGraph:
    """Build the graph of ``source`` (a line layer, a GeoPackage/Shapefile path or an ``.osm.pbf``) for ``mode``.

    ``crs``: the projected CRS (metres) to build in; default the layer's own, or EPSG:27700 when the
    layer is in longitude/latitude. ``columnar=False`` reads feature by feature through QGIS even
    where GDAL's columns could be read (the same graph, slower: for comparisons). Raises
    :class:`NetworkError` with a message for the user when the layer is empty, not lines, geographic
    for ``crs``, has NULL speeds, or has no road usable by the mode.
    """
    mode = mode or TravelMode()
    if not tolerance_m > 0:
        raise NetworkError("The node tolerance must be a positive distance in metres.")
    layer = open_road_layer(source, layer_name)
    target = target_crs(layer, crs)
    ways = read_way_parts(layer, mode, target, feedback, columnar=columnar)
    label = layer.name()
    if ways.read == 0:
        raise NetworkError(f"The road layer {label!r} has no features.")
    if ways.missing_speed:
        raise NetworkError(
            f"{ways.missing_speed:,} of {ways.missing_speed + ways.used:,} drivable roads in {label!r} have no "
            f"positive speed in the field {mode.speed_field!r}: fill them in (km/h), or leave the speed field "
            "empty to use maxspeed and the road-class defaults."
        )
    if len(ways.sizes) == 0:
        why = ", ".join(f"{count:,} {reason}" for reason, count in sorted(ways.reasons.items())) or "no geometry"
        raise NetworkError(
            f"None of the {ways.read:,} lines in {label!r} can be used for {mode.kind} ({why}). "
            "Check the layer is a road network with OpenStreetMap 'highway' values, or choose another mode."
        )
    return _assemble(ways, mode, target.authid(), tolerance_m, label)


def _assemble(ways: _WayParts, mode: TravelMode, authid: str, tolerance_m: float, label: str) -> RoadGraph:
    sizes, xy = ways.sizes, ways.xy
    keys = np.round(xy / tolerance_m).astype(np.int64)
    _, first, inverse = unique_rows(keys)
    node_xy = xy[first]
    # segments: consecutive vertices within each part
    ends = np.cumsum(sizes)
    is_last = np.zeros(len(xy), dtype=bool)
    is_last[ends - 1] = True
    start = np.flatnonzero(~is_last)
    a, b = inverse[start], inverse[start + 1]
    part = np.repeat(np.arange(len(sizes)), sizes)[start]
    length = np.hypot(*(xy[start + 1] - xy[start]).T)
    keep = a != b
    a, b, part, length = a[keep], b[keep], part[keep], length[keep]
    # drop nodes no segment uses (vertices merged away) and renumber
    used = np.zeros(len(node_xy), dtype=bool)
    used[a] = used[b] = True
    renumber = np.cumsum(used) - 1
    node_xy = node_xy[used]
    a, b = renumber[a].astype(np.int32), renumber[b].astype(np.int32)
    direction = ways.direction[part]
    speed = ways.speed[part]
    cost = length / (speed / 3.6) if mode.cost == "time" else length.copy()
    seg_ids = np.arange(len(a), dtype=np.int32)
    fwd = direction != BACKWARD
    bwd = direction != FORWARD
    graph = RoadGraph(
        node_xy=node_xy,
        seg_nodes=np.stack([a, b], axis=1),
        seg_length=length,
        seg_way=ways.fids[part],
        edge_from=np.concatenate([a[fwd], b[bwd]]),
        edge_to=np.concatenate([b[fwd], a[bwd]]),
        edge_length=np.concatenate([length[fwd], length[bwd]]),
        edge_cost=np.concatenate([cost[fwd], cost[bwd]]),
        edge_segment=np.concatenate([seg_ids[fwd], seg_ids[bwd]]),
        crs_authid=authid,
        mode=mode,
        info={
            "source": label,
            "ways_read": ways.read,
            "ways_used": ways.used,
            "excluded": dict(ways.reasons),
            "oneway_segments": int((direction != BOTH).sum()),
            "tolerance_m": tolerance_m,
            "reader": ways.reader,
        },
    )
    return graph


def points_from_layer(layer: QgsVectorLayer, crs_authid: str) -> np.ndarray:
    """(n, 2) coordinates of a point layer's features in ``crs_authid`` (multipoints: their first point)."""
    target = QgsCoordinateReferenceSystem(crs_authid)
    transform = None
    if layer.crs() != target:
        transform = QgsCoordinateTransform(layer.crs(), target, QgsProject.instance().transformContext())
    out = []
    for feature in layer.getFeatures():
        geometry = feature.geometry()
        if transform is not None:
            geometry.transform(transform)
        point = geometry.vertexAt(0)
        out.append((point.x(), point.y()))
    return np.asarray(out, dtype=float).reshape(-1, 2)
