"""A one-page print layout from the shipped template: headline, map, legend, scale, north, source.

The template (resources/templates/lis_map_a4_landscape.qpt) names its items by id;
this module only fills them, so the look can be changed in the layout designer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsLayoutExporter,
    QgsLayoutItem,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsMapLayer,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
)
from qgis.PyQt.QtXml import QDomDocument

from ..core.common.plugin_files import resource_path
from .layout_text import literal_legend_name, literal_text, plain_label

MAP_TEMPLATE = "lis_map_a4_landscape.qpt"


@dataclass
class MapPage:
    """What one page says: the headline first, then what the map shows and where the data came from."""

    title: str
    subtitle: str
    source: str
    layers: list[QgsMapLayer]  # drawn top first
    legend_layers: list[QgsMapLayer]
    extent: QgsRectangle


def load_template_layout(project: QgsProject, template: Path | None = None) -> QgsPrintLayout:
    """A print layout made from a .qpt template (ours by default)."""
    template = template or resource_path("templates", MAP_TEMPLATE)
    document = QDomDocument()
    if not document.setContent(Path(template).read_text(encoding="utf-8"))[0]:  # PyQt: (parsed, error, line, column)
        raise ValueError(f"{template} is not a readable QGIS layout template (.qpt)")
    layout = QgsPrintLayout(project)
    _, loaded = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not loaded:
        raise ValueError(f"QGIS could not load the layout template {template}")
    return layout


def _item(layout: QgsPrintLayout, item_id: str, item_type: type[QgsLayoutItem]) -> QgsLayoutItem:
    item = layout.itemById(item_id)
    if not isinstance(item, item_type):
        raise ValueError(f"The layout template has no {item_type.__name__} with id '{item_id}'")
    return item


def build_map_layout(project: QgsProject, page: MapPage, template: Path | None = None) -> QgsPrintLayout:
    """Fill the template's items for one map page."""
    layout = load_template_layout(project, template)
    layout.setName(page.title)
    for item_id, text in (("title", page.title), ("subtitle", page.subtitle), ("source", page.source)):
        plain_label(_item(layout, item_id, QgsLayoutItemLabel), literal_text(text))  # printed as written
    map_item = _item(layout, "map", QgsLayoutItemMap)
    map_item.setCrs(page.layers[0].crs())
    map_item.setLayers(page.layers)
    map_item.setKeepLayerSet(True)
    extent = QgsRectangle(page.extent)
    extent.scale(1.03)
    map_item.zoomToExtent(extent)
    legend = _item(layout, "legend", QgsLayoutItemLegend)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for layer in page.legend_layers:
        literal_legend_name(legend, root.addLayer(layer), layer.name())
    legend.setLinkedMap(map_item)
    legend.adjustBoxSize()
    _item(layout, "scalebar", QgsLayoutItemScaleBar).setLinkedMap(map_item)
    layout.refresh()
    return layout


def pdf_settings(dpi: int) -> QgsLayoutExporter.PdfExportSettings:
    """Vector PDF with real text (searchable, accessible), raster parts at ``dpi``."""
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
    settings.exportMetadata = True
    settings.simplifyGeometries = True
    return settings


def export_layout_pdf(layout: QgsPrintLayout, pdf_path: Path, dpi: int = 200) -> Path:
    """Export a layout to PDF, raising with QGIS's reason when it fails."""
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    result = QgsLayoutExporter(layout).exportToPdf(str(pdf_path), pdf_settings(dpi))
    if result != QgsLayoutExporter.ExportResult.Success:
        raise OSError(f"QGIS could not export the layout to {pdf_path} (exporter result {result})")
    return pdf_path
