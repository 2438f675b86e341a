"""lis:indicatorstatistics through Processing and qgis_process, on the sample district and IoD2019 File 6."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException
from scipy import stats

from lis_qgis_plugin.core.io.layer_values import attribute_is_null
from lis_qgis_plugin.core.sample.sample_files import TREND_PERIODS, TREND_SHEET
from lis_qgis_plugin.plugin import LisPlugin

from ..support import LogFeedback, csv_rows, file_state, layer_rows, open_layer, run_qgis_process

ALGORITHM = "lis:indicatorstatistics"
TOTAL = "Total population: mid 2015 (excluding prisoners)"
OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
CHILDREN = "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"


def run_statistics(params: dict) -> tuple[dict, str]:
    import processing

    feedback = LogFeedback()
    result = processing.run(ALGORITHM, params, context=QgsProcessingContext(), feedback=feedback)
    return result, feedback.text


def wilson_percent(count: float, n: float, confidence: float) -> tuple[float, float]:
    """Wilson's score interval in % (Newcombe 1998, method 3), written out by hand."""
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = count / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half) / (1 + z * z / n), 100 * (centre + half) / (1 + z * z / n)


def test_year6_obesity_of_the_sample_over_time_sheet(
    lis_plugin: LisPlugin, sample_result: dict, tmp_path: Path
) -> None:
    workbook = Path(sample_result["HEALTH_XLSX"])
    before = file_state(workbook)
    source = f'{workbook}|layername={TREND_SHEET}|subset="Indicator ID" = 93002'
    result, log = run_statistics(
        {"INPUT": source, "METHOD": 0, "COUNT_FIELD": "Count", "DENOMINATOR_FIELD": "Denominator",
         "AREA_FIELD": "Area Code", "OUTPUT": str(tmp_path / "obesity.gpkg")}
    )  # fmt: skip
    assert file_state(workbook) == before
    rows = layer_rows(result["OUTPUT"])
    assert len(rows) == 300 and {row["Time period"] for row in rows} == set(TREND_PERIODS)
    suppressed = [row for row in rows if attribute_is_null(row["Count"])]
    assert suppressed and all(row["note"] == "no count" and attribute_is_null(row["value_2"]) for row in suppressed)
    assert result["ROWS_WITHOUT_VALUE"] == len(suppressed) and result["ROWS_WITH_VALUE"] == 300 - len(suppressed)
    for row in rows:
        if row in suppressed:
            continue
        assert row["value_2"] == pytest.approx(100 * row["Count"] / row["Denominator"], rel=1e-9)
        assert abs(row["value_2"] - row["Value"]) <= 0.05 + 1e-9  # the sheet's value, rounded to 0.1
        lower, upper = wilson_percent(row["Count"], row["Denominator"], 0.95)
        assert (row["lower95"], row["upper95"]) == pytest.approx((lower, upper), rel=1e-6)
    assert "proportion, Wilson score limits per 100, at 95% and 99.8%" in log
    assert "kept, not recomputed" in log


def test_nottingham_children_per_1000_at_95_percent(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    file6 = shared_data / "nottingham" / "population" / "nottingham_iod2019_file6_population_denominators.csv"
    result, _ = run_statistics(
        {"INPUT": str(file6), "METHOD": 1, "COUNT_FIELD": CHILDREN, "DENOMINATOR_FIELD": TOTAL,
         "AREA_FIELD": "LSOA code (2011)", "MULTIPLIER": 2, "CONFIDENCE": 1, "OUTPUT": str(tmp_path / "rates.gpkg")}
    )  # fmt: skip
    source = {row["LSOA code (2011)"]: row for row in csv_rows(file6)}
    rows = layer_rows(result["OUTPUT"])
    assert len(rows) == len(source) == 182
    assert "lower998" not in rows[0]
    for row in rows:
        given = source[str(row["LSOA code (2011)"])]
        children, total = float(given[CHILDREN].replace(",", "")), float(given[TOTAL].replace(",", ""))
        assert row["value"] == pytest.approx(1_000 * children / total, rel=1e-9)
        assert row["lower95"] < row["value"] < row["upper95"]


def test_a_proportion_above_one_is_named_not_a_traceback(
    lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path
) -> None:
    file6 = shared_data / "rutland" / "population" / "rutland_iod2019_file6_population_denominators.csv"
    with pytest.raises(QgsProcessingException) as raised:
        run_statistics(
            {"INPUT": str(file6), "METHOD": 0, "COUNT_FIELD": TOTAL, "DENOMINATOR_FIELD": OLDER,
             "AREA_FIELD": "LSOA code (2011)", "OUTPUT": str(tmp_path / "bad.gpkg")}
        )  # fmt: skip
    message = str(raised.value)
    assert message.startswith(f"Row 1 (area E01013787) field '{TOTAL}': the count 1,318 is more than the denominator")
    assert "Traceback" not in message and not (tmp_path / "bad.gpkg").exists()


@pytest.mark.slow
def test_qgis_process_runs_indicatorstatistics(
    qgis_process_env: dict[str, str], shared_data: Path, tmp_path: Path
) -> None:
    file6 = shared_data / "rutland" / "population" / "rutland_iod2019_file6_population_denominators.csv"
    out = tmp_path / "older.gpkg"
    run = run_qgis_process(
        qgis_process_env, "run", ALGORITHM, "--", f"INPUT={file6}", "METHOD=0", f"COUNT_FIELD={OLDER}",
        f"DENOMINATOR_FIELD={TOTAL}", f"OUTPUT={out}",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ROWS_WITH_VALUE:\t23" in run.stdout and "ROWS_WITHOUT_VALUE:\t0" in run.stdout
    layer = open_layer(out, "older")
    first = next(layer.getFeatures())  # Rutland 005A: 416 of 1,318 aged 60+
    assert first["value"] == pytest.approx(100 * 416 / 1318, rel=1e-9)
    assert (first["lower998"], first["upper998"]) == pytest.approx(wilson_percent(416, 1318, 0.998), rel=1e-6)
