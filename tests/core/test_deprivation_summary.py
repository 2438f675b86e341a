"""MHCLG's summary measures on tiny hand examples, and the checks on ranks and populations (no Processing).

The measures of real districts and wards through lis:deprivationsummary are in
tests/processing/test_deprivation_summary_algorithm.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer

from lis_qgis_plugin.core.deprivation.deprivation import check_national_ranks
from lis_qgis_plugin.core.deprivation.deprivation_summary import (
    DeprivationInputError,
    RankedArea,
    check_populations,
    deprivation_summary,
    extent_weight,
    local_concentration,
    national_percentile,
    summarise,
    summary_sentence,
)
from lis_qgis_plugin.core.io.table_files import TableError

N2019 = 32_844  # LSOAs ranked in IoD2019


def test_national_percentile_and_extent_weights() -> None:
    assert national_percentile(1, N2019) == 1
    assert national_percentile(3_284, N2019) == 10  # 100 x 3,284 / 32,844 = 9.9988
    assert national_percentile(3_285, N2019) == 11
    assert national_percentile(N2019, N2019) == 100
    assert extent_weight(1) == 1.0
    assert extent_weight(10) == 1.0
    assert extent_weight(11) == pytest.approx(0.95)
    assert extent_weight(20) == pytest.approx(0.95 - 9 * 0.9 / 19)
    assert extent_weight(30) == pytest.approx(0.05)
    assert extent_weight(31) == 0.0


def test_local_concentration_straddling_the_10_percent_line() -> None:
    # 1,000 people: 10% = 100. Rank 5 holds 50, rank 10 holds 100 (only 50 of them needed), rank 20 the rest.
    areas = [RankedArea("c", 20, 850), RankedArea("a", 5, 50), RankedArea("b", 10, 100)]
    assert local_concentration(areas) == pytest.approx((5 * 50 + 10 * 50) / 100)
    # The most deprived LSOA alone holds more than 10%: its rank is the answer.
    assert local_concentration([RankedArea("a", 7, 300), RankedArea("b", 2, 200)]) == pytest.approx(2)
    # Exactly 10% in the first LSOA: the next one is not used.
    assert local_concentration([RankedArea("a", 3, 100), RankedArea("b", 9, 900)]) == pytest.approx(3)
    assert local_concentration([RankedArea("a", 3, 0)]) is None


def test_summarise_tiny_area() -> None:
    n = 1_000  # percentiles of 10 ranks, deciles of 100
    areas = [
        RankedArea("a", 50, 100, 40.0),  # percentile 5, decile 1: weight 1
        RankedArea("b", 150, 300, 20.0),  # percentile 15: weight 0.95 - 4 x 0.9/19
        RankedArea("c", 900, 600, None),  # percentile 90: weight 0
    ]
    summary = summarise(areas, n)
    assert summary.n_areas == 3
    assert summary.population == 1_000
    assert summary.average_rank == pytest.approx((50 * 100 + 150 * 300 + 900 * 600) / 1_000)
    assert summary.average_score == pytest.approx((40 * 100 + 20 * 300) / 400)
    assert summary.proportion_most_deprived_10 == pytest.approx(1 / 3)
    assert summary.population_most_deprived_10 == pytest.approx(0.1)
    assert summary.extent == pytest.approx((100 + 300 * (0.95 - 4 * 0.9 / 19)) / 1_000)
    assert summary.local_concentration == pytest.approx(50)
    assert summary.decile_counts == (1, 1, 0, 0, 0, 0, 0, 0, 1, 0)
    line = summary_sentence("Ward X", summary, n)
    assert line.startswith("Ward X: 10% of its 1,000 residents live in England's most deprived 10% of LSOAs")
    empty = summarise([], n)
    assert empty.extent is None and empty.average_rank is None and empty.decile_counts == (0,) * 10


def test_bad_ranks_and_populations_get_clear_messages() -> None:
    with pytest.raises(DeprivationInputError, match=r"NATIONAL_N is 32,844 but the largest rank .* is 33,700"):
        check_national_ranks({"a": 33_700, "b": 5}, N2019, error=DeprivationInputError)
    with pytest.raises(DeprivationInputError, match=r"rank below 1 \(a\)"):
        check_national_ranks({"a": 0, "b": 5}, N2019, error=DeprivationInputError)
    with pytest.raises(DeprivationInputError, match="every rank is NULL"):
        check_national_ranks({"a": None, "b": float("nan")}, N2019, error=DeprivationInputError)
    with pytest.raises(DeprivationInputError, match="fractional value"):
        check_national_ranks({"a": 12.5}, N2019, error=DeprivationInputError)
    check_national_ranks({"a": 1, "b": N2019, "c": None}, N2019, error=DeprivationInputError)
    with pytest.raises(DeprivationInputError, match="every population is NULL"):
        check_populations({"a": None})
    with pytest.raises(DeprivationInputError, match="cannot be negative"):
        check_populations({"a": -3, "b": 10})


def test_text_rank_field_is_refused(shared_data: Path, tmp_path: Path) -> None:
    lsoas = QgsVectorLayer(str(shared_data / "rutland/deprivation/rutland_lsoa11_imd2019.geojson"), "lsoas", "ogr")
    district = QgsVectorLayer(
        str(shared_data / "rutland/boundaries/rutland_la_boundary_from_lsoa11.geojson"), "la", "ogr"
    )
    with pytest.raises(TableError, match="RANK_FIELD: field 'LSOA11NM' .* not numbers"):
        deprivation_summary(lsoas, district, str(tmp_path / "x.gpkg"), "LSOA11NM", "pop_total_mid2015", N2019)
