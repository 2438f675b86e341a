"""Small helpers the panel's pages share: scrolling pages, labelled rows with buddies and tooltips, safe slots."""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .result_layers import LOG_TAG

Slot = TypeVar("Slot", bound=Callable[..., Any])


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisPanel", text)


class ScrollPage(QScrollArea):
    """A page of the panel: its controls in a vertical layout that scrolls when the dock is short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # only if the dock is very narrow
        self.content = QWidget(self)
        self.content.setObjectName("pageContent")
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(6, 6, 6, 6)
        self.body.setSpacing(8)
        self.setWidget(self.content)


def compact_combos(root: QWidget, characters: int = 14) -> None:
    """Let every combo box under ``root`` shrink to the dock's width (long option texts show in the drop-down)."""
    for combo in root.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(characters)


def intro_label(text: str, parent: QWidget) -> QLabel:
    """A wrapped paragraph that says what the page does."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(False)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def form_layout() -> QFormLayout:
    """A form whose fields take the width of the dock and whose labels sit above them when it is narrow."""
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    return form


def add_row(form: QFormLayout, text: str, widget: QWidget, tooltip: str, name: str = "") -> QLabel:
    """Add ``text`` (with an ``&`` mnemonic) as the buddy label of ``widget``; both get ``tooltip``."""
    label = QLabel(text, form.parentWidget())
    label.setBuddy(widget)
    label.setToolTip(tooltip)
    label.setWordWrap(True)
    widget.setToolTip(tooltip)
    if name:
        widget.setObjectName(name)
    form.addRow(label, widget)
    return label


def run_button(text: str, tooltip: str, name: str, parent: QWidget) -> QPushButton:
    """The page's main button."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.setDefault(False)
    button.setAutoDefault(False)
    return button


def status_label(parent: QWidget, name: str) -> QLabel:
    """A wrapped label for what happened, selectable so it can be copied."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def result_table(parent: QWidget, name: str, tooltip: str, min_height: int) -> QTableWidget:
    """A read-only table of a result: whole rows selected, columns as wide as their contents, no row numbers."""
    table = QTableWidget(parent)
    table.setObjectName(name)
    table.setToolTip(tooltip)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setMinimumHeight(min_height)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().setVisible(False)
    return table


def fill_table(
    table: QTableWidget,
    headers: list[str],
    names: list[str],
    rows: list[list[Any]],
    cell_text: Callable[[str, Any], str],
) -> None:
    """Show ``rows`` (values in the order of the fields ``names``) under ``headers``, numbers right-aligned."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(cell_text(names[column], value))
            if isinstance(value, (int, float)):
                item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
            table.setItem(row, column, item)


def safe_slot(notify: Callable[[str], None] | None = None) -> Callable[[Slot], Slot]:
    """Make a slot log an unexpected error (tag "LIS") and say it in plain words: never a traceback dialog."""

    def decorate(slot: Slot) -> Slot:
        parameters = inspect.signature(slot).parameters.values()
        variadic = any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters)
        positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)

        @functools.wraps(slot)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                # Qt signals pass arguments (clicked's "checked") that the slot may not take
                return slot(*(args if variadic else args[:positional]), **kwargs)
            except Exception as error:  # the point of this decorator
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.MessageLevel.Critical)
                owner = args[0] if args else None
                report = getattr(owner, "report_error", None) or notify
                if report is not None:
                    report(str(error) or type(error).__name__)
                return None

        return wrapper  # type: ignore[return-value]

    return decorate
