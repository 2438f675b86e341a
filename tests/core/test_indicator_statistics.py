"""Values with confidence limits from real rows, and comparators pooled from counts (core.aggregation)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer
from scipy import stats

from lis_qgis_plugin.core.aggregation.indicator_statistics import (
    DSR,
    MEAN,
    PROPORTION,
    RATE,
    IndicatorStatisticsError,
    StatisticsRequest,
    esp_band,
    given_limit_fields,
    indicator_statistics,
    pooled_interval,
)
from lis_qgis_plugin.core.io.layer_values import attribute_is_null
from lis_qgis_plugin.core.sample.sample_files import TREND_SHEET, SampleFiles
from lis_qgis_plugin.core.statistics.confidence import ESP2013, ESP2013_85_PLUS, byars_interval

from ..support import csv_rows, file_state, layer_rows

TOTAL = "Total population: mid 2015 (excluding prisoners)"
OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
CHILDREN = "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"
LSOA = "LSOA code (2011)"


def z_score(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson(count: float, n: float, confidence: float) -> tuple[float, float]:
    """Wilson's score interval, written out from Newcombe (1998) method 3, as a proportion (not %)."""
    z = z_score(confidence)
    p = count / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def byars(count: float, confidence: float) -> tuple[float, float]:
    """Byar's approximation of the Poisson limits of a count (Breslow and Day 1987)."""
    z = z_score(confidence)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


@pytest.fixture(scope="module")
def file6(rutland: Path) -> Path:
    """Rutland's 23 LSOAs in IoD2019 File 6 (population denominators), as published."""
    return rutland / "population" / "rutland_iod2019_file6_population_denominators.csv"


def csv_layer(path: Path) -> QgsVectorLayer:
    layer = QgsVectorLayer(str(path), path.stem, "ogr")
    assert layer.isValid(), path
    return layer


def typed_csv_layer(path: Path) -> QgsVectorLayer:
    """A CSV as QGIS's delimited-text provider opens it, numbers detected."""
    uri = f"file://{path}?type=csv&detectTypes=yes&geomType=none"
    layer = QgsVectorLayer(uri, path.stem, "delimitedtext")
    assert layer.isValid(), path
    return layer


def test_pooled_proportion_of_rutland_is_sum_over_sum_with_wilson_limits(file6: Path) -> None:
    rows = csv_rows(file6)
    older = [float(row[OLDER]) for row in rows]
    total = [float(row[TOTAL]) for row in rows]
    assert len(rows) == 23
    for level in (0.95, 0.998):
        pooled = pooled_interval(older, total, PROPORTION, 100, level)
        # hand computation: Rutland's 60+ over its total population, all 23 LSOAs
        assert sum(older) == 11_524 and sum(total) == 37_746
        assert pooled.value == pytest.approx(100 * 11_524 / 37_746, rel=1e-9)
        lower, upper = wilson(11_524, 37_746, level)
        assert (pooled.lower, pooled.upper) == pytest.approx((100 * lower, 100 * upper), rel=1e-6)
    # computed from counts, not the mean of the 23 LSOAs' percentages (which weighs small areas up)
    mean_of_areas = sum(100 * o / t for o, t in zip(older, total)) / len(rows)
    assert abs(pooled.value - mean_of_areas) > 0.05


def test_pooled_crude_rate_of_rutland_uses_byars_limits(file6: Path) -> None:
    rows = csv_rows(file6)
    children = [float(row[CHILDREN]) for row in rows]
    total = [float(row[TOTAL]) for row in rows]
    pooled = pooled_interval(children, total, RATE, 1_000, 0.95)
    count, population = sum(children), sum(total)
    lower, upper = byars(count, 0.95)
    assert pooled.value == pytest.approx(1_000 * count / population, rel=1e-9)
    assert (pooled.lower, pooled.upper) == pytest.approx(
        (1_000 * lower / population, 1_000 * upper / population), rel=1e-6
    )


def test_pooled_dsr_sums_counts_and_populations_by_age_band_first() -> None:
    # hand-worked case: two areas of one district, counts and populations in the 19 ESP2013 bands
    bands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]  # fmt: skip
    counts_a = [1, 0, 0, 1, 2, 2, 3, 4, 6, 8, 12, 16, 22, 30, 41, 55, 60, 48, 20]
    counts_b = [0, 1, 0, 0, 1, 3, 2, 5, 5, 9, 10, 18, 25, 33, 38, 50, 58, 52, 25]
    people_a = [900, 950, 980, 1000, 1100, 1200, 1150, 1100, 1050, 1000, 980, 950, 900, 850, 700, 500, 350, 200, 80]
    people_b = [850, 900, 950, 990, 1000, 1150, 1200, 1080, 1000, 1020, 990, 930, 880, 800, 650, 480, 330, 190, 90]
    pooled = pooled_interval(counts_a + counts_b, people_a + people_b, DSR, 100_000, 0.95, age_bands=bands + bands)
    band_rates = [(a + b) / (pa + pb) for a, b, pa, pb in zip(counts_a, counts_b, people_a, people_b)]
    expected = 100_000 * sum(w * r for w, r in zip(ESP2013, band_rates)) / sum(ESP2013)
    assert sum(ESP2013) == 100_000 and len(ESP2013) == 19
    assert pooled.value == pytest.approx(expected, rel=1e-9)
    assert pooled.lower is not None and pooled.upper is not None
    assert pooled.lower < expected < pooled.upper
    assert [esp_band(label) for label in ("0-4", "90+", "Under 5", "85-89", "45 to 49")] == [0, 18, 0, 17, 9]
    with pytest.raises(IndicatorStatisticsError, match="'3-14' is not a five-year band"):
        esp_band("3-14")  # starts off the five-year grid
    with pytest.raises(IndicatorStatisticsError, match="age band"):
        pooled_interval([1.0], [10.0], DSR, 100_000, 0.95)


def test_proportions_per_row_of_rutland_with_limits_and_input_unchanged(file6: Path, tmp_path: Path) -> None:
    before = file_state(file6)
    request = StatisticsRequest(PROPORTION, count_field=OLDER, denominator_field=TOTAL, area_field=LSOA)
    outcome = indicator_statistics(typed_csv_layer(file6), str(tmp_path / "out.gpkg"), request)
    assert file_state(file6) == before
    rows = {row[LSOA]: row for row in layer_rows(outcome.uri)}
    assert outcome.rows == outcome.with_value == len(rows) == 23
    first = rows["E01013787"]  # Rutland 005A: 416 of 1,318 aged 60+
    assert first["value"] == pytest.approx(100 * 416 / 1318, rel=1e-9)
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        lower, upper = wilson(416, 1318, level)
        assert first[f"lower{suffix}"] == pytest.approx(100 * lower, rel=1e-6)
        assert first[f"upper{suffix}"] == pytest.approx(100 * upper, rel=1e-6)
    assert attribute_is_null(first["note"])
    assert first[OLDER] == 416  # the input's fields are kept
    assert "proportion, Wilson score limits per 100, at 95% and 99.8%" in outcome.log[0].text


def test_one_level_only_writes_that_levels_limits(file6: Path, tmp_path: Path) -> None:
    request = StatisticsRequest(PROPORTION, OLDER, TOTAL, multiplier=1_000, confidences=(0.998,))
    outcome = indicator_statistics(typed_csv_layer(file6), str(tmp_path / "out.gpkg"), request)
    row = layer_rows(outcome.uri)[0]
    assert "lower95" not in row and "lower998" in row
    assert row["value"] == pytest.approx(1_000 * 416 / 1318, rel=1e-9)


def test_sample_over_time_sheet_crude_rates_match_its_values(sample_files: SampleFiles, tmp_path: Path) -> None:
    layer = QgsVectorLayer(f"{sample_files.health_xlsx}|layername={TREND_SHEET}", "over time", "ogr")
    assert layer.isValid()
    layer.setSubsetString('"Indicator ID" = 93001')  # emergency admissions per 1,000, both periods
    request = StatisticsRequest(RATE, "Count", "Denominator", area_field="Area Code", multiplier=1_000)
    outcome = indicator_statistics(layer, str(tmp_path / "rates.gpkg"), request)
    rows = layer_rows(outcome.uri)
    assert len(rows) == outcome.rows == 300
    for row in rows:
        # the sheet's Value is the same rate rounded to 0.1; 'Value' is taken, so the result is value_2
        assert row["value_2"] == pytest.approx(1_000 * row["Count"] / row["Denominator"], rel=1e-9)
        assert abs(row["value_2"] - row["Value"]) <= 0.05 + 1e-9
        expected = byars_interval(row["Count"], row["Denominator"], 0.95, 1_000)
        assert (row["lower95"], row["upper95"]) == pytest.approx((expected.lower, expected.upper), rel=1e-9)
        assert row["lower95"] < row["value_2"] < row["upper95"]
        assert row["lower998"] < row["lower95"] and row["upper998"] > row["upper95"]
    log = "\n".join(line.text for line in outcome.log)
    assert "'Lower CI 95.0 limit', 'Upper CI 95.0 limit'), kept, not recomputed" in log
    assert "'value' as 'value_2'" in log


def test_limits_the_source_gives_are_kept_not_recomputed(file6: Path, tmp_path: Path) -> None:
    rows = csv_rows(file6)[:3]
    path = tmp_path / "fingertips.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Area Code", "Count", "Denominator", "Lower CI 95.0 limit", "Upper CI 95.0 limit"])
        writer.writerow([rows[0][LSOA], rows[0][OLDER], rows[0][TOTAL], "29.1", "34.2"])  # the source's own limits
        writer.writerow([rows[1][LSOA], rows[1][OLDER], rows[1][TOTAL], "", ""])  # none given: computed
    request = StatisticsRequest(PROPORTION, "Count", "Denominator", area_field="Area Code")
    outcome = indicator_statistics(csv_layer(path), str(tmp_path / "out.gpkg"), request)
    given, computed = layer_rows(outcome.uri)
    assert (given["lower95"], given["upper95"]) == (29.1, 34.2)
    lower, upper = wilson(416, 1318, 0.998)  # 99.8% is not given: computed
    assert (given["lower998"], given["upper998"]) == pytest.approx((100 * lower, 100 * upper), rel=1e-6)
    lower, upper = wilson(663, 2482, 0.95)  # Rutland 001A
    assert (computed["lower95"], computed["upper95"]) == pytest.approx((100 * lower, 100 * upper), rel=1e-6)
    assert given_limit_fields(["lower95", "upper95", "value"], 0.95) == ("lower95", "upper95")
    assert given_limit_fields(["Lower CI 99.8 limit", "Upper CI 99.8 limit"], 0.998) == (
        "Lower CI 99.8 limit",
        "Upper CI 99.8 limit",
    )


def test_missing_counts_and_zero_denominators_get_a_note(file6: Path, tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("area,count,population\nE01013787,416,1318\nE01013788,,2482\nE01013789,5,0\n", encoding="utf-8")
    request = StatisticsRequest(RATE, "count", "population", area_field="area")
    outcome = indicator_statistics(typed_csv_layer(path), str(tmp_path / "out.gpkg"), request)
    rows = layer_rows(outcome.uri)
    assert attribute_is_null(rows[0]["note"])
    assert [row["note"] for row in rows[1:]] == ["no count", "no denominator (empty or 0)"]
    assert attribute_is_null(rows[1]["value"]) and attribute_is_null(rows[2]["lower95"])
    assert outcome.with_value == 1
    assert "2 rows have no value; the 'note' field says why." in [line.text for line in outcome.log]


@pytest.mark.parametrize(
    ("content", "method", "message"),
    [
        ("area,count,population\nE01013787,416,1318\nE01013788,-3,2482\n", RATE,
         "Row 2 (area E01013788) field 'count': the count -3 is negative"),
        ("area,count,population\nE01013787,1318,416\n", PROPORTION,
         "Row 1 (area E01013787) field 'count': the count 1,318 is more than the denominator 416 in 'population'"),
        ("area,count,population\nE01013787,many,1318\n", RATE,
         "Row 1 (area E01013787) field 'count': 'many' is not a number"),
        ("area,count,population\nE01013787,4,-1318\n", RATE,
         "Row 1 (area E01013787) field 'population': the denominator -1,318 is negative"),
    ],
)  # fmt: skip
def test_bad_rows_are_named_with_their_field(tmp_path: Path, content: str, method: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    request = StatisticsRequest(method, "count", "population", area_field="area")
    with pytest.raises(IndicatorStatisticsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        indicator_statistics(typed_csv_layer(path), str(tmp_path / "out.gpkg"), request)
    assert not (tmp_path / "out.gpkg").exists()


def test_missing_fields_and_output_onto_the_input_are_refused(file6: Path, tmp_path: Path) -> None:
    layer = typed_csv_layer(file6)
    with pytest.raises(IndicatorStatisticsError, match="DENOMINATOR_FIELD: layer .* has no field 'people'"):
        indicator_statistics(layer, str(tmp_path / "o.gpkg"), StatisticsRequest(PROPORTION, OLDER, "people"))
    with pytest.raises(IndicatorStatisticsError, match="AGE_BAND_FIELD: the dsr method needs this field"):
        indicator_statistics(layer, str(tmp_path / "o.gpkg"), StatisticsRequest(DSR, OLDER, TOTAL, area_field=LSOA))


def test_mean_of_rutland_lsoa_populations_with_students_t(file6: Path, tmp_path: Path) -> None:
    request = StatisticsRequest(MEAN, value_field=TOTAL, area_field="Local Authority District code (2019)")
    outcome = indicator_statistics(typed_csv_layer(file6), str(tmp_path / "mean.gpkg"), request)
    (row,) = layer_rows(outcome.uri)
    values = [float(r[TOTAL]) for r in csv_rows(file6)]
    mean = sum(values) / 23
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 22)
    t = float(stats.t.ppf(0.975, 22))
    assert (row["area"], row["n_values"]) == ("E06000017", 23)
    assert row["value"] == pytest.approx(37_746 / 23, rel=1e-9)
    assert (row["lower95"], row["upper95"]) == pytest.approx(
        (mean - t * sd / math.sqrt(23), mean + t * sd / math.sqrt(23))
    )


def test_dsr_rows_per_area_and_band_become_one_row_per_area(tmp_path: Path) -> None:
    bands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]  # fmt: skip
    counts = [0, 0, 1, 0, 1, 2, 2, 3, 5, 7, 10, 14, 20, 28, 35, 44, 50, 41, 18]
    people = [880, 920, 960, 1000, 1050, 1180, 1170, 1090, 1020, 1010, 985, 940, 890, 830, 690, 490, 340, 195, 85]
    path = tmp_path / "bands.csv"
    lines = ["area,band,deaths,population"]
    lines += [f"A,{b},{c},{p}" for b, c, p in zip(bands, counts, people)]
    lines += [f"B,{b},{1 if b in ('80-84', '90+') else 0},{p}" for b, p in zip(bands, people)]  # 2 deaths
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    request = StatisticsRequest(DSR, "deaths", "population", area_field="area", age_band_field="band")
    outcome = indicator_statistics(typed_csv_layer(path), str(tmp_path / "dsr.gpkg"), request)
    rows = {row["area"]: row for row in layer_rows(outcome.uri)}
    expected = 100_000 * sum(w * c / p for w, c, p in zip(ESP2013, counts, people)) / 100_000
    assert rows["A"]["value"] == pytest.approx(expected, rel=1e-9)
    assert (rows["A"]["count"], rows["A"]["denominator"], rows["A"]["n_bands"]) == (281, sum(people), 19)
    assert rows["A"]["lower95"] < expected < rows["A"]["upper95"]
    assert attribute_is_null(rows["B"]["value"]) and not attribute_is_null(
        rows["B"]["note"]
    )  # 2 deaths: fewer than 10, not published
    assert outcome.rows == 2 and outcome.with_value == 1


def test_data_to_85_plus_is_standardised_to_the_18_band_esp2013() -> None:
    bands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"]  # fmt: skip
    counts = [0, 0, 1, 0, 1, 2, 2, 3, 5, 7, 10, 14, 20, 28, 35, 44, 50, 59]
    people = [880, 920, 960, 1000, 1050, 1180, 1170, 1090, 1020, 1010, 985, 940, 890, 830, 690, 490, 340, 280]
    pooled = pooled_interval(counts, people, DSR, 100_000, 0.95, age_bands=bands)
    assert len(ESP2013_85_PLUS) == 18 and ESP2013_85_PLUS[-1] == 2_500
    expected = sum(w * c / p for w, c, p in zip(ESP2013_85_PLUS, counts, people))  # per 100,000 of 100,000
    assert pooled.value == pytest.approx(expected, rel=1e-9)
    with pytest.raises(IndicatorStatisticsError, match="'90\\+' is above the open band 85\\+"):
        pooled_interval([*counts, 1], [*people, 10], DSR, 100_000, 0.95, age_bands=[*bands, "90+"])


def test_an_area_with_a_missing_value_has_no_mean_as_in_phe_mean(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text("area,score\nA,12.5\nA,14.0\nA,9.5\nB,3.0\nB,\n", encoding="utf-8")
    request = StatisticsRequest(MEAN, value_field="score", area_field="area")
    outcome = indicator_statistics(typed_csv_layer(path), str(tmp_path / "mean.gpkg"), request)
    rows = {row["area"]: row for row in layer_rows(outcome.uri)}
    assert rows["A"]["value"] == pytest.approx(12.0) and rows["A"]["n_values"] == 3
    half = float(stats.t.ppf(0.975, 2)) * 2.29128784747792 / math.sqrt(3)  # sd of 12.5, 14, 9.5 by hand
    assert (rows["A"]["lower95"], rows["A"]["upper95"]) == pytest.approx((12.0 - half, 12.0 + half), rel=1e-9)
    assert attribute_is_null(rows["B"]["value"]) and not attribute_is_null(rows["B"]["note"])
