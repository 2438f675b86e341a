"""Shared fixtures: the plugin loaded as QGIS loads it, the sample district, the real data."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import (
    QgsFeature,
    QgsVectorLayer,
)
from qgis.gui import QgisInterface

from lis_qgis_plugin.plugin import LisPlugin

from .online_servers import OnlineServers, start_online_servers
from .postgis_server import PostgisServer, start_postgis_server
from .support import REPO, SHARED_DATA, build_plugin, csv_rows, run_create_sample, run_qgis_process, saved, town_layers

#: Folders of the checkout the test run may write: caches of Python and the tools, the venv, and pytest-qgis's
#: QGIS profile (it puts the profile at <rootdir>/.qgis-settings; that is where QGIS settings and LIS's default
#: graph cache go during tests). Everything else a test writes must go under tmp_path.
RUN_FOLDERS = {".git", ".venv", ".qgis-settings", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def checkout_files() -> set[str]:
    """Every file of the checkout outside RUN_FOLDERS, relative to it."""
    found: set[str] = set()
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [name for name in subfolders if name not in RUN_FOLDERS]
        found.update(os.path.relpath(os.path.join(folder, name), REPO) for name in files)
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[checkout_files_key] = checkout_files()
    session.config.stash[session_key] = session


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the process with the run's status before pytest-qgis tears QGIS down.

    QGIS never releases a QgsProcessingException raised by a Python algorithm: its ``processing_exception_handler``
    (python/core/core.sip.in) takes the exception with PyErr_Fetch and drops no reference. The traceback's frames
    and, through ``f_back``, every calling frame live on: here the test and helper frames, with the contexts and
    layers they hold. PyQt deletes the QObjects Python still owns when the interpreter ends, after exitQgis, and a
    layer's OGR dataset then crashes in C++ (sip.setdestroyonexit(False) does not stop PyQt's clean-up). Any
    Python algorithm leaks this way, not only LIS's; LIS itself raises from a frame without layers (see
    test_a_refused_run_leaves_no_layer_in_the_exception_qgis_keeps). Every result is reported when this runs, so
    the exit code is the run's own.
    """
    session = config.stash.get(session_key, None)
    if session is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(session.exitstatus))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when tests left files in the checkout (outputs belong under tmp_path)."""
    before = session.config.stash.get(checkout_files_key, None)
    if before is None:
        return
    left = sorted(checkout_files() - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"Tests wrote into the checkout (write under tmp_path instead): {left[:20]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


checkout_files_key = pytest.StashKey[set[str]]()
session_key = pytest.StashKey[pytest.Session]()


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


@pytest.fixture(scope="session")
def sample_result(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The default sample district, written once per test session."""
    return run_create_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def sample_gpkg(sample_result: dict) -> Path:
    """Path of the default sample's GeoPackage."""
    return Path(sample_result["GEOPACKAGE"])


@pytest.fixture(scope="session")
def qgis_process_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A built plugin enabled in a fresh profile, as a user sets up qgis_process."""
    base = tmp_path_factory.mktemp("qgis_process")
    build_plugin.build_folder(base / "plugins")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_PLUGINPATH": str(base / "plugins"),
        "QGIS_CUSTOM_CONFIG_PATH": str(base / "profile"),  # a fresh, empty profile
    }
    env.pop("PYTHONPATH", None)  # the plugin must come from the built folder, not the repo
    enable = run_qgis_process(env, "plugins", "enable", "lis_qgis_plugin")
    assert enable.returncode == 0, enable.stdout + enable.stderr
    return env


@pytest.fixture(scope="session")
def highways(shared_data: Path) -> str:
    """Rutland's OpenStreetMap roads (a GeoPackage layer URI)."""
    return f"{shared_data / 'rutland' / 'network' / 'rutland_osm_highways.gpkg'}|layername=highways"


@pytest.fixture(scope="session")
def demand_gpkg(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Population-weighted centroids with the IMD 2019 decile joined by LSOA code (a GeoPackage path)."""
    rutland = shared_data / "rutland"
    deciles = {
        f["LSOA11CD"]: int(f["imd_decile"])
        for f in QgsVectorLayer(
            str(rutland / "deprivation" / "rutland_lsoa11_imd2019.geojson"), "imd", "ogr"
        ).getFeatures()
    }
    source = QgsVectorLayer(
        str(rutland / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"), "pwc", "ogr"
    )
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=LSOA11CD:string&field=usual_residents_2011:double&field=imd_decile:integer",
        "demand",
        "memory",
    )
    features = []
    for feature in source.getFeatures():
        out = QgsFeature(layer.fields())
        out.setGeometry(feature.geometry())
        out.setAttributes([feature["LSOA11CD"], feature["usual_residents_2011"], deciles[feature["LSOA11CD"]]])
        features.append(out)
    layer.dataProvider().addFeatures(features)
    assert len(features) == 23
    return saved(layer, tmp_path_factory.mktemp("demand") / "demand.gpkg")


@pytest.fixture(scope="session")
def running_online_servers(shared_data: Path) -> Iterator[OnlineServers]:
    """The loopback ONS, Fingertips and Nomis servers of the online-source tests, started once."""
    started = start_online_servers(shared_data)
    yield started
    started.server.close()


@pytest.fixture
def servers(running_online_servers: OnlineServers) -> OnlineServers:
    """The loopback servers with no faults set, no requests logged and honest feature counts."""
    running_online_servers.server.clear()
    running_online_servers.arcgis.count_offset = 0
    return running_online_servers


@pytest.fixture(scope="session")
def imd(shared_data: Path) -> list[dict[str, str]]:
    """Rutland's 23 rows of IoD2019 File 1 (the IMD), as published."""
    return csv_rows(shared_data / "rutland" / "deprivation" / "rutland_imd2019_file1.csv")


@pytest.fixture(scope="session")
def nottingham_imd2019(shared_data: Path) -> Path:
    """Nottingham's 182 LSOAs (2011) with their IoD2019 ranks, scores and domain ranks (a GeoJSON file)."""
    return shared_data / "nottingham" / "deprivation" / "nottingham_lsoa11_imd2019.geojson"


@pytest.fixture(scope="session")
def rutland(shared_data: Path) -> Path:
    """Rutland's real data: boundaries, deprivation, population, roads and services."""
    return shared_data / "rutland"


@pytest.fixture(scope="session")
def gp_table(rutland: Path) -> Path:
    """Rutland's NHS services as published (NHS Choices 2014): a CSV table with coordinates, GP surgeries among them."""
    return rutland / "services" / "rutland_nhs_services_nhschoices_2014.csv"


@pytest.fixture()
def town(tmp_path: Path) -> dict[str, str]:
    """Three villages on a line (1,000, 600 and 100 people, 10 km apart), a candidate at each and one between."""
    return town_layers(tmp_path)


@pytest.fixture(scope="session")
def postgis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgisServer]:
    """A throwaway PostgreSQL/PostGIS cluster on a free loopback port, started for the first test that asks."""
    server = start_postgis_server(tmp_path_factory.mktemp("postgis"))
    try:
        yield server
    finally:
        server.stop()
