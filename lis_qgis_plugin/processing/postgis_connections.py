"""A PostGIS store from the user's words: a QGIS connection name or a service, with credentials from QGIS."""

from __future__ import annotations

from ..core.store.store_location import PostgisStore
from ..core.store.store_schema import StoreError


def postgis_store_location(text: str) -> PostgisStore:
    """``<connection name>`` or ``service=<name>``, optionally ``|schema=<schema>``, as a PostgisStore."""
    raise StoreError(f"pg:{text}: PostGIS stores are not available yet. Use a GeoPackage store.")
