"""lis:addtostore and lis:updatestore through Processing and qgis_process: real IoD files, and Fingertips
through the loopback server (tests/online_servers.py), including a revision between two fetches and a fault."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException

from lis_qgis_plugin.core.store.store_changes import stored_values
from lis_qgis_plugin.core.store.store_open import store_connection
from lis_qgis_plugin.core.store.store_values import catalogue, latest_period, periods, values_at
from lis_qgis_plugin.processing.store_parameters import store_location

from ..online_servers import (
    DISTRICT_AREA_TYPE,
    IMD_SCORE_INDICATOR,
    LSOA_AREA_TYPE,
    MOST_DEPRIVED_INDICATOR,
    SCORE_NOTE,
    OnlineServers,
    qgis_settings,
)
from ..postgis_server import store_rows
from ..support import SHARED_DATA, LogFeedback, csv_rows, run_qgis_process, write_csv

RUTLAND = "E06000017"
SCORE_ID = f"fingertips.{IMD_SCORE_INDICATOR}"


@pytest.fixture
def algorithm_cache(tmp_path: Path) -> Iterator[Path]:
    """Processing runs cache into a temporary folder, not the test profile."""
    folder = tmp_path / "algorithm_cache"
    with qgis_settings({"lis/online/cacheFolder": str(folder)}):
        yield folder


@pytest.fixture
def fingertips_rows(servers: OnlineServers) -> Iterator[list[dict[str, str]]]:
    """The Fingertips server's rows, put back as they were after a test revises them."""
    kept = copy.deepcopy(servers.fingertips.rows)
    yield servers.fingertips.rows
    servers.fingertips.rows[:] = kept


def run(algorithm: str, **parameters: object) -> tuple[dict, LogFeedback]:
    import processing

    feedback = LogFeedback()
    return processing.run(f"lis:{algorithm}", parameters, context=QgsProcessingContext(), feedback=feedback), feedback


def test_a_wide_iod_file_goes_in_with_a_report_and_again_updates(
    lis_plugin: object, shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "nottingham" / "deprivation" / "nottingham_imd2025_lsoa21.csv"
    store = tmp_path / "store.gpkg"
    fields = "IMD_score; IMD_rank; IMD_decile"
    result, feedback = run(
        "addtostore", STORE=str(store), TABLE=str(path), FIELDS=fields, REPORT=str(tmp_path / "r.html")
    )
    assert (
        result["ADDED"] == 3 * 179 and result["INDICATORS"] == "iod2025.imd_score,iod2025.imd_rank,iod2025.imd_decile"
    )
    published = {row["lsoa21_code"]: row for row in csv_rows(path)}
    assert values_at(store, "iod2025.imd_score") == {code: float(row["IMD_score"]) for code, row in published.items()}
    assert values_at(store, "iod2025.imd_rank")["E01013810"] == 1642
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "3 indicators from nottingham_imd2025_lsoa21.csv added to" in page and "537 new and 0 updated" in page
    assert "<code>iod2025.imd_decile</code>" in page and "MHCLG, English Indices of Deprivation 2025" in page
    assert any("537 new and 0 updated" in line for line in feedback.lines)
    again, _ = run("addtostore", STORE=str(store), TABLE=str(path), FIELDS=fields)
    assert again["ADDED"] == 537 and len(stored_values(store, ["iod2025.imd_score"])["iod2025.imd_score"]) == 179
    entry = {item.indicator_id: item for item in catalogue(store)}["iod2025.imd_decile"]
    assert (entry.geography, entry.vintage, entry.polarity) == ("LSOA", "2021", "higher is better")
    with pytest.raises(QgsProcessingException, match="TABLE: choose the table file"):
        run("addtostore", STORE=str(store))


def test_fingertips_goes_in_then_an_update_reports_a_revision_and_a_new_period(
    lis_plugin: object,
    servers: OnlineServers,
    fingertips_rows: list[dict[str, str]],
    shared_data: Path,
    tmp_path: Path,
    algorithm_cache: Path,
) -> None:
    store = tmp_path / "store.gpkg"
    base = servers.fingertips_base
    scores, _ = run("addtostore", STORE=str(store), SOURCE=1, IDS=str(IMD_SCORE_INDICATOR),
                    AREA_TYPE=str(LSOA_AREA_TYPE), PARENT_CODE=RUTLAND, BASE_URL=base)  # fmt: skip
    shares, _ = run("addtostore", STORE=str(store), SOURCE=1, IDS=str(MOST_DEPRIVED_INDICATOR),
                    AREA_TYPE=str(DISTRICT_AREA_TYPE), BASE_URL=base)  # fmt: skip
    assert scores["INDICATORS"] == SCORE_ID and scores["ADDED"] == 26
    rutland = csv_rows(shared_data / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv")
    published = {row["lsoa21_code"]: float(row["IMD_score"]) for row in rutland}
    assert values_at(store, SCORE_ID, sex="Persons", age="All ages") == published
    share_id = f"fingertips.{MOST_DEPRIVED_INDICATOR}"
    assert periods(store, share_id) == ["2019", "2025"] and latest_period(store, share_id) == "2025"
    server_share = next(
        row for row in fingertips_rows if row["Area Code"] == "E06000018" and row["Time period"] == "2025"
    )
    latest = values_at(store, share_id, sex="Persons", age="All ages")
    assert latest["E06000018"] == pytest.approx(float(server_share["Value"])) and latest[RUTLAND] == 0
    entries = {entry.indicator_id: entry for entry in catalogue(store)}
    assert entries[SCORE_ID].name == "Deprivation score (IMD 2025)" and entries[SCORE_ID].vintage == "2021"
    assert (entries[SCORE_ID].unit, entries[SCORE_ID].definition) == ("Score", "Deprivation score (IMD 2025)")
    assert (entries[share_id].unit, entries[share_id].geography) == ("%", "local authority district")
    assert entries[share_id].source == "OHID, Fingertips public health profiles (fingertips.phe.org.uk)"
    assert '"kind": "online"' in entries[SCORE_ID].refresh and '"area_type": "990"' in entries[SCORE_ID].refresh

    unchanged, _ = run("updatestore", STORE=str(store))
    assert unchanged["CHANGED"] == 0 and unchanged["REVISED"] == 0
    first = next(row for row in fingertips_rows if row["Indicator ID"] == str(IMD_SCORE_INDICATOR))
    old = first["Value"]
    first["Value"] = "99.5"  # the publisher revises one LSOA's score
    newer = {**first, "Time period": "2026", "Value": "12.25", "Time period Sortable": "20260000"}
    fingertips_rows.append(newer)  # and publishes a new period for it
    report = tmp_path / "update.html"
    updated, feedback = run("updatestore", STORE=str(store), REPORT=str(report))
    assert updated["CHANGED"] == 1 and updated["REVISED"] == 1
    assert values_at(store, SCORE_ID, sex="Persons", age="All ages") == {first["Area Code"]: 12.25}
    assert values_at(store, SCORE_ID, "2025", sex="Persons", age="All ages")[first["Area Code"]] == 99.5
    example = f"{first['Area Code']}, 2025 (Persons, All ages): {float(old):g} -> 99.5"
    page = report.read_text(encoding="utf-8")
    assert "1 of 2 indicators changed" in page and "new period 2026; 1 revised value; 25 unchanged" in page
    assert example.replace(">", "&gt;") in page and "unchanged (4 values)" in page
    assert any(example in line for line in feedback.lines)

    before = stored_values(store, [SCORE_ID, share_id])
    first["Value"] = "1.0"
    servers.server.fail("all_data/csv", "html", times=5)  # a sign-in page instead of the data
    with pytest.raises(QgsProcessingException) as error:
        run("updatestore", STORE=str(store))
    assert str(error.value).startswith(
        f"Updating {SCORE_ID} from Fingertips {IMD_SCORE_INDICATOR} (area type {LSOA_AREA_TYPE} in {RUTLAND}) failed, "
        "so the store was not changed: "
    ), str(error.value)
    assert "Fingertips sent a web page, not CSV" in str(error.value)
    assert stored_values(store, [SCORE_ID, share_id]) == before
    assert len(before[SCORE_ID]) == 27  # every 2025 value and the one 2026 value
    with store_connection(store) as connection:
        notes = connection.execute(
            "SELECT DISTINCT note FROM lis_values WHERE indicator_id = ?", (SCORE_ID,)
        ).fetchall()
    assert notes == [(SCORE_NOTE,)]  # the value note, with its comma, kept


@pytest.mark.slow
def test_qgis_process_adds_a_table_to_a_store(
    qgis_process_env: dict[str, str], shared_data: Path, tmp_path: Path
) -> None:
    table = shared_data / "nottingham" / "deprivation" / "nottingham_imd2019_file1.csv"
    store = tmp_path / "team store.gpkg"
    done = run_qgis_process(qgis_process_env, "run", "lis:addtostore", "--", f"STORE={store}", f"TABLE={table}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ADDED:\t364" in done.stdout
    ranks = values_at(store, "iod2019.index_of_multiple_deprivation_imd_rank", "2019")
    assert len(ranks) == 182 and ranks["E01013810"] == 1767


def test_nomis_and_a_web_address_go_in_as_long_tables(
    lis_plugin: object, servers: OnlineServers, shared_data: Path, tmp_path: Path, algorithm_cache: Path
) -> None:
    store = tmp_path / "store.gpkg"
    nomis, _ = run("addtostore", STORE=str(store), SOURCE=2, IDS="NM_144_1", AREA_TYPE="TYPE299",
                   BASE_URL=servers.nomis_base)  # fmt: skip
    residents = "nomis.nm_144_1_all_usual_residents_value"
    assert nomis["INDICATORS"] == residents and nomis["ADDED"] == 1112
    published = {}
    for place in ("rutland", "nottingham"):
        for row in csv_rows(shared_data / place / "population" / f"{place}_oa11_population_census2011.csv"):
            published[row["OA11CD"]] = float(row["usual_residents_2011"])
    assert values_at(store, residents, "2011") == published
    entry = catalogue(store)[0]
    assert (entry.geography, entry.source, entry.name) == (
        "Output Area", "ONS, Nomis (nomisweb.co.uk)", "NM_144_1: All usual residents; Value",
    )  # fmt: skip

    long_table = (
        "Indicator,Area Code,Period,Value\nSmokers (%),E06000017,2022/23,9.5\nSmokers (%),E06000017,2023/24,8.25\n"
    )
    servers.files.add("council_smoking.csv", "text/csv", long_table.encode("utf-8"))
    web, _ = run("addtostore", STORE=str(store), SOURCE=3, IDS=servers.file_url("council_smoking.csv"))
    assert web["INDICATORS"] == "council_smoking.smokers" and web["ADDED"] == 2
    assert values_at(store, "council_smoking.smokers") == {RUTLAND: 8.25}
    assert periods(store, "council_smoking.smokers") == ["2022/23", "2023/24"]


@pytest.fixture(params=["gpkg", "postgis"])
def store_text(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """STORE text of an empty store: a GeoPackage path, or a fresh schema of the throwaway PostGIS server."""
    if request.param == "postgis":
        server = request.getfixturevalue("postgis_server")
        return f"pg:service={request.getfixturevalue('postgis_services')}_writer|schema={server.fresh_schema()}"
    return str(tmp_path / "store.gpkg")


def fingertips_income(
    path: Path, shifts: dict[str, float], revised: dict[tuple[str, str], float] | None = None
) -> Path:
    """A Fingertips-shaped long table of Rutland's published IoD2025 income scores (as %), newest period first:
    each period's values the published ones plus its shift, with some (code, period) ``revised``, and limits."""
    header = ["Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value",
              "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator"]  # fmt: skip
    published = csv_rows(SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv")
    rows = []
    for period, shift in sorted(shifts.items(), reverse=True):
        for row in published:
            code = row["lsoa21_code"]
            value = (revised or {}).get((code, period), round(100 * float(row["Income_score"]) + shift, 1))
            rows.append(["93097", "Income deprivation", code, "Persons", "All ages", period, f"{value:.1f}",
                         f"{value - 2:.1f}", f"{value + 2:.1f}", "", ""])  # fmt: skip
    return write_csv(path, header, rows)


def test_iod2025_and_a_fingertips_table_go_in_and_an_update_finds_the_revision(
    lis_plugin: object, store_text: str, tmp_path: Path
) -> None:
    """The same on a GeoPackage and on PostGIS: the published files in, again without duplicates, then an update."""
    iod = SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
    published = {row["lsoa21_code"]: row for row in csv_rows(iod)}
    result, _ = run("addtostore", STORE=store_text, TABLE=str(iod))
    assert len(result["INDICATORS"].split(",")) == 24 and result["ADDED"] == 24 * 26
    table = fingertips_income(tmp_path / "income.csv", {"2025": 0, "2024": 1})
    long, _ = run("addtostore", STORE=store_text, TABLE=str(table))
    assert long["INDICATORS"] == "fingertips.93097" and long["ADDED"] == 2 * 26
    again, feedback = run("addtostore", STORE=store_text, TABLE=str(table))
    assert again["ADDED"] == 52 and any("0 new and 52 updated" in line for line in feedback.lines)
    store = store_location(store_text)
    assert values_at(store, "iod2025.imd_decile") == {code: float(row["IMD_decile"]) for code, row in published.items()}
    income = {code: float(f"{100 * float(row['Income_score']):.1f}") for code, row in published.items()}
    assert values_at(store, "fingertips.93097") == income and periods(store, "fingertips.93097") == ["2024", "2025"]
    assert store_rows(store, "SELECT count(*) FROM lis_values") == [(24 * 26 + 2 * 26,)]

    fingertips_income(table, {"2026": -1, "2025": 0, "2024": 1}, {("E01013787", "2025"): 55.5})  # new, revised
    report = tmp_path / "update.html"
    updated, _ = run("updatestore", STORE=store_text, REPORT=str(report))
    assert (updated["CHANGED"], updated["REVISED"]) == (1, 1)
    assert latest_period(store, "fingertips.93097") == "2026"
    assert values_at(store, "fingertips.93097") == {code: round(value - 1, 1) for code, value in income.items()}
    assert values_at(store, "fingertips.93097", "2025") == {**income, "E01013787": 55.5}
    page = report.read_text(encoding="utf-8")
    assert "new period 2026; 1 revised value; 51 unchanged" in page
    assert f"E01013787, 2025 (Persons, All ages): {income['E01013787']:g} -&gt; 55.5" in page
