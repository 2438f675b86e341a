"""The areas of a web report as SVG paths: British National Grid metres, simplified, whole numbers.

The browser draws the map as inline SVG with no map library, so the geometry is written once, small:
each area is transformed to EPSG:27700, simplified to about 5 m (invisible at any screen size a district
fills) and snapped to whole metres. SVG's y axis points down, so y = -northing. Every part and hole is
kept, one ``M...Z`` per ring, for the fill-rule evenodd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsFeedback,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)

from ..common.progress import report_progress
from ..io.layer_codes import attribute_text

BRITISH_NATIONAL_GRID = "EPSG:27700"
#: Metres of simplification: a few pixels' worth even when a district's map is 4,000 pixels wide.
SIMPLIFY_METRES = 5.0


@dataclass(frozen=True)
class WebArea:
    """One area of the map: its code, name, SVG path and bounds (xmin, ymin, xmax, ymax in SVG units)."""

    code: str
    name: str
    path: str
    bounds: tuple[int, int, int, int] | None


def ring_path(points: Sequence[tuple[float, float]]) -> tuple[str, list[tuple[int, int]]]:
    """'M x y L x y ... Z' of one ring in whole metres with y = -northing, repeated points dropped."""
    snapped: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), -round(y))
        if not snapped or snapped[-1] != point:
            snapped.append(point)
    if len(snapped) > 1 and snapped[0] == snapped[-1]:
        snapped.pop()  # Z closes the ring
    if len(snapped) < 3:
        return "", []
    head, *rest = snapped
    return f"M{head[0]} {head[1]}L" + "L".join(f"{x} {y}" for x, y in rest) + "Z", snapped


def geometry_path(geometry: QgsGeometry) -> tuple[str, tuple[int, int, int, int] | None]:
    """The SVG path of a (multi)polygon already in metres, and its bounds; ('', None) when nothing is left."""
    simplified = geometry.simplify(SIMPLIFY_METRES)
    if simplified is None or simplified.isEmpty():
        simplified = geometry
    parts = simplified.asMultiPolygon() if simplified.isMultipart() else [simplified.asPolygon()]
    texts, points = [], []
    for polygon in parts:
        for ring in polygon:
            text, snapped = ring_path([(point.x(), point.y()) for point in ring])
            if text:
                texts.append(text)
                points.extend(snapped)
    if not points:
        return "", None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return "".join(texts), (min(xs), min(ys), max(xs), max(ys))


def area_paths(
    layer: QgsVectorLayer, code_field: str, name_field: str, feedback: QgsFeedback | None = None
) -> list[WebArea]:
    """Every feature of ``layer`` as a WebArea (in the layer's order); progress 0-20 of the whole export."""
    transform = QgsCoordinateTransform(
        layer.crs(), QgsCoordinateReferenceSystem(BRITISH_NATIONAL_GRID), QgsProject.instance().transformContext()
    )
    request = QgsFeatureRequest().setSubsetOfAttributes([code_field, name_field], layer.fields())
    total = max(layer.featureCount(), 1)
    areas = []
    for number, feature in enumerate(layer.getFeatures(request)):
        report_progress(feedback, 20 * number / total)
        geometry = QgsGeometry(feature.geometry())
        path, bounds = "", None
        if not geometry.isNull() and not geometry.isEmpty():
            geometry.transform(transform)
            path, bounds = geometry_path(geometry)
        code = attribute_text(feature[code_field]).strip().upper()
        areas.append(WebArea(code, attribute_text(feature[name_field]).strip() or code, path, bounds))
    return areas


def view_box(areas: Sequence[WebArea], margin: int = 50) -> str:
    """'xmin ymin width height' holding every area, with a margin of ``margin`` metres."""
    bounds = [area.bounds for area in areas if area.bounds is not None]
    if not bounds:
        return "0 0 1 1"
    xmin = min(item[0] for item in bounds) - margin
    ymin = min(item[1] for item in bounds) - margin
    xmax = max(item[2] for item in bounds) + margin
    ymax = max(item[3] for item in bounds) + margin
    return f"{xmin} {ymin} {xmax - xmin} {ymax - ymin}"
