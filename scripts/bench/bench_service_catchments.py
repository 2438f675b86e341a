"""Is ``lis:servicecatchments`` far faster than QGIS's own service areas, and does it scale?

The issue's benchmark: 200 facilities on a network of at least 150,000 directed edges, the
full ``lis:servicecatchments`` run against ``native:serviceareafromlayer`` (fastest route,
speed field, one-way streets, a 10-minute service area). Goals: cold graph (empty cache)
at least 10x faster than native, cached graph at least 50x faster; and at scale (1,000,000
directed edges, 2,000 facilities, lis only) under 60 s and under 4 GB peak memory.

The network is synthetic and built in a temporary folder: a jittered grid of streets (100 m
blocks, EPSG:27700), each street split into line features ("ways") of four blocks through every
crossing, so ways meet at shared vertices as OpenStreetMap ways do; a ``speed_kph`` field (30, 48
or 64 km/h) and a ``oneway`` field (``yes`` on about one street in eight, else ``no``). Facilities
are random points.

Every timed run is a fresh QGIS process, so its peak resident memory (``ru_maxrss``) is its own.
The lis runs get an empty QGIS profile folder: the graph cache (``core/network/graph_cache.py``:
``<QGIS settings dir>/lis_cache``) is then empty for the cold run and filled for the cached run.
The lis side is also measured with only the core functions the algorithm is built on (graph
from the cache or built, snap, one bounded reverse search per facility: ``road_network`` /
``graph_cache`` / ``network_search``, no catchment polygons written), to show where the time
goes; if ``lis:servicecatchments`` is not registered, only these run, and the report says so.

Notes: QGIS 3.22's ``TRAVEL_COST2`` is in hours for the fastest strategy (10 min = 1/6). Native
runs one unbounded Dijkstra per facility and is run once; lis runs RUNS times (best time kept).
A run still going after ``--timeout`` seconds (default 900) is stopped and reported unfinished.

Missing a goal is reported (FAIL), not an error: the exit code is 0, and 1 only if a run crashes.

Run from the repository root: ``make bench`` or
``.venv/bin/python scripts/bench/bench_service_catchments.py`` (``--quick`` for a smaller network
while developing; ``--skip-native`` / ``--skip-scale`` to leave a part out; ``--method filled`` to time the
filled travel-time areas too, with their ratios to native in the same run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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
WAY_BLOCKS = 4  # blocks per line feature: streets are split into ways that meet at shared vertices
BAND_MINUTES = 10.0
SEED = 2026
RUNS = 2
TIMEOUT_S = 900.0  # a run still going after this is stopped and reported as not finished
COLD_GOAL = 10.0
CACHED_GOAL = 50.0
SCALE_SECONDS_GOAL = 60.0
SCALE_MB_GOAL = 4096.0
# (streets each way, facilities): about 2 * n * (n - 1) * (2 - oneway share) directed edges.
BASE = (205, 200)  # ~152,000 directed edges
SCALE = (520, 2000)  # ~1,015,000 directed edges
QUICK = (60, 30)


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


def build_inputs(folder: Path, streets: int, facilities: int) -> tuple[Path, Path, int]:
    """Write the street grid and the facility points; returns (network gpkg, facilities gpkg, directed edges)."""
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
            for first in range(0, n - 1, WAY_BLOCKS):  # one way (feature) per WAY_BLOCKS blocks, as OSM ways
                last = min(first + WAY_BLOCKS, n - 1)
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


def lis_parameters(
    algorithm: Any,
    network: str,
    facilities: str,
    out: Path,
    profile: str | None,
    nearest: bool = False,
    method: str = "network",
) -> dict[str, Any]:
    """The parameters of a network catchment run (``method``: "network" road buffers or "filled" areas):
    10 min driving time, speed field; outputs into ``out``.

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
        "BANDS": f"{BAND_MINUTES:g}",
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
    network = f"{args.network}|layername=roads"
    facilities = f"{args.facilities}|layername=facilities"
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())  # the network algorithms crash without a project
    feedback = QgsProcessingFeedback()
    info: dict[str, Any] = {}
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
                "TRAVEL_COST2": BAND_MINUTES / 60.0,  # hours
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
        params = lis_parameters(algorithm, network, facilities, out, args.profile, nearest, method)
        processing.run(LIS_ALGORITHM, params, context=context, feedback=feedback)
        shape = ", filled areas" if method == "filled" else ""
        info["what"] = f"{LIS_ALGORITHM} (full run{shape}{', nearest-facility catchments' if nearest else ''})"
    else:
        from qgis.core import QgsVectorLayer

        from lis_qgis_plugin.core.network.graph_cache import default_cache_dir, load_or_build
        from lis_qgis_plugin.core.network.network_search import reach_within
        from lis_qgis_plugin.core.network.road_network import TravelMode, points_from_layer

        mode = TravelMode(kind="drive", cost="time", speed_field="speed_kph")
        graph, from_cache = load_or_build(network, mode, cache_dir=default_cache_dir())
        built = time.perf_counter()
        points = points_from_layer(QgsVectorLayer(facilities, "facilities", "ogr"), graph.crs_authid)
        snapped = graph.snap(points)
        placed = time.perf_counter()
        reaches = reach_within(snapped.graph, snapped.nodes, BAND_MINUTES * 60.0, reverse=True)
        info["snap_seconds"] = placed - built
        info["search_seconds"] = time.perf_counter() - placed
        info["what"] = "core: load_or_build + snap + reach_within (no polygons written)"
        info["graph_seconds"] = built - started
        info["from_cache"] = from_cache
        info["reader"] = graph.info.get("reader")  # "arrow" (GDAL's columns) or "qgis" (feature by feature)
        info["edges"] = graph.edge_count
        info["nodes_reached_mean"] = float(sum(len(r.nodes) for r in reaches) / max(len(reaches), 1))
    info.setdefault("seconds", time.perf_counter() - started)
    info["peak_mb"] = peak_mb()
    info["startup_mb"] = startup
    print(json.dumps(info), flush=True)
    # QGIS 3.22 can crash while tearing down after the network algorithms; the numbers are out, so skip it.
    del app
    os._exit(0)


# --- parent: run children, report ------------------------------------------------------------


def run_child(
    which: str, network: Path, facilities: Path, out: Path, profile: Path | None, timeout: float
) -> dict[str, Any]:
    """One timed run in a fresh process; a run that takes longer than ``timeout`` seconds is stopped."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", which, "--network", str(network)]
    command += ["--facilities", str(facilities), "--out", str(out)]
    if profile is not None:
        command += ["--profile", str(profile)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if profile is not None:
        env["QGIS_CUSTOM_CONFIG_PATH"] = str(profile)  # a profile of its own: <profile>/profiles/default
    try:
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "seconds": timeout, "what": which}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{which} run failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def build_in_child(folder: Path, streets: int, facilities: int) -> tuple[Path, Path, int]:
    """Write the inputs in a separate process; returns (network gpkg, facilities gpkg, directed edges)."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--build", str(folder), "--streets", str(streets)]
    command += ["--count", str(facilities)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"building the inputs failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    built = json.loads(lines[-1])
    return Path(built["network"]), Path(built["facilities"]), int(built["edges"])


def row(label: str, result: dict[str, Any]) -> str:
    if result.get("timeout"):
        return f"  {label:<25} did not finish within {result['seconds']:.0f} s (stopped)"
    if result.get("skipped"):
        return f"  {label:<25} not run (the cold run did not finish)"
    extra = f", {result['output_features']:,} service areas written" if "output_features" in result else ""
    if "graph_seconds" in result:
        extra = (
            f", graph {result['graph_seconds']:.2f} s ({'cache' if result['from_cache'] else 'built'}"
            f"{', read by ' + result['reader'] if result.get('reader') and not result['from_cache'] else ''}), "
            f"snap {result['snap_seconds']:.2f} s, searches {result['search_seconds']:.2f} s"
        )
    return (
        f"  {label:<25} {result['seconds']:9.2f} s   peak {result['peak_mb']:8.1f} MB "
        f"(start-up {result['startup_mb']:6.1f} MB){extra}   [{result['what']}]"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def lis_runs(
    kind: str, network: Path, facilities: Path, out: Path, runs: int, timeout: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Best cold run (fresh empty profile each time) and best cached run (profile filled by a cold run)."""
    cold, cached = [], []
    for run in range(runs):
        profile = out / f"{kind}_profile_{run}"
        shutil.rmtree(profile, ignore_errors=True)
        cold.append(run_child(f"{kind}_cold", network, facilities, out, profile, timeout))
        if cold[-1].get("timeout"):
            return cold[-1], {"skipped": True, "seconds": cold[-1]["seconds"], "what": f"{kind}_cached"}
        cached.append(run_child(f"{kind}_cached", network, facilities, out, profile, timeout))
        graph_cache = profile / "profiles" / "default" / "lis_cache"  # the default cache in the run's own profile
        if not list(graph_cache.glob("*.npz")):
            print(f"  note: no graph was cached in {graph_cache}: the cached run may have rebuilt it")
    return min(cold, key=lambda r: r["seconds"]), min(cached, key=lambda r: r["seconds"])


def compare(native: dict[str, Any], cold: dict[str, Any], cached: dict[str, Any]) -> None:
    """The two speed-up ratios and their verdicts."""
    for label, result, goal in (("cold", cold, COLD_GOAL), ("cached", cached, CACHED_GOAL)):
        if result.get("timeout") or result.get("skipped") or native.get("timeout"):
            print(f"  {label + ':':<7} a run did not finish: no ratio   goal >= {goal:g}x   FAIL")
            continue
        ratio = native["seconds"] / result["seconds"]
        print(f"  {label + ':':<7} native / lis = {ratio:8.2f}x   goal >= {goal:g}x   {verdict(ratio >= goal)}")


def filled_areas(
    network: Path, facilities: Path, runs_dir: Path, timeout: float, native: dict[str, Any] | None
) -> None:
    """The filled travel-time areas (METHOD "filled"), overlapping and nearest-facility, and their ratios to
    native's service areas in this same run (their goals are the road buffers'; they draw more)."""
    print("\nFilled travel-time areas (METHOD filled, 50 m cells, walk up to 400 m):")
    for kind, label in (("lisfilled", "overlapping"), ("lisfillednearest", "nearest")):
        cold, cached = lis_runs(kind, network, facilities, runs_dir, 1, timeout)
        print(row(f"filled {label}, cold", cold))
        print(row(f"filled {label}, cached", cached))
        if native is not None:
            print(f"  filled {label} areas against native:")
            compare(native, cold, cached)


def benchmark(args: argparse.Namespace) -> int:
    base = QUICK if args.quick else BASE
    with tempfile.TemporaryDirectory(prefix="lis-bench-catchments-") as temp:
        folder = Path(temp)
        # Built in child processes: a parent that had loaded QGIS would pass its own peak memory on to
        # every timed child (Linux keeps ru_maxrss across fork and exec).
        started = time.perf_counter()
        network, facilities, edges = build_in_child(folder / "base", *base)
        print(
            f"Network: {base[0]} x {base[0]} jittered street grid, ~{edges:,} directed edges "
            f"(written in {time.perf_counter() - started:.1f} s); {base[1]} facilities; band {BAND_MINUTES:g} min."
        )
        scale_inputs = None
        if args.scale_only or (not args.skip_scale and not args.quick):
            started = time.perf_counter()
            scale_inputs = build_in_child(folder / "scale", *SCALE)
            print(
                f"Scale network: {SCALE[0]} x {SCALE[0]} grid, ~{scale_inputs[2]:,} directed edges "
                f"(written in {time.perf_counter() - started:.1f} s); {SCALE[1]} facilities."
            )

        full = True
        if not args.scale_only:
            runs_dir = folder / "base" / "runs"
            cold, cached = lis_runs("lis", network, facilities, runs_dir, RUNS, args.timeout)
            full = cold["what"].startswith(LIS_ALGORITHM) or bool(cold.get("timeout"))
            print(f"\nlis side: {'the full ' + LIS_ALGORITHM + ' run' if full else cold['what']}")
            if not full:
                print(f"  ({LIS_ALGORITHM} is not registered in the provider yet: core functions timed instead)")
            print(row("lis, cold graph", cold))
            print(row("lis, cached graph", cached))
            core = None
            if full:  # the same work without Processing and polygons, to show where the time goes
                core = lis_runs("core", network, facilities, runs_dir, 1, args.timeout)
                print(row("core, cold graph", core[0]))
                print(row("core, cached graph", core[1]))
            nearest = lis_runs("lisnearest", network, facilities, runs_dir, 1, args.timeout)
            print(row("lis nearest, cold graph", nearest[0]))
            print(row("lis nearest, cached graph", nearest[1]))
            if not args.skip_native:
                native = run_child("native", network, facilities, runs_dir, None, args.timeout)
                print(row("native", native))
                compare(native, cold, cached)
                if core is not None:
                    print("  core functions only (search, no polygons):")
                    compare(native, *core)
                print("  nearest-facility (non-overlapping) catchments, one search for all facilities:")
                compare(native, *nearest)
            if args.method == "filled":
                filled_areas(network, facilities, runs_dir, args.timeout, None if args.skip_native else native)
            else:
                print("  native run skipped (--skip-native)")
        if scale_inputs is not None:
            scale_runs = folder / "scale" / "runs"
            print(f"\nScale ({scale_inputs[2]:,} edges, {SCALE[1]:,} facilities), cold graph:")
            kinds = ["lis", "core"] if full else ["lis"]
            for kind in kinds:
                result = run_child(
                    f"{kind}_cold", *scale_inputs[:2], scale_runs, scale_runs / f"{kind}_profile", args.timeout
                )
                print(row(f"{kind}, cold graph", result))
                ok = not result.get("timeout") and result["seconds"] < SCALE_SECONDS_GOAL
                ok = ok and result["peak_mb"] < SCALE_MB_GOAL
                what = "core functions only, no polygons written" if kind == "core" or not full else LIS_ALGORITHM
                print(f"  goal < {SCALE_SECONDS_GOAL:g} s and < {SCALE_MB_GOAL:g} MB: {verdict(ok)} ({what})")
        else:
            print("\nScale run skipped" + (" (--quick)" if args.quick else " (--skip-scale)"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--child",
        choices=[
            "native",
            "lis_cold",
            "lis_cached",
            "core_cold",
            "core_cached",
            "lisnearest_cold",
            "lisnearest_cached",
            "lisfilled_cold",
            "lisfilled_cached",
            "lisfillednearest_cold",
            "lisfillednearest_cached",
        ],
    )
    parser.add_argument(
        "--method",
        choices=["network", "filled"],
        default="network",
        help="filled: also time the filled travel-time areas (overlapping and nearest) against native",
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds before a run is stopped")
    parser.add_argument("--network")
    parser.add_argument("--facilities")
    parser.add_argument("--out")
    parser.add_argument("--profile")
    parser.add_argument("--scale-only", action="store_true", help="only the 1,000,000-edge scale run")
    parser.add_argument("--quick", action="store_true", help="a small network, to try the script")
    parser.add_argument("--skip-native", action="store_true", help="leave out the (slow) native run")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the 1,000,000-edge run")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--streets", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        app = start_qgis()
        network, facilities, edges = build_inputs(Path(args.build), args.streets, args.count)
        print(json.dumps({"network": str(network), "facilities": str(facilities), "edges": edges}), flush=True)
        del app
        os._exit(0)
    if args.child:
        return child(args)
    try:
        return benchmark(args)
    except RuntimeError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
