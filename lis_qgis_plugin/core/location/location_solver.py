"""Location-allocation on a demand x site cost matrix: p-median, maximal covering (MCLP) and set covering (LSCP).

"Where should new sites go?" Sites already open (``existing``) stay open; the
solver picks new ones from ``candidates``. Small and medium problems are solved exactly as integer
programmes with HiGHS (``scipy.optimize.milp``, already part of scipy, so nothing to install);
large p-median problems use greedy addition followed by Teitz-Bart vertex substitution, with a
lower bound and the gap reported. The chosen sites are listed in choice order: each time the one
adding most, given the existing sites and those listed before it, so a planner who can afford
only the first one knows which it is. Everything is deterministic: ties go to the lower index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from qgis.core import QgsFeedback
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from ..common.errors import LisError
from ..common.progress import check_cancel
from ..common.wording import list_labels

OBJECTIVES = ("pmedian", "mclp", "lscp")
#: HiGHS options for one integer programme: a 60 s limit, past which p-median falls back to the
#: heuristic and a covering problem keeps the best answer found, with its gap.
MILP_OPTIONS: dict[str, float | int] = {"time_limit": 60.0}
#: p-median problems with at most this many useful (demand, candidate) pairs are solved exactly. On
#: road-network costs HiGHS takes about 1.3 s for 50,000 pairs and 6-17 s for 100,000; larger problems
#: get the heuristic, whose gap to a Lagrangian lower bound is reported.
EXACT_LIMIT = 50_000
#: Subgradient steps for the Lagrangian lower bound of large p-median problems.
LAGRANGIAN_STEPS = 300
EXACT = "exact (HiGHS integer programme)"
TIMED_OUT = "HiGHS integer programme, stopped at its limit (best answer found, with its gap)"
HEURISTIC = "greedy + Teitz-Bart vertex substitution"


class LocationError(LisError, ValueError):
    """Bad input the user can fix; the message says what to do."""


@dataclass
class Solution:
    """The sites chosen (indices into ``candidates``, in choice order) and how good the answer is."""

    objective: str
    chosen: list[int]
    gains: list[float]
    value: float
    method: str
    bound: float | None = None
    gap: float | None = None
    uncovered: list[int] = field(default_factory=list)


def _check_inputs(
    cost: np.ndarray,
    weight: np.ndarray,
    candidates: Sequence[int],
    objective: str,
    p: int | None,
    max_cost: float | None,
) -> None:
    if objective not in OBJECTIVES:
        raise LocationError(f"The objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}.")
    if cost.ndim != 2 or cost.shape[0] != len(weight):
        raise LocationError(f"The cost matrix has {cost.shape[0]} rows but there are {len(weight)} demand weights.")
    bad = np.flatnonzero(~np.isfinite(weight) | (weight < 0))
    if len(bad):
        rows = list_labels([str(int(row)) for row in bad], 10)
        raise LocationError(
            f"{len(bad):,} demand weights are empty (NULL) or negative, at demand rows {rows}. "
            "Give every demand point a population of 0 or more, or leave those points out."
        )
    if not len(candidates):
        raise LocationError("There are no candidate sites to choose from.")
    if objective != "lscp":
        if p is None or p < 1:
            raise LocationError(f"Choose how many new sites to open (P of at least 1) for the {objective} objective.")
        if p > len(candidates):
            raise LocationError(
                f"P is {p} but there are only {len(candidates)} candidate sites: choose P of at most {len(candidates)}."
            )
    if objective != "pmedian" and (max_cost is None or not max_cost > 0):
        raise LocationError(f"The {objective} objective needs a coverage standard MAX_COST greater than 0.")
    if not np.isfinite(cost[:, list(candidates)]).any():
        raise LocationError(
            "No candidate site can be reached from any demand point: check that the candidates lie on the "
            "same road network as the demand (one-way or unconnected roads), or raise the cost limit."
        )


def _choice_order(
    objective: str,
    cost: np.ndarray,
    weight: np.ndarray,
    base: np.ndarray,
    picked: Sequence[int],
    max_cost: float | None,
) -> tuple[list[int], list[float]]:
    """``picked`` columns of ``cost`` in greedy order of marginal gain over ``base`` (the existing sites' cost)."""
    order: list[int] = []
    gains: list[float] = []
    current = base.copy()
    remaining = list(picked)
    penalty = _penalty(cost, base)
    while remaining:
        if objective == "pmedian":
            gain = [_saved(weight, current, cost[:, j], penalty) for j in remaining]
        else:
            covered = current <= max_cost
            gain = [float(weight[~covered & (cost[:, j] <= max_cost)].sum()) for j in remaining]
        best = int(np.argmax(gain))  # the first of equal gains: the lower index, as remaining is sorted
        order.append(remaining.pop(best))
        gains.append(gain[best])
        current = np.minimum(current, cost[:, order[-1]])
    return order, gains


def _penalty(options: np.ndarray, base: np.ndarray) -> float:
    """The cost charged for demand no open site reaches: twice the largest finite cost, so reaching it pays."""
    finite = np.concatenate([options[np.isfinite(options)], base[np.isfinite(base)]])
    return 2.0 * float(finite.max(initial=0.0)) + 1.0


def _saved(weight: np.ndarray, current: np.ndarray, column: np.ndarray, penalty: float) -> float:
    """Weighted cost saved by opening a site with costs ``column`` where demand now travels ``current``."""
    return float(weight @ (np.minimum(current, penalty) - np.minimum(np.minimum(current, column), penalty)))


def _pmedian_value(weight: np.ndarray, best: np.ndarray) -> float:
    reach = np.isfinite(best)
    return float((weight[reach] * best[reach]).sum())


def solve(
    cost: np.ndarray,
    weight: np.ndarray,
    candidates: Sequence[int],
    existing: Sequence[int] = (),
    objective: str = "pmedian",
    p: int | None = None,
    max_cost: float | None = None,
    exact_limit: int = EXACT_LIMIT,
    feedback: QgsFeedback | None = None,
) -> Solution:
    """Choose new sites among ``candidates`` (columns of ``cost``), with ``existing`` columns always open.

    ``cost``: (demand, site) travel costs, ``inf`` where unreachable. ``weight``: demand weights.
    p-median minimises the weighted cost to the nearest open site (demand no site reaches is left
    out of the sum); MCLP maximises the weight within ``max_cost`` with ``p`` new sites; LSCP finds
    the fewest new sites that bring all coverable demand within ``max_cost`` and lists the rest.
    Problems with at most ``exact_limit`` useful (demand, candidate) pairs are solved exactly.
    """
    cost = np.asarray(cost, dtype=float)
    weight = np.asarray(weight, dtype=float)
    candidates = [int(c) for c in candidates]
    _check_inputs(cost, weight, candidates, objective, p, max_cost)
    options = cost[:, candidates]
    base = cost[:, list(existing)].min(axis=1) if len(existing) else np.full(len(weight), np.inf)
    check_cancel(feedback)
    if objective == "pmedian":
        assert p is not None  # _check_inputs asks every objective but LSCP for P
        return _pmedian(options, weight, base, int(p), exact_limit, feedback)
    assert max_cost is not None  # _check_inputs asks MCLP and LSCP for MAX_COST
    covered_now = base <= max_cost
    coverable = (options <= max_cost).any(axis=1)
    if not (coverable & ~covered_now).any() and not covered_now.all():
        raise LocationError(
            f"No demand point that is not already covered lies within MAX_COST ({max_cost:g}) of any candidate "
            "site: raise MAX_COST or add candidates nearer to the demand."
        )
    if objective == "mclp":
        assert p is not None
        return _mclp(options, weight, base, int(p), float(max_cost), feedback)
    return _lscp(options, weight, base, float(max_cost), feedback)


def _finish(
    objective: str,
    options: np.ndarray,
    weight: np.ndarray,
    base: np.ndarray,
    picked: Sequence[int],
    value: float,
    method: str,
    bound: float | None,
    max_cost: float | None,
) -> Solution:
    order, gains = _choice_order(objective, options, weight, base, sorted(picked), max_cost)
    gap = None
    if bound is not None:
        gap = 0.0 if method == EXACT else abs(value - bound) / max(abs(value), 1e-12)
    final = np.minimum(base, options[:, order].min(axis=1)) if order else base
    reached = final <= max_cost if max_cost is not None else np.isfinite(final)
    uncovered = [int(i) for i in np.flatnonzero(~reached)]
    return Solution(objective, order, gains, value, method, bound, gap, uncovered)


# --- p-median ------------------------------------------------------------------------------------


def _pmedian(
    options: np.ndarray, weight: np.ndarray, base: np.ndarray, p: int, exact_limit: int, feedback: QgsFeedback | None
) -> Solution:
    useful = np.isfinite(options) & (options < base[:, None])
    if int(useful.sum()) <= exact_limit:
        picked = _pmedian_milp(options, weight, base, p, useful)
        if picked is not None:
            best = np.minimum(base, options[:, picked].min(axis=1))
            value = _pmedian_value(weight, best)
            return _finish("pmedian", options, weight, base, picked, value, EXACT, value, None)
    check_cancel(feedback)
    picked, total = _greedy_teitz_bart(options, weight, base, p, feedback)
    best = np.minimum(base, options[:, picked].min(axis=1))
    check_cancel(feedback)
    bound, relaxed = _lagrangian_bound(options, weight, base, p, _pmedian_value(weight, best))
    if sorted(relaxed) != sorted(picked):  # the relaxation's sites are often better: improve them too
        other, other_total = _greedy_teitz_bart(options, weight, base, p, feedback, start=relaxed)
        if other_total < total - 1e-9 * max(abs(total), 1.0):
            picked = other
            best = np.minimum(base, options[:, picked].min(axis=1))
    value = _pmedian_value(weight, best)
    return _finish("pmedian", options, weight, base, picked, value, HEURISTIC, min(bound, value), None)


def _lagrangian_bound(
    options: np.ndarray, weight: np.ndarray, base: np.ndarray, p: int, upper: float
) -> tuple[float, list[int]]:
    """A lower bound on the p-median optimum: relax "each demand assigned once" with multipliers.

    L(lambda) = sum(lambda) + rho(existing) + the p smallest rho(candidate), rho_j = sum_i min(0,
    w_i c_ij - lambda_i), raised by subgradient steps towards the heuristic's value ``upper``. Only
    demand some site reaches takes part, as in the objective; any L(lambda) is a valid bound.
    Also returns the candidates the relaxation opened at its best, a good start for the heuristic.
    """
    reach = np.isfinite(np.minimum(base, options.min(axis=1)))
    w = weight[reach]
    costs = np.column_stack([base[reach], options[reach]])  # column 0: the existing sites together
    weighted = np.where(np.isfinite(costs), w[:, None] * costs, np.inf)
    multipliers = np.sort(weighted, axis=1)[:, min(1, weighted.shape[1] - 1)]  # second-cheapest: a usual start
    multipliers = np.where(
        np.isfinite(multipliers), multipliers, np.nanmin(np.where(np.isfinite(weighted), weighted, np.nan), axis=1)
    )
    best, theta, stalled, best_sites = -np.inf, 2.0, 0, []
    has_existing = bool(np.isfinite(base[reach]).any())
    for _ in range(LAGRANGIAN_STEPS):
        reduced = np.minimum(weighted - multipliers[:, None], 0.0)
        rho = reduced.sum(axis=0)
        chosen = np.argsort(rho[1:], kind="stable")[:p] + 1
        open_columns = np.concatenate([[0], chosen]) if has_existing else chosen
        value = float(multipliers.sum() + rho[open_columns].sum())
        if not np.isfinite(best) or value > best + 1e-9 * max(abs(best), 1.0):
            best, stalled, best_sites = value, 0, [int(c) - 1 for c in chosen]
        else:
            stalled += 1
            if stalled >= 20:
                theta, stalled = theta / 2, 0
        gradient = 1.0 - (reduced[:, open_columns] < 0).sum(axis=1)
        norm = float(gradient @ gradient)
        if norm == 0 or theta < 1e-4:
            break
        multipliers = multipliers + theta * (upper - value) / norm * gradient
    return min(best, upper), best_sites


def _pmedian_milp(
    options: np.ndarray, weight: np.ndarray, base: np.ndarray, p: int, useful: np.ndarray
) -> list[int] | None:
    """Open ``p`` sites minimising weighted cost: x[i, j] assigns demand i to candidate j, else its existing site."""
    demand_count, site_count = options.shape
    rows, cols = np.nonzero(useful)
    served = np.isfinite(base) | useful.any(axis=1)  # demand that some site can serve
    has_base = served  # each such demand may stay with its existing site, or go unserved at the penalty cost
    fallback = np.where(np.isfinite(base), base, _penalty(options, base))
    n_x, n_base = len(rows), int(has_base.sum())
    # variables: y (site_count) | x (n_x) | b (n_base: demand i stays with its existing site or is unserved)
    objective = np.concatenate(
        [np.zeros(site_count), weight[rows] * options[rows, cols], (weight * fallback)[has_base]]
    )
    x_index = site_count + np.arange(n_x)
    b_index = site_count + n_x + np.arange(n_base)
    base_rows = np.flatnonzero(has_base)
    # each served demand is assigned once: sum_j x_ij + b_i = 1; demand no site reaches gets no row
    row_of = -np.ones(demand_count, dtype=np.int64)
    row_of[np.flatnonzero(served)] = np.arange(int(served.sum()))
    assign = coo_matrix(
        (
            np.ones(n_x + n_base),
            (np.concatenate([row_of[rows], row_of[base_rows]]), np.concatenate([x_index, b_index])),
        ),
        shape=(int(served.sum()), site_count + n_x + n_base),
    )
    # x_ij <= y_j
    link = coo_matrix(
        (np.concatenate([np.ones(n_x), -np.ones(n_x)]), (np.tile(np.arange(n_x), 2), np.concatenate([x_index, cols]))),
        shape=(n_x, site_count + n_x + n_base),
    )
    count = coo_matrix((np.ones(site_count), (np.zeros(site_count), np.arange(site_count))), shape=(1, assign.shape[1]))
    constraints = [
        LinearConstraint(assign, 1, 1),
        LinearConstraint(link, -np.inf, 0),
        LinearConstraint(count, p, p),
    ]
    integrality = np.concatenate([np.ones(site_count), np.zeros(n_x + n_base)])
    result = milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, 1),
        options=dict(MILP_OPTIONS),
    )
    if result.status != 0 or result.x is None:
        return None
    return [int(j) for j in np.flatnonzero(result.x[:site_count] > 0.5)]


def _greedy_teitz_bart(
    options: np.ndarray,
    weight: np.ndarray,
    base: np.ndarray,
    p: int,
    feedback: QgsFeedback | None,
    start: Sequence[int] = (),
) -> tuple[list[int], float]:
    """Greedy addition (after the ``start`` sites, if any), then swaps of an open site for a closed one
    while any swap lowers the total cost. Returns the sites and their total (unreached demand at the penalty)."""
    penalty = _penalty(options, base)

    def totals_with(current: np.ndarray) -> np.ndarray:
        """Total cost when each candidate is added to ``current`` (vectorised over candidates)."""
        trial = np.minimum(current[:, None], options)
        reach = np.isfinite(trial)
        return np.where(reach, trial, 0.0).T @ weight + (~reach).T @ weight * penalty

    chosen: list[int] = list(start)[:p]
    current = np.minimum(base, options[:, chosen].min(axis=1)) if chosen else base.copy()
    value = float(totals_with(current)[chosen[0]]) if chosen else float("inf")
    while len(chosen) < p:
        check_cancel(feedback)
        scores = totals_with(current)
        scores[chosen] = np.inf
        pick = int(np.argmin(scores))
        chosen.append(pick)
        value = float(scores[pick])
        current = np.minimum(current, options[:, pick])
    improved = True
    while improved:
        improved = False
        for position in range(len(chosen)):
            check_cancel(feedback)
            others = [c for k, c in enumerate(chosen) if k != position]
            without = np.minimum(base, options[:, others].min(axis=1)) if others else base.copy()
            scores = totals_with(without)
            scores[chosen] = np.inf
            swap = int(np.argmin(scores))
            if scores[swap] < value - 1e-9 * max(abs(value), 1.0):
                chosen[position] = swap
                value = float(scores[swap])
                improved = True
    return chosen, value


# --- coverage: MCLP and LSCP ---------------------------------------------------------------------


def _coverage_rows(options: np.ndarray, base: np.ndarray, max_cost: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand not yet covered that some candidate covers, and the (row, candidate) pairs that cover it."""
    open_rows = np.flatnonzero(~(base <= max_cost) & (options <= max_cost).any(axis=1))
    rows, cols = np.nonzero(options[open_rows] <= max_cost)
    return open_rows, rows, cols


def _mclp(
    options: np.ndarray, weight: np.ndarray, base: np.ndarray, p: int, max_cost: float, feedback: QgsFeedback | None
) -> Solution:
    """Maximise newly covered weight: y_j sites, z_i covered, z_i <= sum of y_j covering i, sum y = p."""
    site_count = options.shape[1]
    open_rows, rows, cols = _coverage_rows(options, base, max_cost)
    n_z = len(open_rows)
    objective = np.concatenate([np.zeros(site_count), -weight[open_rows]])
    cover = coo_matrix(
        (np.concatenate([np.ones(n_z), -np.ones(len(rows))]), (np.concatenate([np.arange(n_z), rows]),
         np.concatenate([site_count + np.arange(n_z), cols]))),
        shape=(n_z, site_count + n_z),
    )  # fmt: skip
    count = coo_matrix(
        (np.ones(site_count), (np.zeros(site_count), np.arange(site_count))), shape=(1, site_count + n_z)
    )
    check_cancel(feedback)
    result = milp(
        objective,
        constraints=[LinearConstraint(cover, -np.inf, 0), LinearConstraint(count, p, p)],
        integrality=np.concatenate([np.ones(site_count), np.zeros(n_z)]),
        bounds=Bounds(0, 1),
        options=dict(MILP_OPTIONS),
    )
    if result.x is None:
        raise LocationError(f"The covering problem could not be solved ({result.message}).")
    picked = [int(j) for j in np.flatnonzero(result.x[:site_count] > 0.5)]
    final = np.minimum(base, options[:, picked].min(axis=1))
    value = float(weight[final <= max_cost].sum())
    if result.status == 0:
        return _finish("mclp", options, weight, base, picked, value, EXACT, value, max_cost)
    already = float(weight[base <= max_cost].sum())  # the programme counts only newly covered weight
    bound = already - float(result.mip_dual_bound)
    return _finish("mclp", options, weight, base, picked, value, TIMED_OUT, bound, max_cost)


def _lscp(
    options: np.ndarray, weight: np.ndarray, base: np.ndarray, max_cost: float, feedback: QgsFeedback | None
) -> Solution:
    """The fewest new sites covering every coverable demand point: min sum y, each such point covered once."""
    site_count = options.shape[1]
    open_rows, rows, cols = _coverage_rows(options, base, max_cost)
    if len(open_rows) == 0:
        return _finish("lscp", options, weight, base, [], 0.0, EXACT, 0.0, max_cost)
    cover = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(open_rows), site_count))
    check_cancel(feedback)
    result = milp(
        np.ones(site_count),
        constraints=[LinearConstraint(cover, 1, np.inf)],
        integrality=np.ones(site_count),
        bounds=Bounds(0, 1),
        options=dict(MILP_OPTIONS),
    )
    if result.x is None:
        raise LocationError(f"The set covering problem could not be solved ({result.message}).")
    picked = [int(j) for j in np.flatnonzero(result.x > 0.5)]
    count = float(len(picked))
    if result.status == 0:
        return _finish("lscp", options, weight, base, picked, count, EXACT, count, max_cost)
    return _finish("lscp", options, weight, base, picked, count, TIMED_OUT, float(result.mip_dual_bound), max_cost)
