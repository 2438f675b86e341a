"""The store's indicators as a web report needs them: every period of every area, and England's rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..atlas.atlas_indicators import AtlasIndicator, unit_kind
from ..atlas.atlas_measures import BETTER, MEAN, SUM, WORSE
from ..atlas.atlas_store import store_figures
from ..common.errors import LisError
from ..store.period_keys import period_key
from ..store.store_location import StoreLocation, store_label
from ..store.store_values import CatalogueEntry, catalogue
from .web_profiles import WebIndicator


class WebReportError(LisError, ValueError):
    """Bad web report input the user can fix; the message names the parameter, file or indicator and what to do."""


def atlas_indicator(entry: CatalogueEntry) -> AtlasIndicator:
    """A store indicator as the atlas describes it: its catalogue name, unit and polarity; a count is summed."""
    polarity = entry.polarity if entry.polarity in (BETTER, WORSE) else ""
    label = entry.name or entry.indicator_id
    unit = entry.unit or ("%" if "(%)" in label else "")  # 'Smokers (%)', as the atlas reads a label
    method = SUM if unit_kind(unit) == "count" else MEAN
    return AtlasIndicator(entry.indicator_id, label, unit, polarity, entry.source, method=method)


def chosen_entries(store: StoreLocation, indicator_ids: Sequence[str]) -> list[CatalogueEntry]:
    """The catalogue entries of ``indicator_ids`` in that order (every one when empty); WebReportError naming
    an id the store does not hold."""
    entries = catalogue(store)
    by_id = {entry.indicator_id: entry for entry in entries}
    if not indicator_ids:
        return entries
    missing = [name for name in indicator_ids if name not in by_id]
    if missing:
        raise WebReportError(
            f"INDICATORS: the indicator store {store_label(store)} has no indicator {', '.join(missing)}. It holds: "
            f"{', '.join(by_id) or 'none yet'}. Choose stored ids, or add the indicators with lis:addtostore."
        )
    return [by_id[name] for name in dict.fromkeys(indicator_ids)]


def store_indicators(
    store: StoreLocation, indicator_ids: Sequence[str], codes: Sequence[str]
) -> tuple[list[WebIndicator], list[CatalogueEntry]]:
    """The chosen indicators (every one with values for ``codes`` when none is chosen) with all their periods.

    WebReportError when a chosen indicator has no value for any of the areas, or when none has.
    """
    entries = chosen_entries(store, indicator_ids)
    indicators = [atlas_indicator(entry) for entry in entries]
    found = store_figures(store, indicators, codes)
    webs, kept = [], []
    for entry, indicator in zip(entries, indicators):
        series = found.series.get(indicator.field, {})
        if found.ids.get(indicator.field) != entry.indicator_id or not series:
            if indicator_ids:
                raise WebReportError(
                    f"INDICATORS: {entry.indicator_id} ('{entry.name}') of the store {store_label(store)} has no "
                    f"single series for these {len(codes)} areas (no value for their codes, another indicator of "
                    "the same name, or several sexes or ages). Choose the boundaries its values are for, or "
                    "leave it out."
                )
            continue
        held = {item.period for items in series.values() for item in items}
        ordered = tuple(sorted(held, key=lambda period: (period_key(period), period)))  # the store's own order
        england = {item.period: item.value for item in found.england_series.get(indicator.field, [])
                   if item.value is not None}  # fmt: skip
        webs.append(WebIndicator(replace(indicator, period=ordered[-1]), ordered, series, england))
        kept.append(entry)
    if not webs:
        raise WebReportError(
            f"INDICATORS: the indicator store {store_label(store)} has no values for any of these {len(codes)} areas "
            f"(codes such as {', '.join(list(codes)[:3])}). Add their indicators with lis:addtostore, or choose "
            "the boundaries the stored values are for."
        )
    return webs, kept
