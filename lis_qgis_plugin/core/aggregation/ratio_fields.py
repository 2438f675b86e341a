"""Which fields of a LIS GeoPackage layer are ratios of sums, and the fields of their summed counts.

lis:aggregateindicators writes a rate or share made from counts (FIELDS_RATIO) beside the sums of
its numerator and denominator. A table ``lis_ratio_fields`` in the same GeoPackage records, per
(layer, field), the small-area numerator and denominator, the multiplier and the output fields
of their sums (of the denominator over the areas the ratio used), so a later tool (the atlas)
makes a larger area's value the same way, sum(numerators) / sum(denominators), and never as a
mean of the ratios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsProviderRegistry, QgsVectorLayer

from ..io.gpkg_writer import read_text_table, replace_text_table
from ..io.layer_output import OutputError, layer_file

RATIO_TABLE = "lis_ratio_fields"
_COLUMNS = ("layer", "field", "numerator", "denominator", "multiplier", "numerator_sum", "denominator_sum", "method")


@dataclass(frozen=True)
class RatioField:
    """A ratio field of a layer: made from which small-area fields, and which fields of the layer hold their sums."""

    numerator: str
    denominator: str
    multiplier: int
    #: The layer's field with the sum of the numerator ('' when not written).
    numerator_sum: str
    #: The layer's field with the sum of the denominator over the areas the ratio used (its _den field when it
    #: left areas out, else the plain sum): the weight that gives a larger area's value.
    denominator_sum: str
    #: The method in words ('ratio of sums: Σpop_60plus / Σpop_total × 100').
    method: str


def write_ratio_fields(path: Path, layer_name: str, ratios: Mapping[str, RatioField]) -> None:
    """Replace the ratio rows of ``layer_name`` (field name -> ratio), keeping other layers' rows."""
    rows = [row for row in read_text_table(path, RATIO_TABLE, _COLUMNS) if row["layer"] != layer_name]
    for name, item in ratios.items():
        rows.append({
            "layer": layer_name, "field": name, "numerator": item.numerator, "denominator": item.denominator,
            "multiplier": str(item.multiplier), "numerator_sum": item.numerator_sum,
            "denominator_sum": item.denominator_sum, "method": item.method,
        })  # fmt: skip
    if not rows and not read_text_table(path, RATIO_TABLE, _COLUMNS):
        return  # nothing to record and no table to clear
    try:
        replace_text_table(path, RATIO_TABLE, _COLUMNS, rows)
    except OSError as error:
        raise OutputError(f"{path}: cannot write the table of ratio fields ({error}).") from error


def read_ratio_fields(path: Path, layer_name: str) -> dict[str, RatioField]:
    """Field name -> ratio for one layer of a GeoPackage written by LIS (empty when there is none)."""
    found = {}
    for row in read_text_table(Path(path), RATIO_TABLE, _COLUMNS):
        if row["layer"] == layer_name:
            multiplier = int(row["multiplier"]) if row["multiplier"].isdigit() else 1
            found[row["field"]] = RatioField(
                row["numerator"], row["denominator"], multiplier, row["numerator_sum"], row["denominator_sum"],
                row["method"],
            )  # fmt: skip
    return found


def layer_ratio_fields(layer: QgsVectorLayer) -> dict[str, RatioField]:
    """The ratio fields recorded beside a GeoPackage layer (empty for other layers)."""
    source = layer_file(layer)
    if source is None or source.suffix.lower() != ".gpkg":
        return {}
    decoded = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return read_ratio_fields(source, decoded.get("layerName") or source.stem)
