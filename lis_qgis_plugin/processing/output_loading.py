"""Load LIS outputs into the project: in the "LIS" group, with the style stored in their GeoPackage, under a name
that says what the result is and when it was made.

One path for every way a tool is run: the algorithm plans its layers with :func:`load_on_completion`;
Processing's own loading (toolbox, batch, model, ``processing.runAndLoadResults``) reads the group and order from
the plan, and the panel's ``add_result_layers`` reads the same plan. Either way the layer's post-processor, run
once the layer is in the project, gives it its name with :func:`name_result_layer`, so three runs of one tool
give three names that can be told apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from qgis.core import (
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingUtils,
    QgsProject,
)

#: The layer tree group every LIS result joins.
GROUP_NAME = "LIS"
#: The longest "what" part of a layer name, in characters (the layer tree shows about 40 to 60).
MAX_WHAT = 64
#: The longest name of an input inside a "what" (a file called 'rutland_nhs_services_nhschoices_2014').
MAX_INPUT_LABEL = 24

# Processing keeps only a raw pointer to layer post-processors: hold them here. Each layer needs
# its own instance (one instance shared by several layers crashes QGIS 3.22 when loading them).
_POST_PROCESSORS: list[QgsProcessingLayerPostProcessorInterface] = []


def short_label(text: str, limit: int = MAX_INPUT_LABEL) -> str:
    """``text`` on one line, cut to ``limit`` characters with '…' when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def result_layer_name(what: str, when: datetime | None, taken: Iterable[str]) -> str:
    """'GP surgeries – 10/20 min drive catchments (14:32)', numbered '(14:32 #2)' when the name is taken.

    ``what`` is cut to MAX_WHAT characters (with '…'). Without ``when`` (data such as the sample district, not a
    result) the name is ``what`` alone, as the data calls itself.
    """
    what = short_label(what, MAX_WHAT) or "LIS result"
    if when is None:
        return what
    stamp = when.strftime("%H:%M")
    used = set(taken)
    name, number = f"{what} ({stamp})", 2
    while name in used:
        name, number = f"{what} ({stamp} #{number})", number + 1
    return name


def name_result_layer(layer: QgsMapLayer, what: str, when: datetime | None, project: QgsProject | None) -> str:
    """Name ``layer`` with :func:`result_layer_name`, unique among the other layers of ``project``."""
    taken = (
        [other.name() for other in project.mapLayers().values() if other.id() != layer.id()]
        if project is not None
        else []
    )
    name = result_layer_name(what, when, taken)
    layer.setName(name)
    return name


def move_into_lis_group(layer: QgsMapLayer, project: QgsProject | None) -> None:
    """Put ``layer`` in a "LIS" group where it is not in one already: a model's step loses the group LIS planned.

    The LIS group is made inside the group the layer was put in (a model's output group, Processing's results
    group), so the choices made there still hold; at the top of the layer tree otherwise.
    """
    node = project.layerTreeRoot().findLayer(layer.id()) if project is not None else None
    parent = node.parent() if node is not None else None
    if node is None or not isinstance(parent, QgsLayerTreeGroup) or parent.name() == GROUP_NAME:
        return
    group = next(
        (child for child in parent.children() if isinstance(child, QgsLayerTreeGroup) and child.name() == GROUP_NAME),
        None,
    )
    if group is None:
        group = parent.insertGroup(0, GROUP_NAME)
    group.insertChildNode(0, node.clone())
    parent.removeChildNode(node)


class ResultLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Once Processing or the panel has put a layer in the project: its name, its group, then its stored style."""

    def __init__(self, what: str, when: datetime | None) -> None:
        super().__init__()
        self.what = what
        self.when = when

    def postProcessLayer(
        self, layer: QgsMapLayer, context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> None:
        project = layer.project() or context.project()
        name_result_layer(layer, self.what, self.when, project)
        move_into_lis_group(layer, project)
        layer.loadDefaultStyle()
        layer.triggerRepaint()


def load_on_completion(
    context: QgsProcessingContext,
    uri: str,
    name: str,
    replaces: str | None = None,
    what: str | None = None,
    stamped: bool = True,
) -> None:
    """Ask Processing to add ``uri`` to the project's "LIS" group when the algorithm ends, with its stored style.

    ``what`` says what the result is ('rutland_nhs_services – 5/10/15 min drive catchments') and names the
    layer; without it the name Processing planned (a panel's title, the output's description) or ``name`` is
    used. ``stamped`` adds the time of the run; data that is not a result (the sample district) goes without.
    ``replaces`` is a destination Processing already planned to load (a bare .gpkg path that would open the
    file's first layer): it is swapped for the exact layer URI, keeping the user's choice of whether to load
    outputs at all. A ``uri`` Processing already planned is planned again the LIS way.
    """
    planned_key = replaces if replaces is not None else uri
    project = context.project()
    if context.willLoadLayerOnCompletion(planned_key):
        planned = context.layersToLoadOnCompletion()
        details = planned.pop(planned_key)
        context.setLayersToLoadOnCompletion(planned)
        name = details.name or name
        project = details.project or project
    elif replaces is not None:
        return  # the user chose not to load this output
    order = sum(1 for planned in context.layersToLoadOnCompletion().values() if planned.groupName == GROUP_NAME)
    details = QgsProcessingContext.LayerDetails(name, project, name, QgsProcessingUtils.LayerHint.Vector)
    details.forceName = True  # the file's layer name ('catchments') would say nothing
    details.groupName = GROUP_NAME
    details.layerSortKey = -order  # Processing puts the highest key on top: the first output stays on top
    post_processor = ResultLayerPostProcessor(what or name, datetime.now() if stamped else None)
    _POST_PROCESSORS.append(post_processor)
    details.setPostProcessor(post_processor)
    context.addLayerToLoadOnCompletion(uri, details)
