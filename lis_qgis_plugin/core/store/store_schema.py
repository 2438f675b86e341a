"""The indicator store's tables: a catalogue of indicators and their values in long form, every period kept.

A store is a GeoPackage (GDAL writes the empty file, so QGIS and ogr open its tables as attribute layers;
the LIS tables are written with plain sqlite3, fast and transactional) or a PostgreSQL/PostGIS schema.
Both are reached through one ``StoreConnection``, so the rest of the store speaks one SQL: ``?``
placeholders, ``INSERT ... ON CONFLICT`` upserts, and ``{id}`` in table definitions for the integer key.
Each table has an integer ``fid`` as GDAL and QGIS expect; the natural keys are UNIQUE constraints.
"""

from __future__ import annotations

import numbers
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..common.errors import LisError
from .store_location import StoreLocation, store_label

#: The schema this code writes; a store with a newer one was made by a newer LIS and is not touched.
SCHEMA_VERSION = 1

CATALOGUE_TABLE = "lis_catalogue"
VALUES_TABLE = "lis_values"
VERSION_TABLE = "lis_store_version"

#: Catalogue columns after indicator_id, in order (all text but the multiplier).
CATALOGUE_COLUMNS = (
    "indicator_id",
    "name",
    "definition",
    "unit",
    "multiplier",
    "polarity",
    "source",
    "licence",
    "geography",
    "vintage",
    "method",
    "loaded_at",
    "refresh",
)

#: Value columns in order; sex and age are '' (not NULL) when the data has none, so the UNIQUE key holds.
VALUE_COLUMNS = (
    "indicator_id",
    "area_code",
    "period",
    "period_key",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "count",
    "denominator",
    "sex",
    "age",
    "note",
)

#: The natural key of a value: one row per indicator, area, period, sex and age.
VALUE_KEY = ("indicator_id", "area_code", "period", "sex", "age")

#: The store's own tables; ``{id}`` is the integer key column of the store's SQL dialect.
STORE_TABLES = (
    f"""CREATE TABLE IF NOT EXISTS {CATALOGUE_TABLE} (
    fid {{id}},
    indicator_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT,
    unit TEXT,
    multiplier REAL,
    polarity TEXT,
    source TEXT,
    licence TEXT,
    geography TEXT,
    vintage TEXT,
    method TEXT,
    loaded_at TEXT,
    refresh TEXT
)""",
    f"""CREATE TABLE IF NOT EXISTS {VALUES_TABLE} (
    fid {{id}},
    indicator_id TEXT NOT NULL,
    area_code TEXT NOT NULL,
    period TEXT NOT NULL,
    period_key TEXT NOT NULL,
    value REAL,
    lower95 REAL,
    upper95 REAL,
    lower998 REAL,
    upper998 REAL,
    count REAL,
    denominator REAL,
    sex TEXT NOT NULL DEFAULT '',
    age TEXT NOT NULL DEFAULT '',
    note TEXT,
    UNIQUE ({", ".join(VALUE_KEY)})
)""",
    f"CREATE INDEX IF NOT EXISTS lis_values_period ON {VALUES_TABLE} (indicator_id, period_key)",
    f"""CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    fid {{id}},
    version INTEGER NOT NULL
)""",
)


class StoreError(LisError):
    """The store cannot be created, opened or written; the message names the store and what to do."""


class StoreConnection:
    """One open store, GeoPackage or PostGIS, speaking the store's SQL (``?`` placeholders).

    Reads need no transaction; every write goes inside ``write_transaction()``, which commits at the end
    and rolls back on any error, so a failed add leaves the store as it was.
    """

    #: The integer key column in this dialect's table definitions.
    id_column = "INTEGER PRIMARY KEY AUTOINCREMENT"
    #: The errors of the underlying driver, turned into StoreError with the store named.
    driver_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, connection: Any, location: StoreLocation) -> None:
        self.connection = connection
        self.location = location

    @property
    def label(self) -> str:
        """The store as named in messages."""
        return store_label(self.location)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor it returns has fetchone() and fetchall()."""
        return self.connection.execute(sql, tuple(parameters))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row."""
        self.connection.executemany(sql, rows)

    def upsert_rows(
        self, table: str, columns: Sequence[str], key: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert rows, replacing the other columns of a stored row with the same key; call inside write_transaction().

        Key columns must not be NULL (a NULL never conflicts, so it would duplicate).
        """
        self.executemany(upsert_statement(table, columns, key), plain_rows(rows))

    def table_exists(self, table: str) -> bool:
        """Whether the store has this table."""
        found = self.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        return bool(found.fetchone()[0])

    def create_tables(self, statements: Sequence[str]) -> None:
        """Run table definitions (``{id}`` becomes the integer key); call inside write_transaction()."""
        for statement in statements:
            self.execute(statement.replace("{id}", self.id_column))

    def register_tables(self, tables: Sequence[str]) -> None:
        """List the tables in gpkg_contents, so QGIS and ogr show them as attribute layers."""
        for table in tables:
            self.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
                "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (table, table),
            )

    def begin_write(self) -> None:
        """Start a write transaction, taking the store's write lock (another writer waits for it, up to 30 s)."""
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(
                f"{self.label}: the store cannot be written ({error}). If someone else is adding to it, try "
                "again when they finish; otherwise check that you may write to the file and its folder."
            ) from error

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        self.connection.execute("ROLLBACK")

    @contextmanager
    def write_transaction(self) -> Iterator[StoreConnection]:
        """Everything inside is written at once or not at all; driver errors become StoreError."""
        self.begin_write()
        try:
            yield self
        except BaseException as error:
            self.rollback()
            if isinstance(error, self.driver_errors):
                raise StoreError(
                    f"{self.label}: the values could not be written ({one_line(error)}); the store is unchanged."
                ) from error
            raise
        self.commit()

    def close(self) -> None:
        self.connection.close()


#: Cell types both drivers store as they are; other numbers are made Python floats first (see plain_rows).
_PLAIN_TYPES = frozenset({str, float, int, type(None)})


def plain_rows(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows with numpy's (and other) numbers as Python floats.

    sqlite3 would store a numpy float32 as a blob, and csv writes numpy 2's float64 as "np.float64(1.5)".
    Anything else (text, a list) is left for the database to refuse.
    """
    for row in rows:
        if _PLAIN_TYPES.issuperset(map(type, row)):
            yield row
        else:
            yield tuple(
                cell if type(cell) in _PLAIN_TYPES or not isinstance(cell, numbers.Real) else float(cell)
                for cell in row
            )


def one_line(error: BaseException) -> str:
    """A driver's message on one line (PostgreSQL's run over several: message, DETAIL, CONTEXT)."""
    return " ".join(str(error).split())


def upsert_statement(table: str, columns: Sequence[str], key: Sequence[str], source: str = "") -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of the other columns, from ``?`` values or a SELECT (``source``)."""
    values = source or f"VALUES ({', '.join('?' * len(columns))})"
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns if name not in key)
    return f"INSERT INTO {table} ({', '.join(columns)}) {values} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


def prepare_tables(connection: StoreConnection) -> None:
    """Create the LIS tables in a new store; refuse a store written by a newer LIS.

    Only a new store is written to, so a user who may only read can still read.
    """
    version = _stored_version(connection)
    if version is None:
        with connection.write_transaction():
            connection.create_tables(STORE_TABLES)
            if connection.execute(f"SELECT count(*) FROM {VERSION_TABLE}").fetchone()[0] == 0:
                connection.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (SCHEMA_VERSION,))
            connection.register_tables((CATALOGUE_TABLE, VALUES_TABLE, VERSION_TABLE))
    elif version > SCHEMA_VERSION:
        raise StoreError(
            f"{connection.label}: the store was written by a newer version of LIS (store version {version}, this "
            f"LIS reads {SCHEMA_VERSION}). Update the LIS plugin."
        )


def _stored_version(connection: StoreConnection) -> int | None:
    """The store's schema version, None when the LIS tables are not there yet."""
    if not connection.table_exists(VERSION_TABLE):
        return None
    row = connection.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return None if row[0] is None else int(row[0])
