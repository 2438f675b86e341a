"""What every LIS Processing algorithm shares: translation, icon, inputs, user errors, the log, outputs."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core.common.errors import CancelledError, LisError
from ..core.common.plugin_files import resource_path

#: The QGIS log tab (View > Panels > Log Messages) where LIS writes what the user does not need to read.
LOG_TAG = "LIS"


def internal_error_message(tool: str, error: BaseException) -> str:
    """One plain line for a bug: which tool, what kind of failure, and where the details are."""
    first_line = (str(error).strip().splitlines() or [""])[0]
    detail = f"{type(error).__name__}: {first_line[:200]}" if first_line else type(error).__name__
    return (
        f"LIS hit an internal error in '{tool}' ({detail}). The details are in the QGIS log "
        f"(View > Panels > Log Messages, tab '{LOG_TAG}'); please report them to the LIS developers."
    )


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

    def input_layer(
        self, parameters: dict[str, Any], name: str, context: QgsProcessingContext, optional: bool = False
    ) -> QgsVectorLayer | None:
        """The layer of a parameter; None for an empty optional one; a clear error for one that does not open."""
        layer = self.parameterAsVectorLayer(parameters, name, context)
        value = parameters.get(name)
        if layer is None and optional and value in (None, ""):
            return None
        if layer is None or not layer.isValid():
            raise QgsProcessingException(
                self.tr("{0}: the layer '{1}' cannot be opened. Choose a vector layer or file.").format(name, value)
            )
        return layer

    def road_network(
        self, parameters: dict[str, Any], context: QgsProcessingContext, required: bool = False
    ) -> QgsVectorLayer | str | None:
        """The NETWORK layer or the NETWORK_FILE path (a GeoPackage or .osm.pbf), never both; None when neither."""
        layer = self.input_layer(parameters, "NETWORK", context, optional=True)
        path = self.parameterAsFile(parameters, "NETWORK_FILE", context).strip()
        if layer is not None and path:
            raise QgsProcessingException(
                self.tr("Give the road network once: either the NETWORK layer or the NETWORK_FILE, not both.")
            )
        if required and layer is None and not path:
            raise QgsProcessingException(
                self.tr("NETWORK: choose a road line layer, or give an .osm.pbf file in NETWORK_FILE.")
            )
        return layer if layer is not None else (path or None)

    def optional_text(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> str | None:
        """A text parameter (field name, expression), None when left empty."""
        return self.parameterAsString(parameters, name, context).strip() or None

    def optional_output(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> str | None:
        """An optional GeoPackage output, None when the user asked for none."""
        if parameters.get(name) in (None, ""):
            return None
        return self.gpkg_output(parameters, name, context)

    def gpkg_output(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> str:
        """The output destination, as a GeoPackage even when the user's default format for temporary outputs is not."""
        destination = self.parameterAsOutputLayer(parameters, name, context)
        temporary = Path(destination.split("|")[0]).parent == Path(QgsProcessingUtils.tempFolder())
        if temporary and not destination.lower().split("|")[0].endswith(".gpkg"):
            destination = QgsProcessingUtils.generateTempFilename(f"{self.name()}.gpkg")
        return destination

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        """The tool's work (what other algorithms put in ``processAlgorithm``); raise LisError for the user's errors."""
        raise NotImplementedError(type(self).__name__)

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        """Run ``process``: a LisError becomes its own message, a bug one plain line with the traceback in the log.

        The message is raised outside the handler, from a frame that holds no layer. QGIS never releases the
        exception a Python algorithm raises, so every frame on its traceback lives until the interpreter ends,
        after QGIS has exited, and a layer freed that late crashes the process.
        """
        try:
            return self.process(parameters, context, feedback)
        except CancelledError:
            message = self.tr("Cancelled: no output was written.")
        except (LisError, QgsProcessingException) as error:
            message = str(error)
        except Exception as error:
            QgsMessageLog.logMessage(
                f"{self.displayName()} ({self.id()}) failed:\n{traceback.format_exc()}",
                LOG_TAG,
                Qgis.MessageLevel.Critical,
            )
            message = internal_error_message(self.displayName(), error)
        del parameters  # may hold the caller's own layers
        raise QgsProcessingException(message)

    @staticmethod
    def push_log(feedback: QgsProcessingFeedback, lines: Iterable[Any]) -> None:
        """Write a core function's log lines (``text`` and ``warning``) to the Processing log."""
        for line in lines:
            if line.warning:
                feedback.pushWarning(line.text)
            else:
                feedback.pushInfo(line.text)
