"""lis:servicecatchments through Processing: messages for bad inputs, the user's road speeds, the sample district."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.access.service_catchments import ServiceCatchmentError, service_catchments

from ..support import RUTLAND_GP_FILTER, LogFeedback, saved


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
        _run({**base, "FACILITY_FILTER": RUTLAND_GP_FILTER, "FACILITY_ID_FIELD": "ods_code"})
    with pytest.raises(QgsProcessingException, match="no features"):
        _run({**base, "FACILITY_FILTER": "\"category\" = 'nothing'"})
    footway = QgsVectorLayer("LineString?crs=EPSG:27700&field=highway:string", "paths", "memory")
    feature = QgsFeature(footway.fields())
    feature.setGeometry(QgsGeometry.fromWkt("LineString(485000 308000, 486000 308500)"))
    feature.setAttributes(["footway"])
    footway.dataProvider().addFeatures([feature])
    paths = saved(footway, tmp_path / "paths.gpkg")
    with pytest.raises(QgsProcessingException, match="can be used for drive"):
        _run({**base, "FACILITY_FILTER": RUTLAND_GP_FILTER, "NETWORK_FILE": paths})
    with pytest.raises(QgsProcessingException, match="distance"):
        _run({**base, "FACILITY_FILTER": RUTLAND_GP_FILTER, "METHOD": 1})
    with pytest.raises(ServiceCatchmentError, match="at least 1 metre"):
        service_catchments(gp_table, highways, str(tmp_path / "c.gpkg"), facility_filter=RUTLAND_GP_FILTER, buffer_m=0)
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
            {"FACILITIES_TABLE": str(gp_table), "FACILITY_FILTER": RUTLAND_GP_FILTER, "NETWORK_FILE": highways,
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


def test_the_users_maximum_snap_distance_reaches_the_tool(
    lis_plugin: object, gp_table: Path, highways: str, demand_gpkg: str, tmp_path: Path
) -> None:
    """The maximum snap distance of Settings > Options > LIS is read by the algorithm: with 200 m the Rutland
    centroids farther than that from a road are left out, listed in not_placed and counted first in the log."""
    from lis_qgis_plugin import settings

    base = {
        "FACILITIES_TABLE": str(gp_table),
        "FACILITY_FILTER": RUTLAND_GP_FILTER,
        "FACILITY_ID_FIELD": "organisation_id",
        "NETWORK": highways,
        "DEMAND_POINTS": demand_gpkg,
        "BANDS": "10",
    }
    whole = _run({**base, "CATCHMENTS": str(tmp_path / "whole.gpkg"), "COVERAGE": str(tmp_path / "whole_c.gpkg")})
    assert not QgsVectorLayer(f"{tmp_path / 'whole.gpkg'}|layername=not_placed", "np", "ogr").isValid()
    settings.set_max_snap_m(200)
    try:
        import processing

        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = LogFeedback()
        near = processing.run(
            "lis:servicecatchments",
            {**base, "CATCHMENTS": str(tmp_path / "near.gpkg"), "COVERAGE": str(tmp_path / "near_c.gpkg")},
            context=context,
            feedback=feedback,
        )  # fmt: skip
    finally:
        settings.set_max_snap_m(None)
    left = QgsVectorLayer(f"{tmp_path / 'near.gpkg'}|layername=not_placed", "np", "ogr")
    rows = [(f["kind"], f["snap_distance_m"]) for f in left.getFeatures()]
    assert rows and all(kind == "demand point" and distance > 200 for kind, distance in rows)
    assert f"{len(rows)} place{'s' if len(rows) > 1 else ''} left out: more than 200 m from the drive network" in (
        feedback.text
    )
    # the population field was found by name (usual_residents_2011), and the coverage counts the placed only
    assert "Population: the field 'usual_residents_2011'" in feedback.text
    coverage = {f["facility_id"]: f for f in QgsVectorLayer(near["COVERAGE"], "c", "ogr").getFeatures()}
    everyone = {f["facility_id"]: f for f in QgsVectorLayer(whole["COVERAGE"], "c", "ogr").getFeatures()}
    assert everyone["All facilities"]["population"] == 37_369
    assert coverage["All facilities"]["population"] < 37_369


def test_filled_travel_time_areas_through_processing(lis_plugin: object, sample_gpkg: Path, tmp_path: Path) -> None:
    """METHOD 'filled' on the sample district, as the demo would run it: one filled area per surgery and band, nested,
    and a coverage that counts the centroids inside the areas."""
    from qgis.core import QgsApplication

    from lis_qgis_plugin.core.access import travel_surface

    algorithm = QgsApplication.processingRegistry().algorithmById("lis:servicecatchments")
    methods = algorithm.parameterDefinition("METHOD").options()
    assert methods[-1] == "filled" and methods[:3] == ["network", "buffer", "voronoi"]  # earlier indices unchanged
    assert algorithm.parameterDefinition("CELL_SIZE").defaultValue() == travel_surface.DEFAULT_CELL_M == 50
    assert algorithm.parameterDefinition("MAX_OFF_NETWORK").defaultValue() == travel_surface.DEFAULT_MAX_OFF_NETWORK_M
    assert "4.8 km/h" in algorithm.shortHelpString()
    base = {
        "FACILITIES": f"{sample_gpkg}|layername=services",
        "FACILITY_FILTER": "\"service_type\" = 'gp_surgery'",
        "NETWORK": f"{sample_gpkg}|layername=roads",
        "SPEED_FIELD": "speed_kph",
        "BANDS": "3,10",
        "DEMAND_POINTS": f"{sample_gpkg}|layername=popweighted_centroids",
        "POPULATION_FIELD": "pop_total",
    }
    runs = {}
    for method, index in (("filled", 3), ("network", 0)):
        runs[method] = _run(
            {**base, "METHOD": index, "CATCHMENTS": str(tmp_path / f"{method}.gpkg"),
             "COVERAGE": str(tmp_path / f"{method}_coverage.gpkg")}
        )  # fmt: skip
    filled = QgsVectorLayer(runs["filled"]["CATCHMENTS"], "filled", "ogr")
    roads = QgsVectorLayer(runs["network"]["CATCHMENTS"], "roads", "ogr")
    assert filled.featureCount() == 2 * 12
    assert {f["method"] for f in filled.getFeatures()} == {"filled network drive time"}
    areas: dict[tuple[str, float], QgsGeometry] = {
        (f["facility_id"], f["band"]): f.geometry() for f in filled.getFeatures()
    }
    for (name, band), polygon in areas.items():  # bands nest: the 3-minute area lies inside the 10-minute one
        if band == 3:
            assert polygon.difference(areas[(name, 10.0)]).area() < 1e-6 * polygon.area()
    total = {
        name: sum(f.geometry().area() for f in layer.getFeatures()) for name, layer in (("f", filled), ("r", roads))
    }
    assert 0.5 * total["r"] < total["f"] < 2 * total["r"]  # on the sample's dense roads, about the road buffers' area
    overall = next(
        f
        for f in QgsVectorLayer(runs["filled"]["COVERAGE"], "v", "ogr").getFeatures()
        if f["facility_id"] == "All facilities"
    )
    demand = QgsVectorLayer(f"{sample_gpkg}|layername=popweighted_centroids", "d", "ogr")
    ten = [f.geometry() for f in filled.getFeatures() if f["band"] == 10]
    inside = sum(f["pop_total"] or 0 for f in demand.getFeatures() if any(g.contains(f.geometry()) for g in ten))
    assert overall["within_10min"] == pytest.approx(inside) and inside > 0
