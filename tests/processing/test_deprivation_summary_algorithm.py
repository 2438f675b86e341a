"""lis:deprivationsummary: MHCLG's district summary measures for any areas, on real Rutland and Nottingham data.

Data combinations (no file has both an IoD score and a population on the same LSOAs):
- IoD2019 ranks (imd_rank, N = 32,844) with the mid-2015 population (pop_total_mid2015) of the
  LSOA 2011 files: average rank, extent, local concentration, decile counts; no score.
- IoD2025 scores and ranks (IMD_score, IMD_rank, N = 33,755) on Rutland's LSOA 2021, with a
  population apportioned from LSOA 2011 by area (pop_total_mid2015 x share_of_lsoa11_area_in_lsoa21
  of the derived LSOA11 -> LSOA21 lookup): a documented proxy, used to check the average score.

Expected values are computed here by hand, with a plain re-implementation of the published
definitions (IoD2019 Technical report, Appendix N), never by calling the module under test.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsVectorLayer

from lis_qgis_plugin.plugin import LisPlugin

from ..support import SHARED_DATA, LogFeedback, csv_rows

ALGORITHM = "lis:deprivationsummary"
N2019 = 32_844
N2025 = 33_755


# --- the published definitions, written out by hand -------------------------------------------


def hand_measures(areas: list[tuple[int, float, float | None]], n: int) -> dict[str, object]:
    """(rank, population, score) of a target's LSOAs -> the measures, straight from the definitions."""
    total = sum(pop for _, pop, _ in areas)
    percentile = [-(-100 * rank // n) for rank, _, _ in areas]  # ceil(100 r / N) in whole numbers
    decile = [-(-10 * rank // n) for rank, _, _ in areas]
    weights = []
    for p in percentile:
        if p <= 10:
            weights.append(1.0)
        elif p <= 30:
            weights.append(0.95 - (0.95 - 0.05) / 19 * (p - 11))
        else:
            weights.append(0.0)
    # local concentration: most deprived first, until exactly 10% of the people
    need, taken, ranks_x_people = 0.1 * total, 0.0, 0.0
    for rank, pop, _ in sorted(areas):
        part = min(pop, need - taken)
        if part <= 0:
            break
        taken += part
        ranks_x_people += rank * part
    scored = [(pop, score) for _, pop, score in areas if score is not None]
    return {
        "n_lsoas": len(areas),
        "population": total,
        "avg_rank": sum(rank * pop for rank, pop, _ in areas) / total,
        "avg_score": sum(pop * score for pop, score in scored) / sum(pop for pop, _ in scored) if scored else None,
        "prop_lsoas_most_deprived_10": sum(1 for d in decile if d == 1) / len(areas),
        "pop_share_most_deprived_10": sum(pop for (_, pop, _), d in zip(areas, decile) if d == 1) / total,
        "extent": sum(w * pop for w, (_, pop, _) in zip(weights, areas)) / total,
        "local_concentration": ranks_x_people / taken,
        **{f"decile_{d}": decile.count(d) for d in range(1, 11)},
    }


def properties(path: Path) -> list[dict]:
    return [feature["properties"] for feature in json.loads(path.read_text(encoding="utf-8"))["features"]]


def run(params: dict) -> tuple[dict, LogFeedback]:
    import processing

    feedback = LogFeedback()
    result = processing.run(ALGORITHM, params, context=QgsProcessingContext(), feedback=feedback)
    return result, feedback


def iod2019_params(place: str, target: Path, target_code: str, output: Path) -> dict[str, object]:
    """Parameters for IoD2019 ranks with the mid-2015 population of the LSOA 2011 file of ``place``."""
    return {
        "INPUT": str(iod2019_lsoas(place)),
        "CODE_FIELD": "LSOA11CD",
        "RANK_FIELD": "imd_rank",
        "POPULATION_FIELD": "pop_total_mid2015",
        "NATIONAL_N": N2019,
        "TARGET": str(target),
        "TARGET_CODE_FIELD": target_code,
        "OUTPUT": str(output),
    }


def iod2019_lsoas(place: str) -> Path:
    return SHARED_DATA / place / "deprivation" / f"{place}_lsoa11_imd2019.geojson"


def output_rows(uri: str, key: str) -> dict[str, dict[str, object]]:
    layer = QgsVectorLayer(uri, "out", "ogr")
    assert layer.isValid(), uri
    names = layer.fields().names()
    return {str(f[key]): {name: f[name] for name in names} for f in layer.getFeatures()}


def assert_measures(row: dict[str, object], expected: dict[str, object]) -> None:
    for name, value in expected.items():
        if value is None:
            assert name not in row or row[name] is None or str(row[name]) == "NULL", name
        else:
            assert row[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name


# --- real data through Processing -----------------------------------------------------------------


@pytest.mark.parametrize("place", ["rutland", "nottingham"])
def test_district_by_location_iod2019(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path, place: str) -> None:
    lsoas = iod2019_lsoas(place)
    district = shared_data / place / "boundaries" / f"{place}_la_boundary_from_lsoa11.geojson"
    before = lsoas.read_bytes()
    result, feedback = run(iod2019_params(place, district, "LAD_CODE", tmp_path / "summary.gpkg"))
    rows = properties(lsoas)
    expected = hand_measures([(r["imd_rank"], r["pop_total_mid2015"], None) for r in rows], N2019)
    out = output_rows(result["OUTPUT"], "LAD_CODE")
    assert len(out) == 1
    (row,) = out.values()
    assert row["LAD_NAME"] == place.capitalize()
    assert_measures(row, expected)
    assert "avg_score" not in row  # no SCORE_FIELD, no score field
    assert lsoas.read_bytes() == before
    assert f"{place.capitalize()} (E0600001" in feedback.text
    if place == "rutland":  # affluent: deciles 5-10
        assert row["extent"] == 0 and row["decile_1"] == 0
    else:
        assert 0 < row["extent"] < 1
        assert row["decile_1"] > 0


@pytest.mark.parametrize("place, lsoa_count", [("nottingham", 182), ("rutland", 23)])
def test_wards_through_lookup_iod2019(
    lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path, place: str, lsoa_count: int
) -> None:
    lsoas = iod2019_lsoas(place)
    wards = shared_data / place / "boundaries" / f"{place}_wards_2025.geojson"
    lookup = shared_data / place / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"
    params = iod2019_params(place, wards, "WD25CD", tmp_path / "wards.gpkg")
    result, feedback = run({**params, "LOOKUP": str(lookup)})
    ward_of = {row["LSOA11CD"]: row["WD25CD"] for row in csv_rows(lookup)}
    members: dict[str, list[tuple[int, float, None]]] = defaultdict(list)
    for row in properties(lsoas):
        members[ward_of[row["LSOA11CD"]]].append((row["imd_rank"], row["pop_total_mid2015"], None))
    out = output_rows(result["OUTPUT"], "WD25CD")
    assert set(out) == {row["WD25CD"] for row in properties(wards)}  # every ward, even one with no LSOA
    partial = []
    for code, row in out.items():
        if not members[code]:
            assert row["n_lsoas"] == 0
            continue
        expected = hand_measures(members[code], N2019)
        assert_measures(row, expected)
        if 0 < expected["extent"] < 1:
            partial.append(code)
    if place == "nottingham":
        assert "E05012281" in partial, "Hyson Green & Arboretum has LSOAs inside and outside the most deprived 30%"
    assert sum(row["n_lsoas"] for row in out.values()) == lsoa_count
    layer = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    aliases = {layer.fields().at(i).name(): layer.fields().at(i).alias() for i in range(layer.fields().count())}
    assert aliases["extent"].startswith("Extent: share of residents in the most deprived 30%")
    # one plain-words line per ward, with its name, and the top ward named at the end
    top = max(out, key=lambda code: out[code]["extent"])
    top_name = next(r["WD25NM"] for r in properties(wards) if r["WD25CD"] == top)
    share = round(100 * out[top]["pop_share_most_deprived_10"])
    assert f"{top_name} ({top}): {share}% of its" in feedback.text
    assert f"Most deprived by extent: {top_name} ({top})" in feedback.text


def test_rutland_lsoa21_iod2025_scores(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """IoD2025 score and rank, N = 33,755, population apportioned from LSOA 2011 by area share."""
    lsoa21 = shared_data / "rutland" / "deprivation" / "rutland_lsoa21_imd2025.geojson"
    pop11 = {
        r["LSOA11CD"]: r["pop_total_mid2015"]
        for r in properties(shared_data / "rutland/deprivation/rutland_lsoa11_imd2019.geojson")
    }
    population: dict[str, float] = defaultdict(float)
    for row in csv_rows(shared_data / "rutland" / "boundaries" / "lookup_lsoa11_to_lsoa21_bestfit_derived.csv"):
        population[row["LSOA21CD"]] += pop11[row["LSOA11CD"]] * float(row["share_of_lsoa11_area_in_lsoa21"])
    data = json.loads(lsoa21.read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"]["pop_apportioned"] = population[feature["properties"]["LSOA21CD"]]
    joined = tmp_path / "rutland_lsoa21_pop.geojson"
    joined.write_text(json.dumps(data), encoding="utf-8")
    result, _ = run(
        {
            "INPUT": str(joined),
            "RANK_FIELD": "IMD_rank",
            "SCORE_FIELD": "IMD_score",
            "POPULATION_FIELD": "pop_apportioned",
            "NATIONAL_N": N2025,
            "TARGET": str(shared_data / "rutland" / "boundaries" / "rutland_la_boundary_from_lsoa11.geojson"),
            "OUTPUT": str(tmp_path / "rutland2025.gpkg"),
        }
    )
    rows = [f["properties"] for f in data["features"]]
    expected = hand_measures([(r["IMD_rank"], r["pop_apportioned"], r["IMD_score"]) for r in rows], N2025)
    (row,) = output_rows(result["OUTPUT"], "LAD_CODE").values()
    assert row["n_lsoas"] == 26
    assert_measures(row, expected)


def test_bad_inputs_through_processing(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    district = shared_data / "nottingham" / "boundaries" / "nottingham_la_boundary_from_lsoa11.geojson"
    params = {**iod2019_params("nottingham", district, "LAD_CODE", tmp_path / "bad.gpkg"), "NATIONAL_N": 10_000}
    with pytest.raises(QgsProcessingException, match=r"NATIONAL_N is 10,000 but the largest rank"):
        run(params)
    with pytest.raises(QgsProcessingException, match="POPULATION_FIELD: layer .* has no field 'nope'"):
        run({**params, "NATIONAL_N": N2019, "POPULATION_FIELD": "nope"})
    with pytest.raises(QgsProcessingException, match="GeoPackage"):
        run({**params, "NATIONAL_N": N2019, "OUTPUT": str(tmp_path / "bad.shp")})
    assert not (tmp_path / "bad.gpkg").exists()


def test_a_table_without_geometry_through_a_lookup(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """INPUT may be a plain table of LSOA ranks and populations when a LOOKUP places its rows."""
    wards = shared_data / "nottingham" / "boundaries" / "nottingham_wards_2025.geojson"
    lookup = shared_data / "nottingham" / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"
    table = tmp_path / "nottingham_ranks.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LSOA11CD", "imd_rank", "pop_total_mid2015"])
        for row in properties(iod2019_lsoas("nottingham")):
            writer.writerow([row["LSOA11CD"], row["imd_rank"], row["pop_total_mid2015"]])
    csv_layer = f"file://{table}?type=csv&geomType=none&detectTypes=yes"
    params = iod2019_params("nottingham", wards, "WD25CD", tmp_path / "from_table.gpkg")
    from_table, _ = run({**params, "INPUT": QgsVectorLayer(csv_layer, "ranks", "delimitedtext"), "LOOKUP": str(lookup)})
    from_polygons, _ = run({**params, "OUTPUT": str(tmp_path / "from_polygons.gpkg"), "LOOKUP": str(lookup)})
    assert output_rows(from_table["OUTPUT"], "WD25CD") == output_rows(from_polygons["OUTPUT"], "WD25CD")
    with pytest.raises(QgsProcessingException, match="table without geometry.*Give a LOOKUP"):
        run(
            {**params, "INPUT": QgsVectorLayer(csv_layer, "ranks", "delimitedtext"), "OUTPUT": str(tmp_path / "x.gpkg")}
        )
    assert not (tmp_path / "x.gpkg").exists()


def test_nottingham_wards_iod2025_scores_by_location(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """IoD2025 scores and ranks (LSOA 2021) by Nottingham ward and for the district, placed by location.

    The shared data has no LSOA 2021 population, so each LSOA 2021 gets the mid-2015 population of
    the LSOA 2011 areas it overlaps, shared out by area (British National Grid).
    """
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    notts = shared_data / "nottingham"
    lsoa11 = QgsVectorLayer(str(iod2019_lsoas("nottingham")), "lsoa11", "ogr")
    lsoa21_path = notts / "deprivation" / "nottingham_lsoa21_imd2025.geojson"
    lsoa21 = QgsVectorLayer(str(lsoa21_path), "lsoa21", "ogr")
    to_bng = QgsCoordinateTransform(lsoa11.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())

    def bng(feature: object) -> object:
        geometry = feature.geometry()
        geometry.transform(to_bng)
        return geometry

    old = [(bng(f), f["pop_total_mid2015"]) for f in lsoa11.getFeatures()]
    population = {}
    for feature in lsoa21.getFeatures():
        shape = bng(feature)
        population[feature["LSOA21CD"]] = sum(
            pop * shape.intersection(geometry).area() / geometry.area()
            for geometry, pop in old
            if shape.boundingBox().intersects(geometry.boundingBox())
        )
    data = json.loads(lsoa21_path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"]["pop_apportioned"] = population[feature["properties"]["LSOA21CD"]]
    joined = tmp_path / "nottingham_lsoa21_pop.geojson"
    joined.write_text(json.dumps(data), encoding="utf-8")
    wards_path = notts / "boundaries" / "nottingham_wards_2025.geojson"
    result, _ = run(
        {
            "INPUT": str(joined), "RANK_FIELD": "IMD_rank", "SCORE_FIELD": "IMD_score",
            "POPULATION_FIELD": "pop_apportioned", "NATIONAL_N": N2025, "TARGET": str(wards_path),
            "TARGET_CODE_FIELD": "WD25CD", "OUTPUT": str(tmp_path / "wards2025.gpkg"),
        }
    )  # fmt: skip
    wards = [(f["WD25CD"], f.geometry()) for f in QgsVectorLayer(str(wards_path), "w", "ogr").getFeatures()]
    members: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for feature in QgsVectorLayer(str(joined), "j", "ogr").getFeatures():
        point = feature.geometry().pointOnSurface()
        ward = next(code for code, geometry in wards if geometry.contains(point))
        members[ward].append((feature["IMD_rank"], feature["pop_apportioned"], feature["IMD_score"]))
    out = output_rows(result["OUTPUT"], "WD25CD")
    assert sum(len(areas) for areas in members.values()) == 179
    partial = []
    for code, areas in members.items():
        expected = hand_measures(areas, N2025)
        assert_measures(out[code], expected)
        partial += [code] if 0 < expected["extent"] < 1 else []
    assert partial, "at least one ward lies partly in England's most deprived 30%"
    assert sum(population.values()) == pytest.approx(sum(pop for _, pop in old), rel=0.01)


# --- the edition from the codes, and an LSOA listed twice (issue 16) ---------------------------------


def test_n_is_detected_from_the_codes_by_default(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """NATIONAL_N left empty: IoD2019 from Nottingham's retired 2011 codes, the same figures as with N given."""
    district = shared_data / "nottingham" / "boundaries" / "nottingham_la_boundary_from_lsoa11.geojson"
    params = iod2019_params("nottingham", district, "LAD_CODE", tmp_path / "detected.gpkg")
    del params["NATIONAL_N"]
    detected, feedback = run(params)
    assert "Edition IoD2019: ranks among 32,844 areas nationally (12 LSOA codes of 2011 that 2021 retired" in (
        feedback.text
    )
    given, _ = run({**params, "NATIONAL_N": N2019, "OUTPUT": str(tmp_path / "given.gpkg")})
    assert output_rows(detected["OUTPUT"], "LAD_CODE") == output_rows(given["OUTPUT"], "LAD_CODE")
    rows = properties(iod2019_lsoas("nottingham"))
    (row,) = output_rows(detected["OUTPUT"], "LAD_CODE").values()
    assert_measures(row, hand_measures([(r["imd_rank"], r["pop_total_mid2015"], None) for r in rows], N2019))


def test_iod2025_ranks_under_neutral_names_use_33755(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """The IoD2025 ranks of Nottingham's LSOAs 2021, as a table with neutral names, placed through a lookup."""
    ranks = {
        r["lsoa21_code"]: int(r["IMD_rank"])
        for r in csv_rows(shared_data / "nottingham/deprivation/nottingham_imd2025_lsoa21.csv")
    }
    kept = {code: rank for code, rank in ranks.items() if rank <= N2019}  # no rank gives the edition away
    table = tmp_path / "areas.csv"
    lookup = tmp_path / "lookup.csv"
    with table.open("w", encoding="utf-8", newline="") as handle, lookup.open("w", encoding="utf-8", newline="") as out:
        writer, to_district = csv.writer(handle), csv.writer(out)
        writer.writerow(["code", "rank", "people"])
        to_district.writerow(["code", "district"])
        for code, rank in kept.items():
            writer.writerow([code, rank, 1000])
            to_district.writerow([code, "E06000018"])
    district = shared_data / "nottingham" / "boundaries" / "nottingham_la_boundary_from_lsoa11.geojson"
    layer = QgsVectorLayer(f"file://{table}?type=csv&geomType=none&detectTypes=yes", "areas", "delimitedtext")
    params = {"INPUT": layer, "CODE_FIELD": "code", "RANK_FIELD": "rank", "POPULATION_FIELD": "people",
              "TARGET": str(district), "TARGET_CODE_FIELD": "LAD_CODE", "LOOKUP": str(lookup),
              "OUTPUT": str(tmp_path / "n2025.gpkg")}  # fmt: skip
    result, feedback = run(params)
    assert "Edition IoD2025: ranks among 33,755 areas nationally (9 LSOA codes created in 2021" in feedback.text
    (row,) = output_rows(result["OUTPUT"], "LAD_CODE").values()
    assert_measures(row, hand_measures([(rank, 1000.0, None) for rank in kept.values()], N2025))
    assert row["decile_1"] == sum(1 for rank in kept.values() if rank <= 3_375)  # 3,366 is in decile 1
    assert row["decile_1"] != sum(1 for rank in kept.values() if rank <= 3_284)  # what N = 32,844 gave


def test_a_duplicated_lsoa_is_refused_by_name(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    wards = shared_data / "nottingham" / "boundaries" / "nottingham_wards_2025.geojson"
    lookup = shared_data / "nottingham" / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"
    table = tmp_path / "twice.csv"
    rows = properties(iod2019_lsoas("nottingham"))
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LSOA11CD", "imd_rank", "pop_total_mid2015"])
        for row in [*rows, rows[5]]:  # one LSOA pasted twice
            writer.writerow([row["LSOA11CD"], row["imd_rank"], row["pop_total_mid2015"]])
    before = table.read_bytes()
    layer = QgsVectorLayer(f"file://{table}?type=csv&geomType=none&detectTypes=yes", "ranks", "delimitedtext")
    params = {**iod2019_params("nottingham", wards, "WD25CD", tmp_path / "twice.gpkg"), "INPUT": layer}
    with pytest.raises(
        QgsProcessingException, match=f"1 LSOA code is on more than one row of 'ranks' \\({rows[5]['LSOA11CD']}\\)"
    ):
        run({**params, "LOOKUP": str(lookup)})
    assert not (tmp_path / "twice.gpkg").exists()
    assert table.read_bytes() == before


def test_codes_that_cannot_tell_need_n(lis_plugin: LisPlugin, shared_data: Path, tmp_path: Path) -> None:
    """Only codes common to 2011 and 2021 (Rutland's, minus its retired two) and no rank above 32,844."""
    lsoas = [r for r in properties(iod2019_lsoas("rutland")) if r["LSOA11CD"] not in ("E01013801", "E01013802")]
    data = json.loads(iod2019_lsoas("rutland").read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["LSOA11CD"] in {r["LSOA11CD"] for r in lsoas}]
    common = tmp_path / "common.geojson"
    common.write_text(json.dumps(data), encoding="utf-8")
    district = shared_data / "rutland" / "boundaries" / "rutland_la_boundary_from_lsoa11.geojson"
    params = {**iod2019_params("rutland", district, "LAD_CODE", tmp_path / "c.gpkg"), "INPUT": str(common)}
    del params["NATIONAL_N"]
    with pytest.raises(QgsProcessingException, match="cannot be told: every LSOA code .* Set NATIONAL_N"):
        run(params)
    assert not (tmp_path / "c.gpkg").exists()
    result, _ = run({**params, "NATIONAL_N": N2019})
    (row,) = output_rows(result["OUTPUT"], "LAD_CODE").values()
    assert row["n_lsoas"] == len(lsoas)
