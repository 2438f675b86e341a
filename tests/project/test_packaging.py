"""The built plugin folder and zip hold what QGIS and the plugin repository need, and nothing else."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ..support import REPO

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
        "lis_qgis_plugin/core/sample/sample_district.py",
    ):
        assert required in names, f"{required} missing from {built_zip.name}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/tests/" in n or "conftest" in n]


def test_zip_metadata_is_complete_for_the_plugin_repository(built_zip: Path) -> None:
    archive = zipfile.ZipFile(built_zip)
    metadata = _metadata(archive.read("lis_qgis_plugin/metadata.txt").decode("utf-8"))
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key.lower())]
    assert missing == []
    assert metadata["qgisminimumversion"] == "3.40", "the lowest QGIS the suite runs on (make test)"
    assert metadata["qgismaximumversion"] == "4.99"
    assert metadata["supportsqt6"] == "True", "QGIS 4 lists only plugins that declare Qt6 support"
    assert metadata["hasprocessingprovider"] == "yes"
    assert f"lis_qgis_plugin/{metadata['icon']}" in archive.namelist()
    assert metadata["version"].count(".") == 2 and all(part.isdigit() for part in metadata["version"].split("."))
    assert metadata["changelog"].strip().startswith(metadata["version"] + " - "), (
        "the changelog leads with this version"
    )


def test_metadata_describes_every_registered_tool(qgis_processing: None, lis_plugin: object) -> None:
    """The plugin manager's About text names each algorithm of the provider, so a new tool cannot go unlisted."""
    from qgis.core import QgsApplication

    about = _metadata((REPO / "metadata.txt").read_text(encoding="utf-8"))["about"]
    provider = QgsApplication.processingRegistry().providerById("lis")
    ids = sorted(algorithm.id() for algorithm in provider.algorithms())
    assert len(ids) == 19
    assert [algorithm_id for algorithm_id in ids if f"({algorithm_id})" not in about] == []


def test_license_is_gpl2_or_later_at_the_top_and_in_the_zip(built_zip: Path) -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 2, June 1991" in text
    assert "any later version" in text
    assert zipfile.ZipFile(built_zip).read("lis_qgis_plugin/LICENSE").decode("utf-8") == text


def repository_rule_breaches(archive_path: Path) -> list[str]:
    """What the QGIS plugin repository's upload check would refuse in a plugin zip, in plain words.

    The same rules as plugins.qgis.org applies on upload (QGIS-Django's plugins/validator.py): size, no
    path tricks, no compiled Python or cache folders, one top folder with a valid name holding __init__.py,
    metadata.txt with the required keys, well-formed URLs, an author without slashes, and a LICENSE file.
    """
    archive = zipfile.ZipFile(archive_path)
    names = archive.namelist()
    breaches = _member_breaches(archive_path, archive)
    top = {name.split("/")[0] for name in names}
    if len(top) != 1:
        return [*breaches, f"{len(top)} top-level folders: {sorted(top)}"]
    (package,) = top
    if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", package):
        breaches.append(f"top folder name {package!r}")
    for required in ("__init__.py", "metadata.txt", "LICENSE"):
        if f"{package}/{required}" not in names:
            breaches.append(f"no {required} in {package}/")
    if f"{package}/metadata.txt" not in names:
        return breaches
    breaches.extend(_metadata_breaches(archive.read(f"{package}/metadata.txt").decode("utf-8")))
    init = f"{package}/__init__.py"
    if init in names and "def classFactory" not in archive.read(init).decode("utf-8"):
        breaches.append("__init__.py has no classFactory")
    return breaches


def _member_breaches(archive_path: Path, archive: zipfile.ZipFile) -> list[str]:
    """The zip's size, its members' paths (no path tricks, compiled Python or cache folders) and its integrity."""
    breaches: list[str] = []
    if archive_path.stat().st_size > 25_000_000:
        breaches.append("larger than 25 MB")
    for name in archive.namelist():
        if ".." in name or name.startswith("/"):
            breaches.append(f"path information in {name}")
        if ".pyc" in name:
            breaches.append(f"compiled Python {name}")
        for forbidden in ("__MACOSX", ".git", "__pycache__"):
            if forbidden in name.split("/"):
                breaches.append(f"{forbidden} folder in {name}")
    if archive.testzip() is not None:
        breaches.append("a corrupt member")
    return breaches


def _metadata_breaches(text: str) -> list[str]:
    """metadata.txt's required keys, web addresses and author."""
    breaches: list[str] = []
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive there
    parser.read_string(text)
    general = dict(parser["general"]) if parser.has_section("general") else {}
    for key in ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
                "repository"):  # fmt: skip
        if not general.get(key, "").strip():
            breaches.append(f"metadata.txt lacks {key}")
    for key in ("tracker", "repository", "homepage"):
        url = urlparse(general.get(key, ""))
        if not (url.scheme in ("http", "https") and url.netloc):
            breaches.append(f"metadata.txt {key} is not a web address")
    if "/" in general.get("author", ""):
        breaches.append("author has a slash")
    return breaches


def test_zip_passes_the_plugin_repository_rules(built_zip: Path) -> None:
    assert repository_rule_breaches(built_zip) == []


def _copy_zip(source: Path, target: Path, drop: str = "", add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(target, "w") as out:
        for name in good.namelist():
            if name != drop:
                out.writestr(name, good.read(name))
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def test_repository_rules_catch_a_bad_zip(built_zip: Path, tmp_path: Path) -> None:
    """The check itself bites: a cache folder, a missing LICENSE and a second top folder are all named."""
    pyc = "lis_qgis_plugin/core/__pycache__/x.cpython-311.pyc"
    bad = _copy_zip(built_zip, tmp_path / "bad.zip", drop="lis_qgis_plugin/LICENSE", add={pyc: b""})
    assert repository_rule_breaches(bad) == [
        f"compiled Python {pyc}",
        f"__pycache__ folder in {pyc}",
        "no LICENSE in lis_qgis_plugin/",
    ]
    two_tops = _copy_zip(built_zip, tmp_path / "two.zip", add={"tests/test_x.py": b""})
    assert repository_rule_breaches(two_tops) == ["2 top-level folders: ['lis_qgis_plugin', 'tests']"]


_FIND_RESOURCES = """
import json
from lis_qgis_plugin.core.common.plugin_files import plugin_file, plugin_version, resource_path
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
    checkout = _checkout_copy(tmp_path / "checkout")  # make builds into build/ beside the Makefile: not the repo's
    home = tmp_path / "home"
    completed = subprocess.run(
        ["make", "--no-print-directory", "install", f"HOME={home}"],
        capture_output=True,
        text=True,
        cwd=checkout,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert (checkout / "build" / "lis_qgis_plugin" / "metadata.txt").is_file()
    installed = home / ".local/share/QGIS/QGIS3/profiles/default/python/plugins/lis_qgis_plugin"
    assert (installed / "metadata.txt").read_text(encoding="utf-8") == (REPO / "metadata.txt").read_text(
        encoding="utf-8"
    )
    assert (installed / "resources/icons/lis.svg").is_file()
    assert (installed / "__init__.py").is_file() and not (installed / "tests").exists()


def _checkout_copy(target: Path) -> Path:
    """What `make install` reads from the checkout (Makefile, build script, package, metadata, resources), copied."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "lis_qgis_plugin", target / "lis_qgis_plugin", ignore=ignore)
    shutil.copytree(REPO / "resources", target / "resources", ignore=ignore)
    (target / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "build_plugin.py", target / "scripts" / "build_plugin.py")
    for name in ("Makefile", "metadata.txt", "LICENSE", "README.md"):
        shutil.copy2(REPO / name, target / name)
    return target
