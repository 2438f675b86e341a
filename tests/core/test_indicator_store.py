"""The indicator store on both backends: all of England's IoD2025 in and back, re-adding, periods and failed adds.

Every store test runs on a GeoPackage and on a PostGIS schema of the throwaway test server (a fresh schema
each). Published values are looked up in the real file with the csv module, never hard-coded or read by the
plugin; the store is read back with sqlite3 or psycopg2 themselves.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from qgis.core import QgsDataSourceUri, QgsVectorLayer

from lis_qgis_plugin.core.common.errors import LisError
from lis_qgis_plugin.core.io.table_files import read_raw_table
from lis_qgis_plugin.core.sample.sample_files import SampleFiles
from lis_qgis_plugin.core.store.period_keys import PeriodError, period_key
from lis_qgis_plugin.core.store.store_location import PostgisStore, StoreLocation
from lis_qgis_plugin.core.store.store_open import open_store
from lis_qgis_plugin.core.store.store_rows import fingertips_values, wide_column_values
from lis_qgis_plugin.core.store.store_schema import StoreError
from lis_qgis_plugin.core.store.store_values import (
    CatalogueEntry,
    IndicatorValue,
    add_many,
    add_values,
    catalogue,
    latest_period,
    periods,
    values_at,
)
from tests.postgis_server import PostgisServer, store_rows
from tests.support import write_csv

ENGLAND_LSOAS = 33_755
#: A named LSOA whose published values the test reads from the file itself (City of London 001A).
NAMED_LSOA = "E01000001"


#: The two places a store lives: a GeoPackage file and a PostGIS schema.
BACKENDS = ["geopackage", "postgis"]


def new_store(request: pytest.FixtureRequest, folder: Path) -> StoreLocation:
    """A store that does not exist yet: a GeoPackage path in the folder, or a fresh schema on the test server."""
    if request.param == "postgis":
        server: PostgisServer = request.getfixturevalue("postgis_server")
        return server.store(server.fresh_schema())
    return folder / "store.gpkg"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreLocation:
    """A new store of each backend."""
    return new_store(request, tmp_path)


def store_counts(store: StoreLocation) -> dict[str, int]:
    """Stored values per indicator, read with sqlite3 or psycopg2 (not the plugin)."""
    return dict(store_rows(store, "SELECT indicator_id, count(*) FROM lis_values GROUP BY indicator_id"))


def store_bytes(store: StoreLocation) -> list[tuple]:
    """Every catalogue, value and version row, to show that a failed add changed nothing."""
    return (
        store_rows(store, "SELECT * FROM lis_catalogue ORDER BY fid")
        + store_rows(store, "SELECT * FROM lis_values ORDER BY fid")
        + store_rows(store, "SELECT * FROM lis_store_version ORDER BY fid")
    )


def unchanged_check(store: StoreLocation) -> object:
    """What must not change when the store is refused: the file's bytes, or every row of the PostGIS tables."""
    return store_bytes(store) if isinstance(store, PostgisStore) else Path(store).read_bytes()


@pytest.fixture(scope="module", params=BACKENDS)
def iod_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, iod_csv: Path
) -> tuple[StoreLocation, list[str]]:
    """Every rank, score and decile of IoD2025 added to a new store, one indicator per column."""
    store = new_store(request, tmp_path_factory.mktemp("iod_store"))
    table = read_raw_table(iod_csv)
    columns = [name for name in table.header if name != "lsoa21_code"]
    for column in columns:
        entry = CatalogueEntry(
            f"iod2025_{column.lower()}",
            column,
            source="MHCLG, English Indices of Deprivation 2025",
            licence="OGL v3.0",
            geography="LSOA",
            vintage="2021",
        )
        result = add_values(store, entry, wide_column_values(table, "lsoa21_code", column, "2025"))
        assert (result.rows, result.new_rows) == (ENGLAND_LSOAS, ENGLAND_LSOAS)
    return store, columns


def test_all_of_england_iod2025_goes_in_one_row_per_lsoa_per_indicator(
    iod_store: tuple[StoreLocation, list[str]],
) -> None:
    store, columns = iod_store
    assert len(columns) == 24
    assert store_counts(store) == {f"iod2025_{column.lower()}": ENGLAND_LSOAS for column in columns}
    entries = catalogue(store)
    assert [entry.indicator_id for entry in entries] == sorted(f"iod2025_{column.lower()}" for column in columns)
    assert all(entry.licence == "OGL v3.0" and entry.loaded_at and entry.multiplier is None for entry in entries)


def test_published_decile_rank_and_score_of_a_named_lsoa_read_back(
    iod_store: tuple[StoreLocation, list[str]], published: dict[str, dict[str, str]]
) -> None:
    store, _ = iod_store
    row = published[NAMED_LSOA]
    for column in ("IMD_decile", "IMD_rank", "IMD_score", "Health_rank"):
        values = values_at(store, f"iod2025_{column.lower()}")
        assert len(values) == ENGLAND_LSOAS
        assert values[NAMED_LSOA] == float(row[column])
    most_deprived = min(published, key=lambda code: int(published[code]["IMD_rank"]))
    ranks = values_at(store, "iod2025_imd_rank", "2025")
    assert min(ranks, key=lambda code: ranks[code] or 0) == most_deprived
    assert latest_period(store, "iod2025_imd_rank") == "2025"


def test_re_adding_the_same_rows_updates_and_never_duplicates(
    store: StoreLocation, iod_csv: Path, published: dict[str, dict[str, str]]
) -> None:
    table = read_raw_table(iod_csv)
    entry = CatalogueEntry("imd_decile", "IMD decile", polarity="high is less deprived")
    rows = wide_column_values(table, "lsoa21_code", "IMD_decile", "2025")
    add_values(store, entry, rows)
    changed = [IndicatorValue(row.area_code, row.period, 99.0) if row.area_code == NAMED_LSOA else row for row in rows]
    again = add_values(store, CatalogueEntry("imd_decile", "IMD decile (revised)"), changed)
    assert (again.rows, again.new_rows, again.updated_rows) == (ENGLAND_LSOAS, 0, ENGLAND_LSOAS)
    assert store_counts(store) == {"imd_decile": ENGLAND_LSOAS}
    values = values_at(store, "imd_decile")
    assert values[NAMED_LSOA] == 99.0
    other = next(code for code in published if code != NAMED_LSOA)
    assert values[other] == float(published[other]["IMD_decile"])
    assert [(item.name, item.polarity) for item in catalogue(store)] == [("IMD decile (revised)", "")]


def fingertips_table(tmp_path: Path, sample_files: SampleFiles) -> tuple[Path, dict[str, float]]:
    """A Fingertips-shaped long table: the sample district's smoking prevalence in 2021/22 and, 1 point lower,
    2022/23 (written newest first, so file order does not decide "latest"); returns the 2022/23 values."""
    with sample_files.health_csv.open(encoding="utf-8-sig", newline="") as handle:
        smoking = {row["LSOA code"]: float(row["Smoking prevalence (%)"]) for row in csv.DictReader(handle)}
    header = [
        "Indicator ID",
        "Indicator Name",
        "Area Code",
        "Sex",
        "Age",
        "Time period",
        "Value",
        "Lower CI 95.0 limit",
        "Upper CI 95.0 limit",
        "Count",
        "Denominator",
        "Value note",
    ]
    rows = []
    for period, shift in (("2022/23", -1.0), ("2021/22", 0.0)):
        for code, value in smoking.items():
            rows.append(
                [
                    "92443",
                    "Smoking Prevalence in adults",
                    code,
                    "Persons",
                    "18+ yrs",
                    period,
                    f"{value + shift:.1f}",
                    f"{value + shift - 2:.1f}",
                    f"{value + shift + 2:.1f}",
                    "",
                    "",
                    "",
                ]
            )
    return write_csv(tmp_path / "fingertips_smoking.csv", header, rows), {
        code: value - 1 for code, value in smoking.items()
    }


def test_latest_picks_the_newest_of_two_fingertips_periods(
    tmp_path: Path, store: StoreLocation, sample_files: SampleFiles
) -> None:
    path, newest = fingertips_table(tmp_path, sample_files)
    by_indicator = fingertips_values(read_raw_table(path))
    assert list(by_indicator) == ["92443"]
    result = add_values(store, CatalogueEntry("92443", "Smoking Prevalence in adults", unit="%"), by_indicator["92443"])
    assert result.new_rows == 2 * len(newest)
    assert periods(store, "92443") == ["2021/22", "2022/23"]
    assert latest_period(store, "92443") == "2022/23"
    latest = values_at(store, "92443", sex="Persons", age="18+ yrs")
    assert latest == pytest.approx(newest)
    older = values_at(store, "92443", "2021/22", sex="Persons", age="18+ yrs")
    assert older == pytest.approx({code: value + 1 for code, value in newest.items()})
    code = next(iter(newest))
    [limits] = store_rows(
        store, "SELECT lower95, upper95, lower998 FROM lis_values WHERE area_code = ? AND period = '2022/23'", (code,)
    )
    assert limits[:2] == pytest.approx((newest[code] - 2, newest[code] + 2)) and limits[2] is None


def test_a_failing_add_leaves_the_store_as_it_was(
    tmp_path: Path, store: StoreLocation, sample_files: SampleFiles
) -> None:
    path, _ = fingertips_table(tmp_path, sample_files)
    rows = fingertips_values(read_raw_table(path))["92443"]
    add_values(store, CatalogueEntry("92443", "Smoking Prevalence in adults"), rows[: len(rows) // 2])
    before = store_bytes(store)
    revised = [IndicatorValue(row.area_code, row.period, 0.0, sex=row.sex, age=row.age) for row in rows]
    bad = [*revised, IndicatorValue(rows[0].area_code, "Winter 2023", 1.0)]
    with pytest.raises(PeriodError, match=f'92443, value {len(bad)} .*"Winter 2023"'):
        add_values(store, CatalogueEntry("92443", "Renamed"), bad)
    assert store_bytes(store) == before
    with pytest.raises(StoreError, match="area code is empty"):
        add_values(store, CatalogueEntry("92443", "Renamed"), [*revised, IndicatorValue(" ", "2022/23", 1.0)])
    assert store_bytes(store) == before
    # A value the database refuses half-way through the write: the catalogue row and the values already
    # written in the same transaction are rolled back.
    unwritable = IndicatorValue(rows[0].area_code, "2022/23", [1.0])  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="could not be written .*the store is unchanged"):
        add_values(store, CatalogueEntry("92443", "Renamed"), [*revised, unwritable])
    assert store_bytes(store) == before
    # Several indicators go in together or not at all: the first, good one is not left behind alone.
    with pytest.raises(StoreError, match="could not be written .*the store is unchanged"):
        add_many(
            store,
            [(CatalogueEntry("92443b", "A good one"), revised), (CatalogueEntry("92443", "Renamed"), [unwritable])],
        )
    assert store_bytes(store) == before


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("2019", "2019-12/2019-01"),
        ("2019/20", "2020-03/2019-04"),
        ("1999/00", "2000-03/1999-04"),
        ("2017 - 19", "2019-12/2017-01"),
        ("2017-2019", "2019-12/2017-01"),
        ("2016/17 - 18/19", "2019-03/2016-04"),
        ("2021 Q3", "2021-09/2021-07"),
        ("2021/22 Q3", "2021-12/2021-10"),
        ("2021/22 Q4", "2022-03/2022-01"),
        ("Jan 2024", "2024-01/2024-01"),
        ("September 2024", "2024-09/2024-09"),
        ("2024-01", "2024-01/2024-01"),
    ],
)
def test_period_keys_sort_in_time_order(label: str, key: str) -> None:
    assert period_key(label) == key


def test_period_keys_order_a_mixed_list_by_time() -> None:
    labels = ["2022/23", "2019", "2021 Q3", "Jan 2024", "2017 - 19", "2019/20"]
    assert sorted(labels, key=period_key) == ["2017 - 19", "2019", "2019/20", "2021 Q3", "2022/23", "Jan 2024"]


@pytest.mark.parametrize("label", ["Winter 2023", "2019/21", "FY19", "", "2024-13", "Smarch 2024"])
def test_unknown_periods_are_refused_with_their_name(label: str) -> None:
    with pytest.raises(PeriodError, match=f'"{label}" is not') as caught:
        period_key(label)
    assert isinstance(caught.value, LisError)


def test_a_file_that_is_not_a_geopackage_is_refused_and_left_alone(tmp_path: Path) -> None:
    not_a_store = write_csv(tmp_path / "values.gpkg", ["a"], [["1"]])
    before = not_a_store.read_bytes()
    with pytest.raises(StoreError, match="values.gpkg: this file is not a GeoPackage"):
        open_store(not_a_store)
    assert not_a_store.read_bytes() == before


def qgis_table(store: StoreLocation, table: str) -> QgsVectorLayer:
    """One store table opened by QGIS itself: the ogr provider on a GeoPackage, the postgres one on PostGIS."""
    if isinstance(store, PostgisStore):
        uri = QgsDataSourceUri(store.conninfo)
        uri.setDataSource(store.schema, table, None, "", "fid")
        return QgsVectorLayer(uri.uri(False), table, "postgres")
    return QgsVectorLayer(f"{store}|layername={table}", table, "ogr")


def test_the_store_opens_in_qgis_as_attribute_tables(store: StoreLocation) -> None:
    add_values(store, CatalogueEntry("x", "X"), [IndicatorValue("E01000001", "2019", 1.5)])
    layer = qgis_table(store, "lis_values")
    assert layer.isValid()
    assert [(feature["area_code"], feature["value"]) for feature in layer.getFeatures()] == [("E01000001", 1.5)]
    with pytest.raises(StoreError, match='"y" is not in the store'):
        values_at(store, "y")
    with pytest.raises(StoreError, match='no values for the period "2020".*Choose one of: 2019'):
        values_at(store, "x", "2020")


def test_a_store_from_a_newer_lis_is_refused_and_left_alone(store: StoreLocation) -> None:
    add_values(store, CatalogueEntry("x", "X"), [IndicatorValue("E01000001", "2019", 1.5)])
    store_rows(store, "UPDATE lis_store_version SET version = 99")
    before = unchanged_check(store)
    with pytest.raises(StoreError, match="newer version of LIS \\(store version 99"):
        values_at(store, "x")
    assert unchanged_check(store) == before


def test_a_fingertips_row_without_an_indicator_id_is_named(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "long.csv",
        ["Indicator ID", "Area Code", "Time period", "Value"],
        [["92443", "E01000001", "2022/23", "12.5"], ["", "E01000002", "2022/23", "13.0"]],
    )
    with pytest.raises(LisError, match='long.csv, row 3: the "Indicator ID" is empty'):
        fingertips_values(read_raw_table(path))


def test_two_rows_with_the_same_key_in_one_add_are_refused(store: StoreLocation) -> None:
    rows = [
        IndicatorValue("E01000001", "2022/23", 1.0, sex="Male"),
        IndicatorValue("E01000001", "2022/23", 2.0, sex="Female"),
        IndicatorValue("e01000001 ", "2022/23", 3.0, sex="Male"),
    ]
    with pytest.raises(StoreError, match=r"x, values 1 and 3: both are E01000001 in 2022/23 \(Male, any age\)"):
        add_values(store, CatalogueEntry("x", "X"), rows)
    result = add_values(store, CatalogueEntry("x", "X"), rows[:2])
    assert result.new_rows == 2
    assert values_at(store, "x", sex="Female") == {"E01000001": 2.0}


def test_numpy_numbers_go_in_as_plain_numbers(store: StoreLocation, published: dict[str, dict[str, str]]) -> None:
    import numpy as np

    codes = sorted(published)[:3]
    rows = [
        IndicatorValue(codes[0], "2025", np.float64(published[codes[0]]["IMD_score"]), count=np.int64(7)),
        IndicatorValue(codes[1], "2025", np.float32(0.5)),
        IndicatorValue(codes[2], "2025", float(published[codes[2]]["IMD_score"])),
    ]
    assert add_values(store, CatalogueEntry("imd_score", "IMD score"), rows).new_rows == 3
    assert values_at(store, "imd_score") == {
        codes[0]: float(published[codes[0]]["IMD_score"]),
        codes[1]: 0.5,
        codes[2]: float(published[codes[2]]["IMD_score"]),
    }
    assert store_rows(store, "SELECT count FROM lis_values WHERE area_code = ?", (codes[0],)) == [(7.0,)]


def test_cancelling_an_add_half_way_leaves_the_store_as_it_was(
    tmp_path: Path, store: StoreLocation, sample_files: SampleFiles
) -> None:
    """The user cancels after the first indicator is written: it is rolled back with the rest."""
    from qgis.core import QgsFeedback

    from lis_qgis_plugin.core.common.errors import CancelledError

    path, _ = fingertips_table(tmp_path, sample_files)
    rows = fingertips_values(read_raw_table(path))["92443"]
    add_values(store, CatalogueEntry("92443", "Smoking Prevalence in adults"), rows[:10])
    before = store_bytes(store)
    feedback = QgsFeedback()
    feedback.progressChanged.connect(lambda value: feedback.cancel() if value > 0 else None)
    indicators = [(CatalogueEntry(f"copy{number}", f"Copy {number}"), rows) for number in range(3)]
    with pytest.raises(CancelledError):
        add_many(store, indicators, feedback)
    assert store_bytes(store) == before
    assert [entry.indicator_id for entry in catalogue(store)] == ["92443"]
