"""The plugin class: registers the Processing provider and adds the LIS menu, toolbar and panel."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu, QToolBar

from .core.plugin_files import resource_path

MENU_OBJECT_NAME = "LisMenu"
TOOLBAR_OBJECT_NAME = "LisToolBar"


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisPlugin", text)


class LisPlugin:
    """Created by ``classFactory``; ``iface`` is None under qgis_process."""

    def __init__(self, iface) -> None:  # noqa: ANN001 - QgisInterface or None
        self.iface = iface
        self.provider = None
        self.menu: QMenu | None = None
        self.toolbar: QToolBar | None = None
        self.dock = None
        self.actions: list[QAction] = []

    # --- Processing (also used by qgis_process, with no GUI) ---------------------------------

    def initProcessing(self) -> None:
        """Register the ``lis`` provider, once."""
        if self.provider is not None:
            return
        from .processing.provider import LisProvider

        provider = LisProvider()
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider

    # --- GUI --------------------------------------------------------------------------------------

    def initGui(self) -> None:
        """Add the provider, the LIS menu (before Help), the LIS toolbar and the panel's toggle."""
        self.initProcessing()
        main_window = self.iface.mainWindow()
        self.menu = QMenu(tr("&LIS"), main_window)
        self.menu.setObjectName(MENU_OBJECT_NAME)
        menu_bar = main_window.menuBar()
        help_menu = next((a for a in menu_bar.actions() if a.menu() and a.menu().objectName() == "mHelpMenu"), None)
        if help_menu is not None:
            menu_bar.insertMenu(help_menu, self.menu)
        else:
            menu_bar.addMenu(self.menu)
        self.toolbar = self.iface.addToolBar(tr("LIS"))
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)

        panel_action = self._add_action("lis.svg", tr("Local Information System panel"), self.toggle_dock)
        panel_action.setCheckable(True)
        self._add_action("sample.svg", tr("Create sample district…"), lambda: self.open_algorithm("lis:createsample"))

    def _add_action(self, icon: str, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(QIcon(str(resource_path("icons", icon))), text, self.iface.mainWindow())
        action.setToolTip(text)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        self.toolbar.addAction(action)
        self.actions.append(action)
        return action

    def toggle_dock(self) -> None:
        """Show or hide the Local Information System panel, creating it on first use."""
        if self.dock is None:
            from .gui.lis_dock import LisDockWidget

            self.dock = LisDockWidget(self.open_algorithm, self.iface.mainWindow())
            self.dock.visibilityChanged.connect(self.actions[0].setChecked)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.show()
            return
        self.dock.setUserVisible(not self.dock.isUserVisible())

    def open_algorithm(self, algorithm_id: str) -> None:
        """Open an algorithm's Processing dialog (it runs in a background task with progress and cancel)."""
        import processing

        processing.execAlgorithmDialog(algorithm_id, {})

    def unload(self) -> None:
        """Remove everything initGui and initProcessing added."""
        if self.dock is not None:
            self.dock.visibilityChanged.disconnect()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        for action in self.actions:
            action.triggered.disconnect()
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.deleteLater()
        self.actions = []
        if self.menu is not None:
            self.iface.mainWindow().menuBar().removeAction(self.menu.menuAction())
            self.menu.setParent(None)
            self.menu.deleteLater()
            self.menu = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
