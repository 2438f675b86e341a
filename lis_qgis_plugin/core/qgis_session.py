"""Start QGIS with Processing and the LIS provider outside the desktop (scripts, benchmarks)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from qgis.core import QgsApplication

PROCESSING_PLUGINS_DIR = Path("/usr/share/qgis/python/plugins")


def start_qgis_with_lis() -> QgsApplication:
    """A headless QgsApplication with Processing initialised and the ``lis`` provider registered.

    The plugin is loaded as qgis_process loads it: ``classFactory(None)`` then ``initProcessing()``.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], False)
    app.initQgis()
    plugins_dir = Path(app.pkgDataPath()) / "python" / "plugins"
    for candidate in (plugins_dir, PROCESSING_PLUGINS_DIR):
        if candidate.is_dir() and str(candidate) not in sys.path:
            sys.path.append(str(candidate))
    from processing.core.Processing import Processing

    Processing.initialize()
    from .. import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    app.lis_plugin = plugin  # keep the provider alive as long as the application
    return app
