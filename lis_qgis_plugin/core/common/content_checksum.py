"""Checksums of what a dataset says, not of the bytes its container happens to hold.

GeoPackages and XLSX workbooks stamp the time they were written, so two identical
runs never give identical files; these checksums hash features and cells instead.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from qgis.core import QgsFeatureRequest, QgsVectorLayer


def geopackage_layer_names(path: Path) -> list[str]:
    """The data tables of a GeoPackage, in name order.

    QGIS's ``layer_styles`` table is left out: it holds styles, not data, and
    stamps each style with the time it was saved.
    """
    query = "SELECT table_name FROM gpkg_contents WHERE table_name != 'layer_styles' ORDER BY table_name"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(query).fetchall()
    return [name for (name,) in rows]


def layer_checksum(layer: QgsVectorLayer) -> str:
    """SHA-256 over field names, attributes and WKB geometries, in feature id order."""
    digest = hashlib.sha256(repr(layer.fields().names()).encode())
    digest.update(layer.crs().authid().encode())
    request = QgsFeatureRequest()
    request.addOrderBy("$id")
    for feature in layer.getFeatures(request):
        digest.update(repr(feature.attributes()).encode())
        if feature.hasGeometry():
            digest.update(bytes(feature.geometry().asWkb()))
    return digest.hexdigest()


def dataset_checksums(path: Path) -> dict[str, str]:
    """Checksums keyed by ``file`` or ``file|layer`` for a GeoPackage, XLSX or any other file."""
    path = Path(path)
    if path.suffix.lower() == ".gpkg":
        checksums = {}
        for name in geopackage_layer_names(path):
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            if not layer.isValid():
                raise ValueError(f"Layer '{name}' of {path} cannot be opened")
            checksums[f"{path.name}|{name}"] = layer_checksum(layer)
        return checksums
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        digest = hashlib.sha256()
        for sheet in workbook.worksheets:
            digest.update(sheet.title.encode())
            for row in sheet.iter_rows(values_only=True):
                digest.update(repr(row).encode())
        workbook.close()
        return {path.name: digest.hexdigest()}
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
