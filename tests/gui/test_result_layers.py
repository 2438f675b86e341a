"""The panel's runs add their results as the toolbox does: in the "LIS" group, named by what and when, never twice
the same name (gui.algorithm_runner and gui.result_layers, over processing.output_loading)."""

from __future__ import annotations

import re
from pathlib import Path

from qgis.core import QgsProject

from lis_qgis_plugin.gui.algorithm_runner import AlgorithmRunner, Output, RunOutcome

from ..support import RUTLAND_GP_FILTER
from .panel_support import lis_group_layers, wait_for_outcome

STAMP = r"\(\d\d:\d\d(?: #\d+)?\)"


def run_and_wait(runner: AlgorithmRunner, *args: object) -> RunOutcome:
    """Start a run and wait for its outcome."""
    assert runner.run(*args)  # type: ignore[arg-type]
    return wait_for_outcome(runner)


def test_three_catchment_runs_from_the_panel_give_three_names_in_the_lis_group(
    lis_plugin: object, project: QgsProject, gp_table: Path, shared_data: Path, tmp_path: Path
) -> None:
    """As the Services page runs them (one GeoPackage, a table per output, the page's own titles): the algorithm's
    words name the layers, the time and a number tell the runs apart, the catchments come first."""
    runner = AlgorithmRunner()
    areas = shared_data / "rutland" / "boundaries" / "rutland_lsoa11.geojson"
    inputs = {"FACILITIES_TABLE": str(gp_table), "FACILITY_FILTER": RUTLAND_GP_FILTER, "METHOD": 1, "COST": 1,
              "BANDS": "800,1600", "AREAS": str(areas)}  # fmt: skip
    runs = []
    for number in range(3):
        geopackage = tmp_path / f"catchments_{number}.gpkg"
        outputs = {
            "CATCHMENTS": Output(geopackage, "GP surgeries: catchments", "catchments"),
            "ASSIGNMENT": Output(geopackage, "GP surgeries: nearest facility", "assignment"),
            "COVERAGE": Output(geopackage, "GP surgeries: coverage", "coverage"),
        }
        outcome = run_and_wait(runner, "lis:servicecatchments", inputs, "Service catchments", None, outputs)
        assert outcome.ok, outcome.error
        runs.append(outcome.layers)
    names = [layer.name() for layers in runs for layer in layers]
    assert len(names) == 9 and len(set(names)) == 9, names
    subject = "gp_surgery"
    for layers in runs:
        expected = [
            rf"{subject} – 800/1600 m buffer catchments {STAMP}",
            rf"{subject} – nearest facility, 800/1600 m buffer {STAMP}",
            rf"{subject} – 800/1600 m buffer coverage {STAMP}",
        ]
        assert all(re.fullmatch(pattern, layer.name()) for pattern, layer in zip(expected, layers)), names
    assert [layer.source().rsplit("=", 1)[1] for layer in runs[0]] == ["catchments", "assignment", "coverage"]
    group = lis_group_layers()
    assert group[:3] == runs[2] and group[3:6] == runs[1] and group[6:9] == runs[0]  # newest run on top


def test_a_result_without_words_of_its_own_takes_the_panels_title(
    lis_plugin: object, project: QgsProject, shared_data: Path, tmp_path: Path
) -> None:
    """lis:createsample's layers are data, not results: their own titles, no time."""
    runner = AlgorithmRunner()
    outcome = run_and_wait(runner, "lis:createsample", {"SMALL_AREAS": 40}, "Sample", None,
                           {"OUTPUT_FOLDER": Output(tmp_path / "sample")})  # fmt: skip
    assert outcome.ok, outcome.error
    names = [layer.name() for layer in outcome.layers]
    assert "Small areas: IMD decile" in names and "Wards" in names
    assert all(layer in lis_group_layers() for layer in outcome.layers)
