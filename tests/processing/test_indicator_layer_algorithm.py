"""lis:addboundaryset, lis:addlookup and lis:indicatorlayer through Processing, on Rutland's real IoD files.

The store's values are added with the core (lis:addtostore is another tool's test); boundaries, lookup and
layer go through Processing as the toolbox runs them, and the layer is taken by lis:deprivationmap unchanged.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProject

from lis_qgis_plugin.core.io.table_files import read_raw_table
from lis_qgis_plugin.core.store.store_rows import wide_column_values
from lis_qgis_plugin.core.store.store_schema import StoreError
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, add_values, values_at
from tests.support import SHARED_DATA, LogFeedback, features_by_code, field_with_alias, run_join

RUTLAND = SHARED_DATA / "rutland"
IOD2025 = RUTLAND / "deprivation" / "rutland_imd2025_lsoa21.csv"
IOD2019 = RUTLAND / "deprivation" / "rutland_imd2019_file1.csv"
LSOA21 = RUTLAND / "boundaries" / "rutland_lsoa21.geojson"
LSOA11_TO_21 = RUTLAND / "boundaries" / "lookup_lsoa11_to_lsoa21_bestfit_derived.csv"
IOD2019_RANK = "Index of Multiple Deprivation (IMD) Rank"


def run(algorithm: str, **parameters: object) -> tuple[dict, LogFeedback]:
    """Run a lis algorithm through Processing, as the toolbox and qgis_process do."""
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(algorithm, parameters, context=context, feedback=feedback), feedback


def published(path: Path) -> dict[str, dict[str, str]]:
    """Code (first column) -> its published row, read with csv."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        code = reader.fieldnames[0]
        return {row[code]: row for row in reader}


@pytest.fixture(scope="module")
def store(lis_plugin: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """IoD2025 rank and decile (LSOA 2021), IoD2019 rank (LSOA 2011), the 2021 LSOAs and the 2011 -> 2021 lookup."""
    path = tmp_path_factory.mktemp("store") / "lis_store.gpkg"
    iod2025, iod2019 = read_raw_table(IOD2025), read_raw_table(IOD2019)
    for column in ("IMD_rank", "IMD_decile"):
        entry = CatalogueEntry(f"iod2025_{column.lower()}", column, geography="LSOA", vintage="2021")
        add_values(path, entry, wide_column_values(iod2025, "lsoa21_code", column, "2025"))
    entry = CatalogueEntry("iod2019_imd_rank", IOD2019_RANK, geography="LSOA", vintage="2011")
    add_values(path, entry, wide_column_values(iod2019, "LSOA code (2011)", IOD2019_RANK, "2019"))
    result, feedback = run("lis:addboundaryset", STORE=str(path), BOUNDARIES=str(LSOA21), NAME="LSOA 2021")
    assert (result["FEATURES"], result["TABLE"]) == (26, "lis_boundaries_lsoa_2021")
    assert "26 LSOA 2021 areas (codes in LSOA21CD)" in feedback.text
    result, feedback = run("lis:addlookup", STORE=str(path), LOOKUP=str(LSOA11_TO_21), FROM_VINTAGE="2011")
    assert result["PAIRS"] == 26
    assert "Lookup LSOA 2011 to LSOA 2021 (best-fit): 26 code pairs stored." in feedback.text
    return path


def test_the_layer_of_the_published_iod2025_is_mapped_by_deprivationmap(store: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result, feedback = run(
        "lis:indicatorlayer",
        STORE=str(store),
        INDICATORS="iod2025_imd_rank, iod2025_imd_decile",
        BOUNDARY_SET="LSOA 2021",
        OUTPUT=str(tmp_path / "iod.gpkg"),
        REPORT=str(report),
    )
    assert (result["MATCHED"], result["UNMATCHED_BOUNDARIES"]) == (26, 0)
    assert "All 26 LSOA areas of 'LSOA 2021' matched" in feedback.text
    assert "All 26 LSOA areas" in report.read_text(encoding="utf-8")
    rows = published(IOD2025)
    got = features_by_code(result["OUTPUT"], "LSOA21CD")
    assert {code: (row["imd_rank"], row["imd_decile"]) for code, row in got.items()} == {
        code: (int(row["IMD_rank"]), int(row["IMD_decile"])) for code, row in rows.items()
    }
    mapped, _ = run(
        "lis:deprivationmap", INPUT=result["OUTPUT"], FIELD="imd_rank", METHOD=0, OUTPUT=str(tmp_path / "m.gpkg")
    )
    classes = features_by_code(mapped["OUTPUT"], "LSOA21CD")
    assert {code: row["imd_rank_class"] for code, row in classes.items()} == {
        code: int(row["IMD_decile"]) for code, row in rows.items()
    }


def test_iod2019_on_2021_lsoas_matches_joinindicators_with_the_same_lookup_file(store: Path, tmp_path: Path) -> None:
    result, feedback = run(
        "lis:indicatorlayer",
        STORE=str(store),
        INDICATORS="iod2019_imd_rank",
        PERIOD="2019",
        BOUNDARIES=str(LSOA21),
        OUTPUT=str(tmp_path / "iod2019.gpkg"),
    )
    joined, _ = run_join(
        BOUNDARIES=str(LSOA21),
        TABLE=str(IOD2019),
        FIELDS=IOD2019_RANK,
        LOOKUP=str(LSOA11_TO_21),
        OUTPUT=str(tmp_path / "joined.gpkg"),
    )
    field = "index_of_multiple_deprivation_imd_rank"
    got = {code: row[field] for code, row in features_by_code(result["OUTPUT"], "LSOA21CD").items()}
    expected = {code: row[field] for code, row in features_by_code(joined["OUTPUT"], "LSOA21CD").items()}
    assert got == expected and len(got) == 26 and None not in got.values()
    assert result["MATCHED"] == joined["MATCHED"] == 26
    assert "lookup LSOA 2011 to LSOA 2021" in feedback.text and "E01013801 to 3" in feedback.text


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({"INDICATORS": "missing_id", "BOUNDARY_SET": "LSOA 2021"}, 'the indicator "missing_id" is not in the store'),
        ({"INDICATORS": "iod2025_imd_rank", "BOUNDARY_SET": "Wards"}, 'there is no boundary set "Wards"'),
        ({"INDICATORS": "iod2025_imd_rank", "PERIOD": "2024", "BOUNDARY_SET": "LSOA 2021"}, 'period "2024"; its'),
        ({"INDICATORS": "iod2025_imd_rank"}, "Choose the boundaries: either a boundary set of the store"),
    ],
)
def test_bad_choices_are_refused_in_one_sentence(
    store: Path, tmp_path: Path, parameters: dict[str, str], expected: str
) -> None:
    with pytest.raises(QgsProcessingException) as raised:
        run("lis:indicatorlayer", STORE=str(store), OUTPUT=str(tmp_path / "out.gpkg"), **parameters)
    message = str(raised.value)
    assert expected in message and "\n" not in message and "Traceback" not in message
    assert not (tmp_path / "out.gpkg").exists()


FINGERTIPS_HEADER = [
    "Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count",
    "Denominator", "Value note",
]  # fmt: skip


def fingertips_scores(path: Path, sexes: tuple[str, ...] = ("Persons",)) -> Path:
    """A Fingertips-shaped long table of Rutland's published IoD2025 IMD scores in three periods, written newest
    first as Fingertips does: 2025 as published, each year back one point higher, with limits; per sex given
    (after the first, each a quarter point lower)."""
    rows = []
    for back, period in enumerate(("2025", "2024", "2023")):
        for shift, sex in enumerate(sexes):
            for code, row in published(IOD2025).items():
                value = float(row["IMD_score"]) + back - shift / 4
                rows.append([
                    "90640", "Deprivation score (IMD)", code, sex, "All ages", period,
                    f"{value:.3f}", f"{value - 1:.3f}", f"{value + 1:.3f}", f"{value - 2:.3f}", f"{value + 2:.3f}",
                    "", "", "",
                ])  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([FINGERTIPS_HEADER, *rows])
    return path


def test_a_fingertips_table_added_then_mapped_gives_the_newest_period(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store.gpkg"
    shutil.copyfile(store, copy)
    added, _ = run("lis:addtostore", STORE=str(copy), TABLE=str(fingertips_scores(tmp_path / "fingertips.csv")))
    assert added["INDICATORS"] == "fingertips.90640" and added["ADDED"] == 3 * 26
    assert values_at(copy, "fingertips.90640") == {  # one sex and age: the default needs no naming
        code: pytest.approx(float(row["IMD_score"])) for code, row in published(IOD2025).items()
    }
    result, feedback = run(
        "lis:indicatorlayer",
        STORE=str(copy),
        INDICATORS="fingertips.90640",
        BOUNDARY_SET="LSOA 2021",
        OUTPUT=str(tmp_path / "scores.gpkg"),
    )
    assert result["MATCHED"] == 26 and "fingertips.90640 (2025)" in feedback.text
    field = field_with_alias(result["OUTPUT"], "Deprivation score (IMD)")
    got = {code: row[field] for code, row in features_by_code(result["OUTPUT"], "LSOA21CD").items()}
    assert got == {code: pytest.approx(float(row["IMD_score"])) for code, row in published(IOD2025).items()}


def test_a_fingertips_table_of_two_sexes_gives_one_column_each(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store.gpkg"
    shutil.copyfile(store, copy)
    table = fingertips_scores(tmp_path / "by_sex.csv", ("Male", "Female"))
    added, _ = run("lis:addtostore", STORE=str(copy), TABLE=str(table))
    assert added["ADDED"] == 3 * 2 * 26
    with pytest.raises(StoreError, match=r"several sexes or ages in 2025 \(Female, All ages; Male, All ages\)"):
        values_at(copy, "fingertips.90640")
    assert values_at(copy, "fingertips.90640", sex="Female")["E01013787"] == pytest.approx(
        float(published(IOD2025)["E01013787"]["IMD_score"]) - 0.25
    )
    result, _ = run(
        "lis:indicatorlayer",
        STORE=str(copy),
        INDICATORS="fingertips.90640",
        BOUNDARY_SET="LSOA 2021",
        OUTPUT=str(tmp_path / "by_sex.gpkg"),
    )
    male = field_with_alias(result["OUTPUT"], "Deprivation score (IMD) (Male)")
    female = field_with_alias(result["OUTPUT"], "Deprivation score (IMD) (Female)")
    for code, row in features_by_code(result["OUTPUT"], "LSOA21CD").items():
        score = float(published(IOD2025)[code]["IMD_score"])
        assert (row[male], row[female]) == (pytest.approx(score), pytest.approx(score - 0.25))
