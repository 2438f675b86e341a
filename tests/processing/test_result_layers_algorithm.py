"""LIS results loaded by Processing itself (toolbox, batch, model): in the "LIS" group, named by what and when.

The runs go through processing.run with a context on QgsProject.instance() and destinations that ask to be
loaded (QgsProcessingOutputLayerDefinition, as the toolbox's dialog and runAndLoadResults make them), then
through Processing's own post-processing, processing.gui.Postprocessing.handleAlgorithmResults, which the
toolbox, the batch dialog (once per row) and a model run call when an algorithm ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import (
    QgsApplication,
    QgsLayerTreeLayer,
    QgsProcessingContext,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.processing.output_loading import GROUP_NAME

from ..support import RUTLAND_GP_FILTER, LogFeedback

STAMP = r"\(\d\d:\d\d(?: #\d+)?\)"


@pytest.fixture()
def project(qgis_new_project: QgsProject) -> Iterator[QgsProject]:
    """The project the toolbox loads into, emptied before and after."""
    project = QgsProject.instance()
    project.clear()
    yield project
    project.clear()


@pytest.fixture(autouse=True)
def no_main_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """handleAlgorithmResults selects the new layer in the main window's layer tree: the tests have none."""
    from processing.gui import Postprocessing

    monkeypatch.setattr(Postprocessing, "iface", None)


def run_as_toolbox(algorithm_id: str, parameters: dict[str, object], outputs: dict[str, str]) -> list[QgsVectorLayer]:
    """Run as the toolbox does (outputs to be opened in this project), then Processing's own loading.

    The layers added to the project, in the order of the LIS group (top first).
    """
    import processing
    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = LogFeedback()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    wanted = {
        **parameters,
        **{name: QgsProcessingOutputLayerDefinition(path, project) for name, path in outputs.items()},
    }
    before = set(project.mapLayers())
    processing.run(algorithm, wanted, context=context, feedback=feedback)
    assert handleAlgorithmResults(algorithm, context, feedback, wanted)
    new = set(project.mapLayers()) - before
    return [layer for layer in group_layers(project) if layer.id() in new]


def group_layers(project: QgsProject) -> list[QgsVectorLayer]:
    """The layers of the project's LIS group, top first."""
    group = project.layerTreeRoot().findGroup(GROUP_NAME)
    assert group is not None, "no LIS group in the layer tree"
    return [node.layer() for node in group.children() if isinstance(node, QgsLayerTreeLayer)]


def test_three_catchment_runs_from_the_toolbox_give_three_named_layers_in_the_lis_group(
    lis_plugin: object, project: QgsProject, gp_table: Path, tmp_path: Path
) -> None:
    """Rutland's GP surgeries, 1/2 km buffer catchments, three times: three sets of layers that say what
    they are and can be told apart, each in the LIS group with the catchments on top."""
    parameters = {
        "FACILITIES_TABLE": str(gp_table), "FACILITY_FILTER": RUTLAND_GP_FILTER, "METHOD": 1, "COST": 1,
        "BANDS": "1000,2000", "ASSIGNMENT": None, "COVERAGE": None,
    }  # fmt: skip
    runs = [
        run_as_toolbox("lis:servicecatchments", parameters, {"CATCHMENTS": str(tmp_path / f"run{n}.gpkg")})
        for n in range(3)
    ]
    names = [layer.name() for (layer,) in runs]
    assert len(set(names)) == 3, names
    for name in names:
        assert re.fullmatch(rf"gp_surgery – 1000/2000 m buffer catchments {STAMP}", name), name
    assert len(group_layers(project)) == 3 and all(layer.isValid() for (layer,) in runs)
    assert all(Path(layer.source().split("|")[0]).suffix == ".gpkg" for (layer,) in runs)
    assert {layer.featureCount() for (layer,) in runs} == {runs[0][0].featureCount()} and runs[0][0].featureCount() > 0


def test_every_output_of_a_run_joins_the_lis_group_in_the_algorithms_order(
    lis_plugin: object, project: QgsProject, gp_table: Path, tmp_path: Path, shared_data: Path
) -> None:
    areas = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    layers = run_as_toolbox(
        "lis:servicecatchments",
        {"FACILITIES_TABLE": str(gp_table), "FACILITY_FILTER": RUTLAND_GP_FILTER, "METHOD": 1, "COST": 1,
         "BANDS": "1500", "AREAS": str(areas)},
        {"CATCHMENTS": str(tmp_path / "c.gpkg"), "ASSIGNMENT": str(tmp_path / "a.gpkg"),
         "COVERAGE": str(tmp_path / "v.gpkg")},
    )  # fmt: skip
    words = [re.sub(STAMP, "", layer.name()).split(" – ", 1)[1].strip() for layer in layers]
    assert words == ["1500 m buffer catchments", "nearest facility, 1500 m buffer",
                     "1500 m buffer coverage"]  # fmt: skip
    assert [layer.source().rsplit("=", 1)[1] for layer in layers] == ["catchments", "assignment", "coverage"]


def test_a_models_lis_output_joins_the_lis_group_with_its_name(
    lis_plugin: object, project: QgsProject, shared_data: Path, tmp_path: Path
) -> None:
    """A model with lis:deprivationmap as its step, run and loaded as the model designer's Run does."""
    static = QgsProcessingModelChildParameterSource.fromStaticValue
    model = QgsProcessingModelAlgorithm("decile_map", "LIS tests")
    step = QgsProcessingModelChildAlgorithm("lis:deprivationmap")
    step.setChildId("map")
    step.addParameterSources("INPUT", [static(str(shared_data / "rutland/deprivation/rutland_lsoa11_imd2019.geojson"))])
    for name, value in {"FIELD": "imd_rank", "METHOD": 0}.items():
        step.addParameterSources(name, [static(value)])
    output = QgsProcessingModelOutput("deciles", "Deciles")
    output.setChildId("map")
    output.setChildOutputName("OUTPUT")
    step.setModelOutputs({"deciles": output})
    model.addChildAlgorithm(step)
    model.updateDestinationParameters()
    (destination,) = [parameter.name() for parameter in model.destinationParameterDefinitions()]
    layers = run_model_as_designer(model, {destination: str(tmp_path / "model.gpkg")})
    (layer,) = layers
    assert re.fullmatch(rf"rutland_lsoa11_imd2019 – imd_rank: national deciles {STAMP}", layer.name()), layer.name()
    assert layer.featureCount() == 23 and layer.renderer().type() == "categorizedSymbol"  # its stored style


def run_model_as_designer(model: QgsProcessingModelAlgorithm, outputs: dict[str, str]) -> list[QgsVectorLayer]:
    """The model run with its outputs to be loaded, then Processing's loading: the layers added, top first."""
    import processing
    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject.instance()
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = LogFeedback()
    wanted = {name: QgsProcessingOutputLayerDefinition(path, project) for name, path in outputs.items()}
    before = set(project.mapLayers())
    processing.run(model, wanted, context=context, feedback=feedback)
    assert handleAlgorithmResults(model, context, feedback, wanted)
    new = set(project.mapLayers()) - before
    return [layer for layer in group_layers(project) if layer.id() in new]


def test_the_deprivation_summary_from_the_toolbox_joins_the_lis_group(
    lis_plugin: object, project: QgsProject, shared_data: Path, tmp_path: Path
) -> None:
    """lis:deprivationsummary used to be loaded by Processing on its own (a bare .gpkg, outside the group)."""
    rutland = shared_data / "rutland"
    (layer,) = run_as_toolbox(
        "lis:deprivationsummary",
        {"INPUT": str(rutland / "deprivation/rutland_lsoa11_imd2019.geojson"), "RANK_FIELD": "imd_rank",
         "POPULATION_FIELD": "pop_total_mid2015", "TARGET": str(rutland / "boundaries/rutland_wards_2025.geojson")},
        {"OUTPUT": str(tmp_path / "summary.gpkg")},
    )  # fmt: skip
    assert re.fullmatch(rf"rutland_wards_2025 – deprivation of rutland_lsoa11_imd2019 {STAMP}", layer.name()), (
        layer.name()
    )
    assert layer.source().startswith(str(tmp_path)) and layer.featureCount() > 0


def test_a_toolbox_join_of_long_headers_names_its_layer_and_says_which_fields_were_cut(
    lis_plugin: object, project: QgsProject, shared_data: Path, tmp_path: Path
) -> None:
    """IoD2019 File 6 onto Rutland's LSOAs from the toolbox: the log names each header cut to 40 characters, the
    layer in the LIS group shows the full header as the field's alias."""
    import processing
    from processing.gui.Postprocessing import handleAlgorithmResults

    rutland = shared_data / "rutland"
    table = rutland / "population" / "rutland_iod2019_file6_population_denominators.csv"
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = LogFeedback()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("lis:joinindicators")
    parameters = {
        "BOUNDARIES": str(rutland / "boundaries" / "rutland_lsoa11.geojson"), "TABLE": str(table),
        "OUTPUT": QgsProcessingOutputLayerDefinition(str(tmp_path / "population.gpkg"), project),
    }  # fmt: skip
    processing.run(algorithm, parameters, context=context, feedback=feedback)
    assert handleAlgorithmResults(algorithm, context, feedback, parameters)
    assert (
        "Field 'Total population: mid 2015 (excluding prisoners)' is stored as "
        "'total_population_mid_2015_excluding_pris' (GeoPackage field names are kept to 40 characters); its full "
        "name is the alias." in feedback.text
    )
    assert feedback.text.count("GeoPackage field names are kept to 40 characters") == 5
    (layer,) = group_layers(project)
    assert re.fullmatch(rf"rutland_lsoa11 \+ rutland_iod2019_file6_p… {STAMP}", layer.name()), layer.name()
    field = layer.fields().field("total_population_mid_2015_excluding_pris")
    assert field.alias() == "Total population: mid 2015 (excluding prisoners)"
