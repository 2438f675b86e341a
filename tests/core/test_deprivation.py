"""National deciles and the IMD transform, checked against the published indices."""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

import pytest

from lis_qgis_plugin.core.deprivation.deprivation import (
    NATIONAL_AREAS,
    duplicated_codes,
    edition_from_codes,
    exponential_transform,
    national_edition,
    national_quantile,
    population_share_in_deciles,
    stored_national_n,
)
from lis_qgis_plugin.core.deprivation.retired_lsoa_codes import RETIRED_2011_LSOA_CODES


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


# --- the edition from the codes (issue 16) ---------------------------------------------------------


def _codes_and_ranks(shared_data: Path) -> tuple[dict[str, int], dict[str, int]]:
    """IoD2019 File 1 and the IoD2025 file as code -> IMD rank, read independently of the plugin."""
    iod2019 = {
        row["LSOA code (2011)"]: int(row["Index of Multiple Deprivation (IMD) Rank"].replace(",", ""))
        for row in _rows(shared_data / "england" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    }
    iod2025 = {
        row["lsoa21_code"]: int(row["IMD_rank"])
        for row in _rows(shared_data / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz")
    }
    return iod2019, iod2025


def test_retired_codes_are_those_of_iod2019_missing_from_iod2025(shared_data: Path) -> None:
    iod2019, iod2025 = _codes_and_ranks(shared_data)
    assert set(iod2019) - set(iod2025) == RETIRED_2011_LSOA_CODES
    assert len(RETIRED_2011_LSOA_CODES) == 1_034
    created = set(iod2025) - set(iod2019)
    assert len(created) == 1_945 and min(created) == "E01033769" and max(created) == "E01035762"


def test_every_edition_is_told_by_its_codes(shared_data: Path) -> None:
    iod2019, iod2025 = _codes_and_ranks(shared_data)
    found_2019 = national_edition(iod2019, iod2019)
    found_2025 = national_edition(iod2025, iod2025)
    assert (found_2019.name, found_2019.national_n) == ("IoD2019", 32_844)
    assert (found_2025.name, found_2025.national_n) == ("IoD2025", 33_755)
    assert "1,034 LSOA codes of 2011 that 2021 retired" in found_2019.reason
    assert "1,945 LSOA codes created in 2021, such as E01033769" in found_2025.reason
    # Codes common to both editions tell nothing; a rank above 32,844 does.
    common = {code: rank for code, rank in iod2025.items() if code in iod2019}
    below = {code: rank for code, rank in common.items() if rank <= 32_844}
    assert edition_from_codes(below, max(below.values())) is None
    assert national_edition(common, common).reason.startswith("a rank of 33,7")


def test_codes_that_cannot_tell_are_refused_without_n() -> None:
    ranks = {"E01013810": 1_767, "E01013811": 655}  # Nottingham LSOAs present in 2011 and in 2021
    with pytest.raises(ValueError, match=r"cannot be told: every LSOA code \(2 codes\) exists in both.*Set NATIONAL_N"):
        national_edition(ranks, ranks)
    with pytest.raises(ValueError, match="have no English LSOA codes.*'Areas ranked nationally \\(N\\)' on the Map"):
        national_edition([], {"feature 1": 5})
    given = national_edition(ranks, ranks, 33_755)
    assert (given.national_n, given.reason, given.warning) == (33_755, "NATIONAL_N given", "")


def test_mixed_codes_and_contradictions_are_refused() -> None:
    mixed = {"E01013924": 10, "E01035500": 20}  # retired in 2021 / created in 2021 (Nottingham)
    with pytest.raises(ValueError, match="mix two geographies: E01013924 ended .* E01035500 began"):
        national_edition(mixed, mixed)
    assert national_edition(mixed, mixed, 33_755).national_n == 33_755
    old_code_high_rank = {"E01013924": 33_000}
    with pytest.raises(ValueError, match="E01013924 is an LSOA 2011 code .* largest rank in RANK_FIELD is 33,000"):
        national_edition(old_code_high_rank, old_code_high_rank)


def test_an_n_given_wins_but_ranks_above_it_are_refused() -> None:
    iod2025 = {"E01035500": 20_000, "E01013810": 1_642}
    given = national_edition(iod2025, iod2025, 32_844)
    assert given.national_n == 32_844
    assert "the data look like IoD2025 (N = 33,755" in given.warning
    assert [line.warning for line in given.log_lines()] == [False, True]
    high = {"E01035500": 33_372}
    with pytest.raises(ValueError, match="NATIONAL_N is 32,844 but the largest rank in RANK_FIELD is 33,372"):
        national_edition(high, high, 32_844)
    with pytest.raises(ValueError, match="is 33,800"):
        national_edition({"E01035500": 33_800}, {"E01035500": 33_800})  # above every edition's N


def test_duplicated_codes_and_the_sample_n(tmp_path: Path) -> None:
    assert duplicated_codes(["E01013810", " e01013810", "E01013811", "", "E01013812", "E01013812"]) == [
        "E01013810",
        "E01013812",
    ]
    assert stored_national_n(tmp_path / "none.gpkg") is None


def test_the_sample_declares_its_n(sample_gpkg: Path) -> None:
    """The sample's codes (E01990xxx) belong to no edition; its GeoPackage declares the 32,844 areas it simulates."""
    stored = stored_national_n(sample_gpkg)
    assert stored is not None and stored.national_n == 32_844
    ranks = {"E01990001": 120, "E01990002": 32_000}
    with pytest.raises(ValueError, match="cannot be told"):
        national_edition(ranks, ranks)
    assert national_edition(ranks, ranks, stored=stored).national_n == 32_844
