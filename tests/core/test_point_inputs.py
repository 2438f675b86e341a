"""The one reader of facilities and demand: points placed in the working CRS, and the checks every tool shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from osgeo import ogr
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.access import point_inputs
from lis_qgis_plugin.core.access.point_inputs import (
    InputLayerError,
    LayerPoints,
    check_outputs_are_new,
    code_field,
    far_from_network,
    field_from_areas,
    numeric_field,
    read_demand_points,
    read_facilities,
    read_points,
    refuse_empty,
    refuse_negative_values,
    refuse_null_values,
    refuse_unplaced,
)
from lis_qgis_plugin.core.io.layer_output import OutputError
from lis_qgis_plugin.core.io.table_files import TableError

from ..support import memory_points, points_gpkg, write_gpkg_layer

FIELDS = "field=lsoa_cd:string&field=pop:double&field=decile:integer"
ROWS = [
    (480000.0, 300000.0, ["E01", 100.0, 1]),
    (481000.0, 300000.0, ["E02", None, 4]),
    (482000.0, 300000.0, [None, -3.0, None]),
]


def villages() -> QgsVectorLayer:
    return memory_points(FIELDS, ROWS, "villages")


def test_read_points_places_each_feature_with_its_label_number_and_extra_value() -> None:
    points = read_points(villages(), "EPSG:27700", label_field="lsoa_cd", number_field="pop", extra_field="decile")
    assert points.layer_name == "villages" and len(points) == 3 and points.fids == [1, 2, 3]
    assert points.xy.tolist() == [[x, y] for x, y, _ in ROWS]
    assert np.array_equal(points.values, [100.0, np.nan, -3.0], equal_nan=True)
    assert points.extra == [1, 4, None] and points.labels == ["E01", "E02", "feature 3"]
    assert points.geometry_type == "Point" and points.shapes == [] and points.unplaced == []
    counted = read_points(villages(), "EPSG:27700", where='"decile" > 1', keep_shapes=True)
    assert counted.fids == [2] and counted.values.tolist() == [1.0] and len(counted.shapes) == 1


def test_read_points_reprojects_and_places_polygons_at_their_point_on_surface() -> None:
    ring = QgsGeometry.fromWkt("Polygon((-1.0 52.0, -0.9 52.0, -0.9 52.1, -1.0 52.1, -1.0 52.0))")
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=code:string", "areas", "memory")
    feature = QgsFeature(layer.fields())
    feature.setGeometry(ring)
    feature.setAttributes(["A"])
    empty = QgsFeature(layer.fields())
    empty.setAttributes(["B"])
    layer.dataProvider().addFeatures([feature, empty])
    points = read_points(layer, "EPSG:27700", label_field="code", keep_shapes=True)
    assert points.unplaced == ["B"] and points.geometry_type == "MultiPolygon"
    shape = QgsGeometry()
    shape.fromWkb(points.shapes[0])
    assert shape.isMultipart() and shape.contains(QgsGeometry.fromPointXY(QgsPointXY(*points.xy[0])))
    assert 460_000 < points.xy[0][0] < 485_000 and 230_000 < points.xy[0][1] < 250_000  # metres, not degrees
    with pytest.raises(InputLayerError, match="FACILITIES: 1 feature of 'areas' has no geometry \\(B\\)"):
        refuse_unplaced(points, "FACILITIES")
    nowhere = QgsVectorLayer("Point?field=code:string", "nowhere", "memory")
    nowhere.setCrs(QgsCoordinateReferenceSystem())
    nowhere.dataProvider().addFeatures([QgsFeature(nowhere.fields())])
    with pytest.raises(InputLayerError, match="'nowhere' has no coordinate reference system"):
        read_points(nowhere, "EPSG:27700")


def test_the_shared_checks_name_the_features_and_the_parameter() -> None:
    points = read_points(villages(), "EPSG:27700", label_field="lsoa_cd", number_field="pop")
    with pytest.raises(
        InputLayerError, match=r"WEIGHT_FIELD: 1 of 3 demand points in 'villages' have no pop \(NULL\): E02"
    ):
        refuse_null_values(points, "WEIGHT_FIELD", "pop", "demand point", "nobody lives there")
    with pytest.raises(InputLayerError, match="POPULATION_FIELD: pop is negative for 1 area in 'villages': feature 3"):
        refuse_negative_values(points, "POPULATION_FIELD", "pop", "area")
    empty = QgsVectorLayer("Point?crs=EPSG:27700&field=pop:double", "empty", "memory")
    with pytest.raises(InputLayerError, match="DEMAND: the layer 'empty' has no features"):
        refuse_empty(empty, "DEMAND")
    assert numeric_field(villages(), "POP", "WEIGHT_FIELD") == "pop"
    with pytest.raises(TableError, match="WEIGHT_FIELD: field 'lsoa_cd' of layer 'villages' is .*, not numbers"):
        numeric_field(villages(), "lsoa_cd", "WEIGHT_FIELD")
    with pytest.raises(TableError, match="WEIGHT_FIELD: layer 'villages' has no field 'people'"):
        numeric_field(villages(), "people", "WEIGHT_FIELD")
    assert code_field(villages()) == "lsoa_cd"
    assert code_field(memory_points("field=name:string&field=code:integer", [])) is None  # codes are text


def test_far_from_network_names_each_point_and_how_far() -> None:
    far = far_from_network(
        "site", ["A", "B", "C"], np.array([10.0, 1234.4, 600.0]), np.array([0, 1, 1], bool), 500, "walk network"
    )
    assert [(line.text, line.warning) for line in far] == [
        (
            "2 sites lie more than 500 m from the walk network: B (1,234 m), C (600 m). "
            "Check their locations or the network's extent.",
            True,
        )
    ]
    one = far_from_network("facility", ["A"], np.array([700.0]), np.array([True]), 500, "drive network")
    assert one[0].text.startswith("1 facility lies more than 500 m from the drive network: A (700 m).")
    assert far_from_network("area", ["A"], np.array([1.0]), np.array([False]), 500, "drive network") == []


def test_demand_takes_a_field_from_the_small_area_around_it_when_it_has_none(tmp_path: Path) -> None:
    square = "Polygon(({0} 299000, {1} 299000, {1} 301000, {0} 301000, {0} 299000))"
    rows = [(QgsGeometry.fromWkt(square.format(479000, 481500)), ["S1", 2])]  # around the first two villages
    areas = QgsVectorLayer(
        write_gpkg_layer(
            tmp_path / "areas.gpkg",
            "areas",
            Qgis.WkbType.Polygon,
            [("code", QMetaType.Type.QString), ("imd", QMetaType.Type.Int)],
            rows,
        ),
        "areas",
        "ogr",
    )
    assert field_from_areas(villages(), areas, "imd", "DEPRIVATION_FIELD") is True
    assert field_from_areas(villages(), areas, "decile", "DEPRIVATION_FIELD") is False
    with pytest.raises(
        InputLayerError, match="DEPRIVATION_FIELD: neither the demand layer 'villages' nor the small areas"
    ):
        field_from_areas(villages(), areas, "income", "DEPRIVATION_FIELD")
    demand = read_demand_points(villages(), "EPSG:27700", "pop", "imd", areas, "DEPRIVATION_FIELD")
    assert demand.extra == [2, 2, None] and len(demand.shapes) == 3 and demand.labels[0] == "E01"
    own = read_demand_points(villages(), "EPSG:27700", None, "decile", areas, "DEPRIVATION_FIELD")
    assert own.extra == [1, 4, None] and own.values.tolist() == [1.0, 1.0, 1.0]


def test_read_facilities_numbers_features_or_takes_unique_ids() -> None:
    sites = memory_points(
        "field=site:string&field=places:integer", [(0.0, 0.0, [" a ", 3]), (10.0, 0.0, ["b", None])], "sites"
    )
    found = read_facilities(sites, "EPSG:27700", "site", "places", None)
    assert found.ids == ["a", "b"] and found.capacity == [3, None] and found.capacity_type is float
    numbered = read_facilities(sites, "EPSG:27700", None, "site", '"places" = 3')
    assert numbered.ids == ["1"] and numbered.capacity == [" a "] and numbered.capacity_type is str
    twins = memory_points("field=site:string", [(0.0, 0.0, ["x"]), (1.0, 0.0, ["x"]), (2.0, 0.0, [None])], "twins")
    with pytest.raises(InputLayerError, match="1 facility in 'twins' have no value in the id field 'site'"):
        read_facilities(twins, "EPSG:27700", "site", None, None)
    with pytest.raises(InputLayerError, match="Facility ids must be unique, but x occur more than once"):
        read_facilities(twins, "EPSG:27700", "site", None, '"site" IS NOT NULL')
    with pytest.raises(InputLayerError, match="The facility filter '\\(\\(' is not a valid expression"):
        read_facilities(twins, "EPSG:27700", None, None, "((")
    with pytest.raises(InputLayerError, match="The layer 'twins' has no capacity field 'beds'"):
        read_facilities(twins, "EPSG:27700", None, "beds", None)


def test_an_output_into_an_input_or_the_network_file_is_refused(tmp_path: Path) -> None:
    """Catchments and location-allocation never write into an input, the network's GeoPackage included."""
    point = [(QgsGeometry.fromPointXY(QgsPointXY(480000, 300000)), [1])]
    sites_uri = write_gpkg_layer(
        tmp_path / "sites.gpkg", "sites", Qgis.WkbType.Point, [("id", QMetaType.Type.Int)], point
    )
    sites = QgsVectorLayer(sites_uri, "Sites", "ogr")
    roads = tmp_path / "roads.gpkg"
    roads.write_bytes(b"")  # only its name is compared
    with pytest.raises(OutputError, match="sites.gpkg: this is the file of input layer 'Sites'"):
        check_outputs_are_new([None, str(tmp_path / "sites.gpkg")], [sites, None], None)
    with pytest.raises(OutputError, match="this file is one of the inputs"):
        check_outputs_are_new([f"{roads}|layername=catchments"], [sites], f"{roads}|layername=roads")
    check_outputs_are_new([str(tmp_path / "new.gpkg"), None], [sites, None], f"{roads}|layername=roads")
    assert not (tmp_path / "new.gpkg").exists()  # a check, not a write


def assert_same_points(left: LayerPoints, right: LayerPoints, first_fid: int = 1) -> None:
    """The same features, labels, values, points (bit for bit), shapes and unplaced features, in the same order.

    ``first_fid``: the file's first feature id (a memory copy numbers its features from 1; GeoJSON from 0).
    """
    assert left.fids == [fid - 1 + first_fid for fid in right.fids]
    assert left.names == right.names and left.extra == right.extra
    assert [type(value) for value in left.extra] == [type(value) for value in right.extra]
    np.testing.assert_array_equal(left.xy, right.xy)
    np.testing.assert_array_equal(left.values, right.values)
    assert left.shapes == right.shapes and left.unplaced == right.unplaced
    assert (left.layer_name, left.geometry_type) == (right.layer_name, right.geometry_type)


def test_point_files_read_as_columns_equal_the_same_points_in_a_memory_layer(
    demand_gpkg: str, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rutland's centroids (a GeoPackage in WGS84, placed in British National Grid) and Nottingham's services
    (GeoJSON) read through GDAL's Arrow stream give what QGIS's iterator gives for a memory copy."""
    columnar_reads: list[str] = []
    real_read_columns = point_inputs.read_columns

    def counted(layer: QgsVectorLayer, *args: Any) -> Any:
        columns = real_read_columns(layer, *args)  # raises for a layer that is not a plain file
        columnar_reads.append(layer.name())
        return columns

    monkeypatch.setattr(point_inputs, "read_columns", counted)
    demand = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    copy = demand.materialize(QgsFeatureRequest())
    copy.setName("demand")
    for crs in ("EPSG:27700", "EPSG:4326"):
        read = read_demand_points(demand, crs, "usual_residents_2011", "imd_decile")
        assert_same_points(read, read_demand_points(copy, crs, "usual_residents_2011", "imd_decile"))
    assert columnar_reads == ["demand", "demand"]  # the memory copy was read through QGIS
    assert len(read) == 23 and read.labels[0] == "E01013787" and read.values[0] == 1283.0
    assert sum(read.values) == 37369 and sorted(set(read.extra)) == list(range(5, 11))
    services = QgsVectorLayer(
        str(shared_data / "nottingham" / "services" / "nottingham_nhs_services_nhschoices_2014.geojson"), "nhs", "ogr"
    )
    names = services.fields().names()
    label, extra = names[1], names[2]
    memory = services.materialize(QgsFeatureRequest())
    memory.setName("nhs")
    read = read_points(services, "EPSG:27700", label_field=label, extra_field=extra, keep_shapes=True)
    in_memory = read_points(memory, "EPSG:27700", label_field=label, extra_field=extra, keep_shapes=True)
    assert_same_points(read, in_memory, first_fid=0)
    assert len(read) == 463 and columnar_reads[-1] == "nhs"
    assert read.xy[:, 0].min() > 440_000 and read.xy[:, 0].max() < 480_000  # Nottingham, in metres
    filtered = read_points(services, "EPSG:27700", label_field=label, where=f'"{label}" IS NOT NULL')
    assert len(columnar_reads) == 3 and filtered.fids == [fid for fid, name in zip(read.fids, read.names) if name]


def test_points_without_geometry_are_unplaced_the_same_way_in_a_file_and_in_memory(tmp_path: Path) -> None:
    rows = [(481000.5, 301000.25, ["E01", 10.0, 3]), (482000.0, 302000.0, ["E02", None, 4])]
    path = points_gpkg(tmp_path / "villages.gpkg", FIELDS, [(x - 480000, y - 300000, a) for x, y, a in rows])
    dataset = ogr.Open(path, 1)
    source = dataset.GetLayer(0)
    feature = ogr.Feature(source.GetLayerDefn())
    feature["lsoa_cd"] = "E03"
    assert source.CreateFeature(feature) == 0
    source.CreateFeature(ogr.Feature(source.GetLayerDefn()))
    source = dataset = None  # closes the file
    layer = QgsVectorLayer(path, "villages", "ogr")
    memory = layer.materialize(QgsFeatureRequest())
    memory.setName("villages")
    for keep_shapes in (False, True):
        read = read_points(layer, "EPSG:27700", label_field="lsoa_cd", number_field="pop", keep_shapes=keep_shapes)
        assert_same_points(read, read_points(memory, "EPSG:27700", label_field="LSOA_CD", number_field="pop",
                                             keep_shapes=keep_shapes))  # fmt: skip
    assert read.unplaced == ["E03", "feature 4"] and read.xy.tolist() == [[481000.5, 301000.25], [482000.0, 302000.0]]
    assert np.array_equal(read.values, [10.0, np.nan], equal_nan=True)
