"""lis:createsample through Processing: the same seed gives the same files, the toolbox loads the styled layers,
and a folder it cannot write or a cancel is answered plainly.

What the sample holds is checked on the core generator's own output in tests/core/test_sample_district.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProject
from qgis.gui import QgisInterface

from lis_qgis_plugin.core.common.content_checksum import dataset_checksums
from lis_qgis_plugin.plugin import LisPlugin

from ..support import SAMPLE_LAYER_NAMES, run_create_sample


def _all_checksums(result: dict) -> dict[str, str]:
    checksums: dict[str, str] = {}
    for key in ("GEOPACKAGE", "IMD_CSV", "HEALTH_CSV", "HEALTH_XLSX"):
        checksums.update(dataset_checksums(Path(result[key])))
    return checksums


def test_same_seed_gives_the_same_data_and_another_seed_does_not(sample_result: dict, tmp_path: Path) -> None:
    first = _all_checksums(sample_result)
    again = _all_checksums(run_create_sample(tmp_path / "again", seed=1))
    assert set(first) >= {f"lisford_sample.gpkg|{name}" for name in SAMPLE_LAYER_NAMES}
    assert again == first
    other = _all_checksums(run_create_sample(tmp_path / "other", seed=2))
    assert other["lisford_sample.gpkg|small_areas"] != first["lisford_sample.gpkg|small_areas"]
    assert other["lisford_sample.gpkg|roads"] != first["lisford_sample.gpkg|roads"]


def test_toolbox_run_adds_the_styled_layers_to_the_project(
    lis_plugin: LisPlugin, qgis_iface: QgisInterface, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after OK in the toolbox dialog: the layers land in the project with their stored styles."""
    import processing
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView

    project = QgsProject.instance()
    # QGIS 3.44 hands results to the layer tree view; pytest-qgis's stand-in iface has none, so give it a real one.
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(project.layerTreeRoot(), view))
    monkeypatch.setattr(qgis_iface, "layerTreeView", lambda: view)
    before = set(project.mapLayers())
    processing.runAndLoadResults("lis:createsample", {"SMALL_AREAS": 40, "OUTPUT_FOLDER": str(tmp_path)})
    added = [project.mapLayer(layer_id) for layer_id in set(project.mapLayers()) - before]
    try:
        by_name = {layer.name(): layer for layer in added}
        assert len(added) == 7 and "Small areas: IMD decile" in by_name
        assert all(layer.source().startswith(str(tmp_path / "lisford_sample.gpkg")) for layer in added)
        assert by_name["Small areas: IMD decile"].renderer().classAttribute() == "imd_decile"
        assert by_name["Roads"].renderer().classAttribute() == "highway"
    finally:
        project.removeMapLayers([layer.id() for layer in added])


def test_an_unwritable_output_folder_gets_a_clear_message(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    import processing
    from qgis.core import QgsProcessingException

    blocker = tmp_path / "not_a_folder.txt"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(
        QgsProcessingException, match=r"Cannot write the sample into .*not_a_folder.txt.*Choose a folder"
    ):
        processing.run("lis:createsample", {"OUTPUT_FOLDER": str(blocker / "lisford")})
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_cancelling_writes_nothing(lis_plugin: LisPlugin, tmp_path: Path) -> None:
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="Cancelled: no sample was written"):
        processing.run("lis:createsample", {"OUTPUT_FOLDER": str(tmp_path / "out")}, feedback=feedback)
    assert not list(tmp_path.rglob("*.gpkg"))
