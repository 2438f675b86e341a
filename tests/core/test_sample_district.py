"""The synthetic sample district as the core generator writes it: coherent, and as messy as real tables.

That lis:createsample writes the same files for the same seed is checked in
tests/processing/test_sample_district_algorithm.py.
"""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from qgis.analysis import QgsGraphAnalyzer, QgsGraphBuilder, QgsNetworkDistanceStrategy, QgsVectorLayerDirector
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsVectorLayer

from lis_qgis_plugin.core.deprivation.deprivation import NATIONAL_AREAS, national_quantile
from lis_qgis_plugin.core.sample.sample_district import DOMAIN_CORRELATION, SERVICE_TYPES
from lis_qgis_plugin.core.sample.sample_files import TREND_HEADER, TREND_PERIODS, TREND_SHEET, SampleFiles

from ..support import SAMPLE_LAYER_NAMES, open_layer


def _features(gpkg: Path, name: str) -> list:
    return list(open_layer(gpkg, name).getFeatures())


def test_layers_have_the_documented_sizes_in_british_national_grid(sample_files: SampleFiles) -> None:
    counts = {name: open_layer(sample_files.geopackage, name).featureCount() for name in SAMPLE_LAYER_NAMES}
    assert counts["district"] == 1
    assert counts["wards"] == 12
    assert counts["small_areas"] == counts["popweighted_centroids"] == 150
    assert counts["services"] == sum(spec[0] for spec in SERVICE_TYPES.values()) == 25
    assert counts["candidate_sites"] == 10
    assert counts["roads"] >= 5_000
    for name in SAMPLE_LAYER_NAMES:
        assert open_layer(sample_files.geopackage, name).crs() == QgsCoordinateReferenceSystem("EPSG:27700")


def test_codes_use_ranges_no_real_area_uses(sample_files: SampleFiles, shared_data: Path) -> None:
    lsoa_codes = [f["lsoa_code"] for f in _features(sample_files.geopackage, "small_areas")]
    ward_codes = [f["ward_code"] for f in _features(sample_files.geopackage, "wards")]
    assert all(re.fullmatch(r"E01990\d{3}", code) for code in lsoa_codes)
    assert all(re.fullmatch(r"E05990\d{3}", code) for code in ward_codes)
    assert len(set(lsoa_codes)) == 150
    real_codes = set()
    for name in ("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz", "IoD2025_imd2025_england_lsoa21.csv.gz"):
        with gzip.open(shared_data / "england" / name, "rt", encoding="utf-8-sig") as handle:
            real_codes.update(row[0] for row in csv.reader(handle))
    assert len(real_codes) > 34_000  # LSOA 2011 and 2021 codes, mostly shared
    assert real_codes.isdisjoint(lsoa_codes)


def test_small_areas_nest_in_wards_and_fill_the_district(sample_files: SampleFiles) -> None:
    district = _features(sample_files.geopackage, "district")[0]
    wards = {f["ward_code"]: f for f in _features(sample_files.geopackage, "wards")}
    areas = _features(sample_files.geopackage, "small_areas")
    for area in areas:
        inside = area.geometry().pointOnSurface()
        containing = [code for code, ward in wards.items() if ward.geometry().contains(inside)]
        assert containing == [area["ward_code"]], area["lsoa_code"]
        assert wards[area["ward_code"]]["ward_name"] == area["ward_name"]
    district_area = district.geometry().area()
    assert sum(a.geometry().area() for a in areas) == pytest.approx(district_area, rel=1e-6)
    assert sum(w.geometry().area() for w in wards.values()) == pytest.approx(district_area, rel=1e-6)
    for code, ward in wards.items():
        members = [a for a in areas if a["ward_code"] == code]
        assert ward["pop_total"] == sum(a["pop_total"] for a in members)
        assert ward["small_areas"] == len(members)
        assert 8 <= len(members) <= 18, f"{code} holds {len(members)} small areas: wards should be of similar size"
        assert ward.geometry().constGet().numGeometries() == 1, f"{code} is not one contiguous piece"
    assert district["pop_total"] == sum(a["pop_total"] for a in areas)
    assert all(1_000 <= a["pop_total"] <= 3_000 and 0 < a["pop_0_4"] < a["pop_total"] for a in areas)


def test_population_weighted_centroids_lie_in_their_areas(sample_files: SampleFiles) -> None:
    areas = {f["lsoa_code"]: f for f in _features(sample_files.geopackage, "small_areas")}
    for point in _features(sample_files.geopackage, "popweighted_centroids"):
        area = areas[point["lsoa_code"]]
        assert area.geometry().contains(point.geometry()), point["lsoa_code"]
        assert point["pop_total"] == area["pop_total"]


def test_deprivation_ranks_are_national_and_consistent(sample_files: SampleFiles) -> None:
    national_n = NATIONAL_AREAS["IMD2019"]
    areas = _features(sample_files.geopackage, "small_areas")
    for prefix in ["imd", *DOMAIN_CORRELATION]:
        ranks = [a[f"{prefix}_rank"] for a in areas]
        assert len(set(ranks)) == len(ranks), prefix
        assert all(1 <= r <= national_n for r in ranks)
        assert [a[f"{prefix}_decile"] for a in areas] == [national_quantile(r, national_n) for r in ranks]
    # A higher IMD score always means a more deprived (lower) national rank.
    by_score = sorted(areas, key=lambda a: -a["imd_score"])
    assert [a["imd_rank"] for a in by_score] == sorted(a["imd_rank"] for a in areas)
    # The district spans the deprivation range: most and least deprived national tenths both present.
    deciles = {a["imd_decile"] for a in areas}
    assert {1, 10} <= deciles


def test_services_and_candidates_carry_types_capacities_and_locations(sample_files: SampleFiles) -> None:
    services = _features(sample_files.geopackage, "services")
    for service_type, (count, (low, high), unit, _suffix, _prefix) in SERVICE_TYPES.items():
        of_type = [s for s in services if s["service_type"] == service_type]
        assert len(of_type) == count
        assert all(low <= s["capacity"] <= high and s["capacity_unit"] == unit for s in of_type)
    assert len({s["service_id"] for s in services}) == len({s["name"] for s in services}) == 25
    areas = {f["lsoa_code"]: f for f in _features(sample_files.geopackage, "small_areas")}
    for point in services + _features(sample_files.geopackage, "candidate_sites"):
        assert areas[point["lsoa_code"]].geometry().contains(point.geometry())


def _reachable_from_first_vertex(roads: QgsVectorLayer, forward: str, backward: str) -> tuple[int, int]:
    """(vertices reached, vertices) by QGIS's own graph search over the car network."""
    direction_field = roads.fields().indexOf("oneway")
    director = QgsVectorLayerDirector(
        roads, direction_field, forward, backward, "no", QgsVectorLayerDirector.Direction.DirectionBoth
    )
    director.addStrategy(QgsNetworkDistanceStrategy())
    builder = QgsGraphBuilder(roads.crs(), True, 0.0)
    director.makeGraph(builder, [])
    graph = builder.graph()
    _, cost = QgsGraphAnalyzer.dijkstra(graph, 0, 0)
    start = graph.vertex(0).point()
    reached = sum(1 for index, c in enumerate(cost) if index == 0 or (0 < c < 1e30))
    assert start != QgsPointXY()
    return reached, graph.vertexCount()


def test_road_network_is_connected_for_cars_in_both_directions(sample_files: SampleFiles) -> None:
    roads = open_layer(sample_files.geopackage, "roads")
    values = {f["highway"] for f in roads.getFeatures()}
    assert {"primary", "secondary", "tertiary", "residential", "unclassified", "footway", "service"} <= values
    oneways = [f["oneway"] for f in roads.getFeatures()]
    assert oneways.count("yes") > 10 and oneways.count("-1") > 10
    assert all(f["speed_kph"] and f["speed_kph"] > 0 for f in roads.getFeatures() if f["highway"] != "footway")
    roads.setSubsetString("highway != 'footway' AND (access IS NULL OR access != 'private')")
    QgsProject.instance().addMapLayer(roads, False)
    try:
        reached, vertices = _reachable_from_first_vertex(roads, "yes", "-1")
        assert reached == vertices > 4_000
        # With every one-way reversed, reaching all from vertex 0 means all can reach vertex 0.
        reached_back, _ = _reachable_from_first_vertex(roads, "-1", "yes")
        assert reached_back == vertices
    finally:
        QgsProject.instance().removeMapLayer(roads.id())


def test_imd_csv_has_the_shape_of_the_published_file_1(sample_files: SampleFiles, shared_data: Path) -> None:
    raw = sample_files.imd_csv.read_bytes()
    with gzip.open(shared_data / "england" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz") as handle:
        real = handle.readline()
    assert raw.startswith(b"\xef\xbb\xbf") and real.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0] == real.splitlines()[0]  # same headings as the real File 1
    assert b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))[1:]
    ranks = {f["lsoa_code"]: f["imd_rank"] for f in _features(sample_files.geopackage, "small_areas")}
    assert {row[0]: int(row[4].replace(",", "")) for row in rows} == ranks
    assert any("," in row[4] for row in rows)


def test_health_tables_have_suppressed_values_and_thousands_separators(sample_files: SampleFiles) -> None:
    text = sample_files.health_csv.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(text.decode("utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    assert header[0] == "LSOA code" and len(body) == 150
    obesity = header.index("Year 6 obesity (%)")
    assert any(row[obesity] == "*" for row in body)
    assert all(re.fullmatch(r"\d,\d{3}", row[header.index("Population (mid-2023)")]) for row in body)

    workbook = load_workbook(sample_files.health_xlsx, read_only=True)
    sheet_rows = list(workbook["Indicators"].iter_rows(values_only=True))
    assert sheet_rows[3][: len(header)] == tuple(header)  # the header sits below a title block
    assert [row[1:] for row in sheet_rows[4:]] == [tuple(r[1:]) for r in _typed(body)]
    metadata = list(workbook["Metadata"].iter_rows(values_only=True))
    assert metadata[0] == ("Indicator", "Source", "Period", "Unit", "Polarity")
    assert {row[0] for row in metadata[1:]} == set(header[2:])


def _typed(rows: list[list[str]]) -> list[list]:
    """CSV text cells as openpyxl returns the same cells (numbers typed, markers as text)."""
    typed = []
    for row in rows:
        cells = []
        for cell in row:
            if re.fullmatch(r"-?\d+", cell):
                cells.append(int(cell))
            elif re.fullmatch(r"-?\d+\.\d+", cell):
                cells.append(float(cell))
            else:
                cells.append(cell)
        typed.append(cells)
    return typed


def test_the_workbook_keeps_two_periods_in_fingertips_layout(sample_files: SampleFiles) -> None:
    workbook = load_workbook(sample_files.health_xlsx, read_only=True)
    latest = {row[0]: row for row in list(workbook["Indicators"].iter_rows(values_only=True))[4:]}
    trend = list(workbook[TREND_SHEET].iter_rows(values_only=True))
    header, body = trend[0], trend[1:]
    assert list(header) == TREND_HEADER
    column = {name: header.index(name) for name in header}
    assert len(body) == 3 * 2 * 150
    rate = {
        (row[column["Time period"]], row[column["Area Code"]]): row
        for row in body
        if row[column["Indicator ID"]] == 93001
    }
    assert {period for period, _ in rate} == set(TREND_PERIODS)
    wide_rate = 4  # "Emergency admissions per 1,000" in the Indicators sheet
    for code, wide in latest.items():
        now, before = rate[("2022/23", code)], rate[("2021/22", code)]
        assert now[column["Value"]] == wide[wide_rate]
        assert now[column["Count"]] == wide[3] and now[column["Denominator"]] == int(wide[2].replace(",", ""))
        assert now[column["Value"]] == round(1000 * now[column["Count"]] / now[column["Denominator"]], 1)
        assert before[column["Value"]] == round(1000 * before[column["Count"]] / before[column["Denominator"]], 1)
    # The district's admission rate rose between the two periods, as the generator intends.
    totals = {
        period: sum(rate[(period, code)][column["Count"]] for code in latest)
        / sum(rate[(period, code)][column["Denominator"]] for code in latest)
        for period in TREND_PERIODS
    }
    assert totals["2022/23"] > totals["2021/22"] * 1.03
    suppressed = [row for row in body if row[column["Indicator ID"]] == 93002 and row[column["Value"]] is None]
    assert suppressed and all(row[column["Value note"]] for row in suppressed)
