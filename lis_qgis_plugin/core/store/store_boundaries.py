"""Boundary sets in the store: polygons of one geography and vintage, kept beside the indicators they carry.

Each set is a layer inside the store itself (a GeoPackage layer of the store file, or a table in the PostGIS
store's schema), listed in ``lis_boundary_sets`` with its geography, vintage and code field, so
``lis:indicatorlayer`` can join a stored indicator onto "LSOA 2021" by name, and a colleague opening the same
store sees the same polygons.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from qgis.core import Qgis, QgsDataSourceUri, QgsFeedback, QgsVectorLayer, QgsVectorLayerExporter

from ..common.ons_codes import profile_codes, vintage_from_name
from ..io.layer_codes import find_layer_code_field, layer_codes, layer_label
from ..io.layer_output import OutputError, write_layer_with_fields
from .store_location import PostgisStore, StoreLocation, store_label
from .store_open import store_connection
from .store_schema import StoreConnection, StoreError
from .store_tables import ensure_tables

BOUNDARY_SETS_TABLE = "lis_boundary_sets"
#: The prefix of the layer (table) holding a set's polygons.
BOUNDARY_LAYER_PREFIX = "lis_boundaries_"
#: The geometry column of a set's table on PostGIS.
POSTGIS_GEOMETRY = "geom"

BOUNDARY_SET_COLUMNS = (
    "name",
    "geography",
    "vintage",
    "code_field",
    "name_field",
    "table_name",
    "feature_count",
    "loaded_at",
)
BOUNDARY_SET_STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {BOUNDARY_SETS_TABLE} (
    fid {{id}},
    name TEXT NOT NULL UNIQUE,
    geography TEXT,
    vintage TEXT,
    code_field TEXT NOT NULL,
    name_field TEXT,
    table_name TEXT NOT NULL,
    feature_count INTEGER,
    loaded_at TEXT
)""",
)
_UPSERT = (
    f"INSERT INTO {BOUNDARY_SETS_TABLE} ({', '.join(BOUNDARY_SET_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(BOUNDARY_SET_COLUMNS))}) ON CONFLICT (name) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in BOUNDARY_SET_COLUMNS[1:])
)


@dataclass(frozen=True)
class BoundarySet:
    """One stored set of boundaries: what it is (geography, vintage), its code field and where its polygons are."""

    name: str
    geography: str
    vintage: str
    code_field: str
    name_field: str
    table_name: str
    feature_count: int
    loaded_at: str


assert tuple(field.name for field in fields(BoundarySet)) == BOUNDARY_SET_COLUMNS


def boundary_table_name(name: str) -> str:
    """The layer name of a set: a lower-case slug of its name, safe in GeoPackage and PostgreSQL alike."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if not slug:
        raise StoreError(f'"{name}" cannot name a boundary set: give it a name with letters or digits.')
    return (BOUNDARY_LAYER_PREFIX + slug)[:63]


def detected_vintage(code_field: str, codes: list[str]) -> str:
    """The boundaries' vintage from the code field's name (LSOA21CD), else 2021 when codes created in 2021 appear."""
    year = vintage_from_name(code_field)
    if year is None and profile_codes(codes).newest_codes:
        year = 2021
    return str(year) if year else ""


def _name_field(layer: QgsVectorLayer, code_field: str) -> str:
    """The field of area names beside the codes (LSOA21NM, 'name'), '' when none is obvious."""
    for field in layer.fields():
        lowered = field.name().lower()
        if field.name() != code_field and (lowered.endswith("nm") or "name" in lowered):
            return field.name()
    return ""


def add_boundary_set(
    store: StoreLocation,
    layer: QgsVectorLayer,
    name: str,
    geography: str = "",
    vintage: str = "",
    code_field: str | None = None,
    feedback: QgsFeedback | None = None,
) -> BoundarySet:
    """Copy ``layer``'s polygons into the store as the set ``name`` (replacing a set of that name) and list it.

    Geography and vintage default to what the codes and the code field's name say; the layer is only read.
    """
    if not name.strip():
        raise StoreError("a boundary set needs a name (for example 'LSOA 2021'). Give one.")
    if not layer.isValid():
        raise StoreError(f"The boundary layer '{layer.name()}' does not open: check its file.")
    code_field = find_layer_code_field(layer, code_field)
    codes = layer_codes(layer, code_field)
    table_name = boundary_table_name(name)
    with store_connection(store) as connection:  # creates the store and the catalogue of sets when missing
        ensure_tables(connection, BOUNDARY_SETS_TABLE, BOUNDARY_SET_STATEMENTS)
        with connection.write_transaction():  # deletes nothing: a user who may only read is told so before any copy
            connection.execute(f"DELETE FROM {BOUNDARY_SETS_TABLE} WHERE name = ? AND 1 = 0", (table_name,))
    _write_polygons(store, layer, table_name, feedback)  # no store connection open while GDAL writes
    entry = BoundarySet(
        name.strip(),
        geography.strip() or (profile_codes(codes).main or ""),
        vintage.strip() or detected_vintage(code_field, codes),
        code_field,
        _name_field(layer, code_field),
        table_name,
        len(codes),
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    with store_connection(store) as connection, connection.write_transaction():
        connection.execute(_UPSERT, astuple(entry))
    return entry


def _write_polygons(store: StoreLocation, layer: QgsVectorLayer, table_name: str, feedback: QgsFeedback | None) -> None:
    """The layer's features, fields and geometries as the store's layer ``table_name`` (replaced when there)."""
    if isinstance(store, PostgisStore):
        result, message = QgsVectorLayerExporter.exportLayer(
            layer, postgis_uri(store, table_name), "postgres", layer.crs(), False, {"overwrite": True}, feedback
        )
        if result != Qgis.VectorExportResult.Success:
            raise StoreError(
                f"{store_label(store)}: the boundaries '{layer_label(layer)}' could not be written "
                f"({' '.join(message.split())}). "
                "Check that you may create tables in the store's schema."
            )
        return
    try:
        write_layer_with_fields(layer, Path(store), table_name, [], lambda _feature: [], feedback)
    except OutputError as error:
        raise StoreError(f"{store}: the boundaries '{layer_label(layer)}' could not be stored ({error}).") from error


def postgis_uri(store: PostgisStore, table_name: str) -> str:
    """The QGIS data source of a table in the PostGIS store's schema (credentials from the store's conninfo)."""
    uri = QgsDataSourceUri(store.conninfo)
    uri.setDataSource(store.schema, table_name, POSTGIS_GEOMETRY, "", "fid")
    return uri.uri(False)


def boundary_sets(store: StoreLocation) -> list[BoundarySet]:
    """Every stored boundary set, by name (none when the store has never held one)."""
    with store_connection(store) as connection:
        return _boundary_sets(connection)


def _boundary_sets(connection: StoreConnection) -> list[BoundarySet]:
    if not connection.table_exists(BOUNDARY_SETS_TABLE):
        return []
    rows = connection.execute(
        f"SELECT {', '.join(BOUNDARY_SET_COLUMNS)} FROM {BOUNDARY_SETS_TABLE} ORDER BY name"
    ).fetchall()
    return [_boundary_set(row) for row in rows]


def _boundary_set(row: tuple) -> BoundarySet:
    """A catalogue row as a BoundarySet (NULL text as '', no count as 0)."""
    text = ["" if value is None else str(value) for value in row]
    name, geography, vintage, code_field, name_field, table_name = text[:6]
    return BoundarySet(name, geography, vintage, code_field, name_field, table_name, int(row[6] or 0), text[7])


def boundary_set(store: StoreLocation, name: str) -> BoundarySet:
    """The set called ``name``; StoreError naming the sets there are when it is not stored."""
    known = boundary_sets(store)
    for entry in known:
        if entry.name == name.strip():
            return entry
    raise StoreError(
        f'{store_label(store)}: there is no boundary set "{name}". '
        + (
            f"Choose one of: {', '.join(entry.name for entry in known)}."
            if known
            else "Add one first with 'Add a boundary set to the store' (lis:addboundaryset)."
        )
    )


def boundary_layer(store: StoreLocation, entry: BoundarySet) -> QgsVectorLayer:
    """The stored polygons of a set as a layer (read-only use: LIS never writes into its inputs)."""
    if isinstance(store, PostgisStore):
        layer = QgsVectorLayer(postgis_uri(store, entry.table_name), entry.name, "postgres")
    else:
        layer = QgsVectorLayer(f"{store}|layername={entry.table_name}", entry.name, "ogr")
    if not layer.isValid():
        raise StoreError(
            f'{store_label(store)}: the polygons of the boundary set "{entry.name}" ({entry.table_name}) do not '
            "open. Add the set again with lis:addboundaryset."
        )
    return layer
