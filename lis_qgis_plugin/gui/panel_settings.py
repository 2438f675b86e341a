"""The panel's remembered choices: typed settings under ``lis/panel/`` and the state saved in each project.

QgsSettings keeps the user's last choices (the defaults for the next project); the project
keeps the panel's full state (layers chosen, fields, options) so reopening it restores the
panel. Layers are stored by id, which the project keeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from qgis.core import QgsProject, QgsSettings
from qgis.PyQt.QtCore import QStandardPaths

PREFIX = "lis/panel/"
PROJECT_SCOPE = "lis"
PROJECT_STATE_KEY = "panel_state"
OUTPUT_FOLDER_NAME = "lis_outputs"
#: the width the panel opens at until the user makes it wider or narrower (it then remembers theirs)
DEFAULT_DOCK_WIDTH = 420
#: never narrower than this, however the dock is restored
MINIMUM_DOCK_WIDTH = 300

Value = TypeVar("Value", str, int, float, bool)


@dataclass(frozen=True)
class Setting(Generic[Value]):
    """One typed value in QgsSettings under ``lis/panel/``; a value that does not read as the type is the default."""

    name: str
    default: Value

    @property
    def key(self) -> str:
        """The QgsSettings key."""
        return PREFIX + self.name

    def value(self) -> Value:
        """The stored value, converted to the type of the default."""
        raw = QgsSettings().value(self.key, None)
        if raw is None:
            return self.default
        kind = type(self.default)
        try:
            if kind is bool:
                return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
            return kind(raw)
        except (TypeError, ValueError):
            return self.default

    def set(self, value: Value) -> None:
        """Store ``value`` (converted to the type of the default)."""
        QgsSettings().setValue(self.key, type(self.default)(value))

    def reset(self) -> None:
        """Forget the stored value."""
        QgsSettings().remove(self.key)


class PanelSettings:
    """Every remembered choice of the panel, with its default."""

    output_folder = Setting("output_folder", "")
    current_page = Setting("current_page", "")
    dock_width = Setting("dock_width", 0)  # 0: not yet resized, the panel opens at DEFAULT_DOCK_WIDTH
    indicator_file = Setting("indicator_file", "")
    duplicates = Setting("duplicates", 0)
    map_method = Setting("map_method", 0)
    map_classes = Setting("map_classes", 5)
    map_polarity = Setting("map_polarity", 0)
    map_ramp = Setting("map_ramp", 0)
    service_mode = Setting("service_mode", 0)
    service_cost = Setting("service_cost", 0)
    service_bands = Setting("service_bands", "5,10,15")
    service_buffer = Setting("service_buffer", 100.0)
    atlas_template = Setting("atlas_template", "")
    atlas_open_pdf = Setting("atlas_open_pdf", True)


def dock_width() -> int:
    """The width the panel last had (never less than MINIMUM_DOCK_WIDTH), else DEFAULT_DOCK_WIDTH."""
    width = PanelSettings.dock_width.value()
    return max(width, MINIMUM_DOCK_WIDTH) if width > 0 else DEFAULT_DOCK_WIDTH


def default_output_folder(project: QgsProject | None = None) -> Path:
    """Where outputs go when the user chose nothing: beside the saved project, else the user's documents."""
    project = project or QgsProject.instance()
    remembered = PanelSettings.output_folder.value()
    if remembered:
        return Path(remembered)
    if project.homePath():
        return Path(project.homePath()) / OUTPUT_FOLDER_NAME
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(documents) / "LIS outputs"


def read_project_state(project: QgsProject | None = None) -> dict[str, Any]:
    """The panel state saved in the project (empty when there is none or it does not read)."""
    project = project or QgsProject.instance()
    text, ok = project.readEntry(PROJECT_SCOPE, PROJECT_STATE_KEY, "")
    if not ok or not text:
        return {}
    try:
        state = json.loads(text)
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def write_project_state(state: dict[str, Any], project: QgsProject | None = None) -> None:
    """Save the panel state into the project (call while the project is being written)."""
    project = project or QgsProject.instance()
    project.writeEntry(PROJECT_SCOPE, PROJECT_STATE_KEY, json.dumps(state, sort_keys=True))


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem_2``, ``stem_3``... when that file (or folder) exists already."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}_{number}{suffix}"
        number += 1
    return candidate
