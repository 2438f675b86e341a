"""The panel fits a narrow dock: steps without scroll arrows, pages that never scroll sideways, a run bar that
stays in view, a remembered width, and labels and greyed boxes that say what is chosen now."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProject, QgsVectorLayer
from qgis.gui import QgisInterface
from qgis.PyQt.QtCore import QCoreApplication, QPoint, QRect, Qt
from qgis.PyQt.QtWidgets import QMainWindow, QWidget

from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.panel_settings import DEFAULT_DOCK_WIDTH, PanelSettings

from .panel_support import project_layer, wait_for_run

TITLES = ["Start", "Boundaries", "Indicators", "Map", "Services", "Locate", "Atlas"]


def settle(rounds: int = 5) -> None:
    """Let Qt lay out and deliver the resize and timer events queued."""
    for _ in range(rounds):
        QCoreApplication.processEvents()


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    """``widget``'s rectangle in ``ancestor``'s coordinates."""
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


@pytest.fixture()
def floating_panel(panel: LisDockWidget) -> LisDockWidget:
    """The panel on its own at a given size (a floating dock), so its width is what the test sets."""
    panel.setFloating(True)
    panel.show()
    settle()
    return panel


def test_steps_are_buttons_in_rows_that_open_their_page(floating_panel: LisDockWidget) -> None:
    panel = floating_panel
    assert panel.tabs.tabBar().isHidden()  # no tab bar, so no scroll arrows
    assert [panel.tabs.tabText(index) for index in range(panel.tabs.count())] == TITLES
    buttons = panel.steps.buttons
    assert [button.text() for button in buttons] == [f"&{n} {title}" for n, title in enumerate(TITLES, 1)]
    assert all(button.toolTip() == f"Step {n}: {title} (Alt+{n})" for n, (button, title) in
               enumerate(zip(buttons, TITLES), 1))  # fmt: skip
    assert [button.shortcut().toString() for button in buttons] == [f"Alt+{n}" for n in range(1, 8)]  # mnemonics
    next_step, previous_step = [action for action in panel.actions() if action.text() in ("Next step", "Previous step")]
    panel.tabs.setCurrentIndex(6)
    next_step.trigger()  # Ctrl+Tab: round to the first step
    assert panel.tabs.currentIndex() == 0 and buttons[0].isChecked()
    previous_step.trigger()
    assert panel.tabs.currentIndex() == 6 and buttons[6].isChecked()
    buttons[4].click()
    assert panel.tabs.currentWidget() is panel.page("services") and buttons[4].isChecked()
    panel.tabs.setCurrentIndex(2)  # opened some other way: the buttons follow
    assert buttons[2].isChecked() and not buttons[4].isChecked()
    for width, rows in ((300, 3), (420, 2), (470, 2)):
        panel.resize(width, 700)
        settle()
        tops = sorted({button.geometry().top() for button in buttons})
        assert len(tops) <= rows, (width, tops)
        for button in buttons:  # every title whole, and inside the dock
            assert button.width() >= button.sizeHint().width(), (width, button.text())
            assert panel.rect().contains(rect_in(button, panel)), (width, button.text())


@pytest.mark.parametrize("width", [300, 420, 470])
def test_every_page_fits_the_dock_width_and_its_run_button_stays_in_view(
    floating_panel: LisDockWidget, width: int
) -> None:
    panel = floating_panel
    panel.resize(width, 560)  # a short dock: the pages scroll, the run bar does not
    for index, page_id in enumerate(panel.pages):
        panel.steps.buttons[index].click()
        settle()
        page = panel.page(page_id)
        assert page.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        needed = page.content.minimumSizeHint().width()
        assert needed <= page.viewport().width(), f"{page_id} needs {needed} px of {page.viewport().width()}"
        assert page.content.width() <= page.viewport().width(), page_id
        pinned = page.pinned_button()
        if page_id == "boundaries":  # its only tool loads a boundary set, inside its group
            assert pinned is None
            continue
        assert pinned is page.run_buttons[-1 if page_id == "indicators" else 0], page_id
        assert pinned.isVisible() and panel.rect().contains(rect_in(pinned, panel)), page_id
        assert rect_in(pinned, panel).top() > rect_in(page, panel).bottom(), page_id  # under the page, pinned
        assert page.status.isVisible() and rect_in(page.status, panel).top() > rect_in(page, panel).bottom()
        page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())  # scrolled to the end
        settle()
        assert pinned.isVisible() and not pinned.visibleRegion().isEmpty(), page_id


def test_buttons_inside_groups_are_reached_by_scrolling_down(floating_panel: LisDockWidget) -> None:
    panel = floating_panel
    panel.resize(300, 560)
    map_page = panel.page("map")
    map_page.summary.setCollapsed(False)
    for page, button in (
        (panel.page("boundaries"), panel.page("boundaries").load_button),
        (panel.page("indicators"), panel.page("indicators").fetch_button),
        (map_page, map_page.summary.run_button),
    ):
        panel.tabs.setCurrentWidget(page)
        page.findChild(type(button.parentWidget()), button.parentWidget().objectName()).setCollapsed(False)
        settle()
        page.ensureWidgetVisible(button, 0, 0)
        settle()
        assert page.viewport().rect().contains(rect_in(button, page.viewport())), button.objectName()


def test_a_long_result_scrolls_inside_the_run_bar(floating_panel: LisDockWidget) -> None:
    panel = floating_panel
    panel.resize(320, 560)
    page = panel.page("services")
    panel.tabs.setCurrentWidget(page)
    page.status.setText("\n".join(f"Within {minutes} minutes: {minutes * 1000:,} residents" for minutes in range(40)))
    settle()
    area = panel.result_stack.currentWidget()
    assert area.widget() is page.status and area.height() <= area.maximumHeight() < 200
    assert panel.rect().contains(rect_in(page.run_button, panel))
    page.status.setText("Ready to run.")
    settle()
    assert 0 < area.height() < 3 * page.status.fontMetrics().lineSpacing()  # one line takes one line's room


def test_the_dock_opens_at_its_remembered_width_and_keeps_a_new_one(
    lis_plugin: object, project: QgsProject, qgis_iface: QgisInterface
) -> None:
    """In a main window of 1366x768 beside a map (pytest-qgis's own window places no docks, so one of ours)."""
    window = QMainWindow()
    window.setCentralWidget(QWidget(window))
    window.resize(1366, 768)
    window.show()
    PanelSettings.dock_width.reset()
    dock = LisDockWidget(qgis_iface, lambda _algorithm: None, window)
    try:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.show()
        settle(20)
        PanelSettings.dock_width.reset()  # again: other test runs on this machine share the settings file
        dock.restore_width()
        settle()
        assert abs(dock.width() - DEFAULT_DOCK_WIDTH) <= 8, dock.width()  # the default, wider than the old 300 px
        window.resizeDocks([dock], [560], Qt.Orientation.Horizontal)  # the user drags it wider
        settle()
        dock._width_timer.timeout.emit()  # as when the user stops dragging
        assert abs(PanelSettings.dock_width.value() - 560) <= 8
        window.resizeDocks([dock], [330], Qt.Orientation.Horizontal)
        settle()
        dock.hide()  # hiding keeps the width it had
        assert abs(PanelSettings.dock_width.value() - 330) <= 8
        PanelSettings.dock_width.set(600)
        dock.show()
        settle(20)
        dock.restore_width()  # as on showing (again: the settings file is shared with other test runs)
        settle()
        assert abs(dock.width() - 600) <= 8, dock.width()  # shown again at the width remembered
        PanelSettings.dock_width.set(120)  # never narrower than the pages allow
        dock.restore_width()
        settle()
        assert dock.width() >= 300
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)  # across the bottom: not its width
        dock.show()
        settle()
        PanelSettings.dock_width.set(450)
        window.resizeDocks([dock], [900], Qt.Orientation.Horizontal)
        settle()
        dock._width_timer.timeout.emit()
        assert PanelSettings.dock_width.value() == 450
    finally:
        dock.shutdown()
        window.removeDockWidget(dock)
        dock.setParent(None)
        dock.deleteLater()
        window.close()
        window.deleteLater()
        settle()


def test_indicators_page_names_the_boundary_layer_chosen_now(panel: LisDockWidget, shared_data: Path) -> None:
    """Nottingham's and Rutland's LSOAs share the code field LSOA21CD: the label must follow the layer anyway."""
    nottingham = QgsVectorLayer(
        str(shared_data / "nottingham/boundaries/nottingham_lsoa21.geojson"), "nottingham_lsoa21", "ogr"
    )
    rutland = QgsVectorLayer(str(shared_data / "rutland/boundaries/rutland_lsoa21.geojson"), "rutland_lsoa21", "ogr")
    QgsProject.instance().addMapLayers([nottingham, rutland])
    boundaries, indicators = panel.page("boundaries"), panel.page("indicators")
    boundaries.use_layer(nottingham)
    assert boundaries.code_field() == "LSOA21CD"
    assert indicators.boundaries_label.text() == "Boundaries: nottingham_lsoa21 (code field: LSOA21CD)."
    boundaries.use_layer(rutland)
    assert boundaries.code_field() == "LSOA21CD"
    assert indicators.boundaries_label.text() == "Boundaries: rutland_lsoa21 (code field: LSOA21CD)."
    assert "26 areas" in boundaries.status.text()
    rutland.setName("Rutland LSOAs 2021")  # renamed in the Layers panel
    assert indicators.boundaries_label.text() == "Boundaries: Rutland LSOAs 2021 (code field: LSOA21CD)."
    boundaries.use_layer(nottingham)
    rutland.setName("no longer the boundaries")
    assert indicators.boundaries_label.text() == "Boundaries: nottingham_lsoa21 (code field: LSOA21CD)."
    boundaries.layer_combo.setLayer(None)
    assert indicators.boundaries_label.text() == "Choose the boundary layer on the Boundaries page first."


def test_greyed_classes_box_shows_the_classes_the_method_makes(panel: LisDockWidget) -> None:
    page = panel.page("map")
    methods = {key: index for index, key in enumerate(page.method_keys)}
    page.method_combo.setCurrentIndex(methods["jenks"])
    page.classes_spin.setValue(7)
    page.polarity_combo.setCurrentIndex(1)  # high values = more deprived (scores)
    shown = {}
    for key in ("national_deciles", "local_quintiles", "manual", "quantile"):
        page.method_combo.setCurrentIndex(methods[key])
        shown[key] = (page.classes_spin.isEnabled(), page.classes_spin.text().strip())
        shown[key] += (page.polarity_combo.isEnabled(), page.polarity_combo.currentText())
    scores, ranks = (
        "High values = more deprived (scores)",
        ("High values = better, less deprived (ranks: rank 1 = most deprived)"),
    )
    assert shown == {
        "national_deciles": (False, "10", False, ranks),  # national ranks, whatever was chosen
        "local_quintiles": (False, "5", True, scores),
        "manual": (False, "", True, scores),
        "quantile": (True, "7", True, scores),  # the user's number comes back
    }
    page.method_combo.setCurrentIndex(methods["national_deciles"])
    assert page.classes() == 7 and page.state()["classes"] == 7  # kept for the generic methods, not saved as 10
    assert page.polarity() == 1 and page.state()["polarity"] == 1
    page.use_layer(project_layer("Small areas: IMD decile"))
    page.field_combo.setField("imd_rank")
    page.run_button.click()
    outcome = wait_for_run(panel)
    assert outcome.ok, outcome.error
    labels = page.legend_labels()
    assert len(labels) == 10 and labels[0] == "1 – most deprived 10% nationally"  # ten classes, as the box said
    assert PanelSettings.map_classes.value() == 7
    assert PanelSettings.map_polarity.value() == 1
    page.restore({**page.state(), "polarity": 0, "classes": 4})  # restored under a national method: kept aside
    assert page.polarity_combo.currentIndex() == 2 and page.classes_spin.value() == 10
    page.method_combo.setCurrentIndex(methods["quantile"])
    assert (page.polarity_combo.currentIndex(), page.classes_spin.value()) == (0, 4)


def test_filter_boxes_show_the_start_of_their_expression(floating_panel: LisDockWidget) -> None:
    panel = floating_panel
    panel.resize(300, 600)
    page = panel.page("services")
    panel.tabs.setCurrentWidget(page)
    page.use_layers(facilities=project_layer("Services"))
    page.filter_widget.setExpression("\"service_type\" = 'gp_surgery'")
    settle()
    (line,) = [edit for edit in page.filter_widget.findChildren(type(page.bands_edit)) if edit.isVisible()]
    assert line.text() == "\"service_type\" = 'gp_surgery'" and line.cursorPosition() == 0
    locate = panel.page("locate")  # the same on a page that does nothing of its own for it
    panel.tabs.setCurrentWidget(locate)
    locate.use_layers(existing=project_layer("Services"))
    locate.existing_filter.setExpression("\"service_type\" = 'childrens_centre'")
    settle()
    (line,) = [edit for edit in locate.existing_filter.findChildren(type(page.bands_edit)) if edit.isVisible()]
    assert line.text() == "\"service_type\" = 'childrens_centre'" and line.cursorPosition() == 0


def test_check_boxes_wrap_only_when_the_dock_is_narrow(floating_panel: LisDockWidget) -> None:
    panel = floating_panel
    page = panel.page("atlas")
    panel.tabs.setCurrentWidget(page)
    panel.resize(300, 600)
    settle()
    narrow = page.open_check.text()
    assert "\n" in narrow and narrow.replace("\n", " ") == "Open the PDF when it is &ready"
    assert rect_in(page.open_check, page.viewport()).right() < page.viewport().width()
    panel.resize(700, 600)
    settle()
    assert page.open_check.text() == "Open the PDF when it is &ready"  # one line again, from the full text


def test_an_empty_filter_box_shows_nothing_not_a_field(panel: LisDockWidget, sample_gpkg: Path) -> None:
    """An empty filter means every feature: its box must not show the first field (its "123" type icon) as if a
    field were chosen. Every filter box of the panel is made by filter_expression_widget."""
    from qgis.PyQt.QtWidgets import QComboBox

    from lis_qgis_plugin.gui.widgets import filter_expression_widget

    services, locate = panel.page("services"), panel.page("locate")
    for made in (services.filter_widget, locate.candidate_filter, locate.existing_filter):
        assert made.allowEmptyFieldName(), made.expressionDialogTitle()
    candidates = QgsVectorLayer(f"{sample_gpkg}|layername=candidate_sites", "Candidate sites", "ogr")
    assert candidates.isValid()
    box = filter_expression_widget(panel, "Which candidates")
    box.setLayer(candidates)
    combo = box.findChild(QComboBox)
    assert box.expression() == "" and combo.count() > 1
    assert combo.itemText(combo.currentIndex()) == ""  # not 'fid'
