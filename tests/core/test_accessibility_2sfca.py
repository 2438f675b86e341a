"""accessibility_2sfca called directly: costs towards the facility, bands, the points it reads and a score by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qgis.core import Qgis, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.access.accessibility_2sfca import (
    Accessibility2sfcaError,
    accessibility_2sfca,
    costs_to_facilities,
    parse_bands,
    read_places,
)
from lis_qgis_plugin.core.access.point_inputs import InputLayerError
from lis_qgis_plugin.core.network.road_network import TravelMode, build_graph

from ..support import open_layer, write_gpkg_layer

TEXT, REAL, INT = QMetaType.Type.QString, QMetaType.Type.Double, QMetaType.Type.Int


def point(x: float, y: float) -> QgsGeometry:
    return QgsGeometry.fromPointXY(QgsPointXY(x, y))


def street(path: Path) -> str:
    """One two-way street from x=0 to x=1,000 (EPSG:27700)."""
    line = QgsGeometry.fromPolylineXY([QgsPointXY(0, 0), QgsPointXY(1000, 0)])
    return write_gpkg_layer(path, "roads", Qgis.WkbType.LineString, [("highway", TEXT)], [(line, ["residential"])])


def test_costs_are_measured_towards_the_facility_on_one_way_roads(tmp_path: Path) -> None:
    """A one-way street from x=0 to x=1000: only areas upstream of the facility reach it."""
    uri = write_gpkg_layer(
        tmp_path / "oneway.gpkg",
        "roads",
        Qgis.WkbType.LineString,
        [("oneway", QMetaType.Type.QString), ("speed", QMetaType.Type.Double)],
        [(QgsGeometry.fromPolylineXY([QgsPointXY(0, 0), QgsPointXY(1000, 0)]), ["yes", 36.0])],
    )
    graph = build_graph(uri, TravelMode(kind="drive", cost="time", speed_field="speed"))
    costs, snapped = costs_to_facilities(graph, np.array([[500.0, 0.0]]), np.array([[100.0, 0.0], [900.0, 0.0]]), 600)
    assert costs[0, 0] == pytest.approx(40.0)  # 400 m at 10 m/s, driving with the traffic
    assert np.isinf(costs[1, 0])  # downstream: the facility cannot be reached against the one-way
    assert np.allclose(snapped, 0)


def test_parse_bands_defaults_to_weight_one() -> None:
    assert [(b.upper, b.weight) for b in parse_bands("5, 10;15")] == [(5, 1), (10, 1), (15, 1)]
    with pytest.raises(Accessibility2sfcaError, match="at least one"):
        parse_bands(" ")


def test_read_places_labels_by_name_and_refuses_nulls_negatives_and_missing_places(tmp_path: Path) -> None:
    gpkg = tmp_path / "places.gpkg"
    fields = [("name", TEXT), ("cap", REAL)]
    rows = [(point(0, 0), ["Main surgery", 3.0]), (point(500, 0), ["Branch surgery", None])]
    nulls = QgsVectorLayer(write_gpkg_layer(gpkg, "nulls", Qgis.WkbType.Point, fields, rows), "nulls", "ogr")
    message = r"CAPACITY_FIELD: 1 of 2 facilities in 'nulls' have no cap \(NULL\): Branch surgery\. Fill them in \(0 if"
    with pytest.raises(InputLayerError, match=message):
        read_places(nulls, "FACILITIES", "cap", "CAPACITY_FIELD", "facility", "it is really none", "EPSG:27700")
    rows[1] = (point(500, 0), ["Branch surgery", -1.0])
    negative = QgsVectorLayer(write_gpkg_layer(gpkg, "negative", Qgis.WkbType.Point, fields, rows), "negative", "ogr")
    with pytest.raises(InputLayerError, match="CAPACITY_FIELD: cap is negative for 1 facility in 'negative'"):
        read_places(negative, "FACILITIES", "cap", "CAPACITY_FIELD", "facility", "it is really none", "EPSG:27700")
    rows[1] = (QgsGeometry(), ["Branch surgery", 2.0])
    nowhere = QgsVectorLayer(write_gpkg_layer(gpkg, "nowhere", Qgis.WkbType.Point, fields, rows), "nowhere", "ogr")
    with pytest.raises(InputLayerError, match=r"FACILITIES: 1 feature of 'nowhere' has no geometry \(Branch surgery\)"):
        read_places(nowhere, "FACILITIES", "cap", "CAPACITY_FIELD", "facility", "it is really none", "EPSG:27700")
    square = QgsGeometry.fromWkt("Polygon((100 -50, 200 -50, 200 50, 100 50, 100 -50))")
    areas = write_gpkg_layer(
        gpkg, "areas", Qgis.WkbType.Polygon, [("lsoa_cd", TEXT), ("pop", INT)], [(square, ["A", 7])]
    )
    places = read_places(
        QgsVectorLayer(areas, "areas", "ogr"), "DEMAND", "POP", "POPULATION_FIELD", "area", "none", "EPSG:27700"
    )
    assert places.labels == ["A"]  # named by its code
    assert places.values.tolist() == [7.0]  # "POP" is the field pop, matched as QGIS matches names
    assert square.contains(point(*places.xy[0]))  # a polygon stands at its point on surface


def test_scores_on_one_street_by_hand(tmp_path: Path) -> None:
    """F (capacity 10) at x=0; A (100 people) 100 m away, B (300 people) 900 m away: within 500 m only A shares F."""
    gpkg = tmp_path / "street.gpkg"
    roads = street(gpkg)
    facilities = write_gpkg_layer(
        gpkg, "f", Qgis.WkbType.Point, [("name", TEXT), ("cap", REAL)], [(point(0, 0), ["F", 10.0])]
    )
    rows = [(point(100, 0), ["A", 100]), (point(900, 0), ["B", 300])]
    demand = write_gpkg_layer(gpkg, "d", Qgis.WkbType.Point, [("name", TEXT), ("pop", INT)], rows)
    walk = TravelMode(kind="walk", cost="distance")
    outcome = accessibility_2sfca(
        QgsVectorLayer(facilities, "f", "ogr"), "cap", QgsVectorLayer(demand, "d", "ogr"), "pop", roads,
        str(tmp_path / "scores.gpkg"), parse_bands("500", unit="m"), walk, cache_dir=tmp_path / "cache",
    )  # fmt: skip
    assert outcome.result.accessibility.tolist() == pytest.approx([10 / 100, 0.0])
    assert outcome.reached.tolist() == [1, 0]
    assert outcome.areas_without_access == 1 and outcome.facilities_unreached == 0
    scores = {f["name"]: f["access_per_1000"] for f in open_layer(tmp_path / "scores.gpkg", "scores").getFeatures()}
    assert scores == pytest.approx({"A": 100.0, "B": 0.0})
    texts = [line.text for line in outcome.log]
    assert texts[0].endswith("(built and cached)") and texts[1].startswith("Method: plain 2SFCA")
    assert any(
        line.warning and "1 area (300 people) reaches no facility within 500 m" in line.text for line in outcome.log
    )
