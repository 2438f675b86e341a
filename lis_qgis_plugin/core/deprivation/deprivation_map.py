"""Classify a deprivation measure into deciles, quintiles or classes and write a styled map layer.

This is the one function the Processing algorithm calls. The input layer is only read:
the result is a new GeoPackage layer (every feature, field and geometry, plus a class
field, 1 = most deprived, and a label field) whose default style, stored in the
GeoPackage and written to a .qml file, colours the most deprived class darkest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    QgsClassificationEqualInterval,
    QgsClassificationMethod,
    QgsClassificationPrettyBreaks,
    QgsClassificationQuantile,
    QgsClassificationStandardDeviation,
    QgsFeature,
    QgsFeedback,
    QgsProviderRegistry,
    QgsVectorLayer,
)

from ..common.errors import LogLine
from ..common.wording import list_labels, plural
from ..indicators.metadata_store import read_indicator_metadata
from ..io.layer_codes import find_layer_code_field, layer_label
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    check_output_writable,
    gpkg_destination,
    layer_file,
    safe_field_names,
    shortened_field_notes,
    write_layer_with_fields,
)
from ..io.layer_values import codes_by_id, numeric_kind, read_numbers
from ..io.table_files import TableError
from .classification import (
    METHODS,
    POLARITIES,
    ClassificationError,
    ValueRange,
    check_ranks,
    deprivation_class,
    jenks_breaks,
    local_quantiles,
    national_classes,
    parse_breaks,
    quantile_label,
    range_index,
    range_labels,
    ranges_from_breaks,
)
from .deprivation import Edition, duplicated_codes, national_edition, stored_national_n
from .deprivation_style import RAMPS, apply_and_save_style, categorized_renderer, graduated_renderer

_QUANTILE_GROUPS = {"national_deciles": 10, "national_quintiles": 5, "local_deciles": 10, "local_quintiles": 5}
_QGIS_METHODS: dict[str, type[QgsClassificationMethod]] = {
    "quantile": QgsClassificationQuantile,
    "equal_interval": QgsClassificationEqualInterval,
    "stddev": QgsClassificationStandardDeviation,
    "pretty": QgsClassificationPrettyBreaks,
}


@dataclass
class DeprivationMapOutcome:
    """Where the map layer and its style were written, the new fields and the log."""

    uri: str
    path: Path
    layer_name: str
    qml: Path
    class_field: str
    label_field: str
    counts: dict[int, int]
    log: list[LogLine] = field(default_factory=list)


@dataclass
class _Classes:
    """Class and label per feature id, the legend, and the value ranges of generic methods."""

    by_id: dict[int, int]
    labels: dict[int, str]
    ranges: list[ValueRange] = field(default_factory=list)
    range_classes: list[int] = field(default_factory=list)


def deprivation_map(
    layer: QgsVectorLayer,
    value_field: str,
    method: str,
    output: str,
    classes: int = 5,
    polarity: str = "auto",
    national_n: int | None = None,
    breaks: str = "",
    ramp_name: str = "YlGnBu",
    qml: Path | None = None,
    feedback: QgsFeedback | None = None,
) -> DeprivationMapOutcome:
    """Classify ``value_field`` of ``layer`` by ``method`` (a key of METHODS) and write the styled map layer.

    Raises ClassificationError or OutputError with a message for the user.
    """
    out_path, layer_name = gpkg_destination(output)
    check_output_is_new(out_path, [layer, qml])
    if qml:
        check_output_writable(Path(qml))
    _check_inputs(layer, value_field, method, ramp_name, polarity)
    _check_unique_codes(layer, method)
    numbers = {fid: row[value_field] for fid, row in read_numbers(layer, [value_field], feedback).items()}
    values = {fid: float(value) for fid, value in numbers.items() if value is not None}
    if not values:
        raise ClassificationError(f"Field '{value_field}' is NULL for every feature: there is nothing to classify.")
    log = [LogLine(f"{METHODS[method]} of '{value_field}' ({plural('feature', len(numbers))}).")]
    result = _classify(layer, value_field, values, method, classes, polarity, national_n, breaks, log)

    originals = [f"{value_field}_class", f"{value_field}_class_label"]
    names = safe_field_names(originals, layer.fields().names())
    log.extend(LogLine(line) for line in shortened_field_notes(originals, names))
    new_fields = [
        NewField(names[0], "integer", f"{value_field}: class (1 = most deprived)"),
        NewField(names[1], "text", f"{value_field}: class label"),
    ]
    empty = [None, "no data"]
    rows = {fid: [number, result.labels[number]] for fid, number in result.by_id.items()}

    def row(feature: QgsFeature) -> list:
        return rows.get(feature.id(), empty)

    uri = write_layer_with_fields(layer, out_path, layer_name, new_fields, row, feedback)
    output_layer = QgsVectorLayer(uri, layer_name, "ogr")  # opens with the aliases stored by the writer
    missing = len(numbers) - len(values)
    if result.ranges:
        renderer = graduated_renderer(
            output_layer, value_field, result.ranges, [result.labels[n] for n in result.range_classes],
            result.range_classes, ramp_name,
        )  # fmt: skip
    else:
        renderer = categorized_renderer(output_layer, names[0], result.labels, ramp_name, missing > 0)
    qml_path = Path(qml) if qml else out_path.with_name(f"{layer_name}.qml")
    try:
        apply_and_save_style(output_layer, renderer, qml_path, f"LIS deprivation map: {METHODS[method]}")
    except OSError as error:
        raise ClassificationError(str(error)) from error
    counts = Counter(result.by_id.values())
    for number, label in sorted(result.labels.items()):
        log.append(LogLine(f"Class {number} ({label}): {plural('area', counts.get(number, 0))}"))
    if missing:
        log.append(LogLine(f"No data ({value_field} is NULL): {plural('area', missing)}, shown grey.", True))
    log.append(LogLine(f"Wrote {uri} and its style {qml_path}"))
    return DeprivationMapOutcome(uri, out_path, layer_name, qml_path, names[0], names[1], dict(counts), log)


def _check_inputs(layer: QgsVectorLayer, value_field: str, method: str, ramp_name: str, polarity: str) -> None:
    """ClassificationError when the layer does not open, a choice is unknown or the field is missing or not numeric."""
    if not layer.isValid():
        raise ClassificationError(f"The layer '{layer.name()}' does not open: check its file.")
    if method not in METHODS or ramp_name not in RAMPS or polarity not in POLARITIES:
        raise ClassificationError(f"Unknown method, ramp or polarity: {method}, {ramp_name}, {polarity}.")
    qgis_field = layer.fields().field(value_field) if layer.fields().indexFromName(value_field) >= 0 else None
    if qgis_field is None:
        raise ClassificationError(f"The layer '{layer_label(layer)}' has no field '{value_field}'. Choose a field.")
    if numeric_kind(qgis_field) is None:
        raise ClassificationError(
            f"Field '{value_field}' holds {qgis_field.typeName() or 'non-numeric'} values, not numbers. Choose a "
            "numeric field (a rank or a score); join the indicator table first if it is only in a table."
        )


def _classify(
    layer: QgsVectorLayer,
    value_field: str,
    values: dict[int, float],
    method: str,
    classes: int,
    polarity: str,
    national_n: int | None,
    breaks: str,
    log: list[LogLine],
) -> _Classes:
    """The classes by ``method``: national quantiles of ranks, local quantiles, or a generic method."""
    if method in ("national_deciles", "national_quintiles"):
        return _national(layer, value_field, values, _QUANTILE_GROUPS[method], national_n, log)
    high_is_deprived = _high_is_deprived(layer, value_field, polarity, log)
    if method in _QUANTILE_GROUPS:
        return _local(values, _QUANTILE_GROUPS[method], high_is_deprived, log)
    return _generic(values, method, classes, breaks, high_is_deprived, log)


def _national(
    layer: QgsVectorLayer,
    value_field: str,
    values: dict[int, float],
    groups: int,
    national_n: int | None,
    log: list[LogLine],
) -> _Classes:
    """National deciles or quintiles of the ranks (rank 1 = most deprived among the edition's N areas)."""
    edition = _edition(layer, value_field, values, national_n)
    log.extend(edition.log_lines())
    ranks = check_ranks(list(values.values()), edition.national_n, value_field)
    numbers = national_classes(ranks, edition.national_n, groups)
    labels = {number: quantile_label(number, groups, local=False) for number in range(1, groups + 1)}
    return _Classes(dict(zip(values, numbers)), labels)


def map_edition(layer: QgsVectorLayer, value_field: str, national_n: int | None = None) -> Edition:
    """The edition and N national deciles of ``value_field`` would use (for the panel to show before a run).

    Raises ClassificationError when the field is not a numeric field of the layer, or with the
    message of national_edition when the codes cannot tell the edition or a rank is above N.
    """
    _check_inputs(layer, value_field, "national_deciles", next(iter(RAMPS)), "auto")
    numbers = {fid: row[value_field] for fid, row in read_numbers(layer, [value_field]).items()}
    return _edition(layer, value_field, {fid: float(v) for fid, v in numbers.items() if v is not None}, national_n)


def _edition(layer: QgsVectorLayer, value_field: str, values: dict[int, float], national_n: int | None) -> Edition:
    """The edition of the ranks, from NATIONAL_N, else the layer's LSOA codes and ranks (core.deprivation)."""
    codes = layer_area_codes(layer)
    ranks = {codes.get(fid) or f"feature {fid}": value for fid, value in values.items()}
    return national_edition(
        codes.values(),
        ranks,
        national_n,
        f"field '{value_field}'",
        areas_word="area",
        error=ClassificationError,
        stored=stored_national_n(layer_file(layer)),
    )


def layer_area_codes(layer: QgsVectorLayer) -> dict[int, str]:
    """Feature id -> ONS code of the layer's code field (found as the join finds it); empty when it has none."""
    try:
        return codes_by_id(layer, find_layer_code_field(layer))
    except TableError:
        return {}


def _check_unique_codes(layer: QgsVectorLayer, method: str) -> None:
    """ClassificationError naming the codes on more than one feature, for methods that rank the layer's values.

    National deciles give each feature its own decile, but local groups and generic classes count
    every value: an area listed twice would weigh twice.
    """
    if method in ("national_deciles", "national_quintiles"):
        return
    repeated = duplicated_codes(layer_area_codes(layer).values())
    if repeated:
        raise ClassificationError(
            f"The layer '{layer_label(layer)}' lists {plural('area code', len(repeated))} more than once "
            f"({list_labels(repeated, 10)}), so {METHODS[method].lower()} would count those areas twice. "
            "Keep one feature per area (dissolve or remove the duplicates), then map again."
        )


def _high_is_deprived(layer: QgsVectorLayer, value_field: str, polarity: str, log: list[LogLine]) -> bool:
    """Whether high values are the more deprived, from POLARITY or the indicator metadata of a LIS layer."""
    if polarity != "auto":
        return polarity == "high_deprived"
    path = layer_file(layer)
    stored = ""
    if path is not None and path.suffix.lower() == ".gpkg":
        table = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("layerName") or path.stem
        item = read_indicator_metadata(path, table).get(value_field)
        stored = item.polarity if item else ""
    if stored in ("higher is better", "higher is worse"):
        log.append(LogLine(f"Polarity from the indicator metadata: {stored}."))
        return stored == "higher is worse"
    log.append(
        LogLine(
            f"Polarity of '{value_field}' not known: high values taken as more deprived. For ranks (1 = most "
            "deprived) set POLARITY to 'High values = better'.",
            True,
        )
    )
    return True


def _local(values: dict[int, float], groups: int, high_is_deprived: bool, log: list[LogLine]) -> _Classes:
    """Deciles or quintiles re-ranked among the features of this layer."""
    log.append(
        LogLine(
            f"Local groups: the {len(values):,} areas re-ranked within this layer, most deprived first; equal "
            "values in feature order."
        )
    )
    numbers = local_quantiles(list(values.values()), groups, high_is_deprived)
    labels = {number: quantile_label(number, groups, local=True) for number in range(1, groups + 1)}
    return _Classes(dict(zip(values, numbers)), labels)


def _generic(
    values: dict[int, float],
    method: str,
    classes: int,
    breaks: str,
    high_is_deprived: bool,
    log: list[LogLine],
) -> _Classes:
    """Value ranges by a generic method; class 1 is the range at the deprived end."""
    data = list(values.values())
    low, high = min(data), max(data)
    if method == "manual":
        ranges = ranges_from_breaks(low, high, parse_breaks(breaks))
        if len(data) < len(ranges):
            raise ClassificationError(
                f"{plural('area', len(data))} with values cannot fill {len(ranges)} classes: give fewer breaks."
            )
    else:
        if len(set(data)) < classes:
            raise ClassificationError(
                f"{plural('distinct value', len(set(data)))} cannot make {classes} classes: choose fewer classes."
            )
        if method == "jenks":
            uppers = jenks_breaks(data, classes)
            ranges = ranges_from_breaks(low, high, uppers[:-1])
        else:
            found = _QGIS_METHODS[method]().classes(data, classes)
            ranges = [ValueRange(item.lowerBound(), item.upperBound()) for item in found]
    count = len(ranges)
    range_classes = [deprivation_class(position, count, high_is_deprived) for position in range(count)]
    texts = range_labels(ranges, whole_numbers=all(value == int(value) for value in data))
    labels = dict(zip(range_classes, texts))
    by_id = {fid: range_classes[range_index(value, ranges)] for fid, value in values.items()}
    end = "highest" if high_is_deprived else "lowest"
    log.append(LogLine(f"{count} classes; class 1 = the {end} values (most deprived), darkest."))
    return _Classes(by_id, labels, ranges, range_classes)
