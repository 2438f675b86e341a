"""Who lives within each travel band of a service, and which deprived people are beyond it.

Given, for each demand point (a small area's population-weighted centroid, say), its nearest
facility, the travel cost to it and its population, this counts the population within each
band per facility and overall, with percentages, and the gap list: people in national
deprivation deciles 1-2 beyond each band. Pure Python: the searches that give the costs are
tested on their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ALL_FACILITIES = "All facilities"
#: National deciles counted as "most deprived" in the gap list.
GAP_DECILES = (1, 2)


@dataclass(frozen=True)
class CoverageRow:
    """Population within each band for one facility (or all of them)."""

    facility: str
    population: float  # assigned to this facility (all demand for the overall row)
    within: tuple[float, ...]  # per band
    share: tuple[float, ...]  # per band, of ``population``
    deprived_beyond: tuple[float, ...] = ()  # per band, deciles 1-2 beyond it (overall row only)


def band_of(cost: float, bands: Sequence[float]) -> float | None:
    """The smallest band limit the cost is within; None beyond every band (or unreachable)."""
    for limit in bands:
        if cost <= limit:
            return limit
    return None


def coverage_table(
    facility_of: Sequence[str | None],
    cost: Sequence[float],
    population: Sequence[float],
    bands: Sequence[float],
    decile: Sequence[int | None] | None = None,
) -> list[CoverageRow]:
    """One row per facility (in first-seen order), then the overall row with the gap list.

    ``facility_of[i]`` is demand point i's nearest facility (None when no facility is reachable)
    and ``cost[i]`` its travel cost (``inf`` when unreachable). Bands are cumulative: a point
    within 5 minutes is also within 10.
    """
    bands = sorted(bands)
    if not bands:
        raise ValueError("Give at least one travel band.")
    order: list[str] = []
    assigned: dict[str, float] = {}
    within: dict[str, list[float]] = {}
    for facility, point_cost, people in zip(facility_of, cost, population):
        if facility is None:
            continue
        if facility not in assigned:
            order.append(facility)
            assigned[facility] = 0.0
            within[facility] = [0.0] * len(bands)
        assigned[facility] += people
        for index, limit in enumerate(bands):
            if point_cost <= limit:
                within[facility][index] += people
    total = float(sum(population))
    rows = [_row(name, assigned[name], within[name]) for name in order]
    overall_within = [sum(within[name][index] for name in order) for index in range(len(bands))]
    deprived_beyond: list[float] = []
    if decile is not None:
        for limit in bands:
            deprived_beyond.append(
                sum(
                    people
                    for point_cost, people, point_decile in zip(cost, population, decile)
                    if point_decile in GAP_DECILES and not point_cost <= limit
                )
            )
    overall = _row(ALL_FACILITIES, total, overall_within)
    rows.append(
        CoverageRow(overall.facility, overall.population, overall.within, overall.share, tuple(deprived_beyond))
    )
    return rows


def _row(name: str, population: float, within: Sequence[float]) -> CoverageRow:
    share = tuple(value / population if population > 0 else math.nan for value in within)
    return CoverageRow(name, population, tuple(within), share)
