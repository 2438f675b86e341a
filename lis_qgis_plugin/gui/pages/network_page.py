"""What the Services and Locate pages share: the road network they travel on, and a run into one GeoPackage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from qgis.core import Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from ..algorithm_runner import RunOutcome
from ..widgets import add_row, safe_slot
from .base import LisPage, fill_enum_combo, guess_field, layer_id, set_field, set_index, set_layer_by_id, tr

NETWORK_FILTER = "OpenStreetMap extracts (*.osm.pbf *.pbf);;GeoPackage (*.gpkg);;All files (*.*)"


class RowText(NamedTuple):
    """One row's label (with its ``&`` mnemonic), tooltip and object name."""

    label: str
    tooltip: str
    name: str


class NetworkRows(NamedTuple):
    """The texts of the network rows: each page keeps its own, so mnemonics stay unique on it."""

    network: RowText
    file: RowText
    speed: RowText
    mode: RowText
    cost: RowText


def network_file_tooltip() -> str:
    """The network file row's tooltip, the same on every page."""
    return tr("An OpenStreetMap extract (.osm.pbf) or GeoPackage of roads; built once, then cached")


def speed_tooltip() -> str:
    """The speed field row's tooltip, the same on every page."""
    return tr("Road speeds in km/h (empty: maxspeed, then the speeds by road class set in the LIS options)")


class NetworkPage(LisPage):
    """A page whose algorithm travels on roads: a network layer or file, its speed field, the mode and the cost.

    Both algorithms take these as NETWORK, NETWORK_FILE, SPEED_FIELD, MODE and COST, and write their
    results as layers of one new GeoPackage; this class holds that once for both pages.
    """

    network_combo: QgsMapLayerComboBox
    network_file: QgsFileWidget
    speed_combo: QgsFieldComboBox
    mode_combo: QComboBox
    cost_combo: QComboBox
    status: QLabel
    output_file: Path | None

    def add_network_rows(
        self, form: QFormLayout, parent: QWidget, algorithm_id: str, rows: NetworkRows, mode: int = 0, cost: int = 0
    ) -> None:
        """Add the five network rows to ``form``; ``mode`` and ``cost`` are the options chosen first."""
        self.network_combo = QgsMapLayerComboBox(parent)
        self.network_combo.setFilters(Qgis.LayerFilter.LineLayer)
        self.network_combo.setAllowEmptyLayer(True)
        add_row(form, rows.network.label, self.network_combo, rows.network.tooltip, rows.network.name)
        self.network_file = QgsFileWidget(parent)
        self.network_file.setFilter(NETWORK_FILTER)
        add_row(form, rows.file.label, self.network_file, rows.file.tooltip, rows.file.name)
        self.speed_combo = QgsFieldComboBox(parent)
        self.speed_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.speed_combo.setAllowEmptyFieldName(True)
        add_row(form, rows.speed.label, self.speed_combo, rows.speed.tooltip, rows.speed.name)
        self.mode_combo = QComboBox(parent)
        fill_enum_combo(self.mode_combo, algorithm_id, "MODE", mode)
        add_row(form, rows.mode.label, self.mode_combo, rows.mode.tooltip, rows.mode.name)
        self.cost_combo = QComboBox(parent)
        fill_enum_combo(self.cost_combo, algorithm_id, "COST", cost)
        add_row(form, rows.cost.label, self.cost_combo, rows.cost.tooltip, rows.cost.name)
        self.network_combo.layerChanged.connect(self._network_changed)
        self._network_changed(self.network_combo.currentLayer())

    @safe_slot()
    def _network_changed(self, layer: Any) -> None:
        self.speed_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.speed_combo.setField(guess_field(layer, "speed_kph", "speed", numeric=True))

    def network_state(self) -> dict[str, Any]:
        """The network choices, JSON-ready."""
        return {
            "network": layer_id(self.network_combo),
            "network_file": self.network_file.filePath(),
            "speed_field": self.speed_combo.currentField(),
            "mode": self.mode_combo.currentIndex(),
            "cost": self.cost_combo.currentIndex(),
        }

    def restore_network(self, state: dict[str, Any]) -> None:
        """Put back the choices of :meth:`network_state`."""
        if set_layer_by_id(self.network_combo, state.get("network")):
            set_field(self.speed_combo, state.get("speed_field"))
        self.network_file.setFilePath(state.get("network_file", ""))
        set_index(self.mode_combo, state.get("mode"))
        set_index(self.cost_combo, state.get("cost"))

    def network_parameters(self) -> dict[str, Any]:
        """NETWORK, NETWORK_FILE, SPEED_FIELD, MODE and COST: a file, when given, wins over the layer."""
        network = self.network_combo.currentLayer()
        network_file = self.network_file.filePath().strip()
        use_layer = network is not None and not network_file
        return {
            "NETWORK": network.id() if use_layer else None,
            "NETWORK_FILE": network_file,
            "SPEED_FIELD": self.speed_combo.currentField() if use_layer else "",
            "MODE": self.mode_combo.currentIndex(),
            "COST": self.cost_combo.currentIndex(),
        }

    def run_into_geopackage(
        self,
        algorithm_id: str,
        parameters: dict[str, Any],
        description: str,
        stem: str,
        outputs: dict[str, tuple[str, str]],
        working: str,
        on_done: Callable[[RunOutcome], None],
    ) -> None:
        """Run with each output parameter written as a layer of one new GeoPackage in the output folder.

        ``outputs`` maps an output parameter to its layer name in the GeoPackage and its title in the project;
        ``working`` is the status shown meanwhile. The file is removed if the run fails or is cancelled.
        """
        output = self.panel.output_path(stem, ".gpkg")
        parameters = {**parameters, **{key: f"{output}|layername={table}" for key, (table, _) in outputs.items()}}
        self.status.setText(working)
        self.output_file = output
        self.panel.runner.run(
            algorithm_id,
            parameters,
            description,
            on_done,
            titles={key: title for key, (_, title) in outputs.items()},
            new_files=[output],
        )
