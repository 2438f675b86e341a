"""The road network parameters of the tools that travel on roads: declared once, read once.

lis:servicecatchments, lis:locateservices and lis:accessibility2sfca take the roads the same way:
NETWORK (a line layer) or NETWORK_FILE (an .osm.pbf or GeoPackage), never both, SPEED_FIELD (a
numeric field of that layer) and the MODE and COST choices. The panel's NetworkPage fills the
same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from .lis_algorithm import LisAlgorithm

NETWORK = "NETWORK"
NETWORK_FILE = "NETWORK_FILE"
SPEED_FIELD = "SPEED_FIELD"
MODE = "MODE"
COST = "COST"
SNAP_TO_MAIN = "SNAP_TO_MAIN"
#: The MODE and COST options, in the order of their enum parameters.
MODES = ("drive", "walk")
COSTS = ("time", "distance")
NETWORK_FILE_FILTER = "Road networks (*.osm.pbf *.pbf *.osm *.gpkg);;All files (*.*)"


def _tr(text: str) -> str:
    return QCoreApplication.translate("NetworkParameters", text)


@dataclass(frozen=True)
class NetworkChoice:
    """The roads and how people travel on them, as the user chose: the layer or file, speed field, mode, cost."""

    source: QgsVectorLayer | str | None  # None: no network given
    speed_field: str | None
    mode: str
    cost: str
    snap_to_main: bool = True  # places go on the main connected network (False: the nearest road, even a fragment)


def add_network_parameters(algorithm: LisAlgorithm, network_label: str) -> None:
    """Add NETWORK (optional line layer, labelled ``network_label``), NETWORK_FILE and SPEED_FIELD.

    ``network_label`` says what the tool does without roads (straight lines, or nothing at all).
    """
    algorithm.addParameter(
        QgsProcessingParameterVectorLayer(NETWORK, network_label, [Qgis.ProcessingSourceType.VectorLine], optional=True)
    )
    algorithm.addParameter(
        QgsProcessingParameterFile(
            NETWORK_FILE,
            _tr("or road network file (.osm.pbf, GeoPackage)"),
            fileFilter=NETWORK_FILE_FILTER,
            optional=True,
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterField(
            SPEED_FIELD,
            _tr("Speed field of the roads, km/h (driving; empty: maxspeed, then road class)"),
            parentLayerParameterName=NETWORK,
            type=Qgis.ProcessingFieldParameterDataType.Numeric,
            optional=True,
        )
    )
    snap = QgsProcessingParameterBoolean(
        SNAP_TO_MAIN,
        _tr(
            "Place facilities and people on the main connected network, as routing engines do "
            "(off: on the nearest road, even a piece cut off from the rest)"
        ),
        defaultValue=True,
    )
    snap.setFlags(snap.flags() | Qgis.ProcessingParameterFlag.Advanced)
    algorithm.addParameter(snap)


def read_network(
    algorithm: LisAlgorithm, parameters: dict[str, Any], context: QgsProcessingContext, required: bool = False
) -> NetworkChoice:
    """The network layer or file (never both; ``required``: one of them), speed field, mode, cost and snapping."""
    return NetworkChoice(
        algorithm.road_network(parameters, context, required=required),
        algorithm.optional_text(parameters, SPEED_FIELD, context),
        MODES[algorithm.parameterAsEnum(parameters, MODE, context)],
        COSTS[algorithm.parameterAsEnum(parameters, COST, context)],
        algorithm.parameterAsBoolean(parameters, SNAP_TO_MAIN, context) if SNAP_TO_MAIN in parameters else True,
    )


def check_network_file(parameters: dict[str, Any]) -> tuple[bool, str]:
    """(False, why) when NETWORK names a file QGIS cannot open, so the user reads what is wrong with it.

    Processing's own check would only say "Incorrect parameter value for NETWORK"; a road tool calls
    this first in its ``checkParameterValues``. Layers of the project, and files that open, pass.
    """
    from ..core.network.road_network import NetworkError, check_pbf_complete, damaged_file_message  # scipy: lazily

    value = parameters.get(NETWORK)
    if not isinstance(value, str) or not value.strip():
        return True, ""
    path = Path(value.split("|")[0].strip())
    if not path.is_file():
        return True, ""
    try:
        if path.suffix.lower() == ".pbf":
            check_pbf_complete(path)
    except NetworkError as error:
        return False, f"NETWORK: {error}"
    if QgsVectorLayer(value.strip(), path.stem, "ogr").isValid():
        return True, ""
    why = damaged_file_message(path) or (
        f"QGIS cannot open {path} as a layer: choose a GeoPackage, Shapefile or .osm.pbf of road lines."
    )
    return False, f"NETWORK: {why}"
