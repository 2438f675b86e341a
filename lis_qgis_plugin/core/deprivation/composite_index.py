"""Combine several indicators into one composite deprivation index, the way the IMD combines its domains.

The arithmetic (parsing weights and directions, standardising, combining, ranking) is in
plain functions on Python numbers; ``composite_index`` reads the layer, calls them and
writes a new GeoPackage layer. The input layer is only read.

For each indicator, in the order of FIELDS:

1. Direction: values are turned round so that a higher value is worse (more deprived).
   "higher is better" indicators (such as IMD ranks, where 1 = most deprived) are negated.
2. Standardisation, over the areas that have a value for this indicator:
   - z-score: z = (x - mean) / sd, with the population standard deviation (divisor n);
   - rank: r = the rank from least to most deprived (ties get their average rank),
     scaled to R = (r - 0.5) / n, so 0 < R < 1 and R grows with deprivation;
   - rank with the exponential transformation: X = -23 ln(1 - R (1 - exp(-100/23))), the
     IMD's transformation of the same R, on a 0..100 scale that stretches the deprived end.
3. Weights are normalised to sum to 1: w_i = weight_i / sum(weights).
4. An area's contribution of indicator i is c_i = w_i * s_i and its score is the sum of its
   contributions, so the contributions always add up to the score.

Missing values (the MISSING rule):
- "leave_out": an area with a NULL in any of the fields gets a NULL score, rank and decile;
- "reweight": the weights of the indicators it has are re-normalised to sum to 1
  (c_i = w_i * s_i / sum of w over its non-NULL indicators); an area with no value at all is NULL.

composite_rank: 1 = the highest score (most deprived); tied scores share the best rank.
composite_decile: local deciles of the scored areas, ceil(rank * 10 / n): 1 = the most
deprived tenth of this layer (not of England).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsFeature, QgsFeedback, QgsProviderRegistry, QgsVectorLayer

from ..common.errors import LisError, LogLine
from ..common.wording import list_labels, plural
from ..indicators.indicator_table import IndicatorMetadata, normalise_polarity
from ..indicators.metadata_store import read_indicator_metadata, write_indicator_metadata
from ..io.layer_codes import attribute_text, find_layer_code_field, layer_label
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    gpkg_destination,
    layer_file,
    safe_field_name,
    safe_field_names,
    shortened_field_notes,
    write_layer_with_fields,
)
from ..io.layer_values import numeric_kind, read_numbers
from ..io.table_files import TableError
from .deprivation import duplicated_codes, exponential_transform, national_quantile
from .deprivation_map import layer_area_codes

WORSE = "higher is worse"
BETTER = "higher is better"
DIRECTIONS = (WORSE, BETTER)

#: STANDARDISE choices, in the order of the Processing enum.
STANDARDISATIONS = ("zscore", "rank")
STANDARDISATION_LABELS = {
    "zscore": "z-score: (value - mean) / standard deviation",
    "rank": "rank, scaled to 0-1 as (rank - 0.5) / n (IMD convention)",
}
#: MISSING choices, in the order of the Processing enum.
MISSING_RULES = ("leave_out", "reweight")
MISSING_LABELS = {
    "leave_out": "leave the area out (NULL score) when any indicator is NULL",
    "reweight": "re-weight the indicators the area has (weights re-normalised to sum to 1)",
}


class CompositeError(LisError, ValueError):
    """The parameters cannot make a composite index; the message says what to change."""


@dataclass(frozen=True)
class AreaScore:
    """One area's composite score and the contribution of each indicator (NULL: None)."""

    score: float | None
    contributions: dict[str, float | None]


@dataclass
class CompositeOutcome:
    """Where the composite layer was written, the scores and the log that explains them."""

    uri: str
    path: Path
    layer_name: str
    scores: dict[int, AreaScore]
    ranks: dict[int, int]
    log: list[LogLine] = field(default_factory=list)


# --- Pure arithmetic -------------------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """'0.225; 0.225;0.135' -> ['0.225', '0.225', '0.135'] (semicolons or new lines; blanks kept)."""
    text = (text or "").strip()
    return [item.strip() for item in re.split(r"[;\n]", text)] if text else []


def parse_weights(text: str, fields: Sequence[str]) -> tuple[list[float], float]:
    """Weights as given (';'-separated, one per field; empty: equal), normalised to sum to 1, and their given sum."""
    items = split_list(text)
    if not items:
        return [1.0 / len(fields)] * len(fields), float(len(fields))
    if len(items) != len(fields):
        raise CompositeError(
            f"WEIGHTS has {plural('weight', len(items))} but FIELDS has {plural('field', len(fields))} "
            f"({', '.join(fields)}). Give one weight per field, in the same order, separated by ';', "
            "or leave WEIGHTS empty for equal weights."
        )
    weights = []
    for name, item in zip(fields, items):
        try:
            weight = float(item.replace(",", "."))
        except ValueError:
            raise CompositeError(
                f"WEIGHTS: '{item}' (for {name}) is not a number. Write numbers such as 0.225."
            ) from None
        if not math.isfinite(weight) or weight < 0:
            raise CompositeError(f"WEIGHTS: the weight of {name} is {item}. Weights must be zero or positive numbers.")
        weights.append(weight)
    total = sum(weights)
    if total <= 0:
        raise CompositeError("WEIGHTS are all zero. Give at least one field a positive weight.")
    return [weight / total for weight in weights], total


def parse_directions(
    text: str, fields: Sequence[str], metadata: Mapping[str, IndicatorMetadata] | None = None
) -> list[tuple[str, str]]:
    """(direction, where it came from) per field.

    DIRECTIONS is ';'-separated, one per field ("higher is worse" / "higher is better"; "worse",
    "better", "high is bad", "low is good"... are understood). An empty entry, or empty text,
    takes the polarity stored by LIS for that indicator, else "higher is worse".
    """
    items = split_list(text)
    if items and len(items) != len(fields):
        raise CompositeError(
            f"DIRECTIONS has {plural('entry', len(items))} but FIELDS has {plural('field', len(fields))} "
            f"({', '.join(fields)}). Give one direction per field, in the same order, separated by ';' "
            "('higher is worse' or 'higher is better'), or leave it empty."
        )
    metadata = metadata or {}
    chosen = []
    for index, name in enumerate(fields):
        item = items[index] if items else ""
        if item:
            direction = _direction(item)
            if direction is None:
                raise CompositeError(
                    f"DIRECTIONS: '{item}' (for {name}) is not a direction. Write 'higher is worse' or "
                    "'higher is better'."
                )
            chosen.append((direction, "as given"))
            continue
        polarity = metadata[name].polarity if name in metadata else ""
        if polarity in DIRECTIONS:
            chosen.append((polarity, "from the indicator's metadata"))
        else:
            chosen.append((WORSE, "default: no polarity in the indicator's metadata"))
    return chosen


def _direction(text: str) -> str | None:
    words = text.strip().lower()
    if words in {"worse", "bad", "higher is worse", "+"}:
        return WORSE
    if words in {"better", "good", "higher is better", "-"}:
        return BETTER
    polarity = normalise_polarity(words)
    return polarity if polarity in DIRECTIONS else None


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (smallest) to n; tied values share their average rank."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def standardise(
    values: Mapping[int, float], direction: str, method: str, exponential: bool = False, name: str = "field"
) -> dict[int, float]:
    """Standardised values (higher = more deprived) of the areas that have one."""
    ids = list(values)
    oriented = [values[key] if direction == WORSE else -values[key] for key in ids]
    count = len(oriented)
    if count == 0:
        raise CompositeError(f"{name} is NULL in every area: there is nothing to standardise. Remove it from FIELDS.")
    if method == "zscore":
        mean = sum(oriented) / count
        sd = math.sqrt(sum((value - mean) ** 2 for value in oriented) / count)
        if sd == 0:
            raise CompositeError(
                f"{name} has the same value ({values[ids[0]]}) in every area, so it has no z-score. "
                "Remove it from FIELDS or standardise by rank."
            )
        return {key: (value - mean) / sd for key, value in zip(ids, oriented)}
    if method != "rank":
        raise CompositeError(f"Unknown standardisation '{method}'. Choose one of: {', '.join(STANDARDISATIONS)}.")
    ranks = average_ranks(oriented)  # 1 = least deprived
    if exponential:
        # exponential_transform takes a rank with 1 = most deprived and scales it as (n - rank + 1) / n;
        # rank + 0.5 gives the same R = (r - 0.5) / n as without the transformation.
        return {key: exponential_transform(count - rank + 1 + 0.5, count) for key, rank in zip(ids, ranks)}
    return {key: (rank - 0.5) / count for key, rank in zip(ids, ranks)}


def combine(
    standardised: Mapping[str, Mapping[int, float]],
    weights: Mapping[str, float],
    ids: Sequence[int],
    missing: str,
) -> dict[int, AreaScore]:
    """Weighted sums of the standardised values; contributions add up to the score."""
    if missing not in MISSING_RULES:
        raise CompositeError(f"Unknown missing-value rule '{missing}'. Choose one of: {', '.join(MISSING_RULES)}.")
    scores = {}
    for key in ids:
        present = [name for name in standardised if key in standardised[name]]
        complete = len(present) == len(standardised)
        available = sum(weights[name] for name in present)
        if not present or (missing == "leave_out" and not complete) or available <= 0:
            scores[key] = AreaScore(None, dict.fromkeys(standardised))
            continue
        scale = 1.0 if complete else 1.0 / available
        contributions: dict[str, float | None] = {
            name: (weights[name] * scale * standardised[name][key] if key in standardised[name] else None)
            for name in standardised
        }
        scores[key] = AreaScore(sum(value for value in contributions.values() if value is not None), contributions)
    return scores


def composite_ranks(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Rank 1 = highest score (most deprived); tied scores share the best rank; NULL scores have none."""
    scored = sorted((value, key) for key, value in scores.items() if value is not None)
    scored.reverse()
    ranks: dict[int, int] = {}
    previous: float | None = None
    for position, (value, key) in enumerate(scored, start=1):
        ranks[key] = ranks[scored[position - 2][1]] if previous == value else position
        previous = value
    return ranks


def local_deciles(ranks: Mapping[int, int]) -> dict[int, int]:
    """Local decile of each rank among the ranked areas: ceil(rank * 10 / n), 1 = most deprived tenth."""
    count = len(ranks)
    return {key: national_quantile(rank, count) for key, rank in ranks.items()}


# --- The layer -------------------------------------------------------------------------------


def layer_metadata(layer: QgsVectorLayer) -> dict[str, IndicatorMetadata]:
    """Indicator metadata LIS stored beside the layer in its GeoPackage (empty for any other layer)."""
    path = layer_file(layer)
    if path is None or path.suffix.lower() != ".gpkg":
        return {}
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return read_indicator_metadata(path, parts.get("layerName") or layer_label(layer))


def check_fields(layer: QgsVectorLayer, fields: Sequence[str]) -> None:
    """Every field exists, is numeric and is chosen once."""
    if not fields:
        raise CompositeError("Choose at least one numeric field (FIELDS) to combine.")
    repeated = sorted({name for name in fields if list(fields).count(name) > 1})
    if repeated:
        raise CompositeError(f"FIELDS lists {', '.join(repeated)} more than once. Choose each field once.")
    names = layer.fields().names()
    for name in fields:
        if name not in names:
            raise CompositeError(
                f"Layer '{layer_label(layer)}' has no field '{name}'. Its fields are: {', '.join(names)}."
            )
        qgis_field = layer.fields().field(name)
        if numeric_kind(qgis_field) is None:
            raise CompositeError(
                f"Field '{name}' of layer '{layer_label(layer)}' is not numeric (it holds {qgis_field.typeName()}). "
                "Choose numeric fields, or convert it to numbers first."
            )


def check_unique_codes(layer: QgsVectorLayer) -> None:
    """CompositeError naming the area codes on more than one feature: standardising would count them twice."""
    repeated = duplicated_codes(layer_area_codes(layer).values())
    if repeated:
        raise CompositeError(
            f"Layer '{layer_label(layer)}' lists {plural('area code', len(repeated))} more than once "
            f"({list_labels(repeated, 10)}): the means, standard deviations and ranks would count those areas twice. "
            "Keep one feature per area, then run again."
        )


def area_labels(layer: QgsVectorLayer) -> Callable[[int], str]:
    """Feature id -> 'E01013810 (Nottingham 018A)', or 'feature 12' when the layer has no code field."""
    try:
        code_field = find_layer_code_field(layer)
    except TableError:
        return lambda key: f"feature {key}"
    # ONS publishes names beside codes: LSOA11CD / LSOA11NM, wd22cd / wd22nm.
    name_field = code_field[:-2] + {"CD": "NM", "cd": "nm"}.get(code_field[-2:], "")
    has_name = name_field != code_field[:-2] and name_field in layer.fields().names()
    labels = {}
    for feature in layer.getFeatures():
        code = attribute_text(feature[code_field]) or f"feature {feature.id()}"
        labels[feature.id()] = f"{code} ({attribute_text(feature[name_field])})" if has_name else code
    return lambda key: labels.get(key, f"feature {key}")


def composite_index(
    layer: QgsVectorLayer,
    destination: str,
    fields: Sequence[str],
    directions: str = "",
    standardisation: str = "zscore",
    exponential: bool = False,
    weights: str = "",
    missing: str = "leave_out",
    feedback: QgsFeedback | None = None,
) -> CompositeOutcome:
    """Write every feature of ``layer`` with composite_score, _rank, _decile and contrib_<field> to a GeoPackage."""
    fields = list(fields)
    check_fields(layer, fields)
    if standardisation not in STANDARDISATIONS:
        raise CompositeError(f"Unknown standardisation '{standardisation}'. Choose z-score or rank.")
    if exponential and standardisation != "rank":
        raise CompositeError(
            "The exponential transformation applies to ranks: choose rank standardisation (STANDARDISE), "
            "or switch the exponential transformation off."
        )
    path, layer_name = gpkg_destination(destination)
    check_output_is_new(path, [layer])
    check_unique_codes(layer)
    weight_list, given_total = parse_weights(weights, fields)
    direction_list = parse_directions(directions, fields, layer_metadata(layer))

    numbers = read_numbers(layer, fields, feedback)
    ids = list(numbers)
    standardised = {}
    for name, (direction, _source) in zip(fields, direction_list):
        present = {key: float(value) for key, row in numbers.items() if (value := row[name]) is not None}
        standardised[name] = standardise(present, direction, standardisation, exponential, name)
    scores = combine(standardised, dict(zip(fields, weight_list)), ids, missing)
    ranks = composite_ranks({key: area.score for key, area in scores.items()})
    if not ranks:
        raise CompositeError(
            "No area has a value for every field, so every score would be NULL. Choose the rule "
            "'re-weight the available indicators' for MISSING, or fields with fewer NULLs."
        )
    deciles = local_deciles(ranks)

    taken = layer.fields().names()
    originals = ["composite_score", "composite_rank", "composite_decile"]
    originals += [f"contrib_{safe_field_name(name)}" for name in fields]
    names = safe_field_names(originals, taken)
    aliases = ["Composite score (higher = more deprived)", "Composite rank (1 = most deprived)",
               "Composite decile within this layer (1 = most deprived)"]  # fmt: skip
    aliases += [f"Contribution of {name} to the composite score" for name in fields]
    kinds = ["real", "integer", "integer"] + ["real"] * len(fields)
    new_fields = [NewField(name, kind, alias) for name, kind, alias in zip(names, kinds, aliases)]

    def values(feature: QgsFeature) -> list[object]:
        area = scores[feature.id()]
        key = feature.id()
        return [area.score, ranks.get(key), deciles.get(key), *(area.contributions[name] for name in fields)]

    uri = write_layer_with_fields(layer, path, layer_name, new_fields, values, feedback)
    write_indicator_metadata(path, layer_name, {
        names[0]: IndicatorMetadata("Composite score", "LIS composite index", unit="score", polarity=WORSE),
        names[1]: IndicatorMetadata("Composite rank", "LIS composite index", unit="rank", polarity=BETTER),
        names[2]: IndicatorMetadata("Composite decile (local)", "LIS composite index", unit="decile", polarity=BETTER),
    })  # fmt: skip
    log = composite_log(
        area_labels(layer), fields, weight_list, direction_list, standardisation, exponential, missing, scores, ranks
    )
    if weights.strip():
        log.insert(1, LogLine(f"The weights given add up to {given_total:g}: each is divided by {given_total:g}."))
    log.extend(LogLine(line) for line in shortened_field_notes(originals, names))
    return CompositeOutcome(uri, path, layer_name, scores, ranks, log)


def composite_log(
    label: Callable[[int], str],
    fields: Sequence[str],
    weights: Sequence[float],
    directions: Sequence[tuple[str, str]],
    standardisation: str,
    exponential: bool,
    missing: str,
    scores: Mapping[int, AreaScore],
    ranks: Mapping[int, int],
) -> list[LogLine]:
    """What was combined, how, and which areas come out most and least deprived, in plain words."""
    method = STANDARDISATION_LABELS[standardisation]
    if exponential:
        method += ", then the IMD exponential transformation to 0-100"
    log = [LogLine(f"Standardisation: {method}. Missing values: {MISSING_LABELS[missing]}.")]
    log.append(LogLine("Weights are normalised to sum to 1. Each indicator's contribution is weight x standardised "
                       "value, and the contributions add up to the score:"))  # fmt: skip
    for name, weight, (direction, source) in zip(fields, weights, directions):
        log.append(LogLine(f"- {name}: weight {weight:.3f}, {direction} ({source})"))
    null_areas = [key for key, area in scores.items() if area.score is None]
    if null_areas:
        log.append(LogLine(
            f"{plural('area', len(null_areas))} have no score (NULL values): "
            f"{list_labels([label(key) for key in null_areas])}.", warning=True,
        ))  # fmt: skip
    if missing == "reweight":
        partial = [key for key, area in scores.items()
                   if area.score is not None and None in area.contributions.values()]  # fmt: skip
        if partial:
            log.append(LogLine(
                f"{plural('area', len(partial))} scored on the indicators they have, re-weighted: "
                f"{list_labels([label(key) for key in partial])}.", warning=True,
            ))  # fmt: skip
    order = sorted(ranks, key=lambda key: ranks[key])
    worst, best = order[0], order[-1]
    log.append(LogLine(f"Area {label(worst)} is the most deprived on this composite: {_explain(scores[worst])}."))
    log.append(LogLine(f"Area {label(best)} is the least deprived on this composite: {_explain(scores[best])}."))
    log.append(LogLine(f"{plural('area', len(ranks))} ranked: rank 1 and decile 1 are the most deprived of this "
                       "layer (local deciles, not England's)."))  # fmt: skip
    return log


def _explain(area: AreaScore) -> str:
    parts = sorted(
        ((name, value) for name, value in area.contributions.items() if value is not None),
        key=lambda item: -item[1],
    )
    listed = ", ".join(f"{name} {value:.3f}" for name, value in parts)
    return f"score {area.score:.3f} (contributions: {listed})"
