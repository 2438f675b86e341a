"""Services: travel-time catchments of facilities on a road network with lis:servicecatchments, and who is covered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import NULL, Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import (
    QgsCollapsibleGroupBox,
    QgsFieldComboBox,
    QgsFieldExpressionWidget,
    QgsFileWidget,
    QgsMapLayerComboBox,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..algorithm_runner import RunOutcome
from ..panel_settings import PanelSettings
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import LisPage, PanelServices, fill_enum_combo, guess_field, layer_id, set_field, set_layer_by_id, tr

SERVICE_CATCHMENTS = "lis:servicecatchments"
ALL_FACILITIES = "All facilities"
NETWORK_FILTER = "OpenStreetMap extracts (*.osm.pbf *.pbf);;GeoPackage (*.gpkg);;All files (*.*)"


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
        self.facilities_combo = QgsMapLayerComboBox(self.content)
        self.facilities_combo.setFilters(Qgis.LayerFilter.PointLayer)
        add_row(form, tr("&Facilities"), self.facilities_combo, tr("Point layer of the services"), "facilitiesCombo")
        self.filter_widget = QgsFieldExpressionWidget(self.content)
        self.filter_widget.setExpressionDialogTitle(tr("Which facilities"))
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
        self.network_combo = QgsMapLayerComboBox(self.content)
        self.network_combo.setFilters(Qgis.LayerFilter.LineLayer)
        self.network_combo.setAllowEmptyLayer(True)
        add_row(
            form,
            tr("Road &network"),
            self.network_combo,
            tr("Line layer of roads (with highway, maxspeed, oneway as OpenStreetMap), or leave empty and give a file"),
            "networkCombo",
        )
        self.network_file = QgsFileWidget(self.content)
        self.network_file.setFilter(NETWORK_FILTER)
        add_row(
            form,
            tr("or network fil&e"),
            self.network_file,
            tr("An OpenStreetMap extract (.osm.pbf) or GeoPackage of roads; built once, then cached"),
            "networkFileWidget",
        )
        self.speed_combo = QgsFieldComboBox(self.content)
        self.speed_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.speed_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("&Speed field"),
            self.speed_combo,
            tr("Road speeds in km/h (empty: maxspeed, then the speeds by road class set in the LIS options)"),
            "speedFieldCombo",
        )
        self.mode_combo = QComboBox(self.content)
        fill_enum_combo(self.mode_combo, SERVICE_CATCHMENTS, "MODE", PanelSettings.service_mode.value())
        add_row(form, tr("Travel &mode"), self.mode_combo, tr("Driving or walking"), "modeCombo")
        self.cost_combo = QComboBox(self.content)
        fill_enum_combo(self.cost_combo, SERVICE_CATCHMENTS, "COST", PanelSettings.service_cost.value())
        add_row(form, tr("&Cost"), self.cost_combo, tr("Travel time (minutes) or distance (metres)"), "costCombo")
        self.bands_edit = QLineEdit(PanelSettings.service_bands.value(), self.content)
        add_row(
            form,
            tr("&Bands"),
            self.bands_edit,
            tr("Catchment bands separated by commas: minutes for time, metres for distance"),
            "bandsEdit",
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
            tr("Catchments are the reached roads widened by this distance"),
            "bufferSpin",
        )
        self.body.addLayout(form)

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
        self.body.addWidget(demand)

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
        self.coverage_label = QLabel(tr("C&overage"), self.content)
        self.coverage_table = QTableWidget(self.content)
        self.coverage_table.setObjectName("coverageTable")
        self.coverage_table.setToolTip(tr("Population within each band, per facility and for all facilities"))
        self.coverage_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.coverage_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.coverage_table.setAlternatingRowColors(True)
        self.coverage_table.setMinimumHeight(220)
        self.coverage_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.coverage_table.verticalHeader().setVisible(False)
        self.coverage_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.coverage_label.setBuddy(self.coverage_table)
        self.body.addWidget(self.coverage_label)
        self.body.addWidget(self.coverage_table)
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.facilities_combo,
                self.filter_widget,
                self.id_combo,
                self.network_combo,
                self.network_file,
                self.speed_combo,
                self.mode_combo,
                self.cost_combo,
                self.bands_edit,
                self.buffer_spin,
                self.areas_combo,
                self.demand_combo,
                self.population_combo,
                self.decile_combo,
                self.run_button,
                self.coverage_table,
            ]
        )
        self.coverage_uri = ""
        self.output_file: Path | None = None
        self.facilities_combo.layerChanged.connect(self._facilities_changed)
        self.network_combo.layerChanged.connect(self._network_changed)
        self.areas_combo.layerChanged.connect(self._demand_changed)
        self.demand_combo.layerChanged.connect(self._demand_changed)
        self._facilities_changed(self.facilities_combo.currentLayer())
        self._network_changed(self.network_combo.currentLayer())
        self._demand_changed()

    def title(self) -> str:
        return tr("Services")

    @safe_slot()
    def _facilities_changed(self, layer: Any) -> None:
        self.filter_widget.setLayer(layer)
        self.id_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.id_combo.setField(guess_field(layer, "service_id", "_id", "code", "name"))

    @safe_slot()
    def _network_changed(self, layer: Any) -> None:
        self.speed_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.speed_combo.setField(guess_field(layer, "speed_kph", "speed", numeric=True))

    @safe_slot()
    def _demand_changed(self, *_: Any) -> None:
        areas = self.areas_combo.currentLayer()
        points = self.demand_combo.currentLayer()
        population_layer = points or areas
        decile_layer = areas or points
        self.population_combo.setLayer(population_layer)
        self.decile_combo.setLayer(decile_layer)
        if isinstance(population_layer, QgsVectorLayer):
            self.population_combo.setField(
                guess_field(population_layer, "pop_total", "population", "pop", numeric=True)
            )
        if isinstance(decile_layer, QgsVectorLayer):
            self.decile_combo.setField(guess_field(decile_layer, "imd_decile", "decile", numeric=True))

    def use_layers(self, **layers: QgsVectorLayer | None) -> None:
        """Choose layers by role: facilities, network, areas, demand (after the sample is made)."""
        combos = {
            "facilities": self.facilities_combo,
            "network": self.network_combo,
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
            "network": layer_id(self.network_combo),
            "network_file": self.network_file.filePath(),
            "speed_field": self.speed_combo.currentField(),
            "mode": self.mode_combo.currentIndex(),
            "cost": self.cost_combo.currentIndex(),
            "bands": self.bands_edit.text(),
            "buffer": self.buffer_spin.value(),
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
        if set_layer_by_id(self.network_combo, state.get("network")):
            set_field(self.speed_combo, state.get("speed_field"))
        self.network_file.setFilePath(state.get("network_file", ""))
        for combo, key in ((self.mode_combo, "mode"), (self.cost_combo, "cost")):
            if isinstance(state.get(key), int) and 0 <= state[key] < combo.count():
                combo.setCurrentIndex(state[key])
        self.bands_edit.setText(state.get("bands") or PanelSettings.service_bands.value())
        if isinstance(state.get("buffer"), (int, float)):
            self.buffer_spin.setValue(state["buffer"])
        set_layer_by_id(self.areas_combo, state.get("areas"))
        set_layer_by_id(self.demand_combo, state.get("demand"))
        set_field(self.population_combo, state.get("population"))
        set_field(self.decile_combo, state.get("decile"))
        if state.get("coverage"):
            self.show_coverage(state["coverage"])

    def parameters(self) -> dict[str, Any]:
        """The lis:servicecatchments parameters of the current choices (outputs not included)."""
        facilities = self.facilities_combo.currentLayer()
        network = self.network_combo.currentLayer()
        areas = self.areas_combo.currentLayer()
        demand = self.demand_combo.currentLayer()
        network_file = self.network_file.filePath().strip()
        return {
            "FACILITIES": facilities.id() if facilities is not None else None,
            "FACILITY_FILTER": self.filter_widget.expression().strip(),
            "FACILITY_ID_FIELD": self.id_combo.currentField(),
            "NETWORK": network.id() if network is not None and not network_file else None,
            "NETWORK_FILE": network_file,
            "SPEED_FIELD": self.speed_combo.currentField() if network is not None and not network_file else "",
            "METHOD": 0,
            "MODE": self.mode_combo.currentIndex(),
            "COST": self.cost_combo.currentIndex(),
            "BANDS": self.bands_edit.text().strip(),
            "BUFFER": self.buffer_spin.value(),
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
        PanelSettings.service_mode.set(self.mode_combo.currentIndex())
        PanelSettings.service_cost.set(self.cost_combo.currentIndex())
        PanelSettings.service_bands.set(parameters["BANDS"])
        PanelSettings.service_buffer.set(self.buffer_spin.value())
        output = self.panel.output_path("catchments", ".gpkg")
        name = self.facilities_combo.currentLayer().name()
        parameters.update(
            {
                "CATCHMENTS": f"{output}|layername=catchments",
                "ASSIGNMENT": f"{output}|layername=assignment",
                "COVERAGE": f"{output}|layername=coverage",
            }
        )
        self.status.setText(tr("Working out the catchments of {0}…").format(name))
        self.output_file = output
        self.panel.runner.run(
            SERVICE_CATCHMENTS,
            parameters,
            tr("Service catchments"),
            self._done,
            titles={
                "CATCHMENTS": tr("{0}: catchments").format(name),
                "ASSIGNMENT": tr("{0}: nearest facility").format(name),
                "COVERAGE": tr("{0}: coverage").format(name),
            },
            new_files=[output],
        )

    def _done(self, outcome: RunOutcome) -> None:
        if not outcome.ok:
            self.status.setText(outcome.error)
            return
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
        table = self.coverage_table
        table.clear()
        table.setColumnCount(len(names))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels([layer.fields().field(name).displayName() for name in names])
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(self._cell_text(names[column], value))
                if isinstance(value, (int, float)):
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                table.setItem(row, column, item)

    @staticmethod
    def _cell_text(name: str, value: Any) -> str:
        if value is None or value == NULL:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}%" if name.startswith("pct_") else f"{value:,.0f}"
        return str(value)
