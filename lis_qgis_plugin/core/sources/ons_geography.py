"""Boundaries from the ONS Open Geography Portal (ArcGIS REST FeatureServer layers), cached in GeoPackage.

ONS publishes each boundary set as a FeatureServer layer whose service name carries the
release and version (``..._December_2021_Boundaries_EW_BGC_V5``) and changes with new
releases: the catalogue below names the current ones, and any entry can be replaced by a
full layer URL, or the whole catalogue pointed at a mirror through its base URL (the
caller passes the tool's BASE_URL or the setting lis/online/onsBaseUrl; this module reads
no settings).

A query pages through ``resultOffset``/``resultRecordCount`` in steps of the layer's own
``maxRecordCount``, until the server stops saying ``exceededTransferLimit``, and then checks
that it received as many features as the server counted: a short result is an error, never
a quietly incomplete map. ArcGIS reports many errors as HTTP 200 with an ``{"error": ...}``
body; those are detected on every request. The small-area layers carry no district field,
so a district is selected by what each layer offers: a district code field, the district
name that starts every LSOA/MSOA name ("Rutland 001A"), or the district's outline.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsFeedback,
    QgsGeometry,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from ..common.errors import CancelledError, LogLine
from ..common.ons_codes import is_normalised_code, normalise_code
from ..common.plugin_files import plugin_version
from ..common.wording import plural
from ..io.layer_output import check_output_is_new, gpkg_destination, write_layer_with_fields
from .http_client import HttpClient, OnlineSourceError, full_url, parse_json, redact
from .online_cache import (
    DEFAULT_MAX_AGE_DAYS,
    atomic_file,
    cache_folder,
    cache_key,
    is_fresh,
    read_source_records,
    write_source_record,
)

#: The ONS Open Geography Portal's ArcGIS Online organisation (a base URL given, e.g. lis/online/onsBaseUrl, wins).
ONS_BASE_URL = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
BRITISH_NATIONAL_GRID = 27700
#: Requests for one layer stop after this many pages: a national layer at 2,000 a page needs 18.
_MAX_PAGES = 500


@dataclass(frozen=True)
class BoundarySet:
    """One entry of the catalogue: an ONS service and how to pick one district's features from it.

    ``district_filter`` is "field" (the layer has the district code field ``code_field``),
    "name_prefix" (area names start with the district name: "Rutland 001A") or "outline"
    (features whose point on surface lies inside the district outline).
    """

    key: str
    label: str
    service: str
    code_field: str
    name_field: str
    district_filter: str


BOUNDARY_SETS: tuple[BoundarySet, ...] = (
    BoundarySet(
        "lsoa21_bgc", "LSOA 2021, generalised (BGC)",
        "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5", "LSOA21CD", "LSOA21NM", "name_prefix",
    ),
    BoundarySet(
        "lsoa21_bfc", "LSOA 2021, full resolution (BFC)",
        "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BFC_V10", "LSOA21CD", "LSOA21NM", "name_prefix",
    ),
    BoundarySet(
        "lsoa11_bgc", "LSOA 2011, generalised (BGC)",
        "LSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3_2022", "LSOA11CD", "LSOA11NM", "name_prefix",
    ),
    BoundarySet(
        "lsoa11_bfc", "LSOA 2011, full resolution (BFC)",
        "Lower_layer_Super_Output_Areas_Dec_2011_Boundaries_Full_Clipped_BFC_EW_V3_2022", "LSOA11CD", "LSOA11NM",
        "name_prefix",
    ),
    BoundarySet(
        "msoa21_bgc", "MSOA 2021, generalised (BGC)",
        "Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V3", "MSOA21CD", "MSOA21NM", "name_prefix",
    ),
    BoundarySet(
        "msoa21_bfc", "MSOA 2021, full resolution (BFC)",
        "Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BFC_V7", "MSOA21CD", "MSOA21NM", "name_prefix",
    ),
    BoundarySet(
        "msoa11_bgc", "MSOA 2011, generalised (BGC)",
        "MSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3_2022", "MSOA11CD", "MSOA11NM", "name_prefix",
    ),
    BoundarySet(
        "wards25_bgc", "Wards May 2025, generalised (BGC)", "Wards_May_2025_Boundaries_UK_BGC", "WD25CD", "WD25NM",
        "outline",
    ),
    BoundarySet(
        "wards24_bgc", "Wards May 2024, generalised (BGC)", "Wards_May_2024_Boundaries_UK_BGC", "WD24CD", "WD24NM",
        "outline",
    ),
    BoundarySet(
        "wards24_bfc", "Wards May 2024, full resolution (BFC)", "Wards_May_2024_Boundaries_UK_BFC", "WD24CD",
        "WD24NM", "outline",
    ),
    BoundarySet(
        "lad24_bgc", "Local authority districts May 2024, generalised (BGC)",
        "Local_Authority_Districts_May_2024_Boundaries_UK_BGC", "LAD24CD", "LAD24NM", "field",
    ),
    BoundarySet(
        "lad24_bfc", "Local authority districts May 2024, full resolution (BFC)",
        "Local_Authority_Districts_May_2024_Boundaries_UK_BFC", "LAD24CD", "LAD24NM", "field",
    ),
    BoundarySet(
        "cty24_bgc", "Counties and unitary authorities December 2024, generalised (BGC)",
        "Counties_and_Unitary_Authorities_December_2024_Boundaries_UK_BGC", "CTYUA24CD", "CTYUA24NM", "field",
    ),
    BoundarySet(
        "cty24_bfc", "Counties and unitary authorities December 2024, full resolution (BFC)",
        "Counties_and_Unitary_Authorities_December_2024_Boundaries_UK_BFC", "CTYUA24CD", "CTYUA24NM", "field",
    ),
)  # fmt: skip
#: The set whose names and outlines select a district's features in the other sets.
DISTRICT_SET = "lad24_bgc"
_DISTRICT_CODE_FIELD = re.compile(r"^(LAD|LTLA|UTLA|CTYUA|CTY|LA|UA)\d{2}CD$", re.IGNORECASE)
_SMALL_AREA_NAME_FIELD = re.compile(r"^(LSOA|MSOA)\d{2}NM$", re.IGNORECASE)
_LAYER_URL = re.compile(r"^https?://.+/(FeatureServer|MapServer)/\d+$", re.IGNORECASE)


class ArcGisError(OnlineSourceError):
    """The ArcGIS server answered with an error body (often with HTTP 200)."""


def boundary_set(key: str) -> BoundarySet:
    """The catalogue entry ``key`` (e.g. 'lsoa21_bgc')."""
    for item in BOUNDARY_SETS:
        if item.key == key:
            return item
    keys = ", ".join(item.key for item in BOUNDARY_SETS)
    raise OnlineSourceError(f"There is no boundary set '{key}'. The sets are: {keys}.")


def ons_base_url(base_url: str | None = None) -> str:
    """The services folder to use: ``base_url`` (a mirror), else ONS's own."""
    return (base_url or ONS_BASE_URL).rstrip("/")


def layer_url(item: BoundarySet, base_url: str | None = None) -> str:
    """The FeatureServer layer URL of a catalogue entry."""
    return f"{ons_base_url(base_url)}/{item.service}/FeatureServer/0"


def check_layer_url(url: str) -> str:
    """A layer URL cleaned of a trailing /query or slash; an error for anything else."""
    cleaned = url.strip().rstrip("/")
    cleaned = re.sub(r"/query$", "", cleaned, flags=re.IGNORECASE).split("?")[0]
    if not _LAYER_URL.match(cleaned):
        raise OnlineSourceError(
            f"{url}: not an ArcGIS layer address. Give the layer URL ending in /FeatureServer/0, e.g. "
            f"{ONS_BASE_URL}/<service name>/FeatureServer/0 (copy it from the dataset's 'I want to use this > "
            "View API resources' on the Open Geography Portal)."
        )
    return cleaned


def arcgis_json(client: HttpClient, url: str, params: dict[str, Any]) -> dict:
    """GET an ArcGIS REST resource as JSON; its {"error": ...} body becomes an ArcGisError."""
    shown = redact(full_url(url, params))
    data = parse_json(client.get(url, params), shown)
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        code = error.get("code", "")
        message = str(error.get("message", "")).strip()
        details = "; ".join(str(item) for item in error.get("details") or [] if item)
        said = f"{message} ({details})" if details and details != message else message
        if str(code) in ("498", "499"):
            advice = "The service is not public: it needs a token this tool does not have."
        elif "invalid url" in said.lower() or "not found" in said.lower() or str(code) == "404":
            advice = (
                "The service or layer does not exist there: ONS renames services with each release. Find the "
                "current layer URL on the Open Geography Portal and give it as the service URL."
            )
        else:
            advice = "Check the query: the field names in the district filter, and the extent."
        raise ArcGisError(f"{shown}: the ArcGIS server reported error {code}: {said}. {advice}".replace(" :", ":"))
    if not isinstance(data, dict):
        raise OnlineSourceError(f"{shown}: the answer is not an ArcGIS JSON object.")
    return data


@dataclass
class LayerInfo:
    """What the layer's ?f=json says: its name, page size, id field and fields."""

    url: str
    name: str
    max_record_count: int
    object_id_field: str
    fields: list[str]
    supports_pagination: bool

    def field_named(self, name: str) -> str | None:
        """The layer's spelling of a field name (case-insensitive), or None."""
        return next((item for item in self.fields if item.lower() == name.lower()), None)


def read_layer_info(client: HttpClient, url: str) -> LayerInfo:
    """The layer description (?f=json): maxRecordCount, object id field, fields."""
    data = arcgis_json(client, url, {"f": "json"})
    fields = [str(item.get("name", "")) for item in data.get("fields") or [] if isinstance(item, dict)]
    object_id = str(data.get("objectIdField") or "")
    if not object_id:
        object_id = next(
            (item["name"] for item in data.get("fields") or [] if item.get("type") == "esriFieldTypeOID"), ""
        )
    if not fields:
        raise OnlineSourceError(
            f"{url}: the server did not describe a feature layer (no fields). Check that the URL ends in "
            "/FeatureServer/<layer number>."
        )
    advanced = data.get("advancedQueryCapabilities") or {}
    return LayerInfo(
        url=url,
        name=str(data.get("name") or url.rsplit("/", 3)[-3]),
        max_record_count=max(int(data.get("maxRecordCount") or 1000), 1),
        object_id_field=object_id,
        fields=fields,
        supports_pagination=bool(advanced.get("supportsPagination", True)),
    )


@dataclass
class BoundaryQuery:
    """The server-side query (``where``, envelope) and the client-side outline filter."""

    where: str = "1=1"
    envelope: QgsRectangle | None = None
    outline: QgsGeometry | None = None
    description: str = "all features"

    def params(self) -> dict[str, Any]:
        """The query parameters shared by the count and the feature requests."""
        params: dict[str, Any] = {"where": self.where}
        if self.envelope is not None:
            box = self.envelope
            params.update({
                "geometry": f"{box.xMinimum():.3f},{box.yMinimum():.3f},{box.xMaximum():.3f},{box.yMaximum():.3f}",
                "geometryType": "esriGeometryEnvelope",
                "inSR": BRITISH_NATIONAL_GRID,
                "spatialRel": "esriSpatialRelIntersects",
            })  # fmt: skip
        return params


def _geometry_from_geojson(geometry: dict | None) -> QgsGeometry:
    """A QgsGeometry from a GeoJSON geometry object (through OGR, which QGIS always ships)."""
    from osgeo import ogr

    if not geometry:
        return QgsGeometry()
    parsed = ogr.CreateGeometryFromJson(json.dumps(geometry))
    if parsed is None:
        return QgsGeometry()
    result = QgsGeometry()
    result.fromWkb(bytes(parsed.ExportToIsoWkb()))
    return result


@dataclass
class District:
    """A district found in the district layer: its code, name and outline (EPSG:27700)."""

    code: str
    name: str
    outline: QgsGeometry


def find_district(client: HttpClient, code: str, base_url: str | None = None) -> District:
    """The district ``code`` from the catalogue's district layer: its name and outline."""
    item = boundary_set(DISTRICT_SET)
    url = layer_url(item, base_url)
    params = {
        "where": f"{item.code_field} = '{code}'",
        "outFields": f"{item.code_field},{item.name_field}",
        "outSR": BRITISH_NATIONAL_GRID,
        "returnGeometry": "true",
        "f": "geojson",
    }
    data = arcgis_json(client, f"{url}/query", params)
    features = _features_of(data, redact(full_url(f"{url}/query", params)))
    if not features:
        raise OnlineSourceError(
            f"There is no district with code {code} in {item.service}. Give the code of a local authority district "
            "or unitary authority (E06, E07, E08, E09 or W06 followed by six digits) as it is in May 2024."
        )
    properties = features[0].get("properties") or {}
    name = str(properties.get(item.name_field) or properties.get(item.name_field.lower()) or "").strip()
    outline = _geometry_from_geojson(features[0].get("geometry"))
    return District(code, name, outline)


def plan_query(
    client: HttpClient,
    info: LayerInfo,
    item: BoundarySet | None,
    district_code: str | None,
    extent: QgsRectangle | None,
    base_url: str | None = None,
) -> BoundaryQuery:
    """How to ask ``info``'s layer for one district and/or one extent (EPSG:27700)."""
    query = BoundaryQuery()
    parts = []
    if extent is not None and not extent.isEmpty():
        query.envelope = QgsRectangle(extent)
        parts.append(
            f"extent {extent.xMinimum():.0f},{extent.yMinimum():.0f} - {extent.xMaximum():.0f},{extent.yMaximum():.0f}"
        )
    if district_code:
        code = normalise_code(district_code)
        if not is_normalised_code(code):
            raise OnlineSourceError(
                f"'{district_code}' is not an ONS area code. Give the district's 9-character code, e.g. E06000017."
            )
        code_field = info.field_named(item.code_field) if item and item.district_filter == "field" else None
        code_field = code_field or next((name for name in info.fields if _DISTRICT_CODE_FIELD.match(name)), None)
        name_field = info.field_named(item.name_field) if item and item.district_filter == "name_prefix" else None
        name_field = name_field or next((name for name in info.fields if _SMALL_AREA_NAME_FIELD.match(name)), None)
        if code_field:
            query.where = f"{code_field} = '{code}'"
            parts.append(f"{code_field} = {code}")
        else:
            district = find_district(client, code, base_url)
            # "Bristol, City of" names its LSOAs "Bristol 001A": the part before the comma starts them.
            stem = district.name.split(",")[0].strip()
            if name_field and stem:
                escaped = stem.replace("'", "''")
                query.where = f"{name_field} LIKE '{escaped} %'"
                parts.append(f"{name_field} starting with '{stem} ' (district {code})")
            else:
                if district.outline.isEmpty():
                    raise OnlineSourceError(f"The district {code} has no outline to select features with.")
                query.outline = district.outline
                box = district.outline.boundingBox()
                query.envelope = box if query.envelope is None else query.envelope.intersect(box)
                parts.append(f"inside the outline of {district.name or code} ({code})")
    if not parts:
        raise OnlineSourceError(
            "Choose a district code or an extent: a whole national boundary set is tens of thousands of features."
        )
    query.description = "; ".join(parts)
    return query


def count_features(client: HttpClient, info: LayerInfo, query: BoundaryQuery) -> int:
    """How many features the server holds for the query (returnCountOnly)."""
    data = arcgis_json(client, f"{info.url}/query", {**query.params(), "returnCountOnly": "true", "f": "json"})
    if not isinstance(data.get("count"), int):
        raise OnlineSourceError(f"{info.url}: the server did not say how many features match (no 'count').")
    return data["count"]


def _features_of(data: dict, shown: str) -> list[dict]:
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise OnlineSourceError(f"{shown}: the answer is not a GeoJSON FeatureCollection.")
    return data["features"]


def _exceeded(data: dict) -> bool:
    """ArcGIS's exceededTransferLimit, at the top (f=json) or under properties (f=geojson)."""
    properties = data.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    return bool(data.get("exceededTransferLimit") or properties.get("exceededTransferLimit"))


def fetch_features(
    client: HttpClient, info: LayerInfo, query: BoundaryQuery, expected: int, feedback: QgsFeedback | None = None
) -> list[dict]:
    """Every feature of the query as GeoJSON (EPSG:27700), page by page; an error unless all ``expected`` came."""
    page_size = info.max_record_count
    base = {
        **query.params(),
        "outFields": "*",
        "returnGeometry": "true",
        "outSR": BRITISH_NATIONAL_GRID,
        "f": "geojson",
    }
    if info.object_id_field:
        base["orderByFields"] = info.object_id_field  # a stable order, so pages neither overlap nor skip
    features: dict[Any, dict] = {}
    offset = 0
    for page in range(_MAX_PAGES):
        if feedback is not None and feedback.isCanceled():
            raise CancelledError("Cancelled: no output was written.")
        params = dict(base)
        if info.supports_pagination:
            params.update({"resultOffset": offset, "resultRecordCount": page_size})
        data = arcgis_json(client, f"{info.url}/query", params)
        received = _features_of(data, redact(full_url(f"{info.url}/query", params)))
        for index, feature in enumerate(received):
            properties = feature.get("properties") or {}
            key = feature.get("id", properties.get(info.object_id_field, (offset, index)))
            features[key] = feature
        offset += page_size
        if feedback is not None and expected:
            feedback.setProgress(min(99.0, 100.0 * len(features) / expected))
        if not _exceeded(data):
            break
        if not info.supports_pagination:
            raise OnlineSourceError(
                f"{info.url}: the query matches more than the {page_size:,} features the server sends at once, and "
                "this server cannot page. Choose a smaller extent or one district."
            )
        if offset >= expected + 2 * page_size:
            raise OnlineSourceError(
                f"{info.url}: the server kept saying more features follow (exceededTransferLimit) past the "
                f"{expected:,} it counted, after {page + 1} pages. Nothing was saved: try again later."
            )
    if len(features) != expected:
        raise OnlineSourceError(
            f"{info.url}: the server sent {len(features):,} of the {expected:,} features it counted for "
            f"{query.description} (paging stopped early). Nothing was saved: try again later, or from another "
            "network if this repeats."
        )
    return list(features.values())


@dataclass
class BoundaryOutcome:
    """Where the boundaries were written, how many, where they came from, and the log."""

    uri: str
    path: Path
    layer_name: str
    feature_count: int
    source_url: str
    query: str
    retrieved: str
    cache_file: Path
    from_cache: bool
    log: list[LogLine] = field(default_factory=list)


def _write_cache_entry(
    features: list[dict], outline: QgsGeometry | None, cache_file: Path, layer_name: str, record: dict[str, Any]
) -> int:
    """Write the features (those inside ``outline``, when given) to a new GeoPackage at ``cache_file``."""
    geojson_path = cache_file.with_name(f".{cache_file.stem}.{uuid.uuid4().hex[:8]}.part.geojson")
    try:
        with atomic_file(cache_file) as gpkg_path:
            collection = {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": f"EPSG:{BRITISH_NATIONAL_GRID}"}},
                "features": features,
            }
            geojson_path.write_text(json.dumps(collection), encoding="utf-8")
            layer = QgsVectorLayer(str(geojson_path), layer_name, "ogr")
            if not layer.isValid():
                raise OnlineSourceError(f"{record['url']}: the downloaded features cannot be read as GeoJSON.")
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = "GPKG"
            options.layerName = layer_name
            options.fileEncoding = "UTF-8"
            options.forceMulti = True  # ONS layers mix Polygon and MultiPolygon
            if outline is not None:
                options.filterFids = _inside(layer, outline)
                if not options.filterFids:
                    raise OnlineSourceError(
                        f"{record['url']}: none of the {len(features):,} features near the district lies inside its "
                        "outline. Check that the boundary set covers the district's nation."
                    )
            error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
                layer, str(gpkg_path), QgsCoordinateTransformContext(), options
            )
            del layer
            if error != QgsVectorFileWriter.WriterError.NoError:
                raise OnlineSourceError(f"{cache_file}: cannot write the downloaded boundaries ({message}).")
            written = QgsVectorLayer(f"{gpkg_path}|layername={layer_name}", layer_name, "ogr")
            count = written.featureCount()
            del written
            write_source_record(gpkg_path, {**record, "layer": layer_name, "features": count})
    finally:
        geojson_path.unlink(missing_ok=True)
    return count


def _inside(layer: QgsVectorLayer, outline: QgsGeometry) -> set[int]:
    """Ids of the features whose point on surface lies inside ``outline`` (each area goes to one district)."""
    engine = QgsGeometry.createGeometryEngine(outline.constGet())
    engine.prepareGeometry()
    keep = set()
    for feature in layer.getFeatures(QgsFeatureRequest().setNoAttributes()):
        point = feature.geometry().pointOnSurface()  # kept in a name: constGet() does not own the geometry
        if not point.isEmpty() and engine.intersects(point.constGet()):
            keep.add(feature.id())
    return keep


def _usable_cache_record(cache_file: Path, max_age_days: float) -> dict[str, str] | None:
    """The source record of a fresh cache entry whose layer opens with the features it recorded, else None.

    An entry that fails this (damaged, or cut short by a crash) is downloaded again and replaced.
    """
    if not is_fresh(cache_file, max_age_days):
        return None
    records = read_source_records(cache_file)
    if not records:
        return None
    layer = QgsVectorLayer(f"{cache_file}|layername={records[0]['layer']}", "cached", "ogr")
    count = layer.featureCount() if layer.isValid() else -1
    del layer
    return records[0] if str(count) == records[0].get("features") else None


def load_boundaries(
    output: str,
    set_key: str | None = "lsoa21_bgc",
    district_code: str | None = None,
    extent: QgsRectangle | None = None,
    service_url: str | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
    client: HttpClient | None = None,
    feedback: QgsFeedback | None = None,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
) -> BoundaryOutcome:
    """Download one district's (or one extent's) boundaries into the GeoPackage ``output``, through the cache.

    ``service_url`` (a layer URL ending in /FeatureServer/0) replaces the catalogue entry
    ``set_key``; ``base_url`` None is ONS's own services folder. ``extent`` is in EPSG:27700.
    The cache is ``cache_dir`` (None: the default folder), reused for ``max_age_days``.
    Raises OnlineSourceError, OutputError or CancelledError; a failed or cancelled download
    leaves no cache entry and no output.
    """
    client = client or HttpClient(feedback=feedback)
    out_path, out_layer = gpkg_destination(output)
    item = boundary_set(set_key) if set_key else None
    if service_url:
        url = check_layer_url(service_url)
    elif item is not None:
        url = layer_url(item, base_url)
    else:
        raise OnlineSourceError("Choose a boundary set, or give the service URL of an ArcGIS layer.")
    if service_url and item is not None and item.service not in url:
        item = None  # another service: its fields decide how a district is selected
    log: list[LogLine] = []
    folder = cache_folder(cache_dir)
    box = None
    if extent is not None and not extent.isEmpty():
        box = [
            round(value, 1) for value in (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        ]
    code = normalise_code(district_code) if district_code else ""
    cache_file = folder / f"boundaries_{cache_key(url, code, box)}.gpkg"
    check_output_is_new(out_path, [cache_file])
    cached_record = None if refresh else _usable_cache_record(cache_file, max_age_days)
    from_cache = cached_record is not None
    if cached_record is not None:
        record = cached_record
        cache_layer = record["layer"]
        log.append(
            LogLine(
                f"Used the download of {record['retrieved']} from the cache ({cache_file.name}); "
                "REFRESH downloads again."
            )
        )
    else:
        cache_file.unlink(missing_ok=True)  # an old or unusable entry: nothing of it must outlive a failed download
        info = read_layer_info(client, url)
        query = plan_query(client, info, item, district_code, extent, base_url)
        cache_layer = re.sub(r"[^0-9A-Za-z_]+", "_", info.name).strip("_").lower() or "boundaries"
        expected = count_features(client, info, query)
        if expected == 0:
            raise OnlineSourceError(
                f"{url}: no features match {query.description}. Check the district code (and that the boundary set "
                "covers its nation) or the extent."
            )
        log.append(
            LogLine(
                f"{info.name}: {plural('feature', expected)} match {query.description}; "
                f"pages of {info.max_record_count:,}."
            )
        )
        features = fetch_features(client, info, query, expected, feedback)
        record = {
            "source": info.name,
            "url": url,
            "query": json.dumps({**query.params(), "filter": query.description}, sort_keys=True),
            "retrieved": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
            "plugin_version": plugin_version(),
        }
        kept = _write_cache_entry(features, query.outline, cache_file, cache_layer, record)
        if query.outline is not None:
            log.append(LogLine(f"{plural('feature', kept)} of these lie inside the district outline."))
    log[:0] = client.log
    cached = QgsVectorLayer(f"{cache_file}|layername={cache_layer}", cache_layer, "ogr")
    if not cached.isValid():
        raise OnlineSourceError(f"{cache_file}: the cached boundaries do not open; run again with REFRESH.")
    uri = write_layer_with_fields(cached, out_path, out_layer, [], lambda _feature: [], feedback)
    count = cached.featureCount()
    del cached
    write_source_record(out_path, {**record, "layer": out_layer, "features": count})
    if feedback is not None:
        feedback.setProgress(100)
    log.append(LogLine(f"Wrote {count:,} features to {out_path.name}, layer '{out_layer}' (EPSG:27700)."))
    return BoundaryOutcome(
        uri, out_path, out_layer, count, url, record["query"], record["retrieved"], cache_file, from_cache, log
    )
