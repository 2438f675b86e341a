"""Plain helpers the tests share (fixtures live in the conftest files): paths, Processing runs, layers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.network.road_network import BACKWARD, FORWARD, TravelMode, classify_way

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import build_plugin as build_plugin  # noqa: E402 - from scripts/, put on sys.path just above

#: The OpenStreetMap tags the road rules read.
TAGS = ("highway", "oneway", "maxspeed", "junction", "access", "motor_vehicle", "foot")

SHARED_DATA = REPO.parent / "shared" / "data" / "real"


def run_create_sample(folder: Path, seed: int = 1, small_areas: int = 150) -> dict:
    """Run lis:createsample through Processing, as the toolbox and qgis_process do."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    params = {"SEED": seed, "SMALL_AREAS": small_areas, "OUTPUT_FOLDER": str(folder)}
    return processing.run("lis:createsample", params, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())


def open_layer(gpkg: Path, name: str) -> QgsVectorLayer:
    """A valid layer of a GeoPackage (fails the test otherwise)."""
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    assert layer.isValid(), f"{gpkg}|{name} does not open"
    return layer


QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"


def run_qgis_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run qgis_process.bin (the Debian wrapper passes an option 3.22 rejects)."""
    return subprocess.run([QGIS_PROCESS, *args], capture_output=True, text=True, env=env, timeout=300)


class LogFeedback(QgsProcessingFeedback):
    """Keeps the log lines an analyst would read in the Processing dialog."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def pushInfo(self, info: str) -> None:
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning: str) -> None:
        self.lines.append(warning)
        super().pushWarning(warning)

    @property
    def text(self) -> str:
        """The whole log as one string."""
        return "\n".join(self.lines)


def saved(layer: QgsVectorLayer, path: Path) -> str:
    """Write a memory layer to a GeoPackage and give its path (Processing then owns no Python layer)."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return str(path)


def run_join(**parameters: object) -> tuple[dict, LogFeedback]:
    """Run lis:joinindicators through Processing, as the toolbox and qgis_process do."""
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run("lis:joinindicators", parameters, context=context, feedback=feedback), feedback


def features_by_code(uri: str, field: str) -> dict[str, dict]:
    layer = QgsVectorLayer(uri, "joined", "ogr")
    assert layer.isValid(), uri
    return {feature[field]: feature.attributeMap() for feature in layer.getFeatures()}


def field_with_alias(uri: str, alias: str) -> str:
    """The output field that carries the original column ``alias``."""
    layer = QgsVectorLayer(uri, "joined", "ogr")
    names = [field.name() for field in layer.fields() if field.alias() == alias]
    assert len(names) == 1, f"no single field with alias {alias!r} in {uri}"
    return names[0]


def file_state(*paths: Path) -> list[tuple[str, bytes]]:
    """Contents of the inputs, to prove the join never writes to them."""
    return [(str(path), path.read_bytes()) for path in paths]


def qgis_copy(highways: str, mode: TravelMode) -> QgsVectorLayer:
    """The ways our rules keep, with our speed (km/h) and direction (F/B/T) as fields for QGIS."""
    source = QgsVectorLayer(highways, "highways", "ogr")
    copy = QgsVectorLayer("LineString?crs=EPSG:27700&field=speed:double&field=dir:string", "roads", "memory")
    names = source.fields().names()
    features = []
    for feature in source.getFeatures(QgsFeatureRequest()):
        tags = {key: value for key, value in zip(names, feature.attributes()) if key in TAGS}
        rule = classify_way(tags, mode)
        if rule.allowed:
            out = QgsFeature(copy.fields())
            out.setGeometry(feature.geometry())
            out.setAttributes([rule.speed_kph, {FORWARD: "F", BACKWARD: "B"}.get(rule.direction, "T")])
            features.append(out)
    copy.dataProvider().addFeatures(features)
    return copy


def point_layer(xy: np.ndarray) -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:27700&field=pid:integer", "points", "memory")
    features = []
    for index, (x, y) in enumerate(xy):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))))
        feature.setAttributes([index])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer
