"""The built plugin folder and zip hold what QGIS and the plugin repository need, and nothing else."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import build_plugin

REQUIRED_METADATA = [
    "name", "description", "about", "version", "author", "email", "repository", "tracker", "homepage",
    "tags", "category", "icon", "experimental", "changelog", "qgisMinimumVersion", "qgisMaximumVersion",
    "hasProcessingProvider",
]  # fmt: skip


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("package")
    return build_plugin.build_zip(base / "build", base / "dist")


def _metadata(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return dict(parser["general"])


def test_zip_is_named_with_the_metadata_version(built_zip: Path) -> None:
    version = _metadata((REPO / "metadata.txt").read_text(encoding="utf-8"))["version"]
    assert built_zip.name == f"lis_qgis_plugin-{version}.zip"


def test_zip_holds_one_plugin_folder_without_tests_or_caches(built_zip: Path) -> None:
    names = zipfile.ZipFile(built_zip).namelist()
    assert {n.split("/")[0] for n in names} == {"lis_qgis_plugin"}
    for required in (
        "lis_qgis_plugin/__init__.py",
        "lis_qgis_plugin/plugin.py",
        "lis_qgis_plugin/metadata.txt",
        "lis_qgis_plugin/resources/icons/lis.svg",
        "lis_qgis_plugin/resources/styles/small_areas.qml",
        "lis_qgis_plugin/processing/provider.py",
        "lis_qgis_plugin/core/sample_district.py",
    ):
        assert required in names, f"{required} missing from {built_zip.name}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/tests/" in n or "conftest" in n]


def test_zip_metadata_is_complete_for_the_plugin_repository(built_zip: Path) -> None:
    archive = zipfile.ZipFile(built_zip)
    metadata = _metadata(archive.read("lis_qgis_plugin/metadata.txt").decode("utf-8"))
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key.lower())]
    assert missing == []
    assert metadata["qgisminimumversion"] == "3.22"
    assert metadata["qgismaximumversion"] == "3.99"
    assert metadata["hasprocessingprovider"] == "yes"
    assert f"lis_qgis_plugin/{metadata['icon']}" in archive.namelist()
    assert metadata["version"].count(".") == 2 and all(part.isdigit() for part in metadata["version"].split("."))


_FIND_RESOURCES = """
import json
from lis_qgis_plugin.core.plugin_files import plugin_file, plugin_version, resource_path
print(json.dumps({"icon": str(resource_path("icons", "lis.svg")), "metadata": str(plugin_file("metadata.txt")),
                  "version": plugin_version()}))
"""


@pytest.mark.parametrize("layout", ["repository", "installed"])
def test_resources_are_found_the_same_way_in_repo_and_installed(layout: str, built_zip: Path, tmp_path: Path) -> None:
    if layout == "installed":
        zipfile.ZipFile(built_zip).extractall(tmp_path)
        root = tmp_path
    else:
        root = REPO
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    completed = subprocess.run(
        [sys.executable, "-c", _FIND_RESOURCES], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout)
    plugin_dir = root / "lis_qgis_plugin"
    expected_base = plugin_dir if layout == "installed" else REPO
    assert found["icon"] == str(expected_base / "resources" / "icons" / "lis.svg")
    assert found["metadata"] == str(expected_base / "metadata.txt")
    assert found["version"] == _metadata((REPO / "metadata.txt").read_text(encoding="utf-8"))["version"]


def test_make_install_puts_the_built_plugin_into_the_qgis_profile(tmp_path: Path) -> None:
    home = tmp_path / "home"
    completed = subprocess.run(
        ["make", "--no-print-directory", "install", f"HOME={home}"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    installed = home / ".local/share/QGIS/QGIS3/profiles/default/python/plugins/lis_qgis_plugin"
    assert (installed / "metadata.txt").read_text(encoding="utf-8") == (REPO / "metadata.txt").read_text(
        encoding="utf-8"
    )
    assert (installed / "resources/icons/lis.svg").is_file()
    assert (installed / "__init__.py").is_file() and not (installed / "tests").exists()
