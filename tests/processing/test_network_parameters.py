"""NETWORK, NETWORK_FILE and SPEED_FIELD: declared once for the three road tools, and read once."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.processing.network_parameters import COSTS, MODES, NetworkChoice, read_network

ROAD_TOOLS = ("lis:servicecatchments", "lis:locateservices", "lis:accessibility2sfca")


def _definition(tool: str, name: str) -> object:
    definition = QgsApplication.processingRegistry().algorithmById(tool).parameterDefinition(name)
    assert definition is not None, f"{tool} has no {name}"
    return definition


def test_the_road_tools_declare_the_network_the_same_way(lis_plugin: object) -> None:
    for name in ("NETWORK_FILE", "SPEED_FIELD"):
        described = {(_definition(tool, name).description(), _definition(tool, name).type()) for tool in ROAD_TOOLS}
        assert len(described) == 1, described
    for tool in ROAD_TOOLS:
        network, speed = _definition(tool, "NETWORK"), _definition(tool, "SPEED_FIELD")
        assert network.dataTypes() == [Qgis.ProcessingSourceType.VectorLine]
        assert all(
            _definition(tool, name).flags() & Qgis.ProcessingParameterFlag.Optional
            for name in ("NETWORK", "NETWORK_FILE", "SPEED_FIELD")
        )
        assert speed.parentLayerParameterName() == "NETWORK"
        assert speed.dataType() == Qgis.ProcessingFieldParameterDataType.Numeric
        assert ".osm.pbf" in _definition(tool, "NETWORK_FILE").fileFilter()
        assert _definition(tool, "MODE").options() == list(MODES) and _definition(tool, "MODE").defaultValue() == 0
        assert _definition(tool, "COST").options() == list(COSTS) and _definition(tool, "COST").defaultValue() == 0
    # what no network means differs: nothing for catchments by road, straight lines for locate
    assert "straight line" in _definition("lis:locateservices", "NETWORK").description()


def test_read_network_gives_the_layer_or_the_file_with_speed_mode_and_cost(
    lis_plugin: object, sample_gpkg: Path
) -> None:
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("lis:locateservices")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    from_file = read_network(algorithm, {"NETWORK_FILE": f" {sample_gpkg} ", "MODE": 1, "COST": 1}, context)
    assert from_file == NetworkChoice(str(sample_gpkg), None, "walk", "distance")
    roads = f"{sample_gpkg}|layername=roads"
    from_layer = read_network(algorithm, {"NETWORK": roads, "SPEED_FIELD": "speed_kph"}, context)
    assert isinstance(from_layer.source, QgsVectorLayer) and from_layer.source.featureCount() > 0
    assert (from_layer.speed_field, from_layer.mode, from_layer.cost) == ("speed_kph", "drive", "time")
    assert read_network(algorithm, {}, context).source is None  # straight lines for locate
    with pytest.raises(QgsProcessingException, match="either the NETWORK layer or the NETWORK_FILE, not both"):
        read_network(algorithm, {"NETWORK": roads, "NETWORK_FILE": str(sample_gpkg)}, context)
    with pytest.raises(QgsProcessingException, match="NETWORK: choose a road line layer"):
        read_network(algorithm, {}, context, required=True)


def test_a_damaged_network_file_is_named_with_what_to_do(
    lis_plugin: object, rutland: Path, gp_table: Path, tmp_path: Path
) -> None:
    """Processing's own check said only "Incorrect parameter value for NETWORK"; the file and the fix are named."""
    import processing
    from qgis.core import QgsProcessingFeedback

    whole = (rutland / "network" / "rutland_osm_highways.gpkg").read_bytes()
    damaged = tmp_path / "roads.gpkg"
    damaged.write_bytes(whole[: len(whole) // 3])
    pbf = (rutland / "network" / "rutland-latest.osm.pbf").read_bytes()
    short = tmp_path / "rutland.osm.pbf"
    short.write_bytes(pbf[: len(pbf) // 2])
    output = tmp_path / "catchments.gpkg"
    cases = [
        ("NETWORK", damaged, rf"NETWORK: The road network file {damaged} is damaged: it is cut short"),
        ("NETWORK_FILE", damaged, rf"The road network file {damaged} is damaged: it is cut short"),
        ("NETWORK_FILE", short, rf"The road network file {short} is cut short: .* Download it again"),
        ("NETWORK", short, rf"NETWORK: The road network file {short} is cut short"),
    ]
    for name, path, message in cases:
        parameters = {"FACILITIES_TABLE": str(gp_table), name: str(path), "CATCHMENTS": str(output)}
        with pytest.raises(QgsProcessingException, match=message):
            processing.run("lis:servicecatchments", parameters, feedback=QgsProcessingFeedback())
        assert not output.exists()
    for tool in ROAD_TOOLS:  # the three road tools check the NETWORK file the same way
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(tool)
        ok, text = algorithm.checkParameterValues({"NETWORK": str(damaged)}, QgsProcessingContext())
        assert not ok and text.startswith(f"NETWORK: The road network file {damaged} is damaged"), tool


def test_snapping_to_the_main_network_is_the_default_and_can_be_turned_off(lis_plugin: object) -> None:
    for tool in ROAD_TOOLS:
        snap = _definition(tool, "SNAP_TO_MAIN")
        assert snap.defaultValue() is True and snap.flags() & Qgis.ProcessingParameterFlag.Advanced
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("lis:servicecatchments")
    context = QgsProcessingContext()
    assert read_network(algorithm, {}, context).snap_to_main is True
    assert read_network(algorithm, {"SNAP_TO_MAIN": False}, context).snap_to_main is False
