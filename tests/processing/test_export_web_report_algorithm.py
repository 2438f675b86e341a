"""lis:exportwebreport: the web report of real Nottingham wards says what the printed profile (lis:exportatlas) says,
from the same store; refuses a folder in use; runs from qgis_process."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProject, QgsVectorLayer

from lis_qgis_plugin.plugin import LisPlugin

from ..support import (
    NOTTINGHAM,
    OLDER_PERIODS,
    LogFeedback,
    file_state,
    older_series,
    read_web_report,
    run_qgis_process,
    wilson,
)

WARDS = NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"


def run(algorithm: str, params: dict) -> dict:
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject())
    return processing.run(algorithm, params, context=context, feedback=LogFeedback())


@pytest.fixture(scope="module")
def ward_store(lis_plugin: LisPlugin, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, tuple, str]:
    """A store holding the five periods of Nottingham's 20 wards and England; the indicator's id."""
    folder = tmp_path_factory.mktemp("web_wards")
    wards, england = older_series(folder / "fingertips_older.csv")
    store = folder / "lis_store.gpkg"
    added = run("lis:addtostore", {"STORE": str(store), "TABLE": str(folder / "fingertips_older.csv")})
    return store, wards, england, added["INDICATORS"]


def test_aspleys_web_profile_says_what_its_printed_profile_says(ward_store: tuple, tmp_path: Path) -> None:
    store, wards, (england_older, england_total), indicator = ward_store
    before = file_state(store, WARDS)
    result = run("lis:exportwebreport", {"BOUNDARIES": str(WARDS), "STORE": str(store),
                                         "OUTPUT_FOLDER": str(tmp_path / "web")})  # fmt: skip
    assert result["INDEX_HTML"] == str(tmp_path / "web" / "index.html")
    assert result["DATA_BYTES"] == (tmp_path / "web" / "data.js").stat().st_size
    data = read_web_report(tmp_path / "web")
    assert data["title"] == "Nottingham ward profiles" and data["areaWord"] == "ward"
    assert data["district"] == {"code": "E06000018", "name": "Nottingham"} and len(data["areas"]) == 20
    (described,) = data["indicators"]
    assert (
        described["id"] == indicator and described["periods"] == list(OLDER_PERIODS) and described["latest"] == "2015"
    )
    name, older, total = wards["E05012270"]
    assert name == "Aspley"
    value, low, high, low998, high998, count, denominator = data["values"][indicator]["2015"]["E05012270"]
    assert (count, denominator) == (older, total) and value == pytest.approx(100 * older / total, abs=1e-6)
    assert (low, high) == (pytest.approx(100 * wilson(older, total, 1.959964)[0], abs=1e-6),
                           pytest.approx(100 * wilson(older, total, 1.959964)[1], abs=1e-6))  # fmt: skip
    assert data["values"][indicator]["2011"]["E05012270"][5] == round(older * 0.84)
    row = data["profiles"]["E05012270"]["rows"][indicator]
    assert row["flag"] == "lower (99.8%)" and row["significance"] == "lower" and row["trend"] == "increasing"
    assert row["trendPeriods"] == list(OLDER_PERIODS)
    # The district: the wards' counts over their denominators, with Wilson limits; England its own row.
    district_older, district_total = (sum(ward[i] for ward in wards.values()) for i in (1, 2))
    compared = data["comparators"][indicator]["2015"]
    d_low, d_high = wilson(district_older, district_total, 1.959964)
    assert compared["district"] == [pytest.approx(100 * district_older / district_total),
                                    pytest.approx(100 * d_low), pytest.approx(100 * d_high)]  # fmt: skip
    assert compared["districtMethod"].startswith("sum of the counts over the sum of the denominators")
    assert compared["england"] == pytest.approx(100 * england_older / england_total, abs=1e-6)
    assert "England: England's rows (E92000001) in the indicator store." in data["notes"]
    assert "Nottingham: sum of the counts over the sum of the denominators the source gives for the 20 wards" in (
        " ".join(data["notes"])
    )
    assert str(store.parent) not in (tmp_path / "web" / "data.js").read_text(encoding="utf-8")  # no local path
    # The printed profile of the same store: the same headline, word for word.
    layer = run("lis:indicatorlayer", {"STORE": str(store), "INDICATORS": indicator, "BOUNDARIES": str(WARDS),
                                       "OUTPUT": str(tmp_path / "wards.gpkg")})  # fmt: skip
    (share,) = [field for field in QgsVectorLayer(layer["OUTPUT"], "j", "ogr").fields().names() if "60" in field]
    run("lis:exportatlas", {"COVERAGE": layer["OUTPUT"], "INDICATORS": [share], "STORE": str(store),
                            "OUTPUT_PDF": str(tmp_path / "older.pdf")})  # fmt: skip
    atlas = QgsVectorLayer(f"{tmp_path / 'older_atlas.gpkg'}|layername=pages", "atlas", "ogr")
    printed = {feature["atlas_code"]: feature["atlas_headline"] for feature in atlas.getFeatures()}
    assert printed["E05012270"].startswith("Aspley is significantly lower than England on its one indicator.")
    assert {code: profile["headline"] for code, profile in data["profiles"].items()} == printed
    assert file_state(store, WARDS) == before


def test_a_folder_in_use_is_refused_by_name(ward_store: tuple, tmp_path: Path) -> None:
    store = ward_store[0]
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="OUTPUT_FOLDER: .*web already exists and is not empty"):
        run("lis:exportwebreport", {"BOUNDARIES": str(WARDS), "STORE": str(store),
                                    "OUTPUT_FOLDER": str(tmp_path / "web")})  # fmt: skip
    assert [path.name for path in (tmp_path / "web").iterdir()] == ["notes.txt"]
    with pytest.raises(QgsProcessingException, match="INDICATORS: .* has no indicator nothing.here"):
        run("lis:exportwebreport", {"BOUNDARIES": str(WARDS), "STORE": str(store), "INDICATORS": "nothing.here",
                                    "OUTPUT_FOLDER": str(tmp_path / "other")})  # fmt: skip
    assert sorted(path.name for path in tmp_path.iterdir()) == ["web"]


@pytest.mark.slow
def test_qgis_process_writes_the_web_report(
    qgis_process_env: dict[str, str], ward_store: tuple, tmp_path: Path
) -> None:
    store, _, _, indicator = ward_store
    out = tmp_path / "report"
    done = run_qgis_process(
        qgis_process_env, "run", "lis:exportwebreport", "--", f"BOUNDARIES={WARDS}", f"STORE={store}",
        f"INDICATORS={indicator}", "TITLE=Older residents by ward", f"OUTPUT_FOLDER={out}",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"INDEX_HTML:\t{out / 'index.html'}" in done.stdout
    assert sorted(path.name for path in out.iterdir()) == ["data.js", "index.html", "lis-report.css", "lis-report.js"]
    data = read_web_report(out)
    assert data["title"] == "Older residents by ward" and len(data["areas"]) == 20
    assert data["profiles"]["E05012270"]["rows"][indicator]["flag"] == "lower (99.8%)"
