"""National deciles and the IMD transform, checked against the published indices."""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

import pytest

from lis_qgis_plugin.core.deprivation.deprivation import (
    NATIONAL_AREAS,
    exponential_transform,
    national_quantile,
    population_share_in_deciles,
)


def _rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_deciles_reproduce_every_published_imd2019_decile(shared_data: Path) -> None:
    rows = _rows(shared_data / "england" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    assert len(rows) == NATIONAL_AREAS["IMD2019"]
    rank_key, decile_key = "Index of Multiple Deprivation (IMD) Rank", "Index of Multiple Deprivation (IMD) Decile"
    mismatches = [
        row["LSOA code (2011)"]
        for row in rows
        if national_quantile(int(row[rank_key].replace(",", "")), NATIONAL_AREAS["IMD2019"]) != int(row[decile_key])
    ]
    assert mismatches == []
    city_of_london_001a = next(row for row in rows if row["LSOA code (2011)"] == "E01000001")
    assert city_of_london_001a[rank_key] == "29,199"
    assert national_quantile(29_199, NATIONAL_AREAS["IMD2019"]) == 9


def test_deciles_reproduce_every_published_iod2025_domain_decile(shared_data: Path) -> None:
    rows = _rows(shared_data / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz")
    national_n = NATIONAL_AREAS["IoD2025"]
    assert len(rows) == national_n
    domains = ["IMD", "Income", "Employment", "Education", "Health", "Crime", "Housing_and_Services", "Environment"]
    for domain in domains:
        wrong = [
            r["lsoa21_code"]
            for r in rows
            if national_quantile(int(r[f"{domain}_rank"]), national_n) != int(r[f"{domain}_decile"])
        ]
        assert wrong == [], domain


def test_decile_cut_points_and_quintiles() -> None:
    n = NATIONAL_AREAS["IMD2019"]
    assert [national_quantile(r, n) for r in (1, 3_284, 3_285, 32_844)] == [1, 1, 2, 10]
    assert [national_quantile(r, n, groups=5) for r in (1, 6_568, 6_569, 32_844)] == [1, 1, 2, 5]
    with pytest.raises(ValueError, match="outside 1..32844"):
        national_quantile(0, n)


def test_exponential_transform_spans_zero_to_one_hundred() -> None:
    n = NATIONAL_AREAS["IMD2019"]
    assert exponential_transform(1, n) == pytest.approx(100.0)
    assert exponential_transform(n, n) == pytest.approx(0.0, abs=0.01)
    # The transform stretches the deprived end: the median area scores about 15, far below 50.
    assert exponential_transform(n // 2, n) == pytest.approx(
        -23 * math.log(1 - 0.5 * (1 - math.exp(-100 / 23))), rel=1e-3
    )
    assert exponential_transform(n // 2, n) < 16


def test_population_share_in_most_deprived_decile() -> None:
    assert population_share_in_deciles([1, 2, 1, 10], [100, 300, 100, 500]) == pytest.approx(0.2)
    assert population_share_in_deciles([1, 2, 1, 10], [100, 300, 100, 500], most_deprived=2) == pytest.approx(0.5)
