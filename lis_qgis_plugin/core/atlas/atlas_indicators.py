"""What an atlas page says about each indicator: its label and polarity, the comparators, better or worse.

The arithmetic works on plain Python numbers so it can be checked by hand:

- district value: the population-weighted mean of the areas, sum(p x v) / sum(p) over the
  areas with both a value and a population, when a population field is given; otherwise
  the plain mean of the areas' values (which treats a small ward like a large one, and
  the page footnote says so);
- England value: read from a small table (field, value) the user gives; there is no
  national value otherwise, since a mean of local areas is not England's;
- difference = area value - district value; "better" or "worse" follows the indicator's
  polarity ("higher is better" / "higher is worse"). Without a polarity the difference is
  shown but not judged. No statistical significance is tested (no confidence intervals).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsProviderRegistry, QgsVectorLayer

from ..common.errors import LisError
from ..indicators.indicator_table import IndicatorMetadata
from ..indicators.metadata_store import read_indicator_metadata
from ..io.layer_codes import layer_label
from ..io.layer_output import inherited_aliases, layer_file
from ..io.layer_values import numeric_kind
from ..io.table_files import TableError, read_grid_file

BETTER = "higher is better"
WORSE = "higher is worse"
#: Units printed after the number ("12.3%") rather than in the indicator's label.
PERCENT_UNITS = {"%", "percent", "percentage", "per cent"}
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

    @property
    def direction(self) -> int:
        """+1 when higher is better, -1 when higher is worse, 0 when not known (not judged)."""
        return {BETTER: 1, WORSE: -1}.get(self.polarity, 0)


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

    @property
    def difference(self) -> float | None:
        """Area value minus district value."""
        if self.value is None or self.district is None:
            return None
        return self.value - self.district

    @property
    def verdict(self) -> str:
        """'better', 'worse', 'same' or '' (no value, or no polarity to judge by)."""
        return verdict(self.value, self.district, self.indicator.polarity, self.decimals)


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
    """The chosen fields as indicators; AtlasInputError naming a missing or non-numeric field.

    The label, unit and polarity come from the join's metadata when it has the field, else
    the label is the field's alias (kept in the layer's default style by LIS) or its name, and
    the polarity is unknown.
    """
    if not fields:
        raise AtlasInputError(
            f"INDICATORS: no field chosen. Choose the numeric fields of layer '{layer_label(layer)}' to tabulate "
            "and chart (for example the outputs of lis:aggregateindicators)."
        )
    indicators = []
    aliases = inherited_aliases(layer)  # also those in the GeoPackage's default style, which Processing skips
    for name in dict.fromkeys(fields):
        index = layer.fields().indexFromName(name)
        if index < 0:
            raise AtlasInputError(
                f"INDICATORS: layer '{layer_label(layer)}' has no field '{name}'. Its fields are: "
                f"{', '.join(layer.fields().names())}."
            )
        qgis_field = layer.fields().at(index)
        kind = numeric_kind(qgis_field)
        if kind is None:
            raise AtlasInputError(
                f"INDICATORS: field '{name}' of layer '{layer_label(layer)}' holds {qgis_field.typeName()} values, "
                "not numbers, so it cannot be compared or charted. Choose numeric fields only, or convert this one "
                "first (lis:joinindicators types numbers on the way in; or the field calculator's to_real())."
            )
        item = metadata.get(name)
        label = (item.name if item and item.name else "") or aliases.get(name) or name
        if item is None:
            indicators.append(AtlasIndicator(name, label, kind=kind))
        else:
            indicators.append(AtlasIndicator(name, label, item.unit, item.polarity, item.source, item.period, kind))
    return indicators


def district_value(values: Sequence[float | None], weights: Sequence[float | None] | None = None) -> float | None:
    """Weighted mean sum(w x v) / sum(w) over areas with both, or the plain mean without weights; None if none."""
    if weights is None:
        present = [value for value in values if value is not None]
        return math.fsum(present) / len(present) if present else None
    pairs = [(value, weight) for value, weight in zip(values, weights) if value is not None and weight is not None]
    total = math.fsum(weight for _, weight in pairs)
    if not pairs or total <= 0:
        return None
    return math.fsum(value * weight for value, weight in pairs) / total


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
    """Decimal places that show differences between areas without false precision."""
    present = [abs(value) for value in values if value is not None]
    if not present or (indicator.kind == "integer" and all(float(value).is_integer() for value in present)):
        return 0
    if indicator.unit.strip().lower() == "rank":
        return 0
    largest = max(present)
    if largest >= 1000:
        return 0
    if largest >= 100:
        return 1
    if largest >= 1:
        return 2
    return 3


def format_value(value: float | None, decimals: int, unit: str = "", signed: bool = False) -> str:
    """'12.35', '1,234', '12.3%' or an en dash for no value; a signed difference of percentages is in points."""
    if value is None:
        return "\u2013"
    sign = "+" if signed else ""
    text = f"{value:{sign},.{decimals}f}"
    if signed and float(text.replace(",", "").lstrip("+-") or 0) == 0:
        text = f"{0:.{decimals}f}"  # never '+0.00' or '-0.00'
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # a real minus sign, as in print
    if unit.strip().lower() in PERCENT_UNITS:
        return f"{text} pp" if signed else f"{text}%"
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
) -> Comparators:
    """District (weighted or plain mean), England and spread of each indicator over the areas."""
    district, spread, decimals = {}, {}, {}
    for indicator in indicators:
        column = [values.get(indicator.field) for values in area_values]
        district[indicator.field] = district_value(column, populations)
        spread[indicator.field] = spread_of(column)
        decimals[indicator.field] = decimals_for(
            indicator, [*column, district[indicator.field], england.get(indicator.field)]
        )
    count = f"{len(area_values):,} {areas_word}"
    if populations is not None:
        method = f"population-weighted mean of the {count} (weight: {population_label or 'population'})"
    else:
        method = f"mean of the {count}, not weighted by population"
    return Comparators(district, {ind.field: england.get(ind.field) for ind in indicators}, spread, decimals, method)


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
