"""The Map page's group for lis:deprivationsummary: MHCLG's summary measures of the LSOAs in larger areas."""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QWidget

from ..widgets import add_row, form_layout, run_button, safe_slot
from .base import guess_field, layer_id, set_field, set_layer_by_id, tr, vector_layer

DEPRIVATION_SUMMARY = "lis:deprivationsummary"


class DeprivationSummaryGroup(QgsCollapsibleGroupBox):
    """LSOAs with ranks and populations, the larger areas to summarise them in, and the button that runs it.

    N is the Map page's 'Areas ranked nationally' box, shared with the map: empty, the tool takes it from the
    LSOA codes.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(tr("Summary for larger areas"), parent)  # short: the title does not wrap
        self.setObjectName("summaryGroup")
        self.setToolTip(
            tr(
                "MHCLG's summary measures (average rank and score, extent, local concentration, share in the most "
                "deprived 10%) of the LSOAs in each ward, district or polygon"
            )
        )
        form = form_layout()
        self.setLayout(form)
        self.areas_combo = QgsMapLayerComboBox(self)
        self.areas_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        add_row(form, tr("&Small areas"), self.areas_combo, tr("LSOAs with national ranks and populations"),
                "summaryAreasCombo")  # fmt: skip
        self.rank_combo = QgsFieldComboBox(self)
        self.rank_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        add_row(form, tr("Rank fiel&d"), self.rank_combo, tr("National rank, 1 = most deprived"), "summaryRankCombo")
        self.population_combo = QgsFieldComboBox(self)
        self.population_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        add_row(form, tr("Pop&ulation field"), self.population_combo, tr("Residents per LSOA, to weight the measures"),
                "summaryPopulationCombo")  # fmt: skip
        self.score_combo = QgsFieldComboBox(self)
        self.score_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.score_combo.setAllowEmptyFieldName(True)
        add_row(form, tr("Sc&ore field"), self.score_combo, tr("Optional: the IMD score, for the average score"),
                "summaryScoreCombo")  # fmt: skip
        self.target_combo = QgsMapLayerComboBox(self)
        self.target_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        add_row(form, tr("&Target areas"), self.target_combo,
                tr("Wards, districts or any polygons: each LSOA counts in the one holding its point inside"),
                "summaryTargetCombo")  # fmt: skip
        self.run_button = run_button(
            tr("Summar&ise deprivation"),
            tr("Run 'Deprivation summary measures': writes the target areas with the measures into the LIS group"),
            "summaryRunButton",
            self,
        )
        form.addRow(self.run_button)
        self.areas_combo.layerChanged.connect(self._areas_changed)
        self._areas_changed(self.areas_combo.currentLayer())

    def controls(self) -> list[QWidget]:
        """The group's controls, in the order they are read (for the page's tab order)."""
        return [self.areas_combo, self.rank_combo, self.population_combo, self.score_combo, self.target_combo,
                self.run_button]  # fmt: skip

    @safe_slot()
    def _areas_changed(self, layer: Any) -> None:
        for combo in (self.rank_combo, self.population_combo, self.score_combo):
            combo.setLayer(layer)
        layer = vector_layer(layer)
        guesses = (
            (self.rank_combo, guess_field(layer, "imd_rank", "rank", numeric=True)),
            (self.population_combo, guess_field(layer, "pop_total", "population", "pop", "residents", numeric=True)),
            (self.score_combo, guess_field(layer, "imd_score", "score", numeric=True)),
        )
        for combo, name in guesses:
            if name:
                combo.setField(name)

    def use_layer(self, layer: QgsVectorLayer) -> None:
        """Summarise ``layer``'s LSOAs next."""
        self.areas_combo.setLayer(layer)

    def inputs(self, national_n: int) -> tuple[dict[str, Any], str]:
        """The algorithm's inputs (NATIONAL_N only when given) and the targets' name; ({}, why) when incomplete."""
        areas, target = vector_layer(self.areas_combo.currentLayer()), vector_layer(self.target_combo.currentLayer())
        if (
            areas is None
            or target is None
            or not self.rank_combo.currentField()
            or not (self.population_combo.currentField())
        ):
            return {}, tr("Choose the small areas, their rank and population fields, and the target areas.")
        inputs: dict[str, Any] = {
            "INPUT": areas.id(),
            "RANK_FIELD": self.rank_combo.currentField(),
            "POPULATION_FIELD": self.population_combo.currentField(),
            "TARGET": target.id(),
        }
        if self.score_combo.currentField():
            inputs["SCORE_FIELD"] = self.score_combo.currentField()
        if national_n > 0:
            inputs["NATIONAL_N"] = national_n
        return inputs, target.name()

    def state(self) -> dict[str, Any]:
        return {
            "areas": layer_id(self.areas_combo),
            "rank": self.rank_combo.currentField(),
            "population": self.population_combo.currentField(),
            "score": self.score_combo.currentField(),
            "target": layer_id(self.target_combo),
        }

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.areas_combo, state.get("areas")):
            set_field(self.rank_combo, state.get("rank"))
            set_field(self.population_combo, state.get("population"))
            set_field(self.score_combo, state.get("score"))
        set_layer_by_id(self.target_combo, state.get("target"))
