"""core.web: the data of a web report (window.LIS_REPORT) from a real indicator store and real boundaries."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsFeedback, QgsProcessingContext, QgsProject, QgsVectorLayer

from lis_qgis_plugin.core.common.errors import CancelledError
from lis_qgis_plugin.core.deprivation.deprivation_style import class_colour
from lis_qgis_plugin.core.web.web_classes import QUANTILE_COLOURS
from lis_qgis_plugin.core.web.web_report import WebReportError, report_data, write_web_report
from lis_qgis_plugin.plugin import LisPlugin

from ..support import SHARED_DATA, LogFeedback, file_state, read_web_report, write_gpkg_layer

NOTTINGHAM = SHARED_DATA / "nottingham"
IMD_CSV = NOTTINGHAM / "deprivation" / "nottingham_imd2025_lsoa21.csv"
LSOA_BOUNDARIES = NOTTINGHAM / "boundaries" / "nottingham_lsoa21.geojson"


def run(algorithm: str, params: dict) -> dict:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject())
    return processing.run(algorithm, params, context=context, feedback=LogFeedback())


def path_points(path: str) -> list[tuple[int, int]]:
    return [(int(x), int(y)) for x, y in re.findall(r"(-?\d+) (-?\d+)", path)]


@pytest.fixture(scope="module")
def imd_store(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the 24 IoD2025 columns of Nottingham's 179 LSOAs (real, MHCLG)."""
    store = tmp_path_factory.mktemp("web_imd") / "lis_store.gpkg"
    run("lis:addtostore", {"STORE": str(store), "TABLE": str(IMD_CSV)})
    return store


def test_nottingham_lsoas_carry_the_published_imd_values_and_national_deciles(imd_store: Path, tmp_path: Path) -> None:
    layer = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    report = report_data(layer, imd_store)
    index = write_web_report(tmp_path / "web", report)
    assert index == tmp_path / "web" / "index.html" and index.is_file()
    data = read_web_report(tmp_path / "web")
    assert data == json.loads(json.dumps(report))  # what was built is what was written
    assert len(data["areas"]) == 179 and data["areaWord"] == "LSOA"
    assert data["district"]["name"] == "Nottingham" and data["title"] == "Nottingham LSOA profiles"
    assert [area["name"] for area in data["areas"]] == sorted(area["name"] for area in data["areas"])
    assert len(data["indicators"]) == 24
    rows = {row["lsoa21_code"]: row for row in csv.DictReader(IMD_CSV.open(encoding="utf-8-sig"))}
    assert len(rows) == 179
    for column in ("IMD_decile", "IMD_rank", "IMD_score"):
        (indicator,) = [item for item in data["indicators"] if item["id"].lower().endswith(column.lower())]
        period = indicator["latest"]
        stored = data["values"][indicator["id"]][period]
        assert len(stored) == 179
        for code in ("E01013810", "E01013812", "E01013813", "E01033406"):
            if code in rows:
                assert stored[code][0] == float(rows[code][column]), (column, code)
    (decile,) = [item for item in data["indicators"] if item["id"].lower().endswith("imd_decile")]
    assert decile["decimals"] == 0 and decile["polarity"] == "higher is better"
    assert decile["nationalDeciles"] is True and len(decile["classes"]) == 10
    assert decile["classes"][0]["label"] == "1 \u2013 most deprived 10% nationally"
    assert decile["classes"][0]["colour"] == class_colour(1, 10, "YlGnBu").name()
    assert [item["min"] for item in decile["classes"]] == list(range(1, 11))
    (score,) = [item for item in data["indicators"] if item["id"].lower().endswith("imd_score")]
    assert score["nationalDeciles"] is False and [item["colour"] for item in score["classes"]] == list(QUANTILE_COLOURS)
    scores = [float(row["IMD_score"]) for row in rows.values()]
    assert score["classes"][0]["min"] == min(scores) and score["classes"][-1]["max"] == max(scores)
    counts = [sum(item["min"] <= value <= item["max"] for value in scores) for item in score["classes"]]
    assert sum(counts) == 179 and all(32 <= count <= 40 for count in counts), counts
    # The map: every path inside the viewBox, in British National Grid metres (Nottingham ~ 450-465 km E, 330-350 N).
    x, y, width, height = map(int, data["map"]["viewBox"].split())
    assert 450_000 < x < 460_000 and -352_000 < y < -340_000 and width < 20_000 and height < 20_000
    for area in data["areas"]:
        points = path_points(area["path"])
        assert area["path"].startswith("M") and area["path"].endswith("Z") and len(points) >= 3
        assert all(x <= px <= x + width and y <= py <= y + height for px, py in points), area["code"]
    # No England rows in the IoD file: nothing compared, no headline; the district is the mean of the LSOAs.
    first = data["areas"][0]["code"]
    assert data["profiles"][first]["headline"] == ""
    compared = data["comparators"][score["id"]][score["latest"]]
    assert compared["england"] is None and compared["district"][1:] == [None, None]
    assert math.isclose(compared["district"][0], sum(scores) / 179)
    assert compared["districtMethod"] == "mean of the 179 LSOAs, not weighted by population"
    assert data["notes"][0] == "Sources: MHCLG, English Indices of Deprivation 2025 (2025)."
    assert data["notes"][2].startswith("England: the indicator store has no England rows (E92000001)")
    spread = data["profiles"][first]["rows"][score["id"]]["spread"]
    assert (spread["min"], spread["max"]) == (min(scores), max(scores))


def file6_counts() -> dict[str, dict[str, int]]:
    """LSOA 2011 code -> File 6's mid-2015 counts (total, 0-15, 16-59, 60+), real."""
    path = NOTTINGHAM / "population" / "nottingham_iod2019_file6_population_denominators.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["LSOA code (2011)"]: {name: int(row[name].replace(",", "")) for name in row if "mid 2015" in name}
            for row in csv.DictReader(handle)
        }


def wilson(count: float, total: float, z: float) -> tuple[float, float]:
    """Wilson score limits of count/total, by the textbook formula (PHEindicatormethods' wilson_lower/upper)."""
    p = count / total
    centre, spread = 2 * count + z * z, z * math.sqrt(z * z + 4 * count * (1 - p))
    return (centre - spread) / (2 * (total + z * z)), (centre + spread) / (2 * (total + z * z))


FINGERTIPS_COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Time period Sortable",
)  # fmt: skip
PERIODS = ("2011", "2012", "2013", "2014", "2015")


def fingertips_row(number: int, name: str, code: str, period: str, count: int, total: int, per: int) -> dict:
    """A Fingertips all_data row: count/total x ``per`` with its Wilson limits, as Fingertips publishes a share."""
    low, high = wilson(count, total, 1.959964)
    low998, high998 = wilson(count, total, 3.090232)
    return dict.fromkeys(FINGERTIPS_COLUMNS, "") | {
        "Indicator ID": str(number), "Indicator Name": name, "Parent Code": "E06000018", "Parent Name": "Nottingham",
        "Area Code": code, "Area Name": code, "Area Type": "LSOA", "Sex": "Persons", "Age": "All ages",
        "Time period": period, "Value": f"{per * count / total:.6f}", "Lower CI 95.0 limit": f"{per * low:.6f}",
        "Upper CI 95.0 limit": f"{per * high:.6f}", "Lower CI 99.8 limit": f"{per * low998:.6f}",
        "Upper CI 99.8 limit": f"{per * high998:.6f}", "Count": str(count), "Denominator": str(total),
        "Time period Sortable": f"{period}0000",
    }  # fmt: skip


def six_lsoa_indicators(path: Path) -> None:
    """Six Fingertips-shaped indicators of Nottingham's LSOAs over five periods, from File 6's real counts (the
    earlier periods 3% fewer a year back), England's row from the district's totals."""
    counts = file6_counts()
    total_name = next(name for name in next(iter(counts.values())) if name.startswith("Total"))
    parts = [name for name in next(iter(counts.values())) if name != total_name and "mid 2015" in name]
    measures = [(name, 100) for name in parts] + [(name, 1000) for name in parts]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FINGERTIPS_COLUMNS)
        writer.writeheader()
        for number, (part, per) in enumerate(measures, start=1):
            label = f"{part.split(':')[0]} ({'%' if per == 100 else 'per 1,000'})"
            for back, period in zip(range(4, -1, -1), PERIODS):
                whole = (sum(row[part] for row in counts.values()), sum(row[total_name] for row in counts.values()))
                writer.writerow(fingertips_row(number, label, "E92000001", period, *whole, per))
                writer.writerows(
                    fingertips_row(number, label, code, period, round(row[part] * (1 - 0.03 * back)),
                                   row[total_name], per)
                    for code, row in counts.items()
                )  # fmt: skip


def test_thirty_indicators_of_five_periods_for_179_lsoas_stay_within_the_size_budget(
    lis_plugin: LisPlugin, tmp_path: Path
) -> None:
    store = tmp_path / "lis_store.gpkg"
    for period in ("2021", "2022", "2023", "2024", "2025"):
        run("lis:addtostore", {"STORE": str(store), "TABLE": str(IMD_CSV), "PERIOD": period})
    six_lsoa_indicators(tmp_path / "fingertips.csv")
    run("lis:addtostore", {"STORE": str(store), "TABLE": str(tmp_path / "fingertips.csv")})
    layer = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    write_web_report(tmp_path / "web", report_data(layer, store))
    data = read_web_report(tmp_path / "web")
    assert len(data["areas"]) == 179 and len(data["indicators"]) == 30
    assert all(len(item["periods"]) == 5 for item in data["indicators"]), [i["periods"] for i in data["indicators"]]
    size = (tmp_path / "web" / "data.js").stat().st_size
    assert size < 3_000_000, f"data.js of 179 LSOAs x 30 indicators x 5 periods is {size:,} bytes"
    assert size > 500_000, f"data.js is {size:,} bytes: too small to hold what it should"
    print(f"data.js: {size:,} bytes")


def test_a_name_with_markup_is_plain_text_in_data_js(imd_store: Path, tmp_path: Path) -> None:
    name = "<script>alert(1)</script>"
    source = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    features = [feature for feature in source.getFeatures() if feature["LSOA21CD"] in ("E01013810", "E01013812")]
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry
    from qgis.PyQt.QtCore import QMetaType

    transform = QgsCoordinateTransform(source.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    rows = []
    for feature, area_name in zip(features, (name, "Plain & simple")):
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        geometry.convertToMultiType()
        rows.append((geometry, [feature["LSOA21CD"], area_name]))
    fields = [("LSOA21CD", QMetaType.Type.QString), ("LSOA21NM", QMetaType.Type.QString)]
    uri = write_gpkg_layer(tmp_path / "areas.gpkg", "areas", Qgis.WkbType.MultiPolygon, fields, rows)
    before = file_state(tmp_path / "areas.gpkg", imd_store)
    write_web_report(tmp_path / "web", report_data(QgsVectorLayer(uri, "areas", "ogr"), imd_store,
                                                   ["iod2025.imd_decile"], title="<b>Title</b>"))  # fmt: skip
    text = (tmp_path / "web" / "data.js").read_text(encoding="utf-8")
    assert "<" not in text and "\\u003cscript>alert(1)\\u003c/script>" in text
    data = read_web_report(tmp_path / "web")
    assert [area["name"] for area in data["areas"]] == sorted([name, "Plain & simple"])
    assert data["title"] == "<b>Title</b>"
    assert data["values"]["iod2025.imd_decile"]["2025"] == {"E01013810": [1.0, *[None] * 6],
                                                             "E01013812": [1.0, *[None] * 6]}  # fmt: skip
    assert file_state(tmp_path / "areas.gpkg", imd_store) == before


def test_nothing_partial_is_left_and_nothing_is_overwritten(imd_store: Path, tmp_path: Path) -> None:
    layer = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    before = file_state(LSOA_BOUNDARIES, imd_store)
    report = report_data(layer, imd_store, ["iod2025.imd_score"])
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(WebReportError, match=f"OUTPUT_FOLDER: {re.escape(str(taken))} already exists and is not empty"):
        write_web_report(taken, report)
    assert [path.name for path in taken.iterdir()] == ["mine.txt"]
    # Cancelled after the static files were copied: neither the folder nor its temporary sibling is left.
    cancelled = QgsFeedback()
    cancelled.cancel()
    with pytest.raises(CancelledError):
        write_web_report(tmp_path / "web", report, cancelled)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]
    # Cancelled half-way through the profiles.
    halfway = QgsFeedback()
    halfway.progressChanged.connect(lambda value: halfway.cancel() if value > 50 else None)
    with pytest.raises(CancelledError):
        report_data(layer, imd_store, feedback=halfway)
    # An empty folder is fine, and is where the report goes.
    (tmp_path / "empty").mkdir()
    assert write_web_report(tmp_path / "empty", report).is_file()
    assert sorted(path.name for path in (tmp_path / "empty").iterdir()) == [
        "data.js", "index.html", "lis-report.css", "lis-report.js"
    ]  # fmt: skip
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty", "taken"]
    assert file_state(LSOA_BOUNDARIES, imd_store) == before


def test_an_unknown_indicator_is_named(imd_store: Path) -> None:
    layer = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    with pytest.raises(WebReportError, match=r"INDICATORS: .* has no indicator iod2025\.nope\. It holds: iod2025"):
        report_data(layer, imd_store, ["iod2025.imd_decile", "iod2025.nope"])


def ring_areas(path: str) -> list[float]:
    """The signed shoelace area of each ring of an SVG path (square metres, y flipped back)."""
    areas = []
    for ring in re.findall(r"M[^Z]+Z", path):
        points = [(x, -y) for x, y in path_points(ring)]
        areas.append(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1])) / 2)
    return areas


def test_areas_keep_their_parts_holes_and_size_within_the_simplification(tmp_path: Path) -> None:
    from qgis.core import QgsGeometry
    from qgis.PyQt.QtCore import QMetaType

    from lis_qgis_plugin.core.web.web_geometry import area_paths, view_box

    wkt = (
        "MULTIPOLYGON(((450000 340000,451000 340000,451000 341000,450000 341000,450000 340000),"
        "(450200 340200,450400 340200,450400 340400,450200 340400,450200 340200)),"
        "((452000 340000,452500 340000,452500 340500,452000 340000)))"
    )
    fields = [("code", QMetaType.Type.QString), ("name", QMetaType.Type.QString)]
    uri = write_gpkg_layer(tmp_path / "parts.gpkg", "parts", Qgis.WkbType.MultiPolygon, fields,
                           [(QgsGeometry.fromWkt(wkt), ["E01000001", "Two parts and a hole"])])  # fmt: skip
    (area,) = area_paths(QgsVectorLayer(uri, "parts", "ogr"), "code", "name")
    assert area.path == (
        "M450000 -340000L451000 -340000L451000 -341000L450000 -341000Z"
        "M450200 -340200L450400 -340200L450400 -340400L450200 -340400Z"
        "M452000 -340000L452500 -340000L452500 -340500Z"
    )
    assert [abs(value) for value in ring_areas(area.path)] == [1_000_000, 40_000, 125_000]
    assert view_box([area]) == "449950 -341050 2600 1100"
    # Nottingham's LSOAs (WGS84 GeoJSON): simplified to ~5 m, each keeps its area within 1% with fewer vertices.
    layer = QgsVectorLayer(str(LSOA_BOUNDARIES), "lsoa", "ogr")
    areas = {item.code: item for item in area_paths(layer, "LSOA21CD", "LSOA21NM")}
    assert len(areas) == 179 and areas["E01013810"].name == "Nottingham 018A"
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    vertices = kept = 0
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        path = areas[feature["LSOA21CD"]].path
        drawn = sum(ring_areas(path))
        assert abs(abs(drawn) - geometry.area()) < 0.01 * geometry.area(), feature["LSOA21CD"]
        vertices += sum(1 for _ in geometry.vertices())
        kept += len(path_points(path))
    assert kept < 0.9 * vertices, (kept, vertices)  # already generalised (BGC): ~12% fewer
