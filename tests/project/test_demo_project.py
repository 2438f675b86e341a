"""`make demo` writes a project that reopens with every layer valid and read from GeoPackage."""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import NULL, QgsProject, QgsVectorLayer
from qgis.PyQt.QtGui import QColor, QImage

from lis_qgis_plugin.plugin import LisPlugin

from ..support import REPO, pdf_pages

sys.path.insert(0, str(REPO / "scripts"))
import demo


@pytest.fixture(scope="module")
def demo_outputs(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo.run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_project_reopens_with_all_layers_valid_from_geopackage(demo_outputs: dict[str, Path]) -> None:
    project = QgsProject()
    assert project.read(str(demo_outputs["project"]))
    layers = list(project.mapLayers().values())
    assert len(layers) == 19  # 7 sample layers, store catalogue, health x2, decile map, ward summary, GP x4, centres x3
    for layer in layers:
        assert layer.isValid(), layer.name()
        assert layer.providerType() == "ogr"
        assert layer.source().split("|")[0].endswith(".gpkg")
        assert Path(layer.source().split("|")[0]).exists()
    assert sum(layer.source().split("|")[0].endswith("lisford_sample.gpkg") for layer in layers) == 7
    small_areas = next(layer for layer in layers if layer.name() == "Small areas: IMD decile")
    # The project opens on the whole district, not on an empty canvas at 1:1.
    view = project.viewSettings().defaultViewExtent()
    assert view.crs().authid() == "EPSG:27700"
    assert view.contains(small_areas.extent()) and view.width() < 1.2 * small_areas.extent().width()
    # The decile style travels inside the GeoPackage as the layer's default style.
    assert small_areas.renderer().type() == "categorizedSymbol"
    assert small_areas.renderer().classAttribute() == "imd_decile"
    assert small_areas.renderer().categories()[0].label() == "1 – most deprived 10% nationally"
    # Paths are stored relative to the project, so the folder can be moved or shared.
    text = demo_outputs["project"].read_bytes()
    assert str(demo_outputs["project"].parent).encode() not in text


def test_demo_map_shows_the_most_deprived_areas_in_the_strong_colour(demo_outputs: dict[str, Path]) -> None:
    image = QImage(str(demo_outputs["map"]))
    assert image.width() == 1200 and image.height() > 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert QColor("#081d58").rgb() in colours  # decile 1 fill
    assert len(colours) > 50


def test_demo_pdf_is_one_a4_page_that_leads_with_the_answer(demo_outputs: dict[str, Path], tmp_path: Path) -> None:
    pdf = demo_outputs["pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "842 x 595 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first_line = next(line.strip() for line in text.splitlines() if line.strip())
    assert re.fullmatch(
        r"\d+% of Lisford's residents live in England's most deprived tenth of neighbourhoods", first_line
    )
    for expected in (
        "1 – most deprived 10% nationally",
        "GP surgery",
        "Candidate sites",
        "deciles are national",
        "Made ",
    ):
        assert expected in text
    # The map itself is drawn: the most deprived decile's fill shows on the rendered page.
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert "#081d58" in colours


def test_demo_project_keeps_the_print_layout(demo_outputs: dict[str, Path]) -> None:
    project = QgsProject()
    assert project.read(str(demo_outputs["project"]))
    layouts = project.layoutManager().layouts()
    assert len(layouts) == 1
    map_item = layouts[0].itemById("map")
    assert map_item is not None and len(map_item.layers()) == 6
    assert map_item.extent().contains(project.mapLayersByName("District boundary")[0].extent())


def test_a_template_without_a_map_is_refused_with_its_reason(tmp_path: Path) -> None:
    from lis_qgis_plugin.core.common.plugin_files import resource_path
    from lis_qgis_plugin.layouts.map_layout import MAP_TEMPLATE, MapPage, build_map_layout

    template = resource_path("templates", MAP_TEMPLATE).read_text(encoding="utf-8").replace('id="map"', 'id="other"')
    (tmp_path / "broken.qpt").write_text(template, encoding="utf-8")
    page = MapPage("t", "s", "src", [], [], None)
    with pytest.raises(ValueError, match="no QgsLayoutItemMap with id 'map'"):
        build_map_layout(QgsProject(), page, tmp_path / "broken.qpt")


def test_demo_joins_the_health_workbook_and_adds_it_up_by_ward(demo_outputs: dict[str, Path]) -> None:
    """The demo's join report leads with the answer, and the ward totals equal the small-area totals."""
    import json

    from qgis.core import QgsVectorLayer

    report = json.loads(demo_outputs["join_report"].with_suffix(".json").read_text(encoding="utf-8"))
    small_areas = QgsVectorLayer(str(demo_outputs["health_by_small_area"]), "joined", "ogr")
    wards = QgsVectorLayer(str(demo_outputs["health_by_ward"]), "wards", "ogr")
    assert report["matched"] == small_areas.featureCount() == 150
    assert report["headline"].startswith("All 150 LSOA areas of 'Small areas' matched a row of the indicator store")
    # Suppressed cells ('*') went into the store as no value, and come out of it empty, not zero.
    health = list(csv.DictReader(demo_outputs["lisford_health_indicators.csv"].read_text("utf-8-sig").splitlines()))
    suppressed = sum(1 for row in health if row["Year 6 obesity (%)"] == "*")
    nulls = sum(1 for feature in small_areas.getFeatures() if feature["year_6_obesity"] in (None, NULL))
    assert nulls == suppressed > 0
    assert wards.featureCount() == 12
    total = sum(feature["population_mid_2023"] for feature in small_areas.getFeatures())
    assert sum(feature["population_mid_2023_sum"] for feature in wards.getFeatures()) == total
    assert sum(feature["n_areas"] for feature in wards.getFeatures()) == 150
    project = QgsProject()
    assert project.read(str(demo_outputs["project"]))
    titles = {layer.name() for layer in project.mapLayers().values()}
    assert {"Health indicators by small area", "Health by ward"} <= titles


def test_demo_maps_national_deciles_and_summarises_wards(demo_outputs: dict[str, Path]) -> None:
    """The decile map reproduces national deciles; the ward summary matches the small areas it nests."""
    from collections import defaultdict

    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.deprivation.deprivation import NATIONAL_AREAS, national_quantile

    deciles = QgsVectorLayer(str(demo_outputs["decile_map"]), "deciles", "ogr")
    areas = list(deciles.getFeatures())
    assert len(areas) == 150
    rank, decile = "index_of_multiple_deprivation_imd_rank", deciles.renderer().classAttribute()  # from the store
    assert all(f[decile] == national_quantile(f[rank], NATIONAL_AREAS["IMD2019"]) for f in areas)
    assert deciles.renderer().type() == "categorizedSymbol"  # the stored style travels with the GeoPackage
    people, in_decile_1 = defaultdict(int), defaultdict(int)
    for area in areas:
        people[area["ward_code"]] += area["population_mid_2023"]
        in_decile_1[area["ward_code"]] += (
            area["population_mid_2023"] if area["index_of_multiple_deprivation_imd_decile"] == 1 else 0
        )
    wards = list(QgsVectorLayer(str(demo_outputs["ward_deprivation"]), "wards", "ogr").getFeatures())
    assert len(wards) == len(people) == 12
    for ward in wards:
        assert ward["pop_share_most_deprived_10"] == pytest.approx(
            in_decile_1[ward["ward_code"]] / people[ward["ward_code"]]
        )
        assert 0 <= ward["extent"] <= 1
    assert QImage(str(demo_outputs["decile_png"])).width() == 1000


def test_demo_gp_catchments_cover_every_resident_once(demo_outputs: dict[str, Path]) -> None:
    """Coverage adds up to the district's population, and every small area has its nearest surgery."""
    from qgis.core import QgsVectorLayer

    gpkg = demo_outputs["gp_catchments"]
    people = sum(
        f["pop_total"]
        for f in QgsVectorLayer(
            f"{demo_outputs['lisford_sample.gpkg']}|layername=small_areas", "a", "ogr"
        ).getFeatures()
    )
    coverage = {f["facility_id"]: f for f in QgsVectorLayer(f"{gpkg}|layername=coverage", "c", "ogr").getFeatures()}
    overall = coverage.pop("All facilities")
    assert overall["population"] == people
    assert sum(f["population"] for f in coverage.values()) == pytest.approx(people)  # each assigned to one surgery
    assert overall["within_3min"] <= overall["within_10min"] <= people
    assignment = list(QgsVectorLayer(f"{gpkg}|layername=assignment", "a", "ogr").getFeatures())
    assert len(assignment) == 150 and all(f["facility_id"] for f in assignment)
    assert QgsVectorLayer(f"{gpkg}|layername=catchments", "k", "ogr").featureCount() == 2 * len(coverage)


def test_demo_draws_filled_gp_areas_whose_coverage_is_the_people_within_each_band(
    demo_outputs: dict[str, Path],
) -> None:
    """One filled area per surgery and band; coverage counts the centroids whose surface time is within the band,
    and a centroid lies inside its surgery's area when its time is within the band (or is within one cell's walk
    of the limit)."""
    gpkg = demo_outputs["gp_catchments_filled"]
    coverage = {f["facility_id"]: f for f in QgsVectorLayer(f"{gpkg}|layername=coverage", "c", "ogr").getFeatures()}
    overall = coverage.pop("All facilities")
    catchments = list(QgsVectorLayer(f"{gpkg}|layername=catchments", "k", "ogr").getFeatures())
    assert len(catchments) == 2 * len(coverage) == 24  # 12 GP surgeries, 3 and 10 minutes
    assert {f["method"] for f in catchments} == {"filled network drive time"}
    areas = {(f["facility_id"], f["band"]): f.geometry() for f in catchments}
    assignment = list(QgsVectorLayer(f"{gpkg}|layername=assignment", "a", "ogr").getFeatures())
    assert len(assignment) == 150
    one_cell_walk_min = 50 / (4800 / 60)
    for band in (3, 10):
        within = [f for f in assignment if isinstance(f["cost"], float) and f["cost"] <= band]
        within_ids = {f["demand_fid"] for f in within}
        assert overall[f"within_{band}min"] == pytest.approx(sum(f["population"] for f in within))
        disagree = [
            f["cost"]
            for f in assignment
            if areas[(f["facility_id"], band)].contains(f.geometry()) != (f["demand_fid"] in within_ids)
        ]
        assert len(disagree) <= 0.03 * len(assignment)
        assert all(abs(cost - band) < one_cell_walk_min for cost in disagree), disagree
    assert 0 < overall["within_3min"] < overall["within_10min"] == overall["population"]  # the sample is compact
    roads = next(
        f
        for f in QgsVectorLayer(f"{demo_outputs['gp_catchments']}|layername=coverage", "c", "ogr").getFeatures()
        if f["facility_id"] == "All facilities"
    )
    assert overall["within_3min"] < roads["within_3min"]  # the walk from the road counts in the filled areas
    image = QImage(str(demo_outputs["gp_catchments_png"]))
    assert image.width() == 1600 and image.height() > 800


def test_demo_suggests_two_childrens_centres_that_reach_more_deprived_families(demo_outputs: dict[str, Path]) -> None:
    path = demo_outputs["new_childrens_centres"]
    sites = list(QgsVectorLayer(f"{path}|layername=new_sites", "sites", "ogr").getFeatures())
    assert [f["choice"] for f in sites] == [1, 2] and all(f["site_id"].startswith("C") for f in sites)
    rows = {f["scenario"]: f for f in QgsVectorLayer(f"{path}|layername=summary", "summary", "ogr").getFeatures()}
    assert rows["after"]["population_within"] - rows["before"]["population_within"] == pytest.approx(
        sum(f["people_newly_within"] for f in sites)
    )
    assert rows["after"]["deprived_within"] > rows["before"]["deprived_within"]


def test_demo_builds_the_store_that_every_figure_comes_from(demo_outputs: dict[str, Path]) -> None:
    """The store holds the workbook's two periods and the IMD; the small areas the demo maps carry its values."""
    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.store.store_values import catalogue, latest_period, periods, values_at

    store = demo_outputs["store"]
    ids = {entry.indicator_id for entry in catalogue(store)}
    assert len(ids) == 11 and "iod2019.index_of_multiple_deprivation_imd_rank" in ids
    assert (
        periods(store, "lisford.93001") == ["2021/22", "2022/23"] and latest_period(store, "lisford.93001") == "2022/23"
    )
    workbook = list(csv.DictReader(demo_outputs["lisford_health_indicators.csv"].read_text("utf-8-sig").splitlines()))
    rates = values_at(store, "lisford.93001")
    assert {row["LSOA code"]: float(row["Emergency admissions per 1,000"]) for row in workbook} == rates
    assert values_at(store, "lisford.93001", "2021/22") != rates  # the earlier period is kept, not overwritten
    imd = list(csv.DictReader(demo_outputs["lisford_imd2019_file1.csv"].read_text("utf-8-sig").splitlines()))
    published = {
        row["LSOA code (2011)"]: int(row["Index of Multiple Deprivation (IMD) Rank"].replace(",", "")) for row in imd
    }
    layer = QgsVectorLayer(str(demo_outputs["health_by_small_area"]), "from the store", "ogr")
    assert {f["lsoa_code"]: f["index_of_multiple_deprivation_imd_rank"] for f in layer.getFeatures()} == published


def byar(count: float, people: float, z: float = 1.959964, per: float = 1000) -> tuple[float, float]:
    """Byar's limits of a crude rate, by the textbook formula (PHEindicatormethods' byars_lower/upper)."""
    low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    high = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return per * low / people, per * high / people


def test_demo_profiles_give_each_wards_admission_rate_with_byars_limits(demo_outputs: dict[str, Path]) -> None:
    """The ward profiles carry the admission rate with Byar's 95% limits of the ward's own counts, and the district's
    pooled from all 12 wards; the synthetic sample has no England values, so no page claims a comparison with it."""
    wards = QgsVectorLayer(str(demo_outputs["health_by_ward"]), "wards", "ogr")
    counts = {
        f["ward_name"]: (f["emergency_admissions_count_sum"], f["population_mid_2023_sum"]) for f in wards.getFeatures()
    }
    pages = pdf_pages(demo_outputs["ward_profiles"])
    assert len(pages) == len(counts) == 12
    admissions, people = (sum(pair[i] for pair in counts.values()) for i in (0, 1))
    district = 1000 * admissions / people
    for page in pages:
        name = page.strip().split("  ")[0]
        count, residents = counts[name]
        low, high = byar(count, residents)
        flat = re.sub(r"\s+", " ", page)
        assert re.search(
            rf"{1000 * count / residents:.1f} per 1,000 {district:.1f} per 1,000 .* {low:.1f}\u2013{high:.1f} "
            rf"{byar(admissions, people)[0]:.1f}\u2013{byar(admissions, people)[1]:.1f}",
            flat,
        ), flat
        assert f"{count:,.0f} of {residents:,.0f}" in flat
        assert "England: no national values were given" in flat and "than England" not in flat
        assert "Byar's of rates (PHEindicatormethods' methods)" in flat and "Against England" not in flat


def test_demo_says_whether_the_admissions_change_is_significant(demo_outputs: dict[str, Path]) -> None:
    """Lisford's rate in its two stored periods with Byar's limits, and the verdict the limits support."""
    import sqlite3

    with sqlite3.connect(demo_outputs["store"]) as connection:
        (before, people_before), (now, people_now) = connection.execute(
            "SELECT sum(count), sum(denominator) FROM lis_values WHERE indicator_id = 'lisford.93001' "
            "GROUP BY period_key ORDER BY period_key"
        ).fetchall()
    first, last = byar(before, people_before), byar(now, people_now)
    assert first[1] < last[0]  # by hand: the sample's rise is far outside both intervals
    sentence = demo.print_admissions_trend(demo_outputs["store"])
    assert sentence == (
        f"Lisford's emergency admissions rose from {1000 * before / people_before:.1f} ({first[0]:.1f}\u2013"
        f"{first[1]:.1f}) to {1000 * now / people_now:.1f} ({last[0]:.1f}\u2013{last[1]:.1f}) per 1,000 residents "
        "between 2021/22 and 2022/23: the 95% confidence intervals do not overlap, so the change is statistically "
        "significant (all admissions over all residents, Byar's 95% limits)."
    )


def test_demo_writes_the_web_report_of_the_small_areas_from_the_store(demo_outputs: dict[str, Path]) -> None:
    """out/demo/web: the page, its script and styles, and data.js with the 150 small areas and the store's values."""
    import json

    from lis_qgis_plugin.core.store.store_values import catalogue, values_at

    index = demo_outputs["web_report"]
    assert index == index.parent / "index.html" and index.parent.name == "web" and index.is_file()
    text = (index.parent / "data.js").read_text(encoding="utf-8")
    assert text.startswith("window.LIS_REPORT = ") and "<" not in text
    data = json.loads(text.removeprefix("window.LIS_REPORT = ").removesuffix(";\n"))
    assert len(data["areas"]) == 150 and data["areaWord"]
    store = demo_outputs["store"]
    held = {entry.indicator_id for entry in catalogue(store)}
    assert {item["id"] for item in data["indicators"]} <= held and "lisford.93001" in data["values"]
    rates = values_at(store, "lisford.93001")
    first = data["areas"][0]
    assert data["values"]["lisford.93001"]["2022/23"][first["code"]][0] == rates[first["code"]]
    assert (
        data["values"]["lisford.93001"]["2021/22"][first["code"]][0]
        == values_at(store, "lisford.93001", "2021/22")[first["code"]]
    )
    assert {area["code"] for area in data["areas"]} == set(rates)
