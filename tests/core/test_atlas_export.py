"""The atlas's arithmetic and printed text, by hand: comparators, verdicts, table rows and the spine chart.

The pages themselves, exported through lis:exportatlas on real wards, are checked in
tests/processing/test_atlas_export_algorithm.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from lis_qgis_plugin.core.atlas.atlas_chart import picture_source, spine_chart_svg
from lis_qgis_plugin.core.atlas.atlas_indicators import (
    WORSE,
    AtlasIndicator,
    IndicatorRow,
    Spread,
    comparators,
    district_value,
    format_value,
    match_england_values,
    spread_of,
    verdict,
)
from lis_qgis_plugin.core.atlas.atlas_pages import page_file_stem, slug
from lis_qgis_plugin.core.atlas.atlas_table import profile_rows, table_headers

from ..support import SHARED_DATA


def test_comparators_and_verdicts_by_hand() -> None:
    assert district_value([10.0, 20.0, None], [100, 300, 50]) == pytest.approx((10 * 100 + 20 * 300) / 400)
    assert district_value([10.0, 20.0, None]) == pytest.approx(15.0)
    assert district_value([None, None]) is None
    assert spread_of([4.0, 1.0, 3.0, 2.0, None]) == Spread(1.0, 1.75, 3.25, 4.0)
    assert verdict(12.0, 10.0, WORSE) == "worse"
    assert verdict(8.0, 10.0, WORSE) == "better"
    assert verdict(12.0, 10.0, "higher is better") == "better"
    assert verdict(12.0, 10.0, "") == ""
    assert verdict(10.004, 10.0, WORSE, decimals=2) == "same"
    assert format_value(-1234.5, 0) == "\u22121,234"  # a real minus sign, rounded half to even
    assert format_value(-0.001, 2, signed=True) == "0.00"
    assert format_value(2.5, 1, "%") == "2.5%"
    assert format_value(2.5, 1, "%", signed=True) == "+2.5 pp"
    assert format_value(None, 2) == "\u2013"
    indicators = [AtlasIndicator("imd_score_mean", "IMD score"), AtlasIndicator("pop_sum", "Population")]
    matched, unmatched = match_england_values(indicators, {"IMD_score": 21.7, "other": 1.0})
    assert matched == {"imd_score_mean": 21.7} and unmatched == ["other"]
    compared = comparators(indicators[:1], [{"imd_score_mean": 10.0}, {"imd_score_mean": 30.0}], [1, 3], {}, "wards")
    assert compared.district["imd_score_mean"] == pytest.approx(25.0)
    assert compared.district_method.startswith("population-weighted mean of the 2 wards")
    assert slug("St. Ann's") == "st-ann-s" and page_file_stem("E05012281", "Hyson Green & Arboretum") == (
        "E05012281_hyson-green-arboretum"
    )


def test_table_rows_are_printed_text_and_the_chart_a_self_contained_svg() -> None:
    worse = AtlasIndicator("imd_score_mean", "IMD score", "score", WORSE)
    unknown = AtlasIndicator("health_score_mean", "Health score")
    share = AtlasIndicator("smokers", "Smokers", "%", "higher is worse", period="2023")
    rows = [
        IndicatorRow(worse, 46.49, 33.38, 21.7, Spread(9.2, 20.0, 44.0, 52.6), 2),
        IndicatorRow(unknown, 1.27, 0.82, None, Spread(-1.0, 0.1, 1.2, 1.5), 2),
        IndicatorRow(share, 11.04, 12.5, None, None, 1),
    ]
    table = profile_rows(rows)
    assert [row.order for row in table] == [1, 2, 3]
    assert table[0].indicator == "IMD score\nscore \u00b7 higher is worse"
    assert (table[0].area_value, table[0].district_value, table[0].england_value) == ("46.49", "33.38", "21.70")
    assert (table[0].difference, table[0].status) == ("+13.11 worse", "worse")
    assert (table[1].indicator, table[1].england_value, table[1].difference, table[1].status) == (
        "Health score", "\u2013", "+0.45", ""
    )  # fmt: skip
    assert (table[2].area_value, table[2].difference, table[2].status) == ("11.0%", "\u22121.5 pp better", "better")
    assert table_headers("ward", "Nottingham", False) == [
        ("indicator", "Indicator"), ("area_value", "This ward"), ("district_value", "Nottingham"),
        ("difference", "Difference from Nottingham"),
    ]  # fmt: skip
    svg = spine_chart_svg(rows[:2], "Hyson Green & Arboretum", "Nottingham", "wards", 190, 58)
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched at render time
    assert picture_source(svg).startswith("base64:PHN2Zy")  # '<svg' in base64: a picture source QGIS decodes
    tree = ElementTree.fromstring(svg)
    circles = [element for element in tree.iter("{http://www.w3.org/2000/svg}circle")]
    assert tree.get("viewBox") == "0 0 190.0 58.0" and tree.get("width") == "190.0mm"
    # one dot per row, and three in the legend (better, worse, not judged)
    assert len(circles) == 2 + 3
    assert circles[0].get("fill") == "#d6604d"  # worse: red


def test_map_page_prints_titles_and_layer_names_as_written(tmp_path: Path) -> None:
    """The one-page map (layouts.map_layout): title, subtitle, source and legend names are never evaluated."""
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsFillSymbol,
        QgsProject,
        QgsRendererCategory,
        QgsVectorLayer,
    )

    from lis_qgis_plugin.layouts.map_layout import MapPage, build_map_layout, export_layout_pdf

    hostile = "[% env('HOME') %] <b>bold</b> & \"quoted\" 'single'"
    wards = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2025.geojson"), "w", "ogr")
    assert wards.isValid()
    wards.setName(f"Wards {hostile}")
    # A second copy drawn by category, each ward's label its name, one of them an expression.
    by_name = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2025.geojson"), "by", "ogr")
    names = sorted({feature["WD25NM"] for feature in by_name.getFeatures()})
    categories = [
        QgsRendererCategory(name, QgsFillSymbol.createSimple({}), f"Class {hostile}" if index == 0 else name)
        for index, name in enumerate(names)
    ]
    by_name.setRenderer(QgsCategorizedSymbolRenderer("WD25NM", categories))
    project = QgsProject()
    project.addMapLayers([wards, by_name])
    layers = [wards, by_name]
    page = MapPage(f"Title {hostile}", f"Subtitle [% 6*7 %] {hostile}", f"Source {hostile}", layers, layers,
                   wards.extent())  # fmt: skip
    pdf = export_layout_pdf(build_map_layout(project, page), tmp_path / "map.pdf", dpi=72)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for expected in (f"Title {hostile}", f"Subtitle [% 6*7 %] {hostile}", f"Source {hostile}"):
        assert expected in flat
    assert "Wards [% env('HOME') %] <b>bold</b> &" in flat  # the legend (its box may cut the end of a long name)
    assert "Class [% env('HOME') %] <b>bold</b> &" in flat and names[1] in flat  # a class label from the data
    assert os.path.expanduser("~") not in text and "42" not in flat
