"""Keep built road graphs on disk so a network is read and assembled once, not at every run.

A graph is stored as one ``.npz`` file named by a hash of everything that shapes it: the
source file (path and layer name), its modification time and size, the travel mode, the CRS,
the node tolerance and :data:`~.road_network.GRAPH_VERSION`. Editing the file, changing a
setting (such as the car speeds, part of the mode) or upgrading the graph code therefore misses
the cache and rebuilds. Layers that are
not files (memory layers, databases) are always built, never cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from qgis.core import QgsApplication, QgsFeedback, QgsProviderRegistry, QgsVectorLayer

from .road_network import (
    DEFAULT_TOLERANCE_M,
    GRAPH_VERSION,
    NetworkError,
    RoadGraph,
    Source,
    TravelMode,
    build_graph,
    open_road_layer,
)

CACHE_FOLDER_NAME = "lis_cache"


def default_cache_dir() -> Path:
    """``<QGIS profile>/lis_cache``: where graphs go when the caller names no folder (the user's is passed in)."""
    return Path(QgsApplication.qgisSettingsDirPath()) / CACHE_FOLDER_NAME


def source_identity(layer: QgsVectorLayer) -> dict[str, object] | None:
    """Path, layer name, mtime and size of a file-based layer; None when it is not a file."""
    if layer.providerType() != "ogr":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = Path(str(parts.get("path") or ""))
    if not path.is_file():
        return None
    stat = path.stat()
    return {
        "path": str(path.resolve()),
        "layer": str(parts.get("layerName") or parts.get("layerId") or ""),
        "mtime_ns": stat.st_mtime_ns,
        "size": stat.st_size,
        "subset": layer.subsetString(),
    }


def cache_key(
    identity: dict[str, object], mode: TravelMode, crs: str | None, tolerance_m: float, layer_name: str | None
) -> str:
    """Hex digest naming the cache file of a graph built with these settings."""
    text = json.dumps(
        {
            "source": identity,
            "layer_name": layer_name,
            "mode": mode.key(),
            "crs": crs,
            "tolerance_m": tolerance_m,
            "version": GRAPH_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cache_path(folder: Path, key: str) -> Path:
    """The ``.npz`` file of a key."""
    return folder / f"roadgraph_{key}.npz"


def save_graph(graph: RoadGraph, path: Path) -> None:
    """Write ``graph`` to ``path`` atomically (a partial file never has the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".roadgraph_", suffix=".npz", dir=path.parent)
    os.close(handle)
    try:
        np.savez(temp, **graph.to_arrays())
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def load_graph(path: Path) -> RoadGraph:
    """The graph stored at ``path`` (NetworkError if unreadable)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return RoadGraph.from_arrays({name: data[name] for name in data.files})
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise NetworkError(f"The cached road graph {path} cannot be read: {error}") from error


def load_or_build(
    source: Source,
    mode: TravelMode | None = None,
    *,
    layer_name: str | None = None,
    crs: str | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    cache_dir: Path | str | None = None,
    feedback: QgsFeedback | None = None,
) -> tuple[RoadGraph, bool]:
    """The graph of ``source`` for ``mode`` from the cache if it is there and current, else built (and stored).

    Returns ``(graph, from_cache)``. Arguments as :func:`~.road_network.build_graph`; ``cache_dir``
    defaults to :func:`default_cache_dir`. A damaged cache file is rebuilt; a cache folder that cannot
    be written only means the next call builds again.
    """
    mode = mode or TravelMode()
    layer = open_road_layer(source, layer_name)
    identity = source_identity(layer)
    if identity is None:
        return build_graph(layer, mode, crs=crs, tolerance_m=tolerance_m, feedback=feedback), False
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = cache_path(folder, cache_key(identity, mode, crs, tolerance_m, layer_name))
    if path.is_file():
        try:
            graph = load_graph(path)
        except NetworkError as error:
            if feedback is not None:
                feedback.pushWarning(f"{error}; building it again.")
        else:
            if feedback is not None:
                feedback.pushInfo(f"Road network read from the cache {path}.")
            return graph, True
    graph = build_graph(layer, mode, crs=crs, tolerance_m=tolerance_m, feedback=feedback)
    try:
        save_graph(graph, path)
    except OSError as error:
        if feedback is not None:
            feedback.pushWarning(f"Could not cache the road network in {folder}: {error}")
    return graph, False


def graph_line(graph: RoadGraph, from_cache: bool) -> str:
    """The log line that describes a graph and where it came from."""
    return graph.summary() + (" (read from the cache)" if from_cache else " (built and cached)")
