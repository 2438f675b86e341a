"""The indicator store in a GeoPackage file: one analyst's store, written by GDAL and then by sqlite3.

GDAL writes the empty file, so every GeoPackage reader accepts it; the LIS tables are written with plain
sqlite3, fast and transactional, and listed in gpkg_contents so QGIS opens them as attribute tables.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from .store_schema import StoreConnection, StoreError, prepare_tables


def create_empty_geopackage(path: Path) -> None:
    """An empty GeoPackage written by GDAL, so every GeoPackage reader accepts the file."""
    from osgeo import gdal, ogr

    # GDAL errors raise here, so GDAL >= 3.9 does not warn that it will raise one day; GDAL 3.6 has no
    # manager and returns None. The driver is gdal's since GDAL 3.9, ogr's before: both managers are used.
    try:
        with contextlib.ExitStack() as errors:
            for module in (gdal, ogr):
                if hasattr(module, "ExceptionMgr"):
                    errors.enter_context(module.ExceptionMgr(useExceptions=True))
            source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    except RuntimeError:
        source = None
    if source is None:
        raise StoreError(f"{path}: the store cannot be created here. Choose a folder you can write to.")
    source = None  # closes and writes the file


def open_geopackage_store(path: Path) -> StoreConnection:
    """Open the GeoPackage store, creating the file (and its LIS tables) when it does not exist yet."""
    path = Path(path)
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder does not exist. Create it, or choose another store path.")
        create_empty_geopackage(path)
    connection = StoreConnection(_connect(path), path)
    try:
        _check_geopackage(connection.connection, path)
        prepare_tables(connection)
    except BaseException:
        connection.close()
        raise
    return connection


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
