"""The plugin loads like QGIS loads it, registers its provider once and unloads cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from qgis.core import QgsApplication
from qgis.gui import QgisInterface
from qgis.PyQt.QtWidgets import QDockWidget, QMenu, QToolBar

from lis_qgis_plugin.gui.lis_dock import DOCK_OBJECT_NAME
from lis_qgis_plugin.plugin import MENU_OBJECT_NAME, TOOLBAR_OBJECT_NAME, LisPlugin

from ..support import REPO

#: Every algorithm lis_qgis_plugin/processing/provider.py registers, always: the toolbox and the panel count on it.
ALGORITHM_IDS = [  # sorted
    "lis:accessibility2sfca",
    "lis:addboundaryset",
    "lis:addlookup",
    "lis:addtostore",
    "lis:aggregateindicators",
    "lis:compositeindex",
    "lis:createsample",
    "lis:deprivationmap",
    "lis:deprivationsummary",
    "lis:exportatlas",
    "lis:exportwebreport",
    "lis:indicatorlayer",
    "lis:indicatorstatistics",
    "lis:joinindicators",
    "lis:loadboundaries",
    "lis:loadindicators",
    "lis:locateservices",
    "lis:servicecatchments",
    "lis:updatestore",
]


def _lis_providers() -> list:
    return [p for p in QgsApplication.processingRegistry().providers() if p.id() == "lis"]


def _flush_deletes() -> None:
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def test_class_factory_builds_the_plugin_with_the_test_iface(lis_plugin: LisPlugin, qgis_iface: QgisInterface) -> None:
    assert isinstance(lis_plugin, LisPlugin)
    assert lis_plugin.iface is qgis_iface


def test_provider_is_registered_once_and_lists_its_algorithms(lis_plugin: LisPlugin) -> None:
    lis_plugin.initProcessing()  # a second call must not register a second provider
    providers = _lis_providers()
    assert len(providers) == 1
    assert providers[0].name() == "Local Information System"
    assert sorted(a.id() for a in providers[0].algorithms()) == ALGORITHM_IDS


def test_every_algorithm_is_in_the_toolbox_with_a_name_and_help(lis_plugin: LisPlugin) -> None:
    registry = QgsApplication.processingRegistry()
    for algorithm_id in ALGORITHM_IDS:
        algorithm = registry.algorithmById(algorithm_id)
        assert algorithm is not None, algorithm_id
        assert algorithm.provider().id() == "lis", algorithm_id
        assert algorithm.displayName().strip(), algorithm_id
        assert algorithm.shortHelpString().strip(), algorithm_id
    names = [registry.algorithmById(algorithm_id).displayName() for algorithm_id in ALGORITHM_IDS]
    assert len(set(names)) == len(names)  # twelve tools a user can tell apart


def test_gui_adds_menu_toolbar_and_panel(lis_plugin: LisPlugin, qgis_iface: QgisInterface) -> None:
    main_window = qgis_iface.mainWindow()
    menus = [a.menu() for a in main_window.menuBar().actions() if a.menu() is not None]
    lis_menu = next(m for m in menus if m.objectName() == MENU_OBJECT_NAME)
    assert lis_menu.title() == "&LIS"
    texts = [a.text() for a in lis_menu.actions()]
    assert texts == ["Local Information System panel", "Create sample district…"]
    toolbar = main_window.findChild(QToolBar, TOOLBAR_OBJECT_NAME)
    assert toolbar is not None and [a.text() for a in toolbar.actions()] == texts

    lis_plugin.actions[0].trigger()  # opens the panel
    dock = main_window.findChild(QDockWidget, DOCK_OBJECT_NAME)
    assert dock is not None and dock.windowTitle() == "Local Information System"
    assert dock.tabs.tabText(0) == "Start"


def test_unload_removes_everything_and_the_plugin_can_load_again(
    lis_plugin: LisPlugin, qgis_iface: QgisInterface
) -> None:
    main_window = qgis_iface.mainWindow()
    if lis_plugin.dock is None:
        lis_plugin.toggle_dock()
    lis_plugin.unload()
    _flush_deletes()
    try:
        assert _lis_providers() == []
        assert main_window.findChild(QDockWidget, DOCK_OBJECT_NAME) is None
        assert main_window.findChild(QToolBar, TOOLBAR_OBJECT_NAME) is None
        assert main_window.findChild(QMenu, MENU_OBJECT_NAME) is None
        assert [a for a in main_window.menuBar().actions() if a.text() == "&LIS"] == []
        assert lis_plugin.actions == [] and lis_plugin.provider is None
    finally:
        lis_plugin.initGui()  # the rest of the session uses the plugin again, as after a plugin reload
    assert len(_lis_providers()) == 1


_HEADLESS_LOAD = """
import json, sys
from qgis.core import QgsApplication
from qgis.gui import QgisInterface
app = QgsApplication([], False)
app.initQgis()
HEAVY = ("pandas", "scipy", "shapely", "openpyxl")
already = {m for m in HEAVY if m in sys.modules}  # QGIS 3.38+ itself imports shapely at start-up
from lis_qgis_plugin import classFactory
plugin = classFactory(None)
plugin.initProcessing()
plugin.initProcessing()
ids = [a.id() for p in QgsApplication.processingRegistry().providers() if p.id() == "lis" for a in p.algorithms()]
heavy = sorted(m for m in HEAVY if m in sys.modules and m not in already)
plugin.unload()  # qgis_process never calls initGui: unload must cope with a provider only
left = [p.id() for p in QgsApplication.processingRegistry().providers() if p.id() == "lis"]
print(json.dumps({"ids": ids, "heavy": heavy, "left_after_unload": left}))
"""


def test_headless_load_with_iface_none_is_light() -> None:
    """As qgis_process loads it: no iface, no GUI, and no heavy library imported by the plugin until a tool runs."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [sys.executable, "-c", _HEADLESS_LOAD], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert sorted(report["ids"]) == ALGORITHM_IDS
    assert report["heavy"] == []
    assert report["left_after_unload"] == []
