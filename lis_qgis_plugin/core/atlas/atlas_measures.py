"""What the atlas knows without being told: fields that are not indicators, and LIS's own deprivation measures.

- Technical fields (codes, ids, coordinates, geometry measures such as BNG_E, OBJECTID,
  Shape__Area) are numbers but not indicators: they are never offered, and refused by name.
- The layer lis:deprivationsummary writes (MHCLG's summary measures of the IoD for wards,
  districts, catchments) carries no metadata table, so the atlas recognises it by its fields
  (n_lsoas, population, avg_rank, prop_lsoas_most_deprived_10 together) and knows each
  measure's unit, polarity, source and how a district value is made from the areas: counts
  are summed, a share or population-weighted average is the sum of its numerators over the
  sum of its denominators (never a mean of the areas' ratios), and local concentration has
  no district value from the areas at all (it needs the LSOAs). The one national figure the
  IoD fixes by construction is England's share of LSOAs in the most deprived 10%: the
  floor(N / 10) ranks whose decile ceil(10 r / N) is 1, of N (3,284 of 32,844 for IoD2019).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BETTER = "higher is better"
WORSE = "higher is worse"
#: How a district value is made from the areas' values (PUBLISHED: not made, but read from the source's own row;
#: POOLED: the areas' published counts summed over their summed denominators).
MEAN, SUM, RATIO, NONE, PUBLISHED, POOLED = "mean", "sum", "ratio", "none", "published", "pooled"
#: England's LSOAs per IoD edition (the N ranks are drawn among).
EDITIONS = {32_844: "2019", 33_755: "2025"}
IOD_LICENCE = "Open Government Licence v3.0"

_TECHNICAL = re.compile(
    r"^(?:fid|ogc_fid|objectid|object_id|gid|id|globalid|global_id|uid|"
    r"shape__?area|shape__?length|shape__?len|shape_leng|st_area\w*|st_length\w*|"
    r"bng_?e|bng_?n|easting|northing|x|y|lat|lon|long|lng|latitude|longitude|x_coord|y_coord)$",
    re.IGNORECASE,
)
#: An ONS code field such as LSOA21CD or WD25CD, or a field named like a code.
_CODE = re.compile(r"^[a-z]{2,6}\d{0,2}cd$|(^|_)code$", re.IGNORECASE)
_N_IN_ALIAS = re.compile(r"most deprived of ([\d,]+)")


def technical_kind(name: str) -> str:
    """'an id', 'a coordinate', 'a geometry measure', 'a code' for a field that is no indicator, else ''."""
    lowered = name.lower()
    if _CODE.search(name):
        return "a code"
    if not _TECHNICAL.match(name):
        return ""
    if lowered.startswith(("shape", "st_")):
        return "a geometry measure"
    if lowered in {"fid", "ogc_fid", "objectid", "object_id", "gid", "id", "globalid", "global_id", "uid"}:
        return "an id"
    return "a coordinate"


def is_indicator_field(name: str) -> bool:
    """True unless the field is a code, id, coordinate or geometry measure (or one of the atlas's own fields)."""
    return not technical_kind(name) and not name.lower().startswith("atlas_")


@dataclass(frozen=True)
class KnownMeasure:
    """A measure of lis:deprivationsummary: how to print it and how a district value is made from the areas."""

    label: str
    unit: str
    polarity: str
    method: str
    #: The field of the denominator for RATIO: district = sum(value x denominator) / sum(denominator).
    denominator: str = ""


#: The measures of lis:deprivationsummary (core.deprivation.deprivation_summary), by field name.
IOD_SUMMARY: dict[str, KnownMeasure] = {
    "n_lsoas": KnownMeasure("LSOAs with a rank and population", "count", "", SUM),
    "population": KnownMeasure("Population of those LSOAs", "count", "", SUM),
    "avg_score": KnownMeasure("Average score (population-weighted)", "score", WORSE, RATIO, "population"),
    "avg_rank": KnownMeasure(
        "Average rank (population-weighted; 1 = most deprived)", "rank", BETTER, RATIO, "population"
    ),  # fmt: skip
    "prop_lsoas_most_deprived_10": KnownMeasure(
        "LSOAs in England's most deprived 10%", "proportion", WORSE, RATIO, "n_lsoas"
    ),  # fmt: skip
    "pop_share_most_deprived_10": KnownMeasure(
        "Residents in England's most deprived 10%", "proportion", WORSE, RATIO, "population"
    ),  # fmt: skip
    "extent": KnownMeasure(
        "Extent: residents in the most deprived 30% (sliding weight)", "proportion", WORSE, RATIO, "population"
    ),  # fmt: skip
    "local_concentration": KnownMeasure("Local concentration (rank)", "rank", BETTER, NONE),
    **{f"decile_{d}": KnownMeasure(f"LSOAs in national decile {d}", "count", "", SUM) for d in range(1, 11)},
}
_SIGNATURE = ("n_lsoas", "population", "avg_rank", "prop_lsoas_most_deprived_10")


@dataclass(frozen=True)
class IodSummary:
    """A lis:deprivationsummary layer: its N (0 when unknown), the edition's name and the source to cite."""

    national_n: int

    @property
    def edition(self) -> str:
        """'IoD2019', 'IoD2025' or '' (an N of no published edition, such as the sample district's)."""
        year = EDITIONS.get(self.national_n, "")
        return f"IoD{year}" if year else ""

    @property
    def source(self) -> str:
        """The publisher and edition, with the licence, as the footnote cites it."""
        if self.edition:
            return (
                f"MHCLG, English Indices of Deprivation {self.edition[3:]}, summarised by LIS "
                f"(lis:deprivationsummary); {IOD_LICENCE}"
            )
        ranks = f" among {self.national_n:,} areas" if self.national_n else ""
        return f"Deprivation ranks{ranks}, summarised by LIS (lis:deprivationsummary)"

    def england(self, field: str) -> float | None:
        """England's value of a measure when the IoD fixes it by construction; None otherwise."""
        if field == "prop_lsoas_most_deprived_10" and self.national_n:
            return (self.national_n // 10) / self.national_n
        return None

    def england_note(self) -> str:
        """How England's value was found, for the footnote."""
        first = self.national_n // 10
        whose = f"{self.edition}'s" if self.edition else "the ranks'"
        return f"{whose} national deciles put {first:,} of England's {self.national_n:,} LSOAs in the most deprived 10%"


def iod_summary(field_names: Sequence[str], aliases: Mapping[str, str]) -> IodSummary | None:
    """The layer's IoD summary when it has lis:deprivationsummary's fields; N read from avg_rank's alias."""
    if not all(name in field_names for name in _SIGNATURE):
        return None
    found = _N_IN_ALIAS.search(aliases.get("avg_rank", ""))
    return IodSummary(int(found.group(1).replace(",", "")) if found else 0)
