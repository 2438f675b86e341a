"""The LIS page of *Settings > Options*: car speeds by road class, suppressed-value markers, cache and output folders.

The values are stored by :mod:`..settings` (speeds, markers, cache) and
:mod:`.panel_settings` (output folder), so the tools read them wherever they run.
"""

from __future__ import annotations

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import settings as lis_settings
from ..core.common.plugin_files import resource_path
from .panel_settings import PanelSettings
from .widgets import ScrollPage, add_row, form_layout

OPTIONS_PAGE_NAME = "LisOptionsPage"


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisOptionsPage", text)


class LisOptionsPage(QgsOptionsPageWidget):
    """Edits the LIS defaults; :meth:`apply` stores them when the Options dialog is accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = lis_settings
        self.setObjectName(OPTIONS_PAGE_NAME)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = ScrollPage(self)
        outer.addWidget(page)
        page.body.addWidget(self._speeds_box(page.content))
        page.body.addWidget(self._snap_box(page.content))
        page.body.addWidget(self._downloads_box(page.content))
        page.body.addWidget(self._tables_box(page.content))
        page.body.addWidget(self._folders_box(page.content))
        page.body.addStretch(1)

    def _speeds_box(self, parent: QWidget) -> QGroupBox:
        """A speed per OpenStreetMap road class, for roads with no speed of their own."""
        speeds_box = QGroupBox(tr("Car speeds by road class (km/h)"), parent)
        speeds_layout = QVBoxLayout(speeds_box)
        speeds_note = QLabel(
            tr(
                "Used for driving times when a road has no speed field value and no maxspeed tag "
                "(OpenStreetMap highway classes)."
            ),
            speeds_box,
        )
        speeds_note.setWordWrap(True)
        speeds_layout.addWidget(speeds_note)
        self.defaults = lis_settings.default_speeds_kph()
        self.speeds_table = QTableWidget(len(self.defaults), 2, speeds_box)
        self.speeds_table.setObjectName("speedsTable")
        self.speeds_table.setHorizontalHeaderLabels([tr("Road class"), tr("Speed (km/h)")])
        self.speeds_table.verticalHeader().setVisible(False)
        self.speeds_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.speeds_table.setToolTip(tr("Typical driving speed on each class of road"))
        self.speed_spins: dict[str, QDoubleSpinBox] = {}
        current = lis_settings.speeds_kph()
        for row, road_class in enumerate(self.defaults):
            item = QTableWidgetItem(road_class)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.speeds_table.setItem(row, 0, item)
            spin = QDoubleSpinBox(self.speeds_table)
            spin.setRange(1, 200)
            spin.setDecimals(1)
            spin.setValue(current.get(road_class, self.defaults[road_class]))
            spin.setToolTip(
                tr("Speed on '{0}' roads, km/h (default {1:.1f})").format(road_class, self.defaults[road_class])
            )
            spin.setAccessibleName(tr("Speed on {0} roads").format(road_class))
            self.speeds_table.setCellWidget(row, 1, spin)
            self.speed_spins[road_class] = spin
        self.speeds_table.setMinimumHeight(260)
        speeds_layout.addWidget(self.speeds_table)
        reset_speeds = QPushButton(tr("&Reset speeds"), speeds_box)
        reset_speeds.setToolTip(tr("Put back the built-in speeds"))
        reset_speeds.clicked.connect(self._reset_speeds)
        speeds_layout.addWidget(reset_speeds, 0, Qt.AlignmentFlag.AlignLeft)
        return speeds_box

    def _snap_box(self, parent: QWidget) -> QGroupBox:
        """How far from the roads a facility, site or demand point may lie and still be placed on them."""
        snap_box = QGroupBox(tr("Placing points on the roads"), parent)
        snap_form = form_layout()
        snap_box.setLayout(snap_form)
        self.max_snap_spin = QDoubleSpinBox(snap_box)
        self.max_snap_spin.setObjectName("maxSnapSpin")
        self.max_snap_spin.setRange(1.0, 100_000.0)
        self.max_snap_spin.setDecimals(0)
        self.max_snap_spin.setSingleStep(100.0)
        self.max_snap_spin.setSuffix(" m")
        self.max_snap_spin.setValue(lis_settings.max_snap_m())
        add_row(
            snap_form,
            tr("Maximum &snap distance"),
            self.max_snap_spin,
            tr(
                "Facilities, sites and demand points farther than this from the road network are left out of the "
                "results and listed in a not_placed table, instead of being placed on a far road (default 1,000 m)"
            ),
        )
        return snap_box

    def _downloads_box(self, parent: QWidget) -> QGroupBox:
        """The limits of one online download: how long it may take in all, and how large it may be."""
        box = QGroupBox(tr("Online downloads"), parent)
        form = form_layout()
        box.setLayout(form)
        self.deadline_spin = QDoubleSpinBox(box)
        self.deadline_spin.setObjectName("downloadDeadlineSpin")
        self.deadline_spin.setRange(1.0, 86_400.0)
        self.deadline_spin.setDecimals(0)
        self.deadline_spin.setSuffix(" s")
        self.deadline_spin.setValue(lis_settings.online_download_deadline())
        add_row(
            form,
            tr("Download &deadline"),
            self.deadline_spin,
            tr("The longest one download may take in all, retries included; a slower one is stopped (default 600 s)"),
        )
        self.max_download_spin = QDoubleSpinBox(box)
        self.max_download_spin.setObjectName("maxDownloadSpin")
        self.max_download_spin.setRange(1.0, 100_000.0)
        self.max_download_spin.setDecimals(0)
        self.max_download_spin.setSuffix(" MB")
        self.max_download_spin.setValue(lis_settings.online_max_download_bytes() / (1024 * 1024))
        add_row(
            form,
            tr("&Largest download"),
            self.max_download_spin,
            tr("Downloads larger than this, before or after unpacking, are refused (default 500 MB)"),
        )
        return box

    def _tables_box(self, parent: QWidget) -> QGroupBox:
        """The cell texts that mean a value is suppressed."""
        tables_box = QGroupBox(tr("Indicator tables"), parent)
        tables_form = form_layout()
        tables_box.setLayout(tables_form)
        markers_row = QWidget(tables_box)
        markers_layout = QHBoxLayout(markers_row)
        markers_layout.setContentsMargins(0, 0, 0, 0)
        self.markers_edit = QLineEdit(" ".join(sorted(lis_settings.suppressed_markers())), markers_row)
        self.markers_edit.setObjectName("markersEdit")
        reset_markers = QPushButton(tr("Reset &markers"), markers_row)
        reset_markers.setToolTip(tr("Put back the built-in markers"))
        reset_markers.clicked.connect(
            lambda: self.markers_edit.setText(" ".join(sorted(lis_settings.default_suppressed_markers())))
        )
        markers_layout.addWidget(self.markers_edit, 1)
        markers_layout.addWidget(reset_markers)
        markers_tip = tr("Cell texts that mean 'suppressed or not available', separated by spaces: they become NULL")
        markers_label = QLabel(tr("&Suppressed markers"), tables_box)
        markers_label.setBuddy(self.markers_edit)
        for widget in (markers_label, self.markers_edit):
            widget.setToolTip(markers_tip)
        tables_form.addRow(markers_label, markers_row)
        return tables_box

    def _folders_box(self, parent: QWidget) -> QGroupBox:
        """Where road networks are cached, and where the panel writes when a project has no folder."""
        folders_box = QGroupBox(tr("Folders"), parent)
        folders_form = form_layout()
        folders_box.setLayout(folders_form)
        self.cache_widget = QgsFileWidget(folders_box)
        self.cache_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.cache_widget.setObjectName("cacheDirWidget")
        configured = lis_settings.cache_dir()
        self.cache_widget.setFilePath(str(configured) if configured else "")
        self.cache_widget.lineEdit().setPlaceholderText(tr("<QGIS profile>/lis_cache"))
        add_row(
            folders_form,
            tr("Road network &cache"),
            self.cache_widget,
            tr("Where built road networks are kept so they are read once (empty: lis_cache in the QGIS profile)"),
        )
        self.output_widget = QgsFileWidget(folders_box)
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_widget.setObjectName("defaultOutputWidget")
        self.output_widget.setFilePath(PanelSettings.output_folder.value())
        self.output_widget.lineEdit().setPlaceholderText(tr("beside the project, in lis_outputs"))
        add_row(
            folders_form,
            tr("Default &output folder"),
            self.output_widget,
            tr("Where the panel writes its outputs in projects that have no folder of their own"),
        )
        return folders_box

    def _reset_speeds(self) -> None:
        for road_class, spin in self.speed_spins.items():
            spin.setValue(self.defaults[road_class])

    def apply(self) -> None:
        """Store the values (QGIS calls this when the Options dialog is accepted)."""
        self.settings.set_speeds_kph({road_class: spin.value() for road_class, spin in self.speed_spins.items()})
        self.settings.set_suppressed_markers(self.markers_edit.text().split())
        self.settings.set_cache_dir(self.cache_widget.filePath().strip() or None)
        self.settings.set_max_snap_m(self.max_snap_spin.value())
        self.settings.set_online_download_limits(self.deadline_spin.value(), self.max_download_spin.value())
        folder = self.output_widget.filePath().strip()
        if folder:
            PanelSettings.output_folder.set(folder)
        else:
            PanelSettings.output_folder.reset()


class LisOptionsFactory(QgsOptionsWidgetFactory):
    """Adds the LIS page to *Settings > Options*."""

    def __init__(self) -> None:
        super().__init__(tr("LIS"), QIcon(str(resource_path("icons", "lis.svg"))))

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "lis.svg")))

    def createWidget(self, parent: QWidget | None = None) -> LisOptionsPage:
        return LisOptionsPage(parent)
