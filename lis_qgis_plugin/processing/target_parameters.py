"""The target-area parameters of the tools that summarise small areas over larger ones.

lis:aggregateindicators and lis:deprivationsummary both place each small area in one
target area, through a lookup or by location; they ask for the targets the same way.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessingAlgorithm,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

TARGET = "TARGET"
TARGET_CODE_FIELD = "TARGET_CODE_FIELD"
LOOKUP = "LOOKUP"
TABLE_FILTER = "Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.ods);;All files (*.*)"


def _tr(text: str) -> str:
    return QCoreApplication.translate("TargetParameters", text)


def add_target_parameters(algorithm: QgsProcessingAlgorithm, target_label: str, lookup_label: str) -> None:
    """Add TARGET (polygons), TARGET_CODE_FIELD (optional) and LOOKUP (optional file) to ``algorithm``."""
    algorithm.addParameter(
        QgsProcessingParameterVectorLayer(TARGET, target_label, [Qgis.ProcessingSourceType.VectorPolygon])
    )
    algorithm.addParameter(
        QgsProcessingParameterField(
            TARGET_CODE_FIELD,
            _tr("Target code field (empty: found automatically, or feature id when there is none)"),
            parentLayerParameterName=TARGET,
            optional=True,
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterFile(
            LOOKUP,
            lookup_label,
            behavior=Qgis.ProcessingFileParameterBehavior.File,
            fileFilter=TABLE_FILTER,
            optional=True,
        )
    )
