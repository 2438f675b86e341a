"""National deprivation ranks, deciles and the IMD exponential transform.

Rank 1 is the most deprived area in England. Deciles and quintiles are national:
they come from an area's rank among all N areas of the edition, never from the
areas on the map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..common.values import non_null_items
from ..common.wording import list_labels, plural

#: Number of LSOAs ranked in each edition of the English Indices of Deprivation.
NATIONAL_AREAS = {"IMD2019": 32_844, "IoD2025": 33_755}

#: Domain weights of the Index of Multiple Deprivation (IoD2019 technical report).
IMD_DOMAIN_WEIGHTS = {
    "income": 0.225,
    "employment": 0.225,
    "education": 0.135,
    "health": 0.135,
    "crime": 0.093,
    "barriers": 0.093,
    "living_env": 0.093,
}


def national_quantile(rank: int, national_n: int, groups: int = 10) -> int:
    """The national decile (groups=10) or quintile (groups=5) of a rank; 1 = most deprived.

    MHCLG puts rank r in group ceil(r * groups / N): decile 1 holds ranks 1..3,284 of
    IMD2019's 32,844 LSOAs. Integer arithmetic avoids float edge cases at the cut points.
    """
    if not 1 <= rank <= national_n:
        raise ValueError(f"rank {rank} is outside 1..{national_n}")
    return -(-rank * groups // national_n)


def exponential_transform(rank: float, national_n: int) -> float:
    """Transform a domain rank (1 = most deprived) to the IMD's exponential scale 0..100.

    X = -23 ln(1 - R (1 - exp(-100/23))), with R the rank scaled to (0, 1] so that
    R = 1/N for the least deprived area and R = 1 for the most deprived one. This
    stretches the deprived end so that domains combine with limited cancellation.
    """
    scaled = (national_n - rank + 1) / national_n
    return -23.0 * math.log(1.0 - scaled * (1.0 - math.exp(-100.0 / 23.0)))


def population_share_in_deciles(deciles: list[int], populations: list[int], most_deprived: int = 1) -> float:
    """Share (0..1) of the population living in national deciles 1..``most_deprived``."""
    total = sum(populations)
    if total <= 0:
        raise ValueError("the areas have no population")
    return sum(p for d, p in zip(deciles, populations) if d <= most_deprived) / total


def check_national_ranks(
    ranks: Mapping[str, float | int | None],
    national_n: int,
    parameter: str = "RANK_FIELD",
    areas_word: str = "LSOA",
    error: type[ValueError] = ValueError,
) -> None:
    """``error`` unless every non-NULL rank is a whole number in 1..``national_n``.

    A rank above N most often means N is that of another edition: the message says which.
    """
    if national_n < 1:
        raise error(f"NATIONAL_N is {national_n:,}: it is the number of areas ranked, at least 1.")
    present = non_null_items(ranks)
    if not present:
        raise error(
            f"{parameter}: every rank is NULL, so no measure can be computed. Choose the field holding the "
            "national ranks (1 = most deprived), such as IMD_rank or imd_rank."
        )
    fractional = [code for code, value in present.items() if not float(value).is_integer()]
    if fractional:
        raise error(
            f"{parameter}: ranks are whole numbers, but {plural(areas_word, len(fractional))} "
            f"{'has' if len(fractional) == 1 else 'have'} a fractional value "
            f"({list_labels(fractional, 5)}). Is this a score field? Choose the rank field (1 = most deprived)."
        )
    largest = max(present.values())
    if largest > national_n:
        editions = ", ".join(f"{n:,} for {name}" for name, n in NATIONAL_AREAS.items())
        raise error(
            f"NATIONAL_N is {national_n:,} but the largest rank in {parameter} is {int(largest):,}: N must be the "
            f"number of areas ranked in the edition of these ranks ({editions}). Set NATIONAL_N to match the ranks."
        )
    below = [code for code, value in present.items() if value < 1]
    if below:
        raise error(
            f"{parameter}: ranks run from 1 (most deprived) to {national_n:,}, but "
            f"{plural(areas_word, len(below))} {'has' if len(below) == 1 else 'have'} a rank below 1 "
            f"({list_labels(below, 5)}). Choose the national rank "
            "field, not a score or a decile."
        )
