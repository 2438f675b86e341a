"""What the indicator store knows of each atlas indicator: every area's limits, counts and periods, and England's.

The store keeps, per indicator x area x period (x sex x age), the value with its 95% and 99.8% limits,
the count and the denominator (issue 19). An atlas indicator is found in the store's catalogue by its
label, which lis:indicatorlayer takes from the catalogue's name ('name (Female, 65+)' for a breakdown
whose sex or age varies), so no id has to be written into the layer. England is the area E92000001,
as in Fingertips' England row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..store.store_location import StoreLocation
from ..store.store_open import store_connection
from ..store.store_schema import VALUES_TABLE
from ..store.store_values import CatalogueEntry, catalogue
from .atlas_england import ENGLAND_CODE
from .atlas_indicators import AtlasIndicator
from .atlas_trends import PeriodFigures

_FIGURES = "period, value, lower95, upper95, lower998, upper998, count, denominator"


@dataclass
class StoreFigures:
    """Indicator field -> area code -> its periods' figures (oldest first), England's values, and the ids used."""

    series: dict[str, dict[str, list[PeriodFigures]]] = field(default_factory=dict)
    england: dict[str, float] = field(default_factory=dict)
    #: Indicator field -> England's figures in every period (oldest first), for reports that show every period.
    england_series: dict[str, list[PeriodFigures]] = field(default_factory=dict)
    #: Indicator field -> the store id it was matched to.
    ids: dict[str, str] = field(default_factory=dict)


def _entry_for(indicator: AtlasIndicator, entries: Sequence[CatalogueEntry]) -> tuple[CatalogueEntry, set[str]] | None:
    """The catalogue entry named by the indicator's label, and the breakdown parts its label adds ('Female')."""
    label = indicator.label.strip()
    for entry in entries:
        name = entry.name.strip()
        if label == name:
            return entry, set()
        if label.startswith(f"{name} (") and label.endswith(")"):
            return entry, {part.strip() for part in label[len(name) + 2 : -1].split(",")}
    return None


def store_figures(store: StoreLocation, indicators: Sequence[AtlasIndicator], codes: Sequence[str]) -> StoreFigures:
    """The store's figures of the indicators for ``codes`` and England; indicators it does not hold are left out.

    StoreError when the store cannot be opened.
    """
    found = StoreFigures()
    entries = catalogue(store)
    wanted = set(codes) | {ENGLAND_CODE}
    with store_connection(store) as connection:
        for indicator in indicators:
            matched = _entry_for(indicator, entries)
            if matched is None:
                continue
            entry, parts = matched
            rows = connection.execute(
                f"SELECT area_code, sex, age, {_FIGURES} FROM {VALUES_TABLE} WHERE indicator_id = ? "
                "ORDER BY period_key, period",
                (entry.indicator_id,),
            ).fetchall()
            kept = [row for row in rows if row[0] in wanted and parts <= {row[1] or "", row[2] or ""} - {""}]
            if len({(row[1] or "", row[2] or "") for row in kept}) > 1:
                continue  # several sexes or ages match the label: no one series to show
            by_code: dict[str, list[PeriodFigures]] = {}
            for code, _, _, *figures in kept:
                by_code.setdefault(code, []).append(PeriodFigures(str(figures[0]), *figures[1:]))
            england = by_code.pop(ENGLAND_CODE, [])
            if england:
                found.england_series[indicator.field] = england
            period = indicator.period or (england[-1].period if england else "")
            value = next((item.value for item in england if item.period == period), None)
            if value is not None:
                found.england[indicator.field] = value
            if by_code:
                found.series[indicator.field] = by_code
            found.ids[indicator.field] = entry.indicator_id
    return found
