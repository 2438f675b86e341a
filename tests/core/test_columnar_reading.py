"""Road networks read as columns (GDAL's Arrow stream) give exactly the graph read feature by feature."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal
from qgis.core import QgsFeatureRequest, QgsGeometry, QgsVectorLayer

from lis_qgis_plugin.core.io.columnar_reading import ColumnarUnsuitableError, python_values, wkb_line_parts
from lis_qgis_plugin.core.network.road_network import RoadGraph, TravelMode, build_graph

from ..support import open_layer


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
