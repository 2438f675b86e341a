"""Load LIS outputs into the project with the style stored in their GeoPackage."""

from __future__ import annotations

from qgis.core import (
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingUtils,
)

# Processing keeps only a raw pointer to layer post-processors: hold them here. Each layer needs
# its own instance (one instance shared by several layers crashes QGIS 3.22 when loading them).
_POST_PROCESSORS: list[QgsProcessingLayerPostProcessorInterface] = []


class DefaultStylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies the style stored in the GeoPackage once Processing has loaded a layer."""

    def postProcessLayer(
        self, layer: QgsMapLayer, context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> None:
        layer.loadDefaultStyle()
        layer.triggerRepaint()


def load_on_completion(context: QgsProcessingContext, uri: str, name: str, replaces: str | None = None) -> None:
    """Ask Processing to add ``uri`` to the project when the algorithm ends, with its stored style.

    ``replaces`` is a destination Processing already planned to load (a bare .gpkg path that
    would open the file's first layer): it is swapped for the exact layer URI, keeping the
    user's choice of whether to load outputs at all.
    """
    if replaces is not None:
        if not context.willLoadLayerOnCompletion(replaces):
            return
        planned = context.layersToLoadOnCompletion()
        details = planned.pop(replaces)
        context.setLayersToLoadOnCompletion(planned)
        name = details.name or name
    elif context.willLoadLayerOnCompletion(uri):
        return
    details = QgsProcessingContext.LayerDetails(name, context.project(), name, QgsProcessingUtils.LayerHint.Vector)
    post_processor = DefaultStylePostProcessor()
    _POST_PROCESSORS.append(post_processor)
    details.setPostProcessor(post_processor)
    context.addLayerToLoadOnCompletion(uri, details)
