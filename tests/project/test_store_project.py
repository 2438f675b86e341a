"""A project that uses an indicator store reopens with every layer valid and its store choice kept.

The store is Rutland's real IoD2025 (ranks, scores and deciles) and an LSOA 2021 boundary set, written into
the store's GeoPackage; its catalogue and values tables and the boundary set are layers of the project.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis.core import QgsProject, QgsVectorLayer

from lis_qgis_plugin.core.io.table_files import read_raw_table
from lis_qgis_plugin.core.store.store_boundaries import add_boundary_set, boundary_table_name
from lis_qgis_plugin.core.store.store_rows import wide_column_values
from lis_qgis_plugin.core.store.store_schema import CATALOGUE_TABLE, VALUES_TABLE
from lis_qgis_plugin.core.store.store_values import CatalogueEntry, add_values, values_at
from lis_qgis_plugin.processing.store_parameters import store_location
from lis_qgis_plugin.settings import project_store_text, set_project_store_text

from ..support import SHARED_DATA, csv_rows, ogr_layer

RUTLAND_IOD2025 = SHARED_DATA / "rutland" / "deprivation" / "rutland_imd2025_lsoa21.csv"
RUTLAND_LSOA21 = SHARED_DATA / "rutland" / "boundaries" / "rutland_lsoa21.geojson"
COLUMNS = ("IMD_decile", "IMD_rank", "IMD_score", "Health_score")
RUTLAND_LSOAS = 26


def fill_store(store: Path) -> None:
    """Four IoD2025 indicators of Rutland's 26 LSOAs, and the LSOA 2021 boundary set as a layer of the store."""
    table = read_raw_table(RUTLAND_IOD2025)
    for column in COLUMNS:
        entry = CatalogueEntry(
            f"iod2025_{column.lower()}", column.replace("_", " "), geography="LSOA", vintage="2021", licence="OGL v3.0"
        )
        add_values(store, entry, wide_column_values(table, "lsoa21_code", column, "2025"))
    add_boundary_set(store, ogr_layer(str(RUTLAND_LSOA21)), "LSOA 2021")


def add_store_layers(project: QgsProject, store: Path) -> None:
    """The store's catalogue and values tables and its boundary set, as layers of the project."""
    for table, title in (
        (CATALOGUE_TABLE, "Store catalogue"),
        (VALUES_TABLE, "Store values"),
        (boundary_table_name("LSOA 2021"), "LSOAs"),
    ):
        layer = QgsVectorLayer(f"{store}|layername={table}", title, "ogr")
        assert layer.isValid(), table
        project.addMapLayer(layer)


def reopened_layers(path: Path) -> dict[str, QgsVectorLayer]:
    """Clear the project and read ``path`` back: its layers by name."""
    project = QgsProject.instance()
    project.clear()
    assert project_store_text() == ""
    assert project.read(str(path)), project.error()
    return {layer.name(): layer for layer in project.mapLayers().values()}


def assert_store_layers(layers: dict[str, QgsVectorLayer], store: Path) -> None:
    """Every layer valid, read from ``store``, with the rows the store holds."""
    assert set(layers) == {"Store catalogue", "Store values", "LSOAs"}
    for name, layer in layers.items():
        assert layer.isValid(), name
        assert Path(layer.source().split("|")[0]) == store, name
    assert layers["Store catalogue"].featureCount() == len(COLUMNS)
    assert layers["Store values"].featureCount() == len(COLUMNS) * RUTLAND_LSOAS
    assert layers["LSOAs"].featureCount() == RUTLAND_LSOAS and layers["LSOAs"].crs().authid() == "EPSG:4326"  # as given
    published = {row["lsoa21_code"]: float(row["IMD_rank"]) for row in csv_rows(RUTLAND_IOD2025)}
    ranks = {
        feature["area_code"]: feature["value"]
        for feature in layers["Store values"].getFeatures()
        if feature["indicator_id"] == "iod2025_imd_rank"
    }
    assert ranks == published  # the values layer reads the published ranks
    codes = {feature["LSOA21CD"] for feature in layers["LSOAs"].getFeatures()}
    assert codes == set(published)  # the boundary set is the same 26 LSOAs


def test_a_project_with_a_chosen_store_reopens_with_every_layer_valid_and_its_store(
    qgis_new_project: QgsProject, tmp_path: Path
) -> None:
    store = tmp_path / "stores" / "rutland_store.gpkg"
    store.parent.mkdir()
    fill_store(store)
    project = QgsProject.instance()
    add_store_layers(project, store)
    set_project_store_text(str(store))
    saved = tmp_path / "projects" / "rutland.qgz"
    saved.parent.mkdir()
    assert project.write(str(saved))

    layers = reopened_layers(saved)

    assert project_store_text() == str(store)  # the store choice is kept in the project
    assert store_location("") == store
    assert_store_layers(layers, store)
    assert values_at(store_location(""), "iod2025_imd_decile")["E01013787"] == 6.0  # and the store reads


def test_the_default_store_beside_the_project_moves_with_it(qgis_new_project: QgsProject, tmp_path: Path) -> None:
    """No store chosen: lis_store.gpkg beside the project, saved with relative paths, so the folder can move."""
    folder = tmp_path / "district"
    folder.mkdir()
    project = QgsProject.instance()
    assert project.write(str(folder / "district.qgz"))  # saved first: the default store has a folder
    store = store_location("")
    assert store == folder / "lis_store.gpkg"
    fill_store(store)
    add_store_layers(project, store)
    assert project.write()
    moved = tmp_path / "shared_drive" / "district"
    shutil.copytree(folder, moved.parent / "district")
    shutil.rmtree(folder)

    layers = reopened_layers(moved / "district.qgz")

    assert project_store_text() == ""  # still the default, now beside the moved project
    assert store_location("") == moved / "lis_store.gpkg"
    assert_store_layers(layers, moved / "lis_store.gpkg")


@pytest.fixture(autouse=True)
def clear_project_afterwards() -> Iterator[None]:
    """Leave the shared project empty, its store choice gone, for the tests after these."""
    yield
    QgsProject.instance().clear()
