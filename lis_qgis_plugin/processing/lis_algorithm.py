"""What every LIS Processing algorithm shares: translation, a fresh instance, the LIS icon."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core.plugin_files import resource_path


class LisAlgorithm(QgsProcessingAlgorithm):
    """Base of the ``lis`` algorithms: subclasses set ``GROUP``/``GROUP_ID``, and ``ICON`` if they have their own."""

    ICON = "lis.svg"
    GROUP_ID = ""
    GROUP = ""

    def tr(self, text: str) -> str:
        """Translate through Qt, in the context of the algorithm's class."""
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self) -> LisAlgorithm:
        return type(self)()

    def group(self) -> str:
        return self.tr(self.GROUP)

    def groupId(self) -> str:
        return self.GROUP_ID

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", self.ICON)))
