"""Least-cost searches on a :class:`~.road_network.RoadGraph` (scipy's Dijkstra, no Python per edge).

Directions matter when driving (one-way streets):

* ``reverse=False`` (default) searches **outward from** the start nodes: the cost of
  travelling *from the facility to* each node ("time from facility").
* ``reverse=True`` searches the transposed graph: the cost of travelling *from* each
  node *to* the facility ("time to facility"), which is what a patient driving to a GP
  experiences. On a walk graph (every edge both ways) the two are equal.

Costs are in the graph's unit (seconds for ``cost="time"``, metres for ``cost="distance"``);
unreached nodes have ``inf``. ``limit`` stops a search at that cost (nodes beyond it are ``inf``),
which keeps catchment searches fast.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .road_network import RoadGraph

#: Sources searched together by :func:`reach_within` (bounds memory to CHUNK × nodes floats).
CHUNK = 64


@dataclass(frozen=True)
class Reach:
    """The nodes one source reaches within the limit and their costs (sorted by node id)."""

    source: int
    nodes: np.ndarray
    costs: np.ndarray


def _matrix(graph: RoadGraph, reverse: bool) -> csr_matrix:
    return graph.matrix_reversed if reverse else graph.matrix


def _limit(limit: float | None) -> float:
    return np.inf if limit is None else float(limit)


def _check_nodes(graph: RoadGraph, nodes: np.ndarray) -> np.ndarray:
    nodes = np.asarray(nodes, dtype=np.int64).reshape(-1)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= graph.node_count):
        raise ValueError(f"Node ids must be in 0..{graph.node_count - 1}.")
    return nodes


def costs_from(graph: RoadGraph, node: int, limit: float | None = None, reverse: bool = False) -> np.ndarray:
    """Cost from ``node`` to every node (``reverse``: from every node to ``node``); ``inf`` if unreached."""
    start = _check_nodes(graph, np.array([node]))
    return dijkstra(_matrix(graph, reverse), directed=True, indices=int(start[0]), limit=_limit(limit))


def nearest_sources(
    graph: RoadGraph, source_nodes: Sequence[int] | np.ndarray, limit: float | None = None, reverse: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """For every node, the cost of the cheapest source and that source's index in ``source_nodes``.

    One multi-source Dijkstra (``min_only``), so it costs about one search however many sources
    there are. Returns ``(cost, nearest)``: ``cost`` (N,) floats (``inf`` when unreached within
    ``limit``) and ``nearest`` (N,) int64 indices into ``source_nodes`` (-1 when unreached). When
    several sources share a node, the first of them is named. ``reverse=True`` gives the cost from
    each node *to* its nearest source.
    """
    sources = _check_nodes(graph, np.asarray(source_nodes))
    cost = np.full(graph.node_count, np.inf)
    nearest = np.full(graph.node_count, -1, dtype=np.int64)
    if len(sources) == 0:
        return cost, nearest
    cost, _, origin = dijkstra(
        _matrix(graph, reverse),
        directed=True,
        indices=sources,
        min_only=True,
        return_predecessors=True,
        limit=_limit(limit),
    )
    # index of the first occurrence of each source node
    first_index = np.full(graph.node_count, -1, dtype=np.int64)
    first_index[sources[::-1]] = np.arange(len(sources))[::-1]
    reached = origin >= 0
    nearest[reached] = first_index[origin[reached]]
    return cost, nearest


def iter_costs(
    graph: RoadGraph, sources: Sequence[int] | np.ndarray, limit: float | None = None, reverse: bool = False
) -> Iterator[tuple[int, np.ndarray]]:
    """(position in ``sources``, cost row over all nodes) for every source, searched in chunks of :data:`CHUNK`."""
    nodes = _check_nodes(graph, np.asarray(sources))
    matrix = _matrix(graph, reverse)
    for lo in range(0, len(nodes), CHUNK):
        rows = dijkstra(matrix, directed=True, indices=nodes[lo : lo + CHUNK], limit=_limit(limit))
        for offset, row in enumerate(np.atleast_2d(rows)):
            yield lo + offset, row


def iter_reach(
    graph: RoadGraph, sources: Sequence[int] | np.ndarray, limit: float, reverse: bool = False
) -> Iterator[Reach]:
    """For each source in turn, the nodes within ``limit`` and their costs (one bounded search per source).

    ``reverse=True``: the nodes from which the source can be reached within ``limit``. A generator,
    so callers can work on the first sources while later ones are still to be searched.
    """
    if limit is None or not np.isfinite(limit) or limit < 0:
        raise ValueError("reach_within needs a finite, non-negative cost limit.")
    nodes = _check_nodes(graph, np.asarray(sources))
    for position, row in iter_costs(graph, nodes, limit, reverse):
        hit = np.flatnonzero(np.isfinite(row))
        yield Reach(int(nodes[position]), hit, row[hit])


def reach_within(
    graph: RoadGraph, sources: Sequence[int] | np.ndarray, limit: float, reverse: bool = False
) -> list[Reach]:
    """:func:`iter_reach` as a list."""
    return list(iter_reach(graph, sources, limit, reverse))
