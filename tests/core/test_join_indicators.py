"""join_indicators called directly: what the Processing algorithm relies on (its runs are in tests/processing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsFeedback, QgsVectorLayer

from lis_qgis_plugin.core.indicators.join_indicators import join_indicators
from lis_qgis_plugin.core.io.layer_output import OutputError


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
