"""Confidence limits, significance against England and the headline of an atlas page, as Fingertips does them.

An indicator gets limits only when its count and denominator are known: a share, percentage or
rate whose denominator field the atlas knows (a RATIO indicator: lis:deprivationsummary's
measures, lis:aggregateindicators' FIELDS_RATIO). The count is the value times the denominator;
proportions get Wilson score limits, rates Byar's (core.statistics, PHEindicatormethods' methods).
The district's limits are those of its pooled count over its pooled denominator.

An area differs from England when England's value lies outside the area's interval (Fingertips);
without limits or without an England value the indicator is "not compared", and the headline says
how many were. Only the 95% flags count in the headline; the table also shows the 99.8% one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .atlas_indicators import AtlasIndicator, IndicatorRow, rate_suffix, unit_kind
from .atlas_measures import IOD_SUMMARY, RATIO

if TYPE_CHECKING:
    from ..statistics.confidence import Interval

#: Fingertips' colours of a comparison (fingertipscharts' palette): green, amber, red; blues without a polarity.
SIGNIFICANCE_COLOURS = {
    "better": "#92D050",
    "similar": "#FFC000",
    "worse": "#C00000",
    "higher": "#BED2FF",
    "lower": "#5555E6",
    "not compared": "#FFFFFF",
}
#: The words a significant comparison is printed with, and a not-significant one.
SIGNIFICANT = ("better", "worse", "higher", "lower")
COMPARED = (*SIGNIFICANT, "similar")
NOT_COMPARED = "not compared"
TREND_WORDS = {"increasing": "rising", "decreasing": "falling"}
#: lis:deprivationsummary's shares of residents: whole LSOAs' residents, not independent events, so no limits.
_RESIDENT_SHARES = {name for name, measure in IOD_SUMMARY.items() if measure.denominator == "population"}


@dataclass(frozen=True)
class Counted:
    """An indicator value as the count and denominator it was made of, and how its limits are computed."""

    count: float
    denominator: float
    #: What the proportion or rate is multiplied by to be in the indicator's unit (1 for a share, 100 for %).
    multiplier: float
    rate: bool


def counted(indicator: AtlasIndicator, value: float | None, denominator: float | None) -> Counted | None:
    """The count behind a share, percentage or rate of known denominator; None for other indicators."""
    if indicator.method != RATIO or value is None or denominator is None or denominator <= 0:
        return None
    if indicator.field in _RESIDENT_SHARES and indicator.denominator == "population":
        return None
    kind = unit_kind(indicator.unit)
    if kind == "share":
        multiplier, rate = 1.0, False
    elif kind == "percent":
        multiplier, rate = 100.0, False
    elif kind == "rate":
        multiplier, rate = float(rate_suffix(indicator.unit).split()[-1].replace(",", "")), True
    else:
        return None
    count = value * denominator / multiplier
    nearest = round(count)
    if math.isclose(count, nearest, abs_tol=1e-6):
        count = float(nearest)  # 5/9 of 9 LSOAs is 5, not 4.999999
    if count < 0 or (not rate and count > denominator):
        return None  # not a count of events (a negative score, a share above 1): no limits, not compared
    return Counted(count, float(denominator), multiplier, rate)


def interval_of(found: Counted, confidence: float) -> Interval:
    """Wilson score limits of a proportion, Byar's of a rate, in the indicator's unit."""
    # core.statistics needs scipy: imported when a page is computed, not when the plugin (or qgis_process) loads.
    from ..statistics.confidence import byars_interval, wilson_interval

    if found.rate:
        return byars_interval(found.count, found.denominator, confidence, found.multiplier)
    return wilson_interval(found.count, found.denominator, confidence, found.multiplier)


def _limits(interval: Interval | None) -> tuple[float, float] | None:
    if interval is None or interval.lower is None or interval.upper is None:
        return None
    return (interval.lower, interval.upper)


def district_limits(
    indicators: Sequence[AtlasIndicator], area_values: Sequence[Mapping[str, float | None]]
) -> dict[str, tuple[float, float] | None]:
    """The district's 95% limits per indicator: its areas' counts pooled over their pooled denominators."""
    limits: dict[str, tuple[float, float] | None] = {}
    for indicator in indicators:
        parts = [
            found
            for values in area_values
            if (found := counted(indicator, values.get(indicator.field), values.get(indicator.denominator)))
        ]
        limits[indicator.field] = _limits(pooled_counts(parts)) if parts else None
    return limits


def pooled_counts(parts: Sequence[Counted]) -> Interval:
    """The 95% limits of areas taken together: the sum of their counts over the sum of their denominators."""
    # core.aggregation reads core.statistics (scipy): imported when a page is computed, not with the plugin.
    from ..aggregation.indicator_statistics import PROPORTION, RATE, pooled_interval

    method = RATE if parts[0].rate else PROPORTION
    counts, denominators = [part.count for part in parts], [part.denominator for part in parts]
    return pooled_interval(counts, denominators, method, parts[0].multiplier, 0.95)


def with_statistics(
    rows: Sequence[IndicatorRow],
    values: Mapping[str, float | None],
    district: Mapping[str, tuple[float, float] | None] | None = None,
) -> list[IndicatorRow]:
    """An area's rows with their count, 95% and 99.8% limits and significance against England.

    Limits already on a row (from the source) are kept, not recomputed.
    """
    from ..statistics.confidence import Interval  # scipy, loaded with the first page (see interval_of)
    from ..statistics.significance import compare_to

    result = []
    for row in rows:
        indicator = row.indicator
        found = counted(indicator, row.value, values.get(indicator.denominator) if indicator.denominator else None)
        limits, limits_998 = row.limits, row.limits_998
        if found is not None and limits is None:
            limits = _limits(interval_of(found, 0.95))
            limits_998 = _limits(interval_of(found, 0.998))
        flags = [
            compare_to(Interval(row.value, *bounds, level), row.england, indicator.polarity)
            if bounds is not None
            else NOT_COMPARED
            for bounds, level in ((limits, 0.95), (limits_998, 0.998))
        ]
        result.append(
            replace(
                row,
                limits=limits,
                limits_998=limits_998,
                count=found.count if found is not None else row.count,
                denominator=found.denominator if found is not None else row.denominator,
                district_limits=(district or {}).get(indicator.field, row.district_limits),
                significance=flags[0],
                significance_998=flags[1],
            )
        )
    return result


def significance_text(row: IndicatorRow) -> str:
    """'worse (99.8%)', 'worse (95%)', 'similar', 'not compared' or '' (no England value to compare with)."""
    if row.england is None or not row.significance:
        return ""
    if row.significance in SIGNIFICANT:
        level = "99.8%" if row.significance_998 == row.significance else "95%"
        return f"{row.significance} ({level})"
    return row.significance


def headline(area_name: str, rows: Sequence[IndicatorRow], comparator: str = "England") -> str:
    """The page's opening sentence, drawn only from what the statistics support.

    'Aspley is significantly worse than England on 2 of 5 indicators and similar on 1; 2 could not
    be compared. Emergency admissions are rising (2019/20 to 2023/24).' Only the 95% flags count;
    trends are named only when significant.
    """
    judged = [row for row in rows if row.significance]
    if not judged or all(row.england is None for row in judged):  # nothing was compared with England
        return ""
    counts = {word: sum(row.significance == word for row in judged) for word in (*COMPARED, NOT_COMPARED)}
    total = len(judged)
    indicators = "indicator" if total == 1 else "indicators"
    compared = total - counts[NOT_COMPARED]
    if not compared:
        which = "its one indicator could not" if total == 1 else f"none of its {total} indicators could"
        sentence = f"{area_name}: {which} be compared with {comparator}"
    else:
        significant = [(word, counts[word]) for word in SIGNIFICANT if counts[word]]
        if significant:
            (first, number), rest = significant[0], significant[1:]
            which = "its one indicator" if total == 1 else f"{number} of {total} {indicators}"
            sentence = f"{area_name} is significantly {first} than {comparator} on {which}"
            sentence += "".join(f", {word} on {count}" for word, count in rest)
            if counts["similar"]:
                sentence += f" and similar on {counts['similar']}"
        else:
            which = "the one indicator" if compared == 1 else f"any of the {compared} indicators"
            sentence = f"{area_name} is not significantly different from {comparator} on {which} compared"
        if counts[NOT_COMPARED]:
            sentence += f"; {counts[NOT_COMPARED]} could not be compared"
    sentence += "."
    trends = [
        f"{row.indicator.label} is {TREND_WORDS[row.trend]}"
        + (f" ({row.trend_periods[0]} to {row.trend_periods[-1]})" if row.trend_periods else "")
        for row in rows
        if row.trend in TREND_WORDS
    ]
    if trends:
        text = "; ".join(trends)
        sentence += f" {text[:1].upper()}{text[1:]}."
    return sentence
