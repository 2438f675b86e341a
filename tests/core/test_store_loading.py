"""Tables into the indicator store (core/store/store_loading, store_rows) and updates compared in the store
(store_changes), with the real IoD files and Fingertips-shaped long tables built from the real district data."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from lis_qgis_plugin.core.common.errors import LisError
from lis_qgis_plugin.core.io.table_files import TableError
from lis_qgis_plugin.core.sample.sample_files import SampleFiles
from lis_qgis_plugin.core.sources.http_client import HttpClient
from lis_qgis_plugin.core.store.period_keys import PeriodError
from lis_qgis_plugin.core.store.store_changes import UpdateError, source_reloader, stored_values, update_store
from lis_qgis_plugin.core.store.store_loading import (
    AddOptions,
    add_loaded_tables,
    file_refresh,
    read_store_table,
)
from lis_qgis_plugin.core.store.store_open import store_connection
from lis_qgis_plugin.core.store.store_report import AddReport, UpdateReport
from lis_qgis_plugin.core.store.store_sources import OnlineFetcher
from lis_qgis_plugin.core.store.store_values import catalogue, latest_period, periods, values_at
from tests.support import SHARED_DATA, csv_rows, write_csv

ENGLAND = SHARED_DATA / "england"
FINGERTIPS_HEADER = [
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Sex", "Age", "Category Type", "Category",
    "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
    "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Time period Sortable",
]  # fmt: skip
DISTRICTS = {"E06000017": "rutland", "E06000018": "nottingham"}


def unpacked(name: str, folder: Path) -> Path:
    """A real gzipped England file unpacked under the test's folder (the table reader reads plain CSV)."""
    path = folder / name.removesuffix(".gz")
    with gzip.open(ENGLAND / name, "rb") as packed, path.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return path


def all_rows(store: Path) -> list[tuple]:
    """Every catalogue and value row, read through the store's connection."""
    with store_connection(store) as connection:
        rows = connection.execute("SELECT * FROM lis_catalogue ORDER BY indicator_id").fetchall()
        rows += connection.execute("SELECT * FROM lis_values ORDER BY fid").fetchall()
    return rows


def value_row(store: Path, indicator: str, code: str, period: str) -> dict[str, object]:
    """One stored value with its limits, count, denominator, sex, age and note."""
    names = ("value", "lower95", "upper95", "lower998", "upper998", "count", "denominator", "sex", "age", "note")
    with store_connection(store) as connection:
        row = connection.execute(
            f"SELECT {', '.join(names)} FROM lis_values WHERE indicator_id = ? AND area_code = ? AND period = ?",
            (indicator, code, period),
        ).fetchone()
    return dict(zip(names, row))


def add_file(store: Path, path: Path, options: AddOptions | None = None) -> AddReport:
    """Read a table file and add it, as lis:addtostore does."""
    table = read_store_table(path, options or AddOptions(), file_refresh(path))
    return AddReport(str(store), table, add_loaded_tables(store, [table]))


# ------------------------------------------------------------------------------------------ wide IoD files


@pytest.fixture(scope="module")
def england(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("england")
    for name in (
        "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
        "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
        "IoD2025_imd2025_england_lsoa21.csv.gz",
    ):
        unpacked(name, folder)
    return folder


def test_iod2019_file_1_goes_in_with_its_published_values_and_metadata(england: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.gpkg"
    report = add_file(store, england / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
    rank, decile = "iod2019.index_of_multiple_deprivation_imd_rank", "iod2019.index_of_multiple_deprivation_imd_decile"
    assert [result.indicator_id for result in report.results] == [rank, decile]
    assert report.rows == report.new_rows == 2 * 32_844
    ranks = values_at(store, rank)
    # Published values, one printed with a thousands comma ("29,199"), one in the middle of the file.
    assert len(ranks) == 32_844 and ranks["E01000001"] == 29_199 and ranks["E01031000"] == 28_564
    assert values_at(store, decile, "2019")["E01000001"] == 9 and periods(store, rank) == ["2019"]
    entry = {item.indicator_id: item for item in catalogue(store)}[rank]
    assert (entry.geography, entry.vintage, entry.polarity) == ("LSOA", "2011", "higher is better")
    assert entry.source == "MHCLG, English Indices of Deprivation 2019" and entry.licence.startswith("Open Gov")
    assert entry.unit.startswith("rank") and entry.loaded_at
    refresh = json.loads(entry.refresh)
    assert refresh["kind"] == "file" and refresh["path"].endswith("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
    assert len(refresh["sha256"]) == 64 and refresh["options"]["id_prefix"] == ""  # as given: found again on update

    again = add_file(store, england / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
    assert again.new_rows == 0 and again.rows == 2 * 32_844 and "0 new and 65,688 updated" in again.headline
    with store_connection(store) as connection:
        assert connection.execute("SELECT count(*) FROM lis_values").fetchone()[0] == 2 * 32_844


def test_iod2019_domains_and_iod2025_chosen_columns_keep_their_vintages(england: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.gpkg"
    domains = AddOptions(fields=("Education, Skills and Training Rank (where 1 is most deprived)",))
    add_file(store, england / "File_2_-_IoD2019_Domains_of_Deprivation.csv", domains)
    iod2025 = add_file(
        store, england / "IoD2025_imd2025_england_lsoa21.csv", AddOptions(fields=("IMD_score", "IMD_rank"))
    )
    assert iod2025.table.indicators[0].checks.unreadable == []
    education = "iod2019.education_skills_and_training_rank_where_1_is_most_deprived"
    assert values_at(store, education)["E01000001"] == 32_842 and values_at(store, education)["E01000002"] == 32_832
    scores = values_at(store, "iod2025.imd_score")
    assert len(scores) == 33_755 and scores["E01000001"] == pytest.approx(8.742)
    assert scores["E01033769"] == pytest.approx(24.95)  # an LSOA the 2021 Census created
    assert values_at(store, "iod2025.imd_rank", "2025")["E01000001"] == 26_525
    entries = {item.indicator_id: item for item in catalogue(store)}
    assert (entries["iod2025.imd_score"].vintage, entries[education].vintage) == ("2021", "2011")
    assert entries["iod2025.imd_score"].polarity == "higher is worse"
    assert entries["iod2025.imd_rank"].polarity == "higher is better"


def test_a_workbook_takes_each_column_period_unit_and_source_from_its_metadata_sheet(
    sample_files: SampleFiles, tmp_path: Path
) -> None:
    store = tmp_path / "store.gpkg"
    report = add_file(store, sample_files.health_xlsx, AddOptions(id_prefix="lisford"))
    published = csv_rows(sample_files.health_csv)
    smoking = values_at(store, "lisford.smoking_prevalence")
    assert smoking == {row["LSOA code"]: float(row["Smoking prevalence (%)"]) for row in published}
    assert periods(store, "lisford.smoking_prevalence") == ["2023"]
    assert periods(store, "lisford.emergency_admissions_per_1_000") == ["2022/23"]
    obesity = values_at(store, "lisford.year_6_obesity", "2022/23")
    suppressed = [row["LSOA code"] for row in published if row["Year 6 obesity (%)"] == "*"]
    assert suppressed and all(obesity[code] is None for code in suppressed)
    assert values_at(store, "lisford.population_mid-2023")["E01990001"] == 1659  # printed "1,659"
    entries = {entry.indicator_id: entry for entry in catalogue(store)}
    rate = entries["lisford.emergency_admissions_per_1_000"]
    assert (rate.unit, rate.polarity, rate.source) == (
        "per 1,000 population",
        "higher is worse",
        "LIS synthetic sample",
    )
    assert entries["lisford.population_mid-2023"].polarity == "neutral"
    assert "Periods from the table's metadata" in " ".join(report.table.notes)
    assert f"'Year 6 obesity (%)': {len(suppressed)} suppressed (* x{len(suppressed)})" in " ".join(report.problems())


def test_iod_population_denominators_take_the_year_they_were_counted(tmp_path: Path) -> None:
    path = SHARED_DATA / "rutland" / "population" / "rutland_iod2019_file6_population_denominators.csv"
    store = tmp_path / "store.gpkg"
    report = add_file(store, path)
    assert {period for item in report.table.indicators for period in item.periods} == {"2015"}  # mid-2015
    total = values_at(store, "iod2019.total_population_mid_2015_excluding_prisoners", "2015")
    assert total["E01013787"] == 1318 and total["E01013788"] == 2482 and len(total) == 23
    assert {entry.polarity for entry in catalogue(store)} == {"neutral"}


# ------------------------------------------------------------------------------------- long tables


def fingertips_shaped(path: Path, first: str = "2025") -> tuple[Path, dict[tuple[str, str], tuple[int, int]]]:
    """A Fingertips-shaped long table from the real IoD files of Rutland and Nottingham: each district's share
    of LSOAs in England's most deprived decile in 2019 and 2025 (``first`` written first), with count,
    denominator and limits, and the 2025 share by IMD quintile of England as a Category breakdown."""
    counted: dict[tuple[str, str], tuple[int, int]] = {}
    for code, place in DISTRICTS.items():
        folder = SHARED_DATA / place / "deprivation"
        for period, name, column in (
            ("2019", f"{place}_imd2019_file1.csv", "Index of Multiple Deprivation (IMD) Decile"),
            ("2025", f"{place}_imd2025_lsoa21.csv", "IMD_decile"),
        ):
            deciles = [int(row[column]) for row in csv_rows(folder / name)]
            counted[(code, period)] = (sum(decile == 1 for decile in deciles), len(deciles))
    rows = []
    for period in (first, "2019" if first == "2025" else "2025"):
        for code, place in DISTRICTS.items():
            count, total = counted[(code, period)]
            share = 100 * count / total
            rows.append([
                "93553", "LSOAs in the most deprived 10%", code, place.title(), "Persons", "All ages", "", "", period,
                f"{share:.6f}", f"{share - 1:.6f}", f"{share + 1:.6f}", f"{share - 2:.6f}", f"{share + 2:.6f}",
                str(count), f"{total:,}", "Source: MHCLG, IoD" if period == "2025" else "", f"{period}0000",
            ])  # fmt: skip
    for quintile, value in (("Most deprived quintile", "41.5"), ("Least deprived quintile", "0.4")):
        rows.append([
            "93553", "LSOAs in the most deprived 10%", "E92000001", "England", "Persons", "All ages",
            "England IMD quintiles", quintile, "2025", value, "", "", "", "", "", "", "", "20250000",
        ])  # fmt: skip
    return write_csv(path, FINGERTIPS_HEADER, rows), counted


def test_a_fingertips_table_keeps_every_period_limit_and_category(tmp_path: Path) -> None:
    path, counted = fingertips_shaped(tmp_path / "fingertips_deprived.csv")
    store = tmp_path / "store.gpkg"
    report = add_file(store, path)
    ids = [result.indicator_id for result in report.results]
    assert ids == [
        "fingertips.93553", "fingertips.93553.most_deprived_quintile", "fingertips.93553.least_deprived_quintile",
    ]  # fmt: skip
    assert periods(store, "fingertips.93553") == ["2019", "2025"]
    assert latest_period(store, "fingertips.93553") == "2025"  # written first, still the newest
    count, total = counted[("E06000018", "2025")]
    latest = values_at(store, "fingertips.93553", sex="Persons", age="All ages")
    assert latest["E06000018"] == pytest.approx(100 * count / total) and set(latest) == set(DISTRICTS)
    assert values_at(store, "fingertips.93553") == latest  # its one sex and age need no naming
    with pytest.raises(LisError, match='93553 has no values in 2025 with sex "Female". Choose one of: Persons, All'):
        values_at(store, "fingertips.93553", sex="Female")
    assert count > 20 and counted[("E06000017", "2025")][0] == 0  # Nottingham has some, Rutland none
    older = values_at(store, "fingertips.93553", "2019", sex="Persons", age="All ages")
    count19, total19 = counted[("E06000018", "2019")]
    assert older["E06000018"] == pytest.approx(100 * count19 / total19) and total19 == 182
    stored = value_row(store, "fingertips.93553", "E06000018", "2025")
    share = 100 * count / total
    assert stored["lower95"] == pytest.approx(share - 1) and stored["upper998"] == pytest.approx(share + 2)
    assert (stored["count"], stored["denominator"], stored["sex"], stored["age"]) == (
        count,
        total,
        "Persons",
        "All ages",
    )
    assert stored["note"] == "Source: MHCLG, IoD"
    quintile = values_at(store, "fingertips.93553.most_deprived_quintile", sex="Persons", age="All ages")
    assert quintile == {"E92000001": 41.5}
    entry = {item.indicator_id: item for item in catalogue(store)}["fingertips.93553.most_deprived_quintile"]
    assert entry.name == "LSOAs in the most deprived 10% (England IMD quintiles: Most deprived quintile)"
    assert entry.source.startswith("OHID, Fingertips")


# -------------------------------------------------------------------------------------------- bad input


def test_bad_input_is_named_by_file_row_and_column_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store.gpkg"
    path, _ = fingertips_shaped(tmp_path / "good.csv")
    add_file(store, path)
    before = all_rows(store)
    header = FINGERTIPS_HEADER[:3] + ["Time period", "Value"]
    bad_period = write_csv(tmp_path / "bad_period.csv", header, [
        ["93553", "Share", "E06000017", "2025", "1.0"], ["93553", "Share", "E06000018", "Winter 2025", "2.0"],
    ])  # fmt: skip
    with pytest.raises(PeriodError, match='bad_period.csv, row 3, column "Time period": the period "Winter 2025"'):
        add_file(store, bad_period)
    bad_number = write_csv(tmp_path / "bad_number.csv", header, [["93553", "Share", "E06000017", "2025", "1,0,0"]])
    with pytest.raises(TableError, match="bad_number.csv, row 2, column \"Value\": '1,0,0' is not a number"):
        add_file(store, bad_number)
    twice = write_csv(tmp_path / "twice.csv", header, [
        ["93553", "Share", "E06000017", "2025", "1.0"], ["93553", "Share", "e06000017 ", "2025", "2.0"],
    ])  # fmt: skip
    with pytest.raises(TableError, match="twice.csv, rows 2 and 3: both give Share for E06000017 in 2025"):
        add_file(store, twice)
    rutland = SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
    with pytest.raises(TableError, match="does not say which period.*Give the PERIOD"):
        add_file(store, write_csv(tmp_path / "wide.csv", ["LSOA21CD", "Score"], [["E01013787", "3.5"]]))
    with pytest.raises(TableError, match="E01013787 \\(rows 2, 3\\).*Keep one row per area"):
        twice_wide = write_csv(tmp_path / "dup.csv", ["LSOA21CD", "Score"], [["E01013787", "3"], ["E01013787", "4"]])
        add_file(store, twice_wide, AddOptions(period="2024"))
    with pytest.raises(TableError, match="'lsoa21_code'.*hold text"):
        add_file(store, rutland, AddOptions(fields=("lsoa21_code",), code_column="IMD_rank"))
    with pytest.raises(TableError, match="codes are of 2021 boundaries but VINTAGE says 2011"):
        add_file(store, rutland, AddOptions(vintage="2011"))
    with pytest.raises(TableError, match='ID_PREFIX "my prefix"'):
        add_file(store, rutland, AddOptions(id_prefix="my prefix"))
    assert all_rows(store) == before


def test_suppressed_and_unreadable_cells_are_reported_by_row(tmp_path: Path) -> None:
    rows = [[row["lsoa21_code"], row["IMD_score"]] for row in csv_rows(SHARED_DATA / "rutland" / "deprivation" /
                                                                        "rutland_imd2025_lsoa21.csv")]  # fmt: skip
    rows[3][1], rows[5][1], rows[7][1] = "*", "", "n/e"
    path = write_csv(tmp_path / "scores.csv", ["LSOA code (2021)", "Score"], rows)
    store = tmp_path / "store.gpkg"
    report = add_file(store, path, AddOptions(period="2025", polarity="High is bad", unit="score"))
    problems = " ".join(report.problems())
    assert "'Score': 1 suppressed (* x1), 1 empty, 1 unreadable: row 9 'n/e'" in problems
    stored = values_at(store, "scores.score")
    assert stored[rows[3][0]] is None and stored[rows[0][0]] == float(rows[0][1]) and len(stored) == len(rows)
    entry = catalogue(store)[0]
    assert (entry.polarity, entry.unit, entry.vintage, entry.source) == (
        "higher is worse",
        "score",
        "2021",
        "scores.csv",
    )
    page = report.to_html()
    assert "row 9 &#x27;n/e&#x27;" in page and "<code>scores.score</code>" in page


# ------------------------------------------------------------------------------------------------ update


def test_update_rereads_a_changed_file_and_reports_from_the_store(tmp_path: Path) -> None:
    path, _ = fingertips_shaped(tmp_path / "fingertips_deprived.csv")
    store = tmp_path / "store.gpkg"
    add_file(store, path)
    reload = source_reloader(OnlineFetcher(HttpClient()), tmp_path, frozenset({"*"}))
    unchanged = update_store(store, reload)
    assert {change.status for change in unchanged} == {"file unchanged"}
    lines = path.read_text(encoding="utf-8").splitlines()
    revised = [line.replace("E06000017,Rutland,Persons,All ages,,,2019,0.000000", "E06000017,Rutland,Persons,All "
                            "ages,,,2019,1.500000") for line in lines]  # fmt: skip
    assert revised != lines
    revised.append("93553,LSOAs in the most deprived 10%,E06000017,Rutland,Persons,All ages,,,2026,3.0,,,,,,,,")
    path.write_text("\n".join(revised) + "\n", encoding="utf-8")
    changes = {change.indicator_id: change for change in update_store(store, reload)}
    main = changes["fingertips.93553"]
    assert main.new_periods == ["2026"] and len(main.revised) == 1 and main.unchanged == 3
    assert main.examples() == ["E06000017, 2019 (Persons, All ages): 0 -> 1.5"]
    assert changes["fingertips.93553.least_deprived_quintile"].summary() == "unchanged (1 values)"
    assert values_at(store, "fingertips.93553", sex="Persons", age="All ages") == {"E06000017": 3.0}
    report = UpdateReport(str(store), list(changes.values()))
    assert (
        report.headline.startswith("1 of 3 indicators changed") and "1 new period, 1 revised value" in report.headline
    )
    path.unlink()
    before = stored_values(store, changes)
    with pytest.raises(
        UpdateError, match="fingertips_deprived.csv failed, so the store was not changed.*does not exist"
    ):
        update_store(store, reload)
    assert stored_values(store, changes) == before
    with pytest.raises(LisError, match="no indicator nothing.here in the store"):
        update_store(store, reload, ["nothing.here"])
