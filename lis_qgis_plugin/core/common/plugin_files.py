"""Find the plugin's resources and metadata the same way in the repo and when installed.

In git, ``metadata.txt`` and ``resources/`` sit beside the package (one source of
truth); the build step copies them inside the installed ``lis_qgis_plugin/`` folder.
Every lookup goes through :func:`plugin_file`, which tries the installed place first.
"""

from __future__ import annotations

import configparser
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]


def plugin_file(relative: str) -> Path:
    """Path of a shipped file (``metadata.txt``, ``resources/...``) in either layout."""
    for base in (PACKAGE_DIR, PACKAGE_DIR.parent):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"LIS plugin file '{relative}' is missing from {PACKAGE_DIR} and its parent folder; "
        "reinstall the plugin or rebuild it with 'make build'."
    )


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (icons, QML styles, layout templates)."""
    return plugin_file("/".join(("resources", *parts)))


def style_path(layer_name: str) -> Path | None:
    """The shipped QML style for a layer name, or None when there is none."""
    try:
        return resource_path("styles", f"{layer_name}.qml")
    except FileNotFoundError:
        return None


def plugin_metadata() -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt`` (name, version, ...)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(plugin_file("metadata.txt"), encoding="utf-8")
    return dict(parser["general"])


def plugin_version() -> str:
    """The plugin version, read from ``metadata.txt`` (the only place it is written)."""
    return plugin_metadata()["version"]
