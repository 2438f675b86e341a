"""Read a file layer column by column through GDAL's Arrow stream instead of feature by feature.

``OGRLayer.GetArrowStreamAsNumPy`` (GDAL >= 3.6) hands over a whole batch of features as numpy
arrays: attributes as arrays (masked where NULL) and geometries as ISO WKB. Reading Rutland's
6,660 ways this way takes a few milliseconds against a fraction of a second through QGIS's
feature iterator. One reader (:func:`read_columns`) serves networks, boundaries and demand; the
decoders turn its columns into what QGIS would have given: attribute values
(:func:`column_values`), line vertices (:func:`wkb_line_parts`) and points (:func:`wkb_points`)
decoded all at once in numpy, and other shapes as QGIS geometries (:func:`wkb_geometries`).

Only plain files of a few drivers (:data:`COLUMNAR_DRIVERS`) are read this way; anything else
(memory layers, databases, services, filtered layers, layers being edited, curved geometries)
raises :class:`ColumnarUnsuitableError` and the caller reads the layer through QGIS instead.
Coordinates are in the layer's CRS, as QGIS's iterator gives them: callers transform them
(:func:`transformed_xy` for points). A "selected features only" source is never a file layer
here: Processing hands it over as a memory layer, which reads through QGIS.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsLineString,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorLayer,
)

from ..common.errors import LisError

#: Drivers whose feature ids and values QGIS reads exactly as OGR does (ids are OGR's FIDs; for
#: OpenStreetMap extracts, the OSM ids, and the same default osmconf.ini).
COLUMNAR_DRIVERS = frozenset({"GPKG", "ESRI Shapefile", "FlatGeobuf", "OSM", "GeoJSON"})
#: ISO WKB geometry types decoded here: Point, LineString, MultiPoint and MultiLineString, 2D, Z, M or ZM.
_POINT, _LINESTRING, _MULTIPOINT, _MULTILINESTRING = 1, 2, 4, 5


class ColumnarUnsuitableError(LisError):
    """The layer cannot be read column by column. Never reaches the user: the caller reads it through QGIS."""


@dataclass
class LayerColumns:
    """A layer's features as columns: ``fids`` (F,), ``values[name]`` and ``nulls[name]`` (F,), ``wkb`` (F,)."""

    fids: np.ndarray
    values: dict[str, np.ndarray]
    nulls: dict[str, np.ndarray]
    wkb: list[bytes | None]

    @property
    def count(self) -> int:
        """Number of features."""
        return int(self.fids.shape[0])


def _ogr() -> Any:
    """GDAL's ``ogr`` module when it can stream Arrow batches as numpy (GDAL >= 3.6), else ColumnarUnsuitableError."""
    try:
        from osgeo import gdal, ogr
    except ImportError as error:  # pragma: no cover - GDAL's Python bindings ship with QGIS
        raise ColumnarUnsuitableError("no GDAL Python bindings") from error
    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):
        raise ColumnarUnsuitableError(f"GDAL {gdal.__version__} has no Arrow stream (3.6 or later needed)")
    return ogr


def file_layer_parts(layer: QgsVectorLayer) -> tuple[Path, str | None]:
    """The file and layer name of an unfiltered OGR file layer not being edited, or ColumnarUnsuitableError."""
    if layer.providerType() != "ogr" or layer.subsetString():
        raise ColumnarUnsuitableError("not an unfiltered OGR layer")
    if layer.isEditable():
        raise ColumnarUnsuitableError("being edited: QGIS's edit buffer is not in the file yet")
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    extra = {key for key, value in parts.items() if value and key not in ("path", "layerName", "layerId")}
    if extra:  # geometrytype=Point (one geometry type of a mixed file), open options...: QGIS reads a part
        raise ColumnarUnsuitableError(f"source options {', '.join(sorted(extra))}")
    path = Path(str(parts.get("path") or ""))
    if not path.is_file():
        raise ColumnarUnsuitableError("not a file")
    name = parts.get("layerName")
    return path, str(name) if name else None


def _source_layer(dataset: Any, layer_name: str | None) -> Any:
    """The OGR layer QGIS reads (by name, or the only one), or ColumnarUnsuitableError."""
    if dataset is None:
        raise ColumnarUnsuitableError("GDAL cannot open the file")
    driver = dataset.GetDriver().GetName()
    if driver not in COLUMNAR_DRIVERS:
        raise ColumnarUnsuitableError(f"driver {driver}")
    source = dataset.GetLayerByName(layer_name) if layer_name else dataset.GetLayer(0)
    if source is None or (not layer_name and dataset.GetLayerCount() != 1):
        raise ColumnarUnsuitableError("layer not found")
    return source


def read_columns(
    layer: QgsVectorLayer,
    names: Sequence[str],
    check_cancel: Callable[[], None] | None = None,
    *,
    geometry: bool = True,
) -> LayerColumns:
    """The feature ids, the columns ``names`` (as QGIS names the fields) and the WKB of every feature of ``layer``.

    Features come in the file's order, as QGIS's iterator gives them. Raises ColumnarUnsuitableError when
    the layer is not a plain file of :data:`COLUMNAR_DRIVERS` or a column is not in the file
    (a virtual or joined field). ``check_cancel`` is called between batches. Other columns are not
    read, nor the geometries when ``geometry`` is False (``wkb`` is then all None).
    """
    ogr = _ogr()
    path, layer_name = file_layer_parts(layer)
    # GDAL errors raise (and are caught below) instead of printing; GDAL 3.6 has no manager and returns None
    errors = ogr.ExceptionMgr(useExceptions=True) if hasattr(ogr, "ExceptionMgr") else contextlib.nullcontext()
    fids: list[np.ndarray] = []
    values: dict[str, list[np.ndarray]] = {name: [] for name in names}
    nulls: dict[str, list[np.ndarray]] = {name: [] for name in names}
    wkb: list[bytes | None] = []
    try:
        with errors:
            dataset = ogr.Open(str(path))
            source = _source_layer(dataset, layer_name)
            fid_name = source.GetFIDColumn() or "OGC_FID"
            geometry_name = source.GetGeometryColumn() or "wkb_geometry"
            _ignore_other_columns(source, names, geometry)
            stream = source.GetArrowStreamAsNumPy(["INCLUDE_FID=YES", "MAX_FEATURES_IN_BATCH=65536"])
            if stream is None:
                raise ColumnarUnsuitableError("no Arrow stream")
            for batch in stream:
                if check_cancel is not None:
                    check_cancel()
                if fid_name not in batch or (geometry and geometry_name not in batch):
                    raise ColumnarUnsuitableError("no feature id or geometry column in the stream")
                fids.append(np.asarray(batch[fid_name], dtype=np.int64))
                for name in names:
                    if name not in batch:
                        raise ColumnarUnsuitableError(f"column {name} not in the file")
                    values[name].append(np.ma.getdata(batch[name]))
                    nulls[name].append(np.ma.getmaskarray(batch[name]))
                wkb.extend(batch[geometry_name].tolist() if geometry else [None] * len(fids[-1]))
            shapefile = dataset.GetDriver().GetName() == "ESRI Shapefile"
            stream = source = dataset = None
    except RuntimeError as error:
        raise ColumnarUnsuitableError(f"GDAL: {error}") from error
    if not fids:
        empty = {name: np.empty(0) for name in names}
        return LayerColumns(np.empty(0, np.int64), empty, {name: np.empty(0, bool) for name in names}, [])
    columns = LayerColumns(
        np.concatenate(fids),
        {name: np.concatenate(parts) for name, parts in values.items()},
        {name: np.concatenate(parts) for name, parts in nulls.items()},
        wkb,
    )
    if shapefile:
        _refuse_non_ascii_text(columns)
    return columns


def _refuse_non_ascii_text(columns: LayerColumns) -> None:
    """ColumnarUnsuitableError for a Shapefile's text beyond ASCII: QGIS may decode it with the layer's own
    encoding setting rather than GDAL's, so only QGIS reads it as the user sees it."""
    for name, values in columns.values.items():
        if values.dtype.kind == "S":
            data = np.frombuffer(values.tobytes(), dtype=np.uint8)
        elif values.dtype.kind == "O":
            texts = (item.encode() if isinstance(item, str) else item for item in values)
            data = np.frombuffer(b"".join(item for item in texts if isinstance(item, bytes)), np.uint8)
        else:
            continue
        if data.size and data.max() >= 128:
            raise ColumnarUnsuitableError(f"column {name}: text beyond ASCII in a Shapefile")


def _ignore_other_columns(source: Any, names: Sequence[str], geometry: bool) -> None:
    """Let OGR skip the columns not asked for (and the geometry when not wanted): less to read and convert.

    A column asked for must be a number or plain text: QGIS gives dates, lists, binary and JSON fields to
    Python as Qt objects, and GDAL 3.6 unpacks a GeoPackage's booleans wrongly (ColumnarUnsuitableError).
    """
    ogr = _ogr()
    definition = source.GetLayerDefn()
    wanted = set(names)
    for index in range(definition.GetFieldCount()):
        field = definition.GetFieldDefn(index)
        if field.GetName() in wanted and (
            field.GetType() not in (ogr.OFTInteger, ogr.OFTInteger64, ogr.OFTReal, ogr.OFTString)
            or field.GetSubType() in (ogr.OFSTBoolean, ogr.OFSTJSON)
        ):
            raise ColumnarUnsuitableError(f"column {field.GetName()} of type {field.GetTypeName()}")
    ignored = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    ignored = [name for name in ignored if name not in wanted]
    if not geometry:
        ignored.append("OGR_GEOMETRY")
    if ignored and source.SetIgnoredFields(ignored) != 0:
        raise ColumnarUnsuitableError("OGR cannot skip columns")


def python_values(values: np.ndarray, nulls: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of a column: ``codes[i]`` is 0 for NULL, else 1 + the index in ``distinct``.

    ``distinct`` holds the values as QGIS gives them to Python: text as ``str`` (UTF-8), numbers as
    ``int``/``float``, so rules written for QGIS attributes read them unchanged.
    """
    codes = np.zeros(len(values), dtype=np.int64)
    present = ~nulls & (values != None) if values.dtype.kind == "O" else ~nulls  # noqa: E711 (elementwise)
    if not present.any():
        return codes, []
    try:
        distinct, inverse = np.unique(values[present], return_inverse=True)
    except TypeError as error:  # objects of different kinds in one column
        raise ColumnarUnsuitableError(f"mixed values: {error}") from error
    codes[present] = inverse.reshape(-1) + 1
    out: list[Any] = []
    for value in distinct.tolist():
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        out.append(value)
    return codes, out


def _uint32(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Little-endian unsigned 32-bit integers at byte offsets ``at`` of ``data``."""
    at = at.astype(np.int64)
    out = data[at].astype(np.int64)
    for shift in (1, 2, 3):
        out |= data[at + shift].astype(np.int64) << (8 * shift)
    return out


def _float64(buffer: bytes, at: np.ndarray) -> np.ndarray:
    """Little-endian doubles at byte offsets ``at`` of ``buffer`` (any alignment)."""
    out = np.empty(len(at))
    remainder = at % 8
    for shift in range(8):
        chosen = remainder == shift
        if chosen.any():
            view = np.frombuffer(buffer, dtype="<f8", offset=shift, count=(len(buffer) - shift) // 8)
            out[chosen] = view[(at[chosen] - shift) // 8]
    return out


def _header(data: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(base type, coordinates per vertex) of the WKB geometries starting at ``at``; little-endian ISO only."""
    if len(at) and not np.all(data[at] == 1):
        raise ColumnarUnsuitableError("big-endian WKB")
    kind = _uint32(data, at + 1)
    if np.any(kind >= 4000):
        raise ColumnarUnsuitableError("extended (non-ISO) WKB")
    flag = kind // 1000
    return kind % 1000, 2 + np.isin(flag, (1, 2)).astype(np.int64) + 2 * (flag == 3)


def _joined(wkb: Sequence[bytes | None]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """All WKB in one buffer: (buffer, its bytes, each geometry's start, each one's length: 0 when NULL)."""
    items = [item or b"" for item in wkb] if None in wkb else cast(list[bytes], list(wkb))
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    buffer = b"".join(items)
    starts = np.cumsum(lengths) - lengths
    if np.any((lengths > 0) & (lengths < 9)):
        raise ColumnarUnsuitableError("short WKB")
    return buffer, np.frombuffer(buffer, dtype=np.uint8), starts, lengths


def wkb_line_parts(wkb: Sequence[bytes | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The vertices of (Multi)LineString WKB geometries, all at once.

    Returns ``xy`` (V, 2) (Z and M dropped), ``sizes`` (P,) vertices per part and ``owner`` (P,)
    the index in ``wkb`` of each part's feature, parts in feature order then part order. NULL
    geometries have no parts. Anything but little-endian ISO (Multi)LineStrings raises ColumnarUnsuitableError.
    """
    buffer, data, starts, lengths = _joined(wkb)
    features = np.flatnonzero(lengths > 0)
    at = starts[features]
    base, dims = _header(data, at)
    if np.any((base != _LINESTRING) & (base != _MULTILINESTRING)):
        raise ColumnarUnsuitableError("not (multi)line strings")
    single = base == _LINESTRING
    part_at, part_owner, part_rank = [at[single]], [features[single]], [np.zeros(int(single.sum()), np.int64)]
    multi = np.flatnonzero(~single)
    count = _uint32(data, at[multi] + 5)
    cursor = at[multi] + 9
    rank = 0
    while True:
        active = count > rank
        if not active.any():
            break
        multi, count, cursor = multi[active], count[active], cursor[active]
        if np.any(cursor + 9 > starts[features[multi]] + lengths[features[multi]]):
            raise ColumnarUnsuitableError("truncated WKB")
        sub_base, sub_dims = _header(data, cursor)
        if np.any(sub_base != _LINESTRING) or np.any(sub_dims != dims[multi]):
            raise ColumnarUnsuitableError("unexpected part in a MultiLineString")
        part_at.append(cursor)
        part_owner.append(features[multi])
        part_rank.append(np.full(len(multi), rank, dtype=np.int64))
        cursor = cursor + 9 + 8 * sub_dims * _uint32(data, cursor + 5)
        rank += 1
    part_start = np.concatenate(part_at)
    owner = np.concatenate(part_owner)
    order = np.lexsort((np.concatenate(part_rank), owner))
    part_start, owner = part_start[order], owner[order]
    position = np.searchsorted(features, owner)
    part_dims = dims[position]
    sizes = _uint32(data, part_start + 5)
    coords_at = part_start + 9
    if np.any(coords_at + 8 * part_dims * sizes > starts[owner] + lengths[owner]):
        raise ColumnarUnsuitableError("truncated WKB")
    first = np.cumsum(sizes) - sizes
    vertex = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(first, sizes)
    x_at = np.repeat(coords_at, sizes) + 8 * np.repeat(part_dims, sizes) * vertex
    xy = np.stack([_float64(buffer, x_at), _float64(buffer, x_at + 8)], axis=1)
    return xy, sizes, owner


def wkb_points(wkb: Sequence[bytes | None]) -> np.ndarray:
    """The point of each Point WKB geometry (the first point of a MultiPoint), all at once, as ``xy`` (F, 2).

    Z and M are dropped. NULL and empty geometries give NaN rows. Anything but little-endian ISO
    (Multi)Points raises ColumnarUnsuitableError.
    """
    buffer, data, starts, lengths = _joined(wkb)
    xy = np.full((len(lengths), 2), np.nan)
    features = np.flatnonzero(lengths > 0)
    at = starts[features]
    base, _dims = _header(data, at)
    if np.any((base != _POINT) & (base != _MULTIPOINT)):
        raise ColumnarUnsuitableError("not (multi)points")
    multi = base == _MULTIPOINT
    placed = ~multi | (_uint32(data, at + 5) > 0)  # a MultiPoint without points is empty
    point_at = np.where(multi, at + 9, at)[placed]
    features = features[placed]
    if np.any(point_at + 5 + 16 > starts[features] + lengths[features]):
        raise ColumnarUnsuitableError("truncated WKB")
    if np.any(_header(data, point_at)[0] != _POINT):
        raise ColumnarUnsuitableError("unexpected part in a MultiPoint")
    xy[features, 0] = _float64(buffer, point_at + 5)
    xy[features, 1] = _float64(buffer, point_at + 13)
    return xy


def wkb_geometries(wkb: Sequence[bytes | None], multi: bool = False) -> list[QgsGeometry | None]:
    """Each WKB geometry as a QGIS geometry (None for NULL): polygons and other shapes needing GEOS.

    ``multi``: the layer's type is multi-part (``QgsWkbTypes.isMultiType(layer.wkbType())``), as QGIS
    reports a Shapefile's polygons: single parts are then made multi-part, as QGIS's iterator does.
    """
    out: list[QgsGeometry | None] = []
    for item in wkb:
        if item is None:
            out.append(None)
            continue
        geometry = QgsGeometry()
        geometry.fromWkb(item)
        if multi:
            geometry.convertToMultiType()
        out.append(geometry)
    return out


def transformed_xy(
    xy: np.ndarray, source: QgsCoordinateReferenceSystem, target: QgsCoordinateReferenceSystem
) -> np.ndarray:
    """Points ``xy`` (N, 2) from ``source`` to ``target`` as QGIS transforms them, in one call; NaN rows stay NaN."""
    out = np.full(xy.shape, np.nan)
    present = ~np.isnan(xy).any(axis=1)
    if not present.any():
        return out
    transform = QgsCoordinateTransform(source, target, QgsProject.instance().transformContext())
    line = QgsLineString(xy[present, 0].tolist(), xy[present, 1].tolist())
    line.transform(transform)
    out[present] = wkb_line_parts([bytes(line.asWkb())])[0]
    return out


def column_values(columns: LayerColumns, name: str) -> list[Any]:
    """The column ``name`` as QGIS gives attributes to Python: None for NULL, text as str, numbers as int or float.

    Columns of other kinds (dates, times, lists: QGIS gives Qt objects), text that is not UTF-8 and
    booleans (GDAL 3.6 unpacks a GeoPackage's boolean bits wrongly) raise ColumnarUnsuitableError.
    """
    values = columns.values[name]
    if values.dtype.kind not in "iufSO":
        raise ColumnarUnsuitableError(f"column {name} of type {values.dtype}")
    out = values.tolist()
    if values.dtype.kind in "SO":
        try:
            out = [_text(item) for item in out]
        except (UnicodeDecodeError, TypeError) as error:
            raise ColumnarUnsuitableError(f"column {name}: {error}") from error
    for index in np.flatnonzero(columns.nulls[name]).tolist():
        out[index] = None
    return out


def _text(item: Any) -> str | None:
    """A text cell as str (UTF-8), None for NULL; TypeError for anything else (lists, maps)."""
    if isinstance(item, bytes):
        return item.decode("utf-8")
    if item is None or isinstance(item, str):
        return item
    raise TypeError(f"a {type(item).__name__} value")
