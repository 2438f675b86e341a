"""The Indicators page's store: which store is in use (kept in the project), its catalogue listed and searched,
a store that cannot be read named in one sentence, and the list read again when the store changes.

The store is filled through core.store with Rutland's real IoD2025 file (every rank, score and decile) and a
Fingertips-shaped long table of the sample district's smoking prevalence in four periods.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsProject
from qgis.gui import QgisInterface
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QLabel

from lis_qgis_plugin.core.io.table_files import read_raw_table
from lis_qgis_plugin.core.store.store_boundaries import add_boundary_set
from lis_qgis_plugin.core.store.store_rows import fingertips_values, wide_column_values
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, IndicatorValue, add_values, catalogue
from lis_qgis_plugin.gui.algorithm_runner import RunOutcome
from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.store_catalogue import BREAK
from lis_qgis_plugin.settings import project_store_text
from tests.support import SHARED_DATA, csv_rows, field_with_alias, ogr_layer, write_csv

from .panel_support import gpkg_file, lis_group_layers, project_layer, wait_for_run

RUTLAND_IOD2025 = SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
RUTLAND_LSOA21 = SHARED_DATA / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
IOD_SOURCE = "MHCLG, English Indices of Deprivation 2025"
FINGERTIPS_PERIODS = ("2022/23", "2021/22", "2020/21", "2019/20")  # written newest first, as Fingertips does


def settle(rounds: int = 5) -> None:
    """Let Qt deliver the events queued."""
    for _ in range(rounds):
        QCoreApplication.processEvents()


def fingertips_smoking(path: Path, health_csv: Path) -> Path:
    """A Fingertips-shaped long table: the sample district's smoking prevalence, one point lower each year back."""
    with health_csv.open(encoding="utf-8-sig", newline="") as handle:
        smoking = {row["LSOA code"]: float(row["Smoking prevalence (%)"]) for row in csv.DictReader(handle)}
    header = ["Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value"]
    rows = [
        ["92443", "Smoking Prevalence in adults", code, "Persons", "18+ yrs", period, f"{value - back:.1f}"]
        for back, period in enumerate(FINGERTIPS_PERIODS)
        for code, value in smoking.items()
    ]
    return write_csv(path, header, rows)


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory: pytest.TempPathFactory, sample_result: dict) -> Path:
    """A GeoPackage store with Rutland's 24 IoD2025 columns, the four periods of smoking, and an LSOA 2021
    boundary set (Rutland's polygons written into the store as a layer)."""
    folder = tmp_path_factory.mktemp("panel_store")
    store = folder / "rutland_store.gpkg"
    table = read_raw_table(RUTLAND_IOD2025)
    for column in table.header[1:]:
        entry = CatalogueEntry(
            f"iod2025_{column.lower()}",
            column.replace("_", " "),
            source=IOD_SOURCE,
            licence="OGL v3.0",
            geography="LSOA",
            vintage="2021",
        )
        assert add_values(store, entry, wide_column_values(table, "lsoa21_code", column, "2025")).rows == 26
    long_table = fingertips_smoking(folder / "fingertips_smoking.csv", Path(sample_result["HEALTH_CSV"]))
    smoking = fingertips_values(read_raw_table(long_table))["92443"]
    entry = CatalogueEntry("92443", "Smoking Prevalence in adults", unit="%", source="OHID Fingertips")
    add_values(store, entry, smoking)
    boundary_set = add_boundary_set(store, ogr_layer(str(RUTLAND_LSOA21)), "LSOA 2021")
    assert (boundary_set.geography, boundary_set.vintage, boundary_set.feature_count) == ("LSOA", "2021", 26)
    return store


@pytest.fixture()
def store(filled_store: Path, tmp_path: Path) -> Path:
    """A copy of the filled store that a test may add to."""
    copy = tmp_path / "lis_team_store.gpkg"
    shutil.copyfile(filled_store, copy)
    return copy


def visible_rows(page: object) -> dict[str, list[str]]:
    """Indicator id -> the texts of its row, for the rows in view."""
    tree = page.catalogue.tree  # type: ignore[attr-defined]
    rows = {}
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if not item.isHidden():
            rows[str(item.data(0, 256))] = [item.text(column) for column in range(tree.columnCount())]
    return rows


def text_of(label: QLabel) -> str:
    """A label's text as read (without the invisible breaks that let a long path wrap)."""
    return label.text().replace(BREAK, "")


def choose_store(page: object, path: Path) -> None:
    """Choose a GeoPackage store on the page, as the user does with the file widget."""
    page.store_choice.kind.setCurrentIndex(0)  # type: ignore[attr-defined]
    page.store_choice.file.setFilePath(str(path))  # type: ignore[attr-defined]
    settle()


def test_the_catalogue_lists_every_indicator_with_its_periods_geography_and_date(
    panel: LisDockWidget, store: Path
) -> None:
    page = panel.page("indicators")
    choose_store(page, store)
    assert project_store_text() == str(store)  # kept in the project
    assert text_of(page.store_in_use) == f"Store: {store}."
    rows = visible_rows(page)
    assert len(rows) == 25 and text_of(page.catalogue.message) == "25 indicators in the store."
    assert [page.catalogue.tree.headerItem().text(c) for c in range(5)] == [
        "Name",
        "Periods",
        "Geography",
        "Source",
        "Updated",
    ]
    assert rows["92443"][:4] == ["Smoking Prevalence in adults", "2019/20 – 2022/23 (4)", "", "OHID Fingertips"]
    assert rows["iod2025_imd_decile"][:4] == ["IMD decile", "2025", "LSOA 2021", IOD_SOURCE]
    loaded = {entry.indicator_id: entry.loaded_at for entry in catalogue(store)}
    for indicator_id, texts in rows.items():  # the time loaded, in local time to the minute
        moment = datetime.fromisoformat(loaded[indicator_id]).astimezone()
        assert texts[4] == moment.strftime("%Y-%m-%d %H:%M"), indicator_id
    names = list(rows)  # in the list's order: by name
    assert [rows[i][0] for i in names] == sorted((rows[i][0] for i in names), key=str.casefold)


def test_search_filters_by_id_name_and_source(panel: LisDockWidget, store: Path) -> None:
    page = panel.page("indicators")
    choose_store(page, store)
    search = page.catalogue.search
    search.setText("health")  # names
    assert sorted(visible_rows(page)) == ["iod2025_health_decile", "iod2025_health_rank", "iod2025_health_score"]
    search.setText("FINGERTIPS")  # the source, any case
    assert list(visible_rows(page)) == ["92443"]
    search.setText("92443")  # the id
    assert list(visible_rows(page)) == ["92443"]
    search.setText("imd rank")  # every word
    assert list(visible_rows(page)) == ["iod2025_imd_rank"]
    search.setText("iod2025_income")
    assert sorted(visible_rows(page)) == ["iod2025_income_decile", "iod2025_income_rank", "iod2025_income_score"]
    search.setText("deprivation 2025 environment")  # source and name together
    assert sorted(visible_rows(page)) == [f"iod2025_environment_{kind}" for kind in ("decile", "rank", "score")]
    page.catalogue.select(["iod2025_environment_rank", "92443"])
    assert page.catalogue.selected_ids() == ["iod2025_environment_rank"]  # only the rows in view count
    search.clear()
    assert len(visible_rows(page)) == 25


def test_the_default_store_is_beside_the_saved_project_and_not_created_by_looking(
    panel: LisDockWidget, tmp_path: Path
) -> None:
    page = panel.page("indicators")
    page.store_choice.set_text("")
    page.refresh_store()
    assert text_of(page.store_in_use) == ""  # an unsaved project has no folder for the default store
    assert text_of(page.catalogue.message).startswith("No indicator store is chosen and the project is not saved")
    assert "\n" not in text_of(page.catalogue.message) and "Traceback" not in text_of(page.catalogue.message)
    assert QgsProject.instance().write(str(tmp_path / "district.qgz"))
    settle()
    page.refresh_store()
    default = tmp_path / "lis_store.gpkg"
    assert text_of(page.store_in_use) == f"Store: {default} (the default, beside the project)."
    assert text_of(page.catalogue.message) == "The store does not exist yet: Add to store creates it."
    assert page.store_choice.file.lineEdit().placeholderText() == "lis_store.gpkg beside the project"
    assert not default.exists() and visible_rows(page) == {}


def test_the_store_chosen_comes_back_with_the_project(panel: LisDockWidget, store: Path, tmp_path: Path) -> None:
    panel.setFloating(True)
    panel.show()
    page = panel.page("indicators")
    panel.tabs.setCurrentWidget(page)
    choose_store(page, store)
    saved = tmp_path / "with_store.qgz"
    assert QgsProject.instance().write(str(saved))
    QgsProject.instance().clear()
    settle()
    assert page.store_choice.text() == "" and visible_rows(page) == {}  # a new project: the default store
    assert text_of(page.catalogue.message).startswith("No indicator store is chosen and the project is not saved")
    assert QgsProject.instance().read(str(saved))
    settle()
    assert page.store_choice.text() == str(store) and page.store_choice.file.filePath() == str(store)
    assert text_of(page.store_in_use) == f"Store: {store}." and len(visible_rows(page)) == 25


def test_a_file_that_is_not_a_store_is_named_in_one_sentence_and_left_as_it_was(
    panel: LisDockWidget, tmp_path: Path
) -> None:
    page = panel.page("indicators")
    not_a_store = tmp_path / "indicators.gpkg"
    shutil.copyfile(RUTLAND_IOD2025, not_a_store)  # a CSV given a GeoPackage's name
    before = not_a_store.read_bytes()
    choose_store(page, not_a_store)
    message = text_of(page.catalogue.message)
    assert message.startswith(f"{not_a_store}: this file is not a GeoPackage"), message
    assert "\n" not in message and "Traceback" not in message
    assert visible_rows(page) == {} and not_a_store.read_bytes() == before


def test_a_postgis_store_is_kept_as_its_connection_and_schema(panel: LisDockWidget) -> None:
    page = panel.page("indicators")
    choice = page.store_choice
    choice.kind.setCurrentIndex(1)
    settle()
    assert choice.connection.isVisibleTo(page) and not choice.file.isVisibleTo(page)
    choice.connection.setEditText("health_team")
    choice.schema.setText("jsna")
    choice.schema.editingFinished.emit()
    assert project_store_text() == "pg:health_team|schema=jsna"
    message = text_of(page.catalogue.message)
    assert "health_team" in message and "\n" not in message and "Traceback" not in message  # cannot be reached
    choice.set_text("pg:service=lis_team")  # a service, and the default schema
    assert (choice.kind.currentIndex(), choice.connection.currentText(), choice.schema.text()) == (
        1,
        "service=lis_team",
        "lis",
    )
    assert choice.text() == "pg:service=lis_team|schema=lis"


def test_the_list_is_read_again_after_a_store_tool_ran_and_when_the_page_is_shown(
    panel: LisDockWidget, store: Path, shared_data: Path
) -> None:
    panel.setFloating(True)
    panel.show()
    page = panel.page("indicators")
    panel.tabs.setCurrentWidget(page)
    choose_store(page, store)
    assert len(visible_rows(page)) == 25
    population = read_raw_table(
        shared_data / "rutland" / "population" / "rutland_iod2019_file6_population_denominators.csv"
    )
    code, total = population.header[0], next(name for name in population.header if "Total population" in name)
    add_values(
        store,
        CatalogueEntry("iod2019_population", "Total population (mid 2015)", geography="LSOA", vintage="2011"),
        wide_column_values(population, code, total, "2015"),
    )
    assert len(visible_rows(page)) == 25  # not yet: nothing said the store changed
    panel.runner.finished.emit(RunOutcome("native:buffer", "Buffer", True))  # not a store tool
    assert len(visible_rows(page)) == 25
    panel.runner.finished.emit(RunOutcome("lis:addtostore", "Add to the store", True))
    assert visible_rows(page)["iod2019_population"][1:3] == ["2015", "LSOA 2011"]
    add_values(store, CatalogueEntry("iod2019_extra", "Extra"), [IndicatorValue("E01013787", "2019", 1.0)])
    panel.tabs.setCurrentWidget(panel.page("map"))  # a toolbox run meanwhile: shown again, read again
    settle()
    panel.tabs.setCurrentWidget(page)
    settle()
    assert len(visible_rows(page)) == 27


def test_map_onto_offers_the_store_boundary_set_of_the_selected_indicator(panel: LisDockWidget, store: Path) -> None:
    page = panel.page("indicators")
    panel.page("boundaries").use_layer(project_layer("Small areas: IMD decile"))
    choose_store(page, store)
    options = [page.map_onto.itemText(index) for index in range(page.map_onto.count())]
    assert options == ["Boundary set: LSOA 2021", "Boundaries page: Small areas: IMD decile"]
    page.map_onto.setCurrentIndex(1)
    page.catalogue.select(["iod2025_imd_decile"])  # LSOA 2021: the store's set of that geography
    assert page.map_onto.currentData() == "LSOA 2021"


def test_add_to_map_and_add_to_store_say_what_to_choose_first(
    panel: LisDockWidget, store: Path, qgis_iface: QgisInterface
) -> None:
    page = panel.page("indicators")
    choose_store(page, store)
    page.set_table("")  # the dock outlives a test: another may have chosen a table
    page.map_button.click()
    page.add_store_button.click()
    first, second = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "Select one or more indicators in the store's list first." in first
    assert "Choose the indicator table above (a CSV, XLSX or ODS file, or fetch one) first." in second
    assert not panel.runner.is_running()


def test_add_to_map_maps_the_latest_period_of_the_selected_indicators_on_the_store_boundary_set(
    panel: LisDockWidget, store: Path, tmp_path: Path
) -> None:
    page = panel.page("indicators")
    choose_store(page, store)
    page.catalogue.select(["iod2025_imd_decile", "iod2025_health_score"])  # first click
    assert page.map_onto.currentData() == "LSOA 2021"
    before = set(QgsProject.instance().mapLayers())
    page.map_button.click()  # second click
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    (layer,) = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers()) - before]
    assert layer in lis_group_layers() and gpkg_file(layer).parent == tmp_path / "outputs"
    assert layer.featureCount() == 26
    published = {row["lsoa21_code"]: row for row in csv_rows(RUTLAND_IOD2025)}
    decile, health = field_with_alias(layer.source(), "IMD decile"), field_with_alias(layer.source(), "Health score")
    for feature in layer.getFeatures():
        row = published[feature["LSOA21CD"]]
        assert feature[decile] == float(row["IMD_decile"])
        assert feature[health] == pytest.approx(float(row["Health_score"]))
    assert panel.page("map").layer_combo.currentLayer() is layer


def test_add_to_store_puts_the_pages_table_in_and_lists_it_selected(panel: LisDockWidget, tmp_path: Path) -> None:
    page = panel.page("indicators")
    choose_store(page, tmp_path / "new_store.gpkg")
    page.set_table(str(RUTLAND_IOD2025))
    page.add_store_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    added = outcome.results["INDICATORS"].split(",")
    assert len(added) == 24 and outcome.results["ADDED"] == 24 * 26
    rows = visible_rows(page)
    assert sorted(rows) == sorted(added) and sorted(page.catalogue.selected_ids()) == sorted(added)
    assert all(texts[2] == "LSOA 2021" for texts in rows.values())
    assert (
        page.status.text() == "Added 624 values of 24 indicators to the store (selected in the list): press Add to map."
    )


@pytest.mark.parametrize("width", [300, 420])
def test_the_store_section_fits_the_dock_and_renders(
    panel: LisDockWidget, store: Path, tmp_path: Path, width: int
) -> None:
    panel.setFloating(True)
    panel.show()
    page = panel.page("indicators")
    panel.tabs.setCurrentWidget(page)
    choose_store(page, store)
    panel.resize(width, 720)
    settle(10)
    page.ensureWidgetVisible(page.catalogue.tree)
    settle()
    assert page.content.minimumSizeHint().width() <= page.viewport().width()
    assert page.catalogue.tree.isVisible() and page.catalogue.tree.height() >= 180
    shot = tmp_path / f"indicators_store_{width}.png"
    assert panel.grab().save(str(shot)) and shot.stat().st_size > 5000
    whole = tmp_path / f"indicators_page_{width}.png"  # the whole page, scrolled or not
    assert page.content.grab().save(str(whole)) and whole.stat().st_size > shot.stat().st_size // 2
    assert re.fullmatch(r"\d+ indicators in the store\.", text_of(page.catalogue.message))
