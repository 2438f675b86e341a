"""Services: travel-time catchments of facilities on a road network with lis:servicecatchments, and who is covered."""

from __future__ import annotations

from typing import Any

from qgis.core import NULL, Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget

from ...core.access.population_field import find_population_field
from ...core.access.service_catchments import CatchmentOptions
from ..algorithm_runner import Output, RunOutcome
from ..panel_settings import PanelSettings
from ..what_if_tool import WhatIfControls, WhatIfInputs, what_if_inputs
from ..widgets import (
    add_row,
    fill_table,
    filter_expression_widget,
    form_layout,
    intro_label,
    result_table,
    run_button,
    safe_slot,
    status_label,
)
from .base import LisPage, PanelServices, guess_field, layer_id, set_field, set_layer_by_id, tr
from .network_inputs import NetworkInputs, NetworkRows, RowText, network_file_tooltip, speed_tooltip

SERVICE_CATCHMENTS = "lis:servicecatchments"
ALL_FACILITIES = "All facilities"
#: lis:servicecatchments' METHOD of each catchment shape the page offers, in the order shown
FILLED_METHOD = 3
ROAD_BUFFER_METHOD = 0
SHAPE_METHODS = (FILLED_METHOD, ROAD_BUFFER_METHOD)
#: the algorithm's defaults (ServiceCatchmentsAlgorithm.DEFAULT_CELL_M and DEFAULT_MAX_OFF_NETWORK_M)
DEFAULT_CELL_M = 50.0
DEFAULT_MAX_OFF_NETWORK_M = 400.0


class ServicesPage(LisPage):
    """Facilities, network, mode and bands in; catchment layers and the coverage table out."""

    PAGE_ID = "services"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        self.body.addWidget(
            intro_label(
                tr(
                    "Who can reach a service within 5, 10 or 15 minutes, and who cannot: catchments of each "
                    "facility on the road network, and the population covered within each band."
                ),
                self.content,
            )
        )
        form = form_layout()
        self._add_facility_rows(form)
        mode, cost = PanelSettings.service_mode.value(), PanelSettings.service_cost.value()
        self.network = NetworkInputs(
            form, self.content, SERVICE_CATCHMENTS, self._network_rows(), self.report_error, mode, cost
        )
        self._add_band_rows(form)
        self.body.addLayout(form)
        self.body.addWidget(self._advanced_group())
        self.body.addWidget(self._demand_group())
        self._add_run_and_coverage()
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.facilities_combo,
                self.filter_widget,
                self.id_combo,
                *self.network.widgets(),
                self.bands_edit,
                self.shape_combo,
                self.buffer_spin,
                self.cell_spin,
                self.off_network_spin,
                self.areas_combo,
                self.demand_combo,
                self.population_combo,
                self.decile_combo,
                self.run_button,
                self.coverage_table,
            ]
        )
        self.coverage_uri = ""
        self.facilities_combo.layerChanged.connect(self._facilities_changed)
        self.areas_combo.layerChanged.connect(self._demand_changed)
        self.demand_combo.layerChanged.connect(self._demand_changed)
        self._facilities_changed(self.facilities_combo.currentLayer())
        self._demand_changed()
        self.shape_combo.currentIndexChanged.connect(self._shape_changed)
        self._shape_changed()

    # --- building ---------------------------------------------------------------------------------

    def _add_facility_rows(self, form: QFormLayout) -> None:
        self.facilities_combo = QgsMapLayerComboBox(self.content)
        self.facilities_combo.setFilters(Qgis.LayerFilter.PointLayer)
        add_row(form, tr("&Facilities"), self.facilities_combo, tr("Point layer of the services"), "facilitiesCombo")
        self.filter_widget = filter_expression_widget(self.content, tr("Which facilities"))
        add_row(
            form,
            tr("Fi&lter"),
            self.filter_widget,
            tr("Optional expression choosing some facilities, e.g. \"service_type\" = 'gp_surgery'"),
            "facilityFilter",
        )
        self.id_combo = QgsFieldComboBox(self.content)
        self.id_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("Facility &id"),
            self.id_combo,
            tr("Field with a unique id or name per facility (empty: feature numbers)"),
            "facilityIdCombo",
        )

    @staticmethod
    def _network_rows() -> NetworkRows:
        road_tip = tr(
            "Line layer of roads (with highway, maxspeed, oneway as OpenStreetMap), or leave empty and give a file"
        )
        return NetworkRows(
            network=RowText(tr("Road &network"), road_tip, "networkCombo"),
            file=RowText(tr("or network fil&e"), network_file_tooltip(), "networkFileWidget"),
            speed=RowText(tr("&Speed field"), speed_tooltip(), "speedFieldCombo"),
            mode=RowText(tr("Travel &mode"), tr("Driving or walking"), "modeCombo"),
            cost=RowText(tr("&Cost"), tr("Travel time (minutes) or distance (metres)"), "costCombo"),
        )

    def _add_band_rows(self, form: QFormLayout) -> None:
        self.bands_edit = QLineEdit(PanelSettings.service_bands.value(), self.content)
        add_row(
            form,
            tr("&Bands"),
            self.bands_edit,
            tr("Catchment bands separated by commas: minutes for time, metres for distance"),
            "bandsEdit",
        )
        self.shape_combo = QComboBox(self.content)
        self.shape_combo.addItem(tr("Filled travel-time areas"), FILLED_METHOD)
        self.shape_combo.addItem(tr("Roads within reach (buffer)"), ROAD_BUFFER_METHOD)
        add_row(
            form,
            tr("Catchment s&hape"),
            self.shape_combo,
            tr(
                "Filled areas cover the homes within reach and stop where nothing is reachable; road buffers "
                "show the reached roads widened by the buffer"
            ),
            "catchmentShapeCombo",
        )
        self.buffer_spin = QDoubleSpinBox(self.content)
        self.buffer_spin.setRange(1, 5000)
        self.buffer_spin.setDecimals(0)
        self.buffer_spin.setSuffix(" m")
        self.buffer_spin.setValue(PanelSettings.service_buffer.value())
        add_row(
            form,
            tr("B&uffer"),
            self.buffer_spin,
            tr("Road buffers: catchments are the reached roads widened by this distance"),
            "bufferSpin",
        )

    def _advanced_group(self) -> QgsCollapsibleGroupBox:
        """The filled areas' grid and longest walk from the road, folded away: the defaults suit most places."""
        group = QgsCollapsibleGroupBox(tr("Filled areas: advanced"), self.content)
        group.setObjectName("filledAdvancedGroup")
        group.setToolTip(tr("Grid cell size and the longest walk from the road of the filled travel-time areas"))
        group_form = form_layout()
        group.setLayout(group_form)
        self.cell_spin = self._metres_spin(group, 1, 1000, DEFAULT_CELL_M)
        add_row(
            group_form,
            tr("Cell si&ze"),
            self.cell_spin,
            tr("Side of the grid cells the travel times are worked out on (smaller: finer outlines, slower)"),
            "cellSizeSpin",
        )
        self.off_network_spin = self._metres_spin(group, 0, 5000, DEFAULT_MAX_OFF_NETWORK_M)
        add_row(
            group_form,
            tr("Longest &walk from the road"),
            self.off_network_spin,
            tr("Places further than this from every reached road are outside the filled areas"),
            "maxOffNetworkSpin",
        )
        group.setCollapsed(True)
        return group

    @staticmethod
    def _metres_spin(parent: QWidget, least: float, most: float, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(parent)
        spin.setRange(least, most)
        spin.setDecimals(0)
        spin.setSuffix(" m")
        spin.setValue(value)
        return spin

    def _demand_group(self) -> QgsCollapsibleGroupBox:
        demand = QgsCollapsibleGroupBox(tr("Who is covered"), self.content)
        demand.setObjectName("demandGroup")
        demand.setToolTip(tr("Population counted within each band, and the most deprived beyond it"))
        demand_form = form_layout()
        demand.setLayout(demand_form)
        self.areas_combo = QgsMapLayerComboBox(demand)
        self.areas_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        self.areas_combo.setAllowEmptyLayer(True)
        add_row(demand_form, tr("Small &areas"), self.areas_combo, tr("The study area (LSOAs)"), "areasCombo")
        self.demand_combo = QgsMapLayerComboBox(demand)
        self.demand_combo.setFilters(Qgis.LayerFilter.PointLayer)
        self.demand_combo.setAllowEmptyLayer(True)
        add_row(
            demand_form,
            tr("&Demand points"),
            self.demand_combo,
            tr("Population-weighted centroids (empty: points inside the small areas)"),
            "demandCombo",
        )
        self.population_combo = QgsFieldComboBox(demand)
        self.population_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.population_combo.setAllowEmptyFieldName(True)
        add_row(
            demand_form,
            tr("&Population"),
            self.population_combo,
            tr("Population field of the demand points (or small areas)"),
            "populationCombo",
        )
        self.decile_combo = QgsFieldComboBox(demand)
        self.decile_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.decile_combo.setAllowEmptyFieldName(True)
        add_row(
            demand_form,
            tr("Depri&vation decile"),
            self.decile_combo,
            tr("National IMD decile of the small areas (1 = most deprived), to count deprived people not covered"),
            "decileCombo",
        )
        return demand

    def _add_run_and_coverage(self) -> None:
        self.run_button = run_button(
            tr("&Run catchments"),
            tr("Run 'Service catchments': catchments, nearest facility of each area and coverage, into the LIS group"),
            "runCatchmentsButton",
            self.content,
        )
        self.run_button.clicked.connect(self._run)
        self.run_buttons.append(self.run_button)
        self.body.addWidget(self.run_button)
        self.status = status_label(self.content, "servicesStatus")
        self.body.addWidget(self.status)
        self.what_if = WhatIfControls(self.content, self.panel.map_canvas, self.what_if_inputs, self.report_error)
        self.body.addWidget(self.what_if)
        self.coverage_label = QLabel(tr("C&overage"), self.content)
        self.coverage_table = result_table(
            self.content,
            "coverageTable",
            tr("Population within each band, per facility and for all facilities"),
            min_height=220,
        )
        self.coverage_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.coverage_label.setBuddy(self.coverage_table)
        self.body.addWidget(self.coverage_label)
        self.body.addWidget(self.coverage_table)

    # --- choices ----------------------------------------------------------------------------------

    def title(self) -> str:
        return tr("Services")

    @safe_slot()
    def _facilities_changed(self, layer: Any) -> None:
        self.filter_widget.setLayer(layer)
        self.id_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.id_combo.setField(guess_field(layer, "service_id", "_id", "code", "name"))

    def method(self) -> int:
        """lis:servicecatchments' METHOD of the chosen catchment shape."""
        return int(self.shape_combo.currentData())

    @safe_slot()
    def _shape_changed(self, *_: Any) -> None:
        filled = self.method() == FILLED_METHOD
        self.buffer_spin.setEnabled(not filled)
        self.cell_spin.setEnabled(filled)
        self.off_network_spin.setEnabled(filled)

    @safe_slot()
    def _demand_changed(self, *_: Any) -> None:
        areas = self.areas_combo.currentLayer()
        points = self.demand_combo.currentLayer()
        population_layer = points or areas
        decile_layer = areas or points
        self.population_combo.setLayer(population_layer)
        self.decile_combo.setLayer(decile_layer)
        if isinstance(population_layer, QgsVectorLayer):
            self.population_combo.setField(find_population_field(population_layer) or "")
        if isinstance(decile_layer, QgsVectorLayer):
            self.decile_combo.setField(guess_field(decile_layer, "imd_decile", "decile", numeric=True))

    def use_layers(self, **layers: QgsVectorLayer | None) -> None:
        """Choose layers by role: facilities, network, areas, demand (after the sample is made)."""
        combos = {
            "facilities": self.facilities_combo,
            "network": self.network.layer_combo,
            "areas": self.areas_combo,
            "demand": self.demand_combo,
        }
        for role, layer in layers.items():
            if layer is not None:
                combos[role].setLayer(layer)

    def state(self) -> dict[str, Any]:
        return {
            "facilities": layer_id(self.facilities_combo),
            "filter": self.filter_widget.expression(),
            "id_field": self.id_combo.currentField(),
            **self.network.state(),
            "bands": self.bands_edit.text(),
            "method": self.method(),
            "buffer": self.buffer_spin.value(),
            "cell_size": self.cell_spin.value(),
            "max_off_network": self.off_network_spin.value(),
            "areas": layer_id(self.areas_combo),
            "demand": layer_id(self.demand_combo),
            "population": self.population_combo.currentField(),
            "decile": self.decile_combo.currentField(),
            "coverage": self.coverage_uri,
        }

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.facilities_combo, state.get("facilities")):
            self.filter_widget.setExpression(state.get("filter", ""))
            set_field(self.id_combo, state.get("id_field"))
        self.network.restore(state)
        self.bands_edit.setText(state.get("bands") or PanelSettings.service_bands.value())
        if isinstance(state.get("buffer"), (int, float)):
            self.buffer_spin.setValue(state["buffer"])
        shape = self.shape_combo.findData(state.get("method", FILLED_METHOD))
        self.shape_combo.setCurrentIndex(max(shape, 0))
        for key, spin in (("cell_size", self.cell_spin), ("max_off_network", self.off_network_spin)):
            if isinstance(state.get(key), (int, float)):
                spin.setValue(state[key])
        set_layer_by_id(self.areas_combo, state.get("areas"))
        set_layer_by_id(self.demand_combo, state.get("demand"))
        set_field(self.population_combo, state.get("population"))
        set_field(self.decile_combo, state.get("decile"))
        if state.get("coverage"):
            self.show_coverage(state["coverage"])

    def what_if_inputs(self) -> WhatIfInputs:
        """The page's facilities, network, bands, catchment shape and demand, for the what-if tool."""
        options = CatchmentOptions(
            method="filled" if self.method() == FILLED_METHOD else "network",
            bands=self.bands_edit.text().strip(),
            buffer_m=self.buffer_spin.value(),
            facility_id_field=self.id_combo.currentField() or None,
            facility_filter=self.filter_widget.expression().strip() or None,
            population_field=self.population_combo.currentField() or None,
            deprivation_field=self.decile_combo.currentField() or None,
            cell_m=self.cell_spin.value(),
            max_off_network_m=self.off_network_spin.value(),
        )
        layers = (self.facilities_combo, self.demand_combo, self.areas_combo)
        facilities, demand, areas = (combo.currentLayer() for combo in layers)
        return what_if_inputs(facilities, self.network.parameters(), options, demand, areas)

    def hideEvent(self, event: Any) -> None:
        """Another page, or the panel closed: the what-if tool stops."""
        self.what_if.stop()
        super().hideEvent(event)

    def parameters(self) -> dict[str, Any]:
        """The lis:servicecatchments parameters of the current choices (outputs not included)."""
        facilities = self.facilities_combo.currentLayer()
        areas = self.areas_combo.currentLayer()
        demand = self.demand_combo.currentLayer()
        return {
            "FACILITIES": facilities.id() if facilities is not None else None,
            "FACILITY_FILTER": self.filter_widget.expression().strip(),
            "FACILITY_ID_FIELD": self.id_combo.currentField(),
            **self.network.parameters(),
            "METHOD": self.method(),
            "BANDS": self.bands_edit.text().strip(),
            "BUFFER": self.buffer_spin.value(),
            "CELL_SIZE": self.cell_spin.value(),
            "MAX_OFF_NETWORK": self.off_network_spin.value(),
            "AREAS": areas.id() if areas is not None else None,
            "DEMAND_POINTS": demand.id() if demand is not None else None,
            "POPULATION_FIELD": self.population_combo.currentField(),
            "DEPRIVATION_FIELD": self.decile_combo.currentField(),
        }

    @safe_slot()
    def _run(self) -> None:
        parameters = self.parameters()
        if not parameters["FACILITIES"]:
            self.report_error(tr("Choose the facilities (a point layer)."))
            return
        if not parameters["NETWORK"] and not parameters["NETWORK_FILE"]:
            self.report_error(tr("Choose the road network: a line layer or an .osm.pbf file."))
            return
        PanelSettings.service_mode.set(self.network.mode_combo.currentIndex())
        PanelSettings.service_cost.set(self.network.cost_combo.currentIndex())
        PanelSettings.service_bands.set(parameters["BANDS"])
        PanelSettings.service_buffer.set(self.buffer_spin.value())
        name = self.facilities_combo.currentLayer().name()
        geopackage = self.panel.output_path("catchments", ".gpkg")  # one file, a table per output
        self.run_algorithm(
            SERVICE_CATCHMENTS,
            parameters,
            tr("Service catchments"),
            {
                "CATCHMENTS": Output(geopackage, tr("{0}: catchments").format(name), "catchments"),
                "ASSIGNMENT": Output(geopackage, tr("{0}: nearest facility").format(name), "assignment"),
                "COVERAGE": Output(geopackage, tr("{0}: coverage").format(name), "coverage"),
            },
            self._done,
            working=tr("Working out the catchments of {0}…").format(name),
        )

    def _done(self, outcome: RunOutcome) -> None:
        self.status.setText("\n".join(outcome.log[:4]))
        coverage = outcome.results.get("COVERAGE")
        if coverage:
            self.show_coverage(str(coverage))

    def show_coverage(self, uri: str) -> None:
        """Fill the table with the coverage GeoPackage table: one row per facility, then all facilities."""
        layer = QgsVectorLayer(uri, "coverage", "ogr")
        if not layer.isValid():
            return
        self.coverage_uri = uri
        names = [field.name() for field in layer.fields() if field.name() != "fid"]
        rows = [[feature[name] for name in names] for feature in layer.getFeatures()]
        if "facility_id" in names:  # the answer for all facilities first, then each facility
            rows.sort(key=lambda row: row[names.index("facility_id")] != ALL_FACILITIES)
        headers = [layer.fields().field(name).displayName() for name in names]
        fill_table(self.coverage_table, headers, names, rows, self._cell_text)

    @staticmethod
    def _cell_text(name: str, value: Any) -> str:
        if value is None or value == NULL:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}%" if name.startswith("pct_") else f"{value:,.0f}"
        return str(value)
