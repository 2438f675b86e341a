"""A web report: one folder whose index.html opens from disk or any static web server, with nothing fetched.

report_data builds ``window.LIS_REPORT`` (format version 1, what resources/web/lis-report.js reads):
the areas as SVG paths, every period of every chosen store indicator, the district's and England's figures
and each area's profile as the print profile states it. write_web_report copies the browser's three static
files (resources/web) and writes data.js beside them. The data is a script, not JSON fetched at run time, so
file:// works; every "<" in it is written \\u003c so no text from the data can close the script.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from qgis.core import QgsFeedback, QgsVectorLayer

from ..atlas.atlas_chart import TREND_COLOURS
from ..atlas.atlas_england import ENGLAND_CODE
from ..atlas.atlas_indicators import decimals_for, district_method
from ..atlas.atlas_pages import OGL, check_area_layer, district_code_of, district_name_of, find_name_field
from ..atlas.atlas_statistics import SIGNIFICANCE_COLOURS
from ..common.ons_codes import is_normalised_code, profile_codes
from ..common.plugin_files import resource_path
from ..common.progress import check_cancel, report_progress
from ..io.layer_codes import find_layer_code_field
from ..io.table_files import TableError
from ..store.store_location import StoreLocation
from ..store.store_values import CatalogueEntry
from .web_classes import decile_classes, is_decile, quantile_classes
from .web_geometry import area_paths, view_box
from .web_profiles import WebIndicator, district_at, figures_list, latest_indicators, latest_pooled, profiles
from .web_store import WebReportError, store_indicators

FORMAT_VERSION = 1
#: The browser's files, copied unchanged from resources/web.
STATIC_FILES = ("index.html", "lis-report.js", "lis-report.css")
DATA_FILE = "data.js"
DATA_PREFIX = "window.LIS_REPORT = "


def area_word_of(codes: Sequence[str]) -> str:
    """'LSOA', 'ward'... from the areas' ONS codes; 'area' without them."""
    return profile_codes(code for code in codes if code).main or "area"


def district_of(layer: QgsVectorLayer, skip: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """The district's code and name: a LAD field holding one value, else the name LSOAs share ('Nottingham 001A')."""
    name = district_name_of(layer, skip)
    if not name:
        stems = {text.rsplit(" ", 1)[0] for text in names if len(text.rsplit(" ", 1)) == 2 and text[-4:-1].isdigit()}
        name = next(iter(stems)) if len(stems) == 1 else "District"
    return {"code": district_code_of(layer, skip), "name": name}


def indicator_entry(web: WebIndicator, entry: CatalogueEntry, values: list[float]) -> dict[str, Any]:
    """An indicator's description and map key."""
    indicator = web.indicator
    whole = all(float(value).is_integer() for value in values)
    decimals = decimals_for(replace(indicator, kind="integer" if whole else "real"), [*values, *web.england.values()])
    national = is_decile(indicator.field, indicator.label, indicator.unit)
    return {
        "id": indicator.field,
        "name": indicator.label,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "source": entry.source,
        "decimals": decimals,
        "periods": list(web.periods),
        "latest": indicator.period,
        "classes": decile_classes() if national else quantile_classes(values, decimals, indicator.unit),
        "nationalDeciles": national,
    }


def indicator_values(web: WebIndicator, codes: Sequence[str]) -> dict[str, dict[str, list[float | None]]]:
    """Period -> area code -> figures, for the areas of the report."""
    by_period: dict[str, dict[str, list[float | None]]] = {period: {} for period in web.periods}
    for code in codes:
        for item in web.series.get(code, ()):
            by_period[item.period][code] = figures_list(item)
    return by_period


def notes(
    webs: Sequence[WebIndicator],
    entries: Sequence[CatalogueEntry],
    district: str,
    codes: Sequence[str],
    area_word: str,
    pooled: Mapping[str, tuple[float, tuple[float, float] | None]],
) -> list[str]:
    """The footnotes: sources, how the comparators were made, what significance means, attribution.

    The store's location is not named: a published page should not show a path on the analyst's computer.
    """
    by_source: dict[str, list[str]] = {}
    for web, entry in zip(webs, entries):
        found = by_source.setdefault(entry.source or f"no source recorded for {entry.name}", [])
        if web.indicator.period not in found:
            found.append(web.indicator.period)
    sources = "; ".join(f"{source} ({', '.join(found)})" for source, found in by_source.items())
    areas_word = f"{area_word}s"
    indicators = latest_indicators(webs, pooled)
    method = district_method(indicators, len(codes), areas_word, False)
    england = (
        f"England: England's rows ({ENGLAND_CODE}) in the indicator store."
        if any(web.england for web in webs)
        else f"England: the indicator store has no England rows ({ENGLAND_CODE}), so nothing is compared with England."
    )
    ons = any(is_normalised_code(code) for code in codes)
    attribution = OGL + (f" Contains OS data \u00a9 Crown copyright and database right {date.today().year}." * ons)
    return [
        f"Sources: {sources}.",
        f"{district}: {method}.",
        england,
        "Against England: significantly better or worse (higher or lower without a polarity) when England's value "
        "lies outside the area's 95% confidence limits (99.8% when marked), else similar, as on Fingertips.",
        attribution,
    ]


def report_data(
    boundaries: QgsVectorLayer,
    store: StoreLocation,
    indicator_ids: Sequence[str] = (),
    title: str = "",
    code_field: str | None = None,
    name_field: str | None = None,
    feedback: QgsFeedback | None = None,
) -> dict[str, Any]:
    """``window.LIS_REPORT`` for the areas of ``boundaries`` and the chosen store indicators (all when none).

    WebReportError, StoreError or CancelledError; the layer and the store are only read.
    """
    check_area_layer(boundaries, "BOUNDARIES", "The report maps areas", WebReportError)
    try:
        code_field = find_layer_code_field(boundaries, code_field or None)
    except TableError as error:
        raise WebReportError(f"CODE_FIELD: {error}") from None
    name_field = find_name_field(boundaries, name_field or None, code_field)
    areas = sorted(area_paths(boundaries, code_field, name_field, feedback), key=lambda area: (area.name, area.code))
    codes = [area.code for area in areas]
    area_word = area_word_of(codes)
    district = district_of(boundaries, [code_field, name_field], [area.name for area in areas])
    webs, entries = store_indicators(store, indicator_ids, codes)
    check_cancel(feedback)
    values = {web.indicator.field: indicator_values(web, codes) for web in webs}
    described = [
        indicator_entry(web, entry, [row[0] for by_code in values[web.indicator.field].values()
                                     for row in by_code.values() if row[0] is not None])
        for web, entry in zip(webs, entries)
    ]  # fmt: skip
    areas_word = f"{area_word}s"
    pooled = latest_pooled(webs, codes)  # the district at each indicator's latest period: profiles and notes
    return {
        "version": FORMAT_VERSION,
        "title": title.strip() or f"{district['name']} {area_word} profiles",
        "generated": date.today().isoformat(),
        "areaWord": area_word,
        "district": district,
        "map": {"viewBox": view_box(areas)},
        "areas": [{"code": area.code, "name": area.name, "path": area.path} for area in areas],
        "indicators": described,
        "values": values,
        "comparators": {
            web.indicator.field: {period: district_at(web, period, codes, areas_word) for period in web.periods}
            for web in webs
        },
        "profiles": profiles(webs, [(area.code, area.name) for area in areas], areas_word, pooled, feedback),
        "colours": {"significance": dict(SIGNIFICANCE_COLOURS), "trend": dict(TREND_COLOURS)},
        "notes": notes(webs, entries, district["name"], codes, area_word, pooled),
    }  # fmt: skip


def data_script(report: dict[str, Any]) -> str:
    """data.js: one line of JSON (no NaN) behind ``window.LIS_REPORT = ``, every '<' escaped."""
    text = json.dumps(report, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return DATA_PREFIX + text.replace("<", "\\u003c") + ";\n"


def check_folder_is_free(folder: Path) -> None:
    """WebReportError for an OUTPUT_FOLDER that is a file or a folder with something in it."""
    if folder.is_file() or (folder.is_dir() and any(folder.iterdir())):
        raise WebReportError(
            f"OUTPUT_FOLDER: {folder} already exists and is not empty. A report is written to a new or empty folder "
            "so nothing of yours is overwritten: choose a new folder name, or empty that folder first."
        )


def write_web_report(folder: Path, report: dict[str, Any], feedback: QgsFeedback | None = None) -> Path:
    """Write the report folder (index.html, lis-report.js, lis-report.css, data.js); the path of index.html.

    Written in a temporary folder beside ``folder`` and renamed into place at the end, so a failure or a cancel
    leaves nothing behind. WebReportError when ``folder`` exists and is not empty, or cannot be written.
    """
    folder = Path(folder).expanduser().absolute()
    check_folder_is_free(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    except OSError as error:
        raise WebReportError(
            f"OUTPUT_FOLDER: cannot write in {folder.parent} ({error}). Choose another folder."
        ) from None
    try:
        for name in STATIC_FILES:
            shutil.copyfile(resource_path("web", name), temporary / name)
        report_progress(feedback, 92)
        (temporary / DATA_FILE).write_text(data_script(report), encoding="utf-8")
        report_progress(feedback, 98)
        check_folder_is_free(folder)
        if folder.is_dir():
            folder.rmdir()  # empty: replaced by the report
        os.replace(temporary, folder)
    except BaseException as error:  # a cancel, a full disk, anything: nothing half-written is left
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(error, OSError):
            raise WebReportError(f"OUTPUT_FOLDER: cannot write {folder} ({error}). Choose another folder.") from None
        raise
    report_progress(feedback, 100)
    return folder / "index.html"


__all__ = ["WebReportError", "data_script", "report_data", "write_web_report"]
