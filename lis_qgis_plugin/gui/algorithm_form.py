"""A form for any algorithm's inputs, built from its parameter definitions with QGIS's own Processing widgets.

The panel uses it for tools whose parameters it does not fix itself (loading boundary sets and
indicators from online sources): whatever inputs the algorithm declares get the widget the
Processing dialog would show, and outputs are written into the panel's output folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
    QgsProject,
)
from qgis.gui import QgsCollapsibleGroupBox, QgsGui, QgsProcessingGui, QgsProcessingParameterWidgetContext
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from .algorithm_runner import Output
from .widgets import form_layout

#: Processing widget modes: Qgis.ProcessingMode in newer QGIS (3.44), QgsProcessingGui.WidgetType on 3.40.
ProcessingMode = getattr(Qgis, "ProcessingMode", None) or QgsProcessingGui.WidgetType  # QGIS 3.40 fallback


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisAlgorithmForm", text)


class AlgorithmForm(QWidget):
    """The input parameters of ``algorithm_id`` as labelled Processing widgets (destinations are not shown)."""

    def __init__(self, algorithm_id: str, map_canvas: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
        self.setObjectName(f"form_{algorithm_id.replace(':', '_')}")
        self._context = QgsProcessingContext()
        self._context.setProject(QgsProject.instance())
        self._wrappers: list[Any] = []
        self._fallbacks: dict[str, QLineEdit] = {}
        self.inputs: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        main_form = form_layout()
        layout.addLayout(main_form)
        self.advanced_group: QgsCollapsibleGroupBox | None = None
        advanced_form = form_layout()
        if self.algorithm is None:
            return
        widget_context = QgsProcessingParameterWidgetContext()
        widget_context.setProject(QgsProject.instance())
        if map_canvas is not None:
            widget_context.setMapCanvas(map_canvas)
        registry = QgsGui.processingGuiRegistry()
        for parameter in self.algorithm.parameterDefinitions():
            if parameter.isDestination() or parameter.flags() & Qgis.ProcessingParameterFlag.Hidden:
                continue
            advanced = bool(parameter.flags() & Qgis.ProcessingParameterFlag.Advanced)
            if advanced and self.advanced_group is None:
                self.advanced_group = QgsCollapsibleGroupBox(tr("Advanced"), self)
                self.advanced_group.setObjectName("advancedGroup")
                self.advanced_group.setToolTip(tr("Options most people leave as they are"))
                self.advanced_group.setLayout(advanced_form)
                self.advanced_group.setCollapsed(True)
            form = advanced_form if advanced else main_form
            owner = self.advanced_group if advanced else self
            tooltip = parameter.help() or parameter.description()
            wrapper = registry.createParameterWidgetWrapper(parameter, ProcessingMode.Standard)
            if wrapper is None:  # a type with no C++ widget: plain text, as Processing reads strings for any type
                widget = QLineEdit(owner)
                default = parameter.defaultValue()
                widget.setText("" if default is None else str(default))
                self._fallbacks[parameter.name()] = widget
                label = QLabel(parameter.description(), owner)
            else:
                wrapper.setWidgetContext(widget_context)
                widget = wrapper.createWrappedWidget(self._context)
                label = wrapper.createWrappedLabel()
                self._wrappers.append(wrapper)
            widget.setToolTip(tooltip)
            widget.setObjectName(f"param_{parameter.name()}")
            if label is not None:
                label.setWordWrap(True)
                label.setBuddy(widget)
                label.setToolTip(tooltip)
                form.addRow(label, widget)
            else:
                form.addRow(widget)
            self.inputs.append(widget)
        if self.advanced_group is not None:
            layout.addWidget(self.advanced_group)
        for wrapper in self._wrappers:
            wrapper.postInitialize(self._wrappers)

    def values(self) -> dict[str, Any]:
        """The inputs chosen, by parameter name (empty optional inputs are left out)."""
        values: dict[str, Any] = {}
        for wrapper in self._wrappers:
            value = wrapper.parameterValue()
            if value not in (None, ""):
                values[wrapper.parameterDefinition().name()] = value
        for name, widget in self._fallbacks.items():
            if widget.text().strip():
                values[name] = widget.text().strip()
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        """Put ``values`` (by parameter name) into the widgets, as a saved state or a script would."""
        for wrapper in self._wrappers:
            name = wrapper.parameterDefinition().name()
            if name in values:
                wrapper.setParameterValue(values[name], self._context)
        for name, widget in self._fallbacks.items():
            if name in values:
                widget.setText("" if values[name] is None else str(values[name]))

    def destinations(self, output_path: Callable[[str, str], Path]) -> dict[str, Output]:
        """A new file in the output folder for each output the algorithm writes (a GeoPackage for layers)."""
        outputs: dict[str, Output] = {}
        if self.algorithm is None:
            return outputs
        for parameter in self.algorithm.destinationParameterDefinitions():
            if parameter.flags() & Qgis.ProcessingParameterFlag.Optional and not parameter.createByDefault():
                continue
            suffix = destination_suffix(parameter)
            if suffix is not None:
                outputs[parameter.name()] = Output(
                    output_path(f"{self.algorithm.name()}_{parameter.name().lower()}", suffix)
                )
        return outputs


def destination_suffix(parameter: Any) -> str | None:
    """The file suffix the panel gives an output parameter ('' for a folder); None for kinds it does not write."""
    if isinstance(parameter, (QgsProcessingParameterVectorDestination, QgsProcessingParameterFeatureSink)):
        return ".gpkg"
    if isinstance(parameter, QgsProcessingParameterRasterDestination):
        return ".tif"
    if isinstance(parameter, QgsProcessingParameterFolderDestination):
        return ""
    if isinstance(parameter, QgsProcessingParameterFileDestination):
        return "." + (parameter.defaultFileExtension() or "dat")
    return None
