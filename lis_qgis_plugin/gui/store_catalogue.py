"""The indicator store's catalogue as the panel lists it: one row per indicator, searchable, read through core.store.

The list only reads (catalogue() and periods()), so opening the page never writes to a store: a GeoPackage
that does not exist yet is reported as such, not created. A store that cannot be read shows its error in
one sentence in place of the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qgis.core import QgsProviderRegistry
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QResizeEvent
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import LisError
from ..core.store.store_location import DEFAULT_SCHEMA, DEFAULT_STORE_NAME, StoreLocation
from ..core.store.store_values import catalogue, periods
from ..processing.store_parameters import POSTGIS_PREFIX
from .widgets import add_row, form_layout, status_label

#: What the schema follows in the STORE text of a PostGIS store.
SCHEMA_MARK = "|schema="
#: An invisible break: a label may wrap a long path after a separator instead of widening a narrow dock.
BREAK = "\u200b"
#: The item data role that holds an indicator's id.
ID_ROLE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisStoreCatalogue", text)


@dataclass(frozen=True)
class CatalogueRow:
    """What the list shows of one indicator (the id is kept for searching and for the tools)."""

    indicator_id: str
    name: str
    source: str
    periods: str
    geography: str
    updated: str
    #: the geography and vintage as stored, to choose a boundary set
    geography_key: tuple[str, str] = ("", "")

    def cells(self) -> list[str]:
        """The texts of the list's columns, in order: what tells indicators apart first, for a narrow dock."""
        return [self.name, self.periods, self.geography, self.source, self.updated]

    def matches(self, words: list[str]) -> bool:
        """Whether every word of a search is in the id, the name or the source (any case)."""
        text = f"{self.indicator_id} {self.name} {self.source}".casefold()
        return all(word in text for word in words)


def breakable(text: str) -> str:
    """``text`` that a word-wrapped label may break after each path separator (it reads the same)."""
    for separator in ("/", "\\", "|", "_"):
        text = text.replace(separator, separator + BREAK)
    return text


def period_span(stored: list[str]) -> str:
    """'2019/20 – 2022/23 (4)' for several periods (oldest first), the period alone for one."""
    if not stored:
        return tr("no values")
    if len(stored) == 1:
        return stored[0]
    return f"{stored[0]} – {stored[-1]} ({len(stored)})"


def updated_text(loaded_at: str) -> str:
    """The ISO time an indicator was loaded, as local date and minute ('' when unknown, as given when unreadable)."""
    if not loaded_at:
        return ""
    try:
        moment = datetime.fromisoformat(loaded_at)
    except ValueError:
        return loaded_at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def catalogue_rows(location: StoreLocation) -> list[CatalogueRow]:
    """Every indicator of the store, by id, with its periods; LisError (StoreError) when the store cannot be read."""
    rows = []
    for entry in catalogue(location):
        geography = " ".join(part for part in (entry.geography, entry.vintage) if part)
        rows.append(
            CatalogueRow(
                entry.indicator_id,
                entry.name,
                entry.source,
                period_span(periods(location, entry.indicator_id)),
                geography,
                updated_text(entry.loaded_at),
                (entry.geography, entry.vintage),
            )
        )
    return rows


class StoreCatalogue(QWidget):
    """A search box over the list of the store's indicators, and the line that says what the list shows."""

    COLUMNS = 5  # name, periods, geography, source, updated
    #: the widest the name and source columns open at (the full text is in the row's tooltip)
    NAME_WIDTH, SOURCE_WIDTH = 200, 150

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeCatalogue")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(self)
        self.search.setObjectName("storeSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("Search by id, name or source"))
        self.search.setToolTip(tr("Show only the indicators whose id, name or source holds every word typed"))
        self.search.textChanged.connect(self._filter)
        layout.addWidget(self.search)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("storeCatalogueList")
        self.tree.setToolTip(tr("The indicators in the store: select one or more, then Add to map"))
        self.tree.setHeaderLabels([tr("Name"), tr("Periods"), tr("Geography"), tr("Source"), tr("Updated")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setMinimumHeight(180)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(False)
        layout.addWidget(self.tree)
        self.message = status_label(self, "storeCatalogueMessage")  # what the list shows, or why it is empty
        layout.addWidget(self.message)
        self.rows: list[CatalogueRow] = []

    def show_store(self, location: StoreLocation | None, missing: str = "") -> None:
        """List ``location``'s indicators; ``missing`` (no location) or the store's own error replaces the list."""
        self.rows = []
        error = missing
        if location is not None:
            try:
                self.rows = catalogue_rows(location)
            except LisError as problem:
                error = str(problem)
        self._fill()
        if error:
            self.message.setText(breakable(error))
        elif not self.rows:
            self.message.setText(tr("The store holds no indicators yet: add a table with Add to store."))
        else:
            self.message.setText(tr("{0} indicators in the store.").format(len(self.rows)))

    def _fill(self) -> None:
        selected = set(self.selected_ids())
        self.tree.setSortingEnabled(False)  # while filling, so rows stay where they are put
        self.tree.clear()
        for row in self.rows:
            item = QTreeWidgetItem(row.cells())
            item.setData(0, ID_ROLE, row.indicator_id)
            item.setToolTip(0, tr("{0} (id {1})").format(row.name, row.indicator_id))
            for column, text in enumerate(row.cells()[1:], start=1):
                item.setToolTip(column, text)
            self.tree.addTopLevelItem(item)
            item.setSelected(row.indicator_id in selected)
        self.tree.setSortingEnabled(True)
        for column in range(1, self.COLUMNS):
            self.tree.resizeColumnToContents(column)
        self.tree.setColumnWidth(3, min(self.tree.columnWidth(3), self.SOURCE_WIDTH))
        self._fit_name_column()
        self._filter(self.search.text())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the periods in view beside the names as the dock narrows."""
        super().resizeEvent(event)
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """The name column as wide as its names, but no wider than NAME_WIDTH or half of a narrow list."""
        content = max([self.tree.sizeHintForColumn(0), self.tree.header().sectionSizeHint(0)])
        room = max(120, self.tree.viewport().width() // 2)
        self.tree.setColumnWidth(0, min(content, self.NAME_WIDTH, room))

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            row = self.row(str(item.data(0, ID_ROLE)))
            item.setHidden(row is not None and not row.matches(words))

    def row(self, indicator_id: str) -> CatalogueRow | None:
        """The listed row of ``indicator_id``."""
        return next((row for row in self.rows if row.indicator_id == indicator_id), None)

    def visible_ids(self) -> list[str]:
        """The ids of the rows the search leaves in view, in the list's order."""
        items = (self.tree.topLevelItem(index) for index in range(self.tree.topLevelItemCount()))
        return [str(item.data(0, ID_ROLE)) for item in items if not item.isHidden()]

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows in view, in the list's order."""
        chosen = {id(item) for item in self.tree.selectedItems()}
        items = (self.tree.topLevelItem(index) for index in range(self.tree.topLevelItemCount()))
        return [str(item.data(0, ID_ROLE)) for item in items if id(item) in chosen and not item.isHidden()]

    def select(self, indicator_ids: list[str]) -> None:
        """Select the rows of ``indicator_ids`` (and no other)."""
        wanted = set(indicator_ids)
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            item.setSelected(str(item.data(0, ID_ROLE)) in wanted)


def postgis_connection_names() -> list[str]:
    """The PostgreSQL connections saved in QGIS, by name."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections()) if metadata is not None else []


def postgis_store_text(connection: str, schema: str) -> str:
    """The STORE text of a schema of a saved connection (or ``service=<name>``): ``pg:<name>|schema=<schema>``."""
    return f"{POSTGIS_PREFIX}{connection}{SCHEMA_MARK}{schema or DEFAULT_SCHEMA}"


def split_postgis_text(text: str) -> tuple[str, str]:
    """The connection and the schema of a ``pg:`` STORE text (the default schema when it names none)."""
    connection, _mark, schema = text[len(POSTGIS_PREFIX) :].partition(SCHEMA_MARK)
    return connection.strip(), schema.strip() or DEFAULT_SCHEMA


class StoreChoice(QWidget):
    """Where the store is: a GeoPackage file (empty: ``lis_store.gpkg`` beside the project) or a PostGIS schema
    of one of QGIS's saved PostgreSQL connections. ``changed`` says the user chose another store."""

    changed = pyqtSignal()
    GEOPACKAGE, POSTGIS = 0, 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeChoice")
        form = form_layout()
        form.setContentsMargins(0, 0, 0, 0)
        self.setLayout(form)
        self.kind = QComboBox(self)
        self.kind.addItems([tr("GeoPackage file"), tr("PostGIS (team)")])
        add_row(form, tr("&Store kept in"), self.kind, tr("One analyst: a GeoPackage file. A team: a PostGIS schema"),
                "storeKindCombo")  # fmt: skip
        self.file = QgsFileWidget(self)
        self.file.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.file.setFilter(tr("GeoPackage (*.gpkg)"))
        self.file.setDialogTitle(tr("Indicator store"))
        self.file.lineEdit().setPlaceholderText(tr("{0} beside the project").format(DEFAULT_STORE_NAME))
        self.file_label = add_row(
            form,
            tr("Store fil&e"),
            self.file,
            tr(
                "The GeoPackage that holds the indicators (created when first added to); empty: {0} beside the project"
            ).format(DEFAULT_STORE_NAME),
            "storeFileWidget",
        )
        self.connection = QComboBox(self)
        self.connection.setEditable(True)  # a connection name, or service=<name> typed in
        self.connection_label = add_row(
            form,
            tr("Connect&ion"),
            self.connection,
            tr("A PostgreSQL connection saved in QGIS (Data Source Manager), or service=<name>"),
            "storeConnectionCombo",
        )
        self.schema = QLineEdit(self)
        self.schema.setPlaceholderText(DEFAULT_SCHEMA)
        self.schema_label = add_row(
            form, tr("Data&base schema"), self.schema, tr("The schema of the team's store"), "storeSchemaEdit"
        )
        self._filling = False
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.file.fileChanged.connect(self._edited)
        self.connection.activated.connect(self._edited)  # a name chosen, or typed and confirmed: not each key
        self.connection.lineEdit().editingFinished.connect(self._edited)
        self.schema.editingFinished.connect(self._edited)
        self._show_rows()

    def text(self) -> str:
        """The STORE text: a GeoPackage path ('' for the default), or ``pg:<connection>|schema=<schema>``."""
        if self.kind.currentIndex() == self.POSTGIS:
            connection = self.connection.currentText().strip()
            return postgis_store_text(connection, self.schema.text().strip()) if connection else ""
        return self.file.filePath().strip()

    def set_text(self, text: str) -> None:
        """Show the STORE text ``text`` (as kept in the project) without saying it changed."""
        self._filling = True
        try:
            names = postgis_connection_names()
            self.connection.clear()
            self.connection.addItems(names)
            if text.startswith(POSTGIS_PREFIX):
                connection, schema = split_postgis_text(text)
                self.kind.setCurrentIndex(self.POSTGIS)
                self.connection.setEditText(connection)
                self.schema.setText(schema)
                self.file.setFilePath("")
            else:
                self.kind.setCurrentIndex(self.GEOPACKAGE)
                self.file.setFilePath(text)
                self.connection.setEditText(names[0] if names else "")
                self.schema.setText("")
        finally:
            self._filling = False
        self._show_rows()

    def _kind_changed(self) -> None:
        if self.kind.currentIndex() == self.POSTGIS and not self._filling:  # connections saved since: offered too
            typed = self.connection.currentText()
            self.connection.clear()
            self.connection.addItems(postgis_connection_names())
            self.connection.setEditText(typed)
        self._show_rows()
        self._edited()

    def _show_rows(self) -> None:
        postgis = self.kind.currentIndex() == self.POSTGIS
        for widget in (self.file, self.file_label):
            widget.setVisible(not postgis)
        for widget in (self.connection, self.connection_label, self.schema, self.schema_label):
            widget.setVisible(postgis)

    def _edited(self) -> None:
        if not self._filling:
            self.changed.emit()
