"""The what-if map tool on the sample district: clicks, drags and right-clicks on a real map canvas, checked against
the core scenario, then the scenario saved and used as the Locate page's existing sites."""

from __future__ import annotations

import time
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsRectangle
from qgis.gui import QgisInterface, QgsMapCanvas, QgsMapMouseEvent
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt

from lis_qgis_plugin.core.access.what_if import ADDED, KEPT, MOVED, Scenario
from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.what_if_tool import WhatIfControls, WhatIfMapTool

from ..support import layer_rows
from .panel_support import lis_group_layers, project_layer

GP_FILTER = "\"service_type\" = 'gp_surgery'"


def _canvas(qgis_iface: QgisInterface) -> QgsMapCanvas:
    """The QGIS map, shown, 800 x 600 pixels, in British National Grid over the sample's roads."""
    canvas = qgis_iface.mapCanvas()
    window = canvas.window()  # the canvas sits in QGIS's main window: size that
    window.resize(1100, 800)
    window.show()
    canvas.setMinimumSize(800, 600)
    QCoreApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    canvas.setExtent(QgsRectangle(project_layer("Roads").extent()))
    canvas.refresh()
    QCoreApplication.processEvents()
    size = canvas.mapSettings().outputSize()
    assert size.width() >= 700 and size.height() >= 500, (size.width(), size.height())
    assert 10 < canvas.mapUnitsPerPixel() < 40  # the sample's roads span about 15 km
    return canvas


def _wait_for_tool(controls: WhatIfControls, timeout_s: float = 20) -> WhatIfMapTool:
    deadline = time.monotonic() + timeout_s
    while controls.tool is None:
        assert controls.button.isChecked(), controls.headline.text()
        assert time.monotonic() < deadline, (
            controls.headline.text(),
            controls.task and controls.task.status(),
            controls.task and controls.task.progress(),
        )
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return controls.tool


def _pixel(canvas: QgsMapCanvas, xy: tuple[float, float]) -> QPoint:
    point = canvas.getCoordinateTransform().transform(QgsPointXY(*xy))
    return QPoint(round(point.x()), round(point.y()))


def _event(canvas: QgsMapCanvas, kind: QEvent.Type, pixel: QPoint, button: Qt.MouseButton) -> QgsMapMouseEvent:
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    return QgsMapMouseEvent(canvas, kind, pixel, button, buttons, Qt.KeyboardModifier.NoModifier)


def _click(
    tool: WhatIfMapTool, pixel: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> tuple[float, float]:
    """A press and release at ``pixel``; the map point the tool read (scenario CRS)."""
    canvas = tool.canvas()
    press = _event(canvas, QEvent.Type.MouseButtonPress, pixel, button)
    tool.canvasPressEvent(press)
    release = _event(canvas, QEvent.Type.MouseButtonRelease, pixel, button)
    tool.canvasReleaseEvent(release)
    return tool.scenario_point(release.mapPoint())


def _drag(tool: WhatIfMapTool, start: QPoint, end: QPoint) -> tuple[float, float]:
    canvas = tool.canvas()
    tool.canvasPressEvent(_event(canvas, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton))
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    tool.canvasMoveEvent(_event(canvas, QEvent.Type.MouseMove, middle, Qt.MouseButton.NoButton))
    release = _event(canvas, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.LeftButton)
    tool.canvasReleaseEvent(release)
    return tool.scenario_point(release.mapPoint())


def _headline(scenario: Scenario) -> list[str]:
    return [line.text for line in scenario.headline()]


def test_clicks_drags_and_right_clicks_change_the_sites_and_the_headline_as_the_core_does(
    panel: LisDockWidget, qgis_iface: QgisInterface, tmp_path: Path
) -> None:
    canvas = _canvas(qgis_iface)
    page = panel.page("services")
    page.use_layers(
        facilities=project_layer("Services"),
        network=project_layer("Roads"),
        areas=project_layer("Small areas: IMD decile"),
        demand=project_layer("Population-weighted centroids"),
    )
    page.filter_widget.setExpression(GP_FILTER)
    page.bands_edit.setText("3, 10")
    page.shape_combo.setCurrentIndex(page.shape_combo.findData(0))  # road buffers: the quicker shape
    controls = page.what_if
    assert controls.button.text().replace("&", "") == "What-if on the map" and not controls.save_button.isEnabled()
    controls.button.click()
    assert controls.button.text().replace("&", "") == "Stop the what-if on the map"
    tool = _wait_for_tool(controls)
    assert canvas.mapTool() is tool and controls.save_button.isEnabled()
    # the oracle: the core scenario of the same inputs, changed the same way
    inputs = page.what_if_inputs()
    oracle = Scenario.start(inputs.facilities, inputs.network, inputs.options, demand=inputs.demand, areas=inputs.areas)
    gps = [f for f in project_layer("Services").getFeatures() if f["service_type"] == "gp_surgery"]
    assert len(tool.scenario.sites) == len(gps) == len(oracle.sites) >= 2
    assert len(tool.drawing.markers) == len(gps) and all(len(a) == 2 for a in tool.drawing.areas.values())
    start = _headline(oracle)
    assert start[0].startswith("Within 3 min: ") and controls.headline.text().startswith("\n".join(start))

    # drag the first surgery a quarter of the map to the right
    first = next(iter(tool.scenario.sites))
    here = _pixel(canvas, tool.scenario.sites[first].xy)
    moved_to = _drag(tool, here, QPoint(here.x() + 60, here.y() + 20))
    oracle.move_site(first, moved_to)
    assert tool.scenario.sites[first].status == MOVED and tool.scenario.sites[first].xy == moved_to
    assert tool.scenario.searches == len(gps) + 1  # the moved site's search only
    assert controls.headline.text().startswith("\n".join(_headline(oracle)))
    assert "Updated in " in controls.headline.text()
    marker = tool.drawing.markers[first].asGeometry().asPoint()
    assert (round(marker.x()), round(marker.y())) == (round(moved_to[0]), round(moved_to[1]))
    assert tool.drawing.highlighted is tool.scenario.sites[first]  # the changed site's areas are filled
    assert [band.fillColor().alpha() > 0 for band in tool.drawing.areas[first]] == [True, True]
    assert all(band.fillColor().alpha() == 0 for ident, bands in tool.drawing.areas.items() if ident != first
               for band in bands)  # fmt: skip
    print(f"\n{controls.headline.text()}")

    # click in open map: a new site there
    empty = QPoint(400, 300)
    added_at = _click(tool, empty)
    oracle.add_site(added_at)
    assert tool.scenario.sites["new_1"].status == ADDED and len(tool.drawing.markers) == len(gps) + 1
    assert tool.drawing.highlighted is tool.scenario.sites["new_1"]
    assert all(band.fillColor().alpha() == 0 for band in tool.drawing.areas[first])  # back to outlines
    assert controls.headline.text().startswith("\n".join(_headline(oracle)))

    # right-click a few pixels from the second surgery: it goes
    second = [ident for ident in tool.scenario.sites if tool.scenario.sites[ident].status == KEPT][0]
    near = _pixel(canvas, tool.scenario.sites[second].xy) + QPoint(3, -2)
    _click(tool, near, Qt.MouseButton.RightButton)
    oracle.remove_site(second)
    assert second not in tool.scenario.sites and second not in tool.drawing.markers
    assert controls.headline.text().startswith("\n".join(_headline(oracle)))
    assert _headline(oracle) != start

    # a right-click far from every site removes nothing
    _click(tool, QPoint(2, 2), Qt.MouseButton.RightButton)
    assert len(tool.scenario.sites) == len(gps)

    # switching page stops the tool and clears the map; the scenario stays to be saved
    panel.show()
    panel.tabs.setCurrentWidget(page)
    QCoreApplication.processEvents()
    panel.tabs.setCurrentWidget(panel.page("locate"))
    QCoreApplication.processEvents()
    assert controls.tool is None and not controls.button.isChecked() and canvas.mapTool() is not tool
    assert not tool.drawing.markers and not tool.drawing.areas
    layer = controls.save(tmp_path / "what_if.gpkg")
    assert layer is not None and layer.isValid() and layer in lis_group_layers()
    rows = layer_rows(str(tmp_path / "what_if.gpkg"))
    assert {row["site_id"]: row["status"] for row in rows} == {
        ident: site.status for ident, site in oracle.sites.items()
    }
    points = {f["site_id"]: f.geometry().asPoint() for f in layer.getFeatures()}
    assert (round(points[first].x(), 3), round(points[first].y(), 3)) == tuple(round(v, 3) for v in moved_to)


def test_the_locate_page_tries_its_existing_sites_and_saves_them_as_the_existing_sites(
    panel: LisDockWidget, qgis_iface: QgisInterface, tmp_path: Path
) -> None:
    canvas = _canvas(qgis_iface)
    page = panel.page("locate")
    page.use_layers(
        demand=project_layer("Population-weighted centroids"),
        areas=project_layer("Small areas: IMD decile"),
        existing=project_layer("Services"),
        network=project_layer("Roads"),
    )
    page.existing_filter.setExpression(GP_FILTER)
    page.max_cost_spin.setValue(5)
    page.what_if.button.click()
    tool = _wait_for_tool(page.what_if)
    assert tool.scenario.options.limits == [5.0] and tool.scenario.options.method == "network"
    before = tool.scenario.overall()
    assert before is not None
    added_at = _click(tool, QPoint(200, 150))
    after = tool.scenario.overall()
    assert after is not None and after.within[0] >= before.within[0]
    assert page.what_if.headline.text().startswith(f"Within 5 min: {after.within[0]:,.0f} people")
    layer = page.what_if.save(tmp_path / "sites.gpkg")
    assert layer is not None
    assert page.existing_combo.currentLayer() is layer and page.existing_id_combo.currentField() == "site_id"
    assert page.existing_filter.expression() == "" and page.parameters()["EXISTING"] == layer.id()
    saved = {f["site_id"]: f.geometry().asPoint() for f in layer.getFeatures()}
    assert set(saved) == set(tool.scenario.sites) and "new_1" in saved
    assert (round(saved["new_1"].x(), 3), round(saved["new_1"].y(), 3)) == tuple(round(v, 3) for v in added_at)
    page.what_if.stop()
    assert canvas.mapTool() is not tool and not page.what_if.button.isChecked()
    QgsProject.instance().removeMapLayer(layer.id())


def test_unchecking_the_button_while_it_starts_cancels_the_start(
    panel: LisDockWidget, qgis_iface: QgisInterface
) -> None:
    canvas = _canvas(qgis_iface)
    before = canvas.mapTool()
    page = panel.page("services")
    page.use_layers(facilities=project_layer("Services"), network=project_layer("Roads"))
    controls = page.what_if
    controls.button.click()
    assert controls.task is not None and controls.headline.text().startswith("Reading the roads and the sites… ")
    task = controls.task
    controls.button.click()  # the same button again: stop
    assert controls.task is None and task.feedback.isCanceled() and not controls.button.isChecked()
    deadline = time.monotonic() + 20
    while QgsApplication.taskManager().countActiveTasks() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()
    assert controls.tool is None and canvas.mapTool() is before and not controls.button.isChecked()


def test_the_page_says_what_to_choose_before_the_tool_starts(panel: LisDockWidget, qgis_iface: QgisInterface) -> None:
    _canvas(qgis_iface)
    page = panel.page("locate")
    page.existing_combo.setLayer(None)
    page.what_if.button.click()
    assert not page.what_if.button.isChecked() and page.what_if.task is None
    (message,) = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "Choose the sites to try" in message and "Traceback" not in message
