"""Add the GeoPackage layers an algorithm asked to load to the project, in the "LIS" group, with their stored style.

The panel's side of processing.output_loading: the same plan, group, order and names as a toolbox run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsMessageLog,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..processing.output_loading import GROUP_NAME, name_result_layer

LOG_TAG = "LIS"


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisResultLayers", text)


def lis_group(project: QgsProject) -> QgsLayerTreeGroup:
    """The project's "LIS" group at the top of the layer tree, made when missing."""
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME)
    if group is None:
        group = root.insertGroup(0, GROUP_NAME)
    return group


def geopackage_of(uri: str) -> Path | None:
    """The .gpkg file of an OGR layer URI; None for anything else (memory layers, other formats)."""
    path = str(QgsProviderRegistry.instance().decodeUri("ogr", uri).get("path") or uri.split("|")[0])
    return Path(path) if path.lower().endswith(".gpkg") else None


def add_result_layers(
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback | None,
    project: QgsProject,
    titles: dict[str, str] | None = None,
) -> list[QgsMapLayer]:
    """Load every layer ``context`` planned to load (GeoPackage files only) into the "LIS" group, newest on top.

    The layers keep the algorithm's order and get their names as in a toolbox run (what the result is and when,
    numbered when taken). ``titles`` maps a layer URI to the name to use where the algorithm planned none of
    its own. The plan is emptied at the end, so nothing is loaded twice.
    """
    planned = context.layersToLoadOnCompletion()
    added: list[QgsMapLayer] = []
    # Processing's order: the highest layerSortKey goes on top (load_on_completion gives the first output 0).
    for uri, details in sorted(planned.items(), key=lambda item: -item[1].layerSortKey):
        if geopackage_of(uri) is None:
            QgsMessageLog.logMessage(tr("Not added to the project (not a GeoPackage file): {0}").format(uri), LOG_TAG)
            continue
        name = (titles or {}).get(uri) or details.name or Path(uri.split("|")[0]).stem
        layer = QgsVectorLayer(uri, name, "ogr")
        if not layer.isValid():
            QgsMessageLog.logMessage(tr("The output {0} does not open: not added.").format(uri), LOG_TAG)
            continue
        project.addMapLayer(layer, False)
        lis_group(project).insertLayer(len(added), layer)  # this run's layers on top, in the algorithm's order
        post_processor = details.postProcessor()
        if post_processor is not None:
            post_processor.postProcessLayer(layer, context, feedback)  # LIS's names the layer and styles it
        else:
            name_result_layer(layer, name, datetime.now(), project)
            layer.loadDefaultStyle()
        added.append(layer)
    context.setLayersToLoadOnCompletion({})  # after the loop: this deletes the post-processors used above
    return added
