"""A QGIS project over the sample district, every layer read from its GeoPackage."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsReferencedRectangle, QgsVectorLayer

from .sample_files import SampleFiles

#: Layers from top to bottom of the legend, with their legend names.
SAMPLE_LAYERS = [
    ("services", "Services"),
    ("candidate_sites", "Candidate sites"),
    ("popweighted_centroids", "Population-weighted centroids"),
    ("district", "District boundary"),
    ("wards", "Wards"),
    ("roads", "Roads"),
    ("small_areas", "Small areas: IMD decile"),
]
GROUP_NAME = "LIS sample: Lisford"


def load_sample_layers(geopackage: Path) -> list[QgsVectorLayer]:
    """Open the sample layers (legend order) with the styles stored in the GeoPackage."""
    layers = []
    for layer_name, title in SAMPLE_LAYERS:
        layer = QgsVectorLayer(f"{geopackage}|layername={layer_name}", title, "ogr")
        if not layer.isValid():
            raise ValueError(f"Layer '{layer_name}' of {geopackage} cannot be opened")
        layers.append(layer)
    return layers


def build_sample_project(files: SampleFiles, project_path: Path) -> QgsProject:
    """Write a .qgz showing the sample district; paths are stored relative to the project."""
    project = QgsProject()
    project.setTitle("LIS sample district: Lisford (synthetic)")
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    group = project.layerTreeRoot().addGroup(GROUP_NAME)
    for layer in load_sample_layers(files.geopackage):
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        if layer.name() == "Population-weighted centroids":
            node.setItemVisibilityChecked(False)
        if layer.name() == "District boundary":
            extent = layer.extent()
            extent.scale(1.05)
            # Without it the project opens at scale 1:1 on an empty canvas.
            project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, layer.crs()))
    project_path = Path(project_path)
    project_path.parent.mkdir(parents=True, exist_ok=True)
    if not project.write(str(project_path)):
        raise OSError(f"Cannot write the QGIS project {project_path}: {project.error()}")
    return project
