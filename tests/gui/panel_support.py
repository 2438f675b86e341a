"""Helpers for the panel tests: waiting for a run, finding the LIS group's and the project's layers."""

from __future__ import annotations

import time
from pathlib import Path

from qgis.core import QgsLayerTreeLayer, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

from lis_qgis_plugin.gui.algorithm_runner import AlgorithmRunner, RunOutcome
from lis_qgis_plugin.gui.lis_dock import LisDockWidget
from lis_qgis_plugin.gui.result_layers import GROUP_NAME

SAMPLE_TITLES = {
    "small_areas": "Small areas: IMD decile",
    "services": "Services",
    "roads": "Roads",
    "popweighted_centroids": "Population-weighted centroids",
    "wards": "Wards",
}


def wait_for_outcome(runner: AlgorithmRunner, timeout_s: float = 60) -> RunOutcome:
    """Process events until ``runner``'s run (already started) has finished; its outcome."""
    outcomes: list[RunOutcome] = []
    runner.finished.connect(outcomes.append)
    try:
        deadline = time.monotonic() + timeout_s
        while not outcomes:
            assert time.monotonic() < deadline, "the run did not finish in time"
            QCoreApplication.processEvents()
            time.sleep(0.01)
    finally:
        runner.finished.disconnect(outcomes.append)
    return outcomes[0]


def wait_for_run(panel: LisDockWidget, timeout_s: float = 60) -> RunOutcome:
    """Process events until the panel's run has finished; its outcome."""
    return wait_for_outcome(panel.runner, timeout_s)


def lis_group_layers() -> list[QgsVectorLayer]:
    """The layers of the project's "LIS" group, top first."""
    group = QgsProject.instance().layerTreeRoot().findGroup(GROUP_NAME)
    if group is None:
        return []
    return [node.layer() for node in group.children() if isinstance(node, QgsLayerTreeLayer)]


def gpkg_file(layer: QgsVectorLayer) -> Path:
    """The file a layer reads."""
    return Path(layer.source().split("|")[0])


def project_layer(title: str) -> QgsVectorLayer:
    """The project's layer called ``title``."""
    (layer,) = QgsProject.instance().mapLayersByName(title)
    return layer
