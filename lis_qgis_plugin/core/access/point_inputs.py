"""Facilities and demand read from layers: the checks and conversions every access and location tool shares.

lis:servicecatchments and lis:locateservices read their points here, so a layer
without a CRS, a missing field or duplicate ids gets the same message whichever tool meets it. The
location solver's demand and sites are defined here too, below both the solver's driver and its summaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpression,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)

from ..common.errors import LisError
from ..common.wording import list_labels, plural
from ..network.road_network import DEFAULT_PROJECTED_CRS


class InputLayerError(LisError, ValueError):
    """A facility, site or demand layer that cannot be read as asked (no CRS, a missing field, duplicate ids)."""


@dataclass
class FacilityPoints:
    """Facilities or sites as points in the working CRS, with one extra attribute each (capacity, name)."""

    ids: list[str]
    xy: np.ndarray
    capacity: list[Any]
    capacity_type: type


@dataclass
class DemandPoints:
    """The demand as the solver sees it: one point per feature, its population and need-weighted weight."""

    fids: list[int]
    codes: list[str]
    xy: np.ndarray
    wkb: list[bytes]
    geometry_type: str
    population: np.ndarray
    need: list[float] | None
    multiplier: np.ndarray
    weight: np.ndarray
    decile: list[int | None] | None


@dataclass
class Sites:
    """Sites (existing or candidate): id, name and location in the working CRS."""

    ids: list[str]
    names: list[str]
    xy: np.ndarray

    def label(self, index: int) -> str:
        """'Name (id)', or the id when the name is empty or the same."""
        name, ident = self.names[index], self.ids[index]
        return ident if not name or name == ident else f"{name} ({ident})"


def layer_transform(layer: QgsVectorLayer, crs_authid: str) -> QgsCoordinateTransform | None:
    """The transform from the layer's CRS to ``crs_authid`` (None when they are the same)."""
    target = QgsCoordinateReferenceSystem(crs_authid)
    if layer.crs() == target:
        return None
    if not layer.crs().isValid():
        raise InputLayerError(f"The layer {layer.name()!r} has no coordinate reference system: set it first.")
    return QgsCoordinateTransform(layer.crs(), target, QgsProject.instance().transformContext())


def field_index(layer: QgsVectorLayer, name: str | None, what: str) -> int | None:
    """The index of field ``name`` (None when no field is chosen); a clear message when it is missing."""
    if not name:
        return None
    index = layer.fields().lookupField(name)
    if index < 0:
        raise InputLayerError(
            f"The layer {layer.name()!r} has no {what} field {name!r}; its fields are: "
            f"{', '.join(layer.fields().names())}."
        )
    return index


def plain_value(value: Any) -> Any:
    """A plain Python value; None for NULL."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def read_facilities(
    layer: QgsVectorLayer, crs_authid: str, id_field: str | None, capacity_field: str | None, where: str | None
) -> FacilityPoints:
    """The located features of a facility layer (``where``: an expression choosing some); ids must be unique."""
    id_index = field_index(layer, id_field, "facility id")
    capacity_index = field_index(layer, capacity_field, "capacity")
    request = QgsFeatureRequest()
    if where:
        expression = QgsExpression(where)
        if expression.hasParserError():
            raise InputLayerError(
                f"The facility filter {where!r} is not a valid expression: {expression.parserErrorString()}"
            )
        request.setFilterExpression(where)
    transform = layer_transform(layer, crs_authid)
    ids, xy, capacity = [], [], []
    for feature in layer.getFeatures(request):
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            continue
        if transform is not None:
            geometry.transform(transform)
        point = geometry.vertexAt(0) if geometry.type() == Qgis.GeometryType.Point else None
        if point is None:
            centre = geometry.pointOnSurface().asPoint()
            x, y = centre.x(), centre.y()
        else:
            x, y = point.x(), point.y()
        value = plain_value(feature.attributes()[id_index]) if id_index is not None else feature.id()
        ids.append("" if value is None else str(value).strip())
        xy.append((x, y))
        capacity.append(plain_value(feature.attributes()[capacity_index]) if capacity_index is not None else None)
    label = layer.name() + (f" (filter {where})" if where else "")
    if not ids:
        raise InputLayerError(f"The facilities layer {label!r} has no features with a location.")
    blank = sum(1 for item in ids if not item)
    if blank:
        raise InputLayerError(f"{plural('facility', blank)} in {label!r} have no value in the id field {id_field!r}.")
    seen: dict[str, int] = {}
    for item in ids:
        seen[item] = seen.get(item, 0) + 1
    duplicates = sorted(item for item, count in seen.items() if count > 1)
    if duplicates:
        raise InputLayerError(
            f"Facility ids must be unique, but {list_labels(duplicates)} occur more than once in the field "
            f"{id_field!r} of {label!r}: choose another id field, or leave it empty to number the features."
        )
    numeric = capacity_index is not None and layer.fields().at(capacity_index).isNumeric()
    return FacilityPoints(ids, np.asarray(xy, dtype=float).reshape(-1, 2), capacity, float if numeric else str)


def values_of_containing_areas(areas: QgsVectorLayer, crs_authid: str, name: str, points: np.ndarray) -> list[Any]:
    """The value of field ``name`` of the small area containing each point (None outside every area or NULL)."""
    index = areas.fields().lookupField(name)
    transform = layer_transform(areas, crs_authid)
    polygons = []
    for feature in areas.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            continue
        if transform is not None:
            geometry.transform(transform)
        polygons.append((geometry, plain_value(feature.attributes()[index])))
    out: list[Any] = []
    for x, y in points:
        point = QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y)))
        out.append(next((value for geometry, value in polygons if geometry.contains(point)), None))
    return out


def demand_point(geometry: QgsGeometry, is_point: bool) -> tuple[float, float, QgsGeometry]:
    """Where a demand feature lives: the point itself, or a polygon's point on surface (with the polygon kept)."""
    if is_point:
        vertex = geometry.vertexAt(0)
        return vertex.x(), vertex.y(), QgsGeometry.fromPointXY(QgsPointXY(vertex.x(), vertex.y()))
    centre = geometry.pointOnSurface().asPoint()
    geometry.convertToMultiType()
    return centre.x(), centre.y(), geometry


def work_crs(layers: Sequence[QgsVectorLayer | None]) -> str:
    """The first projected CRS among the layers, else British National Grid."""
    for layer in layers:
        if layer is not None and layer.crs().isValid() and not layer.crs().isGeographic():
            return layer.crs().authid()
    return DEFAULT_PROJECTED_CRS
