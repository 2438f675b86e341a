"""A PostGIS store from the user's words: a QGIS connection name or a service, with credentials from QGIS.

A team saves its server once as a QGIS PostgreSQL connection (Browser > PostgreSQL > New Connection), with
the user name and password stored in it or, better, in QGIS's authentication manager (an authcfg), or
names a service of pg_service.conf. The STORE text ``pg:<name>`` or ``pg:service=<name>`` then finds it,
and ``|schema=<schema>`` chooses the schema (default ``lis``). The libpq connection string built here
carries the credentials to psycopg2; the store's label is the connection's name, never its password.
"""

from __future__ import annotations

from qgis.core import QgsDataSourceUri, QgsProviderConnectionException, QgsProviderRegistry

from ..core.store.store_location import DEFAULT_SCHEMA, PostgisStore
from ..core.store.store_schema import StoreError

#: The STORE text's way of naming a service instead of a saved connection.
SERVICE_PREFIX = "service="


def postgis_store_location(text: str) -> PostgisStore:
    """``<connection name>`` or ``service=<name>``, optionally ``|schema=<schema>``, as a PostgisStore."""
    name, schema = _name_and_schema(text)
    if name.startswith(SERVICE_PREFIX):
        service = name[len(SERVICE_PREFIX) :].strip()
        if not service:
            raise StoreError(f"pg:{text}: the service has no name. Write pg:service=<name of a pg_service.conf entry>.")
        return PostgisStore(f"service={_conninfo_value(service)}", schema, label=f"service {service}")
    return PostgisStore(_saved_connection_conninfo(name, text), schema, label=name)


def _name_and_schema(text: str) -> tuple[str, str]:
    """The connection (or service) and the schema of ``name|schema=<schema>``."""
    name, *options = (part.strip() for part in text.split("|"))
    schema = DEFAULT_SCHEMA
    for option in options:
        key, _, value = option.partition("=")
        if key.strip().lower() != "schema" or not value.strip():
            raise StoreError(
                f'pg:{text}: "{option}" is not understood. Write pg:<connection>|schema=<schema>, or leave out '
                f"the schema to use {DEFAULT_SCHEMA}."
            )
        schema = value.strip()
    if not name:
        raise StoreError(
            f"pg:{text}: no connection is named. Write pg:<QGIS connection name> or pg:service=<service name>."
        )
    return name, schema


def _saved_connection_conninfo(name: str, text: str) -> str:
    """The saved QGIS connection's libpq string, user and password filled in from QGIS's authentication manager."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    try:
        connection = metadata.findConnection(name)
    except QgsProviderConnectionException:
        connection = None
    if connection is None:
        known = ", ".join(sorted(metadata.connections())) or "none saved yet"
        raise StoreError(
            f'pg:{text}: there is no saved PostgreSQL connection "{name}" (saved: {known}). Save it in the '
            "Browser (PostgreSQL > New Connection), or check the name."
        )
    uri = QgsDataSourceUri(connection.uri())
    conninfo = uri.connectionInfo(True)  # True: the authcfg's user name and password, in place of its id
    if uri.authConfigId() and "authcfg=" in conninfo:
        raise StoreError(
            f'pg:{text}: the credentials of the connection "{name}" (authentication configuration '
            f"{uri.authConfigId()}) cannot be read. Unlock QGIS's authentication database with its master "
            "password, or check the configuration in Settings > Options > Authentication."
        )
    return conninfo


def _conninfo_value(value: str) -> str:
    """A value quoted for a libpq connection string."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"
