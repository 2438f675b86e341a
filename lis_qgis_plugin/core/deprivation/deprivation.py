"""National deprivation ranks, deciles and the IMD exponential transform.

Rank 1 is the most deprived area in England. Deciles and quintiles are national:
they come from an area's rank among all N areas of the edition, never from the
areas on the map.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import LogLine
from ..common.ons_codes import code_vintage, normalise_code
from ..common.values import non_null_items
from ..common.wording import list_labels, plural, plural_word
from .retired_lsoa_codes import RETIRED_2011_LSOA_CODES

#: Number of LSOAs ranked in each edition of the English Indices of Deprivation.
NATIONAL_AREAS = {"IMD2019": 32_844, "IoD2025": 33_755}
#: How a user chooses N when the codes cannot tell the edition (said in every such message).
HOW_TO_SET_N = (
    "Set NATIONAL_N to the number of LSOAs ranked in the edition of these ranks: 32,844 for IoD2019 (LSOA 2011 "
    "codes) or 33,755 for IoD2025 (LSOA 2021 codes); in the LIS panel, set 'Areas ranked nationally (N)' on the "
    "Map page."
)

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


@dataclass(frozen=True)
class Edition:
    """The edition whose ranks these are, the number of LSOAs it ranks (N) and why it was chosen."""

    name: str
    national_n: int
    reason: str
    #: Set when the codes or ranks point to another edition than an N given by hand.
    warning: str = ""

    @property
    def title(self) -> str:
        """'Edition IoD2025', or 'N as given' when no edition was told."""
        return f"Edition {self.name}" if self.name.startswith("IoD") else f"N {self.name}"

    def log_lines(self) -> list[LogLine]:
        """What the log says about N: the edition, N and why, plus any doubt about an N given by hand."""
        lines = [LogLine(f"{self.title}: ranks among {self.national_n:,} areas nationally ({self.reason}).")]
        if self.warning:
            lines.append(LogLine(self.warning, warning=True))
        return lines


def edition_from_codes(
    codes: Iterable[str], largest_rank: float | None, error: type[ValueError] = ValueError, parameter: str = "ranks"
) -> Edition | None:
    """The edition the LSOA codes (and the largest rank) reveal; None when they cannot tell.

    A code the 2021 Census retired means LSOAs of 2011, so IoD2019 (N = 32,844); a code it created
    (E01033769 and above) means LSOAs of 2021, so IoD2025 (N = 33,755), as does a rank above
    32,844. Codes common to both geographies tell nothing. ``error`` when the clues contradict.
    """
    english = sorted({code for code in (normalise_code(each) for each in codes) if code.startswith("E01")})
    retired = [code for code in english if code in RETIRED_2011_LSOA_CODES]
    created = [code for code in english if code_vintage(code) == 2021]
    above = largest_rank is not None and largest_rank > NATIONAL_AREAS["IMD2019"]
    if retired and created:
        raise error(
            f"The LSOA codes mix two geographies: {list_labels(retired, 3)} ended in 2021 (LSOA 2011, IoD2019) "
            f"but {list_labels(created, 3)} began in 2021 (LSOA 2021, IoD2025), so the edition cannot be told. "
            f"Use the LSOAs of one edition, or: {HOW_TO_SET_N}"
        )
    if retired and above:
        raise error(
            f"{list_labels(retired, 3)} {'is an LSOA 2011 code' if len(retired) == 1 else 'are LSOA 2011 codes'} "
            f"(IoD2019, N = 32,844) but the largest rank in {parameter} is {int(largest_rank or 0):,}, above "
            f"32,844. Check that the ranks belong to these LSOAs, or: {HOW_TO_SET_N}"
        )
    if retired:
        return Edition(
            "IoD2019", NATIONAL_AREAS["IMD2019"], f"{plural('LSOA code', len(retired))} of 2011 that 2021 retired, "
            f"such as {retired[0]}"
        )  # fmt: skip
    if created:
        return Edition(
            "IoD2025", NATIONAL_AREAS["IoD2025"], f"{plural('LSOA code', len(created))} created in 2021, "
            f"such as {created[0]}"
        )  # fmt: skip
    if above:
        return Edition(
            "IoD2025", NATIONAL_AREAS["IoD2025"], f"a rank of {int(largest_rank or 0):,}, above IoD2019's 32,844"
        )
    return None


def national_edition(
    codes: Iterable[str],
    ranks: Mapping[str, float | int | None],
    national_n: int | None = None,
    parameter: str = "RANK_FIELD",
    areas_word: str = "LSOA",
    error: type[ValueError] = ValueError,
    stored: Edition | None = None,
) -> Edition:
    """The edition and N of ``ranks`` (area label -> rank), checked: ranks above N are refused.

    An N given by hand always wins (a warning when the codes point elsewhere). Without one, the
    codes and ranks decide (edition_from_codes); when they cannot tell, ``stored`` (an N the data
    itself declares) is used, else ``error`` says how to choose N. Never a guess from names.
    """
    present = non_null_items(ranks)
    if not present:
        check_national_ranks(ranks, 1, parameter, areas_word, error)  # says that every rank is NULL
    largest = max((float(value) for value in present.values()), default=None)
    if national_n:
        try:
            found = edition_from_codes(codes, largest, error, parameter)
        except ValueError:
            found = None
        edition = Edition("as given", national_n, "NATIONAL_N given")
        if found is not None and found.national_n != national_n:
            warning = (
                f"NATIONAL_N is {national_n:,}, but the data look like {found.name} (N = {found.national_n:,}: "
                f"{found.reason}). Check NATIONAL_N."
            )
            edition = Edition("as given", national_n, "NATIONAL_N given", warning)
    else:
        found = edition_from_codes(codes, largest, error, parameter) or stored
        if found is None:
            raise error(
                f"The edition of the ranks in {parameter} cannot be told: "
                f"{_why_untold(codes, areas_word)}, and no rank is above 32,844. {HOW_TO_SET_N}"
            )
        edition = found
    check_national_ranks(ranks, edition.national_n, parameter, areas_word, error)
    return edition


def _why_untold(codes: Iterable[str], areas_word: str) -> str:
    """Why the codes do not tell the edition: none are LSOA codes, or all exist in both geographies."""
    english = [code for code in (normalise_code(each) for each in codes) if code.startswith("E01")]
    if not english:
        return f"the {plural_word(areas_word)} have no English LSOA codes (E01...)"
    return f"every LSOA code ({plural('code', len(set(english)))}) exists in both the 2011 and the 2021 geography"


def duplicated_codes(codes: Iterable[str]) -> list[str]:
    """The codes present more than once (NULL or empty codes ignored), sorted."""
    counts = Counter(code for code in (normalise_code(each) for each in codes) if code)
    return sorted(code for code, count in counts.items() if count > 1)


def stored_national_n(path: Path | None) -> Edition | None:
    """The N a LIS sample GeoPackage declares in its sample_info table (key national_areas); None otherwise.

    The sample district's codes (E01990xxx) belong to no edition, but its ranks are drawn among
    the 32,844 areas it says it simulates, so the data itself gives N.
    """
    if path is None or path.suffix.lower() != ".gpkg" or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT value FROM sample_info WHERE key = 'national_areas'").fetchone()
    except sqlite3.Error:
        return None
    if not row or not str(row[0]).isdigit():
        return None
    return Edition("as declared", int(row[0]), "the national_areas the GeoPackage's sample_info table declares")
