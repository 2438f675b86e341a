"""2SFCA and E2SFCA on small examples worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lis_qgis_plugin.core.access.accessibility import AccessibilityError, Band, band_weights, two_step_fca

INF = math.inf

# Three areas, two GP surgeries; travel minutes from each area to each surgery.
COSTS = np.array([[4.0, 25.0], [12.0, 8.0], [35.0, 40.0]])
POPULATION = [1000.0, 2000.0, 500.0]
CAPACITY = [3.0, 2.0]  # GPs (full-time equivalent)


def test_two_step_fca_by_hand() -> None:
    """Within 15 minutes: surgery A serves areas 1 and 2, B serves area 2; area 3 reaches none."""
    result = two_step_fca(COSTS, POPULATION, CAPACITY, [Band(15, 1.0)])
    # Step 1: R_A = 3 / (1000 + 2000) = 0.001; R_B = 2 / 2000 = 0.001.
    assert result.ratios == pytest.approx([3 / 3000, 2 / 2000])
    assert result.demand == pytest.approx([3000, 2000])
    # Step 2: A_1 = R_A; A_2 = R_A + R_B; A_3 = 0.
    assert result.accessibility == pytest.approx([0.001, 0.002, 0.0])


def test_enhanced_two_step_fca_with_decay_bands() -> None:
    """Bands 0-10 min weight 1, 10-20 min weight 0.5, 20-30 min weight 0.1."""
    bands = [Band(10, 1.0), Band(20, 0.5), Band(30, 0.1)]
    result = two_step_fca(COSTS, POPULATION, CAPACITY, bands)
    # Weights: area 1 -> (1, 0.1); area 2 -> (0.5, 1); area 3 -> (0, 0).
    demand_a = 1000 * 1 + 2000 * 0.5  # 2,000
    demand_b = 1000 * 0.1 + 2000 * 1  # 2,100
    ratio_a, ratio_b = 3 / demand_a, 2 / demand_b
    assert result.demand == pytest.approx([demand_a, demand_b])
    assert result.ratios == pytest.approx([ratio_a, ratio_b])
    expected = [1 * ratio_a + 0.1 * ratio_b, 0.5 * ratio_a + 1 * ratio_b, 0.0]
    assert result.accessibility == pytest.approx(expected)


def test_unreachable_facility_has_no_ratio_and_gives_nothing() -> None:
    costs = np.array([[5.0, INF], [7.0, INF]])
    result = two_step_fca(costs, [100, 300], [4, 9], [Band(10, 1.0)])
    assert result.ratios[0] == pytest.approx(4 / 400)
    assert math.isnan(result.ratios[1])
    assert result.accessibility == pytest.approx([0.01, 0.01])


def test_band_weights_use_the_first_band_a_cost_fits() -> None:
    weights = band_weights(np.array([0.0, 10.0, 10.5, 30.0, 30.1]), [Band(10, 1.0), Band(30, 0.25)])
    assert weights.tolist() == [1.0, 1.0, 0.25, 0.25, 0.0]


@pytest.mark.parametrize(
    "population, capacity, bands, message",
    [
        ([1, 2], [1, 1], [Band(15, 1)], "cost matrix is 3 x 2 but there are 2 areas"),
        ([1, 2, float("nan")], [1, 1], [Band(15, 1)], "Populations must be known"),
        ([1, 2, 3], [1, -1], [Band(15, 1)], "Capacities must be known and not negative"),
        ([1, 2, 3], [1, 1], [Band(15, 1), Band(10, 0.5)], "Band limits must increase"),
        ([1, 2, 3], [1, 1], [Band(15, 2)], "between 0 and 1"),
        ([1, 2, 3], [1, 1], [], "at least one travel band"),
    ],
)
def test_bad_inputs_are_explained(
    population: list[float], capacity: list[float], bands: list[Band], message: str
) -> None:
    with pytest.raises(AccessibilityError, match=message):
        two_step_fca(COSTS, population, capacity, bands)
