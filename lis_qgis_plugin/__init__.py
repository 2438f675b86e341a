"""LIS - Local Information System plugin for QGIS.

Only ``classFactory`` lives here, and it imports the plugin class lazily so that
QGIS start-up stays cheap.
"""

from __future__ import annotations


def classFactory(iface):  # noqa: ANN001, ANN201 - name and signature fixed by QGIS
    """Return the plugin instance; QGIS and qgis_process call this (iface may be None)."""
    from .plugin import LisPlugin

    return LisPlugin(iface)
