"""lis:locateservices through Processing: Rutland's numbers against lis:servicecatchments, and bad input refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.access.service_catchments import service_catchments

from ..support import (
    RUTLAND_GEOJSON_GPS,
    RUTLAND_HALLS,
    TOWN_DEMAND_FIELDS,
    TOWN_ORIGIN,
    TOWN_SITE_FIELDS,
    LogFeedback,
    layer_rows,
    ogr_layer,
    points_gpkg,
    saved,
)

X0, Y0 = TOWN_ORIGIN  # British National Grid, somewhere in the East Midlands


def _run(params: dict[str, object], feedback: LogFeedback | None = None) -> dict:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run("lis:locateservices", params, context=context, feedback=feedback or LogFeedback())


def _after_sites(rutland: Path, chosen_uri: str, folder: Path) -> str:
    """The GP surgeries and the chosen sites as one point layer (id field 'site'), for lis:servicecatchments."""
    layer = QgsVectorLayer("Point?crs=EPSG:27700&field=site:string", "after", "memory")
    gps = QgsVectorLayer(str(rutland / "services" / "rutland_nhs_services_nhschoices_2014.geojson"), "nhs", "ogr")
    to_bng = QgsCoordinateTransform(
        gps.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance().transformContext()
    )
    features = []
    for feature in gps.getFeatures(QgsFeatureRequest().setFilterExpression(RUTLAND_GEOJSON_GPS)):
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_bng)
        out = QgsFeature(layer.fields())
        out.setGeometry(geometry)
        out.setAttributes([f"gp{feature['organisation_id']}"])
        features.append(out)
    assert len(features) == 6
    for feature in ogr_layer(chosen_uri).getFeatures():
        out = QgsFeature(layer.fields())
        out.setGeometry(feature.geometry())
        out.setAttributes([f"new{feature['site_id']}"])
        features.append(out)
    layer.dataProvider().addFeatures(features)
    return saved(layer, folder / "after_sites.gpkg")


def test_rutland_before_and_after_match_service_catchments(
    lis_plugin: object, rutland: Path, highways: str, demand_gpkg: str, tmp_path: Path
) -> None:
    """Two new sites among Rutland's village halls, GP surgeries kept: SUMMARY's numbers are lis:servicecatchments'."""
    services = rutland / "services"
    feedback = LogFeedback()
    result = _run(
        {
            "DEMAND": demand_gpkg,
            "WEIGHT_FIELD": "usual_residents_2011",
            "NEED_FIELD": "imd_decile",
            "EXISTING": str(services / "rutland_nhs_services_nhschoices_2014.geojson"),
            "EXISTING_FILTER": RUTLAND_GEOJSON_GPS,
            "EXISTING_ID_FIELD": "organisation_id",
            "CANDIDATES": str(services / "rutland_services_osm_2022.geojson"),
            "CANDIDATE_FILTER": RUTLAND_HALLS,
            "CANDIDATE_ID_FIELD": "osm_id",
            "CANDIDATE_NAME_FIELD": "name",
            "NETWORK_FILE": highways,
            "OBJECTIVE": 1,
            "P": 2,
            "MAX_COST": 5,
            "OUTPUT": str(tmp_path / "sites.gpkg"),
            "ASSIGNMENT": str(tmp_path / "assignment.gpkg"),
            "SUMMARY": str(tmp_path / "summary.gpkg"),
        },
        feedback,
    )
    chosen = layer_rows(result["OUTPUT"])
    assert [row["choice"] for row in chosen] == [1, 2]
    assert result["CHOSEN"] == ",".join(str(row["site_id"]) for row in chosen)
    assert feedback.lines[0] == result["HEADLINE"]
    assert result["HEADLINE"].startswith("2 new sites would bring ") and "within 5 minutes: " in result["HEADLINE"]
    summary = {row["scenario"]: row for row in layer_rows(result["SUMMARY"])}
    assignment = layer_rows(result["ASSIGNMENT"])
    assert len(assignment) == 23

    common = {
        "facility_id_field": "site",
        "bands": "5",
        "overlap": "nearest",
        "demand": QgsVectorLayer(demand_gpkg, "demand", "ogr"),
        "population_field": "usual_residents_2011",
        "deprivation_field": "imd_decile",
        "cache_dir": tmp_path / "cache",
    }
    gps = QgsVectorLayer(str(services / "rutland_nhs_services_nhschoices_2014.geojson"), "nhs", "ogr")
    before = service_catchments(
        gps, highways, str(tmp_path / "before.gpkg"), facility_filter=RUTLAND_GEOJSON_GPS,
        **{**common, "facility_id_field": "organisation_id"},
    )  # fmt: skip
    after_layer = QgsVectorLayer(_after_sites(rutland, result["OUTPUT"], tmp_path), "after", "ogr")
    after = service_catchments(after_layer, highways, str(tmp_path / "after.gpkg"), **common)
    for row, catchments in ((summary["before"], before), (summary["after"], after)):
        overall = catchments.coverage[-1]
        assert row["population_within"] == pytest.approx(overall.within[0])
        assert row["deprived_population"] - row["deprived_within"] == pytest.approx(overall.deprived_beyond[0])
        cost = np.asarray(catchments.cost)
        people = np.asarray(catchments.population)
        reach = np.isfinite(cost)
        assert row["mean_cost"] == pytest.approx(float(people[reach] @ cost[reach]) / people[reach].sum())
        assert row["unreachable_population"] == pytest.approx(people[~reach].sum())
    assert summary["after"]["population_within"] > summary["before"]["population_within"]
    assert summary["change"]["population_within"] == pytest.approx(
        summary["after"]["population_within"] - summary["before"]["population_within"]
    )
    gained = f"{summary['change']['population_within']:,.0f} more residents"
    assert gained in result["HEADLINE"]
    # each demand point's cost before and after is the one lis:servicecatchments finds
    by_code = {row["code"]: row for row in assignment}
    codes = [f["LSOA11CD"] for f in QgsVectorLayer(demand_gpkg, "d", "ogr").getFeatures()]
    for key, catchments in (("cost_before", before), ("cost_after", after)):
        ours = np.array([by_code[code][key] if isinstance(by_code[code][key], float) else np.inf for code in codes])
        theirs = np.asarray(catchments.cost)
        assert np.array_equal(np.isfinite(ours), np.isfinite(theirs))
        assert np.allclose(ours[np.isfinite(ours)], theirs[np.isfinite(theirs)], rtol=1e-9)
    assert sum(row["people_newly_within"] for row in chosen) == pytest.approx(summary["change"]["population_within"])


# --- bad input: a clear message, nothing written, inputs untouched ---------------------------------------


@pytest.fixture()
def base_params(town: dict[str, str], tmp_path: Path) -> dict[str, object]:
    return {
        "DEMAND": town["demand"],
        "WEIGHT_FIELD": "pop",
        "CANDIDATES": town["candidates"],
        "CANDIDATE_ID_FIELD": "site_id",
        "COST": 1,
        "OBJECTIVE": 1,
        "P": 1,
        "MAX_COST": 2_000,
        "OUTPUT": str(tmp_path / "out" / "sites.gpkg"),
        "ASSIGNMENT": str(tmp_path / "out" / "assignment.gpkg"),
        "SUMMARY": str(tmp_path / "out" / "summary.gpkg"),
    }


def _refused(params: dict[str, object], match: str, tmp_path: Path) -> None:
    inputs = [Path(str(v)) for k, v in params.items() if k in ("DEMAND", "CANDIDATES", "EXISTING", "NETWORK")]
    before = {path: path.stat().st_mtime_ns for path in inputs}
    with pytest.raises(QgsProcessingException, match=match):
        _run(params)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert before == {path: path.stat().st_mtime_ns for path in inputs}


def test_p_larger_than_the_candidates_is_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    _refused({**base_params, "P": 5}, "P is 5 but the candidates layer 'candidates' has only 3 sites", tmp_path)


def test_unreachable_candidates_are_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    """Demand on one road, candidates on another road that does not touch it."""
    roads = QgsVectorLayer("LineString?crs=EPSG:27700&field=highway:string", "roads", "memory")
    features = []
    for wkt in (
        f"LineString({X0 - 1000} {Y0 - 100}, {X0 + 21000} {Y0 - 100})",
        f"LineString({X0 - 1000} {Y0 + 5000}, {X0 + 21000} {Y0 + 5000})",
    ):
        feature = QgsFeature(roads.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(["residential"])
        features.append(feature)
    roads.dataProvider().addFeatures(features)
    network = saved(roads, tmp_path / "roads.gpkg")
    candidates = points_gpkg(
        tmp_path / "far_sites.gpkg",
        TOWN_SITE_FIELDS,
        [(0, 4_990, ["n1", "North 1"]), (9_000, 4_990, ["n2", "North 2"])],
    )
    params = {**base_params, "CANDIDATES": candidates, "NETWORK": network, "COST": 0, "OBJECTIVE": 0, "MAX_COST": 10}
    _refused(params, "None of the 2 candidate sites in 'far_sites' can be reached from any demand point", tmp_path)


def test_null_and_negative_weights_are_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    rows = [(0, 0, ["A", 1000, 1]), (10_000, 0, ["B", None, 5]), (20_000, 0, ["C", 100, 9])]
    nulls = points_gpkg(tmp_path / "nulls.gpkg", TOWN_DEMAND_FIELDS, rows)
    _refused({**base_params, "DEMAND": nulls}, "1 of 3 demand points in 'nulls' have no pop \\(NULL\\): B", tmp_path)
    rows[1] = (10_000, 0, ["B", -5, 5])
    negative = points_gpkg(tmp_path / "negative.gpkg", TOWN_DEMAND_FIELDS, rows)
    _refused({**base_params, "DEMAND": negative}, "pop is negative for 1 demand point in 'negative': B", tmp_path)


def test_duplicate_candidate_ids_are_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    twins = points_gpkg(
        tmp_path / "twins.gpkg",
        TOWN_SITE_FIELDS,
        [(0, 0, ["x1", "One"]), (10, 0, ["x1", "Two"]), (20, 0, ["x2", "Three"])],
    )
    _refused({**base_params, "CANDIDATES": twins}, "CANDIDATES: Site ids must be unique, but x1 occur", tmp_path)


def test_a_standard_nobody_can_meet_is_an_answer_not_an_error(
    base_params: dict[str, object], town: dict[str, str], tmp_path: Path
) -> None:
    """No candidate within 5 m of anyone, or none near the people left: the reason comes back, outputs are written."""
    feedback = LogFeedback()
    result = _run({**base_params, "MAX_COST": 5}, feedback)
    assert result["HEADLINE"].startswith(
        "No new site would bring anyone within 5 metres in a straight line: no candidate site in 'candidates' is "
        "within 5 metres in a straight line of any demand point"
    )
    assert result["NOTHING_TO_GAIN"] in result["HEADLINE"] and result["CHOSEN"] == ""
    assert feedback.lines[:2] == [
        result["HEADLINE"],
        "Raise MAX_COST, the coverage standard, or add candidate sites nearer to the people.",
    ]
    assert layer_rows(result["OUTPUT"]) == []
    assert [row["population_within"] for row in layer_rows(result["SUMMARY"])] == [0, 0, 0]
    # the only candidate within 2 km of anyone is next to village A, which the old centre already covers
    near_a = points_gpkg(tmp_path / "near_a.gpkg", TOWN_SITE_FIELDS, [(10, 0, ["cA", "Hall A"])])
    params = {**base_params, "CANDIDATES": near_a, "EXISTING": town["existing"], "OUTPUT": str(tmp_path / "a.gpkg")}
    result = _run({**params, "ASSIGNMENT": str(tmp_path / "a_as.gpkg"), "SUMMARY": str(tmp_path / "a_su.gpkg")})
    assert result["NOTHING_TO_GAIN"].endswith(
        "the 2 demand points still beyond it (700 people: B, C) have no candidate within it either"
    )
    summary = {row["scenario"]: row for row in layer_rows(result["SUMMARY"])}
    assert summary["before"]["population_within"] == summary["after"]["population_within"] == 1000


def test_rutland_nothing_to_gain_when_every_resident_is_within_reach(
    lis_plugin: object, rutland: Path, demand_gpkg: str, highways: str, tmp_path: Path
) -> None:
    """Rutland's six GP surgeries: everyone lives within 15 km, and within 30 minutes' drive, of one. No village
    hall could add anyone: the answer says so, counting the real residents, and the outputs are written."""
    services = rutland / "services"
    residents = sum(f["usual_residents_2011"] for f in QgsVectorLayer(demand_gpkg, "d", "ogr").getFeatures())
    params: dict[str, object] = {
        "DEMAND": demand_gpkg,
        "WEIGHT_FIELD": "usual_residents_2011",
        "EXISTING": str(services / "rutland_nhs_services_nhschoices_2014.geojson"),
        "EXISTING_FILTER": RUTLAND_GEOJSON_GPS,
        "EXISTING_ID_FIELD": "organisation_id",
        "CANDIDATES": str(services / "rutland_services_osm_2022.geojson"),
        "CANDIDATE_FILTER": RUTLAND_HALLS,
        "CANDIDATE_ID_FIELD": "osm_id",
        "CANDIDATE_NAME_FIELD": "name",
        "COST": 1,
        "OBJECTIVE": 1,
        "P": 2,
        "MAX_COST": 15_000,
        "OUTPUT": str(tmp_path / "line.gpkg"),
        "SUMMARY": str(tmp_path / "line_summary.gpkg"),
    }
    result = _run(params)
    assert result["HEADLINE"] == (
        f"No new site would bring anyone new within 15,000 metres in a straight line: all {residents:,.0f} "
        "residents already are."
    )
    summary = {row["scenario"]: row for row in layer_rows(result["SUMMARY"])}
    assert summary["after"]["population_within"] == residents and summary["after"]["open_sites"] == 6
    on_roads = {
        **params,
        "NETWORK_FILE": highways,
        "COST": 0,
        "MAX_COST": 30,
        "OUTPUT": str(tmp_path / "roads.gpkg"),
        "SUMMARY": str(tmp_path / "roads_summary.gpkg"),
    }
    result = _run(on_roads)
    assert residents == 37_369  # the example of issue 17, as the officer saw it
    assert (
        result["HEADLINE"] == "No new site would bring anyone new within 30 minutes: all 37,369 residents already are."
    )
    assert result["NOTHING_TO_GAIN"] == "all 37,369 residents already are" and result["CHOSEN"] == ""
    summary = {row["scenario"]: row for row in layer_rows(result["SUMMARY"])}
    assert summary["change"]["population_within"] == 0 and summary["change"]["mean_cost"] == 0
    assert summary["before"]["population_within"] == residents and summary["before"]["mean_cost"] > 0


def test_time_without_a_network_is_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    _refused({**base_params, "COST": 0}, "Travel time needs a road network", tmp_path)
