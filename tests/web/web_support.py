"""Plain helpers of the browser tests: Chromium through Selenium, the report's data.js, the page's figures."""

from __future__ import annotations

import base64
import json
import shutil
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from ..support import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_VERSION = "4.14.1"  # scripts/setup.sh's AXE_VERSION
AXE = REPO / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
NO_DATA_COLOUR = "#d9d9d9"
SHOTS = Path("/tmp/lis-web-shots")
SCRIPT_NAME = "<script>alert(1)</script>"
REMOTE_IMAGE = '<img src="http://198.51.100.7/tracker.png" alt="">'
SETUP_HINT = "run `make test` (or `sudo bash scripts/setup.sh`) to install what the browser tests need"


def start_chromium(width: int = 1366, height: int = 900) -> Any:
    """Debian's Chromium, headless, with its requests and console kept in the performance and browser logs."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(f"selenium is not installed in the venv: {SETUP_HINT}")
    for needed in (CHROMIUM, CHROMEDRIVER):
        if not needed.exists():
            pytest.fail(f"{needed} is missing (Debian's chromium and chromium-driver): {SETUP_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-default-apps", "--hide-scrollbars", "--font-render-hinting=none",
                     f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def write_report(folder: Path, report: dict) -> None:
    """data.js rewritten as the exporter writes it (core.web.web_report.data_script)."""
    from lis_qgis_plugin.core.web.web_report import data_script

    (folder / "data.js").write_text(data_script(report), encoding="utf-8")


def area_code(report: dict, name: str) -> str:
    return next(area["code"] for area in report["areas"] if area["name"] == name)


def indicator_of(report: dict, indicator_id: str) -> dict:
    return next(indicator for indicator in report["indicators"] if indicator["id"] == indicator_id)


def figures(report: dict, indicator_id: str, period: str, code: str) -> list:
    return report["values"].get(indicator_id, {}).get(period, {}).get(code) or []


def value_of(report: dict, indicator_id: str, period: str, code: str) -> float | None:
    """The value data.js gives an area (None when it has none)."""
    found = figures(report, indicator_id, period, code)
    return found[0] if found else None


def fixed(value: float, decimals: int) -> str:
    """As the page writes a number (ICU: the shortest decimal of the double, halves away from zero, 1,234.5)."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{decimals}f}"


def shown_value(value: float | None, indicator: dict) -> str:
    """A value with its unit as the profile shows it: "23.4%", "79.9 per 1,000", "5.0", "no value"."""
    if value is None:
        return "no value"
    text = fixed(value, indicator.get("decimals", 1))
    unit = indicator.get("unit", "")
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit.startswith("per ") else text


def class_colour(value: float | None, classes: list[dict]) -> str:
    """The key's colour for a value: the first class (lowest first) whose max it does not pass."""
    if value is None:
        return NO_DATA_COLOUR
    return next((item["colour"] for item in classes if value <= item["max"]), classes[-1]["colour"]).lower()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (Chrome DevTools' Network events in the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls


def console_problems(driver: Any) -> list[str]:
    """Errors and warnings the page wrote to the console (a refused load under the CSP shows up here)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def full_page_screenshot(driver: Any, width: int, height: int, mobile: bool, path: Path) -> Path:
    """The whole page at a device width (CDP), as a PNG under ``path``, copied to /tmp/lis-web-shots too."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})  # fmt: skip
    driver.execute_script("return new Promise(requestAnimationFrame)")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS / path.name)
    return path


def run_axe(driver: Any) -> list[dict]:
    """axe-core's violations on the page as it is now (axe.min.js from the setup's cache, injected)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: {SETUP_HINT}")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe error',"
        " impact: 'critical', help: String(e), nodes: []}]));"
    )
