"""Is an indicator rising or falling lately? Fingertips' recent-trend method for counts and denominators.

Fingertips (OHID public health profiles) labels an area's recent trend from its five most recent data points
with the chi-squared test for trend (Armitage's test for a linear trend in proportions; Altman, Practical
Statistics for Medical Research, 10.7; the same statistic as R's ``prop.trend.test``), and says "increasing" or
"decreasing" only when the trend is significant at 99.8%, its level for recent trends; otherwise "no significant
change", and "could not be calculated" with fewer than five points or a missing count or denominator. With a
polarity the words add whether that is getting better or worse, as Fingertips' trend arrows do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from .significance import HIGHER_IS_BETTER, HIGHER_IS_WORSE

#: Fingertips' recent trend uses the five most recent points, and needs all five.
RECENT_POINTS = 5

#: A recent trend is called only when the test is significant at this confidence (p < 0.002).
TREND_CONFIDENCE = 0.998

INCREASING = "increasing"
DECREASING = "decreasing"
NO_SIGNIFICANT_CHANGE = "no significant change"
NOT_CALCULATED = "could not be calculated"


@dataclass(frozen=True)
class TrendResult:
    """A recent trend in words, with the test behind it (statistic and p value None when not calculated)."""

    label: str
    statistic: float | None
    p_value: float | None
    periods_used: tuple[str, ...]
    direction_word: str
    note: str = ""


def chi_squared_for_trend(
    counts: Sequence[float], denominators: Sequence[float], scores: Sequence[float] | None = None
) -> tuple[float, float]:
    """The chi-squared statistic (1 df) for a linear trend in proportions, and its sign (+1 rising, -1 falling).

    chi2 = (sum x_i t_i - X T)^2 / (p (1 - p) (sum n_i t_i^2 - N T^2)), with X = sum x_i, N = sum n_i, p = X / N and
    T = sum n_i t_i / N; scores t_i are 1, 2, 3 ... unless given. Raises ValueError when there is no variation to
    test (no events, events in every case, or a single score).
    """
    times = list(scores) if scores is not None else list(range(1, len(counts) + 1))
    total_count = math.fsum(counts)
    total = math.fsum(denominators)
    share = total_count / total
    mean_time = math.fsum(n * t for n, t in zip(denominators, times, strict=True)) / total
    trend = math.fsum(x * t for x, t in zip(counts, times, strict=True)) - total_count * mean_time
    spread = math.fsum(n * t * t for n, t in zip(denominators, times, strict=True)) - total * mean_time**2
    variance = share * (1 - share) * spread
    if variance <= 0:
        raise ValueError("no variation to test for a trend")
    return trend**2 / variance, math.copysign(1.0, trend)


def recent_trend(points: Sequence[tuple[str, float | None, float | None]], polarity: str = "") -> TrendResult:
    """Fingertips' recent trend of (period, count, denominator) points given oldest first; see the module docstring."""
    recent = list(points)[-RECENT_POINTS:]
    periods = tuple(period for period, _, _ in recent)
    reason = _why_not_calculated(recent)
    if reason:
        return TrendResult(NOT_CALCULATED, None, None, periods, NOT_CALCULATED, reason)
    counts = [float(count) for _, count, _ in recent if count is not None]
    denominators = [float(denominator) for _, _, denominator in recent if denominator is not None]
    try:
        statistic, sign = chi_squared_for_trend(counts, denominators)
    except ValueError:
        return TrendResult(NOT_CALCULATED, None, None, periods, NOT_CALCULATED, "no events, or events in everyone")
    p_value = float(stats.chi2.sf(statistic, 1))
    if p_value >= 1 - TREND_CONFIDENCE:
        return TrendResult(NO_SIGNIFICANT_CHANGE, statistic, p_value, periods, NO_SIGNIFICANT_CHANGE)
    label = INCREASING if sign > 0 else DECREASING
    return TrendResult(label, statistic, p_value, periods, _with_polarity(label, polarity))


def _why_not_calculated(recent: Sequence[tuple[str, float | None, float | None]]) -> str:
    if len(recent) < RECENT_POINTS:
        return f"{len(recent)} periods: a recent trend needs {RECENT_POINTS}"
    for period, count, denominator in recent:
        if count is None or denominator is None:
            return f"{period}: the count or denominator is missing"
        if denominator <= 0 or not 0 <= count <= denominator:
            return f"{period}: the count {count} is not between 0 and its denominator {denominator}"
    return ""


def _with_polarity(label: str, polarity: str) -> str:
    """'increasing and getting worse' and the like, when the polarity says which way is better."""
    if polarity not in (HIGHER_IS_BETTER, HIGHER_IS_WORSE):
        return label
    better = (label == INCREASING) == (polarity == HIGHER_IS_BETTER)
    return f"{label} and getting {'better' if better else 'worse'}"
