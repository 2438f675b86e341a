"""Aggregation without Processing: the arithmetic by hand, and small areas placed by their centroids.

The runs of lis:aggregateindicators on real Rutland and Nottingham data are in
tests/processing/test_aggregate_indicators_algorithm.py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from qgis.core import Qgis, QgsFeatureRequest, QgsGeometry, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.aggregation import spatial_assignment
from lis_qgis_plugin.core.aggregation.aggregate_indicators import aggregate_indicators
from lis_qgis_plugin.core.aggregation.aggregation import (
    AreaRecord,
    Measure,
    Ratio,
    aggregate,
    assign_by_lookup,
    output_kind,
    parse_ratios,
    summary_lines,
    unassigned_areas,
)
from lis_qgis_plugin.core.aggregation.spatial_assignment import assign_by_location, centroid_points
from lis_qgis_plugin.core.common.wording import plural
from lis_qgis_plugin.core.io.layer_values import codes_by_id
from lis_qgis_plugin.core.io.table_files import TableError
from lis_qgis_plugin.core.sample.sample_files import SampleFiles

from ..support import csv_rows, ogr_layer, open_layer, write_gpkg_layer

FILE6_OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
FILE6_TOTAL = "Total population: mid 2015 (excluding prisoners)"


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


def test_ratios_are_parsed_and_a_bad_pair_is_named() -> None:
    assert parse_ratios(["pop_60plus/pop_total*100", " deaths / pop_total * 1,000 ", "a/b", "", "a/b"]) == [
        Ratio("pop_60plus", "pop_total", 100), Ratio("deaths", "pop_total", 1000), Ratio("a", "b", 1),
    ]  # fmt: skip
    older = Ratio("pop_60plus", "pop_total", 100)
    assert (older.name, older.unit, older.method) == (
        "pop_60plus_pct_pop_total", "%", "ratio of sums: \u03a3pop_60plus / \u03a3pop_total \u00d7 100"
    )  # fmt: skip
    assert Ratio("deaths", "pop", 1000).unit == "per 1,000" and Ratio("a", "b").unit == "proportion"
    assert Ratio("deaths", "pop", 1000).name == "deaths_per1000_pop" and Ratio("a", "b").name == "a_per_b"
    for bad in ("pop_60plus", "pop_60plus/pop_total*7", "a/b/c", "/pop_total", "a/b*x"):
        with pytest.raises(TableError, match=f"FIELDS_RATIO: '{re.escape(bad)}' is not a ratio"):
            parse_ratios(["a/b", bad])


def rutland_older_by_ward(shared_data: Path) -> list[AreaRecord]:
    """Rutland's LSOAs (IoD2019 File 6: residents aged 60+ and all residents) with their 2025 ward by the lookup."""
    rutland = shared_data / "rutland"
    ward_of = {
        row["LSOA11CD"]: row["WD25CD"]
        for row in csv_rows(rutland / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv")
    }
    return [
        AreaRecord(code, ward_of[code], {"older": int(row[FILE6_OLDER]), "total": int(row[FILE6_TOTAL])})
        for row in csv_rows(rutland / "population" / "rutland_iod2019_file6_population_denominators.csv")
        for code in [row["LSOA code (2011)"]]
    ]


def test_a_ratio_is_the_sum_of_counts_over_the_sum_of_denominators(shared_data: Path) -> None:
    """Rutland's share of residents aged 60+ by ward: sum(60+) / sum(residents), not the mean of the LSOAs' shares."""
    records = rutland_older_by_ward(shared_data)
    wards = sorted({record.target for record in records if record.target})
    older = Ratio("older", "total", 100)
    result = aggregate(records, wards, [], [older])
    several = 0
    for ward in wards:
        members = [record for record in records if record.target == ward]
        by_hand = 100 * sum(r.values["older"] for r in members) / sum(r.values["total"] for r in members)
        mean_of_ratios = sum(100 * r.values["older"] / r.values["total"] for r in members) / len(members)
        assert result.targets[ward].ratios[older] == pytest.approx(by_hand, abs=1e-9), ward
        assert result.targets[ward].ratio_areas[older] == len(members)
        if len(members) > 1:
            several += 1
            assert abs(result.targets[ward].ratios[older] - mean_of_ratios) > 0.01, ward  # the wrong method differs
    assert several >= 5


def test_a_ratio_leaves_out_nulls_pairwise_and_names_a_zero_denominator(shared_data: Path) -> None:
    records = rutland_older_by_ward(shared_data)
    first = records[0]
    ward = first.target
    assert ward is not None
    members = [record for record in records if record.target == ward]
    assert len(members) == 2  # E01013787 and another LSOA in Braunston & Martinsthorpe
    # The first LSOA loses its denominator: it leaves the ratio, but its count still adds to the sum.
    changed = [AreaRecord(first.code, ward, {"older": first.values["older"], "total": None}), *records[1:]]
    older = Ratio("older", "total", 100)
    result = aggregate(changed, [ward], [Measure("older", "sum")], [older])
    (rest,) = [record for record in changed[1:] if record.target == ward]
    assert result.targets[ward].ratios[older] == pytest.approx(100 * rest.values["older"] / rest.values["total"])
    assert result.targets[ward].ratio_areas[older] == 1
    assert result.left_out_of_ratio[older] == [first.code]
    assert result.targets[ward].values[Measure("older", "sum")] == sum(r.values["older"] for r in members)
    # Denominators that add up to 0: NULL, and the ward is named in the log.
    zeros = [AreaRecord(r.code, r.target, {"older": 0, "total": 0}) for r in members]
    result = aggregate(zeros, [ward], [], [older])
    assert result.targets[ward].ratios[older] is None and result.zero_denominators[older] == [ward]
    lines = summary_lines(result, zeros, [], "LSOA", "ward", "through the lookup", "are not in the lookup", [older])
    assert f"total adds up to 0 in 1 ward, so older_pct_total is NULL there: {ward}." in lines
    assert "older_pct_total = \u03a3older / \u03a3total \u00d7 100 over the LSOAs of each ward with both values" in (
        " ".join(lines)
    )


def test_centroids_read_as_columns_equal_the_same_points_read_through_qgis(
    shared_data: Path, sample_files: SampleFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Population-weighted centroids of Rutland and Nottingham (GeoJSON) and of the sample (GeoPackage), read as
    columns, give the same code -> point as their memory copies read feature by feature."""
    layers = [
        QgsVectorLayer(
            str(shared_data / place / "population" / f"{place}_lsoa11_popweighted_centroids_DERIVED.geojson")
        )
        for place in ("rutland", "nottingham")
    ]
    layers.append(open_layer(sample_files.geopackage, "popweighted_centroids"))
    columnar: list[str] = []
    real = spatial_assignment.read_columns

    def counted(layer: QgsVectorLayer, *args: Any, **options: Any) -> Any:
        columns = real(layer, *args, **options)  # raises for a layer that is not a plain file
        columnar.append(layer.providerType())
        return columns

    monkeypatch.setattr(spatial_assignment, "read_columns", counted)
    for layer in layers:
        read = centroid_points(layer)
        copied = centroid_points(layer.materialize(QgsFeatureRequest()))
        assert list(read) == list(copied) and len(read) == layer.featureCount() > 20
        assert all((read[code].x(), read[code].y()) == (copied[code].x(), copied[code].y()) for code in read)
    assert columnar == ["ogr"] * 3  # the memory copies were read through QGIS
    rutland = centroid_points(layers[0])
    assert (rutland["E01013787"].x(), rutland["E01013787"].y()) == (-0.769185, 52.619333)  # degrees: in the layer's CRS


def test_areas_and_wards_in_files_and_in_memory_give_the_same_aggregation(shared_data: Path, tmp_path: Path) -> None:
    """Nottingham's LSOA 2021 IoD2025 aggregated to its 2025 wards by location, from the GeoJSON files (values,
    codes and ids read as columns) and from memory copies (read through QGIS): the same wards and values."""
    nottingham = shared_data / "nottingham"
    areas = QgsVectorLayer(str(nottingham / "deprivation" / "nottingham_lsoa21_imd2025.geojson"), "lsoa", "ogr")
    wards = QgsVectorLayer(str(nottingham / "boundaries" / "nottingham_wards_2025.geojson"), "wards", "ogr")
    measures = [Measure("IMD_score", "mean"), Measure("IMD_rank", "min")]
    results = []
    for name, (small, large) in {
        "file": (areas, wards),
        "memory": (areas.materialize(QgsFeatureRequest()), wards.materialize(QgsFeatureRequest())),
    }.items():
        outcome = aggregate_indicators(small, large, str(tmp_path / f"{name}.gpkg"), measures, target_field="WD25CD")
        layer = QgsVectorLayer(outcome.uri, name, "ogr")
        fields = ["WD25CD", "n_areas", "imd_score_mean", "imd_rank_min", "imd_score_n"]
        results.append(([[f[field] for field in fields] for f in layer.getFeatures()], outcome.assigned))
    assert results[0] == results[1]
    by_ward, assigned = results[0]
    assert len(by_ward) == 20 and assigned == 179 and sum(row[1] for row in by_ward) == 179  # each LSOA in one ward
    aspley = next(row for row in by_ward if row[0] == "E05012270")
    assert aspley[1] == 10 and aspley[2] == pytest.approx(51.8308) and aspley[3] == 397
    assert min(row[3] for row in by_ward) == 101  # Nottingham's most deprived LSOA in England's ranking


def test_points_on_edges_in_overlaps_and_in_a_box_but_outside_the_polygon(tmp_path: Path) -> None:
    """The target holding the point: inside one box (the quick path), on a shared edge or in overlapping targets
    (the lowest target id, and the area is listed), inside a box but outside the triangle in it (no target)."""
    targets_gpkg = tmp_path / "targets.gpkg"
    squares = {"A": "POLYGON((0 0,10 0,10 10,0 10,0 0))", "B": "POLYGON((10 0,20 0,20 10,10 10,10 0))"}
    shapes = {**squares, "C": "POLYGON((5 0,15 0,15 10,5 10,5 0))", "D": "POLYGON((40 0,50 0,40 10,40 0))"}
    rows = [(QgsGeometry.fromWkt(wkt), [key]) for key, wkt in shapes.items()]
    targets = ogr_layer(
        write_gpkg_layer(targets_gpkg, "targets", Qgis.WkbType.Polygon, [("key", QMetaType.Type.QString)], rows)
    )
    points = {"only A": (2, 5), "B and C": (12, 5), "edge of A and B, in C": (10, 5), "A and C": (7, 5)}
    points.update({"nowhere": (30, 5), "in D's box only": (49, 9), "in D": (41, 1)})
    area_rows = [(QgsGeometry.fromWkt(f"POINT({x} {y})"), [name]) for name, (x, y) in points.items()]
    areas = ogr_layer(
        write_gpkg_layer(
            tmp_path / "areas.gpkg", "areas", Qgis.WkbType.Point, [("name", QMetaType.Type.QString)], area_rows
        )
    )
    keys = {feature.id(): feature["key"] for feature in targets.getFeatures()}
    assert sorted(keys.values()) == ["A", "B", "C", "D"]
    names = {feature.id(): feature["name"] for feature in areas.getFeatures()}
    placed = assign_by_location(areas, targets, keys)
    assert {names[fid]: key for fid, key in placed.target_of.items()} == {
        "only A": "A",
        "B and C": "B",
        "edge of A and B, in C": "A",
        "A and C": "A",
        "nowhere": None,
        "in D's box only": None,
        "in D": "D",
    }
    assert [names[fid] for fid in placed.in_several_targets] == ["B and C", "edge of A and B, in C", "A and C"]
