"""locate_services: existing sites kept, need weighting, LSCP coverage, Rutland's p-median; its stages one by one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType

from lis_qgis_plugin.core.access.point_inputs import InputLayerError
from lis_qgis_plugin.core.location.locate_services import (
    LocateInputs,
    LocateOptions,
    LocateServicesError,
    check_options,
    choose_sites,
    compare_scenarios,
    explain,
    locate_services,
    locate_tables,
    need_multiplier,
    no_gain_headline,
    nothing_to_gain,
    prepare_inputs,
    read_demand,
    route,
    write_locate_outputs,
)
from lis_qgis_plugin.core.location.locate_summary import weighted_percentile

from ..support import (
    RUTLAND_GEOJSON_GPS,
    RUTLAND_HALLS,
    TOWN_DEMAND_FIELDS,
    TOWN_ORIGIN,
    TOWN_SITE_FIELDS,
    layer_rows,
    memory_points,
    ogr_layer,
    points_gpkg,
    saved,
    write_gpkg_layer,
)


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
        ogr_layer(town["demand"]), ogr_layer(town["candidates"]), str(tmp_path / f"{name}.gpkg"), **settings
    )


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
    existing = ogr_layer(town["existing"])
    with_old = _locate(town, tmp_path, "with_old", objective="pmedian", p=1, existing=existing, **need)
    assert with_old.chosen_ids == ["cB"]  # village A already has the old centre 5 m away
    assignment = {row["code"]: row for row in layer_rows(with_old.assignment_uri)}
    assert assignment["A"]["site_before"] == "E" and assignment["A"]["site_after"] == "E"
    assert assignment["A"]["new_site"] == 0 and assignment["B"]["new_site"] == 1
    assert assignment["B"]["site_before"] == "E" and assignment["B"]["cost_before"] == pytest.approx(9_995)
    assert assignment["B"]["site_after"] == "cB" and assignment["B"]["cost_after"] == pytest.approx(10)
    assert (assignment["B"]["covered_before"], assignment["B"]["covered_after"]) == (0, 1)
    assert assignment["A"]["weight"] == 2000  # decile 1 counts twice
    summary = {row["scenario"]: row for row in layer_rows(with_old.summary_uri)}
    assert summary["before"]["open_sites"] == 1 and summary["after"]["open_sites"] == 2
    assert summary["before"]["population_within"] == 1000 and summary["after"]["population_within"] == 1600
    assert summary["change"]["population_within"] == 600
    assert summary["before"]["deprived_population"] == 1000 and summary["before"]["deprived_within"] == 1000
    # two new sites: the existing one still serves A, and the choice order puts the bigger gain first
    two = _locate(town, tmp_path, "two", objective="mclp", p=2, existing=existing, **need)
    assert len(two.chosen_ids) == 2 and two.chosen_ids[0] == "cB" and "E" not in two.chosen_ids
    assert two.site_after[0] == "E" and two.after.open_sites == 3
    sites = layer_rows(two.output_uri)
    assert [row["choice"] for row in sites] == [1, 2] and sites[0]["site_id"] == "cB"
    assert sites[0]["site_name"] == "Hall B" and sites[0]["people_newly_within"] == 600
    assert two.headline.startswith("2 new sites would bring 600 more residents (0 in England's most deprived fifth)")
    assert two.log[0].text == two.headline


def test_need_weighting_moves_the_site_to_the_deprived_village(town: dict[str, str], tmp_path: Path) -> None:
    """MCLP, one site, a 2 km standard: 1,000 people in A win over 600 in B, unless B's need outweighs them."""
    assert _locate(town, tmp_path, "plain", objective="mclp", p=1, max_cost=2_000).chosen_ids == ["cA"]
    rows = [(0, 0, ["A", 1000, 9, 1.0]), (10_000, 0, ["B", 600, 1, 30.0]), (20_000, 0, ["C", 100, 9, 1.0])]
    demand = points_gpkg(tmp_path / "needy.gpkg", TOWN_DEMAND_FIELDS + "&field=score:double", rows)
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
        tmp_path / "c.gpkg", TOWN_SITE_FIELDS, [(x * 1_000, 50, [f"s{x}", f"Site {x}"]) for x in range(9)]
    )
    town = {"demand": points_gpkg(tmp_path / "d.gpkg", TOWN_DEMAND_FIELDS, rows), "candidates": candidates}
    complete = _locate(town, tmp_path, "complete", objective="lscp", max_cost=1_100)
    assert len(complete.chosen_ids) == 3  # each site covers itself and its two neighbours
    assert complete.uncovered == [] and complete.solution.uncovered == []
    assert all(row["covered_after"] == 1 for row in layer_rows(complete.assignment_uri))
    assert complete.after.within == 900
    far = {
        **town,
        "demand": points_gpkg(tmp_path / "far.gpkg", TOWN_DEMAND_FIELDS, [*rows, (0, 50_000, ["Far", 40, 5])]),
    }
    partial = _locate(far, tmp_path, "partial", objective="lscp", max_cost=1_100)
    assert len(partial.chosen_ids) == 3
    assert partial.uncovered == ["Far"]
    assignment = {row["code"]: row for row in layer_rows(partial.assignment_uri)}
    assert assignment["Far"]["covered_after"] == 0 and assignment["Far"]["cost_after"] > 49_000
    assert any("Far" in line.text and line.warning for line in partial.log)


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
            existing_filter=RUTLAND_GEOJSON_GPS,
            candidate_filter=RUTLAND_HALLS,
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
    first = layer_rows(outcome.output_uri)[0]
    assert first["gain_unit"] == "minutes of travel saved, all residents together, weighted by need"
    assert f"saves {first['gain']:,.0f} minutes of travel, all residents together, weighted by need." in "\n".join(
        line.text for line in outcome.log
    )
    assert not any("person-" in line.text or "need-weighted" in line.text for line in outcome.log)
    # the solver's value is the need-weighted total cost of the demand that reaches a site
    reach = np.isfinite(outcome.cost_after)
    total = float(outcome.demand.weight[reach] @ outcome.cost_after[reach])
    assert outcome.solution.value == pytest.approx(total, rel=1e-9)


# --- the stages one by one, on the made-up town (straight-line metres) ---------------------------------------


def _inputs(town: dict[str, str], **choices: object) -> tuple[LocateInputs, LocateOptions]:
    settings: dict[str, object] = {
        "weight_field": "pop",
        "candidate_id_field": "site_id",
        "candidate_name_field": "name",
        "existing_id_field": "site_id",
        "cost": "distance",
        **choices,
    }
    options = LocateOptions(**settings)  # type: ignore[arg-type]
    existing = ogr_layer(town["existing"])
    return prepare_inputs(
        ogr_layer(town["demand"]), ogr_layer(town["candidates"]), existing, None, None, options
    ), options


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"objective": "maxcover"}, "OBJECTIVE must be one of pmedian, mclp, lscp, not 'maxcover'"),
        ({"cost": "money"}, "COST must be 'time' or 'distance', not 'money'"),
        ({"cost": "time"}, "Travel time needs a road network"),
        ({"max_cost": -1.0}, "MAX_COST must be a positive number of minutes or metres, not -1"),
        ({"objective": "lscp", "max_cost": None}, "LSCP: fewest sites covering everyone\\) objective needs MAX_COST"),
        ({"p": 0}, "P: choose how many new sites to open"),
    ],
)
def test_check_options_refuses_a_question_that_cannot_be_asked(choices: dict[str, object], message: str) -> None:
    options = LocateOptions(**{"weight_field": "pop", "cost": "distance", **choices})  # type: ignore[arg-type]
    with pytest.raises(LocateServicesError, match=message):
        check_options(options, None)
    check_options(LocateOptions(weight_field="pop", objective="lscp", p=0), "roads.gpkg")  # LSCP takes no P


def test_read_demand_refuses_nulls_negatives_and_places_it_cannot_find(tmp_path: Path) -> None:
    rows = [(0, 0, ["A", 1000, 1]), (10_000, 0, ["B", None, 5]), (20_000, 0, ["C", 100, 9])]
    nulls = ogr_layer(points_gpkg(tmp_path / "nulls.gpkg", TOWN_DEMAND_FIELDS, rows))
    with pytest.raises(InputLayerError, match=r"WEIGHT_FIELD: 1 of 3 demand points in 'nulls' have no pop \(NULL\): B"):
        read_demand(nulls, "EPSG:27700", "pop")
    rows[1] = (10_000, 0, ["B", -5, 5])
    negative = ogr_layer(points_gpkg(tmp_path / "negative.gpkg", TOWN_DEMAND_FIELDS, rows))
    with pytest.raises(InputLayerError, match="WEIGHT_FIELD: pop is negative for 1 demand point in 'negative': B"):
        read_demand(negative, "EPSG:27700", "pop")
    rows[1] = (10_000, 0, ["B", 600, 5])
    nowhere = ogr_layer(points_gpkg(tmp_path / "nowhere.gpkg", TOWN_DEMAND_FIELDS, rows))
    nowhere.dataProvider().changeGeometryValues({2: QgsGeometry()})
    with pytest.raises(InputLayerError, match=r"DEMAND: 1 feature of 'nowhere' has no geometry \(B\)"):
        read_demand(nowhere, "EPSG:27700", "pop")
    with pytest.raises(LocateServicesError, match="WEIGHT_FIELD: choose the population field"):
        read_demand(nowhere, "EPSG:27700", "")
    with pytest.raises(InputLayerError, match="NEED_FIELD: neither the demand layer 'nowhere' nor the small areas"):
        read_demand(nowhere, "EPSG:27700", "pop", "imd_decile")


def test_read_demand_weighs_need_from_the_small_area_around_each_point(town: dict[str, str], tmp_path: Path) -> None:
    square = "Polygon(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))"
    x0, y0 = TOWN_ORIGIN
    cells = [
        (QgsGeometry.fromWkt(square.format(x0 - 100 + x, y0 - 100, x0 + 100 + x, y0 + 100)), [f"S{x}", decile])
        for x, decile in ((0, 2), (10_000, 3))
    ]  # village C lies in no small area
    areas = write_gpkg_layer(
        tmp_path / "areas.gpkg",
        "areas",
        Qgis.WkbType.Polygon,
        [("code", QMetaType.Type.QString), ("dec", QMetaType.Type.Int)],
        cells,
    )
    with pytest.raises(
        LocateServicesError, match=r"NEED_FIELD: 1 demand points have no dec in the small areas 'areas' \(NULL"
    ):
        read_demand(ogr_layer(town["demand"]), "EPSG:27700", "pop", "dec", "decile", ogr_layer(areas))
    demand = read_demand(ogr_layer(town["demand"]), "EPSG:27700", "pop", "decile", "decile", ogr_layer(areas))
    assert demand.codes == ["A", "B", "C"] and demand.decile == [1, 5, 9]  # the demand's own field comes first
    assert demand.multiplier.tolist() == [2.0, 1.0, 1.0] and demand.weight.tolist() == [2000.0, 600.0, 100.0]
    assert demand.population.tolist() == [1000.0, 600.0, 100.0] and demand.geometry_type == "Point"


def test_prepare_route_choose_and_compare(town: dict[str, str]) -> None:
    inputs, options = _inputs(town, objective="pmedian", p=1, max_cost=2_000)
    assert inputs.network_line == "No road network: straight-line distances in EPSG:27700."
    assert inputs.existing.ids == ["E"] and inputs.candidates.ids == ["cA", "cB", "cM"]
    assert (inputs.existing_cols, inputs.candidate_cols) == ([0], [1, 2, 3])
    assert inputs.candidates_label == "candidates"
    costs = route(inputs, options)
    assert costs.unit == "m (straight line)" and costs.matrix.shape == (3, 4)
    assert costs.matrix[1].tolist() == pytest.approx([9_995, 9_990, 10, 5_000])  # E, cA, cB, cM
    solution = choose_sites(inputs, costs, options)
    assert solution.chosen == [1]  # Hall B, next to village B
    outcome = compare_scenarios(inputs, costs, solution, options, "out.gpkg")
    assert outcome.chosen_ids == ["cB"] and outcome.chosen_names == ["Hall B"]
    assert outcome.site_before == ["E", "E", "E"] and outcome.site_after == ["E", "cB", "cB"]
    assert outcome.new_site_after == [False, True, True] and outcome.newly_within == [600.0]
    assert outcome.people_served == [700.0] and outcome.log == []


def test_nothing_to_gain_is_an_answer_with_its_reason(town: dict[str, str], tmp_path: Path) -> None:
    """Coverage questions no new site can improve are answered, with why: the route is no longer refused."""
    inputs, options = _inputs(town, objective="mclp", p=1, max_cost=5)
    costs = route(inputs, options)  # the old centre is 5 m from A; the nearest candidate, Hall A, 10 m
    no_gain = nothing_to_gain(inputs, costs, options)
    assert no_gain is not None and no_gain.anyone_new
    assert no_gain_headline(no_gain, 5, costs.unit) == (
        "No new site would bring anyone new within 5 metres in a straight line: no candidate site in 'candidates' "
        "is within 5 metres in a straight line of any demand point (the closest pair is 10 metres in a straight "
        "line apart)."
    )
    assert no_gain.advice.startswith("Raise MAX_COST")
    near_a = {**town, "candidates": points_gpkg(tmp_path / "near_a.gpkg", TOWN_SITE_FIELDS, [(10, 0, ["cA", "A"])])}
    inputs, options = _inputs(near_a, objective="lscp", max_cost=2_000)
    no_gain = nothing_to_gain(inputs, route(inputs, options), options)
    assert no_gain is not None and no_gain.reason == (
        "the existing sites already bring everyone a candidate could reach within it; the 2 demand points still "
        "beyond it (700 people: B, C) have no candidate within it either"
    )
    inputs, options = _inputs(town, objective="mclp", p=1, max_cost=25_000)
    no_gain = nothing_to_gain(inputs, route(inputs, options), options)
    assert no_gain is not None and no_gain.reason == "all 1,700 residents already are" and no_gain.advice == ""
    for gainful in ({"objective": "mclp", "p": 1, "max_cost": 2_000}, {"objective": "pmedian", "p": 1}):
        inputs, options = _inputs(town, **gainful)
        assert nothing_to_gain(inputs, route(inputs, options), options) is None


def test_nothing_to_gain_still_writes_before_and_after(town: dict[str, str], tmp_path: Path) -> None:
    """Everyone is within 25 km of the old centre: no site is chosen, the headline says so, the tables are written."""
    outcome = _locate(
        town, tmp_path, "all", objective="mclp", p=2, max_cost=25_000, existing=ogr_layer(town["existing"])
    )
    assert outcome.headline == (
        "No new site would bring anyone new within 25,000 metres in a straight line: all 1,700 residents already are."
    )
    assert outcome.chosen_ids == [] and outcome.nothing_to_gain is not None
    assert outcome.log[0].text == outcome.headline and not any(line.warning for line in outcome.log)
    assert outcome.log[1].text == (
        "Objective: maximal covering (MCLP: most people within the standard); no new site chosen, none needed."
    )
    assert layer_rows(outcome.output_uri) == []
    summary = {row["scenario"]: row for row in layer_rows(outcome.summary_uri)}
    assert summary["before"]["population_within"] == summary["after"]["population_within"] == 1700
    assert summary["before"]["open_sites"] == summary["after"]["open_sites"] == 1
    assert summary["change"]["population_within"] == 0 and summary["change"]["mean_cost"] == 0
    assignment = {row["code"]: row for row in layer_rows(outcome.assignment_uri)}
    assert {row["site_after"] for row in assignment.values()} == {"E"}
    assert assignment["C"]["cost_after"] == assignment["C"]["cost_before"] == pytest.approx(19_995)
    # LSCP gives the same answer, and a standard nobody can meet too: now with advice, still no error
    lscp = _locate(town, tmp_path, "lscp", objective="lscp", max_cost=25_000, existing=ogr_layer(town["existing"]))
    assert lscp.headline == outcome.headline and lscp.chosen_ids == [] and lscp.solution.value == 0
    none = _locate(town, tmp_path, "none", objective="mclp", p=1, max_cost=5)
    assert none.headline.startswith(
        "No new site would bring anyone within 5 metres in a straight line: no candidate site in 'candidates'"
    )
    assert none.log[1].text == "Raise MAX_COST, the coverage standard, or add candidate sites nearer to the people."
    assert none.before.within == none.after.within == 0 and layer_rows(none.output_uri) == []


def test_explain_leads_with_the_headline_and_write_puts_the_tables_in_one_file(
    town: dict[str, str], tmp_path: Path
) -> None:
    inputs, options = _inputs(town, objective="mclp", p=2, max_cost=2_000, need_field="decile")
    costs = route(inputs, options)
    outcome = compare_scenarios(inputs, costs, choose_sites(inputs, costs, options), options, "out.gpkg")
    explain(outcome, inputs, options)
    texts = [line.text for line in outcome.log]
    assert texts[0] == outcome.headline and texts[1].startswith("Objective: maximal covering")
    assert texts[2] == inputs.network_line
    assert texts[3] == (
        "Demand: 3 points, population 1,700; need from decile (national deciles 1-2 count x2, 3-4 x1.5, 5-10 x1). "
        "Existing sites: 1. Candidate sites: 3 in 'candidates'."
    )
    assert (
        texts[4]
        == "1. Hall B (cB): 600 more residents within 2,000 metres in a straight line; 600 when weighted by need."
    )
    gpkg = tmp_path / "out.gpkg"
    destinations = (f"{gpkg}|layername=new_sites", f"{gpkg}|layername=assignment", f"{gpkg}|layername=summary")
    outputs = locate_tables(outcome, inputs.candidates, destinations)
    assert [table.name for _, table in outputs] == ["chosen_sites", "assignment", "summary"]
    write_locate_outputs(outputs, inputs.crs_authid, outcome)
    assert (outcome.output_uri, outcome.assignment_uri, outcome.summary_uri) == destinations
    sites = layer_rows(outcome.output_uri)
    assert [row["site_id"] for row in sites] == outcome.chosen_ids and sites[0]["people_served"] == 700  # B and C
    assert sites[0]["gain_unit"] == "residents newly within the standard, weighted by need"
    assert [row["scenario"] for row in layer_rows(outcome.summary_uri)] == ["before", "after", "change"]


# --- issue 16: places too far from the roads, weights that are all zero (Rutland, real data) -----------------


def _rutland_candidates(rutland: Path, tmp_path: Path) -> str:
    """Rutland's GP surgeries (2014) as candidates, and one more 30 km east of the road extract."""
    import csv

    with (rutland / "services" / "rutland_nhs_services_nhschoices_2014.csv").open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["category"] == "gp_surgery" and r["in_la"] == "True"]
    layer = memory_points(
        TOWN_SITE_FIELDS,
        [(float(r["easting"]), float(r["northing"]), [r["organisation_id"], r["name"]]) for r in rows]
        + [(538_533.0, 303_107.0, ["FAR", "Far away hall"])],
        "candidates",
    )
    return saved(layer, tmp_path / "candidates.gpkg")


def test_rutland_candidates_far_from_the_roads_are_left_out_and_listed(
    rutland: Path, highways: str, demand_gpkg: str, tmp_path: Path
) -> None:
    candidates = _rutland_candidates(rutland, tmp_path)
    count = ogr_layer(candidates).featureCount()
    outcome = locate_services(
        QgsVectorLayer(demand_gpkg, "demand", "ogr"),
        ogr_layer(candidates),
        str(tmp_path / "chosen.gpkg"),
        weight_field="usual_residents_2011",
        candidate_id_field="site_id",
        candidate_name_field="name",
        network=highways,
        objective="mclp",
        p=1,
        max_cost=5,
        cache_dir=tmp_path / "cache",
    )
    assert [(row["kind"], row["label"]) for row in outcome.not_placed] == [("candidate site", "Far away hall (FAR)")]
    assert 30_000 < outcome.not_placed[0]["snap_distance_m"] < 32_000
    assert "FAR" not in outcome.chosen_ids and len(outcome.chosen_ids) == 1
    assert outcome.headline.endswith(
        "1 place left out: more than 1,000 m from the drive network (listed in the not_placed table)."
    )
    assert any("Far away hall (FAR) (3" in line.text and "left out of the results" in line.text for line in outcome.log)
    table = layer_rows(f"{tmp_path / 'chosen.gpkg'}|layername=not_placed")
    assert [(row["kind"], row["label"]) for row in table] == [("candidate site", "Far away hall (FAR)")]
    assert ogr_layer(candidates).featureCount() == count  # the input is unchanged
    # Cottesmore, next to a road fragment, is placed on the main network and reaches a site
    codes = list(outcome.demand.codes)
    assert np.isfinite(outcome.cost_after[codes.index("E01013805")])
    assert any("E01013805" in line.text and "cut off from the main drive network" in line.text for line in outcome.log)


def test_weights_that_are_all_zero_are_refused_by_name(rutland: Path, demand_gpkg: str, tmp_path: Path) -> None:
    source = QgsVectorLayer(demand_gpkg, "demand", "ogr")
    to_grid = QgsCoordinateTransform(source.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    rows = [(to_grid.transform(f.geometry().asPoint()), [f["LSOA11CD"], 0.0, 5]) for f in source.getFeatures()]
    nobody = memory_points(
        "field=code:string&field=pop:double&field=imd_decile:integer",
        [(p.x(), p.y(), values) for p, values in rows],
        "nobody",
    )
    with pytest.raises(LocateServicesError, match=r"WEIGHT_FIELD: every demand point weighs 0 \(pop sums to 0 over 23"):
        locate_services(
            nobody,
            ogr_layer(_rutland_candidates(rutland, tmp_path)),
            str(tmp_path / "chosen.gpkg"),
            weight_field="pop",
            need_field="imd_decile",
            cost="distance",
            objective="mclp",
            p=1,
            max_cost=5000,
        )
    assert not (tmp_path / "chosen.gpkg").exists()
