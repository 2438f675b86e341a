"""What every page of the panel shares: what it may ask of the panel, its id and title, its state, layer helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from qgis.core import QgsApplication, QgsMapLayer, QgsProject, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsMapCanvas, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from ..algorithm_runner import AlgorithmRunner, Output, RunOutcome
from ..widgets import ScrollPage


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisPanel", text)


class PanelServices(Protocol):
    """All that a page may ask of the panel around it (the dock implements it; pages never import the dock).

    Pages know each other only through these calls, so the dock alone wires one step's result into the next.
    """

    @property
    def runner(self) -> AlgorithmRunner:
        """The one run bar's runner: a page starts its algorithm here."""
        ...

    def map_canvas(self) -> QgsMapCanvas | None:
        """The QGIS map canvas (for Processing widgets that need it)."""
        ...

    def output_folder(self) -> Path:
        """The folder outputs are written to."""
        ...

    def set_output_folder(self, folder: str, remember: bool = True) -> None:
        """Use ``folder`` for this project and (``remember``) as the default for new ones."""
        ...

    def output_path(self, stem: str, suffix: str) -> Path:
        """A new file (or folder) name in the output folder: never an existing one."""
        ...

    def boundaries_layer(self) -> QgsVectorLayer | None:
        """The boundary layer chosen on the Boundaries page."""
        ...

    def boundary_code_field(self) -> str:
        """The code field chosen on the Boundaries page ('' to find it)."""
        ...

    def boundaries_changed(self) -> None:
        """The Boundaries page's choice changed: tell the pages that use it."""
        ...

    def indicators_joined(self, layer: QgsVectorLayer) -> None:
        """Offer a joined indicator layer to the pages that map it."""
        ...

    def sample_created(self, outcome: RunOutcome) -> None:
        """Fill the pages with the sample district's layers and files."""
        ...

    def report_error(self, text: str) -> None:
        """Say what went wrong in the message bar (and the LIS log)."""
        ...

    def show_options(self) -> None:
        """Open the LIS page of QGIS's Options dialog."""
        ...


class LisPage(ScrollPage):
    """One step of the panel. Subclasses set ``PAGE_ID`` (stable, for saved state), build their controls and
    a ``status`` line, and run their algorithm with :meth:`run_algorithm`."""

    PAGE_ID = ""
    status: QLabel

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.setObjectName(f"{self.PAGE_ID}Page")
        self.run_buttons: list[QPushButton] = []
        self._pinned: QPushButton | None | bool = False

    def title(self) -> str:
        """The tab's text."""
        raise NotImplementedError

    def pinned_button(self) -> QPushButton | None:
        """The page's main run button, which the panel pins under the page so it is always in view: the first
        run button placed on the page itself (buttons inside a group, as the online loads, stay there)."""
        if self._pinned is False:  # found once: pinning moves it off the page
            self._pinned = next((button for button in self.run_buttons if button.parentWidget() is self.content), None)
        return self._pinned

    def state(self) -> dict[str, Any]:
        """The page's choices, JSON-ready, for the project."""
        return {}

    def restore(self, state: dict[str, Any]) -> None:
        """Put back choices saved by :meth:`state` (layers that are gone are skipped)."""

    def set_busy(self, busy: bool) -> None:
        """Disable the page's run buttons while any LIS tool runs."""
        for button in self.run_buttons:
            button.setEnabled(not busy)

    def report_error(self, text: str) -> None:
        """Say what went wrong in the message bar."""
        self.panel.report_error(text)

    def run_algorithm(
        self,
        algorithm_id: str,
        inputs: dict[str, Any],
        description: str,
        outputs: Mapping[str, Output],
        on_success: Callable[[RunOutcome], None],
        working: str = "",
    ) -> None:
        """Run ``algorithm_id`` in the background, writing ``outputs`` into the output folder; the layers it
        writes join the project's LIS group.

        The status line says ``working`` meanwhile, then the error if the run fails or is cancelled (its
        files are removed); ``on_success`` shows the results of a run that succeeded.
        """
        if working:
            self.status.setText(working)
        self.panel.runner.run(algorithm_id, inputs, description, partial(self._run_ended, on_success), outputs)

    def _run_ended(self, on_success: Callable[[RunOutcome], None], outcome: RunOutcome) -> None:
        if outcome.ok:
            on_success(outcome)
        else:
            self.status.setText(outcome.error)

    @staticmethod
    def chain_tab_order(widgets: list[QWidget]) -> None:
        """Tab moves through ``widgets`` in this order (the order they are read)."""
        for first, second in zip(widgets, widgets[1:]):
            QWidget.setTabOrder(first, second)


def layer_id(combo: QgsMapLayerComboBox) -> str:
    """The id of the combo's layer, '' for none."""
    layer = combo.currentLayer()
    return layer.id() if layer is not None else ""


def set_layer_by_id(combo: QgsMapLayerComboBox, identifier: str | None) -> bool:
    """Choose the project layer ``identifier`` in ``combo`` if it is still there."""
    layer = QgsProject.instance().mapLayer(identifier) if identifier else None
    if layer is None:
        return False
    combo.setLayer(layer)
    return combo.currentLayer() is layer


def set_field(combo: QgsFieldComboBox, name: str | None) -> None:
    """Choose field ``name`` if the combo's layer has it."""
    if name and combo.layer() is not None and combo.layer().fields().indexFromName(name) >= 0:
        combo.setField(name)


def set_index(combo: QComboBox, index: Any) -> None:
    """Choose option ``index`` if it is a saved whole number the combo still offers."""
    if isinstance(index, int) and 0 <= index < combo.count():
        combo.setCurrentIndex(index)


def vector_layer(layer: QgsMapLayer | None) -> QgsVectorLayer | None:
    """``layer`` if it is a vector layer."""
    return layer if isinstance(layer, QgsVectorLayer) else None


def guess_field(layer: QgsVectorLayer | None, *fragments: str, numeric: bool = False) -> str:
    """The first field whose lower-case name contains one of ``fragments`` (tried in order), '' if none."""
    if layer is None:
        return ""
    fields = [f for f in layer.fields() if not numeric or f.isNumeric()]
    for fragment in fragments:
        for item in fields:
            if fragment in item.name().lower():
                return item.name()
    return ""


def parameter_definition(algorithm_id: str, name: str) -> Any:
    """The definition of parameter ``name`` of a LIS algorithm (the provider registers every one, always)."""
    return QgsApplication.processingRegistry().algorithmById(algorithm_id).parameterDefinition(name)


def fill_enum_combo(combo: QComboBox, algorithm_id: str, name: str, default: int = 0) -> None:
    """Put the options an algorithm offers for its enum parameter ``name`` into ``combo``, as Processing lists them."""
    options = list(parameter_definition(algorithm_id, name).options())
    combo.clear()
    combo.addItems(options)
    if 0 <= default < len(options):
        combo.setCurrentIndex(default)
