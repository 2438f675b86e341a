"""qgis_process sees the built plugin in a fresh profile, lists lis: algorithms and runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, open_layer

sys.path.insert(0, str(REPO / "scripts"))
import build_plugin

QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"


@pytest.fixture(scope="module")
def qgis_process_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("qgis_process")
    build_plugin.build_folder(base / "plugins")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_PLUGINPATH": str(base / "plugins"),
        "QGIS_CUSTOM_CONFIG_PATH": str(base / "profile"),  # a fresh, empty profile
    }
    env.pop("PYTHONPATH", None)  # the plugin must come from the built folder, not the repo
    enable = _qgis_process(env, "plugins", "enable", "lis_qgis_plugin")
    assert enable.returncode == 0, enable.stdout + enable.stderr
    return env


def _qgis_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([QGIS_PROCESS, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_qgis_process_lists_lis_algorithms(qgis_process_env: dict[str, str]) -> None:
    listing = _qgis_process(qgis_process_env, "list")
    assert listing.returncode == 0, listing.stderr
    assert "Local Information System" in listing.stdout
    assert "lis:createsample\tCreate sample district" in listing.stdout


@pytest.mark.slow
def test_qgis_process_runs_createsample(qgis_process_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "lisford"
    run = _qgis_process(
        qgis_process_env, "run", "lis:createsample", "--", "SEED=7", "SMALL_AREAS=40", f"OUTPUT_FOLDER={out}"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"GEOPACKAGE:\t{out / 'lisford_sample.gpkg'}" in run.stdout
    assert open_layer(out / "lisford_sample.gpkg", "small_areas").featureCount() == 40
    assert (out / "lisford_health_indicators.xlsx").stat().st_size > 0
