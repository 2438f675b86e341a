"""Two-step floating catchment area (2SFCA) and its enhanced form (E2SFCA).

Step 1, for each facility j: its supply-to-demand ratio R_j = S_j / sum_i(P_i * W(d_ij)), the
capacity shared among the people who can reach it. Step 2, for each area i: its accessibility
A_i = sum_j(R_j * W(d_ij)), the capacity per person available to it. Plain 2SFCA uses
W = 1 within the threshold and 0 beyond; E2SFCA uses a weight per travel band (distance decay).
Pure numpy: the travel costs come from the network searches, so the arithmetic is tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..common.errors import LisError


class AccessibilityError(LisError, ValueError):
    """Inputs that cannot give a score; the message says what to fix."""


@dataclass(frozen=True)
class Band:
    """Travel costs up to ``upper`` (inclusive, after the previous band) get ``weight``."""

    upper: float
    weight: float


@dataclass(frozen=True)
class AccessibilityResult:
    """Per-area accessibility and per-facility supply-to-demand ratios."""

    accessibility: np.ndarray  # per area; capacity per person
    ratios: np.ndarray  # per facility; NaN where nobody can reach it
    demand: np.ndarray  # per facility; weighted population that can reach it


def band_weights(costs: np.ndarray, bands: Sequence[Band]) -> np.ndarray:
    """The decay weight of every cost: the weight of the first band whose upper limit it does not pass."""
    if not bands:
        raise AccessibilityError("Give at least one travel band (its upper limit and weight).")
    uppers = [band.upper for band in bands]
    if any(later <= earlier for earlier, later in zip(uppers, uppers[1:])):
        raise AccessibilityError(f"Band limits must increase: {', '.join(f'{u:g}' for u in uppers)}.")
    if any(not 0 <= band.weight <= 1 for band in bands):
        raise AccessibilityError("Band weights must lie between 0 and 1 (1 = no decay).")
    weights = np.zeros_like(costs, dtype=float)
    lower = -np.inf
    for band in bands:
        inside = (costs > lower) & (costs <= band.upper)
        weights[inside] = band.weight
        lower = band.upper
    return weights


def two_step_fca(
    costs: np.ndarray,
    population: Sequence[float] | np.ndarray,
    capacity: Sequence[float] | np.ndarray,
    bands: Sequence[Band],
) -> AccessibilityResult:
    """2SFCA (one band of weight 1) or E2SFCA (several bands) from an areas x facilities cost matrix.

    ``costs[i, j]`` is the travel time or distance from area i to facility j (``inf`` when it is
    unreachable). Areas beyond every facility get accessibility 0; facilities nobody reaches get
    a NaN ratio (no demand to share their capacity).
    """
    costs = np.asarray(costs, dtype=float)
    people = np.asarray(population, dtype=float)
    supply = np.asarray(capacity, dtype=float)
    if costs.shape != (len(people), len(supply)):
        raise AccessibilityError(
            f"The cost matrix is {costs.shape[0]} x {costs.shape[1]} but there are {len(people)} areas and "
            f"{len(supply)} facilities."
        )
    if np.isnan(people).any() or (people < 0).any():
        raise AccessibilityError("Populations must be known and not negative: fill or remove the NULL areas.")
    if np.isnan(supply).any() or (supply < 0).any():
        raise AccessibilityError("Capacities must be known and not negative: fill or remove the NULL facilities.")
    weights = band_weights(costs, bands)
    demand = weights.T @ people
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(demand > 0, supply / demand, np.nan)
    accessibility = weights @ np.nan_to_num(ratios, nan=0.0)
    return AccessibilityResult(accessibility, ratios, demand)
