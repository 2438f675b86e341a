"""Class breaks and class numbers for deprivation maps: plain functions, no QGIS.

Every method numbers its classes so that class 1 is the MOST deprived, whatever the
polarity of the values: national and local deciles as published, and the generic
methods (quantile, equal interval, Jenks, ...) by counting from the deprived end.
Generic classes are ranges of values ``[lower, upper]``: a value equal to a break
belongs to the class below it, as in QGIS's graduated renderer.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ..common.errors import LisError
from .deprivation import check_national_ranks, national_quantile

#: Method key -> name shown to people, in the order of the algorithm's METHOD list.
METHODS: dict[str, str] = {
    "national_deciles": "National deciles from rank",
    "national_quintiles": "National quintiles from rank",
    "local_deciles": "Local deciles (re-ranked within this layer)",
    "local_quintiles": "Local quintiles (re-ranked within this layer)",
    "quantile": "Quantile (equal count)",
    "equal_interval": "Equal interval",
    "jenks": "Natural breaks (Jenks, deterministic)",
    "stddev": "Standard deviation",
    "pretty": "Pretty breaks",
    "manual": "Manual breaks",
}
#: Polarity key -> name shown to people.
POLARITIES: dict[str, str] = {
    "auto": "From the indicator metadata (LIS joined layers), else high values = more deprived",
    "high_deprived": "High values = more deprived (scores)",
    "high_better": "High values = better, less deprived (ranks: rank 1 = most deprived)",
}
#: QGIS's QgsClassificationJenks works on at most this many values (its mMaximumSize).
JENKS_SAMPLE_SIZE = 3000


class ClassificationError(LisError, ValueError):
    """The values cannot be classified as asked; the message says what to change."""


@dataclass(frozen=True)
class ValueRange:
    """One class of a generic method: values in ``(lower, upper]`` (the first class includes ``lower``)."""

    lower: float
    upper: float


def local_quantiles(values: Sequence[float], groups: int, high_is_deprived: bool) -> list[int]:
    """Decile (groups=10) or quintile (groups=5) of each value among these values; 1 = most deprived.

    The values are re-ranked within the layer, most deprived first; equal values keep their
    input order (the feature order), so the ranking is deterministic and the groups differ
    in size by at most one even when many values tie. A position p of n goes to group
    ceil(p * groups / n), the rule MHCLG uses for national deciles.
    """
    count = len(values)
    if count < groups:
        raise ClassificationError(f"{count} values cannot make {groups} local groups: choose fewer classes.")
    sign = -1.0 if high_is_deprived else 1.0
    order = sorted(range(count), key=lambda index: (sign * values[index], index))
    classes = [0] * count
    for position, index in enumerate(order, start=1):
        classes[index] = national_quantile(position, count, groups)
    return classes


def national_classes(ranks: Sequence[int], national_n: int, groups: int) -> list[int]:
    """National decile or quintile of each rank (1 = most deprived) among ``national_n`` areas."""
    return [national_quantile(rank, national_n, groups) for rank in ranks]


def check_ranks(ranks: Sequence[float], national_n: int, field: str) -> list[int]:
    """The ranks as integers; a ClassificationError when one cannot be a national rank (see check_national_ranks)."""
    labels = {f"feature {index + 1}": value for index, value in enumerate(ranks)}
    check_national_ranks(labels, national_n, f"field '{field}'", areas_word="area", error=ClassificationError)
    return [int(value) for value in ranks]


def parse_breaks(text: str) -> list[float]:
    """'10, 20.5; 30' -> [10.0, 20.5, 30.0]: numbers separated by commas, semicolons or spaces, increasing."""
    items = [item for item in re.split(r"[;,\s]+", text or "") if item]
    if not items:
        raise ClassificationError("Manual breaks: give the class limits in BREAKS, for example '10, 20, 30'.")
    breaks = []
    for item in items:
        try:
            breaks.append(float(item))
        except ValueError:
            raise ClassificationError(
                f"Manual breaks: '{item}' is not a number. Give numbers separated by commas, e.g. '10, 20, 30'."
            ) from None
    for before, after in zip(breaks, breaks[1:]):
        if after <= before:
            raise ClassificationError(
                f"Manual breaks must increase: {after:g} comes after {before:g}. Give them from lowest to highest."
            )
    return breaks


def ranges_from_breaks(minimum: float, maximum: float, breaks: Sequence[float]) -> list[ValueRange]:
    """Ranges from interior breaks: [min, b1], (b1, b2], ..., (bk, max]."""
    limits = [minimum, *breaks, maximum]
    return [ValueRange(lower, upper) for lower, upper in zip(limits, limits[1:])]


def range_index(value: float, ranges: Sequence[ValueRange]) -> int:
    """0-based index of the range holding ``value``: the first with upper limit >= value (the last catches all)."""
    index = bisect.bisect_left([item.upper for item in ranges], value)
    return min(index, len(ranges) - 1)


def deprivation_class(range_position: int, range_count: int, high_is_deprived: bool) -> int:
    """Class number (1 = most deprived) of the range at 0-based ``range_position`` in increasing value order."""
    return range_count - range_position if high_is_deprived else range_position + 1


def jenks_breaks(values: Sequence[float], classes: int) -> list[float]:
    """Jenks natural breaks: the upper limit of each class, in increasing order (the last is the maximum).

    QGIS's own QgsClassificationJenks (3.22) takes a RANDOM sample of 3,000 values from larger
    layers (QGIS issue #31723), so the same layer gets different breaks on each run. This one is
    deterministic: up to JENKS_SAMPLE_SIZE values it runs the same optimisation as QGIS on every
    value (same recurrence, same order of additions, same tie rule, so it returns QGIS's breaks);
    above that it runs on JENKS_SAMPLE_SIZE values spread evenly over the sorted values (always
    including the minimum and the maximum), which keeps the time bounded (the exact method costs
    n^2) and is how later QGIS versions fixed the issue.
    """
    data = sorted(float(value) for value in values)
    if not data:
        return []
    if classes <= 1:
        return [data[-1]]
    if classes >= len(data):
        return data
    return _jenks_on_sorted(_even_sample(data), classes)


def _even_sample(data: list[float]) -> list[float]:
    """At most JENKS_SAMPLE_SIZE sorted values: the minimum, the maximum and values evenly spread between."""
    if len(data) <= JENKS_SAMPLE_SIZE:
        return data
    inner = len(data) - 2
    picks = {1 + (step * inner) // (JENKS_SAMPLE_SIZE - 2) for step in range(JENKS_SAMPLE_SIZE - 2)}
    return [data[0], *(data[index] for index in sorted(picks)), data[-1]]


def _jenks_on_sorted(sample: Sequence[float], classes: int) -> list[float]:
    """Jenks's dynamic programme (Jenks 1977, as QGIS implements it), vectorised over the class start.

    best_cost[l, j]: least within-class sum of squares of the first l values in j classes;
    first_of_last[l, j]: 1-based position where the last of those j classes starts.
    For each l the candidate last classes are sample[i4 .. l-1] for i4 = l-1 down to 1, the
    order QGIS tries them; on equal cost the later candidate (smaller i4) wins, as in QGIS.
    """
    import numpy as np  # here, not at import: loading the plugin stays light

    values = np.array(sample, dtype=float)
    n = len(values)
    huge = sys.float_info.max
    first_of_last = np.zeros((n + 1, classes + 1), dtype=np.int64)
    best_cost = np.zeros((n + 1, classes + 1), dtype=float)
    first_of_last[0:2, 1:] = 1
    best_cost[2:, 1:] = huge
    for last in range(2, n + 1):
        backwards = values[last - 1 :: -1]  # QGIS adds values from the end of the class backwards
        sums = np.cumsum(backwards)
        squares = np.cumsum(backwards * backwards)
        sizes = np.arange(1, last + 1, dtype=float)
        variance = squares - (sums * sums) / sizes  # variance[m-1]: class of the last m values
        starts = np.arange(last - 1, 0, -1)  # i4 for m = 1 .. last-1
        if classes >= 2:
            candidates = variance[: last - 1, None] + best_cost[starts, 1:classes]
            running = np.minimum(candidates.min(axis=0), huge)
            for column in range(classes - 1):
                hits = np.flatnonzero(candidates[:, column] == running[column])
                if hits.size:
                    first_of_last[last, column + 2] = starts[hits[-1]]
                    best_cost[last, column + 2] = running[column]
        first_of_last[last, 1] = 1
        best_cost[last, 1] = variance[-1]
    breaks = [0.0] * classes
    breaks[-1] = float(values[-1])
    position = n
    for column in range(classes, 1, -1):
        start = int(first_of_last[position, column]) - 1
        breaks[column - 2] = float(values[start])
        position = start
    return breaks


def quantile_label(number: int, groups: int, local: bool) -> str:
    """Legend and label-field text of a decile or quintile: '1 – most deprived 10% nationally', '3', ..."""
    share = f"{100 // groups}%"
    word = "decile" if groups == 10 else "quintile"
    where = "of this layer" if local else "nationally"
    prefix = f"local {word} {number}" if local else f"{number}"
    if number == 1:
        return f"{prefix} – most deprived {share} {where}"
    if number == groups:
        return f"{prefix} – least deprived {share} {where}"
    return prefix


def range_labels(ranges: Sequence[ValueRange], whole_numbers: bool) -> list[str]:
    """'12.5 – 20.1' for each range, with the fewest decimals (up to 6) that keep the limits apart."""
    limits = sorted({limit for item in ranges for limit in (item.lower, item.upper)})
    decimals = 0
    if not (whole_numbers and all(limit == int(limit) for limit in limits)):
        decimals = next(
            (places for places in range(1, 7) if len({round(limit, places) for limit in limits}) == len(limits)), 6
        )
    return [f"{item.lower:,.{decimals}f} – {item.upper:,.{decimals}f}" for item in ranges]
