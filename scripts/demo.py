"""`make demo`: run every LIS pipeline step that exists on the embedded sample district.

Writes ``out/demo/`` with the sample data, a QGIS project whose layers all read
from GeoPackage, and a rendered map, then says what it wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

if TYPE_CHECKING:  # imported where used: QGIS must be running first
    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.sample.sample_files import SampleFiles

PROJECT_NAME = "lis_demo.qgz"
STORE_NAME = "lis_store.gpkg"  # the default store: beside the project
STORE_REPORT_NAME = "lisford_store_health_report.html"
MAP_NAME = "lisford_imd_deciles.png"
PDF_NAME = "lisford_imd_deciles.pdf"
JOINED_NAME = "lisford_health_by_small_area.gpkg"
REPORT_NAME = "lisford_health_join_report.html"
WARDS_NAME = "lisford_health_by_ward.gpkg"
DECILE_MAP_NAME = "lisford_imd_national_deciles.gpkg"
DECILE_PNG_NAME = "lisford_imd_national_deciles.png"
WARD_SUMMARY_NAME = "lisford_ward_deprivation.gpkg"
CATCHMENTS_NAME = "lisford_gp_catchments.gpkg"
FILLED_CATCHMENTS_NAME = "lisford_gp_catchments_filled.gpkg"
CATCHMENTS_PNG_NAME = "lisford_gp_catchments_filled_vs_roads.png"
PROFILES_NAME = "profiles/ward_profiles.pdf"
WEB_NAME = "web"
CENTRES_NAME = "lisford_new_childrens_centres.gpkg"


class DeprivationOutputs(TypedDict):
    """What map_and_summarise_deprivation wrote."""

    decile_map: str
    decile_png: Path
    ward_summary: str


class CatchmentMapLayers(NamedTuple):
    """What the catchment pictures are drawn over."""

    facilities: QgsVectorLayer
    roads: QgsVectorLayer
    district: QgsVectorLayer


class StoreOutputs(TypedDict):
    """What build_store wrote: the store, its report on the health workbook, and the small areas from it."""

    store: Path
    add_report: Path
    small_areas: str
    join_report: Path
    wards: str


class HealthOutputs(TypedDict):
    """What aggregate_health wrote."""

    wards: str


#: The small-area fields that come from the store (lis:indicatorlayer names them as lis:joinindicators does).
POPULATION = "population_mid_2023"
#: lis:aggregateindicators' name (cut to 40 characters) of the wards' admissions per 1,000 residents.
ADMISSION_RATE = "emergency_admissions_count_per1000_popul"
IMD_RANK = "index_of_multiple_deprivation_imd_rank"
IMD_DECILE = "index_of_multiple_deprivation_imd_decile"


def gp_catchment_parameters(
    files: SampleFiles, small_areas: str, out: Path, bands: str, method: int
) -> dict[str, object]:
    """lis:servicecatchments on the sample's GP surgeries and its roads, driving; each centroid's people are its
    own, its deprivation decile that of the store's small area containing it."""
    gpkg = files.geopackage
    return {
        "FACILITIES": f"{gpkg}|layername=services",
        "FACILITY_FILTER": "\"service_type\" = 'gp_surgery'",
        "NETWORK": f"{gpkg}|layername=roads",
        "SPEED_FIELD": "speed_kph",
        "METHOD": method,
        "BANDS": bands,
        "AREAS": small_areas,
        "DEMAND_POINTS": f"{gpkg}|layername=popweighted_centroids",
        "POPULATION_FIELD": "pop_total",  # the people of each population-weighted centroid
        "DEPRIVATION_FIELD": IMD_DECILE,
        "CATCHMENTS": f"{out}|layername=catchments",
        "ASSIGNMENT": f"{out}|layername=assignment",
        "COVERAGE": f"{out}|layername=coverage",
    }


def _run_gp_catchments(files: SampleFiles, small_areas: str, output: Path, method: int) -> tuple[dict[str, str], Any]:
    """The GP surgeries' 3- and 10-minute drive catchments drawn by ``method``: their outputs and the coverage
    row of all facilities together."""
    import processing
    from qgis.core import QgsVectorLayer

    result = processing.run(
        "lis:servicecatchments", gp_catchment_parameters(files, small_areas, output, "3,10", method=method)
    )
    overall = next(
        f
        for f in QgsVectorLayer(result["COVERAGE"], "coverage", "ogr").getFeatures()
        if f["facility_id"] == "All facilities"
    )
    outputs = {"catchments": result["CATCHMENTS"], "assignment": result["ASSIGNMENT"], "coverage": result["COVERAGE"]}
    return outputs, overall


def gp_catchments(files: SampleFiles, small_areas: str, out_dir: Path) -> dict[str, str]:
    """3- and 10-minute drive catchments of the sample's GP surgeries, who they serve and who is left out."""
    outputs, overall = _run_gp_catchments(files, small_areas, out_dir / CATCHMENTS_NAME, method=0)
    print(
        f"{overall['pct_10min']:.0f}% of Lisford's residents live within a 10-minute drive of a GP surgery and "
        f"{overall['pct_3min']:.0f}% within 3 minutes; {overall['deprived_beyond_3min']:,.0f} residents of England's "
        "most deprived fifth of neighbourhoods are more than 3 minutes away."
    )
    return outputs


def gp_filled_catchments(files: SampleFiles, small_areas: str, out_dir: Path) -> dict[str, str]:
    """The filled 3- and 10-minute drive areas of the GP surgeries: the homes within reach, not just the roads."""
    outputs, overall = _run_gp_catchments(files, small_areas, out_dir / FILLED_CATCHMENTS_NAME, method=3)
    print(
        f"Filled travel-time areas: {overall['pct_10min']:.0f}% of residents live within a 10-minute drive of a GP "
        f"surgery and {overall['pct_3min']:.0f}% within 3 minutes, the walk from the road included."
    )
    return outputs


def gp_surgeries(files: SampleFiles) -> QgsVectorLayer:
    """The sample's GP surgeries alone (the other services would crowd the catchment maps)."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{files.geopackage}|layername=services", "GP surgeries", "ogr")
    layer.setSubsetString("\"service_type\" = 'gp_surgery'")
    return layer


def render_catchments_side_by_side(
    filled_uri: str, roads_uri: str, layers: CatchmentMapLayers, path: Path, facility_id: str = "1"
) -> Path:
    """One PNG: a facility's filled areas (left) beside its road buffers (right), every band, over the same map.

    One facility, as the overlapping areas of all of them hide each other's shape.
    """
    from qgis.core import QgsVectorLayer
    from qgis.PyQt.QtCore import QRect, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    from lis_qgis_plugin.layouts.map_image import render_map_png

    images = []
    for uri, caption in (
        (filled_uri, "Filled travel-time areas"),
        (roads_uri, "Roads within reach, 100 m buffer"),
    ):
        catchments = QgsVectorLayer(uri, caption, "ogr")
        catchments.setSubsetString(f"\"facility_id\" = '{facility_id}'")
        name = next(catchments.getFeatures())["facility_name"]
        caption = f"{caption}\n{name}: 3 and 10-minute drive"
        stack = [layers.facilities, catchments, layers.roads, layers.district]
        panel = render_map_png(stack, path.with_suffix(".part.png"), layers.district.extent(), 800)
        images.append((QImage(str(panel)), caption))
        panel.unlink()
    title_px = 56
    width = sum(image.width() for image, _ in images)
    height = max(image.height() for image, _ in images) + title_px
    combined = QImage(width, height, QImage.Format.Format_RGB32)
    combined.fill(QColor("white"))
    painter = QPainter(combined)
    font = QFont()
    font.setPixelSize(18)
    painter.setFont(font)
    left = 0
    for image, caption in images:
        painter.drawText(QRect(left, 0, image.width(), title_px), Qt.AlignmentFlag.AlignCenter, caption)
        painter.drawImage(left, title_px, image)
        left += image.width()
    painter.end()
    if not combined.save(str(path), "PNG"):
        raise OSError(f"Cannot write the map image {path}")
    return path


def new_childrens_centres(files: SampleFiles, small_areas: str, out_dir: Path) -> dict[str, str]:
    """Two new children's centres among the candidate sites: most deprivation-weighted people within a 15-min walk."""
    import processing
    from qgis.core import QgsVectorLayer

    gpkg = files.geopackage
    out = out_dir / CENTRES_NAME
    result = processing.run(
        "lis:locateservices",
        {
            "DEMAND": f"{gpkg}|layername=popweighted_centroids",
            "WEIGHT_FIELD": "pop_total",
            "AREAS": small_areas,  # from the store: the need of each centroid is its small area's IMD decile
            "NEED_FIELD": IMD_DECILE,  # deciles 1-2 count double, 3-4 one and a half times
            "EXISTING": f"{gpkg}|layername=services",
            "EXISTING_FILTER": "\"service_type\" = 'childrens_centre'",
            "CANDIDATES": f"{gpkg}|layername=candidate_sites",
            "CANDIDATE_ID_FIELD": "site_id",
            "CANDIDATE_NAME_FIELD": "name",
            "NETWORK": f"{gpkg}|layername=roads",
            "MODE": 1,  # walk
            "OBJECTIVE": 1,  # maximal covering
            "P": 2,
            "MAX_COST": 15,
            "OUTPUT": f"{out}|layername=new_sites",
            "ASSIGNMENT": f"{out}|layername=assignment",
            "SUMMARY": f"{out}|layername=summary",
        },
    )
    rows = {f["scenario"]: f for f in QgsVectorLayer(result["SUMMARY"], "summary", "ogr").getFeatures()}
    print(result["HEADLINE"])
    print(
        f"  Within a 15-minute walk of a children's centre: {rows['before']['pct_within']:.0f}% of residents before, "
        f"{rows['after']['pct_within']:.0f}% after; in England's most deprived fifth, "
        f"{rows['before']['deprived_within']:,.0f} before and {rows['after']['deprived_within']:,.0f} after."
    )
    return {"sites": result["OUTPUT"], "assignment": result["ASSIGNMENT"], "summary": result["SUMMARY"]}


def build_store(files: SampleFiles, out_dir: Path) -> StoreOutputs:
    """The sample district's indicator store: its small areas and wards as boundary sets, the IMD, the health
    workbook (latest figures and the two periods of its "Over time" sheet); then the small areas with every
    figure the demo maps, taken from the store.

    The sample's small areas are 2011 LSOAs, which their codes cannot tell (they are invented): VINTAGE says it.
    """
    import processing

    from lis_qgis_plugin.core.store.store_boundaries import boundary_layer, boundary_set

    store = out_dir / STORE_NAME
    for layer, name in (("small_areas", "Small areas"), ("wards", "Wards")):
        processing.run(
            "lis:addboundaryset",
            {
                "STORE": str(store),
                "BOUNDARIES": f"{files.geopackage}|layername={layer}",
                "NAME": name,
                "VINTAGE": "2011",
            },
        )
    imd = processing.run("lis:addtostore", {"STORE": str(store), "TABLE": str(files.imd_csv)})
    health = processing.run(
        "lis:addtostore",
        {
            "STORE": str(store),
            "TABLE": str(files.health_xlsx),
            "VINTAGE": "2011",
            "REPORT": str(out_dir / STORE_REPORT_NAME),
        },
    )
    trend = processing.run(
        "lis:addtostore",
        {
            "STORE": str(store),
            "TABLE": str(files.health_xlsx),
            "SHEET": "Over time",
            "ID_PREFIX": "lisford",
            "VINTAGE": "2011",
        },
    )
    print(
        f"Indicator store {store.name}: {imd['ADDED'] + health['ADDED'] + trend['ADDED']:,} values of "
        f"{len(','.join((imd['INDICATORS'], health['INDICATORS'], trend['INDICATORS'])).split(','))} indicators, "
        "every period kept."
    )
    print_admissions_trend(store)
    layer = processing.run(
        "lis:indicatorlayer",
        {
            "STORE": str(store),
            "INDICATORS": f"{health['INDICATORS']},{imd['INDICATORS']}",
            "BOUNDARY_SET": "Small areas",
            "OUTPUT": str(out_dir / JOINED_NAME),
            "REPORT": str(out_dir / REPORT_NAME),
        },
    )
    report = json.loads(Path(layer["REPORT_JSON"]).read_text(encoding="utf-8"))
    print(f"Small areas from the store: {report['headline']}")
    wards = boundary_layer(store, boundary_set(store, "Wards")).source()
    return {
        "store": store,
        "add_report": Path(health["REPORT"]),
        "small_areas": layer["OUTPUT"],
        "join_report": Path(layer["REPORT"]),
        "wards": wards,
    }


def print_admissions_trend(store: Path) -> str:
    """Lisford's emergency admission rate in its first and latest stored period, with Byar's 95% limits: admissions
    over residents, not a mean of rates. A rise is called significant only when the two intervals do not overlap
    (a conservative reading; Fingertips' recent trend needs five periods, the sample has two)."""
    from lis_qgis_plugin.core.statistics.confidence import byars_interval
    from lis_qgis_plugin.core.store.store_open import store_connection

    with store_connection(store) as connection:
        rows = connection.execute(
            "SELECT period, sum(count), sum(denominator) FROM lis_values WHERE indicator_id = ? "
            "GROUP BY period_key, period ORDER BY period_key",
            ("lisford.93001",),
        ).fetchall()
    first, last = rows[0][0], rows[-1][0]
    limits = [byars_interval(count, people, 0.95, 1000) for _, count, people in (rows[0], rows[-1])]
    (before, low_before, high_before), (now, low_now, high_now) = ((i.value, i.lower, i.upper) for i in limits)
    if None in (before, low_before, high_before, now, low_now, high_now):
        raise SystemExit(f"The store holds no admissions or residents for {first} or {last}: {store}")
    trend = "rose" if now > before else "fell" if now < before else "stayed"  # type: ignore[operator]
    apart = low_now > high_before or high_now < low_before  # type: ignore[operator]
    verdict = (
        "the 95% confidence intervals do not overlap, so the change is statistically significant"
        if apart
        else "the 95% confidence intervals overlap, so no significant change is claimed"
    )
    sentence = (
        f"Lisford's emergency admissions {trend} from {before:.1f} ({low_before:.1f}\u2013{high_before:.1f}) to "
        f"{now:.1f} ({low_now:.1f}\u2013{high_now:.1f}) per 1,000 residents between {first} and {last}: {verdict} "
        "(all admissions over all residents, Byar's 95% limits)."
    )
    print(sentence)
    return sentence


def map_and_summarise_deprivation(store_outputs: StoreOutputs, out_dir: Path) -> DeprivationOutputs:
    """National IMD deciles styled by lis:deprivationmap, and the MHCLG summary measures per ward, from the store."""
    import processing
    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.deprivation.deprivation import NATIONAL_AREAS
    from lis_qgis_plugin.layouts.map_image import render_map_png

    small_areas = store_outputs["small_areas"]
    deciles = processing.run(
        "lis:deprivationmap",
        {
            "INPUT": small_areas,
            "FIELD": IMD_RANK,
            "METHOD": 0,  # national deciles from the national rank
            "NATIONAL_N": NATIONAL_AREAS["IMD2019"],
            "OUTPUT": str(out_dir / DECILE_MAP_NAME),
        },
    )
    styled = QgsVectorLayer(deciles["OUTPUT"], "IMD national deciles", "ogr")  # opens with its stored style
    png = render_map_png([styled], out_dir / DECILE_PNG_NAME, styled.extent(), width_px=1000)
    summary = processing.run(
        "lis:deprivationsummary",
        {
            "INPUT": small_areas,
            "RANK_FIELD": IMD_RANK,
            "POPULATION_FIELD": POPULATION,
            "NATIONAL_N": NATIONAL_AREAS["IMD2019"],
            "TARGET": store_outputs["wards"],
            "OUTPUT": str(out_dir / WARD_SUMMARY_NAME),
        },
    )
    wards = list(QgsVectorLayer(summary["OUTPUT"], "wards", "ogr").getFeatures())
    worst = max(wards, key=lambda ward: ward["extent"])
    print(
        f"{worst['pop_share_most_deprived_10']:.0%} of {worst['ward_name']} ward lives in England's most deprived "
        f"tenth of neighbourhoods; its extent is {worst['extent']:.0%}, the highest of Lisford's {len(wards)} wards."
    )
    return {"decile_map": deciles["OUTPUT"], "decile_png": png, "ward_summary": summary["OUTPUT"]}


def aggregate_health(store_outputs: StoreOutputs, out_dir: Path) -> HealthOutputs:
    """Add the store's small-area health figures up by ward, and say which ward has the highest admission rate."""
    import processing
    from qgis.core import QgsVectorLayer

    wards = processing.run(
        "lis:aggregateindicators",
        {
            "INPUT": store_outputs["small_areas"],
            "TARGET": store_outputs["wards"],
            "FIELDS_SUM": [POPULATION, "emergency_admissions_count"],
            "FIELDS_WEIGHTED_MEAN": ["smoking_prevalence"],
            "WEIGHT_FIELD": POPULATION,
            "FIELDS_RATIO": [f"emergency_admissions_count/{POPULATION}*1000"],
            "OUTPUT": str(out_dir / WARDS_NAME),
        },
    )
    layer = QgsVectorLayer(wards["OUTPUT"], "wards", "ogr")
    rows = [
        (f["ward_name"], f["emergency_admissions_count_sum"], f["population_mid_2023_sum"]) for f in layer.getFeatures()
    ]
    name, admissions, population = max(rows, key=lambda row: row[1] / row[2])
    district_rate = 1000 * sum(row[1] for row in rows) / sum(row[2] for row in rows)
    print(
        f"{name} has Lisford's highest emergency admission rate: {1000 * admissions / population:.0f} per 1,000 "
        f"residents, against {district_rate:.0f} across the district."
    )
    return {"wards": wards["OUTPUT"]}


def ward_profiles(wards_uri: str, out_dir: Path) -> dict[str, Path]:
    """One profile page per ward (map, table, spine chart) from the ward health figures, into one PDF.

    The layout goes into a project of its own beside the PDF, which opens (and prints) without the plugin.
    """
    import processing

    pdf = out_dir / PROFILES_NAME
    result = processing.run(
        "lis:exportatlas",
        {
            "COVERAGE": wards_uri,
            "INDICATORS": [
                "smoking_prevalence_wmean",
                ADMISSION_RATE,
                "emergency_admissions_count_sum",
                "population_mid_2023_sum",
            ],
            "POPULATION_FIELD": "population_mid_2023_sum",
            "OUTPUT_PDF": str(pdf),
            "OUTPUT_PROJECT": str(pdf.with_suffix(".qgz")),
        },
    )
    print(
        f"Ward profiles: {result['PAGES']} pages, one per ward, in {result['OUTPUT_PDF']}; its layout "
        f"'{result['LAYOUT']}' is in {result['OUTPUT_PROJECT']}."
    )
    return {"pdf": pdf, "project": Path(result["OUTPUT_PROJECT"]), "data": Path(result["ATLAS_DATA"])}


def web_report(files: SampleFiles, store: Path, out_dir: Path) -> Path:
    """The small areas' interactive web report from the store (every indicator, every period): out/demo/web."""
    import shutil

    import processing

    folder = out_dir / WEB_NAME
    if (folder / "index.html").is_file():
        shutil.rmtree(folder)  # the previous demo's report: lis:exportwebreport writes only to a new or empty folder
    result = processing.run(
        "lis:exportwebreport",
        {
            "BOUNDARIES": f"{files.geopackage}|layername=small_areas",
            "STORE": str(store),
            "OUTPUT_FOLDER": str(folder),
        },
    )
    index = Path(result["INDEX_HTML"])
    print(f"Web report: open {index} in a browser (or put the folder on any web server).")
    return index


def run_demo(out_dir: Path, seed: int = 1) -> dict[str, Path]:
    """Run the demo pipeline into ``out_dir``; QGIS and the LIS provider must already be running."""
    import processing
    from qgis.core import QgsVectorLayer

    from lis_qgis_plugin.core.deprivation.deprivation import population_share_in_deciles
    from lis_qgis_plugin.core.sample.sample_files import SampleFiles
    from lis_qgis_plugin.core.sample.sample_project import SAMPLE_LAYERS, build_sample_project
    from lis_qgis_plugin.layouts.map_image import render_map_png
    from lis_qgis_plugin.layouts.map_layout import MapPage, build_map_layout, export_layout_pdf

    out_dir = Path(out_dir).resolve()
    result = processing.run("lis:createsample", {"SEED": seed, "OUTPUT_FOLDER": str(out_dir / "sample")})
    files = SampleFiles(
        folder=Path(result["OUTPUT_FOLDER"]),
        geopackage=Path(result["GEOPACKAGE"]),
        imd_csv=Path(result["IMD_CSV"]),
        health_csv=Path(result["HEALTH_CSV"]),
        health_xlsx=Path(result["HEALTH_XLSX"]),
    )
    project_path = out_dir / PROJECT_NAME
    project = build_sample_project(files, project_path)
    by_title = {layer.name(): layer for layer in project.mapLayers().values()}
    layers = [by_title[title] for _, title in SAMPLE_LAYERS if title != "Population-weighted centroids"]
    district = by_title["District boundary"]
    map_path = render_map_png(layers, out_dir / MAP_NAME, district.extent())

    store = build_store(files, out_dir)
    health = aggregate_health(store, out_dir)
    deprivation = map_and_summarise_deprivation(store, out_dir)
    catchments = gp_catchments(files, store["small_areas"], out_dir)
    filled = gp_filled_catchments(files, store["small_areas"], out_dir)
    catchments_png = render_catchments_side_by_side(
        filled["catchments"],
        catchments["catchments"],
        CatchmentMapLayers(gp_surgeries(files), by_title["Roads"], by_title["District boundary"]),
        out_dir / CATCHMENTS_PNG_NAME,
    )
    centres = new_childrens_centres(files, store["small_areas"], out_dir)
    profiles = ward_profiles(health["wards"], out_dir)
    web = web_report(files, store["store"], out_dir)
    for uri, title in (
        (f"{store['store']}|layername=lis_catalogue", "Indicator store: catalogue"),
        (store["small_areas"], "Health indicators by small area"),
        (health["wards"], "Health by ward"),
        (deprivation["decile_map"], "IMD national deciles (lis:deprivationmap)"),
        (deprivation["ward_summary"], "Ward deprivation summary"),
        (filled["catchments"], "GP surgeries: filled 10-minute drive areas"),
        (catchments["catchments"], "GP surgeries: 3 and 10-minute drive catchments (roads within reach)"),
        (catchments["assignment"], "Small areas: nearest GP surgery"),
        (catchments["coverage"], "GP coverage"),
        (centres["sites"], "Suggested new children's centres"),
        (centres["assignment"], "Small areas: nearest children's centre before and after"),
        (centres["summary"], "Children's centres: before and after"),
    ):
        layer = QgsVectorLayer(str(uri), title, "ogr")
        layer.setCustomProperty("lis/added_by", "demo")
        project.addMapLayer(layer, False)
        project.layerTreeRoot().addLayer(layer).setItemVisibilityChecked(False)

    features = list(QgsVectorLayer(store["small_areas"], "from the store", "ogr").getFeatures())
    population = sum(f[POPULATION] for f in features)
    share = population_share_in_deciles([f[IMD_DECILE] for f in features], [f[POPULATION] for f in features])
    headline = f"{share:.0%} of Lisford's residents live in England's most deprived tenth of neighbourhoods"
    print(f"{headline} ({population:,} residents in {len(features)} small areas; synthetic sample).")

    page = MapPage(
        title=headline,
        subtitle=(
            f"Index of Multiple Deprivation by small area, national deciles. {population:,} residents in "
            f"{len(features)} small areas (synthetic sample district)."
        ),
        source=(
            "Decile 1 is the most deprived 10% of England's 32,844 small areas: deciles are national, not local.\n"
            "Data: LIS synthetic sample (invented places and people)."
        ),
        layers=layers,
        legend_layers=[layer for layer in layers if layer.name() != "Roads"],
        extent=district.extent(),
    )
    layout = build_map_layout(project, page)
    pdf_path = export_layout_pdf(layout, out_dir / PDF_NAME)
    project.layoutManager().addLayout(layout)  # the layout travels with the project for later edits
    if not project.write():
        raise OSError(f"Cannot save the print layout into {project_path}: {project.error()}")
    outputs = {
        "project": project_path, "store": store["store"], "store_report": store["add_report"],
        "map": map_path, "pdf": pdf_path, "join_report": store["join_report"],
        "health_by_small_area": out_dir / JOINED_NAME, "health_by_ward": out_dir / WARDS_NAME,
        "decile_map": out_dir / DECILE_MAP_NAME, "decile_png": deprivation["decile_png"],
        "ward_deprivation": out_dir / WARD_SUMMARY_NAME, "gp_catchments": out_dir / CATCHMENTS_NAME,
        "gp_catchments_filled": out_dir / FILLED_CATCHMENTS_NAME, "gp_catchments_png": catchments_png,
        "new_childrens_centres": out_dir / CENTRES_NAME,
        "ward_profiles": profiles["pdf"], "ward_profiles_project": profiles["project"],
        "ward_profiles_data": profiles["data"], "web_report": web,
        **{p.name: p for p in files.all_files()},
    }  # fmt: skip
    print("The demo wrote:")
    for label, path in outputs.items():
        print(f"  {label:<34} {path}")
    print(f"Open it in QGIS: qgis {project_path}")
    return outputs


def main() -> int:
    """Start QGIS headless, run the demo, stop QGIS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "out" / "demo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from lis_qgis_plugin.headless import start_qgis_with_lis

    app = start_qgis_with_lis()
    try:
        run_demo(args.out, args.seed)
    finally:
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
