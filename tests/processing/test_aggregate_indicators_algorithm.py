"""lis:aggregateindicators on real Rutland and Nottingham data and the sample district.

Every expectation is computed here from the source files (GeoJSON properties, the lookup
CSV, IoD2019 File 6, the sample's own ward codes), never copied from an output.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from qgis.core import (
    NULL,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.aggregation.aggregate_indicators import aggregate_indicators
from lis_qgis_plugin.core.aggregation.aggregation import Measure
from lis_qgis_plugin.core.aggregation.ratio_fields import RatioField, read_ratio_fields
from lis_qgis_plugin.core.aggregation.spatial_assignment import assign_by_location
from lis_qgis_plugin.core.common.content_checksum import dataset_checksums
from lis_qgis_plugin.core.common.wording import plural
from lis_qgis_plugin.core.indicators.indicator_table import IndicatorMetadata
from lis_qgis_plugin.core.indicators.metadata_store import read_indicator_metadata, write_indicator_metadata
from lis_qgis_plugin.core.io.layer_values import codes_by_id
from lis_qgis_plugin.plugin import LisPlugin

from ..support import LogFeedback, csv_rows, field_with_alias, open_layer, run_qgis_process

ALGORITHM = "lis:aggregateindicators"
POP = "pop_total_mid2015"
FILE6_TOTAL = "Total population: mid 2015 (excluding prisoners)"
FILE6_OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
OLDER = "pop_60plus_mid2015"


# --- helpers -------------------------------------------------------------------------------


def run_aggregate(params: dict, feedback: QgsProcessingFeedback | None = None) -> tuple[dict, list[str]]:
    """Run the algorithm through Processing, as the toolbox does; returns its results and log."""
    import processing

    feedback = feedback or LogFeedback()
    result = processing.run(ALGORITHM, params, context=QgsProcessingContext(), feedback=feedback)
    return result, getattr(feedback, "lines", [])


def geojson_properties(path: Path) -> list[dict]:
    return [feature["properties"] for feature in json.loads(path.read_text(encoding="utf-8"))["features"]]


def output_features(uri: str, key: str) -> dict[str, QgsFeature]:
    layer = QgsVectorLayer(uri, "output", "ogr")
    assert layer.isValid(), uri
    return {str(feature[key]): feature for feature in layer.getFeatures()}


def fingerprint(paths: list[Path]) -> dict[str, tuple[str, int]]:
    """Bytes and modification time of each file: an input must come out exactly as it went in."""
    return {str(path): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) for path in paths}


def run_leaving_inputs_unchanged(params: dict, inputs: list[Path]) -> tuple[dict, list[str]]:
    """run_aggregate, checking that every input file comes out exactly as it went in."""
    before = fingerprint(inputs)
    outcome = run_aggregate(params)
    assert fingerprint(inputs) == before
    return outcome


def weighted_mean(pairs: list[tuple[float, float]]) -> float:
    """sum(weight * value) / sum(weight), by hand."""
    return sum(value * weight for value, weight in pairs) / sum(weight for _, weight in pairs)


class Place:
    """Paths of one real place's small areas, wards, lookup and File 6 populations."""

    def __init__(self, root: Path, name: str) -> None:
        self.areas = root / name / "deprivation" / f"{name}_lsoa11_imd2019.geojson"
        self.wards = root / name / "boundaries" / f"{name}_wards_2025.geojson"
        self.lookup = root / name / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"
        self.file6 = root / name / "population" / f"{name}_iod2019_file6_population_denominators.csv"
        self.centroids = root / name / "population" / f"{name}_lsoa11_popweighted_centroids_DERIVED.geojson"

    def ward_of(self) -> dict[str, str]:
        return {row["LSOA11CD"]: row["WD25CD"] for row in csv_rows(self.lookup)}

    def file6_population(self) -> dict[str, int]:
        return {row["LSOA code (2011)"]: int(row[FILE6_TOTAL]) for row in csv_rows(self.file6)}


@pytest.fixture(scope="module")
def rutland(shared_data: Path) -> Place:
    return Place(shared_data, "rutland")


@pytest.fixture(scope="module")
def nottingham(shared_data: Path) -> Place:
    return Place(shared_data, "nottingham")


# --- real data through Processing ------------------------------------------------------------


def test_rutland_through_lookup_preserves_totals_and_matches_hand_sums(
    lis_plugin: LisPlugin, rutland: Place, tmp_path: Path
) -> None:
    result, log = run_leaving_inputs_unchanged({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "LOOKUP": str(rutland.lookup),
        "FIELDS_SUM": [POP], "FIELDS_WEIGHTED_MEAN": ["imd_rank"], "WEIGHT_FIELD": POP,
        "OUTPUT": str(tmp_path / "rutland_wards.gpkg"),
    }, [rutland.areas, rutland.wards, rutland.lookup])  # fmt: skip

    areas = geojson_properties(rutland.areas)
    ward_of = rutland.ward_of()
    file6 = rutland.file6_population()
    members: dict[str, list[dict]] = defaultdict(list)
    for area in areas:
        members[ward_of[area["LSOA11CD"]]].append(area)
    wards = output_features(result["OUTPUT"], "WD25CD")

    # Totals: File 6 (a separate publication) == the GeoJSON's values == the sum over wards.
    assert sum(file6.values()) == sum(area[POP] for area in areas) == 37_746
    assert sum(ward[f"{POP}_sum"] for ward in wards.values()) == 37_746
    assert sum(ward["n_areas"] for ward in wards.values()) == len(areas) == 23
    assert result["AREAS_ASSIGNED"] == 23 and result["AREAS_UNASSIGNED"] == 0
    # Every ward, and one with several LSOAs in particular, against the CSV + GeoJSON by hand.
    for code, ward in wards.items():
        assert ward["n_areas"] == len(members[code]), code
        assert ward[f"{POP}_sum"] == sum(file6[area["LSOA11CD"]] for area in members[code]), code
    several = next(code for code in sorted(members) if len(members[code]) >= 2)
    pairs = [(area["imd_rank"], area[POP]) for area in members[several]]
    assert len({rank for rank, _ in pairs}) > 1, "pick a ward whose LSOAs differ, so a plain mean would fail"
    assert wards[several]["imd_rank_wmean"] == pytest.approx(weighted_mean(pairs), rel=1e-12)
    assert wards[several]["imd_rank_wmean"] != pytest.approx(sum(rank for rank, _ in pairs) / len(pairs))
    assert wards[several]["imd_rank_wmean_n"] == len(pairs)

    assert f"23 LSOAs aggregated to 15 wards through {rutland.lookup.name}" in log[0]
    assert f"total {POP} 37,746 in and 37,746 out" in log[0]


def test_a_share_is_the_sum_of_counts_over_the_sum_of_denominators(
    lis_plugin: LisPlugin, rutland: Place, nottingham: Place, tmp_path: Path
) -> None:
    """Residents aged 60+ per 100 residents by ward: sum(60+) / sum(residents) of the ward's LSOAs (IoD2019 File 6
    and the lookup, read here), which differs from the mean of the LSOAs' shares; the metadata says how it was made."""
    for place, name in ((rutland, "rutland"), (nottingham, "nottingham")):
        output = tmp_path / f"{name}_older.gpkg"
        result, log = run_leaving_inputs_unchanged({
            "INPUT": str(place.areas), "TARGET": str(place.wards), "LOOKUP": str(place.lookup),
            "FIELDS_RATIO": f"{OLDER}/{POP}*100\n{OLDER} / {POP}", "OUTPUT": f"{output}|layername=wards",
        }, [place.areas, place.wards, place.lookup])  # fmt: skip
        ward_of = place.ward_of()
        counts: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row in csv_rows(place.file6):
            counts[ward_of[row["LSOA code (2011)"]]].append((int(row[FILE6_OLDER]), int(row[FILE6_TOTAL])))
        wards = output_features(result["OUTPUT"], "WD25CD")
        assert set(wards) == set(counts)
        percent, share = f"{OLDER}_pct_{POP}", f"{OLDER}_per_{POP}"
        several = 0
        for code, ward in wards.items():
            by_hand = 100 * sum(older for older, _ in counts[code]) / sum(total for _, total in counts[code])
            mean_of_ratios = sum(100 * older / total for older, total in counts[code]) / len(counts[code])
            assert ward[percent] == pytest.approx(by_hand, rel=1e-12), code
            assert ward[share] == pytest.approx(by_hand / 100, rel=1e-12), code
            assert ward[f"{OLDER}_sum"] == sum(older for older, _ in counts[code]), code  # added: not asked for
            assert ward[f"{POP}_sum"] == sum(total for _, total in counts[code]), code
            if len(counts[code]) > 1:
                several += 1
                assert abs(ward[percent] - mean_of_ratios) > 0.01, code  # the mean of ratios would fail here
        assert several >= 5
        fields = QgsVectorLayer(result["OUTPUT"], "w", "ogr").fields()
        assert f"{percent}_den" not in fields.names()  # no LSOA left out: the plain sum of residents is the weight
        assert fields.field(percent).alias() == f"{OLDER} per {POP} (\u00d7100)"
        assert fields.field(share).alias() == f"{OLDER} per {POP}"
        metadata = read_indicator_metadata(output, "wards")
        assert (metadata[percent].name, metadata[percent].unit) == (f"{OLDER} per {POP} (\u00d7100)", "%")
        assert metadata[share].unit == "proportion"
        method = f"ratio of sums: \u03a3{OLDER} / \u03a3{POP} \u00d7 100"
        assert read_ratio_fields(output, "wards")[percent] == RatioField(
            OLDER, POP, 100, f"{OLDER}_sum", f"{POP}_sum", method
        )  # fmt: skip
        assert any(
            f"{percent} = \u03a3{OLDER} / \u03a3{POP} \u00d7 100 over the LSOAs of each ward" in line for line in log
        )


def test_ratio_fields_are_checked_by_name(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    base = {"INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "OUTPUT": str(tmp_path / "out.gpkg")}
    message = _error({**base, "FIELDS_RATIO": f"{OLDER}/{POP}*100; {OLDER}-{POP}"})
    assert f"FIELDS_RATIO: '{OLDER}-{POP}' is not a ratio" in message and "numerator/denominator" in message
    message = _error({**base, "FIELDS_RATIO": f"{OLDER}/{POP}*3"})
    assert f"'{OLDER}/{POP}*3'" in message and "*100" in message
    message = _error({**base, "FIELDS_RATIO": [f"{OLDER}/no_such_field"]})
    assert "FIELDS_RATIO" in message and "no_such_field" in message and "has no field" in message
    message = _error({**base, "FIELDS_RATIO": f"LSOA11NM/{POP}"})
    assert "FIELDS_RATIO" in message and "LSOA11NM" in message and "not numbers" in message
    assert not (tmp_path / "out.gpkg").exists()


def test_lookup_gaps_are_reported_by_code(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    rows = csv_rows(rutland.lookup)
    dropped = [rows[0]["LSOA11CD"], rows[5]["LSOA11CD"]]
    elsewhere = rows[9]["LSOA11CD"]
    lookup = tmp_path / "lookup_with_gaps.csv"
    with lookup.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if row["LSOA11CD"] not in dropped:
                writer.writerow({**row, "WD25CD": "E05999999"} if row["LSOA11CD"] == elsewhere else row)
    result, log = run_aggregate({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "LOOKUP": str(lookup), "FIELDS_SUM": [POP],
        "OUTPUT": str(tmp_path / "gaps.gpkg"),
    })  # fmt: skip
    file6 = rutland.file6_population()
    left_out = sum(file6[code] for code in [*dropped, elsewhere])
    wards = output_features(result["OUTPUT"], "WD25CD")
    assert sum(ward[f"{POP}_sum"] for ward in wards.values() if ward[f"{POP}_sum"] != NULL) == 37_746 - left_out
    assert result["AREAS_ASSIGNED"] == 20 and result["AREAS_UNASSIGNED"] == 3
    assert log[0].startswith("20 of 23 LSOAs aggregated to 15 wards through lookup_with_gaps.csv")
    assert f"37,746 in and {37_746 - left_out:,} out" in log[0]
    (missing,) = [line for line in log if "are not in lookup_with_gaps.csv" in line]
    assert missing.startswith("2 LSOAs are not in lookup_with_gaps.csv") and all(code in missing for code in dropped)
    assert any(f"E05999999 ({elsewhere})" in line for line in log)
    still = {row["WD25CD"] for row in rows if row["LSOA11CD"] not in [*dropped, elsewhere]}
    for code, ward in wards.items():
        assert (ward["n_areas"] == 0) == (code not in still), code
        if code not in still:
            assert any("received no LSOA" in line and code in line for line in log)


def test_output_is_one_typed_feature_per_target(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    result, _ = run_aggregate({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "LOOKUP": str(rutland.lookup),
        "FIELDS_SUM": [POP], "FIELDS_MEAN": ["imd_rank"], "FIELDS_MIN": ["imd_rank"], "FIELDS_MAX": ["imd_rank"],
        "OUTPUT": str(tmp_path / "typed.gpkg"),
    })  # fmt: skip
    layer = open_layer(tmp_path / "typed.gpkg", "typed")
    target = QgsVectorLayer(str(rutland.wards), "wards", "ogr")
    assert layer.featureCount() == target.featureCount() == 15
    assert layer.geometryType() == target.geometryType()
    fields = layer.fields()
    for name in target.fields().names():
        assert fields.indexFromName(name) >= 0, f"target field {name} kept"
    integer = {QMetaType.Type.Int, QMetaType.Type.LongLong}
    for name in ("n_areas", f"{POP}_sum", "imd_rank_min", "imd_rank_max", f"{POP}_n", "imd_rank_n"):
        assert fields.field(name).type() in integer, name
    assert fields.field("imd_rank_mean").type() == QMetaType.Type.Double
    assert fields.field(f"{POP}_sum").alias() == f"{POP} (sum over LSOAs)"
    ranks: dict[str, list[int]] = defaultdict(list)
    ward_of = rutland.ward_of()
    for area in geojson_properties(rutland.areas):
        ranks[ward_of[area["LSOA11CD"]]].append(area["imd_rank"])
    for feature in layer.getFeatures():
        values = ranks[feature["WD25CD"]]
        assert feature["imd_rank_min"] == min(values) and feature["imd_rank_max"] == max(values)
        assert feature["imd_rank_mean"] == pytest.approx(sum(values) / len(values))
    assert result["OUTPUT"].endswith("|layername=typed")


def test_rutland_by_location_preserves_totals_and_agrees_with_the_lookup(
    lis_plugin: LisPlugin, rutland: Place, tmp_path: Path
) -> None:
    result, log = run_aggregate({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "FIELDS_SUM": [POP],
        "OUTPUT": str(tmp_path / "spatial.gpkg"),
    })  # fmt: skip
    wards = output_features(result["OUTPUT"], "WD25CD")
    assert sum(ward[f"{POP}_sum"] for ward in wards.values()) == sum(rutland.file6_population().values())
    assert sum(ward["n_areas"] for ward in wards.values()) == 23 == result["AREAS_ASSIGNED"]
    assert "by location" in log[0]

    areas = QgsVectorLayer(str(rutland.areas), "areas", "ogr")
    targets = QgsVectorLayer(str(rutland.wards), "wards", "ogr")
    placed = assign_by_location(areas, targets, codes_by_id(targets, "WD25CD"))
    code_of = codes_by_id(areas, "LSOA11CD")
    spatial = {code_of[fid]: ward for fid, ward in placed.target_of.items()}
    whole = [row for row in csv_rows(rutland.lookup) if float(row["share_of_lsoa_area_in_ward"]) >= 0.98]
    assert len(whole) == 21
    for row in whole:
        assert spatial[row["LSOA11CD"]] == row["WD25CD"], row["LSOA11CD"]
    # The output's counts are the assignment's counts.
    for code, ward in wards.items():
        assert ward["n_areas"] == sum(1 for target in spatial.values() if target == code)


def test_targets_in_another_crs_get_the_same_answer(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    import processing

    bng = tmp_path / "wards_27700.gpkg"
    processing.run(
        "native:reprojectlayer",
        {"INPUT": str(rutland.wards), "TARGET_CRS": "EPSG:27700", "OUTPUT": str(bng)},
        context=QgsProcessingContext(),
        feedback=QgsProcessingFeedback(),
    )
    common = {"INPUT": str(rutland.areas), "FIELDS_SUM": [POP]}
    lonlat, _ = run_aggregate({**common, "TARGET": str(rutland.wards), "OUTPUT": str(tmp_path / "a.gpkg")})
    metres, _ = run_aggregate({**common, "TARGET": str(bng), "OUTPUT": str(tmp_path / "b.gpkg")})
    assert QgsVectorLayer(metres["OUTPUT"], "b", "ogr").crs().authid() == "EPSG:27700"
    first, second = output_features(lonlat["OUTPUT"], "WD25CD"), output_features(metres["OUTPUT"], "WD25CD")
    assert {code: f[f"{POP}_sum"] for code, f in first.items()} == {code: f[f"{POP}_sum"] for code, f in second.items()}
    assert sum(feature[f"{POP}_sum"] for feature in second.values()) == 37_746


def test_point_input_population_weighted_centroids(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    result, log = run_aggregate({
        "INPUT": str(rutland.centroids), "TARGET": str(rutland.wards), "FIELDS_SUM": ["usual_residents_2011"],
        "OUTPUT": str(tmp_path / "points.gpkg"),
    })  # fmt: skip
    residents = sum(row["usual_residents_2011"] for row in geojson_properties(rutland.centroids))
    wards = output_features(result["OUTPUT"], "WD25CD")
    sums = [ward["usual_residents_2011_sum"] for ward in wards.values()]
    assert sum(value for value in sums if value != NULL) == residents
    assert result["AREAS_ASSIGNED"] == 23 == sum(ward["n_areas"] for ward in wards.values())
    for ward in wards.values():  # a ward no centroid falls in has NULL, not 0
        assert (ward["n_areas"] == 0) == (ward["usual_residents_2011_sum"] == NULL)
    assert "each LSOA's point)" in log[0]


def test_rutland_centroids_parameter_preserves_totals_and_agrees_with_the_lookup(
    lis_plugin: LisPlugin, rutland: Place, tmp_path: Path
) -> None:
    result, log = run_leaving_inputs_unchanged({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "CENTROIDS": str(rutland.centroids),
        "FIELDS_SUM": [POP], "OUTPUT": str(tmp_path / "by_centroid.gpkg"),
    }, [rutland.areas, rutland.wards, rutland.centroids])  # fmt: skip
    areas = geojson_properties(rutland.areas)
    assert {point["LSOA11CD"] for point in geojson_properties(rutland.centroids)} == {a["LSOA11CD"] for a in areas}
    total = sum(rutland.file6_population().values())
    wards = output_features(result["OUTPUT"], "WD25CD")
    assert sum(ward[f"{POP}_sum"] for ward in wards.values() if ward[f"{POP}_sum"] != NULL) == total
    assert total == sum(area[POP] for area in areas)
    assert result["AREAS_ASSIGNED"] == len(areas) and result["AREAS_UNASSIGNED"] == 0
    centroids_name = rutland.centroids.stem
    placed, headline = log[:2]  # how the areas were placed, then what they add up to
    assert placed == f"{plural('LSOA', len(areas))} placed by their centroid in '{centroids_name}'."
    assert f"by location (the ward containing each LSOA's centroid in '{centroids_name}')" in headline
    assert f"total {POP} {total:,} in and {total:,} out" in headline
    assert not any("no point in" in line for line in log)

    # Each LSOA's ward, from the function the algorithm calls, against the best-fit lookup.
    outcome = aggregate_indicators(
        QgsVectorLayer(str(rutland.areas), "areas", "ogr"), QgsVectorLayer(str(rutland.wards), "wards", "ogr"),
        str(tmp_path / "core.gpkg"), [Measure(POP, "sum")],
        centroids=QgsVectorLayer(str(rutland.centroids), "centroids", "ogr"),
    )  # fmt: skip
    assert outcome.placement is not None and outcome.placement.by_centroid == len(areas)
    assert not outcome.placement.without_centroid
    ward_of = {record.code: record.target for record in outcome.records}
    whole = [row for row in csv_rows(rutland.lookup) if float(row["share_of_lsoa_area_in_ward"]) >= 0.98]
    assert whole
    for row in whole:
        assert ward_of[row["LSOA11CD"]] == row["WD25CD"], row["LSOA11CD"]
    for code, ward in wards.items():  # the output's counts and sums are the placement's
        members = [area for area in areas if ward_of[area["LSOA11CD"]] == code]
        assert ward["n_areas"] == len(members), code
        assert ward[f"{POP}_sum"] == (sum(area[POP] for area in members) if members else NULL), code


@pytest.mark.parametrize("through_lookup", [True, False], ids=["lookup", "location"])
def test_nottingham_preserves_the_total(
    lis_plugin: LisPlugin, nottingham: Place, tmp_path: Path, through_lookup: bool
) -> None:
    params = {
        "INPUT": str(nottingham.areas), "TARGET": str(nottingham.wards), "FIELDS_SUM": [POP],
        "OUTPUT": str(tmp_path / "nottingham.gpkg"),
    }  # fmt: skip
    if through_lookup:
        params["LOOKUP"] = str(nottingham.lookup)
    result, log = run_aggregate(params)
    file6 = nottingham.file6_population()
    areas = geojson_properties(nottingham.areas)
    wards = output_features(result["OUTPUT"], "WD25CD")
    assert sum(file6.values()) == sum(area[POP] for area in areas) == 318_582
    assert sum(ward[f"{POP}_sum"] for ward in wards.values()) == 318_582
    assert len(wards) == 20
    assert sum(ward["n_areas"] for ward in wards.values()) == len(areas) == 182
    assert "total pop_total_mid2015 318,582 in and 318,582 out" in log[0]
    if through_lookup:
        expected: dict[str, int] = defaultdict(int)
        for code, ward in nottingham.ward_of().items():
            expected[ward] += file6[code]
        assert {code: ward[f"{POP}_sum"] for code, ward in wards.items()} == expected


# --- the sample district ----------------------------------------------------------------------


def test_sample_small_areas_nest_in_their_wards(lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path) -> None:
    before = dataset_checksums(sample_gpkg)
    result, _ = run_aggregate({
        "INPUT": f"{sample_gpkg}|layername=small_areas", "TARGET": f"{sample_gpkg}|layername=wards",
        "FIELDS_SUM": ["pop_total", "pop_65_plus"], "FIELDS_WEIGHTED_MEAN": ["imd_score"], "WEIGHT_FIELD": "pop_total",
        "OUTPUT": str(tmp_path / "sample_wards.gpkg"),
    })  # fmt: skip
    assert dataset_checksums(sample_gpkg) == before
    small = list(open_layer(sample_gpkg, "small_areas").getFeatures())
    members: dict[str, list[QgsFeature]] = defaultdict(list)
    for area in small:
        members[area["ward_code"]].append(area)
    wards = output_features(result["OUTPUT"], "ward_code")
    assert set(wards) == set(members)
    for code, ward in wards.items():
        assert ward["n_areas"] == len(members[code]) == ward["small_areas"], code
        assert ward["pop_total_sum"] == sum(area["pop_total"] for area in members[code]) == ward["pop_total"]
        assert ward["pop_65_plus_sum"] == sum(area["pop_65_plus"] for area in members[code])
        pairs = [(area["imd_score"], area["pop_total"]) for area in members[code]]
        assert ward["imd_score_wmean"] == pytest.approx(weighted_mean(pairs), rel=1e-9)
    assert sum(ward["pop_total_sum"] for ward in wards.values()) == sum(area["pop_total"] for area in small)
    assert result["AREAS_ASSIGNED"] == len(small) and result["AREAS_UNASSIGNED"] == 0


def test_sample_centroids_parameter_places_every_area_in_its_ward(
    lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path
) -> None:
    result, log = run_aggregate({
        "INPUT": f"{sample_gpkg}|layername=small_areas", "TARGET": f"{sample_gpkg}|layername=wards",
        "CENTROIDS": f"{sample_gpkg}|layername=popweighted_centroids", "FIELDS_SUM": ["pop_total"],
        "OUTPUT": str(tmp_path / "sample_by_centroid.gpkg"),
    })  # fmt: skip
    small = list(open_layer(sample_gpkg, "small_areas").getFeatures())
    wards = output_features(result["OUTPUT"], "ward_code")
    assert {code: ward["n_areas"] for code, ward in wards.items()} == Counter(area["ward_code"] for area in small)
    for code, ward in wards.items():
        assert ward["pop_total_sum"] == sum(area["pop_total"] for area in small if area["ward_code"] == code)
    assert f"{plural('LSOA', len(small))} placed by their centroid in 'popweighted_centroids'." in log
    assert result["AREAS_ASSIGNED"] == len(small) and result["AREAS_UNASSIGNED"] == 0


def test_areas_without_a_centroid_go_by_point_on_surface_and_are_named(
    lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path
) -> None:
    points = list(open_layer(sample_gpkg, "popweighted_centroids").getFeatures())
    crs = open_layer(sample_gpkg, "popweighted_centroids").crs().authid()
    some = QgsVectorLayer(f"Point?crs={crs}&field=lsoa_code:string", "some centroids", "memory")
    kept = []
    for point in points[2:]:
        feature = QgsFeature(some.fields())
        feature.setAttributes([point["lsoa_code"]])
        feature.setGeometry(point.geometry())
        kept.append(feature)
    assert some.dataProvider().addFeatures(kept)
    result, log = run_aggregate({
        "INPUT": f"{sample_gpkg}|layername=small_areas", "TARGET": f"{sample_gpkg}|layername=wards",
        "CENTROIDS": some, "FIELDS_SUM": ["pop_total"], "OUTPUT": str(tmp_path / "some.gpkg"),
    })  # fmt: skip
    assert f"{plural('LSOA', len(kept))} placed by their centroid in 'some centroids'." in log
    (warning,) = [line for line in log if "no point in 'some centroids'" in line]
    assert warning.startswith("2 LSOAs have no point in 'some centroids' and went by their point on surface")
    assert all(point["lsoa_code"] in warning for point in points[:2])
    small = list(open_layer(sample_gpkg, "small_areas").getFeatures())  # the sample's areas nest in their wards
    wards = output_features(result["OUTPUT"], "ward_code")
    assert {code: ward["n_areas"] for code, ward in wards.items()} == Counter(area["ward_code"] for area in small)


def test_centroids_are_not_used_with_a_lookup(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    result, log = run_aggregate({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "LOOKUP": str(rutland.lookup),
        "CENTROIDS": str(rutland.centroids), "FIELDS_SUM": [POP], "OUTPUT": str(tmp_path / "lookup.gpkg"),
    })  # fmt: skip
    assert "CENTROIDS is not used: LOOKUP gives each small area its target." in log
    assert any(line.startswith(f"23 LSOAs aggregated to 15 wards through {rutland.lookup.name}") for line in log)
    assert not any("placed by their centroid" in line for line in log)
    assert result["AREAS_ASSIGNED"] == 23


def test_hand_drawn_polygon_without_codes(lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path) -> None:
    small = open_layer(sample_gpkg, "small_areas")
    extent = open_layer(sample_gpkg, "district").extent()
    middle = extent.center().x()
    drawn = QgsVectorLayer("Polygon?crs=EPSG:27700&field=label:string", "my patch", "memory")
    patch = QgsFeature(drawn.fields())
    patch.setAttributes(["west half"])
    patch.setGeometry(QgsGeometry.fromRect(QgsRectangle(extent.xMinimum() - 10, extent.yMinimum() - 10, middle,
                                                        extent.yMaximum() + 10)))  # fmt: skip
    drawn.dataProvider().addFeatures([patch])

    result, log = run_aggregate({
        "INPUT": small, "TARGET": drawn, "FIELDS_SUM": ["pop_total"], "OUTPUT": str(tmp_path / "patch.gpkg"),
    })  # fmt: skip
    inside = [area for area in small.getFeatures() if area.geometry().boundingBox().xMaximum() <= middle]
    touching = [area for area in small.getFeatures() if area.geometry().boundingBox().xMinimum() < middle]
    (feature,) = QgsVectorLayer(result["OUTPUT"], "patch", "ogr").getFeatures()
    assert feature["label"] == "west half"
    assert len(inside) <= feature["n_areas"] <= len(touching)
    assert sum(a["pop_total"] for a in inside) <= feature["pop_total_sum"] <= sum(a["pop_total"] for a in touching)
    assert result["AREAS_ASSIGNED"] == feature["n_areas"]
    assert result["AREAS_UNASSIGNED"] == small.featureCount() - feature["n_areas"] > 0
    assert any("no field of area codes" in line and "feature id" in line for line in log)
    assert any("lie outside every target area" in line for line in log)


def test_nulls_are_left_out_and_counted(lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path) -> None:
    copy = tmp_path / "with_nulls.gpkg"
    shutil.copy(sample_gpkg, copy)
    layer = open_layer(copy, "small_areas")
    members: dict[str, list[QgsFeature]] = defaultdict(list)
    for area in layer.getFeatures():
        members[area["ward_code"]].append(area)
    all_null, one_null, no_weight = sorted(code for code in members if len(members[code]) >= 3)[:3]
    fields = layer.fields()
    changes = {area.id(): {fields.indexFromName("pop_65_plus"): NULL} for area in members[all_null]}
    changes[members[one_null][0].id()] = {fields.indexFromName("pop_65_plus"): NULL}
    changes[members[no_weight][0].id()] = {fields.indexFromName("pop_total"): NULL}
    assert layer.dataProvider().changeAttributeValues(changes)
    del layer

    result, log = run_aggregate({
        "INPUT": f"{copy}|layername=small_areas", "TARGET": f"{copy}|layername=wards",
        "FIELDS_SUM": ["pop_65_plus"], "FIELDS_WEIGHTED_MEAN": ["imd_score"], "WEIGHT_FIELD": "pop_total",
        "OUTPUT": str(tmp_path / "out.gpkg"),
    })  # fmt: skip
    wards = output_features(result["OUTPUT"], "ward_code")
    assert wards[all_null]["pop_65_plus_sum"] == NULL and wards[all_null]["pop_65_plus_n"] == 0
    assert wards[all_null]["n_areas"] == len(members[all_null])
    kept = members[one_null][1:]
    assert wards[one_null]["pop_65_plus_sum"] == sum(area["pop_65_plus"] for area in kept)
    assert wards[one_null]["pop_65_plus_n"] == len(kept) == wards[one_null]["n_areas"] - 1
    weighted = [(area["imd_score"], area["pop_total"]) for area in members[no_weight][1:]]
    assert wards[no_weight]["imd_score_wmean"] == pytest.approx(weighted_mean(weighted), rel=1e-9)
    assert wards[no_weight]["imd_score_wmean_n"] == len(weighted) == wards[no_weight]["imd_score_n"] - 1
    assert any(line.startswith("pop_65_plus is NULL for") and members[one_null][0]["lsoa_code"] in line for line in log)
    assert any("weighted mean of imd_score leaves out 1 LSOA whose imd_score or weight is NULL" in line for line in log)


def test_metadata_of_a_lis_geopackage_follows_the_aggregates(
    lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "with_metadata.gpkg"
    shutil.copy(sample_gpkg, copy)
    population = IndicatorMetadata("Total population", "Synthetic mid-year estimate", "2019", "persons", "neutral")
    write_indicator_metadata(copy, "small_areas", {"pop_total": population})
    result, _ = run_aggregate({
        "INPUT": f"{copy}|layername=small_areas", "TARGET": f"{copy}|layername=wards",
        "FIELDS_SUM": ["pop_total", "pop_0_4"], "OUTPUT": str(tmp_path / "out.gpkg"),
    })  # fmt: skip
    metadata = read_indicator_metadata(tmp_path / "out.gpkg", "out")
    assert set(metadata) == {"pop_total_sum"}  # pop_0_4 had none
    carried = metadata["pop_total_sum"]
    assert carried.name.startswith("Total population") and "sum" in carried.name
    assert (carried.source, carried.period, carried.unit) == (population.source, "2019", "persons")
    assert result["AREAS_ASSIGNED"] > 0


# --- bad input gives a clear message and changes nothing ----------------------------------------


def _error(params: dict) -> str:
    with pytest.raises(QgsProcessingException) as raised:
        run_aggregate(params)
    return str(raised.value)


def test_bad_input_is_explained(lis_plugin: LisPlugin, rutland: Place, nottingham: Place, tmp_path: Path) -> None:
    inputs = [rutland.areas, rutland.wards, rutland.lookup, nottingham.lookup]
    before = fingerprint(inputs)
    base = {"INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "FIELDS_SUM": [POP]}
    out = str(tmp_path / "out.gpkg")

    message = _error({**base, "FIELDS_WEIGHTED_MEAN": ["imd_rank"], "OUTPUT": out})
    assert "WEIGHT_FIELD" in message and "FIELDS_WEIGHTED_MEAN" in message and "imd_rank" in message

    missing = tmp_path / "no_such_lookup.csv"
    message = _error({**base, "LOOKUP": str(missing), "OUTPUT": out})
    assert "no_such_lookup.csv" in message and "does not exist" in message

    message = _error({**base, "LOOKUP": str(nottingham.lookup), "OUTPUT": out})
    assert nottingham.lookup.name in message and "do not match" in message

    message = _error({**base, "OUTPUT": str(tmp_path / "out.shp")})
    assert "out.shp" in message and ".gpkg" in message

    message = _error({**base, "FIELDS_SUM": ["LSOA11NM"], "OUTPUT": out})
    assert "FIELDS_SUM" in message and "LSOA11NM" in message and "not numbers" in message

    message = _error({**base, "FIELDS_MEAN": ["no_such_field"], "OUTPUT": out})
    assert "FIELDS_MEAN" in message and "no_such_field" in message

    assert fingerprint(inputs) == before
    assert not (tmp_path / "out.gpkg").exists() and not (tmp_path / "out.shp").exists()


def test_writing_into_an_input_geopackage_is_refused(lis_plugin: LisPlugin, sample_gpkg: Path, tmp_path: Path) -> None:
    copy = tmp_path / "input.gpkg"
    shutil.copy(sample_gpkg, copy)
    before = fingerprint([copy])
    message = _error({
        "INPUT": f"{copy}|layername=small_areas", "TARGET": f"{copy}|layername=wards", "FIELDS_SUM": ["pop_total"],
        "OUTPUT": f"ogr:dbname='{copy}' table=\"aggregated\" (geom)",
    })  # fmt: skip
    assert "input.gpkg" in message and "never writes into its inputs" in message
    assert fingerprint([copy])[str(copy)][0] == before[str(copy)][0]


def test_centroids_that_cannot_place_areas_are_explained(
    lis_plugin: LisPlugin, rutland: Place, nottingham: Place, sample_gpkg: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.gpkg"
    base = {
        "INPUT": f"{sample_gpkg}|layername=small_areas", "TARGET": f"{sample_gpkg}|layername=wards",
        "FIELDS_SUM": ["pop_total"], "OUTPUT": str(out),
    }  # fmt: skip
    survey = QgsVectorLayer("Point?crs=EPSG:27700&field=label:string", "survey points", "memory")
    point = QgsFeature(survey.fields())
    point.setAttributes(["clinic"])
    point.setGeometry(QgsGeometry.fromWkt("POINT (490000 310000)"))
    survey.dataProvider().addFeatures([point])
    message = _error({**base, "CENTROIDS": survey})
    assert message.startswith("CENTROIDS: ") and "'survey points'" in message
    assert "no field of area codes" in message and "label" in message and "leave CENTROIDS empty" in message

    message = _error({
        "INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "CENTROIDS": str(nottingham.centroids),
        "FIELDS_SUM": [POP], "OUTPUT": str(out),
    })  # fmt: skip
    assert f"no point of layer '{nottingham.centroids.stem}' carries a code of the LSOAs of layer" in message
    assert f"'{rutland.areas.stem}'" in message and "leave CENTROIDS empty" in message

    drawn = QgsVectorLayer("Polygon?crs=EPSG:27700&field=label:string&field=pop_total:integer", "drawn areas", "memory")
    patch = QgsFeature(drawn.fields())
    patch.setAttributes(["patch", 100])
    patch.setGeometry(QgsGeometry.fromRect(open_layer(sample_gpkg, "district").extent()))
    drawn.dataProvider().addFeatures([patch])
    message = _error({**base, "INPUT": drawn, "CENTROIDS": f"{sample_gpkg}|layername=popweighted_centroids"})
    assert message.startswith("CODE_FIELD: ") and "'drawn areas'" in message and "leave CENTROIDS empty" in message
    assert not out.exists()


def test_lookup_needs_target_codes(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    drawn = QgsVectorLayer("Polygon?crs=EPSG:4326&field=label:string", "drawn", "memory")
    patch = QgsFeature(drawn.fields())
    patch.setAttributes(["somewhere"])
    patch.setGeometry(QgsGeometry.fromRect(QgsRectangle(-0.8, 52.5, -0.5, 52.8)))
    drawn.dataProvider().addFeatures([patch])
    message = _error({
        "INPUT": str(rutland.areas), "TARGET": drawn, "LOOKUP": str(rutland.lookup), "FIELDS_SUM": [POP],
        "OUTPUT": str(tmp_path / "x.gpkg"),
    })  # fmt: skip
    assert "TARGET_CODE_FIELD" in message and "aggregate by location" in message


def test_cancel_writes_nothing(lis_plugin: LisPlugin, rutland: Place, tmp_path: Path) -> None:
    feedback = LogFeedback()
    feedback.progressChanged.connect(lambda _: feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run_aggregate(
            {"INPUT": str(rutland.areas), "TARGET": str(rutland.wards), "FIELDS_SUM": [POP],
             "OUTPUT": str(tmp_path / "cancelled.gpkg")},
            feedback,
        )  # fmt: skip
    assert not (tmp_path / "cancelled.gpkg").exists()


# --- qgis_process ---------------------------------------------------------------------------


@pytest.mark.slow
def test_qgis_process_runs_aggregateindicators(
    qgis_process_env: dict[str, str],
    rutland: Place,
    tmp_path: Path,
) -> None:
    out = tmp_path / "rutland_wards.gpkg"
    run = run_qgis_process(
        qgis_process_env, "run", ALGORITHM, "--", f"INPUT={rutland.areas}", f"TARGET={rutland.wards}",
        f"LOOKUP={rutland.lookup}", f"FIELDS_SUM={POP}", f"FIELDS_RATIO={OLDER}/{POP}*100",
        f"FIELDS_RATIO=pop_0_15_mid2015/{POP}*1,000", f"OUTPUT={out}",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "AREAS_ASSIGNED:\t23" in run.stdout and "AREAS_UNASSIGNED:\t0" in run.stdout
    assert "37,746 in and 37,746 out" in run.stdout + run.stderr
    layer = open_layer(out, "rutland_wards")
    assert layer.featureCount() == 15
    assert sum(feature[f"{POP}_sum"] for feature in layer.getFeatures()) == sum(rutland.file6_population().values())
    children = field_with_alias(layer.source(), f"pop_0_15_mid2015 per {POP} (\u00d71,000)")
    assert children == "pop_0_15_mid2015_per1000_pop_total_mid20"  # cut to 40 characters; the alias says it all
    for feature in layer.getFeatures():  # both ratios, given as a repeated key
        assert feature[f"{OLDER}_pct_{POP}"] == pytest.approx(100 * feature[f"{OLDER}_sum"] / feature[f"{POP}_sum"])
        assert feature[children] == pytest.approx(1000 * feature["pop_0_15_mid2015_sum"] / feature[f"{POP}_sum"])
    assert read_indicator_metadata(out, "rutland_wards")[children].unit == "per 1,000"
