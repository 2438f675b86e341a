"""The panel's pages ask the dock only through PanelServices (so pages and dock do not import each other); the
Services page's catchment shapes."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import processing
from qgis.core import Qgis, QgsVectorLayer

from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.pages import base
from lis_qgis_plugin.plugin import LisPlugin

from .panel_support import project_layer, wait_for_run

PAGES = Path(base.__file__).parent


def panel_services_members() -> set[str]:
    """The names PanelServices lists."""
    return {name for name in vars(base.PanelServices) if not name.startswith("_")}


def test_no_page_imports_the_dock() -> None:
    for module in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "lis_dock" not in (node.module or ""), f"{module.name} imports the dock"


def test_panel_services_lists_exactly_what_the_pages_ask_of_the_panel() -> None:
    asked: set[str] = set()
    for module in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and ast.unparse(node.value) in ("panel", "self.panel"):
                asked.add(node.attr)
    assert asked == panel_services_members()


def test_the_dock_gives_every_panel_service_as_declared(lis_plugin: LisPlugin) -> None:
    if lis_plugin.dock is None:
        lis_plugin.actions[0].trigger()
    dock = lis_plugin.dock
    for name in panel_services_members():
        declared = getattr(base.PanelServices, name)
        if isinstance(declared, property):
            assert getattr(dock, name) is not None, name
        else:
            assert inspect.signature(getattr(dock, name)) == inspect.signature(declared.__get__(dock)), name
    for page in dock.pages.values():
        assert page.panel is dock


def coverage_rows(uri: str) -> dict[str, dict[str, object]]:
    """The coverage table by facility id, every field but fid."""
    layer = QgsVectorLayer(uri, "coverage", "ogr")
    names = [field.name() for field in layer.fields() if field.name() != "fid"]
    return {feature["facility_id"]: {name: feature[name] for name in names} for feature in layer.getFeatures()}


def test_the_services_page_draws_filled_areas_that_agree_with_the_algorithm(
    panel: LisDockWidget, tmp_path: Path
) -> None:
    page = panel.page("services")
    assert page.shape_combo.currentText() == "Filled travel-time areas"  # the default shape
    assert not page.buffer_spin.isEnabled() and page.cell_spin.isEnabled()
    page.use_layers(
        facilities=project_layer("Services"),
        network=project_layer("Roads"),
        areas=project_layer("Small areas: IMD decile"),
        demand=project_layer("Population-weighted centroids"),
    )
    page.filter_widget.setExpression("\"service_type\" = 'gp_surgery'")
    page.bands_edit.setText("3, 10")
    parameters = page.parameters()
    assert (parameters["METHOD"], parameters["CELL_SIZE"], parameters["MAX_OFF_NETWORK"]) == (3, 50, 400)
    page.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    catchments = QgsVectorLayer(outcome.results["CATCHMENTS"], "catchments", "ogr")
    gps = [f for f in project_layer("Services").getFeatures() if f["service_type"] == "gp_surgery"]
    assert catchments.featureCount() == 2 * len(gps)  # one filled area per surgery and band
    assert {f.geometry().type() for f in catchments.getFeatures()} == {Qgis.GeometryType.Polygon}

    direct = processing.run(
        "lis:servicecatchments",
        {
            **parameters,
            "CATCHMENTS": str(tmp_path / "direct.gpkg|layername=catchments"),
            "ASSIGNMENT": str(tmp_path / "direct.gpkg|layername=assignment"),
            "COVERAGE": str(tmp_path / "direct.gpkg|layername=coverage"),
        },
    )
    panel_rows, direct_rows = coverage_rows(outcome.results["COVERAGE"]), coverage_rows(direct["COVERAGE"])
    assert panel_rows == direct_rows
    overall = panel_rows["All facilities"]
    assert 0 < overall["within_3min"] < overall["within_10min"] <= overall["population"]
    shown = page.coverage_table.item(
        0,
        [page.coverage_table.horizontalHeaderItem(c).toolTip() for c in range(page.coverage_table.columnCount())].index(
            "within_10min"
        ),
    ).text()
    assert shown == f"{overall['within_10min']:,.0f}"

    page.shape_combo.setCurrentIndex(page.shape_combo.findData(0))
    page.cell_spin.setValue(25)
    saved = page.state()
    assert (saved["method"], saved["cell_size"], saved["max_off_network"]) == (0, 25, 400)
    assert page.parameters()["METHOD"] == 0 and page.buffer_spin.isEnabled() and not page.cell_spin.isEnabled()
    page.shape_combo.setCurrentIndex(0)
    page.cell_spin.setValue(50)
    page.restore(saved)
    assert page.method() == 0 and page.cell_spin.value() == 25
