"""What-if on the map: click to add a site, drag one to move it, right-click to remove it, and watch the coverage.

The Services and Locate pages each hold a :class:`WhatIfControls`: a checkable "What-if on the map"
button, a "Save scenario" button and the coverage headline. Checking the button reads the page's
inputs and starts a :class:`~..core.access.what_if.Scenario` in a background task (the road graph
may take a while the first time; the task can be cancelled), then puts :class:`WhatIfMapTool` on
the map canvas. Each change recomputes one site in the core and redraws only that site's areas here.
Sites and areas are canvas items (rubber bands), not layers: nothing is written until the user saves
the scenario, as a GeoPackage point layer that joins the project's LIS group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingFeedback,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
)
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool, QgsRubberBand
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QFileDialog, QPushButton, QVBoxLayout, QWidget

from ..core.access.service_catchments import CatchmentOptions
from ..core.access.what_if import Scenario, ScenarioSite, Update, WhatIfError, save_scenario
from ..core.common.errors import CancelledError, LisError
from ..processing.network_parameters import COSTS, MODES
from ..settings import cache_dir, max_snap_m, speeds_kph
from .result_layers import lis_group
from .widgets import safe_slot, status_label

#: How near (screen pixels) a click must be to a site to pick it for a drag or a removal.
PICK_PIXELS = 10
#: A press and release closer than this (pixels) is a click, not a drag.
DRAG_PIXELS = 3
#: Every site's areas: outlines in this colour. The site changed last: a fill per band, shortest band first
#: (darkest, on top).
OUTLINE = (4, 90, 141)
HIGHLIGHT_COLOURS = ((217, 72, 1), (253, 141, 60), (253, 190, 133), (254, 230, 206))
FILL_ALPHA = 90
SITE_COLOURS = {"kept": QColor(20, 30, 50), "moved": QColor(230, 85, 13), "added": QColor(49, 163, 84)}


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisWhatIf", text)


@dataclass
class WhatIfInputs:
    """What a page hands the tool: the sites' layer, the roads, the catchment choices and the demand."""

    facilities: QgsVectorLayer
    network: QgsVectorLayer | str
    options: CatchmentOptions
    demand: QgsVectorLayer | None = None
    areas: QgsVectorLayer | None = None


def what_if_inputs(
    facilities: QgsVectorLayer | None,
    network: dict[str, Any],
    options: CatchmentOptions,
    demand: QgsVectorLayer | None = None,
    areas: QgsVectorLayer | None = None,
) -> WhatIfInputs:
    """A page's choices as the tool's inputs: ``network`` as :meth:`.pages.network_inputs.NetworkInputs.parameters`
    gives it (a file wins over the layer), with the user's options (graph cache, car speeds, maximum snap) read
    here, as the Processing tools read them: the core reads no settings."""
    if facilities is None:
        raise WhatIfError(tr("Choose the sites to try (a point layer) before starting the what-if tool."))
    road: QgsVectorLayer | str | None = network.get("NETWORK_FILE") or None
    if road is None and network.get("NETWORK"):
        road = QgsProject.instance().mapLayer(network["NETWORK"])
    if road is None:
        raise WhatIfError(tr("Choose the road network (a line layer or an .osm.pbf file) for the what-if tool."))
    options = replace(
        options,
        mode=MODES[int(network.get("MODE") or 0)],
        cost=COSTS[int(network.get("COST") or 0)],
        speed_field=network.get("SPEED_FIELD") or None,
        cache_dir=cache_dir(),
        speeds_kph=speeds_kph(),
        max_snap_m=max_snap_m(),
    )
    return WhatIfInputs(facilities, road, options, demand, areas)


def _worker_copy(layer: QgsVectorLayer | str | None) -> QgsVectorLayer | str | None:
    """A layer of its own for the background task (a file layer opened again; memory layers are shared)."""
    if not isinstance(layer, QgsVectorLayer) or layer.providerType() == "memory":
        return layer
    return QgsVectorLayer(layer.source(), layer.name(), layer.providerType())


class ScenarioTask(QgsTask):
    """Start a scenario in the background: read the graph (cached after the first time), snap, search each site."""

    loaded = pyqtSignal()

    def __init__(self, inputs: WhatIfInputs) -> None:
        super().__init__(tr("What-if: reading the roads and sites"), QgsTask.Flag.CanCancel)
        self.inputs = inputs
        self.feedback = QgsProcessingFeedback()  # the graph build logs through pushInfo
        self.feedback.progressChanged.connect(self.setProgress)
        self.scenario: Scenario | None = None
        self.error = ""

    def run(self) -> bool:
        inputs = self.inputs
        try:
            self.scenario = Scenario.start(
                _worker_copy(inputs.facilities),
                _worker_copy(inputs.network),
                inputs.options,
                areas=_worker_copy(inputs.areas),
                demand=_worker_copy(inputs.demand),
                feedback=self.feedback,
            )
        except CancelledError:
            self.error = tr("What-if cancelled.")
        except LisError as error:
            self.error = str(error)
        return self.scenario is not None

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def finished(self, result: bool) -> None:
        self.loaded.emit()


class ScenarioDrawing:
    """The sites and their areas on the canvas: a marker per site and an outline per band.

    Every site's areas are outlines only, so a dozen overlapping catchments stay readable; the site
    changed last has its areas filled (translucent, the shortest band darkest and on top).
    """

    def __init__(self, canvas: QgsMapCanvas, crs_authid: str) -> None:
        self.canvas = canvas
        self.crs = QgsCoordinateReferenceSystem(crs_authid)
        self.markers: dict[str, QgsRubberBand] = {}
        self.areas: dict[str, list[QgsRubberBand]] = {}
        self.highlighted: ScenarioSite | None = None

    def draw_site(self, site: ScenarioSite, highlight: bool = False) -> None:
        """Draw (or redraw) one site and its areas; ``highlight``: fill them, and the site filled before goes back
        to outlines."""
        previous = self.highlighted
        if highlight:
            self.highlighted = site
            if previous is not None and previous.id != site.id and previous.id in self.markers:
                self.draw_site(previous)
        self.remove_site(site.id)
        bands = []
        for position in reversed(range(len(site.polygons))):
            bands.append(self._area(site.polygons[position], position, highlight))
        self.areas[site.id] = bands
        marker = QgsRubberBand(self.canvas, Qgis.GeometryType.Point)
        marker.setIcon(QgsRubberBand.IconType.ICON_CIRCLE)  # filled with the fill colour, ringed with the stroke
        marker.setIconSize(14)
        marker.setFillColor(SITE_COLOURS.get(site.status, SITE_COLOURS["kept"]))
        marker.setStrokeColor(QColor("white"))
        marker.setWidth(2)
        marker.setZValue(30)
        marker.setToGeometry(QgsGeometry.fromPointXY(QgsPointXY(*site.xy)), self.crs)
        self.markers[site.id] = marker

    def _area(self, polygon: QgsGeometry, position: int, filled: bool) -> QgsRubberBand:
        """One band's area: an outline, or (``filled``) a translucent fill drawn above the outlines."""
        band = QgsRubberBand(self.canvas, Qgis.GeometryType.Polygon)
        red, green, blue = HIGHLIGHT_COLOURS[min(position, len(HIGHLIGHT_COLOURS) - 1)] if filled else OUTLINE
        band.setFillColor(QColor(red, green, blue, FILL_ALPHA if filled else 0))
        band.setStrokeColor(QColor(red, green, blue, 230 if filled else 160))
        band.setWidth(2 if filled else 1)
        band.setZValue((20 if filled else 10) - position)
        band.setToGeometry(polygon, self.crs)
        return band

    def drag_marker(self, ident: str, canvas_point: QgsPointXY) -> None:
        """Show a site being dragged at the cursor (its areas follow when it is let go)."""
        if ident in self.markers:
            canvas_crs = self.canvas.mapSettings().destinationCrs()
            self.markers[ident].setToGeometry(QgsGeometry.fromPointXY(canvas_point), canvas_crs)

    def remove_site(self, ident: str) -> None:
        items = [self.markers.pop(ident, None), *self.areas.pop(ident, [])]
        if sip.isdeleted(self.canvas):  # the map went first (QGIS closing): its items went with it
            return
        for item in items:
            if item is not None:
                self.canvas.scene().removeItem(item)

    def forget(self, ident: str) -> None:
        """A site removed from the scenario: off the map, and no longer the one filled."""
        self.remove_site(ident)
        if self.highlighted is not None and self.highlighted.id == ident:
            self.highlighted = None

    def clear(self) -> None:
        for ident in list({*self.markers, *self.areas}):
            self.forget(ident)

    def place_marker(self, site: ScenarioSite) -> None:
        """Put a site's marker back at the site."""
        if site.id in self.markers:
            self.markers[site.id].setToGeometry(QgsGeometry.fromPointXY(QgsPointXY(*site.xy)), self.crs)


class WhatIfMapTool(QgsMapTool):
    """Click to add a site, drag a site to move it, right-click a site to remove it.

    The site nearest the cursor within :data:`PICK_PIXELS` is the one dragged or removed. Every change
    goes to the scenario (one site recomputed) and the changed site is redrawn; ``changed`` carries the
    update, ``failed`` the message when a site cannot go where it was put (too far from the roads).
    """

    changed = pyqtSignal(object)
    failed = pyqtSignal(str)

    def __init__(self, canvas: QgsMapCanvas, scenario: Scenario) -> None:
        super().__init__(canvas)
        self.scenario = scenario
        self.drawing = ScenarioDrawing(canvas, scenario.crs_authid)
        self._dragging: str | None = None
        self._pressed_at: Any = None
        self.setCursor(Qt.CursorShape.CrossCursor)
        for site in scenario.sites.values():
            self.drawing.draw_site(site)

    # --- coordinates ---------------------------------------------------------------------------

    def _to_scenario(self) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(
            self.canvas().mapSettings().destinationCrs(), self.drawing.crs, QgsProject.instance()
        )

    def scenario_point(self, canvas_point: QgsPointXY) -> tuple[float, float]:
        point = self._to_scenario().transform(canvas_point)
        return point.x(), point.y()

    def site_at(self, canvas_point: QgsPointXY) -> str | None:
        """The site within :data:`PICK_PIXELS` of a canvas point, nearest first."""
        here = self.scenario_point(canvas_point)
        step = PICK_PIXELS * self.canvas().mapUnitsPerPixel()
        there = self.scenario_point(QgsPointXY(canvas_point.x() + step, canvas_point.y()))
        radius = ((there[0] - here[0]) ** 2 + (there[1] - here[1]) ** 2) ** 0.5
        return self.scenario.nearest_site(here, radius)

    # --- mouse ---------------------------------------------------------------------------------

    def canvasPressEvent(self, event: QgsMapMouseEvent) -> None:
        point = event.mapPoint()
        picked = self.site_at(point)
        if event.button() == Qt.MouseButton.RightButton:
            if picked is not None:
                self._apply(lambda: self.scenario.remove_site(picked))
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging, self._pressed_at = picked, event.pos()

    def canvasMoveEvent(self, event: QgsMapMouseEvent) -> None:
        if self._dragging is not None:
            self.drawing.drag_marker(self._dragging, event.mapPoint())

    def canvasReleaseEvent(self, event: QgsMapMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._pressed_at is None:
            return
        moved = (event.pos() - self._pressed_at).manhattanLength() > DRAG_PIXELS
        dragging, self._dragging, self._pressed_at = self._dragging, None, None
        xy = self.scenario_point(event.mapPoint())
        if dragging is None:
            self._apply(lambda: self.scenario.add_site(xy))
        elif moved:
            self._apply(lambda: self.scenario.move_site(dragging, xy))

    def _apply(self, change: Callable[[], Update]) -> None:
        """Make one change; redraw the site it touched; a refusal puts the drawing back as it was."""
        try:
            update = change()
        except LisError as error:
            for site in self.scenario.sites.values():  # a dragged marker goes back where its site still is
                self.drawing.place_marker(site)
            self.failed.emit(str(error))
            return
        if update.site is None:
            self.drawing.forget(update.site_id)
        else:
            self.drawing.draw_site(update.site, highlight=True)
        self.changed.emit(update)

    def deactivate(self) -> None:
        self.drawing.clear()
        super().deactivate()


class WhatIfControls(QWidget):
    """The page's what-if row: the checkable button, "Save scenario…" and the coverage headline.

    ``inputs``: called when the button is checked, the page's current inputs (or a LisError saying what
    to choose). ``saved``: told of the saved scenario layer (the Locate page makes it the existing sites).
    """

    def __init__(
        self,
        parent: QWidget,
        canvas: Callable[[], QgsMapCanvas | None],
        inputs: Callable[[], WhatIfInputs],
        report_error: Callable[[str], None],
        saved: Callable[[QgsVectorLayer], None] | None = None,
        default_folder: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatIfControls")
        self._canvas, self._inputs, self._saved = canvas, inputs, saved
        self._default_folder = default_folder
        self.report_error = report_error
        self.scenario: Scenario | None = None
        self.tool: WhatIfMapTool | None = None
        self.task: ScenarioTask | None = None
        self._previous_tool: QgsMapTool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton(tr("What-if on the &map"), self)
        self.button.setObjectName("whatIfButton")
        self.button.setCheckable(True)
        self.button.setToolTip(
            tr(
                "Try sites on the map: click to add a site, drag a site to move it, right-click to remove it; "
                "the catchments and the coverage follow at once"
            )
        )
        self.button.toggled.connect(self._toggled)
        self.save_button = QPushButton(tr("Sa&ve scenario…"), self)
        self.save_button.setObjectName("whatIfSaveButton")
        self.save_button.setToolTip(
            tr("Write the scenario's sites to a GeoPackage point layer, added to the LIS group")
        )
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save_clicked)
        layout.addWidget(self.button)  # one under the other: the panel may be 300 px wide
        layout.addWidget(self.save_button)
        self.headline = status_label(self, "whatIfHeadline")
        layout.addWidget(self.headline)

    # --- starting and stopping ---------------------------------------------------------------

    @safe_slot()
    def _toggled(self, checked: bool) -> None:
        self.button.setText(tr("Stop the what-if on the &map") if checked else tr("What-if on the &map"))
        if checked:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        """Read the page's inputs and start the scenario in the background; the map tool comes when it is ready."""
        if self._canvas() is None:
            self._refuse(tr("The what-if tool needs the QGIS map."))
            return
        try:
            inputs = self._inputs()
        except LisError as error:
            self._refuse(str(error))
            return
        self._progress(0.0)
        self.task = ScenarioTask(inputs)
        self.task.loaded.connect(self._loaded)
        self.task.progressChanged.connect(self._progress)
        QgsApplication.taskManager().addTask(self.task)

    @safe_slot()
    def _progress(self, percent: float) -> None:
        """The first start may build the road graph: say how far it is, and how to stop it."""
        self.headline.setText(
            tr("Reading the roads and the sites… {0:.0f}% (click the button again to cancel)").format(percent)
        )

    def _refuse(self, message: str) -> None:
        self.report_error(message)
        self.button.setChecked(False)

    @safe_slot()
    def _loaded(self) -> None:
        task, self.task = self.task, None
        if task is None or not self.button.isChecked():
            return
        if task.scenario is None:
            self.headline.setText(task.error)
            self._refuse(task.error or tr("What-if cancelled."))
            return
        self.use_scenario(task.scenario)

    def use_scenario(self, scenario: Scenario) -> None:
        """Put the map tool on the canvas for ``scenario`` and show its headline."""
        canvas = self._canvas()
        assert canvas is not None
        self.scenario = scenario
        self.tool = WhatIfMapTool(canvas, scenario)
        self.tool.changed.connect(self._changed)
        self.tool.failed.connect(self.report_error)
        self.tool.deactivated.connect(self._tool_left)
        self._previous_tool = canvas.mapTool()
        canvas.setMapTool(self.tool)
        self.save_button.setEnabled(True)
        self._show([line.text for line in scenario.headline()], None)
        if scenario.left_out:  # sites read but too far from the roads: say which, as the catchment tool does
            self.report_error(" ".join(scenario.left_out))

    def stop(self) -> None:
        """Cancel a start still running, take the map tool off the canvas and clear its drawing."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
        tool, self.tool = self.tool, None
        canvas = self._canvas()
        if tool is not None:
            tool.deactivated.disconnect(self._tool_left)
            tool.drawing.clear()
            if canvas is not None and canvas.mapTool() is tool:
                canvas.unsetMapTool(tool)
                if self._previous_tool is not None:
                    canvas.setMapTool(self._previous_tool)
        self._previous_tool = None
        if self.button.isChecked():
            self.button.setChecked(False)

    @safe_slot()
    def _tool_left(self) -> None:
        """Another map tool was chosen: the what-if session ends (its sites stay, ready to save)."""
        self.tool = None
        self.button.setChecked(False)

    # --- changes and saving -----------------------------------------------------------------

    @safe_slot()
    def _changed(self, update: Update) -> None:
        self._show([line.text for line in update.headline], update.seconds)

    def _show(self, lines: list[str], seconds: float | None) -> None:
        assert self.scenario is not None
        count = len(self.scenario.sites)
        text = "\n".join([*lines, tr("1 site.") if count == 1 else tr("{0} sites.").format(count)])
        if seconds is not None:
            text += " " + tr("Updated in {0:.2f} s.").format(seconds)
        self.headline.setText(text)

    @safe_slot()
    def _save_clicked(self) -> None:
        folder = self._default_folder() if self._default_folder else Path.home()
        home = QgsProject.instance().homePath()
        start = Path(home) if home else folder
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Save the scenario's sites"), str(start / "scenario_sites.gpkg"), tr("GeoPackage (*.gpkg)")
        )
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> QgsVectorLayer | None:
        """Write the scenario's sites to ``path`` (a GeoPackage) and add the layer to the project's LIS group."""
        if self.scenario is None:
            return None
        if path.suffix.lower() != ".gpkg":
            path = path.with_suffix(".gpkg")
        uri = save_scenario(self.scenario, path)
        layer = QgsVectorLayer(uri, tr("What-if scenario: {0}").format(path.stem), "ogr")
        project = QgsProject.instance()
        project.addMapLayer(layer, False)
        lis_group(project).insertLayer(0, layer)
        self.headline.setText(self.headline.text() + "\n" + tr("Saved to {0}.").format(path))
        if self._saved is not None:
            self._saved(layer)
        return layer
