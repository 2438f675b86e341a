"""What an atlas page says about each indicator: its label and polarity, the comparators, better or worse.

The arithmetic works on plain Python numbers so it can be checked by hand:

- district value: a count (unit 'count') is the sum of the areas' counts; a share or rate whose
  denominator is known (the measures of lis:deprivationsummary, see atlas_measures, and the
  ratios lis:aggregateindicators made with FIELDS_RATIO, see aggregation.ratio_fields) is the
  sum of the numerators over the sum of the denominators, sum(v x d) / sum(d), never a mean of
  the areas' ratios; any other value, when only the ratio is known, is the population-weighted mean
  of the areas, sum(p x v) / sum(p) over the areas with both a value and a population, when a
  population field is given, otherwise the plain mean of the areas' values (which treats a small
  ward like a large one); the page footnote says which;
- England value: what the data fixes (the IoD's national deciles, atlas_measures), else a small
  table (field, value) the user gives; there is no national value otherwise, since a mean of
  local areas is not England's;
- difference = area value - district value; "better" or "worse" follows the indicator's
  polarity ("higher is better" / "higher is worse"). Without a polarity the difference is
  shown but not judged. Significance against England (confidence limits, Fingertips' rule) is
  added by atlas_statistics where counts and denominators are known.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsProviderRegistry, QgsVectorLayer

from ..aggregation.aggregation import ratio_of_sums
from ..aggregation.ratio_fields import RatioField, layer_ratio_fields
from ..common.errors import LisError
from ..indicators.indicator_table import IndicatorMetadata
from ..indicators.metadata_store import read_indicator_metadata
from ..io.layer_codes import layer_label
from ..io.layer_output import inherited_aliases, layer_file
from ..io.layer_values import numeric_kind
from ..io.table_files import TableError, read_grid_file
from .atlas_measures import (
    BETTER,
    IOD_SUMMARY,
    MEAN,
    NONE,
    POOLED,
    PUBLISHED,
    RATIO,
    SUM,
    WORSE,
    KnownMeasure,
    iod_summary,
    technical_kind,
)

#: Units of values already in percent, printed after the number ("12.3%") rather than in the label.
PERCENT_UNITS = {"%", "percent", "percentage", "per cent", "percent (%)"}
#: Units of shares between 0 and 1, printed as percentages (0.7 -> "70%").
SHARE_UNITS = {"proportion", "share", "fraction", "ratio"}
#: Units of counts: a district's count is the sum of its areas' counts.
COUNT_UNITS = {"count", "number", "persons", "people", "residents", "households", "population"}
#: A rate per some number of people: "per 1000", "per 100,000 population", "rate per 1,000".
_RATE_UNIT = re.compile(r"^(?:(?:crude|standardised|directly standardised)?\s*rate\s+)?per\s+([\d,]+)\b", re.I)
#: Suffixes lis:aggregateindicators adds; an England value named after the small-area field still matches.
_AGGREGATE_SUFFIXES = ("_wmean", "_mean", "_min", "_max", "_sum")


class AtlasInputError(LisError, ValueError):
    """Bad atlas input the user can fix; the message names the parameter, the layer or field, and what to do."""


@dataclass(frozen=True)
class AtlasIndicator:
    """One indicator of the profile: its field, how to label it, and which way is better."""

    field: str
    label: str
    unit: str = ""
    polarity: str = ""  # BETTER, WORSE, "neutral" or "" (unknown)
    source: str = ""
    period: str = ""
    kind: str = "real"  # "integer" or "real"
    #: How the district value is made: MEAN (of the areas, weighted when a population is given), SUM, RATIO, NONE.
    method: str = MEAN
    #: For RATIO: the field of the denominator (district = sum(value x denominator) / sum(denominator)).
    denominator: str = ""

    @property
    def direction(self) -> int:
        """+1 when higher is better, -1 when higher is worse, 0 when not known (not judged)."""
        return {BETTER: 1, WORSE: -1}.get(self.polarity, 0)

    @property
    def scale(self) -> float:
        """What a value is multiplied by when printed: 100 for a share (0.7 prints as 70%), else 1."""
        return 100.0 if unit_kind(self.unit) == "share" else 1.0


@dataclass(frozen=True)
class Spread:
    """How the areas' values spread: the range and the middle half, for the spine chart."""

    minimum: float
    lower_quartile: float
    upper_quartile: float
    maximum: float


@dataclass(frozen=True)
class Comparators:
    """District and England values per indicator field, the areas' spread, and how the district value was made."""

    district: dict[str, float | None]
    england: dict[str, float | None]
    spread: dict[str, Spread | None]
    decimals: dict[str, int]
    district_method: str


@dataclass(frozen=True)
class IndicatorRow:
    """One line of an area's table and chart."""

    indicator: AtlasIndicator
    value: float | None
    district: float | None
    england: float | None
    spread: Spread | None
    decimals: int
    #: The area's 95% and 99.8% confidence limits (in the indicator's unit), when known or computed.
    limits: tuple[float, float] | None = None
    limits_998: tuple[float, float] | None = None
    #: The events counted (numerator), when known.
    count: float | None = None
    #: What the count is out of (the denominator), when known.
    denominator: float | None = None
    #: The district's own limits (its pooled count over its pooled denominator).
    district_limits: tuple[float, float] | None = None
    #: Against England: 'better', 'similar', 'worse', 'higher', 'lower', 'not compared'; '' when not tested.
    significance: str = ""
    significance_998: str = ""
    #: The recent trend in words ('increasing', 'no significant change'...), and the periods it covers.
    trend: str = ""
    trend_periods: tuple[str, ...] = ()
    #: The area's values of the periods up to the one shown, oldest first: the row's small trend chart.
    history: tuple[tuple[str, float], ...] = ()

    @property
    def difference(self) -> float | None:
        """Area value minus district value; None for a count, whose district value is the total of every area."""
        if self.value is None or self.district is None or self.indicator.method == SUM:
            return None
        return self.value - self.district

    @property
    def verdict(self) -> str:
        """'better', 'worse', 'same' or '' (no value, or no polarity to judge by)."""
        if self.indicator.method == SUM:
            return ""
        scale = self.indicator.scale  # compared as printed: 70% against 70%, not 0.7 against 0.7 at 0 decimals
        value = None if self.value is None else self.value * scale
        district = None if self.district is None else self.district * scale
        return verdict(value, district, self.indicator.polarity, self.decimals)


def layer_metadata(layer: QgsVectorLayer) -> dict[str, IndicatorMetadata]:
    """The LIS indicator metadata stored beside a GeoPackage layer (empty for other layers)."""
    source = layer_file(layer)
    if source is None or source.suffix.lower() != ".gpkg":
        return {}
    decoded = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return read_indicator_metadata(source, decoded.get("layerName") or source.stem)


def describe_indicators(
    layer: QgsVectorLayer, fields: Sequence[str], metadata: Mapping[str, IndicatorMetadata]
) -> list[AtlasIndicator]:
    """The chosen fields as indicators; AtlasInputError naming a missing, non-numeric or technical field.

    The label, unit and polarity come from the join's metadata when it has the field, then from
    what the atlas knows of lis:deprivationsummary's measures; a ratio lis:aggregateindicators
    recorded in lis_ratio_fields is made for the district from its summed denominator; else the label is the field's
    alias (kept in the layer's default style by LIS) or its name, and the polarity is unknown.
    """
    if not fields:
        raise AtlasInputError(
            f"INDICATORS: no field chosen. Choose the numeric fields of layer '{layer_label(layer)}' to tabulate "
            "and chart (for example the outputs of lis:aggregateindicators)."
        )
    aliases = inherited_aliases(layer)  # also those in the GeoPackage's default style, which Processing skips
    names = layer.fields().names()
    summary = iod_summary(names, aliases)
    ratios = layer_ratio_fields(layer)
    indicators = []
    for name in dict.fromkeys(fields):
        index = layer.fields().indexFromName(name)
        if index < 0:
            raise AtlasInputError(
                f"INDICATORS: layer '{layer_label(layer)}' has no field '{name}'. Its fields are: {', '.join(names)}."
            )
        qgis_field = layer.fields().at(index)
        kind = numeric_kind(qgis_field)
        if kind is None:
            raise AtlasInputError(
                f"INDICATORS: field '{name}' of layer '{layer_label(layer)}' holds {qgis_field.typeName()} values, "
                "not numbers, so it cannot be compared or charted. Choose numeric fields only, or convert this one "
                "first (lis:joinindicators types numbers on the way in; or the field calculator's to_real())."
            )
        technical = technical_kind(name)
        if technical:
            raise AtlasInputError(
                f"INDICATORS: field '{name}' of layer '{layer_label(layer)}' is {technical}, not an indicator, so "
                "comparing it with the district means nothing. Choose fields of values per area (scores, rates, "
                "shares, counts)."
            )
        known = IOD_SUMMARY.get(name) if summary else None
        item = metadata.get(name) or IndicatorMetadata("")
        label = item.name or aliases.get(name) or (known.label if known else "") or name
        unit = item.unit or (known.unit if known else "") or ("%" if "(%)" in label else "")  # 'Smokers (%)'
        polarity = item.polarity or (known.polarity if known else "")
        source = item.source or (summary.source if known and summary else "")
        period = item.period  # a known measure's source names its edition
        method, denominator = _district_method(known, ratios.get(name), unit, aliases.get(name, ""), names)
        indicators.append(AtlasIndicator(name, label, unit, polarity, source, period, kind, method, denominator))
    return indicators


def _district_method(
    known: KnownMeasure | None, ratio: RatioField | None, unit: str, alias: str, names: Sequence[str]
) -> tuple[str, str]:
    """(method, denominator field): known measures and recorded ratios of sums by their denominators; counts and
    sums of areas summed; others a mean."""
    if ratio is not None and ratio.denominator_sum in names:
        return RATIO, ratio.denominator_sum
    if known is not None:
        if known.method == RATIO and known.denominator not in names:
            return MEAN, ""
        return known.method, known.denominator if known.method == RATIO else ""
    if unit_kind(unit) == "count" or " (sum over " in alias:  # lis:aggregateindicators' alias of a sum
        return SUM, ""
    return MEAN, ""


def unit_kind(unit: str) -> str:
    """'share' (0..1, printed as %), 'percent', 'rate' (per 1,000...), 'count', 'rank' or '' for other units."""
    words = unit.strip().lower()
    if words in SHARE_UNITS:
        return "share"
    if words in PERCENT_UNITS:
        return "percent"
    if _RATE_UNIT.match(words):
        return "rate"
    if words in COUNT_UNITS:
        return "count"
    if words == "rank":
        return "rank"
    return ""


def rate_suffix(unit: str) -> str:
    """'per 1,000' from 'per 1000', 'Rate per 100,000 population' (the printed suffix of a rate)."""
    found = _RATE_UNIT.match(unit.strip())
    return f"per {int(found.group(1).replace(',', '')):,}" if found else ""


def district_value(values: Sequence[float | None], weights: Sequence[float | None] | None = None) -> float | None:
    """Weighted mean sum(w x v) / sum(w) over areas with both, or the plain mean without weights; None if none."""
    if weights is None:
        present = [value for value in values if value is not None]
        return math.fsum(present) / len(present) if present else None
    return ratio_of_sums(values, weights)


def spread_of(values: Sequence[float | None]) -> Spread | None:
    """Range and quartiles (inclusive method: the quartiles lie within the range) of the present values."""
    present = sorted(value for value in values if value is not None)
    if not present:
        return None
    if len(present) == 1:
        return Spread(present[0], present[0], present[0], present[0])
    lower, _, upper = statistics.quantiles(present, n=4, method="inclusive")
    return Spread(present[0], lower, upper, present[-1])


def decimals_for(indicator: AtlasIndicator, values: Sequence[float | None]) -> int:
    """Decimal places that show differences between areas without false precision.

    Percentages (and shares, printed as percentages) get one decimal, none when every value is
    whole at one decimal (70%, not 70.0%); rates one or two; counts and ranks none.
    """
    present = [abs(value) * indicator.scale for value in values if value is not None]
    kind = unit_kind(indicator.unit)
    if not present or (indicator.kind == "integer" and all(float(value).is_integer() for value in present)):
        return 0
    if kind in ("share", "percent"):
        return 0 if all(round(value, 1).is_integer() for value in present) else 1
    if kind == "rank" or (kind == "count" and all(round(value, 6).is_integer() for value in present)):
        return 0
    largest = max(present)
    if kind == "rate":
        return 1 if largest >= 10 else 2
    if largest >= 1000:
        return 0
    if largest >= 100:
        return 1
    if largest >= 1:
        return 2
    return 3


def format_value(value: float | None, decimals: int, unit: str = "", signed: bool = False) -> str:
    """'12.35', '1,234', '70%' (a share of 0.7 or 70 percent), '12.3 per 1,000' or an en dash for no value.

    A signed difference of percentages is in points ('+2.5 pp'); of rates, the bare number.
    """
    if value is None:
        return "\u2013"
    kind = unit_kind(unit)
    if kind == "share":
        value *= 100
    sign = "+" if signed else ""
    text = f"{value:{sign},.{decimals}f}"
    if signed and float(text.replace(",", "").lstrip("+-") or 0) == 0:
        text = f"{0:.{decimals}f}"  # never '+0.00' or '-0.00'
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # a real minus sign, as in print
    if kind in ("share", "percent"):
        return f"{text} pp" if signed else f"{text}%"
    if kind == "rate" and not signed:
        return f"{text} {rate_suffix(unit)}"
    return text


def verdict(value: float | None, comparator: float | None, polarity: str, decimals: int = 6) -> str:
    """'better' or 'worse' than the comparator by the indicator's polarity, 'same' when equal as printed, else ''."""
    if value is None or comparator is None:
        return ""
    difference = round(value - comparator, decimals)
    if difference == 0:
        return "same"
    direction = {BETTER: 1, WORSE: -1}.get(polarity, 0)
    if direction == 0:
        return ""
    return "better" if difference * direction > 0 else "worse"


def comparators(
    indicators: Sequence[AtlasIndicator],
    area_values: Sequence[Mapping[str, float | None]],
    populations: Sequence[float | None] | None,
    england: Mapping[str, float],
    areas_word: str,
    population_label: str = "",
    published: Mapping[str, float] | None = None,
    published_note: str = "",
) -> Comparators:
    """District, England and spread of each indicator over the areas; the district value by the indicator's method.

    ``area_values`` also hold the values of the RATIO indicators' denominator fields; ``published``
    the district's own values of the PUBLISHED indicators (and the POOLED ones'), and ``published_note`` where the
    PUBLISHED ones are from.
    """
    district: dict[str, float | None] = {}
    spread, decimals = {}, {}
    for indicator in indicators:
        column = [values.get(indicator.field) for values in area_values]
        if indicator.method == SUM:
            present = [value for value in column if value is not None]
            district[indicator.field] = math.fsum(present) if present else None
        elif indicator.method == RATIO:
            denominators = [values.get(indicator.denominator) for values in area_values]
            district[indicator.field] = ratio_of_sums(column, denominators)
        elif indicator.method == NONE:
            district[indicator.field] = None
        elif indicator.method in (PUBLISHED, POOLED):
            district[indicator.field] = (published or {}).get(indicator.field)
        else:
            district[indicator.field] = district_value(column, populations)
        spread[indicator.field] = spread_of(column)
        decimals[indicator.field] = decimals_for(
            indicator, [*column, district[indicator.field], england.get(indicator.field)]
        )
    method = district_method(
        indicators, len(area_values), areas_word, populations is not None, population_label, published_note
    )
    return Comparators(district, {ind.field: england.get(ind.field) for ind in indicators}, spread, decimals, method)


def district_method(
    indicators: Sequence[AtlasIndicator],
    count: int,
    areas_word: str,
    weighted: bool,
    population_label: str = "",
    published_note: str = "",
) -> str:
    """How the district values were made, in words; by indicator when the methods differ."""
    areas = f"{count:,} {areas_word}"
    by_method: dict[str, list[str]] = {}
    for indicator in indicators:
        by_method.setdefault(indicator.method, []).append(indicator.label)
    if weighted:
        mean = f"population-weighted mean of the {areas} (weight: {population_label or 'population'})"
    else:
        mean = f"mean of the {areas}, not weighted by population"
    ratios = any(ind.method == MEAN and unit_kind(ind.unit) in ("share", "percent", "rate") for ind in indicators)
    texts = {
        MEAN: mean + (" (only the areas' ratios are known)" if ratios else ""),
        SUM: f"sum over the {areas} (a total, not compared)",
        RATIO: f"sum of the numerators over the sum of the denominators of the {areas}, not a mean of their ratios",
        NONE: f"none, as it cannot be made from the {areas}' values",
        PUBLISHED: f"as published, {published_note or 'in the source'}",
        POOLED: f"sum of the counts over the sum of the denominators the source gives for the {areas}, not a mean "
        "of their ratios",
    }
    if len(by_method) == 1:
        return texts[next(iter(by_method))]
    return "; ".join(f"{texts[method]} for {', '.join(labels)}" for method, labels in by_method.items())


def page_rows(
    indicators: Sequence[AtlasIndicator], values: Mapping[str, float | None], compared: Comparators
) -> list[IndicatorRow]:
    """An area's rows: its value beside the district's and England's, in the order of the indicators."""
    return [
        IndicatorRow(
            indicator,
            values.get(indicator.field),
            compared.district[indicator.field],
            compared.england[indicator.field],
            compared.spread[indicator.field],
            compared.decimals[indicator.field],
        )
        for indicator in indicators
    ]


def read_england_values(path: Path) -> dict[str, float]:
    """England's value per indicator from a CSV/XLSX with a 'field' (or 'indicator') column and a 'value' column."""
    path = Path(path)
    grid, _, _, _ = read_grid_file(path)
    rows = [[cell.strip() for cell in row] for row in grid if any(cell.strip() for cell in row)]
    if not rows:
        raise TableError(f"ENGLAND_VALUES: {path.name} is empty. Give a table with columns 'field' and 'value'.")
    header = [cell.lower() for cell in rows[0]]
    name_column = next((header.index(key) for key in ("field", "indicator", "name") if key in header), None)
    value_column = next((header.index(key) for key in ("value", "england", "england value") if key in header), None)
    if name_column is None or value_column is None:
        raise TableError(
            f"ENGLAND_VALUES: {path.name} needs a header row with a 'field' column (the indicator's field name) and "
            f"a 'value' column (England's value); its first row is: {', '.join(rows[0])}."
        )
    values: dict[str, float] = {}
    for number, row in enumerate(rows[1:], start=2):
        name = row[name_column] if name_column < len(row) else ""
        text = (row[value_column] if value_column < len(row) else "").replace(",", "").replace("%", "")
        if not name or not text:
            continue
        try:
            values[name] = float(text)
        except ValueError:
            raise TableError(
                f"ENGLAND_VALUES: row {number} of {path.name} gives '{row[value_column]}' for '{name}', not a number."
            ) from None
    return values


def match_england_values(
    indicators: Sequence[AtlasIndicator], table: Mapping[str, float]
) -> tuple[dict[str, float], list[str]]:
    """England values keyed by indicator field, and the table's names that matched no indicator.

    A name matches a field exactly, or the field without the suffix lis:aggregateindicators
    adds (imd_score matches imd_score_mean), or the indicator's label; case is ignored.
    """
    by_name = {name.strip().lower(): value for name, value in table.items()}
    matched: dict[str, float] = {}
    used: set[str] = set()
    for indicator in indicators:
        field = indicator.field.lower()
        keys = [field, indicator.label.strip().lower()]
        keys += [field[: -len(suffix)] for suffix in _AGGREGATE_SUFFIXES if field.endswith(suffix)]
        key = next((key for key in keys if key in by_name), None)
        if key is not None:
            matched[indicator.field] = by_name[key]
            used.add(key)
    unmatched = [name for name in table if name.strip().lower() not in used]
    return matched, unmatched
