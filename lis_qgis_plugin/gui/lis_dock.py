"""The "Local Information System" panel: a page per step, from boundaries to an atlas, with one run bar.

Pages only collect choices and run Processing algorithms (through :class:`.AlgorithmRunner`); every
page is always there, as the provider registers every LIS algorithm. The choices are saved in the
project (and the last ones remembered in the user's settings).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

from qgis.core import Qgis, QgsMessageLog, QgsProject, QgsVectorLayer
from qgis.gui import QgsDockWidget, QgsMapCanvas
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtGui import (  # QtGui in Qt 6; qgis.PyQt aliases QAction there on Qt 5
    QAction,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from qgis.PyQt.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .algorithm_runner import AlgorithmRunner, RunOutcome
from .options_page import OPTIONS_PAGE_NAME
from .pages.atlas_page import AtlasPage
from .pages.base import LisPage
from .pages.boundaries_page import BoundariesPage
from .pages.indicators_page import IndicatorsPage
from .pages.locate_page import LocatePage
from .pages.map_page import MapPage
from .pages.services_page import ServicesPage
from .pages.start_page import StartPage
from .panel_settings import (
    MINIMUM_DOCK_WIDTH,
    PanelSettings,
    default_output_folder,
    dock_width,
    read_project_state,
    unique_path,
    write_project_state,
)
from .result_layers import LOG_TAG
from .widgets import ResultArea, StepBar, compact_combos, show_expression_starts

DOCK_OBJECT_NAME = "LisDockWidget"
#: the lines of a page's result the run bar shows before it scrolls
RESULT_LINES = 5
PageT = TypeVar("PageT", bound=LisPage)
#: The panel's tabs, in workflow order.
PAGE_CLASSES: tuple[type[LisPage], ...] = (
    StartPage,
    BoundariesPage,
    IndicatorsPage,
    MapPage,
    ServicesPage,
    LocatePage,
    AtlasPage,
)


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisDockWidget", text)


class LisDockWidget(QgsDockWidget):
    """Numbered steps that walk an analyst from boundaries to maps, catchments and profiles, each page over
    a pinned run bar (the page's result line and run button, progress, Cancel) that never scrolls away.

    It gives its pages the :class:`.PanelServices` they ask for, and wires one page's result into the next.
    """

    def __init__(self, iface: Any, open_algorithm: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(tr("Local Information System"), parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        self.iface = iface
        self.open_algorithm = open_algorithm
        self._output_folder = ""
        self.runner = AlgorithmRunner(self._message_bar, self)

        frame = QWidget(self)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(2, 4, 2, 4)
        layout.setSpacing(4)
        self.steps = StepBar(frame)
        self.steps.stepChosen.connect(self._step_chosen)
        layout.addWidget(self.steps)
        # The pages, one at a time: the step buttons above choose them, so the tab bar (which needed scroll
        # arrows in a narrow dock) is hidden.
        self.tabs = QTabWidget(frame)
        self.tabs.setObjectName("lisTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().hide()
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._run_bar(frame))
        self.setWidget(frame)
        self.setMinimumWidth(MINIMUM_DOCK_WIDTH)
        self._width_restored = False
        self._width_timer = QTimer(self)
        self._width_timer.setSingleShot(True)
        self._width_timer.setInterval(400)  # once the user has stopped dragging
        self._width_timer.timeout.connect(self._remember_width)

        self._read_project_folder()
        self.pages: dict[str, LisPage] = {}
        for page_class in PAGE_CLASSES:
            page = page_class(self, self)  # the panel's services, and the page's parent widget
            compact_combos(page)
            show_expression_starts(page)
            self.pages[page.PAGE_ID] = page
            self.tabs.addTab(page, page.title())
            self.tabs.setTabToolTip(self.tabs.count() - 1, page.title())
            self.steps.add_step(page.title(), tr("Step {0}: {1} (Alt+{0})").format(self.tabs.count(), page.title()))
            self._pin_run_bar_of(page)
        self.tabs.currentChanged.connect(self._show_page_bar)
        self._show_page_bar(self.tabs.currentIndex())
        for keys, step in ((QKeySequence.StandardKey.NextChild, 1), (QKeySequence.StandardKey.PreviousChild, -1)):
            move = QAction(tr("Next step") if step > 0 else tr("Previous step"), self)
            move.setShortcuts(keys)  # Ctrl+Tab and Ctrl+Shift+Tab (or the platform's), while the panel has focus
            move.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            move.triggered.connect(partial(self._step_by, step))
            self.addAction(move)

        self.runner.started.connect(self._run_started)
        self.runner.progressChanged.connect(self._run_progress)
        self.runner.finished.connect(self._run_finished)
        project = QgsProject.instance()
        self._connections = [
            (project.writeProject, self._write_project),
            (project.readProject, self._read_project),
            (project.cleared, self._project_cleared),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self.restore_state(read_project_state())
        self._select_page(PanelSettings.current_page.value())
        self.tabs.currentChanged.connect(self._page_changed)

    # --- building ---------------------------------------------------------------------------------

    def _run_bar(self, parent: QWidget) -> QFrame:
        """Pinned under the pages, always in view: the open page's result line and run button, the tool's
        progress and what it is doing, and Cancel."""
        bar = QFrame(parent)
        bar.setObjectName("runBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(bar)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.result_stack = QStackedWidget(bar)  # a page's status line (its result, or what went wrong)
        self.result_stack.setObjectName("pageResults")
        layout.addWidget(self.result_stack)
        self.run_status = QLabel(tr("Ready."), bar)
        self.run_status.setObjectName("runStatus")
        self.run_status.setWordWrap(True)
        self.run_status.setToolTip(tr("What the LIS tools are doing; the full log is in the LIS tab of the log panel"))
        layout.addWidget(self.run_status)
        self.progress = QProgressBar(bar)
        self.progress.setObjectName("runProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setToolTip(tr("Progress of the tool running"))
        self.progress.setAccessibleName(tr("Progress"))
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        self.button_stack = QStackedWidget(bar)  # the open page's run button
        self.button_stack.setObjectName("pageRunButtons")
        row.addWidget(self.button_stack, 1)
        self.cancel_button = QPushButton(tr("Cancel"), bar)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip(tr("Stop the tool running: nothing it started is kept (Esc in the panel)"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.runner.cancel)
        escape = QAction(tr("Cancel the LIS tool running"), self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only while the panel has focus
        escape.triggered.connect(self.runner.cancel)
        self.addAction(escape)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        return bar

    def _pin_run_bar_of(self, page: LisPage) -> None:
        """Move ``page``'s status line and main run button into the run bar (their own stack entries)."""
        results = ResultArea(page.status, RESULT_LINES, self.result_stack)
        results.setObjectName(f"{page.PAGE_ID}Results")
        self.result_stack.addWidget(results)
        holder = QWidget(self.button_stack)
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        button = page.pinned_button()
        if button is not None:
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            holder_layout.addWidget(button)  # takes it out of the page's own layout
        self.button_stack.addWidget(holder)

    def _show_page_bar(self, index: int) -> None:
        """Show the open page's result line and button; the others take no room (a stack is as tall as its
        tallest entry unless the hidden ones are ignored)."""
        for stack in (self.result_stack, self.button_stack):
            stack.setCurrentIndex(index)
            for position in range(stack.count()):
                policy = QSizePolicy.Policy.Preferred if position == index else QSizePolicy.Policy.Ignored
                stack.widget(position).setSizePolicy(policy, policy)
            stack.updateGeometry()
        self.steps.set_current(index)

    def _step_chosen(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def _step_by(self, step: int) -> None:
        """Open the next (``step`` 1) or previous (-1) page, round to the other end."""
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    # --- what the pages share (PanelServices) -----------------------------------------------------

    def page(self, page_id: str) -> Any:
        """The page ``page_id`` ('start', 'boundaries', 'indicators', 'map', 'services', 'locate', 'atlas')."""
        return self.pages.get(page_id)

    def _page_of(self, kind: type[PageT]) -> PageT:
        """The page of class ``kind``, typed (every page is built before anything but the pages' own
        building asks for another)."""
        return cast(PageT, self.pages[kind.PAGE_ID])

    def map_canvas(self) -> QgsMapCanvas | None:
        """The QGIS map canvas (for Processing widgets that need it)."""
        return self.iface.mapCanvas() if self.iface is not None else None

    def output_folder(self) -> Path:
        """The folder outputs are written to: this project's choice, else the remembered or default one."""
        return Path(self._output_folder) if self._output_folder else default_output_folder()

    def set_output_folder(self, folder: str, remember: bool = True) -> None:
        """Use ``folder`` for this project and (``remember``) as the default for new ones."""
        self._output_folder = folder.strip()
        if self._output_folder and remember:
            PanelSettings.output_folder.set(self._output_folder)
        self._page_of(StartPage).show_folder(self.output_folder())

    def output_path(self, stem: str, suffix: str) -> Path:
        """A new file (or folder) name in the output folder, made safe: never an existing one."""
        folder = self.output_folder()
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", stem).strip("_") or "lis_output"
        return unique_path(folder, safe, suffix)

    def boundaries_layer(self) -> QgsVectorLayer | None:
        """The boundary layer chosen on the Boundaries page."""
        return self._page_of(BoundariesPage).layer()

    def boundary_code_field(self) -> str:
        """The code field chosen on the Boundaries page ('' to find it)."""
        return self._page_of(BoundariesPage).code_field()

    def boundaries_changed(self) -> None:
        """Tell the pages that use the boundaries."""
        indicators = self.pages.get(IndicatorsPage.PAGE_ID)
        if isinstance(indicators, IndicatorsPage):  # not yet while the Boundaries page, built first, finds a layer
            indicators.refresh_boundaries()

    def indicators_joined(self, layer: QgsVectorLayer) -> None:
        """Offer the joined layer to the Map and Atlas pages."""
        self._page_of(MapPage).use_layer(layer)
        self._page_of(AtlasPage).use_layer(layer)

    def sample_created(self, outcome: RunOutcome) -> None:
        """Fill the pages with the sample's layers and files, ready to try each step."""
        by_name = {layer.name(): layer for layer in outcome.layers if isinstance(layer, QgsVectorLayer)}
        small_areas = by_name.get("Small areas: IMD decile")
        if small_areas is not None:
            self._page_of(BoundariesPage).use_layer(small_areas)
            self._page_of(MapPage).use_layer(small_areas)
        if outcome.results.get("HEALTH_XLSX"):
            self._page_of(IndicatorsPage).set_table(str(outcome.results["HEALTH_XLSX"]))
        self._page_of(ServicesPage).use_layers(
            facilities=by_name.get("Services"),
            network=by_name.get("Roads"),
            areas=small_areas,
            demand=by_name.get("Population-weighted centroids"),
        )
        if by_name.get("Wards") is not None:
            self._page_of(AtlasPage).use_layer(by_name["Wards"])

    def report_error(self, text: str) -> None:
        """Say what went wrong in the message bar (and the LIS log)."""
        QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Critical)
        bar = self._message_bar()
        if bar is not None:
            bar.pushMessage("LIS", text, Qgis.MessageLevel.Critical, 0)

    def show_options(self) -> None:
        """Open *Settings > Options* at the LIS page."""
        if self.iface is not None:
            self.iface.showOptionsDialog(self.iface.mainWindow(), currentPage=OPTIONS_PAGE_NAME)

    def _message_bar(self) -> Any:
        return self.iface.messageBar() if self.iface is not None else None

    # --- the run bar ------------------------------------------------------------------------------

    def _run_started(self, description: str) -> None:
        self.run_status.setText(tr("Running: {0}…").format(description))
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        for page in self.pages.values():
            page.set_busy(True)

    def _run_progress(self, progress: float) -> None:
        self.progress.setValue(int(progress))

    def _run_finished(self, outcome: RunOutcome) -> None:
        self.cancel_button.setEnabled(False)
        for page in self.pages.values():
            page.set_busy(False)
        if outcome.ok:
            self.progress.setValue(100)
            text = tr("{0}: done.").format(outcome.description)
            if outcome.layers:
                text += " " + tr("Layers added to the LIS group: {0}.").format(len(outcome.layers))
            bar = self._message_bar()
            if bar is not None:
                bar.pushMessage("LIS", text, Qgis.MessageLevel.Success, 5)
        elif outcome.canceled:
            self.progress.setValue(0)
            text = tr("{0}: cancelled, nothing kept.").format(outcome.description)
        else:
            self.progress.setValue(0)
            text = tr("{0} failed: {1}").format(outcome.description, outcome.error)
        self.run_status.setText(text)

    # --- state in the project ---------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Every page's choices and the output folder, JSON-ready."""
        return {
            "output_folder": self._output_folder,
            "current_page": self._current_page_id(),
            "pages": {page_id: page.state() for page_id, page in self.pages.items()},
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Put back a state saved by :meth:`state` (missing pages and layers are skipped)."""
        if not state:
            return
        self._output_folder = str(state.get("output_folder") or self._output_folder)
        for page_id, page_state in (state.get("pages") or {}).items():
            page = self.pages.get(page_id)
            if page is not None and isinstance(page_state, dict):
                try:
                    page.restore(page_state)
                except Exception as error:  # a stale saved state must not stop the project opening
                    QgsMessageLog.logMessage(
                        tr("The saved {0} page could not be restored: {1}").format(page_id, error), LOG_TAG
                    )
        self._select_page(state.get("current_page", ""))

    def _read_project_folder(self) -> None:
        self._output_folder = str(read_project_state().get("output_folder") or "")

    def _write_project(self, *_: Any) -> None:
        write_project_state(self.state())

    def _read_project(self, *_: Any) -> None:
        self._read_project_folder()
        self.restore_state(read_project_state())
        self._page_of(StartPage).show_folder(self.output_folder())

    def _project_cleared(self) -> None:
        self._output_folder = ""
        self._page_of(StartPage).show_folder(self.output_folder())

    def _current_page_id(self) -> str:
        widget = self.tabs.currentWidget()
        return getattr(widget, "PAGE_ID", "")

    def _select_page(self, page_id: str) -> None:
        page = self.pages.get(page_id)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def _page_changed(self, _index: int) -> None:
        PanelSettings.current_page.set(self._current_page_id())

    # --- the dock's width, remembered -------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.restore_width)  # once the main window has placed the dock

    def restore_width(self) -> None:
        """Give the panel, docked at the side of the main window, the width it last had (the default the
        first time)."""
        window = self.parentWidget()
        if isinstance(window, QMainWindow) and self._at_the_side() and self.isVisible():
            window.resizeDocks([self], [dock_width()], Qt.Orientation.Horizontal)
        self._width_restored = True

    def _at_the_side(self) -> bool:
        """Docked left or right, where its width is the user's choice (not floating, nor across the top or
        bottom)."""
        window = self.parentWidget()
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        return isinstance(window, QMainWindow) and not self.isFloating() and window.dockWidgetArea(self) in sides

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._width_restored and self.isVisible() and self._at_the_side():
            self._width_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._width_timer.isActive():
            self._width_timer.stop()
            self._remember_width()
        super().hideEvent(event)

    def _remember_width(self) -> None:
        if self._at_the_side() and self.width() >= MINIMUM_DOCK_WIDTH:  # the timer runs only while it is shown
            PanelSettings.dock_width.set(self.width())

    # --- unload -----------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop a run and disconnect from the project, before the plugin unloads."""
        self._width_timer.stop()
        self.runner.detach()
        for signal, slot in self._connections:
            with contextlib.suppress(TypeError):
                signal.disconnect(slot)
        self._connections = []
