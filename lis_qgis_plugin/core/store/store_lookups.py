"""Code lookups in the store (LSOA 2011 -> 2021, LSOA -> ward, exact or best-fit), read back as the join's CodeLookup.

A lookup is stored once per pair of editions (from geography and vintage -> to geography and vintage); adding
the same pair again replaces its rows, so a corrected file never leaves a mix. ``lis:indicatorlayer`` converts
an indicator published for one edition onto boundaries of another through these rows, with the very conversion
(and report) ``lis:joinindicators`` applies to a LOOKUP file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..common.ons_codes import code_share, normalise_code, profile_codes, vintage_from_name
from ..indicators.code_lookup import CodeLookup, lookup_from_raw
from ..indicators.indicator_values import parse_number
from ..io.table_files import RawTable, TableError, read_raw_table
from .store_location import StoreLocation, store_label
from .store_open import store_connection
from .store_schema import StoreConnection, StoreError
from .store_tables import ensure_tables

LOOKUPS_TABLE = "lis_lookups"
LOOKUP_KINDS = ("exact", "best-fit")
LOOKUP_STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {LOOKUPS_TABLE} (
    fid {{id}},
    from_geography TEXT NOT NULL,
    from_vintage TEXT NOT NULL,
    to_geography TEXT NOT NULL,
    to_vintage TEXT NOT NULL,
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    weight REAL,
    UNIQUE (from_geography, from_vintage, to_geography, to_vintage, from_code, to_code)
)""",
    f"CREATE INDEX IF NOT EXISTS lis_lookups_editions ON {LOOKUPS_TABLE} "
    "(from_geography, from_vintage, to_geography, to_vintage)",
)
_PAIR = "from_geography = ? AND from_vintage = ? AND to_geography = ? AND to_vintage = ?"


@dataclass(frozen=True)
class Edition:
    """A geography in one vintage ('LSOA', '2011'): what a code column or a boundary set is."""

    geography: str
    vintage: str

    @property
    def key(self) -> tuple[str, str]:
        """Compared without case, and by the year alone ('2011', 'LSOA 2011', 'Dec 2011' are one vintage)."""
        year = re.search(r"(?:19|20)\d{2}", self.vintage)
        return self.geography.strip().lower(), year.group(0) if year else self.vintage.strip().lower()

    def __str__(self) -> str:
        return f"{self.geography} {self.vintage}".strip()


@dataclass(frozen=True)
class StoredLookup:
    """One lookup of the store: its editions, kind and number of code pairs."""

    source: Edition
    target: Edition
    kind: str
    pairs: int


def _code_columns(raw: RawTable) -> list[str]:
    """The columns of area codes, left to right."""
    return [name for name in raw.header if code_share(raw.column(name))[0] >= 0.8]


def _matches(raw: RawTable, column: str, wanted: Edition) -> bool:
    """Whether a code column can be of ``wanted``: same geography by its codes, same year when its name has one."""
    geography = profile_codes({normalise_code(code) for code in raw.column(column)}).main or ""
    year = vintage_from_name(column)
    key = wanted.key
    if key[0] and geography.lower() != key[0]:
        return False
    return not (key[1] and year is not None and str(year) != key[1])


def lookup_columns(
    raw: RawTable, source: Edition, target: Edition, from_column: str | None = None, to_column: str | None = None
) -> tuple[str, str]:
    """The 'from' and 'to' code columns: the ones named, else the leftmost code columns fitting each edition."""
    codes = _code_columns(raw)
    chosen = []
    for named, edition in ((from_column, source), (to_column, target)):
        if named:
            chosen.append(named)
            continue
        fitting = [name for name in codes if name not in chosen and _matches(raw, name, edition)]
        if not fitting:
            raise TableError(
                f"{raw.source}: no column of {edition or 'area'} codes among {', '.join(codes) or 'no code columns'}. "
                "Name the from and to code columns, or check the geographies and vintages."
            )
        chosen.append(fitting[0])
    return chosen[0], chosen[1]


def _edition_of(raw: RawTable, column: str, given: Edition) -> Edition:
    """The edition given, its blanks filled from the column (geography from the codes, vintage from the name)."""
    geography = given.geography.strip() or profile_codes(set(map(normalise_code, raw.column(column)))).main or ""
    year = vintage_from_name(column)
    return Edition(geography, given.vintage.strip() or (str(year) if year else ""))


def _weights(raw: RawTable, columns: tuple[str, str], weight_column: str | None) -> dict[tuple[str, str], float]:
    """(from, to) -> its weight (share of area or population) when a weight column is named."""
    if not weight_column:
        return {}
    if weight_column not in raw.header:
        raise TableError(
            f'{raw.source}: there is no column "{weight_column}". The columns are: {", ".join(raw.header)}.'
        )
    pairs = zip(raw.column(columns[0]), raw.column(columns[1]), raw.column(weight_column))
    return {
        (normalise_code(source), normalise_code(target)): value
        for source, target, text in pairs
        if (value := parse_number(text)[0]) is not None
    }


def add_lookup(
    store: StoreLocation,
    path: Path,
    source: Edition,
    target: Edition,
    kind: str = "",
    sheet: str | None = None,
    columns: tuple[str | None, str | None] = (None, None),
    weight_column: str | None = None,
) -> StoredLookup:
    """Put a lookup file's code pairs into the store, replacing the stored lookup of the same two editions.

    ``kind``: 'exact' or 'best-fit' ('': best-fit when the file name says so, else exact). The file is only read.
    """
    raw = read_raw_table(Path(path), sheet)
    from_column, to_column = lookup_columns(raw, source, target, *columns)
    source, target = _edition_of(raw, from_column, source), _edition_of(raw, to_column, target)
    if not source.geography or not target.geography or not source.vintage or not target.vintage:
        raise StoreError(
            f"{raw.source}: say which geographies and vintages the lookup converts between "
            f"(found from '{source}' to '{target}'), for example LSOA 2011 to LSOA 2021."
        )
    kind = kind or ("best-fit" if re.search(r"best[-_ ]?fit", Path(path).name, re.IGNORECASE) else "exact")
    if kind not in LOOKUP_KINDS:
        raise StoreError(f'"{kind}" is not a kind of lookup: use {" or ".join(LOOKUP_KINDS)}.')
    from_codes, to_codes = (set(map(normalise_code, raw.column(column))) for column in (from_column, to_column))
    lookup = lookup_from_raw(raw, from_codes, to_codes, from_column, to_column)
    weights = _weights(raw, (from_column, to_column), weight_column)
    editions = (source.geography, source.vintage, target.geography, target.vintage)
    rows = [
        (*editions, code, target_code, kind, weights.get((code, target_code)))
        for code, targets in lookup.mapping.items()
        for target_code in targets
    ]
    with store_connection(store) as connection:
        ensure_tables(connection, LOOKUPS_TABLE, LOOKUP_STATEMENTS)
        with connection.write_transaction():
            connection.execute(f"DELETE FROM {LOOKUPS_TABLE} WHERE {_PAIR}", editions)
            connection.executemany(
                f"INSERT INTO {LOOKUPS_TABLE} (from_geography, from_vintage, to_geography, to_vintage, from_code, "
                "to_code, kind, weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    return StoredLookup(source, target, kind, len(rows))


def stored_lookups(connection: StoreConnection) -> list[StoredLookup]:
    """Every lookup of an open store (none when the store has never held one)."""
    if not connection.table_exists(LOOKUPS_TABLE):
        return []
    rows = connection.execute(
        f"SELECT from_geography, from_vintage, to_geography, to_vintage, kind, count(*) FROM {LOOKUPS_TABLE} "
        "GROUP BY from_geography, from_vintage, to_geography, to_vintage, kind "
        "ORDER BY from_geography, from_vintage, to_geography, to_vintage"
    ).fetchall()
    return [StoredLookup(Edition(row[0], row[1]), Edition(row[2], row[3]), row[4], int(row[5])) for row in rows]


def lookups(store: StoreLocation) -> list[StoredLookup]:
    """Every lookup of the store."""
    with store_connection(store) as connection:
        return stored_lookups(connection)


def find_lookup(store: StoreLocation, source: Edition, target: Edition) -> CodeLookup | None:
    """The stored lookup from ``source`` to ``target`` as the join's CodeLookup; None when the store has none."""
    with store_connection(store) as connection:
        found = next(
            (
                item
                for item in stored_lookups(connection)
                if item.source.key == source.key and item.target.key == target.key
            ),
            None,
        )
        if found is None:
            return None
        pairs = connection.execute(
            f"SELECT from_code, to_code FROM {LOOKUPS_TABLE} WHERE {_PAIR} ORDER BY fid",
            (found.source.geography, found.source.vintage, found.target.geography, found.target.vintage),
        ).fetchall()
    mapping: dict[str, list[str]] = {}
    for code, target_code in pairs:
        mapping.setdefault(code, []).append(target_code)
    return CodeLookup(
        f"the {found.kind} lookup {found.source} to {found.target} of {store_label(store)}",
        str(found.source),
        str(found.target),
        {code: tuple(targets) for code, targets in mapping.items()},
    )
