"""lis:deprivationmap on real data: published national deciles, local deciles, Jenks, the rendered map."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapSettings,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

from lis_qgis_plugin.core.deprivation.classification import (
    jenks_breaks,
    parse_breaks,
)
from lis_qgis_plugin.core.io.gpkg_writer import FeatureTable, write_tables
from lis_qgis_plugin.layouts.map_image import render_map_png

from ..support import LogFeedback, geojson_values

DECILE_1 = "#081d58"  # darkest YlGnBu, as the project's small-area style


def run_map(**parameters: object) -> tuple[dict, LogFeedback]:
    """Run lis:deprivationmap through Processing, as the toolbox and qgis_process do."""
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run("lis:deprivationmap", parameters, context=context, feedback=feedback), feedback


def attribute_rows(uri: str, *fields: str) -> list[tuple]:
    layer = QgsVectorLayer(uri, "out", "ogr")
    assert layer.isValid(), uri
    request = QgsFeatureRequest().setFlags(Qgis.FeatureRequestFlag.NoGeometry)
    return [tuple(feature[name] for name in fields) for feature in layer.getFeatures(request)]


def squares_gpkg(path: Path, rows: list[dict], fields: list[tuple[str, type]]) -> Path:
    """One 10 m square per row, on a grid: enough geometry to be a polygon layer."""
    wkb = []
    for index in range(len(rows)):
        x, y = (index % 200) * 20.0, (index // 200) * 20.0
        wkb.append(QgsGeometry.fromRect(QgsRectangle(x, y, x + 10, y + 10)).asWkb())
    write_tables(path, [FeatureTable(path.stem, fields, rows, "Polygon", wkb)])
    return path


def published(path: Path, rank_column: str, decile_column: str) -> list[dict]:
    """The published file read independently of the plugin: code, rank (separators stripped), decile."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        code = reader.fieldnames[0]
        return [
            {"code": row[code], "rank": int(row[rank_column].replace(",", "")), "decile": int(row[decile_column])}
            for row in reader
        ]


@pytest.mark.parametrize(
    ("file_name", "rank_column", "decile_column", "layer_name", "expected_n"),
    [
        (
            "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
            "Index of Multiple Deprivation (IMD) Rank",
            "Index of Multiple Deprivation (IMD) Decile",
            "lsoa_imd2019",
            32_844,
        ),
        ("IoD2025_imd2025_england_lsoa21.csv.gz", "IMD_rank", "IMD_decile", "lsoa_iod2025", 33_755),
    ],
)
def test_national_deciles_equal_every_published_decile(
    lis_plugin: object,
    shared_data: Path,
    tmp_path: Path,
    file_name: str,
    rank_column: str,
    decile_column: str,
    layer_name: str,
    expected_n: int,
) -> None:
    rows = published(shared_data / "england" / file_name, rank_column, decile_column)
    assert len(rows) == expected_n
    source = squares_gpkg(tmp_path / f"{layer_name}.gpkg", rows, [("code", str), ("rank", int), ("decile", int)])
    result, feedback = run_map(
        INPUT=str(source), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "map.gpkg")
    )  # no NATIONAL_N: the edition comes from the LSOA codes
    assert f"{expected_n:,} areas" in feedback.text
    out = attribute_rows(result["OUTPUT"], "decile", "rank_class", "rank_class_label")
    assert len(out) == expected_n
    wrong = [row for row in out if row[0] != row[1]]
    assert wrong == []
    assert {row[2] for row in out if row[1] == 1} == {"1 – most deprived 10% nationally"}
    counts = Counter(row[1] for row in out)
    assert f"Class 1 (1 – most deprived 10% nationally): {counts[1]:,} areas" in feedback.text
    assert f"Class 10 (10 – least deprived 10% nationally): {counts[10]:,} areas" in feedback.text


def test_national_quintiles_of_imd2019(lis_plugin: object, shared_data: Path, tmp_path: Path) -> None:
    layer = shared_data / "nottingham" / "deprivation" / "nottingham_lsoa11_imd2019.geojson"
    result, _ = run_map(
        INPUT=str(layer), FIELD="imd_rank", METHOD=1, NATIONAL_N=32_844, OUTPUT=str(tmp_path / "q.gpkg")
    )
    for decile, quintile in attribute_rows(result["OUTPUT"], "imd_decile", "imd_rank_class"):
        assert quintile == (decile + 1) // 2


def test_local_deciles_of_nottingham(lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path) -> None:
    result, feedback = run_map(
        INPUT=str(nottingham_imd2019), FIELD="imd_rank", METHOD=2, POLARITY=2, OUTPUT=str(tmp_path / "local.gpkg")
    )
    rows = sorted(attribute_rows(result["OUTPUT"], "imd_rank", "imd_rank_class", "imd_rank_class_label"))
    assert len(rows) == 182
    sizes = Counter(row[1] for row in rows)
    assert sorted(sizes) == list(range(1, 11))
    assert max(sizes.values()) - min(sizes.values()) <= 1
    classes_by_rank = [row[1] for row in rows]
    assert classes_by_rank == sorted(classes_by_rank)  # rank 1 = most deprived = local decile 1
    assert rows[0][2] == "local decile 1 – most deprived 10% of this layer"
    assert f"Class 1 (local decile 1 – most deprived 10% of this layer): {sizes[1]} areas" in feedback.text


def test_jenks_map_is_the_same_on_every_run(lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path) -> None:
    runs = [
        run_map(
            INPUT=str(nottingham_imd2019),
            FIELD="imd_rank",
            METHOD=6,
            CLASSES=6,
            POLARITY=2,
            OUTPUT=str(tmp_path / f"j{i}.gpkg"),
        )[0]
        for i in range(2)
    ]
    first, second = (attribute_rows(run["OUTPUT"], "LSOA11CD", "imd_rank_class") for run in runs)
    assert first == second
    layer = QgsVectorLayer(runs[0]["OUTPUT"], "jenks", "ogr")
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol"
    ranges = renderer.ranges()
    assert len(ranges) == 6
    # ranks: the lowest range (rank 1 end) is the most deprived, so the darkest colour
    assert ranges[0].symbol().color().name() == DECILE_1
    assert ranges[0].upperValue() == jenks_breaks(geojson_values(nottingham_imd2019, "imd_rank"), 6)[0]


def test_most_deprived_lsoa_is_drawn_in_the_decile_1_colour(
    lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    result, _ = run_map(
        INPUT=str(nottingham_imd2019), FIELD="imd_rank", METHOD=0, OUTPUT=str(tmp_path / "deciles.gpkg")
    )
    layer = QgsVectorLayer(result["OUTPUT"], "deciles", "ogr")  # opened fresh: the stored default style
    features = sorted(layer.getFeatures(), key=lambda feature: feature["imd_rank"])
    most, least = features[0], features[-1]
    assert most["imd_rank_class"] == 1
    png = render_map_png([layer], tmp_path / "nottingham_national_deciles.png", layer.extent(), 1600)
    image = QImage(str(png))
    settings = QgsMapSettings()  # the same view as render_map_png
    extent = QgsRectangle(layer.extent())
    extent.scale(1.05)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(image.width(), image.height()))
    settings.setOutputDpi(150)

    def colour_at(feature: object) -> str:
        point = settings.mapToPixel().transform(feature.geometry().pointOnSurface().asPoint())
        return QColor(image.pixel(round(point.x()), round(point.y()))).name()

    assert colour_at(most) == DECILE_1
    assert colour_at(least) not in (DECILE_1, "#ffffff")


def test_default_style_reloads_and_qml_is_written(lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path) -> None:
    result, _ = run_map(INPUT=str(nottingham_imd2019), FIELD="imd_rank", METHOD=0, OUTPUT=str(tmp_path / "styled.gpkg"))
    layer = QgsVectorLayer(result["OUTPUT"], "fresh", "ogr")
    assert layer.renderer().type() == "categorizedSymbol"
    first = layer.renderer().categories()[0]
    assert first.label() == "1 – most deprived 10% nationally"
    assert first.symbol().color().name() == DECILE_1
    assert layer.fields().field("imd_rank_class").alias() == "imd_rank: class (1 = most deprived)"
    qml = Path(result["QML_OUTPUT"])
    assert qml == tmp_path / "styled.qml"
    assert "categorizedSymbol" in qml.read_text()
    other = tmp_path / "styles" / "mine.qml"
    second, _ = run_map(
        INPUT=str(nottingham_imd2019),
        FIELD="imd_rank",
        METHOD=0,
        OUTPUT=str(tmp_path / "b.gpkg"),
        QML_OUTPUT=str(other),
    )
    assert Path(second["QML_OUTPUT"]) == other and other.exists()


def test_polarity_puts_the_darkest_colour_on_the_deprived_end(
    lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    # Scores: high = more deprived, so the highest range is class 1 and darkest.
    result, _ = run_map(
        INPUT=str(nottingham_imd2019),
        FIELD="imd_rank",
        METHOD=5,
        CLASSES=4,
        POLARITY=1,
        RAMP=1,
        OUTPUT=str(tmp_path / "e.gpkg"),
    )
    layer = QgsVectorLayer(result["OUTPUT"], "e", "ogr")  # kept: the renderer belongs to the layer
    ranges = layer.renderer().ranges()
    assert ranges[-1].symbol().color().name() == "#440154"  # viridis, darkest
    top = max(attribute_rows(result["OUTPUT"], "imd_rank", "imd_rank_class"))
    assert top[1] == 1


def test_manual_breaks(lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path) -> None:
    result, _ = run_map(
        INPUT=str(nottingham_imd2019), FIELD="imd_rank", METHOD=9, BREAKS="3284; 6569, 9853", POLARITY=2,
        OUTPUT=str(tmp_path / "m.gpkg"),
    )  # fmt: skip
    for rank, decile, number, label in attribute_rows(
        result["OUTPUT"], "imd_rank", "imd_decile", "imd_rank_class", "imd_rank_class_label"
    ):
        assert number == min(decile, 4), rank
        assert " – " in label


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bad_inputs_are_explained(lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path) -> None:
    before = checksum(nottingham_imd2019)
    nulls = squares_gpkg(
        tmp_path / "nulls.gpkg",
        [{"code": "a", "score": None}, {"code": "b", "score": None}],
        [("code", str), ("score", float)],
    )
    three = squares_gpkg(tmp_path / "three.gpkg", [{"score": float(i)} for i in range(3)], [("score", float)])
    n_too_small = r"NATIONAL_N is 1,000 but the largest rank in field 'imd_rank' is"
    rank_below_one = r"field 'score': ranks run from 1 \(most deprived\) to 32,844, but 1 area has a rank below 1"
    cases = [
        ({"INPUT": str(nottingham_imd2019), "FIELD": "LSOA11NM", "METHOD": 4}, "'LSOA11NM' holds .* not numbers"),
        ({"INPUT": str(nulls), "FIELD": "score", "METHOD": 4}, "'score' is NULL for every feature"),
        ({"INPUT": str(nottingham_imd2019), "FIELD": "imd_rank", "NATIONAL_N": 1000}, n_too_small),
        ({"INPUT": str(three), "FIELD": "score", "NATIONAL_N": 32_844}, rank_below_one),
        ({"INPUT": str(three), "FIELD": "score", "METHOD": 2}, "3 values cannot make 10 local groups"),
        ({"INPUT": str(three), "FIELD": "score", "METHOD": 4, "CLASSES": 5}, "cannot make 5 classes"),
        ({"INPUT": str(nottingham_imd2019), "FIELD": "imd_rank", "METHOD": 9, "BREAKS": "10, ten"},
         "'ten' is not a number"),
        ({"INPUT": str(nottingham_imd2019), "FIELD": "imd_rank", "METHOD": 9, "BREAKS": "30 20"}, "must increase: 20"),
        ({"INPUT": str(nottingham_imd2019), "FIELD": "imd_rank", "METHOD": 9}, "give the class limits in BREAKS"),
        ({"INPUT": str(nottingham_imd2019), "FIELD": "imd_rank", "OUTPUT": str(tmp_path / "x.shp")}, "ending in .gpkg"),
    ]  # fmt: skip
    for parameters, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            run_map(**{"METHOD": 0, "OUTPUT": str(tmp_path / "bad.gpkg"), **parameters})
    assert checksum(nottingham_imd2019) == before
    with pytest.raises(ValueError, match="must increase"):
        parse_breaks("1, 1")


def test_null_values_are_no_data(lis_plugin: object, tmp_path: Path) -> None:
    rows = [{"rank": 1}, {"rank": None}, {"rank": 32_844}]
    source = squares_gpkg(tmp_path / "gaps.gpkg", rows, [("rank", int)])
    # No codes: the edition cannot be told, so N is given (this test relied on the silent IMD2019 fallback)
    with pytest.raises(QgsProcessingException, match="cannot be told.*Set NATIONAL_N"):
        run_map(INPUT=str(source), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "refused.gpkg"))
    assert not (tmp_path / "refused.gpkg").exists()
    result, feedback = run_map(
        INPUT=str(source), FIELD="rank", METHOD=0, NATIONAL_N=32_844, OUTPUT=str(tmp_path / "gaps_map.gpkg")
    )
    assert attribute_rows(result["OUTPUT"], "rank_class", "rank_class_label") == [
        (1, "1 – most deprived 10% nationally"),
        (None, "no data"),
        (10, "10 – least deprived 10% nationally"),
    ]
    assert "No data (rank is NULL): 1 area, shown grey." in feedback.text
    assert "ranks among 32,844 areas nationally (NATIONAL_N given)" in feedback.text
    layer = QgsVectorLayer(result["OUTPUT"], "gaps", "ogr")
    categories = layer.renderer().categories()
    assert len(categories) == 11 and categories[-1].label() == "no data"


# --- the edition comes from the codes (issue 16) ---------------------------------------------------


def neutral_nottingham_iod2025(shared_data: Path, path: Path, keep: object = None) -> dict[str, dict]:
    """Nottingham's LSOA 2021 polygons with their IoD2025 rank under neutral names (layer 'areas', fields
    'code' and 'rank'), as a new officer would save the IoD2025 file; ``keep(code, rank)`` filters rows.

    Returns code -> the published row (rank, decile), read independently of the plugin.
    """
    table = {
        row["lsoa21_code"]: row
        for row in csv_rows_of(shared_data / "nottingham/deprivation/nottingham_imd2025_lsoa21.csv")
    }
    boundaries = QgsVectorLayer(str(shared_data / "nottingham/boundaries/nottingham_lsoa21.geojson"), "b", "ogr")
    rows, wkb = [], []
    for feature in boundaries.getFeatures():
        code = feature["LSOA21CD"]
        rank = int(table[code]["IMD_rank"])
        if keep is None or keep(code, rank):
            rows.append({"code": code, "rank": rank})
            wkb.append(feature.geometry().asWkb())
    write_tables(path, [FeatureTable("areas", [("code", str), ("rank", int)], rows, "MultiPolygon", wkb)], "EPSG:4326")
    return {row["code"]: table[row["code"]] for row in rows}


def csv_rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_iod2025_under_a_neutral_name_gets_every_published_decile(
    lis_plugin: object, shared_data: Path, tmp_path: Path
) -> None:
    # The case: the one Nottingham LSOA ranked above 32,844 (E01013984, rank 33,372) left out,
    # so no rank gives the edition away; the codes created in 2021 (E01035500...) do.
    source = tmp_path / "areas.gpkg"
    published_rows = neutral_nottingham_iod2025(shared_data, source, lambda code, rank: rank <= 32_844)
    assert len(published_rows) == 178 and "E01013984" not in published_rows
    before = checksum(source)
    result, feedback = run_map(INPUT=str(source), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "map.gpkg"))
    assert "Edition IoD2025: ranks among 33,755 areas nationally (9 LSOA codes created in 2021, such as E01035500)" in (
        feedback.text
    )
    deciles = dict(attribute_rows(result["OUTPUT"], "code", "rank_class"))
    assert deciles == {code: int(row["IMD_decile"]) for code, row in published_rows.items()}
    assert int(published_rows["E01013896"]["IMD_rank"]) == 3_366
    assert deciles["E01013896"] == 1  # N = 32,844 put rank 3,366 in decile 2
    assert checksum(source) == before


def test_iod2019_is_told_by_the_codes_retired_in_2021(
    lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    result, feedback = run_map(
        INPUT=str(nottingham_imd2019), FIELD="imd_rank", METHOD=0, OUTPUT=str(tmp_path / "m.gpkg")
    )
    assert "Edition IoD2019: ranks among 32,844 areas nationally (12 LSOA codes of 2011 that 2021 retired" in (
        feedback.text
    )
    rows = attribute_rows(result["OUTPUT"], "imd_decile", "imd_rank_class")
    assert len(rows) == 182 and all(published == mapped for published, mapped in rows)


def test_codes_that_cannot_tell_the_edition_need_n(lis_plugin: object, shared_data: Path, tmp_path: Path) -> None:
    common = tmp_path / "common.gpkg"  # only codes that exist in 2011 and 2021, ranks all below 32,844
    rows = neutral_nottingham_iod2025(shared_data, common, lambda code, rank: code < "E01033769" and rank <= 32_844)
    with pytest.raises(QgsProcessingException, match=r"every LSOA code \(169 codes\) exists in both .*Set NATIONAL_N"):
        run_map(INPUT=str(common), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "refused.gpkg"))
    assert not (tmp_path / "refused.gpkg").exists()
    result, feedback = run_map(
        INPUT=str(common), FIELD="rank", METHOD=0, NATIONAL_N=33_755, OUTPUT=str(tmp_path / "given.gpkg")
    )
    assert "ranks among 33,755 areas nationally (NATIONAL_N given)" in feedback.text
    assert dict(attribute_rows(result["OUTPUT"], "code", "rank_class")) == {
        code: int(row["IMD_decile"]) for code, row in rows.items()
    }


def test_mixed_2011_and_2021_codes_are_refused_unless_n_is_given(
    lis_plugin: object, shared_data: Path, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    lsoa11 = QgsVectorLayer(str(nottingham_imd2019), "lsoa11", "ogr")
    lsoa21 = QgsVectorLayer(str(shared_data / "nottingham/deprivation/nottingham_lsoa21_imd2025.geojson"), "l", "ogr")
    rows, wkb = [], []
    for layer, code_field, rank_field in ((lsoa11, "LSOA11CD", "imd_rank"), (lsoa21, "LSOA21CD", "IMD_rank")):
        for feature in layer.getFeatures():
            if feature[code_field] in ("E01013924", "E01035500"):  # retired in 2021 / created in 2021
                rows.append({"code": feature[code_field], "rank": feature[rank_field]})
                wkb.append(feature.geometry().asWkb())
    assert len(rows) == 2
    mixed = tmp_path / "mixed.gpkg"
    write_tables(mixed, [FeatureTable("mixed", [("code", str), ("rank", int)], rows, "MultiPolygon", wkb)], "EPSG:4326")
    with pytest.raises(QgsProcessingException, match=r"mix two geographies: E01013924 ended .* E01035500 began"):
        run_map(INPUT=str(mixed), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "refused.gpkg"))
    result, _ = run_map(INPUT=str(mixed), FIELD="rank", METHOD=0, NATIONAL_N=33_755, OUTPUT=str(tmp_path / "ok.gpkg"))
    assert len(attribute_rows(result["OUTPUT"], "rank_class")) == 2


def test_a_rank_above_n_is_refused(lis_plugin: object, shared_data: Path, tmp_path: Path) -> None:
    source = tmp_path / "all.gpkg"
    neutral_nottingham_iod2025(shared_data, source)  # all 179, with E01013984 ranked 33,372
    with pytest.raises(
        QgsProcessingException, match="NATIONAL_N is 32,844 but the largest rank in field 'rank' is 33,372"
    ):
        run_map(INPUT=str(source), FIELD="rank", METHOD=0, NATIONAL_N=32_844, OUTPUT=str(tmp_path / "x.gpkg"))
    assert not (tmp_path / "x.gpkg").exists()


def test_local_deciles_refuse_an_area_listed_twice(
    lis_plugin: object, nottingham_imd2019: Path, tmp_path: Path
) -> None:
    layer = QgsVectorLayer(str(nottingham_imd2019), "lsoa11", "ogr")
    features = list(layer.getFeatures())
    rows = [{"code": f["LSOA11CD"], "rank": f["imd_rank"]} for f in features + features[:1]]
    wkb = [f.geometry().asWkb() for f in features + features[:1]]
    twice = tmp_path / "twice.gpkg"
    write_tables(twice, [FeatureTable("twice", [("code", str), ("rank", int)], rows, "MultiPolygon", wkb)], "EPSG:4326")
    with pytest.raises(
        QgsProcessingException, match=f"lists 1 area code more than once \\({features[0]['LSOA11CD']}\\)"
    ):
        run_map(INPUT=str(twice), FIELD="rank", METHOD=2, POLARITY=2, OUTPUT=str(tmp_path / "x.gpkg"))
    result, _ = run_map(INPUT=str(twice), FIELD="rank", METHOD=0, OUTPUT=str(tmp_path / "national.gpkg"))
    assert len(attribute_rows(result["OUTPUT"], "rank_class")) == 183  # national deciles count nothing twice
