"""Text from data or parameters, shown in a print layout exactly as written.

QGIS evaluates every ``[% ... %]`` in a label's text and in a legend entry's name as an
expression, so an area called ``[% env('HOME') %]`` would print the home folder: data must
never run as code. And a label whose text format allows HTML would turn ``<b>`` into bold.
:func:`literal_text` neutralises the first, :func:`plain_label` the second.
"""

from __future__ import annotations

from qgis.core import (
    QgsLayerTreeLayer,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsMapLayerLegendUtils,
    QgsSymbolLegendNode,
)

#: An expression that evaluates to the two characters '[%' (and holds no '%]' that could end it early).
_OPENING = "[\u2060%"


def literal_text(text: str) -> str:
    """``text`` for a label or legend entry: each '[%' becomes an expression printing '[%', so nothing is evaluated.

    QGIS finds expressions as '[%' up to the next '%]'; with every '[%' of the data replaced by
    one of ours, no part of the data can start an expression. Other text is unchanged.
    """
    return text.replace("[%", _OPENING)


def plain_label(label: QgsLayoutItemLabel, text: str) -> None:
    """Set a label's text and show it as plain text: no HTML formatting, even when the template allowed it.

    ``text`` may hold the layout's own expressions; text from data must have gone through literal_text.
    """
    if label.mode() != QgsLayoutItemLabel.Mode.ModeFont:  # HTML mode (gone in QGIS 3.32+ templates, yet settable)
        label.setMode(QgsLayoutItemLabel.Mode.ModeFont)
    text_format = label.textFormat()
    if text_format.allowHtmlFormatting():
        text_format.setAllowHtmlFormatting(False)
        label.setTextFormat(text_format)
    label.setText(text)


def literal_legend_name(legend: QgsLayoutItemLegend, node: QgsLayerTreeLayer, name: str) -> None:
    """Name a layer's legend entry ``name``, printed as written.

    A layer drawn with one symbol shows on one line whose text is evaluated again, from the
    layer's own name unless the entry has a label of its own: it gets one too, as does each class
    whose label holds '[%'.
    """
    node.setUseLayerName(False)
    node.setName(literal_text(name))
    model = legend.model()
    if model.legendNodeEmbeddedInParent(node) is not None:
        QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, literal_text(name))
    else:  # the classes' labels (a category's is often a value of the data) are evaluated as well
        for index, legend_node in enumerate(model.layerLegendNodes(node, False)):
            if isinstance(legend_node, QgsSymbolLegendNode) and "[%" in legend_node.symbolLabel():
                QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, literal_text(legend_node.symbolLabel()))
    model.refreshLayerLegend(node)
