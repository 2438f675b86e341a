"""Screenshots of the LIS panel in the real QGIS desktop, with the plugin installed from the built zip.

Builds ``dist/lis_qgis_plugin-<version>.zip``, unzips it into a temporary plugin folder, starts
QGIS (``qgis.bin``) on a virtual X display (Xvfb, 1366x768 unless ``--screen`` says otherwise)
with a fresh profile in which only the plugin is enabled (QGIS's default Layers and Browser docks
open), and runs the demo flow through the panel: create the sample district, choose the
boundaries (and check that the Indicators page follows a new boundary layer), join the health
workbook, map national IMD deciles and summarise them by ward, work out GP catchments, find new
sites and export ward profiles. Each step is saved as ``docs/screenshots/panel_<step>.png``
(``panel_<step>_<screen>.png`` for another screen size); the what-if tool, with one GP surgery
dragged on the map, as ``what_if.png``.

After the sample and again at the end it opens every page through its step button and logs how
it fits (``fits <page> {json}``): the page's width against what its controls need, whether it
scrolls sideways, and where its pinned run button is on the screen; tests/gui/test_panel.py checks
these numbers.

Usage: ``.venv/bin/python scripts/panel_screenshots.py [--out docs/screenshots] [--screen 1920x1080]
[--timeout 240]``. Not part of ``make test`` (it starts a whole QGIS desktop); it exits non-zero if a
step fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import build_plugin  # noqa: E402 - the sibling script, found through the line above

SCREEN = "1366x768"  # the screenshots in the README without a size in their name
STEPS = ("start", "boundaries", "indicators", "map", "services", "locate", "atlas", "options")

# Runs inside QGIS (qgis.bin --code): a chain of QTimer steps, each waiting for the panel's run to end.
INSIDE_QGIS = r'''
import json
import os
import sys
import traceback
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.gui import QgsCollapsibleGroupBox, QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from qgis.PyQt.QtGui import QPalette
from qgis.PyQt.QtWidgets import QApplication, QDialog
from qgis.utils import iface, plugins

OUT = Path(os.environ["LIS_SCREENSHOT_DIR"])
SUFFIX = os.environ.get("LIS_SCREENSHOT_SUFFIX", "")
WORK = Path(os.environ["LIS_SCREENSHOT_WORK"])
LOG = open(WORK / "steps.log", "w", encoding="utf-8")


def log(text):
    LOG.write(text + "\n")
    LOG.flush()


def finish(code):
    log(f"exit {code}")
    LOG.close()
    os._exit(code)


def guarded(step):
    def run():
        try:
            step()
        except Exception:
            log(traceback.format_exc())
            finish(1)
    return run


def later(step, ms=600):
    QTimer.singleShot(ms, guarded(step))


def screen_rect(widget):
    """Where ``widget`` is on the screen: [x, y, width, height]."""
    corner = widget.mapToGlobal(QPoint(0, 0))
    return [corner.x(), corner.y(), widget.width(), widget.height()]


def whole(widget):
    """Whether all of ``widget`` can be seen (nothing scrolled away or covered by its parents' edges)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def panel_state():
    """What the panel shows, for the screenshot test: its steps, the open one, where it is, its run buttons."""
    dock = plugin.dock
    page = dock.tabs.currentWidget()
    buttons = []
    for button in page.run_buttons:
        in_view = not button.visibleRegion().isEmpty()  # not scrolled out of the page
        shown = button.isVisible()
        buttons.append({"name": button.objectName(), "shown": shown, "in_view": in_view, "at": screen_rect(button)})
    return {
        "tabs": [dock.tabs.tabText(index) for index in range(dock.tabs.count())],
        "current": dock.tabs.tabText(dock.tabs.currentIndex()),
        "dock": screen_rect(dock) if dock.isVisible() else None,
        "steps": screen_rect(dock.steps),
        "tab_bar_shown": dock.tabs.tabBar().isVisible(),
        "background": dock.palette().color(QPalette.ColorRole.Window).name(),
        "run_buttons": buttons,
    }


def page_fit(page):
    """How ``page`` fits the dock: widths, sideways scrolling, and its pinned run button on the screen."""
    pinned = page.pinned_button()
    return {
        "viewport": screen_rect(page.viewport()),
        "viewport_width": page.viewport().width(),
        "content_width": page.content.width(),
        "content_needs": page.content.minimumSizeHint().width(),
        "sideways_bar": page.horizontalScrollBar().isVisible(),
        "run_button": None if pinned is None else {
            "name": pinned.objectName(), "text": pinned.text(), "at": screen_rect(pinned), "whole": whole(pinned)
        },
        "result_area": screen_rect(page.status.parentWidget().parentWidget()),  # the page's area in the run bar
    }


def walk_pages(moment):
    """Open every page by its step button and log how it fits."""
    dock = plugin.dock
    for index, button in enumerate(dock.steps.buttons):
        button.click()
        QApplication.processEvents()
        page = dock.tabs.currentWidget()
        assert page is dock.tabs.widget(index)
        log(f"fits {moment} {page.PAGE_ID} " + json.dumps(page_fit(page)))


def grab(name):
    QApplication.processEvents()
    # The whole screen, as a person sees it: a window grab is in logical pixels, which QGIS 3.40's
    # high-DPI scaling makes a pixel or so narrower than the 1366 px screen.
    QApplication.primaryScreen().grabWindow(0).save(str(OUT / f"panel_{name}{SUFFIX}.png"))
    log(f"saved panel_{name}{SUFFIX}.png")
    log(f"panel_{name} shows " + json.dumps(panel_state()))


def when_idle(step, wait_ms=300):
    """Run ``step`` once the panel has no run going (and the canvas has drawn)."""
    def poll():
        if plugin.dock.runner.is_running():
            later(poll, 200)
        else:
            later(step, wait_ms)
    later(poll, 200)


def show(page_id):
    plugin.dock.tabs.setCurrentWidget(plugin.dock.page(page_id))


def check(outcome_text):
    log(outcome_text)
    if "failed" in outcome_text:
        finish(2)


plugin = None


def open_panel():
    global plugin
    plugin = plugins["lis_qgis_plugin"]
    window = iface.mainWindow()
    window.setGeometry(QApplication.primaryScreen().geometry())  # no window manager under Xvfb to maximise it
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
    plugin.actions[0].trigger()  # the panel opens at its own width (420 px the first time)
    plugin.dock.set_output_folder(str(WORK / "outputs"), remember=False)
    show("start")
    later(start_step, 1500)


def start_step():
    iface.messageBar().clearWidgets()
    plugin.dock.page("start").sample_button.click()
    when_idle(after_sample, 1500)


def scroll_to(page_id, widget):
    page = plugin.dock.page(page_id)
    page.ensureWidgetVisible(widget, 0, 0)
    QApplication.processEvents()


def after_sample():
    check(plugin.dock.run_status.text())
    iface.mapCanvas().zoomToFullExtent()
    log("screen " + json.dumps(screen_rect(iface.mainWindow())))
    walk_pages("filled")
    show("start")
    QApplication.processEvents()
    grab("start")
    show("boundaries")
    later(boundaries_step, 800)


def boundaries_step():
    page = plugin.dock.page("boundaries")
    page.findChild(QgsCollapsibleGroupBox, "loadBoundariesGroup").setCollapsed(False)  # the online sets too
    QApplication.processEvents()
    grab("boundaries")
    # the Indicators page names the boundary layer chosen now, whatever its code field is called
    indicators = plugin.dock.page("indicators")
    page.use_layer(QgsProject.instance().mapLayersByName("Wards")[0])
    log("boundary label after Wards: " + indicators.boundaries_label.text())
    page.use_layer(QgsProject.instance().mapLayersByName("Small areas: IMD decile")[0])
    log("boundary label after Small areas: " + indicators.boundaries_label.text())
    show("indicators")
    plugin.dock.page("indicators").join_button.click()
    when_idle(indicators_step, 1000)


def indicators_step():
    check(plugin.dock.run_status.text())
    page = plugin.dock.page("indicators")
    scroll_to("indicators", page.notes)
    grab("indicators")
    # the same table into an indicator store, listed in the page's catalogue
    page.findChild(QgsCollapsibleGroupBox, "storeGroup").setCollapsed(False)
    page.store_choice.kind.setCurrentIndex(0)
    page.store_choice.file.setFilePath(str(WORK / "lis_store.gpkg"))
    page.add_store_button.click()
    when_idle(store_step, 1000)


def store_step():
    check(plugin.dock.run_status.text())
    page = plugin.dock.page("indicators")
    scroll_to("indicators", page.catalogue)
    grab("store")
    page.findChild(QgsCollapsibleGroupBox, "storeGroup").setCollapsed(True)
    show("map")
    page = plugin.dock.page("map")
    small_areas = QgsProject.instance().mapLayersByName("Small areas: IMD decile")[0]
    page.use_layer(small_areas)
    page.field_combo.setField("imd_rank")
    page.method_combo.setCurrentIndex(0)
    page.run_button.click()
    when_idle(map_step, 2500)


def map_step():
    check(plugin.dock.run_status.text())
    page = plugin.dock.page("map")
    scroll_to("map", page.preview)
    grab("map")
    # the deprivation summary by ward, from its group on the Map page
    project = QgsProject.instance()
    page.summary.setCollapsed(False)
    page.summary.use_layer(project.mapLayersByName("Small areas: IMD decile")[0])
    page.summary.target_combo.setLayer(project.mapLayersByName("Wards")[0])
    scroll_to("map", page.summary.run_button)
    button = page.summary.run_button
    inside = page.viewport().rect().contains(QRect(button.mapTo(page.viewport(), QPoint(0, 0)), button.size()))
    log("summary button " + json.dumps({"at": screen_rect(button), "whole": whole(button), "in_viewport": inside}))
    button.click()
    when_idle(summary_step, 800)


def summary_step():
    check(plugin.dock.run_status.text())
    log("summary status: " + plugin.dock.page("map").status.text().replace("\n", " | "))
    show("services")
    page = plugin.dock.page("services")
    page.filter_widget.setExpression("\"service_type\" = 'gp_surgery'")
    page.bands_edit.setText("3, 10")
    page.run_button.click()
    when_idle(services_step, 2000)


def services_step():
    check(plugin.dock.run_status.text())
    services = plugin.dock.page("services")
    scroll_to("services", services.coverage_table)
    grab("services")
    what_if_step()


def what_if_step():
    """The what-if tool on the GP surgeries' road-buffer catchments: one surgery dragged 1.5 km east."""
    services = plugin.dock.page("services")
    services.shape_combo.setCurrentIndex(services.shape_combo.findData(0))
    QgsProject.instance().layerTreeRoot().findGroup("LIS").setItemVisibilityChecked(False)  # the tool's areas alone
    services.what_if.button.click()

    def wait_for_tool():
        if services.what_if.tool is None:
            if not services.what_if.button.isChecked():
                log("what-if failed: " + services.what_if.headline.text())
                finish(3)
            later(wait_for_tool, 300)
            return
        tool, canvas = services.what_if.tool, iface.mapCanvas()
        site = next(iter(tool.scenario.sites.values()))
        start = canvas.getCoordinateTransform().transform(QgsPointXY(*site.xy))
        end = canvas.getCoordinateTransform().transform(QgsPointXY(site.xy[0] + 1500, site.xy[1] + 300))
        for kind, point, button in (
            (QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
            (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.LeftButton),
        ):
            pixel = QPoint(round(point.x()), round(point.y()))
            event = QgsMapMouseEvent(canvas, kind, pixel, button, button, Qt.KeyboardModifier.NoModifier)
            (tool.canvasPressEvent if kind == QEvent.Type.MouseButtonPress else tool.canvasReleaseEvent)(event)
        scroll_to("services", services.what_if)
        later(grab_what_if, 1200)

    def grab_what_if():
        QApplication.processEvents()
        QApplication.primaryScreen().grabWindow(0).save(str(OUT / f"what_if{SUFFIX}.png"))
        log(f"saved what_if{SUFFIX}.png: " + services.what_if.headline.text().replace("\n", " | "))
        services.what_if.button.setChecked(False)
        services.shape_combo.setCurrentIndex(0)
        QgsProject.instance().layerTreeRoot().findGroup("LIS").setItemVisibilityChecked(True)
        locate_setup()

    later(wait_for_tool, 500)


def locate_setup():
    page = plugin.dock.page("locate")
    show("locate")
    project = QgsProject.instance()
    services_layer = project.mapLayersByName("Services")[0]
    gpkg = services_layer.source().split("|")[0]
    candidates = QgsVectorLayer(f"{gpkg}|layername=candidate_sites", "Candidate sites", "ogr")
    project.addMapLayer(candidates)
    page.use_layers(
        demand=project.mapLayersByName("Population-weighted centroids")[0],
        areas=project.mapLayersByName("Small areas: IMD decile")[0],
        candidates=candidates,
        existing=services_layer,
        network=project.mapLayersByName("Roads")[0],
    )
    page.existing_filter.setExpression("\"service_type\" = 'childrens_centre'")
    page.network.mode_combo.setCurrentIndex(1)  # walk
    page.objective_combo.setCurrentIndex(1)  # maximal covering
    page.p_spin.setValue(2)
    page.max_cost_spin.setValue(15)
    page.run_button.click()
    when_idle(locate_step, 1500)


def locate_step():
    check(plugin.dock.run_status.text())
    locate = plugin.dock.page("locate")
    scroll_to("locate", locate.sites_table)  # the question asked and the sites found; the headline is pinned below
    grab("locate")
    page = plugin.dock.page("atlas")
    show("atlas")
    wards = QgsProject.instance().mapLayersByName("Wards")[0]
    page.use_layer(wards)
    page.set_indicators(["pop_total", "small_areas"])
    page.open_check.setChecked(False)
    page.export_button.click()
    when_idle(atlas_step, 1500)


def atlas_step():
    check(plugin.dock.run_status.text())
    page = plugin.dock.page("atlas")
    grab("atlas")
    walk_pages("results")
    options_step()


def options_step():
    def capture_and_close():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
        if not dialogs:
            later(capture_and_close, 300)
            return
        dialog = dialogs[0]
        dialog.resize(1100, 700)
        QApplication.processEvents()
        dialog.grab().save(str(OUT / f"panel_options{SUFFIX}.png"))
        log(f"saved panel_options{SUFFIX}.png")
        dialog.reject()
        later(lambda: finish(0), 300)

    later(capture_and_close, 1500)
    plugin.dock.show_options()


later(open_panel, 2500)
'''


def start_display(screen: str = SCREEN) -> tuple[subprocess.Popen | None, str]:
    """An Xvfb display of ``screen`` pixels (``WIDTHxHEIGHT``)."""
    for number in range(99, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            process = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{screen}x24", "-dpi", "96", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    return process, f":{number}"
                time.sleep(0.1)
            process.terminate()
    raise RuntimeError("No free X display for Xvfb between :99 and :119.")


def install_from_zip(work: Path) -> Path:
    """Build the zip as `make package` does and unzip it into a plugin folder; the folder holding the plugin."""
    archive = build_plugin.build_zip(work / "build", work / "dist")
    plugins = work / "plugins"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(plugins)
    return plugins


def fresh_profile(work: Path) -> Path:
    """A QGIS settings folder where only the LIS plugin is enabled and nothing asks questions at start-up."""
    config = work / "profile"
    ini = config / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text(
        "[PythonPlugins]\nlis_qgis_plugin=true\n\n"
        "[qgis]\ncheckVersion=false\nshowTips322=false\nallowCrashReporting=false\n\n"
        "[core]\nlayout_default_font=\n\n"
        "[app]\nfirstRun=false\n",
        encoding="utf-8",
    )
    return config


def main(argv: list[str] | None = None) -> int:
    """Run the flow in QGIS desktop and write the screenshots; non-zero when a step failed or timed out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--screen", default=SCREEN, help="WIDTHxHEIGHT of the virtual screen (default 1366x768)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (outputs, log)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lis_screens_"))
    if not re.fullmatch(r"\d{3,4}x\d{3,4}", args.screen):
        parser.error(f"--screen {args.screen}: give WIDTHxHEIGHT, e.g. 1920x1080")
    suffix = "" if args.screen == SCREEN else f"_{args.screen}"
    display, name = start_display(args.screen)
    try:
        plugins = install_from_zip(work)
        script = work / "panel_flow.py"
        script.write_text(INSIDE_QGIS, encoding="utf-8")
        env = {
            **os.environ,
            "DISPLAY": name,
            "QT_QPA_PLATFORM": "xcb",
            "QGIS_CUSTOM_CONFIG_PATH": str(fresh_profile(work)),
            "QGIS_PLUGINPATH": str(plugins),
            "LIS_SCREENSHOT_DIR": str(out),
            "LIS_SCREENSHOT_WORK": str(work),
            "LIS_SCREENSHOT_SUFFIX": suffix,
        }
        env.pop("PYTHONPATH", None)  # the plugin must come from the unzipped folder, not the checkout
        started = time.monotonic()
        try:
            completed = subprocess.run(
                ["qgis.bin", "--nologo", "--noversioncheck", "--code", str(script)],
                env=env,
                capture_output=True,
                text=True,
                timeout=args.timeout,
            )
            code = completed.returncode
        except subprocess.TimeoutExpired:
            code = -1
        steps = (work / "steps.log").read_text(encoding="utf-8") if (work / "steps.log").exists() else ""
        print(steps.rstrip())
        print(f"QGIS exited with {code} after {time.monotonic() - started:.0f} s")
        missing = [step for step in STEPS if not (out / f"panel_{step}{suffix}.png").exists()]
        if code != 0 or missing:
            print(f"Failed: exit code {code}, missing screenshots {missing}; work folder {work}", file=sys.stderr)
            args.keep = True
            return 1
        print("Screenshots:", ", ".join(str(out / f"panel_{step}{suffix}.png") for step in STEPS))
        return 0
    finally:
        if display is not None:
            display.terminate()
            display.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
