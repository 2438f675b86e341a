"""How much the LIS plugin adds to QGIS start-up, measured in fresh processes.

Each run starts a new headless QGIS (``QgsApplication([], False)`` + ``initQgis()``) and
times what QGIS and qgis_process do to load the plugin: ``classFactory(None)`` then
``initProcessing()``. For scale, other fresh processes time QGIS's own Processing
framework start (``Processing.initialize()``). Heavy libraries must load only when a tool
runs, so the script fails (exit code 1) if any of them is imported at start-up.

Run from the repository root: ``.venv/bin/python scripts/bench/bench_plugin_load.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import TypedDict

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

RUNS = 5
HEAVY_MODULES = ("pandas", "scipy", "shapely", "openpyxl")

_START_QGIS = """
import json, sys, time
sys.path.insert(0, {repo!r})
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
already = set(sys.modules)  # QGIS 3.38+ imports shapely itself at start-up: count only what the load adds
start = time.perf_counter()
"""
_REPORT = """
elapsed_ms = (time.perf_counter() - start) * 1000
print(json.dumps({{"ms": elapsed_ms, "heavy": [m for m in {heavy!r} if m in sys.modules and m not in already]}}))
app.exitQgis()
"""
LIS_LOAD = """
from lis_qgis_plugin import classFactory
p = classFactory(None)
p.initProcessing()
"""
PROCESSING_LOAD = """
sys.path.append(QgsApplication.pkgDataPath() + "/python/plugins")
from processing.core.Processing import Processing
Processing.initialize()
"""


class LoadRun(TypedDict):
    """One start-up timed in a fresh process."""

    ms: float
    #: The heavy modules the start-up imported.
    heavy: list[str]


def time_in_fresh_process(load_code: str) -> LoadRun:
    """Run ``load_code`` once in a new headless QGIS; return its duration (ms) and the heavy modules loaded."""
    code = _START_QGIS.format(repo=str(REPO)) + load_code + _REPORT.format(heavy=HEAVY_MODULES)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({child.returncode}):\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> int:
    """Time both start-ups RUNS times each, print medians and the ratio; exit 1 if LIS loaded heavy modules."""
    lis_runs = [time_in_fresh_process(LIS_LOAD) for _ in range(RUNS)]
    processing_runs = [time_in_fresh_process(PROCESSING_LOAD) for _ in range(RUNS)]
    lis_ms = statistics.median(run["ms"] for run in lis_runs)
    processing_ms = statistics.median(run["ms"] for run in processing_runs)
    heavy = sorted({module for run in lis_runs for module in run["heavy"]})
    print(f"Fresh headless QGIS processes, median of {RUNS} runs each:")
    print(f"  LIS plugin: classFactory(None) + initProcessing()  {lis_ms:8.1f} ms")
    print(f"  QGIS Processing.initialize() (for comparison)      {processing_ms:8.1f} ms")
    print(f"  ratio LIS / Processing                             {lis_ms / processing_ms:8.2f}")
    print(f"  heavy modules imported by LIS start-up: {', '.join(heavy) if heavy else 'none'}")
    if heavy:
        print(f"FAIL: {', '.join(heavy)} must load only when a tool runs, not at plugin start-up.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
