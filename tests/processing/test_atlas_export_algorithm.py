"""lis:exportatlas: one profile page per ward on real Rutland (15) and Nottingham (20) 2025 wards with IoD2025.

The wards get their IoD2025 values through the plugin's own tools (lis:joinindicators onto
the LSOA 2021 boundaries with a metadata table giving polarity, then lis:aggregateindicators
by location). The expected values are computed here from the source CSV and GeoJSON with a
plain re-implementation (each LSOA in the ward containing its point on surface, mean of the
LSOAs' scores), and compared with the numbers pdftotext reads off each page.
"""

from __future__ import annotations

import base64
import csv
import gzip
import os
import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

import pytest
from qgis.core import (
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor, QImage

from lis_qgis_plugin.core.atlas.atlas_chart import MARKER_COLOURS, MIDDLE_COLOUR, RANGE_COLOUR
from lis_qgis_plugin.core.atlas.atlas_table import VERDICT_COLOURS
from lis_qgis_plugin.layouts.atlas_layout import load_atlas_template
from lis_qgis_plugin.plugin import LisPlugin

from ..support import (
    REPO,
    SHARED_DATA,
    LogFeedback,
    export_without_the_plugin,
    file_state,
    open_layer,
    pdf_pages,
    run_qgis_process,
)

ALGORITHM = "lis:exportatlas"
PLACES = {"rutland": 15, "nottingham": 20}
#: CSV column -> ward field written by lis:aggregateindicators (lis:joinindicators lower-cases the names).
INDICATORS = {"IMD_score": "imd_score_mean", "Income_score": "income_score_mean", "Health_score": "health_score_mean"}
#: The labels the join's metadata gives the aggregated fields.
LABELS = {field: f"{column} (mean over LSOAs)" for column, field in INDICATORS.items()}
METADATA = (
    "Indicator,Source,Period,Unit,Polarity\n"
    'IMD_score,"MHCLG, English Indices of Deprivation 2025",2025,score,High is bad\n'
    'Income_score,"MHCLG, English Indices of Deprivation 2025",2025,proportion,High is bad\n'
)
#: Fields printed in another scale than stored: the metadata gives the income score the unit 'proportion'.
PRINTED_SCALE = {"income_score_mean": 100}
NUMBER = re.compile(r"[\u2212+-]?\d[\d,]*(?:\.\d+)?")


# --- the data, through the plugin's own join and aggregation ---------------------------------------------------


@pytest.fixture(scope="module")
def ward_data(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Place -> URI of its 2025 wards with the mean IoD2025 scores of their LSOAs (GeoPackage files only)."""
    import processing

    folder = tmp_path_factory.mktemp("atlas_wards")
    metadata = folder / "iod2025_metadata.csv"
    metadata.write_text(METADATA, encoding="utf-8")
    uris = {}
    for place in PLACES:
        root = SHARED_DATA / place
        joined = processing.run(
            "lis:joinindicators",
            {
                "BOUNDARIES": str(root / "boundaries" / f"{place}_lsoa21.geojson"),
                "TABLE": str(root / "deprivation" / f"{place}_imd2025_lsoa21.csv"),
                "METADATA": str(metadata),
                "OUTPUT": str(folder / f"{place}_lsoa21_iod2025.gpkg"),
            },
            context=QgsProcessingContext(),
            feedback=LogFeedback(),
        )
        wards = processing.run(
            "lis:aggregateindicators",
            {
                "INPUT": joined["OUTPUT"],
                "TARGET": str(root / "boundaries" / f"{place}_wards_2025.geojson"),
                "FIELDS_MEAN": [field.removesuffix("_mean") for field in INDICATORS.values()],
                "OUTPUT": f"{folder / f'{place}_wards.gpkg'}|layername=wards",
            },
            context=QgsProcessingContext(),
            feedback=LogFeedback(),
        )
        uris[place] = wards["OUTPUT"]
    return uris


def expected_wards(place: str) -> dict[str, dict[str, float]]:
    """Ward name -> {field: mean of its LSOAs' IoD2025 scores}, straight from the source files."""
    root = SHARED_DATA / place
    with (root / "deprivation" / f"{place}_imd2025_lsoa21.csv").open(encoding="utf-8-sig", newline="") as handle:
        scores = {row["lsoa21_code"]: row for row in csv.DictReader(handle)}
    wards = QgsVectorLayer(str(root / "boundaries" / f"{place}_wards_2025.geojson"), "wards", "ogr")
    lsoas = QgsVectorLayer(str(root / "boundaries" / f"{place}_lsoa21.geojson"), "lsoas", "ogr")
    polygons = [(ward["WD25NM"], QgsGeometry(ward.geometry())) for ward in wards.getFeatures()]
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    for lsoa in lsoas.getFeatures():
        point = lsoa.geometry().pointOnSurface()
        name = next(name for name, polygon in polygons if polygon.contains(point))
        members[name].append(scores[lsoa["LSOA21CD"]])
    return {
        name: {field: statistics.fmean(float(row[column]) for row in rows) for column, field in INDICATORS.items()}
        for name, rows in members.items()
    }


@pytest.fixture(scope="module")
def england_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """ENGLAND_VALUES for IMD and income: the mean score of England's 33,755 LSOAs (health left out on purpose)."""
    path = SHARED_DATA / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 33_755
    values = {column: statistics.fmean(float(row[column]) for row in rows) for column in ("IMD_score", "Income_score")}
    table = tmp_path_factory.mktemp("england") / "england_values.csv"
    # Named as the small-area fields before aggregation: they must match imd_score_mean and income_score_mean.
    table.write_text(f"field,value\nimd_score,{values['IMD_score']}\nincome_score,{values['Income_score']}\n")
    return table, {INDICATORS[column]: value for column, value in values.items()}


def run(params: dict, project: QgsProject | None = None) -> tuple[dict, LogFeedback]:
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(project or QgsProject())
    result = processing.run(ALGORITHM, params, context=context, feedback=feedback)
    return result, feedback


def pdf_page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def page_title(page: str) -> str:
    """The first words of the page: the area's name (the page number sits far to its right)."""
    first = next(line for line in page.splitlines() if line.strip())
    return re.split(r"\s{2,}", first.strip())[0]


def table_numbers(page: str, label: str) -> tuple[list[float], str]:
    """The numbers of the table row starting with ``label``, and the row's text (the key and chart have none)."""
    rows = [line.strip()[len(label) :] for line in page.splitlines() if line.strip().startswith(label)]
    rest = next(row for row in rows if NUMBER.search(row))
    return [float(text.replace("\u2212", "-").replace(",", "")) for text in NUMBER.findall(rest)], rest


def assert_printed(printed: float, expected: float, text: str) -> None:
    """Equal as printed: within half a unit of the last decimal shown."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(printed - expected) <= 0.5 * 10**-decimals + 1e-9, (printed, expected)


# --- real wards, through Processing ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atlas_runs(
    ward_data: dict[str, str], england_csv: tuple[Path, dict[str, float]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict]:
    """Both places exported to one PDF each, with a saved project; what the project held, as plain values."""
    runs = {}
    for place in PLACES:
        out = tmp_path_factory.mktemp(f"atlas_{place}")
        project = QgsProject()
        result, feedback = run(
            {
                "COVERAGE": ward_data[place],
                "INDICATORS": list(INDICATORS.values()),
                "ENGLAND_VALUES": str(england_csv[0]),
                "OUTPUT_PDF": str(out / f"{place}_ward_profiles.pdf"),
                "OUTPUT_PROJECT": str(out / f"{place}_profiles.qgz"),
            },
            project,
        )
        layout = project.layoutManager().layoutByName(result["LAYOUT"])
        coverage = layout.atlas().coverageLayer()
        runs[place] = {
            "result": result,
            "log": feedback.text,
            "layout_in_project": layout is not None,
            "coverage_provider": coverage.providerType(),
            "coverage_source": coverage.source(),
            "coverage_joins": len(coverage.vectorJoins()),
            "table_item": type(layout.itemById("indicator_table").multiFrame()).__name__,
            "chart_item": type(layout.itemById("chart")).__name__,
            "html_items": [type(frame).__name__ for frame in layout.multiFrames() if "Html" in type(frame).__name__],
        }
        del layout, coverage
        project.clear()
    return runs


@pytest.mark.parametrize("place", list(PLACES))
def test_one_page_per_ward_showing_the_data(
    place: str, atlas_runs: dict[str, dict], england_csv: tuple[Path, dict[str, float]]
) -> None:
    facts = atlas_runs[place]
    result = facts["result"]
    pdf = Path(result["OUTPUT_PDF"])
    assert result["PAGES"] == PLACES[place] and result["FAILED_PAGES"] == 0
    assert pdf_page_count(pdf) == PLACES[place]
    expected = expected_wards(place)
    assert len(expected) == PLACES[place]  # every ward holds at least one LSOA's point on surface
    pages = pdf_pages(pdf)
    titles = [page_title(page) for page in pages]
    assert titles == sorted(expected), "one page per ward, each titled with its name, in name order"
    district = {field: statistics.fmean(ward[field] for ward in expected.values()) for field in INDICATORS.values()}
    england = england_csv[1]
    for page, name in zip(pages, titles):
        assert f"Page {titles.index(name) + 1} of {PLACES[place]}" in page
        for field, label in LABELS.items():
            numbers, rest = table_numbers(page, label)
            shown = NUMBER.findall(rest)
            scale = PRINTED_SCALE.get(field, 1)  # the income score is a proportion: 0.153 prints as 15.3%
            assert_printed(numbers[0], expected[name][field] * scale, shown[0])
            assert_printed(numbers[1], district[field] * scale, shown[1])
            if field in england:
                assert_printed(numbers[2], england[field] * scale, shown[2])
            if scale == 100:
                assert rest.split()[:3] == [f"{text}%" for text in shown[:3]], rest
                assert " pp " in rest or rest.split()[-1] == "same", rest  # a difference of percentages, in points
            difference = expected[name][field] - district[field]
            if field == "health_score_mean":  # no polarity in the metadata: shown, not judged
                assert "better" not in rest and "worse" not in rest
            elif round(difference, len(shown[0].split(".")[1])) != 0:
                assert ("worse" if difference > 0 else "better") in rest, (name, field, rest)
    footnote = pages[0]
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in footnote
    assert f"mean of the {PLACES[place]} wards, not weighted by population" in footnote
    assert "OpenStreetMap" not in footnote  # no OSM layer on these maps
    # The layout went into the project, over a GeoPackage copy: no virtual join under the atlas.
    assert facts["layout_in_project"] and facts["coverage_provider"] == "ogr" and facts["coverage_joins"] == 0
    assert facts["coverage_source"].startswith(result["ATLAS_DATA"])
    atlas_data = open_layer(Path(result["ATLAS_DATA"]), "pages")
    assert atlas_data.featureCount() == PLACES[place]
    assert {"atlas_key", "atlas_chart", "imd_score_mean"} <= set(atlas_data.fields().names())
    assert {"atlas_table"}.isdisjoint(atlas_data.fields().names())  # no HTML any more
    # The table's rows: one per ward and indicator, the printed text, linked by atlas_key.
    rows = open_layer(Path(result["ATLAS_DATA"]), "pages_rows")
    assert rows.featureCount() == PLACES[place] * len(INDICATORS)
    key_of = {page["atlas_name"]: page["atlas_key"] for page in atlas_data.getFeatures()}
    first = min(expected)
    printed = {row["row_order"]: row for row in rows.getFeatures() if row["atlas_key"] == key_of[first]}
    assert sorted(printed) == [1, 2, 3] and printed[1]["indicator"].startswith(LABELS["imd_score_mean"])
    assert_printed(float(printed[1]["area_value"]), expected[first]["imd_score_mean"], printed[1]["area_value"])
    assert printed[1]["status"] in ("better", "worse") and printed[3]["status"] in ("", "same")
    assert (facts["table_item"], facts["chart_item"], facts["html_items"]) == (
        "QgsLayoutItemAttributeTable", "QgsLayoutItemPicture", []
    )  # fmt: skip
    assert "no statistical significance is tested" in footnote
    assert f"{PLACES[place]} pages, one per ward" in facts["log"]


@pytest.mark.slow
def test_saved_project_renders_the_same_without_the_plugin(atlas_runs: dict[str, dict], tmp_path: Path) -> None:
    """The project and its GeoPackage, moved to another folder, export the same pages in a QGIS without LIS."""
    result = atlas_runs["rutland"]["result"]
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for path in (Path(result["OUTPUT_PROJECT"]), Path(result["ATLAS_DATA"])):
        shutil.copy2(path, moved / path.name)  # the project stores the GeoPackage by relative path
    rerendered = tmp_path / "rerendered.pdf"
    report = export_without_the_plugin(moved / Path(result["OUTPUT_PROJECT"]).name, result["LAYOUT"], rerendered)
    assert report == {"result": 0, "error": "", "plugin_importable": False, "plugin_modules": []}
    assert pdf_page_count(rerendered) == PLACES["rutland"]
    original, again = pdf_pages(Path(result["OUTPUT_PDF"])), pdf_pages(rerendered)
    for before, after in zip(original, again):
        assert page_title(after) == page_title(before)
        for label in LABELS.values():
            # the same words and numbers (pdftotext's spacing moves with sub-point differences in placement)
            assert table_numbers(after, label)[1].split() == table_numbers(before, label)[1].split()
    # The chart picture still reads its SVG from the GeoPackage, and the difference cells keep their colours.
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", str(rerendered), str(tmp_path / "page")],
                   check=True)  # fmt: skip
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    chart, table = item_box("chart", "A4 portrait", 50), item_box("indicator_table", "A4 portrait", 50)
    assert colour_pixels(image, chart, RANGE_COLOUR) > 50 and colour_pixels(image, chart, MIDDLE_COLOUR) > 20
    assert (
        colour_pixels(image, table, VERDICT_COLOURS["better"][0], 4)
        + colour_pixels(image, table, VERDICT_COLOURS["worse"][0], 4)
        > 100
    )


def colour_pixels(image: QImage, box: tuple[int, int, int, int], colour: str, tolerance: int = 10) -> int:
    """Pixels of ``image`` inside ``box`` (left, top, right, bottom) within ``tolerance`` of ``colour`` per channel."""
    target = QColor(colour)
    found = 0
    for x in range(box[0], box[2]):
        for y in range(box[1], box[3]):
            pixel = QColor(image.pixel(x, y))
            if max(abs(pixel.red() - target.red()), abs(pixel.green() - target.green()),
                   abs(pixel.blue() - target.blue())) <= tolerance:  # fmt: skip
                found += 1
    return found


def item_box(item_id: str, page_size: str, dpi: int) -> tuple[int, int, int, int]:
    """The pixel box of a template item on a page exported at ``dpi``, from its position on the page (mm)."""
    layout = load_atlas_template(QgsProject(), None, page_size)
    item = layout.itemById(item_id)
    position, size = item.positionWithUnits(), item.sizeWithUnits()
    pixels = dpi / 25.4
    return (round(position.x() * pixels), round(position.y() * pixels), round((position.x() + size.width()) * pixels),
            round((position.y() + size.height()) * pixels))  # fmt: skip


def test_png_per_area_in_a_folder(ward_data: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    dpi = 60
    result, _ = run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": ["imd_score_mean"],
            "FORMAT": 1,  # PNG
            "DPI": dpi,
            "PAGE_SIZE": 1,  # A4 landscape
            "OUTPUT_FOLDER": str(folder),
        }
    )
    wards = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2025.geojson"), "w", "ogr")
    names = set()
    for ward in wards.getFeatures():
        slugged = re.sub("[^a-z0-9]+", "-", ward["WD25NM"].lower()).strip("-")
        names.add(f"{ward['WD25CD']}_{slugged}.png")
    assert "E05012633_braunston-martinsthorpe.png" in names
    assert {path.name for path in folder.glob("*.png")} == names
    assert result["PAGES"] == 15 and result["OUTPUT_FOLDER"] == str(folder)
    image = QImage(str(folder / "E05012633_braunston-martinsthorpe.png"))
    assert (image.width(), image.height()) == (int(297 / 25.4 * dpi), int(210 / 25.4 * dpi))  # A4 landscape
    assert Path(result["ATLAS_DATA"]) == folder / "atlas_pages.gpkg"
    # The page's own verdict (IMD: higher is worse), from the rows the table prints.
    pages = open_layer(folder / "atlas_pages.gpkg", "pages")
    key = next(page["atlas_key"] for page in pages.getFeatures() if page["atlas_code"] == "E05012633")
    rows = [
        row for row in open_layer(folder / "atlas_pages.gpkg", "pages_rows").getFeatures() if row["atlas_key"] == key
    ]
    assert len(rows) == 1 and rows[0]["status"] in ("better", "worse")
    status = rows[0]["status"]
    other = "worse" if status == "better" else "better"
    # The spine chart is drawn in its frame: the range and middle-half bands and this ward's dot in its verdict's
    # colour (the other verdict's colour only as a small legend mark), not a blank or white box.
    chart = item_box("chart", "A4 landscape", dpi)
    assert colour_pixels(image, chart, RANGE_COLOUR) > 50 and colour_pixels(image, chart, MIDDLE_COLOUR) > 20
    assert colour_pixels(image, chart, MARKER_COLOURS[status]) > colour_pixels(image, chart, MARKER_COLOURS[other])
    assert colour_pixels(image, chart, "#ffffff", 3) < 0.95 * (chart[2] - chart[0]) * (chart[3] - chart[1])
    # The table: its header band, and the difference cell coloured by the verdict (conditional styling).
    table = item_box("indicator_table", "A4 landscape", dpi)
    assert colour_pixels(image, table, "#1d4f5c") > 200
    assert colour_pixels(image, table, VERDICT_COLOURS[status][0], 4) > 100
    assert colour_pixels(image, table, VERDICT_COLOURS[other][0], 4) == 0
    assert colour_pixels(image, chart, "#1d4f5c") == 0  # and nothing of the table spills into the chart


def test_a3_page_enlarges_the_table_and_chart_with_the_page(ward_data: dict[str, str], tmp_path: Path) -> None:
    """A3 portrait: the A4 page times 1.414, the table still in its (enlarged) frame, the chart in its box."""
    folder = tmp_path / "a3"
    dpi = 30
    result, feedback = run(
        {
            "COVERAGE": ward_data["nottingham"],
            "INDICATORS": list(INDICATORS.values()),
            "FORMAT": 1,  # PNG
            "DPI": dpi,
            "PAGE_SIZE": 2,  # A3 portrait
            "OUTPUT_FOLDER": str(folder),
        }
    )
    assert result["PAGES"] == 20 and "do not fit" not in feedback.text
    image = QImage(str(folder / "E05012281_hyson-green-arboretum.png"))
    assert (image.width(), image.height()) == (int(297 / 25.4 * dpi), int(420 / 25.4 * dpi))
    table, chart = item_box("indicator_table", "A3 portrait", dpi), item_box("chart", "A3 portrait", dpi)
    assert abs((table[2] - table[0]) - 190 * 1.414 * dpi / 25.4) < 2  # the table frame grew with the page
    header = colour_pixels(image, table, "#1d4f5c")
    assert header > 0.5 * (table[2] - table[0]) * 6 * 1.414 * dpi / 25.4  # a header band at least 6 mm tall
    assert colour_pixels(image, (table[2], table[1], image.width(), table[3]), "#1d4f5c") == 0  # nothing spills right
    assert colour_pixels(image, chart, RANGE_COLOUR) > 100 and colour_pixels(image, chart, MIDDLE_COLOUR) > 50


def test_a_page_without_geometry_is_named_then_skipped_or_fatal(ward_data: dict[str, str], tmp_path: Path) -> None:
    source = Path(ward_data["rutland"].split("|")[0])
    broken = tmp_path / "wards_broken.gpkg"
    shutil.copy2(source, broken)
    layer = QgsVectorLayer(f"{broken}|layername=wards", "wards", "ogr")
    cottesmore = next(feature.id() for feature in layer.getFeatures() if feature["WD25NM"] == "Cottesmore")
    assert layer.dataProvider().changeGeometryValues({cottesmore: QgsGeometry()})
    del layer
    params = {"COVERAGE": f"{broken}|layername=wards", "INDICATORS": ["imd_score_mean"], "DPI": 40}
    with pytest.raises(QgsProcessingException, match=r"Page 'Cottesmore' \(E05012634\): it has no geometry") as error:
        run({**params, "ON_ERROR": 1, "OUTPUT_PDF": str(tmp_path / "stop.pdf")})
    assert "ON_ERROR is 'stop'" in str(error.value) and "Traceback" not in str(error.value)
    # With the OSM service points on the map, whose source says OpenStreetMap, the page credits it.
    services = SHARED_DATA / "rutland" / "services" / "rutland_services_osm_2022.geojson"
    map_layers = {"MAP_LAYERS": [str(services), params["COVERAGE"]]}
    result, feedback = run({**params, **map_layers, "ON_ERROR": 0, "OUTPUT_PDF": str(tmp_path / "continue.pdf")})
    assert result["PAGES"] == 14 and result["FAILED_PAGES"] == 1
    assert "Page 'Cottesmore' (E05012634): it has no geometry" in feedback.text
    pages = pdf_pages(tmp_path / "continue.pdf")
    titles = [page_title(page) for page in pages]
    assert len(titles) == 14 and "Cottesmore" not in titles
    assert "\u00a9 OpenStreetMap" in pages[0] and "services" in pages[0]  # the credit, and the layer in the key


# --- bad input: one clear message each ---------------------------------------------------------------------------


def bad_run(params: dict) -> str:
    with pytest.raises(QgsProcessingException) as error:
        run(params)
    message = str(error.value)
    assert "Traceback" not in message
    return message


def test_empty_coverage_layer(ward_data: dict[str, str], tmp_path: Path) -> None:
    message = bad_run(
        {
            "COVERAGE": f"{ward_data['rutland']}|subset=\"WD25CD\" = 'none'",
            "INDICATORS": ["imd_score_mean"],
            "OUTPUT_PDF": str(tmp_path / "empty.pdf"),
        }
    )
    assert message.startswith("COVERAGE: layer 'wards' has no features")


def test_missing_name_field(ward_data: dict[str, str], tmp_path: Path) -> None:
    message = bad_run(
        {
            "COVERAGE": ward_data["rutland"],
            "NAME_FIELD": "ward_name",
            "INDICATORS": ["imd_score_mean"],
            "OUTPUT_PDF": str(tmp_path / "x.pdf"),
        }
    )
    assert message.startswith("NAME_FIELD: layer 'wards' has no field 'ward_name'. Its fields are: fid, WD25CD, WD25NM")


def test_unwritable_output_folder(ward_data: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    message = bad_run(
        {"COVERAGE": ward_data["rutland"], "INDICATORS": ["imd_score_mean"], "OUTPUT_FOLDER": str(blocker / "out")}
    )
    assert message.startswith(f"OUTPUT_FOLDER: cannot write into the folder '{blocker / 'out'}'")
    assert message.endswith("Choose a folder you can write to.")


def test_template_without_the_atlas_items(ward_data: dict[str, str], tmp_path: Path) -> None:
    template = REPO / "resources" / "templates" / "lis_map_a4_landscape.qpt"  # the one-page map: no table, no chart
    message = bad_run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": ["imd_score_mean"],
            "TEMPLATE": str(template),
            "OUTPUT_PDF": str(tmp_path / "x.pdf"),
        }
    )
    assert message.startswith(
        "TEMPLATE: lis_map_a4_landscape.qpt lacks the items the atlas fills: 'main_map' (map), 'indicator_table' "
        "(attribute table), 'chart' (picture), 'footnote' (label)."
    )
    assert not (tmp_path / "x.pdf").exists()


def test_template_with_html_labels_is_refused_with_what_to_use(ward_data: dict[str, str], tmp_path: Path) -> None:
    """An atlas template of LIS 0.x: its HTML labels become HTML frames without ids when QGIS 3.32+ loads it."""
    template = tmp_path / "old_atlas.qpt"
    old = (REPO / "resources" / "templates" / "lis_atlas_a4_portrait.qpt").read_text(encoding="utf-8")
    for item_id in ("indicator_table", "chart"):  # what the HTML-label template held: labels in HTML mode
        old = old.replace(f'id="{item_id}"', f'id="{item_id}_old"')
    label = (
        '<LayoutItem type="65641" id="{0}" htmlState="1" labelText="[% &quot;atlas_{0}&quot; %]" '
        'position="10,160,mm" size="190,40,mm" positionOnPage="10,160,mm" visibility="1"/>'
    )
    old = old.replace("</Layout>", label.format("indicator_table") + label.format("chart") + "</Layout>")
    template.write_text(old, encoding="utf-8")
    message = bad_run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": ["imd_score_mean"],
            "TEMPLATE": str(template),
            "OUTPUT_PDF": str(tmp_path / "x.pdf"),
        }
    )
    assert "'indicator_table' (attribute table), 'chart' (picture)" in message
    assert "turn labels in HTML mode into HTML frames without ids" in message


def test_a_table_too_tall_for_its_frame_is_reported(ward_data: dict[str, str], tmp_path: Path) -> None:
    """Three indicators in a 14 mm table frame: the run still exports, and says the last rows are cut and why."""
    template = tmp_path / "short_table.qpt"
    text = (REPO / "resources" / "templates" / "lis_atlas_a4_landscape.qpt").read_text(encoding="utf-8")
    frame = re.search(r'<LayoutItem [^>]*id="indicator_table"[^>]*>', text).group(0)
    short = re.sub(r'size="([\d.]+),62,mm"', r'size="\1,14,mm"', frame)
    short = short.replace('sectionHeight="62"', 'sectionHeight="14"')
    template.write_text(text.replace(frame, short), encoding="utf-8")
    result, feedback = run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": list(INDICATORS.values()),
            "TEMPLATE": str(template),
            "DPI": 40,
            "OUTPUT_PDF": str(tmp_path / "short.pdf"),
        }
    )
    assert result["PAGES"] == 15
    assert "3 indicators do not fit the table of the page even at 5.5 pt" in feedback.text
    assert "its frame is 14 mm tall, so the last rows are cut" in feedback.text
    # With the LIS template the same three fit, and nothing is said.
    _, fitted = run({"COVERAGE": ward_data["rutland"], "INDICATORS": list(INDICATORS.values()), "DPI": 40,
                     "OUTPUT_PDF": str(tmp_path / "fits.pdf")})  # fmt: skip
    assert "do not fit" not in fitted.text


def test_indicators_that_are_not_numbers(ward_data: dict[str, str], tmp_path: Path) -> None:
    message = bad_run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": ["imd_score_mean", "LAD25NM"],
            "OUTPUT_PDF": str(tmp_path / "x.pdf"),
        }
    )
    assert message.startswith("INDICATORS: field 'LAD25NM' of layer 'wards' holds String values, not numbers")


# --- qgis_process, with the built plugin ----------------------------------------------------------------------------


@pytest.mark.slow
def test_qgis_process_exports_the_nottingham_profiles(
    qgis_process_env: dict[str, str], ward_data: dict[str, str], tmp_path: Path
) -> None:
    built = Path(qgis_process_env["QGIS_PLUGINPATH"]) / "lis_qgis_plugin" / "resources" / "templates"
    assert (built / "lis_atlas_a4_portrait.qpt").is_file() and (built / "lis_atlas_a4_landscape.qpt").is_file()
    pdf = tmp_path / "nottingham.pdf"
    completed = run_qgis_process(
        qgis_process_env, "run", ALGORITHM, "--", f"COVERAGE={ward_data['nottingham']}",
        "INDICATORS=imd_score_mean;income_score_mean", "DISTRICT_NAME=Nottingham", f"OUTPUT_PDF={pdf}",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "PAGES:\t20" in completed.stdout
    assert pdf_page_count(pdf) == 20
    hyson = next(page for page in pdf_pages(pdf) if page_title(page) == "Hyson Green & Arboretum")
    assert "Ward profile \u00b7 Nottingham \u00b7 E05012281" in hyson


# --- data is never code: names, labels and sources print as written ------------------------------------------------

#: Text that QGIS would evaluate ([% %]), markup, an ampersand, quotes and an emoji, in one name.
HOSTILE = "[% env('HOME') %] <b>bold</b> <script>x</script> & \"quoted\" 'single' \U0001f3e0"


def hostile_wards(ward_data: dict[str, str], folder: Path) -> str:
    """A copy of Rutland's wards whose first name, district name and indicator metadata are all HOSTILE text."""
    from lis_qgis_plugin.core.indicators.indicator_table import IndicatorMetadata
    from lis_qgis_plugin.core.indicators.metadata_store import write_indicator_metadata

    source = Path(ward_data["rutland"].split("|")[0])
    copy = folder / "hostile_wards.gpkg"
    shutil.copy2(source, copy)
    layer = QgsVectorLayer(f"{copy}|layername=wards", "wards", "ogr")
    first = min(feature.id() for feature in layer.getFeatures())
    name_index, lad_index = layer.fields().indexFromName("WD25NM"), layer.fields().indexFromName("LAD25NM")
    assert layer.startEditing()
    for feature in layer.getFeatures():
        if feature.id() == first:
            layer.changeAttributeValue(feature.id(), name_index, f"Ward {HOSTILE}")
        layer.changeAttributeValue(feature.id(), lad_index, f"District {HOSTILE}")
    assert layer.commitChanges()
    del layer
    write_indicator_metadata(
        copy,
        "wards",
        {
            "imd_score_mean": IndicatorMetadata(
                f"Label {HOSTILE}", f"Source {HOSTILE}", "[% 6*7 %]", "pts [% 3+3 %]", "High is bad"
            )
        },
    )
    return f"{copy}|layername=wards"


def test_names_labels_and_sources_print_as_written_never_evaluated(ward_data: dict[str, str], tmp_path: Path) -> None:
    """Every text from the data (area, district, indicator label, unit, period, source) and DISTRICT_NAME.

    The PDF's fonts have no emoji, so the emoji is checked in the atlas data the pages print from.
    """
    coverage = hostile_wards(ward_data, tmp_path)
    home = os.path.expanduser("~")
    printable = HOSTILE.removesuffix(" \U0001f3e0")
    # A map layer drawn with one symbol, whose name (from its file) holds an expression too.
    map_layer = tmp_path / "Boundary [% env('HOME') %] <script> & 'single'.geojson"
    shutil.copy2(SHARED_DATA / "rutland" / "boundaries" / "rutland_la_boundary_from_lsoa11.geojson", map_layer)
    for district_parameter in ("", f"Param {HOSTILE}"):
        pdf = tmp_path / f"hostile{len(district_parameter)}.pdf"
        result, _ = run(
            {
                "COVERAGE": coverage,
                "INDICATORS": ["imd_score_mean"],
                "DISTRICT_NAME": district_parameter,
                "MAP_LAYERS": [str(map_layer)] if district_parameter else [],
                "OUTPUT_PDF": str(pdf),
            }
        )
        assert result["PAGES"] == PLACES["rutland"]
        pages = pdf_pages(pdf)
        flat = [re.sub(r"\s+", " ", page) for page in pages]
        district = f"{'Param' if district_parameter else 'District'} {printable}"
        hostile_page = next(page for page in flat if f"How Ward {printable}" in page)  # the chart caption
        assert hostile_page.strip().startswith("Ward [% env('HOME') %]")  # the title (wrapped beside the page number)
        drawn = [re.sub(r"\s+", " ", page) for page in pdf_pages(pdf, "-raw")]
        assert len(drawn) == len(flat)
        assert all(f"profile \u00b7 {district}" in page for page in drawn)  # the subtitle, however it wraps
        for page in flat:
            # the table's label cell, wrapped beside the numbers of its row, then its unit, period and polarity
            assert "Label [% env('HOME') %] <b>bold</b>" in page
            assert "<script>x</script> & \"quoted\" 'single' pts [% 3+3 %] \u00b7 [% 6*7 %] \u00b7 High is bad" in page
            assert f"Sources: Source {printable}" in page and f"with {district}" in page
            assert home not in page and "(42)" not in page and "pts 6" not in page
            if district_parameter:
                assert "Boundary [% env('HOME') %] <script> & 'single'" in page  # in the key
        atlas = QgsVectorLayer(f"{result['ATLAS_DATA']}|layername=pages", "pages", "ogr")
        assert f"Ward {HOSTILE}" in [feature["atlas_name"] for feature in atlas.getFeatures()]
        charts = [
            feature["atlas_chart"] for feature in atlas.getFeatures() if feature["atlas_name"] == f"Ward {HOSTILE}"
        ]
        svg = base64.b64decode(charts[0].removeprefix("base64:")).decode("utf-8")
        texts = [
            "".join(node.itertext()) for node in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
        ]
        assert f"Label {HOSTILE}" in texts or any(text.startswith("Label [% env(") for text in texts)
        assert any(HOSTILE in text for text in texts), texts


@pytest.mark.parametrize("kind", ["csv", "gpkg", "geojson", "qml", "truncated qpt", "folder", "missing"])
def test_a_file_that_is_not_a_layout_template(ward_data: dict[str, str], tmp_path: Path, kind: str) -> None:
    """A table, a workbook, other XML/JSON data or a cut-off .qpt as TEMPLATE: named, with what is needed."""
    sources = {
        "csv": SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv",
        "gpkg": SHARED_DATA / "rutland" / "network" / "rutland_osm_highways.gpkg",
        "qml": REPO / "resources" / "styles" / "district.qml",  # XML, but a layer style
        "geojson": SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2025.geojson",
    }
    if kind == "truncated qpt":
        whole = (REPO / "resources" / "templates" / "lis_atlas_a4_portrait.qpt").read_text(encoding="utf-8")
        template = tmp_path / "cut.qpt"
        template.write_text(whole[: len(whole) // 2], encoding="utf-8")
    elif kind == "folder":
        template = tmp_path / "templates"
        template.mkdir()
    elif kind == "missing":
        template = tmp_path / "gone.qpt"
    else:
        template = tmp_path / sources[kind].name
        shutil.copy2(sources[kind], template)
    before = file_state(template) if template.is_file() else []
    message = bad_run(
        {
            "COVERAGE": ward_data["rutland"],
            "INDICATORS": ["imd_score_mean"],
            "TEMPLATE": str(template),
            "OUTPUT_PDF": str(tmp_path / "out" / "x.pdf"),
        }
    )
    assert message.startswith(f"TEMPLATE: {template}")
    assert message.endswith(
        "Choose a print layout template (.qpt) saved from the layout designer (Layout > Save as Template), or leave "
        "TEMPLATE empty to use the LIS template."
    )
    what = {
        "csv": "is not a print layout template (.qpt): a CSV file, not valid XML",
        "gpkg": "is not a print layout template (.qpt): it is not text",
        "geojson": "is not a print layout template (.qpt): a GEOJSON file, not valid XML",
        "qml": "is XML of another kind (its root is <qgis>, a template's is <Layout>)",
        "truncated qpt": "is not a print layout template (.qpt): not valid XML (unexpected end of file",
        "folder": "is a folder.",
        "missing": "does not exist.",
    }
    assert what[kind] in message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    if before:
        assert file_state(template) == before


@pytest.mark.parametrize(
    "case",
    ["pdf under a file", "pdf in a read-only place", "pdf is a folder", "data is the coverage", "folder in sysfs"],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_page(
    ward_data: dict[str, str], tmp_path: Path, case: str
) -> None:
    """Each output (PDF, folder, atlas data) is checked first: the message names the parameter and the path."""
    coverage = tmp_path / "wards.gpkg"
    shutil.copy2(ward_data["rutland"].split("|")[0], coverage)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    # sysfs refuses any new file, also to root (whom a chmod'ed folder does not stop)
    outputs = {
        "pdf under a file": ({"OUTPUT_PDF": str(blocker / "x.pdf")}, f"OUTPUT_PDF: {blocker / 'x.pdf'}: cannot be "
                             f"written: '{blocker}' is a file, not a folder."),
        "pdf in a read-only place": ({"OUTPUT_PDF": "/sys/kernel/x.pdf"}, "OUTPUT_PDF: /sys/kernel/x.pdf: cannot be "
                                     "written: Permission denied in '/sys/kernel'."),
        "pdf is a folder": ({"OUTPUT_PDF": str(tmp_path)}, ""),
        "data is the coverage": ({"OUTPUT_PDF": str(tmp_path / "x.pdf"), "ATLAS_DATA": str(coverage)},
                                 "ATLAS_DATA: wards.gpkg: this is the file of input layer"),
        "folder in sysfs": ({"OUTPUT_FOLDER": "/sys/kernel/profiles"}, "OUTPUT_FOLDER: cannot write into the folder "
                            "'/sys/kernel/profiles'"),
    }  # fmt: skip
    if case == "pdf is a folder":
        folder = tmp_path / "profiles.pdf"
        folder.mkdir()
        outputs[case] = ({"OUTPUT_PDF": str(folder)}, f"OUTPUT_PDF: {folder}: this is a folder, not a file.")
    parameters, expected = outputs[case]
    before = file_state(coverage, blocker)
    message = bad_run({"COVERAGE": f"{coverage}|layername=wards", "INDICATORS": ["imd_score_mean"], **parameters})
    assert message.startswith(expected), message
    assert file_state(coverage, blocker) == before
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == sorted(["wards.gpkg", "notes.txt", *(["profiles.pdf"] if case == "pdf is a folder" else [])])


# --- profiles ready to publish: units, England, sums of counts, the key, sources -----------------------------------

#: The lis:deprivationsummary measures profiled for Nottingham's 20 wards (IoD2019 ranks, mid-2015 residents).
SUMMARY_FIELDS = ["prop_lsoas_most_deprived_10", "pop_share_most_deprived_10", "avg_rank", "n_lsoas", "population"]


def summarise_wards(place: str, folder: Path) -> str:
    """The place's 2025 wards with MHCLG's summary measures of their IoD2019 LSOAs, through lis:deprivationsummary."""
    import processing

    root = SHARED_DATA / place
    result = processing.run(
        "lis:deprivationsummary",
        {
            "INPUT": str(root / "deprivation" / f"{place}_lsoa11_imd2019.geojson"),
            "RANK_FIELD": "imd_rank",
            "POPULATION_FIELD": "pop_total_mid2015",
            "TARGET": str(root / "boundaries" / f"{place}_wards_2025.geojson"),
            "OUTPUT": f"{folder / 'Deprivation summary.gpkg'}|layername=summary",
        },
        context=QgsProcessingContext(),
        feedback=LogFeedback(),
    )
    return result["OUTPUT"]


@pytest.fixture(scope="module")
def nottingham_summary(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Nottingham's 20 wards with the summary measures of their 182 IoD2019 LSOAs."""
    return summarise_wards("nottingham", tmp_path_factory.mktemp("atlas_summary"))


def nottingham_lsoas() -> list[dict[str, str]]:
    """Nottingham's 182 LSOAs of 2011 with their IMD2019 decile, straight from MHCLG's File 1."""
    path = SHARED_DATA / "nottingham" / "deprivation" / "nottingham_imd2019_file1.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def row_cells(page: str, label: str) -> list[str]:
    """The printed cells after the label of the table row starting with ``label`` (columns: two spaces or more)."""
    rows = [re.split(r"\s{2,}", line.strip())[1:] for line in page.splitlines() if line.strip().startswith(label)]
    return next(cells for cells in rows if len(cells) >= 3)  # the key's title may start with the same words


def number(text: str) -> float:
    """The number of a printed cell: '30.8%' -> 30.8, '\u22121,234' -> -1234."""
    return float(NUMBER.search(text).group().replace("\u2212", "-").replace(",", ""))


def population_2015(place: str) -> dict[str, int]:
    """LSOA 2011 code -> residents mid-2015 (IoD2019 File 6), thousands separators stripped."""
    path = SHARED_DATA / place / "population" / f"{place}_iod2019_file6_population_denominators.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["LSOA code (2011)"]: int(row[FILE6_TOTAL].replace(",", "")) for row in csv.DictReader(handle)}


FILE6_TOTAL = "Total population: mid 2015 (excluding prisoners)"
FILE1_DECILE = "Index of Multiple Deprivation (IMD) Decile"


def test_profiles_print_units_england_sums_of_counts_and_their_sources(nottingham_summary: str, tmp_path: Path) -> None:
    """Nottingham's wards from lis:deprivationsummary: shares as %, England's IoD2019 share, ratios of sums."""
    lsoas = nottingham_lsoas()
    people = population_2015("nottingham")
    first = [row["LSOA code (2011)"] for row in lsoas if row[FILE1_DECILE] == "1"]
    assert len(lsoas) == 182 and set(people) == {row["LSOA code (2011)"] for row in lsoas}
    share_of_lsoas = len(first) / len(lsoas)
    share_of_people = sum(people[code] for code in first) / sum(people.values())
    path = SHARED_DATA / "england" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        deciles = [row[FILE1_DECILE] for row in csv.DictReader(handle)]
    england = deciles.count("1") / len(deciles)
    assert (deciles.count("1"), len(deciles)) == (3_284, 32_844)
    summary = QgsVectorLayer(nottingham_summary, "summary", "ogr")
    ward_shares = [feature["prop_lsoas_most_deprived_10"] for feature in summary.getFeatures()]
    mean_of_ratios = statistics.fmean(ward_shares)
    assert abs(mean_of_ratios - share_of_lsoas) > 0.005, "the data tells a mean of ratios from the district's ratio"

    project = QgsProject()
    result, feedback = run(
        {"COVERAGE": nottingham_summary, "INDICATORS": SUMMARY_FIELDS, "OUTPUT_PDF": str(tmp_path / "p.pdf")}, project
    )
    assert result["PAGES"] == 20, feedback.text
    pages = pdf_pages(Path(result["OUTPUT_PDF"]))
    for page in pages:
        area, district, national, difference = row_cells(page, "Proportion of LSOAs")
        assert all(cell.endswith("%") for cell in (area, district, national)), (area, district, national)
        assert difference.split()[1] == "pp" or difference == "same"  # 30.8%, not 0.308; differences in points
        assert_printed(number(district), 100 * share_of_lsoas, district[:-1])  # 56 of 182 LSOAs, not the wards' mean
        assert_printed(number(national), 100 * england, national[:-1])  # England, from the IoD's national deciles
        assert district != f"{100 * mean_of_ratios:.1f}%"
        area, district, national, _ = row_cells(page, "Share of residents")
        assert_printed(number(district), 100 * share_of_people, district[:-1])
        assert district.endswith("%") and national == "\u2013"  # no England value known for this one: a dash
        cells = row_cells(page, "Population of those LSOAs")
        assert cells[1] == f"{sum(people.values()):,}" and cells[2] == "\u2013"  # a total, thousands separated
        assert len(cells) == 4 and cells[3] == "\u2013"  # a ward's count is not compared with the total
        assert row_cells(page, "Number of LSOAs")[1] == "182"
    flat = re.sub(r"\s+", " ", pages[0])
    assert "Sources: MHCLG, English Indices of Deprivation 2019, summarised by LIS" in flat
    assert "Open Government Licence v3.0" in flat and "the fields of the coverage layer" not in flat
    assert "England: IoD2019's national deciles put 3,284 of England's 32,844 LSOAs in the most deprived 10%" in flat
    assert "not a mean of their ratios" in flat and "no national values were given" not in flat
    assert "0.000" not in flat
    # The key: only classes some ward falls in, labelled as the table prints (in %).
    (thematic,) = [layer for layer in project.mapLayers().values() if layer.name().startswith("Proportion of LSOAs")]
    ranges = thematic.renderer().ranges()
    shares = [value for value in ward_shares if value is not None]
    classes = [next(i for i, item in enumerate(ranges) if item.lowerValue() <= v <= item.upperValue()) for v in shares]
    assert set(classes) == set(range(len(ranges))) and len(ranges) >= 2
    labels = [item.label() for item in ranges]
    assert len(set(labels)) == len(labels) and all(label.endswith("%") for label in labels), labels
    project.clear()
    # Look at it: the first page as an image (opened by hand when the layout changes).
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", result["OUTPUT_PDF"], str(tmp_path / "pg")],
                   check=True)  # fmt: skip
    image = QImage(str(next(tmp_path.glob("pg*.png"))))
    table = item_box("indicator_table", "A4 portrait", 60)
    assert (
        colour_pixels(image, table, VERDICT_COLOURS["worse"][0], 4)
        + colour_pixels(image, table, VERDICT_COLOURS["better"][0], 4)
        > 100
    )


def test_technical_fields_are_no_indicators(nottingham_summary: str, tmp_path: Path) -> None:
    for name, kind in (("BNG_E", "a coordinate"), ("LAT", "a coordinate"), ("fid", "an id")):
        message = bad_run({"COVERAGE": nottingham_summary, "INDICATORS": ["avg_rank", name],
                           "OUTPUT_PDF": str(tmp_path / f"{name}.pdf")})  # fmt: skip
        assert message.startswith(f"INDICATORS: field '{name}' of layer 'summary' is {kind}, not an indicator"), message
        assert not (tmp_path / f"{name}.pdf").exists()


#: The columns of Fingertips' all_data CSV, in its order (the ones lis:joinindicators reads and the rest).
FINGERTIPS_COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Count", "Denominator", "Value note", "Time period Sortable",
)  # fmt: skip
SCORE_NAME = "Deprivation score (IMD 2025)"


def test_england_comes_from_the_fingertips_row_beside_the_data(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    """A Fingertips-shaped CSV of Nottingham's IoD2025 LSOA scores with England's row: the atlas prints England's."""
    import processing

    root = SHARED_DATA / "nottingham"
    with gzip.open(SHARED_DATA / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz", "rt", encoding="utf-8-sig",
                   newline="") as handle:  # fmt: skip
        england = statistics.fmean(float(row["IMD_score"]) for row in csv.DictReader(handle))
    with (root / "deprivation" / "nottingham_imd2025_lsoa21.csv").open(encoding="utf-8-sig", newline="") as handle:
        scores = {row["lsoa21_code"]: row["IMD_score"] for row in csv.DictReader(handle)}

    def row(code: str, name: str, area_type: str, value: str | float) -> dict[str, str]:
        return dict.fromkeys(FINGERTIPS_COLUMNS, "") | {
            "Indicator ID": "93553", "Indicator Name": SCORE_NAME, "Parent Code": "E92000001", "Parent Name": "England",
            "Area Code": code, "Area Name": name, "Area Type": area_type, "Sex": "Persons", "Age": "All ages",
            "Time period": "2025", "Value": str(value), "Time period Sortable": "20250000",
        }  # fmt: skip

    download = tmp_path / "fingertips_93553.csv"
    with download.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FINGERTIPS_COLUMNS)
        writer.writeheader()
        writer.writerow(row("E92000001", "England", "England", f"{england:.6f}"))
        writer.writerows(row(code, code, "LSOA 2021", value) for code, value in scores.items())
    joined = processing.run(
        "lis:joinindicators",
        {"BOUNDARIES": str(root / "boundaries" / "nottingham_lsoa21.geojson"), "TABLE": str(download),
         "OUTPUT": str(tmp_path / "lsoa21_scores.gpkg")},
        context=QgsProcessingContext(), feedback=LogFeedback(),
    )  # fmt: skip
    fields = QgsVectorLayer(joined["OUTPUT"], "joined", "ogr").fields().names()
    (score,) = [name for name in fields if name.startswith("deprivation_score")]
    wards = processing.run(
        "lis:aggregateindicators",
        {"INPUT": joined["OUTPUT"], "TARGET": str(root / "boundaries" / "nottingham_wards_2025.geojson"),
         "FIELDS_MEAN": [score], "OUTPUT": f"{tmp_path / 'wards.gpkg'}|layername=wards"},
        context=QgsProcessingContext(), feedback=LogFeedback(),
    )  # fmt: skip
    result, feedback = run(
        {"COVERAGE": wards["OUTPUT"], "INDICATORS": [f"{score}_mean"], "OUTPUT_PDF": str(tmp_path / "scores.pdf")}
    )
    pages = pdf_pages(Path(result["OUTPUT_PDF"]))
    assert len(pages) == 20, feedback.text
    for page in pages:
        area, district, national, _ = row_cells(page, SCORE_NAME)
        assert_printed(number(national), england, national)  # 21.6-ish: England's own row, not a mean of wards
    flat = re.sub(r"\s+", " ", pages[0])
    assert "England: England's row (E92000001) of fingertips_93553.csv." in flat
    assert (
        "Sources: OHID, Fingertips public health profiles (fingertips.phe.org.uk), fingertips_93553.csv (2025)." in flat
    )
    # The same CSV given as ENGLAND_VALUES: its England row, for the period the areas have only.
    from lis_qgis_plugin.core.atlas.atlas_england import long_table_england, match_long_england
    from lis_qgis_plugin.core.atlas.atlas_indicators import AtlasIndicator

    table = long_table_england(download)
    assert table == {SCORE_NAME: (pytest.approx(england, abs=1e-6), "2025")}
    later = AtlasIndicator("s", f"{SCORE_NAME} (mean over LSOAs)", period="2026")
    found = match_long_england([later, AtlasIndicator("t", f"{SCORE_NAME} (mean over LSOAs)")], table, download.name)
    assert found.values == {"t": pytest.approx(england, abs=1e-6)}
    assert found.problems == [
        f"{SCORE_NAME} (mean over LSOAs): England's value in fingertips_93553.csv is for 2025, the areas' for 2026; "
        "no England value shown."
    ]


def test_the_key_has_no_empty_class(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    """Rutland has no LSOA in England's most deprived 10%: every ward's share is 0, so the key has one class, 0%."""
    with (SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2019_file1.csv").open(encoding="utf-8-sig") as handle:
        assert {row[FILE1_DECILE] for row in csv.DictReader(handle)}.isdisjoint({"1"})
    coverage = summarise_wards("rutland", tmp_path)
    project = QgsProject()
    result, feedback = run(
        {"COVERAGE": coverage, "INDICATORS": ["prop_lsoas_most_deprived_10", "extent"],
         "OUTPUT_PDF": str(tmp_path / "rutland.pdf")}, project,
    )  # fmt: skip
    (thematic,) = [layer for layer in project.mapLayers().values() if layer.name().startswith("Proportion of LSOAs")]
    assert [item.label() for item in thematic.renderer().ranges()] == ["0%"]  # not five classes '0.000 - 0.000'
    project.clear()
    pages = pdf_pages(Path(result["OUTPUT_PDF"]))
    assert len(pages) == 15, feedback.text
    for page in pages:
        assert row_cells(page, "Proportion of LSOAs")[:3] == ["0%", "0%", "10%"]  # England: 3,284 of 32,844


FILE6_OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
OLDER_NAME = "Population aged 60 and over (%)"


def file6_counts(path: Path) -> list[tuple[str, str, int, int]]:
    """(LSOA code, district code, residents aged 60+, residents) of an IoD2019 File 6 (CSV or .csv.gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return [
            (row["LSOA code (2011)"], row["Local Authority District code (2019)"],
             int(row[FILE6_OLDER].replace(",", "")), int(row[FILE6_TOTAL].replace(",", "")))
            for row in csv.DictReader(handle)
        ]  # fmt: skip


def test_the_district_value_is_the_published_row_not_a_mean_of_ward_ratios(
    lis_plugin: LisPlugin, tmp_path: Path
) -> None:
    """A Fingertips-shaped share (residents 60+ per 100, counts and denominators from IoD2019 File 6) for Nottingham's
    LSOAs, with Nottingham's and England's rows as Fingertips sends them: the wards' mean of LSOA shares is printed
    beside Nottingham's own share, sum(60+) / sum(residents), and England's."""
    import processing

    root = SHARED_DATA / "nottingham"
    lsoas = file6_counts(root / "population" / "nottingham_iod2019_file6_population_denominators.csv")
    england_rows = file6_counts(SHARED_DATA / "england" / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    assert len(lsoas) == 182 and len(england_rows) == 32_844
    nottingham = 100 * sum(row[2] for row in lsoas) / sum(row[3] for row in lsoas)
    england = 100 * sum(row[2] for row in england_rows) / sum(row[3] for row in england_rows)
    assert [row[1] for row in lsoas] == ["E06000018"] * 182

    def row(code: str, name: str, area_type: str, older: int, total: int) -> dict[str, str]:
        return dict.fromkeys(FINGERTIPS_COLUMNS, "") | {
            "Indicator ID": "1", "Indicator Name": OLDER_NAME, "Parent Code": "E06000018", "Parent Name": "Nottingham",
            "Area Code": code, "Area Name": name, "Area Type": area_type, "Sex": "Persons", "Age": "60+ yrs",
            "Time period": "2015", "Value": f"{100 * older / total:.6f}", "Count": str(older),
            "Denominator": str(total), "Time period Sortable": "20150000",
        }  # fmt: skip

    download = tmp_path / "fingertips_older.csv"
    with download.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FINGERTIPS_COLUMNS)
        writer.writeheader()
        writer.writerow(row("E92000001", "England", "England", *(sum(r[i] for r in england_rows) for i in (2, 3))))
        writer.writerow(row("E06000018", "Nottingham", "UA", *(sum(r[i] for r in lsoas) for i in (2, 3))))
        writer.writerows(row(code, code, "LSOA", older, total) for code, _, older, total in lsoas)
    joined = processing.run(
        "lis:joinindicators",
        {"BOUNDARIES": str(root / "boundaries" / "nottingham_lsoa11.geojson"), "TABLE": str(download),
         "OUTPUT": str(tmp_path / "lsoa11_older.gpkg")},
        context=QgsProcessingContext(), feedback=LogFeedback(),
    )  # fmt: skip
    (share,) = [name for name in QgsVectorLayer(joined["OUTPUT"], "j", "ogr").fields().names() if "60" in name]
    wards = processing.run(
        "lis:aggregateindicators",
        {"INPUT": joined["OUTPUT"], "TARGET": str(root / "boundaries" / "nottingham_wards_2025.geojson"),
         "FIELDS_MEAN": [share], "OUTPUT": f"{tmp_path / 'wards.gpkg'}|layername=wards"},
        context=QgsProcessingContext(), feedback=LogFeedback(),
    )  # fmt: skip
    ward_means = [feature[f"{share}_mean"] for feature in QgsVectorLayer(wards["OUTPUT"], "w", "ogr").getFeatures()]
    assert abs(statistics.fmean(ward_means) - nottingham) > 0.5  # the mean of ratios is visibly wrong here
    result, feedback = run(
        {"COVERAGE": wards["OUTPUT"], "INDICATORS": [f"{share}_mean"], "OUTPUT_PDF": str(tmp_path / "older.pdf")}
    )
    pages = pdf_pages(Path(result["OUTPUT_PDF"]))
    assert len(pages) == 20, feedback.text
    for page in pages:
        _, district, national, difference = row_cells(page, OLDER_NAME)
        assert district.endswith("%") and national.endswith("%") and " pp" in difference  # the label's (%)
        assert_printed(number(district), nottingham, district[:-1])
        assert_printed(number(national), england, national[:-1])
    flat = re.sub(r"\s+", " ", pages[0])
    assert "Nottingham: as published, its own row (E06000018) of fingertips_older.csv." in flat
    assert "England: England's row (E92000001) of fingertips_older.csv." in flat


def test_a_ratio_of_sums_gets_the_district_ratio_of_sums_not_a_mean_of_ward_ratios(
    lis_plugin: LisPlugin, tmp_path: Path
) -> None:
    """Nottingham's residents aged 60+ per 100 residents, made by ward with FIELDS_RATIO: the district value is
    sum(60+) / sum(residents) of its LSOAs (IoD2019 File 6, read here), not the mean of the 20 wards' shares."""
    import processing

    root = SHARED_DATA / "nottingham"
    lsoas = file6_counts(root / "population" / "nottingham_iod2019_file6_population_denominators.csv")
    nottingham = 100 * sum(row[2] for row in lsoas) / sum(row[3] for row in lsoas)
    wards = processing.run(
        "lis:aggregateindicators",
        {"INPUT": str(root / "deprivation" / "nottingham_lsoa11_imd2019.geojson"),
         "TARGET": str(root / "boundaries" / "nottingham_wards_2025.geojson"),
         "LOOKUP": str(root / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"),
         "FIELDS_RATIO": "pop_60plus_mid2015/pop_total_mid2015*100\npop_0_15_mid2015/pop_total_mid2015",
         "OUTPUT": f"{tmp_path / 'wards.gpkg'}|layername=wards"},
        context=QgsProcessingContext(), feedback=LogFeedback(),
    )  # fmt: skip
    older, children = "pop_60plus_mid2015_pct_pop_total_mid2015", "pop_0_15_mid2015_per_pop_total_mid2015"
    layer = QgsVectorLayer(wards["OUTPUT"], "w", "ogr")
    ward_shares = [feature[older] for feature in layer.getFeatures()]
    assert len(ward_shares) == 20
    assert abs(statistics.fmean(ward_shares) - nottingham) > 0.5  # the plain mean of the wards' ratios is wrong
    result, feedback = run(
        {"COVERAGE": wards["OUTPUT"], "INDICATORS": [older, children], "OUTPUT_PDF": str(tmp_path / "older.pdf")}
    )
    children_share = 100 * sum(
        feature["pop_0_15_mid2015_sum"] for feature in layer.getFeatures()
    ) / sum(feature["pop_total_mid2015_sum"] for feature in layer.getFeatures())  # fmt: skip
    pages = pdf_pages(Path(result["OUTPUT_PDF"]))
    assert len(pages) == 20, feedback.text
    for page in pages:
        value, district, difference = row_cells(page, "pop_60plus_mid2015 per pop_total_mid2015 (\u00d7100)")
        assert value.endswith("%") and district.endswith("%") and " pp" in difference  # the metadata's unit '%'
        assert_printed(number(district), nottingham, district[:-1])
        _, district, _ = row_cells(page, "pop_0_15_mid2015 per pop_total_mid2015")  # no England column: none given
        assert district.endswith("%")  # a proportion prints as a percentage
        assert_printed(number(district), children_share, district[:-1])
    flat = re.sub(r"\s+", " ", pdf_pages(Path(result["OUTPUT_PDF"]), "-raw")[0])
    assert "sum of the numerators over the sum of the denominators of the 20 wards, not a mean of their ratios" in flat
    assert "Nottingham: sum of the numerators" in flat and "mean of the 20 wards" not in flat
