"""service_catchments on Rutland's roads and GP surgeries (against QGIS's service areas), and its stages one by one."""

from __future__ import annotations

import math
import multiprocessing
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsSpatialIndex,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from lis_qgis_plugin.core.access import catchment_workers
from lis_qgis_plugin.core.access.catchment_style import style_catchments
from lis_qgis_plugin.core.access.service_catchments import (
    CatchmentInputs,
    CatchmentOptions,
    CatchmentOutcome,
    ServiceCatchmentError,
    check_options,
    draw,
    prepare_inputs,
    read_catchment_demand,
    route,
    service_catchments,
    study_area,
    tabulate,
    write_catchments,
)
from lis_qgis_plugin.core.common.errors import CancelledError
from lis_qgis_plugin.core.io.table_files import TableError
from lis_qgis_plugin.core.network.network_search import costs_from
from lis_qgis_plugin.core.network.road_network import NetworkError, TravelMode
from lis_qgis_plugin.core.sample.sample_files import SampleFiles
from lis_qgis_plugin.layouts.map_image import render_map_png

from ..support import RUTLAND_GP_FILTER, memory_points, open_layer, point_layer, qgis_copy, saved, write_gpkg_layer

FILL = QColor(228, 26, 28)


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
        facility_filter=RUTLAND_GP_FILTER,
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
    layer.setOpacity(1.0)  # the stored style's 60% opacity would tint FILL; this test counts the shapes' pixels
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
        "facility_filter": RUTLAND_GP_FILTER,
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


def test_osm_pbf_network_gives_the_same_coverage(
    network_run: tuple[CatchmentOutcome, float], gp_table: Path, rutland: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    outcome, _ = network_run
    from_pbf = service_catchments(
        gp_table,
        rutland / "network" / "rutland-latest.osm.pbf",
        str(tmp_path / "pbf.gpkg"),
        facility_filter=RUTLAND_GP_FILTER,
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
            facility_filter=RUTLAND_GP_FILTER,
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
    """The GeoPackage carries a default style: one colour per band, shortest band darkest, see-through as a layer."""
    outcome, _ = network_run
    layer = QgsVectorLayer(outcome.catchments_uri, "catchments", "ogr")  # the stored default style loads itself
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "band"
    assert [c.label() for c in renderer.categories()] == ["within 5 min", "within 10 min", "within 15 min"]
    fills = [c.symbol().color() for c in renderer.categories()]
    assert all(colour.alpha() == 255 for colour in fills)  # opaque within the layer, blended by darken
    assert fills[0].lightness() < fills[1].lightness() < fills[2].lightness()
    assert layer.featureBlendMode() == QPainter.CompositionMode.CompositionMode_Darken
    assert 0.3 <= layer.opacity() <= 0.8
    # each surgery named once, on its shortest band, by the table's name column
    assert layer.labelsEnabled() and 'minimum("band"' in layer.labeling().settings().fieldName
    assert {f["facility_name"] for f in layer.getFeatures()} >= {"Dr D A J Ker & Partners", "Ketton Surgery"}


def test_overlapping_catchments_of_one_band_do_not_darken_the_map(tmp_path: Path) -> None:
    """Two facilities' 10-minute areas overlapping show the 10-minute colour, not a darker mass; a 5-minute
    area inside them is darker; white map around. Rendered to pixels, as a person sees it."""
    square = QgsGeometry.fromRect
    fields = [("facility_id", QMetaType.Type.QString), ("facility_name", QMetaType.Type.QString)]
    fields.append(("band", QMetaType.Type.Double))
    uri = write_gpkg_layer(
        tmp_path / "c.gpkg",
        "catchments",
        Qgis.WkbType.Polygon,
        fields,
        [
            (square(QgsRectangle(0, 0, 600, 400)), ["A", "A", 10.0]),
            (square(QgsRectangle(400, 0, 1000, 400)), ["B", "B", 10.0]),
            (square(QgsRectangle(700, 150, 800, 250)), ["B", "B", 5.0]),
        ],
    )
    style_catchments(uri, [10.0, 10.0, 5.0], "min")
    layer = QgsVectorLayer(uri, "c", "ogr")
    layer.setLabelsEnabled(False)
    png = render_map_png([layer], tmp_path / "c.png", QgsRectangle(0, 0, 1000, 400), width_px=500)
    image = QImage(str(png))

    def pixel(x: float, y: float) -> QColor:  # map metres -> pixels (the extent is widened by 5%)
        scale = image.width() / 1050
        return image.pixelColor(round((x + 25) * scale), round((410 - y) * scale))

    only_a, both, inner = pixel(200, 300), pixel(500, 300), pixel(750, 200)
    assert (only_a.red(), only_a.green(), only_a.blue()) == (both.red(), both.green(), both.blue())
    assert inner.lightness() < only_a.lightness() < 250  # the shorter band darker; the band is visible
    assert pixel(500, 408).lightness() >= 250 and pixel(-20, 200).lightness() >= 250  # white around the areas


# --- the stages one by one, on the sample district the core generator writes -----------------------------------

SAMPLE_GPS = "\"service_type\" = 'gp_surgery'"


@pytest.fixture()
def sample_layers(sample_files: SampleFiles) -> dict[str, QgsVectorLayer]:
    """The sample's layers, opened for one test (layers kept for a whole module crash QGIS when they are freed)."""
    names = ("services", "roads", "small_areas", "popweighted_centroids")
    return {name: open_layer(sample_files.geopackage, name) for name in names}


@pytest.fixture(scope="module")
def sample_roads(sample_files: SampleFiles) -> str:
    return f"{sample_files.geopackage}|layername=roads"


def sample_options(folder: Path, **choices: object) -> CatchmentOptions:
    """The sample's 12 GP surgeries, 3- and 10-minute drives at its speeds, residents and deciles (as the demo asks)."""
    settings: dict[str, object] = {
        "facility_filter": SAMPLE_GPS,
        "speed_field": "speed_kph",
        "bands": "3,10",
        "population_field": "pop_total",
        "deprivation_field": "imd_decile",
        "cache_dir": folder,
        **choices,
    }
    return CatchmentOptions(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample_inputs(
    sample_files: SampleFiles, sample_roads: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CatchmentInputs, CatchmentOptions, list]:
    """The sample's GP surgeries, roads, centroids and small areas read once by prepare_inputs."""
    options = sample_options(tmp_path_factory.mktemp("graphs"))
    log: list = []
    layers = {
        name: open_layer(sample_files.geopackage, name) for name in ("services", "small_areas", "popweighted_centroids")
    }
    inputs = prepare_inputs(
        layers["services"], sample_roads, layers["small_areas"], layers["popweighted_centroids"], options, log
    )
    return inputs, options, log


@pytest.mark.parametrize(
    ("choices", "network", "areas", "message"),
    [
        ({"method": "isochrone"}, "roads", None, "Method must be one of network, buffer, voronoi"),
        ({"overlap": "both"}, "roads", None, "Overlap must be one of overlapping, nearest"),
        ({"bands": "5,ten"}, "roads", None, "Bands must be numbers separated by commas"),
        ({"method": "buffer"}, None, None, "The buffer method measures straight-line distance"),
        ({}, None, None, "The network method needs a road network"),
        ({"method": "voronoi", "cost": "distance"}, None, None, "Voronoi catchments need the small areas"),
        ({"buffer_m": 0.5}, "roads", None, "at least 1 metre, not 0.5"),
    ],
)
def test_check_options_refuses_choices_that_cannot_work_together(
    choices: dict[str, object], network: str | None, areas: None, message: str
) -> None:
    with pytest.raises(ServiceCatchmentError, match=message):
        check_options(CatchmentOptions(**choices), network, areas)  # type: ignore[arg-type]


def test_check_options_accepts_a_sound_run_and_leaves_the_mode_to_travel_mode() -> None:
    check_options(CatchmentOptions(method="buffer", cost="distance", bands="800, 1600"), None, None)
    with pytest.raises(NetworkError, match="Travel mode must be 'drive' or 'walk'"):
        check_options(CatchmentOptions(mode="cycle"), "roads", None)
    assert CatchmentOptions(bands="15;5,10,5").limits == [5.0, 10.0, 15.0]
    assert CatchmentOptions(cost="distance").unit == "m" and CatchmentOptions().per_unit == 60.0


def test_prepare_inputs_reads_the_graph_facilities_demand_and_study_area_once(
    sample_inputs: tuple[CatchmentInputs, CatchmentOptions, list], sample_layers: dict[str, QgsVectorLayer]
) -> None:
    inputs, _, log = sample_inputs
    centroids, areas = sample_layers["popweighted_centroids"], sample_layers["small_areas"]
    assert inputs.graph is not None and not inputs.from_cache and inputs.crs_authid == inputs.graph.crs_authid
    assert len(inputs.facilities.ids) == 12 and inputs.facilities.capacity_type is str  # no capacity field: empty
    demand = inputs.demand
    assert demand is not None and len(demand.fids) == centroids.featureCount() == 150
    assert demand.population.sum() == pytest.approx(sum(f["pop_total"] for f in centroids.getFeatures()))
    # the centroids carry no decile: each takes the decile of the small area around it
    decile_of = {f["lsoa_code"]: f["imd_decile"] for f in areas.getFeatures()}
    assert demand.decile == [decile_of[code] for code in demand.codes]
    assert inputs.study_area is not None
    assert inputs.study_area.area() == pytest.approx(sum(f.geometry().area() for f in areas.getFeatures()), rel=1e-6)
    texts = [line.text for line in log]
    assert texts[0].endswith("(built and cached)") and texts[1] == "12 facilities; bands 3, 10 min."
    assert texts[2].startswith("Demand: 150 points of 'popweighted_centroids', population ")


def test_read_catchment_demand_counts_null_populations_as_zero_and_leaves_out_points_without_a_place() -> None:
    rows = [(480000.0, 300000.0, ["A1", 100.0]), (481000.0, 300000.0, ["A2", None]), (482000.0, 300000.0, ["", 50.0])]
    layer = memory_points("field=area_cd:string&field=pop:double", rows, "villages")
    log: list = []
    demand = read_catchment_demand(layer, "EPSG:27700", CatchmentOptions(population_field="POP"), None, log)
    assert demand.population.tolist() == [100.0, 0.0, 50.0] and demand.weight.tolist() == [100.0, 0.0, 50.0]
    assert demand.codes == ["A1", "A2", ""] and demand.decile is None and demand.geometry_type == "Point"
    assert [(line.text, line.warning) for line in log] == [
        ("1 demand point have no population in 'POP': counted as 0.", True)
    ]
    nameless = memory_points("field=pop:double", [(480000.0, 300000.0, [7.0]), (481000.0, 300000.0, [3.0])])
    nameless.dataProvider().changeGeometryValues({2: QgsGeometry()})
    everyone = read_catchment_demand(nameless, "EPSG:27700", CatchmentOptions(), None, [])
    assert everyone.codes == ["1"] and everyone.population.tolist() == [1.0]  # no population field: everyone counts 1
    with pytest.raises(TableError, match="POPULATION_FIELD: field 'area_cd' of layer 'villages' is .*, not numbers"):
        read_catchment_demand(layer, "EPSG:27700", CatchmentOptions(population_field="area_cd"), None, [])


def test_route_gives_every_demand_point_its_nearest_facility_on_the_roads(
    sample_inputs: tuple[CatchmentInputs, CatchmentOptions, list],
) -> None:
    inputs, options, _ = sample_inputs
    log: list = []
    routing = route(inputs, options, log)
    assert routing.graph is not None and routing.facility_nodes is not None and routing.demand_nodes is not None
    each = np.vstack(
        [costs_from(routing.graph, int(node), reverse=True)[routing.demand_nodes] for node in routing.facility_nodes]
    )
    reachable = np.isfinite(each).any(axis=0)
    assert reachable.all()
    assert np.allclose(routing.cost, each.min(axis=0) / 60, rtol=1e-9)
    assert (each[routing.facility, np.arange(len(routing.cost))] == each.min(axis=0)).all()
    assert (routing.snap_m >= 0).all() and all(line.warning for line in log)


def test_route_in_a_straight_line_is_the_nearest_facility_as_the_crow_flies(
    sample_inputs: tuple[CatchmentInputs, CatchmentOptions, list],
) -> None:
    inputs, _, _ = sample_inputs
    options = CatchmentOptions(method="buffer", cost="distance", bands="1000")
    routing = route(inputs, options, [])
    assert inputs.demand is not None
    distance = np.hypot(*(inputs.demand.xy[:, None, :] - inputs.facilities.xy[None, :, :]).transpose(2, 0, 1))
    assert np.allclose(routing.cost, distance.min(axis=1)) and (routing.facility == distance.argmin(axis=1)).all()
    assert routing.graph is None and np.isnan(routing.snap_m).all()


def test_draw_counts_the_people_within_each_band(sample_inputs: tuple[CatchmentInputs, CatchmentOptions, list]) -> None:
    inputs, options, _ = sample_inputs
    assert inputs.demand is not None
    people = inputs.demand.population
    routing = route(inputs, options, [])
    overlapping = draw(inputs, routing, options, [])
    assert len(overlapping.rows) == len(overlapping.wkb) == 2 * 12 and len(overlapping.reaches) == 12
    assert {row["method"] for row in overlapping.rows} == {"network drive time"}
    nearest = draw(inputs, routing, replace(options, overlap="nearest"), [])
    for band in (3.0, 10.0):
        within = [row["population"] for row in nearest.rows if row["band"] == band]
        assert sum(within) == pytest.approx(people[routing.cost <= band].sum())  # each person counted once
        most = max(row["population"] for row in overlapping.rows if row["band"] == band)
        assert most >= max(within)  # a facility's own catchment holds at least its nearest-facility share
    buffers = draw(inputs, routing, CatchmentOptions(method="buffer", cost="distance", bands="1000"), [])
    first = inputs.facilities.xy[0]
    near_first = np.hypot(*(inputs.demand.xy - first).T) <= 1000
    assert buffers.rows[0]["population"] == pytest.approx(people[near_first].sum())
    assert buffers.rows[0]["band_unit"] == "m" and buffers.rows[0]["method"] == "buffer"


def test_tabulate_and_write_give_the_assignment_coverage_and_styled_catchments(
    sample_inputs: tuple[CatchmentInputs, CatchmentOptions, list], tmp_path: Path
) -> None:
    inputs, options, _ = sample_inputs
    routing = route(inputs, options, [])
    drawn = draw(inputs, routing, options, [])
    outcome = CatchmentOutcome("", None, None, inputs.facilities.ids, options.limits, options.unit)
    gpkg = str(tmp_path / "out.gpkg")
    destinations = (f"{gpkg}|layername=catchments", f"{gpkg}|layername=assignment", f"{gpkg}|layername=coverage")
    outputs = tabulate(inputs, routing, options, drawn, outcome, destinations)
    assert [table.name for _, table in outputs] == ["catchments", "assignment", "coverage"]
    assert len(outcome.assigned) == 150 and outcome.coverage[-1].facility == "All facilities"
    assert outcome.coverage[-1].population == pytest.approx(float(inputs.demand.population.sum()))
    assert [line.text.split(":")[0] for line in outcome.log if line.text.startswith("Within")] == [
        "Within 3 min",
        "Within 10 min",
    ]
    write_catchments(outputs, inputs.crs_authid, drawn, outcome)
    assert (outcome.catchments_uri, outcome.assignment_uri, outcome.coverage_uri) == destinations
    assert open_layer(tmp_path / "out.gpkg", "assignment").featureCount() == 150
    assert open_layer(tmp_path / "out.gpkg", "catchments").renderer().type() == "categorizedSymbol"
    assert outcome.log[-1].text == "Wrote 24 catchment polygons."
    nobody = CatchmentInputs(inputs.facilities, None, None, inputs.crs_authid)
    alone = CatchmentOutcome("", None, None, inputs.facilities.ids, [1000.0], "m")
    buffer = CatchmentOptions(method="buffer", cost="distance", bands="1000")
    circles = draw(nobody, route(nobody, buffer, []), buffer, [])
    assert [row["population"] for row in circles.rows] == [None] * 12
    only = tabulate(nobody, route(nobody, buffer, []), buffer, circles, alone, ("c.gpkg", "a.gpkg", None))
    assert len(only) == 1 and alone.log[-1].warning and "no assignment or coverage table" in alone.log[-1].text


# --- issue 16: the connected network, places too far from it, population found --------------------------------

COTTESMORE = "E01013805"  # its population-weighted centroid is nearest to a road piece cut off from the network


def _gp_run(highways: str, gp_table: Path, demand_gpkg: str, folder: Path, **changes: object) -> CatchmentOutcome:
    """10- and 20-minute drive catchments of Rutland's GP surgeries with the LSOA centroids as demand."""
    arguments: dict[str, object] = {
        "assignment_output": str(folder / "assignment.gpkg"),
        "coverage_output": str(folder / "coverage.gpkg"),
        "facility_filter": RUTLAND_GP_FILTER,
        "facility_id_field": "organisation_id",
        "bands": "10,20",
        "demand": QgsVectorLayer(demand_gpkg, "demand", "ogr"),
        "population_field": "usual_residents_2011",
        "cache_dir": folder.parent / "graph_cache",
        **changes,
    }
    return service_catchments(gp_table, highways, str(folder / "catchments.gpkg"), **arguments)  # type: ignore[arg-type]


def _overall(outcome: CatchmentOutcome) -> object:
    return next(row for row in outcome.coverage if row.facility == "All facilities")


def test_cottesmore_reaches_its_surgery_on_the_main_network_as_qgis_routes_it(
    lis_plugin: object, highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    import processing

    old = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "old", snap_to_main=False)
    new = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "new")
    codes = [str(f["LSOA11CD"]) for f in QgsVectorLayer(demand_gpkg, "d", "ogr").getFeatures()]
    here = codes.index(COTTESMORE)
    # the fault: snapped to the fragment, its 1,336 residents reach nothing and 10 and 20 minutes cover alike
    assert old.assigned[here] is None and old.population[here] == 1336
    assert _overall(old).share[0] == pytest.approx(_overall(old).share[1])  # type: ignore[attr-defined]
    assert 100 * _overall(old).share[0] == pytest.approx(96.4, abs=0.05)  # type: ignore[attr-defined]
    # on the main network it reaches a surgery in under 10 minutes: everyone is within 10 (so within 20) minutes
    assert new.assigned[here] is not None and 5 < new.cost[here] < 10
    assert list(_overall(new).within) == [37_369, 37_369]  # type: ignore[attr-defined]
    assert old.assigned[:here] + old.assigned[here + 1 :] == new.assigned[:here] + new.assigned[here + 1 :]
    fragment = next(line for line in new.log if "cut off from the main drive network" in line.text)
    assert COTTESMORE in fragment.text and fragment.warning
    # QGIS's own shortest path between the two places on the main network gives the same time
    assert new.graph is not None and new.demand_nodes is not None and new.facility_nodes is not None
    start = new.graph.node_xy[new.demand_nodes[here]]
    end = new.graph.node_xy[new.facility_nodes[new.facility_ids.index(str(new.assigned[here]))]]
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = processing.run(
        "native:shortestpathpointtopoint",
        {
            "INPUT": saved(qgis_copy(highways, TravelMode()), tmp_path / "roads.gpkg"),
            "STRATEGY": 1,
            "DIRECTION_FIELD": "dir",
            "VALUE_FORWARD": "F",
            "VALUE_BACKWARD": "B",
            "VALUE_BOTH": "T",
            "DEFAULT_DIRECTION": 2,
            "SPEED_FIELD": "speed",
            "DEFAULT_SPEED": 50,
            "TOLERANCE": 0,
            "START_POINT": f"{start[0]},{start[1]} [EPSG:27700]",
            "END_POINT": f"{end[0]},{end[1]} [EPSG:27700]",
            "OUTPUT": str(tmp_path / "route.gpkg"),
        },
        context=context,
        feedback=QgsProcessingFeedback(),
    )
    assert new.cost[here] == pytest.approx(result["TRAVEL_COST"] * 60, rel=0.01)  # hours -> minutes


def test_places_beyond_the_maximum_snap_distance_are_left_out_and_listed(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    demand = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    to_grid = QgsCoordinateTransform(demand.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    layer = QgsVectorLayer("Point?crs=EPSG:27700&field=code:string&field=pop:double", "demand", "memory")
    features = []
    for source in demand.getFeatures():
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(to_grid.transform(source.geometry().asPoint())))
        feature.setAttributes([source["LSOA11CD"], source["usual_residents_2011"]])
        features.append(feature)
    far = QgsFeature(layer.fields())  # 30 km east of the easternmost road in the extract
    far.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(538_533.0, 303_107.0)))
    far.setAttributes(["FAR_AWAY", 5000.0])
    layer.dataProvider().addFeatures([*features, far])
    outcome = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "run", demand=layer, population_field="pop")
    assert outcome.placed == [True] * 23 + [False]
    assert outcome.assigned[-1] is None
    assert _overall(outcome).population == pytest.approx(sum(outcome.population[:-1]))  # type: ignore[attr-defined]
    assert [(row["kind"], row["label"]) for row in outcome.not_placed] == [("demand point", "FAR_AWAY")]
    assert 20_000 < outcome.not_placed[0]["snap_distance_m"] < 45_000
    texts = [line.text for line in outcome.log]
    assert "1 place left out: more than 1,000 m from the drive network (listed in the not_placed table)." in texts
    assert any("FAR_AWAY" in text and "left out of the results" in text for text in texts)
    assert outcome.not_placed_uri == f"{tmp_path / 'run' / 'catchments.gpkg'}|layername=not_placed"
    table = open_layer(tmp_path / "run" / "catchments.gpkg", "not_placed")
    assert [(f["kind"], f["label"]) for f in table.getFeatures()] == [("demand point", "FAR_AWAY")]
    statuses = [f["status"] for f in open_layer(tmp_path / "run" / "assignment.gpkg", "assignment").getFeatures()]
    assert statuses.count("placed") == 23 and statuses[-1].startswith("not placed")
    # a facility that far gets no catchment; when every facility is that far, the run is refused by name
    with pytest.raises(ServiceCatchmentError, match="Every facility lies more than 0.001 m from the drive network"):
        _gp_run(highways, gp_table, demand_gpkg, tmp_path / "tiny", max_snap_m=0.001)


def test_the_population_field_is_found_and_points_are_never_counted_as_people_silently(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    found = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "found", population_field=None)
    assert "Population: the field 'usual_residents_2011' of 'demand' (choose another in POPULATION_FIELD)." in [
        line.text for line in found.log
    ]
    assert _overall(found).population == pytest.approx(37_369)  # type: ignore[attr-defined]  # Rutland 2011
    codes_only = QgsVectorLayer(f"{demand_gpkg}|subset=", "demand", "ogr")
    bare = QgsVectorLayer("Point?crs=EPSG:4326&field=LSOA11CD:string", "bare", "memory")
    features = []
    for feature in codes_only.getFeatures():
        out = QgsFeature(bare.fields())
        out.setGeometry(feature.geometry())
        out.setAttributes([feature["LSOA11CD"]])
        features.append(out)
    bare.dataProvider().addFeatures(features)
    points = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "points", demand=bare, population_field=None)
    within = [line.text for line in points.log if line.text.startswith("Within")]
    assert within and all("points (not people: no population field)" in text for text in within)
    assert any("no population field" in line.text and line.warning for line in points.log)
    assert _overall(points).population == 23  # type: ignore[attr-defined]


# --- filled travel-time areas ------------------------------------------------------------------------------------


def _qgis_times_to_s(roads: QgsVectorLayer, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """QGIS's own fastest times (s) from each start to each end on our speeds and one-way rules: one search from
    each end on the roads with their directions swapped (as the service-area test above), so times are TO the end."""
    from qgis.analysis import QgsGraphAnalyzer, QgsGraphBuilder, QgsNetworkSpeedStrategy, QgsVectorLayerDirector

    fields = roads.fields()
    director = QgsVectorLayerDirector(
        roads, fields.indexOf("dir"), "B", "F", "T", QgsVectorLayerDirector.Direction.DirectionBoth
    )
    director.addStrategy(QgsNetworkSpeedStrategy(fields.indexOf("speed"), 50, 1000 / 3600))
    builder = QgsGraphBuilder(roads.crs(), False, 0, "NONE")
    tied = director.makeGraph(builder, [QgsPointXY(float(x), float(y)) for x, y in np.vstack([starts, ends])])
    graph = builder.graph()
    vertices = [graph.findVertex(point) for point in tied]
    times = np.full((len(starts), len(ends)), np.inf)
    for column, vertex in enumerate(vertices[len(starts) :]):
        _, costs = QgsGraphAnalyzer.dijkstra(graph, vertex, 0)
        times[:, column] = [costs[start] if costs[start] >= 0 else np.inf for start in vertices[: len(starts)]]
    return times


def _road_access(roads: QgsVectorLayer, xy: np.ndarray, within_m: float) -> tuple[np.ndarray, np.ndarray]:
    """For each place, the nearest point of every road within ``within_m``: (place index, access point) pairs."""
    index = QgsSpatialIndex(roads.getFeatures())
    owner, access = [], []
    for place, (x, y) in enumerate(xy):
        point = QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y)))
        box = QgsRectangle(x - within_m, y - within_m, x + within_m, y + within_m)
        for fid in index.intersects(box):
            nearest = roads.getFeature(fid).geometry().nearestPoint(point).asPoint()
            if math.hypot(nearest.x() - x, nearest.y() - y) <= within_m:
                owner.append(place)
                access.append((nearest.x(), nearest.y()))
    return np.array(owner), np.array(access)


def test_filled_areas_hold_exactly_the_centroids_qgis_routes_within_the_band(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    """The accuracy oracle: a centroid is inside a surgery's 10-minute area when QGIS's fastest route plus the walk
    to the road is within 10 minutes; at least 97% of pairs agree and every disagreement is within one cell's walk
    of the limit. The coverage is read from the same surface, so the table counts the centroids inside."""
    started = time.perf_counter()
    outcome = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "filled", method="filled", bands="10")
    took = time.perf_counter() - started
    graph, demand_nodes, facility_nodes = outcome.graph, outcome.demand_nodes, outcome.facility_nodes
    assert graph is not None and demand_nodes is not None and facility_nodes is not None
    demand = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    to_grid = QgsCoordinateTransform(demand.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    centroids = np.array(
        [[p.x(), p.y()] for p in (to_grid.transform(f.geometry().asPoint()) for f in demand.getFeatures())]
    )
    started = time.perf_counter()
    roads = QgsVectorLayer(saved(qgis_copy(highways, TravelMode()), tmp_path / "roads.gpkg"), "roads", "ogr")
    # the surface's own definition, computed by QGIS: walk to any road within 400 m, then QGIS's fastest route
    owner, access = _road_access(roads, centroids, 400)
    walk_min = np.hypot(*(centroids[owner] - access).T) / (4.8 * 1000 / 60)
    via = _qgis_times_to_s(roads, access, graph.node_xy[facility_nodes]) / 60 + walk_min[:, None]
    truth_min = np.full((len(centroids), len(facility_nodes)), np.inf)
    np.minimum.at(truth_min, owner, via)
    oracle_took = time.perf_counter() - started
    areas = {f["facility_id"]: f.geometry() for f in QgsVectorLayer(outcome.catchments_uri, "c", "ogr").getFeatures()}
    inside = np.array(
        [
            [
                areas[name].contains(QgsGeometry.fromPointXY(QgsPointXY(*xy))) if name in areas else False
                for name in outcome.facility_ids
            ]
            for xy in centroids
        ]
    )
    truth = truth_min <= 10
    agree = inside == truth
    cell_walk = 50 / (4.8 * 1000 / 60)
    share = agree.mean()
    near_limit = int((np.abs(truth_min - 10) <= 2).sum())
    print(
        f"oracle: {100 * share:.1f}% of {agree.size} pairs agree ({near_limit} within 2 min of the limit); "
        f"filled run {took:.1f} s, QGIS {oracle_took:.1f} s"
    )
    assert agree.size == 23 * len(outcome.facility_ids) >= 23 * 5
    assert share >= 0.97
    assert np.all(np.abs(truth_min[~agree] - 10) <= cell_walk), (truth_min[~agree], inside[~agree])
    assert truth.sum(axis=0).max() > 3 and near_limit >= 5  # surgeries serve several centroids; some are close calls
    # the coverage table counts the people of the centroids inside any 10-minute area
    people = np.array(outcome.population)
    assert _overall(outcome).within[0] == pytest.approx(people[inside.any(axis=1)].sum())  # type: ignore[attr-defined]
    assert any("valued at its cell" in line.text for line in outcome.log)


def test_filled_nearest_facility_areas_share_borders_and_hold_the_centroids_they_serve(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path
) -> None:
    """Nearest-facility filled areas from the same surface: no overlaps, each surgery named in facility_name and
    the labels, every centroid within 10 minutes inside its surgery's area; the map shows them (rendered to PNG)."""
    outcome = _gp_run(
        highways, gp_table, demand_gpkg, tmp_path / "nearest", method="filled", bands="10,20", overlap="nearest"
    )
    layer = QgsVectorLayer(outcome.catchments_uri, "filled", "ogr")
    rows = list(layer.getFeatures())
    assert {f["method"] for f in rows} == {"filled network drive time"}
    names = {f["facility_id"]: f["facility_name"] for f in rows}
    assert names["4732"] == "Dr D A J Ker & Partners"  # Oakham, from the table's name column
    ten = {f["facility_id"]: f.geometry() for f in rows if f["band"] == 10}
    assert len(ten) == len(outcome.facility_ids)
    shapes = list(ten.values())
    for i, first in enumerate(shapes):
        for second in shapes[i + 1 :]:
            assert first.intersection(second).area() < 1.0  # shared borders, never overlaps
    demand = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    to_grid = QgsCoordinateTransform(demand.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    points = [QgsGeometry.fromPointXY(to_grid.transform(f.geometry().asPoint())) for f in demand.getFeatures()]
    within = [i for i, cost in enumerate(outcome.cost) if cost <= 10]
    assert len(within) > 15
    assert all(ten[str(outcome.assigned[i])].contains(points[i]) for i in within)
    assert all(not any(shape.contains(points[i]) for shape in shapes) for i in range(len(points)) if i not in within)
    assert layer.labelsEnabled() and "facility_name" in layer.labeling().settings().fieldName
    path = render_map_png([layer], tmp_path / "filled.png", QgsRectangle(layer.extent()), 600)
    shutil.copy(path, Path("/tmp/lis_filled_catchments_rutland.png"))
    image = QImage(str(path))
    painted = sum(
        QColor(image.pixel(x, y)) != QColor("white")
        for x in range(0, image.width(), 5)
        for y in range(0, image.height(), 5)
    )
    assert painted > 0.3 * (image.width() // 5) * (image.height() // 5)  # areas, not road corridors


def test_cancel_while_filling_writes_nothing(highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path) -> None:
    feedback = CancelWhileDrawing(at=56)
    with pytest.raises(CancelledError):
        _gp_run(highways, gp_table, demand_gpkg, tmp_path / "run", method="filled", feedback=feedback)
    assert feedback.seen and max(feedback.seen) < 90
    assert not any(
        (tmp_path / "run" / name).exists() for name in ("catchments.gpkg", "assignment.gpkg", "coverage.gpkg")
    )


def test_filled_options_are_checked_before_anything_is_read() -> None:
    with pytest.raises(ServiceCatchmentError, match="at least 1 metre"):
        check_options(CatchmentOptions(method="filled", cell_m=0.5), "roads.gpkg", None)
    with pytest.raises(ServiceCatchmentError, match="0 metres or more"):
        check_options(CatchmentOptions(method="filled", max_off_network_m=-1), "roads.gpkg", None)
    with pytest.raises(ServiceCatchmentError, match="filled method needs a road network"):
        check_options(CatchmentOptions(method="filled"), None, None)
    check_options(CatchmentOptions(method="filled", cell_m=25, max_off_network_m=0), "roads.gpkg", None)


def test_worker_processes_draw_the_same_road_buffers_as_one_process(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searched and drawn in worker processes (Linux, two cores or more; from 2 facilities here, 16 normally) or
    here, one after another, Rutland's surgeries get the very same searches, polygons and people in each band."""
    monkeypatch.setattr(catchment_workers, "MIN_FACILITIES", 2)
    monkeypatch.setattr(catchment_workers, "BATCH", 2)  # three batches, taken in turn by two workers
    # Linux with two cores or more, as CI and every supported desktop: the forked path must be exercised
    assert catchment_workers.worker_count(6) >= 2, "this machine gives no two worker processes: nothing to compare"
    forked = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "forked")
    assert not multiprocessing.active_children()  # the workers are gone
    monkeypatch.setattr(catchment_workers, "MIN_FACILITIES", 10**9)
    here = _gp_run(highways, gp_table, demand_gpkg, tmp_path / "here")
    assert len(forked.reaches) == len(here.reaches) == 6
    for a, b in zip(forked.reaches, here.reaches):
        assert a.source == b.source
        assert np.array_equal(a.nodes, b.nodes) and np.array_equal(a.costs, b.costs)
    rows = {}
    for outcome in (forked, here):
        layer = QgsVectorLayer(outcome.catchments_uri, "c", "ogr")
        rows[id(outcome)] = sorted(
            (f["facility_id"], f["band"], f["population"], f.geometry().asWkb().data()) for f in layer.getFeatures()
        )
    assert len(rows[id(forked)]) == 12  # 6 surgeries, two bands
    assert rows[id(forked)] == rows[id(here)]


def test_cancel_while_workers_draw_stops_them_and_writes_nothing(
    highways: str, gp_table: Path, demand_gpkg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catchment_workers, "MIN_FACILITIES", 2)
    monkeypatch.setattr(catchment_workers, "BATCH", 1)
    assert catchment_workers.worker_count(6) > 0, "this machine gives no worker processes (no fork, or one core)"
    feedback = CancelWhileDrawing(at=56)
    with pytest.raises(CancelledError):
        _gp_run(highways, gp_table, demand_gpkg, tmp_path / "run", feedback=feedback)
    assert feedback.seen and max(feedback.seen) < 90
    assert not (tmp_path / "run" / "catchments.gpkg").exists()
    assert not multiprocessing.active_children()  # stopped, not left running


def test_no_worker_processes_inside_qgis_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The desktop's render threads may hold GDAL's locks when a worker is forked: there the work stays in one
    process. Outside the desktop (this test process, qgis_process) many facilities get workers on 2+ cores."""

    class Desktop:
        @staticmethod
        def platform() -> str:
            return "desktop"

    cores = len(os.sched_getaffinity(0))
    assert catchment_workers.worker_count(200) == (min(cores, catchment_workers.MAX_WORKERS) if cores > 1 else 0)
    assert catchment_workers.worker_count(catchment_workers.MIN_FACILITIES - 1) == 0
    monkeypatch.setattr(catchment_workers, "QgsApplication", Desktop)
    assert catchment_workers.worker_count(200) == 0
