"""A team's PostGIS store: two analysts adding at once, a reader who may only read, and refusals in one sentence.

Runs on the throwaway test server (tests/postgis_server.py) with real IoD2025 values; the store is read
back with psycopg2 itself, and published values are read from the file with the csv module.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lis_qgis_plugin.core.store.postgis_store import read_only_refusal
from lis_qgis_plugin.core.store.store_location import PostgisStore
from lis_qgis_plugin.core.store.store_schema import StoreError
from lis_qgis_plugin.core.store.store_values import (
    CatalogueEntry,
    IndicatorValue,
    add_values,
    catalogue,
    latest_period,
    values_at,
)
from tests.postgis_server import PASSWORDS, READER, WRITER, PostgisServer, store_rows
from tests.support import REPO

ENGLAND_LSOAS = 33_755
#: Each writer's columns: two both write (the same keys, in opposite orders), one each only its own.
WRITER_COLUMNS = {
    "first": ["IMD_rank", "IMD_score", "Income_rank"],
    "second": ["IMD_score", "IMD_rank", "Employment_rank"],
}

#: One analyst's session in its own process: read the file, wait for the start signal, add each column.
WRITER_SCRIPT = """
import json, sys, time
from pathlib import Path
repo, conninfo, schema, csv_path, start, columns = sys.argv[1:7]
sys.path.insert(0, repo)
from lis_qgis_plugin.core.io.table_files import read_raw_table
from lis_qgis_plugin.core.store.store_location import PostgisStore
from lis_qgis_plugin.core.store.store_rows import wide_column_values
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, add_values
table = read_raw_table(Path(csv_path))
batches = [(column, wide_column_values(table, "lsoa21_code", column, "2025")) for column in columns.split(",")]
print("ready", flush=True)
while not Path(start).exists():
    time.sleep(0.005)
store = PostgisStore(conninfo, schema, "writer")
done = {}
for column, rows in batches:
    result = add_values(store, CatalogueEntry("iod2025_" + column.lower(), column, vintage="2021"), rows)
    done[column] = [result.rows, result.new_rows]
print(json.dumps(done), flush=True)
"""


def start_writer(
    server: PostgisServer, schema: str, iod_csv: Path, start: Path, columns: list[str]
) -> subprocess.Popen:
    """One writer process, waiting (data read) for the start file."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(REPO), server.conninfo(WRITER), schema, str(iod_csv), str(start)]
        + [",".join(columns)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready", writer.stderr.read() if writer.stderr else ""
    return writer


def test_two_writers_at_once_leave_exactly_the_expected_rows(
    postgis_server: PostgisServer, iod_csv: Path, published: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    schema = postgis_server.fresh_schema()
    store = postgis_server.store(schema)
    add_values(store, CatalogueEntry("seed", "Seed"), [IndicatorValue("E01000001", "2025", 1.0)])  # tables made
    start = tmp_path / "start"
    writers = {
        name: start_writer(postgis_server, schema, iod_csv, start, columns) for name, columns in WRITER_COLUMNS.items()
    }
    start.touch()  # both begin together
    results = {}
    for name, writer in writers.items():
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        results[name] = json.loads(out.strip().splitlines()[-1])
    for name, columns in WRITER_COLUMNS.items():
        assert list(results[name]) == columns
        assert all(rows == ENGLAND_LSOAS for rows, _ in results[name].values())
    # The shared columns were written whole by each writer in turn: new rows once, updated the other time.
    for column in ("IMD_rank", "IMD_score"):
        assert results["first"][column][1] + results["second"][column][1] == ENGLAND_LSOAS
    assert results["first"]["Income_rank"][1] == ENGLAND_LSOAS
    assert results["second"]["Employment_rank"][1] == ENGLAND_LSOAS
    counts = dict(store_rows(store, "SELECT indicator_id, count(*) FROM lis_values GROUP BY indicator_id"))
    expected = {f"iod2025_{column.lower()}" for columns in WRITER_COLUMNS.values() for column in columns}
    assert counts == {"seed": 1, **{indicator: ENGLAND_LSOAS for indicator in expected}}
    [(rows, keys)] = store_rows(
        store, "SELECT count(*), count(DISTINCT (indicator_id, area_code, period, sex, age)) FROM lis_values"
    )
    assert rows == keys == 1 + 4 * ENGLAND_LSOAS
    assert sorted(entry.indicator_id for entry in catalogue(store)) == sorted(expected | {"seed"})
    for column in ("IMD_score", "Income_rank", "Employment_rank"):
        stored = values_at(store, f"iod2025_{column.lower()}")
        assert stored == {code: float(row[column]) for code, row in published.items()}


@pytest.fixture
def shared_store(postgis_server: PostgisServer, iod_csv: Path, published: dict[str, dict[str, str]]) -> PostgisStore:
    """A store the writer filled with IoD2025's IMD decile and the reader was granted SELECT on."""
    store = postgis_server.store(postgis_server.fresh_schema())
    rows = [IndicatorValue(code, "2025", float(row["IMD_decile"])) for code, row in published.items()]
    add_values(store, CatalogueEntry("imd_decile", "IMD decile", licence="OGL v3.0"), rows)
    postgis_server.grant_read(store.schema)
    return store


def test_a_reader_can_read_but_adding_is_refused_in_one_sentence(
    postgis_server: PostgisServer, shared_store: PostgisStore, published: dict[str, dict[str, str]]
) -> None:
    reader = postgis_server.store(shared_store.schema, READER)
    deciles = values_at(reader, "imd_decile")
    assert len(deciles) == ENGLAND_LSOAS
    assert deciles["E01000001"] == float(published["E01000001"]["IMD_decile"])
    assert [(entry.indicator_id, entry.licence) for entry in catalogue(reader)] == [("imd_decile", "OGL v3.0")]
    assert latest_period(reader, "imd_decile") == "2025"
    before = store_rows(shared_store, "SELECT * FROM lis_values ORDER BY fid")
    for entry in (CatalogueEntry("imd_decile", "Renamed"), CatalogueEntry("new_one", "New")):
        with pytest.raises(StoreError) as refused:
            add_values(reader, entry, [IndicatorValue("E01000001", "2025", 10.0)])
        assert str(refused.value) == read_only_refusal(reader)
        assert str(refused.value).count(". ") == 0 and str(refused.value).endswith(".")
        assert "may read this store but not add to it" in str(refused.value)
    assert store_rows(shared_store, "SELECT * FROM lis_values ORDER BY fid") == before
    assert [entry.name for entry in catalogue(shared_store)] == ["IMD decile"]


def test_a_missing_schema_the_user_may_not_create_is_refused(postgis_server: PostgisServer) -> None:
    schema = postgis_server.fresh_schema()
    with pytest.raises(StoreError, match=f"schema {schema}.*the schema does not exist and you may not create it"):
        catalogue(postgis_server.store(schema, READER))
    assert postgis_server.run_sql("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (schema,)) == [(0,)]


@pytest.mark.parametrize("fault", ["password", "port"])
def test_a_wrong_password_or_port_says_the_database_cannot_be_reached(
    postgis_server: PostgisServer, fault: str
) -> None:
    wrong_password = "not-the-Password-91"
    conninfo = postgis_server.conninfo(WRITER, wrong_password)
    if fault == "port":
        conninfo = postgis_server.conninfo(WRITER).replace(f"port={postgis_server.port}", "port=1")
    started = time.perf_counter()
    with pytest.raises(
        StoreError, match="team server.*the database cannot be reached .*Check the connection"
    ) as caught:
        catalogue(PostgisStore(conninfo, "lis", label="team server"))
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert "\n" not in message
    assert wrong_password not in message and PASSWORDS[WRITER] not in message
    assert ("password authentication failed" in message) == (fault == "password")
