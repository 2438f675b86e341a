"""Is ``lis:locateservices`` fast enough on a big problem? 2,000 demand points x 200 candidates.

The issue's benchmark: on a road network of at least 150,000 directed edges, the cost matrix
(bounded multi-source searches on the graph) plus the solve in under 30 s. The network and the
200 candidate sites are the street grid of ``bench_service_catchments.py``; the 2,000 demand
points are random, each with a population and a deprivation decile. Each objective runs in a fresh
QGIS process: p-median (P=5, solved exactly) and maximal covering (P=5 within 10 minutes), first
with an empty graph cache (cold), then with the graph cached.

Run from the repository root: ``make bench`` or ``.venv/bin/python scripts/bench/bench_locate_services.py``
(``--quick`` for a small network while developing). Missing the goal is reported, not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_service_catchments as catchments  # noqa: E402 - the sibling benchmark, found through the line above

ALGORITHM = "lis:locateservices"
DEMAND_POINTS = 2000
CANDIDATES = 200
P = 5
MAX_MINUTES = 10.0
GOAL_S = 30.0
QUICK = (60, 40, 300)  # streets, candidates, demand points


def write_demand(path: Path, streets: int, count: int) -> Path:
    """Random demand points over the grid, with a population and a national decile."""
    import numpy as np

    from lis_qgis_plugin.core.io.gpkg_writer import FeatureTable, write_tables

    rng = np.random.default_rng(catchments.SEED + 1)
    span = (streets - 1) * catchments.BLOCK_M
    xy = rng.uniform(0, span, (count, 2)) + np.array(catchments.ORIGIN)
    rows = [
        {"demand_id": f"D{i + 1}", "population": int(rng.integers(800, 2500)), "imd_decile": int(rng.integers(1, 11))}
        for i in range(count)
    ]
    wkb = [bytes.fromhex("0101000000") + np.array([x, y], "<f8").tobytes() for x, y in xy]
    table = FeatureTable("demand", [("demand_id", str), ("population", int), ("imd_decile", int)], rows, "Point", wkb)
    return write_tables(path, [table])


def child(args: argparse.Namespace) -> int:
    """One timed run in this fresh process; prints one JSON line."""
    app = catchments.start_qgis()
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    plugins_dir = str(Path(app.pkgDataPath()) / "python" / "plugins")
    if plugins_dir not in sys.path:
        sys.path.append(plugins_dir)
    from processing.core.Processing import Processing

    Processing.initialize()
    from lis_qgis_plugin import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    objective = {"pmedian": 0, "mclp": 1}[args.child]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    params = {
        "DEMAND": f"{args.demand}|layername=demand",
        "WEIGHT_FIELD": "population",
        "NEED_FIELD": "imd_decile",
        "CANDIDATES": f"{args.candidates}|layername=facilities",
        "CANDIDATE_ID_FIELD": "name",
        "NETWORK": f"{args.network}|layername=roads",
        "SPEED_FIELD": "speed_kph",
        "OBJECTIVE": objective,
        "P": P,
        "MAX_COST": MAX_MINUTES,
        "OUTPUT": str(out / "sites.gpkg"),
        "ASSIGNMENT": str(out / "assignment.gpkg"),
        "SUMMARY": str(out / "summary.gpkg"),
    }
    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM)
    if algorithm is None:
        raise RuntimeError(f"{ALGORITHM} is not registered")
    names = {definition.name() for definition in algorithm.parameterDefinitions()}
    cache = next((name for name in names if "CACHE" in name.upper()), None)
    if cache:
        params[cache] = str(Path(args.profile) / "profiles" / "default" / "lis_cache")
    feedback = QgsProcessingFeedback()
    started = time.perf_counter()
    chosen = {key: value for key, value in params.items() if key in names}
    result = processing.run(ALGORITHM, chosen, context=context, feedback=feedback)
    seconds = time.perf_counter() - started
    info = {"seconds": seconds, "peak_mb": catchments.peak_mb(), "outputs": sorted(result)}
    print(json.dumps(info), flush=True)
    del app
    os._exit(0)


def run(objective: str, network: Path, candidates: Path, demand: Path, out: Path, profile: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", objective, "--network", str(network)]
    command += ["--candidates", str(candidates), "--demand", str(demand), "--out", str(out), "--profile", str(profile)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(profile)}  # its own profile
    done = subprocess.run(command, env=env, cwd=catchments.REPO, capture_output=True, text=True, timeout=600)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{objective} run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def benchmark(quick: bool) -> int:
    streets, candidates, demand_count = QUICK if quick else (catchments.BASE[0], CANDIDATES, DEMAND_POINTS)
    with tempfile.TemporaryDirectory(prefix="lis-bench-locate-") as temp:
        folder = Path(temp)
        network, sites, edges = catchments.build_in_child(folder / "inputs", streets, candidates)
        demand = folder / "inputs" / "demand.gpkg"
        command = [sys.executable, __file__, "--write-demand", str(demand), "--streets", str(streets)]
        command += ["--count", str(demand_count)]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run(command, env=env, cwd=catchments.REPO, check=True, capture_output=True)
        print(
            f"Network: {streets} x {streets} street grid, ~{edges:,} directed edges; {candidates} candidate sites; "
            f"{demand_count:,} demand points; P = {P}; coverage standard {MAX_MINUTES:g} min."
        )
        for objective in ("pmedian", "mclp"):
            profile = folder / f"profile_{objective}"
            shutil.rmtree(profile, ignore_errors=True)
            for kind in ("cold graph", "cached graph"):
                result = run(objective, network, sites, demand, folder / f"out_{objective}_{kind[:4]}", profile)
                ok = result["seconds"] < GOAL_S
                print(
                    f"  {objective:<8} {kind:<13} {result['seconds']:7.2f} s   peak {result['peak_mb']:7.1f} MB   "
                    f"goal < {GOAL_S:g} s: {'PASS' if ok else 'FAIL'}"
                )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small network, to try the script")
    parser.add_argument("--child", choices=["pmedian", "mclp"])
    parser.add_argument("--network")
    parser.add_argument("--candidates")
    parser.add_argument("--demand")
    parser.add_argument("--out")
    parser.add_argument("--profile")
    parser.add_argument("--write-demand")
    parser.add_argument("--streets", type=int)
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    if args.write_demand:
        app = catchments.start_qgis()
        sys.path.insert(0, str(catchments.REPO))
        write_demand(Path(args.write_demand), args.streets, args.count)
        del app
        os._exit(0)
    if args.child:
        return child(args)
    try:
        return benchmark(args.quick)
    except RuntimeError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
