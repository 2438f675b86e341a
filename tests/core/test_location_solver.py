"""Location-allocation answers checked against exhaustive enumeration on small problems."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from lis_qgis_plugin.core.location.location_solver import EXACT, HEURISTIC, LocationError, solve


def instance(seed: int = 7, demand: int = 60, candidates: int = 15, existing: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line costs (km) between random demand points and sites; the last columns are existing sites."""
    rng = np.random.default_rng(seed)
    people = rng.uniform(0, 20, size=(demand, 2))
    sites = rng.uniform(0, 20, size=(candidates + existing, 2))
    cost = np.hypot(*(people[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    weight = rng.integers(50, 2000, size=demand).astype(float)
    return cost, weight


def best_cost(cost: np.ndarray, columns: list[int]) -> np.ndarray:
    return cost[:, columns].min(axis=1)


def enumerate_pmedian(cost: np.ndarray, weight: np.ndarray, cands: list[int], existing: list[int], p: int) -> float:
    return min(float(weight @ best_cost(cost, existing + list(c))) for c in combinations(cands, p))


def enumerate_mclp(cost, weight, cands, existing, p, max_cost) -> float:  # noqa: ANN001
    return max(float(weight[best_cost(cost, existing + list(c)) <= max_cost].sum()) for c in combinations(cands, p))


CANDS = list(range(15))
EXISTING = [15, 16]


@pytest.mark.parametrize("p", [2, 3])
def test_pmedian_is_the_optimum_found_by_enumeration(p: int) -> None:
    cost, weight = instance()
    solution = solve(cost, weight, CANDS, EXISTING, "pmedian", p=p)
    assert solution.method == EXACT and solution.gap == 0
    assert len(solution.chosen) == p and len(set(solution.chosen)) == p
    optimum = enumerate_pmedian(cost, weight, CANDS, EXISTING, p)
    assert solution.value == pytest.approx(optimum, rel=1e-9)
    assert float(weight @ best_cost(cost, EXISTING + solution.chosen)) == pytest.approx(optimum, rel=1e-9)


@pytest.mark.parametrize("p", [2, 3])
def test_mclp_is_the_optimum_found_by_enumeration(p: int) -> None:
    cost, weight = instance(seed=11)
    solution = solve(cost, weight, CANDS, EXISTING, "mclp", p=p, max_cost=4.0)
    optimum = enumerate_mclp(cost, weight, CANDS, EXISTING, p, 4.0)
    assert solution.value == pytest.approx(optimum)
    covered = best_cost(cost, EXISTING + solution.chosen) <= 4.0
    assert float(weight[covered].sum()) == pytest.approx(optimum)
    assert solution.uncovered == [int(i) for i in np.flatnonzero(~covered)]


@pytest.mark.parametrize("p", [2, 3])
def test_heuristic_p_median_is_near_the_optimum_and_bounded(p: int) -> None:
    cost, weight = instance(seed=3)
    solution = solve(cost, weight, CANDS, EXISTING, "pmedian", p=p, exact_limit=0)
    optimum = enumerate_pmedian(cost, weight, CANDS, EXISTING, p)
    assert solution.method == HEURISTIC
    assert solution.bound <= optimum + 1e-6 <= solution.value + 2e-6
    assert solution.value <= optimum * 1.02  # Teitz-Bart: within 2% here (usually the optimum itself)
    assert solution.gap == pytest.approx((solution.value - solution.bound) / solution.value)


def test_lscp_uses_the_fewest_sites_and_lists_what_cannot_be_covered() -> None:
    cost, weight = instance(seed=5)
    max_cost = 5.0
    solution = solve(cost, weight, CANDS, EXISTING, "lscp", max_cost=max_cost)
    reachable = (cost[:, CANDS + EXISTING] <= max_cost).any(axis=1)
    smallest = next(
        k
        for k in range(0, 16)
        if any(((best_cost(cost, EXISTING + list(c)) <= max_cost) | ~reachable).all() for c in combinations(CANDS, k))
    )
    assert len(solution.chosen) == smallest == solution.value
    final = best_cost(cost, EXISTING + solution.chosen) <= max_cost
    assert (final | ~reachable).all()  # everything coverable is covered
    assert solution.uncovered == [int(i) for i in np.flatnonzero(~reachable)]


def test_existing_sites_stay_open_and_change_the_answer() -> None:
    cost, weight = instance(seed=9, existing=0)
    alone = solve(cost, weight, CANDS[:14], [], "pmedian", p=1)
    first = alone.chosen[0]
    # an existing site where the best candidate is: the next new site goes elsewhere and saves less
    with_existing = np.hstack([cost[:, :14], cost[:, [first]]])
    answer = solve(with_existing, weight, CANDS[:14], [14], "pmedian", p=1)
    assert answer.chosen[0] != first
    assert answer.gains[0] < alone.gains[0]
    assert answer.value == pytest.approx(float(weight @ best_cost(with_existing, [14, answer.chosen[0]])))


def test_choice_order_and_gains() -> None:
    cost, weight = instance(seed=2)
    solution = solve(cost, weight, CANDS, EXISTING, "pmedian", p=3)
    assert solution.gains == sorted(solution.gains, reverse=True)
    before = float(weight @ best_cost(cost, EXISTING))
    assert before - sum(solution.gains) == pytest.approx(solution.value)
    again = solve(cost, weight, CANDS, EXISTING, "pmedian", p=3)
    assert again.chosen == solution.chosen  # deterministic


def test_demand_no_site_reaches_is_left_out_and_listed() -> None:
    cost, weight = instance(seed=4)
    cost[0, :] = np.inf
    solution = solve(cost, weight, CANDS, EXISTING, "pmedian", p=2)
    assert solution.uncovered == [0]
    assert solution.value == pytest.approx(enumerate_pmedian(cost[1:], weight[1:], CANDS, EXISTING, 2))


def test_bad_inputs_have_clear_messages() -> None:
    cost, weight = instance()
    with pytest.raises(LocationError, match="only 15 candidate sites"):
        solve(cost, weight, CANDS, EXISTING, "pmedian", p=16)
    bad = weight.copy()
    bad[[3, 8]] = [np.nan, -5]
    with pytest.raises(LocationError, match="rows 3, 8"):
        solve(cost, bad, CANDS, EXISTING, "pmedian", p=2)
    unreachable = cost.copy()
    unreachable[:, CANDS] = np.inf
    with pytest.raises(LocationError, match="No candidate site can be reached"):
        solve(unreachable, weight, CANDS, EXISTING, "pmedian", p=2)
    with pytest.raises(LocationError, match="raise MAX_COST"):
        solve(cost, weight, CANDS, EXISTING, "mclp", p=2, max_cost=0.01)
    with pytest.raises(LocationError, match="MAX_COST"):
        solve(cost, weight, CANDS, EXISTING, "lscp")


def test_a_covering_programme_stopped_by_its_limit_keeps_its_best_answer_and_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HiGHS solves these small problems at once, so its answer is handed back as if its 60 s had run out."""
    from lis_qgis_plugin.core.location import location_solver

    real_milp = location_solver.milp

    def stopped(*args: object, **kwargs: object) -> object:
        result = real_milp(*args, **kwargs)
        result.status = 1  # "time limit reached", with the best answer found so far
        result.mip_dual_bound = result.fun * 1.25  # a looser bound, as a search cut short has
        return result

    monkeypatch.setattr(location_solver, "milp", stopped)
    cost, weight = instance(seed=11)
    solution = solve(cost, weight, CANDS, EXISTING, "mclp", p=2, max_cost=4.0)
    assert solution.method == location_solver.TIMED_OUT
    assert solution.value == pytest.approx(enumerate_mclp(cost, weight, CANDS, EXISTING, 2, 4.0))
    already = float(weight[best_cost(cost, EXISTING) <= 4.0].sum())
    assert solution.bound == pytest.approx(already + 1.25 * (solution.value - already))
    assert solution.gap == pytest.approx((solution.bound - solution.value) / solution.value)
