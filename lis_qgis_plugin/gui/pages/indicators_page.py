"""Indicators: join a table (a file, or one fetched from an online source) onto the boundaries, and show the report;
keep indicators in the store and map them from its catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qgis.core import QgsProject, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsFileWidget
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices, QFontDatabase, QShowEvent
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.common.errors import LisError
from ...core.store.store_boundaries import boundary_sets
from ...core.store.store_location import StoreLocation, store_label
from ...processing.store_parameters import store_location
from ...settings import project_store_text, set_project_store_text
from ..algorithm_form import AlgorithmForm
from ..algorithm_runner import Output, RunOutcome
from ..panel_settings import PanelSettings
from ..store_catalogue import StoreCatalogue, StoreChoice, breakable
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import LisPage, PanelServices, fill_enum_combo, parameter_definition, tr

JOIN = "lis:joinindicators"
LOAD_INDICATORS = "lis:loadindicators"
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".ods")
ADD_TO_STORE = "lis:addtostore"
UPDATE_STORE = "lis:updatestore"
INDICATOR_LAYER = "lis:indicatorlayer"
#: The tools that change what the store holds: the catalogue is read again after any of them ran.
STORE_WRITERS = frozenset({ADD_TO_STORE, UPDATE_STORE, "lis:addboundaryset", "lis:addlookup"})


def file_stamp(location: StoreLocation) -> tuple[int, ...] | None:
    """When a GeoPackage store (and its write-ahead log) last changed, and their sizes; None for PostGIS."""
    if not isinstance(location, Path):
        return None
    stamp: list[int] = []
    for path in (location, location.with_name(location.name + "-wal")):
        status = path.stat() if path.exists() else None
        stamp += [status.st_mtime_ns, status.st_size] if status is not None else [0, 0]
    return tuple(stamp)


class IndicatorsPage(LisPage):
    """Join an indicator table onto the boundary layer with lis:joinindicators."""

    PAGE_ID = "indicators"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        self.body.addWidget(
            intro_label(
                tr(
                    "Join a table of statistics (CSV, Excel, ODS, as published) onto the boundaries by area code. "
                    "The result is a new GeoPackage layer; the report lists every code that did not match. "
                    "The indicator store below keeps every period of what you add to it: map any of it in two clicks."
                ),
                self.content,
            )
        )
        self.boundaries_label = status_label(self.content, "indicatorBoundaries")
        self.body.addWidget(self.boundaries_label)
        self.body.addLayout(self._table_form())
        self._table_layer_id = ""  # a fetched table that is a layer of the project, not a file
        self.body.addWidget(self._source_group())
        self.body.addWidget(self._store_group())
        self.join_button = run_button(
            tr("&Join indicators"),
            tr("Run 'Join indicators to boundaries': writes a new GeoPackage layer and a join report"),
            "joinButton",
            self.content,
        )
        self.join_button.clicked.connect(self._join)
        self.run_buttons.append(self.join_button)
        self.body.addWidget(self.join_button)
        self.status = status_label(self.content, "joinHeadline")  # the join's headline, or what went wrong
        self.body.addWidget(self.status)
        self._add_report_widgets()
        self.body.addStretch(1)
        self.chain_tab_order(
            [
                self.table_file,
                self.sheet_edit,
                self.duplicates_combo,
                self.lookup_file,
                *self.source_form.inputs,
                self.fetch_button,
                self.store_choice.kind,
                self.store_choice.file,
                self.store_choice.connection,
                self.store_choice.schema,
                self.catalogue.search,
                self.catalogue.tree,
                self.map_onto,
                self.map_button,
                self.add_store_button,
                self.update_store_button,
                self.join_button,
                self.unmatched,
                self.copy_button,
                self.report_button,
            ]
        )
        self.report: dict[str, Any] = {}
        self.report_html = ""
        self._unmatched: list[str] = []
        self.refresh_boundaries()
        self.panel.runner.finished.connect(self._run_finished)
        project = QgsProject.instance()
        for signal in (project.readProject, project.cleared, project.homePathChanged):
            signal.connect(self._project_changed)
        self._project_changed()

    # --- building ---------------------------------------------------------------------------------

    def _table_form(self) -> QFormLayout:
        form = form_layout()
        table_parameter = parameter_definition(JOIN, "TABLE")
        self.table_file = QgsFileWidget(self.content)
        self.table_file.setFilter(table_parameter.fileFilter())
        self.table_file.setDialogTitle(tr("Indicator table"))
        add_row(
            form,
            tr("Indicator &table"),
            self.table_file,
            tr("CSV, TSV, XLSX or ODS file with one row per area and a column of ONS area codes"),
            "indicatorTableWidget",
        )
        self.sheet_edit = QLineEdit(self.content)
        self.sheet_edit.setPlaceholderText(tr("first sheet"))
        add_row(form, tr("S&heet"), self.sheet_edit, tr("Workbooks only: the sheet to read"), "indicatorSheetEdit")
        self.duplicates_combo = QComboBox(self.content)
        fill_enum_combo(self.duplicates_combo, JOIN, "DUPLICATES", PanelSettings.duplicates.value())
        add_row(
            form,
            tr("D&uplicate codes"),
            self.duplicates_combo,
            tr("What to do when a code is on more than one row of the table"),
            "indicatorDuplicatesCombo",
        )
        self.lookup_file = QgsFileWidget(self.content)
        self.lookup_file.setFilter(table_parameter.fileFilter())
        add_row(
            form,
            tr("Code loo&kup"),
            self.lookup_file,
            tr("Optional: a lookup table that converts the table's codes, e.g. LSOA 2011 to LSOA 2021"),
            "indicatorLookupWidget",
        )
        return form

    def _add_report_widgets(self) -> None:
        """The unmatched codes (to copy), the button that opens the full report, and the report's notes."""
        self.unmatched_label = QLabel(tr("U&nmatched codes"), self.content)
        self.unmatched = QPlainTextEdit(self.content)
        self.unmatched.setObjectName("unmatchedCodes")
        self.unmatched.setReadOnly(True)
        self.unmatched.setMaximumHeight(40)
        self.unmatched.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.unmatched.setToolTip(tr("Every code that did not match, one per line: select and copy them"))
        self.unmatched_label.setBuddy(self.unmatched)
        self.body.addWidget(self.unmatched_label)
        self.body.addWidget(self.unmatched)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(tr("&Copy codes"), self.content)
        self.copy_button.setObjectName("copyUnmatchedButton")
        self.copy_button.setToolTip(tr("Copy the unmatched codes to the clipboard"))
        self.copy_button.clicked.connect(self._copy_unmatched)
        self.report_button = QPushButton(tr("Open full &report"), self.content)
        self.report_button.setObjectName("openReportButton")
        self.report_button.setToolTip(tr("Open the HTML join report in the web browser"))
        self.report_button.clicked.connect(self._open_report)
        for button in (self.copy_button, self.report_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.notes_label = QLabel(tr("Report n&otes"), self.content)
        self.notes = QPlainTextEdit(self.content)
        self.notes.setObjectName("joinNotes")
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(130)
        self.notes.setToolTip(tr("What the join found: vintage, suppressed and unreadable values, duplicates"))
        self.notes_label.setBuddy(self.notes)
        self.body.addWidget(self.notes_label)
        self.body.addWidget(self.notes)

    def _source_group(self) -> QgsCollapsibleGroupBox:
        """The inputs of lis:loadindicators, folded away: the table it fetches becomes the indicator table."""
        group = QgsCollapsibleGroupBox(tr("Or fetch online"), self.content)  # short: a title never wraps
        group.setObjectName("loadIndicatorsGroup")
        group.setToolTip(tr("Fetch indicators from a published source; the table it gives is then joined"))
        group.setCollapsed(True)
        group_layout = QVBoxLayout(group)
        self.source_form = AlgorithmForm(LOAD_INDICATORS, self.panel.map_canvas(), group)
        group_layout.addWidget(self.source_form)
        self.fetch_button = run_button(
            tr("&Fetch indicators"),
            tr("Run 'Load indicators' with these choices; its table becomes the indicator table"),
            "loadIndicatorsButton",
            group,
        )
        self.fetch_button.clicked.connect(self._fetch)
        self.run_buttons.append(self.fetch_button)
        group_layout.addWidget(self.fetch_button)
        return group

    def _store_group(self) -> QgsCollapsibleGroupBox:
        """The indicator store: where it is, its catalogue to search, and the tools that fill it and map from it."""
        group = QgsCollapsibleGroupBox(tr("Indicator store"), self.content)
        group.setObjectName("storeGroup")
        group.setToolTip(tr("Indicators collected once, every period kept, to map again in two clicks"))
        layout = QVBoxLayout(group)
        self._shown_store: StoreLocation | None = None  # the store whose catalogue is listed
        self._listed_stamp: tuple[StoreLocation, tuple[int, ...] | None] | None = None  # and its file when listed
        self.store_choice = StoreChoice(group)
        self.store_choice.changed.connect(self._store_chosen)
        layout.addWidget(self.store_choice)
        self.store_in_use = status_label(group, "storeInUse")  # the store read now, named in full
        layout.addWidget(self.store_in_use)
        self.catalogue = StoreCatalogue(group)
        self.catalogue.tree.itemSelectionChanged.connect(self._indicators_selected)
        layout.addWidget(self.catalogue)
        form = form_layout()
        self.map_onto = QComboBox(group)
        #: boundary set name -> its (geography, vintage), lower case, to offer the selected indicator's set
        self._set_editions: dict[str, tuple[str, str]] = {}
        add_row(
            form,
            tr("Ma&p onto"),
            self.map_onto,
            tr("The boundaries the indicators are joined onto: a boundary set in the store, or the Boundaries page's"),
            "storeMapOntoCombo",
        )
        layout.addLayout(form)
        self.map_button = run_button(
            tr("Add to &map"),
            tr("Run 'Indicators from the store' on the selected indicators, latest period: a new GeoPackage layer"),
            "storeAddToMapButton",
            group,
        )
        self.map_button.clicked.connect(self._add_to_map)
        layout.addWidget(self.map_button)
        buttons = QHBoxLayout()
        self.add_store_button = run_button(
            tr("&Add to store"),
            tr("Run 'Add to the store' on the indicator table chosen above: every period and interval is kept"),
            "storeAddButton",
            group,
        )
        self.add_store_button.clicked.connect(self._add_to_store)
        self.update_store_button = run_button(
            tr("Up&date store"),
            tr("Run 'Update the store': fetch the online indicators again and report new periods and revised values"),
            "storeUpdateButton",
            group,
        )
        self.update_store_button.clicked.connect(self._update_store)
        for button in (self.add_store_button, self.update_store_button):
            buttons.addWidget(button)
            self.run_buttons.append(button)
        self.run_buttons.append(self.map_button)
        layout.addLayout(buttons)
        return group

    def title(self) -> str:
        return tr("Indicators")

    def refresh_boundaries(self) -> None:
        """Say which boundaries the join will use (chosen on the Boundaries page)."""
        layer = self.panel.boundaries_layer()
        self._fill_map_onto(self._shown_store)
        if layer is None:
            self.boundaries_label.setText(tr("Choose the boundary layer on the Boundaries page first."))
            return
        field = self.panel.boundary_code_field() or tr("found automatically")
        self.boundaries_label.setText(tr("Boundaries: {0} (code field: {1}).").format(layer.name(), field))

    def set_table(self, path: str) -> None:
        """Choose the indicator table file."""
        self.table_file.setFilePath(path)

    def state(self) -> dict[str, Any]:
        return {
            "table": self.table_file.filePath(),
            "sheet": self.sheet_edit.text(),
            "duplicates": self.duplicates_combo.currentIndex(),
            "lookup": self.lookup_file.filePath(),
            "report_json": self.report.get("_path", ""),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.table_file.setFilePath(state.get("table", ""))
        self.sheet_edit.setText(state.get("sheet", ""))
        self.duplicates_combo.setCurrentIndex(int(state.get("duplicates", 0) or 0))
        self.lookup_file.setFilePath(state.get("lookup", ""))
        report = state.get("report_json")
        if report and Path(report).is_file():
            self._show_report(Path(report))

    @safe_slot()
    def _join(self) -> None:
        boundaries = self.panel.boundaries_layer()
        if boundaries is None:
            self.report_error(tr("Choose the boundary layer on the Boundaries page first."))
            return
        table = self.table_file.filePath().strip() or self._table_layer_id
        if not table:
            self.report_error(tr("Choose the indicator table (a CSV, XLSX or ODS file)."))
            return
        PanelSettings.indicator_file.set(self.table_file.filePath())
        PanelSettings.duplicates.set(self.duplicates_combo.currentIndex())
        stem = Path(table).stem if Path(table).suffix else "indicators"
        output = self.panel.output_path(f"{stem}_joined", ".gpkg")
        report = output.with_name(output.stem + "_report.html")  # the HTML report, and its data as .json
        inputs = {
            "BOUNDARIES": boundaries.id(),
            "BOUNDARY_CODE_FIELD": self.panel.boundary_code_field(),
            "TABLE": table,
            "SHEET": self.sheet_edit.text().strip(),
            "DUPLICATES": self.duplicates_combo.currentIndex(),
            "LOOKUP": self.lookup_file.filePath().strip(),
        }
        self.run_algorithm(
            JOIN,
            inputs,
            tr("Join indicators"),
            {
                "OUTPUT": Output(output, tr("Indicators: {0}").format(stem)),
                "REPORT": Output(report, side_files=(report.with_suffix(".json"),)),
            },
            self._joined,
            working=tr("Joining {0} onto {1}…").format(Path(table).name, boundaries.name()),
        )

    def _joined(self, outcome: RunOutcome) -> None:
        json_path = outcome.results.get("REPORT_JSON")
        if json_path and Path(str(json_path)).is_file():
            self._show_report(Path(str(json_path)))
        else:
            self.status.setText("\n".join(outcome.log[:3]))
        joined = next((layer for layer in outcome.layers if isinstance(layer, QgsVectorLayer)), None)
        if joined is not None:
            self.panel.indicators_joined(joined)

    def _show_report(self, path: Path) -> None:
        report = json.loads(path.read_text(encoding="utf-8"))
        report["_path"] = str(path)
        self.report = report
        self.report_html = str(path.with_suffix(".html"))
        unmatched_boundaries = list(report.get("unmatched_boundaries", []))
        unmatched_rows = [item.get("code", "") for item in report.get("unmatched_rows", [])]
        self._unmatched = [*unmatched_boundaries, *unmatched_rows]
        self.status.setText(
            tr("{0}\nMatched: {1} areas. Areas with no row: {2}. Table rows with no area: {3}.").format(
                report.get("headline", ""),
                f"{report.get('matched', 0):,}",
                f"{len(unmatched_boundaries):,}",
                f"{len(unmatched_rows):,}",
            )
        )
        lines = []
        if unmatched_boundaries:
            lines.append(tr("# Boundary codes with no row in the table"))
            lines += unmatched_boundaries
        if unmatched_rows:
            lines.append(tr("# Table codes with no boundary"))
            lines += unmatched_rows
        self.unmatched.setPlainText("\n".join(lines) if lines else tr("Every code matched."))
        self.unmatched.setMaximumHeight(130 if lines else 40)
        self.copy_button.setEnabled(bool(lines))
        self.report_button.setEnabled(Path(self.report_html).is_file())
        notes = [*report.get("diagnosis", []), *report.get("conversion", []), *report.get("notes", [])]
        for column in report.get("columns", []):
            suppressed = sum(column.get("suppressed", {}).values())
            unreadable = len(column.get("unparseable", []))
            if suppressed or column.get("empty") or unreadable:
                notes.append(
                    tr("'{0}': {1} suppressed, {2} empty, {3} unreadable (NULL in the layer)").format(
                        column.get("column"), suppressed, column.get("empty", 0), unreadable
                    )
                )
        duplicates = report.get("duplicates", {}).get("codes") or {}
        if duplicates:
            notes.append(tr("{0} codes on more than one row").format(len(duplicates)))
        self.notes.setPlainText("\n".join(notes) if notes else tr("Nothing to report: every value was read."))

    def unmatched_codes(self) -> list[str]:
        """The codes listed as unmatched (boundary codes first), without the headings."""
        return list(self._unmatched)

    @safe_slot()
    def _copy_unmatched(self) -> None:
        QApplication.clipboard().setText("\n".join(self.unmatched_codes()))

    @safe_slot()
    def _open_report(self) -> None:
        if self.report_html:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.report_html))

    # --- the indicator store ----------------------------------------------------------------------

    def store_text(self) -> str:
        """The STORE text of the store chosen ('' for the default, ``lis_store.gpkg`` beside the project)."""
        return self.store_choice.text()

    def store(self) -> StoreLocation:
        """The store chosen; LisError (StoreError) when there is none, e.g. the default of an unsaved project."""
        return store_location(self.store_text())

    @safe_slot()
    def _project_changed(self, *_: Any) -> None:
        """Another project (or the same one saved elsewhere): show its store choice and read its catalogue."""
        self.store_choice.set_text(project_store_text())
        if self.isVisible():
            self.refresh_store()
        else:  # read when the page is shown: opening a project never waits for a team's server
            self._shown_store, self._listed_stamp = None, None
            self.store_in_use.setText("")
            self.catalogue.show_store(None, tr("The store is read when this page is shown."))

    @safe_slot()
    def _store_chosen(self) -> None:
        set_project_store_text(self.store_text())  # kept in the project file
        self.refresh_store()

    def showEvent(self, event: QShowEvent) -> None:
        """Read the catalogue again when the page comes into view: a toolbox run may have changed the store."""
        super().showEvent(event)
        self._refresh_if_changed()

    @safe_slot()
    def _refresh_if_changed(self) -> None:
        self.refresh_store(only_if_changed=True)

    def refresh_store(self, only_if_changed: bool = False) -> None:
        """Name the store in use, list its catalogue (or say in one sentence why not) and its boundary sets.

        ``only_if_changed``: a GeoPackage store whose file is as it was when last listed is not read again.
        """
        try:
            location = self.store()
        except LisError as error:
            self._shown_store, self._listed_stamp = None, None
            self.store_in_use.setText("")
            self.catalogue.show_store(None, str(error))
            self._fill_map_onto(None)
            return
        stamp = (location, file_stamp(location))
        if only_if_changed and stamp[1] is not None and stamp == self._listed_stamp:
            return
        self._shown_store, self._listed_stamp = location, stamp
        default = tr(" (the default, beside the project)") if not self.store_text() else ""
        if isinstance(location, Path) and not location.is_file():
            self.store_in_use.setText(tr("Store: {0}{1}.").format(breakable(str(location)), default))
            self.catalogue.show_store(None, tr("The store does not exist yet: Add to store creates it."))
        else:
            self.store_in_use.setText(tr("Store: {0}{1}.").format(breakable(store_label(location)), default))
            self.catalogue.show_store(location)
        self._fill_map_onto(location)

    def _fill_map_onto(self, location: StoreLocation | None) -> None:
        """The store's boundary sets (as core lists them, on a GeoPackage or PostGIS), then the Boundaries page's layer.

        A GeoPackage that does not exist yet is not created just to be looked at.
        """
        chosen = self.map_onto.currentData()
        self.map_onto.clear()
        self._set_editions = {}
        sets = []
        if location is not None and not (isinstance(location, Path) and not location.is_file()):
            try:
                sets = boundary_sets(location)
            except LisError:
                sets = []  # the catalogue above already says in one sentence why the store cannot be read
        for entry in sets:
            edition = " ".join(part for part in (entry.geography, entry.vintage) if part)
            shown = edition and edition.casefold() not in entry.name.casefold()
            label = tr("Boundary set: {0}").format(entry.name) + (f" ({edition})" if shown else "")
            self.map_onto.addItem(label, entry.name)
            self._set_editions[entry.name] = (entry.geography.casefold(), entry.vintage.casefold())
        boundaries = self.panel.boundaries_layer()
        if boundaries is not None:
            self.map_onto.addItem(tr("Boundaries page: {0}").format(boundaries.name()), "")
        index = self.map_onto.findData(chosen) if chosen is not None else -1
        self.map_onto.setCurrentIndex(max(index, 0))
        self._indicators_selected()

    @safe_slot()
    def _indicators_selected(self) -> None:
        """Offer the boundary set of the selected indicator's geography and vintage, when the store has one."""
        ids = self.catalogue.selected_ids()
        row = self.catalogue.row(ids[0]) if ids else None
        if row is None or not row.geography_key[0]:
            return
        wanted = tuple(part.casefold() for part in row.geography_key)
        for name, edition in self._set_editions.items():
            if edition == wanted:
                self.map_onto.setCurrentIndex(self.map_onto.findData(name))
                return

    @safe_slot()
    def _run_finished(self, outcome: RunOutcome) -> None:
        """A tool that writes to the store ran (from any page): its catalogue is read again."""
        if outcome.ok and outcome.algorithm_id in STORE_WRITERS:
            self.refresh_store(only_if_changed=True)  # the page's own runs have read it already

    @safe_slot()
    def _add_to_map(self) -> None:
        ids = self.catalogue.selected_ids()
        if not ids:
            self.report_error(tr("Select one or more indicators in the store's list first."))
            return
        inputs: dict[str, Any] = {"STORE": self.store_text(), "INDICATORS": ",".join(ids), "PERIOD": "latest"}
        boundary_set = self.map_onto.currentData()
        if boundary_set:
            inputs["BOUNDARY_SET"] = boundary_set
        else:
            boundaries = self.panel.boundaries_layer()
            if boundaries is None:
                self.report_error(
                    tr("Choose the boundary layer on the Boundaries page, or add a boundary set to the store.")
                )
                return
            inputs["BOUNDARIES"] = boundaries.id()
            inputs["BOUNDARY_CODE_FIELD"] = self.panel.boundary_code_field()
        stem = ids[0] if len(ids) == 1 else f"{ids[0]}_and_{len(ids) - 1}_more"
        output = self.panel.output_path(f"{stem}_store", ".gpkg")
        report = output.with_name(output.stem + "_report.html")
        self.run_algorithm(
            INDICATOR_LAYER,
            inputs,
            tr("Indicators from the store"),
            {
                "OUTPUT": Output(output, tr("Indicators: {0}").format(", ".join(ids))),
                "REPORT": Output(report, side_files=(report.with_suffix(".json"),)),
            },
            self._joined,
            working=tr("Mapping {0} from the store…").format(", ".join(ids)),
        )

    @safe_slot()
    def _add_to_store(self) -> None:
        table = self.table_file.filePath().strip() or self._table_layer_id
        if not table:
            self.report_error(tr("Choose the indicator table above (a CSV, XLSX or ODS file, or fetch one) first."))
            return
        report = self.panel.output_path("added_to_store_report", ".html")
        self.run_algorithm(
            ADD_TO_STORE,
            {"STORE": self.store_text(), "TABLE": table, "SHEET": self.sheet_edit.text().strip()},
            tr("Add to the store"),
            {"REPORT": Output(report)},
            self._store_written,
            working=tr("Adding {0} to the store…").format(Path(table).name),
        )

    @safe_slot()
    def _update_store(self) -> None:
        report = self.panel.output_path("store_update_report", ".html")
        self.run_algorithm(
            UPDATE_STORE,
            {"STORE": self.store_text()},
            tr("Update the store"),
            {"REPORT": Output(report)},
            self._store_written,
            working=tr("Fetching the store's online indicators again…"),
        )

    def _store_written(self, outcome: RunOutcome) -> None:
        """Say what the run added, select it in the list, and let Open full report show its report."""
        self.refresh_store()
        added = [part for part in str(outcome.results.get("INDICATORS") or "").split(",") if part]
        if added:
            self.catalogue.select(added)
            # A whole file (24 IoD columns) is named by its count: the list above shows them selected.
            what = ", ".join(added) if len(added) <= 3 else tr("{0} indicators").format(len(added))
            self.status.setText(
                tr("Added {0} values of {1} to the store (selected in the list): press Add to map.").format(
                    f"{int(outcome.results.get('ADDED') or 0):,}", what
                )
            )
        else:
            self.status.setText(tr("{0} finished: see its report.").format(outcome.description))
        report = str(outcome.results.get("REPORT") or "")
        if report and Path(report).is_file():
            self.report_html = report
            self.report_button.setEnabled(True)

    @safe_slot()
    def _fetch(self) -> None:
        self.run_algorithm(
            LOAD_INDICATORS,
            self.source_form.values(),
            tr("Load indicators"),
            self.source_form.destinations(self.panel.output_path),
            self._fetched,
        )

    def _fetched(self, outcome: RunOutcome) -> None:
        tables = [
            str(value)
            for value in outcome.results.values()
            if isinstance(value, str) and Path(value).suffix.lower() in TABLE_SUFFIXES and Path(value).is_file()
        ]
        if tables:
            self.set_table(tables[0])
            self.status.setText(tr("Fetched {0}: press Join indicators.").format(Path(tables[0]).name))
            return
        layers = [layer for layer in outcome.layers if isinstance(layer, QgsVectorLayer)]
        if layers:
            self._table_layer_id = layers[0].id()
            self.table_file.setFilePath("")
            self.status.setText(tr("Fetched the layer {0}: press Join indicators.").format(layers[0].name()))
        else:
            self.status.setText(tr("The tool finished but gave no table: see the LIS log."))
