"""The whole chain from a GeoPackage store made of real files: lis:addtostore (Rutland's IoD2019 File 1, File 6
and IoD2025), lis:addboundaryset (its LSOAs of 2011 and 2021), lis:indicatorlayer, then lis:deprivationsummary
and lis:exportatlas taking the store's layers unchanged, as they take a joined file's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProject

from tests.support import SHARED_DATA, LogFeedback, csv_rows, features_by_code, field_with_alias, pdf_pages

RUTLAND = SHARED_DATA / "rutland"
IOD2019 = RUTLAND / "deprivation" / "rutland_imd2019_file1.csv"
POPULATION = RUTLAND / "population" / "rutland_iod2019_file6_population_denominators.csv"
IOD2025 = RUTLAND / "deprivation" / "rutland_imd2025_lsoa21.csv"
LSOA11 = RUTLAND / "boundaries" / "rutland_lsoa11.geojson"
LSOA21 = RUTLAND / "boundaries" / "rutland_lsoa21.geojson"
WARDS = RUTLAND / "boundaries" / "rutland_wards_2025.geojson"
RANK = "iod2019.index_of_multiple_deprivation_imd_rank"
RESIDENTS = "iod2019.total_population_mid_2015_excluding_prisoners"
SCORES = ("iod2025.imd_score", "iod2025.income_score", "iod2025.health_score")


def run(algorithm: str, **parameters: object) -> tuple[dict, LogFeedback]:
    """Run a lis algorithm through Processing, as the toolbox and qgis_process do."""
    import processing

    feedback = LogFeedback()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(algorithm, parameters, context=context, feedback=feedback), feedback


@pytest.fixture(scope="module")
def store(lis_plugin: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rutland's store, filled from the published files with the toolbox's own tools."""
    path = tmp_path_factory.mktemp("end_to_end") / "rutland_store.gpkg"
    ranks, _ = run("lis:addtostore", STORE=str(path), TABLE=str(IOD2019))
    assert ranks["INDICATORS"].split(",")[0] == RANK and ranks["ADDED"] == 2 * 23
    residents, _ = run(
        "lis:addtostore",
        STORE=str(path),
        TABLE=str(POPULATION),
        FIELDS="Total population: mid 2015 (excluding prisoners)",
    )
    assert residents["INDICATORS"] == RESIDENTS and residents["ADDED"] == 23
    scores, _ = run("lis:addtostore", STORE=str(path), TABLE=str(IOD2025), FIELDS="IMD_score;Income_score;Health_score")
    assert scores["INDICATORS"] == ",".join(SCORES) and scores["ADDED"] == 3 * 26
    for boundaries, name in ((LSOA11, "LSOA 2011"), (LSOA21, "LSOA 2021")):
        result, _ = run("lis:addboundaryset", STORE=str(path), BOUNDARIES=str(boundaries), NAME=name)
        assert result["FEATURES"] == (23 if name == "LSOA 2011" else 26)
    return path


def test_the_summary_of_wards_from_the_store_equals_the_summary_from_the_published_layer(
    store: Path, tmp_path: Path
) -> None:
    layer, _ = run(
        "lis:indicatorlayer",
        STORE=str(store),
        INDICATORS=f"{RANK},{RESIDENTS}",
        BOUNDARY_SET="LSOA 2011",
        OUTPUT=str(tmp_path / "lsoa11.gpkg"),
    )
    assert layer["MATCHED"] == 23 and layer["UNMATCHED_BOUNDARIES"] == 0
    rank = field_with_alias(layer["OUTPUT"], "Index of Multiple Deprivation (IMD) Rank")
    residents = field_with_alias(layer["OUTPUT"], "Total population: mid 2015 (excluding prisoners)")
    from_store, _ = run(
        "lis:deprivationsummary",
        INPUT=layer["OUTPUT"],
        RANK_FIELD=rank,
        POPULATION_FIELD=residents,
        TARGET=str(WARDS),
        OUTPUT=str(tmp_path / "from_store.gpkg"),
    )
    from_file, _ = run(
        "lis:deprivationsummary",
        INPUT=str(RUTLAND / "deprivation" / "rutland_lsoa11_imd2019.geojson"),
        RANK_FIELD="imd_rank",
        POPULATION_FIELD="pop_total_mid2015",
        TARGET=str(WARDS),
        OUTPUT=str(tmp_path / "from_file.gpkg"),
    )
    got, expected = (features_by_code(result["OUTPUT"], "WD25CD") for result in (from_store, from_file))
    assert len(got) == 15 and got.keys() == expected.keys()
    measures = ("n_lsoas", "population", "avg_rank", "prop_lsoas_most_deprived_10", "pop_share_most_deprived_10")
    for code, row in got.items():
        assert {name: row[name] for name in measures} == pytest.approx(
            {name: expected[code][name] for name in measures}
        )
    published = sum(
        int(row["Total population: mid 2015 (excluding prisoners)"].replace(",", "")) for row in csv_rows(POPULATION)
    )
    assert sum(row["population"] for row in got.values()) == pytest.approx(published)


def test_the_atlas_of_a_store_layer_prints_the_published_values(store: Path, tmp_path: Path) -> None:
    layer, _ = run(
        "lis:indicatorlayer",
        STORE=str(store),
        INDICATORS=",".join(SCORES),
        BOUNDARY_SET="LSOA 2021",
        OUTPUT=str(tmp_path / "lsoa21.gpkg"),
    )
    score = field_with_alias(layer["OUTPUT"], "IMD_score")
    atlas, _ = run(
        "lis:exportatlas",
        COVERAGE=layer["OUTPUT"],
        INDICATORS=[score, field_with_alias(layer["OUTPUT"], "Income_score")],
        OUTPUT_PDF=str(tmp_path / "profiles.pdf"),
    )
    assert atlas["PAGES"] == 26 and atlas["FAILED_PAGES"] == 0
    pages = pdf_pages(Path(atlas["OUTPUT_PDF"]))
    published = {row["lsoa21_code"]: float(row["IMD_score"]) for row in csv_rows(IOD2025)}
    district = sum(published.values()) / len(published)
    for code in ("E01013787", "E01013788", "E01035104"):  # E01035104: an LSOA the 2021 Census created
        (page,) = [page for page in pages if f"LSOA profile · Rutland · {code}" in page]
        row = next(line for line in page.splitlines() if re.match(r"\s*IMD_score\s+\d", line))
        area, mean = (float(text) for text in re.findall(r"\d+\.\d+", row)[:2])
        assert area == pytest.approx(published[code], abs=0.005) and mean == pytest.approx(district, abs=0.005)
        assert "score · 2025 · higher is worse" in page  # the store's catalogue: unit, period and polarity
    assert "Sources: MHCLG, English Indices of Deprivation 2025 (2025)." in pages[0]
    assert "Rutland: mean of the 26 LSOAs, not weighted by population." in pages[0]
