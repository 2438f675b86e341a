"""The indicator store in a PostgreSQL/PostGIS schema, for a team: the same tables and SQL as the GeoPackage.

Writers take a transaction-scoped advisory lock on the schema, so two analysts adding at the same time
each write whole (one waits for the other) and the unique key keeps one row per value. A user who may
only read gets one sentence saying so instead of a driver error.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .store_location import PostgisStore
from .store_schema import StoreConnection, StoreError, one_line, plain_rows, prepare_tables, upsert_statement

#: The SQLite spelling of a type -> PostgreSQL's (SQLite's REAL is 8 bytes, PostgreSQL's only 4).
_TYPE_WORDS = {re.compile(r"\bREAL\b"): "DOUBLE PRECISION"}

#: libpq waits this long for the server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10


def _psycopg2() -> Any:
    """psycopg2, which QGIS's Python packages install (DB Manager uses it)."""
    try:
        import psycopg2
        import psycopg2.errors
        import psycopg2.extras
    except ImportError as error:  # pragma: no cover - python3-qgis depends on it
        raise StoreError(
            "A PostGIS store needs the Python package psycopg2 (python3-psycopg2), which is not installed. "
            "Install it, or use a GeoPackage store."
        ) from error
    return psycopg2


def read_only_refusal(location: PostgisStore) -> str:
    """The one sentence a user without write rights reads."""
    return (
        f"{location}: you may read this store but not add to it; ask its owner for write rights "
        "or choose a store you can write to."
    )


class PostgisConnection(StoreConnection):
    """A store connection on PostgreSQL: ``?`` placeholders become ``%s``, REAL becomes DOUBLE PRECISION."""

    id_column = "SERIAL PRIMARY KEY"

    def __init__(self, connection: Any, location: PostgisStore) -> None:
        super().__init__(connection, location)
        psycopg2 = _psycopg2()
        self.driver_errors = (psycopg2.Error,)
        self._privilege_error = psycopg2.errors.InsufficientPrivilege
        self._extras = psycopg2.extras
        self.schema = location.schema

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        cursor = self.connection.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(parameters))
        except self._privilege_error as error:
            raise StoreError(read_only_refusal(self.location)) from error  # type: ignore[arg-type]
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Rows in pages of statements, not one round trip each."""
        with self.connection.cursor() as cursor:
            try:
                self._extras.execute_batch(cursor, self._sql(sql), rows, page_size=1000)
            except self._privilege_error as error:
                raise StoreError(read_only_refusal(self.location)) from error  # type: ignore[arg-type]

    def upsert_rows(
        self, table: str, columns: Sequence[str], key: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """COPY the rows into a temporary table, then one INSERT ... SELECT ... ON CONFLICT: ~20x execute_batch.

        CSV keeps floats exact (repr) and text as given; an empty text outside the key is stored as NULL.
        """
        if not rows:
            return
        staging = f"lis_incoming_{table}"
        names = ", ".join(columns)
        self.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"
        )
        self.execute(f"TRUNCATE {staging}")
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(plain_rows(rows))
        text.seek(0)
        with self.connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {staging} ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(key)}))", text
            )
        others = [name for name in columns if name not in key]
        # A stored row whose values are the same is left alone: re-adding unchanged data writes nothing.
        changed = (
            f"({', '.join(f'{table}.{name}' for name in others)}) IS DISTINCT FROM "
            f"({', '.join(f'excluded.{name}' for name in others)})"
        )
        self.execute(
            upsert_statement(table, columns, key, source=f"SELECT {names} FROM {staging}") + f" WHERE {changed}"
        )

    def table_exists(self, table: str) -> bool:
        found = self.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            (self.schema, table),
        )
        return bool(found.fetchone()[0])

    def create_tables(self, statements: Sequence[str]) -> None:
        for statement in statements:
            for pattern, word in _TYPE_WORDS.items():
                statement = pattern.sub(word, statement)
            self.execute(statement.replace("{id}", self.id_column))

    def register_tables(self, tables: Sequence[str]) -> None:
        """Nothing to do: QGIS lists a PostgreSQL table by itself."""

    def begin_write(self) -> None:
        """BEGIN, then wait for the schema's writer lock (released at COMMIT or ROLLBACK)."""
        self.connection.cursor().execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"lis_store:{self.schema}",))

    def commit(self) -> None:
        self.connection.cursor().execute("COMMIT")

    def rollback(self) -> None:
        if not self.connection.closed:
            self.connection.cursor().execute("ROLLBACK")


def open_postgis_store(location: PostgisStore) -> PostgisConnection:
    """Connect, use the store's schema (created when missing and allowed) and prepare its tables."""
    _identifier(location.schema)  # a name from the user is checked before it is quoted into SQL
    psycopg2 = _psycopg2()
    try:
        raw = psycopg2.connect(location.conninfo, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg2.Error as error:
        raise StoreError(
            f"{location}: the database cannot be reached ({one_line(error)}). Check the connection's host, "
            "port, database and credentials."
        ) from error
    raw.autocommit = True  # transactions are begun explicitly, as on the GeoPackage
    connection = PostgisConnection(raw, location)
    try:
        _use_schema(connection, location)
        prepare_tables(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _use_schema(connection: PostgisConnection, location: PostgisStore) -> None:
    """Create the schema when it is missing (a user without the right is told so), then work inside it."""
    exists = connection.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ?", (location.schema,))
    if not exists.fetchone()[0]:
        try:
            connection.execute(f'CREATE SCHEMA "{location.schema}"')
        except StoreError as error:
            raise StoreError(
                f"{location}: the schema does not exist and you may not create it. Ask the database's owner "
                "to create it, or choose an existing schema."
            ) from error
    connection.execute(f'SET search_path TO "{location.schema}", public')


def _identifier(name: str) -> str:
    """A schema name safe to quote, or StoreError: it comes from the user, not from code."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]{0,62}", name):
        raise StoreError(f'"{name}" is not a usable schema name: use letters, digits and _ only.')
    return name
