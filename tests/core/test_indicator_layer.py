"""Stored indicators onto boundaries: published IoD values, "latest", the stored lookup, boundary sets, bad input.

Rutland's real IoD2025 (LSOA 2021) and IoD2019 (LSOA 2011) files go into a store with its 2021 LSOAs and the
LSOA 2011 -> 2021 lookup; every expected value is read from the published files with the csv module, and the
layers are compared with what ``join_indicators`` (lis:joinindicators' core) writes from the files themselves.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsFeatureRequest, QgsVectorLayer

from lis_qgis_plugin.core.indicators.join_indicators import join_indicators
from lis_qgis_plugin.core.indicators.metadata_store import read_indicator_metadata
from lis_qgis_plugin.core.io.table_files import TableError, read_raw_table
from lis_qgis_plugin.core.store.indicator_layer import indicator_layer, store_indicator_table
from lis_qgis_plugin.core.store.store_boundaries import add_boundary_set, boundary_sets
from lis_qgis_plugin.core.store.store_lookups import Edition, add_lookup, find_lookup, lookups
from lis_qgis_plugin.core.store.store_rows import fingertips_values, wide_column_values
from lis_qgis_plugin.core.store.store_schema import StoreError
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, IndicatorValue, add_values
from tests.support import SHARED_DATA, file_state, write_csv

RUTLAND = SHARED_DATA / "rutland"
IOD2025 = RUTLAND / "deprivation" / "rutland_imd2025_lsoa21.csv"
IOD2019 = RUTLAND / "deprivation" / "rutland_imd2019_file1.csv"
LSOA21 = RUTLAND / "boundaries" / "rutland_lsoa21.geojson"
LSOA11_TO_21 = RUTLAND / "boundaries" / "lookup_lsoa11_to_lsoa21_bestfit_derived.csv"
LSOA11_TO_WARD = RUTLAND / "boundaries" / "lookup_lsoa11_to_ward2025_bestfit_derived.csv"
IOD2025_COLUMNS = ("IMD_decile", "IMD_rank", "IMD_score")
IOD2019_COLUMNS = ("Index of Multiple Deprivation (IMD) Rank", "Index of Multiple Deprivation (IMD) Decile")


def published(path: Path) -> dict[str, dict[str, str]]:
    """Code (first column) -> its published row, read with csv."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        code = reader.fieldnames[0]
        return {row[code]: row for row in reader}


def layer_rows(uri: str, code_field: str) -> dict[str, dict[str, object]]:
    """Code -> attributes (fid left out) of a layer, read with QGIS."""
    layer = QgsVectorLayer(uri, "layer", "ogr")
    assert layer.isValid(), uri
    names = [name for name in layer.fields().names() if name != "fid"]
    request = QgsFeatureRequest().setFlags(Qgis.FeatureRequestFlag.NoGeometry)
    return {feature[code_field]: {name: feature[name] for name in names} for feature in layer.getFeatures(request)}


def field_types(uri: str) -> list[tuple[str, str]]:
    layer = QgsVectorLayer(uri, "layer", "ogr")
    return [(field.name(), field.typeName()) for field in layer.fields() if field.name() != "fid"]


def add_wide(
    store: Path, table: Path, code_column: str, columns: tuple[str, ...], prefix: str, edition: Edition
) -> None:
    """Each column of a published wide file as one indicator of the store (period: the IoD edition's year)."""
    raw = read_raw_table(table)
    for column in columns:
        entry = CatalogueEntry(
            f"{prefix}_{column.lower().replace(' ', '_').replace('(', '').replace(')', '')}",
            column,
            source=f"MHCLG, English Indices of Deprivation {prefix[-4:]}",
            licence="OGL v3.0",
            geography=edition.geography,
            vintage=edition.vintage,
            polarity="higher is better" if "rank" in column.lower() or "decile" in column.lower() else "",
        )
        add_values(store, entry, wide_column_values(raw, code_column, column, prefix[-4:]))


@pytest.fixture(scope="module")
def rutland_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rutland's IoD2025 and IoD2019, its 2021 LSOAs as the set 'LSOA 2021' and the 2011 -> 2021 lookup."""
    store = tmp_path_factory.mktemp("rutland_store") / "lis_store.gpkg"
    add_wide(store, IOD2025, "lsoa21_code", IOD2025_COLUMNS, "iod2025", Edition("LSOA", "2021"))
    add_wide(store, IOD2019, "LSOA code (2011)", IOD2019_COLUMNS, "iod2019", Edition("LSOA", "2011"))
    add_boundary_set(store, QgsVectorLayer(str(LSOA21), "lsoa21", "ogr"), "LSOA 2021")
    add_lookup(store, LSOA11_TO_21, Edition("LSOA", "2011"), Edition("LSOA", "2021"))
    return store


def test_published_iod2025_decile_rank_and_score_of_named_lsoas(rutland_store: Path, tmp_path: Path) -> None:
    rows = published(IOD2025)
    most_deprived = min(rows, key=lambda code: int(rows[code]["IMD_rank"]))
    named = [next(iter(rows)), most_deprived, max(rows, key=lambda code: float(rows[code]["IMD_score"]))]
    ids = ["iod2025_imd_decile", "iod2025_imd_rank", "iod2025_imd_score"]
    outcome = indicator_layer(rutland_store, ids, str(tmp_path / "iod.gpkg"), boundary_set_name="LSOA 2021")
    got = layer_rows(outcome.uri, "LSOA21CD")
    assert len(got) == 26 == len(rows)
    for code in named:
        assert got[code]["imd_decile"] == int(rows[code]["IMD_decile"])
        assert got[code]["imd_rank"] == int(rows[code]["IMD_rank"])
        assert got[code]["imd_score"] == pytest.approx(float(rows[code]["IMD_score"]))
    assert outcome.report.plan.matched_count == 26 and not outcome.report.plan.unmatched_boundaries
    stored = read_indicator_metadata(outcome.path, outcome.layer_name)
    assert {name: (item.name, item.period, item.polarity) for name, item in stored.items()} == {
        "imd_decile": ("IMD_decile", "2025", "higher is better"),
        "imd_rank": ("IMD_rank", "2025", "higher is better"),
        "imd_score": ("IMD_score", "2025", ""),
    }


def test_the_layer_is_what_join_indicators_writes_from_the_file(rutland_store: Path, tmp_path: Path) -> None:
    """Same boundaries, same values: the same fields, types and attributes as joining the published file."""
    boundaries = QgsVectorLayer(str(LSOA21), "lsoa21", "ogr")
    joined = join_indicators(boundaries, IOD2025, str(tmp_path / "joined.gpkg"), fields=list(IOD2025_COLUMNS))
    ids = ["iod2025_imd_decile", "iod2025_imd_rank", "iod2025_imd_score"]
    from_store = indicator_layer(rutland_store, ids, str(tmp_path / "store.gpkg"), boundaries=boundaries)
    assert field_types(from_store.uri) == field_types(joined.uri)
    assert layer_rows(from_store.uri, "LSOA21CD") == layer_rows(joined.uri, "LSOA21CD")
    file_metadata = read_indicator_metadata(joined.path, joined.layer_name)
    store_metadata = read_indicator_metadata(from_store.path, from_store.layer_name)
    assert {name: item.name for name, item in store_metadata.items()} == {
        name: item.name for name, item in file_metadata.items()
    }


def test_iod2019_goes_onto_2021_lsoas_through_the_stored_lookup(rutland_store: Path, tmp_path: Path) -> None:
    """The store's lookup converts as the LOOKUP file does in the join: the same value on every 2021 LSOA."""
    ids = ["iod2019_index_of_multiple_deprivation_imd_rank", "iod2019_index_of_multiple_deprivation_imd_decile"]
    outcome = indicator_layer(rutland_store, ids, str(tmp_path / "iod2019.gpkg"), boundary_set_name="LSOA 2021")
    boundaries = QgsVectorLayer(str(LSOA21), "lsoa21", "ogr")
    joined = join_indicators(
        boundaries, IOD2019, str(tmp_path / "joined.gpkg"), fields=list(IOD2019_COLUMNS), lookup=LSOA11_TO_21
    )
    got, expected = layer_rows(outcome.uri, "LSOA21CD"), layer_rows(joined.uri, "LSOA21CD")
    assert len(got) == 26 and outcome.report.plan.matched_count == 26
    assert got == expected
    # The 2011 LSOA E01013801 was split in 2021: each of its pieces carries its published rank.
    with LSOA11_TO_21.open(encoding="utf-8-sig", newline="") as handle:
        pieces = [row["LSOA21CD"] for row in csv.DictReader(handle) if row["LSOA11CD"] == "E01013801"]
    assert len(pieces) == 3
    rank = int(published(IOD2019)["E01013801"]["Index of Multiple Deprivation (IMD) Rank"])
    assert {got[piece]["index_of_multiple_deprivation_imd_rank"] for piece in pieces} == {rank}
    conversion = " ".join(outcome.report.plan.conversion)
    assert "lookup LSOA 2011 to LSOA 2021" in conversion and "E01013801 to 3" in conversion
    assert " ".join(joined.report.plan.conversion).split("):", 1)[1] == conversion.split("):", 1)[1]


def test_latest_picks_the_newest_of_two_periods_and_a_named_period_its_own(tmp_path: Path) -> None:
    """A Fingertips-shaped long table of two periods, the newest written first so file order cannot decide."""
    scores = {code: float(row["IMD_score"]) for code, row in published(IOD2025).items()}
    header = ["Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value"]
    rows = [
        ["90001", "Deprivation score", code, "Persons", "All ages", period, f"{value + shift:.3f}"]
        for period, shift in (("2022/23", 0.0), ("2021/22", 1.0))
        for code, value in scores.items()
    ]
    table = write_csv(tmp_path / "fingertips.csv", header, rows)
    store = tmp_path / "store.gpkg"
    entry = CatalogueEntry("90001", "Deprivation score", geography="LSOA", vintage="2021", unit="score")
    add_values(store, entry, fingertips_values(read_raw_table(table))["90001"])
    boundaries = QgsVectorLayer(str(LSOA21), "lsoa21", "ogr")
    latest = indicator_layer(store, ["90001"], str(tmp_path / "latest.gpkg"), period="Latest", boundaries=boundaries)
    older = indicator_layer(store, ["90001"], str(tmp_path / "older.gpkg"), period="2021/22", boundaries=boundaries)
    latest_rows, older_rows = layer_rows(latest.uri, "LSOA21CD"), layer_rows(older.uri, "LSOA21CD")
    assert {code: row["deprivation_score"] for code, row in latest_rows.items()} == pytest.approx(scores)
    assert {code: row["deprivation_score"] for code, row in older_rows.items()} == pytest.approx(
        {code: value + 1 for code, value in scores.items()}
    )
    assert read_indicator_metadata(latest.path, latest.layer_name)["deprivation_score"].period == "2022/23"
    assert read_indicator_metadata(older.path, older.layer_name)["deprivation_score"].unit == "score"


def test_a_breakdown_by_sex_gives_one_column_each_named_as_the_join_names_them(tmp_path: Path) -> None:
    scores = {code: float(row["IMD_score"]) for code, row in published(IOD2025).items()}
    header = ["Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value"]
    rows = [
        ["90002", "Score", code, sex, "All ages", "2023", f"{value + shift:.3f}"]
        for sex, shift in (("Male", 0.5), ("Female", -0.5))
        for code, value in scores.items()
    ]
    table = write_csv(tmp_path / "by_sex.csv", header, rows)
    store = tmp_path / "store.gpkg"
    add_values(store, CatalogueEntry("90002", "Score"), fingertips_values(read_raw_table(table))["90002"])
    built = store_indicator_table(store, ["90002"])
    assert [column.name for column in built.table.columns] == ["Score (Male)", "Score (Female)"]
    code = next(iter(scores))
    male = built.table.columns[0].values[built.table.codes.index(code)]
    assert male == pytest.approx(scores[code] + 0.5)


def test_boundary_sets_are_kept_in_the_store_by_name_and_replaced_not_repeated(tmp_path: Path) -> None:
    store = tmp_path / "store.gpkg"
    before = file_state(LSOA21)
    layer = QgsVectorLayer(str(LSOA21), "lsoa21", "ogr")
    first = add_boundary_set(store, layer, "LSOA 2021")
    again = add_boundary_set(store, layer, "LSOA 2021")
    assert file_state(LSOA21) == before
    assert (again.geography, again.vintage, again.code_field, again.name_field) == (
        "LSOA",
        "2021",
        "LSOA21CD",
        "LSOA21NM",
    )
    assert [entry.name for entry in boundary_sets(store)] == ["LSOA 2021"]
    assert first.table_name == again.table_name == "lis_boundaries_lsoa_2021"
    stored = QgsVectorLayer(f"{store}|layername={again.table_name}", "set", "ogr")
    assert stored.isValid() and stored.featureCount() == again.feature_count == 26
    assert sorted(layer_rows(stored.source(), "LSOA21CD")) == sorted(published(IOD2025))


def test_a_ward_lookup_finds_its_columns_and_re_adding_replaces_it(tmp_path: Path) -> None:
    store = tmp_path / "store.gpkg"
    with LSOA11_TO_WARD.open(encoding="utf-8-sig", newline="") as handle:
        pairs = {(row["LSOA11CD"], row["WD25CD"]) for row in csv.DictReader(handle)}
    stored = add_lookup(store, LSOA11_TO_WARD, Edition("LSOA", "2011"), Edition("ward", "2025"))
    add_lookup(store, LSOA11_TO_WARD, Edition("LSOA", "2011"), Edition("ward", "2025"))
    assert (stored.kind, stored.pairs, str(stored.source), str(stored.target)) == (
        "best-fit",
        len(pairs),
        "LSOA 2011",
        "ward 2025",
    )
    assert [(item.pairs, item.kind) for item in lookups(store)] == [(len(pairs), "best-fit")]
    lookup = find_lookup(store, Edition("lsoa", "2011"), Edition("Ward", "2025"))
    assert lookup is not None
    assert {(code, target) for code, targets in lookup.mapping.items() for target in targets} == pairs
    assert find_lookup(store, Edition("LSOA", "2011"), Edition("LSOA", "2021")) is None


def test_a_lookup_without_the_asked_geography_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="lookup_lsoa11_to_lsoa21_bestfit_derived.csv: no column of ward 2025"):
        add_lookup(tmp_path / "store.gpkg", LSOA11_TO_21, Edition("LSOA", "2011"), Edition("ward", "2025"))


@pytest.mark.parametrize(
    ("ids", "period", "boundary_set", "expected"),
    [
        (["nope"], "latest", "LSOA 2021", 'the indicator "nope" is not in the store; its indicators are '),
        (["iod2025_imd_rank"], "2030", "LSOA 2021", 'iod2025_imd_rank has no values for the period "2030"; its '),
        (["iod2025_imd_rank"], "latest", "LSOA 2031", 'there is no boundary set "LSOA 2031". Choose one of: LSOA'),
        ([], "latest", "LSOA 2021", "Choose at least one indicator of the store"),
    ],
)
def test_unknown_indicator_period_or_boundary_set_is_one_clear_sentence(
    rutland_store: Path, tmp_path: Path, ids: list[str], period: str, boundary_set: str, expected: str
) -> None:
    output = tmp_path / "out.gpkg"
    with pytest.raises(StoreError) as raised:
        indicator_layer(rutland_store, ids, str(output), period=period, boundary_set_name=boundary_set)
    message = str(raised.value)
    assert expected in message and "\n" not in message and message.endswith(".")
    assert not output.exists()


def test_indicators_of_two_editions_are_refused_together(rutland_store: Path, tmp_path: Path) -> None:
    ids = ["iod2025_imd_rank", "iod2019_index_of_multiple_deprivation_imd_rank"]
    with pytest.raises(StoreError, match="different geographies or vintages .*Make one layer per geography"):
        indicator_layer(rutland_store, ids, str(tmp_path / "out.gpkg"), boundary_set_name="LSOA 2021")


def test_an_indicator_of_unknown_vintage_goes_with_its_geography(rutland_store: Path, tmp_path: Path) -> None:
    """A local table whose codes do not tell the vintage maps beside IoD2025 (LSOA 2021); the layer is 2021's."""
    store = tmp_path / "store.gpkg"
    shutil.copyfile(rutland_store, store)
    rows = published(IOD2025)
    local = CatalogueEntry("local_health_score", "Local health score", geography="LSOA")  # no vintage known
    add_values(store, local, [IndicatorValue(code, "2024", float(row["Health_score"])) for code, row in rows.items()])
    ids = ["iod2025_imd_rank", "local_health_score"]
    outcome = indicator_layer(store, ids, str(tmp_path / "both.gpkg"), boundary_set_name="LSOA 2021")
    got = layer_rows(outcome.uri, "LSOA21CD")
    for code, row in rows.items():
        assert got[code]["imd_rank"] == int(row["IMD_rank"])
        assert got[code]["local_health_score"] == pytest.approx(float(row["Health_score"]))
    assert store_indicator_table(store, ids).edition == Edition("LSOA", "2021")
