"""The indicator store's GeoPackage: a catalogue of indicators and their values in long form, every period kept.

The store is an ordinary GeoPackage (GDAL writes the empty one), so QGIS and ogr open its tables as
attribute layers; the LIS tables are written with plain sqlite3, which is fast and transactional.
Each table has an integer ``fid`` as GDAL expects; the natural keys are UNIQUE constraints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..common.errors import LisError

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

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {CATALOGUE_TABLE} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
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
);
CREATE TABLE IF NOT EXISTS {VALUES_TABLE} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
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
    UNIQUE (indicator_id, area_code, period, sex, age)
);
CREATE INDEX IF NOT EXISTS lis_values_period ON {VALUES_TABLE} (indicator_id, period_key);
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT,
    version INTEGER NOT NULL
);
"""


class StoreError(LisError):
    """The store cannot be created, opened or written; the message names the file and what to do."""


def create_empty_geopackage(path: Path) -> None:
    """An empty GeoPackage written by GDAL, so every GeoPackage reader accepts the file."""
    from osgeo import ogr

    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    if source is None:
        raise StoreError(f"{path}: the store cannot be created here. Choose a folder you can write to.")
    source = None  # closes and writes the file


def open_store(path: Path) -> sqlite3.Connection:
    """Open the store at ``path``, creating it (and its LIS tables) when it does not exist yet.

    The caller closes the connection; ``store_connection`` does so itself.
    """
    path = Path(path)
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder does not exist. Create it, or choose another store path.")
        create_empty_geopackage(path)
    connection = _connect(path)
    try:
        _check_geopackage(connection, path)
        version = _stored_version(connection)
        if version is None:
            _create_tables(connection, path)  # only a new store is written to: a read-only user can still read
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: the store was written by a newer version of LIS (store version {version}, this LIS reads "
                f"{SCHEMA_VERSION}). Update the LIS plugin."
            )
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def store_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """``open_store`` in a ``with`` block that closes the connection at the end."""
    connection = open_store(path)
    try:
        yield connection
    finally:
        connection.close()


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in explicit-transaction mode: the code says where each transaction begins."""
    try:
        connection = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: the store cannot be opened ({error}). Check the path and your rights.") from error
    return connection


def _check_geopackage(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not a GeoPackage, rather than writing LIS tables into it."""
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        contents = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_contents'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path}: this file is not a GeoPackage ({error}). Choose a .gpkg file or a new name."
        ) from error
    if application_id != 0x47504B47 or not contents:
        raise StoreError(f"{path}: this file is not a GeoPackage. Choose a .gpkg file or a new name for the store.")


def _stored_version(connection: sqlite3.Connection) -> int | None:
    """The store's schema version, None when the LIS tables are not there yet."""
    exists = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
    ).fetchone()[0]
    if not exists:
        return None
    row = connection.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return None if row[0] is None else int(row[0])


def begin_write(connection: sqlite3.Connection, path: Path) -> None:
    """Start a write transaction, taking the store's write lock (another writer waits for it, up to 30 s).

    A store that stays locked, or a file the user may not write, is a StoreError saying so.
    """
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise StoreError(
            f"{path}: the store cannot be written ({error}). If someone else is adding to it, try again when "
            "they finish; otherwise check that you may write to the file and its folder."
        ) from error


def _create_tables(connection: sqlite3.Connection, path: Path) -> None:
    """The LIS tables, their version and their gpkg_contents rows (so QGIS lists them), once."""
    begin_write(connection, path)
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        if connection.execute(f"SELECT count(*) FROM {VERSION_TABLE}").fetchone()[0] == 0:
            connection.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (SCHEMA_VERSION,))
        for table in (CATALOGUE_TABLE, VALUES_TABLE, VERSION_TABLE):
            connection.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
                "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (table, table),
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
