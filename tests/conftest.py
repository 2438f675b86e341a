"""Shared fixtures: the plugin loaded as QGIS loads it, the sample district, the real data."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer
from qgis.gui import QgisInterface

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data" / "real"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lis_qgis_plugin.plugin import LisPlugin  # noqa: E402 - importable once the repo is on sys.path


@pytest.fixture(scope="session")
def lis_plugin(qgis_iface: QgisInterface, qgis_processing: None) -> Iterator[LisPlugin]:
    """The plugin as QGIS desktop loads it: classFactory(iface), then initGui()."""
    from lis_qgis_plugin import classFactory

    plugin = classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    plugin.unload()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open data beside the checkout (CI always has it, so its absence is a failure)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"Real test data is missing: expected {SHARED_DATA} (../shared/data/real beside the checkout).")
    return SHARED_DATA


def run_create_sample(folder: Path, seed: int = 1, small_areas: int = 150) -> dict:
    """Run lis:createsample through Processing, as the toolbox and qgis_process do."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    params = {"SEED": seed, "SMALL_AREAS": small_areas, "OUTPUT_FOLDER": str(folder)}
    return processing.run("lis:createsample", params, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())


@pytest.fixture(scope="session")
def sample_result(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The default sample district, written once per test session."""
    return run_create_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def sample_gpkg(sample_result: dict) -> Path:
    """Path of the default sample's GeoPackage."""
    return Path(sample_result["GEOPACKAGE"])


def open_layer(gpkg: Path, name: str) -> QgsVectorLayer:
    """A valid layer of a GeoPackage (fails the test otherwise)."""
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    assert layer.isValid(), f"{gpkg}|{name} does not open"
    return layer
