"""Locate: where new sites (a children's centre, surgery, library...) should go, with lis:locateservices.

The page starts sensibly: the demand offered first is a population-weighted centroid layer in the
candidates' area, else small areas there (never another district's), until the user picks one.
"""

from __future__ import annotations

from typing import Any

from qgis.core import NULL, Qgis, QgsFieldProxyModel, QgsProject, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QTableWidget, QWidget

from ...core.access.population_field import find_population_field
from ...core.access.service_catchments import CatchmentOptions
from ...core.location.demand_choice import demand_kind, suggest_candidates, suggest_demand, suggest_need_areas
from ..algorithm_runner import Output, RunOutcome
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
from .base import (
    LisPage,
    PanelServices,
    fill_enum_combo,
    guess_field,
    layer_id,
    set_field,
    set_index,
    set_layer_by_id,
    tr,
)
from .network_inputs import NetworkInputs, NetworkRows, RowText, network_file_tooltip, speed_tooltip

LOCATE_SERVICES = "lis:locateservices"
#: Summary columns shown, with their headers.
SUMMARY_COLUMNS = (
    ("scenario", "Sites"),
    ("open_sites", "Open"),
    ("mean_cost", "Mean"),
    ("p90_cost", "90% within"),
    ("population_within", "People within"),
    ("pct_within", "% within"),
    ("deprived_within", "Deciles 1-2 within"),
)
#: Summary columns of journey lengths, in the cost's unit.
COST_COLUMNS = ("mean_cost", "p90_cost")
SITE_COLUMNS = (
    ("choice", "#"),
    ("site_name", "Site"),
    ("site_id", "Id"),
    ("people_newly_within", "People newly within"),
    ("gain", "Gain"),
)
#: How the status line looks when the answer is that no new site would help: information, not an error.
ANSWER_STYLE = (
    "QLabel { background: palette(alternate-base); border-left: 3px solid palette(highlight); padding: 4px; }"
)


class LocatePage(LisPage):
    """Demand, candidates, existing sites, network and the question in; the suggested sites and before/after out."""

    PAGE_ID = "locate"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        self.intro = intro_label(
            tr(
                "Where should new sites go? Choose them among candidate places, keeping the existing sites "
                "open: the shortest average journey (p-median), the most people within a standard such as "
                "10 minutes (MCLP), or the fewest sites that reach everyone (LSCP)."
            ),
            self.content,
        )
        self.intro.setObjectName("locateIntro")
        self.body.addWidget(self.intro)
        self.body.addWidget(self._demand_group())
        self.body.addWidget(self._sites_group())
        self.body.addWidget(self._travel_group())
        self.body.addLayout(self._question_form())
        self._add_run_and_results()
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.demand_combo,
                self.population_combo,
                self.areas_combo,
                self.need_combo,
                self.need_rule_combo,
                self.candidates_combo,
                self.candidate_filter,
                self.candidate_id_combo,
                self.candidate_name_combo,
                self.existing_combo,
                self.existing_filter,
                self.existing_id_combo,
                *self.network.widgets(),
                self.objective_combo,
                self.p_spin,
                self.max_cost_spin,
                self.run_button,
                self.sites_table,
                self.summary_table,
            ]
        )
        self.sites_uri = ""
        self.summary_uri = ""
        self._chosen_demand = ""  # the ids of the demand and small areas the user picked: no suggestion replaces them
        self._chosen_areas = ""
        self._chosen_candidates = ""
        self.demand_combo.layerChanged.connect(self._demand_changed)
        self.demand_combo.activated.connect(self._demand_picked)
        self.areas_combo.activated.connect(self._areas_picked)
        self.candidates_combo.activated.connect(self._candidates_picked)
        self.candidates_combo.model().rowsInserted.connect(self._suggest_candidates)
        self.demand_combo.model().rowsInserted.connect(self._suggest_demand)  # a layer was added to the project
        self.areas_combo.layerChanged.connect(self._demand_changed)
        self.candidates_combo.layerChanged.connect(self._candidates_changed)
        self.existing_combo.layerChanged.connect(self._existing_changed)
        self._demand_changed()
        self._candidates_changed(self.candidates_combo.currentLayer())
        self._existing_changed(self.existing_combo.currentLayer())
        self._suggest_candidates()

    # --- building ---------------------------------------------------------------------------------

    def _group(self, title: str, name: str, tooltip: str) -> tuple[QgsCollapsibleGroupBox, QFormLayout]:
        """A collapsible group of the page holding a form."""
        group = QgsCollapsibleGroupBox(title, self.content)
        group.setObjectName(name)
        group.setToolTip(tooltip)
        form = form_layout()
        group.setLayout(form)
        return group, form

    def _demand_group(self) -> QgsCollapsibleGroupBox:
        demand, form = self._group(
            tr("Who needs the service"), "locateDemandGroup", tr("The people to serve, and how much their need counts")
        )
        self.demand_combo = QgsMapLayerComboBox(demand)
        self.demand_combo.setFilters(Qgis.LayerFilters(Qgis.LayerFilter.PointLayer | Qgis.LayerFilter.PolygonLayer))
        self.demand_combo.setAllowEmptyLayer(True)  # empty rather than another district's areas
        add_row(
            form,
            tr("&Demand"),
            self.demand_combo,
            tr(
                "Population-weighted centroids, or small areas (their point inside is used). Offered first: "
                "centroids in the candidates' area, else small areas there"
            ),
            "locateDemandCombo",
        )
        self.population_combo = QgsFieldComboBox(demand)
        self.population_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        add_row(
            form,
            tr("&Population"),
            self.population_combo,
            tr("Population of each demand point (the weight)"),
            "locatePopulationCombo",
        )
        self.areas_combo = QgsMapLayerComboBox(demand)
        self.areas_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        self.areas_combo.setAllowEmptyLayer(True)
        add_row(
            form,
            tr("Small &areas"),
            self.areas_combo,
            tr("Optional: small areas holding the need field when the demand points do not"),
            "locateAreasCombo",
        )
        self.need_combo = QgsFieldComboBox(demand)
        self.need_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.need_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("N&eed"),
            self.need_combo,
            tr(
                "Optional: national IMD decile (1 = most deprived) or a need score, to weight people by need: "
                "a resident in greater need counts more when choosing sites"
            ),
            "locateNeedCombo",
        )
        self.need_rule_combo = QComboBox(demand)
        fill_enum_combo(self.need_rule_combo, LOCATE_SERVICES, "NEED_RULE")
        add_row(
            form,
            tr("Need r&ule"),
            self.need_rule_combo,
            tr("Decile: deciles 1-2 count twice, 3-4 one and a half times; score: each score over the mean score"),
            "locateNeedRuleCombo",
        )
        return demand

    def _sites_group(self) -> QgsCollapsibleGroupBox:
        sites, form = self._group(
            tr("Sites"), "locateSitesGroup", tr("The places a new site could go, and the sites that stay open")
        )
        self.candidates_combo = QgsMapLayerComboBox(sites)
        self.candidates_combo.setFilters(Qgis.LayerFilter.PointLayer)
        add_row(
            form,
            tr("&Candidates"),
            self.candidates_combo,
            tr("Point layer of the places a new site could go"),
            "candidatesCombo",
        )
        self.candidate_filter = filter_expression_widget(sites, tr("Which candidates"))
        add_row(
            form,
            tr("Candidate fi&lter"),
            self.candidate_filter,
            tr("Optional expression choosing some candidates"),
            "candidateFilter",
        )
        self.candidate_id_combo = QgsFieldComboBox(sites)
        self.candidate_id_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("Candidate &id"),
            self.candidate_id_combo,
            tr("Field with a unique id per candidate (empty: feature numbers)"),
            "candidateIdCombo",
        )
        self.candidate_name_combo = QgsFieldComboBox(sites)
        self.candidate_name_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("Candidate na&me"),
            self.candidate_name_combo,
            tr("Field naming each candidate, for the results"),
            "candidateNameCombo",
        )
        self._add_existing_rows(form, sites)
        return sites

    def _add_existing_rows(self, form: QFormLayout, sites: QWidget) -> None:
        self.existing_combo = QgsMapLayerComboBox(sites)
        self.existing_combo.setFilters(Qgis.LayerFilter.PointLayer)
        self.existing_combo.setAllowEmptyLayer(True)
        add_row(
            form,
            tr("E&xisting sites"),
            self.existing_combo,
            tr("Optional point layer of the sites that stay open"),
            "existingCombo",
        )
        self.existing_filter = filter_expression_widget(sites, tr("Which existing sites"))
        add_row(
            form,
            tr("Existing filte&r"),
            self.existing_filter,
            tr("Optional expression choosing some existing sites, e.g. \"service_type\" = 'childrens_centre'"),
            "existingFilter",
        )
        self.existing_id_combo = QgsFieldComboBox(sites)
        self.existing_id_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("Existing &site id"),
            self.existing_id_combo,
            tr("Field with a unique id per existing site (empty: feature numbers)"),
            "existingIdCombo",
        )

    def _travel_group(self) -> QgsCollapsibleGroupBox:
        travel, form = self._group(tr("Travel"), "locateTravelGroup", tr("How people travel to a site"))
        road_tip = tr("Line layer of roads; leave empty and give a file, or neither for straight-line distance")
        cost_tip = tr("Travel time (minutes) or distance (metres); without a network only distance")
        rows = NetworkRows(
            network=RowText(tr("Road &network"), road_tip, "locateNetworkCombo"),
            file=RowText(tr("or network &file"), network_file_tooltip(), "locateNetworkFile"),
            speed=RowText(tr("Speed field (km/&h)"), speed_tooltip(), "locateSpeedCombo"),
            mode=RowText(tr("Tra&vel mode"), tr("Driving or walking"), "locateModeCombo"),
            cost=RowText(tr("C&ost"), cost_tip, "locateCostCombo"),
        )
        self.network = NetworkInputs(form, travel, LOCATE_SERVICES, rows, self.report_error)
        return travel

    def _question_form(self) -> QFormLayout:
        form = form_layout()
        self.objective_combo = QComboBox(self.content)
        fill_enum_combo(self.objective_combo, LOCATE_SERVICES, "OBJECTIVE", 1)
        add_row(
            form,
            tr("O&bjective"),
            self.objective_combo,
            tr("Shortest average journey, most people within the standard, or fewest sites covering everyone"),
            "objectiveCombo",
        )
        self.p_spin = QSpinBox(self.content)
        self.p_spin.setRange(1, 999)
        self.p_spin.setValue(1)
        add_row(
            form,
            tr("New si&tes"),
            self.p_spin,
            tr("How many new sites to open (not used by the fewest-sites objective)"),
            "newSitesSpin",
        )
        self.max_cost_spin = QDoubleSpinBox(self.content)
        self.max_cost_spin.setRange(0.1, 1_000_000)
        self.max_cost_spin.setDecimals(1)
        self.max_cost_spin.setValue(10)
        add_row(
            form,
            tr("Covera&ge standard"),
            self.max_cost_spin,
            tr("Within how far a site counts as reachable: minutes for time, metres for distance"),
            "maxCostSpin",
        )
        return form

    def _add_run_and_results(self) -> None:
        self.run_button = run_button(
            tr("Find ne&w sites"),
            tr("Run 'Locate new services': the suggested sites, each area's nearest site and a before/after summary"),
            "runLocateButton",
            self.content,
        )
        self.run_button.clicked.connect(self._run)
        self.run_buttons.append(self.run_button)
        self.body.addWidget(self.run_button)
        self.status = status_label(self.content, "locateStatus")
        self.body.addWidget(self.status)
        self.what_if = WhatIfControls(
            self.content, self.panel.map_canvas, self.what_if_inputs, self.report_error, self.use_existing_sites
        )
        self.body.addWidget(self.what_if)
        self.sites_label = QLabel(tr("Su&ggested sites"), self.content)
        self.sites_table = result_table(
            self.content, "suggestedSitesTable", tr("The new sites in the order to open them"), min_height=120
        )
        self.sites_label.setBuddy(self.sites_table)
        self.body.addWidget(self.sites_label)
        self.body.addWidget(self.sites_table)
        self.summary_label = QLabel(tr("Before and af&ter"), self.content)
        self.summary_table = result_table(
            self.content,
            "locateSummaryTable",
            tr("Journeys and people within the standard, before and after"),
            min_height=120,
        )
        self.summary_label.setBuddy(self.summary_table)
        self.body.addWidget(self.summary_label)
        self.body.addWidget(self.summary_table)

    def title(self) -> str:
        return tr("Locate")

    # --- choices ----------------------------------------------------------------------------------

    @safe_slot()
    def _demand_changed(self, *_: Any) -> None:
        demand = self.demand_combo.currentLayer()
        areas = self.areas_combo.currentLayer()
        self.population_combo.setLayer(demand)
        if isinstance(demand, QgsVectorLayer):
            self.population_combo.setField(find_population_field(demand) or "")
        need_layer = areas or demand
        self.need_combo.setLayer(need_layer)
        if isinstance(need_layer, QgsVectorLayer):
            self.need_combo.setField(guess_field(need_layer, "imd_decile", "decile", numeric=True))

    @safe_slot()
    def _demand_picked(self, *_: Any) -> None:
        """The user chose the demand: keep it whatever layers or candidates come next."""
        self._chosen_demand = layer_id(self.demand_combo)
        self._suggest_areas()

    @safe_slot()
    def _areas_picked(self, *_: Any) -> None:
        self._chosen_areas = layer_id(self.areas_combo)

    @safe_slot()
    def _candidates_picked(self, *_: Any) -> None:
        self._chosen_candidates = layer_id(self.candidates_combo)

    @safe_slot()
    def _suggest_candidates(self, *_: Any) -> None:
        """Offer sites, not people, as candidates: replace a point layer of population the combo fell on."""
        current = self.candidates_combo.currentLayer()
        if self._chosen_candidates and self._chosen_candidates == layer_id(self.candidates_combo):
            return
        if current is not None and demand_kind(current) is None:
            return
        suggestion = suggest_candidates(self._project_layers())
        if suggestion is not None and suggestion is not current:
            self.candidates_combo.setLayer(suggestion)

    @staticmethod
    def _project_layers() -> list[Any]:
        """The project's layers as the Layers panel lists them, then any not in it yet (being added)."""
        project = QgsProject.instance()
        listed = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
        seen = {layer.id() for layer in listed}
        return listed + [layer for layer in project.mapLayers().values() if layer.id() not in seen]

    @safe_slot()
    def _suggest_demand(self, *_: Any) -> None:
        """Offer the demand that fits the candidates (population-weighted centroids in their area first),
        unless the user picked one that is still there; then the small areas holding its need."""
        if not self._chosen_demand or self._chosen_demand != layer_id(self.demand_combo):
            suggestion = suggest_demand(
                self._project_layers(),
                self.candidates_combo.currentLayer(),
                QgsProject.instance().transformContext(),
                skip=[self.existing_combo.currentLayer()],
            )
            if suggestion is not self.demand_combo.currentLayer():
                self.demand_combo.setLayer(suggestion)
        self._suggest_areas()

    def _suggest_areas(self) -> None:
        """Offer the small areas with a decile in the demand's area when the demand has none (unless picked)."""
        if self._chosen_areas and self._chosen_areas == layer_id(self.areas_combo):
            return
        suggestion = suggest_need_areas(
            self._project_layers(), self.demand_combo.currentLayer(), QgsProject.instance().transformContext()
        )
        if suggestion is not self.areas_combo.currentLayer():
            self.areas_combo.setLayer(suggestion)

    @safe_slot()
    def _candidates_changed(self, layer: Any) -> None:
        self._suggest_demand()
        self.candidate_filter.setLayer(layer)
        self.candidate_id_combo.setLayer(layer)
        self.candidate_name_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.candidate_id_combo.setField(guess_field(layer, "site_id", "_id", "code", "name"))
            self.candidate_name_combo.setField(guess_field(layer, "name"))

    @safe_slot()
    def _existing_changed(self, layer: Any) -> None:
        self.existing_filter.setLayer(layer)
        self.existing_id_combo.setLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            self.existing_id_combo.setField(guess_field(layer, "service_id", "site_id", "_id", "code", "name"))

    def use_layers(self, **layers: QgsVectorLayer | None) -> None:
        """Choose layers by role: demand, areas, candidates, existing, network (after the sample is made)."""
        combos = {
            "demand": self.demand_combo,
            "areas": self.areas_combo,
            "candidates": self.candidates_combo,
            "existing": self.existing_combo,
            "network": self.network.layer_combo,
        }
        for role in ("demand", "areas"):  # first, so that the candidates' suggestions keep them
            if layers.get(role) is not None:
                combos[role].setLayer(layers[role])
        self._chosen_demand = layer_id(self.demand_combo) if layers.get("demand") is not None else self._chosen_demand
        self._chosen_areas = layer_id(self.areas_combo) if layers.get("areas") is not None else self._chosen_areas
        for role, layer in layers.items():
            if layer is not None and role not in ("demand", "areas"):
                combos[role].setLayer(layer)
        if layers.get("candidates") is not None:
            self._chosen_candidates = layer_id(self.candidates_combo)

    def what_if_inputs(self) -> WhatIfInputs:
        """The existing sites, network, coverage standard and demand, for the what-if tool."""
        need = self.need_combo.currentField()
        options = CatchmentOptions(
            bands=[self.max_cost_spin.value()],
            facility_id_field=self.existing_id_combo.currentField() or None,
            facility_filter=self.existing_filter.expression().strip() or None,
            population_field=self.population_combo.currentField() or None,
            deprivation_field=need if "decile" in need.lower() else None,
        )
        layers = (self.existing_combo, self.demand_combo, self.areas_combo)
        existing, demand, areas = (combo.currentLayer() for combo in layers)
        return what_if_inputs(existing, self.network.parameters(), options, demand, areas)

    def use_existing_sites(self, layer: QgsVectorLayer) -> None:
        """A saved what-if scenario becomes the existing sites of the next run."""
        self.existing_combo.setLayer(layer)
        self.existing_filter.setExpression("")
        self.existing_id_combo.setField("site_id")

    def hideEvent(self, event: Any) -> None:
        """Another page, or the panel closed: the what-if tool stops."""
        self.what_if.stop()
        super().hideEvent(event)

    def state(self) -> dict[str, Any]:
        return {
            "demand": layer_id(self.demand_combo),
            "population": self.population_combo.currentField(),
            "areas": layer_id(self.areas_combo),
            "need": self.need_combo.currentField(),
            "need_rule": self.need_rule_combo.currentIndex(),
            "candidates": layer_id(self.candidates_combo),
            "candidate_filter": self.candidate_filter.expression(),
            "candidate_id": self.candidate_id_combo.currentField(),
            "candidate_name": self.candidate_name_combo.currentField(),
            "existing": layer_id(self.existing_combo),
            "existing_filter": self.existing_filter.expression(),
            "existing_id": self.existing_id_combo.currentField(),
            **self.network.state(),
            "objective": self.objective_combo.currentIndex(),
            "p": self.p_spin.value(),
            "max_cost": self.max_cost_spin.value(),
            "sites": self.sites_uri,
            "summary": self.summary_uri,
        }

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.demand_combo, state.get("demand")):
            self._chosen_demand = layer_id(self.demand_combo)
            set_field(self.population_combo, state.get("population"))
        if set_layer_by_id(self.areas_combo, state.get("areas")):
            self._chosen_areas = layer_id(self.areas_combo)
        set_field(self.need_combo, state.get("need"))
        if set_layer_by_id(self.candidates_combo, state.get("candidates")):
            self._chosen_candidates = layer_id(self.candidates_combo)
            self.candidate_filter.setExpression(state.get("candidate_filter", ""))
            set_field(self.candidate_id_combo, state.get("candidate_id"))
            set_field(self.candidate_name_combo, state.get("candidate_name"))
        if set_layer_by_id(self.existing_combo, state.get("existing")):
            self.existing_filter.setExpression(state.get("existing_filter", ""))
            set_field(self.existing_id_combo, state.get("existing_id"))
        self.network.restore(state)
        set_index(self.need_rule_combo, state.get("need_rule"))
        set_index(self.objective_combo, state.get("objective"))
        if isinstance(state.get("p"), int):
            self.p_spin.setValue(state["p"])
        if isinstance(state.get("max_cost"), (int, float)):
            self.max_cost_spin.setValue(state["max_cost"])
        if state.get("sites"):
            self.show_sites(state["sites"])
        if state.get("summary"):
            self.show_summary(state["summary"])

    def parameters(self) -> dict[str, Any]:
        """The lis:locateservices parameters of the current choices (outputs not included)."""
        demand = self.demand_combo.currentLayer()
        areas = self.areas_combo.currentLayer()
        candidates = self.candidates_combo.currentLayer()
        existing = self.existing_combo.currentLayer()
        return {
            "DEMAND": demand.id() if demand is not None else None,
            "WEIGHT_FIELD": self.population_combo.currentField(),
            "NEED_FIELD": self.need_combo.currentField(),
            "NEED_RULE": self.need_rule_combo.currentIndex(),
            "AREAS": areas.id() if areas is not None else None,
            "CANDIDATES": candidates.id() if candidates is not None else None,
            "CANDIDATE_FILTER": self.candidate_filter.expression().strip(),
            "CANDIDATE_ID_FIELD": self.candidate_id_combo.currentField(),
            "CANDIDATE_NAME_FIELD": self.candidate_name_combo.currentField(),
            "EXISTING": existing.id() if existing is not None else None,
            "EXISTING_FILTER": self.existing_filter.expression().strip() if existing is not None else "",
            "EXISTING_ID_FIELD": self.existing_id_combo.currentField() if existing is not None else "",
            **self.network.parameters(),
            "OBJECTIVE": self.objective_combo.currentIndex(),
            "P": self.p_spin.value(),
            "MAX_COST": self.max_cost_spin.value(),
        }

    # --- running ----------------------------------------------------------------------------------

    @safe_slot()
    def _run(self) -> None:
        parameters = self.parameters()
        if not parameters["DEMAND"] or not parameters["WEIGHT_FIELD"]:
            self.report_error(tr("Choose the demand layer and its population field."))
            return
        if not parameters["CANDIDATES"]:
            self.report_error(tr("Choose the candidate sites (a point layer)."))
            return
        name = self.candidates_combo.currentLayer().name()
        geopackage = self.panel.output_path("locate", ".gpkg")  # one file, a table per output
        self.run_algorithm(
            LOCATE_SERVICES,
            parameters,
            tr("Locate new services"),
            {
                "OUTPUT": Output(geopackage, tr("{0}: suggested sites").format(name), "chosen_sites"),
                "ASSIGNMENT": Output(geopackage, tr("{0}: nearest site before and after").format(name), "assignment"),
                "SUMMARY": Output(geopackage, tr("{0}: before and after").format(name), "summary"),
            },
            self._done,
            working=tr("Choosing new sites among {0}…").format(name),
        )

    def _done(self, outcome: RunOutcome) -> None:
        headline = str(outcome.results.get("HEADLINE") or "\n".join(outcome.log[:2]))
        if outcome.results.get("NOTHING_TO_GAIN"):  # an answer with its reason, not an error
            headline += "\n" + tr("No new site was chosen: the before and after table shows the sites open now.")
        self.show_answer(headline, nothing_to_gain=bool(outcome.results.get("NOTHING_TO_GAIN")))
        if outcome.results.get("OUTPUT"):
            self.show_sites(str(outcome.results["OUTPUT"]))
        if outcome.results.get("SUMMARY"):
            self.show_summary(str(outcome.results["SUMMARY"]))

    def show_answer(self, text: str, nothing_to_gain: bool = False) -> None:
        """Put the run's answer in the status line; 'nothing to gain' is set apart as information."""
        self.status.setText(text)
        self.status.setProperty("answer", "nothing_to_gain" if nothing_to_gain else "")
        self.status.setStyleSheet(ANSWER_STYLE if nothing_to_gain else "")

    def show_sites(self, uri: str) -> None:
        """Fill the suggested-sites table from the chosen sites layer, in choice order."""
        rows = self._fill(self.sites_table, uri, SITE_COLUMNS)
        if rows is not None:
            self.sites_uri = uri

    def show_summary(self, uri: str) -> None:
        """Fill the before/after table from the summary layer."""
        rows = self._fill(self.summary_table, uri, SUMMARY_COLUMNS)
        if rows is not None:
            self.summary_uri = uri

    def _fill(self, table: QTableWidget, uri: str, columns: tuple[tuple[str, str], ...]) -> int | None:
        layer = QgsVectorLayer(uri, "result", "ogr")
        if not layer.isValid():
            return None
        names = [name for name, _ in columns if layer.fields().indexFromName(name) >= 0]
        headers = [dict(columns)[name] for name in names]
        unit = ""
        rows = []
        for feature in layer.getFeatures():
            rows.append([feature[name] for name in names])
            if layer.fields().indexFromName("cost_unit") >= 0 and feature["cost_unit"] not in (None, NULL):
                unit = str(feature["cost_unit"]).split()[0]
        if "choice" in names:
            rows.sort(key=lambda row: row[names.index("choice")])
        if unit:  # journey columns say their unit: "Mean (min)"
            headers = [f"{header} ({unit})" if name in COST_COLUMNS else header for name, header in zip(names, headers)]
        gain_unit = self._first_text(layer, "gain_unit")
        if "gain" in names and gain_unit:  # what the gain counts, in plain words
            pmedian = self._first_text(layer, "objective") == "pmedian"
            headers[names.index("gain")] = tr("Travel saved") if pmedian else tr("Weighted by need")
        fill_table(table, headers, names, rows, self._cell_text)
        if "gain" in names and gain_unit:
            table.horizontalHeaderItem(names.index("gain")).setToolTip(gain_unit[:1].upper() + gain_unit[1:])
        return len(rows)

    @staticmethod
    def _first_text(layer: QgsVectorLayer, name: str) -> str:
        """The text of field ``name`` in the layer's first feature ('' when there is none)."""
        if layer.fields().indexFromName(name) < 0:
            return ""
        for feature in layer.getFeatures():
            value = feature[name]
            return "" if value is None or value == NULL else str(value)
        return ""

    @staticmethod
    def _cell_text(name: str, value: Any) -> str:
        if value is None or value == NULL:
            return ""
        if isinstance(value, float):
            if name.startswith("pct_"):
                return f"{value:.1f}%"
            if name in COST_COLUMNS:
                return f"{value:,.1f}"
            return f"{value:,.0f}"
        return str(value)
