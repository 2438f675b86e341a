"""Values and confidence limits computed the way PHEindicatormethods (the UK public-health R package) does.

Fingertips and local public-health teams publish with these methods, so a LIS profile must give the same
numbers: Wilson score limits for proportions, Byar's method (exact Poisson below 10 events) for crude rates,
Student's t for means and Dobson's method for directly standardised rates. Each function returns an
``Interval`` whose limits are None, with a note, where PHEindicatormethods gives NA or suppresses the figure.
Impossible input (a negative count, a denominator of zero) raises ``StatisticsInputError``; the caller names
the row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from ..common.errors import LisError

#: The two confidence levels Fingertips and PHEindicatormethods publish limits and judge significance at.
CONFIDENCE_LEVELS = (0.95, 0.998)

#: The 2013 European Standard Population in 19 five-year bands, 0-4, 5-9, ... 85-89, 90+ (PHEindicatormethods'
#: esp2013; Eurostat 2013, with 0 and 1-4 joined and 90-94 and 95+ joined). It sums to 100,000.
ESP2013: tuple[float, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

#: The same with 85+ as the last of 18 bands (85-89 and 90+ joined), for data published to 85+.
ESP2013_85_PLUS: tuple[float, ...] = (*ESP2013[:17], ESP2013[17] + ESP2013[18])

#: A directly standardised rate from fewer events than this is not published (phe_dsr / calculate_dsr).
DSR_MINIMUM_COUNT = 10

#: Below this many events a crude rate's limits are exact Poisson, as phe_rate does, not Byar's approximation.
BYARS_MINIMUM_COUNT = 10


class StatisticsInputError(LisError):
    """A count, denominator or confidence level that no interval can be computed from."""


@dataclass(frozen=True)
class Interval:
    """A value and its confidence limits, already multiplied; None (with a note) where it cannot be computed."""

    value: float | None
    lower: float | None
    upper: float | None
    confidence: float
    note: str = ""


def check_confidence(confidence: float) -> float:
    """The level as a fraction; PHEindicatormethods accepts 0.9 to 1 only (wider levels make Byar's negative)."""
    if not 0.9 <= confidence <= 1:
        raise StatisticsInputError(
            f"The confidence level {confidence} is not between 0.9 and 1: give it as a fraction, e.g. 0.95 or 0.998."
        )
    return confidence


def two_sided_z(confidence: float) -> float:
    """The normal quantile leaving (1 - confidence) / 2 in each tail: 1.95996 for 95%, 3.09023 for 99.8%."""
    return float(stats.norm.ppf(confidence + (1 - confidence) / 2))


def _missing(confidence: float, note: str) -> Interval:
    return Interval(None, None, None, confidence, note)


def _check_count(count: float, denominator: float) -> None:
    if count < 0:
        raise StatisticsInputError(f"The count {count} is negative: counts of events must be zero or more.")
    if denominator <= 0:
        raise StatisticsInputError(
            f"The denominator {denominator} is not above zero: a value needs a population or sample of at least one."
        )


def wilson_interval(
    count: float | None, denominator: float | None, confidence: float = 0.95, multiplier: float = 100
) -> Interval:
    """A proportion (count / denominator x multiplier) with Wilson score limits, as phe_proportion computes it.

    Wilson's limits stay within 0 and 1 and behave at zero counts and counts equal to the denominator, where the
    normal approximation fails (PHEindicatormethods: wilson_lower / wilson_upper).
    """
    check_confidence(confidence)
    if count is None or denominator is None:
        return _missing(confidence, "no count or denominator")
    _check_count(count, denominator)
    if count > denominator:
        raise StatisticsInputError(
            f"The count {count} is above its denominator {denominator}: a proportion cannot exceed 1."
        )
    value = count / denominator * multiplier
    if confidence == 1:
        return Interval(value, 0.0, float(multiplier), confidence)
    z = two_sided_z(confidence)
    spread = z * math.sqrt(z**2 + 4 * count * (1 - count / denominator))
    scale = multiplier / 2 / (denominator + z**2)
    lower = (2 * count + z**2 - spread) * scale
    upper = (2 * count + z**2 + spread) * scale
    return Interval(value, lower, upper, confidence)


def poisson_count_limits(count: float, confidence: float) -> tuple[float | None, float]:
    """Limits for an observed number of events: exact Poisson below 10 events, Byar's approximation from 10.

    This is phe_rate's rule (Breslow and Day 1987). Byar's lower limit can go negative at very high
    confidence; PHEindicatormethods then gives NA, here None.
    """
    tail = (1 - confidence) / 2
    if count < BYARS_MINIMUM_COUNT:
        lower = float(stats.chi2.ppf(tail, 2 * count)) / 2 if count > 0 else 0.0
        return lower, float(stats.chi2.ppf(confidence + tail, 2 * count + 2)) / 2
    return byars_limits(count, confidence)


def byars_limits(count: float, confidence: float) -> tuple[float | None, float]:
    """Byar's approximation to Poisson limits for a count (Breslow and Day 1987); None for a negative lower limit."""
    z = two_sided_z(confidence)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3 if count > 0 else 0.0
    following = count + 1
    upper = following * (1 - 1 / (9 * following) + z / (3 * math.sqrt(following))) ** 3
    return (lower if lower >= 0 else None), upper


def byars_interval(
    count: float | None, denominator: float | None, confidence: float = 0.95, multiplier: float = 100_000
) -> Interval:
    """A crude rate (count / denominator x multiplier) with Byar's limits, exact below 10 events, as phe_rate does.

    A rate's count may exceed its denominator (admissions per person), unlike a proportion's.
    """
    check_confidence(confidence)
    if count is None or denominator is None:
        return _missing(confidence, "no count or denominator")
    _check_count(count, denominator)
    lower, upper = poisson_count_limits(count, confidence)
    scale = multiplier / denominator
    return Interval(
        count * scale,
        None if lower is None else lower * scale,
        upper * scale,
        confidence,
        "" if lower is not None else "the lower limit is below zero at this confidence",
    )


def mean_interval(values: Sequence[float | None], confidence: float = 0.95) -> Interval:
    """A mean with Student's t limits, mean +/- t(n-1) x sd / sqrt(n), as phe_mean computes it.

    A missing value makes the mean unknown (phe_mean's sum gives NA); one value has a mean but no spread, so no
    limits.
    """
    check_confidence(confidence)
    if not values:
        return _missing(confidence, "no values")
    if any(value is None or math.isnan(value) for value in values):
        return _missing(confidence, "a value is missing")
    numbers = [float(value) for value in values if value is not None]
    mean = math.fsum(numbers) / len(numbers)
    if len(numbers) < 2:
        return Interval(mean, None, None, confidence, "one value: no spread to give limits")
    spread = stats.t.ppf(confidence + (1 - confidence) / 2, len(numbers) - 1) * stats.tstd(numbers)
    half_width = float(spread) / math.sqrt(len(numbers))
    return Interval(mean, mean - half_width, mean + half_width, confidence)


def dobson_dsr_interval(
    counts: Sequence[float | None],
    populations: Sequence[float],
    standard: Sequence[float] = ESP2013,
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> Interval:
    """A directly standardised rate with Dobson's limits, as phe_dsr / calculate_dsr compute it.

    The age-specific rates are weighted by the standard population (ESP2013 by default); the limits scale Byar's
    limits for the total count by the DSR's variance (Dobson et al. 1991). A missing band count counts as zero; with
    fewer than 10 events in all the DSR is not published, as PHEindicatormethods and Fingertips rule.
    """
    check_confidence(confidence)
    _check_bands(counts, populations, standard)
    events = [0.0 if count is None else float(count) for count in counts]
    total = math.fsum(events)
    if total < DSR_MINIMUM_COUNT:
        return _missing(confidence, f"fewer than {DSR_MINIMUM_COUNT} events: a standardised rate is not published")
    weight = math.fsum(standard)
    value = math.fsum(e * s / p for e, s, p in zip(events, standard, populations, strict=True)) / weight
    variance = math.fsum(e * (s / p) ** 2 for e, s, p in zip(events, standard, populations, strict=True)) / weight**2
    lower, upper = byars_limits(total, confidence)
    scale = math.sqrt(variance / total) * multiplier
    return Interval(
        value * multiplier,
        None if lower is None else value * multiplier + (lower - total) * scale,
        value * multiplier + (upper - total) * scale,
        confidence,
        "" if lower is not None else "the lower limit is below zero at this confidence",
    )


def _check_bands(counts: Sequence[float | None], populations: Sequence[float], standard: Sequence[float]) -> None:
    if not len(counts) == len(populations) == len(standard):
        raise StatisticsInputError(
            f"{len(counts)} age-band counts, {len(populations)} populations and {len(standard)} standard populations:"
            " give one of each for every age band, in the same order as the standard (19 bands for ESP2013)."
        )
    if any(count is not None and count < 0 for count in counts):
        raise StatisticsInputError("An age band's count is negative: counts of events must be zero or more.")
    if any(population is None or population <= 0 for population in populations):
        raise StatisticsInputError(
            "An age band's population is missing or zero: every band needs people for its rate to be weighted."
        )
    if any(weight < 0 for weight in standard):
        raise StatisticsInputError("A standard population band is negative.")
