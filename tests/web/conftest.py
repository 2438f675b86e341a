"""Fixtures of the browser tests: one report folder (every test takes it from ``report_folder``), a copy of it with
hostile names, Chromium, and a static web server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsProcessingContext, QgsProject

from lis_qgis_plugin.plugin import LisPlugin

from ..support import LogFeedback, older_series, read_web_report
from .nottingham_report import WARDS, write_deprived_download
from .web_support import REMOTE_IMAGE, SCRIPT_NAME, area_code, start_chromium, write_report


@pytest.fixture(scope="session")
def report_folder(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web report of Nottingham's 20 wards from real data, as lis:exportwebreport writes it from a store."""
    import processing

    work = tmp_path_factory.mktemp("web_report")
    older_series(work / "fingertips_older.csv")
    write_deprived_download(work / "fingertips_deprived.csv")
    store = work / "lis_store.gpkg"
    context = QgsProcessingContext()
    context.setProject(QgsProject())
    added = [
        processing.run("lis:addtostore", {"STORE": str(store), "TABLE": str(work / name), "POLARITY": polarity},
                       context=context, feedback=LogFeedback())["INDICATORS"]
        for name, polarity in (("fingertips_deprived.csv", 2), ("fingertips_older.csv", 0))
    ]  # fmt: skip
    result = processing.run("lis:exportwebreport", {
        "BOUNDARIES": str(WARDS), "STORE": str(store), "INDICATORS": [ind for ids in added for ind in ids],
        "TITLE": "Nottingham ward profiles", "OUTPUT_FOLDER": str(work / "nottingham"),
    }, context=context, feedback=LogFeedback())  # fmt: skip
    return Path(result["OUTPUT_FOLDER"])


@pytest.fixture(scope="session")
def hostile_folder(report_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same report with a ward named <script>alert(1)</script>, and a remote <img> in a ward's and in the
    first indicator's name: markup that must show as text and never load."""
    folder = tmp_path_factory.mktemp("web_hostile") / "report"
    shutil.copytree(report_folder, folder)
    report = read_web_report(folder)
    renamed = {area_code(report, "Aspley"): SCRIPT_NAME, area_code(report, "Bulwell"): "Bulwell " + REMOTE_IMAGE}
    for area in report["areas"]:
        if area["code"] in renamed:
            profile = report["profiles"][area["code"]]
            profile["headline"] = profile["headline"].replace(area["name"], renamed[area["code"]])
            area["name"] = renamed[area["code"]]
    report["areas"].sort(key=lambda area: area["name"])
    report["indicators"][0]["name"] += " " + REMOTE_IMAGE
    write_report(folder, report)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (each test loads the page it needs)."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def served_url(report_folder: Path) -> Iterator[str]:
    """The report folder behind `python3 -m http.server` on 127.0.0.1 (a free port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(report_folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)
