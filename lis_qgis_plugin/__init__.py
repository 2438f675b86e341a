"""LIS - Local Information System plugin for QGIS.

Only ``classFactory`` lives here, and it imports the plugin class lazily so that
QGIS start-up stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plugin import LisPlugin


def classFactory(iface: Any) -> LisPlugin:  # the name and signature QGIS calls
    """Return the plugin instance; QGIS and qgis_process call this (iface may be None)."""
    from .plugin import LisPlugin

    return LisPlugin(iface)
