"""suggest_demand: the Locate page's first demand layer, with Rutland and Nottingham's real layers open together."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsCoordinateTransformContext, QgsVectorLayer

from lis_qgis_plugin.core.location.demand_choice import (
    AREAS,
    CENTROIDS,
    POPULATION_AREAS,
    demand_kind,
    overlap_share,
    suggest_candidates,
    suggest_demand,
    suggest_need_areas,
)

from ..support import memory_points


def _layer(path: Path, name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(str(path), name, "ogr")
    assert layer.isValid(), path
    return layer


def _places(shared_data: Path) -> dict[str, QgsVectorLayer]:
    """The layers an officer would have open: both districts' small areas, centroids and services."""
    rutland, nottingham = shared_data / "rutland", shared_data / "nottingham"
    return {
        "nottingham_lsoa": _layer(nottingham / "deprivation" / "nottingham_lsoa11_imd2019.geojson", "nottingham_lsoa"),
        "nottingham_pwc": _layer(
            nottingham / "population" / "nottingham_lsoa11_popweighted_centroids_DERIVED.geojson", "notts centroids"
        ),
        "nottingham_nhs": _layer(nottingham / "services" / "nottingham_nhs_services_nhschoices_2014.geojson", "nhs"),
        "rutland_lsoa": _layer(rutland / "deprivation" / "rutland_lsoa11_imd2019.geojson", "rutland_lsoa11_imd2019"),
        "rutland_wards": _layer(rutland / "boundaries" / "rutland_wards_2025.geojson", "rutland_wards_2025"),
        "rutland_pwc": _layer(
            rutland / "population" / "rutland_lsoa11_popweighted_centroids_DERIVED.geojson", "Rutland people"
        ),
        "rutland_osm": _layer(rutland / "services" / "rutland_services_osm_2022.geojson", "rutland_services_osm_2022"),
    }


def test_centroids_in_the_candidates_area_come_first(shared_data: Path) -> None:
    layers = _places(shared_data)
    context = QgsCoordinateTransformContext()
    ordered = list(layers.values())  # Nottingham's first, as the officer loaded them
    assert suggest_demand(ordered, layers["rutland_osm"], context) is layers["rutland_pwc"]  # named by its source
    assert suggest_demand(ordered, layers["nottingham_nhs"], context) is layers["nottingham_pwc"]  # by its name
    assert demand_kind(layers["rutland_pwc"]) == demand_kind(layers["nottingham_pwc"]) == CENTROIDS
    assert demand_kind(layers["rutland_osm"]) is None  # points without people are sites
    assert overlap_share(layers["nottingham_lsoa"], layers["rutland_osm"], context) == 0
    assert overlap_share(layers["rutland_lsoa"], layers["rutland_osm"], context) == 1


def test_without_centroids_the_candidates_small_areas_not_another_district(shared_data: Path) -> None:
    """Nottingham's polygons come first in the project, but the candidates are Rutland's halls."""
    layers = _places(shared_data)
    context = QgsCoordinateTransformContext()
    no_centroids = [layer for name, layer in layers.items() if not name.endswith("_pwc")]
    assert suggest_demand(no_centroids, layers["rutland_osm"], context) is layers["rutland_lsoa"]
    assert demand_kind(layers["rutland_lsoa"]) == POPULATION_AREAS  # pop_total_mid2015
    assert demand_kind(layers["rutland_wards"]) == AREAS  # no population field: after those with one
    only_wards = [layers["nottingham_lsoa"], layers["rutland_wards"]]
    assert suggest_demand(only_wards, layers["rutland_osm"], context) is layers["rutland_wards"]
    # nothing in the candidates' area: nothing is offered rather than another district
    assert suggest_demand([layers["nottingham_lsoa"], layers["nottingham_pwc"]], layers["rutland_osm"], context) is None
    # without candidates yet, the centroids anywhere; the sites themselves are never demand
    assert suggest_demand(no_centroids + [layers["nottingham_pwc"]], None, context) is layers["nottingham_pwc"]
    assert suggest_demand([layers["rutland_pwc"]], layers["rutland_pwc"], context) is None


def test_one_candidate_or_points_with_a_population_but_no_name_hint() -> None:
    """A single candidate has an extent without area; points with a population but no hint are second best."""
    people = memory_points("field=code:string&field=population:integer", [(0, 0, ["a", 10]), (1000, 1000, ["b", 5])])
    elsewhere = memory_points(
        "field=code:string&field=population:integer", [(50_000, 0, ["c", 10]), (51_000, 10, ["d", 1])]
    )
    one_site = memory_points("field=name:string", [(500, 500, ["hall"])], "site")
    context = QgsCoordinateTransformContext()
    assert overlap_share(people, one_site, context) == 1 and overlap_share(elsewhere, one_site, context) == 0
    assert suggest_demand([elsewhere, people], one_site, context) is people


def test_candidates_are_sites_and_the_need_comes_from_the_demands_own_small_areas(shared_data: Path) -> None:
    layers = _places(shared_data)
    context = QgsCoordinateTransformContext()
    ordered = list(layers.values())
    assert suggest_candidates(ordered) is layers["nottingham_nhs"]  # the first points without people, not centroids
    assert suggest_candidates([layers["rutland_pwc"], layers["rutland_lsoa"]]) is None
    # the centroids have no decile: read it from the small areas around them, Rutland's for Rutland
    assert suggest_need_areas(ordered, layers["rutland_pwc"], context) is layers["rutland_lsoa"]
    assert suggest_need_areas(ordered, layers["nottingham_pwc"], context) is layers["nottingham_lsoa"]
    assert suggest_need_areas(ordered, layers["rutland_lsoa"], context) is None  # it has imd_decile itself
    assert (
        suggest_need_areas([layers["nottingham_lsoa"], layers["rutland_wards"]], layers["rutland_pwc"], context) is None
    )
