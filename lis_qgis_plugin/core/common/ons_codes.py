"""ONS statistical geography codes: recognise, normalise and date them.

A code is nine characters: a nation letter, two digits naming the entity (01 LSOA,
05 ward, ...) and six digits. The code alone does not say the vintage (LSOAs that
did not change in 2021 kept their 2011 code), but codes created in 2021 have
numbers above the last 2011 one, and column names usually carry the year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")

#: Entity prefixes and what analysts call them.
GEOGRAPHIES: dict[str, str] = {
    "E00": "Output Area",
    "W00": "Output Area",
    "E01": "LSOA",
    "W01": "LSOA",
    "E02": "MSOA",
    "W02": "MSOA",
    "E04": "parish",
    "W04": "community",
    "E05": "ward",
    "W05": "ward",
    "E06": "local authority district",
    "E07": "local authority district",
    "E08": "local authority district",
    "E09": "local authority district",
    "W06": "local authority district",
    "E10": "county",
    "E11": "metropolitan county",
    "E12": "region",
    "E13": "inner/outer London",
    "E14": "parliamentary constituency",
    "W07": "parliamentary constituency",
    "E38": "sub-ICB location",
    "E54": "integrated care board",
    "E92": "country",
    "W92": "country",
    "K02": "United Kingdom",
    "K03": "Great Britain",
    "K04": "England and Wales",
    "S00": "Output Area",
    "S01": "data zone",
    "S02": "intermediate zone",
    "S12": "council area",
    "S13": "ward",
    "S92": "country",
    "N00": "small area",
    "N20": "data zone",
    "N21": "super data zone",
    "N09": "local government district",
    "N92": "country",
}

#: Highest code number of each entity in the 2011 Census geography; 2021 created codes above it.
LAST_2011_CODE: dict[str, int] = {"E01": 33_768, "W01": 1_958, "E02": 6_934, "W02": 423}

_YEAR_IN_NAME = (
    re.compile(r"(?:19|20)(\d{2})"),  # "LSOA code (2011)", "lsoa_2021"
    re.compile(r"^[A-Za-z]+?(\d{2})(?:CD|NM|_?code|_?name)$", re.IGNORECASE),  # LSOA11CD, WD25CD, lsoa21_code
    re.compile(r"^[A-Za-z]+?(\d{2})_", re.IGNORECASE),  # lsoa11_cd
)


def is_normalised_code(code: str) -> bool:
    """True for a trimmed, upper-case nine-character ONS code (a fast form of ``ONS_CODE.match``)."""
    return len(code) == 9 and code[0] in "EWSNK" and code[1:].isdigit() and code.isascii()


def normalise_code(value: object) -> str:
    """Trim spaces (including non-breaking ones) and upper-case; never turns a code into a number."""
    if value is None:
        return ""
    return str(value).replace("\u00a0", " ").strip().upper()


def geography_of(code: str) -> str | None:
    """'LSOA', 'ward', ... for a normalised code; None when the prefix is unknown or the code malformed."""
    if not is_normalised_code(code):
        return None
    return GEOGRAPHIES.get(code[:3], f"{code[:3]} areas")


#: 2021 created fewer than this many codes per entity; numbers far above are not real 2021 codes.
_NEW_2021_CODES = 5_000


def code_vintage(code: str) -> int | None:
    """2021 for an LSOA/MSOA code created by the 2021 Census; None when the code does not tell."""
    last = LAST_2011_CODE.get(code[:3])
    if last is not None and is_normalised_code(code) and last < int(code[3:]) <= last + _NEW_2021_CODES:
        return 2021
    return None


def vintage_from_name(name: str) -> int | None:
    """The year a column or field name carries: 'LSOA code (2011)' -> 2011, 'WD25CD' -> 2025."""
    for pattern in _YEAR_IN_NAME:
        found = pattern.search(name.strip())
        if found:
            return 2000 + int(found.group(1))
    return None


def code_share(values: Iterable[object]) -> tuple[float, int]:
    """Share of non-empty values that are ONS codes, and how many values were non-empty."""
    filled = [normalise_code(value) for value in values]
    filled = [value for value in filled if value]
    if not filled:
        return 0.0, 0
    return sum(1 for value in filled if is_normalised_code(value)) / len(filled), len(filled)


#: Values looked at per column when searching for codes: plenty to decide, quick on national tables.
CODE_SAMPLE = 5000
#: Values normalised at a time when testing a column for codes; between blocks, a column that can
#: no longer reach the share is dropped (a column of numbers after ~1,000 values, not 5,000).
_SHARE_BLOCK = 256


def _reaches_code_share(values: Sequence[object], minimum_share: float) -> bool:
    """True when at least ``minimum_share`` of the non-empty values are ONS codes (as ``code_share`` decides).

    Stops early, with the same answer, once even an all-code remainder could not lift the share
    to ``minimum_share``: the best share still possible is (codes + left) / (filled + left).
    """
    codes = filled = 0
    left = len(values)
    for start in range(0, len(values), _SHARE_BLOCK):
        block = values[start : start + _SHARE_BLOCK]
        left -= len(block)
        normalised = [code for code in map(normalise_code, block) if code]
        filled += len(normalised)
        codes += sum(map(is_normalised_code, normalised))
        if filled and (codes + left) / (filled + left) < minimum_share - 1e-9:
            return False
    return filled > 0 and codes / filled >= minimum_share


def find_code_column(columns: dict[str, Sequence[object]], minimum_share: float = 0.8) -> str | None:
    """The column of area codes: mostly ONS codes (``minimum_share``) and the most distinct ones.

    Distinct counts pick 'LSOA code' over 'Local Authority District code', and Fingertips'
    'Area Code' over 'Parent Code'. Ties go to the leftmost column. Only the first
    ``CODE_SAMPLE`` values of each column are looked at.
    """
    best_name, best_distinct = None, 0
    for name, all_values in columns.items():
        values = all_values[:CODE_SAMPLE]
        if not _reaches_code_share(values, minimum_share):
            continue
        distinct = len({normalise_code(value) for value in values})
        if distinct > best_distinct:
            best_name, best_distinct = name, distinct
    return best_name


@dataclass(frozen=True)
class GeographyProfile:
    """What a set of codes is: the geographies present and the vintage the codes reveal."""

    counts: Counter
    newest_codes: tuple[str, ...]  # codes that exist only from 2021
    geography: dict[str, str] = field(default_factory=dict)  # code -> geography, for well-formed codes

    @property
    def main(self) -> str | None:
        """The most common geography, or None for no codes."""
        return self.counts.most_common(1)[0][0] if self.counts else None

    def describe(self) -> str:
        """'150 LSOA' or '300 LSOA, 1 local authority district, 1 country'."""
        return ", ".join(f"{count:,} {name}" for name, count in self.counts.most_common())


def profile_codes(codes: Iterable[str]) -> GeographyProfile:
    """Count the geographies of normalised codes and collect the 2021-only ones."""
    # geography_of, is_normalised_code and code_vintage inlined: this runs over every code of a national table.
    geography = {
        code: GEOGRAPHIES.get(code[:3]) or f"{code[:3]} areas"
        for code in codes
        if len(code) == 9 and code[0] in "EWSNK" and code[1:].isdigit() and code.isascii()
    }
    counts = Counter(geography.values())
    newest = tuple(
        code
        for code in geography
        if (last := LAST_2011_CODE.get(code[:3])) is not None and last < int(code[3:]) <= last + _NEW_2021_CODES
    )
    return GeographyProfile(counts, newest, geography)
