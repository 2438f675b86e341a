"""Service points from a table: lon/lat, easting/northing, other named coordinates, or postcodes.

Facility lists arrive as spreadsheets far more often than as GIS layers. This reads them with
the project's table reader (encodings, title rows, thousands separators), finds the coordinate
columns by name, or looks postcodes up in a user-supplied postcode table, and reprojects every
point to one projected CRS so network and distance work is in metres.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

from ..indicators.indicator_values import parse_number
from ..io.table_files import RawTable, TableError, read_raw_table

#: Coordinate column pairs recognised by name (lower case), with the CRS they imply.
COORDINATE_COLUMNS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("easting", "x_bng_27700", "bng_e", "oseast1m"), ("northing", "y_bng_27700", "bng_n", "osnrth1m"), "EPSG:27700"),
    (("lon", "long", "longitude", "lng"), ("lat", "latitude"), "EPSG:4326"),
)
_POSTCODE_NAMES = ("postcode", "post code", "pcd", "pcds", "pcd2", "addr_postcode")


@dataclass
class ServicePoints:
    """Points in one projected CRS, with the table row each came from."""

    crs: str
    xy: list[tuple[float, float]]
    rows: list[dict[str, str]]
    row_numbers: list[int]
    how: str  # "easting/northing", "lon/lat", "postcode" ... for the log
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (file row, reason)


def normalise_postcode(text: str) -> str:
    """'le15 6nt' and 'LE156NT' -> 'LE15 6NT' (outward code, space, inward code)."""
    compact = re.sub(r"\s+", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _column(raw: RawTable, names: Sequence[str]) -> str | None:
    folded = {name.strip().lower(): name for name in raw.header}
    return next((folded[name] for name in names if name in folded), None)


def _coordinate_columns(raw: RawTable, x: str | None, y: str | None, crs: str | None) -> tuple[str, str, str]:
    if x or y:
        named_x = _column(raw, [x.lower()]) if x else None
        named_y = _column(raw, [y.lower()]) if y else None
        if named_x is None or named_y is None or not crs:
            raise TableError(
                f"{raw.source}: name both coordinate columns and their CRS (columns are: {', '.join(raw.header)})."
            )
        return named_x, named_y, crs
    for x_names, y_names, implied in COORDINATE_COLUMNS:
        found_x, found_y = _column(raw, x_names), _column(raw, y_names)
        if found_x and found_y:
            return found_x, found_y, crs or implied
    raise TableError(
        f"{raw.source}: no coordinate columns found (looked for easting/northing and lon/lat). The columns are: "
        f"{', '.join(raw.header)}. Name the X and Y columns and their CRS, or give a postcode lookup table."
    )


def read_service_points(
    path: Path,
    target_crs: str = "EPSG:27700",
    sheet: str | None = None,
    x: str | None = None,
    y: str | None = None,
    source_crs: str | None = None,
    postcode_lookup: Path | None = None,
) -> ServicePoints:
    """Read facility points from a table and reproject them to ``target_crs`` (a CRS in metres).

    With ``postcode_lookup`` (a table of postcodes with coordinates, such as the ONS Postcode
    Directory or an extract of it) the table's postcode column places each facility; rows whose
    postcode is not in the lookup are skipped and listed.
    """
    raw = read_raw_table(Path(path), sheet)
    target = QgsCoordinateReferenceSystem(target_crs)
    if not target.isValid() or target.isGeographic():
        raise TableError(f"{target_crs}: choose a projected CRS in metres (for Great Britain, EPSG:27700).")
    if postcode_lookup is not None:
        positions, source, how = _postcode_positions(raw, Path(postcode_lookup))
    else:
        x_column, y_column, source = _coordinate_columns(raw, x, y, source_crs)
        positions = [(row[raw.header.index(x_column)], row[raw.header.index(y_column)]) for row in raw.rows]
        how = f"{x_column}/{y_column} ({source})"
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(source), target, QgsProject.instance())
    points = ServicePoints(target.authid(), [], [], [], how)
    for index, (row, (x_text, y_text)) in enumerate(zip(raw.rows, positions)):
        x_value, x_status = parse_number(x_text)
        y_value, y_status = parse_number(y_text)
        if x_value is None or y_value is None:
            if postcode_lookup is not None:
                reason = "postcode not in the lookup"
            elif {x_status, y_status} & {"(empty)"}:
                reason = "no coordinates"
            else:
                reason = f"unreadable coordinates '{x_text}', '{y_text}'"
            points.skipped.append((raw.row_number(index), reason))
            continue
        point = transform.transform(QgsPointXY(x_value, y_value))
        points.xy.append((point.x(), point.y()))
        points.rows.append(dict(zip(raw.header, row)))
        points.row_numbers.append(raw.row_number(index))
    if not points.xy:
        raise TableError(f"{raw.source}: no row has usable coordinates ({len(points.skipped)} rows skipped).")
    return points


def _postcode_positions(raw: RawTable, lookup_path: Path) -> tuple[list[tuple[str, str]], str, str]:
    """Each row's (x, y) text from the postcode lookup ('' for unknown postcodes)."""
    column = _column(raw, _POSTCODE_NAMES)
    if column is None:
        raise TableError(f"{raw.source}: no postcode column (looked for {', '.join(_POSTCODE_NAMES)}).")
    lookup = read_raw_table(lookup_path)
    key = _column(lookup, _POSTCODE_NAMES)
    if key is None:
        raise TableError(f"{lookup.source}: a postcode lookup needs a postcode column and coordinates.")
    x_column, y_column, crs = _coordinate_columns(lookup, None, None, None)
    at = {name: lookup.header.index(name) for name in (key, x_column, y_column)}
    where = {normalise_postcode(row[at[key]]): (row[at[x_column]], row[at[y_column]]) for row in lookup.rows}
    position = raw.header.index(column)
    return (
        [where.get(normalise_postcode(row[position]), ("", "")) for row in raw.rows],
        crs,
        f"postcode ({column}) through {lookup_path.name}",
    )
