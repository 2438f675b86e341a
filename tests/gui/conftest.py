"""The panel's fixtures: the sample project, the panel opened from the plugin, the user's settings kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import QgsProject, QgsSettings, QgsVectorLayer
from qgis.gui import QgisInterface

from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.plugin import LisPlugin

from .panel_support import SAMPLE_TITLES


@pytest.fixture(autouse=True)
def keep_user_settings() -> Iterator[None]:
    """The panel remembers choices in QgsSettings (lis/...): put the test profile's values back afterwards."""
    settings = QgsSettings()
    settings.beginGroup("lis")
    saved = {key: settings.value(key) for key in settings.allKeys()}
    settings.endGroup()
    yield
    settings.beginGroup("lis")
    for key in settings.allKeys():
        if key not in saved:
            settings.remove(key)
    for key, value in saved.items():
        settings.setValue(key, value)
    settings.endGroup()


@pytest.fixture()
def project(qgis_new_project: QgsProject, sample_gpkg: Path) -> QgsProject:
    """A new project holding the sample layers (owned by the project, so freed before QGIS exits)."""
    for name, title in SAMPLE_TITLES.items():
        layer = QgsVectorLayer(f"{sample_gpkg}|layername={name}", title, "ogr")
        assert layer.isValid()
        qgis_new_project.addMapLayer(layer)
    return qgis_new_project


@pytest.fixture()
def panel(lis_plugin: LisPlugin, project: QgsProject, tmp_path: Path, qgis_iface: QgisInterface) -> LisDockWidget:
    """The panel, opened from the plugin's action, writing into a fresh output folder."""
    if lis_plugin.dock is None:
        lis_plugin.actions[0].trigger()
    dock = lis_plugin.dock
    dock.set_output_folder(str(tmp_path / "outputs"), remember=False)
    qgis_iface.messageBar().clear_messages()
    return dock
