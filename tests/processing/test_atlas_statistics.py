"""lis:exportatlas says what the statistics support: confidence limits, significance against England, Fingertips'
colours on the spine chart, the recent trend and a plain-words headline, on real Nottingham wards."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProject, QgsVectorLayer
from qgis.PyQt.QtGui import QColor, QImage

from lis_qgis_plugin.core.atlas.atlas_chart import TREND_COLOURS
from lis_qgis_plugin.core.atlas.atlas_statistics import SIGNIFICANCE_COLOURS
from lis_qgis_plugin.layouts.atlas_layout import load_atlas_template
from lis_qgis_plugin.plugin import LisPlugin
from lis_qgis_plugin.settings import set_project_store_text

from ..support import (
    NOTTINGHAM,
    OLDER_NAME,
    LogFeedback,
    export_without_the_plugin,
    older_series,
    pdf_pages,
    wilson,
)


def run(algorithm: str, params: dict) -> dict:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject())
    return processing.run(algorithm, params, context=context, feedback=LogFeedback())


def page_of(pages: list[str], area: str) -> str:
    return next(page for page in pages if page.strip().startswith(area))


def flat(page: str) -> str:
    return re.sub(r"\s+", " ", page)


def chart_image(pdf: str, page: int, folder: Path, dpi: int = 100) -> tuple[QImage, tuple[int, int, int, int]]:
    """Page ``page`` of the PDF as an image, and the pixel box of the template's chart item."""
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", pdf, str(folder / "pg")],
                   check=True)  # fmt: skip
    image = QImage(str(next(folder.glob("pg*.png"))))
    layout = load_atlas_template(QgsProject(), None, "A4 portrait")
    item = layout.itemById("chart")
    position, size, pixels = item.positionWithUnits(), item.sizeWithUnits(), dpi / 25.4
    box = (round(position.x() * pixels), round(position.y() * pixels),
           round((position.x() + size.width()) * pixels), round((position.y() + size.height()) * pixels))  # fmt: skip
    return image, box


def colour_pixels(image: QImage, box: tuple[int, int, int, int], colour: str, tolerance: int = 12) -> int:
    target, found = QColor(colour), 0
    for y in range(box[1], min(box[3], image.height())):
        for x in range(box[0], min(box[2], image.width())):
            pixel = QColor(image.pixel(x, y))
            if max(abs(pixel.red() - target.red()), abs(pixel.green() - target.green()),
                   abs(pixel.blue() - target.blue())) <= tolerance:  # fmt: skip
                found += 1
    return found


# --- significance of LSOA counts: lis:deprivationsummary's share of LSOAs in England's most deprived 10% ----------


@pytest.fixture(scope="module")
def summary_atlas(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Nottingham's 20 wards summarised from their 182 IoD2019 LSOAs, printed as profiles (one PDF)."""
    folder = tmp_path_factory.mktemp("summary")
    summary = run("lis:deprivationsummary", {
        "INPUT": str(NOTTINGHAM / "deprivation" / "nottingham_lsoa11_imd2019.geojson"), "RANK_FIELD": "imd_rank",
        "POPULATION_FIELD": "pop_total_mid2015",
        "TARGET": str(NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"),
        "OUTPUT": f"{folder / 'summary.gpkg'}|layername=summary"})["OUTPUT"]  # fmt: skip
    result = run("lis:exportatlas", {
        "COVERAGE": summary, "OUTPUT_PDF": str(folder / "profiles.pdf"),
        "INDICATORS": ["prop_lsoas_most_deprived_10", "pop_share_most_deprived_10", "avg_rank", "n_lsoas"],
    })  # fmt: skip
    return result["OUTPUT_PDF"]


def test_a_ward_significantly_worse_than_england_says_so_with_its_limits(summary_atlas: str, tmp_path: Path) -> None:
    # By hand: MHCLG's File 1 puts 9 of Aspley's 10 LSOAs of 2011 in England's most deprived 10% (90.0%).
    # Wilson 95%, z = 1.959964: (2*9 + z^2 -/+ z*sqrt(z^2 + 4*9*0.1)) / (2*(10 + z^2)) = 0.5958 .. 0.9821; England's
    # 10.0% (3,284 of 32,844) lies below 59.6%, so Aspley is significantly worse; at 99.8% (z = 3.090232) the limits
    # are 0.4503 .. 0.9898, still above 10%: worse at 99.8% too. Nottingham: 56 of 182 LSOAs, 24.5-37.8%.
    assert wilson(9, 10, 1.959964) == (pytest.approx(0.59584, abs=5e-5), pytest.approx(0.98212, abs=5e-5))
    assert wilson(9, 10, 3.090232)[0] > 0.1
    pages = pdf_pages(summary_atlas)
    assert len(pages) == 20
    aspley = page_of(pages, "Aspley")
    text = flat(aspley)
    # The limits under the value and the district's, the flag under England's value (at 99.8% when it holds there).
    assert re.search(r"90\.0% 30\.8% 10\.0% \+59\.2 pp worse deprived 10% 59\.6\u201398\.2 24\.5\u201337\.8 "
                     r"worse \(99\.8%\)", text), text  # fmt: skip
    # Residents' shares are whole LSOAs' residents, not independent events: no limits, not compared.
    assert re.search(r"89\.9% 29\.2% \u2013 \+60\.7 pp worse deprived 10% higher is worse", text), text
    assert text.lstrip().startswith("Aspley")
    assert "Aspley is significantly worse than England on 1 of 3 indicators; 2 could not be compared." in text
    assert "How Aspley compares with England and Nottingham" in text
    assert (
        "Wilson score limits of proportions" in text
        and "as published" not in text
        and "no statistical significance is tested" not in text
    )
    # A ward whose interval holds England's 10% is 'similar', and the headline claims no difference.
    similar = [page for page in pages if re.search(r"deprived 10% \S+ 24\.5\u201337\.8 similar", flat(page))]
    for page in similar:
        name = re.split(r"\s{2,}", page.strip())[0]
        assert (
            f"{name} is not significantly different from England on the one indicator compared; "
            "2 could not be compared." in flat(page)
        )
    assert similar, "Nottingham has wards with none or one of their LSOAs in the most deprived 10%"


def test_the_spine_chart_uses_fingertips_colours(summary_atlas: str, tmp_path: Path) -> None:
    image, chart = chart_image(summary_atlas, 1, tmp_path)  # Aspley: significantly worse, two not compared
    assert colour_pixels(image, chart, SIGNIFICANCE_COLOURS["worse"]) > 20  # the dot and its key: Fingertips red
    assert colour_pixels(image, chart, "#d6604d") == 0  # not the district verdict's red
    assert SIGNIFICANCE_COLOURS == {"better": "#92D050", "similar": "#FFC000", "worse": "#C00000",
                                    "higher": "#BED2FF", "lower": "#5555E6", "not compared": "#FFFFFF"}  # fmt: skip


# --- published limits and a recent trend: a Fingertips-shaped ward table of residents aged 60+ -------------------


def test_published_limits_and_a_rising_series_labelled_increasing(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    download = tmp_path / "fingertips_older.csv"
    wards, (england_older, england_total) = older_series(download)
    england = 100 * england_older / england_total
    joined = run("lis:joinindicators", {"BOUNDARIES": str(NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"),
                                        "TABLE": str(download), "OUTPUT": str(tmp_path / "wards.gpkg")})  # fmt: skip
    (share,) = [name for name in QgsVectorLayer(joined["OUTPUT"], "j", "ogr").fields().names() if "60" in name]
    result = run("lis:exportatlas", {"COVERAGE": joined["OUTPUT"], "INDICATORS": [share],
                                     "OUTPUT_PDF": str(tmp_path / "older.pdf"),
                                     "OUTPUT_PROJECT": str(tmp_path / "older.qgz")})  # fmt: skip
    pages = pdf_pages(result["OUTPUT_PDF"])
    assert len(pages) == 20
    # By hand, Aspley: 1,899 of its 18,404 residents are 60 or older (10.3%); Wilson 95% limits 9.89..10.77%, 99.8%
    # 9.65..11.03%. England's 23.0% (12,612,839 of 54,728,204 in File 6) lies above both: significantly lower at 99.8%
    # (no polarity was given, so 'lower', not 'worse').
    name, older, total = wards["E05012270"]
    low, high = wilson(older, total, 1.959964)
    assert (name, older, total, england_older, england_total) == ("Aspley", 1_899, 18_404, 12_612_839, 54_728_204)
    assert (100 * low, 100 * high) == (pytest.approx(9.8872, abs=1e-4), pytest.approx(10.7662, abs=1e-4))
    assert 100 * wilson(older, total, 3.090232)[1] < england
    text = flat(page_of(pages, "Aspley"))
    value = f"{100 * older / total:.1f}%"
    assert f"{value} " in text and f"{100 * low:.1f}\u2013{100 * high:.1f}" in text, text  # the published limits
    assert "lower (99.8%)" in text
    assert f"limits as published in the source for {OLDER_NAME}; the other" in text and "Wilson" not in text
    # Nottingham: its wards' counts over their denominators (the 182 LSOAs' 60+ over their residents), with limits.
    district_older, district_total = (sum(ward[i] for ward in wards.values()) for i in (1, 2))
    district_low, district_high = wilson(district_older, district_total, 1.959964)
    assert re.search(
        rf"{re.escape(OLDER_NAME)} {value} {100 * district_older / district_total:.1f}% 23\.0% \S+ pp 2015 .* "
        rf"{100 * low:.1f}\u2013{100 * high:.1f} {100 * district_low:.1f}\u2013{100 * district_high:.1f} lower",
        text,
    ), text
    assert "Nottingham: sum of the counts over the sum of the denominators the source gives for the 20 wards" in text
    # Four periods at 4% steps over ~2,600 older residents: a chi-squared trend far beyond 99.8%.
    assert "recent trend: increasing" in text
    assert (
        f"Aspley is significantly lower than England on its one indicator. {OLDER_NAME} is rising (2011 to 2015)."
        in text
    ), text
    image, chart = chart_image(result["OUTPUT_PDF"], 1, tmp_path)
    assert colour_pixels(image, chart, SIGNIFICANCE_COLOURS["lower"]) > 20  # Fingertips' blue for 'lower'
    atlas = QgsVectorLayer(f"{tmp_path / 'older_atlas.gpkg'}|layername=pages", "atlas", "ogr")
    (source,) = [feature["atlas_chart"] for feature in atlas.getFeatures() if feature["atlas_name"] == "Aspley"]
    svg = base64.b64decode(source.removeprefix("base64:")).decode("utf-8")
    assert f'fill="{TREND_COLOURS["no polarity"]}">recent trend: increasing</text>' in svg  # words and colour
    # The small trend chart: Aspley's five values, oldest on the left, each higher on the page than the one before.
    spark = re.search(r'<g class="trend-chart"><title>2011 to 2015</title>\s*<polyline points="([^"]+)" fill="none" '
                      rf'stroke="{TREND_COLOURS["no polarity"]}"', svg)  # fmt: skip
    assert spark, svg
    xs, ys = zip(*(tuple(map(float, point.split(","))) for point in spark.group(1).split()))
    assert len(xs) == 5 and list(xs) == sorted(xs) and list(ys) == sorted(ys, reverse=True) and ys[0] > ys[-1]
    # A colleague without LIS opens the project and exports it: the same headline, limits, flag and trend.
    again = tmp_path / "again" / "older.pdf"
    again.parent.mkdir()
    report = export_without_the_plugin(tmp_path / "older.qgz", result["LAYOUT"], again)
    assert report == {"result": 0, "error": "", "plugin_importable": False, "plugin_modules": []}
    rerendered = flat(page_of(pdf_pages(again), "Aspley"))
    headline = f"Aspley is significantly lower than England on its one indicator. {OLDER_NAME} is rising"
    for words in (f"{100 * low:.1f}\u2013{100 * high:.1f}", "lower (99.8%)", "recent trend: increasing", headline):
        assert words in rerendered, words
    image, chart = chart_image(str(again), 1, tmp_path / "again")
    assert colour_pixels(image, chart, SIGNIFICANCE_COLOURS["lower"]) > 20


def test_the_store_gives_the_limits_the_periods_and_england(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    """The same five periods added to an indicator store and mapped with lis:indicatorlayer: the atlas takes every
    figure from the store given as STORE (the CSV is not beside the layer), England from its E92000001 rows."""
    (tmp_path / "download").mkdir()
    wards, (england_older, england_total) = older_series(tmp_path / "download" / "fingertips_older.csv")
    store = tmp_path / "store" / "lis_store.gpkg"
    store.parent.mkdir()
    added = run("lis:addtostore", {"STORE": str(store), "TABLE": str(tmp_path / "download" / "fingertips_older.csv")})
    layer = run("lis:indicatorlayer", {
        "STORE": str(store), "INDICATORS": added["INDICATORS"],
        "BOUNDARIES": str(NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"),
        "OUTPUT": str(tmp_path / "store" / "wards.gpkg")})  # fmt: skip
    (share,) = [name for name in QgsVectorLayer(layer["OUTPUT"], "j", "ogr").fields().names() if "60" in name]
    params = {"COVERAGE": layer["OUTPUT"], "INDICATORS": [share], "OUTPUT_PDF": str(tmp_path / "without.pdf")}
    without = flat(page_of(pdf_pages(run("lis:exportatlas", params)["OUTPUT_PDF"]), "Aspley"))
    # No CSV beside the layer and no store: no limits and no England value, so the page is as before: no headline,
    # no flags, the spine is Nottingham.
    assert "no statistical significance is tested" in without and "England: no national values were given" in without
    assert "How Aspley compares with Nottingham" in without and "could not be compared" not in without
    params |= {"STORE": str(store), "OUTPUT_PDF": str(tmp_path / "with.pdf")}
    text = flat(page_of(pdf_pages(run("lis:exportatlas", params)["OUTPUT_PDF"]), "Aspley"))
    name, older, total = wards["E05012270"]
    low, high = wilson(older, total, 1.959964)
    assert f"{100 * low:.1f}\u2013{100 * high:.1f}" in text and "lower (99.8%)" in text, text
    assert f"{100 * england_older / england_total:.1f}%" in text  # England's row of the store
    assert "England: England's rows (E92000001) in the indicator store" in text
    assert (
        f"Aspley is significantly lower than England on its one indicator. {OLDER_NAME} is rising (2011 to 2015)."
        in text
    )
    # STORE left empty in a project whose store is this one (the panel's Atlas page runs the tool so): the same page.
    set_project_store_text(str(store))
    try:
        params |= {"STORE": "", "OUTPUT_PDF": str(tmp_path / "project.pdf")}
        from_project = flat(page_of(pdf_pages(run("lis:exportatlas", params)["OUTPUT_PDF"]), "Aspley"))
    finally:
        set_project_store_text(None)
    assert from_project.replace("project.pdf", "with.pdf") == text
