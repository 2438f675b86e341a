"""Indicator metadata kept inside the output GeoPackage, beside the layer it describes.

A table ``lis_indicator_metadata`` has one row per (layer, field): the indicator's name,
source, period, unit and polarity. Maps, atlases and reports read it later to title a
legend, cite the source or colour "worse" the right way round.
"""

from __future__ import annotations

from pathlib import Path

from ..io.gpkg_writer import read_text_table, replace_text_table
from ..io.layer_output import OutputError
from .indicator_table import IndicatorMetadata

METADATA_TABLE = "lis_indicator_metadata"
_COLUMNS = ("layer", "field", "indicator", "source", "period", "unit", "polarity")


def _existing_rows(path: Path) -> list[dict[str, str]]:
    return read_text_table(path, METADATA_TABLE, _COLUMNS)


def write_indicator_metadata(path: Path, layer_name: str, metadata: dict[str, IndicatorMetadata]) -> None:
    """Replace the metadata rows of ``layer_name`` (field name -> metadata), keeping other layers' rows."""
    rows = [row for row in _existing_rows(path) if row["layer"] != layer_name]
    for field_name, item in metadata.items():
        rows.append({
            "layer": layer_name, "field": field_name, "indicator": item.name, "source": item.source,
            "period": item.period, "unit": item.unit, "polarity": item.polarity,
        })  # fmt: skip
    try:
        replace_text_table(path, METADATA_TABLE, _COLUMNS, rows)
    except OSError as error:
        raise OutputError(f"{path}: cannot write the indicator metadata table ({error}).") from error


def read_indicator_metadata(path: Path, layer_name: str) -> dict[str, IndicatorMetadata]:
    """Field name -> metadata for one layer of a GeoPackage written by LIS (empty when there is none)."""
    return {
        row["field"]: IndicatorMetadata(row["indicator"], row["source"], row["period"], row["unit"], row["polarity"])
        for row in _existing_rows(Path(path))
        if row["layer"] == layer_name
    }
