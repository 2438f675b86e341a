"""Renderers for deprivation maps: colour-blind-safe ramps, the most deprived class always darkest.

The ramps are sequential ColorBrewer schemes and viridis, all readable with the common
colour-vision deficiencies and in greyscale. Class 1 (most deprived) takes the darkest end
of the ramp whatever the polarity of the values, so "darker = more deprived" holds on every map.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeatureRenderer,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsGraduatedSymbolRenderer,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ..io.gpkg_writer import save_default_style
from .classification import ValueRange

#: Ramp name -> colours from light (least deprived) to dark (most deprived).
RAMPS: dict[str, tuple[str, ...]] = {
    "YlGnBu": ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
    "viridis": ("#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989", "#482878",
                "#440154"),
    "PuBu": ("#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d", "#023858"),
    "OrRd": ("#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"),
}  # fmt: skip
NO_DATA_COLOUR = "#bdbdbd"
OUTLINE_WIDTH_MM = 0.15


def ramp(name: str) -> QgsGradientColorRamp:
    """The named ramp as a QGIS gradient (light to dark)."""
    colours = [QColor(code) for code in RAMPS[name]]
    last = len(colours) - 1
    stops = [QgsGradientStop(index / last, colour) for index, colour in enumerate(colours[1:-1], start=1)]
    return QgsGradientColorRamp(colours[0], colours[-1], False, stops)


def class_colour(deprivation_class: int, class_count: int, ramp_name: str) -> QColor:
    """Colour of a class numbered from 1 = most deprived (darkest) to ``class_count`` (lightest)."""
    if class_count <= 1:
        return QColor(RAMPS[ramp_name][-1])
    return ramp(ramp_name).color(1.0 - (deprivation_class - 1) / (class_count - 1))


def _symbol(layer: QgsVectorLayer, colour: QColor) -> QgsSymbol:
    symbol = QgsSymbol.defaultSymbol(layer.geometryType())
    symbol.setColor(colour)
    symbol_layer = symbol.symbolLayer(0)
    if hasattr(symbol_layer, "setStrokeColor"):  # fills: a thin white outline, as the LIS small-area style
        symbol_layer.setStrokeColor(QColor("white"))
        symbol_layer.setStrokeWidth(OUTLINE_WIDTH_MM)
    return symbol


def categorized_renderer(
    layer: QgsVectorLayer, class_field: str, labels: dict[int, str], ramp_name: str, with_no_data: bool
) -> QgsFeatureRenderer:
    """One category per class (1 = most deprived, darkest), and a grey 'no data' one if asked."""
    count = len(labels)
    categories = [
        QgsRendererCategory(number, _symbol(layer, class_colour(number, count, ramp_name)), label)
        for number, label in sorted(labels.items())
    ]
    if with_no_data:
        categories.append(QgsRendererCategory(None, _symbol(layer, QColor(NO_DATA_COLOUR)), "no data"))
    return QgsCategorizedSymbolRenderer(class_field, categories)


def graduated_renderer(
    layer: QgsVectorLayer,
    value_field: str,
    ranges: Sequence[ValueRange],
    labels: Sequence[str],
    classes: Sequence[int],
    ramp_name: str,
) -> QgsFeatureRenderer:
    """Ranges of values in increasing order, each coloured by its class (1 = most deprived, darkest)."""
    count = len(ranges)
    items = [
        QgsRendererRange(item.lower, item.upper, _symbol(layer, class_colour(number, count, ramp_name)), label)
        for item, label, number in zip(ranges, labels, classes)
    ]
    return QgsGraduatedSymbolRenderer(value_field, items)


def apply_and_save_style(layer: QgsVectorLayer, renderer: QgsFeatureRenderer, qml: Path, description: str) -> None:
    """Set the renderer, store it as the layer's default style in its GeoPackage and write it to ``qml``."""
    layer.setRenderer(renderer)
    save_default_style(layer, layer.source().split("|layername=")[-1], description)
    qml.parent.mkdir(parents=True, exist_ok=True)
    message, saved = layer.saveNamedStyle(str(qml))
    if not saved:
        raise OSError(f"{qml}: cannot write the style file ({message}). Choose another QML_OUTPUT.")
