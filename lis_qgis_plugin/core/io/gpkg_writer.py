"""Write plain feature tables to GeoPackage layers with QGIS's own writer.

Results always go to GeoPackage: memory layers vanish when a project is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

_FIELD_TYPES = {int: QMetaType.Type.LongLong, float: QMetaType.Type.Double, str: QMetaType.Type.QString}
_GEOMETRY_TYPES = {
    "Point": Qgis.WkbType.Point,
    "LineString": Qgis.WkbType.LineString,
    "Polygon": Qgis.WkbType.Polygon,
    "MultiPolygon": Qgis.WkbType.MultiPolygon,
    None: Qgis.WkbType.NoGeometry,
}


@dataclass
class FeatureTable:
    """A layer to write: typed fields, attribute rows and optional WKB geometries."""

    name: str
    fields: list[tuple[str, type]]
    rows: list[dict[str, Any]]
    geometry_type: str | None = None
    wkb: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.geometry_type and len(self.wkb) != len(self.rows):
            raise ValueError(f"layer {self.name}: {len(self.rows)} rows but {len(self.wkb)} geometries")


def write_tables(path: Path, tables: Sequence[FeatureTable], crs_authid: str = "EPSG:27700") -> Path:
    """Write the tables as layers of one new GeoPackage (replacing any file at ``path``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    crs = QgsCoordinateReferenceSystem(crs_authid)
    for table in tables:
        _write_table(path, table, crs)
    return path


def _write_table(path: Path, table: FeatureTable, crs: QgsCoordinateReferenceSystem) -> None:
    fields = QgsFields()
    for name, py_type in table.fields:
        fields.append(QgsField(name, _FIELD_TYPES[py_type]))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = table.name
    options.fileEncoding = "UTF-8"
    options.actionOnExistingFile = (
        QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        if path.exists()
        else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
    )
    writer = QgsVectorFileWriter.create(
        str(path), fields, _GEOMETRY_TYPES[table.geometry_type], crs, QgsCoordinateTransformContext(), options
    )
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(f"Cannot write layer '{table.name}' to {path}: {writer.errorMessage()}")
    names = [name for name, _ in table.fields]
    for index, row in enumerate(table.rows):
        feature = QgsFeature(fields)
        feature.setAttributes([row.get(name) for name in names])
        if table.geometry_type:
            geometry = QgsGeometry()
            geometry.fromWkb(table.wkb[index])
            feature.setGeometry(geometry)
        if not writer.addFeature(feature):
            raise OSError(f"Cannot write feature {index} of layer '{table.name}' to {path}: {writer.errorMessage()}")
    del writer  # flushes and closes the layer


def read_text_table(path: Path, layer_name: str, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a no-geometry table of ``path`` as text (empty when the file or table is missing)."""
    layer = QgsVectorLayer(f"{path}|layername={layer_name}", layer_name, "ogr")
    if not layer.isValid():
        return []
    return [{name: str(feature[name] or "") for name in columns} for feature in layer.getFeatures()]


def replace_table(path: Path, table: FeatureTable) -> None:
    """Write (or replace) one no-geometry table in ``path``, leaving its other layers alone."""
    _write_table(Path(path), table, QgsCoordinateReferenceSystem())


def replace_text_table(path: Path, layer_name: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Write (or replace) one no-geometry table of text columns in ``path``, leaving its other layers alone.

    For the small bookkeeping tables LIS keeps beside its layers (indicator metadata, download sources).
    """
    rows = [{name: str(row.get(name, "") or "") for name in columns} for row in rows]
    replace_table(path, FeatureTable(layer_name, [(name, str) for name in columns], rows))


def store_default_style(path: Path, layer_name: str, qml_path: Path) -> None:
    """Save a QML style inside the GeoPackage as the layer's default style.

    QGIS applies it whenever the layer is opened, so the styling survives being
    added by hand, from Processing, or in a project moved to another machine.
    """
    layer = QgsVectorLayer(f"{path}|layername={layer_name}", layer_name, "ogr")
    message, loaded = layer.loadNamedStyle(str(qml_path))
    if not loaded:
        raise OSError(f"Cannot read style {qml_path}: {message}")
    save_default_style(layer, layer_name, f"LIS default style for {layer_name}")


def save_default_style(layer: QgsVectorLayer, style_name: str, description: str) -> None:
    """Store the layer's current style in its GeoPackage as the default, replacing an earlier one.

    An existing style of the same name is deleted first: otherwise QGIS asks "overwrite?"
    in a modal dialog, which hangs a Processing run or a headless script.
    """
    count, ids, names, _, _ = layer.listStylesInDatabase()
    for style_id, name in zip(ids[:count], names[:count]):
        if name == style_name:
            layer.deleteStyleFromDatabase(style_id)
    if hasattr(layer, "saveStyleToDatabaseV2"):  # QGIS 3.44+ and 4, where saveStyleToDatabase is deprecated
        _, error = layer.saveStyleToDatabaseV2(style_name, description, True, "")
    else:  # QGIS 3.40 has only this one
        error = layer.saveStyleToDatabase(style_name, description, True, "")
    if error:
        raise OSError(f"Cannot store the style of '{layer.name()}' in {layer.source()}: {error}")
