"""lis:joinindicators on bad input and messy tables, written into tmp_path from the real Rutland data.

Each test writes a table the way analysts receive them (encodings, separators, title
blocks, suppressed markers, Fingertips long exports, duplicates, mixed geographies,
broken files) and checks the joined values, the report or the message. Expected values
are read from the source files with the csv/json/openpyxl modules, never from the plugin.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from qgis.core import NULL, QgsProcessingException, QgsVectorLayer

from lis_qgis_plugin.core.indicators.metadata_store import read_indicator_metadata
from lis_qgis_plugin.core.io.table_files import read_raw_table

from ..support import (
    FILE1_COLUMNS,
    csv_rows,
    features_by_code,
    field_with_alias,
    file_lines,
    file_state,
    imd_table,
    line_number,
    run_join,
    write_csv,
)

CODE, NAME, RANK = FILE1_COLUMNS
DECILE = "Index of Multiple Deprivation (IMD) Decile"
TOTAL = "Total population: mid 2015 (excluding prisoners)"
CHILDREN = "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"
OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
OAKHAM = "Rutland 005A \u2013 Oakham\u2019s"  # en dash and curly apostrophe: both exist in Windows-1252
ENGLAND = "E92000001"
RUTLAND_LA = "E06000017"


# --- the real data, read independently of the plugin ---------------------------------------------


def geojson_codes(path: Path, field: str) -> list[str]:
    """The code of every feature of a GeoJSON file (json module only)."""
    return [feature["properties"][field] for feature in json.loads(path.read_text(encoding="utf-8"))["features"]]


@pytest.fixture(scope="module")
def lsoa11(rutland: Path) -> Path:
    """Rutland LSOA 2011 boundaries: 23 features, code field LSOA11CD."""
    return rutland / "boundaries" / "rutland_lsoa11.geojson"


@pytest.fixture(scope="module")
def wards(rutland: Path) -> Path:
    """Rutland wards 2025, code field WD25CD."""
    return rutland / "boundaries" / "rutland_wards_2025.geojson"


@pytest.fixture(scope="module")
def domains(rutland: Path) -> list[dict[str, str]]:
    return csv_rows(rutland / "deprivation" / "rutland_iod2019_file2_domains.csv")


@pytest.fixture(scope="module")
def population(rutland: Path) -> list[dict[str, str]]:
    return csv_rows(rutland / "population" / "rutland_iod2019_file6_population_denominators.csv")


# --- writing tables and reading results --------------------------------------------------------


def lines_starting(path: Path, code: str) -> list[int]:
    """1-based line numbers of every line that starts with ``code``."""
    return [number for number, line in enumerate(file_lines(path), 1) if line.startswith(code)]


def joined(result: dict, alias: str, code_field: str = "LSOA11CD") -> dict[str, object]:
    """Boundary code -> value of the output field that carries the original column ``alias``."""
    name = field_with_alias(result["OUTPUT"], alias)
    return {code: attributes[name] for code, attributes in features_by_code(result["OUTPUT"], code_field).items()}


def field_type(result: dict, alias: str) -> str:
    """'String', 'Integer64' or 'Real': the GeoPackage type of the field carrying ``alias``."""
    layer = QgsVectorLayer(result["OUTPUT"], "joined", "ogr")
    return layer.fields().field(field_with_alias(result["OUTPUT"], alias)).typeName()


def output_aliases(result: dict) -> list[str]:
    """The aliases (original column names) of the output's fields that have one."""
    layer = QgsVectorLayer(result["OUTPUT"], "joined", "ogr")
    return [field.alias() for field in layer.fields() if field.alias()]


def report_of(result: dict) -> dict:
    return json.loads(Path(result["REPORT_JSON"]).read_text(encoding="utf-8"))


def column_report(result: dict, column: str) -> dict:
    return next(item for item in report_of(result)["columns"] if item["column"] == column)


def expect_failure(tmp_path: Path, inputs: Sequence[Path], *fragments: str, **parameters: object) -> str:
    """Run a join that must fail: the message holds every fragment, nothing is written, inputs are untouched."""
    before = file_state(*inputs)
    output, report = tmp_path / "never.gpkg", tmp_path / "never.html"
    with pytest.raises(QgsProcessingException) as raised:
        run_join(OUTPUT=str(output), REPORT=str(report), **parameters)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message
    assert not output.exists() and not report.exists() and not report.with_suffix(".json").exists()
    assert file_state(*inputs) == before
    return message


def ranks(imd: list[dict[str, str]]) -> dict[str, int]:
    return {row[CODE]: int(row[RANK]) for row in imd}


# --- 1, 2: encodings and separators -------------------------------------------------------------


@pytest.mark.parametrize("encoding, label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")])
def test_encodings_match_and_keep_names_exactly(
    lis_plugin: object, lsoa11: Path, imd: list[dict[str, str]], tmp_path: Path, encoding: str, label: str
) -> None:
    """UTF-8, UTF-8 with BOM and Windows-1252 tables all match; a non-ASCII name comes back exactly."""
    names = {row[CODE]: row[NAME] for row in imd}
    names["E01013787"] = OAKHAM
    rows = [[row[CODE], names[row[CODE]], row[RANK]] for row in imd]
    table = write_csv(tmp_path / "imd.csv", [CODE, NAME, RANK], rows, encoding)
    data = table.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert (b"005A \x96 Oakham\x92s" in data) == (encoding == "cp1252")  # what Excel's 'CSV' holds
    assert read_raw_table(table).encoding == label
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "out.gpkg"))
    assert result["MATCHED"] == len(imd) == 23 and result["UNMATCHED_BOUNDARIES"] == 0
    assert joined(result, NAME) == names
    assert joined(result, NAME)["E01013787"] == OAKHAM
    assert joined(result, RANK) == ranks(imd)


@pytest.mark.parametrize("name, delimiter", [("domains.tsv", "\t"), ("domains.csv", ";")])
def test_tab_and_semicolon_separated_tables(
    lis_plugin: object, lsoa11: Path, domains: list[dict[str, str]], tmp_path: Path, name: str, delimiter: str
) -> None:
    """A .tsv and a semicolon .csv are split on the right character, although header names hold commas."""
    header = list(domains[0])
    education = "Education, Skills and Training Rank (where 1 is most deprived)"
    assert education in header
    table = write_csv(tmp_path / name, header, [list(row.values()) for row in domains], delimiter=delimiter)
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "out.gpkg"))
    assert result["MATCHED"] == 23
    assert set(header[1:]) <= set(output_aliases(result))  # every column found: the separator was right
    assert joined(result, education) == {row[CODE]: int(row[education]) for row in domains}
    assert field_type(result, education) == "Integer64"


# --- 3: workbooks --------------------------------------------------------------------------------


def test_xlsx_named_sheet_under_a_title_block(
    lis_plugin: object, lsoa11: Path, imd: list[dict[str, str]], tmp_path: Path
) -> None:
    """The sheet named in SHEET is read from its real header below the title block; a wrong name lists the sheets."""
    from openpyxl import Workbook

    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    contents.append(["This workbook holds the IMD 2019 for Rutland."])
    sheet = workbook.create_sheet("IMD 2019")
    sheet.append(["English indices of deprivation 2019"])
    sheet.append(["Source: MHCLG, File 1"])
    sheet.append([])
    sheet.append([CODE, NAME, RANK, DECILE])
    for row in imd:
        sheet.append([row[CODE], row[NAME], int(row[RANK]), int(row[DECILE])])
    path = tmp_path / "imd.xlsx"
    workbook.save(path)

    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(path), SHEET="IMD 2019", OUTPUT=str(tmp_path / "x.gpkg"))
    assert result["MATCHED"] == 23
    assert joined(result, RANK) == ranks(imd)
    assert joined(result, DECILE) == {row[CODE]: int(row[DECILE]) for row in imd}
    assert joined(result, NAME) == {row[CODE]: row[NAME] for row in imd}

    expect_failure(
        tmp_path, [path, lsoa11], 'there is no sheet "IMD 2025"', 'The sheets are "Contents", "IMD 2019"',
        BOUNDARIES=str(lsoa11), TABLE=str(path), SHEET="IMD 2025",
    )  # fmt: skip


def test_ods_named_sheet(lis_plugin: object, lsoa11: Path, population: list[dict[str, str]], tmp_path: Path) -> None:
    """An OpenDocument workbook's named sheet is read, beside a notes sheet that is not a table."""
    import pandas

    path = tmp_path / "population.ods"
    notes = pandas.DataFrame({"Notes": ["Mid-2015 population, IoD2019 File 6", "Excludes prisoners"]})
    data = pandas.DataFrame({
        CODE: [row[CODE] for row in population],
        NAME: [row[NAME] for row in population],
        TOTAL: [int(row[TOTAL]) for row in population],
    })  # fmt: skip
    with pandas.ExcelWriter(path, engine="odf") as writer:
        notes.to_excel(writer, sheet_name="About", index=False)
        data.to_excel(writer, sheet_name="Population", index=False)
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(path), SHEET="Population", OUTPUT=str(tmp_path / "ods.gpkg"))
    assert result["MATCHED"] == 23
    assert joined(result, TOTAL) == {row[CODE]: int(row[TOTAL]) for row in population}
    assert field_type(result, TOTAL) == "Integer64"


# --- 4: values -----------------------------------------------------------------------------------

#: Cells of 'Children 0-15' for the first rows; the rest keep the published count.
MARKERS = ["*", "*", "*", "..", "..", "-", "c", "c", "x", "N/A", "", "", "12a"]


def messy_values(population: list[dict[str, str]]) -> tuple[list[str], list[list[str]], dict[str, dict]]:
    """Population with separators, a percent column and suppressed markers; and the values each cell means."""
    header = [CODE, "Population", "Aged 60+ (%)", "Children 0-15"]
    rows, expected = [], {"Population": {}, "Aged 60+ (%)": {}, "Children 0-15": {}}
    for index, row in enumerate(population):
        total = f"{int(row[TOTAL]):,}" if index != 15 else "29,199"
        share = f"{100 * int(row[OLDER]) / int(row[TOTAL]):.1f}%" if index != 16 else "12.5%"
        children = MARKERS[index] if index < len(MARKERS) else row[CHILDREN]
        rows.append([row[CODE], total, share, children])
        expected["Population"][row[CODE]] = int(total.replace(",", ""))
        expected["Aged 60+ (%)"][row[CODE]] = float(share.rstrip("%"))
        expected["Children 0-15"][row[CODE]] = int(children) if children.isdigit() else NULL
    assert any("," in row[1] for row in rows) and rows[15][1] == "29,199"
    return header, rows, expected


def suppressed_counts() -> Counter:
    return Counter(marker.lower() for marker in MARKERS if marker and marker != "12a")


def test_separators_percent_and_suppressed_markers(
    lis_plugin: object, lsoa11: Path, population: list[dict[str, str]], tmp_path: Path
) -> None:
    """'29,199' and '12.5%' are numbers; *, .., -, c, x, n/a and empty are NULL, counted per marker in the log;
    '12a' is NULL and listed with its line number in the JSON report."""
    header, rows, expected = messy_values(population)
    table = write_csv(tmp_path / "values.csv", header, rows)
    result, log = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "v.gpkg"), REPORT=str(tmp_path / "v.html")
    )
    for column, values in expected.items():
        assert joined(result, column) == values, column
    assert field_type(result, "Population") == "Integer64"
    assert field_type(result, "Aged 60+ (%)") == "Real"
    assert field_type(result, "Children 0-15") == "Integer64"

    bad_line = line_number(table, ",12a")
    assert bad_line == 1 + MARKERS.index("12a") + 1  # header on line 1
    counts = suppressed_counts()
    line = next(line for line in log.lines if line.startswith("'Children 0-15':"))
    assert f"{sum(counts.values())} suppressed" in line
    for marker, count in counts.items():
        assert f"{marker} x{count}" in line, (marker, line)
    assert f"{MARKERS.count('')} empty" in line
    assert f"1 unreadable: row {bad_line} '12a'" in line
    report = column_report(result, "Children 0-15")
    assert report["suppressed"] == dict(counts)
    assert report["empty"] == MARKERS.count("")
    assert report["unparseable"] == [{"row": bad_line, "value": "12a"}]
    assert not any(line.startswith("'Population':") for line in log.lines)  # no NULLs there


def test_unreadable_value_row_counts_the_xlsx_title_block(
    lis_plugin: object, lsoa11: Path, population: list[dict[str, str]], tmp_path: Path
) -> None:
    """In a workbook the unreadable value's row is Excel's row number, title block included."""
    from openpyxl import Workbook, load_workbook

    header, rows, expected = messy_values(population)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Population"
    sheet.append(["Mid-2015 population of Rutland's LSOAs"])
    sheet.append(["Source: IoD2019 File 6. Suppressed values are shown as *, .., c or x."])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    path = tmp_path / "values.xlsx"
    workbook.save(path)
    bad_row = next(
        cell.row for line in load_workbook(path)["Population"].iter_rows() for cell in line if cell.value == "12a"
    )

    result, log = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(path), OUTPUT=str(tmp_path / "x.gpkg"), REPORT=str(tmp_path / "x.html")
    )
    for column, values in expected.items():
        assert joined(result, column) == values, column
    assert column_report(result, "Children 0-15")["unparseable"] == [{"row": bad_row, "value": "12a"}]
    assert f"row {bad_row} '12a'" in log.text


# --- 5, 6: codes ---------------------------------------------------------------------------------


def test_codes_with_leading_zeros_stay_text(
    lis_plugin: object, lsoa11: Path, imd: list[dict[str, str]], tmp_path: Path
) -> None:
    """A column of codes such as '00612' is written as text with its zeros, not as the number 612."""
    practices = {row[CODE]: f"{int(row[RANK]) % 1000:05d}" for row in imd}
    assert all(code.startswith("00") for code in practices.values())
    rows = [[row[CODE], practices[row[CODE]], row[RANK]] for row in imd]
    table = write_csv(tmp_path / "practices.csv", [CODE, "GP practice code", RANK], rows)
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "p.gpkg"))
    assert field_type(result, "GP practice code") == "String"
    assert joined(result, "GP practice code") == practices
    assert field_type(result, RANK) == "Integer64"  # real numbers stay numbers
    assert joined(result, RANK) == ranks(imd)


def test_padded_and_lower_case_codes_match(
    lis_plugin: object, lsoa11: Path, imd: list[dict[str, str]], tmp_path: Path
) -> None:
    """Codes with spaces, non-breaking spaces or in lower case still match their boundaries."""
    variants: list[Callable[[str], str]] = [
        lambda code: f" {code.lower()} ",
        lambda code: f"\u00a0{code}\u00a0",
        lambda code: code.lower(),
        lambda code: f"{code}   ",
    ]
    rows = [[variants[index % len(variants)](row[CODE]), row[RANK]] for index, row in enumerate(imd)]
    assert rows[0][0] == " e01013787 "
    table = write_csv(tmp_path / "padded.csv", [CODE, RANK], rows)
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "padded.gpkg"))
    assert result["MATCHED"] == 23 and result["UNMATCHED_ROWS"] == 0
    assert joined(result, RANK) == ranks(imd)


# --- 7: long (Fingertips) tables -----------------------------------------------------------------

FINGERTIPS_HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Count", "Denominator", "Value note", "Time period Sortable",
]  # fmt: skip
INCOME, CRIME = "Income deprivation (rank)", "Crime deprivation (rank)"
LATEST, EARLIER = "2019/20", "2018/19"
#: (indicator, period) -> the real IoD2019 column its values are taken from.
FINGERTIPS_SOURCES = {
    (INCOME, LATEST): "Employment Rank (where 1 is most deprived)",
    (INCOME, EARLIER): "Income Rank (where 1 is most deprived)",
    (CRIME, LATEST): "Living Environment Rank (where 1 is most deprived)",
    (CRIME, EARLIER): "Crime Rank (where 1 is most deprived)",
}


def fingertips_table(path: Path, domains: list[dict[str, str]]) -> tuple[Path, dict[tuple[str, str], dict]]:
    """A Fingertips-style export: 2 indicators x 2 periods for 23 LSOAs, England rows and category rows.

    The income indicator's latest period comes first in the file and the crime indicator's last,
    so neither 'first read' nor 'last read' gives the latest of both. Returns the file and
    (indicator, period) -> code -> expected value.
    """
    ids = {INCOME: "93275", CRIME: "93553"}
    sortable = {LATEST: "20190000", EARLIER: "20180000"}

    def row(indicator: str, period: str, area: tuple[str, str, str], parent: tuple[str, str], value: str,
            category: tuple[str, str] = ("", ""), note: str = "") -> list[str]:  # fmt: skip
        return [
            ids[indicator], indicator, *parent, *area, "Persons", "All ages", *category, period, value,
            "", "", "", "", note, sortable[period],
        ]  # fmt: skip

    rows, expected = [], {}
    for indicator, period in ((INCOME, LATEST), (CRIME, EARLIER), (INCOME, EARLIER), (CRIME, LATEST)):
        rows.append(row(indicator, period, (ENGLAND, "England", "England"), ("", ""), "16422"))
        source = FINGERTIPS_SOURCES[(indicator, period)]
        values = expected[(indicator, period)] = {}
        for index, lsoa in enumerate(domains):
            area = (lsoa[CODE], lsoa[NAME], "LSOA")
            if indicator == CRIME and period == LATEST and index == 0:
                rows.append(row(indicator, period, area, (RUTLAND_LA, "Rutland"), "", note="Value suppressed"))
                values[lsoa[CODE]] = NULL
            else:
                rows.append(row(indicator, period, area, (RUTLAND_LA, "Rutland"), lsoa[source]))
                values[lsoa[CODE]] = int(lsoa[source])
        if period == LATEST:
            for decile in ("Most deprived decile", "Least deprived decile"):
                category = ("LSOA deprivation deciles in England (IMD2019)", decile)
                area = (RUTLAND_LA, "Rutland", "County & UA")
                rows.append(row(indicator, period, area, (ENGLAND, "England"), "20000", category))
    return write_csv(path, FINGERTIPS_HEADER, rows), expected


def fingertips_row_numbers(path: Path, period: str, code: str) -> list[int]:
    """File line numbers of the non-category rows of ``code`` for ``period``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        number
        for number, row in enumerate(rows, 2)
        if row["Area Code"] == code and row["Time period"] == period and not row["Category Type"]
    ]


def test_fingertips_long_table_takes_the_latest_period(
    lis_plugin: object, lsoa11: Path, domains: list[dict[str, str]], tmp_path: Path
) -> None:
    """Pivoted by indicator with each one's latest period; 'Area Code', not 'Parent Code', is the code column;
    category rows are left out and the England row is reported as another geography, not joined."""
    table, expected = fingertips_table(tmp_path / "fingertips.csv", domains)
    result, log = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "latest.gpkg"),
        REPORT=str(tmp_path / "latest.html"),
    )  # fmt: skip
    assert result["MATCHED"] == 23 and result["UNMATCHED_ROWS"] == 0
    assert sorted(output_aliases(result)) == sorted([INCOME, CRIME])  # no decile or Parent Code columns
    for indicator in (INCOME, CRIME):
        assert joined(result, indicator) == expected[(indicator, LATEST)], indicator
    report = report_of(result)
    assert report["table_layout"] == "long"
    assert report["table_code_column"] == "Area Code"
    england_row = min(fingertips_row_numbers(table, LATEST, ENGLAND))
    assert report["other_geography_rows"] == [{"row": england_row, "code": ENGLAND, "geography": "country"}]
    assert any("mixes geographies" in line and ENGLAND in line for line in log.lines)
    with table.open(encoding="utf-8", newline="") as handle:
        category_rows = sum(1 for row in csv.DictReader(handle) if row["Category Type"])
    assert category_rows > 0
    assert f"{category_rows} {'row' if category_rows == 1 else 'rows'} broken down by a category" in log.text
    assert "it has 1 country row (" in log.text
    metadata = read_indicator_metadata(tmp_path / "latest.gpkg", "latest")
    for indicator in (INCOME, CRIME):
        assert metadata[field_with_alias(result["OUTPUT"], indicator)].period == LATEST


def test_fingertips_long_table_with_a_chosen_period(
    lis_plugin: object, lsoa11: Path, domains: list[dict[str, str]], tmp_path: Path
) -> None:
    """PERIOD picks the earlier period; a period the table does not have is refused with the periods it has."""
    table, expected = fingertips_table(tmp_path / "fingertips.csv", domains)
    result, _ = run_join(BOUNDARIES=str(lsoa11), TABLE=str(table), PERIOD=EARLIER, OUTPUT=str(tmp_path / "old.gpkg"))
    for indicator in (INCOME, CRIME):
        assert joined(result, indicator) == expected[(indicator, EARLIER)], indicator
    metadata = read_indicator_metadata(tmp_path / "old.gpkg", "old")
    assert {item.period for item in metadata.values()} == {EARLIER}
    expect_failure(
        tmp_path, [table, lsoa11], "no indicator has the period '2020/21'", f"{EARLIER}, {LATEST}",
        BOUNDARIES=str(lsoa11), TABLE=str(table), PERIOD="2020/21",
    )  # fmt: skip


# --- 8: duplicates -------------------------------------------------------------------------------


def duplicates_table(tmp_path: Path, population: list[dict[str, str]]) -> tuple[Path, str]:
    """Population with the fourth LSOA repeated at the end (101 people, children suppressed)."""
    rows = [[row[CODE], row[NAME], row[TOTAL], row[CHILDREN]] for row in population]
    repeated = population[3]
    rows.append([repeated[CODE], repeated[NAME], "101", "*"])
    return write_csv(tmp_path / "dup.csv", [CODE, NAME, "Population", "Children"], rows), repeated[CODE]


def test_duplicate_codes_stop_the_join_by_default(
    lis_plugin: object, lsoa11: Path, population: list[dict[str, str]], tmp_path: Path
) -> None:
    """By default a repeated code stops the join, naming the code and both of its line numbers."""
    table, code = duplicates_table(tmp_path, population)
    first, second = lines_starting(table, code)
    expect_failure(
        tmp_path, [table, lsoa11], f"1 code appears on more than one row: {code} (rows {first}, {second})",
        BOUNDARIES=str(lsoa11), TABLE=str(table),
    )  # fmt: skip


@pytest.mark.parametrize("index, policy", [(1, "first"), (2, "last"), (3, "sum"), (4, "mean")])
def test_duplicate_policies_combine_the_rows(
    lis_plugin: object, lsoa11: Path, population: list[dict[str, str]], tmp_path: Path, index: int, policy: str
) -> None:
    """first/last keep one row; sum adds and mean averages the rows, ignoring a suppressed value."""
    table, code = duplicates_table(tmp_path, population)
    original = {row[CODE]: int(row[TOTAL]) for row in population}
    children = {row[CODE]: int(row[CHILDREN]) for row in population}
    totals = {"first": original[code], "last": 101, "sum": original[code] + 101, "mean": (original[code] + 101) / 2}
    result, log = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), DUPLICATES=index, OUTPUT=str(tmp_path / "d.gpkg"),
        REPORT=str(tmp_path / "d.html"),
    )  # fmt: skip
    assert result["MATCHED"] == 23
    assert joined(result, "Population") == {**original, code: totals[policy]}
    assert joined(result, "Children") == {**children, code: NULL if policy == "last" else children[code]}
    assert joined(result, NAME)[code] == population[3][NAME]
    assert field_type(result, "Population") == ("Real" if policy == "mean" else "Integer64")
    assert report_of(result)["duplicates"] == {"policy": policy, "codes": {code: lines_starting(table, code)}}
    assert f"combined by '{policy}': {code}" in log.text


# --- 9, 10: geographies --------------------------------------------------------------------------


def test_mixed_geographies_join_the_lsoas_and_report_the_rest(
    lis_plugin: object, lsoa11: Path, wards: Path, imd: list[dict[str, str]], tmp_path: Path
) -> None:
    """Ward and district rows in an LSOA table are reported with their line numbers; the LSOAs join."""
    ward_codes = geojson_codes(wards, "WD25CD")[:2]
    others = [[RUTLAND_LA, "Rutland", "16000"]] + [[code, "a ward", "17000"] for code in ward_codes]
    rows = others + [[row[CODE], row[NAME], row[RANK]] for row in imd]
    table = write_csv(tmp_path / "mixed.csv", ["Area code", "Area name", "Rank"], rows)
    result, log = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), OUTPUT=str(tmp_path / "m.gpkg"), REPORT=str(tmp_path / "m.html")
    )
    assert result["MATCHED"] == 23 and result["UNMATCHED_ROWS"] == 0
    assert joined(result, "Rank") == ranks(imd)
    geographies = {RUTLAND_LA: "local authority district", **{code: "ward" for code in ward_codes}}
    expected = [{"row": line_number(table, code), "code": code, "geography": geographies[code]} for code in geographies]
    assert report_of(result)["other_geography_rows"] == expected
    line = next(line for line in log.lines if "mixes geographies" in line)
    assert "2 ward" in line and "1 local authority district" in line and "not joined" in line


def test_ward_table_onto_lsoa_boundaries_is_refused(
    lis_plugin: object, lsoa11: Path, wards: Path, tmp_path: Path
) -> None:
    """A table holding only ward codes cannot be joined onto LSOAs: the message says what each side holds."""
    ward_codes = geojson_codes(wards, "WD25CD")
    table = write_csv(tmp_path / "wards.csv", ["Ward code", "Score"], [[code, n] for n, code in enumerate(ward_codes)])
    lsoa_count = len(set(geojson_codes(lsoa11, "LSOA11CD")))
    expect_failure(
        tmp_path, [table, lsoa11],
        f"the table holds {len(ward_codes)} ward codes but the boundaries are LSOA ({lsoa_count} codes in field "
        "'LSOA11CD')", "Join this table onto ward boundaries",
        BOUNDARIES=str(lsoa11), TABLE=str(table),
    )  # fmt: skip


def test_no_code_matching_is_an_error(lis_plugin: object, shared_data: Path, lsoa11: Path, tmp_path: Path) -> None:
    """Nottingham's LSOAs onto Rutland's boundaries: none match, and the message says so with both counts."""
    table = tmp_path / "nottingham_imd2019_file1.csv"
    shutil.copyfile(shared_data / "nottingham" / "deprivation" / table.name, table)
    table_codes = {row[CODE] for row in csv_rows(table)}
    boundary_codes = set(geojson_codes(lsoa11, "LSOA11CD"))
    assert len(table_codes) == 182 and not table_codes & boundary_codes
    expect_failure(
        tmp_path, [table, lsoa11],
        f"none of the table's {len(table_codes)} codes matches the {len(boundary_codes)} boundary codes in field "
        "'LSOA11CD'",
        BOUNDARIES=str(lsoa11), TABLE=str(table),
    )  # fmt: skip


# --- 11, 12, 13: broken files and wrong names ----------------------------------------------------


def _empty(folder: Path, imd: list[dict[str, str]]) -> Path:
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def _header_only(folder: Path, imd: list[dict[str, str]]) -> Path:
    return write_csv(folder / "header_only.csv", [CODE, RANK], [])


def _no_codes(folder: Path, imd: list[dict[str, str]]) -> Path:
    return write_csv(folder / "names.csv", [NAME, RANK], [[row[NAME], row[RANK]] for row in imd])


def _missing(folder: Path, imd: list[dict[str, str]]) -> Path:
    return folder / "missing.csv"


def _folder(folder: Path, imd: list[dict[str, str]]) -> Path:
    path = folder / "tables.csv"
    path.mkdir()
    return path


def _docx(folder: Path, imd: list[dict[str, str]]) -> Path:
    path = folder / "indicators.docx"
    path.write_bytes(b"PK\x03\x04 not really a document")
    return path


@pytest.mark.parametrize(
    "make, fragments",
    [
        (_empty, ["empty.csv: the table is empty"]),
        (_header_only, ["header_only.csv: the table has a header but no rows"]),
        (_no_codes, ["names.csv: no column holds area codes", f"the columns are: {NAME}, {RANK}"]),
        (_missing, ["missing.csv: no such file", "Check the path"]),
        (_folder, ["tables.csv: this is a folder, not a table"]),
        (_docx, ["indicators.docx: '.docx' files are not read as tables", "CSV, TSV, XLSX or ODS"]),
    ],
    ids=["empty", "header-only", "no-code-column", "missing", "folder", "docx"],
)
def test_unusable_table_files(
    lis_plugin: object,
    lsoa11: Path,
    imd: list[dict[str, str]],
    tmp_path: Path,
    make: Callable[[Path, list[dict[str, str]]], Path],
    fragments: list[str],
) -> None:
    """Each unusable table gets a message naming the file and the problem; nothing is written."""
    folder = tmp_path / "in"
    folder.mkdir()
    table = make(folder, imd)
    inputs = [lsoa11, table] if table.is_file() else [lsoa11]
    expect_failure(tmp_path, inputs, *fragments, BOUNDARIES=str(lsoa11), TABLE=str(table))
    assert table.exists() == (make is not _missing)


def test_code_column_and_fields_that_do_not_exist(
    lis_plugin: object, lsoa11: Path, imd: list[dict[str, str]], tmp_path: Path
) -> None:
    """TABLE_CODE_FIELD and FIELDS naming missing columns are refused with the columns listed; right names join."""
    table = imd_table(tmp_path, imd)
    expect_failure(
        tmp_path, [table, lsoa11], "there is no column 'Area code'", f"The columns are: {CODE}, {NAME}, {RANK}",
        BOUNDARIES=str(lsoa11), TABLE=str(table), TABLE_CODE_FIELD="Area code",
    )  # fmt: skip
    expect_failure(
        tmp_path, [table, lsoa11], "no column named 'IMD Score'", f"The columns are: {NAME}, {RANK}",
        BOUNDARIES=str(lsoa11), TABLE=str(table), FIELDS=f"{RANK}; IMD Score",
    )  # fmt: skip
    result, _ = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), TABLE_CODE_FIELD=CODE.lower(), FIELDS=RANK.upper(),
        OUTPUT=str(tmp_path / "subset.gpkg"),
    )  # fmt: skip
    assert output_aliases(result) == [RANK]
    assert joined(result, RANK) == ranks(imd)


# --- 14: metadata --------------------------------------------------------------------------------


def test_metadata_table_is_stored_with_normalised_polarity(
    lis_plugin: object,
    lsoa11: Path,
    imd: list[dict[str, str]],
    population: list[dict[str, str]],
    tmp_path: Path,
) -> None:
    """A separate metadata CSV (matched by indicator name, any case) is stored in the GeoPackage,
    publishers' polarity wordings normalised."""
    reversed_rank = "IMD rank (1 = least deprived)"
    people = {row[CODE]: row[TOTAL] for row in population}
    rows = [[row[CODE], row[RANK], row[DECILE], 32_845 - int(row[RANK]), people[row[CODE]]] for row in imd]
    table = write_csv(tmp_path / "imd.csv", [CODE, RANK, DECILE, reversed_rank, "Population"], rows)
    source = "MHCLG English indices of deprivation 2019"
    described = [
        [RANK.upper(), source, "2019", "rank", "RAG - High is good"],
        [DECILE, source, "2019", "decile", "Low is bad"],
        [reversed_rank, source, "2019", "rank", "RAG - Low is good"],
        ["Population", "ONS mid-2015 estimates", "mid-2015", "persons", "Not applicable"],
        ["Not in the table", "nowhere", "2001", "", "RAG - High is good"],
    ]
    metadata = write_csv(tmp_path / "metadata.csv", ["Indicator", "Source", "Period", "Unit", "Polarity"], described)
    before = file_state(table, metadata, lsoa11)
    result, _ = run_join(
        BOUNDARIES=str(lsoa11), TABLE=str(table), METADATA=str(metadata), OUTPUT=str(tmp_path / "meta.gpkg")
    )
    assert file_state(table, metadata, lsoa11) == before
    assert joined(result, reversed_rank) == {code: 32_845 - rank for code, rank in ranks(imd).items()}
    stored = read_indicator_metadata(tmp_path / "meta.gpkg", "meta")
    fields = {alias: field_with_alias(result["OUTPUT"], alias) for alias in (RANK, DECILE, reversed_rank, "Population")}
    assert set(stored) == set(fields.values())
    expected = {
        RANK: (source, "2019", "rank", "higher is better"),
        DECILE: (source, "2019", "decile", "higher is better"),
        reversed_rank: (source, "2019", "rank", "higher is worse"),
        "Population": ("ONS mid-2015 estimates", "mid-2015", "persons", "neutral"),
    }
    for alias, (source_text, period, unit, polarity) in expected.items():
        item = stored[fields[alias]]
        assert (item.source, item.period, item.unit, item.polarity) == (source_text, period, unit, polarity), alias


# --- 11: paths without a table extension --------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_table_without_extension_gets_a_clear_message(
    lis_plugin: object, shared_data: Path, tmp_path: Path, kind: str
) -> None:
    """Processing's own check would only say 'Incorrect parameter value for TABLE'."""
    boundaries = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    table = tmp_path / "tables"
    if kind == "folder":
        table.mkdir()
    expected = "this is a folder, not a table" if kind == "folder" else "no such file"
    with pytest.raises(QgsProcessingException, match=expected):
        run_join(BOUNDARIES=str(boundaries), TABLE=str(table), OUTPUT=str(tmp_path / "o.gpkg"))
    assert not (tmp_path / "o.gpkg").exists()
