"""Each facility's bounded search and road-buffer polygons, run in worker processes where the system allows.

scipy's Dijkstra and GDAL's polygonize (as Debian and QGIS build it) hold Python's GIL, so worker
threads draw nothing while a search runs: the run is the searches plus the drawing, one after the
other, on one core. Worker processes forked from this one (Linux) share the graph and the road points
without copying them, each searches and draws a batch of facilities, and send back the reached nodes,
their costs and the polygons as WKB, in the facilities' order. Elsewhere (no ``fork``: Windows, macOS; QGIS desktop)
or with one core the same work runs here, one facility after another; the results are the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait

import numpy as np
from qgis.core import QgsApplication, QgsGeometry

from ..common.errors import LisError
from ..network.network_search import Reach, iter_reach
from ..network.road_network import RoadGraph
from .catchment_geometry import RoadPoints, catchment_polygons

#: Most worker processes (the searches also need memory: one row of costs per search).
MAX_WORKERS = 4
#: Fewer facilities than this are searched and drawn here: starting workers would cost more than it saves.
MIN_FACILITIES = 16
#: Facilities per batch a worker sends back (results come back in the facilities' order, a batch at a time).
BATCH = 8


class CatchmentWorkerError(LisError, RuntimeError):
    """A worker process stopped before it sent its catchments back."""


@dataclass(frozen=True)
class _Work:
    """What every worker needs: inherited when it is forked, never pickled."""

    graph: RoadGraph
    points: RoadPoints
    limits: tuple[float, ...]


def worker_count(facilities: int) -> int:
    """Worker processes for ``facilities`` searches: 0 (work here) without ``fork``, on one core, for few, or in
    QGIS desktop.

    The desktop's map canvas renders in threads that take GDAL's and PROJ's locks; a fork copies a lock held at
    that moment into the worker, locked for ever, and the run would hang. ``qgis_process``, scripts and tests
    have no such threads at work, so they use the workers: headless QGIS runs only Qt's bearer-management and
    D-Bus threads beside Python's, which take none of the locks the workers need (GDAL, GEOS, numpy). That is
    why Python 3.12+'s warning about forking a multi-threaded process does not apply here.
    """
    if sys.platform != "linux" or facilities < MIN_FACILITIES or QgsApplication.platform() == "desktop":
        return 0
    cores = len(os.sched_getaffinity(0))
    return min(cores, MAX_WORKERS) if cores > 1 else 0


def _wkb(geometry: QgsGeometry) -> bytes:
    return b"" if geometry.isNull() else bytes(geometry.asWkb())


def _geometry(wkb: bytes) -> QgsGeometry:
    geometry = QgsGeometry()
    if wkb:
        geometry.fromWkb(wkb)
    return geometry


def _search_and_draw(work: _Work, nodes: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, list[bytes]]]:
    """Each of ``nodes``' reverse search within the last limit and its polygons as WKB."""
    out = []
    for reach in iter_reach(work.graph, nodes, work.limits[-1], reverse=True):
        polygons = catchment_polygons(work.points, reach.nodes, reach.costs, work.limits)
        out.append((reach.nodes, reach.costs, [_wkb(polygon) for polygon in polygons]))
    return out


def _serve(work: _Work, batches: list[np.ndarray], connection: Connection) -> None:
    """In a worker: search and draw each batch in turn and send its results (or what went wrong)."""
    try:
        for nodes in batches:
            connection.send(_search_and_draw(work, nodes))
    except Exception as error:
        connection.send(f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _received(connection: Connection) -> list[tuple[np.ndarray, np.ndarray, list[bytes]]]:
    """A worker's next batch; CatchmentWorkerError when it failed or stopped."""
    try:
        results = connection.recv()
    except EOFError as error:
        raise CatchmentWorkerError(
            "A worker process drawing the catchments stopped before it finished (out of memory?): close other "
            "programs, or run fewer facilities at a time."
        ) from error
    if isinstance(results, str):
        raise CatchmentWorkerError(f"A worker process drawing the catchments failed: {results}")
    return results


def _in_order(pipes: list[Connection], count: int) -> Iterator[list[tuple[np.ndarray, np.ndarray, list[bytes]]]]:
    """The ``count`` batches in order, worker k having sent batches k, k + workers, ...: each batch is read as soon
    as it is sent (a worker waits for its batch to be read before it starts the next), and held until its turn."""
    workers = len(pipes)
    received = [0] * workers
    held: dict[int, list[tuple[np.ndarray, np.ndarray, list[bytes]]]] = {}
    for number in range(count):
        while number not in held:
            expecting = [pipe for k, pipe in enumerate(pipes) if k + workers * received[k] < count]
            for pipe in wait(expecting):
                k = pipes.index(pipe)  # type: ignore[arg-type]
                held[k + workers * received[k]] = _received(pipe)  # type: ignore[arg-type]
                received[k] += 1
        yield held.pop(number)


def reach_and_draw(
    graph: RoadGraph, nodes: np.ndarray, points: RoadPoints, limits: Sequence[float]
) -> Iterator[tuple[Reach, list[QgsGeometry]]]:
    """Each facility node's reverse search within the last of ``limits`` (graph units) and its road buffers
    within each limit, in the order of ``nodes``: in worker processes when :func:`worker_count` allows."""
    nodes = np.asarray(nodes, dtype=np.int64)
    workers = worker_count(len(nodes))
    if workers == 0:
        for reach in iter_reach(graph, nodes, limits[-1], reverse=True):
            yield reach, catchment_polygons(points, reach.nodes, reach.costs, limits)
        return
    _ = graph.matrix_reversed  # built before forking, so that no worker builds it again
    work = _Work(graph, points, tuple(limits))
    batches = [nodes[start : start + BATCH] for start in range(0, len(nodes), BATCH)]
    workers = min(workers, len(batches))
    context = get_context("fork")
    pipes: list[Connection] = []
    processes = []
    try:
        for number in range(workers):  # worker k takes batches k, k + workers, ...
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(work, batches[number::workers], send), daemon=True)
            process.start()
            send.close()  # the worker holds the sending end now: its end of file is ours to see
            pipes.append(receive)
            processes.append(process)
        for batch, results in zip(batches, _in_order(pipes, len(batches))):
            for node, (reached, costs, wkbs) in zip(batch, results):
                yield Reach(int(node), reached, costs), [_geometry(wkb) for wkb in wkbs]
    finally:  # also when the caller stops early (cancelled)
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()
