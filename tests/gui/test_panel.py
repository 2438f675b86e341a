"""The LIS panel: each page collects choices, runs its algorithm in a background task and shows the results."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsProcessingAlgorithm,
    QgsProject,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgisInterface
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QRect
from qgis.PyQt.QtGui import QColor, QImage
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
)

from lis_qgis_plugin import settings as lis_settings
from lis_qgis_plugin.gui.algorithm_form import AlgorithmForm
from lis_qgis_plugin.gui.lis_dock import DOCK_OBJECT_NAME, LisDockWidget
from lis_qgis_plugin.plugin import LisPlugin

from ..support import open_layer
from .panel_support import gpkg_file, lis_group_layers, project_layer, wait_for_run


def test_panel_has_a_page_for_each_registered_tool(panel: LisDockWidget, qgis_iface: QgisInterface) -> None:
    assert qgis_iface.mainWindow().findChild(QDockWidget, DOCK_OBJECT_NAME) is panel
    titles = [panel.tabs.tabText(index) for index in range(panel.tabs.count())]
    assert titles == ["Start", "Boundaries", "Indicators", "Map", "Services", "Locate", "Atlas"]


def test_boundaries_page_finds_the_code_field(panel: LisDockWidget) -> None:
    small_areas = project_layer("Small areas: IMD decile")
    page = panel.page("boundaries")
    page.use_layer(small_areas)
    assert page.code_field() == "lsoa_code"
    assert f"{small_areas.featureCount():,} areas" in page.status.text() and "LSOA" in page.status.text()
    assert panel.boundaries_layer() is small_areas


def test_join_from_the_panel_adds_the_layer_and_lists_every_unmatched_code(
    panel: LisDockWidget, tmp_path: Path
) -> None:
    small_areas = project_layer("Small areas: IMD decile")
    codes = sorted(f["lsoa_code"] for f in small_areas.getFeatures())
    table = tmp_path / "indicators.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LSOA code", "Smoking (%)"])
        for index, code in enumerate(codes[:-5]):
            writer.writerow([code, f"{10 + index % 7}.5"])
        for code in ("E01999991", "E01999992"):
            writer.writerow([code, "12.0"])
    panel.page("boundaries").use_layer(small_areas)
    page = panel.page("indicators")
    page.set_table(str(table))
    before = set(QgsProject.instance().mapLayers())

    page.join_button.click()
    assert panel.cancel_button.isEnabled() and not page.join_button.isEnabled()  # running: cancel on, run off
    outcome = wait_for_run(panel)

    assert outcome.ok, outcome.error
    assert outcome.results["MATCHED"] == len(codes) - 5
    (joined,) = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers()) - before]
    assert joined in lis_group_layers()
    assert joined.providerType() == "ogr" and gpkg_file(joined).suffix == ".gpkg"
    assert gpkg_file(joined).parent == tmp_path / "outputs"
    assert joined.featureCount() == len(codes)
    assert f"Matched: {len(codes) - 5:,} areas" in page.status.text()
    assert set(page.unmatched_codes()) == set(codes[-5:]) | {"E01999991", "E01999992"}
    page.copy_button.click()
    assert set(QApplication.clipboard().text().splitlines()) == set(page.unmatched_codes())
    assert panel.page("map").layer_combo.currentLayer() is joined  # offered to the next step
    assert panel.progress.value() == 100 and not panel.cancel_button.isEnabled()


def test_join_of_the_sample_workbook_matches_every_area(panel: LisDockWidget, sample_result: dict) -> None:
    small_areas = project_layer("Small areas: IMD decile")
    panel.page("boundaries").use_layer(small_areas)
    page = panel.page("indicators")
    page.set_table(sample_result["HEALTH_XLSX"])
    page.join_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    assert outcome.results["MATCHED"] == small_areas.featureCount()
    assert page.unmatched_codes() == []
    assert "suppressed" in page.notes.toPlainText()  # the workbook's '*' cells are reported


def test_map_page_makes_a_styled_layer_and_shows_its_legend(panel: LisDockWidget) -> None:
    page = panel.page("map")
    page.use_layer(project_layer("Small areas: IMD decile"))
    page.field_combo.setField("imd_rank")
    page.method_combo.setCurrentIndex(0)  # national deciles from rank
    page.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    (layer,) = outcome.layers
    assert layer in lis_group_layers() and gpkg_file(layer).suffix == ".gpkg"
    classes = {f["imd_rank_class"] for f in layer.getFeatures()}
    deciles = {f["imd_decile"] for f in layer.getFeatures()}
    assert classes == deciles  # national deciles from rank are the published deciles
    expected = [item.label() for item in layer.renderer().legendSymbolItems()]
    assert page.legend_labels() == expected and len(expected) >= len(classes)
    deadline = time.monotonic() + 10
    while page.preview.pixmap() is None or page.preview.pixmap().isNull():
        assert time.monotonic() < deadline
        QCoreApplication.processEvents()
    assert page.preview.pixmap().width() > 100


def test_services_page_runs_catchments_and_shows_the_coverage_table(panel: LisDockWidget) -> None:
    page = panel.page("services")
    page.use_layers(
        facilities=project_layer("Services"),
        network=project_layer("Roads"),
        areas=project_layer("Small areas: IMD decile"),
        demand=project_layer("Population-weighted centroids"),
    )
    page.filter_widget.setExpression("\"service_type\" = 'gp_surgery'")
    page.bands_edit.setText("3, 10")
    assert page.network.speed_combo.currentField() == "speed_kph"
    assert page.population_combo.currentField() == "pop_total"
    assert page.decile_combo.currentField() == "imd_decile"
    page.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    assert len(outcome.layers) == 3 and all(layer in lis_group_layers() for layer in outcome.layers)
    assert {gpkg_file(layer).suffix for layer in outcome.layers} == {".gpkg"}
    coverage = QgsVectorLayer(outcome.results["COVERAGE"], "coverage", "ogr")
    assert page.coverage_table.rowCount() == coverage.featureCount() > 1
    header_items = [page.coverage_table.horizontalHeaderItem(c) for c in range(page.coverage_table.columnCount())]
    headers = [item.toolTip() for item in header_items]  # the field names; shown broken at '_' to fit the dock
    assert "pct_10min" in headers and header_items[headers.index("pct_10min")].text() == "pct\n10min"
    ids = [page.coverage_table.item(row, headers.index("facility_id")).text() for row in range(coverage.featureCount())]
    assert ids[0] == "All facilities"  # the answer first
    gps = [f for f in project_layer("Services").getFeatures() if f["service_type"] == "gp_surgery"]
    assert len(ids) == len(gps) + 1


def test_cancel_during_catchments_leaves_no_layer_and_no_file(
    panel: LisDockWidget, tmp_path: Path, qgis_iface: QgisInterface
) -> None:
    lis_settings.set_cache_dir(tmp_path / "fresh_cache")  # the road graph is built, not read: a long first step
    try:
        page = panel.page("services")
        page.use_layers(facilities=project_layer("Services"), network=project_layer("Roads"))
        page.filter_widget.setExpression("")
        page.bands_edit.setText(", ".join(str(minutes) for minutes in range(1, 41)))
        layers_before = set(QgsProject.instance().mapLayers())
        progress: list[float] = []

        def cancel_once_started(value: float) -> None:
            progress.append(value)
            if len(progress) == 1:
                panel.cancel_button.click()  # as a person would, as soon as the bar moves

        panel.runner.progressChanged.connect(cancel_once_started)
        page.run_button.click()
        outcome = wait_for_run(panel)
        panel.runner.progressChanged.disconnect(cancel_once_started)
    finally:
        lis_settings.set_cache_dir(None)
    assert progress and max(progress) < 100
    assert outcome.canceled and not outcome.ok
    assert set(QgsProject.instance().mapLayers()) == layers_before
    written = [QgsVectorLayer(str(path), "left", "ogr") for path in (tmp_path / "outputs").glob("*.gpkg")]
    assert [layer.source() for layer in written if layer.dataProvider().subLayerCount()] == []  # no table is left
    assert "cancelled" in panel.run_status.text()
    assert not qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)


def test_errors_go_to_the_message_bar_in_plain_words(
    panel: LisDockWidget, qgis_iface: QgisInterface, tmp_path: Path
) -> None:
    panel.page("boundaries").use_layer(project_layer("Small areas: IMD decile"))
    page = panel.page("indicators")
    page.set_table(str(tmp_path / "missing.csv"))
    page.join_button.click()
    outcome = wait_for_run(panel)
    assert not outcome.ok
    (message,) = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "missing.csv" in message and "Traceback" not in message
    assert outcome.error in message
    assert list((tmp_path / "outputs").glob("*.gpkg")) == []  # the output it had started is removed


def test_choices_are_saved_in_the_project_and_restored(panel: LisDockWidget, tmp_path: Path) -> None:
    small_areas = project_layer("Small areas: IMD decile")
    services = panel.page("services")
    services.use_layers(facilities=project_layer("Services"), network=project_layer("Roads"))
    services.bands_edit.setText("4, 8, 12")
    services.network.mode_combo.setCurrentIndex(1)
    map_page = panel.page("map")
    map_page.use_layer(small_areas)
    map_page.field_combo.setField("imd_score")
    map_page.method_combo.setCurrentIndex(6)
    map_page.classes_spin.setValue(7)
    panel.page("boundaries").use_layer(small_areas)
    path = tmp_path / "saved.qgz"
    assert QgsProject.instance().write(str(path))

    services.bands_edit.setText("1")
    services.network.mode_combo.setCurrentIndex(0)
    map_page.method_combo.setCurrentIndex(0)
    map_page.classes_spin.setValue(3)
    panel.set_output_folder(str(tmp_path / "elsewhere"), remember=False)
    assert QgsProject.instance().read(str(path))

    assert services.bands_edit.text() == "4, 8, 12" and services.network.mode_combo.currentIndex() == 1
    assert services.facilities_combo.currentLayer().name() == "Services"
    assert map_page.method_combo.currentIndex() == 6 and map_page.classes_spin.value() == 7
    assert map_page.layer_combo.currentLayer().name() == "Small areas: IMD decile"  # the project's own layer again
    assert map_page.field_combo.currentField() == "imd_score"
    assert panel.output_folder() == tmp_path / "outputs"


def test_every_control_has_a_tooltip_and_every_label_a_buddy(panel: LisDockWidget) -> None:
    controls = (QComboBox, QLineEdit, QAbstractButton, QAbstractSpinBox, QAbstractItemView)
    for page in panel.pages.values():
        containers = [page.content, *page.content.findChildren(QGroupBox)]
        for container in containers:
            for widget in container.children():
                if isinstance(widget, controls) or type(widget).__name__.startswith("Qgs"):
                    if isinstance(widget, QGroupBox) or widget.objectName() == "collapseButton":
                        continue
                    assert widget.toolTip(), f"{page.PAGE_ID}: {widget.objectName() or widget} has no tooltip"
        generated = {
            id(label) for form in page.content.findChildren(AlgorithmForm) for label in form.findChildren(QLabel)
        }
        for label in page.content.findChildren(QLabel):
            if label.buddy() is not None and id(label) not in generated:  # Processing's own labels have no mnemonic
                assert "&" in label.text(), f"{label.text()} has no mnemonic"
        buddies = [label for label in page.content.findChildren(QLabel) if label.buddy() is not None]
        assert page.PAGE_ID == "start" or len(buddies) >= 2


def test_settings_reach_the_core_as_arguments(tmp_path: Path) -> None:
    """The tools read the options and pass them down; the core itself answers the same whatever is set."""
    from lis_qgis_plugin.core.indicators.indicator_values import parse_number
    from lis_qgis_plugin.core.network.graph_cache import cache_key, default_cache_dir
    from lis_qgis_plugin.core.network.road_network import DEFAULT_SPEEDS_KPH, TravelMode, classify_way

    def user_mode() -> TravelMode:
        return TravelMode(speeds_kph=lis_settings.speeds_kph())  # as the algorithms build it

    residential = {"highway": "residential"}
    identity = {"path": "roads.gpkg", "mtime_ns": 1, "size": 2}
    key_before = cache_key(identity, TravelMode(), None, 0.01, None)
    assert cache_key(identity, user_mode(), None, 0.01, None) == key_before  # default speeds: the same graph
    assert classify_way(residential, user_mode()).speed_kph == pytest.approx(DEFAULT_SPEEDS_KPH["residential"])
    assert parse_number("withheld", lis_settings.suppressed_markers()) == (None, "unparseable")
    assert lis_settings.cache_dir() is None
    try:
        lis_settings.set_speeds_kph({**DEFAULT_SPEEDS_KPH, "residential": 17.0})
        lis_settings.set_suppressed_markers([*lis_settings.default_suppressed_markers(), "Withheld"])
        lis_settings.set_cache_dir(tmp_path / "graphs")
        assert classify_way(residential, user_mode()).speed_kph == 17.0
        assert cache_key(identity, user_mode(), None, 0.01, None) != key_before  # other speeds: another graph
        assert parse_number("withheld", lis_settings.suppressed_markers()) == (None, "withheld")
        assert parse_number("*", lis_settings.suppressed_markers()) == (None, "*")
        assert lis_settings.cache_dir() == tmp_path / "graphs"
        # the core alone keeps its defaults: settings change nothing behind a caller's back
        assert classify_way(residential, TravelMode()).speed_kph == pytest.approx(DEFAULT_SPEEDS_KPH["residential"])
        assert cache_key(identity, TravelMode(), None, 0.01, None) == key_before
        assert parse_number("withheld") == (None, "unparseable")
        assert default_cache_dir().name == "lis_cache"
    finally:
        lis_settings.set_speeds_kph(None)
        lis_settings.set_suppressed_markers(None)
        lis_settings.set_cache_dir(None)
    assert classify_way(residential, user_mode()).speed_kph == pytest.approx(DEFAULT_SPEEDS_KPH["residential"])
    assert cache_key(identity, user_mode(), None, 0.01, None) == key_before
    assert parse_number("withheld", lis_settings.suppressed_markers()) == (None, "unparseable")
    assert lis_settings.cache_dir() is None


def test_options_page_stores_the_defaults(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    factory = lis_plugin.options_factory
    assert factory is not None and factory.title() == "LIS"
    page = factory.createWidget(None)
    try:
        page.speed_spins["primary"].setValue(55)
        page.markers_edit.setText(page.markers_edit.text() + " redacted")
        page.cache_widget.setFilePath(str(tmp_path / "cache"))
        page.apply()
        assert lis_settings.speeds_kph()["primary"] == 55
        assert "redacted" in lis_settings.suppressed_markers()
        assert lis_settings.cache_dir() == tmp_path / "cache"
    finally:
        lis_settings.set_speeds_kph(None)
        lis_settings.set_suppressed_markers(None)
        lis_settings.set_cache_dir(None)
        page.deleteLater()


def test_unload_removes_the_panel_and_the_options_page(lis_plugin: LisPlugin, qgis_iface: QgisInterface) -> None:
    if lis_plugin.dock is None:
        lis_plugin.toggle_dock()
    factory = lis_plugin.options_factory
    lis_plugin.unload()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    try:
        assert qgis_iface.mainWindow().findChild(QDockWidget, DOCK_OBJECT_NAME) is None
        assert lis_plugin.dock is None and lis_plugin.options_factory is None
        qgis_iface.unregisterOptionsWidgetFactory.assert_any_call(factory)
    finally:
        lis_plugin.initGui()
    qgis_iface.registerOptionsWidgetFactory.assert_called_with(lis_plugin.options_factory)


def test_every_page_and_its_online_group_are_always_built(panel: LisDockWidget) -> None:
    """The provider registers every LIS tool, so the panel has no page or group that depends on one."""
    assert list(panel.pages) == ["start", "boundaries", "indicators", "map", "services", "locate", "atlas"]
    for page_id, group_name, algorithm_id, button in (
        ("boundaries", "loadBoundariesGroup", "lis:loadboundaries", "loadBoundariesButton"),
        ("indicators", "loadIndicatorsGroup", "lis:loadindicators", "loadIndicatorsButton"),
    ):
        page = panel.page(page_id)
        group = page.findChild(QGroupBox, group_name)
        assert group is not None, group_name
        (form,) = group.findChildren(AlgorithmForm)
        assert form.algorithm.id() == algorithm_id and form.inputs
        run = group.findChild(QAbstractButton, button)
        assert run is not None and run in page.run_buttons


def test_algorithm_form_builds_processing_widgets_for_any_algorithm(panel: LisDockWidget) -> None:
    form = AlgorithmForm("lis:deprivationmap", None, panel)
    names = [widget.objectName() for widget in form.inputs]
    assert names[:3] == ["param_INPUT", "param_FIELD", "param_METHOD"]
    assert all(widget.toolTip() for widget in form.inputs)
    assert form.values()["METHOD"] == 0 and form.values()["CLASSES"] == 5
    outputs = form.destinations(panel.output_path)
    output = outputs["OUTPUT"]
    assert output.path == panel.output_folder() / "deprivationmap_output.gpkg"
    assert output.value() == str(output.path) and output.files() == (output.path,)  # removed if the run fails
    assert "QML_OUTPUT" not in outputs  # optional and not created by default
    assert isinstance(form.algorithm, QgsProcessingAlgorithm)
    form.deleteLater()


def test_sample_button_fills_the_pages(panel: LisDockWidget) -> None:
    page = panel.page("start")
    page.sample_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    small_areas = next(layer for layer in outcome.layers if layer.name() == "Small areas: IMD decile")
    assert all(layer in lis_group_layers() for layer in outcome.layers)
    assert panel.boundaries_layer() is small_areas and panel.boundary_code_field() == "lsoa_code"
    assert panel.page("indicators").table_file.filePath().endswith(".xlsx")
    assert panel.page("services").network.layer_combo.currentLayer().name() == "Roads"
    assert open_layer(gpkg_file(small_areas), "small_areas").featureCount() == small_areas.featureCount()


def test_atlas_page_exports_a_page_per_area(panel: LisDockWidget, monkeypatch: pytest.MonkeyPatch) -> None:
    assert panel.page("atlas") is not None, "lis:exportatlas is registered, so the panel has an Atlas page"
    from lis_qgis_plugin.gui.pages import atlas_page

    opened: list[str] = []
    monkeypatch.setattr(atlas_page.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    wards = project_layer("Wards")
    page = panel.page("atlas")
    page.use_layer(wards)
    page.set_indicators(["pop_total", "small_areas"])
    page.open_check.setChecked(True)
    page.export_button.click()
    outcome = wait_for_run(panel, timeout_s=120)
    assert outcome.ok, outcome.error
    pdf = Path(outcome.results["OUTPUT_PDF"])
    assert pdf.parent == panel.output_folder() and pdf.read_bytes()[:5] == b"%PDF-"
    assert outcome.results["PAGES"] == wards.featureCount()
    assert opened == [str(pdf)] and page.open_button.isEnabled()


def test_boundaries_and_indicators_from_online_sources(panel: LisDockWidget, shared_data: Path, tmp_path: Path) -> None:
    """The online parts of the Boundaries and Indicators pages, against the local servers of the online tests."""
    from ..online_servers import IMD_SCORE_INDICATOR, LSOA_AREA_TYPE, start_online_servers

    servers = start_online_servers(shared_data)
    QgsSettings().setValue("lis/online/cacheFolder", str(tmp_path / "online_cache"))
    try:
        boundaries = panel.page("boundaries")
        boundaries.load_form.set_values({"BOUNDARY_SET": 0, "DISTRICT_CODE": "E06000017", "BASE_URL": servers.ons_base})
        boundaries.load_button.click()
        outcome = wait_for_run(panel)
        assert outcome.ok, outcome.error
        (loaded,) = outcome.layers
        assert loaded in lis_group_layers() and gpkg_file(loaded).parent == tmp_path / "outputs"
        assert panel.boundaries_layer() is loaded and loaded.featureCount() == 26
        assert panel.boundary_code_field() == "LSOA21CD"

        indicators = panel.page("indicators")
        indicators.source_form.set_values({
            "SOURCE": 0, "IDS": str(IMD_SCORE_INDICATOR), "AREA_TYPE": str(LSOA_AREA_TYPE),
            "PARENT_CODE": "E06000017", "BASE_URL": servers.fingertips_base,
        })  # fmt: skip
        indicators.fetch_button.click()
        fetched = wait_for_run(panel)
        assert fetched.ok, fetched.error
        assert indicators.table_file.filePath() == fetched.results["OUTPUT"]
        indicators.join_button.click()
        joined = wait_for_run(panel)
        assert joined.ok, joined.error
        assert joined.results["MATCHED"] == 26 and indicators.unmatched_codes() == []
    finally:
        QgsSettings().remove("lis/online/cacheFolder")
        servers.server.close()


def test_english_translation_file_lists_the_panel_strings(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys
    import xml.etree.ElementTree as ElementTree

    from ..support import REPO, build_plugin

    ts_file = REPO / "resources" / "i18n" / "lis_en.ts"
    root = ElementTree.parse(ts_file).getroot()
    contexts = {node.findtext("name"): {m.findtext("source") for m in node.iter("message")} for node in root}
    assert "Local Information System" in contexts["LisDockWidget"]
    assert "Boundaries" in contexts["LisPanel"] and "Car speeds by road class (km/h)" in contexts["LisOptionsPage"]
    assert (build_plugin.build_folder(tmp_path) / "resources" / "i18n" / "lis_en.ts").is_file()  # shipped
    up_to_date = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "update_translations.py"), "--check"], capture_output=True, text=True
    )
    assert up_to_date.returncode == 0, up_to_date.stderr  # every tr() string of the code is in the file
    if shutil.which("lrelease"):
        compiled = subprocess.run(
            ["lrelease", "-silent", str(ts_file), "-qm", str(tmp_path / "lis_en.qm")], capture_output=True, timeout=60
        )
        assert compiled.returncode == 0 and (tmp_path / "lis_en.qm").is_file()


#: The steps of the screenshot flow: the tab shown, and the button that runs its tool.
SCREENSHOT_STEPS = {
    "start": ("Start", "createSampleButton"),
    "boundaries": ("Boundaries", "loadBoundariesButton"),
    "indicators": ("Indicators", "joinButton"),
    "store": ("Indicators", "joinButton"),  # the same page, its store section after Add to store
    "map": ("Map", "makeMapButton"),
    "services": ("Services", "runCatchmentsButton"),
    "locate": ("Locate", "runLocateButton"),
    "atlas": ("Atlas", "exportAtlasButton"),
}


def colours_in(image: QImage, rect: list[int], step: int = 3) -> Counter[str]:
    """How often each colour occurs among the pixels of ``rect`` ([x, y, width, height]), every ``step`` pixels."""
    assert image.rect().contains(QRect(*rect)), rect  # on the screen
    x0, y0, width, height = rect
    return Counter(
        image.pixelColor(x, y).name() for x in range(x0, x0 + width, step) for y in range(y0, y0 + height, step)
    )


def dark_pixels(colours: Counter[str]) -> int:
    """How many of the pixels counted are dark enough to be text."""
    return sum(count for name, count in colours.items() if QColor(name).lightness() < 110)


@pytest.mark.slow
def test_screenshot_script_runs_the_flow_in_qgis_desktop_installed_from_the_zip(tmp_path: Path) -> None:
    """scripts/panel_screenshots.py: the real desktop at 1366x768, the plugin from the built zip, QGIS's default
    docks open, every step of the demo flow.

    Each picture shows the panel: the script says what the panel held when it was taken (steps, the open one,
    where it was, its run buttons), and the picture has the panel's own pixels there: its background, text in
    its step buttons and on its run button, and far more colours than a blank frame. Every page, opened by its
    step button, fits the dock: nothing to scroll sideways, its run button whole on the screen under the page.
    Switching the boundary layer renames it on the Indicators page; the Map page runs the deprivation summary.
    """
    import json
    import shutil
    import subprocess
    import sys

    from ..support import REPO

    assert shutil.which("Xvfb") and shutil.which("qgis.bin"), "make setup installs xvfb and qgis"
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "panel_screenshots.py"), "--out", str(tmp_path), "--timeout", "120"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    shown = {
        line.split()[0]: json.loads(line.split(" shows ", 1)[1])
        for line in lines
        if line.startswith("panel_") and " shows " in line
    }
    assert sorted(shown) == sorted(f"panel_{step}" for step in SCREENSHOT_STEPS)
    screen = QRect(0, 0, 1366, 768)
    for step, (title, button_name) in SCREENSHOT_STEPS.items():
        image = QImage(str(tmp_path / f"panel_{step}.png"))
        assert (image.width(), image.height()) == (1366, 768), step
        panel = shown[f"panel_{step}"]
        assert panel["tabs"] == ["Start", "Boundaries", "Indicators", "Map", "Services", "Locate", "Atlas"]
        assert panel["current"] == title, step
        assert panel["dock"] is not None and panel["dock"][2] >= 400, step  # opens at 420 px, not the old 300
        assert not panel["tab_bar_shown"], step  # the step buttons instead: no scroll arrows
        (button,) = [b for b in panel["run_buttons"] if b["name"] == button_name]
        assert button["shown"], step
        in_dock = colours_in(image, panel["dock"])
        assert len(in_dock) > 100, step  # widgets and text, not a blank frame
        if step == "store":  # the catalogue's white list and its selected rows cover much of the panel
            light = sum(count for colour, count in in_dock.items() if QColor(colour).lightness() > 220)
            assert light > 0.6 * sum(in_dock.values()) and in_dock[panel["background"]] > 0.15 * sum(in_dock.values())
        else:
            assert in_dock[panel["background"]] > 0.25 * sum(in_dock.values()), step  # the panel, not the map
        assert dark_pixels(colours_in(image, panel["steps"], step=1)) > 200, step  # seven step titles
        if button["in_view"]:  # a page scrolled to its results may hide a button inside a group
            assert dark_pixels(colours_in(image, button["at"], step=1)) > 20, step  # the button's label
    fits = {
        (line.split()[1], line.split()[2]): json.loads(line.split(" ", 3)[3])
        for line in lines
        if line.startswith("fits ")
    }
    pages = [step for step in SCREENSHOT_STEPS if step != "store"]  # the store is a section of Indicators
    assert sorted(fits) == sorted((moment, page) for moment in ("filled", "results") for page in pages)
    for (moment, page), fit in fits.items():
        where = f"{page} ({moment})"
        dock = QRect(*shown[f"panel_{page}"]["dock"])
        assert not fit["sideways_bar"], where
        assert fit["content_needs"] <= fit["viewport_width"] and fit["content_width"] <= fit["viewport_width"], where
        assert dock.contains(QRect(*fit["viewport"])) and dock.contains(QRect(*fit["result_area"])), where
        run = fit["run_button"]
        if page == "boundaries":  # its one tool, loading a boundary set, is inside its group
            assert run is None, where
            continue
        assert run["name"] == SCREENSHOT_STEPS[page][1], where
        at = QRect(*run["at"])
        assert run["whole"] and dock.contains(at) and screen.contains(at), where  # seen whole, on the screen
        assert at.top() > QRect(*fit["viewport"]).bottom(), where  # pinned under the page, never scrolled away
    assert "boundary label after Wards: Boundaries: Wards (code field: ward_code)." in lines
    assert "boundary label after Small areas: Boundaries: Small areas: IMD decile (code field: lsoa_code)." in lines
    (summary_button,) = [json.loads(line.split(" ", 2)[2]) for line in lines if line.startswith("summary button ")]
    assert summary_button["whole"] and summary_button["in_viewport"]  # reached by scrolling down, whole
    assert screen.contains(QRect(*summary_button["at"]))
    (summary,) = [line for line in lines if line.startswith("summary status: ")]
    assert "ranks among 32,844 areas nationally" in summary and "Most deprived by extent: " in summary
    assert "Deprivation summary: done. Layers added to the LIS group: 1." in lines
    options = QImage(str(tmp_path / "panel_options.png"))
    assert options.width() >= 1000 and len(colours_in(options, [0, 0, options.width(), options.height()])) > 50
    assert "Service catchments: done" in completed.stdout and "exit 0" in completed.stdout


def test_map_page_shows_the_edition_from_the_codes_and_lets_n_be_set(panel: LisDockWidget, shared_data: Path) -> None:
    page = panel.page("map")
    page.method_combo.setCurrentIndex(0)  # national deciles from rank
    lsoa21 = QgsVectorLayer(
        str(shared_data / "nottingham/deprivation/nottingham_lsoa21_imd2025.geojson"), "areas", "ogr"
    )
    lsoa11 = QgsVectorLayer(str(shared_data / "nottingham/deprivation/nottingham_lsoa11_imd2019.geojson"), "old", "ogr")
    QgsProject.instance().addMapLayers([lsoa21, lsoa11])
    page.use_layer(lsoa21)
    page.field_combo.setField("IMD_rank")
    assert page.n_spin.value() == 0 and page.n_spin.text() == "From the LSOA codes"
    assert page.edition_label.text().startswith(
        "National deciles: Edition IoD2025, N = 33,755 (9 LSOA codes created in 2021"
    )
    page.use_layer(lsoa11)
    page.field_combo.setField("imd_rank")
    assert page.edition_label.text().startswith("National deciles: Edition IoD2019, N = 32,844 (12 LSOA codes of 2011")
    page.n_spin.setValue(33_755)  # the user's N wins, with a warning
    assert "N = 33,755 (NATIONAL_N given). NATIONAL_N is 33,755, but the data look like IoD2019" in (
        page.edition_label.text()
    )
    page.n_spin.setValue(1_000)  # ranks above N are refused
    assert "NATIONAL_N is 1,000 but the largest rank in field 'imd_rank' is" in page.edition_label.text()
    page.n_spin.setValue(0)


def test_map_page_runs_the_deprivation_summary(panel: LisDockWidget) -> None:
    page = panel.page("map")
    page.n_spin.setValue(0)
    page.summary.use_layer(project_layer("Small areas: IMD decile"))
    page.summary.target_combo.setLayer(project_layer("Wards"))
    assert page.summary.rank_combo.currentField() == "imd_rank"
    assert page.summary.population_combo.currentField() == "pop_total"
    page.summary.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    (layer,) = outcome.layers
    assert layer in lis_group_layers() and gpkg_file(layer).suffix == ".gpkg"
    wards = project_layer("Wards")
    assert layer.featureCount() == wards.featureCount()
    assert sum(f["n_lsoas"] for f in layer.getFeatures()) == project_layer("Small areas: IMD decile").featureCount()
    assert "ranks among 32,844 areas nationally" in page.status.text()
    assert "Most deprived by extent" in page.status.text()


# --- issue 16: the road tools' population field and maximum snap distance ------------------------------------


def test_services_and_locate_pages_find_rutlands_population_field_alike(panel: LisDockWidget, demand_gpkg: str) -> None:
    """Rutland's centroids hold usual_residents_2011: both pages choose it (one finder), so no run counts points."""
    from qgis.core import QgsProject, QgsVectorLayer

    demand = QgsVectorLayer(demand_gpkg, "Rutland centroids", "ogr")
    QgsProject.instance().addMapLayer(demand)
    try:
        services = panel.page("services")
        services.use_layers(demand=demand)
        assert services.population_combo.currentField() == "usual_residents_2011"
        assert services.parameters()["POPULATION_FIELD"] == "usual_residents_2011"
        locate = panel.page("locate")
        locate.demand_combo.setLayer(demand)
        assert locate.population_combo.currentField() == "usual_residents_2011"
    finally:
        QgsProject.instance().removeMapLayer(demand.id())


def test_options_page_stores_the_maximum_snap_distance(lis_plugin: LisPlugin) -> None:
    page = lis_plugin.options_factory.createWidget(None)
    try:
        assert page.max_snap_spin.value() == 1000 == lis_settings.max_snap_m()  # the default: 1 km
        page.max_snap_spin.setValue(2500)
        page.apply()
        assert lis_settings.max_snap_m() == 2500
    finally:
        lis_settings.set_max_snap_m(None)
        page.deleteLater()
    assert lis_settings.max_snap_m() == 1000


def test_options_page_stores_the_download_limits_the_online_tools_use(lis_plugin: LisPlugin) -> None:
    page = lis_plugin.options_factory.createWidget(None)
    try:
        assert page.deadline_spin.value() == 600 == lis_settings.online_download_deadline()  # the defaults
        assert page.max_download_spin.value() == 500
        page.deadline_spin.setValue(90)
        page.max_download_spin.setValue(20)
        page.apply()
        options = lis_settings.http_options()  # what lis:loadboundaries and lis:loadindicators pass to the client
        assert lis_settings.online_download_deadline() == 90
        assert lis_settings.online_max_download_bytes() == 20 * 1024 * 1024
        assert options.deadline == 90 and options.max_bytes == 20 * 1024 * 1024
    finally:
        lis_settings.set_online_download_limits(None, None)
        page.deleteLater()
    assert lis_settings.online_download_deadline() == 600
