"""A web report folder of Nottingham's 20 wards from real open data, in the shape of the issue 21 contract.

Stands in for lis:exportwebreport until it is merged (the tests take the folder from the ``report_folder`` fixture
and read what they expect from its data.js, never from here). Real figures only: IMD 2019 (LSOA 2011, best-fit
ward lookup) and IMD 2025 (LSOA 2021, each placed in the ward holding a point on its surface), mid-2015 residents
(IoD2019 File 6) and Census 2011 usual residents; England's from the whole-England files.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import statistics
from collections import defaultdict
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject, QgsVectorLayer

from lis_qgis_plugin.core.deprivation.deprivation_style import RAMPS
from lis_qgis_plugin.core.statistics.confidence import Interval, wilson_interval
from lis_qgis_plugin.core.statistics.significance import compare_to

from ..support import REPO, SHARED_DATA

NOTTINGHAM = SHARED_DATA / "nottingham"
ENGLAND = SHARED_DATA / "england"
WEB_FILES = ("index.html", "lis-report.js", "lis-report.css")
SIGNIFICANCE_COLOURS = {"better": "#92D050", "similar": "#FFC000", "worse": "#C00000", "higher": "#BED2FF",
                        "lower": "#5555E6", "not compared": "#FFFFFF"}  # fmt: skip
TREND_COLOURS = {"better": "#3f7a12", "worse": "#C00000", "no polarity": "#3a3ab8", "no change": "#5f6b70"}
QUANTILE_COLOURS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
POOLED = "sum of counts over sum of denominators"
TOTAL = "Total population: mid 2015 (excluding prisoners)"


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def ward_shapes() -> tuple[list[dict], dict[str, QgsGeometry], str]:
    """The wards as contract areas (EPSG:27700, whole metres, y = -northing), their geometries, the viewBox."""
    layer = QgsVectorLayer(str(NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"), "wards", "ogr")
    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject())
    areas, geometries = [], {}
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(transform)
        geometries[feature["WD25CD"]] = QgsGeometry(geometry)
        simple = geometry.simplify(5)
        polygons = simple.asMultiPolygon() if simple.isMultipart() else [simple.asPolygon()]
        rings = [ring for polygon in polygons for ring in polygon]
        path = "".join(
            "M" + "L".join(f"{round(point.x())} {-round(point.y())}" for point in ring[:-1]) + "Z" for ring in rings
        )
        areas.append({"code": feature["WD25CD"], "name": feature["WD25NM"], "path": path})
    box = layer.extent()
    box = transform.transformBoundingBox(box)
    margin = 200
    view = (round(box.xMinimum()) - margin, -round(box.yMaximum()) - margin,
            round(box.width()) + 2 * margin, round(box.height()) + 2 * margin)  # fmt: skip
    return sorted(areas, key=lambda area: area["name"]), geometries, " ".join(str(number) for number in view)


def lsoa21_wards(geometries: dict[str, QgsGeometry]) -> dict[str, str]:
    """LSOA 2021 code -> the ward holding a point on its surface."""
    layer = QgsVectorLayer(str(NOTTINGHAM / "deprivation" / "nottingham_lsoa21_imd2025.geojson"), "lsoa21", "ogr")
    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject())
    found = {}
    for feature in layer.getFeatures():
        point = feature.geometry().pointOnSurface()
        point.transform(transform)
        found[feature["LSOA21CD"]] = next(code for code, ward in geometries.items() if ward.contains(point))
    return found


def ward_figures(geometries: dict[str, QgsGeometry]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """measure -> period -> ward -> the LSOAs' figures gathered for the ward."""
    to_ward = {row["LSOA11CD"]: row["WD25CD"] for row in read_csv(NOTTINGHAM / "boundaries" /
               "lookup_lsoa11_to_ward2025_bestfit_derived.csv")}  # fmt: skip
    gathered: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for row in read_csv(NOTTINGHAM / "deprivation" / "nottingham_imd2019_file1.csv"):
        gathered["decile"]["2019"][to_ward[row["LSOA code (2011)"]]].append(
            int(row["Index of Multiple Deprivation (IMD) Decile"])
        )
    by21 = lsoa21_wards(geometries)
    for row in read_csv(NOTTINGHAM / "deprivation" / "nottingham_imd2025_lsoa21.csv"):
        gathered["decile"]["2025"][by21[row["lsoa21_code"]]].append(int(row["IMD_decile"]))
    for row in read_csv(NOTTINGHAM / "population" / "nottingham_iod2019_file6_population_denominators.csv"):
        ward = to_ward[row["LSOA code (2011)"]]
        gathered["older"]["2015"][ward].append(int(row[OLDER].replace(",", "")))
        gathered["residents"]["2015"][ward].append(int(row[TOTAL].replace(",", "")))
    for row in read_csv(NOTTINGHAM / "population" / "nottingham_oa11_population_census2011.csv"):
        gathered["residents"]["2011"][to_ward[row["LSOA11CD"]]].append(int(row["usual_residents_2011"]))
    return gathered


def england_figures() -> dict[str, tuple[float, float]]:
    """England's (count, denominator) of LSOAs in the most deprived decile (2019, 2025) and residents 60+ (2015)."""
    deciles19 = [int(row["Index of Multiple Deprivation (IMD) Decile"]) for row in
                 read_csv(ENGLAND / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")]  # fmt: skip
    deciles25 = [int(row["IMD_decile"]) for row in read_csv(ENGLAND / "IoD2025_imd2025_england_lsoa21.csv.gz")]
    file6 = read_csv(ENGLAND / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    return {
        "2019": (deciles19.count(1), len(deciles19)),
        "2025": (deciles25.count(1), len(deciles25)),
        "older": (
            sum(int(row[OLDER].replace(",", "")) for row in file6),
            sum(int(row[TOTAL].replace(",", "")) for row in file6),
        ),  # fmt: skip
    }


def proportion(count: float, total: float) -> list[float | None]:
    """[value, lower95, upper95, lower998, upper998, count, denominator] of a percentage, Wilson limits."""
    at95, at998 = wilson_interval(count, total, 0.95), wilson_interval(count, total, 0.998)
    return [at95.value, at95.lower, at95.upper, at998.lower, at998.upper, count, total]


def quantile_classes(values: list[float], decimals: int) -> list[dict]:
    """Five classes of about equal counts over every area and period, lowest first (viridis, colour-blind safe)."""
    ordered = sorted(values)
    cuts = [ordered[min(len(ordered) - 1, round(len(ordered) * step / 5))] for step in range(1, 5)]
    edges = sorted({ordered[0], *cuts, ordered[-1]})  # ties (many wards at 0%) make fewer classes
    return [
        {"label": f"{low:.{decimals}f} to {high:.{decimals}f}", "colour": colour, "min": low, "max": high}
        for low, high, colour in zip(edges, edges[1:], QUANTILE_COLOURS)
    ]


def decile_classes() -> list[dict]:
    colours = RAMPS["viridis"][::-1]
    words = {1: " - most deprived 10%", 10: " - least deprived 10%"}
    return [{"label": f"{decile}{words.get(decile, '')}", "colour": colours[decile - 1], "min": decile,
             "max": decile} for decile in range(1, 11)]  # fmt: skip


def indicators_and_values(wards: dict, england: dict) -> tuple[list[dict], dict, dict]:
    """The four indicators, their values per period and ward, and the district's and England's figures."""
    values: dict = {"deprived10": {}, "median_decile": {}, "older60": {}, "residents": {}}
    comparators: dict = {key: {} for key in values}
    for period in ("2019", "2025"):
        deciles = wards["decile"][period]
        values["deprived10"][period] = {ward: proportion(found.count(1), len(found)) for ward, found in deciles.items()}
        every = [decile for found in deciles.values() for decile in found]
        district = proportion(every.count(1), len(every))
        comparators["deprived10"][period] = {
            "district": district[:3], "districtMethod": POOLED, "england": 100 * england[period][0] / england[period][1]
        }  # fmt: skip
        values["median_decile"][period] = {ward: [float(statistics.median(found)), None, None, None, None, None,
                                                  None] for ward, found in deciles.items()}  # fmt: skip
        comparators["median_decile"][period] = {"district": [float(statistics.median(every)), None, None],
                                                "districtMethod": "median of the LSOAs", "england": None}  # fmt: skip
    older, residents = wards["older"]["2015"], wards["residents"]["2015"]
    values["older60"]["2015"] = {ward: proportion(sum(older[ward]), sum(residents[ward])) for ward in older}
    district = proportion(sum(map(sum, older.values())), sum(map(sum, residents.values())))
    comparators["older60"]["2015"] = {
        "district": district[:3], "districtMethod": POOLED, "england": 100 * england["older"][0] / england["older"][1]
    }  # fmt: skip
    for period in ("2011", "2015"):
        counts = {ward: float(sum(found)) for ward, found in wards["residents"][period].items()}
        values["residents"][period] = {ward: [count, None, None, None, None, count, None] for ward, count in
                                       counts.items()}  # fmt: skip
        comparators["residents"][period] = {"district": [sum(counts.values()), None, None],
                                            "districtMethod": "sum", "england": None}  # fmt: skip
    spread_values = {key: [row[0] for period in periods.values() for row in period.values() if row[0] is not None]
                     for key, periods in values.items()}  # fmt: skip
    indicators = [
        {"id": "deprived10", "name": "LSOAs in England's most deprived 10% (%)", "unit": "%",
         "polarity": "higher is worse", "source": "MHCLG, English Indices of Deprivation 2019 and 2025",
         "decimals": 1, "periods": ["2019", "2025"], "latest": "2025",
         "classes": quantile_classes(spread_values["deprived10"], 1), "nationalDeciles": False},
        {"id": "median_decile", "name": "Median IMD decile of the ward's LSOAs", "unit": "decile",
         "polarity": "higher is better", "source": "MHCLG, English Indices of Deprivation 2019 and 2025",
         "decimals": 1, "periods": ["2019", "2025"], "latest": "2025", "classes": decile_classes(),
         "nationalDeciles": True},
        {"id": "older60", "name": "Residents aged 60 and over (%)", "unit": "%", "polarity": "",
         "source": "MHCLG, IoD2019 File 6 (mid-2015)", "decimals": 1, "periods": ["2015"], "latest": "2015",
         "classes": quantile_classes(spread_values["older60"], 1), "nationalDeciles": False},
        {"id": "residents", "name": "Residents", "unit": "count", "polarity": "",
         "source": "ONS Census 2011; MHCLG IoD2019 File 6 (mid-2015)", "decimals": 0, "periods": ["2011", "2015"],
         "latest": "2015", "classes": quantile_classes(spread_values["residents"], 0), "nationalDeciles": False},
    ]  # fmt: skip
    return indicators, values, comparators


def profile_rows(code: str, indicators: list[dict], values: dict, comparators: dict) -> dict:
    rows = {}
    for indicator in indicators:
        period = indicator["latest"]
        figures = values[indicator["id"]][period].get(code)
        latest = [row[0] for row in values[indicator["id"]][period].values() if row[0] is not None]
        quartiles = statistics.quantiles(latest, n=4)
        england = comparators[indicator["id"]][period]["england"]
        significance = significance998 = ""
        if figures is not None and england is not None:
            significance = compare(figures[0], figures[1], figures[2], england, indicator["polarity"])
            significance998 = compare(figures[0], figures[3], figures[4], england, indicator["polarity"])
        flag = ""
        if significance in ("better", "worse", "higher", "lower"):
            flag = f"{significance} ({'99.8%' if significance998 == significance else '95%'})"
        elif significance:
            flag = significance
        rows[indicator["id"]] = {
            "significance": significance, "significance998": significance998, "flag": flag, "trend": "",
            "trendPeriods": [], "spread": {"min": min(latest), "lq": quartiles[0], "uq": quartiles[2],
                                           "max": max(latest)},
        }  # fmt: skip
    return rows


def compare(value: float, lower: float | None, upper: float | None, england: float, polarity: str) -> str:
    return compare_to(Interval(value, lower, upper, 0.95), england, polarity)


def headline(name: str, rows: dict) -> str:
    judged = [row["significance"] for row in rows.values() if row["significance"]]
    if not judged:
        return ""
    worse, better = judged.count("worse"), judged.count("better")
    if worse or better:
        word, number = ("worse", worse) if worse else ("better", better)
        return f"{name} is significantly {word} than England on {number} of {len(judged)} indicators compared."
    return f"{name} is not significantly different from England on the {len(judged)} indicators compared."


def nottingham_report() -> dict:
    """window.LIS_REPORT for Nottingham's wards (format version 1)."""
    areas, geometries, view_box = ward_shapes()
    indicators, values, comparators = indicators_and_values(ward_figures(geometries), england_figures())
    profiles = {}
    for area in areas:
        rows = profile_rows(area["code"], indicators, values, comparators)
        profiles[area["code"]] = {"headline": headline(area["name"], rows), "rows": rows}
    return {
        "version": 1, "title": "Nottingham ward profiles", "generated": "2026-12-03", "areaWord": "ward",
        "district": {"code": "E06000018", "name": "Nottingham"}, "map": {"viewBox": view_box}, "areas": areas,
        "indicators": indicators, "values": values, "comparators": comparators, "profiles": profiles,
        "colours": {"significance": SIGNIFICANCE_COLOURS, "trend": TREND_COLOURS},
        "notes": ["Sources: MHCLG English Indices of Deprivation 2019 and 2025; ONS Census 2011.",
                  "Nottingham: sum of the counts over the sum of the denominators of its LSOAs.",
                  "England: all of England's LSOAs."],
    }  # fmt: skip


def write_report_folder(folder: Path, report: dict) -> Path:
    """The folder as the contract describes it: the static files copied unchanged, data.js written."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in WEB_FILES:
        shutil.copyfile(REPO / "resources" / "web" / name, folder / name)
    text = json.dumps(report, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    (folder / "data.js").write_text(f"window.LIS_REPORT = {text};\n", encoding="utf-8")
    return folder / "index.html"
