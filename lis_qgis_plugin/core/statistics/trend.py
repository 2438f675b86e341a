"""Is an indicator rising or falling lately? Fingertips' recent-trend method for counts and denominators.

Fingertips (OHID public health profiles) labels an area's recent trend from its five most recent data points with
the chi-squared test for trend (Armitage's test for a linear trend in proportions; Altman, Practical Statistics for
Medical Research, 10.7; the statistic of R's ``prop.trend.test``). It calls the trend "increasing" or
"decreasing" only when the statistic exceeds 9.5495 (chi-squared, 1 df, at 99.8%) and the trend is not down to one
point: the least-squares slope of the log odds against time keeps its sign when any one of the five points is left
out. Otherwise the trend is "no significant change", and "could not be calculated" without five unbroken recent
points with counts and denominators. Source: Fingertips' own code, github.com/ukhsa-collaboration/fingertips-open,
PholioVisualisationWS/Analysis/TrendMarkers/TrendMarkerCalculator.cs (IsSignificantForProportions,
NoOutliersCheckForProportion) and TrendRequest.cs. With a polarity the words add whether that is getting better
or worse, as Fingertips' trend arrows do. ``recent_trend_from_limits`` is Fingertips' variant for values that come
with 95% limits but no counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scipy import stats

from .significance import HIGHER_IS_BETTER, HIGHER_IS_WORSE

#: Fingertips' recent trend uses the five most recent points, and needs all five.
RECENT_POINTS = 5

#: A recent trend is called only when the test is significant at this confidence (chi-squared above 9.5495).
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
    statistic, sign = chi_squared_for_trend(counts, denominators)  # every count is inside (0, n): it has variance
    return _called(statistic, sign, lambda: slope_survives_leaving_out_each_point(counts, denominators), periods,
                   polarity)  # fmt: skip


def slope_survives_leaving_out_each_point(counts: Sequence[float], denominators: Sequence[float]) -> bool:
    """True when the least-squares slope of log(x / (n - x)) on time has one sign with all points and with each one
    left out: Fingertips' guard against a trend made by a single outlying year (a zero slope counts as rising)."""
    log_odds = [math.log(x / (n - x)) for x, n in zip(counts, denominators, strict=True)]
    return _same_sign_without_each_point(log_odds, [1.0] * len(log_odds))


def _same_sign_without_each_point(values: Sequence[float], weights: Sequence[float]) -> bool:
    points = [(float(t), y, w) for t, (y, w) in enumerate(zip(values, weights, strict=True), start=1)]
    subsets = [points] + [points[:left_out] + points[left_out + 1 :] for left_out in range(len(points))]
    return len({_weighted_slope(subset)[0] >= 0 for subset in subsets}) == 1


def _weighted_slope(points: Sequence[tuple[float, float, float]]) -> tuple[float, float]:
    """The weighted least-squares slope of y on t and its standard error, for (t, y, weight) points."""
    sum_w = math.fsum(w for _, _, w in points)
    sum_wt = math.fsum(w * t for t, _, w in points)
    sum_wy = math.fsum(w * y for _, y, w in points)
    sum_wty = math.fsum(w * t * y for t, y, w in points)
    sum_wtt = math.fsum(w * t * t for t, _, w in points)
    determinant = sum_w * sum_wtt - sum_wt**2
    return (sum_w * sum_wty - sum_wt * sum_wy) / determinant, math.sqrt(sum_w / determinant)


def recent_trend_from_limits(
    points: Sequence[tuple[str, float | None, float | None, float | None]], polarity: str = ""
) -> TrendResult:
    """Fingertips' recent trend of (period, value, lower95, upper95) points given oldest first, for values without
    counts (Fingertips' method for indicators compared by confidence intervals).

    Each value is weighted by 1 / se^2 with se = (upper95 - lower95) / 3.92; the weighted least-squares slope on time
    is significant when (slope / its standard error)^2 exceeds 9.5495 (99.8%) and its sign survives leaving out each
    point, as TrendMarkerCalculator.IsSignificant and NoOutliersCheck do in fingertips-open.
    """
    recent = list(points)[-RECENT_POINTS:]
    periods = tuple(point[0] for point in recent)
    values, weights, reason = _values_and_weights(recent)
    if reason:
        return TrendResult(NOT_CALCULATED, None, None, periods, NOT_CALCULATED, reason)
    slope, error = _weighted_slope([(float(t), y, w) for t, (y, w) in enumerate(zip(values, weights), start=1)])
    statistic = (slope / error) ** 2
    return _called(statistic, slope, lambda: _same_sign_without_each_point(values, weights), periods, polarity)


def _called(
    statistic: float, sign: float, survives: Callable[[], bool], periods: tuple[str, ...], polarity: str
) -> TrendResult:
    """The trend Fingertips calls from a 1-df chi-squared statistic: significant at 99.8%, and not down to one
    point (``survives``: the slope keeps its sign when each point is left out), else no significant change."""
    p_value = float(stats.chi2.sf(statistic, 1))
    if statistic <= stats.chi2.ppf(TREND_CONFIDENCE, 1):
        return TrendResult(NO_SIGNIFICANT_CHANGE, statistic, p_value, periods, NO_SIGNIFICANT_CHANGE)
    if not survives():
        return TrendResult(
            NO_SIGNIFICANT_CHANGE, statistic, p_value, periods, NO_SIGNIFICANT_CHANGE, "the trend rests on one point"
        )
    label = INCREASING if sign > 0 else DECREASING
    return TrendResult(label, statistic, p_value, periods, _with_polarity(label, polarity))


def _values_and_weights(
    recent: Sequence[tuple[str, float | None, float | None, float | None]],
) -> tuple[list[float], list[float], str]:
    """The values and their weights 1 / se^2, or why the points cannot give a trend."""
    if len(recent) < RECENT_POINTS:
        return [], [], f"{len(recent)} periods: a recent trend needs {RECENT_POINTS}"
    values: list[float] = []
    weights: list[float] = []
    for period, value, lower, upper in recent:
        if value is None or lower is None or upper is None:
            return [], [], f"{period}: the value or a 95% limit is missing"
        if upper <= lower:
            return [], [], f"{period}: the 95% limits {lower:g} to {upper:g} have no width"
        values.append(float(value))
        weights.append((3.92 / (upper - lower)) ** 2)
    return values, weights, ""


def _why_not_calculated(recent: Sequence[tuple[str, float | None, float | None]]) -> str:
    if len(recent) < RECENT_POINTS:
        return f"{len(recent)} periods: a recent trend needs {RECENT_POINTS}"
    for period, count, denominator in recent:
        if count is None or denominator is None:
            return f"{period}: the count or denominator is missing"
        if denominator <= 0 or not 0 < count < denominator:
            return f"{period}: {count:g} in {denominator:g}: a recent trend needs some events, and fewer than all"
    return ""


def _with_polarity(label: str, polarity: str) -> str:
    """'increasing and getting worse' and the like, when the polarity says which way is better."""
    if polarity not in (HIGHER_IS_BETTER, HIGHER_IS_WORSE):
        return label
    better = (label == INCREASING) == (polarity == HIGHER_IS_BETTER)
    return f"{label} and getting {'better' if better else 'worse'}"
