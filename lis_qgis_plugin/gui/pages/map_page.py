"""Map: classify and style a deprivation rank, score or indicator with lis:deprivationmap; preview the legend."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsFieldProxyModel,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRectangle,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPixmap
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from ..algorithm_runner import Output, RunOutcome
from ..panel_settings import PanelSettings
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import (
    LisPage,
    PanelServices,
    fill_enum_combo,
    guess_field,
    layer_id,
    parameter_definition,
    set_field,
    set_index,
    set_layer_by_id,
    tr,
    vector_layer,
)
from .summary_group import DEPRIVATION_SUMMARY, DeprivationSummaryGroup

DEPRIVATION_MAP = "lis:deprivationmap"
PREVIEW_SIZE = QSize(300, 220)
#: the classes that deciles and quintiles always make: the greyed Classes box shows these, not the user's number
FIXED_CLASSES = {"national_deciles": 10, "local_deciles": 10, "national_quintiles": 5, "local_quintiles": 5}


def ramp_icon(colours: tuple[str, ...], size: QSize | None = None) -> QIcon:
    """A light-to-dark swatch of a colour ramp."""
    size = size or QSize(48, 14)
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    gradient = QLinearGradient(0, 0, size.width(), 0)
    for index, colour in enumerate(colours):
        gradient.setColorAt(index / max(len(colours) - 1, 1), QColor(colour))
    painter.fillRect(pixmap.rect(), gradient)
    painter.end()
    return QIcon(pixmap)


class MapPage(LisPage):
    """Choose layer, field, method, classes, polarity and ramp; run lis:deprivationmap; show its legend and map."""

    PAGE_ID = "map"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        from ...core.deprivation.classification import METHODS

        self.method_keys = list(METHODS)
        self.body.addWidget(
            intro_label(
                tr(
                    "Map a deprivation rank or score (or any indicator) in classes, darkest where most deprived. "
                    "National deciles use the published national ranks; local deciles re-rank your areas."
                ),
                self.content,
            )
        )
        self.body.addLayout(self._question_form())
        self.run_button = run_button(
            tr("Ma&ke map"),
            tr("Run 'Deprivation map': writes a new styled GeoPackage layer into the LIS group"),
            "makeMapButton",
            self.content,
        )
        self.run_button.clicked.connect(self._run)
        self.run_buttons.append(self.run_button)
        self.body.addWidget(self.run_button)
        self.status = status_label(self.content, "mapStatus")
        self.body.addWidget(self.status)
        self._add_legend_and_preview()
        self.summary = DeprivationSummaryGroup(self.content)
        self.summary.run_button.clicked.connect(self._run_summary)
        self.run_buttons.append(self.summary.run_button)
        self.body.addWidget(self.summary)
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.layer_combo,
                self.field_combo,
                self.method_combo,
                self.n_spin,
                self.classes_spin,
                self.breaks_edit,
                self.polarity_combo,
                self.ramp_combo,
                self.run_button,
                self.legend,
                *self.summary.controls(),
            ]
        )
        self.result_layer: QgsVectorLayer | None = None
        self._render_job: QgsMapRendererParallelJob | None = None
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self.field_combo.fieldChanged.connect(self._show_edition)
        self.n_spin.valueChanged.connect(self._show_edition)
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        self._layer_changed(self.layer_combo.currentLayer())
        self._method_changed(self.method_combo.currentIndex())

    # --- building ---------------------------------------------------------------------------------

    def _question_form(self) -> QFormLayout:
        """The layer and field to map, and how: method, classes or breaks, polarity and colour ramp."""
        form = form_layout()
        self.layer_combo = QgsMapLayerComboBox(self.content)
        self.layer_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        add_row(form, tr("&Areas"), self.layer_combo, tr("The polygon layer to map"), "mapLayerCombo")
        self.field_combo = QgsFieldComboBox(self.content)
        self.field_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        add_row(
            form,
            tr("&Field"),
            self.field_combo,
            tr("The rank, score or indicator to classify (national methods need national ranks, 1 = most deprived)"),
            "mapFieldCombo",
        )
        self.method_combo = QComboBox(self.content)
        fill_enum_combo(self.method_combo, DEPRIVATION_MAP, "METHOD", PanelSettings.map_method.value())
        add_row(form, tr("&Method"), self.method_combo, tr("How the values are put into classes"), "mapMethodCombo")
        self.n_spin = QSpinBox(self.content)
        self.n_spin.setRange(0, 99_999)
        self.n_spin.setGroupSeparatorShown(True)
        self.n_spin.setSpecialValueText(tr("From the LSOA codes"))
        add_row(
            form,
            tr("Areas ranked &nationally (N)"),
            self.n_spin,
            tr(
                "National deciles and the summary: the number of LSOAs ranked in the edition of the ranks (32,844 "
                "IoD2019, 33,755 IoD2025). 'From the LSOA codes' lets the tool tell the edition"
            ),
            "mapNationalNSpin",
        )
        self.edition_label = QLabel(self.content)
        self.edition_label.setObjectName("mapEditionLabel")
        self.edition_label.setWordWrap(True)
        form.addRow(self.edition_label)
        self.classes_spin = QSpinBox(self.content)
        classes = parameter_definition(DEPRIVATION_MAP, "CLASSES")
        self._fewest_classes = int(classes.minimum())
        self.classes_spin.setRange(self._fewest_classes, int(classes.maximum()))
        self.classes_spin.setValue(PanelSettings.map_classes.value())
        self._classes_choice = self.classes_spin.value()  # the user's number, kept while a method fixes its own
        add_row(
            form,
            tr("&Classes"),
            self.classes_spin,
            tr("Number of classes for quantile, equal interval, Jenks, standard deviation and pretty breaks"),
            "mapClassesSpin",
        )
        self.breaks_edit = QLineEdit(self.content)
        self.breaks_edit.setPlaceholderText(tr("e.g. 10, 20, 30"))
        add_row(form, tr("&Breaks"), self.breaks_edit, tr("Manual method: the class breaks"), "mapBreaksEdit")
        self.polarity_combo = QComboBox(self.content)
        fill_enum_combo(self.polarity_combo, DEPRIVATION_MAP, "POLARITY", PanelSettings.map_polarity.value())
        self._polarity_choice = self.polarity_combo.currentIndex()  # the user's, kept while national methods rule
        add_row(
            form,
            tr("&Polarity"),
            self.polarity_combo,
            tr("Which end is most deprived (local and generic methods); the most deprived class is darkest"),
            "mapPolarityCombo",
        )
        self.ramp_combo = QComboBox(self.content)
        fill_enum_combo(self.ramp_combo, DEPRIVATION_MAP, "RAMP", PanelSettings.map_ramp.value())
        self._add_ramp_icons()
        add_row(
            form, tr("Colour &ramp"), self.ramp_combo, tr("Colour-blind-safe colour ramps, light to dark"), "mapRamp"
        )
        return form

    def _add_legend_and_preview(self) -> None:
        """The legend of the map made last, and a small picture of it."""
        self.legend_label = QLabel(tr("&Legend"), self.content)
        self.legend = QListWidget(self.content)
        self.legend.setObjectName("mapLegend")
        self.legend.setToolTip(tr("The classes of the map made last, most deprived first"))
        self.legend.setIconSize(QSize(24, 16))
        self.legend.setMaximumHeight(235)
        self.legend_label.setBuddy(self.legend)
        self.body.addWidget(self.legend_label)
        self.body.addWidget(self.legend)
        self.preview = QLabel(self.content)
        self.preview.setObjectName("mapPreview")
        self.preview.setToolTip(tr("A small picture of the map made last"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(0)
        # drawn at the page's width when it is narrower than PREVIEW_SIZE: the picture never widens the page
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.body.addWidget(self.preview)

    def title(self) -> str:
        return tr("Map")

    def _add_ramp_icons(self) -> None:
        from ...core.deprivation.deprivation_style import RAMPS

        for index in range(self.ramp_combo.count()):
            colours = RAMPS.get(self.ramp_combo.itemText(index))
            if colours:
                self.ramp_combo.setItemIcon(index, ramp_icon(colours))

    @safe_slot()
    def _layer_changed(self, layer: Any) -> None:
        self.field_combo.setLayer(layer)
        field = (
            guess_field(layer, "imd_rank", "rank", "score", numeric=True) if isinstance(layer, QgsVectorLayer) else ""
        )
        if field:
            self.field_combo.setField(field)
        self._show_edition()

    @safe_slot()
    def _show_edition(self) -> None:
        """Say which edition and N national deciles of the chosen field use, or why the codes cannot tell."""
        from ...core.common.errors import LisError
        from ...core.deprivation.deprivation_map import map_edition

        layer, field = vector_layer(self.layer_combo.currentLayer()), self.field_combo.currentField()
        if layer is None or not field:
            self.edition_label.setText("")
            return
        try:
            edition = map_edition(layer, field, self.n_spin.value() or None)
        except LisError as error:
            self.edition_label.setText(tr("National deciles: {0}").format(error))
            return
        text = tr("National deciles: {0}, N = {1} ({2}).").format(
            edition.title, f"{edition.national_n:,}", edition.reason
        )
        self.edition_label.setText(f"{text} {edition.warning}".strip())

    @safe_slot()
    def _method_changed(self, index: int) -> None:
        key = self.method_keys[index] if 0 <= index < len(self.method_keys) else ""
        self._show_classes(key)
        self.breaks_edit.setEnabled(key == "manual")
        self._show_polarity(key)
        self.edition_label.setVisible(key.startswith("national"))

    def _show_classes(self, key: str) -> None:
        """The Classes box shows the number of classes the method makes: 10 or 5 (greyed) for deciles and
        quintiles, nothing (greyed) for manual breaks, else the user's own number, kept meanwhile."""
        spin = self.classes_spin
        if spin.isEnabled():
            self._classes_choice = spin.value()
        fixed = FIXED_CLASSES.get(key)
        manual = key == "manual"
        spin.blockSignals(True)
        spin.setMinimum(self._fewest_classes - 1 if manual else self._fewest_classes)
        spin.setSpecialValueText(" " if manual else "")  # shown at the minimum, which only manual reaches
        spin.setValue(spin.minimum() if manual else fixed or self._classes_choice)
        spin.setEnabled(fixed is None and not manual)
        spin.blockSignals(False)

    def _show_polarity(self, key: str) -> None:
        """National methods read national ranks, rank 1 the most deprived, whatever polarity is chosen: the
        greyed box says so; the user's choice comes back for the other methods."""
        from ...core.deprivation.classification import POLARITIES

        combo = self.polarity_combo
        if combo.isEnabled():
            self._polarity_choice = combo.currentIndex()
        national = key.startswith("national")
        combo.blockSignals(True)
        combo.setCurrentIndex(list(POLARITIES).index("high_better") if national else self._polarity_choice)
        combo.setEnabled(not national)
        combo.blockSignals(False)

    def polarity(self) -> int:
        """The user's polarity (for the local and generic methods), whatever the box shows for this method."""
        return self.polarity_combo.currentIndex() if self.polarity_combo.isEnabled() else self._polarity_choice

    def set_polarity(self, index: Any) -> None:
        """Choose polarity ``index`` if the box offers it (shown now if the method uses it)."""
        if isinstance(index, int) and 0 <= index < self.polarity_combo.count():
            self._polarity_choice = index
            if self.polarity_combo.isEnabled():
                self.polarity_combo.setCurrentIndex(index)

    def classes(self) -> int:
        """The user's number of classes (for the generic methods), whatever the box shows for this method."""
        return self.classes_spin.value() if self.classes_spin.isEnabled() else self._classes_choice

    def set_classes(self, value: int) -> None:
        """Choose ``value`` classes for the generic methods (shown now if the method uses it)."""
        self._classes_choice = max(self._fewest_classes, min(value, self.classes_spin.maximum()))
        if self.classes_spin.isEnabled():
            self.classes_spin.setValue(self._classes_choice)

    def use_layer(self, layer: QgsVectorLayer) -> None:
        """Map and summarise ``layer`` next (after a join or the sample)."""
        self.layer_combo.setLayer(layer)
        self.summary.use_layer(layer)

    def state(self) -> dict[str, Any]:
        return {
            "layer": layer_id(self.layer_combo),
            "field": self.field_combo.currentField(),
            "method": self.method_combo.currentIndex(),
            "classes": self.classes(),
            "breaks": self.breaks_edit.text(),
            "polarity": self.polarity(),
            "ramp": self.ramp_combo.currentIndex(),
            "national_n": self.n_spin.value(),
            "summary": self.summary.state(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.layer_combo, state.get("layer")):
            set_field(self.field_combo, state.get("field"))
        for combo, key in ((self.method_combo, "method"), (self.ramp_combo, "ramp")):
            set_index(combo, state.get(key))
        self.set_polarity(state.get("polarity"))
        if isinstance(state.get("classes"), int):
            self.set_classes(state["classes"])
        self.breaks_edit.setText(state.get("breaks", ""))
        if isinstance(state.get("national_n"), int):
            self.n_spin.setValue(state["national_n"])
        if isinstance(state.get("summary"), dict):
            self.summary.restore(state["summary"])

    @safe_slot()
    def _run(self) -> None:
        layer = self.layer_combo.currentLayer()
        field = self.field_combo.currentField()
        if not isinstance(layer, QgsVectorLayer) or not field:
            self.report_error(tr("Choose the areas and the field to map."))
            return
        PanelSettings.map_method.set(self.method_combo.currentIndex())
        PanelSettings.map_classes.set(self.classes())
        PanelSettings.map_polarity.set(self.polarity())
        PanelSettings.map_ramp.set(self.ramp_combo.currentIndex())
        method = self.method_keys[self.method_combo.currentIndex()]
        output = self.panel.output_path(f"{field}_{method}", ".gpkg")
        inputs = {
            "INPUT": layer.id(),
            "FIELD": field,
            "METHOD": self.method_combo.currentIndex(),
            "CLASSES": self.classes(),
            "POLARITY": self.polarity(),
            "BREAKS": self.breaks_edit.text().strip() if method == "manual" else "",
            "RAMP": self.ramp_combo.currentIndex(),
        }
        if self.n_spin.value():
            inputs["NATIONAL_N"] = self.n_spin.value()
        self.run_algorithm(
            DEPRIVATION_MAP,
            inputs,
            tr("Deprivation map"),
            {
                "OUTPUT": Output(
                    output, f"{field}: {self.method_combo.currentText()}", side_files=(output.with_suffix(".qml"),)
                )
            },
            self._done,
            working=tr("Classifying {0}…").format(field),
        )

    @safe_slot()
    def _run_summary(self) -> None:
        inputs, target = self.summary.inputs(self.n_spin.value())
        if not inputs:
            self.report_error(target)
            return
        output = self.panel.output_path(f"{target}_deprivation_summary", ".gpkg")
        self.run_algorithm(
            DEPRIVATION_SUMMARY,
            inputs,
            tr("Deprivation summary"),
            {"OUTPUT": Output(output, tr("Deprivation summary: {0}").format(target))},
            self._summary_done,
            working=tr("Summarising deprivation in {0}…").format(target),
        )

    def _summary_done(self, outcome: RunOutcome) -> None:
        most = [line for line in outcome.log if line.startswith("Most deprived by extent")]
        self.status.setText("\n".join([*outcome.log[:1], *most]))

    def _done(self, outcome: RunOutcome) -> None:
        layer = next((item for item in outcome.layers if isinstance(item, QgsVectorLayer)), None)
        self.status.setText("\n".join(outcome.log[:2]))
        if layer is not None:
            self.show_legend(layer)

    def show_legend(self, layer: QgsVectorLayer) -> None:
        """List the legend symbols of ``layer``'s renderer and draw a small picture of it."""
        self.result_layer = layer
        self.legend.clear()
        renderer = layer.renderer()
        for item in renderer.legendSymbolItems() if renderer is not None else []:
            if item.symbol() is None:
                continue
            icon = QIcon(QgsSymbolLayerUtils.symbolPreviewPixmap(item.symbol(), QSize(24, 16)))
            self.legend.addItem(QListWidgetItem(icon, item.label()))
        self._render_preview(layer)

    def _render_preview(self, layer: QgsVectorLayer) -> None:
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(layer.crs())
        settings.setBackgroundColor(QColor("white"))
        extent = QgsRectangle(layer.extent())
        extent.scale(1.05)
        settings.setExtent(extent)
        room = self.viewport().width() - 2 * self.body.contentsMargins().left()
        width = max(120, min(PREVIEW_SIZE.width(), room))
        settings.setOutputSize(QSize(width, PREVIEW_SIZE.height() * width // PREVIEW_SIZE.width()))
        job = QgsMapRendererParallelJob(settings)
        job.finished.connect(self._preview_rendered)
        self._render_job = job
        job.start()

    @safe_slot()
    def _preview_rendered(self) -> None:
        if self._render_job is not None:
            self.preview.setPixmap(QPixmap.fromImage(self._render_job.renderedImage()))
            self._render_job = None

    def legend_labels(self) -> list[str]:
        """The labels shown in the legend preview."""
        return [self.legend.item(row).text() for row in range(self.legend.count())]
