"""Layers read as columns (GDAL's Arrow stream) give exactly what QGIS reads feature by feature: road networks'
graphs, and the ids, values, points and shapes of boundaries, centroids and services."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from osgeo import gdal, ogr
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.io import layer_codes as layer_codes_module
from lis_qgis_plugin.core.io import layer_values
from lis_qgis_plugin.core.io.columnar_reading import (
    ColumnarUnsuitableError,
    column_values,
    python_values,
    read_columns,
    transformed_xy,
    wkb_geometries,
    wkb_line_parts,
    wkb_points,
)
from lis_qgis_plugin.core.io.layer_codes import field_values, raw_table_from_layer
from lis_qgis_plugin.core.io.layer_values import codes_by_id, feature_ids, read_numbers
from lis_qgis_plugin.core.network.road_network import RoadGraph, TravelMode, build_graph

from ..support import open_layer, write_gpkg_layer


@pytest.fixture(scope="module")
def network_dir(shared_data: Path) -> Path:
    return shared_data / "rutland" / "network"


def assert_same_graph(columnar: RoadGraph, iterated: RoadGraph) -> None:
    """Same nodes, segments, edges and costs in the same order; same counts of ways read, used and left out."""
    assert columnar.info.pop("reader") == "arrow"
    assert iterated.info.pop("reader") == "qgis"
    for name in RoadGraph.ARRAY_NAMES:
        left, right = getattr(columnar, name), getattr(iterated, name)
        assert left.dtype == right.dtype and left.shape == right.shape, name
        np.testing.assert_array_equal(left, right, err_msg=name)
    assert columnar.info == iterated.info
    assert columnar.crs_authid == iterated.crs_authid
    assert (columnar.matrix != iterated.matrix).nnz == 0


def both_ways(source: object, mode: TravelMode, **options: object) -> tuple[RoadGraph, RoadGraph]:
    return build_graph(source, mode, **options), build_graph(source, mode, columnar=False, **options)  # type: ignore[arg-type]


def translate(target: Path, source: Path, layer: str) -> None:
    """``ogr2ogr target source layer``, GDAL errors raised (and no warning that they are not, on GDAL >= 3.7)."""
    errors = gdal.ExceptionMgr(useExceptions=True) if hasattr(gdal, "ExceptionMgr") else contextlib.nullcontext()
    with errors:
        assert gdal.VectorTranslate(str(target), str(source), layers=[layer]) is not None


MODES = [
    TravelMode(),
    TravelMode(kind="walk"),
    TravelMode(cost="distance"),
    TravelMode(speeds_kph={"residential": 20.0, "service": 8.0}),
]


@pytest.mark.parametrize("mode", MODES, ids=["drive", "walk", "distance", "own-speeds"])
@pytest.mark.parametrize(
    "file, layer", [("rutland_osm_highways.gpkg", "highways"), ("rutland_geofabrik_roads.gpkg", "roads")]
)
def test_rutland_networks_read_as_columns_equal_the_feature_by_feature_graph(
    network_dir: Path, file: str, layer: str, mode: TravelMode
) -> None:
    columnar, iterated = both_ways(f"{network_dir / file}|layername={layer}", mode)
    assert columnar.edge_count > 10_000  # Rutland: thousands of ways, not an empty read
    assert_same_graph(columnar, iterated)


def test_reprojected_and_osm_other_tags_networks_are_equal_too(network_dir: Path, tmp_path: Path) -> None:
    """Built in another CRS (QGIS's transform, all vertices at once), the .osm.pbf extract itself, and
    it converted to a GeoPackage whose oneway, maxspeed, access... are packed in ``other_tags``."""
    highways = f"{network_dir / 'rutland_osm_highways.gpkg'}|layername=highways"
    assert_same_graph(*both_ways(highways, TravelMode(), crs="EPSG:3857"))
    assert_same_graph(*both_ways(network_dir / "rutland-latest.osm.pbf", TravelMode()))  # WGS84 to EPSG:27700
    lines = tmp_path / "rutland_lines.gpkg"
    translate(lines, network_dir / "rutland-latest.osm.pbf", "lines")
    assert "other_tags" in open_layer(lines, "lines").fields().names()
    for mode in (TravelMode(), TravelMode(kind="walk")):
        columnar, iterated = both_ways(f"{lines}|layername=lines", mode)
        if mode.kind == "drive":
            assert columnar.info["oneway_segments"] > 1000  # oneway and junction come from other_tags
            assert columnar.info["excluded"]["no public motor access"] > 100  # and access
        assert_same_graph(columnar, iterated)


def test_a_shapefile_and_the_sample_district_are_equal_too(
    network_dir: Path, sample_gpkg: Path, tmp_path: Path
) -> None:
    shapefile = tmp_path / "highways.shp"
    translate(shapefile, network_dir / "rutland_osm_highways.gpkg", "highways")
    assert_same_graph(*both_ways(shapefile, TravelMode()))
    roads = f"{sample_gpkg}|layername=roads"
    for mode in (TravelMode(speed_field="speed_kph"), TravelMode(), TravelMode(kind="walk")):
        assert_same_graph(*both_ways(roads, mode))


def test_layers_that_are_not_plain_files_are_read_through_qgis(network_dir: Path) -> None:
    highways = f"{network_dir / 'rutland_osm_highways.gpkg'}|layername=highways"
    assert build_graph(highways).info["reader"] == "arrow"
    filtered = QgsVectorLayer(highways, "highways", "ogr")
    filtered.setSubsetString("\"highway\" = 'primary'")
    primary = build_graph(filtered)
    assert primary.info["reader"] == "qgis" and primary.info["ways_read"] < 300
    edited = QgsVectorLayer(highways, "highways", "ogr")
    assert edited.startEditing() and edited.deleteFeature(next(edited.getFeatures()).id())
    with_edits = build_graph(edited)  # the edit buffer counts, though it is not in the file yet
    assert with_edits.info["reader"] == "qgis" and with_edits.info["ways_read"] == 6659
    edited.rollBack()
    memory = open_layer(network_dir / "rutland_osm_highways.gpkg", "highways").materialize(QgsFeatureRequest())
    assert memory.providerType() == "memory"
    assert build_graph(memory).info["reader"] == "qgis"


def test_wkb_of_lines_and_multilines_is_decoded_at_once() -> None:
    wkts = [
        "LineString (0 0, 1 1, 2 0)",
        None,
        "MultiLineString Z ((0 0 5, 10 0 6), (3 3 1, 4 4 2, 5 5 3))",
        "LineStringM (7 7 1, 8 8 2)",
        "MultiLineString ZM ((1 2 3 4, 5 6 7 8))",
        "MultiLineString EMPTY",
        "LineString (9.5 -1.25, 1e6 2e-3)",
    ]
    wkb = [bytes(QgsGeometry.fromWkt(wkt).asWkb()) if wkt else None for wkt in wkts]
    xy, sizes, owner = wkb_line_parts(wkb)
    assert owner.tolist() == [0, 2, 2, 3, 4, 6]
    assert sizes.tolist() == [3, 2, 3, 2, 2, 2]
    expected = [(0, 0), (1, 1), (2, 0), (0, 0), (10, 0), (3, 3), (4, 4), (5, 5), (7, 7), (8, 8), (1, 2), (5, 6)]
    np.testing.assert_array_equal(xy, [*expected, (9.5, -1.25), (1e6, 2e-3)])
    with pytest.raises(ColumnarUnsuitableError):
        wkb_line_parts([bytes(QgsGeometry.fromWkt("Point (1 2)").asWkb())])
    with pytest.raises(ColumnarUnsuitableError):
        wkb_line_parts([bytes(QgsGeometry.fromWkt("CompoundCurve ((0 0, 1 1))").asWkb())])
    with pytest.raises(ColumnarUnsuitableError):
        wkb_line_parts([wkb[0][:-8]])  # cut short


def test_column_values_are_coded_as_qgis_gives_them_to_python() -> None:
    text = np.array([b"yes", b"no", b"yes", b"", "caf\u00e9".encode()], dtype="S5")
    codes, distinct = python_values(text, np.array([False, False, False, True, False]))
    assert [distinct[code - 1] if code else None for code in codes] == ["yes", "no", "yes", None, "caf\u00e9"]
    objects = np.array([b"60 mph", None, b"30 mph"], dtype=object)
    codes, distinct = python_values(objects, np.zeros(3, dtype=bool))
    assert codes[1] == 0 and [distinct[code - 1] for code in codes[[0, 2]]] == ["60 mph", "30 mph"]
    codes, distinct = python_values(np.array([96, 0, 96], dtype=np.int32), np.zeros(3, dtype=bool))
    assert distinct == [0, 96] and codes.tolist() == [2, 1, 2] and all(type(v) is int for v in distinct)


# --- boundaries, centroids and services: the same ids, values, points and shapes as QGIS's iterator ------------

#: Real files of each kind the tools read: (folder, file, features, first code field, first code).
REAL_LAYERS = [
    ("rutland/boundaries", "rutland_lsoa21.geojson", 26, "LSOA21CD", "E01013787"),
    ("rutland/boundaries", "rutland_wards_2025.geojson", 15, None, None),
    ("rutland/population", "rutland_lsoa11_popweighted_centroids_DERIVED.geojson", 23, "LSOA11CD", "E01013787"),
    ("rutland/services", "rutland_services_osm_2022.geojson", 126, None, None),
    ("nottingham/boundaries", "nottingham_lsoa11.geojson", 182, None, None),
    ("nottingham/deprivation", "nottingham_lsoa21_imd2025.geojson", 179, None, None),
    ("nottingham/population", "nottingham_lsoa11_popweighted_centroids_DERIVED.geojson", 182, None, None),
]


def attribute_value(value: object) -> object:
    """QGIS's NULL as None, every other attribute as it is."""
    return None if value is None or (hasattr(value, "isNull") and value.isNull()) else value


def qgis_reading(layer: QgsVectorLayer) -> tuple[list[int], dict[str, list], list[QgsGeometry]]:
    """Ids, values (None for NULL) and geometries as QGIS's feature iterator gives them."""
    features = list(layer.getFeatures())
    names = layer.fields().names()
    values = {name: [attribute_value(feature[name]) for feature in features] for name in names}
    return [feature.id() for feature in features], values, [feature.geometry() for feature in features]


def assert_read_as_qgis_reads(layer: QgsVectorLayer) -> None:
    """Every id, value (and its Python type), point and shape read as columns equals QGIS's, in the same order."""
    fids, values, geometries = qgis_reading(layer)
    booleans = [field.name() for field in layer.fields() if field.type() == QMetaType.Type.Bool]
    for name in booleans:  # GDAL 3.6 unpacks a GeoPackage's booleans wrongly: refused, QGIS reads them
        with pytest.raises(ColumnarUnsuitableError, match=f"column {name} of type"):
            read_columns(layer, [name])
        del values[name]
    columns = read_columns(layer, list(values))
    assert columns.fids.tolist() == fids
    for name, expected in values.items():
        read = column_values(columns, name)
        assert read == expected, name
        assert [type(value) for value in read] == [type(value) for value in expected], name
    if layer.geometryType() == Qgis.GeometryType.Point:
        first = [(g.vertexAt(0).x(), g.vertexAt(0).y()) if not g.isEmpty() else (np.nan, np.nan) for g in geometries]
        np.testing.assert_array_equal(wkb_points(columns.wkb), np.array(first, dtype=float).reshape(-1, 2))
    else:
        shapes = wkb_geometries(columns.wkb, QgsWkbTypes.isMultiType(layer.wkbType()))
        assert [None if g is None else bytes(g.asWkb()) for g in shapes] == [
            None if g.isNull() else bytes(g.asWkb()) for g in geometries
        ]


@pytest.mark.parametrize("folder, file, count, code_field, first_code", REAL_LAYERS, ids=[r[1] for r in REAL_LAYERS])
def test_real_boundaries_centroids_and_services_read_as_columns_equal_qgis_features(
    shared_data: Path, folder: str, file: str, count: int, code_field: str | None, first_code: str | None
) -> None:
    layer = QgsVectorLayer(str(shared_data / folder / file), file, "ogr")
    assert layer.isValid() and layer.featureCount() == count
    assert_read_as_qgis_reads(layer)
    if code_field:
        assert column_values(read_columns(layer, [code_field]), code_field)[0] == first_code


def test_the_same_files_as_geopackage_and_shapefile_and_the_sample_district_are_equal_too(
    shared_data: Path, sample_gpkg: Path, tmp_path: Path
) -> None:
    for folder, file, *_ in REAL_LAYERS[:3]:
        source = shared_data / folder / file
        for suffix in (".gpkg", ".shp"):
            target = tmp_path / (Path(file).stem + suffix)
            translate(target, source, Path(file).stem)
            layer = QgsVectorLayer(str(target), target.name, "ogr")
            assert layer.isValid() and layer.featureCount() == QgsVectorLayer(str(source), "x", "ogr").featureCount()
            assert_read_as_qgis_reads(layer)
    for name in ("small_areas", "services"):
        layer = open_layer(sample_gpkg, name)
        assert layer.featureCount() > 10
        assert_read_as_qgis_reads(layer)


def test_null_empty_and_multipart_geometries_and_null_values(tmp_path: Path) -> None:
    """A NULL geometry has no point, an empty one is NaN, a MultiPoint stands at its first point; NULLs are None."""
    rows = [
        (QgsGeometry.fromWkt("MultiPoint ((481000 301000), (482000 302000))"), ["A", 1.5, 7]),
        (QgsGeometry(), [None, None, None]),
        (QgsGeometry.fromWkt("MultiPoint ((483000.25 303000.75))"), ["C", -2.0, 0]),
    ]
    fields = [("code", QMetaType.Type.QString), ("pop", QMetaType.Type.Double), ("n", QMetaType.Type.Int)]
    uri = write_gpkg_layer(tmp_path / "points.gpkg", "points", Qgis.WkbType.MultiPoint, fields, rows)
    dataset = ogr.Open(str(tmp_path / "points.gpkg"), 1)  # and one feature without geometry
    source = dataset.GetLayer(0)
    assert source.CreateFeature(ogr.Feature(source.GetLayerDefn())) == 0
    source = dataset = None  # closes the file
    layer = QgsVectorLayer(uri, "points", "ogr")
    assert_read_as_qgis_reads(layer)
    columns = read_columns(layer, ["code", "pop", "n"])
    assert columns.fids.tolist() == [1, 2, 3, 4] and columns.wkb[3] is None and columns.wkb[1] is not None
    assert column_values(columns, "code") == ["A", None, "C", None]
    assert column_values(columns, "n") == [7, None, 0, None] and column_values(columns, "pop")[2] == -2.0
    np.testing.assert_array_equal(
        wkb_points(columns.wkb), [[481000, 301000], [np.nan, np.nan], [483000.25, 303000.75], [np.nan, np.nan]]
    )
    wkts = ["Point Z (1 2 3)", "Point EMPTY", "MultiPoint EMPTY", "PointM (4 5 6)"]
    np.testing.assert_array_equal(
        wkb_points([bytes(QgsGeometry.fromWkt(wkt).asWkb()) for wkt in wkts]),
        [[1, 2], [np.nan] * 2, [np.nan] * 2, [4, 5]],
    )
    with pytest.raises(ColumnarUnsuitableError):
        wkb_points([bytes(QgsGeometry.fromWkt("LineString (0 0, 1 1)").asWkb())])
    polygons = wkb_geometries(
        [bytes(QgsGeometry.fromWkt("MultiPolygon (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))").asWkb()), None]
    )
    assert polygons[1] is None and polygons[0] is not None and polygons[0].constGet().numGeometries() == 2


def test_points_are_transformed_as_qgis_transforms_each_one(shared_data: Path) -> None:
    layer = QgsVectorLayer(
        str(shared_data / "nottingham" / "population" / "nottingham_lsoa11_popweighted_centroids_DERIVED.geojson"),
        "centroids",
        "ogr",
    )
    target = QgsCoordinateReferenceSystem("EPSG:27700")
    transform = QgsCoordinateTransform(layer.crs(), target, QgsProject.instance().transformContext())
    expected = []
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        expected.append((geometry.asPoint().x(), geometry.asPoint().y()))
    xy = wkb_points(read_columns(layer, []).wkb)
    xy[5] = np.nan  # a point without geometry stays without
    moved = transformed_xy(xy, layer.crs(), target)
    assert np.isnan(moved[5]).all()
    keep = np.arange(len(expected)) != 5
    np.testing.assert_array_equal(moved[keep], np.array(expected)[keep])  # bit for bit
    assert 450_000 < moved[0, 0] < 470_000 and 330_000 < moved[0, 1] < 350_000  # Nottingham, in metres


def test_boundary_layers_that_are_not_plain_files_go_to_qgis(shared_data: Path) -> None:
    path = str(shared_data / "rutland" / "boundaries" / "rutland_lsoa21.geojson")
    filtered = QgsVectorLayer(path, "lsoa", "ogr")
    filtered.setSubsetString("\"LSOA21NM\" LIKE 'Rutland 001%'")
    memory = QgsVectorLayer(path, "lsoa", "ogr").materialize(QgsFeatureRequest())
    for layer in (filtered, memory):
        with pytest.raises(ColumnarUnsuitableError):
            read_columns(layer, ["LSOA21CD"])
    with pytest.raises(ColumnarUnsuitableError, match="not in the file"):
        read_columns(QgsVectorLayer(path, "lsoa", "ogr"), ["population"])


def test_codes_values_and_ids_of_boundaries_are_read_as_columns_and_equal_qgis_reading(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The join's, aggregation's and maps' readers give the same codes, numbers and ids from a file read as
    columns as from the same features in a memory layer (read through QGIS), and honour a filter."""
    source = shared_data / "nottingham" / "deprivation" / "nottingham_lsoa21_imd2025.geojson"
    gpkg = tmp_path / "imd.gpkg"
    translate(gpkg, source, source.stem)
    file_layer = QgsVectorLayer(str(gpkg), "imd", "ogr")
    memory = file_layer.materialize(QgsFeatureRequest())
    fields = ["IMD_rank", "IMD_score", "IMD_decile", "LSOA21CD"]
    columnar: list[str] = []
    real_read_columns = layer_values.read_columns

    def counted(layer: QgsVectorLayer, *args: Any, **options: Any) -> Any:
        columns = real_read_columns(layer, *args, **options)  # raises for a layer that is not a plain file
        columnar.append(layer.providerType())
        return columns

    monkeypatch.setattr(layer_values, "read_columns", counted)
    monkeypatch.setattr(layer_codes_module, "read_columns", counted)
    read = [read_numbers(file_layer, fields), feature_ids(file_layer), codes_by_id(file_layer, "LSOA21CD")]
    assert columnar == ["ogr"] * 4  # codes_by_id reads the ids and the codes
    assert read == [read_numbers(memory, fields), feature_ids(memory), codes_by_id(memory, "LSOA21CD")]
    assert columnar == ["ogr"] * 4  # the memory layer was read through QGIS
    numbers, ids, codes = read
    assert len(ids) == 179 and ids == sorted(ids) and ids[0] == 1
    assert numbers[1] == {"IMD_rank": 1642, "IMD_score": 54.609, "IMD_decile": 1, "LSOA21CD": None}  # text: no number
    assert type(numbers[1]["IMD_rank"]) is int and codes[1] == "E01013810"
    assert field_values(file_layer, "IMD_decile") == [str(numbers[i]["IMD_decile"]) for i in ids]
    assert columnar == ["ogr"] * 5
    filtered = QgsVectorLayer(str(gpkg), "imd", "ogr")
    filtered.setSubsetString('"IMD_decile" = 1')
    most_deprived = feature_ids(filtered)
    assert most_deprived == [i for i in ids if numbers[i]["IMD_decile"] == 1] and len(most_deprived) > 50
    assert field_values(filtered, "IMD_decile") == ["1"] * len(most_deprived)
    assert columnar == ["ogr"] * 5  # the filtered layer was read through QGIS


def test_a_geopackage_table_read_as_columns_equals_its_memory_copy(shared_data: Path, tmp_path: Path) -> None:
    """A table layer the join reads (Rutland's IoD2025 as a GeoPackage table, types detected) gives the same text
    cells whether read as columns or feature by feature."""
    source = gdal.OpenEx(
        str(shared_data / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"),
        open_options=["AUTODETECT_TYPE=YES"],
    )
    target = tmp_path / "imd.gpkg"
    assert gdal.VectorTranslate(str(target), source, format="GPKG", layerName="imd") is not None
    source = None
    layer = QgsVectorLayer(f"{target}|layername=imd", "imd", "ogr")
    assert layer.isValid() and not layer.isSpatial()
    read = raw_table_from_layer(layer)
    copied = raw_table_from_layer(layer.materialize(QgsFeatureRequest()))
    assert read.header == copied.header and read.rows == copied.rows
    assert read.header[:2] == ["fid", "lsoa21_code"] and len(read.rows) == 26
    assert read_columns(layer, read.header, geometry=False).count == 26  # so it was read as columns
    imd_rank = read.header.index("IMD_rank")
    assert {row[1]: row[imd_rank] for row in read.rows}["E01013787"].isdigit()
    assert any("." in row[read.header.index("IMD_score")] for row in read.rows)  # scores as decimals
    filtered = QgsVectorLayer(f"{target}|layername=imd", "imd", "ogr")
    filtered.setSubsetString('"IMD_decile" >= 9')
    assert 0 < len(raw_table_from_layer(filtered).rows) < 26


def test_one_geometry_type_of_a_mixed_file_goes_to_qgis(tmp_path: Path) -> None:
    """QGIS shows a file of points and polygons as two layers ('|geometrytype=Point'): only QGIS reads one part."""
    mixed = tmp_path / "mixed.geojson"
    mixed.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"code": "P1"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},'
        '{"type": "Feature", "properties": {"code": "A1"}, "geometry": {"type": "Polygon", '
        '"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},'
        '{"type": "Feature", "properties": {"code": "P2"}, "geometry": {"type": "Point", "coordinates": [3, 4]}}]}'
    )
    points = QgsVectorLayer(f"{mixed}|geometrytype=Point", "points", "ogr")
    assert points.isValid() and points.featureCount() == 2
    with pytest.raises(ColumnarUnsuitableError, match="geometryType"):
        read_columns(points, ["code"])
    assert field_values(points, "code") == ["P1", "P2"] and feature_ids(points) == [0, 2]
    assert column_values(read_columns(QgsVectorLayer(str(mixed), "all", "ogr"), ["code"]), "code") == ["P1", "A1", "P2"]


def test_empty_layers_and_shapefile_text_beyond_ascii(tmp_path: Path) -> None:
    """An empty file reads as empty columns; a Shapefile's accented text is left to QGIS (its encoding setting)."""
    uri = write_gpkg_layer(tmp_path / "empty.gpkg", "empty", Qgis.WkbType.Point, [("pop", QMetaType.Type.Double)], [])
    empty = QgsVectorLayer(uri, "empty", "ogr")
    assert column_values(read_columns(empty, ["pop"]), "pop") == [] and read_numbers(empty, ["pop"]) == {}
    assert field_values(empty, "pop") == [] and feature_ids(empty) == []
    source = tmp_path / "names.geojson"
    point = '"geometry": {"type": "Point", "coordinates": [1, 2]}'
    source.write_text(
        '{"type": "FeatureCollection", "features": ['
        f'{{"type": "Feature", "properties": {{"name": "Caf\\u00e9 Nero"}}, {point}}},'
        f'{{"type": "Feature", "properties": {{"name": "Surgery"}}, {point}}}]}}',
        encoding="utf-8",
    )
    shapefile = tmp_path / "names.shp"
    translate(shapefile, source, "names")
    layer = QgsVectorLayer(str(shapefile), "names", "ogr")
    with pytest.raises(ColumnarUnsuitableError, match="beyond ASCII"):
        read_columns(layer, ["name"])
    as_qgis_reads = [feature["name"] for feature in layer.getFeatures()]  # with its own idea of the encoding
    assert field_values(layer, "name") == as_qgis_reads and as_qgis_reads[1] == "Surgery"
    assert as_qgis_reads[0].startswith("Caf")
