"""Boundaries: the polygons the statistics describe (a layer of the project, or a boundary set loaded by LIS)."""

from __future__ import annotations

import contextlib
from typing import Any

from qgis.core import Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QVBoxLayout, QWidget

from ..algorithm_form import AlgorithmForm
from ..algorithm_runner import RunOutcome
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import LisPage, PanelServices, layer_id, set_field, set_layer_by_id, tr

LOAD_BOUNDARIES = "lis:loadboundaries"


class BoundariesPage(LisPage):
    """Choose the boundary layer and its code field (found automatically)."""

    PAGE_ID = "boundaries"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        self.body.addWidget(
            intro_label(
                tr(
                    "Choose the areas your statistics describe: LSOAs, MSOAs, wards or districts. LIS finds the "
                    "field of ONS area codes (such as E01000001) that tables are joined on."
                ),
                self.content,
            )
        )
        form = form_layout()
        self.layer_combo = QgsMapLayerComboBox(self.content)
        self.layer_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        self.layer_combo.setAllowEmptyLayer(True)
        add_row(
            form,
            tr("Boundary &layer"),
            self.layer_combo,
            tr("A polygon layer of the project with one feature per area"),
            "boundaryLayerCombo",
        )
        self.code_combo = QgsFieldComboBox(self.content)
        self.code_combo.setFilters(QgsFieldProxyModel.Filter.String)
        self.code_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("Area &code field"),
            self.code_combo,
            tr("The field with the ONS area codes; found automatically when the layer changes"),
            "boundaryCodeCombo",
        )
        self.body.addLayout(form)
        self.status = status_label(self.content, "boundaryStatus")
        self.body.addWidget(self.status)
        self.body.addWidget(self._load_group())
        self.body.addStretch(1)
        self.chain_tab_order([self.layer_combo, self.code_combo, *self.load_form.inputs, self.load_button])

        self._named: QgsVectorLayer | None = None  # the layer whose renaming other pages hear of
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self.code_combo.fieldChanged.connect(self._field_changed)
        self._layer_changed(self.layer_combo.currentLayer())

    def _load_group(self) -> QgsCollapsibleGroupBox:
        """The inputs of lis:loadboundaries, folded away: a published boundary set becomes the boundary layer."""
        group = QgsCollapsibleGroupBox(tr("Load a boundary set"), self.content)
        group.setObjectName("loadBoundariesGroup")
        group.setToolTip(tr("Download or read a published boundary set and add it to the LIS group"))
        group.setCollapsed(True)
        group_layout = QVBoxLayout(group)
        self.load_form = AlgorithmForm(LOAD_BOUNDARIES, self.panel.map_canvas(), group)
        group_layout.addWidget(self.load_form)
        self.load_button = run_button(
            tr("Loa&d boundaries"),
            tr("Run 'Load boundaries' with these choices; the layer becomes the boundary layer"),
            "loadBoundariesButton",
            group,
        )
        self.load_button.clicked.connect(self._load_boundaries)
        self.run_buttons.append(self.load_button)
        group_layout.addWidget(self.load_button)
        return group

    def title(self) -> str:
        return tr("Boundaries")

    def layer(self) -> QgsVectorLayer | None:
        """The chosen boundary layer."""
        layer = self.layer_combo.currentLayer()
        return layer if isinstance(layer, QgsVectorLayer) else None

    def code_field(self) -> str:
        """The chosen code field ('' to let the tools find it)."""
        return self.code_combo.currentField()

    @safe_slot()
    def _layer_changed(self, layer: Any) -> None:
        self.code_combo.setLayer(layer)
        self._follow_name(layer if isinstance(layer, QgsVectorLayer) else None)
        if not isinstance(layer, QgsVectorLayer):
            self.status.setText(tr("Choose a polygon layer, or add one to the project first."))
        elif self._find_code_field(layer):
            # described here too: a new layer whose code field has the old one's name changes no field
            self._describe_codes(layer, self.code_field())
        self.panel.boundaries_changed()  # other pages name the layer

    def _follow_name(self, layer: QgsVectorLayer | None) -> None:
        """Tell the other pages when the chosen layer is renamed (they show its name)."""
        if self._named is not None:
            with contextlib.suppress(TypeError, RuntimeError):  # not connected, or the layer is gone
                self._named.nameChanged.disconnect(self.panel.boundaries_changed)
        self._named = layer
        if layer is not None:
            layer.nameChanged.connect(self.panel.boundaries_changed)

    def _find_code_field(self, layer: QgsVectorLayer) -> bool:
        """Choose the layer's field of area codes; False (and the reason shown) when it has none."""
        from ...core.io.layer_codes import find_layer_code_field
        from ...core.io.table_files import TableError

        try:
            field = find_layer_code_field(layer)
        except TableError as error:
            self.code_combo.setField("")
            self.status.setText(str(error))
            return False
        self.code_combo.setField(field)
        return True

    @safe_slot()
    def _field_changed(self, field: str) -> None:
        layer = self.layer()
        if layer is not None and field:
            self._describe_codes(layer, field)
        self.panel.boundaries_changed()

    def _describe_codes(self, layer: QgsVectorLayer, field: str) -> None:
        """Say how many areas the layer has and what kind of codes ``field`` holds."""
        from ...core.common.ons_codes import geography_of
        from ...core.io.layer_codes import layer_codes

        codes = [code for code in layer_codes(layer, field) if code]
        kinds = sorted({geography_of(code) or tr("unrecognised") for code in codes})
        self.status.setText(
            tr("{0} areas, codes in '{1}' ({2}).").format(f"{layer.featureCount():,}", field, ", ".join(kinds))
        )

    def state(self) -> dict[str, Any]:
        return {"layer": layer_id(self.layer_combo), "code_field": self.code_field()}

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.layer_combo, state.get("layer")):
            set_field(self.code_combo, state.get("code_field"))

    def use_layer(self, layer: QgsVectorLayer) -> None:
        """Make ``layer`` the boundary layer (after loading a boundary set or the sample)."""
        self.layer_combo.setLayer(layer)

    @safe_slot()
    def _load_boundaries(self) -> None:
        self.run_algorithm(
            LOAD_BOUNDARIES,
            self.load_form.values(),
            tr("Load boundaries"),
            self.load_form.destinations(self.panel.output_path),
            self._boundaries_loaded,
        )

    def _boundaries_loaded(self, outcome: RunOutcome) -> None:
        polygons = [
            layer
            for layer in outcome.layers
            if isinstance(layer, QgsVectorLayer) and layer.geometryType() == Qgis.GeometryType.Polygon
        ]
        if polygons:
            self.use_layer(polygons[0])
        else:
            self.status.setText(tr("The tool finished but added no polygon layer: see the LIS log."))
