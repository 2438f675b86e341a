"""Code lookup tables: LSOA 2011 -> 2021, LSOA -> ward, and any 'from code -> to code' table.

The two code columns are found by which codes they share with the data: the 'from'
column matches the codes being converted, the 'to' column the target codes. That
makes ONS lookups with a dozen columns (LSOA11CD, LSOA21CD, CHGIND, LAD22CD, ...)
work without naming columns, while names can still be given.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..common.ons_codes import code_share, normalise_code
from ..io.table_files import RawTable, TableError, read_raw_table


@dataclass(frozen=True)
class CodeLookup:
    """A many-to-many mapping read from a lookup table."""

    source: str
    from_column: str
    to_column: str
    mapping: dict[str, tuple[str, ...]]

    def targets(self, code: str) -> tuple[str, ...]:
        """The codes ``code`` maps to (empty when the lookup does not know it)."""
        return self.mapping.get(code, ())


def lookup_from_raw(
    raw: RawTable,
    from_codes: Collection[str],
    to_codes: Collection[str],
    from_column: str | None = None,
    to_column: str | None = None,
) -> CodeLookup:
    """Choose the two code columns (by overlap unless named) and build the mapping."""
    columns = {name: [normalise_code(cell) for cell in raw.column(name)] for name in raw.header}
    code_columns = [name for name, values in columns.items() if code_share(values)[0] >= 0.8]
    from_set, to_set = set(from_codes), set(to_codes)

    def overlap(name: str, wanted: set[str]) -> int:
        return len(set(columns[name]) & wanted)

    if from_column or to_column:
        from_column = _named(raw, from_column) or max(
            (name for name in code_columns if name != to_column), key=lambda name: overlap(name, from_set), default=None
        )
        to_column = _named(raw, to_column) or max(
            (name for name in code_columns if name != from_column), key=lambda name: overlap(name, to_set), default=None
        )
    else:
        pairs = [(a, b) for a in code_columns for b in code_columns if a != b]
        if pairs:
            from_column, to_column = max(pairs, key=lambda pair: overlap(pair[0], from_set) + overlap(pair[1], to_set))
    if not from_column or not to_column:
        raise TableError(
            f"{raw.source}: a lookup needs two columns of area codes (for example LSOA11CD and LSOA21CD); "
            f"found {len(code_columns)} ({', '.join(code_columns) or 'none'}). Choose a lookup table with both codes."
        )
    if not overlap(from_column, from_set) or not overlap(to_column, to_set):
        raise TableError(
            f"{raw.source}: the lookup's codes do not match the data: column '{from_column}' shares "
            f"{overlap(from_column, from_set)} codes with the table and column '{to_column}' shares "
            f"{overlap(to_column, to_set)} with the target areas. Choose the lookup for these geographies and years."
        )
    mapping: dict[str, list[str]] = {}
    for source, target in zip(columns[from_column], columns[to_column]):
        if source and target and target not in mapping.setdefault(source, []):
            mapping[source].append(target)
    return CodeLookup(raw.source, from_column, to_column, {code: tuple(found) for code, found in mapping.items()})


def _named(raw: RawTable, name: str | None) -> str | None:
    if not name:
        return None
    folded = {column.lower(): column for column in raw.header}
    if name.strip().lower() not in folded:
        raise TableError(f"{raw.source}: there is no column '{name}'. The columns are: {', '.join(raw.header)}.")
    return folded[name.strip().lower()]


def read_code_lookup(
    path: Path,
    from_codes: Collection[str],
    to_codes: Collection[str],
    sheet: str | None = None,
    from_column: str | None = None,
    to_column: str | None = None,
) -> CodeLookup:
    """Read a lookup file (CSV/TSV/XLSX/ODS) and map codes of ``from_codes`` onto ``to_codes``."""
    return lookup_from_raw(read_raw_table(Path(path), sheet), from_codes, to_codes, from_column, to_column)
