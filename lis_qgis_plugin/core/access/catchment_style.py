"""The default look of catchment polygons: one colour per band, the shortest band darkest, see-through as a layer.

Catchments of neighbouring facilities overlap and bands nest inside each other. Translucent fills
stacked up where a dozen facilities reach, into one dark mass that hid the bands. So the fills are
opaque, blended within the layer by "darken" (two areas of one band overlap in that band's own
colour; a shorter band, darker, shows through a longer one), each facility keeps its thin outline,
and the whole layer is see-through over the map below. The shortest band is drawn last. Stored as
the layer's default style in its GeoPackage, so the toolbox, the panel and a project moved elsewhere
all show it. Each facility's name (its id when the layer has no name) labels its shortest band only,
so a facility is named once.
"""

from __future__ import annotations

from collections.abc import Sequence

from qgis.core import (
    Qgis,
    QgsCategorizedSymbolRenderer,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsPalLayerSettings,
    QgsRendererCategory,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QPainter

from ..deprivation.deprivation_style import ramp
from ..io.gpkg_writer import save_default_style

RAMP = "PuBu"
#: The layer's opacity: the bands read clearly and the roads and places below still show.
LAYER_OPACITY = 0.6
OUTLINE_WIDTH_MM = 0.2
#: The label: the facility's name, else its id, on its shortest band only (Voronoi cells have no band).
LABEL_EXPRESSION = (
    'CASE WHEN "band" IS NULL OR "band" = minimum("band", group_by:="facility_id") '
    'THEN coalesce("facility_name", "facility_id") END'
)
LABEL_SIZE_PT = 8.0


def band_label(band: float | None, unit: str | None) -> str:
    """'within 10 min', 'within 800 m', or 'nearest facility' for a catchment without a band."""
    if band is None:
        return "nearest facility"
    return f"within {band:g} {unit or ''}".rstrip()


def catchment_renderer(bands: Sequence[float | None], unit: str | None) -> QgsCategorizedSymbolRenderer:
    """Categories on ``band``: darker and drawn on top for shorter bands; features ordered longest first."""
    ordered = sorted(set(bands), key=lambda band: (band is None, band))
    colours = ramp(RAMP)
    categories = []
    for position, band in enumerate(ordered):
        share = 0.8 - position / max(len(ordered) - 1, 1) * 0.6 if len(ordered) > 1 else 0.6
        fill = colours.color(share)
        outline = colours.color(1.0)
        symbol = QgsFillSymbol.createSimple(
            {
                "color": f"{fill.red()},{fill.green()},{fill.blue()},255",
                "outline_color": f"{outline.red()},{outline.green()},{outline.blue()},255",
                "outline_width": str(OUTLINE_WIDTH_MM),
            }
        )
        categories.append(QgsRendererCategory(band, symbol, band_label(band, unit)))
    renderer = QgsCategorizedSymbolRenderer("band", categories)
    renderer.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause('"band"', False)]))
    renderer.setOrderByEnabled(True)
    return renderer


def catchment_labels(has_names: bool = True) -> QgsVectorLayerSimpleLabeling:
    """Dark labels with a white halo, inside each facility's shortest band (``has_names``: a facility_name field)."""
    settings = QgsPalLayerSettings()
    settings.isExpression = True
    settings.fieldName = LABEL_EXPRESSION if has_names else LABEL_EXPRESSION.replace('"facility_name", ', "")
    text = QgsTextFormat()
    text.setSize(LABEL_SIZE_PT)
    text.setColor(QColor(20, 30, 50))
    halo = QgsTextBufferSettings()
    halo.setEnabled(True)
    halo.setSize(0.8)
    halo.setColor(QColor("white"))
    text.setBuffer(halo)
    settings.setFormat(text)
    settings.placement = Qgis.LabelPlacement.OverPoint
    return QgsVectorLayerSimpleLabeling(settings)


def style_catchments(uri: str, bands: Sequence[float | None], unit: str | None) -> None:
    """Store the band style as the default style of the catchment layer at ``uri`` (a GeoPackage layer)."""
    layer = QgsVectorLayer(uri, "catchments", "ogr")
    if not layer.isValid():
        raise OSError(f"Cannot open the catchments {uri} to store their style.")
    layer.setRenderer(catchment_renderer(bands, unit))
    layer.setFeatureBlendMode(QPainter.CompositionMode.CompositionMode_Darken)
    layer.setOpacity(LAYER_OPACITY)
    layer.setLabeling(catchment_labels(layer.fields().lookupField("facility_name") >= 0))
    layer.setLabelsEnabled(True)
    save_default_style(layer, uri.split("|layername=")[-1], "LIS catchments: one colour per band")
