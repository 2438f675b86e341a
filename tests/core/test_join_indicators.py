"""join_indicators called directly: what the Processing algorithm relies on (its runs are in tests/processing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsFeedback, QgsVectorLayer

from lis_qgis_plugin.core.indicators.join_indicators import join_indicators
from lis_qgis_plugin.core.io.layer_output import OutputError, check_output_is_new


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
