"""Render layers to a PNG, to see what a person sees (demo output, visual checks)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMapLayer, QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def render_map_png(layers: list[QgsMapLayer], path: Path, extent: QgsRectangle, width_px: int = 1200) -> Path:
    """Render ``layers`` (top first) over ``extent`` to a PNG whose height keeps the aspect ratio."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setBackgroundColor(QColor("white"))
    extent = QgsRectangle(extent)
    extent.scale(1.05)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(width_px, max(1, round(width_px * extent.height() / extent.width()))))
    settings.setOutputDpi(150)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not job.renderedImage().save(str(path), "PNG"):
        raise OSError(f"Cannot write the map image {path}")
    return path
