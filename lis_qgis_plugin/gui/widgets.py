"""Small helpers the panel's pages share: scrolling pages, the step buttons, labelled rows with buddies and
tooltips, safe slots."""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsFieldExpressionWidget
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QSize, Qt, pyqtSignal
from qgis.PyQt.QtGui import QFontMetrics, QResizeEvent
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .result_layers import LOG_TAG

Slot = TypeVar("Slot", bound=Callable[..., Any])


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisPanel", text)


#: where wrap_check_boxes keeps a check box's own text, and the lines it made of it
FULL_TEXT, WRAPPED_TEXT = "lisFullText", "lisWrappedText"
#: how far a group box moves its contents in from each side, about
GROUP_INDENT = 12


class ScrollPage(QScrollArea):
    """A page of the panel: its controls in a vertical layout that scrolls when the dock is short.

    It never scrolls sideways: its controls shrink to the dock's width (300 px and up), so every input is
    reached by scrolling down only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget(self)
        self.content.setObjectName("pageContent")
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(4, 6, 4, 6)  # every pixel of a 300 px dock for the controls
        self.body.setSpacing(8)
        self.setWidget(self.content)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # room for the scroll bar, whether shown or not
            room = event.size().width() - self.verticalScrollBar().sizeHint().width()
            wrap_check_boxes(
                self.content, room - self.body.contentsMargins().left() - self.body.contentsMargins().right()
            )


class ResultArea(QScrollArea):
    """A wrapped result line in the run bar: as tall as its text at the bar's width, up to ``lines`` lines,
    then it scrolls (a long log never pushes the run button out of view)."""

    def __init__(self, label: QLabel, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMaximumHeight(lines * self.fontMetrics().lineSpacing() + 4)
        policy = label.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # wraps to the bar, keeps height-for-width
        label.setSizePolicy(policy)
        self.setWidget(label)

    def sizeHint(self) -> QSize:
        label = self.widget()
        width = max(self.viewport().width(), 100)
        height = label.heightForWidth(width) if label is not None and label.text() else 0
        return QSize(width, min(max(height, 0), self.maximumHeight()))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text changed: take its new height
            self.updateGeometry()
        return super().viewportEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # narrower or wider: more or fewer lines


class StepBar(QWidget):
    """The panel's steps as numbered buttons, in as many rows as the dock's width needs: no scroll arrows.

    Buttons fill a row in order while their titles fit whole (two rows in a dock of about 420 px); each has
    a mnemonic (Alt+1 for the first step...) and a tooltip; ``stepChosen`` gives the index of the step pressed.
    """

    stepChosen = pyqtSignal(int)  # noqa: N815 - Qt's naming of signals

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lisSteps")
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(2)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self.stepChosen)
        self.buttons: list[QToolButton] = []
        self._arrangement: list[list[int]] = []

    def add_step(self, title: str, tooltip: str) -> QToolButton:
        """A button for the next step, numbered, with ``tooltip``."""
        number = len(self.buttons) + 1
        button = QToolButton(self)
        button.setText(f"&{number} {title}" if number < 10 else title)
        button.setObjectName(f"step{number}Button")
        button.setToolTip(tooltip)
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.group.addButton(button, len(self.buttons))
        self.buttons.append(button)
        self._arrange(self.width(), force=True)
        return button

    def set_current(self, index: int) -> None:
        """Show step ``index`` as the one open."""
        if 0 <= index < len(self.buttons):
            self.buttons[index].setChecked(True)

    def rows_for(self, width: int) -> list[list[int]]:
        """The buttons (by index) of each row, in order: as few rows as keep every title whole in ``width``,
        as evenly filled as they fit (4 + 3 rather than 5 + 2)."""
        greedy: list[list[int]] = []
        used = 0
        for index in range(len(self.buttons)):
            if greedy and used + self._needed([index]) <= width:
                greedy[-1].append(index)
                used += self._needed([index])
            else:
                greedy.append([index])
                used = self._needed([index]) - self.rows.spacing()
        per_row = -(-len(self.buttons) // max(len(greedy), 1))
        even = [
            list(range(start, min(start + per_row, len(self.buttons))))
            for start in range(0, len(self.buttons), per_row)
        ]
        fits = len(even) == len(greedy) and all(self._needed(row) - self.rows.spacing() <= width for row in even)
        return even if fits else greedy

    def _needed(self, indexes: list[int]) -> int:
        """The width the buttons ``indexes`` take side by side, with the spacing before each."""
        return sum(self.buttons[index].sizeHint().width() + self.rows.spacing() for index in indexes)

    def minimumSizeHint(self) -> QSize:
        widest = max((button.sizeHint().width() for button in self.buttons), default=0)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int, force: bool = False) -> None:
        arrangement = self.rows_for(max(width, 1))
        if arrangement == self._arrangement and not force:
            return
        self._arrangement = arrangement
        while self.rows.count():
            row = self.rows.takeAt(0).layout()
            while row is not None and row.count():
                row.takeAt(0)
            if row is not None:
                row.setParent(None)
        for indexes in arrangement:
            row = QHBoxLayout()
            row.setSpacing(self.rows.spacing())
            for index in indexes:  # wider titles get more of the row
                row.addWidget(self.buttons[index], self.buttons[index].sizeHint().width())
            self.rows.addLayout(row)


def filter_expression_widget(parent: QWidget, dialog_title: str) -> QgsFieldExpressionWidget:
    """A box for an optional filter expression. Empty means every feature, so it offers an empty entry and shows
    nothing when empty (without it the box shows the first field's type icon, as if a field were chosen)."""
    widget = QgsFieldExpressionWidget(parent)
    widget.setAllowEmptyFieldName(True)
    widget.setExpressionDialogTitle(dialog_title)
    return widget


def show_start_of(widget: QWidget) -> None:
    """Show the beginning of the text in ``widget``'s line edit (an expression, a path), not its end."""
    for line in widget.findChildren(QLineEdit):
        if not line.hasFocus():
            line.setCursorPosition(0)


def show_expression_starts(root: QWidget) -> None:
    """Every expression box under ``root`` shows the start of a new expression ("service_type" = ...), not its
    last characters, when it is narrower than the expression."""
    for widget in root.findChildren(QgsFieldExpressionWidget):
        widget.fieldChanged.connect(functools.partial(show_start_of, widget))


def wrap_check_boxes(root: QWidget, width: int) -> None:
    """Break the long texts of the check boxes under ``root`` (Processing's own among them) at spaces into
    lines that fit ``width`` pixels, less the indent of the groups they sit in: a check box never wraps by
    itself and would widen a narrow dock. Called again with each new width, from the full text."""
    for box in root.findChildren(QCheckBox):
        if box.text() != box.property(WRAPPED_TEXT):  # first seen, or its page gave it a new text
            box.setProperty(FULL_TEXT, box.text())
        depth, parent = 0, box.parentWidget()
        while parent is not None and parent is not root:
            depth += isinstance(parent, QGroupBox)
            parent = parent.parentWidget()
        style = box.style()
        room = (
            width
            - 2 * (8 + GROUP_INDENT * depth)
            - style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
            - style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
        )
        text = wrapped(str(box.property(FULL_TEXT)), box.fontMetrics(), room)
        box.setText(text)
        box.setProperty(WRAPPED_TEXT, text)


def wrapped(text: str, metrics: QFontMetrics, room: int) -> str:
    """``text`` in lines no wider than ``room`` pixels, broken at spaces (a long word keeps its own line)."""
    lines = [""]
    for word in text.split():
        trial = f"{lines[-1]} {word}".strip()
        if lines[-1] and metrics.horizontalAdvance(trial.replace("&", "")) > room:
            lines.append(word)
        else:
            lines[-1] = trial
    return "\n".join(lines)


def compact_combos(root: QWidget, characters: int = 12) -> None:
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
    for column, header in enumerate(headers):  # field names break at '_' so narrow columns fit a narrow dock
        item = QTableWidgetItem(header.replace("_", "\n") if len(header) > 8 else header)
        item.setToolTip(header)
        table.setHorizontalHeaderItem(column, item)
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
