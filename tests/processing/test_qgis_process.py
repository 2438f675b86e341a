"""qgis_process sees the built plugin in a fresh profile, lists lis: algorithms and runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..support import open_layer, run_qgis_process


@pytest.mark.slow
def test_qgis_process_lists_lis_algorithms(qgis_process_env: dict[str, str]) -> None:
    listing = run_qgis_process(qgis_process_env, "list")
    assert listing.returncode == 0, listing.stderr
    assert "Local Information System" in listing.stdout
    assert "lis:createsample\tCreate sample district" in listing.stdout


@pytest.mark.slow
def test_qgis_process_runs_createsample(qgis_process_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "lisford"
    run = run_qgis_process(
        qgis_process_env, "run", "lis:createsample", "--", "SEED=7", "SMALL_AREAS=40", f"OUTPUT_FOLDER={out}"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"GEOPACKAGE:\t{out / 'lisford_sample.gpkg'}" in run.stdout
    assert open_layer(out / "lisford_sample.gpkg", "small_areas").featureCount() == 40
    assert (out / "lisford_health_indicators.xlsx").stat().st_size > 0


@pytest.mark.slow
def test_qgis_process_runs_joinindicators(qgis_process_env: dict[str, str], shared_data: Path, tmp_path: Path) -> None:
    """The README's example: IoD2019 (2011 LSOAs) onto Rutland's 2021 LSOAs through the best-fit lookup."""
    rutland = shared_data / "rutland"
    table = rutland / "deprivation" / "rutland_imd2019_file1.csv"
    out = tmp_path / "rutland_imd2019_on_lsoa21.gpkg"
    run = run_qgis_process(
        qgis_process_env, "run", "lis:joinindicators", "--",
        f"BOUNDARIES={rutland / 'boundaries' / 'rutland_lsoa21.geojson'}", f"TABLE={table}",
        f"LOOKUP={rutland / 'boundaries' / 'lookup_lsoa11_to_lsoa21_bestfit_derived.csv'}",
        f"OUTPUT={out}", f"REPORT={tmp_path / 'report.html'}",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "MATCHED:\t26" in run.stdout and "UNMATCHED_BOUNDARIES:\t0" in run.stdout
    assert "All 26 LSOA areas of 'rutland_lsoa21' matched" in run.stdout + run.stderr
    assert open_layer(out, "rutland_imd2019_on_lsoa21").featureCount() == 26
    assert (tmp_path / "report.json").exists()


@pytest.mark.slow
def test_qgis_process_runs_the_deprivation_tools(
    qgis_process_env: dict[str, str], shared_data: Path, tmp_path: Path
) -> None:
    """The README's Nottingham examples: national deciles styled, and the ward summary measures."""
    notts = shared_data / "nottingham"
    lsoas = notts / "deprivation" / "nottingham_lsoa11_imd2019.geojson"
    deciles = run_qgis_process(
        qgis_process_env, "run", "lis:deprivationmap", "--", f"INPUT={lsoas}", "FIELD=imd_rank", "METHOD=0",
        "NATIONAL_N=32844", f"OUTPUT={tmp_path / 'deciles.gpkg'}",
    )  # fmt: skip
    assert deciles.returncode == 0, deciles.stdout + deciles.stderr
    assert open_layer(tmp_path / "deciles.gpkg", "deciles").renderer().type() == "categorizedSymbol"
    summary = run_qgis_process(
        qgis_process_env, "run", "lis:deprivationsummary", "--", f"INPUT={lsoas}", "RANK_FIELD=imd_rank",
        "POPULATION_FIELD=pop_total_mid2015", f"TARGET={notts / 'boundaries' / 'nottingham_wards_2025.geojson'}",
        f"LOOKUP={notts / 'boundaries' / 'lookup_lsoa11_to_ward2025_bestfit_derived.csv'}",
        f"OUTPUT={tmp_path / 'wards.gpkg'}",
    )  # fmt: skip
    assert summary.returncode == 0, summary.stdout + summary.stderr
    assert "Hyson Green & Arboretum (E05012281): " in summary.stdout + summary.stderr
    assert open_layer(tmp_path / "wards.gpkg", "wards").featureCount() == 20
