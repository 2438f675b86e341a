"""Start: what the panel does, the output folder, the sample district and the options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ..algorithm_runner import Output, RunOutcome
from ..widgets import add_row, form_layout, intro_label, run_button, safe_slot, status_label
from .base import LisPage, PanelServices, tr

CREATE_SAMPLE = "lis:createsample"


class StartPage(LisPage):
    """The welcome page."""

    PAGE_ID = "start"

    def __init__(self, panel: PanelServices, parent: QWidget | None = None) -> None:
        super().__init__(panel, parent)
        intro = intro_label(
            tr(
                "<b>Local Information System</b><br>Join area statistics to boundaries, map deprivation, work out "
                "service catchments and export area profiles. Work through the steps in order, 1 to 7; every "
                "tool is also in the Processing toolbox under <i>Local Information System</i>.<br><br>"
                "New here? Create the sample district <i>Lisford</i> to try the tools on invented data."
            ),
            self.content,
        )
        self.body.addWidget(intro)

        form = form_layout()
        self.output_folder = QgsFileWidget(self.content)
        self.output_folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_folder.setDialogTitle(tr("Folder for the LIS outputs"))
        add_row(
            form,
            tr("&Output folder"),
            self.output_folder,
            tr(
                "Every GeoPackage, report and PDF the panel makes is written here (new names, never overwriting). "
                "Remembered for this project and as the default for new ones."
            ),
            "outputFolderWidget",
        )
        self.body.addLayout(form)
        self.show_folder(panel.output_folder())
        self.output_folder.fileChanged.connect(self._folder_changed)

        buttons = QHBoxLayout()
        self.sample_button = run_button(
            tr("Create &sample district"),
            tr("Write the synthetic Lisford district into the output folder and add its layers to the LIS group"),
            "createSampleButton",
            self.content,
        )
        self.sample_button.clicked.connect(self._create_sample)
        self.run_buttons.append(self.sample_button)
        buttons.addWidget(self.sample_button)
        self.options_button = QPushButton(tr("O&ptions…"), self.content)
        self.options_button.setObjectName("optionsButton")
        self.options_button.setToolTip(
            tr("Road speeds, suppressed-value markers and the road-network cache folder (Settings > Options > LIS)")
        )
        self.options_button.clicked.connect(panel.show_options)
        buttons.addWidget(self.options_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.status = status_label(self.content, "startStatus")
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.chain_tab_order([self.output_folder, self.sample_button, self.options_button])

    def title(self) -> str:
        return tr("Start")

    @safe_slot()
    def _folder_changed(self, path: str) -> None:
        self.panel.set_output_folder(path)

    def state(self) -> dict[str, Any]:
        return {"output_folder": self.output_folder.filePath()}

    def restore(self, state: dict[str, Any]) -> None:
        self.show_folder(self.panel.output_folder())

    def show_folder(self, folder: Path) -> None:
        """Show the folder in use without taking it as the user's choice."""
        self.output_folder.blockSignals(True)
        self.output_folder.setFilePath(str(folder))
        self.output_folder.blockSignals(False)

    @safe_slot()
    def _create_sample(self) -> None:
        folder = self.panel.output_path("lisford_sample", "")
        self.run_algorithm(
            CREATE_SAMPLE,
            {"SEED": 1, "SMALL_AREAS": 150},
            tr("Create sample district"),
            {"OUTPUT_FOLDER": Output(folder)},
            self._sample_done,
            working=tr("Writing the sample district into {0}…").format(folder),
        )

    def _sample_done(self, outcome: RunOutcome) -> None:
        self.status.setText(
            tr("Lisford is in the LIS group: {0} layers from {1}.").format(
                len(outcome.layers), Path(str(outcome.results.get("GEOPACKAGE", ""))).name
            )
        )
        self.panel.sample_created(outcome)
