"""Field names kept to 40 characters: the full text survives as the alias, and the log says which were cut.

On a real table: IoD2019 File 6 (population denominators) for Rutland, whose headers such as
'Total population: mid 2015 (excluding prisoners)' are longer than a GeoPackage field name LIS writes.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsVectorLayer

from lis_qgis_plugin.core.aggregation.aggregate_indicators import aggregate_indicators
from lis_qgis_plugin.core.aggregation.aggregation import Measure
from lis_qgis_plugin.core.indicators.join_indicators import join_indicators
from lis_qgis_plugin.core.io.layer_output import (
    MAX_FIELD_NAME,
    safe_field_names,
    shortened_field_notes,
)

from ..support import csv_rows, features_by_code

TOTAL = "Total population: mid 2015 (excluding prisoners)"
TOTAL_FIELD = "total_population_mid_2015_excluding_pris"
WORKING_AGE = "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)"


def test_only_names_cut_to_the_limit_are_reported() -> None:
    originals = [TOTAL, "LSOA name (2011)", "Crime Rank", "crime rank", "x" * 45, "y" * 45]
    names = safe_field_names(originals, taken=["crime_rank"])
    assert names[:4] == [TOTAL_FIELD, "lsoa_name_2011", "crime_rank_2", "crime_rank_3"]
    assert names[4] == "x" * MAX_FIELD_NAME and names[5] == "y" * MAX_FIELD_NAME
    notes = shortened_field_notes(originals, names)
    assert notes == [
        f"Field '{TOTAL}' is stored as '{TOTAL_FIELD}' (GeoPackage field names are kept to 40 characters); its full "
        "name is the alias.",
        f"Field '{'x' * 45}' is stored as '{'x' * 40}' (GeoPackage field names are kept to 40 characters); its full "
        "name is the alias.",
        f"Field '{'y' * 45}' is stored as '{'y' * 40}' (GeoPackage field names are kept to 40 characters); its full "
        "name is the alias.",
    ]  # numbered ('crime_rank_2') or normalised ('lsoa_name_2011') names are not cut


def test_a_join_keeps_long_headers_as_aliases_and_says_which_were_cut(shared_data: Path, tmp_path: Path) -> None:
    rutland = shared_data / "rutland"
    table = rutland / "population" / "rutland_iod2019_file6_population_denominators.csv"
    boundaries = QgsVectorLayer(str(rutland / "boundaries" / "rutland_lsoa11.geojson"), "rutland_lsoa11", "ogr")
    outcome = join_indicators(boundaries, table, str(tmp_path / "population.gpkg"))
    layer = QgsVectorLayer(outcome.uri, "joined", "ogr")
    fields = {field.name(): field.alias() for field in layer.fields()}
    assert fields[TOTAL_FIELD] == TOTAL
    assert fields["working_age_population_18_59_64_for_use"] == WORKING_AGE  # cut, and no trailing '_'
    log = outcome.report.log_lines()
    assert (
        f"Field '{TOTAL}' is stored as '{TOTAL_FIELD}' (GeoPackage field names are kept to 40 characters); its full "
        "name is the alias." in log
    )
    cut = [line.split("' is stored as '")[1].split("'")[0] for line in log if "kept to 40 characters" in line]
    assert cut == [
        TOTAL_FIELD, "dependent_children_aged_0_15_mid_2015_ex", "population_aged_16_59_mid_2015_excluding",
        "older_population_aged_60_and_over_mid_20", "working_age_population_18_59_64_for_use",
    ]  # fmt: skip
    assert "Field 'Local Authority District name (2019)'" not in " ".join(log)  # 34 characters: not cut
    # The values arrive under the short name: Oakham's E01013787 (Rutland 005A) as published.
    published = {row["LSOA code (2011)"]: row for row in csv_rows(table)}
    joined = features_by_code(outcome.uri, "LSOA11CD")
    assert joined["E01013787"][TOTAL_FIELD] == int(published["E01013787"][TOTAL].replace(",", ""))


def test_an_aggregate_of_a_cut_field_says_so_and_its_alias_names_it_in_full(shared_data: Path, tmp_path: Path) -> None:
    rutland = shared_data / "rutland"
    table = rutland / "population" / "rutland_iod2019_file6_population_denominators.csv"
    boundaries = QgsVectorLayer(str(rutland / "boundaries" / "rutland_lsoa11.geojson"), "rutland_lsoa11", "ogr")
    joined = join_indicators(boundaries, table, str(tmp_path / "population.gpkg"))
    areas = QgsVectorLayer(joined.uri, "population", "ogr")
    wards = QgsVectorLayer(str(rutland / "boundaries" / "rutland_wards_2025.geojson"), "wards", "ogr")
    outcome = aggregate_indicators(
        areas, wards, str(tmp_path / "wards.gpkg"), [Measure(TOTAL_FIELD, "sum"), Measure(TOTAL_FIELD, "max")]
    )
    layer = QgsVectorLayer(outcome.uri, "wards", "ogr")
    aliases = {field.name(): field.alias() for field in layer.fields()}
    assert TOTAL_FIELD in aliases and f"{TOTAL_FIELD[:38]}_2" in aliases  # '_sum' and '_max' cut to 40
    assert TOTAL in aliases[TOTAL_FIELD] and TOTAL in aliases[f"{TOTAL_FIELD[:38]}_2"]
    lines = [line.text for line in outcome.log]
    assert (
        f"Field '{TOTAL_FIELD}_sum' is stored as '{TOTAL_FIELD}' (GeoPackage field names are kept to 40 characters); "
        "its full name is the alias." in lines
    )
    assert f"Field '{TOTAL_FIELD}_max' is stored as '{TOTAL_FIELD[:38]}_2'" in " ".join(lines)
    total = sum(feature[TOTAL_FIELD] for feature in areas.getFeatures())
    assert sum(feature[TOTAL_FIELD] for feature in layer.getFeatures()) == total  # every LSOA in one ward


def test_the_decile_map_and_the_composite_index_say_which_of_their_names_were_cut(
    shared_data: Path, tmp_path: Path
) -> None:
    """Their new fields are named after the field they read ('<field>_class', 'contrib_<field>'): cut when it is
    long, with an alias naming it, and said in the log."""
    from lis_qgis_plugin.core.deprivation.composite_index import composite_index
    from lis_qgis_plugin.core.deprivation.deprivation_map import deprivation_map

    rutland = shared_data / "rutland"
    table = rutland / "population" / "rutland_iod2019_file6_population_denominators.csv"
    boundaries = QgsVectorLayer(str(rutland / "boundaries" / "rutland_lsoa11.geojson"), "rutland_lsoa11", "ogr")
    joined = QgsVectorLayer(join_indicators(boundaries, table, str(tmp_path / "population.gpkg")).uri, "p", "ogr")
    mapped = deprivation_map(joined, TOTAL_FIELD, "quantile", str(tmp_path / "map.gpkg"), classes=4)
    aliases = {field.name(): field.alias() for field in QgsVectorLayer(mapped.uri, "m", "ogr").fields()}
    lines = " ".join(line.text for line in mapped.log)
    cut = [name for name in aliases if name.startswith(TOTAL_FIELD[:30]) and name != TOTAL_FIELD]
    assert len(cut) == 2 and all(len(name) <= 40 for name in cut)  # '_class' and '_class_label', cut and numbered
    assert all(TOTAL_FIELD in aliases[name] for name in cut)
    assert all(f"is stored as '{name}' (GeoPackage field names are kept to 40 characters)" in lines for name in cut)
    older = "older_population_aged_60_and_over_mid_20"
    composite = composite_index(joined, str(tmp_path / "composite.gpkg"), [TOTAL_FIELD, older])
    text = " ".join(line.text for line in composite.log)
    assert f"Field 'contrib_{TOTAL_FIELD}' is stored as 'contrib_{TOTAL_FIELD[:32]}'" in text
    assert f"Field 'contrib_{older}' is stored as 'contrib_{older[:32]}'" in text
    contributions = {f.name(): f.alias() for f in QgsVectorLayer(composite.uri, "c", "ogr").fields()}
    assert contributions[f"contrib_{older[:32]}"] == f"Contribution of {older} to the composite score"
