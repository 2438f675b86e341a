"""lis:joinindicators on the real IoD2019/IoD2025 tables and ONS boundaries in ../shared/data/real."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from qgis.core import (
    NULL,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.deprivation.deprivation import NATIONAL_AREAS, national_quantile
from lis_qgis_plugin.core.indicators.metadata_store import read_indicator_metadata

from ..support import features_by_code, field_with_alias, file_state, open_layer, run_join


def published_rows(path: Path) -> dict[str, dict[str, str]]:
    """The published table read independently of the plugin: code -> row, separators stripped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        code_column = reader.fieldnames[0]
        return {row[code_column]: {k: v.replace(",", "") for k, v in row.items()} for row in reader}


@pytest.fixture(scope="module")
def england(shared_data: Path) -> Path:
    return shared_data / "england"


@pytest.fixture(scope="module")
def file1_csv(england: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """IoD2019 File 1 as published (BOM, "29,199"), unzipped as an analyst would have it."""
    target = tmp_path_factory.mktemp("england") / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
    target.write_bytes(gzip.decompress((england / f"{target.name}.gz").read_bytes()))
    return target


def test_imd2019_file1_onto_rutland_lsoa11(
    lis_plugin: object, shared_data: Path, file1_csv: Path, tmp_path: Path
) -> None:
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    before = file_state(boundaries, file1_csv)
    result, log = run_join(
        BOUNDARIES=str(boundaries), TABLE=str(file1_csv), OUTPUT=str(tmp_path / "rutland.gpkg"),
        REPORT=str(tmp_path / "report.html"),
    )  # fmt: skip
    assert result["MATCHED"] == 23 and result["UNMATCHED_BOUNDARIES"] == 0
    assert result["UNMATCHED_ROWS"] == 32_844 - 23
    assert "All 23 LSOA areas of 'rutland_lsoa11' matched" in log.text
    published = published_rows(file1_csv)
    joined = features_by_code(result["OUTPUT"], "LSOA11CD")
    assert len(joined) == 23
    rank_field = "index_of_multiple_deprivation_imd_rank"
    decile_field = "index_of_multiple_deprivation_imd_decile"
    for code, attributes in joined.items():
        assert attributes[rank_field] == int(published[code]["Index of Multiple Deprivation (IMD) Rank"])
        assert attributes[decile_field] == int(published[code]["Index of Multiple Deprivation (IMD) Decile"])
        assert attributes[decile_field] == national_quantile(attributes[rank_field], NATIONAL_AREAS["IMD2019"])
    # Oakham's E01013787 (Rutland 005A) is published as rank 19,612, decile 6.
    assert (joined["E01013787"][rank_field], joined["E01013787"][decile_field]) == (19612, 6)
    layer = open_layer(tmp_path / "rutland.gpkg", "rutland")
    fields = layer.fields()
    assert fields.field(rank_field).typeName() == "Integer64"
    assert fields.field("LSOA11NM").typeName() == "String"  # boundary fields kept
    assert fields.field(rank_field).alias() == "Index of Multiple Deprivation (IMD) Rank"
    assert all(feature.hasGeometry() for feature in layer.getFeatures())
    assert file_state(boundaries, file1_csv) == before
    report = json.loads(Path(result["REPORT_JSON"]).read_text(encoding="utf-8"))
    assert report["matched"] == 23 and len(report["unmatched_rows"]) == 32_821
    assert "All 23 LSOA areas" in Path(result["REPORT"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("area, count", [("rutland", 23), ("nottingham", 182)])
def test_iod2019_domains_and_population_onto_lsoa11(
    lis_plugin: object, shared_data: Path, england: Path, tmp_path: Path, area: str, count: int
) -> None:
    boundaries = shared_data / area / "boundaries" / f"{area}_lsoa11.geojson"
    domains = england / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
    population = england / "File_6_-_IoD2019_Population_Denominators.csv.gz"
    for table in (domains, population):
        (tmp_path / table.stem).write_bytes(gzip.decompress(table.read_bytes()))
    first, _ = run_join(BOUNDARIES=str(boundaries), TABLE=str(tmp_path / domains.stem), OUTPUT=str(tmp_path / "a.gpkg"))
    second, _ = run_join(
        BOUNDARIES=first["OUTPUT"], TABLE=str(tmp_path / population.stem), OUTPUT=str(tmp_path / "b.gpkg"),
        FIELDS="Total population: mid 2015 (excluding prisoners)",
    )  # fmt: skip
    assert first["MATCHED"] == second["MATCHED"] == count
    joined = features_by_code(second["OUTPUT"], "LSOA11CD")
    published_domains = published_rows(domains)
    published_population = published_rows(population)
    crime = "Crime Rank (where 1 is most deprived)"
    education = "Education, Skills and Training Decile (where 1 is most deprived 10% of LSOAs)"
    crime_field = field_with_alias(second["OUTPUT"], crime)
    education_field = field_with_alias(second["OUTPUT"], education)
    for code, attributes in joined.items():
        assert attributes[crime_field] == int(published_domains[code][crime])
        assert attributes[education_field] == int(published_domains[code][education])
    total_field = field_with_alias(second["OUTPUT"], "Total population: mid 2015 (excluding prisoners)")
    expected_total = sum(
        int(published_population[code]["Total population: mid 2015 (excluding prisoners)"]) for code in joined
    )
    assert sum(attributes[total_field] for attributes in joined.values()) == expected_total
    if area == "rutland":
        assert expected_total == 37_746  # as SOURCES.md states for File 6
    layer = open_layer(tmp_path / "b.gpkg", "b")
    assert layer.fields().indexFromName(crime_field) >= 0  # the first join's fields are kept


@pytest.mark.parametrize("area, count", [("rutland", 26), ("nottingham", None)])
def test_iod2025_onto_lsoa21(
    lis_plugin: object, shared_data: Path, england: Path, tmp_path: Path, area: str, count: int | None
) -> None:
    boundaries = shared_data / area / "boundaries" / f"{area}_lsoa21.geojson"
    table = england / "IoD2025_imd2025_england_lsoa21.csv.gz"
    (tmp_path / table.stem).write_bytes(gzip.decompress(table.read_bytes()))
    result, log = run_join(
        BOUNDARIES=str(boundaries), TABLE=str(tmp_path / table.stem), OUTPUT=str(tmp_path / "o.gpkg")
    )
    features = QgsVectorLayer(str(boundaries), "b", "ogr").featureCount()
    assert result["MATCHED"] == (count or features) and result["UNMATCHED_BOUNDARIES"] == 0
    published = published_rows(table)
    joined = features_by_code(result["OUTPUT"], "LSOA21CD")
    for code, attributes in joined.items():
        assert attributes["imd_rank"] == int(published[code]["IMD_rank"])
        assert attributes["imd_decile"] == national_quantile(attributes["imd_rank"], NATIONAL_AREAS["IoD2025"])
        assert attributes["imd_score"] == pytest.approx(float(published[code]["IMD_score"]))
    assert open_layer(tmp_path / "o.gpkg", "o").fields().field("imd_score").typeName() == "Real"
    assert "Vintage mismatch" not in log.text


def test_iod2019_onto_lsoa21_is_diagnosed_then_converted(
    lis_plugin: object, shared_data: Path, file1_csv: Path, tmp_path: Path
) -> None:
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
    lookup = shared_data / "rutland" / "boundaries" / "lookup_lsoa11_to_lsoa21_bestfit_derived.csv"
    plain, log = run_join(BOUNDARIES=str(boundaries), TABLE=str(file1_csv), OUTPUT=str(tmp_path / "plain.gpkg"))
    changed = ["E01035102", "E01035103", "E01035104", "E01035105", "E01035106"]
    assert plain["MATCHED"] == 21 and plain["UNMATCHED_BOUNDARIES"] == 5
    assert "Vintage mismatch: the boundaries are LSOA 2021" in log.text
    assert "the table's codes are LSOA 2011" in log.text
    assert f"Boundary codes with no row: {', '.join(changed)}" in log.text
    plain_features = features_by_code(plain["OUTPUT"], "LSOA21CD")
    assert all(plain_features[code]["index_of_multiple_deprivation_imd_rank"] == NULL for code in changed)
    assert plain_features["E01013787"]["index_of_multiple_deprivation_imd_rank"] == 19612  # unchanged area

    before = file_state(boundaries, lookup, file1_csv)
    converted, log = run_join(
        BOUNDARIES=str(boundaries), TABLE=str(file1_csv), LOOKUP=str(lookup), OUTPUT=str(tmp_path / "conv.gpkg")
    )
    assert converted["MATCHED"] == 26 and converted["UNMATCHED_BOUNDARIES"] == 0
    assert "split into 5 boundary areas" in log.text
    with lookup.open(encoding="utf-8") as handle:
        parent_of = {row["LSOA21CD"]: row["LSOA11CD"] for row in csv.DictReader(handle)}
    published = published_rows(file1_csv)
    joined = features_by_code(converted["OUTPUT"], "LSOA21CD")
    for code in changed:
        expected = int(published[parent_of[code]]["Index of Multiple Deprivation (IMD) Rank"])
        assert joined[code]["index_of_multiple_deprivation_imd_rank"] == expected
    assert file_state(boundaries, lookup, file1_csv) == before


def test_sample_workbook_with_title_block_and_metadata_sheet(
    lis_plugin: object, sample_result: dict, sample_gpkg: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    workbook = Path(sample_result["HEALTH_XLSX"])
    before = file_state(workbook, sample_gpkg)
    result, log = run_join(
        BOUNDARIES=f"{sample_gpkg}|layername=small_areas", TABLE=str(workbook), OUTPUT=str(tmp_path / "health.gpkg")
    )
    areas = open_layer(sample_gpkg, "small_areas").featureCount()
    assert result["MATCHED"] == areas and result["UNMATCHED_ROWS"] == 0
    sheet = list(load_workbook(workbook, read_only=True)["Indicators"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(sheet) if row[0] == "LSOA code")
    obesity = [row[6] for row in sheet[header_at + 1 :]]
    suppressed = sum(1 for value in obesity if value == "*")
    assert suppressed > 0
    assert f"'Year 6 obesity (%)': {suppressed:,} suppressed (* x{suppressed})" in log.text
    joined = features_by_code(result["OUTPUT"], "lsoa_code")
    codes = [row[0] for row in sheet[header_at + 1 :]]
    for code, value in zip(codes, obesity):
        expected = NULL if value == "*" else float(value)
        assert joined[code]["year_6_obesity"] == expected
    population = [row[2] for row in sheet[header_at + 1 :]]
    assert joined[codes[0]]["population_mid_2023"] == int(str(population[0]).replace(",", ""))
    metadata = read_indicator_metadata(tmp_path / "health.gpkg", "health")
    assert metadata["year_6_obesity"].polarity == "higher is worse"
    assert metadata["year_6_obesity"].unit == "%"
    assert metadata["emergency_admissions_per_1_000"].period == "2022/23"
    assert file_state(workbook, sample_gpkg) == before


def test_table_layer_in_the_project(lis_plugin: object, sample_result: dict, sample_gpkg: Path, tmp_path: Path) -> None:
    """A table already loaded in QGIS, named by its layer name, joins like the file."""
    table = QgsVectorLayer(sample_result["IMD_CSV"], "lisford imd table", "ogr")
    assert table.isValid()
    QgsProject.instance().addMapLayer(table)
    try:
        result, _ = run_join(
            BOUNDARIES=f"{sample_gpkg}|layername=small_areas", TABLE="lisford imd table",
            OUTPUT=str(tmp_path / "fromlayer.gpkg"),
        )  # fmt: skip
    finally:
        QgsProject.instance().removeMapLayer(table.id())
    joined = features_by_code(result["OUTPUT"], "lsoa_code")
    for attributes in joined.values():
        assert attributes["index_of_multiple_deprivation_imd_rank"] == attributes["imd_rank"]


def test_errors_name_the_problem_and_write_nothing(
    lis_plugin: object, shared_data: Path, file1_csv: Path, tmp_path: Path
) -> None:
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    wards = shared_data / "rutland" / "boundaries" / "rutland_wards_2025.geojson"
    before = file_state(boundaries, wards, file1_csv)
    output = tmp_path / "never.gpkg"
    with pytest.raises(QgsProcessingException, match="the table holds .*LSOA codes but the boundaries are ward"):
        run_join(BOUNDARIES=str(wards), TABLE=str(file1_csv), OUTPUT=str(output))
    with pytest.raises(QgsProcessingException, match="Choose a file ending in .gpkg"):
        run_join(BOUNDARIES=str(boundaries), TABLE=str(file1_csv), OUTPUT=str(tmp_path / "out.shp"))
    with pytest.raises(QgsProcessingException, match="one of the inputs"):
        gpkg = tmp_path / "in.gpkg"
        run_join(BOUNDARIES=str(boundaries), TABLE=str(file1_csv), OUTPUT=str(gpkg))
        run_join(BOUNDARIES=str(gpkg), TABLE=str(file1_csv), OUTPUT=f"{gpkg}|layername=again")
    assert not output.exists()
    assert not list(tmp_path.glob("*.partial*"))  # the copy started in the background is thrown away
    assert file_state(boundaries, wards, file1_csv) == before


def test_running_again_replaces_the_output(lis_plugin: object, shared_data: Path, tmp_path: Path) -> None:
    """A second run into the same GeoPackage replaces the layer, its aliases and metadata (no 'overwrite?' hang)."""
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    table = shared_data / "rutland" / "deprivation" / "rutland_imd2019_file1.csv"
    output = tmp_path / "again.gpkg"
    first, _ = run_join(BOUNDARIES=str(boundaries), TABLE=str(table), OUTPUT=str(output))
    second, _ = run_join(
        BOUNDARIES=str(boundaries), TABLE=str(table), OUTPUT=str(output),
        FIELDS="Index of Multiple Deprivation (IMD) Decile",
    )  # fmt: skip
    assert first["OUTPUT"] == second["OUTPUT"]
    layer = open_layer(output, "again")
    assert layer.featureCount() == 23
    assert [f.alias() for f in layer.fields() if f.alias()] == ["Index of Multiple Deprivation (IMD) Decile"]
    styles = layer.listStylesInDatabase()
    assert styles[0] == 1, styles
    assert list(read_indicator_metadata(output, "again")) == ["index_of_multiple_deprivation_imd_decile"]


def test_new_file_and_existing_file_give_the_same_layer(
    lis_plugin: object, shared_data: Path, england: Path, tmp_path: Path
) -> None:
    """A new GeoPackage is filled by the background copy; an existing one by the feature writer: same result."""
    boundaries = shared_data / "nottingham" / "boundaries" / "nottingham_lsoa11.geojson"
    domains = england / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
    table = tmp_path / domains.stem
    table.write_bytes(gzip.decompress(domains.read_bytes()))
    output = tmp_path / "both.gpkg"
    fresh, _ = run_join(BOUNDARIES=str(boundaries), TABLE=str(table), OUTPUT=str(output))
    again, _ = run_join(BOUNDARIES=str(boundaries), TABLE=str(table), OUTPUT=f"{output}|layername=again")
    first, second = QgsVectorLayer(fresh["OUTPUT"], "a", "ogr"), QgsVectorLayer(again["OUTPUT"], "b", "ogr")
    assert [(f.name(), f.typeName(), f.alias()) for f in first.fields()] == [
        (f.name(), f.typeName(), f.alias()) for f in second.fields()
    ]
    rows = [(f.attributes(), f.geometry().asWkt(3)) for f in first.getFeatures()]
    assert rows == [(f.attributes(), f.geometry().asWkt(3)) for f in second.getFeatures()]
    assert len(rows) == 182
    assert not list(tmp_path.glob("*.partial*"))


def test_report_html_shows_names_from_the_table_as_text(lis_plugin: object, shared_data: Path, tmp_path: Path) -> None:
    """Column names, metadata and codes from the table are escaped in the HTML report: shown, never markup."""
    import html

    hostile = "[% env('HOME') %] <b>bold</b> <script>x</script> & \"quoted\" 'single' \U0001f3e0"
    source = shared_data / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = tmp_path / "hostile.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lsoa21_code", f"Score {hostile}"])
        writer.writerows([row["lsoa21_code"], row["IMD_score"]] for row in rows)
        writer.writerow([f"E01<script>{hostile}", "1.0"])
    metadata = tmp_path / "metadata.csv"
    metadata.write_text(
        f'Indicator,Source,Period,Unit,Polarity\n"Score {hostile.replace(chr(34), chr(34) * 2)}",src,'
        f'"<i>2025</i>","<u>pts</u> &amp;",High is bad\n',
        encoding="utf-8",
    )
    result, _ = run_join(
        BOUNDARIES=str(shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson"), TABLE=str(table),
        METADATA=str(metadata), OUTPUT=str(tmp_path / "joined.gpkg"), REPORT=str(tmp_path / "report.html"),
    )  # fmt: skip
    assert result["MATCHED"] == 26
    page = Path(result["REPORT"]).read_text(encoding="utf-8")
    assert html.escape(f"Score {hostile}") in page
    assert "<b>" not in page.lower() and "<script" not in page.lower() and "<i>" not in page and "<u>" not in page
    assert "&lt;i&gt;2025&lt;/i&gt;" in page and "&lt;u&gt;pts&lt;/u&gt; &amp;amp;" in page  # period and unit
    assert f"{html.escape(f'E01<script>{hostile}'.upper())} (row 28)" in page  # the unmatched row's code
