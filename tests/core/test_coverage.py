"""Coverage by travel band and the deprived gap list, worked out by hand."""

from __future__ import annotations

import math

import pytest

from lis_qgis_plugin.core.access.coverage import ALL_FACILITIES, band_of, coverage_table

# Five small areas: nearest surgery, minutes to it, residents, national IMD decile.
FACILITY = ["North", "North", "South", None, "South"]
MINUTES = [4.0, 12.0, 9.0, math.inf, 16.0]
PEOPLE = [1000, 1500, 1200, 300, 800]
DECILE = [1, 2, 5, 1, 2]


def test_population_within_each_band_per_facility_and_overall() -> None:
    rows = coverage_table(FACILITY, MINUTES, PEOPLE, [10, 5, 15], DECILE)
    by_name = {row.facility: row for row in rows}
    assert [row.facility for row in rows] == ["North", "South", ALL_FACILITIES]
    assert by_name["North"].population == 2500
    assert by_name["North"].within == (1000, 1000, 2500)  # bands sorted: 5, 10, 15 minutes
    assert by_name["South"].within == (0, 1200, 1200)
    overall = by_name[ALL_FACILITIES]
    assert overall.population == 4800  # everyone, including the area no surgery reaches
    assert overall.within == (1000, 2200, 3700)
    assert overall.share == pytest.approx((1000 / 4800, 2200 / 4800, 3700 / 4800))
    # Deciles 1-2 beyond 5 min: 1500 + 300 + 800; beyond 10: same; beyond 15: the unreached 300 + 800.
    assert overall.deprived_beyond == (2600, 2600, 1100)
    # Coverage adds up: within the widest band plus beyond it is everyone.
    beyond_all = sum(p for m, p in zip(MINUTES, PEOPLE) if m > 15)
    assert overall.within[-1] + beyond_all == sum(PEOPLE)


def test_band_of_a_cost() -> None:
    assert [band_of(cost, [5, 10, 15]) for cost in (0, 5, 5.01, 15, 15.5, math.inf)] == [5, 5, 10, 15, None, None]


def test_no_bands_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one travel band"):
        coverage_table(FACILITY, MINUTES, PEOPLE, [])
