"""The road network a travel tool runs on, as a group of form rows the Services and Locate pages both use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from qgis.core import Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QWidget

from ..widgets import add_row, safe_slot
from .base import fill_enum_combo, guess_field, layer_id, set_field, set_index, set_layer_by_id, tr

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


class NetworkInputs:
    """A network layer or file, its speed field, the travel mode and the cost, as five rows of a page's form.

    lis:servicecatchments and lis:locateservices both take these as NETWORK, NETWORK_FILE, SPEED_FIELD,
    MODE and COST; a page holds one group, and its rows keep that page's labels and object names.
    """

    def __init__(
        self,
        form: QFormLayout,
        parent: QWidget,
        algorithm_id: str,
        rows: NetworkRows,
        report_error: Callable[[str], None],
        mode: int = 0,
        cost: int = 0,
    ) -> None:
        """Add the rows to ``form``; ``mode`` and ``cost`` are the options chosen first."""
        self.report_error = report_error  # where safe_slot reports a failing slot of the group
        self.layer_combo = QgsMapLayerComboBox(parent)
        self.layer_combo.setFilters(Qgis.LayerFilter.LineLayer)
        self.layer_combo.setAllowEmptyLayer(True)
        add_row(form, rows.network.label, self.layer_combo, rows.network.tooltip, rows.network.name)
        self.file_widget = QgsFileWidget(parent)
        self.file_widget.setFilter(NETWORK_FILTER)
        add_row(form, rows.file.label, self.file_widget, rows.file.tooltip, rows.file.name)
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
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self._layer_changed(self.layer_combo.currentLayer())

    def widgets(self) -> list[QWidget]:
        """The rows' controls, in the order they are read (for the page's tab order)."""
        return [self.layer_combo, self.file_widget, self.speed_combo, self.mode_combo, self.cost_combo]

    @safe_slot()
    def _layer_changed(self, layer: Any) -> None:
        self.speed_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.speed_combo.setField(guess_field(layer, "speed_kph", "speed", numeric=True))

    def state(self) -> dict[str, Any]:
        """The choices, JSON-ready, under the keys the pages have always saved them."""
        return {
            "network": layer_id(self.layer_combo),
            "network_file": self.file_widget.filePath(),
            "speed_field": self.speed_combo.currentField(),
            "mode": self.mode_combo.currentIndex(),
            "cost": self.cost_combo.currentIndex(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Put back the choices of :meth:`state`."""
        if set_layer_by_id(self.layer_combo, state.get("network")):
            set_field(self.speed_combo, state.get("speed_field"))
        self.file_widget.setFilePath(state.get("network_file", ""))
        set_index(self.mode_combo, state.get("mode"))
        set_index(self.cost_combo, state.get("cost"))

    def parameters(self) -> dict[str, Any]:
        """NETWORK, NETWORK_FILE, SPEED_FIELD, MODE and COST: a file, when given, wins over the layer."""
        network = self.layer_combo.currentLayer()
        network_file = self.file_widget.filePath().strip()
        use_layer = network is not None and not network_file
        return {
            "NETWORK": network.id() if use_layer else None,
            "NETWORK_FILE": network_file,
            "SPEED_FIELD": self.speed_combo.currentField() if use_layer else "",
            "MODE": self.mode_combo.currentIndex(),
            "COST": self.cost_combo.currentIndex(),
        }
