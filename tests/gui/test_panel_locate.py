"""The panel's Locate page: where the sample district's next children's centre should go, from the panel."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProject, QgsVectorLayer

from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.pages.locate_page import LocatePage

from .panel_support import gpkg_file, lis_group_layers, project_layer, wait_for_run


def test_locate_page_follows_the_services_page(panel: LisDockWidget) -> None:
    titles = [panel.tabs.tabText(index) for index in range(panel.tabs.count())]
    page = panel.page("locate")
    assert isinstance(page, LocatePage) and panel.tabs.widget(titles.index("Locate")) is page
    assert titles.index("Locate") == titles.index("Services") + 1
    assert page.run_buttons == [page.run_button]


def test_locate_page_suggests_a_childrens_centre_and_shows_before_and_after(
    panel: LisDockWidget, sample_gpkg: Path
) -> None:
    candidates = QgsVectorLayer(f"{sample_gpkg}|layername=candidate_sites", "Candidate sites", "ogr")
    assert candidates.isValid()
    QgsProject.instance().addMapLayer(candidates)  # owned by the project, freed with it
    page = panel.page("locate")
    page.use_layers(
        demand=project_layer("Population-weighted centroids"),
        areas=project_layer("Small areas: IMD decile"),
        candidates=project_layer("Candidate sites"),
        existing=project_layer("Services"),
        network=project_layer("Roads"),
    )
    page.existing_filter.setExpression("\"service_type\" = 'childrens_centre'")
    assert page.population_combo.currentField() == "pop_total"
    assert page.need_combo.currentField() == "imd_decile"
    assert page.candidate_id_combo.currentField() == "site_id"
    assert page.candidate_name_combo.currentField() == "name"
    assert page.existing_id_combo.currentField() == "service_id"
    assert page.network.speed_combo.currentField() == "speed_kph"
    page.objective_combo.setCurrentIndex(1)  # MCLP
    page.p_spin.setValue(2)
    page.max_cost_spin.setValue(5)
    page.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    assert len(outcome.layers) == 3 and all(layer in lis_group_layers() for layer in outcome.layers)
    assert {gpkg_file(layer).suffix for layer in outcome.layers} == {".gpkg"}
    assert page.status.text() == outcome.results["HEADLINE"]
    assert outcome.results["HEADLINE"].startswith("2 new sites would bring ")
    assert page.sites_table.rowCount() == 2
    assert [page.sites_table.item(row, 0).text() for row in range(2)] == ["1", "2"]
    chosen = outcome.results["CHOSEN"].split(",")
    assert [page.sites_table.item(row, 2).text() for row in range(2)] == chosen
    headers = [page.summary_table.horizontalHeaderItem(c).text() for c in range(page.summary_table.columnCount())]
    assert headers[0] == "Sites" and "People within" in headers and "Mean (min)" in headers
    assert [page.summary_table.item(row, 0).text() for row in range(3)] == ["before", "after", "change"]
    summary = {f["scenario"]: f for f in QgsVectorLayer(outcome.results["SUMMARY"], "s", "ogr").getFeatures()}
    centres = [f for f in project_layer("Services").getFeatures() if f["service_type"] == "childrens_centre"]
    assert summary["before"]["open_sites"] == len(centres) and summary["after"]["open_sites"] == len(centres) + 2
    assert summary["after"]["population_within"] >= summary["before"]["population_within"]
    # the choices are part of the panel's state, saved with the project
    state = page.state()
    assert state["p"] == 2 and state["objective"] == 1 and state["existing_filter"].endswith("'childrens_centre'")
    assert QgsProject.instance().mapLayer(state["candidates"]).name() == "Candidate sites"
