"""Indicator metadata kept inside the output GeoPackage, beside the layer it describes.

A table ``lis_indicator_metadata`` has one row per (layer, field): the indicator's name,
source, period, unit and polarity. Maps, atlases and reports read it later to title a
legend, cite the source or colour "worse" the right way round.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from .indicator_table import IndicatorMetadata
from .layer_output import OutputError

METADATA_TABLE = "lis_indicator_metadata"
_COLUMNS = ("layer", "field", "indicator", "source", "period", "unit", "polarity")


def _existing_rows(path: Path) -> list[dict[str, str]]:
    layer = QgsVectorLayer(f"{path}|layername={METADATA_TABLE}", METADATA_TABLE, "ogr")
    if not layer.isValid():
        return []
    return [{name: feature[name] or "" for name in _COLUMNS} for feature in layer.getFeatures()]


def write_indicator_metadata(path: Path, layer_name: str, metadata: dict[str, IndicatorMetadata]) -> None:
    """Replace the metadata rows of ``layer_name`` (field name -> metadata), keeping other layers' rows."""
    rows = [row for row in _existing_rows(path) if row["layer"] != layer_name]
    for field_name, item in metadata.items():
        rows.append({
            "layer": layer_name, "field": field_name, "indicator": item.name, "source": item.source,
            "period": item.period, "unit": item.unit, "polarity": item.polarity,
        })  # fmt: skip
    fields = QgsFields()
    for name in _COLUMNS:
        fields.append(QgsField(name, QVariant.String))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = METADATA_TABLE
    options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    writer = QgsVectorFileWriter.create(
        str(path), fields, QgsWkbTypes.NoGeometry, QgsCoordinateReferenceSystem(), QgsCoordinateTransformContext(),
        options,
    )  # fmt: skip
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise OutputError(f"{path}: cannot write the indicator metadata table ({writer.errorMessage()}).")
    for row in rows:
        feature = QgsFeature(fields)
        feature.setAttributes([row[name] for name in _COLUMNS])
        writer.addFeature(feature)
    del writer


def read_indicator_metadata(path: Path, layer_name: str) -> dict[str, IndicatorMetadata]:
    """Field name -> metadata for one layer of a GeoPackage written by LIS (empty when there is none)."""
    return {
        row["field"]: IndicatorMetadata(row["indicator"], row["source"], row["period"], row["unit"], row["polarity"])
        for row in _existing_rows(Path(path))
        if row["layer"] == layer_name
    }
