"""The web report in Debian's Chromium (headless, Selenium): offline from its folder under its content-security
policy, from file:// and over http; the map, profile, table, CSV, URL and print as a reader uses them; hostile names
shown as text; keyboard use and axe-core's checks; screenshots at desktop and phone widths."""

from __future__ import annotations

import base64
import csv
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from ..support import read_web_report
from .nottingham_report import DEPRIVED_NAME
from .web_support import (
    REMOTE_IMAGE,
    SCRIPT_NAME,
    SHOTS,
    area_code,
    class_colour,
    console_problems,
    figures,
    fixed,
    full_page_screenshot,
    requested_urls,
    run_axe,
    shown_value,
    value_of,
    wait_for,
)

FILL_BY_CODE = """
const fills = {};
document.querySelectorAll('#map path[data-code]').forEach(p => { fills[p.dataset.code] = p.getAttribute('fill'); });
return fills;"""

#: A point inside the path (client pixels) where the path itself is the topmost element: a real pointer's target.
INSIDE_POINT = """
const path = arguments[0], svg = path.ownerSVGElement, box = path.getBBox(), matrix = path.getScreenCTM();
for (let row = 1; row < 20; row++) {
  for (let column = 1; column < 20; column++) {
    const point = svg.createSVGPoint();
    point.x = box.x + box.width * column / 20; point.y = box.y + box.height * row / 20;
    if (!path.isPointInFill(point)) continue;
    const screen = point.matrixTransform(matrix);
    if (document.elementFromPoint(screen.x, screen.y) === path) return [Math.round(screen.x), Math.round(screen.y)];
  }
}
return null;"""


def indicator_named(report: dict, name: str) -> str:
    """The store id of the report's indicator called ``name``."""
    (found,) = [indicator["id"] for indicator in report["indicators"] if indicator["name"] == name]
    return found


def open_report(driver: Any, url: str, paths: int) -> None:
    """Load the page afresh (never only a new hash) and wait for its map; the logs start empty."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(url)
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#map path[data-code]")) == paths, "the map's areas")


def profile_title(driver: Any) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#profile h2").text


def choose_in_list(driver: Any, text: str, name: str) -> None:
    search = driver.find_element(By.ID, "area-search")
    search.clear()
    search.send_keys(text)
    buttons = driver.find_elements(By.CSS_SELECTOR, "#area-list button")
    next(button for button in buttons if button.text == name).click()
    wait_for(lambda: profile_title(driver) == name, f"the profile of {name}")


def page_hash(driver: Any) -> dict[str, str]:
    fragment = urlsplit(driver.current_url).fragment
    return {key: values[0] for key, values in parse_qs(fragment).items()}


def outside_the_folder(urls: list[str], allowed: str) -> list[str]:
    return [url for url in urls if not url.startswith(allowed) and url != "about:blank"]


def check_the_page_works(driver: Any, report: dict) -> None:
    """Title, pickers, map, profile and table filled, and the CSP refused nothing the page needs."""
    assert driver.find_element(By.ID, "report-title").text == report["title"]
    assert len(Select(driver.find_element(By.ID, "indicator")).options) == len(report["indicators"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "#table tbody tr")) == len(report["areas"])
    header = "return getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert driver.execute_script(header) == "rgb(21, 58, 90)"  # the stylesheet applied
    assert not console_problems(driver)


# --- offline, from its folder ----------------------------------------------------------------------------------


def test_the_report_opens_from_disk_and_asks_for_nothing_outside_its_folder(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    check_the_page_works(browser, report)
    choose_in_list(browser, "Asp", "Aspley")
    urls = requested_urls(browser)
    assert {url.split("#")[0].rsplit("/", 1)[1] for url in urls if url.startswith("file:")} >= {
        "index.html",
        "data.js",
        "lis-report.js",
        "lis-report.css",
    }
    assert not outside_the_folder(urls, report_folder.as_uri() + "/"), urls
    csp = browser.find_element(By.CSS_SELECTOR, "meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "'unsafe-inline'" not in csp


def test_the_report_served_over_http_asks_only_its_server(browser: Any, report_folder: Path, served_url: str) -> None:
    report = read_web_report(report_folder)
    open_report(browser, served_url + "index.html", len(report["areas"]))
    check_the_page_works(browser, report)
    choose_in_list(browser, "Asp", "Aspley")
    urls = requested_urls(browser)
    assert served_url + "data.js" in urls and served_url + "lis-report.js" in urls
    assert not outside_the_folder(urls, served_url), urls


def test_markup_in_names_shows_as_text_and_loads_nothing(browser: Any, hostile_folder: Path) -> None:
    report = read_web_report(hostile_folder)
    assert "\\u003cscript>" in (hostile_folder / "data.js").read_text(encoding="utf-8")
    open_report(browser, (hostile_folder / "index.html").as_uri(), len(report["areas"]))
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.execute_script("return [document.images.length, document.scripts.length]") == [0, 2]
    options = [option.text for option in Select(browser.find_element(By.ID, "indicator")).options]
    assert options[0].endswith(" " + REMOTE_IMAGE)
    names = [button.text for button in browser.find_elements(By.CSS_SELECTOR, "#area-list button")]
    assert SCRIPT_NAME in names and "Bulwell " + REMOTE_IMAGE in names
    choose_in_list(browser, "<script>", SCRIPT_NAME)
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    table_names = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#table tbody th")]
    assert SCRIPT_NAME in table_names and "Bulwell " + REMOTE_IMAGE in table_names
    assert SCRIPT_NAME in browser.find_element(By.ID, "headline").text
    choose_in_list(browser, "Bulwell", "Bulwell " + REMOTE_IMAGE)
    assert browser.execute_script("return [document.images.length, document.scripts.length]") == [0, 2]
    urls = requested_urls(browser)
    assert not [url for url in urls if "198.51.100.7" in url]
    assert not outside_the_folder(urls, hostile_folder.as_uri() + "/"), urls


# --- what the reader does --------------------------------------------------------------------------------------


def test_choosing_an_indicator_and_a_period_recolours_the_map(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    aspley = area_code(report, "Aspley")
    seen = set()
    for indicator in report["indicators"]:
        Select(browser.find_element(By.ID, "indicator")).select_by_value(indicator["id"])
        for period in reversed(indicator["periods"]):
            Select(browser.find_element(By.ID, "period")).select_by_value(period)
            fills = {code: fill.lower() for code, fill in browser.execute_script(FILL_BY_CODE).items()}
            expected = {
                area["code"]: class_colour(
                    value_of(report, indicator["id"], period, area["code"]), indicator["classes"]
                )
                for area in report["areas"]
            }
            assert fills == expected, (indicator["id"], period)
            seen.add(fills[aspley])
            key = browser.find_element(By.ID, "key").text
            assert indicator["name"] in key and (not indicator["unit"] or f"({indicator['unit']})" in key)
            assert [item["label"] for item in indicator["classes"]] == [
                line for line in key.splitlines()[1:] if line != "no value" and not line.startswith("Classes")
            ]
    assert len(seen) > 1, "Aspley's colour changes with the indicator"


def test_aspley_from_the_search_box_and_from_the_map_shows_its_published_values(
    browser: Any, report_folder: Path
) -> None:
    report = read_web_report(report_folder)
    aspley = area_code(report, "Aspley")
    profile = report["profiles"][aspley]
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    search = browser.find_element(By.ID, "area-search")
    search.send_keys("aspl", Keys.ENTER)
    wait_for(lambda: profile_title(browser) == "Aspley", "Aspley's profile")
    assert browser.find_element(By.ID, "headline").text == profile["headline"]
    assert profile["headline"].startswith("Aspley is significantly worse than England")
    for indicator in report["indicators"]:
        row = browser.find_element(By.CSS_SELECTOR, f"#profile-table tr[data-indicator='{indicator['id']}']")
        cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        latest = indicator["latest"]
        value, lower, upper, *_, count, denominator = figures(report, indicator["id"], latest, aspley)
        comparator = report["comparators"][indicator["id"]][latest]
        flag = profile["rows"].get(indicator["id"], {}).get("flag", "")
        assert cells[0].startswith(indicator["name"]) and cells[1] == latest
        assert cells[2] == shown_value(value, indicator)
        decimals = indicator["decimals"]
        assert cells[3] == (
            f"{fixed(lower, decimals)}\u2013{fixed(upper, decimals)}" if lower is not None else "\u2013"
        )
        if denominator is not None:
            assert cells[4] == f"{fixed(count, 0)} / {fixed(denominator, 0)}"
        assert cells[5] == shown_value(comparator["district"][0] if comparator["district"] else None, indicator)
        assert cells[6] == shown_value(comparator["england"], indicator)
        assert cells[7] == (flag or "not compared")
    # By hand (MHCLG's files): 7 of Aspley's 10 LSOAs of 2021 are in England's most deprived 10% in 2025: 70.0%,
    # Wilson 39.7-89.2; England 10.0%: worse at 99.8% too.
    deprived10 = indicator_named(report, DEPRIVED_NAME)
    deprived = browser.find_element(By.CSS_SELECTOR, f"#profile-table tr[data-indicator='{deprived10}']").text
    assert "70.0%" in deprived and "39.7\u201389.2" in deprived and "worse (99.8%)" in deprived
    swatch = browser.find_element(By.CSS_SELECTOR, f"#profile-table tr[data-indicator='{deprived10}'] .flag .swatch")
    assert swatch.value_of_css_property("background-color") == "rgba(192, 0, 0, 1)"  # Fingertips' red, #C00000
    dot = browser.find_element(By.CSS_SELECTOR, f"#spine-chart [data-indicator='{deprived10}'] .spine-dot")
    assert dot.get_attribute("fill") == report["colours"]["significance"]["worse"]

    choose_in_list(browser, "Bulw", "Bulwell")
    path = browser.find_element(By.CSS_SELECTOR, f"#map path[data-code='{aspley}']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", path)
    point = browser.execute_script(INSIDE_POINT, path)
    assert point, "a point of Aspley's path on top"
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(*point).click()
    actions.perform()
    wait_for(lambda: profile_title(browser) == "Aspley", "Aspley's profile after a click on the map")
    first = report["indicators"][0]
    tooltip = browser.find_element(By.ID, "tooltip").text
    assert tooltip == f"Aspley: {shown_value(value_of(report, first['id'], first['latest'], aspley), first)}"


def test_the_profile_charts_put_worse_on_the_left_and_show_every_period(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    aspley = area_code(report, "Aspley")
    rows = report["profiles"][aspley]["rows"]
    open_report(browser, f"{(report_folder / 'index.html').as_uri()}#area={aspley}", len(report["areas"]))
    judged = 0
    for indicator in report["indicators"]:
        spine = browser.find_element(By.CSS_SELECTOR, f"#spine-chart [data-indicator='{indicator['id']}']")
        centre = float(spine.find_element(By.CSS_SELECTOR, "line").get_attribute("x1"))
        significance = rows.get(indicator["id"], {}).get("significance", "")
        if indicator["polarity"] and significance in ("better", "worse"):
            dot = float(spine.find_element(By.CSS_SELECTOR, ".spine-dot").get_attribute("cx"))
            assert (dot < centre) == (significance == "worse"), (indicator["id"], significance, dot, centre)
            judged += 1
        bands = spine.find_elements(By.CSS_SELECTOR, "rect")
        assert len(bands) == 3  # the row's background, worst..best, the middle half
        if len(indicator["periods"]) < 2:
            assert not browser.find_elements(By.CSS_SELECTOR, f".series-chart[data-indicator='{indicator['id']}']")
            continue
        chart = browser.find_element(By.CSS_SELECTOR, f".series-chart[data-indicator='{indicator['id']}']")
        known = [value_of(report, indicator["id"], period, aspley) for period in indicator["periods"]]
        points = chart.find_element(By.CSS_SELECTOR, "polyline.line-area").get_attribute("points").split()
        assert len(points) == len([value for value in known if value is not None])
        comparators = [report["comparators"][indicator["id"]][period] for period in indicator["periods"]]
        assert bool(chart.find_elements(By.CSS_SELECTOR, "polyline.line-district")) == all(
            found["district"] for found in comparators
        )
        assert bool(chart.find_elements(By.CSS_SELECTOR, "polyline.line-england")) == all(
            found["england"] is not None for found in comparators
        )
    assert judged, "an indicator with a polarity where Aspley differs from England"
    # Hovering another ward reads its value without leaving Aspley's profile.
    bulwell = area_code(report, "Bulwell")
    path = browser.find_element(By.CSS_SELECTOR, f"#map path[data-code='{bulwell}']")
    point = browser.execute_script(INSIDE_POINT, path)
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(*point)
    actions.perform()
    first = report["indicators"][0]
    wait_for(lambda: browser.find_element(By.ID, "tooltip").is_displayed(), "the tooltip")
    value = shown_value(value_of(report, first["id"], first["latest"], bulwell), first)
    assert browser.find_element(By.ID, "tooltip").text == f"Bulwell: {value}"
    assert profile_title(browser) == "Aspley"


def test_the_csv_download_is_the_table_shown(browser: Any, report_folder: Path, tmp_path: Path) -> None:
    report = read_web_report(report_folder)
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    indicator = report["indicators"][0]
    period = indicator["periods"][0]
    Select(browser.find_element(By.ID, "indicator")).select_by_value(indicator["id"])
    Select(browser.find_element(By.ID, "period")).select_by_value(period)
    for _ in range(2):  # ascending, then descending
        browser.find_element(By.CSS_SELECTOR, "#table button[data-key='value']").click()
    header = browser.find_element(By.XPATH, "//table[@id='table']//button[@data-key='value']/..")
    assert header.get_attribute("aria-sort") == "descending"
    shown = [row.get_attribute("data-code") for row in browser.find_elements(By.CSS_SELECTOR, "#table tbody tr")]
    values = [figures(report, indicator["id"], period, code)[0] for code in shown]
    known = [value for value in values if value is not None]
    assert known == sorted(known, reverse=True) and values[: len(known)] == known
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.ID, "download").click()
    target = tmp_path / f"lis-{indicator['id']}-{period}.csv"
    wait_for(target.exists, f"{target.name} in the download folder")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["area_code", "area_name", "indicator", "period", "value", "lower95", "upper95", "count",
                       "denominator"]  # fmt: skip
    assert [row[0] for row in rows[1:]] == shown
    names = {area["code"]: area["name"] for area in report["areas"]}
    for row in rows[1:]:
        numbers = figures(report, indicator["id"], period, row[0])
        assert row[1:4] == [names[row[0]], indicator["id"], period]
        for cell, index in zip(row[4:], (0, 1, 2, 5, 6)):
            assert (float(cell) if cell else None) == numbers[index], (row, index)
    # And the download is the store's own values: the store lis:exportwebreport read (beside the folder).
    from lis_qgis_plugin.core.store.store_values import values_at

    stored = values_at(report_folder.parent / "lis_store.gpkg", indicator["id"], period)
    stored.pop("E92000001")  # England's row: a comparator, not an area of the map
    assert {row[0]: float(row[4]) for row in rows[1:] if row[4]} == stored


def test_the_url_keeps_the_indicator_period_and_area(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    aspley = area_code(report, "Aspley")
    indicator = report["indicators"][1]
    url = (report_folder / "index.html").as_uri()
    open_report(browser, f"{url}#indicator={indicator['id']}&area={aspley}", len(report["areas"]))
    assert (
        Select(browser.find_element(By.ID, "indicator")).first_selected_option.get_attribute("value") == indicator["id"]
    )
    assert (
        Select(browser.find_element(By.ID, "period")).first_selected_option.get_attribute("value")
        == indicator["latest"]
    )
    assert profile_title(browser) == "Aspley"
    assert page_hash(browser) == {"indicator": indicator["id"], "period": indicator["latest"], "area": aspley}
    Select(browser.find_element(By.ID, "period")).select_by_value(indicator["periods"][0])
    assert page_hash(browser)["period"] == indicator["periods"][0]
    choose_in_list(browser, "Bulw", "Bulwell")
    chosen = page_hash(browser)
    assert chosen == {"indicator": indicator["id"], "period": indicator["periods"][0],
                      "area": area_code(report, "Bulwell")}  # fmt: skip
    open_report(browser, browser.current_url, len(report["areas"]))  # the shared link opens the same choice
    assert profile_title(browser) == "Bulwell" and page_hash(browser) == chosen
    assert (
        Select(browser.find_element(By.ID, "period")).first_selected_option.get_attribute("value") == chosen["period"]
    )


def test_the_keyboard_reaches_the_map_and_enter_opens_a_profile(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    active = "return document.activeElement.matches('#map path[data-code]') ? document.activeElement.dataset.code : ''"
    code = ""
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        code = browser.execute_script(active)
        if code:
            break
    assert code, "Tab reaches the map's areas"
    name = next(area["name"] for area in report["areas"] if area["code"] == code)
    assert browser.find_element(By.ID, "tooltip").text.startswith(name + ": ")  # focus shows the value too
    assert browser.execute_script("return document.querySelector('#map-focus path').getAttribute('d')")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(lambda: profile_title(browser) == name, "the focused area's profile")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    following = browser.execute_script(active)
    assert following and following != code
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    following_name = next(area["name"] for area in report["areas"] if area["code"] == following)
    wait_for(lambda: profile_title(browser) == following_name, "Space opens a profile too")
    # The list: type, Tab to the first match, Enter; the focus stays on that ward's button after the redraw.
    browser.find_element(By.ID, "area-search").send_keys("Bulw")
    ActionChains(browser).send_keys(Keys.TAB, Keys.ENTER).perform()
    wait_for(lambda: profile_title(browser) == "Bulwell", "Bulwell's profile from the list")
    focused = "return [document.activeElement.closest('#area-list') !== null, document.activeElement.dataset.code]"
    assert browser.execute_script(focused) == [True, area_code(report, "Bulwell")]


def test_axe_core_finds_no_serious_or_critical_violation(browser: Any, report_folder: Path) -> None:
    report = read_web_report(report_folder)
    open_report(browser, (report_folder / "index.html").as_uri(), len(report["areas"]))
    for state in ("no area chosen", "Aspley's profile open"):
        if state != "no area chosen":
            choose_in_list(browser, "Aspley", "Aspley")
        violations = run_axe(browser)
        serious = [
            (item["id"], item["impact"], item["help"], [node["target"] for node in item["nodes"]][:5])
            for item in violations
            if item["impact"] in ("serious", "critical")
        ]
        assert not serious, (state, serious)


def test_screenshots_at_desktop_and_phone_widths(browser: Any, report_folder: Path, tmp_path: Path) -> None:
    report = read_web_report(report_folder)
    aspley = area_code(report, "Aspley")
    url = (report_folder / "index.html").as_uri()
    deprived10 = indicator_named(report, DEPRIVED_NAME)
    open_report(browser, f"{url}#indicator={deprived10}&area={aspley}", len(report["areas"]))
    try:
        for name, width, height, mobile in (("desktop", 1366, 900, False), ("phone", 390, 844, True)):
            shot = full_page_screenshot(browser, width, height, mobile, tmp_path / f"web-report-{name}.png")
            assert shot.stat().st_size > 20_000
            # Nothing wider than the screen: no sideways scrolling, no cut text.
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width, name
            assert browser.find_element(By.ID, "headline").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_profile_prints_to_a_clean_a4_page(browser: Any, report_folder: Path, tmp_path: Path) -> None:
    report = read_web_report(report_folder)
    aspley = area_code(report, "Aspley")
    open_report(browser, f"{(report_folder / 'index.html').as_uri()}#area={aspley}", len(report["areas"]))
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True},
    )
    pdf = tmp_path / "aspley.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, SHOTS / pdf.name)  # to look at, beside the screenshots
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 2
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                              check=True).stdout)  # fmt: skip
    assert "Aspley" in text and report["profiles"][aspley]["headline"] in text
    for indicator in report["indicators"]:
        assert shown_value(figures(report, indicator["id"], indicator["latest"], aspley)[0], indicator) in text
    assert "Download CSV" not in text and "Find a ward" not in text  # the controls are left out


def test_the_reader_writes_no_markup_and_the_page_has_no_inline_code(report_folder: Path) -> None:
    script = (report_folder / "lis-report.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "fetch("):
        assert sink not in script, sink
    page = (report_folder / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*>", page) == ['<script src="data.js">', '<script src="lis-report.js">']
    tags = " ".join(re.findall(r"<[a-z][^>]*>", re.sub(r"<!--.*?-->", "", page, flags=re.S)))
    assert "<style" not in tags and " style=" not in tags and not re.search(r"\son[a-z]+=", tags)  # no inline code
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_the_sample_districts_report_from_make_demo_works_offline(browser: Any, tmp_path_factory: Any) -> None:
    """`make demo`'s out/demo/web for the synthetic district: its 150 small areas on the map, nothing asked of any
    other place, and a small area's profile showing the store's value."""
    import sys

    from lis_qgis_plugin.core.store.store_values import values_at

    from ..support import REPO

    sys.path.insert(0, str(REPO / "scripts"))
    import demo

    outputs = demo.run_demo(tmp_path_factory.mktemp("demo_web"))
    folder = outputs["web_report"].parent
    report = read_web_report(folder)
    assert len(report["areas"]) == 150
    url = (folder / "index.html").as_uri()
    open_report(browser, url, 150)
    check_the_page_works(browser, report)
    assert not outside_the_folder(requested_urls(browser), folder.as_uri() + "/")
    area = report["areas"][0]
    indicator = next(item for item in report["indicators"] if item["id"] == "lisford.93001")
    choose_in_list(browser, area["code"], area["name"])
    row = browser.find_element(By.CSS_SELECTOR, "#profile-table tr[data-indicator='lisford.93001']")
    stored = values_at(outputs["store"], "lisford.93001", indicator["latest"])[area["code"]]
    assert shown_value(stored, indicator) in row.text
