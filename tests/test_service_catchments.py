"""lis:servicecatchments on Rutland's real roads, GP surgeries and population, checked against QGIS's service areas."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor, QImage

from lis_qgis_plugin.core.access.service_catchments import CatchmentOutcome, ServiceCatchmentError, service_catchments
from lis_qgis_plugin.core.common.errors import CancelledError
from lis_qgis_plugin.core.network.network_search import costs_from
from lis_qgis_plugin.core.network.road_network import TravelMode
from lis_qgis_plugin.layouts.map_image import render_map_png

from .support import LogFeedback, open_layer, point_layer, qgis_copy, saved

GP_FILTER = "\"category\" = 'gp_surgery' AND \"in_la\" = 'True'"
FILL = QColor(228, 26, 28)


@pytest.fixture(scope="module")
def rutland(shared_data: Path) -> Path:
    return shared_data / "rutland"


@pytest.fixture(scope="module")
def gp_table(rutland: Path) -> Path:
    return rutland / "services" / "rutland_nhs_services_nhschoices_2014.csv"


@pytest.fixture(scope="module")
def network_run(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CatchmentOutcome, float]:
    """10-minute-band drive catchments of Rutland's GP surgeries (overlapping), with assignment and coverage."""
    folder = tmp_path_factory.mktemp("catchments")
    demand = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    started = time.perf_counter()
    outcome = service_catchments(
        gp_table,
        highways,
        str(folder / "catchments.gpkg"),
        assignment_output=str(folder / "assignment.gpkg"),
        coverage_output=str(folder / "coverage.gpkg"),
        facility_filter=GP_FILTER,
        facility_id_field="organisation_id",
        bands="5,10,15",
        demand=demand,
        population_field="usual_residents_2011",
        deprivation_field="imd_decile",
        cache_dir=folder / "cache",
        feedback=QgsProcessingFeedback(),
    )
    return outcome, time.perf_counter() - started


def test_ten_minute_nodes_match_qgis_service_area(
    lis_plugin: object, network_run: tuple[CatchmentOutcome, float], highways: str, tmp_path: Path
) -> None:
    import processing

    outcome, _ = network_run
    graph, nodes = outcome.graph, outcome.facility_nodes
    assert graph is not None and nodes is not None
    base = graph.node_count - int(graph.info.get("snapped_nodes", 0))
    index = 0
    reach = outcome.reaches[index]
    ours = {tuple(np.round(graph.node_xy[n], 1)) for n in reach.nodes[reach.costs <= 600] if n < base}
    # QGIS searches outward from the start point: swap the one-way directions to get travel TO the surgery
    roads = saved(qgis_copy(highways, TravelMode()), tmp_path / "roads.gpkg")
    start = saved(point_layer(graph.node_xy[[nodes[index]]]), tmp_path / "start.gpkg")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    processing.run(
        "native:serviceareafromlayer",
        {
            "INPUT": roads,
            "STRATEGY": 1,
            "DIRECTION_FIELD": "dir",
            "VALUE_FORWARD": "B",
            "VALUE_BACKWARD": "F",
            "VALUE_BOTH": "T",
            "DEFAULT_DIRECTION": 2,
            "SPEED_FIELD": "speed",
            "DEFAULT_SPEED": 50,
            "TOLERANCE": 0,
            "START_POINTS": start,
            "TRAVEL_COST2": 600 / 3600,  # hours for the fastest route
            "INCLUDE_BOUNDS": False,
            "OUTPUT_LINES": str(tmp_path / "lines.gpkg"),
        },
        context=context,
        feedback=QgsProcessingFeedback(),
    )
    lines = QgsVectorLayer(str(tmp_path / "lines.gpkg"), "lines", "ogr")
    node_keys = {tuple(xy) for xy in np.round(graph.node_xy[:base], 1)}
    theirs = set()
    for feature in lines.getFeatures():
        for vertex in feature.geometry().vertices():
            key = (round(vertex.x(), 1), round(vertex.y(), 1))
            if key in node_keys:
                theirs.add(key)
    assert len(ours) > 500
    assert len(ours ^ theirs) <= 0.01 * len(ours), (len(ours), len(theirs), len(ours - theirs), len(theirs - ours))


def test_assignment_is_the_nearest_facility(network_run: tuple[CatchmentOutcome, float]) -> None:
    outcome, elapsed = network_run
    graph, nodes, demand_nodes = outcome.graph, outcome.facility_nodes, outcome.demand_nodes
    each = np.vstack([costs_from(graph, int(n), reverse=True)[demand_nodes] for n in nodes]) / 60
    best = each.min(axis=0)
    for point, (name, cost) in enumerate(zip(outcome.assigned, outcome.cost)):
        if not np.isfinite(best[point]):
            assert name is None and not np.isfinite(cost)
            continue
        assert cost == pytest.approx(best[point], rel=1e-9)
        assert each[outcome.facility_ids.index(name), point] == pytest.approx(best[point], rel=1e-9)
    assert sum(name is not None for name in outcome.assigned) >= 21
    assert elapsed < 30


def test_coverage_adds_up(network_run: tuple[CatchmentOutcome, float], demand_gpkg: str) -> None:
    outcome, _ = network_run
    total = sum(f["usual_residents_2011"] for f in QgsVectorLayer(demand_gpkg, "d", "ogr").getFeatures())
    layer = QgsVectorLayer(outcome.coverage_uri, "coverage", "ogr")
    rows = {f["facility_id"]: f for f in layer.getFeatures()}
    overall = rows.pop("All facilities")
    assert overall["population"] == pytest.approx(total)
    unreached = sum(p for p, name in zip(outcome.population, outcome.assigned) if name is None)
    assert sum(r["population"] for r in rows.values()) + unreached == pytest.approx(total)
    previous = 0.0
    for band in ("5min", "10min", "15min"):
        within = overall[f"within_{band}"]
        assert previous <= within <= total
        assert overall[f"pct_{band}"] == pytest.approx(100 * within / total)
        assert sum(r[f"within_{band}"] for r in rows.values()) == pytest.approx(within)
        assert overall[f"deprived_beyond_{band}"] >= 0
        previous = within
    assignment = QgsVectorLayer(outcome.assignment_uri, "assignment", "ogr")
    assert assignment.featureCount() == 23
    assert all(f["snap_distance_m"] is not None for f in assignment.getFeatures())


def test_catchments_render(network_run: tuple[CatchmentOutcome, float], tmp_path: Path) -> None:
    outcome, _ = network_run
    layer = QgsVectorLayer(outcome.catchments_uri, "catchments", "ogr")
    assert layer.isValid() and layer.featureCount() == 3 * len(outcome.facility_ids)
    layer.setSubsetString('"band" = 10')
    symbol = QgsFillSymbol.createSimple({"color": FILL.name(), "outline_color": "black", "outline_width": "0.2"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    path = render_map_png([layer], tmp_path / "catchments.png", QgsRectangle(layer.extent()), 600)
    shutil.copy(path, Path("/tmp/lis_service_catchments_rutland.png"))
    image = QImage(str(path))
    assert not image.isNull() and image.width() == 600
    filled = sum(
        QColor(image.pixel(x, y)) == FILL for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    )
    assert filled > 0.03 * (image.width() // 5) * (image.height() // 5)  # road corridors 100 m either side


def test_buffer_and_voronoi_polygons(gp_table: Path, rutland: Path, demand_gpkg: str, tmp_path: Path) -> None:
    areas = QgsVectorLayer(str(rutland / "boundaries" / "rutland_lsoa11.geojson"), "lsoa", "ogr")
    common = {
        "facility_filter": GP_FILTER,
        "facility_id_field": "organisation_id",
        "cost": "distance",
        "areas": areas,
        "demand": QgsVectorLayer(demand_gpkg, "demand", "ogr"),
        "population_field": "usual_residents_2011",
        "coverage_output": None,
    }
    voronoi = service_catchments(gp_table, None, str(tmp_path / "v.gpkg"), method="voronoi", bands="2000", **common)
    cells = QgsVectorLayer(voronoi.catchments_uri, "v", "ogr")
    study = open_layer(tmp_path / "v.gpkg", "catchments")
    assert study.featureCount() == cells.featureCount() > 5
    from lis_qgis_plugin.core.access.service_catchments import study_area

    area = study_area(areas, "EPSG:27700").area()
    assert sum(f.geometry().area() for f in cells.getFeatures()) == pytest.approx(area, rel=0.005)
    assert sum(f["population"] for f in cells.getFeatures()) == pytest.approx(sum(voronoi.population))
    buffers = service_catchments(gp_table, None, str(tmp_path / "b.gpkg"), method="buffer", bands="1000,2000", **common)
    layer = QgsVectorLayer(buffers.catchments_uri, "b", "ogr")
    areas_by_band = {1000.0: [], 2000.0: []}
    for feature in layer.getFeatures():
        areas_by_band[feature["band"]].append(feature.geometry().area())
    assert np.allclose(areas_by_band[2000.0], np.pi * 2000**2, rtol=0.01)
    assert np.allclose(areas_by_band[1000.0], np.pi * 1000**2, rtol=0.01)


def _run(params: dict[str, object]) -> dict:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run("lis:servicecatchments", params, context=context, feedback=LogFeedback())


def test_bad_inputs_have_clear_messages(
    lis_plugin: object, gp_table: Path, highways: str, rutland: Path, tmp_path: Path
) -> None:
    before = {p: p.stat().st_mtime_ns for p in (gp_table, rutland / "network" / "rutland_osm_highways.gpkg")}
    base = {"FACILITIES_TABLE": str(gp_table), "NETWORK_FILE": highways, "CATCHMENTS": str(tmp_path / "c.gpkg")}
    with pytest.raises(QgsProcessingException, match="unique"):
        _run({**base, "FACILITY_FILTER": GP_FILTER, "FACILITY_ID_FIELD": "ods_code"})
    with pytest.raises(QgsProcessingException, match="no features"):
        _run({**base, "FACILITY_FILTER": "\"category\" = 'nothing'"})
    footway = QgsVectorLayer("LineString?crs=EPSG:27700&field=highway:string", "paths", "memory")
    feature = QgsFeature(footway.fields())
    feature.setGeometry(QgsGeometry.fromWkt("LineString(485000 308000, 486000 308500)"))
    feature.setAttributes(["footway"])
    footway.dataProvider().addFeatures([feature])
    paths = saved(footway, tmp_path / "paths.gpkg")
    with pytest.raises(QgsProcessingException, match="can be used for drive"):
        _run({**base, "FACILITY_FILTER": GP_FILTER, "NETWORK_FILE": paths})
    with pytest.raises(QgsProcessingException, match="distance"):
        _run({**base, "FACILITY_FILTER": GP_FILTER, "METHOD": 1})
    with pytest.raises(ServiceCatchmentError, match="at least 1 metre"):
        service_catchments(gp_table, highways, str(tmp_path / "c.gpkg"), facility_filter=GP_FILTER, buffer_m=0)
    assert not (tmp_path / "c.gpkg").exists()
    assert before == {p: p.stat().st_mtime_ns for p in before}


def test_the_users_road_speeds_reach_the_tool(
    lis_plugin: object, gp_table: Path, highways: str, tmp_path: Path
) -> None:
    """Speeds set in Settings > Options > LIS are read by the algorithm and passed to the core: slower roads,
    smaller 10-minute catchments (the same run at the default speeds is the yardstick)."""
    from lis_qgis_plugin import settings

    def catchment_area(name: str) -> float:
        result = _run(
            {"FACILITIES_TABLE": str(gp_table), "FACILITY_FILTER": GP_FILTER, "NETWORK_FILE": highways,
             "BANDS": "10", "CATCHMENTS": str(tmp_path / f"{name}.gpkg")}
        )  # fmt: skip
        return sum(f.geometry().area() for f in QgsVectorLayer(result["CATCHMENTS"], name, "ogr").getFeatures())

    settings.set_cache_dir(tmp_path / "graphs")
    try:
        default_area = catchment_area("default")
        settings.set_speeds_kph({kind: speed / 3 for kind, speed in settings.default_speeds_kph().items()})
        slow_area = catchment_area("slow")
    finally:
        settings.set_speeds_kph(None)
        settings.set_cache_dir(None)
    assert 0 < slow_area < 0.7 * default_area
    assert len(list((tmp_path / "graphs").iterdir())) >= 2  # one cached graph per set of speeds


def test_processing_run_on_the_sample_district(lis_plugin: object, sample_gpkg: Path, tmp_path: Path) -> None:
    """10-minute drive catchments of the sample district's 12 GP surgeries, as the demo runs them."""
    result = _run(
        {
            "FACILITIES": f"{sample_gpkg}|layername=services",
            "FACILITY_FILTER": "\"service_type\" = 'gp_surgery'",
            "NETWORK": f"{sample_gpkg}|layername=roads",
            "SPEED_FIELD": "speed_kph",
            "BANDS": "10",
            "AREAS": f"{sample_gpkg}|layername=small_areas",
            "DEMAND_POINTS": f"{sample_gpkg}|layername=popweighted_centroids",
            "POPULATION_FIELD": "pop_total",
            "DEPRIVATION_FIELD": "imd_decile",
            "CATCHMENTS": str(tmp_path / "catchments.gpkg"),
            "ASSIGNMENT": str(tmp_path / "assignment.gpkg"),
            "COVERAGE": str(tmp_path / "coverage.gpkg"),
        }
    )
    catchments = QgsVectorLayer(result["CATCHMENTS"], "c", "ogr")
    assert catchments.featureCount() == 12
    coverage = {f["facility_id"]: f for f in QgsVectorLayer(result["COVERAGE"], "v", "ogr").getFeatures()}
    overall = coverage["All facilities"]
    assert 0 < overall["within_10min"] <= overall["population"]


def test_osm_pbf_network_gives_the_same_coverage(
    network_run: tuple[CatchmentOutcome, float], gp_table: Path, rutland: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    outcome, _ = network_run
    from_pbf = service_catchments(
        gp_table,
        rutland / "network" / "rutland-latest.osm.pbf",
        str(tmp_path / "pbf.gpkg"),
        facility_filter=GP_FILTER,
        facility_id_field="organisation_id",
        bands="10",
        overlap="nearest",
        demand=QgsVectorLayer(demand_gpkg, "demand", "ogr"),
        population_field="usual_residents_2011",
        cache_dir=tmp_path / "cache",
    )
    assert not from_pbf.from_cache and any("built and cached" in line.text for line in from_pbf.log)
    assert from_pbf.coverage[-1].within[0] == pytest.approx(outcome.coverage[-1].within[1], rel=0.02)


class CancelWhileDrawing(QgsProcessingFeedback):
    """Cancels once the run reports progress past the searches, as a user pressing Cancel would."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at
        self.seen: list[float] = []
        self.progressChanged.connect(self._check)

    def _check(self, value: float) -> None:
        self.seen.append(value)
        if value >= self.at:
            self.cancel()


@pytest.mark.parametrize("overlap", ["overlapping", "nearest"])
def test_cancel_while_drawing_writes_nothing(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path, overlap: str
) -> None:
    feedback = CancelWhileDrawing(at=56)
    outputs = [tmp_path / name for name in ("c.gpkg", "a.gpkg", "v.gpkg")]
    with pytest.raises(CancelledError):
        service_catchments(
            gp_table,
            highways,
            str(outputs[0]),
            assignment_output=str(outputs[1]),
            coverage_output=str(outputs[2]),
            facility_filter=GP_FILTER,
            facility_id_field="organisation_id",
            bands="5,10,15",
            overlap=overlap,
            demand=QgsVectorLayer(demand_gpkg, "demand", "ogr"),
            population_field="usual_residents_2011",
            cache_dir=tmp_path / "cache",
            feedback=feedback,
        )
    assert feedback.seen and max(feedback.seen) < 90  # stopped while drawing, not at the end
    assert not any(path.exists() for path in outputs)


def test_catchments_open_with_a_band_style(network_run: tuple[CatchmentOutcome, float]) -> None:
    """The GeoPackage carries a default style: one see-through colour per band, shortest band darkest."""
    outcome, _ = network_run
    layer = QgsVectorLayer(outcome.catchments_uri, "catchments", "ogr")  # the stored default style loads itself
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "band"
    assert [c.label() for c in renderer.categories()] == ["within 5 min", "within 10 min", "within 15 min"]
    fills = [c.symbol().color() for c in renderer.categories()]
    assert all(0 < colour.alpha() < 255 for colour in fills)
    assert fills[0].lightness() < fills[1].lightness() < fills[2].lightness()
