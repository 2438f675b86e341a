"""Opening a store wherever it lives: the one entry point the rest of LIS uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .geopackage_store import open_geopackage_store
from .postgis_store import open_postgis_store
from .store_location import PostgisStore, StoreLocation
from .store_schema import StoreConnection


def open_store(location: StoreLocation) -> StoreConnection:
    """Open the store, creating it (and its LIS tables) when it does not exist yet.

    The caller closes the connection; ``store_connection`` does so itself.
    """
    if isinstance(location, PostgisStore):
        return open_postgis_store(location)
    return open_geopackage_store(Path(location))


@contextmanager
def store_connection(location: StoreLocation) -> Iterator[StoreConnection]:
    """``open_store`` in a ``with`` block that closes the connection at the end."""
    connection = open_store(location)
    try:
        yield connection
    finally:
        connection.close()
