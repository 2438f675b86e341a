"""The plugin class: registers the Processing provider and adds the LIS menu, toolbar, panel and options page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTranslator
from qgis.PyQt.QtGui import QAction, QIcon  # QtGui in Qt 6; qgis.PyQt aliases it there on Qt 5
from qgis.PyQt.QtWidgets import QMenu, QToolBar

from .core.common.plugin_files import resource_path

if TYPE_CHECKING:  # imported when first used, so that QGIS and qgis_process start fast
    from .gui.lis_dock import LisDockWidget
    from .gui.options_page import LisOptionsFactory
    from .processing.provider import LisProvider

MENU_OBJECT_NAME = "LisMenu"
TOOLBAR_OBJECT_NAME = "LisToolBar"


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisPlugin", text)


class LisPlugin:
    """Created by ``classFactory``; ``iface`` is None under qgis_process."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface  # QgisInterface, or None under qgis_process
        self.provider: LisProvider | None = None
        self.menu: QMenu | None = None
        self.toolbar: QToolBar | None = None
        self.dock: LisDockWidget | None = None
        self.options_factory: LisOptionsFactory | None = None
        self.translator: QTranslator | None = None
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
        self._install_translator()
        self.initProcessing()
        main_window = self.iface.mainWindow()
        menu = QMenu(tr("&LIS"), main_window)
        menu.setObjectName(MENU_OBJECT_NAME)
        menu_bar = main_window.menuBar()
        help_menu = next((a for a in menu_bar.actions() if a.menu() and a.menu().objectName() == "mHelpMenu"), None)
        if help_menu is not None:
            menu_bar.insertMenu(help_menu, menu)
        else:
            menu_bar.addMenu(menu)
        toolbar = self.iface.addToolBar(tr("LIS"))
        toolbar.setObjectName(TOOLBAR_OBJECT_NAME)
        self.menu, self.toolbar = menu, toolbar

        panel_action = self._add_action(
            menu, toolbar, "lis.svg", tr("Local Information System panel"), self.toggle_dock
        )
        panel_action.setCheckable(True)
        self._add_action(
            menu, toolbar, "sample.svg", tr("Create sample district…"), lambda: self.open_algorithm("lis:createsample")
        )

        from .gui.options_page import LisOptionsFactory

        self.options_factory = LisOptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)

    def _install_translator(self) -> None:
        """Load ``resources/i18n/lis_<language>.qm`` for the user's QGIS locale, when there is one."""
        locale = str(QgsSettings().value("locale/userLocale", "") or "")[:2]
        try:
            path = resource_path("i18n", f"lis_{locale}.qm")
        except FileNotFoundError:
            return  # English, or a language with no translation yet
        translator = QTranslator()
        if translator.load(str(path)):
            QCoreApplication.installTranslator(translator)
            self.translator = translator

    def _add_action(self, menu: QMenu, toolbar: QToolBar, icon: str, text: str, slot: Callable[[], None]) -> QAction:
        """An action with an icon, in the LIS menu and on the LIS toolbar."""
        action = QAction(QIcon(str(resource_path("icons", icon))), text, self.iface.mainWindow())
        action.setToolTip(text)
        action.triggered.connect(slot)
        menu.addAction(action)
        toolbar.addAction(action)
        self.actions.append(action)
        return action

    def toggle_dock(self) -> None:
        """Show or hide the Local Information System panel, creating it on first use."""
        if self.dock is None:
            from .gui.lis_dock import LisDockWidget

            self.dock = dock = LisDockWidget(self.iface, self.open_algorithm, self.iface.mainWindow())
            dock.visibilityChanged.connect(self.actions[0].setChecked)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.show()
            return
        self.dock.setUserVisible(not self.dock.isUserVisible())

    def open_algorithm(self, algorithm_id: str) -> None:
        """Open an algorithm's Processing dialog (it runs in a background task with progress and cancel)."""
        import processing

        processing.execAlgorithmDialog(algorithm_id, {})

    def unload(self) -> None:
        """Remove everything initGui and initProcessing added."""
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.dock is not None:
            self.dock.shutdown()
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
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
