"""Service points from tables: easting/northing, lon/lat and postcodes, on the real Rutland NHS sites."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lis_qgis_plugin.core.access.service_points import normalise_postcode, read_service_points
from lis_qgis_plugin.core.io.table_files import TableError


@pytest.fixture(scope="module")
def nhs_sites(shared_data: Path) -> Path:
    return shared_data / "rutland" / "services" / "rutland_nhs_services_nhschoices_2014.csv"


def published(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_easting_northing_are_taken_as_british_national_grid(qgis_app: object, nhs_sites: Path) -> None:
    points = read_service_points(nhs_sites)
    rows = published(nhs_sites)
    assert len(points.xy) == len(rows) == 93 and points.crs == "EPSG:27700"
    assert points.how == "easting/northing (EPSG:27700)"
    for (x, y), row in zip(points.xy, rows):
        assert (x, y) == pytest.approx((float(row["easting"]), float(row["northing"])))


def test_lon_lat_are_reprojected_to_metres(qgis_app: object, nhs_sites: Path, tmp_path: Path) -> None:
    rows = published(nhs_sites)
    table = write_csv(tmp_path / "lonlat.csv", ["name", "lon", "lat"], [[r["name"], r["lon"], r["lat"]] for r in rows])
    points = read_service_points(table)
    assert points.how == "lon/lat (EPSG:4326)"
    for (x, y), row in zip(points.xy, rows):  # the published easting/northing, within a few metres
        assert abs(x - float(row["easting"])) < 5 and abs(y - float(row["northing"])) < 5


def test_postcodes_through_a_lookup_table(qgis_app: object, nhs_sites: Path, tmp_path: Path) -> None:
    rows = published(nhs_sites)
    lookup = write_csv(
        tmp_path / "postcodes.csv", ["pcds", "oseast1m", "osnrth1m"],
        [[r["postcode"], r["easting"], r["northing"]] for r in rows],
    )  # fmt: skip
    gp = [r for r in rows if r["category"] == "gp_surgery"]
    facilities = [[r["name"], r["postcode"].lower().replace(" ", "")] for r in gp] + [["Nowhere surgery", "ZZ9 9ZZ"]]
    table = write_csv(tmp_path / "gps.csv", ["Practice", "Postcode"], facilities)
    points = read_service_points(table, postcode_lookup=lookup)
    assert len(points.xy) == len(gp)
    for (x, y), row in zip(points.xy, gp):
        first = next(r for r in rows if normalise_postcode(r["postcode"]) == normalise_postcode(row["postcode"]))
        assert (x, y) == pytest.approx((float(first["easting"]), float(first["northing"])))
    assert points.skipped == [(len(gp) + 2, "postcode not in the lookup")]


def test_bad_tables_are_explained(qgis_app: object, tmp_path: Path, nhs_sites: Path) -> None:
    table = write_csv(tmp_path / "names.csv", ["name", "town"], [["Oakham surgery", "Oakham"]])
    with pytest.raises(TableError, match="no coordinate columns found .* The columns are: name, town"):
        read_service_points(table)
    with pytest.raises(TableError, match="choose a projected CRS in metres"):
        read_service_points(nhs_sites, target_crs="EPSG:4326")
    with pytest.raises(TableError, match="no postcode column"):
        read_service_points(table, postcode_lookup=nhs_sites)
