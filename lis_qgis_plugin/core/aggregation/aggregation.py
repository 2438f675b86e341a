"""Aggregate small-area values to larger areas: wards, MSOAs, districts or polygons drawn by hand.

Counts add up, rates do not: a population is summed, a rate or rank is averaged with the
population as weight; a rate whose denominators are known is the sum of the numerators over
the sum of the denominators (ratio_of_sums), never a mean of the areas' rates.
NULL stays NULL (a ward whose small areas are all suppressed has no total, not a total of 0),
and every small area left out is named, so the totals can be checked in and out. Plain Python,
no QGIS: the QGIS side only reads layers and places areas.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..common.values import is_null, non_null, null_as_none
from ..common.wording import format_number, list_labels, plural, plural_word
from ..io.table_files import TableError

#: Whatever identifies a small area in a lookup assignment (a feature id, a code).
AreaId = TypeVar("AreaId", bound=Hashable)

#: Method key -> the words a person reads in aliases and messages.
METHODS: dict[str, str] = {
    "sum": "sum",
    "mean": "mean",
    "wmean": "weighted mean",
    "min": "minimum",
    "max": "maximum",
}


@dataclass(frozen=True)
class AreaRecord:
    """One small area: its label for reports, the key of its target (None: none) and its values."""

    code: str
    target: str | None
    values: Mapping[str, float | int | None]
    weight: float | int | None = None


@dataclass(frozen=True)
class Measure:
    """One output value: a field of the small areas and how it is aggregated (a key of METHODS)."""

    field: str
    method: str

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown aggregation method '{self.method}' (one of {', '.join(METHODS)})")


#: Multipliers a ratio may carry, and the unit each gives it.
RATIO_UNITS: dict[int, str] = {
    1: "proportion", 100: "%", 1_000: "per 1,000", 10_000: "per 10,000", 100_000: "per 100,000",
}  # fmt: skip
#: 'numerator/denominator', optionally '*100' (or '×100', '* 1,000').
_RATIO_TEXT = re.compile(r"^\s*([^/*×]+?)\s*/\s*([^/*×]+?)\s*(?:[*×]\s*([\d,]+))?\s*$")


@dataclass(frozen=True)
class Ratio:
    """A rate or share made from counts: multiplier x sum(numerator) / sum(denominator) over each target's areas."""

    numerator: str
    denominator: str
    multiplier: int = 1

    @property
    def name(self) -> str:
        """The output field's name before it is made safe: 'pop_60plus_per_pop_total', 'pop_60plus_pct_pop_total'
        (x100), 'deaths_per1000_pop_total' (x1000); a name cut to 40 characters loses the denominator's end."""
        word = {1: "per", 100: "pct"}.get(self.multiplier, f"per{self.multiplier}")
        return f"{self.numerator}_{word}_{self.denominator}"

    @property
    def unit(self) -> str:
        """'proportion' (0..1), '%' (x100) or 'per 1,000' (x1000): how maps and profiles print the value."""
        return RATIO_UNITS[self.multiplier]

    @property
    def formula(self) -> str:
        """'Σpop_60plus / Σpop_total × 100'."""
        scaled = f" \u00d7 {self.multiplier:,}" if self.multiplier != 1 else ""
        return f"\u03a3{self.numerator} / \u03a3{self.denominator}{scaled}"

    @property
    def method(self) -> str:
        """The method in words, for the metadata."""
        return f"ratio of sums: {self.formula}"

    def alias(self, numerator_label: str, denominator_label: str) -> str:
        """'pop_60plus per pop_total (\u00d7100)': the readable name of the output field."""
        scaled = f" (\u00d7{self.multiplier:,})" if self.multiplier != 1 else ""
        return f"{numerator_label} per {denominator_label}{scaled}"


def parse_ratios(texts: Iterable[str]) -> list[Ratio]:
    """Ratios from 'numerator/denominator' texts ('pop_60plus/pop_total*100'); TableError naming a bad one."""
    ratios: list[Ratio] = []
    for text in texts:
        if not text.strip():
            continue
        found = _RATIO_TEXT.match(text)
        multiplier = found.group(3) if found else None
        number = int(multiplier.replace(",", "")) if multiplier and multiplier.replace(",", "").isdigit() else 1
        if found is None or (multiplier is not None and number not in RATIO_UNITS):
            raise TableError(
                f"FIELDS_RATIO: '{text.strip()}' is not a ratio LIS can make. Write each as numerator/denominator "
                "with the field names of the small areas, optionally followed by *100 (a percentage) or *1000 (per "
                "1,000), for example pop_60plus/pop_total*100; separate several with commas or new lines."
            )
        ratio = Ratio(found.group(1), found.group(2), number)
        if ratio not in ratios:
            ratios.append(ratio)
    return ratios


@dataclass
class TargetValues:
    """What one target receives: how many small areas, each measure's value and its contributors."""

    n_areas: int = 0
    values: dict[Measure, float | int | None] = field(default_factory=dict)
    contributors: dict[Measure, int] = field(default_factory=dict)
    #: Field -> how many of the target's small areas have a value (not NULL) in it.
    present: dict[str, int] = field(default_factory=dict)
    #: Each ratio's value (NULL when no area has both values, or the denominators add up to 0).
    ratios: dict[Ratio, float | None] = field(default_factory=dict)
    #: Each ratio -> how many of the target's small areas have both its numerator and its denominator.
    ratio_areas: dict[Ratio, int] = field(default_factory=dict)
    #: Each ratio -> the sum of its denominator over those areas (NULL when there are none).
    ratio_denominators: dict[Ratio, float | int | None] = field(default_factory=dict)


@dataclass
class AggregationResult:
    """Per-target values plus the account of what was left out."""

    targets: dict[str, TargetValues]
    #: Labels of small areas with no target at all.
    unassigned: list[str]
    #: Target keys the small areas point at that are not among the targets -> labels of those areas.
    unknown_targets: dict[str, list[str]]
    #: Field of a weighted mean -> labels of areas left out because their value or weight is NULL.
    left_out_of_weighted: dict[str, list[str]]
    #: Ratio -> labels of areas left out because their numerator or denominator is NULL.
    left_out_of_ratio: dict[Ratio, list[str]] = field(default_factory=dict)
    #: Ratio -> targets whose areas' denominators add up to 0 (the ratio is NULL there).
    zero_denominators: dict[Ratio, list[str]] = field(default_factory=dict)

    @property
    def assigned(self) -> int:
        """Small areas that reached a target."""
        return sum(values.n_areas for values in self.targets.values())

    @property
    def empty_targets(self) -> list[str]:
        """Targets no small area fell in."""
        return [key for key, values in self.targets.items() if values.n_areas == 0]

    def total_out(self, measure: Measure) -> float | int | None:
        """The sum of a measure over all targets (NULL when no target has a value)."""
        return null_sum(values.values.get(measure) for values in self.targets.values())


def null_sum(values: Iterable[float | int | None]) -> float | int | None:
    """Sum of the non-NULL values; None when every value is NULL (or there are none)."""
    present = non_null(values)
    return sum(present) if present else None


def ratio_of_sums(ratios: Sequence[float | int | None], denominators: Sequence[float | int | None]) -> float | None:
    """sum(ratio x denominator) / sum(denominator) over the areas with both: the larger area's own ratio.

    Each area's numerator is its ratio times its denominator (0.5 of 4 LSOAs is 2 LSOAs), so
    2 of 4 and 1 of 1 give 3 / 5 = 0.6, where the mean of the ratios would say 0.75. None when
    no area has both, or the denominators add up to 0.
    """
    pairs = [(ratio, weight) for ratio, weight in zip(ratios, denominators) if ratio is not None and weight is not None]
    total = math.fsum(weight for _, weight in pairs)
    if not pairs or total <= 0:
        return None
    return math.fsum(ratio * weight for ratio, weight in pairs) / total


def output_kind(method: str, source_kind: str) -> str:
    """'integer' or 'real': sums, minima and maxima of whole numbers stay whole; means never do."""
    if method in {"sum", "min", "max"} and source_kind == "integer":
        return "integer"
    return "real"


def aggregate(
    records: Sequence[AreaRecord],
    target_keys: Iterable[str],
    measures: Sequence[Measure],
    ratios: Sequence[Ratio] = (),
) -> AggregationResult:
    """Aggregate every measure and ratio over the small areas of each target.

    - sum: the sum of non-NULL values; NULL when all are NULL.
    - mean, min, max: over the non-NULL values; NULL when there are none.
    - wmean: sum(weight * value) / sum(weight) over the areas whose value and weight are both
      non-NULL; the others are left out and named. NULL when the weights add up to 0.
    - ratios: multiplier x sum(numerator) / sum(denominator) over the areas with both (the others
      are left out and named), never a mean of the areas' ratios; NULL when the denominators add
      up to 0 (the target is named) or no area has both.
    Targets with no small area get n_areas 0 and NULL values. A negative weight is a TableError.
    """
    keys = list(dict.fromkeys(target_keys))
    members: dict[str, list[AreaRecord]] = {key: [] for key in keys}
    unassigned: list[str] = []
    unknown: dict[str, list[str]] = {}
    for record in records:
        if record.target is None or record.target == "":
            unassigned.append(record.code)
        elif record.target in members:
            members[record.target].append(record)
        else:
            unknown.setdefault(record.target, []).append(record.code)
    if any(measure.method == "wmean" for measure in measures):
        negative = [record.code for record in records if _is_negative(record.weight)]
        if negative:
            raise TableError(
                f"The weight is negative for {len(negative)} small area(s): {list_labels(negative)}. "
                "A weight is a population or a count: choose a field with no negative values."
            )
    left_out: dict[str, list[str]] = {}
    targets: dict[str, TargetValues] = {}
    outcome = AggregationResult(targets, unassigned, unknown, left_out)
    for key in keys:
        areas = members[key]
        result = TargetValues(n_areas=len(areas))
        for name in dict.fromkeys(measure.field for measure in measures):
            result.present[name] = sum(1 for area in areas if not is_null(area.values.get(name)))
        for measure in measures:
            value, contributors, excluded = _aggregate_one(areas, measure)
            result.values[measure] = value
            result.contributors[measure] = contributors
            if excluded:
                left_out.setdefault(measure.field, []).extend(excluded)
        _add_ratios(outcome, key, result, areas, ratios)
        targets[key] = result
    return outcome


def _add_ratios(
    outcome: AggregationResult, key: str, target: TargetValues, areas: Sequence[AreaRecord], ratios: Sequence[Ratio]
) -> None:
    """Each ratio's value for one target; the areas it leaves out and a denominator of 0 go to the account."""
    for ratio in ratios:
        value, denominator, used, excluded = ratio_value(areas, ratio)
        target.ratios[ratio], target.ratio_areas[ratio] = value, used
        target.ratio_denominators[ratio] = denominator
        if excluded:
            outcome.left_out_of_ratio.setdefault(ratio, []).extend(excluded)
        if value is None and used:
            outcome.zero_denominators.setdefault(ratio, []).append(key)


def _is_negative(weight: float | int | None) -> bool:
    """A weight below 0 (a NULL weight is not negative, only left out)."""
    number = null_as_none(weight)
    return number is not None and number < 0


def _aggregate_one(areas: Sequence[AreaRecord], measure: Measure) -> tuple[float | int | None, int, list[str]]:
    """(value, number of contributing areas, labels of areas left out of a weighted mean)."""
    if measure.method == "wmean":
        pairs: list[tuple[float | int, float | int]] = []
        excluded = []
        for area in areas:
            value = null_as_none(area.values.get(measure.field))
            weight = null_as_none(area.weight)
            if value is None or weight is None:
                excluded.append(area.code)
            else:
                pairs.append((value, weight))
        weights = sum(weight for _, weight in pairs)
        mean = sum(value * weight for value, weight in pairs) / weights if weights > 0 else None
        return mean, len(pairs), excluded
    present = non_null(area.values.get(measure.field) for area in areas)
    if not present:
        return None, 0, []
    if measure.method == "sum":
        return sum(present), len(present), []
    if measure.method == "mean":
        return sum(present) / len(present), len(present), []
    if measure.method == "min":
        return min(present), len(present), []
    return max(present), len(present), []


def ratio_value(areas: Sequence[AreaRecord], ratio: Ratio) -> tuple[float | None, float | int | None, int, list[str]]:
    """(multiplier x sum(numerator) / sum(denominator), that sum of denominators, areas with both, labels of areas
    left out). The value is None when no area has both values, or when their denominators add up to 0."""
    pairs: list[tuple[float | int, float | int]] = []
    excluded = []
    for area in areas:
        numerator = null_as_none(area.values.get(ratio.numerator))
        denominator = null_as_none(area.values.get(ratio.denominator))
        if numerator is None or denominator is None:
            excluded.append(area.code)
        else:
            pairs.append((numerator, denominator))
    if not pairs:
        return None, None, 0, excluded
    total = sum(denominator for _, denominator in pairs)
    if total == 0:
        return None, total, len(pairs), excluded
    value = ratio.multiplier * math.fsum(numerator for numerator, _ in pairs) / math.fsum(d for _, d in pairs)
    return value, total, len(pairs), excluded


def unassigned_areas(records: Iterable[AreaRecord], target_keys: Iterable[str]) -> list[str]:
    """Labels of the small areas that reach no target: none given, or one that is not among the targets."""
    keys = set(target_keys)
    return [record.code for record in records if not record.target or record.target not in keys]


def measure_alias(label: str, method: str, areas_word: str, weight_label: str = "") -> str:
    """A readable alias: 'pop_total (sum over LSOAs)', 'imd_rank (mean over LSOAs weighted by pop_total)'."""
    over = f"over {areas_word}"
    if method == "wmean":
        if weight_label:
            return f"{label} (mean {over} weighted by {weight_label})"
        return f"{label} (weighted mean {over})"
    return f"{label} ({METHODS[method]} {over})"


def assign_by_lookup(
    area_codes: Mapping[AreaId, str], mapping: Mapping[str, Sequence[str]], target_codes: Iterable[str], source: str
) -> dict[AreaId, str | None]:
    """Area id -> target code through a lookup; None for codes the lookup does not know.

    An area may reach a code that is not among the targets: it is kept, so aggregate() reports
    it as a lookup code that is not a target code. When the lookup sends one area to several
    targets (not a best-fit lookup), its values cannot be split: TableError naming the areas.
    """
    targets = set(target_codes)
    assigned: dict[AreaId, str | None] = {}
    split: dict[str, tuple[str, ...]] = {}
    for area, code in area_codes.items():
        found = tuple(mapping.get(code, ())) if code else ()
        among = tuple(target for target in found if target in targets)
        if len(among) > 1:
            split[code] = among
        assigned[area] = (among or found or (None,))[0]
    if split:
        examples = [f"{code} -> {' and '.join(found)}" for code, found in split.items()]
        raise TableError(
            f"{source}: the lookup sends {len(split):,} small area(s) to more than one target area "
            f"({list_labels(examples, 5)}), so their values cannot be given to one. Use a best-fit lookup "
            "(one target per small area), or leave the lookup empty to aggregate by location."
        )
    return assigned


def summary_lines(
    result: AggregationResult,
    records: Sequence[AreaRecord],
    measures: Sequence[Measure],
    areas_word: str,
    targets_word: str,
    how: str,
    unassigned_reason: str,
    ratios: Sequence[Ratio] = (),
) -> list[str]:
    """What happened, in plain words, for the log: counts, totals in and out, and every area left out.

    ``areas_word``/``targets_word`` are singular ('LSOA', 'ward'); ``how`` ends the first sentence
    ('through lookup.csv', 'by location'); ``unassigned_reason`` says why an area has no target
    ('are not in the lookup', 'lie outside every ward').
    """
    assigned = result.assigned
    counted = plural(areas_word, len(records))
    if assigned != len(records):
        counted = f"{assigned:,} of {counted}"
    first = f"{counted} aggregated to {plural(targets_word, len(result.targets))} {how}"
    totals = []
    for measure in measures:
        if measure.method == "sum":
            total_in = null_sum(record.values.get(measure.field) for record in records)
            totals.append(
                f"total {measure.field} {format_number(total_in)} in and {format_number(result.total_out(measure))} out"
            )
    lines = [f"{first}; {'; '.join(totals)}." if totals else f"{first}."]
    if result.unassigned:
        lines.append(
            f"{plural(areas_word, len(result.unassigned))} {unassigned_reason} and are left out: "
            f"{list_labels(result.unassigned)}."
        )
    if result.unknown_targets:
        reached = [f"{code} ({', '.join(labels)})" for code, labels in result.unknown_targets.items()]
        left = sum(len(labels) for labels in result.unknown_targets.values())
        lines.append(
            f"{plural(areas_word, left)} map to {plural('code', len(reached))} that are not {targets_word} codes "
            f"of the target layer, and are left out: {list_labels(reached, 10)}."
        )
    if result.empty_targets:
        lines.append(
            f"{plural(targets_word, len(result.empty_targets))} received no {areas_word}: "
            f"{list_labels(result.empty_targets)} (n_areas 0, values NULL)."
        )
    placed = [record for record in records if record.target in result.targets]
    for name in dict.fromkeys(measure.field for measure in measures):
        missing = [record.code for record in placed if is_null(record.values.get(name))]
        if missing:
            lines.append(
                f"{name} is NULL for {plural(areas_word, len(missing))} ({list_labels(missing)}): "
                f"sums, means, minima and maxima use the other {plural_word(areas_word)}; "
                f"a {targets_word} with no value at all gets NULL, not 0."
            )
    for name, labels in result.left_out_of_weighted.items():
        lines.append(
            f"The weighted mean of {name} leaves out {plural(areas_word, len(labels))} whose {name} or weight "
            f"is NULL: {list_labels(labels)}."
        )
    lines.extend(_ratio_lines(result, ratios, areas_word, targets_word))
    return lines


def _ratio_lines(result: AggregationResult, ratios: Sequence[Ratio], areas_word: str, targets_word: str) -> list[str]:
    """How each ratio was made, and which areas and targets it could not use."""
    words = plural_word(areas_word)
    lines = []
    for ratio in ratios:
        lines.append(
            f"{ratio.name} = {ratio.formula} over the {words} of each {targets_word} with both values: a ratio of "
            f"sums, not a mean of the {words}' ratios."
        )
        left = result.left_out_of_ratio.get(ratio, [])
        if left:
            lines.append(
                f"{ratio.name} leaves out {plural(areas_word, len(left))} whose {ratio.numerator} or "
                f"{ratio.denominator} is NULL: {list_labels(left)}. {ratio.name}_den holds the sum of "
                f"{ratio.denominator} over the {words} it uses, the weight that makes a larger area's value."
            )
        zero = result.zero_denominators.get(ratio, [])
        if zero:
            lines.append(
                f"{ratio.denominator} adds up to 0 in {plural(targets_word, len(zero))}, so {ratio.name} is NULL "
                f"there: {list_labels(zero)}."
            )
    return lines
