"""Stored indicators at a chosen period, joined onto boundaries: the layer every map, summary and atlas takes.

The store's values become the same IndicatorTable a joined file becomes, and go through the same join
(``core.indicators.join_indicators``): field names, types, aliases, indicator metadata, the report and the
lookup conversion are exactly those of ``lis:joinindicators`` for the same values. When the indicators were
published for another edition than the boundaries (LSOA 2011 onto LSOA 2021), the store's lookup between the
two converts the codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsFeedback, QgsVectorLayer

from ..common.ons_codes import profile_codes
from ..indicators.indicator_table import IndicatorMetadata, IndicatorTable, normalise_polarity
from ..indicators.indicator_values import EMPTY, ParsedColumn
from ..indicators.join_indicators import JoinOutcome, join_indicators
from ..io.layer_codes import find_layer_code_field, layer_codes
from .store_boundaries import boundary_layer, boundary_set, detected_vintage
from .store_location import StoreLocation, store_label
from .store_lookups import Edition, find_lookup
from .store_open import store_connection
from .store_schema import VALUES_TABLE, StoreConnection, StoreError
from .store_values import LATEST, CatalogueEntry, catalogue, latest_period, periods

#: Whole numbers up to here are exact as floats: a column of them is written as integers, as the join types them.
_EXACT_INTEGERS = 2**53


@dataclass(frozen=True)
class StoreTable:
    """The chosen indicators as the join's table, and the edition (geography, vintage) their codes are of."""

    table: IndicatorTable
    edition: Edition


def chosen_entries(store: StoreLocation, indicator_ids: Sequence[str]) -> list[CatalogueEntry]:
    """The catalogue entries of the ids, in the order given; StoreError naming an id the store lacks."""
    wanted = [indicator_id.strip() for indicator_id in indicator_ids if indicator_id.strip()]
    if not wanted:
        raise StoreError("Choose at least one indicator of the store (its id, as the Indicators page lists it).")
    known = {entry.indicator_id: entry for entry in catalogue(store)}
    missing = [indicator_id for indicator_id in wanted if indicator_id not in known]
    if missing:
        raise StoreError(
            f'{store_label(store)}: the indicator "{missing[0]}" is not in the store; '
            + (f"its indicators are {_few(sorted(known))}." if known else "it holds no indicators yet.")
        )
    return [known[indicator_id] for indicator_id in dict.fromkeys(wanted)]


def _few(names: Sequence[str], limit: int = 10) -> str:
    """A list for a sentence, cut after ``limit`` names."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _period_of(store: StoreLocation, entry: CatalogueEntry, period: str) -> str:
    """The indicator's newest period ("latest") or ``period``; StoreError listing its periods when it lacks it."""
    if period == LATEST:
        found = latest_period(store, entry.indicator_id)
        if found is None:
            raise StoreError(f"{entry.indicator_id} has no values in the store yet. Add its values first.")
        return found
    known = periods(store, entry.indicator_id)
    if period not in known:
        raise StoreError(
            f'{entry.indicator_id} has no values for the period "{period}"; its periods are {_few(known)} '
            f'(or "{LATEST}").'
        )
    return period


def _values_of(connection: StoreConnection, indicator_id: str, period: str) -> dict[tuple[str, str], dict[str, float]]:
    """(sex, age) -> area code -> value of one indicator in one period."""
    rows = connection.execute(
        f"SELECT sex, age, area_code, value FROM {VALUES_TABLE} WHERE indicator_id = ? AND period = ? ORDER BY fid",
        (indicator_id, period),
    ).fetchall()
    by_breakdown: dict[tuple[str, str], dict[str, float]] = {}
    for sex, age, code, value in rows:
        by_breakdown.setdefault((sex or "", age or ""), {})[code] = value
    return by_breakdown


def _column_names(entries: Sequence[CatalogueEntry]) -> list[str]:
    """Each indicator's column: its name, as the joined file's column was, or 'name (id)' when two share a name."""
    counts = Counter(entry.name for entry in entries)
    return [entry.name if counts[entry.name] == 1 else f"{entry.name} ({entry.indicator_id})" for entry in entries]


def _breakdown_labels(breakdowns: Sequence[tuple[str, str]]) -> list[str]:
    """Each (sex, age) breakdown's label: the parts that vary between them, as the join labels a long table's."""
    varying = [position for position in (0, 1) if len({breakdown[position] for breakdown in breakdowns}) > 1]
    return [", ".join(breakdown[position] for position in varying if breakdown[position]) for breakdown in breakdowns]


def _parsed(name: str, codes: Sequence[str], values: dict[str, float]) -> ParsedColumn:
    """A typed column over ``codes``: integer when every value is whole (ranks, deciles), else real."""
    column = [values.get(code) for code in codes]
    present = [value for value in column if value is not None]
    whole = all(float(value).is_integer() and abs(value) < _EXACT_INTEGERS for value in present)
    typed = [None if value is None else int(value) if whole else float(value) for value in column]
    empty = len(column) - len(present)
    return ParsedColumn(
        name, "integer" if whole and present else "real", typed, Counter({EMPTY: empty} if empty else {})
    )


def _edition(store: StoreLocation, entries: Sequence[CatalogueEntry]) -> Edition:
    """The one edition of the chosen indicators; StoreError when they mix geographies or known vintages.

    An indicator whose vintage is not known goes with those of its geography whose vintage is (as in
    ``needs_conversion``, an unknown part does not count); two known vintages never mix.
    """
    editions = [Edition(entry.geography, entry.vintage) for entry in entries]
    geographies = {edition.key[0] for edition in editions}
    vintages = {edition.key[1]: edition.vintage for edition in editions if edition.key[1]}
    if len(geographies) > 1 or len(vintages) > 1:
        described = ", ".join(f"{entry.indicator_id} ({edition})" for entry, edition in zip(entries, editions))
        raise StoreError(
            f"{store_label(store)}: the indicators are of different geographies or vintages ({described}). "
            "Make one layer per geography and vintage."
        )
    return Edition(editions[0].geography, next(iter(vintages.values()), ""))


def store_indicator_table(store: StoreLocation, indicator_ids: Sequence[str], period: str = LATEST) -> StoreTable:
    """The indicators' values at ``period`` ("latest": each one's newest) as the join's table, with their metadata.

    An indicator broken down by sex or age gives one column per breakdown, named as the join names a long
    table's columns ('name (Female, 65+)').
    """
    period = (period or LATEST).strip()
    period = LATEST if period.lower() == LATEST else period  # 'Latest' typed in the toolbox means the same
    entries = chosen_entries(store, indicator_ids)
    edition = _edition(store, entries)
    used = {entry.indicator_id: _period_of(store, entry, period) for entry in entries}
    columns: list[tuple[str, CatalogueEntry, dict[str, float]]] = []
    with store_connection(store) as connection:
        for entry, name in zip(entries, _column_names(entries)):
            breakdowns = _values_of(connection, entry.indicator_id, used[entry.indicator_id])
            for label, values in zip(_breakdown_labels(list(breakdowns)), breakdowns.values()):
                columns.append((f"{name} ({label})" if label else name, entry, values))
    codes = list(dict.fromkeys(code for _, _, values in columns for code in values))
    metadata = {
        name: IndicatorMetadata(
            entry.name, entry.source, used[entry.indicator_id], entry.unit, normalise_polarity(entry.polarity)
        )
        for name, entry, _ in columns
    }
    chosen = "; ".join(f"{entry.indicator_id} ({used[entry.indicator_id]})" for entry in entries)
    table = IndicatorTable(
        source=f"the indicator store {store_label(store)}",
        code_column=f"{edition} code" if str(edition) else "area code",
        codes=codes,
        row_numbers=list(range(1, len(codes) + 1)),
        columns=[_parsed(name, codes, values) for name, _, values in columns],
        metadata=metadata,
        layout="store",
        notes=[f"From the store, {'each at its latest period' if period == LATEST else f'period {period}'}: {chosen}."],
    )
    return StoreTable(table, edition)


def layer_edition(layer: QgsVectorLayer, code_field: str | None = None) -> Edition:
    """A boundary layer's edition as its codes and code field tell it (the vintage may stay unknown: '')."""
    code_field = find_layer_code_field(layer, code_field)
    codes = layer_codes(layer, code_field)
    return Edition(profile_codes(codes).main or "", detected_vintage(code_field, codes))


def needs_conversion(source: Edition, target: Edition) -> bool:
    """Whether the indicators' codes are of another edition than the boundaries' (unknown parts do not count)."""
    (geography, vintage), (target_geography, target_vintage) = source.key, target.key
    if geography and target_geography and geography != target_geography:
        return True
    return bool(vintage and target_vintage and vintage != target_vintage)


def indicator_layer(
    store: StoreLocation,
    indicator_ids: Sequence[str],
    output: str,
    period: str = LATEST,
    boundaries: QgsVectorLayer | None = None,
    boundary_set_name: str = "",
    boundary_field: str | None = None,
    duplicates: str = "error",
    report_html: Path | None = None,
    feedback: QgsFeedback | None = None,
) -> JoinOutcome:
    """Join stored indicators onto a stored boundary set (by name) or a polygon layer, into a GeoPackage layer.

    Raises StoreError, TableError, JoinError or OutputError with one sentence for the user.
    """
    if (boundaries is None) == (not boundary_set_name.strip()):
        raise StoreError(
            "Choose the boundaries: either a boundary set of the store (by name) or a polygon layer, not both."
        )
    chosen = store_indicator_table(store, indicator_ids, period)
    if boundaries is None:
        entry = boundary_set(store, boundary_set_name)
        boundaries = boundary_layer(store, entry)
        boundary_field = boundary_field or entry.code_field
        target = Edition(entry.geography, entry.vintage)
    else:
        target = layer_edition(boundaries, boundary_field)
    lookup = None
    if needs_conversion(chosen.edition, target):
        lookup = find_lookup(store, chosen.edition, target)
        if lookup is None:
            chosen.table.notes.append(
                f"The indicators are {chosen.edition} and the boundaries {target}, and the store has no lookup "
                "between them: add one with lis:addlookup to convert the codes."
            )
    return join_indicators(
        boundaries,
        chosen.table,
        output,
        boundary_field=boundary_field,
        duplicates=duplicates,
        lookup=lookup,
        report_html=report_html,
        feedback=feedback,
    )
