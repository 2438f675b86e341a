"""Join an indicator table onto boundaries: read, check, match, write a new layer and the report.

This is the one function the Processing algorithm, the demo and the tests call.
The boundary layer and the table are only read: the result is a new GeoPackage layer
holding every boundary feature, field and geometry plus the typed indicator fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsFeature, QgsFeedback, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType

from ..common.garbage_collection import collector_paused
from ..common.ons_codes import normalise_code
from ..io.background_copy import BackgroundCopy
from ..io.layer_codes import attribute_text, field_values, find_layer_code_field, layer_label, raw_table_from_layer
from ..io.layer_output import (
    NewField,
    check_output_is_new,
    gpkg_destination,
    layer_file,
    safe_field_names,
    shortened_field_notes,
    store_output_aliases,
    write_layer_with_fields,
)
from ..io.table_files import RawTable, TableError, read_raw_table
from .code_lookup import CodeLookup, read_code_lookup
from .indicator_join import plan_join
from .indicator_table import IndicatorMetadata, IndicatorTable, build_indicator_table, read_metadata_file
from .indicator_values import SUPPRESSED_MARKERS
from .join_report import JoinReport
from .metadata_store import write_indicator_metadata


@dataclass
class JoinOutcome:
    """Where the joined layer and its reports were written, and the report itself."""

    uri: str
    path: Path
    layer_name: str
    report: JoinReport
    report_html: Path | None = None
    report_json: Path | None = None


def read_table_input(
    table: Path | str | QgsVectorLayer, sheet: str | None = None, code_column: str | None = None
) -> RawTable:
    """A table file path or a table layer already in QGIS, as text."""
    if isinstance(table, QgsVectorLayer):
        source = layer_file(table)
        suffix = source.suffix.lower() if source else ""
        if source is not None and suffix in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".ods"):
            return read_raw_table(source, sheet or _layer_sheet(table), code_column)  # read cells as text
        return raw_table_from_layer(table)
    return read_raw_table(Path(table), sheet, code_column)


def _layer_sheet(layer: QgsVectorLayer) -> str | None:
    """The sheet of a spreadsheet layer ('book.xlsx|layername=Indicators')."""
    if "|layername=" in layer.source():
        return layer.source().split("|layername=", 1)[1].split("|")[0]
    return None


def check_outputs(output: Path, report_html: Path | None, inputs: list[Path | None]) -> None:
    """The joined GeoPackage, the report and its JSON twin: writable and not inputs, checked before the join."""
    check_output_is_new(output, inputs)
    if report_html:
        for report_path in (Path(report_html), Path(report_html).with_suffix(".json")):
            check_output_is_new(report_path, [*inputs, output])


@collector_paused()  # national tables: millions of small objects and no cycles to collect
def join_indicators(
    boundaries: QgsVectorLayer,
    table: Path | str | QgsVectorLayer | IndicatorTable,
    output: str,
    boundary_field: str | None = None,
    sheet: str | None = None,
    table_code_field: str | None = None,
    fields: Sequence[str] | None = None,
    period: str | None = None,
    duplicates: str = "error",
    lookup: Path | CodeLookup | None = None,
    report_html: Path | None = None,
    metadata_file: Path | None = None,
    markers: frozenset[str] = SUPPRESSED_MARKERS,
    feedback: QgsFeedback | None = None,
) -> JoinOutcome:
    """Join ``table`` onto ``boundaries`` and write the result to the GeoPackage ``output``.

    ``markers``: the cell texts read as suppressed values (NULL, counted by marker), lower case.
    ``table`` may also be an IndicatorTable already built (the indicator store's values) and ``lookup`` a
    CodeLookup already read (the store's lookups): the rest of the join is the same.
    Raises TableError, JoinError or OutputError with a message for the user.
    """
    out_path, layer_name = gpkg_destination(output)
    table_file = Path(table) if isinstance(table, (str, Path)) else None
    lookup_file = None if isinstance(lookup, CodeLookup) else lookup
    check_outputs(out_path, report_html, [layer_file(boundaries), table_file, lookup_file, metadata_file])
    if not boundaries.isValid():
        raise TableError(f"The boundary layer '{boundaries.name()}' does not open: check its file.")
    boundary_field = find_layer_code_field(boundaries, boundary_field)
    copy = None
    if not out_path.exists() and boundaries.fields().field(boundary_field).type() == QMetaType.Type.QString:
        copy = BackgroundCopy(boundaries, out_path, layer_name, feedback)  # the slow part, started now
    try:
        if isinstance(table, IndicatorTable):
            indicator_table = table
        else:
            metadata: dict[str, IndicatorMetadata] = read_metadata_file(Path(metadata_file)) if metadata_file else {}
            raw = read_table_input(table, sheet, table_code_field)
            indicator_table = build_indicator_table(raw, table_code_field, fields, period, metadata, markers)
        raw_codes = field_values(boundaries, boundary_field)
        codes = [normalise_code(value) for value in raw_codes]
        code_lookup = lookup if isinstance(lookup, CodeLookup) else None
        if lookup_file:
            code_lookup = read_code_lookup(Path(lookup_file), set(indicator_table.codes), set(codes))
        plan = plan_join(codes, indicator_table, duplicates, code_lookup, boundary_field)
    except BaseException:
        if copy is not None:
            copy.discard()
        raise
    taken = [item.name() for item in boundaries.fields()]
    names = safe_field_names(plan.columns, taken)
    new_fields = [NewField(name, kind, original) for name, kind, original in zip(names, plan.kinds, plan.columns)]
    indicator_table.notes.extend(shortened_field_notes(plan.columns, names))  # in the log and the report
    empty = [None] * len(new_fields)
    index = boundaries.fields().indexFromName(boundary_field)
    by_text = {text: plan.values[code] for text, code in zip(raw_codes, codes) if code in plan.values}

    def values(feature: QgsFeature) -> list:
        value = feature.attribute(index)
        if isinstance(value, str):  # the usual text code: one look-up, no normalising per feature
            return by_text.get(value, empty)
        return plan.values.get(normalise_code(attribute_text(value)), empty)

    if copy is not None:
        uri = copy.finish(boundary_field, new_fields, by_text)
        store_output_aliases(boundaries, uri, new_fields)
    else:
        uri = write_layer_with_fields(boundaries, out_path, layer_name, new_fields, values, feedback)
    stored = {
        name: indicator_table.metadata.get(original) or IndicatorMetadata(original, indicator_table.source)
        for name, original, kind in zip(names, plan.columns, plan.kinds)
        if kind != "text" or original in indicator_table.metadata
    }
    write_indicator_metadata(out_path, layer_name, stored)
    report = JoinReport(
        indicator_table.source,
        layer_label(boundaries),
        boundary_field,
        uri,
        plan,
        indicator_table,
        [(name, original, kind) for name, original, kind in zip(names, plan.columns, plan.kinds)],
    )
    outcome = JoinOutcome(uri, out_path, layer_name, report)
    if feedback is not None:
        feedback.setProgress(100)
    if report_html:
        outcome.report_html = report.write_html(Path(report_html))
        outcome.report_json = report.write_json(Path(report_html).with_suffix(".json"))
    return outcome
