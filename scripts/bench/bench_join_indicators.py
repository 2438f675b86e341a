"""Is ``lis:joinindicators`` as fast as QGIS's own join, at England scale, within 1 GB? And the aggregation?

Two joins, each onto a synthetic grid of 100 m squares (EPSG:27700) carrying the real codes in a
shuffled order, so a join that relies on row order cannot pass (no England boundary file is in
the shared data; the work is the same for any polygons):

* the whole-England IoD2019 File 1 (32,844 LSOAs, LSOA 2011 codes, four indicator columns, ranks
  printed with thousands separators);
* the whole-England IoD2025 (33,755 LSOAs, LSOA 2021 codes, 24 indicator columns: ranks, deciles
  and scores of the IMD and its seven domains).

Each is timed with ``native:joinattributestable`` (one-to-one, the CSV opened as a delimited-text
layer) and with ``lis:joinindicators``, which also validates codes, headers and numbers. Then the
IoD2025 squares are aggregated to 1 km squares (361 targets): ``lis:aggregateindicators`` (each
small area to the target holding its point on surface, IMD score summed) against
``native:joinbylocationsummary`` (targets that contain the small area, sum). On this nested grid
both give every target the same sum, so the comparison is fair; both outputs are checked.

Every run is a fresh QGIS process (Processing and the ``lis`` provider loaded the same
way for both), so its peak resident memory (``VmHWM``) belongs to that one run. Each
algorithm runs RUNS times; the best time counts. Both join outputs are checked to hold every
boundary and the right IMD rank for every matched code, so a broken join cannot look fast.

Goals (from the issues): ratio native / lis >= 1.0 for each join, and peak memory under 1024 MB.
Missing a goal is reported, not an error: the exit code is 0. It is non-zero if a run fails (1),
or if an algorithm is not registered in the lis provider (2).

The input data stays outside the repository (``../shared/data/real/england``); the script
decompresses it and builds the grids in a temporary directory that it removes afterwards.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

DATA_DIR = REPO.parent / "shared" / "data" / "real" / "england"


@dataclass(frozen=True)
class JoinCase:
    """One England table, the grid squares that carry its codes, and where its IMD rank is."""

    key: str
    title: str
    table: Path
    code_column: str
    name_column: str | None
    rank_column: str
    rows: int
    grid_code_field: str
    grid_name_field: str
    seed: int


CASES = {
    case.key: case
    for case in (
        JoinCase(
            "file1",
            "IoD2019 File 1",
            DATA_DIR / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
            "LSOA code (2011)",
            "LSOA name (2011)",
            "Index of Multiple Deprivation (IMD) Rank",
            32_844,
            "LSOA11CD",
            "LSOA11NM",
            2019,
        ),
        JoinCase(
            "iod2025",
            "IoD2025",
            DATA_DIR / "IoD2025_imd2025_england_lsoa21.csv.gz",
            "lsoa21_code",
            None,
            "IMD_rank",
            33_755,
            "LSOA21CD",
            "LSOA21NM",
            2025,
        ),
    )
}
AGGREGATION_CASE = "iod2025"
SCORE_COLUMN = "IMD_score"  # of IoD2025: the value summed by the aggregation
TARGET_FIELD = "TARGET"
TARGET_METRES = 1000.0

CELL_METRES = 100.0  # the grids are square: 182 columns for File 1, 185 for IoD2025, the last row partly filled
GRID_ORIGIN = (400_000.0, 300_000.0)  # British National Grid, mid-England

RUNS = 2
RATIO_GOAL = 1.0
PEAK_MB_GOAL = 1024.0
LIS_ALGORITHM = "lis:joinindicators"
NATIVE_ALGORITHM = "native:joinattributestable"
LIS_AGGREGATION = "lis:aggregateindicators"
NATIVE_AGGREGATION = "native:joinbylocationsummary"
EXIT_MISSING = 2


# --- parent: prepare inputs, run children, report ------------------------------------


def read_rows(csv_path: Path) -> list[dict[str, str]]:
    """The table's rows as dicts (``utf-8-sig`` drops the byte-order mark from the first header)."""
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def decompress(source: Path, target: Path) -> Path:
    """Copy the gzipped CSV byte for byte (BOM included) to a plain file, as a user would have it."""
    with gzip.open(source, "rb") as packed, open(target, "wb") as plain:
        shutil.copyfileobj(packed, plain)
    return target


def square(index: int, columns: int, size: float) -> tuple[float, float, float, float]:
    """The ``index``-th square of a grid ``columns`` wide, filled row by row from GRID_ORIGIN."""
    row, column = divmod(index, columns)
    x, y = GRID_ORIGIN[0] + column * size, GRID_ORIGIN[1] + row * size
    return x, y, x + size, y + size


def write_polygons(gpkg_path: Path, layer: str, fields: list[tuple[str, Any]], rows: list[tuple[tuple, list]]) -> Path:
    """A GeoPackage layer of squares ((xmin, ymin, xmax, ymax), attributes) in EPSG:27700, written in this process."""
    from qgis.core import (
        Qgis,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsField,
        QgsFields,
        QgsGeometry,
        QgsRectangle,
        QgsVectorFileWriter,
    )

    qfields = QgsFields()
    for name, kind in fields:
        qfields.append(QgsField(name, kind))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer
    options.fileEncoding = "UTF-8"
    crs = QgsCoordinateReferenceSystem("EPSG:27700")
    writer = QgsVectorFileWriter.create(
        str(gpkg_path), qfields, Qgis.WkbType.Polygon, crs, QgsCoordinateTransformContext(), options
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(f"Cannot create {gpkg_path}: {writer.errorMessage()}")
    features = []
    for bounds, attributes in rows:
        feature = QgsFeature(qfields)
        feature.setAttributes(attributes)
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(*bounds)))
        features.append(feature)
    if not writer.addFeatures(features):
        raise OSError(f"Cannot write {gpkg_path}: {writer.errorMessage()}")
    del writer  # flushes and closes the GeoPackage
    return gpkg_path


def build_grid(case: JoinCase, rows: list[dict[str, str]], gpkg_path: Path) -> Path:
    """One 100 m square per table row, codes (and names) shuffled deterministically, to a GeoPackage."""
    from qgis.PyQt.QtCore import QMetaType

    shuffled = [(row[case.code_column], row[case.name_column] if case.name_column else "") for row in rows]
    random.Random(case.seed).shuffle(shuffled)
    columns = round(len(shuffled) ** 0.5) + 1
    squares = [(square(index, columns, CELL_METRES), [code, name]) for index, (code, name) in enumerate(shuffled)]
    text = QMetaType.Type.QString
    return write_polygons(gpkg_path, "grid", [(case.grid_code_field, text), (case.grid_name_field, text)], squares)


def build_aggregation_inputs(case: JoinCase, rows: list[dict[str, str]], folder: Path) -> tuple[Path, Path]:
    """The IoD2025 squares with their IMD score, and the 1 km squares they fall in (every small square in one)."""
    from qgis.PyQt.QtCore import QMetaType

    shuffled = [(row[case.code_column], float(row[SCORE_COLUMN])) for row in rows]
    random.Random(case.seed).shuffle(shuffled)
    columns = round(len(shuffled) ** 0.5) + 1
    squares = [(square(index, columns, CELL_METRES), [code, score]) for index, (code, score) in enumerate(shuffled)]
    fields = [(case.grid_code_field, QMetaType.Type.QString), (SCORE_COLUMN, QMetaType.Type.Double)]
    areas = write_polygons(folder / "areas.gpkg", "areas", fields, squares)
    per_side = int(TARGET_METRES / CELL_METRES)
    side = -(-columns // per_side)
    targets = [(square(index, side, TARGET_METRES), [f"T{index:04d}"]) for index in range(side * side)]
    return areas, write_polygons(folder / "targets.gpkg", "targets", [(TARGET_FIELD, QMetaType.Type.QString)], targets)


def run_child(which: str, inputs: list[str], out_dir: Path, script: str = __file__) -> dict[str, Any]:
    """Run one join or aggregation (``script --child which``: this benchmark's, or a sibling's) in a fresh QGIS
    process and return what it measured (its last line of output, JSON)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, script, "--child", which, *inputs, "--out", str(out_dir / f"{which}.gpkg")]
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


def describe(label: str, result: dict[str, Any], counts: str) -> str:
    """One table row."""
    times = ", ".join(f"{seconds:.2f}" for seconds in result["all_seconds"])
    return (
        f"  {label:<30} {result['seconds']:8.2f} s   ({times})   peak {result['peak_mb']:7.1f} MB"
        f"   (after start-up {result['startup_mb']:6.1f} MB)   {counts}"
    )


def check_join(label: str, result: dict[str, Any], expected: int) -> list[str]:
    """Problems that would make a join's timing meaningless: missing boundaries or wrong values."""
    problems = []
    if result["features"] != expected:
        problems.append(f"{label} output has {result['features']} features, expected {expected}")
    if result["matched"] != expected:
        problems.append(f"{label} output has the right IMD rank on {result['matched']} of {expected} features")
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


def time_pair(native: tuple[str, list[str]], lis: tuple[str, list[str]], work: Path) -> tuple[dict, dict] | None:
    """Both algorithms RUNS times each in fresh processes (native first): best runs, or None when lis is missing."""
    native_runs = [run_child(native[0], native[1], work / f"{native[0]}-{i}") for i in range(RUNS)]
    lis_runs = [run_child(lis[0], lis[1], work / f"{lis[0]}-{i}") for i in range(RUNS)]
    if any(run.get("missing") for run in lis_runs):
        return None
    return best_of(native_runs), best_of(lis_runs)


def report_ratio(native: dict[str, Any], lis: dict[str, Any]) -> None:
    """The ratio native / lis and the peak memory, each against its goal."""
    ratio = native["seconds"] / lis["seconds"]
    print(f"  ratio native / lis: {ratio:.2f}")
    print(f"  {'PASS' if ratio >= RATIO_GOAL else 'FAIL'} goal: ratio >= {RATIO_GOAL:.1f} ({ratio:.2f})")
    verdict = "PASS" if lis["peak_mb"] < PEAK_MB_GOAL else "FAIL"
    peaks = f"lis {lis['peak_mb']:.1f} MB, native {native['peak_mb']:.1f} MB"
    print(f"  {verdict} peak memory < {PEAK_MB_GOAL:.0f} MB ({peaks})")


def benchmark() -> int:
    """Prepare the inputs, time both joins of each table and both aggregations, print the comparison."""
    for case in CASES.values():
        if not case.table.exists():
            print(f"FAIL: input data not found: {case.table}", file=sys.stderr)
            return 1
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lis-bench-join-") as temp:
        work = Path(temp)
        from lis_qgis_plugin.headless import start_qgis_with_lis

        app = start_qgis_with_lis()  # to write the grids
        prepared = {}
        for case in CASES.values():
            table = decompress(case.table, work / case.table.name[: -len(".gz")])
            rows = read_rows(table)
            if len(rows) != case.rows:
                print(f"FAIL: {case.table.name} has {len(rows)} rows, expected {case.rows}", file=sys.stderr)
                return 1
            prepared[case.key] = (table, build_grid(case, rows, work / f"grid-{case.key}.gpkg"), rows)
        aggregation_case = CASES[AGGREGATION_CASE]
        areas, targets = build_aggregation_inputs(aggregation_case, prepared[AGGREGATION_CASE][2], work)
        app.exitQgis()
        print(f"Best of {RUNS} runs, each in a fresh QGIS process (time excludes QGIS start-up, peak memory is the")
        print("whole process):")
        for case in CASES.values():
            table, grid, _ = prepared[case.key]
            print(f"{case.title}: {case.rows:,} rows joined onto {case.rows:,} grid squares")
            inputs = ["--case", case.key, "--grid", str(grid), "--table", str(table)]
            timed = time_pair(("native", inputs), ("lis", inputs), work / case.key)
            if timed is None:
                print(f"FAIL: cannot compare: {LIS_ALGORITHM} is missing.", file=sys.stderr)
                return EXIT_MISSING
            native, lis = timed
            for label, result in ((NATIVE_ALGORITHM, native), (LIS_ALGORITHM, lis)):
                print(describe(label, result, f"{result['features']:>6} features, {result['matched']:>6} matched"))
            report_ratio(native, lis)
            problems += check_join(f"{case.key} native", native, case.rows) + check_join(
                f"{case.key} lis", lis, case.rows
            )
            if native["matched"] != lis["matched"]:
                problems.append(f"{case.key}: matched counts differ: native {native['matched']}, lis {lis['matched']}")
        expected_total = sum(float(row[SCORE_COLUMN]) for row in prepared[AGGREGATION_CASE][2])
        problems += aggregation_benchmark(aggregation_case, areas, targets, expected_total, work)
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        return 1 if problems else 0


def aggregation_benchmark(case: JoinCase, areas: Path, targets: Path, expected_total: float, work: Path) -> list[str]:
    """Time both aggregations, print them, and check that every target got the same sum from both, and the total."""
    print(
        f"{case.title}: {case.rows:,} grid squares aggregated to the 1 km squares holding them ({SCORE_COLUMN} summed)"
    )
    inputs = ["--case", case.key, "--grid", str(areas), "--table", str(targets)]
    timed = time_pair(("native-aggregate", inputs), ("lis-aggregate", inputs), work / "aggregate")
    if timed is None:
        return [f"cannot compare: {LIS_AGGREGATION} is missing"]
    native, lis = timed
    for label, result in ((NATIVE_AGGREGATION, native), (LIS_AGGREGATION, lis)):
        print(describe(label, result, f"{result['features']:>6} targets, total {result['total']:,.1f}"))
    report_ratio(native, lis)
    problems = []
    if native["sums"] != lis["sums"]:
        differ = sorted(key for key in native["sums"] if native["sums"][key] != lis["sums"].get(key))
        problems.append(f"the aggregations differ on {len(differ)} targets: {', '.join(differ[:5])}")
    if lis["features"] < 300 or abs(lis["total"] - expected_total) > 1e-6 * abs(expected_total):
        problems.append(f"the aggregation total {lis['total']:,.1f} is not the table's {expected_total:,.1f}")
    return problems


# --- child: one timed run in a fresh QGIS ----------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (``VmHWM``: unlike ``ru_maxrss``, not inherited from the
    parent that started it, which here has QGIS loaded to write the grids)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the closest figure


def count_matches(output: str, case: JoinCase, ranks: dict[str, str]) -> tuple[int, int]:
    """Features in ``output``, and how many carry their code's IMD rank in a joined field.

    Checked by value, not by field name, so it applies to any output schema: a rank of
    "29,199" in the CSV matches 29199 or "29,199" in the output.
    """
    from qgis.core import Qgis, QgsFeatureRequest, QgsVectorLayer

    layer = QgsVectorLayer(output, "output", "ogr")
    if not layer.isValid():
        raise RuntimeError(f"cannot open the output {output}")
    names = layer.fields().names()
    if case.grid_code_field not in names:
        raise RuntimeError(f"the output {output} lost the boundary field {case.grid_code_field}: {names}")
    code_index = names.index(case.grid_code_field)
    grid_fields = {case.grid_code_field, case.grid_name_field}
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


def target_sums(output: str) -> dict[str, float]:
    """Target code -> its summed score (rounded to 6 decimals: the order of additions may differ)."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(output, "output", "ogr")
    names = layer.fields().names()
    field = next((name for name in names if name.lower().startswith(SCORE_COLUMN.lower()) and "sum" in name), None)
    if field is None:
        raise RuntimeError(f"no {SCORE_COLUMN} sum in the output {output}: {names}")
    return {
        str(feature[TARGET_FIELD]): round(float(feature[field]), 6)
        for feature in layer.getFeatures()
        if feature[field] is not None and str(feature[field]) != "NULL"
    }


def run_join(processing: Any, which: str, case: JoinCase, grid: Path, table: Path, out: Path) -> dict[str, Any]:
    """One join through Processing: its result."""
    from qgis.core import QgsVectorLayer

    if which == "native":
        # Opening the CSV is part of the work: lis:joinindicators reads it from its path too.
        uri = f"{table.as_uri()}?type=csv&delimiter=,&detectTypes=yes&geomType=none"
        csv_layer = QgsVectorLayer(uri, "table", "delimitedtext")
        if not csv_layer.isValid() or case.code_column not in csv_layer.fields().names():
            raise RuntimeError(f"QGIS cannot read {table} as delimited text with a '{case.code_column}' column")
        params = {
            "INPUT": str(grid),
            "FIELD": case.grid_code_field,
            "INPUT_2": csv_layer,
            "FIELD_2": case.code_column,
            "METHOD": 1,  # one-to-one: the first match only
            "DISCARD_NONMATCHING": False,
            "OUTPUT": str(out),
        }
        return processing.run(NATIVE_ALGORITHM, params)
    params = {
        "BOUNDARIES": str(grid),
        "BOUNDARY_CODE_FIELD": case.grid_code_field,
        "TABLE": str(table),
        "OUTPUT": str(out),
    }
    return processing.run(LIS_ALGORITHM, params)


def run_aggregation(
    processing: Any, which: str, case: JoinCase, areas: Path, targets: Path, out: Path
) -> dict[str, Any]:
    """One aggregation through Processing: its result."""
    if which == "native-aggregate":
        params = {
            "INPUT": str(targets),
            "JOIN": str(areas),
            "PREDICATE": [1],  # contains
            "JOIN_FIELDS": [SCORE_COLUMN],
            "SUMMARIES": [5],  # sum
            "DISCARD_NONMATCHING": False,
            "OUTPUT": str(out),
        }
        return processing.run(NATIVE_AGGREGATION, params)
    params = {
        "INPUT": str(areas),
        "CODE_FIELD": case.grid_code_field,
        "TARGET": str(targets),
        "TARGET_CODE_FIELD": TARGET_FIELD,
        "FIELDS_SUM": [SCORE_COLUMN],
        "OUTPUT": str(out),
    }
    return processing.run(LIS_AGGREGATION, params)


def child(which: str, case: JoinCase, grid: Path, table: Path, out: Path) -> int:
    """Start QGIS with Processing and the lis provider, time one run, print a JSON line."""
    from qgis.core import QgsApplication

    from lis_qgis_plugin.headless import start_qgis_with_lis

    app = start_qgis_with_lis()
    import processing

    wanted = {"lis": LIS_ALGORITHM, "lis-aggregate": LIS_AGGREGATION}.get(which)
    if wanted and QgsApplication.processingRegistry().algorithmById(wanted) is None:
        print(json.dumps({"missing": wanted}))
        return EXIT_MISSING
    startup_mb = peak_rss_mb()
    start = time.perf_counter()
    if which.endswith("aggregate"):
        result = run_aggregation(processing, which, case, grid, table, out)
    else:
        result = run_join(processing, which, case, grid, table, out)
    seconds = time.perf_counter() - start
    report: dict[str, Any] = {"seconds": seconds, "peak_mb": peak_rss_mb(), "startup_mb": startup_mb}
    if which.endswith("aggregate"):
        sums = target_sums(str(result["OUTPUT"]))
        report.update(features=len(sums), sums=sums, total=sum(sums.values()))
    else:
        ranks = {row[case.code_column]: row[case.rank_column].replace(",", "") for row in read_rows(table)}
        features, matched = count_matches(str(result["OUTPUT"]), case, ranks)
        reported = result.get("JOINED_COUNT", result.get("MATCHED"))  # native, lis
        report.update(features=features, matched=matched, reported_matches=reported)
    print(json.dumps(report))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--child", choices=("native", "lis", "native-aggregate", "lis-aggregate"), help="internal: one timed run"
    )
    parser.add_argument("--case", choices=sorted(CASES), help="internal: the table of the run")
    parser.add_argument("--grid", type=Path, help="internal: the boundaries (or the small areas to aggregate)")
    parser.add_argument("--table", type=Path, help="internal: the table (or the target areas)")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.child:
        sys.exit(child(arguments.child, CASES[arguments.case], arguments.grid, arguments.table, arguments.out))
    sys.exit(main())
