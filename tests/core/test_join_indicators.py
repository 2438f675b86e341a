"""join_indicators called directly: what the Processing algorithm relies on (its runs are in tests/processing)."""

from __future__ import annotations

import gc
import gzip
from pathlib import Path

import pytest
from qgis.core import QgsFeatureRequest, QgsFeedback, QgsVectorLayer

from lis_qgis_plugin.core.common import ons_codes
from lis_qgis_plugin.core.indicators import indicator_table
from lis_qgis_plugin.core.indicators import join_indicators as join_module
from lis_qgis_plugin.core.indicators.join_indicators import join_indicators
from lis_qgis_plugin.core.io.layer_output import OutputError, check_output_is_new
from lis_qgis_plugin.core.io.table_files import TableError


def test_cancelling_writes_nothing(shared_data: Path, tmp_path: Path) -> None:
    """A join cancelled while the boundaries are being copied leaves no output and no side file."""
    boundaries = QgsVectorLayer(
        str(shared_data / "nottingham" / "boundaries" / "nottingham_lsoa11.geojson"), "b", "ogr"
    )
    table = shared_data / "nottingham" / "deprivation" / "nottingham_imd2019_file1.csv"
    feedback = QgsFeedback()
    feedback.cancel()
    with pytest.raises(OutputError, match="cancelled"):
        join_indicators(boundaries, table, str(tmp_path / "cancelled.gpkg"), feedback=feedback)
    assert list(tmp_path.iterdir()) == []


def test_the_shared_output_check_names_what_cannot_be_written(tmp_path: Path) -> None:
    """core.io's check, which every tool runs before its work: nothing is created, the reason is named."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file")
    (tmp_path / "folder.gpkg").mkdir()
    cases = {
        blocker / "deeper" / "out.gpkg": f"cannot be written: '{blocker}' is a file, not a folder. Choose an output",
        tmp_path / "folder.gpkg": "this is a folder, not a file. Choose a file name for the output.",
        Path("/sys/kernel/out.gpkg"): "cannot be written: Permission denied in '/sys/kernel'.",  # even for root
        Path("/proc/out.gpkg"): "cannot be written: ",
        blocker: "this file is one of the inputs.",
    }
    for output, expected in cases.items():
        with pytest.raises(OutputError) as raised:
            check_output_is_new(output, [blocker])
        assert str(raised.value).startswith(f"{output}: ") and expected in str(raised.value), str(raised.value)
    check_output_is_new(tmp_path / "new" / "out.gpkg", [blocker])  # a new folder is fine, and not made here
    check_output_is_new(blocker, [])  # an existing file that can be written: it is only opened, not changed
    assert blocker.read_text() == "a file"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder.gpkg", "notes.txt"]


def output_rows(uri: str) -> list[dict[str, object]]:
    """Every feature of an output as its attributes (fid left out) and geometry WKB, in feature order."""
    layer = QgsVectorLayer(uri, "out", "ogr")
    assert layer.isValid(), uri
    names = [name for name in layer.fields().names() if name != "fid"]
    return [
        {**{name: feature[name] for name in names}, "geometry": bytes(feature.geometry().asWkb())}
        for feature in layer.getFeatures()
    ]


def test_boundaries_in_a_file_and_in_memory_give_the_same_join(shared_data: Path, tmp_path: Path) -> None:
    """Nottingham's LSOA 2021 boundaries joined to IoD2025 from the GeoJSON file (codes read as columns) and
    from a memory copy (read through QGIS): the same features, values and report."""
    file_layer = QgsVectorLayer(
        str(shared_data / "nottingham" / "boundaries" / "nottingham_lsoa21.geojson"), "b", "ogr"
    )
    memory = file_layer.materialize(QgsFeatureRequest())
    memory.setName("b")
    table = shared_data / "nottingham" / "deprivation" / "nottingham_imd2025_lsoa21.csv"
    joined = [
        join_indicators(layer, table, str(tmp_path / f"{name}.gpkg"), fields=["IMD_rank", "IMD_score"])
        for name, layer in (("file", file_layer), ("memory", memory))
    ]
    assert output_rows(joined[0].uri) == output_rows(joined[1].uri)
    assert joined[0].report.plan.matched == joined[1].report.plan.matched
    rows = output_rows(joined[0].uri)
    assert len(rows) == 179 and len(joined[0].report.plan.matched) == 179
    ranks = {row["LSOA21CD"]: row["imd_rank"] for row in rows}  # field names made safe: lower case
    assert ranks["E01013810"] == 1642  # Nottingham 018A, as in the published table


def test_the_cycle_collector_is_paused_during_a_join_and_back_after(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off while the table is read (the join's speed on national tables), on again after a join, after a
    failed one, and left off when the caller had turned it off."""
    boundaries = QgsVectorLayer(
        str(shared_data / "nottingham" / "boundaries" / "nottingham_lsoa11.geojson"), "b", "ogr"
    )
    table = shared_data / "nottingham" / "deprivation" / "nottingham_imd2019_file1.csv"
    seen: list[bool] = []
    reading = indicator_table.build_indicator_table

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return reading(*args, **kwargs)

    monkeypatch.setattr(join_module, "build_indicator_table", watched)
    outcome = join_indicators(boundaries, table, str(tmp_path / "joined.gpkg"))
    assert outcome.report.plan.matched_count == 182 and seen == [False] and gc.isenabled()
    with pytest.raises(TableError, match="does not exist"):
        join_indicators(boundaries, tmp_path / "missing.csv", str(tmp_path / "failed.gpkg"))
    assert gc.isenabled()
    gc.disable()
    try:
        join_indicators(boundaries, table, str(tmp_path / "again.gpkg"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_geography_profile_of_england_codes_and_edge_codes(shared_data: Path) -> None:
    """profile_codes agrees with geography_of and code_vintage on every IoD2019 and IoD2025 code and on codes
    at the edges of the 2021 numbers, malformed ones and unknown prefixes."""
    codes: list[str] = []
    for name in ("IoD2025_imd2025_england_lsoa21.csv.gz", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"):
        lines = gzip.decompress((shared_data / "england" / name).read_bytes()).decode("utf-8-sig").splitlines()
        codes += [line.split(",", 1)[0] for line in lines[1:]]
    edges = ["E01033768", "E01033769", "E01038768", "E01038769", "W01001958", "W01001959", "W01006958", "W01006959"]
    edges += ["E02006934", "E02006935", "E05000001", "X01000001", "E0100001", "e01000001", "E01\u0661\u0662345", ""]
    edges += ["E99123456", "E01999999", "E01000000", "E01033768"]
    profile = ons_codes.profile_codes([*codes, *edges])
    expected = {code: ons_codes.geography_of(code) for code in [*codes, *edges] if ons_codes.geography_of(code)}
    assert profile.geography == expected and list(profile.geography) == list(expected)
    assert profile.newest_codes == tuple(code for code in expected if ons_codes.code_vintage(code) == 2021)
    assert "E01033769" in profile.newest_codes and "E01038768" in profile.newest_codes
    assert "E01033768" not in profile.newest_codes and "E01038769" not in profile.newest_codes
    assert profile.counts["LSOA"] == len({code for code in expected if code.startswith(("E01", "W01"))})
    assert profile.counts["E99 areas"] == 1 and profile.main == "LSOA"
