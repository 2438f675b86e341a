"""What an update changed, read from the store itself: new periods, revised values, unchanged indicators.

An update never trusts its source to say what is new: the stored values are read before and after the
write, and compared key by key (area, period, sex, age). Everything is fetched and read before anything
is written, so a failed download or a broken file leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsFeedback

from ..common.errors import LisError
from ..io.table_files import check_table_path
from .period_keys import period_key
from .store_loading import AddOptions, LoadedTable, add_loaded_tables, file_checksum, file_refresh, read_store_table
from .store_location import StoreLocation, store_label
from .store_open import store_connection
from .store_schema import VALUES_TABLE, StoreError
from .store_sources import OnlineFetcher, OnlineQuery, load_online_table
from .store_values import CatalogueEntry, catalogue

#: A stored value's key within its indicator: area, period, sex, age.
ValueKey = tuple[str, str, str, str]
#: Examples of revised values shown per indicator.
EXAMPLES = 5


class UpdateError(LisError):
    """An update could not fetch or read one of its sources; the store was not changed."""


def stored_values(store: StoreLocation, indicator_ids: Iterable[str]) -> dict[str, dict[ValueKey, float | None]]:
    """Indicator id -> its stored values by key (an indicator not stored yet has none)."""
    wanted = sorted(set(indicator_ids))
    found: dict[str, dict[ValueKey, float | None]] = {indicator: {} for indicator in wanted}
    with store_connection(store) as connection:
        for indicator in wanted:
            rows = connection.execute(
                f"SELECT area_code, period, sex, age, value FROM {VALUES_TABLE} WHERE indicator_id = ?", (indicator,)
            ).fetchall()
            found[indicator] = {(area, period, sex or "", age or ""): value for area, period, sex, age, value in rows}
    return found


@dataclass
class IndicatorChange:
    """What an update did to one indicator."""

    indicator_id: str
    name: str
    new_periods: list[str] = field(default_factory=list)
    revised: list[tuple[ValueKey, float | None, float | None]] = field(default_factory=list)
    added: int = 0  # new values in periods that were already stored (new areas, sexes, ages)
    unchanged: int = 0
    status: str = ""  # why it was not fetched ('file unchanged', 'no refresh record'), '' when it was

    @property
    def changed(self) -> bool:
        return bool(self.new_periods or self.revised or self.added)

    def summary(self) -> str:
        """One line: 'new periods 2023/24; 12 revised values; 300 unchanged'."""
        if self.status:
            return self.status
        parts = []
        if self.new_periods:
            parts.append(f"new period{'s' if len(self.new_periods) > 1 else ''} {', '.join(self.new_periods)}")
        if self.revised:
            parts.append(f"{len(self.revised):,} revised value{'s' if len(self.revised) > 1 else ''}")
        if self.added:
            parts.append(f"{self.added:,} new value{'s' if self.added > 1 else ''} in stored periods")
        parts.append(f"{self.unchanged:,} unchanged")
        return "; ".join(parts) if self.changed else f"unchanged ({self.unchanged:,} values)"

    def examples(self) -> list[str]:
        """'E01000001, 2019: 29199 -> 29200' for the first few revised values."""
        return [
            f"{area}, {period}{f' ({sex}, {age})' if sex or age else ''}: {_shown(old)} -> {_shown(new)}"
            for (area, period, sex, age), old, new in self.revised[:EXAMPLES]
        ]


def _shown(value: float | None) -> str:
    return "no value" if value is None else f"{value:g}"


def compare_values(
    indicator_id: str, name: str, before: dict[ValueKey, float | None], after: dict[ValueKey, float | None]
) -> IndicatorChange:
    """The change from ``before`` to ``after`` of one indicator's stored values."""
    old_periods = {key[1] for key in before}
    change = IndicatorChange(indicator_id, name)
    change.new_periods = sorted({key[1] for key in after} - old_periods, key=period_key)
    for key, value in after.items():
        if key not in before:
            change.added += key[1] in old_periods
        elif before[key] != value:
            change.revised.append((key, before[key], value))
        else:
            change.unchanged += 1
    change.revised.sort(key=lambda item: (period_key(item[0][1]), item[0]))
    return change


def update_store(
    store: StoreLocation,
    reload: Callable[[dict[str, object]], LoadedTable | None],
    indicator_ids: Sequence[str] = (),
    feedback: QgsFeedback | None = None,
) -> list[IndicatorChange]:
    """Read every indicator's source again (``reload(record)``: None when a file is unchanged), write, compare.

    Indicators sharing a refresh record are fetched once. UpdateError names the source that failed; nothing
    is written unless every source was read.
    """
    entries = _chosen_entries(store, indicator_ids)
    groups: dict[str, list[CatalogueEntry]] = {}
    changes: dict[str, IndicatorChange] = {}
    for entry in entries:
        if entry.refresh:
            groups.setdefault(entry.refresh, []).append(entry)
        else:
            changes[entry.indicator_id] = IndicatorChange(entry.indicator_id, entry.name, status="no refresh record")
    loaded: list[LoadedTable] = []
    for text, members in groups.items():
        table = _reload_group(text, members, reload)
        if table is None:
            changes.update({item.indicator_id: IndicatorChange(item.indicator_id, item.name, status="file unchanged")
                            for item in members})  # fmt: skip
        else:
            loaded.append(table)
    written = [item.entry for table in loaded for item in table.indicators]
    before = stored_values(store, [entry.indicator_id for entry in written])
    add_loaded_tables(store, loaded, feedback)  # every source was read first; written all at once or not at all
    after = stored_values(store, before)
    for entry in written:
        changes[entry.indicator_id] = compare_values(
            entry.indicator_id, entry.name, before[entry.indicator_id], after[entry.indicator_id]
        )
    return [changes[key] for key in sorted(changes)]


def _chosen_entries(store: StoreLocation, indicator_ids: Sequence[str]) -> list[CatalogueEntry]:
    """The catalogue entries to update: all, or the ones named (StoreError naming an unknown id)."""
    entries = catalogue(store)
    if not indicator_ids:
        return entries
    known = {entry.indicator_id: entry for entry in entries}
    unknown = [name for name in indicator_ids if name not in known]
    if unknown:
        raise StoreError(f"{store_label(store)}: no indicator {', '.join(unknown)} in the store. Check the ids, or "
                         "leave INDICATORS empty to update every one.")  # fmt: skip
    return [known[name] for name in indicator_ids]


def _reload_group(
    text: str, members: list[CatalogueEntry], reload: Callable[[dict[str, object]], LoadedTable | None]
) -> LoadedTable | None:
    """One refresh record read again, with the error naming its indicators and source."""
    names = ", ".join(entry.indicator_id for entry in members[:5]) + (" and more" if len(members) > 5 else "")
    try:
        record = json.loads(text)
    except ValueError as error:
        raise UpdateError(f"{names}: the refresh record is not JSON ({error}). Add the data again.") from error
    try:
        return reload(record)
    except LisError as error:
        what = record.get("path") if record.get("kind") == "file" else OnlineQuery.from_record(record).label
        raise UpdateError(f"Updating {names} from {what} failed, so the store was not changed: {error}") from error


def source_reloader(
    fetcher: OnlineFetcher, folder: Path, markers: frozenset[str]
) -> Callable[[dict[str, object]], LoadedTable | None]:
    """``reload`` for ``update_store``: online queries downloaded again (past the cache) into ``folder``, files
    read again when their checksum changed (None when it did not), each with the options it was added with."""

    def reload(record: dict[str, object]) -> LoadedTable | None:
        options = AddOptions.from_json(dict(record.get("options") or {}))  # type: ignore[call-overload]
        if record.get("kind") == "file":
            path = Path(str(record.get("path")))
            check_table_path(path)
            if file_checksum(path) == record.get("sha256"):
                return None
            return read_store_table(path, options, file_refresh(path), markers)
        if record.get("kind") == "online":
            table, _ = load_online_table(fetcher, OnlineQuery.from_record(record), folder, options, markers, True)
            return table
        raise UpdateError(f"the refresh record says \"{record.get('kind')}\", which LIS cannot read again. Add the "
                          "data again.")  # fmt: skip

    return reload
