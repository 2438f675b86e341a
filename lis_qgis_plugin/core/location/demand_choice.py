"""Which open layer to offer as the demand of lis:locateservices, so the Locate page starts sensibly.

Population-weighted centroids put each small area's people where they live, so they come first;
then small areas (polygons) with a population field. Only layers in the candidates' area count:
Nottingham polygons are no demand for Rutland's candidate sites. Reads layer names, sources,
fields and extents only (no features, no numpy), so the panel can ask as it opens. Candidates
likewise are points without people (:func:`suggest_candidates`).
"""

from __future__ import annotations

from collections.abc import Iterable

from qgis.core import (
    Qgis,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsMapLayer,
    QgsPointXY,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..access.population_field import find_population_field

#: Parts of the names or sources of population-weighted centroid layers (lower case, without spaces,
#: hyphens or underscores): "popweighted_centroids", "PWC", "Population-weighted centroids".
CENTROID_HINTS = ("popweighted", "populationweighted", "pwc", "centroid")
#: How well a layer fits as demand, best first.
CENTROIDS, POPULATION_POINTS, POPULATION_AREAS, AREAS = range(4)


def _squashed(text: str) -> str:
    return "".join(character for character in text.lower() if character not in " -_")


def demand_kind(layer: QgsMapLayer) -> int | None:
    """How well ``layer`` fits as demand (:data:`CENTROIDS` best), None when it does not fit at all.

    Points fit only with a population field (a point layer without one is sites, not people);
    polygons fit without one too (the user then picks the field), after those that have one.
    """
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return None
    geometry = QgsWkbTypes.geometryType(layer.wkbType())
    has_population = find_population_field(layer) is not None
    if geometry == Qgis.GeometryType.Point:
        if not has_population:
            return None
        named = any(hint in _squashed(f"{layer.name()} {layer.source()}") for hint in CENTROID_HINTS)
        return CENTROIDS if named else POPULATION_POINTS
    if geometry == Qgis.GeometryType.Polygon:
        return POPULATION_AREAS if has_population else AREAS
    return None


def overlap_share(layer: QgsMapLayer, candidates: QgsMapLayer, context: QgsCoordinateTransformContext) -> float:
    """The share of the candidates' extent that ``layer``'s extent covers, 0 to 1 (0: elsewhere).

    Where either extent has no area (points at one place) the share is 1 when it lies in the other, else 0.
    """
    area = candidates.extent()
    extent = QgsRectangle(layer.extent())
    if layer.crs().isValid() and candidates.crs().isValid() and layer.crs() != candidates.crs():
        try:
            extent = QgsCoordinateTransform(layer.crs(), candidates.crs(), context).transformBoundingBox(extent)
        except QgsCsException:
            return 0.0
    if extent.isNull():
        return 0.0
    if area.width() <= 0 or area.height() <= 0:  # one candidate (or several at one place)
        return 1.0 if extent.contains(QgsPointXY(area.xMinimum(), area.yMinimum())) else 0.0
    if extent.width() <= 0 or extent.height() <= 0:  # demand at one place
        return 1.0 if area.contains(QgsPointXY(extent.xMinimum(), extent.yMinimum())) else 0.0
    common = extent.intersect(area)
    if common.isEmpty():
        return 0.0
    return min(1.0, common.width() * common.height() / (area.width() * area.height()))


def has_decile_field(layer: QgsMapLayer | None) -> bool:
    """Whether ``layer`` has a numeric field named like a deprivation decile ("imd_decile", "IMD_decile")."""
    if not isinstance(layer, QgsVectorLayer):
        return False
    return any(item.isNumeric() and "decile" in item.name().lower() for item in layer.fields())


def suggest_candidates(layers: Iterable[QgsMapLayer]) -> QgsVectorLayer | None:
    """The first point layer of sites (no population field): candidates are places, not people."""
    for layer in layers:
        points = (
            isinstance(layer, QgsVectorLayer) and QgsWkbTypes.geometryType(layer.wkbType()) == Qgis.GeometryType.Point
        )
        if points and layer.isValid() and demand_kind(layer) is None:
            assert isinstance(layer, QgsVectorLayer)
            return layer
    return None


def suggest_need_areas(
    layers: Iterable[QgsMapLayer],
    demand: QgsMapLayer | None,
    context: QgsCoordinateTransformContext,
) -> QgsVectorLayer | None:
    """The small areas to read the need from: None when the demand has its own decile field, else the polygons
    with a decile field covering most of the demand's area (never another district's)."""
    if demand is None or has_decile_field(demand):
        return None
    best: tuple[tuple[float, int], QgsVectorLayer] | None = None
    for order, layer in enumerate(layers):
        if layer is demand or demand_kind(layer) not in (POPULATION_AREAS, AREAS) or not has_decile_field(layer):
            continue
        share = overlap_share(layer, demand, context)
        key = (-round(share, 2), order)
        if share > 0 and (best is None or key < best[0]):
            assert isinstance(layer, QgsVectorLayer)  # demand_kind fits vector layers only
            best = (key, layer)
    return best[1] if best is not None else None


def suggest_demand(
    layers: Iterable[QgsMapLayer],
    candidates: QgsMapLayer | None,
    context: QgsCoordinateTransformContext,
    skip: Iterable[QgsMapLayer | None] = (),
) -> QgsVectorLayer | None:
    """The layer to offer as demand: the best :func:`demand_kind` in the candidates' area, None when none fits.

    Among layers of one kind the one covering more of the candidates' area wins, then the first
    listed. Without candidates every layer counts as in the area. ``skip``: layers that are sites
    (the candidates and the existing sites).
    """
    skipped = {id(layer) for layer in skip if layer is not None}
    if candidates is not None:
        skipped.add(id(candidates))
    best: tuple[tuple[int, float, int], QgsVectorLayer] | None = None
    for order, layer in enumerate(layers):
        kind = demand_kind(layer) if id(layer) not in skipped else None
        if kind is None:
            continue
        share = 1.0 if candidates is None else overlap_share(layer, candidates, context)
        if share <= 0:
            continue
        key = (kind, -round(share, 2), order)
        if best is None or key < best[0]:
            assert isinstance(layer, QgsVectorLayer)  # demand_kind fits vector layers only
            best = (key, layer)
    return best[1] if best is not None else None
