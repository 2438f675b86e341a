"""Each area's limits, counts and earlier periods from the Fingertips CSV its indicators came from; its recent trend.

Fingertips publishes, per area and period, the value with its 95% and 99.8% limits, the count and
the denominator. lis:joinindicators keeps only the latest value; the atlas reads the rest again from
the CSV the join recorded as the indicator's source (beside the coverage layer's file), pivoted
exactly as the join pivots it, one period at a time, so each figure lands on the same label. The
published limits are kept, not recomputed; the counts and denominators of the five most recent
periods give Fingertips' recent trend (core.statistics.trend).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..common.ons_codes import normalise_code
from ..indicators.indicator_table import pivot_long_table
from ..indicators.indicator_values import parse_number
from ..io.table_files import RawTable, TableError, read_raw_table
from ..sources.fingertips import is_fingertips_header
from .atlas_indicators import AtlasIndicator, IndicatorRow
from .atlas_statistics import Counted, pooled_counts

#: The figures of a Fingertips row, by the CSV column holding them.
FIGURE_COLUMNS = {
    "value": "Value",
    "lower": "Lower CI 95.0 limit",
    "upper": "Upper CI 95.0 limit",
    "lower998": "Lower CI 99.8 limit",
    "upper998": "Upper CI 99.8 limit",
    "count": "Count",
    "denominator": "Denominator",
}
_CODE_HEADERS = ("area code", "area_code", "areacode")


@dataclass(frozen=True)
class PeriodFigures:
    """One area's published figures of one indicator in one period (None where the CSV has none)."""

    period: str
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    lower998: float | None = None
    upper998: float | None = None
    count: float | None = None
    denominator: float | None = None


#: Area code -> pivot label -> the periods' figures, oldest first.
Series = dict[str, dict[str, list[PeriodFigures]]]


def _periods(raw: RawTable) -> list[str]:
    """The table's periods, oldest first (by 'Time period Sortable' when given, else as the file lists them)."""
    header = [name.strip() for name in raw.header]
    at = header.index("Time period")
    sortable = header.index("Time period Sortable") if "Time period Sortable" in header else None
    keys: dict[str, str] = {}
    for row in raw.rows:
        if at < len(row) and row[at].strip():
            key = row[sortable] if sortable is not None and sortable < len(row) else ""
            keys.setdefault(row[at].strip(), key)
    return sorted(keys, key=lambda period: (keys[period], period)) if all(keys.values()) else list(keys)


def long_table_series(path: Path, codes: Sequence[str]) -> Series | None:
    """The figures of ``codes`` in a Fingertips CSV for every period; None when the file is not one.

    TableError when it cannot be read.
    """
    raw = read_raw_table(Path(path))
    if not is_fingertips_header(raw.header):
        return None
    header = [name.strip() for name in raw.header]
    code_column = next(name for name in raw.header if name.strip().lower() in _CODE_HEADERS)
    value_at = header.index("Value")
    wanted = set(codes)
    series: Series = {}
    figures: dict[tuple[str, str, str], dict[str, float]] = {}
    periods = _periods(raw)
    for name, column in FIGURE_COLUMNS.items():
        if column not in header:
            continue
        at = header.index(column)
        swapped = replace(raw, rows=[[*row[:value_at], row[at] if at < len(row) else "", *row[value_at + 1 :]]
                                     for row in raw.rows])  # fmt: skip
        for period in periods:
            wide, chosen, _ = pivot_long_table(swapped, code_column, period)
            position = wide.header.index(code_column)
            for row in wide.rows:
                code = normalise_code(row[position])
                if code not in wanted:
                    continue
                for label, cell in zip(wide.header, row):
                    number, _ = parse_number(cell)
                    if label != code_column and chosen.get(label) == period and number is not None:
                        figures.setdefault((code, label, period), {})[name] = number
    for (code, label, period), found in figures.items():
        series.setdefault(code, {}).setdefault(label, []).append(PeriodFigures(period, **found))
    for labels in series.values():
        for label, items in labels.items():
            labels[label] = sorted(items, key=lambda item: periods.index(item.period))
    return series


def source_series(
    folder: Path | None, indicators: Sequence[AtlasIndicator], codes: Sequence[str]
) -> dict[str, dict[str, list[PeriodFigures]]]:
    """Indicator field -> area code -> its periods' figures, from the Fingertips CSVs named as sources in ``folder``."""
    found: dict[str, dict[str, list[PeriodFigures]]] = {}
    if folder is None:
        return found
    for source in dict.fromkeys(indicator.source for indicator in indicators if indicator.source):
        path = folder / source
        if Path(source).name != source or path.suffix.lower() != ".csv" or not path.is_file():
            continue
        try:
            series = long_table_series(path, codes)
        except TableError:
            continue
        if not series:
            continue
        for indicator in (ind for ind in indicators if ind.source == source):
            label = indicator.label.strip().lower()
            for code, labels in series.items():
                for name, items in labels.items():
                    key = name.strip().lower()
                    if label == key or label.startswith(f"{key} ("):
                        found.setdefault(indicator.field, {})[code] = items
                        break
    return found


def pooled_district(
    indicators: Sequence[AtlasIndicator],
    series: Mapping[str, Mapping[str, Sequence[PeriodFigures]]],
    codes: Sequence[str],
) -> dict[str, tuple[float, tuple[float, float] | None]]:
    """The district's value and 95% limits per indicator: every area's published count over its denominator, pooled.

    Only where every area has a count and a denominator for the period shown, and each value is its count over its
    denominator times one multiplier (a crude rate or a proportion: a standardised rate is never pooled this way).
    """
    pooled: dict[str, tuple[float, tuple[float, float] | None]] = {}
    for indicator in indicators:
        by_code = series.get(indicator.field)
        if not by_code or not codes:
            continue
        shown = [_at_period(by_code.get(code, ()), indicator.period) for code in codes]
        items = [item for item in shown if item is not None and None not in (item.value, item.count, item.denominator)]
        if len(items) < len(codes) or any(item.denominator <= 0 for item in items):  # type: ignore[operator]
            continue
        ratios = [item.value * item.denominator / item.count for item in items if item.count]  # type: ignore[operator]
        if not ratios:
            continue
        multiplier = 10.0 ** round(math.log10(ratios[0])) if ratios[0] > 0 else 0.0
        if not multiplier or any(abs(ratio / multiplier - 1) > 0.005 for ratio in ratios):
            continue
        count = math.fsum(item.count for item in items)  # type: ignore[misc]
        denominator = math.fsum(item.denominator for item in items)  # type: ignore[misc]
        rate = multiplier > 100 or count > denominator
        parts = [Counted(item.count, item.denominator, multiplier, rate) for item in items]  # type: ignore[arg-type]
        interval = pooled_counts(parts)
        limits = (interval.lower, interval.upper) if interval.lower is not None and interval.upper is not None else None
        pooled[indicator.field] = (count / denominator * multiplier, limits)
    return pooled


def _at_period(items: Sequence[PeriodFigures], period: str) -> PeriodFigures | None:
    """The figures of ``period``, or the latest when the indicator names none."""
    if not items:
        return None
    return next((item for item in items if item.period == period), None) if period else items[-1]


def _pair(low: float | None, high: float | None) -> tuple[float, float] | None:
    return (low, high) if low is not None and high is not None else None


def with_published_figures(
    rows: Sequence[IndicatorRow], figures: Mapping[str, Sequence[PeriodFigures]]
) -> list[IndicatorRow]:
    """An area's rows with the limits and count the source published for the period shown, and the recent trend.

    ``figures``: indicator field -> the area's periods, oldest first. The trend uses the periods up to
    the one shown; fewer than five with a count and a denominator: 'could not be calculated'.
    """
    from ..statistics.trend import recent_trend  # scipy: loaded with the first page, not with the plugin

    result = []
    for row in rows:
        items = list(figures.get(row.indicator.field, ()))
        period = row.indicator.period or (items[-1].period if items else "")
        shown = next((item for item in items if item.period == period), None)
        if shown is None:
            result.append(row)
            continue
        upto = items[: items.index(shown) + 1]
        points = [(item.period, item.count, item.denominator) for item in upto]  # a gap: 'could not be calculated'
        trend = recent_trend(points, row.indicator.polarity) if len(upto) > 1 else None
        result.append(
            replace(
                row,
                limits=_pair(shown.lower, shown.upper) or row.limits,
                limits_998=_pair(shown.lower998, shown.upper998) or row.limits_998,
                count=shown.count if shown.count is not None else row.count,
                denominator=shown.denominator if shown.denominator is not None else row.denominator,
                trend=trend.direction_word if trend is not None else "",
                trend_periods=tuple(trend.periods_used) if trend is not None else (),
                history=tuple((item.period, item.value) for item in upto if item.value is not None),
            )
        )
    return result
