"""Plain helpers the tests share (fixtures live in the conftest files): paths, Processing runs, layers."""

from __future__ import annotations

import csv
import gzip
import json
import math
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.network.road_network import BACKWARD, FORWARD, TravelMode, classify_way

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import build_plugin as build_plugin  # noqa: E402 - from scripts/, put on sys.path just above

#: The OpenStreetMap tags the road rules read.
TAGS = ("highway", "oneway", "maxspeed", "junction", "access", "motor_vehicle", "foot")

SHARED_DATA = REPO.parent / "shared" / "data" / "real"


def run_create_sample(folder: Path, seed: int = 1, small_areas: int = 150) -> dict:
    """Run lis:createsample through Processing, as the toolbox and qgis_process do."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    params = {"SEED": seed, "SMALL_AREAS": small_areas, "OUTPUT_FOLDER": str(folder)}
    return processing.run("lis:createsample", params, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())


def open_layer(gpkg: Path, name: str) -> QgsVectorLayer:
    """A valid layer of a GeoPackage (fails the test otherwise)."""
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    assert layer.isValid(), f"{gpkg}|{name} does not open"
    return layer


QGIS_PROCESS = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"


def run_qgis_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run qgis_process.bin (the Debian wrapper passes an option 3.22 rejects)."""
    return subprocess.run([QGIS_PROCESS, *args], capture_output=True, text=True, env=env, timeout=300)


class LogFeedback(QgsProcessingFeedback):
    """Keeps the log lines an analyst would read in the Processing dialog."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def pushInfo(self, info: str) -> None:
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning: str) -> None:
        self.lines.append(warning)
        super().pushWarning(warning)

    @property
    def text(self) -> str:
        """The whole log as one string."""
        return "\n".join(self.lines)


def saved(layer: QgsVectorLayer, path: Path) -> str:
    """Write a memory layer to a GeoPackage and give its path (Processing then owns no Python layer)."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return str(path)


def run_join(**parameters: object) -> tuple[dict, LogFeedback]:
    """Run lis:joinindicators through Processing, as the toolbox and qgis_process do."""
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run("lis:joinindicators", parameters, context=context, feedback=feedback), feedback


def features_by_code(uri: str, field: str) -> dict[str, dict]:
    layer = QgsVectorLayer(uri, "joined", "ogr")
    assert layer.isValid(), uri
    return {feature[field]: feature.attributeMap() for feature in layer.getFeatures()}


def field_with_alias(uri: str, alias: str) -> str:
    """The output field that carries the original column ``alias``."""
    layer = QgsVectorLayer(uri, "joined", "ogr")
    names = [field.name() for field in layer.fields() if field.alias() == alias]
    assert len(names) == 1, f"no single field with alias {alias!r} in {uri}"
    return names[0]


def file_state(*paths: Path) -> list[tuple[str, bytes]]:
    """Contents of the inputs, to prove the join never writes to them."""
    return [(str(path), path.read_bytes()) for path in paths]


def qgis_copy(highways: str, mode: TravelMode) -> QgsVectorLayer:
    """The ways our rules keep, with our speed (km/h) and direction (F/B/T) as fields for QGIS."""
    source = QgsVectorLayer(highways, "highways", "ogr")
    copy = QgsVectorLayer("LineString?crs=EPSG:27700&field=speed:double&field=dir:string", "roads", "memory")
    names = source.fields().names()
    features = []
    for feature in source.getFeatures(QgsFeatureRequest()):
        tags = {key: value for key, value in zip(names, feature.attributes()) if key in TAGS}
        rule = classify_way(tags, mode)
        if rule.allowed:
            out = QgsFeature(copy.fields())
            out.setGeometry(feature.geometry())
            out.setAttributes([rule.speed_kph, {FORWARD: "F", BACKWARD: "B"}.get(rule.direction, "T")])
            features.append(out)
    copy.dataProvider().addFeatures(features)
    return copy


def point_layer(xy: np.ndarray) -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:27700&field=pid:integer", "points", "memory")
    features = []
    for index, (x, y) in enumerate(xy):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y))))
        feature.setAttributes([index])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


# --- tables as analysts receive them (the indicator, join, aggregation and deprivation tests) ----------------


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A published CSV as dicts, read with the csv module only (never the plugin)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    """A delimited text table as a spreadsheet program saves it (CRLF line ends)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def file_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    """The lines of a text file as a text editor numbers them (line 1 first)."""
    return path.read_text(encoding=encoding).splitlines()


def line_number(path: Path, text: str) -> int:
    """1-based line number of the first line holding ``text``."""
    return next(number for number, line in enumerate(file_lines(path), 1) if text in line)


#: The code, name and rank headings of IoD2019 File 1 (the IMD), as published.
FILE1_COLUMNS = ("LSOA code (2011)", "LSOA name (2011)", "Index of Multiple Deprivation (IMD) Rank")


def imd_table(tmp_path: Path, imd: list[dict[str, str]], name: str = "imd.csv") -> Path:
    """Code, name and rank of File 1 rows (the ``imd`` fixture: Rutland's 23 LSOAs) as a plain CSV."""
    return write_csv(tmp_path / name, FILE1_COLUMNS, [[row[column] for column in FILE1_COLUMNS] for row in imd])


#: The IMD's domain weights (IoD2019 technical report), by the domain rank fields of the LSOA 2011 GeoJSON files.
IMD_WEIGHTS = {
    "income_rank": 0.225,
    "employment_rank": 0.225,
    "education_rank": 0.135,
    "health_rank": 0.135,
    "crime_rank": 0.093,
    "barriers_rank": 0.093,
    "living_env_rank": 0.093,
}


def imd_exponential(rank_from_least: float, count: int) -> float:
    """The IoD2019 technical report's transformation of R = (rank - 0.5) / n, written out here."""
    scaled = (rank_from_least - 0.5) / count
    return -23 * math.log(1 - scaled * (1 - math.exp(-100 / 23)))


def geojson_values(path: Path, field: str) -> list[float]:
    """One property of every feature of a GeoJSON file, as numbers (json module only)."""
    return [float(item["properties"][field]) for item in json.loads(path.read_text())["features"]]


#: The layers of the sample district's GeoPackage, as its README documents them.
SAMPLE_LAYER_NAMES = (
    "district",
    "wards",
    "small_areas",
    "popweighted_centroids",
    "services",
    "candidate_sites",
    "roads",
)


# --- access to services: Rutland's GP surgeries and small layers written in place (catchments, locate, 2SFCA) ---

#: Rutland's own GP surgeries in the NHS Choices services table (2014), as lis:servicecatchments filters them.
RUTLAND_GP_FILTER = "\"category\" = 'gp_surgery' AND \"in_la\" = 'True'"


def write_gpkg_layer(
    path: Path, name: str, kind: int, fields: Sequence[tuple[str, object]], rows: Sequence[tuple[QgsGeometry, list]]
) -> str:
    """One layer of a GeoPackage in EPSG:27700 (a new file, or a layer added to it); returns its URI."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsField, QgsFields

    qfields = QgsFields()
    for field_name, field_type in fields:
        qfields.append(QgsField(field_name, field_type))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    options.actionOnExistingFile = (
        QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        if path.exists()
        else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
    )
    writer = QgsVectorFileWriter.create(
        str(path), qfields, kind, QgsCoordinateReferenceSystem("EPSG:27700"), QgsCoordinateTransformContext(), options
    )
    assert writer.hasError() == QgsVectorFileWriter.WriterError.NoError, writer.errorMessage()
    for geometry, attributes in rows:
        feature = QgsFeature(qfields)
        feature.setGeometry(geometry)
        feature.setAttributes(attributes)
        assert writer.addFeature(feature)
    del writer
    return f"{path}|layername={name}"


def memory_points(
    fields: str, rows: Sequence[tuple[float, float, list[object]]], name: str = "points"
) -> QgsVectorLayer:
    """A memory point layer in British National Grid (``fields``: 'field=code:string&field=pop:double')."""
    layer = QgsVectorLayer(f"Point?crs=EPSG:27700&{fields}", name, "memory")
    features = []
    for x, y, attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes(attributes)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


#: A point in British National Grid, somewhere in the East Midlands: the origin of the small made-up towns.
TOWN_ORIGIN = (480000.0, 300000.0)
#: The fields of a made-up town's demand points and sites.
TOWN_DEMAND_FIELDS = "field=code:string&field=pop:double&field=decile:integer"
TOWN_SITE_FIELDS = "field=site_id:string&field=name:string"


def points_gpkg(path: Path, fields: str, rows: Sequence[tuple[float, float, list[object]]]) -> str:
    """A GeoPackage of points in British National Grid (x, y in metres from TOWN_ORIGIN) with the given attributes."""
    x0, y0 = TOWN_ORIGIN
    return saved(memory_points(fields, [(x0 + x, y0 + y, values) for x, y, values in rows], path.stem), path)


def town_layers(folder: Path) -> dict[str, str]:
    """Three villages on a line (1,000, 600 and 100 people, 10 km apart), a candidate at each and one between,
    and an old centre 5 m from village A: the GeoPackage paths of the demand, the candidates and the existing site."""
    return {
        "demand": points_gpkg(
            folder / "villages.gpkg",
            TOWN_DEMAND_FIELDS,
            [(0, 0, ["A", 1000, 1]), (10_000, 0, ["B", 600, 5]), (20_000, 0, ["C", 100, 9])],
        ),
        "candidates": points_gpkg(
            folder / "candidates.gpkg",
            TOWN_SITE_FIELDS,
            [(10, 0, ["cA", "Hall A"]), (10_010, 0, ["cB", "Hall B"]), (5_000, 0, ["cM", "Middle"])],
        ),
        "existing": points_gpkg(folder / "existing.gpkg", TOWN_SITE_FIELDS, [(5, 0, ["E", "Old centre"])]),
    }


def layer_rows(uri: str) -> list[dict[str, object]]:
    """Every feature's attributes of a layer (a path or GeoPackage layer URI) as dicts, in feature order."""
    layer = QgsVectorLayer(uri, Path(uri.split("|")[0]).stem, "ogr")
    assert layer.isValid(), uri
    names = layer.fields().names()
    return [dict(zip(names, feature.attributes())) for feature in layer.getFeatures()]


#: Rutland's own GP surgeries and village halls in the GeoJSON services files (``in_la`` is a boolean there).
RUTLAND_GEOJSON_GPS = '"category" = \'gp_surgery\' AND "in_la"'
RUTLAND_HALLS = '"category" = \'community_centre\' AND "in_la"'


def ogr_layer(uri: str) -> QgsVectorLayer:
    """A valid layer of a file (``path`` or ``path|layername=x``), named after the file (fails the test otherwise)."""
    layer = QgsVectorLayer(uri, Path(uri.split("|")[0]).stem, "ogr")
    assert layer.isValid(), uri
    return layer


#: Ligatures the PDF fonts use, as pdftotext writes them, and the letters they stand for.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def pdf_pages(pdf: Path | str, mode: str = "-layout") -> list[str]:
    """The text of each page of a PDF, ligatures spelt out: with -layout table rows stay on one line; with -raw each
    item's text stays whole, in the order it is drawn, however the lines of a long label wrap."""
    text = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return [page for page in text.split("\f") if page.strip()]


_RERENDER = """
import importlib.util, json, sys
from qgis.core import QgsApplication, QgsLayoutExporter, QgsProject, QgsRenderContext
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
if not project.read(sys.argv[1]):
    sys.exit("cannot read the project: " + project.error())
layout = project.layoutManager().layoutByName(sys.argv[2])
settings = QgsLayoutExporter.PdfExportSettings()
settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
result, error = QgsLayoutExporter.exportToPdf(layout.atlas(), sys.argv[3], settings)
print(json.dumps({
    "result": int(result), "error": error,
    "plugin_importable": importlib.util.find_spec("lis_qgis_plugin") is not None,
    "plugin_modules": sorted(name for name in sys.modules if name.startswith("lis_qgis_plugin")),
}))
app.exitQgis()
"""


def export_without_the_plugin(project: Path, layout: str, pdf: Path) -> dict:
    """Export a saved project's atlas layout to ``pdf`` in a fresh QGIS process that cannot import the plugin (no
    PYTHONPATH, an empty profile): what a colleague without LIS gets. Returns the export result and what the
    process could import."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(pdf.parent / "profile"))
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", _RERENDER, str(project), layout, str(pdf)],
        capture_output=True, text=True, env=env, cwd=pdf.parent, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- Nottingham's wards as a Fingertips download: real counts (IoD2019 File 6) ---------------------------------

NOTTINGHAM = SHARED_DATA / "nottingham"
FILE6_TOTAL = "Total population: mid 2015 (excluding prisoners)"
FILE6_OLDER = "Older population aged 60 and over: mid 2015 (excluding prisoners)"
FINGERTIPS_COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Time period Sortable",
)  # fmt: skip
OLDER_NAME = "Population aged 60 and over (%)"
OLDER_PERIODS = ("2011", "2012", "2013", "2014", "2015")


def wilson(count: float, total: float, z: float) -> tuple[float, float]:
    """Wilson score limits of count/total, by the textbook formula (PHEindicatormethods' wilson_lower/upper)."""
    p = count / total
    centre, spread = 2 * count + z * z, z * math.sqrt(z * z + 4 * count * (1 - p))
    return (centre - spread) / (2 * (total + z * z)), (centre + spread) / (2 * (total + z * z))


def file6_counts(path: Path) -> dict[str, tuple[int, int]]:
    """LSOA 2011 code -> (residents aged 60+, residents), mid-2015, from an IoD2019 File 6 (CSV or .csv.gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return {
            row["LSOA code (2011)"]: (int(row[FILE6_OLDER].replace(",", "")), int(row[FILE6_TOTAL].replace(",", "")))
            for row in csv.DictReader(handle)
        }


def ward_counts() -> tuple[dict[str, tuple[str, int, int]], tuple[int, int]]:
    """Nottingham's 2025 wards -> (name, residents 60+, residents) over their LSOAs (best-fit lookup); England's."""
    lsoas = file6_counts(NOTTINGHAM / "population" / "nottingham_iod2019_file6_population_denominators.csv")
    wards: dict[str, list] = defaultdict(lambda: ["", 0, 0])
    with (NOTTINGHAM / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            ward = wards[row["WD25CD"]]
            ward[0] = row["WD25NM"]
            ward[1] += lsoas[row["LSOA11CD"]][0]
            ward[2] += lsoas[row["LSOA11CD"]][1]
    england = file6_counts(SHARED_DATA / "england" / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    totals = (sum(older for older, _ in england.values()), sum(total for _, total in england.values()))
    return {code: (name, older, total) for code, (name, older, total) in wards.items()}, totals


def fingertips_row(
    code: str,
    name: str,
    area_type: str,
    period: str,
    count: int,
    total: int,
    indicator: tuple[str, str, str] = ("1", OLDER_NAME, "60+ yrs"),
) -> dict[str, str]:
    """A Fingertips all_data row of a percentage (``indicator``: id, name, age), with its Wilson limits as
    Fingertips publishes them; by default the share of residents aged 60+."""
    low, high = wilson(count, total, 1.959964)
    low998, high998 = wilson(count, total, 3.090232)
    number, label, age = indicator
    return dict.fromkeys(FINGERTIPS_COLUMNS, "") | {
        "Indicator ID": number, "Indicator Name": label, "Parent Code": "E06000018", "Parent Name": "Nottingham",
        "Area Code": code, "Area Name": name, "Area Type": area_type, "Sex": "Persons", "Age": age,
        "Time period": period, "Value": f"{100 * count / total:.6f}", "Lower CI 95.0 limit": f"{100 * low:.6f}",
        "Upper CI 95.0 limit": f"{100 * high:.6f}", "Lower CI 99.8 limit": f"{100 * low998:.6f}",
        "Upper CI 99.8 limit": f"{100 * high998:.6f}", "Count": str(count), "Denominator": str(total),
        "Time period Sortable": f"{period}0000",
    }  # fmt: skip


def older_series(download: Path) -> tuple[dict[str, tuple[str, int, int]], tuple[int, int]]:
    """Ward counts of residents aged 60+ (IoD2019 File 6, mid-2015, real) are the latest of five periods; the four
    before are built from them, 4% fewer older residents a year back (a known rising series). England's row holds
    England's real mid-2015 share in every period. Written as Fingertips' CSV to ``download``."""
    wards, (england_older, england_total) = ward_counts()
    with download.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FINGERTIPS_COLUMNS)
        writer.writeheader()
        for back, period in zip(range(4, -1, -1), OLDER_PERIODS):
            writer.writerow(fingertips_row("E92000001", "England", "England", period, england_older, england_total))
            writer.writerows(
                fingertips_row(code, name, "Ward", period, round(older * (1 - 0.04 * back)), total)
                for code, (name, older, total) in wards.items()
            )
    return wards, (england_older, england_total)


def read_web_report(folder: Path) -> dict:
    """window.LIS_REPORT as a web report folder's data.js holds it: the prefix, one line of JSON, ';'."""
    from lis_qgis_plugin.core.web.web_report import DATA_PREFIX

    text = (folder / "data.js").read_text(encoding="utf-8")
    assert text.startswith(DATA_PREFIX) and text.endswith(";\n")
    return json.loads(text[len(DATA_PREFIX) : -2])
