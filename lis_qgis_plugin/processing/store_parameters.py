"""The STORE parameter of the tools that use the indicator store: declared once, resolved once.

STORE is text, so the toolbox, batch, models and ``qgis_process`` all take it:
- a GeoPackage path (created when it does not exist);
- ``pg:<QGIS connection name>`` or ``pg:service=<service>``, optionally ``|schema=<schema>`` (default ``lis``),
  for a team's PostgreSQL/PostGIS store; credentials come from the connection or QGIS's authentication manager;
- empty: the project's store (chosen in the panel), else ``lis_store.gpkg`` beside the saved project.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingParameterString, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from ..core.store.store_location import DEFAULT_STORE_NAME, StoreLocation
from ..core.store.store_schema import StoreError
from .lis_algorithm import LisAlgorithm

STORE = "STORE"
#: The prefix of a PostGIS store in the STORE text.
POSTGIS_PREFIX = "pg:"


def _tr(text: str) -> str:
    return QCoreApplication.translate("StoreParameters", text)


def add_store_parameter(algorithm: LisAlgorithm) -> None:
    """Add the optional STORE text parameter."""
    algorithm.addParameter(
        QgsProcessingParameterString(
            STORE,
            _tr("Indicator store (GeoPackage path, or pg:<connection> for PostGIS; empty: the project's store)"),
            optional=True,
        )
    )


def store_location(text: str | None) -> StoreLocation:
    """The store the user means: STORE's text, else the project's choice, else ``lis_store.gpkg`` beside it."""
    from ..settings import project_store_text

    chosen = (text or "").strip() or project_store_text()
    if chosen.startswith(POSTGIS_PREFIX):
        from .postgis_connections import postgis_store_location

        return postgis_store_location(chosen[len(POSTGIS_PREFIX) :])
    if chosen:
        return Path(chosen).expanduser()
    return default_store_path()


def project_store_if_any() -> StoreLocation | None:
    """For a tool whose store is optional: the project's chosen store, else ``lis_store.gpkg`` beside the saved
    project when that file exists, else None (no store is created for it)."""
    from ..settings import project_store_text

    if project_store_text():
        return store_location(None)
    home = QgsProject.instance().absolutePath()
    path = Path(home) / DEFAULT_STORE_NAME if home else None
    return path if path is not None and path.is_file() else None


def default_store_path() -> Path:
    """``lis_store.gpkg`` beside the saved project; StoreError when the project is not saved yet."""
    home = QgsProject.instance().absolutePath()
    if not home:
        raise StoreError(
            "No indicator store is chosen and the project is not saved, so there is no folder for "
            f"{DEFAULT_STORE_NAME}. Save the project, or choose a store (a GeoPackage path) in the STORE parameter."
        )
    return Path(home) / DEFAULT_STORE_NAME
