"""The QGIS side of aggregation: read small areas' numbers and place each area in a target polygon.

A small area belongs to the target that contains one point of it: its point on surface
(always inside the area, unlike a centroid of a crescent-shaped area), or, when given, its
population-weighted centroid, which puts areas split by a boundary where their people live.
One point per area means each area goes to exactly one target, so totals are preserved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeedback,
    QgsGeometry,
    QgsGeometryEngine,
    QgsPointXY,
    QgsProject,
    QgsSpatialIndex,
    QgsVectorLayer,
)

from ..common.errors import CancelledError
from ..common.ons_codes import normalise_code
from ..io.columnar_reading import ColumnarUnsuitableError, column_values, read_columns, wkb_points
from ..io.layer_codes import find_layer_code_field
from ..io.layer_values import attribute_is_null


@dataclass
class SpatialAssignment:
    """Where each small area went, and the areas that need a word in the log."""

    #: Small-area feature id -> target key, None when no target contains its point.
    target_of: dict[int, str | None]
    #: Small areas placed by their population-weighted centroid.
    by_centroid: int = 0
    #: Small areas without a centroid in the points layer (placed by their point on surface).
    without_centroid: list[int] = field(default_factory=list)
    #: Small areas with no geometry (not placed).
    without_geometry: list[int] = field(default_factory=list)
    #: Small areas whose point fell in more than one target (overlapping polygons): given to the first.
    in_several_targets: list[int] = field(default_factory=list)


def centroid_points(centroids: QgsVectorLayer, code_field: str | None = None) -> dict[str, QgsPointXY]:
    """Code -> point of a layer of population-weighted centroids (its code field found when not given).

    A plain file of 2D points is read as columns (GDAL's Arrow stream), anything else feature by feature.
    """
    code_field = find_layer_code_field(centroids, code_field)
    if centroids.wkbType() == Qgis.WkbType.Point:  # 2D single points: each is its own point on surface
        try:
            return _centroid_points_columnar(centroids, code_field)
        except ColumnarUnsuitableError:
            pass
    index = centroids.fields().indexFromName(code_field)
    points: dict[str, QgsPointXY] = {}
    for feature in centroids.getFeatures(QgsFeatureRequest().setSubsetOfAttributes([index])):
        geometry = feature.geometry()
        if geometry is not None and not geometry.isEmpty():
            value = feature.attribute(index)
            code = "" if attribute_is_null(value) else normalise_code(value)
            if code:
                points.setdefault(code, geometry.pointOnSurface().asPoint())
    return points


def _centroid_points_columnar(centroids: QgsVectorLayer, code_field: str) -> dict[str, QgsPointXY]:
    """:func:`centroid_points` for a plain file of 2D points: the first point of each code, NULL and empty left out."""
    columns = read_columns(centroids, [code_field])
    values = column_values(columns, code_field)
    points: dict[str, QgsPointXY] = {}
    for value, (x, y) in zip(values, wkb_points(columns.wkb).tolist()):
        code = "" if value is None else normalise_code(value)
        if code and code not in points and not (math.isnan(x) or math.isnan(y)):
            points[code] = QgsPointXY(x, y)
    return points


def assign_by_location(
    areas: QgsVectorLayer,
    targets: QgsVectorLayer,
    target_keys: Mapping[int, str],
    feedback: QgsFeedback | None = None,
    transform_context: QgsCoordinateTransformContext | None = None,
    centroids: Mapping[str, QgsPointXY] | None = None,
    centroids_crs: QgsCoordinateReferenceSystem | None = None,
    area_codes: Mapping[int, str] | None = None,
) -> SpatialAssignment:
    """Give each small area to the target polygon containing its point (on the boundary counts as inside).

    ``target_keys`` maps target feature ids to keys (codes, or ids for polygons without codes).
    With ``centroids`` (code -> point, in ``centroids_crs``) and ``area_codes`` (area id -> code),
    an area with a centroid is placed by it. Points are transformed to the targets' CRS.
    Raises CancelledError when ``feedback`` is cancelled.
    """
    context = transform_context or QgsProject.instance().transformContext()
    to_targets = _transform(areas.crs(), targets.crs(), context)
    centroid_transform = _transform(centroids_crs or areas.crs(), targets.crs(), context)
    polygons = _TargetPolygons(targets, target_keys, feedback)
    result = SpatialAssignment({})
    total = max(areas.featureCount(), 1)
    for done, feature in enumerate(areas.getFeatures(QgsFeatureRequest().setNoAttributes())):
        _report_progress(feedback, done, total)
        area_id = feature.id()
        point, transform = None, to_targets
        if centroids is not None:
            code = (area_codes or {}).get(area_id, "")
            if code in centroids:
                point, transform = QgsGeometry.fromPointXY(centroids[code]), centroid_transform
                result.by_centroid += 1
            else:
                result.without_centroid.append(area_id)
        if point is None:
            point = _point_on_surface(feature)
            if point is None:
                result.without_geometry.append(area_id)
                result.target_of[area_id] = None
                continue
        if not _transformed(point, transform):
            result.target_of[area_id] = None
            continue
        found = polygons.containing(point)
        if len(found) > 1:
            result.in_several_targets.append(area_id)
        result.target_of[area_id] = target_keys[found[0]] if found else None
    if feedback is not None:
        feedback.setProgress(100.0)
    return result


class _TargetPolygons:
    """The target polygons in a spatial index, each prepared for point tests the first time a point needs it."""

    def __init__(self, targets: QgsVectorLayer, target_keys: Mapping[int, str], feedback: QgsFeedback | None) -> None:
        self.index = QgsSpatialIndex(QgsSpatialIndex.Flag.FlagStoreFeatureGeometries)
        for feature in targets.getFeatures(QgsFeatureRequest().setNoAttributes()):
            if feedback is not None and feedback.isCanceled():
                raise CancelledError()
            if feature.hasGeometry() and feature.id() in target_keys:
                self.index.addFeature(feature)
        self._engines: dict[int, tuple[QgsGeometryEngine, QgsGeometry]] = {}

    def containing(self, point: QgsGeometry) -> list[int]:
        """Ids of the targets containing the point (on the boundary counts as inside), lowest first."""
        candidates = self.index.intersects(point.boundingBox())
        if len(candidates) == 1:  # the usual case: one target's box holds the point
            return candidates if self._contains(candidates[0], point) else []
        return [fid for fid in sorted(candidates) if self._contains(fid, point)]

    def _contains(self, target_id: int, point: QgsGeometry) -> bool:
        prepared = self._engines.get(target_id)
        if prepared is None:
            geometry = self.index.geometry(target_id)
            engine = QgsGeometry.createGeometryEngine(geometry.constGet())
            engine.prepareGeometry()
            prepared = self._engines[target_id] = (engine, geometry)  # the engine points into the geometry: keep both
        return prepared[0].intersects(point.constGet())


def _report_progress(feedback: QgsFeedback | None, done: int, total: int) -> None:
    """CancelledError when cancelled; the progress every 200 areas."""
    if feedback is None:
        return
    if feedback.isCanceled():
        raise CancelledError()
    if done % 200 == 0:
        feedback.setProgress(100.0 * done / total)


def _point_on_surface(feature: QgsFeature) -> QgsGeometry | None:
    """A point always inside the area (unlike a centroid); None for an area without geometry."""
    geometry = feature.geometry()
    if geometry is None or geometry.isEmpty():
        return None
    return geometry.pointOnSurface()


def _transformed(point: QgsGeometry, transform: QgsCoordinateTransform | None) -> bool:
    """Transform the point in place to the targets' CRS; False when it cannot be transformed."""
    if transform is not None:
        try:
            point.transform(transform)
        except QgsCsException:
            return False
    return True


def _transform(
    source: QgsCoordinateReferenceSystem,
    destination: QgsCoordinateReferenceSystem,
    context: QgsCoordinateTransformContext,
) -> QgsCoordinateTransform | None:
    """A transform between two different valid CRSs; None when there is nothing to transform."""
    if not source.isValid() or not destination.isValid() or source == destination:
        return None
    return QgsCoordinateTransform(source, destination, context)
