"""Values and confidence limits of indicator rows, and comparators pooled from counts (never averaged).

The arithmetic is core.statistics' (PHEindicatormethods' methods); this module reads a layer or table,
checks its counts and denominators row by row, and writes the input's rows (or one row per area for means
and directly standardised rates) with the value, its 95% and 99.8% limits and a note saying why a value or
limit is missing. Limits the input already gives (Fingertips' 'Lower CI 95.0 limit', or lower95) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsFeature, QgsFeedback, QgsVectorLayer

from ..common.errors import LisError, LogLine
from ..common.wording import format_number, plural
from ..io.gpkg_writer import FeatureTable, replace_table
from ..io.layer_codes import attribute_text, layer_label
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    gpkg_destination,
    safe_field_names,
    write_layer_with_fields,
)
from ..io.layer_values import attribute_is_null
from ..statistics.confidence import (
    CONFIDENCE_LEVELS,
    ESP2013,
    ESP2013_85_PLUS,
    Interval,
    byars_interval,
    dobson_dsr_interval,
    mean_interval,
    wilson_interval,
)

#: The methods, as PHEindicatormethods names them: Wilson, Byar, Student's t, Dobson.
PROPORTION, RATE, MEAN, DSR = "proportion", "rate", "mean", "dsr"
METHODS = (PROPORTION, RATE, MEAN, DSR)  # in the order of lis:indicatorstatistics' METHOD options
#: The multiplier a method uses when none is chosen: a percentage, or per 100,000.
DEFAULT_MULTIPLIERS = {PROPORTION: 100.0, RATE: 100_000.0, MEAN: 1.0, DSR: 100_000.0}
NOTE_FIELD = "note"


class IndicatorStatisticsError(LisError, ValueError):
    """The rows cannot be given values and limits; the message names the row, field and what to do."""


@dataclass(frozen=True)
class StatisticsRequest:
    """What to compute: the method, the fields it reads, the multiplier and the confidence levels."""

    method: str
    count_field: str = ""
    denominator_field: str = ""
    value_field: str = ""
    area_field: str = ""
    age_band_field: str = ""
    multiplier: float | None = None
    confidences: tuple[float, ...] = CONFIDENCE_LEVELS

    @property
    def scale(self) -> float:
        """The multiplier used: the chosen one, or the method's usual one."""
        return self.multiplier if self.multiplier else DEFAULT_MULTIPLIERS[self.method]


@dataclass
class StatisticsOutcome:
    """The written layer, how many rows got a value and the log."""

    uri: str
    layer_name: str
    rows: int
    with_value: int
    log: list[LogLine] = field(default_factory=list)


def level_suffix(confidence: float) -> str:
    """'95' for 0.95, '998' for 0.998: the suffix of the limit fields (lower95, upper998)."""
    return f"{confidence * 100:g}".replace(".", "")


def limit_names(confidences: Sequence[float]) -> list[str]:
    """lower95, upper95, lower998, upper998 for the chosen levels."""
    return [f"{side}{level_suffix(level)}" for level in confidences for side in ("lower", "upper")]


def given_limit_fields(names: Sequence[str], confidence: float) -> tuple[str, str] | None:
    """The input's own (lower, upper) fields for a level: Fingertips' 'Lower CI 95.0 limit' or lower95 forms."""
    level = f"{confidence * 100:g}"
    found = {}
    for name in names:
        key = re.sub(r"[^a-z0-9.]+", "", name.lower())
        for side in ("lower", "upper"):
            if key in (f"{side}ci{level}limit", f"{side}ci{level}.0limit", f"{side}{level_suffix(confidence)}"):
                found[side] = name
    return (found["lower"], found["upper"]) if len(found) == 2 else None


def pooled_interval(
    counts: Sequence[float],
    denominators: Sequence[float],
    method: str,
    multiplier: float | None = None,
    confidence: float = 0.95,
    age_bands: Sequence[str] | None = None,
) -> Interval:
    """A comparator (district, region, England) from its areas' counts: sum of counts over sum of denominators.

    Never the mean of the areas' values, which weighs a small area as much as a large one. For a directly
    standardised rate, ``age_bands`` gives each count's band: counts and populations are summed per band first.
    """
    if len(counts) != len(denominators):
        raise IndicatorStatisticsError(
            f"{len(counts)} counts but {len(denominators)} denominators: give one denominator per count."
        )
    scale = multiplier or DEFAULT_MULTIPLIERS.get(method, 1.0)
    if method == PROPORTION:
        return wilson_interval(sum(counts), sum(denominators), confidence, scale)
    if method == RATE:
        return byars_interval(sum(counts), sum(denominators), confidence, scale)
    if method == DSR:
        if age_bands is None or len(age_bands) != len(counts):
            raise IndicatorStatisticsError(
                "A directly standardised rate is pooled by age band: give each count's band."
            )
        band_counts, band_populations, standard = _by_esp_band(counts, denominators, age_bands)
        return dobson_dsr_interval(band_counts, band_populations, standard, confidence, scale)
    raise IndicatorStatisticsError(
        f"'{method}' has no pooled value from counts: choose one of {', '.join((PROPORTION, RATE, DSR))}."
    )


def esp_band(label: str) -> int:
    """The index in ESP2013 of a five-year age band: '0-4' -> 0, '45-49' -> 9, '90+' -> 18, 'Under 5' -> 0."""
    text = label.strip().lower()
    match = re.search(r"\d+", text)
    start = 0 if text.startswith(("under", "<")) or match is None else int(match.group())
    if match is None and not text.startswith(("under", "<")) or start % 5 or start > 90:
        raise IndicatorStatisticsError(
            f"Age band '{label}' is not a five-year band of the 2013 European Standard Population (0-4, 5-9, ... "
            "85-89, 90+, or 85+ as the last). Give the counts and populations in those bands."
        )
    return start // 5


def standard_population(age_bands: Sequence[str]) -> tuple[float, ...]:
    """ESP2013's 19 bands, or its 18-band form when the data's last band is 85+ (as many sources publish)."""
    open_85 = any(re.fullmatch(r"\s*85\s*(\+|and over|plus)\s*", band.lower()) for band in age_bands)
    return ESP2013_85_PLUS if open_85 else ESP2013


def _by_esp_band(
    counts: Sequence[float], populations: Sequence[float], age_bands: Sequence[str]
) -> tuple[list[float], list[float], tuple[float, ...]]:
    """Counts and populations summed into the standard's bands, and the standard (19 bands, or 18 to 85+)."""
    standard = standard_population(age_bands)
    band_counts = [0.0] * len(standard)
    band_populations = [0.0] * len(standard)
    for count, population, band in zip(counts, populations, age_bands):
        index = esp_band(band)
        if index >= len(standard):
            raise IndicatorStatisticsError(
                f"Age band '{band}' is above the open band 85+ that other rows use: give either 85+ or 85-89 and 90+."
            )
        band_counts[index] += count
        band_populations[index] += population
    return band_counts, band_populations, standard


@dataclass
class _Row:
    """One input row's numbers, read and checked."""

    number: int
    feature_id: int
    area: str
    count: float | None
    denominator: float | None
    band: str = ""


def _number(feature: QgsFeature, name: str, row: int, area: str) -> float | None:
    """A field's value as a number (text such as '1,234' too); None for NULL or empty; an error for other text."""
    value = feature.attribute(name)
    if attribute_is_null(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise IndicatorStatisticsError(
            f"Row {row}{area} field '{name}': '{str(value)[:40]}' is not a number. Correct it or leave it empty."
        ) from None


def _check_fields(layer: QgsVectorLayer, request: StatisticsRequest) -> None:
    """Every field the method needs is given and in the layer."""
    if request.method not in METHODS:
        raise IndicatorStatisticsError(f"METHOD: '{request.method}' is unknown; choose one of {', '.join(METHODS)}.")
    needed = {
        PROPORTION: [("COUNT_FIELD", request.count_field), ("DENOMINATOR_FIELD", request.denominator_field)],
        RATE: [("COUNT_FIELD", request.count_field), ("DENOMINATOR_FIELD", request.denominator_field)],
        MEAN: [("VALUE_FIELD", request.value_field), ("AREA_FIELD", request.area_field)],
        DSR: [
            ("COUNT_FIELD", request.count_field),
            ("DENOMINATOR_FIELD", request.denominator_field),
            ("AREA_FIELD", request.area_field),
            ("AGE_BAND_FIELD", request.age_band_field),
        ],
    }[request.method]
    names = layer.fields().names()
    for parameter, name in needed:
        if not name:
            raise IndicatorStatisticsError(f"{parameter}: the {request.method} method needs this field; choose one.")
        if name not in names:
            raise IndicatorStatisticsError(
                f"{parameter}: layer '{layer_label(layer)}' has no field '{name}'. Its fields are: {', '.join(names)}."
            )


def _read_rows(layer: QgsVectorLayer, request: StatisticsRequest) -> list[_Row]:
    """The rows' counts and denominators (or values), checked: none negative, no proportion above 1."""
    rows = []
    count_name = request.value_field if request.method == MEAN else request.count_field
    for number, feature in enumerate(layer.getFeatures(), start=1):
        area_code = attribute_text(feature.attribute(request.area_field)) if request.area_field else ""
        where = f" (area {area_code})" if area_code else ""
        count = _number(feature, count_name, number, where)
        denominator = _number(feature, request.denominator_field, number, where) if request.denominator_field else None
        if request.method != MEAN and count is not None and count < 0:
            raise IndicatorStatisticsError(
                f"Row {number}{where} field '{count_name}': the count {format_number(count)} is negative. "
                "Counts are 0 or more: correct the row."
            )
        if denominator is not None and denominator < 0:
            raise IndicatorStatisticsError(
                f"Row {number}{where} field '{request.denominator_field}': the denominator "
                f"{format_number(denominator)} is negative. Correct the row."
            )
        if request.method == PROPORTION and count is not None and denominator is not None and count > denominator:
            raise IndicatorStatisticsError(
                f"Row {number}{where} field '{count_name}': the count {format_number(count)} is more than the "
                f"denominator {format_number(denominator)} in '{request.denominator_field}', so it is not a "
                "proportion. Choose the crude rate method, or correct the row."
            )
        band = attribute_text(feature.attribute(request.age_band_field)) if request.age_band_field else ""
        rows.append(_Row(number, feature.id(), area_code, count, denominator, band))
    return rows


def _row_intervals(row: _Row, request: StatisticsRequest) -> list[Interval]:
    """A proportion's or crude rate's interval at each level; a note where it cannot be computed."""
    compute = wilson_interval if request.method == PROPORTION else byars_interval
    if row.count is None:
        return [Interval(None, None, None, level, "no count") for level in request.confidences]
    if not row.denominator:
        return [Interval(None, None, None, level, "no denominator (empty or 0)") for level in request.confidences]
    return [compute(row.count, row.denominator, level, request.scale) for level in request.confidences]


def _group_intervals(rows: Sequence[_Row], request: StatisticsRequest) -> dict[str, list[Interval]]:
    """Area -> its mean's or directly standardised rate's interval at each level."""
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        groups.setdefault(row.area, []).append(row)
    result = {}
    for area, members in groups.items():
        if request.method == MEAN:
            values = [row.count for row in members]  # one missing value makes the mean unknown, as in phe_mean
            result[area] = [mean_interval(values, level) for level in request.confidences]
            continue
        complete = [row for row in members if row.count is not None and row.denominator]
        counts, populations, standard = _by_esp_band(
            [row.count or 0.0 for row in complete], [row.denominator or 0.0 for row in complete],
            [row.band for row in complete],
        )  # fmt: skip
        missing = sum(1 for population in populations if not population)
        if missing:
            note = f"no population in {plural('age band', missing)}: a standardised rate needs all {len(standard)}"
            result[area] = [Interval(None, None, None, level, note) for level in request.confidences]
        else:
            result[area] = [
                dobson_dsr_interval(counts, populations, standard, level, request.scale)
                for level in request.confidences
            ]
    return result


def _limits(intervals: Sequence[Interval], given: Sequence[tuple[float | None, float | None] | None]) -> list:
    """value, then lower and upper per level (the input's own limits where it gives them), then the note."""
    value = next((interval.value for interval in intervals if interval.value is not None), None)
    cells: list[object] = [value]
    for interval, kept in zip(intervals, given):
        cells += list(kept) if kept is not None else [interval.lower, interval.upper]
    notes = dict.fromkeys(interval.note for interval in intervals if interval.note)
    cells.append("; ".join(notes) or None)
    return cells


def indicator_statistics(
    layer: QgsVectorLayer,
    destination: str,
    request: StatisticsRequest,
    feedback: QgsFeedback | None = None,
) -> StatisticsOutcome:
    """Write the layer's rows (or one row per area for means and standardised rates) with values and limits."""
    _check_fields(layer, request)
    path, layer_name = gpkg_destination(destination)
    check_output_is_new(path, [layer])
    rows = _read_rows(layer, request)
    log = [LogLine(f"Method: {_method_words(request)}; {plural('row', len(rows))} read from '{layer_label(layer)}'.")]
    if request.method in (MEAN, DSR):
        outcome = _write_groups(layer, path, layer_name, rows, request, log)
    else:
        outcome = _write_rows(layer, path, layer_name, rows, request, log, feedback)
    missing = outcome.rows - outcome.with_value
    if missing:
        log.append(LogLine(f"{plural('row', missing)} have no value; the '{NOTE_FIELD}' field says why.", True))
    return outcome


def _method_words(request: StatisticsRequest) -> str:
    """The method, its multiplier and levels in words for the log."""
    name = {
        PROPORTION: "proportion, Wilson score limits",
        RATE: "crude rate, Byar's limits",
        MEAN: "mean, Student's t limits",
        DSR: "directly standardised rate (2013 European Standard Population), Dobson's limits",
    }[request.method]
    levels = " and ".join(f"{level * 100:g}%" for level in request.confidences)
    scale = "" if request.method == MEAN else f" per {format_number(request.scale)}"
    return f"{name}{scale}, at {levels}"


def _write_rows(
    layer: QgsVectorLayer,
    path: Path,
    layer_name: str,
    rows: list[_Row],
    request: StatisticsRequest,
    log: list[LogLine],
    feedback: QgsFeedback | None,
) -> StatisticsOutcome:
    """Every input row with its value, limits and note, geometry and fields kept."""
    names = layer.fields().names()
    given_fields = [given_limit_fields(names, level) for level in request.confidences]
    for level, pair in zip(request.confidences, given_fields):
        if pair:
            log.append(
                LogLine(
                    f"{level * 100:g}% limits are the input's own ('{pair[0]}', '{pair[1]}'), kept, not recomputed; "
                    "rows where they are empty get computed ones."
                )
            )
    new_fields = _new_fields(names, request.confidences)
    by_id = {row.feature_id: row for row in rows}
    with_value = 0

    def values(feature: QgsFeature) -> list[object]:
        nonlocal with_value
        row = by_id[feature.id()]
        given = [_given(feature, pair, row) for pair in given_fields]
        result = _limits(_row_intervals(row, request), given)
        with_value += result[0] is not None
        return result

    uri = write_layer_with_fields(layer, path, layer_name, new_fields, values, feedback)
    _log_names(new_fields, log)
    return StatisticsOutcome(uri, layer_name, len(rows), with_value, log)


def _given(feature: QgsFeature, pair: tuple[str, str] | None, row: _Row) -> tuple[float | None, float | None] | None:
    """The input's own (lower, upper) for a row, None when it gives none there."""
    if pair is None:
        return None
    where = f" (area {row.area})" if row.area else ""
    lower, upper = (_number(feature, name, row.number, where) for name in pair)
    return None if lower is None or upper is None else (lower, upper)


def _new_fields(taken: Sequence[str], confidences: Sequence[float]) -> list[NewField]:
    """value, the limits and note, renamed where the input already has such a name ('value_2')."""
    wanted = ["value", *limit_names(confidences), NOTE_FIELD]
    names = safe_field_names(wanted, taken)
    kinds = ["real"] * (len(wanted) - 1) + ["text"]
    return [NewField(name, kind, original) for name, kind, original in zip(names, kinds, wanted)]


def _log_names(new_fields: Sequence[NewField], log: list[LogLine]) -> None:
    """Say which output fields were renamed because the input has a field of that name."""
    renamed = [f"'{new.alias}' as '{new.name}'" for new in new_fields if new.alias != new.name]
    if renamed:
        log.append(LogLine(f"The input already has such fields, so the results are stored {', '.join(renamed)}."))


def _write_groups(
    layer: QgsVectorLayer,
    path: Path,
    layer_name: str,
    rows: list[_Row],
    request: StatisticsRequest,
    log: list[LogLine],
) -> StatisticsOutcome:
    """One row per area: its code, count and denominator sums (or number of values), value, limits and note."""
    intervals = _group_intervals(rows, request)
    limit_columns = limit_names(request.confidences)
    if request.method == MEAN:
        totals: list[tuple[str, type]] = [("n_values", int)]
    else:
        totals = [("count", float), ("denominator", float), ("n_bands", int)]
    fields = [
        ("area", str), *totals, ("value", float), *[(name, float) for name in limit_columns], (NOTE_FIELD, str),
    ]  # fmt: skip
    table_rows = []
    for area, area_intervals in intervals.items():
        members = [row for row in rows if row.area == area]
        cells = _limits(area_intervals, [None] * len(area_intervals))
        record: dict[str, object] = {"area": area, **dict(zip(["value", *limit_columns, NOTE_FIELD], cells))}
        if request.method == MEAN:
            record["n_values"] = sum(1 for row in members if row.count is not None)
        else:
            record["count"] = sum(row.count or 0.0 for row in members)
            record["denominator"] = sum(row.denominator or 0.0 for row in members)
            record["n_bands"] = len({row.band for row in members})
        table_rows.append(record)
    replace_table(path, FeatureTable(layer_name, fields, table_rows))
    log.append(LogLine(f"{plural('area', len(table_rows))} written, one row each, from {plural('row', len(rows))}."))
    with_value = sum(1 for record in table_rows if record["value"] is not None)
    return StatisticsOutcome(f"{path}|layername={layer_name}", layer_name, len(table_rows), with_value, log)
