"""Is ``lis:joinindicators`` as fast as QGIS's own join, at England scale, within 1 GB?

Joins the whole-England IoD2019 File 1 (32,844 LSOAs) onto a synthetic grid of 32,844
100 m squares (EPSG:27700) that carries the real LSOA 2011 codes in a shuffled order, so
a join that relies on row order cannot pass. The same join is timed with
``native:joinattributestable`` (one-to-one, the CSV opened as a delimited-text layer)
and with ``lis:joinindicators``, which also validates codes, headers and numbers.

Every run is a fresh QGIS process (Processing and the ``lis`` provider loaded the same
way for both), so its peak resident memory (``ru_maxrss``) belongs to that one join. Each
algorithm runs RUNS times; the best time counts. Both outputs are checked to hold every
boundary and the right IMD rank for every matched code, so a broken join cannot look fast.

Goals (from the issue): ratio lis / native <= 1.0, and peak memory under 1024 MB. Missing
a goal is reported, not an error: the exit code is 0. It is non-zero if a run fails (1),
or if ``lis:joinindicators`` is not registered in the provider (2).

The input data stays outside the repository (``../shared/data/real/england``); the script
decompresses it and builds the grid in a temporary directory that it removes afterwards.

Run from the repository root: ``make bench`` or
``.venv/bin/python scripts/bench/bench_join_indicators.py``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
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

DATA_DIR = REPO.parent / "shared" / "data" / "real" / "england"
FILE_1 = DATA_DIR / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
CODE_COLUMN = "LSOA code (2011)"
NAME_COLUMN = "LSOA name (2011)"
RANK_COLUMN = "Index of Multiple Deprivation (IMD) Rank"
EXPECTED_ROWS = 32_844

GRID_CODE_FIELD = "LSOA11CD"
GRID_NAME_FIELD = "LSOA11NM"
GRID_COLUMNS = 182  # 182 x 181 cells, the last row partly filled
CELL_METRES = 100.0
GRID_ORIGIN = (400_000.0, 300_000.0)  # British National Grid, mid-England
SHUFFLE_SEED = 2019

RUNS = 2
RATIO_GOAL = 1.0
PEAK_MB_GOAL = 1024.0
LIS_ALGORITHM = "lis:joinindicators"
NATIVE_ALGORITHM = "native:joinattributestable"
EXIT_MISSING = 2


# --- parent: prepare inputs, run children, report ------------------------------------


def read_file_1(csv_path: Path) -> list[dict[str, str]]:
    """The File 1 rows as dicts (``utf-8-sig`` drops the byte-order mark from the first header)."""
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def decompress(source: Path, target: Path) -> Path:
    """Copy the gzipped CSV byte for byte (BOM included) to a plain file, as a user would have it."""
    with gzip.open(source, "rb") as packed, open(target, "wb") as plain:
        shutil.copyfileobj(packed, plain)
    return target


def build_grid(rows: list[dict[str, str]], gpkg_path: Path) -> Path:
    """Write one 100 m square per File 1 row, codes shuffled deterministically, to a GeoPackage.

    Written with QgsVectorFileWriter in this (parent) process so the timed children only read it.
    """
    from qgis.core import (
        Qgis,
        QgsApplication,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsField,
        QgsFields,
        QgsGeometry,
        QgsRectangle,
        QgsVectorFileWriter,
    )
    from qgis.PyQt.QtCore import QMetaType

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], False)
    app.initQgis()
    shuffled = [(row[CODE_COLUMN], row[NAME_COLUMN]) for row in rows]
    random.Random(SHUFFLE_SEED).shuffle(shuffled)
    fields = QgsFields()
    fields.append(QgsField(GRID_CODE_FIELD, QMetaType.Type.QString, len=9))
    fields.append(QgsField(GRID_NAME_FIELD, QMetaType.Type.QString))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "grid"
    options.fileEncoding = "UTF-8"
    writer = QgsVectorFileWriter.create(
        str(gpkg_path),
        fields,
        Qgis.WkbType.Polygon,
        QgsCoordinateReferenceSystem("EPSG:27700"),
        QgsCoordinateTransformContext(),
        options,
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(f"Cannot create {gpkg_path}: {writer.errorMessage()}")
    x0, y0 = GRID_ORIGIN
    features = []
    for index, (code, name) in enumerate(shuffled):
        row, column = divmod(index, GRID_COLUMNS)
        x, y = x0 + column * CELL_METRES, y0 + row * CELL_METRES
        feature = QgsFeature(fields)
        feature.setAttributes([code, name])
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(x, y, x + CELL_METRES, y + CELL_METRES)))
        features.append(feature)
    if not writer.addFeatures(features):
        raise OSError(f"Cannot write the grid to {gpkg_path}: {writer.errorMessage()}")
    del writer  # flushes and closes the GeoPackage
    app.exitQgis()
    return gpkg_path


def run_child(which: str, grid: Path, table: Path, out_dir: Path) -> dict[str, Any]:
    """Run one join in a fresh QGIS process and return what it measured."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", which, "--grid", str(grid), "--table", str(table)]
    command += ["--out", str(out_dir / f"{which}.gpkg")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    if child.returncode == EXIT_MISSING:
        return {"missing": True}
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{which} run failed ({child.returncode}):\n{child.stdout}\n{child.stderr}")
    return json.loads(lines[-1])


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best time, worst peak memory: the goals are judged favourably on speed, strictly on memory."""
    best = dict(min(runs, key=lambda run: run["seconds"]))
    best["peak_mb"] = max(run["peak_mb"] for run in runs)
    best["all_seconds"] = [run["seconds"] for run in runs]
    return best


def describe(label: str, result: dict[str, Any]) -> str:
    """One table row."""
    times = ", ".join(f"{seconds:.2f}" for seconds in result["all_seconds"])
    return (
        f"  {label:<28} {result['seconds']:8.2f} s   ({times})   peak {result['peak_mb']:7.1f} MB"
        f"   (after start-up {result['startup_mb']:6.1f} MB)   {result['features']:>6} features,"
        f" {result['matched']:>6} matched"
    )


def check_output(label: str, result: dict[str, Any]) -> list[str]:
    """Problems that would make the timing meaningless: missing boundaries or wrong values."""
    problems = []
    if result["features"] != EXPECTED_ROWS:
        problems.append(f"{label} output has {result['features']} features, expected {EXPECTED_ROWS}")
    if result["matched"] != EXPECTED_ROWS:
        problems.append(f"{label} output has the right IMD rank on {result['matched']} of {EXPECTED_ROWS} features")
    reported = result["reported_matches"]
    if reported is not None and reported != result["matched"]:
        problems.append(f"{label} reports {reported} matches but {result['matched']} features have the right rank")
    return problems


def main() -> int:
    """Run the benchmark; a failed run is reported in one line plus the child's output, exit code 1."""
    try:
        return benchmark()
    except RuntimeError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1


def benchmark() -> int:
    """Prepare the inputs, time both joins RUNS times each in fresh processes, print the comparison."""
    if not FILE_1.exists():
        print(f"FAIL: input data not found: {FILE_1}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="lis-bench-join-") as temp:
        work = Path(temp)
        table = decompress(FILE_1, work / FILE_1.name[: -len(".gz")])
        rows = read_file_1(table)
        if len(rows) != EXPECTED_ROWS:
            print(f"FAIL: {FILE_1.name} has {len(rows)} rows, expected {EXPECTED_ROWS}", file=sys.stderr)
            return 1
        grid = build_grid(rows, work / "grid.gpkg")
        print(f"{EXPECTED_ROWS} IoD2019 File 1 rows joined onto {EXPECTED_ROWS} grid squares; best of {RUNS} runs,")
        print("each in a fresh QGIS process (time excludes QGIS start-up, peak memory is the whole process):")

        native = best_of([run_child("native", grid, table, work / f"native-{i}") for i in range(RUNS)])
        print(describe(f"{NATIVE_ALGORITHM}", native))
        lis_runs = [run_child("lis", grid, table, work / f"lis-{i}") for i in range(RUNS)]
        if any(run.get("missing") for run in lis_runs):
            print(f"  {LIS_ALGORITHM:<28} MISSING: the algorithm is not registered in the lis provider yet.")
            print(f"FAIL: cannot compare: {LIS_ALGORITHM} is missing.", file=sys.stderr)
            return EXIT_MISSING
        lis = best_of(lis_runs)
        print(describe(f"{LIS_ALGORITHM}", lis))

        ratio = lis["seconds"] / native["seconds"]
        print(f"  ratio lis / native: {ratio:.2f}")
        print(f"{'PASS' if ratio <= RATIO_GOAL else 'FAIL'} goal: ratio <= {RATIO_GOAL:.1f} ({ratio:.2f})")
        verdict = "PASS" if lis["peak_mb"] < PEAK_MB_GOAL else "FAIL"
        peaks = f"lis {lis['peak_mb']:.1f} MB, native {native['peak_mb']:.1f} MB"
        print(f"{verdict} peak memory < {PEAK_MB_GOAL:.0f} MB ({peaks})")

        problems = check_output("native", native) + check_output("lis", lis)
        if native["matched"] != lis["matched"]:
            problems.append(f"matched counts differ: native {native['matched']}, lis {lis['matched']}")
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        return 1 if problems else 0


# --- child: one timed join in a fresh QGIS ---------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_matches(output: str, grid_fields: set[str], ranks: dict[str, str]) -> tuple[int, int]:
    """Features in ``output``, and how many carry their code's IMD rank in a joined field.

    Checked by value, not by field name, so it applies to any output schema: a rank of
    "29,199" in the CSV matches 29199 or "29,199" in the output.
    """
    from qgis.core import Qgis, QgsFeatureRequest, QgsVectorLayer

    layer = QgsVectorLayer(output, "output", "ogr")
    if not layer.isValid():
        raise RuntimeError(f"cannot open the output {output}")
    names = layer.fields().names()
    if GRID_CODE_FIELD not in names:
        raise RuntimeError(f"the output {output} lost the boundary field {GRID_CODE_FIELD}: {names}")
    code_index = names.index(GRID_CODE_FIELD)
    joined = [i for i, name in enumerate(names) if name not in grid_fields and name.lower() != "fid"]
    request = QgsFeatureRequest().setFlags(Qgis.FeatureRequestFlag.NoGeometry)
    features = matched = 0
    for feature in layer.getFeatures(request):
        features += 1
        attributes = feature.attributes()
        rank = ranks.get(attributes[code_index])
        if rank is not None and any(str(attributes[i]).replace(",", "") == rank for i in joined):
            matched += 1
    return features, matched


def child(which: str, grid: Path, table: Path, out: Path) -> int:
    """Start QGIS with Processing and the lis provider, time one join, print a JSON line."""
    from qgis.core import QgsApplication, QgsProcessingFeedback, QgsVectorLayer

    from lis_qgis_plugin.headless import start_qgis_with_lis

    app = start_qgis_with_lis()
    import processing

    if which == "lis" and QgsApplication.processingRegistry().algorithmById(LIS_ALGORITHM) is None:
        print(json.dumps({"missing": LIS_ALGORITHM}))
        return EXIT_MISSING
    startup_mb = peak_rss_mb()
    feedback = QgsProcessingFeedback()
    start = time.perf_counter()
    if which == "native":
        # Opening the CSV is part of the work: lis:joinindicators reads it from its path too.
        uri = f"{table.as_uri()}?type=csv&delimiter=,&detectTypes=yes&geomType=none"
        csv_layer = QgsVectorLayer(uri, "file_1", "delimitedtext")
        if not csv_layer.isValid() or CODE_COLUMN not in csv_layer.fields().names():
            raise RuntimeError(f"QGIS cannot read {table} as delimited text with a '{CODE_COLUMN}' column")
        params = {
            "INPUT": str(grid),
            "FIELD": GRID_CODE_FIELD,
            "INPUT_2": csv_layer,
            "FIELD_2": CODE_COLUMN,
            "METHOD": 1,  # one-to-one: the first match only
            "DISCARD_NONMATCHING": False,
            "OUTPUT": str(out),
        }
        result = processing.run(NATIVE_ALGORITHM, params, feedback=feedback)
    else:
        params = {
            "BOUNDARIES": str(grid),
            "BOUNDARY_CODE_FIELD": GRID_CODE_FIELD,
            "TABLE": str(table),
            "OUTPUT": str(out),
        }
        result = processing.run(LIS_ALGORITHM, params, feedback=feedback)
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()

    ranks = {row[CODE_COLUMN]: row[RANK_COLUMN].replace(",", "") for row in read_file_1(table)}
    features, matched = count_matches(str(result["OUTPUT"]), {GRID_CODE_FIELD, GRID_NAME_FIELD}, ranks)
    report = {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "startup_mb": startup_mb,
        "features": features,
        "matched": matched,
        "reported_matches": result.get("JOINED_COUNT", result.get("MATCHED")),  # native, lis
    }
    print(json.dumps(report))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("native", "lis"), help="internal: run one timed join")
    parser.add_argument("--grid", type=Path)
    parser.add_argument("--table", type=Path)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.child:
        sys.exit(child(arguments.child, arguments.grid, arguments.table, arguments.out))
    sys.exit(main())
