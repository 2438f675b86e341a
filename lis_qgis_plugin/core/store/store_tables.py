"""Tables a store gains when first used (boundary sets, lookups): created only when missing.

A store opened by someone who may only read is never written to just by reading it, so the tables are made
inside a write transaction only when they are not there yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from .store_schema import StoreConnection


def ensure_tables(connection: StoreConnection, table: str, statements: Sequence[str]) -> None:
    """Create ``table`` (and its indexes: ``statements`` with ``{id}`` for the key) when the store lacks it."""
    if connection.table_exists(table):
        return
    with connection.write_transaction():
        connection.create_tables(statements)
        connection.register_tables((table,))
