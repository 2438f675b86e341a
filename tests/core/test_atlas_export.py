"""The atlas's arithmetic and printed text, by hand: comparators, verdicts, table rows and the spine chart.

The pages themselves, exported through lis:exportatlas on real wards, are checked in
tests/processing/test_atlas_export_algorithm.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest
from qgis.core import NULL, Qgis, QgsGeometry, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.aggregation.aggregate_indicators import aggregate_indicators
from lis_qgis_plugin.core.aggregation.aggregation import Ratio, ratio_of_sums
from lis_qgis_plugin.core.aggregation.ratio_fields import read_ratio_fields
from lis_qgis_plugin.core.atlas.atlas_chart import picture_source, spine_chart_svg
from lis_qgis_plugin.core.atlas.atlas_indicators import (
    WORSE,
    AtlasIndicator,
    IndicatorRow,
    Spread,
    comparators,
    decimals_for,
    describe_indicators,
    district_value,
    format_value,
    layer_metadata,
    match_england_values,
    rate_suffix,
    spread_of,
    unit_kind,
    verdict,
)
from lis_qgis_plugin.core.atlas.atlas_measures import RATIO, SUM, is_indicator_field, technical_kind
from lis_qgis_plugin.core.atlas.atlas_pages import page_file_stem, slug, title_file_stem
from lis_qgis_plugin.core.atlas.atlas_table import profile_rows, table_headers

from ..support import SHARED_DATA, csv_rows, write_gpkg_layer


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


def test_units_print_as_published() -> None:
    """Shares as percentages, rates per so many, counts with thousands separators; decimals by unit."""
    share = AtlasIndicator("prop", "Share", "proportion")
    assert format_value(0.7, decimals_for(share, [0.7, 0.25, 0.1]), "proportion") == "70%"
    assert decimals_for(share, [0.7, 0.3077]) == 1 and format_value(0.3077, 1, "proportion") == "30.8%"
    assert format_value(0.592, 1, "proportion", signed=True) == "+59.2 pp"
    rate = AtlasIndicator("rate", "Admissions", "per 1000")
    assert decimals_for(rate, [12.34, 8.0]) == 1 and format_value(12.34, 1, "per 1000") == "12.3 per 1,000"
    assert format_value(512.0, 1, "Rate per 100,000 population") == "512.0 per 100,000"
    assert unit_kind("per 100,000 population") == "rate" and rate_suffix("per 100000") == "per 100,000"
    count = AtlasIndicator("pop", "Population", "count", kind="real")
    assert decimals_for(count, [318582.0, 18404.0]) == 0 and format_value(318582.0, 0, "count") == "318,582"
    # compared as printed: 70.2% against 70.4% at no decimals is the same
    same = IndicatorRow(AtlasIndicator("p", "P", "proportion", WORSE), 0.702, 0.704, None, None, 0)
    assert same.verdict == "same"


def test_a_ratio_of_sums_is_not_a_mean_of_ratios() -> None:
    """2 of 4 and 1 of 1 LSOAs in decile 1 are 3 of 5 (60%), not the mean of 50% and 100% (75%)."""
    assert ratio_of_sums([0.5, 1.0, None], [4, 1, 3]) == pytest.approx(0.6)
    assert ratio_of_sums([None], [1]) is None and ratio_of_sums([0.5], [0]) is None
    share = AtlasIndicator("prop", "In decile 1", "proportion", WORSE, method=RATIO, denominator="n")
    total = AtlasIndicator("n", "LSOAs", "count", method=SUM)
    compared = comparators([share, total], [{"prop": 0.5, "n": 4}, {"prop": 1.0, "n": 1}], None, {}, "wards")
    assert compared.district == {"prop": pytest.approx(0.6), "n": 5}
    assert compared.district_method == (
        "sum of the numerators over the sum of the denominators of the 2 wards, not a mean of their ratios for "
        "In decile 1; sum over the 2 wards (a total, not compared) for LSOAs"
    )
    row = IndicatorRow(total, 4, 5, None, None, 0)
    assert row.difference is None and row.verdict == ""
    only_ratio = AtlasIndicator("rate", "Rate", "%")
    assert comparators([only_ratio], [{"rate": 10.0}], None, {}, "wards").district_method == (
        "mean of the 1 wards, not weighted by population (only the areas' ratios are known)"
    )
    mixed = comparators([only_ratio, total], [{"rate": 10.0, "n": 4}], [100], {}, "wards", "residents")
    assert mixed.district_method == (
        "population-weighted mean of the 1 wards (weight: residents) (only the areas' ratios are known) for Rate; "
        "sum over the 1 wards (a total, not compared) for LSOAs"
    )


def test_fields_that_are_not_indicators_and_file_names_from_titles() -> None:
    for name in ("BNG_E", "BNG_N", "LAT", "LONG", "FID", "OBJECTID", "Shape__Area", "Shape__Length", "LAD25CD"):
        assert not is_indicator_field(name), name
    for name in ("imd_score_mean", "pop_total", "prop_lsoas_most_deprived_10", "avg_rank", "latest_rate"):
        assert is_indicator_field(name), name
    assert technical_kind("Shape__Area") == "a geometry measure" and technical_kind("OBJECTID") == "an id"
    assert title_file_stem("Nottingham ward profiles 2026-12") == "Nottingham ward profiles 2026-12"
    assert title_file_stem('A/B: "wards" <2026>?') == "A-B- -wards- -2026"
    assert title_file_stem("...") == "area profiles"


def test_a_ratio_made_by_aggregation_gets_the_district_ratio_of_sums(tmp_path: Path) -> None:
    """Rutland's residents aged 60+ per 100 residents by ward (lis:aggregateindicators' ratio of sums): the atlas
    reads how it was made and makes Rutland's value as sum(60+) / sum(residents) of IoD2019 File 6, read here."""
    rutland = SHARED_DATA / "rutland"
    lsoas = QgsVectorLayer(str(rutland / "deprivation" / "rutland_lsoa11_imd2019.geojson"), "lsoas", "ogr")
    wards = QgsVectorLayer(str(rutland / "boundaries" / "rutland_wards_2025.geojson"), "wards", "ogr")
    outcome = aggregate_indicators(
        lsoas, wards, f"{tmp_path / 'wards.gpkg'}|layername=wards", [],
        lookup=rutland / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv",
        ratios=[Ratio("pop_60plus_mid2015", "pop_total_mid2015", 100)],
    )  # fmt: skip
    layer = QgsVectorLayer(outcome.uri, "wards", "ogr")
    field = "pop_60plus_mid2015_pct_pop_total_mid2015"
    (indicator,) = describe_indicators(layer, [field], layer_metadata(layer))
    assert (indicator.method, indicator.denominator, indicator.unit) == (RATIO, "pop_total_mid2015_sum", "%")
    assert indicator.label == "pop_60plus_mid2015 per pop_total_mid2015 (\u00d7100)"
    file6 = csv_rows(rutland / "population" / "rutland_iod2019_file6_population_denominators.csv")
    older = sum(int(row["Older population aged 60 and over: mid 2015 (excluding prisoners)"]) for row in file6)
    total = sum(int(row["Total population: mid 2015 (excluding prisoners)"]) for row in file6)
    rows = [{name: feature[name] for name in (field, "pop_total_mid2015_sum")} for feature in layer.getFeatures()]
    compared = comparators([indicator], rows, None, {}, "wards")
    assert compared.district[field] == pytest.approx(100 * older / total, rel=1e-12)
    assert abs(compared.district[field] - sum(row[field] for row in rows) / len(rows)) > 0.1  # not a mean of ratios
    assert compared.district_method == (
        "sum of the numerators over the sum of the denominators of the 15 wards, not a mean of their ratios"
    )


def test_a_suppressed_count_leaves_its_area_out_of_the_ratio_and_of_the_district_weight(tmp_path: Path) -> None:
    """Rutland's LSOAs with one count suppressed (NULL), as published tables do with small numbers: the ward's
    ratio and the district's both leave that LSOA out pairwise, so the district is sum(60+) / sum(residents) over
    the other 22 LSOAs of IoD2019 File 6, read here, however the ward's plain sum of residents counts it."""
    rutland = SHARED_DATA / "rutland"
    file6 = csv_rows(rutland / "population" / "rutland_iod2019_file6_population_denominators.csv")
    counts = {
        row["LSOA code (2011)"]: (
            int(row["Older population aged 60 and over: mid 2015 (excluding prisoners)"]),
            int(row["Total population: mid 2015 (excluding prisoners)"]),
        )
        for row in file6
    }
    suppressed = "E01013787"  # Braunston & Martinsthorpe, a ward of two LSOAs
    source = QgsVectorLayer(str(rutland / "deprivation" / "rutland_lsoa11_imd2019.geojson"), "lsoas", "ogr")
    rows = [
        (QgsGeometry(feature.geometry()), [
            feature["LSOA11CD"], NULL if feature["LSOA11CD"] == suppressed else counts[feature["LSOA11CD"]][0],
            counts[feature["LSOA11CD"]][1],
        ])
        for feature in source.getFeatures()
    ]  # fmt: skip
    uri = write_gpkg_layer(
        tmp_path / "lsoas.gpkg", "lsoas", Qgis.WkbType.MultiPolygon,
        [("LSOA11CD", QMetaType.Type.QString), ("older", QMetaType.Type.Int), ("total", QMetaType.Type.Int)], rows,
    )  # fmt: skip
    wards = QgsVectorLayer(str(rutland / "boundaries" / "rutland_wards_2025.geojson"), "wards", "ogr")
    outcome = aggregate_indicators(
        QgsVectorLayer(uri, "lsoas", "ogr"), wards, f"{tmp_path / 'wards.gpkg'}|layername=wards", [],
        lookup=rutland / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv",
        ratios=[Ratio("older", "total", 100)],
    )  # fmt: skip
    assert any(f"older_pct_total leaves out 1 LSOA whose older or total is NULL: {suppressed}." in line.text
               for line in outcome.log)  # fmt: skip
    layer = QgsVectorLayer(outcome.uri, "wards", "ogr")
    assert (
        read_ratio_fields(tmp_path / "wards.gpkg", "wards")["older_pct_total"].denominator_sum == "older_pct_total_den"
    )
    (braunston,) = [feature for feature in layer.getFeatures() if feature["WD25CD"] == "E05012633"]
    lookup = csv_rows(rutland / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv")
    (other,) = [row["LSOA11CD"] for row in lookup if row["WD25CD"] == "E05012633" and row["LSOA11CD"] != suppressed]
    assert braunston["older_pct_total"] == pytest.approx(100 * counts[other][0] / counts[other][1], rel=1e-12)
    assert braunston["total_sum"] == counts[other][1] + counts[suppressed][1]
    assert braunston["older_pct_total_n"] == 1 and braunston["older_pct_total_den"] == counts[other][1]
    (indicator,) = describe_indicators(layer, ["older_pct_total"], layer_metadata(layer))
    assert indicator.denominator == "older_pct_total_den"
    values = [
        {name: feature[name] for name in ("older_pct_total", "older_pct_total_den")} for feature in layer.getFeatures()
    ]
    compared = comparators([indicator], values, None, {}, "wards")
    kept = [pair for code, pair in counts.items() if code != suppressed]
    assert compared.district["older_pct_total"] == pytest.approx(
        100 * sum(older for older, _ in kept) / sum(total for _, total in kept), rel=1e-12
    )
    everyone = 100 * sum(older for older, _ in kept) / sum(total for _, total in counts.values())
    assert abs(compared.district["older_pct_total"] - everyone) > 0.3  # weighting by every resident would be wrong


def test_limits_flags_and_the_headline_say_only_what_the_statistics_support() -> None:
    from lis_qgis_plugin.core.atlas.atlas_statistics import counted, headline, significance_text, with_statistics

    share = AtlasIndicator("prop", "LSOAs in the most deprived 10%", "proportion", WORSE, method=RATIO,
                           denominator="n")  # fmt: skip
    rate = AtlasIndicator("adm", "Emergency admissions", "per 1,000", WORSE, method=RATIO, denominator="pop")
    score = AtlasIndicator("imd", "IMD score", "score", WORSE)
    assert counted(share, 0.9, 10) == counted(share, 0.9000000001, 10)  # 9 of 10, not 9.000000001
    assert counted(share, 0.9, 10).count == 9.0 and counted(score, 30.0, 10) is None
    found = counted(rate, 12.5, 8_000)
    assert (found.count, found.multiplier, found.rate) == (100.0, 1000.0, True)
    rows = [
        IndicatorRow(share, 0.9, 56 / 182, 0.1, None, 1),
        IndicatorRow(rate, 12.5, 11.0, 12.0, None, 1),
        IndicatorRow(score, 46.5, 33.4, 21.7, None, 2),
    ]
    done = with_statistics(rows, {"prop": 0.9, "n": 10, "adm": 12.5, "pop": 8_000})
    # Wilson 95% of 9/10: 0.5958..0.9821 (worked in tests/processing/test_atlas_statistics.py); England 10% below.
    assert done[0].limits == (pytest.approx(0.59584, abs=5e-5), pytest.approx(0.98212, abs=5e-5))
    assert (done[0].significance, done[0].significance_998, significance_text(done[0])) == (
        "worse", "worse", "worse (99.8%)"
    )  # fmt: skip
    # 100 admissions in 8,000: Byar's 95% limits hold England's 12.0 per 1,000: similar, not 'worse'.
    assert done[1].limits[0] < 12.0 < done[1].limits[1] and done[1].significance == "similar"
    assert done[2].limits is None and done[2].significance == "not compared"
    table = profile_rows(done)
    assert table[0].area_value == "90.0%\n59.6\u201398.2" and table[0].england_value == "10.0%\nworse (99.8%)"
    assert table[2].england_value == "21.70\nnot compared"
    assert headline("Aspley", done) == (
        "Aspley is significantly worse than England on 1 of 3 indicators and similar on 1; 1 could not be compared."
    )
    rising = replace(done[1], trend="increasing", trend_periods=("2019/20", "2020/21", "2023/24"))
    flat = replace(done[2], trend="no significant change")
    assert headline("Aspley", [done[0], rising, flat]).endswith(
        " Emergency admissions is rising (2019/20 to 2023/24)."
    )  # only a significant trend is named
    assert headline("Aspley", [done[2]]) == "Aspley: its one indicator could not be compared with England."
    svg = spine_chart_svg(done, "Aspley", "Nottingham", "wards", 190, 58)
    assert "#C00000" in svg and "#FFC000" in svg and "#d6604d" not in svg  # Fingertips' red and amber
    assert ">England</text>" in svg  # England is the spine
    worse = replace(done[0], trend="increasing and getting worse", trend_periods=("2011", "2015"))
    svg = spine_chart_svg([worse, rising], "Aspley", "Nottingham", "wards", 190, 58)
    assert 'fill="#C00000">recent trend: increasing and getting worse</text>' in svg  # in words and in colour
