"""Start QGIS with Processing and the LIS provider outside the desktop (scripts, benchmarks).

It loads the whole plugin (``classFactory``), so it sits at the top of the package, not in ``core/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from qgis.core import QgsApplication


def start_qgis_with_lis() -> QgsApplication:
    """A headless QgsApplication with Processing initialised and the ``lis`` provider registered.

    The plugin is loaded as qgis_process loads it: ``classFactory(None)`` then ``initProcessing()``.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], False)
    app.initQgis()
    plugins_dir = str(Path(app.pkgDataPath()) / "python" / "plugins")  # where Processing lives
    if plugins_dir not in sys.path:
        sys.path.append(plugins_dir)
    from processing.core.Processing import Processing

    Processing.initialize()
    from . import classFactory

    plugin = classFactory(None)
    plugin.initProcessing()
    app.lis_plugin = plugin  # keep the provider alive as long as the application
    return app
