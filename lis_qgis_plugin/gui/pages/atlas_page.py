"""Atlas: one profile page per area (map, indicator table, spine chart) with lis:exportatlas, then open the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsFieldProxyModel, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from ...core.atlas.atlas_measures import is_indicator_field
from ...core.atlas.atlas_pages import profile_title, title_file_stem
from ..algorithm_runner import Output, RunOutcome
from ..panel_settings import PanelSettings, unique_path
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import LisPage, PanelServices, guess_field, layer_id, parameter_definition, set_field, set_layer_by_id, tr

EXPORT_ATLAS = "lis:exportatlas"
EXPORT_WEB_REPORT = "lis:exportwebreport"


class AtlasPage(LisPage):
    """Areas, indicators and template in; a PDF of area profiles out."""

    PAGE_ID = "atlas"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        self.body.addWidget(
            intro_label(
                tr(
                    "Export one profile page per area (ward, LSOA, catchment): a map, a table of the indicators "
                    "against the district and England, and a spine chart, all in one PDF."
                ),
                self.content,
            )
        )
        form = form_layout()
        self.layer_combo = QgsMapLayerComboBox(self.content)
        self.layer_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        add_row(
            form,
            tr("&Areas"),
            self.layer_combo,
            tr("The areas to profile, one page each, with the indicator values as fields"),
            "atlasLayerCombo",
        )
        self.body.addLayout(form)
        self._add_indicator_list()
        self.body.addLayout(self._profile_form())
        self._add_export_buttons()
        self.status = status_label(self.content, "atlasStatus")
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.layer_combo,
                self.indicators,
                self.population_combo,
                self.template_file,
                self.open_check,
                self.export_button,
                self.open_button,
                self.web_button,
                self.open_web_button,
            ]
        )
        self.pdf = ""
        self.web_index = ""
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self._layer_changed(self.layer_combo.currentLayer())

    # --- building ---------------------------------------------------------------------------------

    def _add_indicator_list(self) -> None:
        """The numeric fields of the areas, to tick the ones each page tabulates and charts."""
        self.indicators_label = QLabel(tr("&Indicators"), self.content)
        self.indicators = QListWidget(self.content)
        self.indicators.setObjectName("atlasIndicators")
        self.indicators.setToolTip(tr("Tick the numeric fields to tabulate and chart (Space ticks the current one)"))
        self.indicators.setMinimumHeight(120)
        self.indicators.setMaximumHeight(170)
        self.indicators_label.setBuddy(self.indicators)
        self.indicators_label.setToolTip(self.indicators.toolTip())
        self.body.addWidget(self.indicators_label)
        self.body.addWidget(self.indicators)

    def _profile_form(self) -> QFormLayout:
        """The population that weights the district value, and the print layout template."""
        form = form_layout()
        self.population_combo = QgsFieldComboBox(self.content)
        self.population_combo.setFilters(QgsFieldProxyModel.Filter.Numeric)
        self.population_combo.setAllowEmptyFieldName(True)
        add_row(
            form,
            tr("&Population"),
            self.population_combo,
            tr("Weights the district value (empty: the plain mean of the areas)"),
            "atlasPopulationCombo",
        )
        template = parameter_definition(EXPORT_ATLAS, "TEMPLATE")
        self.template_file = QgsFileWidget(self.content)
        self.template_file.setFilter(template.fileFilter())
        self.template_file.setFilePath(PanelSettings.atlas_template.value())
        add_row(
            form,
            tr("&Template"),
            self.template_file,
            tr(
                "Your own print layout template (.qpt) with items title, main_map, indicator_table (attribute "
                "table), chart (picture) and footnote; empty: the LIS template"
            ),
            "atlasTemplateWidget",
        )
        return form

    def _add_export_buttons(self) -> None:
        """Open the PDF when ready, export, and open the PDF exported last."""
        self.open_check = QCheckBox(tr("Open the PDF when it is &ready"), self.content)
        self.open_check.setObjectName("atlasOpenCheck")
        self.open_check.setToolTip(tr("Open the exported PDF in your PDF viewer"))
        self.open_check.setChecked(PanelSettings.atlas_open_pdf.value())
        self.body.addWidget(self.open_check)
        self.export_button, self.open_button = self._run_and_open_row(
            (tr("E&xport atlas"), "exportAtlasButton", self._export),
            tr("Run 'Export area profiles': one PDF with a page per area; the layout joins the project"),
            (tr("Open P&DF"), "openPdfButton", self.open_pdf),
            tr("Open the PDF exported last"),
        )
        # The same areas as an interactive web report, from the project's indicator store, and open it.
        self.web_button, self.open_web_button = self._run_and_open_row(
            (tr("&Web report"), "exportWebReportButton", self._export_web),
            tr(
                "Run 'Export web report': a folder with index.html (map, area profiles, table, CSV) for these areas, "
                "from every indicator of the project's store; it opens from disk or any web server"
            ),
            (tr("Open in &browser"), "openWebReportButton", self.open_web_report),
            tr("Open the web report exported last in your web browser"),
        )

    def _run_and_open_row(
        self, run: tuple[str, str, Any], run_tip: str, opener: tuple[str, str, Any], open_tip: str
    ) -> tuple[QPushButton, QPushButton]:
        """A row of a button that runs a tool ((label, object name, slot)) and one that opens what it made last
        (disabled until then)."""
        buttons = QHBoxLayout()
        label, name, slot = run
        run_widget = run_button(label, run_tip, name, self.content)
        run_widget.clicked.connect(slot)
        self.run_buttons.append(run_widget)
        buttons.addWidget(run_widget)
        label, name, slot = opener
        open_widget = QPushButton(label, self.content)
        open_widget.setObjectName(name)
        open_widget.setToolTip(open_tip)
        open_widget.setEnabled(False)
        open_widget.clicked.connect(slot)
        buttons.addWidget(open_widget)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        return run_widget, open_widget

    def title(self) -> str:
        return tr("Atlas")

    @safe_slot()
    def _layer_changed(self, layer: Any) -> None:
        self.population_combo.setLayer(layer)
        self.indicators.clear()
        if not isinstance(layer, QgsVectorLayer):
            return
        for field in layer.fields():
            if field.isNumeric() and is_indicator_field(field.name()):
                item = QListWidgetItem(field.displayName())
                item.setData(Qt.ItemDataRole.UserRole, field.name())
                item.setToolTip(f"{field.displayName()} ({field.name()})")  # a long alias is cut in the list
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.indicators.addItem(item)
        self.population_combo.setField(guess_field(layer, "pop_total", "population", "pop", numeric=True))

    def use_layer(self, layer: QgsVectorLayer) -> None:
        """Profile the areas of ``layer`` next."""
        self.layer_combo.setLayer(layer)

    def set_indicators(self, names: list[str]) -> None:
        """Tick the fields ``names`` (and untick the others)."""
        for row in range(self.indicators.count()):
            item = self.indicators.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in names
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_indicators(self) -> list[str]:
        """The ticked fields."""
        items = (self.indicators.item(row) for row in range(self.indicators.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked]

    def state(self) -> dict[str, Any]:
        return {
            "layer": layer_id(self.layer_combo),
            "indicators": self.chosen_indicators(),
            "population": self.population_combo.currentField(),
            "template": self.template_file.filePath(),
            "open_pdf": self.open_check.isChecked(),
            "pdf": self.pdf,
            "web_index": self.web_index,
        }

    def restore(self, state: dict[str, Any]) -> None:
        if set_layer_by_id(self.layer_combo, state.get("layer")):
            self.set_indicators(list(state.get("indicators", [])))
            set_field(self.population_combo, state.get("population"))
        self.template_file.setFilePath(state.get("template", ""))
        self.open_check.setChecked(bool(state.get("open_pdf", True)))
        self.pdf = state.get("pdf", "") if Path(state.get("pdf", "") or "-").is_file() else ""
        self.open_button.setEnabled(bool(self.pdf))
        web_index = state.get("web_index", "") or ""
        self.web_index = web_index if web_index and Path(web_index).is_file() else ""
        self.open_web_button.setEnabled(bool(self.web_index))

    @safe_slot()
    def _export(self) -> None:
        layer = self.layer_combo.currentLayer()
        indicators = self.chosen_indicators()
        if not isinstance(layer, QgsVectorLayer) or not indicators:
            self.report_error(tr("Choose the areas and tick at least one indicator."))
            return
        PanelSettings.atlas_template.set(self.template_file.filePath())
        PanelSettings.atlas_open_pdf.set(self.open_check.isChecked())
        folder = self.panel.output_folder()
        folder.mkdir(parents=True, exist_ok=True)
        pdf = unique_path(folder, title_file_stem(profile_title(layer)), ".pdf")  # never an existing file
        data = unique_path(folder, f"{pdf.stem} data", ".gpkg")
        inputs = {
            "COVERAGE": layer.id(),
            "INDICATORS": indicators,
            "POPULATION_FIELD": self.population_combo.currentField(),
            "TEMPLATE": self.template_file.filePath().strip(),
        }
        self.run_algorithm(
            EXPORT_ATLAS,
            inputs,
            tr("Export atlas"),
            {"OUTPUT_PDF": Output(pdf), "ATLAS_DATA": Output(data)},
            self._done,
            working=tr("Exporting a page per area of {0}…").format(layer.name()),
        )

    def _done(self, outcome: RunOutcome) -> None:
        self.pdf = str(outcome.results.get("OUTPUT_PDF") or "")
        self.open_button.setEnabled(bool(self.pdf))
        self.status.setText(
            tr("{0} pages in {1}.").format(outcome.results.get("PAGES", "?"), Path(self.pdf).name if self.pdf else "-")
        )
        if self.pdf and self.open_check.isChecked():
            self.open_pdf()

    @safe_slot()
    def open_pdf(self) -> None:
        """Open the exported PDF with the system's viewer."""
        if self.pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.pdf))

    @safe_slot()
    def _export_web(self) -> None:
        layer = self.layer_combo.currentLayer()
        if not isinstance(layer, QgsVectorLayer):
            self.report_error(tr("Choose the areas of the web report."))
            return
        folder = self.panel.output_folder()
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_path(folder, f"{title_file_stem(profile_title(layer))} web", "")  # never an existing folder
        self.run_algorithm(
            EXPORT_WEB_REPORT,
            {"BOUNDARIES": layer.id()},
            tr("Export web report"),
            {"OUTPUT_FOLDER": Output(target)},
            self._web_done,
            working=tr("Writing the web report of {0}…").format(layer.name()),
        )

    def _web_done(self, outcome: RunOutcome) -> None:
        self.web_index = str(outcome.results.get("INDEX_HTML") or "")
        self.open_web_button.setEnabled(bool(self.web_index))
        if self.web_index:
            self.status.setText(tr("Web report: {0}").format(self.web_index))

    @safe_slot()
    def open_web_report(self) -> None:
        """Open the exported web report's index.html in the default web browser."""
        if self.web_index:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.web_index))
