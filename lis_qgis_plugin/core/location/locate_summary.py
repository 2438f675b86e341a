"""Before and after: who reaches an open site and how far they travel, and the sentence that says it.

Used by :mod:`.locate_services` for its summary table, its log and its headline, such as
"2 new sites would bring 34,380 more residents (27,307 in England's most deprived fifth) within
15 minutes: Harbour and Kingsmead."
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..access.coverage import GAP_DECILES
from ..access.point_inputs import DemandPoints
from ..common.wording import plural

#: The share of people the "90th percentile" journey covers.
PERCENTILE = 0.9


@dataclass
class ScenarioSummary:
    """Who reaches an open site, and how far they travel, with the sites open in one scenario."""

    scenario: str
    open_sites: int
    population: float
    mean_cost: float | None
    p90_cost: float | None
    unreachable: float
    within: float | None
    deprived: float | None
    deprived_within: float | None
    weight_within: float | None


def weighted_percentile(cost: np.ndarray, population: np.ndarray, share: float = PERCENTILE) -> float | None:
    """The smallest cost within which ``share`` of the population lives (``inf`` counts as unreachable).

    None when nobody lives in the demand or more than ``1 - share`` of the people reach no site.
    """
    total = float(np.sum(population))
    if not total > 0:
        return None
    order = np.argsort(cost, kind="stable")
    running = np.cumsum(np.asarray(population, dtype=float)[order])
    position = int(np.searchsorted(running, share * total * (1 - 1e-12), side="left"))
    position = min(position, len(order) - 1)
    value = float(np.asarray(cost)[order][position])
    return value if math.isfinite(value) else None


def scenario_summary(
    scenario: str,
    open_sites: int,
    cost: np.ndarray,
    demand: DemandPoints,
    max_cost: float | None,
) -> ScenarioSummary:
    """Mean (of the people who reach a site) and 90th percentile cost, and who lives within ``max_cost``."""
    population = demand.population
    reach = np.isfinite(cost)
    reached = float(population[reach].sum())
    mean = float(population[reach] @ cost[reach]) / reached if reached > 0 else None
    within = cost <= max_cost if max_cost is not None else None
    deprived = deprived_within = None
    if demand.decile is not None:
        poor = np.array([decile in GAP_DECILES for decile in demand.decile], dtype=bool)
        deprived = float(population[poor].sum())
        deprived_within = float(population[poor & within].sum()) if within is not None else None
    return ScenarioSummary(
        scenario,
        open_sites,
        float(population.sum()),
        mean,
        weighted_percentile(cost, population),
        float(population[~reach].sum()),
        float(population[within].sum()) if within is not None else None,
        deprived,
        deprived_within,
        float(demand.weight[within].sum()) if within is not None else None,
    )


def and_list(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def unit_words(unit: str) -> str:
    return {"min": "minutes", "m": "metres"}.get(unit, "metres in a straight line")


def amount(value: float, unit: str) -> str:
    """'10 minutes', '1,600 metres', '12.3 minutes'."""
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if unit == "min" else f"{value:,.0f}"
    return f"{text} {unit_words(unit)}"


def headline(
    objective: str,
    chosen_names: Sequence[str],
    before: ScenarioSummary,
    after: ScenarioSummary,
    max_cost: float | None,
    unit: str,
) -> str:
    """The plain sentence the log leads with: what the new sites would change, and where they are."""
    standard = amount(max_cost, unit) if max_cost is not None else ""
    if not chosen_names:
        return (
            f"No new site is needed: the existing sites already bring everyone who can be covered within {standard}."
            if max_cost is not None
            else "No new site was chosen."
        )
    sites = plural("new site", len(chosen_names))
    covered = ""
    if max_cost is not None and after.within is not None and before.within is not None:
        more = after.within - before.within
        deprived = ""
        if after.deprived_within is not None and before.deprived_within is not None and (after.deprived or 0) > 0:
            deprived = f" ({after.deprived_within - before.deprived_within:,.0f} in England's most deprived fifth)"
        covered = f"bring {more:,.0f} more residents{deprived} within {standard}"
    if objective == "pmedian" and after.mean_cost is not None:
        if before.mean_cost is not None:
            journey = (
                f"cut the average journey from {amount(before.mean_cost, unit)} to {amount(after.mean_cost, unit)}"
            )
        else:
            journey = f"give an average journey of {amount(after.mean_cost, unit)}"
        action = f"{journey} and {covered}" if covered else journey
    else:
        action = covered or "be opened"
    return f"{sites} would {action}: {and_list(chosen_names)}."


def cost_text(value: float | None, unit: str) -> str:
    return "none" if value is None else amount(value, unit)


def scenario_text(summary: ScenarioSummary, unit: str, max_cost: float | None) -> str:
    parts = [f"{plural('open site', summary.open_sites)}"]
    if summary.open_sites:
        parts.append(f"average journey {cost_text(summary.mean_cost, unit)}")
        parts.append(f"90% of people within {cost_text(summary.p90_cost, unit)}")
    if max_cost is not None and summary.within is not None:
        share = 100 * summary.within / summary.population if summary.population > 0 else 0.0
        parts.append(f"{summary.within:,.0f} people ({share:.1f}%) within {amount(max_cost, unit)}")
    return ", ".join(parts)
