"""The panel's Locate page: new sites for the sample district and Rutland, and the demand it offers first."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsProject, QgsVectorLayer
from qgis.gui import QgisInterface
from qgis.PyQt.QtWidgets import QLabel

from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.pages.locate_page import LocatePage

from ..support import RUTLAND_GEOJSON_GPS, RUTLAND_HALLS
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
    gain = page.sites_table.horizontalHeaderItem(4)  # in plain words: no "need-weighted person-minutes"
    assert (
        gain.text() == "Weighted by need" and gain.toolTip() == "Residents newly within the standard, weighted by need"
    )
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


# --- issue 17: a Locate page that starts sensibly, with Rutland and Nottingham open together -----------------


def _open(path: Path, name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(str(path), name, "ogr")
    assert layer.isValid(), path
    QgsProject.instance().addMapLayer(layer)  # owned by the project, freed with it
    return layer


def test_locate_page_offers_the_candidates_own_people_as_demand(panel: LisDockWidget, shared_data: Path) -> None:
    """Nottingham loaded first, then Rutland: the demand follows the candidates' district, centroids first."""
    QgsProject.instance().removeAllMapLayers()
    page = panel.page("locate")
    nottingham, rutland = shared_data / "nottingham", shared_data / "rutland"
    notts_areas = _open(nottingham / "deprivation" / "nottingham_lsoa11_imd2019.geojson", "nottingham_lsoa11_imd2019")
    notts_people = _open(
        nottingham / "population" / "nottingham_lsoa11_popweighted_centroids_DERIVED.geojson", "Nottingham PWC"
    )
    notts_nhs = _open(nottingham / "services" / "nottingham_nhs_services_nhschoices_2014.geojson", "nottingham_nhs")
    rutland_areas = _open(rutland / "deprivation" / "rutland_lsoa11_imd2019.geojson", "rutland_lsoa11_imd2019")
    halls = _open(rutland / "services" / "rutland_services_osm_2022.geojson", "rutland_services_osm_2022")
    assert page.candidates_combo.currentLayer() in (notts_nhs, halls)  # sites, never the centroids
    page.candidates_combo.setLayer(halls)
    # no Rutland centroids yet: Rutland's small areas, not Nottingham's, and their own decile
    assert page.demand_combo.currentLayer() is rutland_areas
    assert page.population_combo.currentField() == "pop_total_mid2015"
    assert page.areas_combo.currentLayer() is None and page.need_combo.currentField() == "imd_decile"
    rutland_people = _open(
        rutland / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson", "rutland_lsoa11_pwc"
    )
    assert page.demand_combo.currentLayer() is rutland_people  # centroids, as soon as they are open
    assert page.population_combo.currentField() == "usual_residents_2011"
    assert page.areas_combo.currentLayer() is rutland_areas  # the need comes from Rutland's small areas
    assert page.need_combo.currentField() == "imd_decile"
    page.candidates_combo.setLayer(notts_nhs)
    assert page.demand_combo.currentLayer() is notts_people and page.areas_combo.currentLayer() is notts_areas
    # a demand the user picks stays, whatever the candidates
    page.demand_combo.setLayer(notts_areas)
    page.demand_combo.activated.emit(page.demand_combo.currentIndex())
    page.candidates_combo.setLayer(halls)
    assert page.demand_combo.currentLayer() is notts_areas
    # the words are the user's question, not one service's
    intro = page.findChild(QLabel, "locateIntro")
    assert (
        intro is page.intro and intro.text().startswith("Where should new sites go?") and "children" not in intro.text()
    )


def test_nothing_to_gain_is_shown_as_an_answer(
    panel: LisDockWidget, shared_data: Path, highways: str, qgis_iface: QgisInterface
) -> None:
    """Rutland's GP surgeries already bring all 37,369 residents within 30 minutes' drive: the panel says so as an
    answer (information, not an error), with the before and after table, and nothing chosen."""
    QgsProject.instance().removeAllMapLayers()
    rutland = shared_data / "rutland"
    people = _open(rutland / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson", "rutland_pwc")
    nhs = _open(rutland / "services" / "rutland_nhs_services_nhschoices_2014.geojson", "rutland_nhs")
    halls = _open(rutland / "services" / "rutland_services_osm_2022.geojson", "rutland_services")
    roads = QgsVectorLayer(highways, "rutland_roads", "ogr")
    QgsProject.instance().addMapLayer(roads)
    page = panel.page("locate")
    page.use_layers(candidates=halls, existing=nhs, network=roads)
    assert page.demand_combo.currentLayer() is people  # offered, not given
    page.candidate_filter.setExpression(RUTLAND_HALLS)
    page.existing_filter.setExpression(RUTLAND_GEOJSON_GPS)
    page.objective_combo.setCurrentIndex(1)  # MCLP
    page.p_spin.setValue(1)
    page.max_cost_spin.setValue(30)
    page.run_button.click()
    outcome = wait_for_run(panel, timeout_s=120)
    assert outcome.ok, outcome.error
    assert outcome.results["HEADLINE"] == (
        "No new site would bring anyone new within 30 minutes: all 37,369 residents already are."
    )
    assert page.status.text().startswith(outcome.results["HEADLINE"] + "\nNo new site was chosen")
    assert page.status.property("answer") == "nothing_to_gain" and "palette(highlight)" in page.status.styleSheet()
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical) == []
    assert len(outcome.layers) == 3 and page.sites_table.rowCount() == 0
    rows = {
        page.summary_table.item(row, 0).text(): [
            page.summary_table.item(row, column).text() for column in range(page.summary_table.columnCount())
        ]
        for row in range(3)
    }
    headers = [page.summary_table.horizontalHeaderItem(c).text() for c in range(page.summary_table.columnCount())]
    within = headers.index("People within")
    assert rows["before"][within] == rows["after"][within] == "37,369" and rows["change"][within] == "0"
