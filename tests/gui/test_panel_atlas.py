"""The Atlas page on real Nottingham wards: only indicator fields offered, and a PDF named after the profiles' title."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from qgis.core import QgsProcessingContext, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, Qt

from lis_qgis_plugin.gui.lis_dock import LisDockWidget

from ..support import NOTTINGHAM, OLDER_NAME, SHARED_DATA, LogFeedback, older_series, read_web_report
from .panel_support import wait_for_run

#: Fields of the ONS ward boundaries and of the GeoPackage that are numbers but not indicators.
TECHNICAL = {"fid", "BNG_E", "BNG_N", "LONG", "LAT"}
#: What lis:deprivationsummary adds to the wards (with IoD2019 ranks and no score): the indicators to offer.
MEASURES = ["n_lsoas", "population", "avg_rank", "prop_lsoas_most_deprived_10", "pop_share_most_deprived_10",
            "extent", "local_concentration", *[f"decile_{d}" for d in range(1, 11)]]  # fmt: skip


@pytest.fixture()
def summary_layer(panel: LisDockWidget, project: QgsProject, tmp_path: Path) -> QgsVectorLayer:
    """Nottingham's 2025 wards with the IoD2019 summary measures of their LSOAs, added to the project."""
    import processing

    root = SHARED_DATA / "nottingham"
    result = processing.run(
        "lis:deprivationsummary",
        {
            "INPUT": str(root / "deprivation" / "nottingham_lsoa11_imd2019.geojson"),
            "RANK_FIELD": "imd_rank",
            "POPULATION_FIELD": "pop_total_mid2015",
            "TARGET": str(root / "boundaries" / "nottingham_wards_2025.geojson"),
            "OUTPUT": f"{tmp_path / 'summary.gpkg'}|layername=summary",
        },
        context=QgsProcessingContext(),
        feedback=LogFeedback(),
    )
    layer = QgsVectorLayer(result["OUTPUT"], "Deprivation summary GeoPackage", "ogr")
    assert layer.isValid() and set(layer.fields().names()) >= TECHNICAL
    project.addMapLayer(layer)
    return layer


def offered(panel: LisDockWidget) -> list[str]:
    page = panel.page("atlas")
    return [page.indicators.item(row).data(Qt.ItemDataRole.UserRole) for row in range(page.indicators.count())]


def test_only_indicator_fields_are_offered(panel: LisDockWidget, summary_layer: QgsVectorLayer, tmp_path: Path) -> None:
    page = panel.page("atlas")
    page.use_layer(summary_layer)
    assert offered(panel) == MEASURES  # no fid, BNG_E, BNG_N, LONG, LAT; the codes and names are text
    labels = [page.indicators.item(row).text() for row in range(page.indicators.count())]
    assert labels[3] == "Proportion of LSOAs in England's most deprived 10%"  # the alias, as the page prints it
    assert page.indicators.item(3).toolTip() == f"{labels[3]} (prop_lsoas_most_deprived_10)"  # whole, when cut
    # A second Atlas page on its own, as wide as the dock: looked at by hand when the page changes.
    from lis_qgis_plugin.gui.pages.atlas_page import AtlasPage

    alone = AtlasPage(panel)
    alone.use_layer(summary_layer)
    alone.resize(380, 760)
    alone.show()
    QCoreApplication.processEvents()
    shot = tmp_path / "atlas_page.png"
    assert alone.grab().save(str(shot)) and shot.stat().st_size > 5000
    alone.close()
    alone.deleteLater()


def test_the_pdf_is_named_after_the_profiles_and_never_overwritten(
    panel: LisDockWidget, summary_layer: QgsVectorLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lis_qgis_plugin.gui.pages import atlas_page

    monkeypatch.setattr(atlas_page.QDesktopServices, "openUrl", lambda url: None)
    page = panel.page("atlas")
    page.use_layer(summary_layer)
    page.set_indicators(["prop_lsoas_most_deprived_10", "population"])
    page.open_check.setChecked(False)
    title = f"Nottingham ward profiles {date.today():%Y-%m}"
    pdfs = []
    for _ in range(2):
        page.export_button.click()
        outcome = wait_for_run(panel, timeout_s=180)
        assert outcome.ok, outcome.error
        pdfs.append(Path(outcome.results["OUTPUT_PDF"]))
    assert pdfs == [panel.output_folder() / f"{title}.pdf", panel.output_folder() / f"{title}_2.pdf"]
    assert all(pdf.read_bytes()[:5] == b"%PDF-" for pdf in pdfs)
    assert page.status.text() == f"20 pages in {title}_2.pdf."
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True, check=True)
    first = text.stdout.split("\f")[0]
    rows = [line for line in first.splitlines() if line.strip().startswith("Population of those")]
    row = next(line for line in rows if re.search(r"\d", line))  # the table's row, not the key's title
    assert re.search(r"\s\d{1,3}(,\d{3})+\s", row), row  # counts with thousands separators
    assert "England" in first and "10.0%" in first  # England's share of LSOAs in its most deprived 10%


def test_profile_titles_of_real_and_sample_wards(panel: LisDockWidget, project: QgsProject) -> None:
    from lis_qgis_plugin.core.atlas.atlas_pages import profile_title

    month = date(2026, 12, 3)
    rutland = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2025.geojson"), "w", "ogr")
    assert profile_title(rutland, month) == "Rutland ward profiles 2026-12"
    lsoas = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_lsoa21.geojson"), "l", "ogr")
    assert profile_title(lsoas, month) == "Rutland LSOA profiles 2026-12"  # LAD_NAME names the district
    old_wards = QgsVectorLayer(str(SHARED_DATA / "rutland" / "boundaries" / "rutland_wards_2013.geojson"), "o", "ogr")
    assert profile_title(old_wards, month) == "Ward profiles 2026-12"  # no district field: not the layer's name
    (wards,) = project.mapLayersByName("Wards")
    assert profile_title(wards, month) == "Lisford ward profiles 2026-12"  # the sample district


def test_the_web_report_of_the_areas_comes_from_the_projects_store(
    panel: LisDockWidget, project: QgsProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export web report on Nottingham's wards, the project's store holding five periods of a ward indicator: a
    folder in the output folder whose data.js says what the atlas says of Aspley, opened in the browser."""
    import processing

    from lis_qgis_plugin.gui.pages import atlas_page
    from lis_qgis_plugin.settings import set_project_store_text

    opened: list[str] = []
    monkeypatch.setattr(atlas_page.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    older_series(tmp_path / "fingertips_older.csv")
    store = tmp_path / "lis_store.gpkg"
    processing.run("lis:addtostore", {"STORE": str(store), "TABLE": str(tmp_path / "fingertips_older.csv")},
                   context=QgsProcessingContext(), feedback=LogFeedback())  # fmt: skip
    wards = QgsVectorLayer(str(NOTTINGHAM / "boundaries" / "nottingham_wards_2025.geojson"), "Wards 2025", "ogr")
    project.addMapLayer(wards)
    page = panel.page("atlas")
    page.use_layer(wards)
    set_project_store_text(str(store))
    try:
        page.web_button.click()
        outcome = wait_for_run(panel, timeout_s=120)
    finally:
        set_project_store_text(None)
    assert outcome.ok, outcome.error
    index = Path(outcome.results["INDEX_HTML"])
    assert index.parent.parent == panel.output_folder() and index.parent.name.endswith(" web")
    report = read_web_report(index.parent)
    assert len(report["areas"]) == 20 and report["indicators"][0]["name"] == OLDER_NAME
    aspley = report["profiles"]["E05012270"]
    assert aspley["rows"][report["indicators"][0]["id"]]["flag"] == "lower (99.8%)"
    assert aspley["headline"].startswith("Aspley is significantly lower than England on its one indicator.")
    assert page.status.text() == f"Web report: {index}"
    page.open_web_button.click()
    assert opened == [str(index)]
