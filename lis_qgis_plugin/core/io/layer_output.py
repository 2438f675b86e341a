"""Write a copy of a layer with extra typed fields to a new GeoPackage layer.

Joins and aggregations both produce "these features, all their fields and
geometry, plus some new fields": one writer does it, so both keep the same promises.
The input is only read; the output is a new GeoPackage layer (never a virtual join or
a memory layer), and the new fields' original names survive as aliases.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSource,
    QgsFeedback,
    QgsField,
    QgsFields,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

from ..common.errors import LisError
from .gpkg_writer import FeatureTable, save_default_style, write_tables
from .layer_codes import layer_label

_QGIS_TYPES = {"integer": QMetaType.Type.LongLong, "real": QMetaType.Type.Double, "text": QMetaType.Type.QString}
#: GeoPackage accepts long names, but people read them in attribute tables and expressions.
MAX_FIELD_NAME = 40
_BATCH = 2000


class OutputError(LisError, OSError):
    """The output cannot be written; the message names the file and what to do."""


@dataclass(frozen=True)
class NewField:
    """A field to add: a safe name, its type ('integer', 'real', 'text') and the original name."""

    name: str
    kind: str
    alias: str = ""


def _full_field_name(original: str) -> str:
    """The safe name before it is cut to MAX_FIELD_NAME characters."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", original.strip().lower()).strip("_")
    if not name:
        name = "field"
    return f"f_{name}" if name[0].isdigit() else name


def safe_field_name(original: str) -> str:
    """'Index of Multiple Deprivation (IMD) Rank' -> 'index_of_multiple_deprivation_imd_rank'."""
    return _full_field_name(original)[:MAX_FIELD_NAME].rstrip("_")


def safe_field_names(originals: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """Safe names, unique among themselves and against ``taken`` (case-insensitively, as GeoPackage compares)."""
    used = {name.lower() for name in taken} | {"fid", "geom", "geometry"}
    names = []
    for original in originals:
        base = safe_field_name(original)
        name, number = base, 2
        while name.lower() in used:
            suffix = f"_{number}"
            name = f"{base[: MAX_FIELD_NAME - len(suffix)]}{suffix}"
            number += 1
        used.add(name.lower())
        names.append(name)
    return names


def shortened_field_notes(originals: Sequence[str], names: Sequence[str]) -> list[str]:
    """A line for each field whose name was cut to MAX_FIELD_NAME characters: what it was, what it is stored as.

    ``names`` are the safe names of ``originals`` (as safe_field_names gives them); a writer that cuts names
    stores each original as its field's alias, and says so with these lines.
    """
    return [
        f"Field '{original}' is stored as '{name}' (GeoPackage field names are kept to {MAX_FIELD_NAME} "
        "characters); its full name is the alias."
        for original, name in zip(originals, names)
        if not name.startswith(_full_field_name(original))  # cut, not merely numbered ('_2') or normalised
    ]


def gpkg_destination(destination: str) -> tuple[Path, str]:
    """(file, layer name) of a Processing vector destination, which must be a GeoPackage."""
    text = destination.strip()
    layer_name = None
    match = re.match(r"^ogr:dbname='(?P<path>[^']+)'\s+table=\"(?P<table>[^\"]+)\"", text)
    if match:
        text, layer_name = match.group("path"), match.group("table")
    elif "|layername=" in text:
        text, layer_name = text.split("|layername=", 1)
    path = Path(text)
    if path.suffix.lower() != ".gpkg":
        raise OutputError(
            f"{path.name}: LIS writes results to GeoPackage so field names, aliases and indicator metadata "
            "survive. Choose a file ending in .gpkg."
        )
    return path, layer_name or path.stem


def layer_file(layer: QgsVectorLayer) -> Path | None:
    """The existing file behind a layer (GeoPackage, GeoJSON, shapefile...); None for memory or database layers."""
    source = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path") or ""
    return Path(source).resolve() if source and Path(source).exists() else None


def folder_problem(folder: Path) -> str | None:
    """Why no file can be made in ``folder`` (or in the folders that would be made for it); None when one can.

    Found without creating anything: a path through a file ('notes.txt/out'), or a place where the
    nearest existing folder takes no new file (read-only folder or file system, /proc, /sys): a
    probe file is created there and removed at once.
    """
    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"'{existing}' is a file, not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".lis_write_test_"):
            pass
    except OSError as error:
        return f"{error.strerror or error} in '{existing}'"
    return None


def check_output_writable(output: Path) -> None:
    """OutputError naming ``output`` when it cannot be written, found before any work rather than after it.

    Refused: a folder where a file is wanted, an existing file that cannot be opened for writing,
    and a file whose folder takes no new file (see folder_problem). Missing folders are not made here.
    """
    path = Path(output)
    if path.is_dir():
        raise OutputError(f"{path}: this is a folder, not a file. Choose a file name for the output.")
    problem = folder_problem(path.parent)
    if problem is None and path.exists():
        try:
            with path.open("ab"):  # opened for writing, not written: the file is unchanged
                pass
        except OSError as error:
            problem = f"{error.strerror or error}"
    if problem:
        raise OutputError(f"{path}: cannot be written: {problem}. Choose an output in a folder you can write to.")


def check_output_is_new(output: Path, inputs: Sequence[Path | QgsVectorLayer | None]) -> None:
    """Refuse an output that cannot be written, or that is a file given as input (a path, or a layer's file).

    Inputs are never modified, and a run never computes for minutes to fail at the end on its output.
    """
    target = Path(output).resolve()
    for item in inputs:
        if isinstance(item, QgsVectorLayer):
            if layer_file(item) == target:
                raise OutputError(
                    f"{Path(output).name}: this is the file of input layer '{layer_label(item)}'. LIS never writes "
                    "into its inputs: choose another output GeoPackage."
                )
        elif item is not None and Path(item).resolve() == target:
            raise OutputError(
                f"{output}: this file is one of the inputs. LIS never writes into its inputs: choose a new "
                "GeoPackage for the output."
            )
    check_output_writable(Path(output))


def write_layer_with_fields(
    source: QgsFeatureSource,
    path: Path,
    layer_name: str,
    new_fields: Sequence[NewField],
    values: Callable[[QgsFeature], Sequence[object]],
    feedback: QgsFeedback | None = None,
    keep_fields: bool = True,
) -> str:
    """Copy every feature of ``source`` with its geometry, add ``values(feature)`` as new fields.

    Replaces the layer ``layer_name`` if the GeoPackage already has it, keeps its other layers.
    Returns the new layer's URI.
    """
    path = Path(path)
    fields = QgsFields()
    if keep_fields:
        for field in source.fields():
            fields.append(QgsField(field))
    for new in new_fields:
        fields.append(QgsField(new.name, _QGIS_TYPES[new.kind]))
    options = gpkg_options(path, layer_name)
    writer = QgsVectorFileWriter.create(
        str(path), fields, source.wkbType(), source.sourceCrs(), QgsCoordinateTransformContext(), options
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        message = writer.errorMessage()
        del writer
        raise OutputError(f"{path}: cannot write layer '{layer_name}' ({message}). Choose another output file.")
    total = max(source.featureCount(), 1)
    kept = source.fields().count() if keep_fields else 0
    batch: list[QgsFeature] = []
    written = 0
    for feature in source.getFeatures(QgsFeatureRequest()):
        added = values(feature)
        attributes = feature.attributes()[:kept] if keep_fields else []
        # Re-use the feature and its geometry (no copies): the writer maps attributes by position.
        feature.setAttributes([*attributes, *added])
        batch.append(feature)
        if len(batch) == _BATCH:
            written += _flush(writer, batch, path, feedback)
            if feedback is not None:
                feedback.setProgress(100.0 * written / total)
    _flush(writer, batch, path, feedback)
    del writer  # flushes and closes the GeoPackage
    uri = f"{path}|layername={layer_name}"
    store_output_aliases(source, uri, new_fields, keep_fields)
    return uri


def store_output_aliases(
    source: QgsFeatureSource, uri: str, new_fields: Sequence[NewField], keep_fields: bool = True
) -> None:
    """Aliases of the output: the source's own (when its fields were kept) and the new fields' original names."""
    aliases = inherited_aliases(source) if keep_fields else {}
    aliases.update({new.name: new.alias for new in new_fields if new.alias and new.alias != new.name})
    store_field_aliases(uri, aliases)


def gpkg_options(path: Path, layer_name: str) -> QgsVectorFileWriter.SaveVectorOptions:
    """Options to write ``layer_name`` into ``path``, keeping the GeoPackage's other layers."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    options.fileEncoding = "UTF-8"
    options.actionOnExistingFile = (
        QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        if path.exists()
        else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{path}: cannot create the folder ({error.strerror}). Choose another output.") from error
    return options


def _flush(writer: QgsVectorFileWriter, batch: list[QgsFeature], path: Path, feedback: QgsFeedback | None) -> int:
    """Write a batch of features (one call to the writer per batch is much faster than per feature)."""
    if feedback is not None and feedback.isCanceled():
        raise OutputError(f"{path}: cancelled; the output layer is incomplete.")
    count = len(batch)
    if batch and not writer.addFeatures(batch):
        raise OutputError(f"{path}: cannot write features ({writer.errorMessage()}).")
    batch.clear()
    return count


def inherited_aliases(source: QgsFeatureSource) -> dict[str, str]:
    """Aliases of the source's fields, including those kept in its stored default style.

    Processing opens layers given by path without their default style, so a second join on
    a LIS output would otherwise lose the first join's original column names.
    """
    aliases = {field.name(): field.alias() for field in source.fields() if field.alias()}
    if isinstance(source, QgsVectorLayer) and source.providerType() == "ogr":
        styled = QgsVectorLayer(source.source(), "aliases", "ogr")  # opens with the default style
        for field in styled.fields():
            if field.alias() and field.name() not in aliases:
                aliases[field.name()] = field.alias()
    return aliases


def store_field_aliases(uri: str, aliases: dict[str, str]) -> None:
    """Keep the original column names as field aliases, in a default style stored in the GeoPackage.

    GDAL 3.6 does not write field aliases to GeoPackage; a default style does, and QGIS
    applies it whenever the layer is opened.
    """
    if not aliases:
        return
    layer = QgsVectorLayer(uri, "output", "ogr")
    if not layer.isValid():
        raise OutputError(f"{uri}: the written layer does not open.")
    for name, alias in aliases.items():
        index = layer.fields().indexFromName(name)
        if index >= 0:
            layer.setFieldAlias(index, alias)
    try:
        save_default_style(layer, uri.split("|layername=")[-1], "LIS: original column names as aliases")
    except OSError as error:
        raise OutputError(f"{uri}: cannot store the field aliases ({error}).") from error


def write_outputs(outputs: list[tuple[str, FeatureTable]], crs_authid: str) -> list[str]:
    """Write each table to its destination (tables sharing a file go in it together); their URIs in order."""
    by_file: dict[Path, list[FeatureTable]] = {}
    uris = []
    for destination, table in outputs:
        path, layer_name = gpkg_destination(destination)
        if "|layername=" in destination or "table=" in destination:
            table.name = layer_name
        by_file.setdefault(path, []).append(table)
        uris.append(f"{path}|layername={table.name}")
    for path, tables in by_file.items():
        names = [t.name for t in tables]
        if len(set(names)) != len(names):
            raise OutputError(f"{path}: two outputs would be the same layer; choose different files.")
        write_tables(path, tables, crs_authid)
    return uris
