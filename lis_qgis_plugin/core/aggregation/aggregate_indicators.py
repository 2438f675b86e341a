"""Aggregate small-area values to larger areas: check, place, add up, write a new layer and the log.

This is the one function the Processing algorithm calls, and Python code can call it directly.
core.aggregation.aggregation does the arithmetic and the words, core.aggregation.spatial_assignment places areas
by location, core.indicators.code_lookup reads lookups and core.io.layer_output writes the GeoPackage.
The small areas, the targets, the lookup and the centroids are only read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeedback,
    QgsPointXY,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProviderRegistry,
    QgsVectorLayer,
)

from ..common.errors import LisError, LogLine
from ..common.garbage_collection import collector_paused
from ..common.ons_codes import profile_codes
from ..common.wording import list_labels, plural, plural_word
from ..indicators.code_lookup import read_code_lookup
from ..indicators.indicator_table import IndicatorMetadata
from ..indicators.metadata_store import read_indicator_metadata, write_indicator_metadata
from ..io.layer_codes import find_layer_code_field, layer_label
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    gpkg_destination,
    layer_file,
    safe_field_names,
    shortened_field_notes,
    write_layer_with_fields,
)
from ..io.layer_values import codes_by_id, feature_ids, numeric_field_kind, read_numbers
from ..io.table_files import TableError
from .aggregation import (
    AggregationResult,
    AreaRecord,
    Measure,
    Ratio,
    TargetValues,
    aggregate,
    assign_by_lookup,
    measure_alias,
    output_kind,
    summary_lines,
)
from .ratio_fields import RatioField, write_ratio_fields
from .spatial_assignment import SpatialAssignment, assign_by_location, centroid_points

#: The parameter that chooses the fields of each aggregation method; messages name it.
METHOD_PARAMETERS: tuple[tuple[str, str], ...] = (
    ("FIELDS_SUM", "sum"),
    ("FIELDS_MEAN", "mean"),
    ("FIELDS_WEIGHTED_MEAN", "wmean"),
    ("FIELDS_MIN", "min"),
    ("FIELDS_MAX", "max"),
)
#: The parameter of ratios of sums (numerator/denominator pairs); messages name it.
RATIO_PARAMETER = "FIELDS_RATIO"


class AggregationError(LisError, ValueError):
    """The chosen inputs cannot work together; the message says what to choose instead."""


@dataclass
class AggregateOutcome:
    """Where the aggregated layer was written, what each target got and the log that explains it."""

    uri: str
    path: Path
    layer_name: str
    result: AggregationResult
    records: list[AreaRecord]
    #: How the areas were placed by location; None when a lookup placed them.
    placement: SpatialAssignment | None
    log: list[LogLine] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        """Small areas that reached a target."""
        return self.result.assigned

    @property
    def unassigned(self) -> int:
        """Small areas left out."""
        return len(self.records) - self.result.assigned


@dataclass
class _Placement:
    """Each small area's target key, and how to say it in the log."""

    target_of: dict[int, str | None]
    how: str
    reason: str
    spatial: SpatialAssignment | None = None


@collector_paused()  # tens of thousands of areas' records and no cycles to collect
def aggregate_indicators(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    output: str,
    measures: Sequence[Measure],
    weight_field: str | None = None,
    area_field: str | None = None,
    target_field: str | None = None,
    lookup: Path | None = None,
    centroids: QgsVectorLayer | None = None,
    feedback: QgsFeedback | None = None,
    transform_context: QgsCoordinateTransformContext | None = None,
    ratios: Sequence[Ratio] = (),
) -> AggregateOutcome:
    """Aggregate ``measures`` and ``ratios`` of the small ``areas`` over ``targets``; write the GeoPackage ``output``.

    Each ratio is multiplier x sum(numerator) / sum(denominator) over a target's areas with both,
    written with the sums of its numerator and denominator (added as sums when not among
    ``measures``) and recorded in the GeoPackage's lis_ratio_fields table for later tools.

    Each small area goes to one target: through ``lookup`` (small-area code -> target code) when
    given, else by location, the target containing its point on surface, or its point in
    ``centroids`` (one point per small area with the same codes, such as population-weighted
    centroids). Code fields are found when not given. Raises TableError, OutputError or
    AggregationError with a message for the user, and CancelledError when ``feedback`` is cancelled.
    """
    measures = list(measures)
    ratios = list(dict.fromkeys(ratios))
    weight_field = weight_field or ""
    weighted = [measure.field for measure in measures if measure.method == "wmean"]
    if weighted and not weight_field:
        raise AggregationError(
            f"FIELDS_WEIGHTED_MEAN ({', '.join(weighted)}) needs WEIGHT_FIELD: choose the population field of the "
            "small areas to weight by (for example pop_total), or move these fields to FIELDS_MEAN."
        )
    path, layer_name = gpkg_destination(output)
    check_output_is_new(path, [areas, targets, lookup, centroids])
    ratio_kinds = {
        name: numeric_field_kind(areas, name, RATIO_PARAMETER)
        for ratio in ratios
        for name in (ratio.numerator, ratio.denominator)
    }
    measures += [Measure(name, "sum") for name in ratio_kinds if Measure(name, "sum") not in measures]
    kinds = _numeric_kinds(areas, measures, weight_field)
    steps = _steps(feedback, 3)
    placed = place_small_areas(areas, targets, area_field, target_field, lookup, centroids, steps, transform_context)
    key_of, areas_word = placed.key_of, placed.areas_word
    log = list(placed.log)
    _next_step(steps, 1)
    values = read_numbers(areas, [*kinds], steps)
    records = [
        AreaRecord(placed.label(fid), placed.target_of.get(fid), values[fid], values[fid].get(weight_field))
        for fid in placed.area_ids
    ]
    result = aggregate(records, list(key_of.values()), measures, ratios)

    _next_step(steps, 2)
    partial = [ratio for ratio in ratios if result.left_out_of_ratio.get(ratio)]
    chosen = (measures, ratios, partial)
    fields, cells, shortened = _output_fields(areas, targets, chosen, kinds, weight_field, areas_word)

    def row(feature: QgsFeature) -> list[object]:
        return cells(result.targets[key_of[feature.id()]])

    uri = write_layer_with_fields(targets, path, layer_name, fields, row, steps)
    _carry_metadata(areas, (path, layer_name), chosen, fields, weight_field, areas_word)
    lines = summary_lines(result, records, measures, areas_word, placed.targets_word, placed.how, placed.reason, ratios)
    log.extend(LogLine(line) for line in [*lines, *shortened])
    return AggregateOutcome(uri, path, layer_name, result, records, placed.spatial, log)


@dataclass
class AreaPlacement:
    """Each small area's target key, the codes naming both layers, and the log lines saying how."""

    #: Small-area feature id -> normalised code ('' when NULL); empty when the layer has no code field.
    area_codes: dict[int, str]
    #: Every small-area feature id, in feature order.
    area_ids: list[int]
    #: Target feature id -> its key: its code, or 'fid N' when the targets have no codes.
    key_of: dict[int, str]
    #: Small-area feature id -> target key; None when the area reaches no target.
    target_of: dict[int, str | None]
    areas_word: str
    targets_word: str
    #: How the areas were placed, ending a sentence ('through lookup.csv (...)', 'by location (...)').
    how: str
    #: Why an area has no target ('are not in lookup.csv', 'lie outside every ward').
    reason: str
    #: The account of a placement by location; None when a lookup placed the areas.
    spatial: SpatialAssignment | None
    log: list[LogLine] = field(default_factory=list)

    def label(self, area_id: int) -> str:
        """The small area's code, or 'feature N' without one, for the log."""
        return self.area_codes.get(area_id) or f"feature {area_id}"


def place_small_areas(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    area_field: str | None = None,
    target_field: str | None = None,
    lookup: Path | None = None,
    centroids: QgsVectorLayer | None = None,
    feedback: QgsFeedback | None = None,
    transform_context: QgsCoordinateTransformContext | None = None,
) -> AreaPlacement:
    """Give each of the small ``areas`` one target: through ``lookup`` when given, else by location.

    By location, an area goes to the target containing its point on surface, or its point in
    ``centroids`` (matched by code). Code fields are found when not given (parameter names
    CODE_FIELD and TARGET_CODE_FIELD in messages). Raises TableError with a message for the user,
    CancelledError when ``feedback`` is cancelled. The layers and the lookup are only read.
    """
    log: list[LogLine] = []
    if not lookup and areas.geometryType() == Qgis.GeometryType.Null:
        raise TableError(
            f"Layer '{layer_label(areas)}' is a table without geometry, so its rows cannot be placed by location. "
            "Give a LOOKUP (small-area code -> target code) to place them."
        )
    if lookup and centroids is not None:
        log.append(LogLine("CENTROIDS is not used: LOOKUP gives each small area its target."))
        centroids = None

    # Codes name the small areas in the log and key the targets; without codes, feature ids do.
    lookup_needs = (
        "A lookup matches codes, so this layer needs a code field; or leave LOOKUP empty to aggregate by location."
    )
    area_needs = lookup_needs if lookup else None
    if centroids is not None:
        area_needs = (
            "CENTROIDS are matched to the small areas by code, so this layer needs a code field; or leave "
            "CENTROIDS empty to place each small area by its point on surface."
        )
    area_field = _code_field(areas, area_field, "CODE_FIELD", area_needs)
    target_field = _code_field(targets, target_field, "TARGET_CODE_FIELD", lookup_needs if lookup else None)
    area_codes = codes_by_id(areas, area_field) if area_field else {}
    area_ids = list(area_codes) if area_field else feature_ids(areas)
    target_codes = codes_by_id(targets, target_field) if target_field else {}
    target_ids = list(target_codes) if target_field else feature_ids(targets)
    key_of = {fid: target_codes.get(fid) or f"fid {fid}" for fid in target_ids}
    areas_word = profile_codes(area_codes.values()).main or "small area"
    targets_word = profile_codes(target_codes.values()).main or "target area"
    if not target_field:
        log.append(
            LogLine(
                f"Target layer '{targets.name()}' has no field of area codes: its "
                f"{plural(targets_word, len(target_ids))} are told apart by feature id (fid)."
            )
        )
    duplicated = sorted(key for key, count in Counter(key_of.values()).items() if count > 1)
    if duplicated:
        log.append(
            LogLine(
                "These codes are on more than one target feature; each of those features gets the whole total "
                f"of its code: {list_labels(duplicated)}.",
                warning=True,
            )
        )

    if lookup:
        placement = _place_by_lookup(Path(lookup), area_codes, target_codes)
    else:
        placement = _place_by_location(
            areas, targets, key_of, area_codes, centroids, (areas_word, targets_word), feedback, transform_context
        )
        log.extend(_placement_lines(placement.spatial, area_codes, areas_word, centroids))
    return AreaPlacement(
        area_codes,
        area_ids,
        key_of,
        placement.target_of,
        areas_word,
        targets_word,
        placement.how,
        placement.reason,
        placement.spatial,
        log,
    )


def _steps(feedback: QgsFeedback | None, count: int) -> QgsFeedback | None:
    """A Processing feedback split into ``count`` steps of progress; any other feedback as it is."""
    if isinstance(feedback, QgsProcessingFeedback):
        return QgsProcessingMultiStepFeedback(count, feedback)
    return feedback


def _next_step(steps: QgsFeedback | None, number: int) -> None:
    if isinstance(steps, QgsProcessingMultiStepFeedback):
        steps.setCurrentStep(number)


def _code_field(layer: QgsVectorLayer, chosen: str | None, parameter: str, needed_because: str | None) -> str | None:
    """The chosen or detected code field; None when there is none and codes are not needed."""
    chosen = (chosen or "").strip()
    try:
        return find_layer_code_field(layer, chosen or None)
    except TableError as error:
        if chosen:
            raise TableError(f"{parameter}: {error}") from error
        if needed_because:
            raise TableError(f"{parameter}: {error} {needed_because}") from error
        return None


def _parameter_of(method: str) -> str:
    return next(parameter for parameter, each in METHOD_PARAMETERS if each == method)


def _numeric_kinds(areas: QgsVectorLayer, measures: list[Measure], weight_field: str) -> dict[str, str]:
    """Field -> 'integer'/'real' for every field used; TableError naming a missing or text field."""
    used: dict[str, Measure | None] = {measure.field: measure for measure in measures}
    if weight_field:
        used.setdefault(weight_field, None)
    return {
        name: numeric_field_kind(areas, name, "WEIGHT_FIELD" if measure is None else _parameter_of(measure.method))
        for name, measure in used.items()
    }


def _place_by_lookup(lookup: Path, area_codes: dict[int, str], target_codes: dict[int, str]) -> _Placement:
    """Each small area's target through a lookup file."""
    table = read_code_lookup(
        lookup, {code for code in area_codes.values() if code}, {code for code in target_codes.values() if code}
    )
    target_of = assign_by_lookup(area_codes, table.mapping, set(target_codes.values()), table.source)
    how = f"through {lookup.name} ({table.from_column} -> {table.to_column})"
    return _Placement(target_of, how, f"are not in {lookup.name}")


def _place_by_location(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    key_of: dict[int, str],
    area_codes: dict[int, str],
    centroids: QgsVectorLayer | None,
    words: tuple[str, str],
    feedback: QgsFeedback | None,
    transform_context: QgsCoordinateTransformContext | None,
) -> _Placement:
    """Each small area's target: the one containing its point (its centroid, when given, else a point on surface)."""
    areas_word, targets_word = words
    points = _centroids_of(centroids, areas, area_codes, areas_word) if centroids is not None else None
    placed = assign_by_location(
        areas,
        targets,
        key_of,
        feedback,
        transform_context,
        centroids=points,
        centroids_crs=centroids.crs() if centroids is not None else None,
        area_codes=area_codes,
    )
    if centroids is not None:
        point = f"centroid in '{layer_label(centroids)}'"
    else:
        point = "point" if areas.geometryType() == Qgis.GeometryType.Point else "point on surface"
    how = f"by location (the {targets_word} containing each {areas_word}'s {point})"
    return _Placement(placed.target_of, how, f"lie outside every {targets_word}", placed)


def _centroids_of(
    centroids: QgsVectorLayer, areas: QgsVectorLayer, area_codes: dict[int, str], areas_word: str
) -> dict[str, QgsPointXY]:
    """Code -> point of the CENTROIDS layer; TableError when it has no codes, or none of the small areas'."""
    try:
        code_field = find_layer_code_field(centroids)
    except TableError as error:  # its message asks to choose the field by hand: CENTROIDS has no such choice
        raise TableError(
            f"CENTROIDS: layer '{layer_label(centroids)}' has no field of area codes (such as E01000001); its "
            f"fields are: {', '.join(centroids.fields().names()) or 'none'}. Its points are matched to the small "
            "areas by code: give one point per small area carrying its code (such as population-weighted "
            "centroids), or leave CENTROIDS empty to place each small area by its point on surface."
        ) from error
    points = centroid_points(centroids, code_field)
    if not set(points) & set(area_codes.values()):
        theirs = list_labels(sorted(points), 3) or "none"
        ours = list_labels(sorted(code for code in area_codes.values() if code), 3)
        raise TableError(
            f"CENTROIDS: no point of layer '{layer_label(centroids)}' carries a code of the "
            f"{plural_word(areas_word)} of layer '{layer_label(areas)}' (its {code_field}: {theirs}; theirs: "
            f"{ours}). Give the centroids of these small areas, or leave CENTROIDS empty to place each small area "
            "by its point on surface."
        )
    return points


def _placement_lines(
    placed: SpatialAssignment | None,
    area_codes: dict[int, str],
    areas_word: str,
    centroids: QgsVectorLayer | None,
) -> list[LogLine]:
    """What the summary cannot know: areas placed by centroid or without one, without geometry, in overlaps."""
    if placed is None:
        return []

    def named(ids: list[int]) -> str:
        return list_labels([area_codes.get(fid) or f"feature {fid}" for fid in ids])

    lines = []
    if centroids is not None:
        source = f"'{layer_label(centroids)}'"
        lines.append(LogLine(f"{plural(areas_word, placed.by_centroid)} placed by their centroid in {source}."))
        missing = placed.without_centroid
        if missing:
            verb = "has" if len(missing) == 1 else "have"
            lines.append(
                LogLine(
                    f"{plural(areas_word, len(missing))} {verb} no point in {source} and went by their point on "
                    f"surface: {named(missing)}.",
                    warning=True,
                )
            )
    for ids, text in (
        (placed.without_geometry, "have no geometry and cannot be placed"),
        (placed.in_several_targets, "fall in more than one target polygon (they overlap); each went to the first"),
    ):
        if ids:
            lines.append(LogLine(f"{plural(areas_word, len(ids))} {text}: {named(ids)}.", warning=True))
    return lines


def _output_fields(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    chosen: tuple[list[Measure], list[Ratio], list[Ratio]],
    kinds: dict[str, str],
    weight_field: str,
    areas_word: str,
) -> tuple[list[NewField], Callable[[TargetValues], list[object]], list[str]]:
    """The new fields (n_areas, one per measure, one per ratio, the denominators of ratios that left areas out, then
    counts), a function giving a target's cells, and a line for each name cut to the GeoPackage length (its alias
    says it in full)."""
    measures, ratios, partial = chosen
    words = plural_word(areas_word)
    counted = list(dict.fromkeys(measure.field for measure in measures))
    weighted = [measure for measure in measures if measure.method == "wmean"]
    wanted = [
        ("n_areas", "integer", f"Number of {words}"),
        *[
            (
                f"{m.field}_{m.method}",
                output_kind(m.method, kinds[m.field]),
                measure_alias(_label(areas, m.field), m.method, words, _label(areas, weight_field)),
            )
            for m in measures
        ],
        *[(r.name, "real", r.alias(_label(areas, r.numerator), _label(areas, r.denominator))) for r in ratios],
        *[
            (
                f"{r.name}_den",
                output_kind("sum", kinds[r.denominator]),
                f"{r.denominator} (sum over the {words} with both {r.numerator} and {r.denominator})",
            )
            for r in partial
        ],
        *[(f"{name}_n", "integer", f"{words} with a value of {name}") for name in counted],
        *[(f"{m.field}_wmean_n", "integer", f"{words} in the weighted mean of {m.field}") for m in weighted],
        *[(f"{r.name}_n", "integer", f"{words} with both {r.numerator} and {r.denominator}") for r in ratios],
    ]
    names = safe_field_names([name for name, _, _ in wanted], targets.fields().names())
    fields = [NewField(name, kind, alias) for name, (_, kind, alias) in zip(names, wanted)]
    shortened = shortened_field_notes([name for name, _, _ in wanted], names)

    def cells(target: TargetValues) -> list[object]:
        return [
            target.n_areas,
            *[target.values[m] for m in measures],
            *[target.ratios[r] for r in ratios],
            *[target.ratio_denominators[r] for r in partial],
            *[target.present[name] for name in counted],
            *[target.contributors[m] for m in weighted],
            *[target.ratio_areas[r] for r in ratios],
        ]

    return fields, cells, shortened


def _label(layer: QgsVectorLayer, name: str) -> str:
    """A field's alias when it has one, else its name."""
    index = layer.fields().indexFromName(name)
    return layer.fields().at(index).displayName() if index >= 0 else name


def _carry_metadata(
    areas: QgsVectorLayer,
    where: tuple[Path, str],
    chosen: tuple[list[Measure], list[Ratio], list[Ratio]],
    fields: list[NewField],
    weight_field: str,
    areas_word: str,
) -> None:
    """Give each aggregate the indicator metadata of its field, when the input is a LIS GeoPackage layer, and each
    ratio its own (unit, method, sources), recording its numerator and denominator for later tools."""
    path, layer_name = where
    measures, ratios, partial = chosen
    known = _input_metadata(areas)
    metadata: dict[str, IndicatorMetadata] = {}
    for measure, new in zip(measures, fields[1:]):
        item = known.get(measure.field)
        if item is not None:
            name = measure_alias(item.name, measure.method, plural_word(areas_word), weight_field)
            metadata[new.name] = IndicatorMetadata(name, item.source, item.period, item.unit, item.polarity)
    sums = {measure.field: new.name for measure, new in zip(measures, fields[1:]) if measure.method == "sum"}
    # A ratio that left areas out is weighted by the sum of its own denominators, not of every area's.
    start = 1 + len(measures) + len(ratios)
    weights = {ratio: new.name for ratio, new in zip(partial, fields[start : start + len(partial)])}
    recorded: dict[str, RatioField] = {}
    for ratio, new in zip(ratios, fields[1 + len(measures) :]):
        parts = [known.get(ratio.numerator), known.get(ratio.denominator)]
        sources = dict.fromkeys(item.source for item in parts if item is not None and item.source)
        period = next((item.period for item in parts if item is not None and item.period), "")
        metadata[new.name] = IndicatorMetadata(new.alias, "; ".join(sources), period, ratio.unit)
        recorded[new.name] = RatioField(
            ratio.numerator, ratio.denominator, ratio.multiplier, sums[ratio.numerator],
            weights.get(ratio, sums[ratio.denominator]), ratio.method,
        )  # fmt: skip
    if metadata or read_indicator_metadata(path, layer_name):  # also clears rows of an older run
        write_indicator_metadata(path, layer_name, metadata)
    write_ratio_fields(path, layer_name, recorded)


def _input_metadata(areas: QgsVectorLayer) -> dict[str, IndicatorMetadata]:
    """The indicator metadata of the small areas, when they are a LIS GeoPackage layer."""
    source = layer_file(areas)
    if source is None or source.suffix.lower() != ".gpkg":
        return {}
    decoded = QgsProviderRegistry.instance().decodeUri(areas.providerType(), areas.source())
    return read_indicator_metadata(source, decoded.get("layerName") or source.stem)
