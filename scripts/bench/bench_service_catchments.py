"""Is ``lis:servicecatchments`` many times faster than QGIS's own service areas, and does it scale?

Issue 18's speed goals, all measured in one run of this script against ``native:serviceareafromlayer``
(fastest route, speed field, one-way streets), each ratio = native seconds / lis seconds:

==========================================================================  ================================
bench                                                                        goal
==========================================================================  ================================
grid (205 x 205 streets, ways of four blocks, 200 sites, 10 min), cold        >= 8x, and within 25% of the
                                                                             floor set by the searches alone
grid, cached graph                                                           >= 8x
one-edge grid (179,400 one-block line features, 200 sites, 3 min), cold      >= 10x
nearest-facility catchments on the grid, cached graph                        >= 30x
scale (520 x 520 grid, ~1,000,000 directed edges, 2,000 sites), lis only:    < 60 s and < 4 GB peak memory
road buffers, filled nearest-facility areas, filled overlapping areas
==========================================================================  ================================

Each side is timed as the whole algorithm run that ``qgis_process`` makes, in a fresh process of its
own: ``processing.run`` with file inputs and GeoPackage outputs (reading the network, building or
loading the graph, snapping, searches, polygons, writing, styling). QGIS's own start-up, the same
for both sides, is printed apart ("process" seconds) and not in the ratios.

The floor: the searches the run cannot avoid, timed alone in a core-only child on the same graph:
one bounded reverse search per facility (scipy's Dijkstra, ``network_search.iter_reach``, stopped at
the band) plus the one multi-source search that finds every node's nearest facility
(``nearest_sources``). scipy's Dijkstra holds the GIL, so on one process nothing else runs while it
runs: a full run within 25% of the floor spends at most a quarter of the searches' time on everything
else (reading, snapping, polygons, writing) that is not overlapped with them.

The networks are synthetic and built in a temporary folder: a jittered grid of streets (100 m
blocks, EPSG:27700) with a ``speed_kph`` field (30, 48 or 64 km/h) and a ``oneway`` field (``yes`` on
about one street in eight). On the grid each street is split into line features ("ways") of four
blocks through every crossing, as OpenStreetMap ways meet at shared vertices; on the one-edge grid
every block edge is its own feature (300 x 300 streets: 179,400 features), which makes reading the
features the cost to beat. Facilities are random points.

Every timed run is a fresh process, so its peak resident memory (``ru_maxrss``) is its own. The road
buffers are searched and drawn in worker processes forked from the run (``core/access/catchment_workers.py``):
the memory checked against the goal is the run's peak plus its largest worker's, which counts the graph
they share twice (an overestimate). The lis
runs get an empty QGIS profile folder: the graph cache (``<QGIS settings dir>/lis_cache``) is then empty
for the cold run and filled for the cached run. Native runs one unbounded Dijkstra per facility and
is run once per network; lis runs RUNS times (best time kept). A run still going after ``--timeout``
seconds (default 900; the scale runs: ``SCALE_TIMEOUT_S``) is stopped and reported unfinished.
``--cprofile-dir DIR`` writes each lis run's cProfile statistics there, and a missed goal is printed
with the top entries of its run's profile (where the time goes). cProfile sees the run's own process:
the searches and road buffers done in worker processes show as its time "waiting for the worker
processes" (``--cprofile`` in a core-only child or ``catchment_workers.MIN_FACILITIES`` raised shows them).

A missed goal is reported (FAIL), not an error: the exit code is 0, and 1 only if a run crashes.

Run from the repository root: ``make bench`` or
``.venv/bin/python scripts/bench/bench_service_catchments.py`` (``--quick``: small networks, for
trying changes; ``--skip-native`` / ``--skip-scale`` to leave a part out; ``--method filled`` to time
the filled travel-time areas on the grid too).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

LIS_ALGORITHM = "lis:servicecatchments"
NATIVE_ALGORITHM = "native:serviceareafromlayer"
CRS = "EPSG:27700"
ORIGIN = (400_000.0, 300_000.0)
BLOCK_M = 100.0
SPEEDS_KPH = (30.0, 48.0, 64.0)
ONEWAY_SHARE = 0.125
SEED = 2026
RUNS = 2
TIMEOUT_S = 900.0  # a run still going after this is stopped and reported as not finished
SCALE_TIMEOUT_S = 150.0  # the scale runs' goal is 60 s: past two and a half times that, stop and report
SCALE_SECONDS_GOAL = 60.0
SCALE_MB_GOAL = 4096.0
FLOOR_MARGIN = 1.25  # the cold grid run within 25% of the floor set by its searches
PROFILE_LINES = 14  # top entries of a missed goal's profile


@dataclass(frozen=True)
class Bench:
    """One synthetic network and its facilities: ``streets`` each way (about 2 * n * (n - 1) * (2 - oneway
    share) directed edges), ``way_blocks`` blocks per line feature, the band in minutes."""

    name: str
    streets: int
    facilities: int
    way_blocks: int
    band_minutes: float

    def describe(self) -> str:
        features = 2 * self.streets * math.ceil((self.streets - 1) / self.way_blocks)
        return (
            f"{self.streets} x {self.streets} street grid, {features:,} line features of {self.way_blocks} "
            f"block{'s' if self.way_blocks > 1 else ''}, {self.facilities:,} facilities, band {self.band_minutes:g} min"
        )


GRID = Bench("grid", 205, 200, 4, 10.0)  # ~158,000 directed edges
ONE_EDGE = Bench("one-edge", 300, 200, 1, 3.0)  # 179,400 features, ~336,000 directed edges
SCALE = Bench("scale", 520, 2000, 4, 10.0)  # ~1,015,000 directed edges
QUICK_GRID = Bench("grid", 60, 30, 4, 10.0)
QUICK_ONE_EDGE = Bench("one-edge", 60, 30, 1, 3.0)
QUICK_SCALE = Bench("scale", 60, 30, 4, 10.0)
BASE = (GRID.streets, GRID.facilities)  # the grid as (streets, facilities), for bench_locate_services.py


# --- parent: inputs -----------------------------------------------------------------------


def start_qgis() -> Any:
    """A headless QgsApplication; its profile is QGIS_CUSTOM_CONFIG_PATH's when set (see run_child).

    QGIS 3.40 does not take a profile folder given to the QgsApplication constructor from Python
    (its settings path then points elsewhere), but it does take the environment variable."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    return app


def build_inputs(folder: Path, streets: int, facilities: int, way_blocks: int) -> tuple[Path, Path, int]:
    """Write the street grid (line features of ``way_blocks`` blocks) and the facility points; returns
    (network gpkg, facilities gpkg, directed edges)."""
    import numpy as np
    from qgis.core import (
        Qgis,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsField,
        QgsFields,
        QgsGeometry,
        QgsLineString,
        QgsPoint,
        QgsVectorFileWriter,
    )
    from qgis.PyQt.QtCore import QMetaType

    rng = np.random.default_rng(SEED)
    n = streets
    gx = ORIGIN[0] + np.arange(n) * BLOCK_M + rng.uniform(-20, 20, (n, n))
    gy = ORIGIN[1] + np.arange(n)[:, None] * BLOCK_M + rng.uniform(-20, 20, (n, n))

    def writer_for(path: Path, name: str, kind: int, fields: QgsFields) -> QgsVectorFileWriter:
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = name
        writer = QgsVectorFileWriter.create(
            str(path),
            fields,
            kind,
            QgsCoordinateReferenceSystem("EPSG:27700"),
            QgsCoordinateTransformContext(),
            options,
        )
        if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
            raise RuntimeError(f"Cannot create {path}: {writer.errorMessage()}")
        return writer

    fields = QgsFields()
    fields.append(QgsField("street", QMetaType.Type.QString))
    fields.append(QgsField("speed_kph", QMetaType.Type.Double))
    fields.append(QgsField("oneway", QMetaType.Type.QString))
    network = folder / "grid_roads.gpkg"
    writer = writer_for(network, "roads", Qgis.WkbType.LineString, fields)
    features = []
    edges = 0
    for axis in ("row", "col"):
        for k in range(n):
            xs, ys = (gx[k], gy[k]) if axis == "row" else (gx[:, k], gy[:, k])
            oneway = rng.random() < ONEWAY_SHARE
            speed = float(rng.choice(SPEEDS_KPH))
            for first in range(0, n - 1, way_blocks):  # one way (feature) per way_blocks blocks, as OSM ways
                last = min(first + way_blocks, n - 1)
                feature = QgsFeature(fields)
                feature.setAttributes([f"{axis} {k}", speed, "yes" if oneway else "no"])
                points = [QgsPoint(float(x), float(y)) for x, y in zip(xs[first : last + 1], ys[first : last + 1])]
                feature.setGeometry(QgsGeometry(QgsLineString(points)))
                features.append(feature)
            edges += (n - 1) * (1 if oneway else 2)
    if not writer.addFeatures(features):
        raise RuntimeError(f"Cannot write {network}: {writer.errorMessage()}")
    del writer

    pfields = QgsFields()
    pfields.append(QgsField("name", QMetaType.Type.QString))
    facility_path = folder / "facilities.gpkg"
    writer = writer_for(facility_path, "facilities", Qgis.WkbType.Point, pfields)
    span = (n - 1) * BLOCK_M
    xy = np.column_stack([rng.uniform(0, span, facilities) + ORIGIN[0], rng.uniform(0, span, facilities) + ORIGIN[1]])
    out = []
    for i, (x, y) in enumerate(xy):
        feature = QgsFeature(pfields)
        feature.setAttributes([f"facility {i + 1}"])
        feature.setGeometry(QgsGeometry(QgsPoint(float(x), float(y))))
        out.append(feature)
    if not writer.addFeatures(out):
        raise RuntimeError(f"Cannot write {facility_path}: {writer.errorMessage()}")
    del writer
    return network, facility_path, edges


# --- children: one timed run each ---------------------------------------------------------


def peak_mb() -> float:
    """Peak resident memory of this process (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def workers_peak_mb() -> float:
    """Peak resident memory of the largest child process this one has waited for (the run's workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def lis_parameters(
    algorithm: Any,
    network: str,
    facilities: str,
    out: Path,
    profile: str | None,
    nearest: bool = False,
    method: str = "network",
    band_minutes: float = 10.0,
) -> dict[str, Any]:
    """The parameters of a network catchment run (``method``: "network" road buffers or "filled" areas):
    driving time within ``band_minutes``, speed field; outputs into ``out``.

    Enum choices are found by their words (network, time, drive), any cache-folder parameter points into
    the run's profile, and the catchments and every required output are written as GeoPackages.
    """
    from qgis.core import Qgis

    optional = Qgis.ProcessingParameterFlag.Optional
    out.mkdir(parents=True, exist_ok=True)
    wanted = {"METHOD": method, "COST": "time", "MODE": "drive", "OVERLAP": "nearest" if nearest else "overlapping"}
    params: dict[str, Any] = {
        "FACILITIES": facilities,
        "NETWORK": network,
        "SPEED_FIELD": "speed_kph",
        "BANDS": f"{band_minutes:g}",
    }
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        if name in wanted:
            options = [str(option).lower() for option in definition.options()]
            params[name] = next((i for i, text in enumerate(options) if wanted[name] in text), 0)
        elif "CACHE" in name.upper() and profile:
            params[name] = str(Path(profile) / "profiles" / "default" / "lis_cache")
        elif definition.isDestination() and (name == "CATCHMENTS" or not definition.flags() & optional):
            params[name] = str(out / f"{name.lower()}.gpkg")
    names = {definition.name() for definition in algorithm.parameterDefinitions()}
    return {key: value for key, value in params.items() if key in names}


def child(args: argparse.Namespace) -> int:
    """One run in this fresh process; prints one JSON line."""
    app = start_qgis()
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    plugins_dir = str(Path(app.pkgDataPath()) / "python" / "plugins")  # where Processing lives
    if plugins_dir not in sys.path:
        sys.path.append(plugins_dir)
    from processing.core.Processing import Processing

    Processing.initialize()
    from lis_qgis_plugin import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()  # as qgis_process loads it
    profile_dir = Path(args.profile) / "profiles" / "default" if args.profile else None
    if profile_dir and Path(QgsApplication.qgisSettingsDirPath()).resolve() != profile_dir.resolve():
        raise RuntimeError(f"QGIS did not take the profile folder {args.profile}")
    startup = peak_mb()
    started_children = workers_peak_mb()  # processes QGIS ran while starting, not the run's workers
    network = f"{args.network}|layername=roads"
    facilities = f"{args.facilities}|layername=facilities"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())  # the network algorithms crash without a project
    feedback = QgsProcessingFeedback()
    info: dict[str, Any] = {}
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    if args.child == "native":
        import processing

        result = processing.run(
            NATIVE_ALGORITHM,
            {
                "INPUT": network,
                "STRATEGY": 1,
                "DIRECTION_FIELD": "oneway",
                "VALUE_FORWARD": "yes",
                "VALUE_BACKWARD": "-1",
                "VALUE_BOTH": "no",
                "DEFAULT_DIRECTION": 2,
                "SPEED_FIELD": "speed_kph",
                "DEFAULT_SPEED": 50,
                "TOLERANCE": 0,
                "START_POINTS": facilities,
                "TRAVEL_COST2": args.band / 60.0,  # hours
                "INCLUDE_BOUNDS": False,
                "OUTPUT_LINES": str(Path(args.out) / "native_lines.gpkg"),
            },
            context=context,
            feedback=feedback,
        )
        info["seconds"] = time.perf_counter() - started
        from qgis.core import QgsVectorLayer

        lines = QgsVectorLayer(str(result.get("OUTPUT_LINES")), "lines", "ogr")
        info["output_features"] = lines.featureCount() if lines.isValid() else -1
        info["what"] = NATIVE_ALGORITHM
    elif args.child.startswith("lis") and QgsApplication.processingRegistry().algorithmById(LIS_ALGORITHM):
        import processing

        algorithm = QgsApplication.processingRegistry().algorithmById(LIS_ALGORITHM)
        nearest = "nearest" in args.child
        method = "filled" if "filled" in args.child else "network"
        out = Path(args.out) / args.child
        params = lis_parameters(algorithm, network, facilities, out, args.profile, nearest, method, args.band)
        processing.run(LIS_ALGORITHM, params, context=context, feedback=feedback)
        shape = ", filled areas" if method == "filled" else ""
        info["what"] = f"{LIS_ALGORITHM} (full run{shape}{', nearest-facility catchments' if nearest else ''})"
    else:
        from qgis.core import QgsVectorLayer

        from lis_qgis_plugin.core.network.graph_cache import default_cache_dir, load_or_build
        from lis_qgis_plugin.core.network.network_search import iter_reach, nearest_sources
        from lis_qgis_plugin.core.network.road_network import TravelMode, points_from_layer

        mode = TravelMode(kind="drive", cost="time", speed_field="speed_kph")
        graph, from_cache = load_or_build(network, mode, cache_dir=default_cache_dir())
        built = time.perf_counter()
        points = points_from_layer(QgsVectorLayer(facilities, "facilities", "ogr"), graph.crs_authid)
        snapped = graph.snap(points, main_only=True)  # as the full run places the facilities
        _ = snapped.graph.matrix_reversed  # built once per run, as in the full run: not part of the searches
        placed = time.perf_counter()
        # the searches the full run makes: one multi-source search, then one bounded search per facility
        nearest_sources(snapped.graph, snapped.nodes, reverse=True)
        reached = [len(reach.nodes) for reach in iter_reach(snapped.graph, snapped.nodes, args.band * 60.0, True)]
        info["snap_seconds"] = placed - built
        info["search_seconds"] = time.perf_counter() - placed
        info["what"] = "core: load_or_build + snap + the searches (no polygons written)"
        info["graph_seconds"] = built - started
        info["from_cache"] = from_cache
        info["reader"] = graph.info.get("reader")  # "arrow" (GDAL's columns) or "qgis" (feature by feature)
        info["edges"] = graph.edge_count
        info["nodes_reached_mean"] = float(sum(reached) / max(len(reached), 1))
    info.setdefault("seconds", time.perf_counter() - started)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    info["peak_mb"] = peak_mb()
    info["workers_peak_mb"] = workers_peak_mb() if workers_peak_mb() > started_children else 0.0
    info["startup_mb"] = startup
    print(json.dumps(info), flush=True)
    # QGIS 3.22 can crash while tearing down after the network algorithms; the numbers are out, so skip it.
    del app
    os._exit(0)


# --- parent: run children, report ------------------------------------------------------------


def run_child(
    which: str, bench: Bench, inputs: tuple[Path, Path], out: Path, profile: Path | None, options: argparse.Namespace
) -> dict[str, Any]:
    """One timed run in a fresh process; a run that takes longer than the timeout is stopped.

    The result also holds "process": the child's whole wall time, QGIS's start-up included."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", which, "--network", str(inputs[0])]
    command += ["--facilities", str(inputs[1]), "--out", str(out), "--band", str(bench.band_minutes)]
    timeout = SCALE_TIMEOUT_S if bench.name == "scale" and not options.quick else options.timeout
    if profile is not None:
        command += ["--profile", str(profile)]
    stats = None
    if options.cprofile_dir and which != "native":
        stats = Path(options.cprofile_dir) / f"{bench.name}_{which}.prof"
        stats.parent.mkdir(parents=True, exist_ok=True)
        command += ["--cprofile", str(stats)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if profile is not None:
        env["QGIS_CUSTOM_CONFIG_PATH"] = str(profile)  # a profile of its own: <profile>/profiles/default
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "seconds": timeout, "what": which}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{which} run failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["process"] = time.perf_counter() - started
    if stats is not None:
        result["cprofile"] = str(stats)
    return result


def build_in_child(folder: Path, streets: int, facilities: int, way_blocks: int = 4) -> tuple[Path, Path, int]:
    """Write the inputs in a separate process; returns (network gpkg, facilities gpkg, directed edges).

    (``bench_locate_services.py`` builds its candidate sites' grid with it too.)"""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--build", str(folder), "--streets", str(streets)]
    command += ["--count", str(facilities), "--way-blocks", str(way_blocks)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"building the inputs failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    built = json.loads(lines[-1])
    return Path(built["network"]), Path(built["facilities"]), int(built["edges"])


def build_bench(folder: Path, bench: Bench) -> tuple[Path, Path]:
    """A bench's inputs, written in a separate process and described; returns (network gpkg, facilities gpkg)."""
    started = time.perf_counter()
    network, facilities, edges = build_in_child(folder, bench.streets, bench.facilities, bench.way_blocks)
    print(
        f"{bench.name}: {bench.describe()}; ~{edges:,} directed edges "
        f"(written in {time.perf_counter() - started:.1f} s).",
        flush=True,
    )
    return network, facilities


def finished(result: dict[str, Any] | None) -> bool:
    return result is not None and not result.get("timeout") and not result.get("skipped")


def row(label: str, result: dict[str, Any]) -> str:
    if result.get("timeout"):
        return f"  {label:<28} did not finish within {result['seconds']:.0f} s (stopped)"
    if result.get("skipped"):
        return f"  {label:<28} not run (the cold run did not finish)"
    extra = f", {result['output_features']:,} service areas written" if "output_features" in result else ""
    if "graph_seconds" in result:
        extra = (
            f", graph {result['graph_seconds']:.2f} s ({'cache' if result['from_cache'] else 'built'}"
            f"{', read by ' + result['reader'] if result.get('reader') and not result['from_cache'] else ''}), "
            f"snap {result['snap_seconds']:.2f} s, searches {result['search_seconds']:.2f} s"
        )
    if result.get("workers_peak_mb"):
        extra = f", largest worker {result['workers_peak_mb']:.0f} MB{extra}"
    return (
        f"  {label:<28} {result['seconds']:8.2f} s (process {result['process']:6.2f} s)   peak "
        f"{result['peak_mb']:7.1f} MB (start-up {result['startup_mb']:5.1f} MB){extra}   [{result['what']}]"
    )


def lis_runs(
    kind: str, bench: Bench, inputs: tuple[Path, Path], out: Path, runs: int, options: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Best cold run (fresh empty profile each time) and best cached run (profile filled by a cold run)."""
    cold, cached = [], []
    for run in range(runs):
        profile = out / f"{kind}_profile_{run}"
        shutil.rmtree(profile, ignore_errors=True)
        cold.append(run_child(f"{kind}_cold", bench, inputs, out, profile, options))
        if cold[-1].get("timeout"):
            return cold[-1], {"skipped": True, "seconds": cold[-1]["seconds"], "what": f"{kind}_cached"}
        cached.append(run_child(f"{kind}_cached", bench, inputs, out, profile, options))
        graph_cache = profile / "profiles" / "default" / "lis_cache"  # the default cache in the run's own profile
        if not list(graph_cache.glob("*.npz")):
            print(f"  note: no graph was cached in {graph_cache}: the cached run may have rebuilt it")
    return min(cold, key=lambda r: r["seconds"]), min(cached, key=lambda r: r["seconds"])


@dataclass
class Goal:
    """One line of the verdict table."""

    bench: str
    native: dict[str, Any] | None
    lis: dict[str, Any] | None
    goal: str
    ok: bool | None  # None: not measured in this run
    ratio: str = ""

    def line(self) -> str:
        native = f"{self.native['seconds']:8.2f}" if self.native and finished(self.native) else f"{'-':>8}"
        lis = f"{self.lis['seconds']:8.2f}" if self.lis and finished(self.lis) else f"{'-':>8}"
        verdict = "not run" if self.ok is None else ("PASS" if self.ok else "FAIL")
        return f"  {self.bench:<46} {native} {lis} {self.ratio:>9}  {self.goal:<28} {verdict}"


def ratio_goal(bench: str, native: dict[str, Any] | None, lis: dict[str, Any] | None, goal: float) -> Goal:
    """native seconds / lis seconds against ``goal`` (x)."""
    if not finished(native) or not finished(lis):
        return Goal(bench, native, lis, f">= {goal:g}x", None if native is None or lis is None else False)
    assert native is not None and lis is not None
    ratio = native["seconds"] / lis["seconds"]
    return Goal(bench, native, lis, f">= {goal:g}x", ratio >= goal, f"{ratio:.1f}x")


def scale_goal(bench: str, lis: dict[str, Any]) -> Goal:
    """Under 60 s and under 4 GB peak memory."""
    goal = f"< {SCALE_SECONDS_GOAL:g} s, < {SCALE_MB_GOAL / 1024:g} GB"
    if not finished(lis):
        return Goal(bench, None, lis, goal, False)
    memory = lis["peak_mb"] + lis.get("workers_peak_mb", 0.0)
    ok = lis["seconds"] < SCALE_SECONDS_GOAL and memory < SCALE_MB_GOAL
    return Goal(bench, None, lis, goal, ok, f"{memory:,.0f} MB")


#: Functions that wrap the whole run (Processing and the algorithm's shell): left out of the profiles shown.
WRAPPERS = frozenset({"run", "runAlgorithm", "execute", "processAlgorithm", "process", "service_catchments"})
#: Names for C functions whose own name says little.
C_NAMES = {
    "<method 'acquire' of '_thread.lock' objects>": "waiting for a thread (lock)",
    "<built-in method posix.read>": "waiting for the worker processes' searches and polygons (pipe)",
    "<method 'poll' of 'select.poll' objects>": "waiting for the worker processes' searches and polygons (poll)",
}


def profile_top(path: str, lines: int = PROFILE_LINES) -> list[str]:
    """The plugin's stages and the C calls that take the most time in a cProfile file (cumulative seconds)."""
    import pstats

    stats = pstats.Stats(path)
    rows = []
    for (filename, line, function), (_, calls, own, total, _) in stats.stats.items():  # type: ignore[attr-defined]
        if function in WRAPPERS:
            continue
        if "/lis_qgis_plugin/" in filename:
            name = f"{filename.split('/lis_qgis_plugin/')[-1]}:{line}({function})"
        elif filename == "~" and own > 0.02 * total:  # a C function (scipy's Dijkstra, GDAL, numpy, a lock)
            name = C_NAMES.get(function, function)
        else:
            continue
        rows.append((total, own, calls, name))
    rows.sort(reverse=True)
    return [
        f"    {total:7.2f} s total {own:7.2f} s own {calls:6d} calls  {name}"
        for total, own, calls, name in rows[:lines]
    ]


def grid_benches(
    bench: Bench, folder: Path, options: argparse.Namespace, goals: list[Goal]
) -> dict[str, dict[str, Any]]:
    """The grid's runs: lis cold and cached, the core-only floor, nearest-facility, native (and filled areas)."""
    inputs = build_bench(folder, bench)
    runs = folder / "runs"
    out: dict[str, dict[str, Any]] = {}
    out["lis cold"], out["lis cached"] = lis_runs("lis", bench, inputs, runs, RUNS, options)
    core_cold, core_cached = lis_runs("core", bench, inputs, runs, 1, options)
    out["nearest cold"], out["nearest cached"] = lis_runs("lisnearest", bench, inputs, runs, RUNS, options)
    if options.method == "filled":
        out["filled cold"], out["filled cached"] = lis_runs("lisfilled", bench, inputs, runs, 1, options)
        out["filled nearest cold"], out["filled nearest cached"] = lis_runs(
            "lisfillednearest", bench, inputs, runs, 1, options
        )
    native = None if options.skip_native else run_child("native", bench, inputs, runs, None, options)
    print(f"\n{bench.name} ({bench.describe()}):")
    for label, result in out.items():
        print(row(label, result))
    print(row("core cold", core_cold))
    print(row("core cached", core_cached))
    if native is not None:
        print(row("native", native))
    floor = min((r["search_seconds"] for r in (core_cold, core_cached) if finished(r)), default=math.nan)
    print(f"  floor set by the searches alone: {floor:.2f} s (best of the core runs' searches)")
    goals.append(ratio_goal(f"{bench.name}, cold", native, out["lis cold"], 8.0))
    cold = out["lis cold"]
    if finished(cold) and math.isfinite(floor):
        over = cold["seconds"] / floor
        goals.append(
            Goal(
                f"{bench.name}, cold, against the floor ({floor:.2f} s)",
                None,
                cold,
                f"<= {FLOOR_MARGIN:g} x floor",
                over <= FLOOR_MARGIN,
                f"{over:.2f} x",
            )
        )
    goals.append(ratio_goal(f"{bench.name}, cached", native, out["lis cached"], 8.0))
    goals.append(ratio_goal(f"{bench.name}, nearest-facility, cached", native, out["nearest cached"], 30.0))
    if options.method == "filled":
        for label in ("filled cold", "filled cached", "filled nearest cold", "filled nearest cached"):
            goals.append(ratio_goal(f"{bench.name}, {label} (no goal of its own)", native, out[label], 1.0))
    return out


def one_edge_bench(bench: Bench, folder: Path, options: argparse.Namespace, goals: list[Goal]) -> None:
    """The one-edge grid: the whole cold run against native."""
    inputs = build_bench(folder, bench)
    runs = folder / "runs"
    cold, cached = lis_runs("lis", bench, inputs, runs, RUNS, options)
    core_cold, _ = lis_runs("core", bench, inputs, runs, 1, options)
    native = None if options.skip_native else run_child("native", bench, inputs, runs, None, options)
    print(f"\n{bench.name} ({bench.describe()}):")
    print(row("lis cold", cold))
    print(row("lis cached", cached))
    print(row("core cold", core_cold))
    if native is not None:
        print(row("native", native))
    goals.append(ratio_goal(f"{bench.name} grid, cold", native, cold, 10.0))


def scale_bench(bench: Bench, folder: Path, options: argparse.Namespace, goals: list[Goal]) -> None:
    """The scale run, cold, lis only: road buffers, filled nearest-facility areas, filled overlapping areas."""
    inputs = build_bench(folder, bench)
    runs = folder / "runs"
    print(f"\n{bench.name} ({bench.describe()}), cold graph each time:")
    for kind, label in (
        ("lis", "road buffers"),
        ("lisfillednearest", "filled, nearest-facility"),
        ("lisfilled", "filled, overlapping"),
    ):
        profile = runs / f"{kind}_profile"
        shutil.rmtree(profile, ignore_errors=True)
        result = run_child(f"{kind}_cold", bench, inputs, runs, profile, options)
        print(row(label, result), flush=True)
        goals.append(scale_goal(f"{bench.name}, {label}, cold", result))


def benchmark(args: argparse.Namespace) -> int:
    grid, one_edge, scale = (QUICK_GRID, QUICK_ONE_EDGE, QUICK_SCALE) if args.quick else (GRID, ONE_EDGE, SCALE)
    goals: list[Goal] = []
    with tempfile.TemporaryDirectory(prefix="lis-bench-catchments-") as temp:
        # Inputs are built in child processes: a parent that had loaded QGIS would pass its own peak memory on
        # to every timed child (Linux keeps ru_maxrss across fork and exec).
        folder = Path(temp)
        if not args.scale_only:
            grid_benches(grid, folder / "grid", args, goals)
            one_edge_bench(one_edge, folder / "one_edge", args, goals)
        if args.scale_only or not args.skip_scale:
            scale_bench(scale, folder / "scale", args, goals)
        else:
            print("\nScale run skipped (--skip-scale)")
    print(f"\nGoals (seconds: the algorithm run; ratio = native / lis){' [--quick: small networks]' * args.quick}:")
    print(f"  {'bench':<46} {'native s':>8} {'lis s':>8} {'ratio':>9}  {'goal':<28} verdict")
    for goal in goals:
        print(goal.line())
    for goal in goals:
        if goal.ok is False and goal.lis is not None and goal.lis.get("cprofile"):
            print(f"\nWhere the time goes, {goal.bench} (cProfile, cumulative):")
            print("\n".join(profile_top(goal.lis["cprofile"])))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    kinds = ["lis", "core", "lisnearest", "lisfilled", "lisfillednearest"]
    parser.add_argument("--child", choices=["native"] + [f"{k}_{s}" for k in kinds for s in ("cold", "cached")])
    parser.add_argument(
        "--method",
        choices=["network", "filled"],
        default="network",
        help="filled: also time the filled travel-time areas (overlapping and nearest) on the grid",
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds before a run is stopped")
    parser.add_argument("--network")
    parser.add_argument("--facilities")
    parser.add_argument("--out")
    parser.add_argument("--profile")
    parser.add_argument("--band", type=float, default=10.0, help=argparse.SUPPRESS)
    parser.add_argument("--cprofile", help=argparse.SUPPRESS)
    parser.add_argument("--cprofile-dir", help="write each lis run's cProfile statistics into this folder")
    parser.add_argument("--scale-only", action="store_true", help="only the 1,000,000-edge scale runs")
    parser.add_argument("--quick", action="store_true", help="small networks, to try changes")
    parser.add_argument("--skip-native", action="store_true", help="leave out the (slow) native runs")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the 1,000,000-edge runs")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--streets", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--way-blocks", type=int, default=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        app = start_qgis()
        network, facilities, edges = build_inputs(Path(args.build), args.streets, args.count, args.way_blocks)
        print(json.dumps({"network": str(network), "facilities": str(facilities), "edges": edges}), flush=True)
        del app
        os._exit(0)
    if args.child:
        return child(args)
    if not args.cprofile_dir:  # a missed goal is printed with its profile: keep the profiles of this run
        args.cprofile_dir = tempfile.mkdtemp(prefix="lis-bench-profiles-")
    try:
        return benchmark(args)
    except RuntimeError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
