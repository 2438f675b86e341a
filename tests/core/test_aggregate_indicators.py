"""Aggregation without Processing: the arithmetic by hand, and small areas placed by their centroids.

The runs of lis:aggregateindicators on real Rutland and Nottingham data are in
tests/processing/test_aggregate_indicators_algorithm.py.
"""

from __future__ import annotations

import math

import pytest

from lis_qgis_plugin.core.aggregation.aggregation import (
    AreaRecord,
    Measure,
    aggregate,
    assign_by_lookup,
    output_kind,
    summary_lines,
    unassigned_areas,
)
from lis_qgis_plugin.core.aggregation.spatial_assignment import assign_by_location, centroid_points
from lis_qgis_plugin.core.common.wording import plural
from lis_qgis_plugin.core.io.layer_values import codes_by_id
from lis_qgis_plugin.core.io.table_files import TableError
from lis_qgis_plugin.core.sample.sample_files import SampleFiles

from ..support import open_layer


def test_sample_centroids_place_every_area_in_its_ward(sample_files: SampleFiles) -> None:
    areas = open_layer(sample_files.geopackage, "small_areas")
    targets = open_layer(sample_files.geopackage, "wards")
    points_layer = open_layer(sample_files.geopackage, "popweighted_centroids")
    code_of = codes_by_id(areas, "lsoa_code")
    placed = assign_by_location(
        areas, targets, codes_by_id(targets, "ward_code"), centroids=centroid_points(points_layer, "lsoa_code"),
        centroids_crs=points_layer.crs(), area_codes=code_of,
    )  # fmt: skip
    assert placed.by_centroid == areas.featureCount()
    expected = {feature.id(): feature["ward_code"] for feature in areas.getFeatures()}
    assert placed.target_of == expected


def _records(*rows: tuple) -> list[AreaRecord]:
    return [AreaRecord(code, target, {"x": value}, weight) for code, target, value, weight in rows]


def test_sum_of_only_nulls_is_null_and_partial_sums_count_contributors() -> None:
    records = _records(("a", "T1", None, 1), ("b", "T1", None, 1), ("c", "T2", 5, 1), ("d", "T2", None, 1))
    result = aggregate(records, ["T1", "T2"], [Measure("x", "sum"), Measure("x", "mean"), Measure("x", "max")])
    t1, t2 = result.targets["T1"], result.targets["T2"]
    assert t1.n_areas == 2 and t1.values[Measure("x", "sum")] is None and t1.present["x"] == 0
    assert t1.values[Measure("x", "mean")] is None and t1.values[Measure("x", "max")] is None
    assert t2.values[Measure("x", "sum")] == 5 and t2.contributors[Measure("x", "sum")] == 1
    assert t2.values[Measure("x", "mean")] == 5.0 and t2.present["x"] == 1
    assert result.total_out(Measure("x", "sum")) == 5


def test_nan_is_null_not_a_number() -> None:
    result = aggregate(_records(("a", "T", math.nan, 1), ("b", "T", 2, 1)), ["T"], [Measure("x", "sum")])
    assert result.targets["T"].values[Measure("x", "sum")] == 2
    assert result.targets["T"].present["x"] == 1


def test_weighted_mean_leaves_out_null_weights_and_values() -> None:
    records = _records(("a", "T", 10, 100), ("b", "T", 20, 300), ("c", "T", 99, None), ("d", "T", None, 50))
    result = aggregate(records, ["T"], [Measure("x", "wmean")])
    target = result.targets["T"]
    assert target.values[Measure("x", "wmean")] == pytest.approx((10 * 100 + 20 * 300) / 400)
    assert target.contributors[Measure("x", "wmean")] == 2
    assert result.left_out_of_weighted == {"x": ["c", "d"]}


def test_zero_weights() -> None:
    records = _records(("a", "T1", 10, 0), ("b", "T1", 30, 0), ("c", "T2", 10, 0), ("d", "T2", 30, 2))
    result = aggregate(records, ["T1", "T2"], [Measure("x", "wmean")])
    assert result.targets["T1"].values[Measure("x", "wmean")] is None  # no weight at all: no mean, not a division
    assert result.targets["T1"].contributors[Measure("x", "wmean")] == 2
    assert result.targets["T2"].values[Measure("x", "wmean")] == 30  # the zero-weight area counts for nothing


def test_negative_weight_names_the_area() -> None:
    with pytest.raises(TableError, match="E01000002"):
        aggregate(_records(("E01000001", "T", 1, 5), ("E01000002", "T", 1, -3)), ["T"], [Measure("x", "wmean")])


def test_empty_targets_unassigned_and_unknown_targets() -> None:
    records = _records(("a", "T1", 4, 1), ("b", None, 7, 1), ("c", "ELSEWHERE", 9, 1))
    result = aggregate(records, ["T1", "T2"], [Measure("x", "sum")])
    assert result.targets["T2"].n_areas == 0 and result.targets["T2"].values[Measure("x", "sum")] is None
    assert result.empty_targets == ["T2"]
    assert result.unassigned == ["b"] and result.unknown_targets == {"ELSEWHERE": ["c"]}
    assert result.assigned == 1
    assert unassigned_areas(records, ["T1", "T2"]) == ["b", "c"]
    lines = summary_lines(result, records, [Measure("x", "sum")], "LSOA", "ward", "by location", "lie outside")
    assert lines[0] == "1 of 3 LSOAs aggregated to 2 wards by location; total x 20 in and 4 out."
    assert any("1 LSOA lie outside" in line and ": b." in line for line in lines)
    assert any("ELSEWHERE (c)" in line for line in lines)
    assert any("1 ward received no LSOA: T2" in line for line in lines)


def test_lookup_assignment() -> None:
    mapping = {"A": ("W1",), "B": ("W9", "W2"), "C": ("W9",)}
    assigned = assign_by_lookup({1: "A", 2: "B", 3: "C", 4: "D", 5: ""}, mapping, {"W1", "W2"}, "lookup.csv")
    assert assigned == {1: "W1", 2: "W2", 3: "W9", 4: None, 5: None}  # W9 kept so it is reported
    with pytest.raises(TableError, match=r"lookup.csv.*B -> W1 and W2.*best-fit"):
        assign_by_lookup({1: "B"}, {"B": ("W1", "W2")}, {"W1", "W2"}, "lookup.csv")


def test_output_kinds_and_words() -> None:
    assert output_kind("sum", "integer") == "integer" and output_kind("max", "integer") == "integer"
    assert output_kind("mean", "integer") == "real" and output_kind("wmean", "integer") == "real"
    assert output_kind("sum", "real") == "real"
    assert plural("LSOA", 23) == "23 LSOAs" and plural("ward", 1) == "1 ward"
    assert plural("local authority district", 2) == "2 local authority districts"
    assert plural("country", 3) == "3 countries"
