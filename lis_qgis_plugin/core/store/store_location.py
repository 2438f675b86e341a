"""Where an indicator store lives: a GeoPackage file (one analyst) or a PostgreSQL/PostGIS schema (a team).

Core code takes a ``StoreLocation`` and never reads settings: the Processing and panel layers turn the
user's choice (a path, a QGIS connection name or a service) into one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The file name of the default GeoPackage store, beside the project.
DEFAULT_STORE_NAME = "lis_store.gpkg"

#: The schema a PostGIS store uses unless another is chosen.
DEFAULT_SCHEMA = "lis"


@dataclass(frozen=True)
class PostgisStore:
    """A store in one schema of a PostgreSQL/PostGIS database.

    ``conninfo`` is a libpq connection string with the credentials already filled in (the Processing layer
    takes them from QGIS's authentication manager); ``label`` names it for people (a connection name or
    service) and never carries a password.
    """

    conninfo: str
    schema: str = DEFAULT_SCHEMA
    label: str = ""

    def __str__(self) -> str:
        return f"PostGIS store {self.label or 'database'} (schema {self.schema})"


#: A GeoPackage store is its file path.
StoreLocation = Path | PostgisStore


def store_label(location: StoreLocation) -> str:
    """The store as named in messages: the file path, or the PostGIS connection and schema (never a password)."""
    return str(location)
