"""lis:accessibility2sfca: hand-computed 2SFCA on a tiny network, the 2SFCA identity on Rutland, clear errors."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from qgis.core import (
    NULL,
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

from ..support import LogFeedback, open_layer, write_gpkg_layer

ALGORITHM = "lis:accessibility2sfca"
# Tiny network (EPSG:27700, metres): a street along y=0 from x=0 to x=500, a side street up from x=200.
LINES = [
    [(0, 0), (100, 0), (200, 0)],
    [(200, 0), (500, 0)],
    [(200, 0), (200, 200)],
]
FACILITIES = [("F1", (0, 0), 10.0), ("F2", (500, 0), 5.0)]
AREAS = [("D1", (100, 0), 100), ("D2", (200, 200), 200), ("D3", (400, 0), 300)]
# Walking distances (m) from each area to F1 and F2 along the streets.
DISTANCES = {"D1": (100, 400), "D2": (400, 500), "D3": (400, 100)}


def point(xy: tuple[float, float]) -> QgsGeometry:
    return QgsGeometry.fromPointXY(QgsPointXY(*xy))


@pytest.fixture()
def tiny(tmp_path: Path) -> dict[str, str]:
    """URIs of the tiny network, its two facilities and three demand points."""
    gpkg = tmp_path / "tiny.gpkg"
    network = write_gpkg_layer(
        gpkg,
        "roads",
        Qgis.WkbType.LineString,
        [("ref", QMetaType.Type.QString)],
        [(QgsGeometry.fromPolylineXY([QgsPointXY(*xy) for xy in line]), [f"r{i}"]) for i, line in enumerate(LINES)],
    )
    facilities = write_gpkg_layer(
        gpkg,
        "facilities",
        Qgis.WkbType.Point,
        [("name", QMetaType.Type.QString), ("capacity", QMetaType.Type.Double)],
        [(point(xy), [name, capacity]) for name, xy, capacity in FACILITIES],
    )
    areas = write_gpkg_layer(
        gpkg,
        "areas",
        Qgis.WkbType.Point,
        [("name", QMetaType.Type.QString), ("pop", QMetaType.Type.Int)],
        [(point(xy), [name, pop]) for name, xy, pop in AREAS],
    )
    return {"network": network, "facilities": facilities, "areas": areas, "folder": str(tmp_path)}


def run(parameters: dict[str, Any]) -> tuple[dict[str, Any], LogFeedback]:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = LogFeedback()
    return processing.run(ALGORITHM, parameters, context=context, feedback=feedback), feedback


def tiny_parameters(tiny: dict[str, str], bands: str, weights: str = "", name: str = "out") -> dict[str, Any]:
    return {
        "FACILITIES": tiny["facilities"],
        "CAPACITY_FIELD": "capacity",
        "DEMAND": tiny["areas"],
        "POPULATION_FIELD": "pop",
        "NETWORK": tiny["network"],
        "MODE": 1,  # walk
        "COST": 1,  # distance: bands in metres
        "BANDS": bands,
        "WEIGHTS": weights,
        "OUTPUT": str(Path(tiny["folder"]) / f"{name}.gpkg"),
    }


def scores(uri: str) -> dict[str, tuple[float, float, int]]:
    path, name = uri.split("|layername=")
    layer = open_layer(Path(path), name)
    return {f["name"]: (f["access_score"], f["access_per_1000"], f["facilities_reached"]) for f in layer.getFeatures()}


def hand_2sfca(weight: Any) -> dict[str, float]:
    """Step 1 and step 2 written out, with ``weight(distance)`` the band weight."""
    capacity = {name: cap for name, _, cap in FACILITIES}
    population = {name: pop for name, _, pop in AREAS}
    ratio = {}
    for j, facility in enumerate(capacity):
        demand = sum(population[area] * weight(DISTANCES[area][j]) for area in population)
        ratio[facility] = capacity[facility] / demand
    return {
        area: sum(ratio[facility] * weight(DISTANCES[area][j]) for j, facility in enumerate(capacity))
        for area in population
    }


# ------------------------------------------------------------------------ (a) tiny network, by hand
def test_plain_2sfca_equals_the_hand_computation(lis_plugin: object, tiny: dict[str, str]) -> None:
    result, feedback = run(tiny_parameters(tiny, "450"))
    # F1 (10) is within 450 m of D1, D2, D3 (600 people): 10/600 each. F2 (5) of D1 and D3 (400 people): 5/400.
    expected = {"D1": 10 / 600 + 5 / 400, "D2": 10 / 600, "D3": 10 / 600 + 5 / 400}
    assert hand_2sfca(lambda d: 1.0 if d <= 450 else 0.0) == pytest.approx(expected)
    got = scores(result["OUTPUT"])
    for area, value in expected.items():
        assert got[area][0] == pytest.approx(value)
        assert got[area][1] == pytest.approx(1000 * value)
    assert {area: got[area][2] for area in got} == {"D1": 2, "D2": 1, "D3": 2}
    assert result["AREAS_WITHOUT_ACCESS"] == 0 and result["FACILITIES_UNREACHED"] == 0
    assert "Lowest access: D2" in feedback.text
    assert "Every facility is reached" in feedback.text


def test_polygon_areas_are_placed_at_their_point_on_surface(lis_plugin: object, tiny: dict[str, str]) -> None:
    squares = write_gpkg_layer(
        Path(tiny["folder"]) / "polygons.gpkg",
        "squares",
        Qgis.WkbType.Polygon,
        [("name", QMetaType.Type.QString), ("pop", QMetaType.Type.Int)],
        [(point(xy).buffer(10, 1), [name, pop]) for name, xy, pop in AREAS],  # squares centred on the points
    )
    result, _ = run({**tiny_parameters(tiny, "450", name="squares"), "DEMAND": squares})
    got = scores(result["OUTPUT"])
    assert got["D2"][0] == pytest.approx(10 / 600)
    assert got["D3"][0] == pytest.approx(10 / 600 + 5 / 400)


def test_enhanced_2sfca_equals_the_hand_computation(lis_plugin: object, tiny: dict[str, str]) -> None:
    result, feedback = run(tiny_parameters(tiny, "200,450", "1,0.5", name="e2sfca"))
    expected = hand_2sfca(lambda d: 1.0 if d <= 200 else 0.5 if d <= 450 else 0.0)
    # F1: 100*1 + 200*0.5 + 300*0.5 = 350 people; F2: 100*0.5 + 300*1 = 350 people.
    assert expected["D1"] == pytest.approx(10 / 350 + 0.5 * 5 / 350)
    got = scores(result["OUTPUT"])
    assert {area: got[area][0] for area in got} == pytest.approx(expected)
    assert "E2SFCA" in feedback.text


def test_a_facility_beyond_every_band_is_named(lis_plugin: object, tiny: dict[str, str]) -> None:
    result, feedback = run(tiny_parameters(tiny, "150", name="short"))
    # Within 150 m: D1 -> F1 (100 m), D3 -> F2 (100 m); D2 reaches nothing.
    got = scores(result["OUTPUT"])
    assert got["D1"][0] == pytest.approx(10 / 100)
    assert got["D3"][0] == pytest.approx(5 / 300)
    assert got["D2"][0] == 0 and got["D2"][2] == 0
    assert result["AREAS_WITHOUT_ACCESS"] == 1
    assert "1 area (200 people) reaches no facility within 150 m and score 0: D2." in feedback.text


# ------------------------------------------------------------------------ (b) Rutland, real data
@pytest.fixture(scope="module")
def rutland_gps(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Rutland's GP surgeries (2014) as points with capacity 1 per site."""
    source = shared_data / "rutland" / "services" / "rutland_nhs_services_nhschoices_2014.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["category"] == "gp_surgery"]
    assert len(rows) >= 5
    return write_gpkg_layer(
        tmp_path_factory.mktemp("gps") / "gps.gpkg",
        "gps",
        Qgis.WkbType.Point,
        [("name", QMetaType.Type.QString), ("capacity", QMetaType.Type.Double)],
        [(point((float(r["easting"]), float(r["northing"]))), [r["name"], 1.0]) for r in rows],
    )


@pytest.mark.parametrize(("bands", "weights"), [("10", ""), ("5,10,15", "1,0.6,0.2")])
def test_rutland_population_weighted_scores_add_up_to_the_capacity_reached(
    lis_plugin: object, shared_data: Path, rutland_gps: str, tmp_path: Path, bands: str, weights: str
) -> None:
    """The 2SFCA identity: sum_i P_i A_i = sum_j S_j over the facilities that anyone reaches."""
    result, feedback = run(
        {
            "FACILITIES": rutland_gps,
            "CAPACITY_FIELD": "capacity",
            "DEMAND": str(
                shared_data / "rutland" / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"
            ),
            "POPULATION_FIELD": "usual_residents_2011",
            "NETWORK": f"{shared_data / 'rutland' / 'network' / 'rutland_osm_highways.gpkg'}|layername=highways",
            "MODE": 0,
            "COST": 0,
            "BANDS": bands,
            "WEIGHTS": weights,
            "OUTPUT": str(tmp_path / "rutland_access.gpkg"),
        }
    )
    path, name = result["OUTPUT"].split("|layername=")
    layer = open_layer(Path(path), name)
    features = list(layer.getFeatures())
    assert len(features) == 23  # Rutland's LSOAs (2011)
    weighted = sum(f["usual_residents_2011"] * f["access_score"] for f in features)
    facilities = open_layer(Path(rutland_gps.split("|")[0]), "gps").featureCount()
    reached_capacity = facilities - result["FACILITIES_UNREACHED"]
    assert reached_capacity > 0
    assert weighted == pytest.approx(reached_capacity, rel=1e-9)
    assert sum(f["facilities_reached"] > 0 for f in features) > 20
    assert "Lowest access:" in feedback.text and "Highest access:" in feedback.text


# ------------------------------------------------------------------------ (c) bad inputs
def test_null_capacity_is_refused_naming_the_facilities(lis_plugin: object, tiny: dict[str, str]) -> None:
    folder = Path(tiny["folder"])
    facilities = write_gpkg_layer(
        folder / "nulls.gpkg",
        "facilities",
        Qgis.WkbType.Point,
        [("name", QMetaType.Type.QString), ("capacity", QMetaType.Type.Double)],
        [(point((0, 0)), ["Main surgery", 3.0]), (point((500, 0)), ["Branch surgery", None])],
    )
    with pytest.raises(QgsProcessingException, match=r"CAPACITY_FIELD: 1 of 2 facilities .*NULL.*Branch surgery"):
        run({**tiny_parameters(tiny, "450"), "FACILITIES": facilities})


@pytest.mark.parametrize(
    ("bands", "weights", "message"),
    [
        ("5,10,15", "1,0.6", r"WEIGHTS: 2 weights for 3 bands"),
        ("ten", "", r"BANDS: 'ten' is not a list of numbers"),
        ("10,5", "", r"Band limits must increase"),
        ("-5", "", r"must be positive"),
        ("5,10", "1,2", r"between 0 and 1"),
    ],
)
def test_bad_bands_are_explained(
    lis_plugin: object, tiny: dict[str, str], bands: str, weights: str, message: str
) -> None:
    with pytest.raises(QgsProcessingException, match=message):
        run(tiny_parameters(tiny, bands, weights))


def test_a_network_is_required_once(lis_plugin: object, tiny: dict[str, str]) -> None:
    with pytest.raises(QgsProcessingException, match=r"NETWORK: choose a road line layer"):
        run({**tiny_parameters(tiny, "450"), "NETWORK": None})
    with pytest.raises(QgsProcessingException, match=r"either the NETWORK layer or the NETWORK_FILE"):
        run({**tiny_parameters(tiny, "450"), "NETWORK_FILE": tiny["network"].split("|")[0]})


def test_text_population_field_and_writing_into_an_input_are_refused(lis_plugin: object, tiny: dict[str, str]) -> None:
    with pytest.raises(QgsProcessingException, match=r"POPULATION_FIELD: .*'name'.*not numbers"):
        run({**tiny_parameters(tiny, "450"), "POPULATION_FIELD": "name"})
    with pytest.raises(QgsProcessingException, match=r"never writes into its inputs"):
        run({**tiny_parameters(tiny, "450"), "OUTPUT": tiny["network"].split("|")[0]})


# ------------------------------------------------------------------------ (d) issue 16: degenerate input, fragments
def _rutland_parameters(shared_data: Path, rutland_gps: str, demand: str, output: Path) -> dict[str, Any]:
    return {
        "FACILITIES": rutland_gps,
        "CAPACITY_FIELD": "capacity",
        "DEMAND": demand,
        "POPULATION_FIELD": "usual_residents_2011",
        "NETWORK": f"{shared_data / 'rutland' / 'network' / 'rutland_osm_highways.gpkg'}|layername=highways",
        "MODE": 0,
        "COST": 0,
        "BANDS": "10",
        "WEIGHTS": "",
        "OUTPUT": str(output),
    }


def _centroids(shared_data: Path, path: Path, population: float | None, far: bool = False) -> str:
    """Rutland's LSOA centroids in British National Grid (``population``: every area's, None: the real ones),
    and with ``far`` one more area 30 km east of the road extract."""
    centroids = shared_data / "rutland" / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"
    source = QgsVectorLayer(str(centroids), "pwc", "ogr")
    to_grid = QgsCoordinateTransform(source.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    rows = []
    for feature in source.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_grid)
        people = feature["usual_residents_2011"] if population is None else population
        rows.append((geometry, [feature["LSOA11CD"], people]))
    if far:
        rows.append((point((538_533.0, 303_107.0)), ["FAR_AWAY", 1500.0]))
    return write_gpkg_layer(
        path,
        path.stem,
        Qgis.WkbType.Point,
        [("LSOA11CD", QMetaType.Type.QString), ("usual_residents_2011", QMetaType.Type.Double)],
        rows,
    )


def test_zero_total_population_is_refused_by_name(
    lis_plugin: object, shared_data: Path, rutland_gps: str, tmp_path: Path
) -> None:
    nobody = _centroids(shared_data, tmp_path / "nobody.gpkg", 0.0)
    message = r"POPULATION_FIELD: the 23 areas of .*nobody.* have a total usual_residents_2011 of 0, so there is nobody"
    with pytest.raises(QgsProcessingException, match=message):
        run(_rutland_parameters(shared_data, rutland_gps, nobody, tmp_path / "scores.gpkg"))
    assert not (tmp_path / "scores.gpkg").exists()


def test_an_area_beyond_the_maximum_snap_distance_gets_no_score_and_is_listed(
    lis_plugin: object, shared_data: Path, rutland_gps: str, tmp_path: Path
) -> None:
    areas = _centroids(shared_data, tmp_path / "areas.gpkg", None, far=True)
    result, feedback = run(_rutland_parameters(shared_data, rutland_gps, areas, tmp_path / "scores.gpkg"))
    path, name = result["OUTPUT"].split("|layername=")
    by_code = {f["LSOA11CD"]: f for f in open_layer(Path(path), name).getFeatures()}
    assert len(by_code) == 24
    assert by_code["FAR_AWAY"]["access_score"] == NULL and by_code["FAR_AWAY"]["facilities_reached"] == NULL
    assert all(f["access_score"] != NULL for code, f in by_code.items() if code != "FAR_AWAY")
    # the 10 surgeries outside Rutland beyond its road extract (1.1 to 4.4 km from it) are left out too
    assert "11 places left out: more than 1,000 m from the drive network" in feedback.text
    assert "10 facilities lie more than 1,000 m from the drive network and are left out" in feedback.text
    assert "3 facilities lie more than 500 m" in feedback.text and "2 areas lie more than 500 m" in feedback.text
    assert "1 area lies more than 1,000 m from the drive network and is left out of the results" in feedback.text
    # the capacity reached is shared among the placed areas only, as without the far one
    weighted = sum(f["usual_residents_2011"] * f["access_score"] for c, f in by_code.items() if c != "FAR_AWAY")
    assert weighted == pytest.approx(
        open_layer(Path(rutland_gps.split("|")[0]), "gps").featureCount() - result["FACILITIES_UNREACHED"], rel=1e-9
    )


def test_cottesmore_reaches_a_surgery_once_placed_on_the_main_network(
    lis_plugin: object, shared_data: Path, rutland_gps: str, tmp_path: Path
) -> None:
    centroids = shared_data / "rutland" / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson"
    result, feedback = run(_rutland_parameters(shared_data, rutland_gps, str(centroids), tmp_path / "scores.gpkg"))
    path, name = result["OUTPUT"].split("|layername=")
    by_code = {f["LSOA11CD"]: f for f in open_layer(Path(path), name).getFeatures()}
    cottesmore = by_code["E01013805"]
    assert cottesmore["facilities_reached"] >= 1 and cottesmore["access_score"] > 0
    assert "2 areas would have snapped to road pieces cut off from the main drive network" in feedback.text
