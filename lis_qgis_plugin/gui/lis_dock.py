"""The "Local Information System" panel: the frame later tools add their pages to."""

from __future__ import annotations

from collections.abc import Callable

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

DOCK_OBJECT_NAME = "LisDockWidget"


def tr(text: str) -> str:
    """Translate through Qt."""
    return QCoreApplication.translate("LisDockWidget", text)


class LisDockWidget(QgsDockWidget):
    """Tabs that walk an analyst from boundaries to maps and reports; starts with the welcome page."""

    def __init__(self, open_algorithm: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(tr("Local Information System"), parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._start_page(open_algorithm), tr("Start"))
        self.setWidget(self.tabs)

    def _start_page(self, open_algorithm: Callable[[str], None]) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            tr(
                "<b>Local Information System</b><br>Join area statistics to boundaries, map deprivation, "
                "work out service catchments and export area profiles. Every tool is also in the Processing "
                "toolbox under <i>Local Information System</i>.<br><br>New here? Create the sample district "
                "<i>Lisford</i> to try the tools on invented data."
            ),
            page,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        sample_button = QPushButton(tr("Create sample district…"), page)
        sample_button.setObjectName("createSampleButton")
        sample_button.setToolTip(tr("Write the synthetic Lisford district to a folder and add its layers to the map"))
        sample_button.clicked.connect(lambda: open_algorithm("lis:createsample"))
        layout.addWidget(sample_button)
        layout.addStretch(1)
        return page
