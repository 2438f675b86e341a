"""lis:locateservices: existing sites kept, LSCP coverage, Rutland's numbers against lis:servicecatchments."""

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
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from lis_qgis_plugin.core.access.service_catchments import service_catchments
from lis_qgis_plugin.core.location.locate_services import LocateServicesError, locate_services, need_multiplier
from lis_qgis_plugin.core.location.locate_summary import weighted_percentile

from .support import LogFeedback, saved

GP_FILTER = '"category" = \'gp_surgery\' AND "in_la"'
HALLS = '"category" = \'community_centre\' AND "in_la"'
X0, Y0 = 480000.0, 300000.0  # British National Grid, somewhere in the East Midlands


@pytest.fixture(scope="module")
def rutland(shared_data: Path) -> Path:
    return shared_data / "rutland"


def points_gpkg(path: Path, fields: str, rows: list[tuple[float, float, list[object]]]) -> str:
    """A GeoPackage of points in British National Grid (x, y relative to X0, Y0) with the given attributes."""
    layer = QgsVectorLayer(f"Point?crs=EPSG:27700&{fields}", path.stem, "memory")
    features = []
    for x, y, attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(X0 + x, Y0 + y)))
        feature.setAttributes(attributes)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return saved(layer, path)


DEMAND_FIELDS = "field=code:string&field=pop:double&field=decile:integer"
SITE_FIELDS = "field=site_id:string&field=name:string"


@pytest.fixture()
def town(tmp_path: Path) -> dict[str, str]:
    """Three villages on a line (1,000, 600 and 100 people, 10 km apart), a candidate at each and one between."""
    return {
        "demand": points_gpkg(
            tmp_path / "villages.gpkg",
            DEMAND_FIELDS,
            [(0, 0, ["A", 1000, 1]), (10_000, 0, ["B", 600, 5]), (20_000, 0, ["C", 100, 9])],
        ),
        "candidates": points_gpkg(
            tmp_path / "candidates.gpkg",
            SITE_FIELDS,
            [(10, 0, ["cA", "Hall A"]), (10_010, 0, ["cB", "Hall B"]), (5_000, 0, ["cM", "Middle"])],
        ),
        "existing": points_gpkg(tmp_path / "existing.gpkg", SITE_FIELDS, [(5, 0, ["E", "Old centre"])]),
    }


def _layer(path: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(path, Path(path.split("|")[0]).stem, "ogr")
    assert layer.isValid(), path
    return layer


def _locate(town: dict[str, str], tmp_path: Path, name: str, **options: object) -> object:
    settings: dict[str, object] = {
        "weight_field": "pop",
        "candidate_id_field": "site_id",
        "candidate_name_field": "name",
        "existing_id_field": "site_id",
        "cost": "distance",
        "assignment_output": f"{tmp_path / name}.gpkg|layername=assignment",
        "summary_output": f"{tmp_path / name}.gpkg|layername=summary",
        **options,
    }
    return locate_services(
        _layer(town["demand"]), _layer(town["candidates"]), str(tmp_path / f"{name}.gpkg"), **settings
    )


def _rows(uri: str) -> list[dict[str, object]]:
    layer = _layer(uri)
    names = layer.fields().names()
    return [dict(zip(names, feature.attributes())) for feature in layer.getFeatures()]


def test_need_rule_and_weighted_percentile() -> None:
    assert need_multiplier([1, 2, 3, 4, 5, 10], "decile").tolist() == [2, 2, 1.5, 1.5, 1, 1]
    assert need_multiplier([10.0, 30.0], "score").tolist() == [0.5, 1.5]
    with pytest.raises(LocateServicesError, match="1 \\(most deprived\\) to 10"):
        need_multiplier([0, 11], "decile")
    costs = np.array([1.0, 2.0, 3.0, np.inf])
    assert weighted_percentile(costs, np.array([50.0, 40.0, 5.0, 5.0])) == 2.0
    assert weighted_percentile(costs, np.array([50.0, 20.0, 5.0, 25.0])) is None  # a quarter reach nothing


def test_existing_sites_stay_open_and_change_the_choice(town: dict[str, str], tmp_path: Path) -> None:
    need = {"need_field": "decile", "max_cost": 2_000}
    alone = _locate(town, tmp_path, "alone", objective="pmedian", p=1, **need)
    assert alone.chosen_ids == ["cA"]  # next to the largest (and most deprived) village
    assert alone.before.open_sites == 0 and alone.before.within == 0 and alone.before.mean_cost is None
    existing = _layer(town["existing"])
    with_old = _locate(town, tmp_path, "with_old", objective="pmedian", p=1, existing=existing, **need)
    assert with_old.chosen_ids == ["cB"]  # village A already has the old centre 5 m away
    assignment = {row["code"]: row for row in _rows(with_old.assignment_uri)}
    assert assignment["A"]["site_before"] == "E" and assignment["A"]["site_after"] == "E"
    assert assignment["A"]["new_site"] == 0 and assignment["B"]["new_site"] == 1
    assert assignment["B"]["site_before"] == "E" and assignment["B"]["cost_before"] == pytest.approx(9_995)
    assert assignment["B"]["site_after"] == "cB" and assignment["B"]["cost_after"] == pytest.approx(10)
    assert (assignment["B"]["covered_before"], assignment["B"]["covered_after"]) == (0, 1)
    assert assignment["A"]["weight"] == 2000  # decile 1 counts twice
    summary = {row["scenario"]: row for row in _rows(with_old.summary_uri)}
    assert summary["before"]["open_sites"] == 1 and summary["after"]["open_sites"] == 2
    assert summary["before"]["population_within"] == 1000 and summary["after"]["population_within"] == 1600
    assert summary["change"]["population_within"] == 600
    assert summary["before"]["deprived_population"] == 1000 and summary["before"]["deprived_within"] == 1000
    # two new sites: the existing one still serves A, and the choice order puts the bigger gain first
    two = _locate(town, tmp_path, "two", objective="mclp", p=2, existing=existing, **need)
    assert len(two.chosen_ids) == 2 and two.chosen_ids[0] == "cB" and "E" not in two.chosen_ids
    assert two.site_after[0] == "E" and two.after.open_sites == 3
    sites = _rows(two.output_uri)
    assert [row["choice"] for row in sites] == [1, 2] and sites[0]["site_id"] == "cB"
    assert sites[0]["site_name"] == "Hall B" and sites[0]["people_newly_within"] == 600
    assert two.headline.startswith("2 new sites would bring 600 more residents (0 in England's most deprived fifth)")
    assert two.log[0].text == two.headline


def test_need_weighting_moves_the_site_to_the_deprived_village(town: dict[str, str], tmp_path: Path) -> None:
    """MCLP, one site, a 2 km standard: 1,000 people in A win over 600 in B, unless B's need outweighs them."""
    assert _locate(town, tmp_path, "plain", objective="mclp", p=1, max_cost=2_000).chosen_ids == ["cA"]
    rows = [(0, 0, ["A", 1000, 9, 1.0]), (10_000, 0, ["B", 600, 1, 30.0]), (20_000, 0, ["C", 100, 9, 1.0])]
    demand = points_gpkg(tmp_path / "needy.gpkg", DEMAND_FIELDS + "&field=score:double", rows)
    needy = {**town, "demand": demand}
    by_decile = _locate(needy, tmp_path, "decile", objective="mclp", p=1, max_cost=2_000, need_field="decile")
    assert by_decile.chosen_ids == ["cB"]  # 600 x 2 > 1,000 x 1
    assert by_decile.after.deprived_within == 600
    by_score = _locate(
        needy, tmp_path, "score", objective="mclp", p=1, max_cost=2_000, need_field="score", need_rule="score"
    )
    assert by_score.chosen_ids == ["cB"]
    assert by_score.demand.weight.tolist() == pytest.approx([1000 * 3 / 32, 600 * 90 / 32, 100 * 3 / 32])
    assert by_score.after.deprived is None  # a score says nothing about national deciles


def test_lscp_covers_everyone_or_lists_who_is_left(tmp_path: Path) -> None:
    rows = [(x * 1_000, 0, [f"D{x}", 100, 5]) for x in range(9)]  # 9 hamlets, 1 km apart
    candidates = points_gpkg(
        tmp_path / "c.gpkg", SITE_FIELDS, [(x * 1_000, 50, [f"s{x}", f"Site {x}"]) for x in range(9)]
    )
    town = {"demand": points_gpkg(tmp_path / "d.gpkg", DEMAND_FIELDS, rows), "candidates": candidates}
    complete = _locate(town, tmp_path, "complete", objective="lscp", max_cost=1_100)
    assert len(complete.chosen_ids) == 3  # each site covers itself and its two neighbours
    assert complete.uncovered == [] and complete.solution.uncovered == []
    assert all(row["covered_after"] == 1 for row in _rows(complete.assignment_uri))
    assert complete.after.within == 900
    far = {**town, "demand": points_gpkg(tmp_path / "far.gpkg", DEMAND_FIELDS, [*rows, (0, 50_000, ["Far", 40, 5])])}
    partial = _locate(far, tmp_path, "partial", objective="lscp", max_cost=1_100)
    assert len(partial.chosen_ids) == 3
    assert partial.uncovered == ["Far"]
    assignment = {row["code"]: row for row in _rows(partial.assignment_uri)}
    assert assignment["Far"]["covered_after"] == 0 and assignment["Far"]["cost_after"] > 49_000
    assert any("Far" in line.text and line.warning for line in partial.log)


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
    for feature in gps.getFeatures(QgsFeatureRequest().setFilterExpression(GP_FILTER)):
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_bng)
        out = QgsFeature(layer.fields())
        out.setGeometry(geometry)
        out.setAttributes([f"gp{feature['organisation_id']}"])
        features.append(out)
    assert len(features) == 6
    for feature in _layer(chosen_uri).getFeatures():
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
            "EXISTING_FILTER": GP_FILTER,
            "EXISTING_ID_FIELD": "organisation_id",
            "CANDIDATES": str(services / "rutland_services_osm_2022.geojson"),
            "CANDIDATE_FILTER": HALLS,
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
    chosen = _rows(result["OUTPUT"])
    assert [row["choice"] for row in chosen] == [1, 2]
    assert result["CHOSEN"] == ",".join(str(row["site_id"]) for row in chosen)
    assert feedback.lines[0] == result["HEADLINE"]
    assert result["HEADLINE"].startswith("2 new sites would bring ") and "within 5 minutes: " in result["HEADLINE"]
    summary = {row["scenario"]: row for row in _rows(result["SUMMARY"])}
    assignment = _rows(result["ASSIGNMENT"])
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
        gps, highways, str(tmp_path / "before.gpkg"), facility_filter=GP_FILTER,
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


def test_rutland_p_median_shortens_the_average_journey(
    rutland: Path, highways: str, demand_gpkg: str, tmp_path: Path
) -> None:
    services = rutland / "services"

    def run(name: str, exact_limit: int) -> object:
        return locate_services(
            QgsVectorLayer(demand_gpkg, "demand", "ogr"),
            QgsVectorLayer(str(services / "rutland_services_osm_2022.geojson"), "osm", "ogr"),
            str(tmp_path / f"{name}.gpkg"),
            weight_field="usual_residents_2011",
            existing=QgsVectorLayer(str(services / "rutland_nhs_services_nhschoices_2014.geojson"), "nhs", "ogr"),
            existing_filter=GP_FILTER,
            candidate_filter=HALLS,
            candidate_id_field="osm_id",
            candidate_name_field="name",
            network=highways,
            objective="pmedian",
            p=2,
            max_cost=10,
            exact_limit=exact_limit,
            cache_dir=tmp_path / "cache",
        )

    outcome = run("exact", 2_000_000)
    assert len(outcome.chosen_ids) == 2 and outcome.solution.method.startswith("exact")
    heuristic = run("heuristic", 0)  # too big to solve exactly: greedy + swaps, and the log says how close
    assert heuristic.solution.method.startswith("greedy") and heuristic.solution.value >= outcome.solution.value - 1e-6
    assert any("greedy + Teitz-Bart" in line.text for line in heuristic.log)
    assert outcome.after.mean_cost < outcome.before.mean_cost
    assert outcome.headline.startswith("2 new sites would cut the average journey from ")
    # the solver's value is the need-weighted total cost of the demand that reaches a site
    reach = np.isfinite(outcome.cost_after)
    total = float(outcome.demand.weight[reach] @ outcome.cost_after[reach])
    assert outcome.solution.value == pytest.approx(total, rel=1e-9)


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
        tmp_path / "far_sites.gpkg", SITE_FIELDS, [(0, 4_990, ["n1", "North 1"]), (9_000, 4_990, ["n2", "North 2"])]
    )
    params = {**base_params, "CANDIDATES": candidates, "NETWORK": network, "COST": 0, "OBJECTIVE": 0, "MAX_COST": 10}
    _refused(params, "None of the 2 candidate sites in 'far_sites' can be reached from any demand point", tmp_path)


def test_null_and_negative_weights_are_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    rows = [(0, 0, ["A", 1000, 1]), (10_000, 0, ["B", None, 5]), (20_000, 0, ["C", 100, 9])]
    nulls = points_gpkg(tmp_path / "nulls.gpkg", DEMAND_FIELDS, rows)
    _refused({**base_params, "DEMAND": nulls}, "1 of 3 demand points in 'nulls' have no pop \\(NULL\\): B", tmp_path)
    rows[1] = (10_000, 0, ["B", -5, 5])
    negative = points_gpkg(tmp_path / "negative.gpkg", DEMAND_FIELDS, rows)
    _refused({**base_params, "DEMAND": negative}, "pop is negative for 1 demand point in 'negative': B", tmp_path)


def test_duplicate_candidate_ids_are_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    twins = points_gpkg(
        tmp_path / "twins.gpkg", SITE_FIELDS, [(0, 0, ["x1", "One"]), (10, 0, ["x1", "Two"]), (20, 0, ["x2", "Three"])]
    )
    _refused({**base_params, "CANDIDATES": twins}, "CANDIDATES: Site ids must be unique, but x1 occur", tmp_path)


def test_a_standard_nobody_can_meet_is_refused(
    base_params: dict[str, object], town: dict[str, str], tmp_path: Path
) -> None:
    _refused({**base_params, "MAX_COST": 5}, "no candidate site in 'candidates' is within 5 metres", tmp_path)
    # the only candidate within 2 km of anyone is next to village A, which the old centre already covers
    near_a = points_gpkg(tmp_path / "near_a.gpkg", SITE_FIELDS, [(10, 0, ["cA", "Hall A"])])
    params = {**base_params, "CANDIDATES": near_a, "EXISTING": town["existing"]}
    _refused(params, r"the 2 demand points still beyond it \(700 people: B, C\) have no candidate", tmp_path)


def test_time_without_a_network_is_refused(base_params: dict[str, object], tmp_path: Path) -> None:
    _refused({**base_params, "COST": 0}, "Travel time needs a road network", tmp_path)
