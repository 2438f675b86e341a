"""Adding indicator values to the store and reading them back: one transaction per add, upserted on the key.

Re-adding the same data updates the stored rows and never duplicates them (the UNIQUE key of indicator,
area, period, sex and age decides what "the same" is); a failed add leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

from qgis.core import QgsFeedback

from ..common.ons_codes import normalise_code
from ..common.progress import report_progress
from .period_keys import PeriodError, period_key
from .store_location import StoreLocation, store_label
from .store_open import store_connection
from .store_schema import (
    CATALOGUE_COLUMNS,
    CATALOGUE_TABLE,
    VALUE_COLUMNS,
    VALUE_KEY,
    VALUES_TABLE,
    StoreConnection,
    StoreError,
    upsert_statement,
)

#: The period argument that asks for each indicator's newest period.
LATEST = "latest"


@dataclass(frozen=True)
class CatalogueEntry:
    """What an indicator is, where it came from and how to refresh it: one row of the catalogue."""

    indicator_id: str
    name: str
    definition: str = ""
    unit: str = ""
    multiplier: float | None = None
    polarity: str = ""
    source: str = ""
    licence: str = ""
    geography: str = ""
    vintage: str = ""
    method: str = ""
    loaded_at: str = ""
    refresh: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One value of one area in one period (and sex and age, '' when the data has none)."""

    area_code: str
    period: str
    value: float | None
    lower95: float | None = None
    upper95: float | None = None
    lower998: float | None = None
    upper998: float | None = None
    count: float | None = None
    denominator: float | None = None
    sex: str = ""
    age: str = ""
    note: str = ""


@dataclass(frozen=True)
class AddResult:
    """What one add did: rows given, and how many of them were new (the rest updated stored rows)."""

    indicator_id: str
    rows: int
    new_rows: int

    @property
    def updated_rows(self) -> int:
        """Rows that replaced a stored value with the same key."""
        return self.rows - self.new_rows


assert tuple(field.name for field in fields(CatalogueEntry)) == CATALOGUE_COLUMNS

_CATALOGUE_INSERT = upsert_statement(CATALOGUE_TABLE, CATALOGUE_COLUMNS, ("indicator_id",))


def add_values(store: StoreLocation, entry: CatalogueEntry, rows: Iterable[IndicatorValue]) -> AddResult:
    """Put one indicator's catalogue entry and values into the store, in one transaction (see add_many)."""
    return add_many(store, [(entry, rows)])[0]


def add_many(
    store: StoreLocation,
    indicators: Sequence[tuple[CatalogueEntry, Iterable[IndicatorValue]]],
    feedback: QgsFeedback | None = None,
) -> list[AddResult]:
    """Put several indicators (catalogue entry and values each) into the store, all in one transaction.

    Every entry and row is checked (id, name, area code, period) before anything is written, and the writing is
    one transaction, so bad input, a failure or a cancel half-way leaves the store as it was: never a table half
    added. ``feedback`` shows the share of indicators written and can cancel.
    """
    prepared = []
    for entry, rows in indicators:
        if not entry.indicator_id.strip() or not entry.name.strip():
            raise StoreError("an indicator needs an id and a name to go into the store. Give both.")
        records = _value_records(entry.indicator_id, rows)
        prepared.append((entry if entry.loaded_at else _with_loaded_at(entry), records))
    results = []
    # Another writer waits for the write lock, then sees these rows; an error leaves the store unchanged.
    with store_connection(store) as connection, connection.write_transaction():
        for number, (entry, records) in enumerate(prepared):
            report_progress(feedback, 100 * number / len(prepared))
            before = _row_count(connection, entry.indicator_id)
            connection.execute(_CATALOGUE_INSERT, astuple(entry))
            connection.upsert_rows(VALUES_TABLE, VALUE_COLUMNS, VALUE_KEY, records)
            results.append(
                AddResult(entry.indicator_id, len(records), _row_count(connection, entry.indicator_id) - before)
            )
    return results


def _with_loaded_at(entry: CatalogueEntry) -> CatalogueEntry:
    """The entry stamped with the time it was loaded (UTC, ISO 8601)."""
    return replace(entry, loaded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _value_records(indicator_id: str, rows: Iterable[IndicatorValue]) -> list[tuple]:
    """The rows as table records, each area code normalised and each period given its key.

    Two rows with the same area, period, sex and age are refused: one would silently replace the other.
    """
    keys: dict[str, str] = {}
    seen: dict[tuple[str, str, str, str], int] = {}
    records = []
    for number, row in enumerate(rows, start=1):
        code = normalise_code(row.area_code)
        if not code:
            raise StoreError(f"{indicator_id}, value {number}: the area code is empty. Give every value an area code.")
        key = keys.get(row.period)
        if key is None:
            try:
                key = keys[row.period] = period_key(row.period)
            except PeriodError as error:
                raise PeriodError(f"{indicator_id}, value {number} ({code}): {error}") from error
        identity = (code, row.period, row.sex or "", row.age or "")
        first = seen.setdefault(identity, number)
        if first != number:
            raise StoreError(
                f"{indicator_id}, values {first} and {number}: both are {code} in {row.period}"
                + (f" ({row.sex or 'any sex'}, {row.age or 'any age'})" if row.sex or row.age else "")
                + ". Keep one row per area, period, sex and age (a breakdown by category goes in its own indicator)."
            )
        records.append((indicator_id, *identity[:2], key, *_measures(row), *identity[2:], row.note or None))
    return records


def _measures(row: IndicatorValue) -> tuple[float | None, ...]:
    """The value, its limits, count and denominator, in the table's order."""
    return (row.value, row.lower95, row.upper95, row.lower998, row.upper998, row.count, row.denominator)


def _row_count(connection: StoreConnection, indicator_id: str) -> int:
    """Stored values of one indicator."""
    return int(
        connection.execute(f"SELECT count(*) FROM {VALUES_TABLE} WHERE indicator_id = ?", (indicator_id,)).fetchone()[0]
    )


def catalogue(store: StoreLocation) -> list[CatalogueEntry]:
    """Every indicator in the store, by id."""
    with store_connection(store) as connection:
        rows = connection.execute(
            f"SELECT {', '.join(CATALOGUE_COLUMNS)} FROM {CATALOGUE_TABLE} ORDER BY indicator_id"
        ).fetchall()
    # NULL text reads back as '' (as it was given); the multiplier stays None when there is none.
    entries = []
    for row in rows:
        cells: dict[str, Any] = {name: "" if value is None else value for name, value in zip(CATALOGUE_COLUMNS, row)}
        cells["multiplier"] = row[CATALOGUE_COLUMNS.index("multiplier")]
        entries.append(CatalogueEntry(**cells))
    return entries


def periods(store: StoreLocation, indicator_id: str) -> list[str]:
    """An indicator's periods, oldest first."""
    with store_connection(store) as connection:
        _check_indicator(connection, store, indicator_id)
        rows = connection.execute(
            f"SELECT DISTINCT period_key, period FROM {VALUES_TABLE} "
            "WHERE indicator_id = ? ORDER BY period_key, period",
            (indicator_id,),
        ).fetchall()
    return [period for _, period in rows]


def latest_period(store: StoreLocation, indicator_id: str) -> str | None:
    """The indicator's newest period (the highest period key), None when it has no values."""
    with store_connection(store) as connection:
        _check_indicator(connection, store, indicator_id)
        return _latest(connection, indicator_id)


def _latest(connection: StoreConnection, indicator_id: str) -> str | None:
    row = connection.execute(
        f"SELECT period FROM {VALUES_TABLE} WHERE indicator_id = ? ORDER BY period_key DESC, period DESC LIMIT 1",
        (indicator_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def values_at(
    store: StoreLocation, indicator_id: str, period: str = LATEST, sex: str | None = None, age: str | None = None
) -> dict[str, float | None]:
    """Area code -> value of one indicator in one period ("latest": its newest), for one sex and one age.

    ``sex`` and ``age`` None take the one the indicator has in that period (a Fingertips table's "Persons",
    "All ages"), so a single breakdown needs no naming; when it has several, StoreError asks to choose.
    '' asks for values stored without a sex or age (a wide table's).
    """
    with store_connection(store) as connection:
        _check_indicator(connection, store, indicator_id)
        wanted = _latest(connection, indicator_id) if period == LATEST else period
        rows = connection.execute(
            f"SELECT sex, age, area_code, value FROM {VALUES_TABLE} WHERE indicator_id = ? AND period = ?",
            (indicator_id, wanted),
        ).fetchall()
    if wanted is None:
        return {}
    if not rows:
        known = periods(store, indicator_id)
        raise StoreError(
            f'{indicator_id} has no values for the period "{period}". '
            f"Choose one of: {', '.join(known) or 'none stored yet'}."
        )
    chosen = _breakdown(
        indicator_id, wanted, {(row_sex or "", row_age or "") for row_sex, row_age, _, _ in rows}, sex, age
    )
    return {code: value for row_sex, row_age, code, value in rows if (row_sex or "", row_age or "") == chosen}


def _breakdown(
    indicator_id: str, period: str, stored: set[tuple[str, str]], sex: str | None, age: str | None
) -> tuple[str, str]:
    """The one stored (sex, age) that matches the asked parts (None: any); StoreError listing them otherwise."""
    matching = [pair for pair in stored if (sex is None or pair[0] == sex) and (age is None or pair[1] == age)]
    if len(matching) == 1:
        return matching[0]
    shown = "; ".join(f"{pair[0] or 'no sex'}, {pair[1] or 'no age'}" for pair in sorted(stored))
    if not matching:
        asked = ", ".join(f'{part} "{value}"' for part, value in (("sex", sex), ("age", age)) if value is not None)
        raise StoreError(f"{indicator_id} has no values in {period} with {asked}. Choose one of: {shown}.")
    raise StoreError(
        f"{indicator_id} has values for several sexes or ages in {period} ({shown}). Choose the sex and the age."
    )


def _check_indicator(connection: StoreConnection, store: StoreLocation, indicator_id: str) -> None:
    """StoreError naming the indicator when the catalogue does not have it."""
    found = connection.execute(f"SELECT 1 FROM {CATALOGUE_TABLE} WHERE indicator_id = ?", (indicator_id,)).fetchone()
    if found is None:
        raise StoreError(
            f'{store_label(store)}: the indicator "{indicator_id}" is not in the store. Add it first, or check the id.'
        )
