"""Loopback servers for the online-source tests: real HTTP on 127.0.0.1, answering like the real services.

One ThreadingHTTPServer answers, in each service's own format, from the real open data in
shared/data/real:
- /arcgis/rest/services/<name>/FeatureServer/0 — ONS boundary layers (Rutland and Nottingham
  features, reprojected to EPSG:27700 on request), with a small maxRecordCount so that
  paging is exercised; `where`, envelope `geometry`, `outSR`, `f`, `resultOffset`,
  `resultRecordCount`, `returnCountOnly`, `orderByFields` honoured; errors as HTTP 200
  {"error": ...} bodies, as ArcGIS sends them.
- /fingertips/api/... — profiles, indicator names, area types, indicator metadata and the
  all_data CSV, built from the Indices of Deprivation files (see FINGERTIPS_* below).
- /nomis/api/v01/... — dataset search and data.csv with RECORD_OFFSET/RECORD_COUNT paging,
  built from the Census 2011 usual residents of every Rutland and Nottingham output area.
- /files/<name> — plain file downloads (CSV, XLSX, GeoJSON, and an HTML login page).

Faults are injected per path fragment (``server.fail("/query", "500")``): error statuses, web
pages, broken JSON, dropped connections, slow or dripping answers, and the ways real servers
and proxies cut a transfer short (half a body under the full Content-Length, a gzip stream or
a CSV cut mid-way under a Content-Length that matches the cut, no Content-Length at all), a
body trickling one byte at a time, and a redirect loop (see _send). A forwarding proxy
(Debian's tinyproxy, or a small Python one when tinyproxy is missing) logs what passes. The
last section holds the plain helpers both halves of the online tests use (tests/core and
tests/processing); the fixtures that start the servers are in tests/conftest.py.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from qgis.core import QgsSettings

from .support import open_layer

ARCGIS_ROOT = "/arcgis/rest/services"
FINGERTIPS_ROOT = "/fingertips/api"
NOMIS_ROOT = "/nomis/api/v01"
#: Test ids (not real Fingertips ids): a profile, a domain and two indicators built from the IoD files.
FINGERTIPS_PROFILE = 990
FINGERTIPS_GROUP = 99001
IMD_SCORE_INDICATOR = 990001  # IoD2025 IMD score of each LSOA 2021, as published
MOST_DEPRIVED_INDICATOR = 990002  # share of a district's LSOAs in the national most deprived decile
LSOA_AREA_TYPE = 990  # test area type: LSOA 2021 (Fingertips publishes few LSOA indicators)
DISTRICT_AREA_TYPE = 501  # Fingertips: Districts & UAs (from Apr 2023)
ENGLAND_AREA_TYPE = 15
NOMIS_DATASET = "NM_144_1"  # Nomis: KS101EW usual resident population, Census 2011
DISTRICTS = {"E06000017": "Rutland", "E06000018": "Nottingham"}
#: The value note of the IMD score rows: a text with a comma, quoted in the CSV as Fingertips quotes such fields.
SCORE_NOTE = "Source: MHCLG, English Indices of Deprivation 2025"


# ---------------------------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    """What a route returns."""

    status: int = 200
    content_type: str = "application/json"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: object, status: int = 200) -> Answer:
        return cls(status, "application/json; charset=utf-8", json.dumps(data).encode("utf-8"))


@dataclass
class Seen:
    """One request as the server received it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Fault:
    """A fault for requests whose path (with query) contains ``fragment``: ``times`` of them, then normal."""

    fragment: str
    kind: str
    times: int = 1
    seconds: float = 0.0


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with routes by path prefix, a request log and fault injection."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, Callable[[str, dict[str, str]], Answer]]] = []
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True, name="loopback-server")
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, prefix: str, handler: Callable[[str, dict[str, str]], Answer]) -> None:
        self.routes.append((prefix, handler))

    def fail(self, fragment: str, kind: str, times: int = 1, seconds: float = 0.0) -> None:
        """Make the next ``times`` requests containing ``fragment`` fail with ``kind`` (see _handle)."""
        with self._lock:
            self.faults.append(Fault(fragment, kind, times, seconds))

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.seen.clear()

    def requests_to(self, fragment: str) -> list[Seen]:
        return [item for item in self.seen if fragment in item.path]

    def _take_fault(self, target: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.fragment in target and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _answer(self, path: str, query: dict[str, str]) -> Answer:
        for prefix, handler in self.routes:
            if path.startswith(prefix):
                return handler(path[len(prefix) :], query)
        return Answer(404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>")

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request: log it, then answer as the routes say, unless a fault applies to it."""
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.seen.append(Seen(parts.path, query, dict(handler.headers.items())))
        fault = self._take_fault(handler.path)
        kind = fault.kind if fault else ""
        if kind == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if kind == "redirect_loop":  # sends the client back to the address it asked for, as a broken rewrite does
            _send(handler, Answer(302, "text/html", b"", {"Location": handler.path}), None)
            return
        if fault is not None and kind in ("slow", "timeout"):
            time.sleep(fault.seconds)
        answer = _fault_answer(kind)
        if answer is None:
            try:
                answer = self._answer(parts.path, query | ({"_fault": kind} if kind else {}))
            except Exception as error:  # a bug in a route: visible in the test's failure
                answer = Answer(500, "text/plain", f"route failed: {error!r}".encode())
        _send(handler, answer, fault)


def _fault_answer(kind: str) -> Answer | None:
    """The answer a fault puts in place of the route's (an error status, a web page, broken JSON), or None."""
    if kind in ("500", "502", "503", "404", "403"):
        return Answer(int(kind), "text/plain", f"Error {kind}".encode())
    if kind == "html":
        return Answer(200, "text/html; charset=utf-8", LOGIN_PAGE)
    if kind == "invalid_json":
        return Answer(200, "application/json", b'{"type": "FeatureCollection", "features": [{"type": "Fea')
    if kind == "arcgis_error":
        return Answer.json({"error": {"code": 500, "message": "Error performing query operation", "details": []}})
    return None


def _cut_in_quote(body: bytes) -> bytes:
    """The body cut three characters into the first quoted field that starts after its middle."""
    start = body.find(b',"', len(body) // 2)
    assert start > 0, "the answer has no quoted field to cut in"
    return body[: start + 5]


def _cut_mid_row(body: bytes) -> bytes:
    """The body cut just after the first separator of the first row that starts after its middle."""
    return body[: body.find(b",", body.find(b"\n", len(body) // 2)) + 1]


def _framed(kind: str, body: bytes) -> tuple[bytes, int | None, dict[str, str]]:
    """What a fault sends for ``body``: the bytes, the Content-Length it announces (None: none) and extra headers.

    "truncate": half the body under the full length; "gzip": the body packed (a good answer);
    "gzip_cut": half the packed body under a length that matches it (a proxy that re-framed a
    broken transfer); "gzip_truncate": half the packed body under the packed length;
    "cut_in_quote" / "cut_row": a CSV cut inside a quoted field / mid-row, its length matching
    the cut; "no_length": the whole body with no Content-Length, ended by closing the connection.
    """
    if kind == "truncate":
        return body[: len(body) // 2], len(body), {"Connection": "close"}
    if kind in ("gzip", "gzip_cut", "gzip_truncate"):
        packed = gzip.compress(body)
        sent = packed if kind == "gzip" else packed[: len(packed) // 2]
        if kind == "gzip_truncate":
            return sent, len(packed), {"Content-Encoding": "gzip", "Connection": "close"}
        return sent, len(sent), {"Content-Encoding": "gzip"}
    if kind in ("cut_in_quote", "cut_row"):
        sent = _cut_in_quote(body) if kind == "cut_in_quote" else _cut_mid_row(body)
        return sent, len(sent), {}
    if kind == "no_length":
        return body, None, {"Connection": "close"}
    return body, len(body), {}


def _send(handler: BaseHTTPRequestHandler, answer: Answer, fault: Fault | None) -> None:
    """Write the answer as the fault says (see _framed); "drip" sends 16 bytes, "trickle" one byte, per pause."""
    kind = fault.kind if fault else ""
    body, length, extra = _framed(kind, answer.body)
    handler.send_response(answer.status)
    handler.send_header("Content-Type", answer.content_type)
    if length is not None:
        handler.send_header("Content-Length", str(length))
    for name, value in {**answer.headers, **extra}.items():
        handler.send_header(name, value)
    handler.end_headers()
    step = {"drip": 16, "trickle": 1}.get(kind, 0)
    try:
        if fault is not None and step:  # slow body: a few bytes at a time
            for start in range(0, len(body), step):
                handler.wfile.write(body[start : start + step])
                handler.wfile.flush()
                time.sleep(fault.seconds)
        else:
            handler.wfile.write(body)
            handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass
    if "Connection" in extra:
        handler.close_connection = True


LOGIN_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method='post'>"
    b"<input name='user'><input type='password' name='password'></form></body></html>"
)


# ---------------------------------------------------------------------------------------- ArcGIS


def _to_bng(coordinates: object, transform: Callable) -> object:
    """Reproject nested GeoJSON coordinates from lon/lat to EPSG:27700."""
    if isinstance(coordinates[0], (int, float)):
        x, y = transform(coordinates[0], coordinates[1])
        return [round(x, 3), round(y, 3)]
    return [_to_bng(item, transform) for item in coordinates]


@dataclass
class ArcGisLayer:
    """One FeatureServer layer: features with lon/lat and EPSG:27700 geometries."""

    name: str
    fields: list[tuple[str, str]]  # (name, esri type)
    features: list[dict]  # {"id", "properties", "geometry" (4326), "geometry_bng"}
    max_record_count: int = 10


class WhereError(ValueError):
    pass


def _like(pattern: str) -> re.Pattern:
    regex = "".join(".*" if char == "%" else "." if char == "_" else re.escape(char) for char in pattern)
    return re.compile(f"^{regex}$", re.IGNORECASE | re.DOTALL)


def _literal(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def where_filter(where: str, fields: list[str]) -> Callable[[dict], bool]:
    """A predicate for the SQL subset ONS queries use: 1=1, =, LIKE, IN, joined by AND."""
    tests = []
    for clause in re.split(r"\s+AND\s+", where.strip() or "1=1", flags=re.IGNORECASE):
        if re.fullmatch(r"\s*1\s*=\s*1\s*", clause):
            continue
        match = re.fullmatch(r"\s*(?:UPPER\()?(\w+)\)?\s+(LIKE|IN)\s+(.+)|\s*(\w+)\s*(=)\s*(.+)", clause, re.IGNORECASE)
        if not match:
            raise WhereError(clause)
        name, operator, value = (
            (match.group(1), match.group(2), match.group(3)) if match.group(1) else match.groups()[3:]
        )
        if name not in fields:
            raise WhereError(f"Invalid field: {name}")
        operator = operator.upper()
        if operator == "=":
            wanted = _literal(value)
            tests.append(lambda props, n=name, w=wanted: str(props.get(n)) == w)
        elif operator == "LIKE":
            pattern = _like(_literal(re.sub(r"^UPPER\((.*)\)$", r"\1", value.strip(), flags=re.IGNORECASE)))
            tests.append(lambda props, n=name, p=pattern: bool(p.match(str(props.get(n)))))
        else:
            items = {_literal(item) for item in re.findall(r"'(?:[^']|'')*'|[^,()\s]+", value)}
            tests.append(lambda props, n=name, s=items: str(props.get(n)) in s)
    return lambda props: all(test(props) for test in tests)


class ArcGisService:
    """The ArcGIS REST routes for a set of layers."""

    def __init__(self, layers: list[ArcGisLayer]) -> None:
        self.layers = {layer.name: layer for layer in layers}
        self.count_offset = 0  # added to returnCountOnly answers (to fake a server that loses features)

    def __call__(self, rest: str, query: dict[str, str]) -> Answer:
        match = re.fullmatch(r"/([^/]+)/FeatureServer/0(/query)?/?", rest)
        layer = self.layers.get(match.group(1)) if match else None
        if layer is None:
            return Answer.json({"error": {"code": 400, "message": "Invalid URL", "details": ["Invalid URL"]}})
        if not match.group(2):
            return Answer.json(self.layer_info(layer))
        try:
            return self.query(layer, query)
        except WhereError as error:
            return Answer.json({
                "error": {
                    "code": 400, "message": "Unable to complete operation.",
                    "details": [f"'{error}' parameter is invalid"],
                }
            })  # fmt: skip

    @staticmethod
    def layer_info(layer: ArcGisLayer) -> dict:
        fields = [{"name": "FID", "type": "esriFieldTypeOID", "alias": "FID"}] + [
            {"name": name, "type": kind, "alias": name} for name, kind in layer.fields
        ]
        return {
            "currentVersion": 11.3, "id": 0, "name": layer.name, "type": "Feature Layer",
            "geometryType": "esriGeometryPolygon", "objectIdField": "FID", "maxRecordCount": layer.max_record_count,
            "supportedQueryFormats": "JSON, geoJSON, PBF",
            "advancedQueryCapabilities": {"supportsPagination": True, "supportsOrderBy": True},
            "extent": {"spatialReference": {"wkid": 27700, "latestWkid": 27700}},
            "fields": fields,
        }  # fmt: skip

    def query(self, layer: ArcGisLayer, query: dict[str, str]) -> Answer:
        from shapely.geometry import box, shape

        names = [name for name, _ in layer.fields]
        keep = where_filter(query.get("where", "1=1"), [*names, "FID"])
        matches = [item for item in layer.features if keep({**item["properties"], "FID": item["id"]})]
        if query.get("geometry"):
            if query.get("geometryType", "esriGeometryEnvelope") != "esriGeometryEnvelope":
                raise WhereError("geometryType")
            xmin, ymin, xmax, ymax = (float(value) for value in query["geometry"].split(","))
            envelope = box(xmin, ymin, xmax, ymax)
            key = "geometry_bng" if str(query.get("inSR", "4326")) == "27700" else "geometry"
            matches = [item for item in matches if shape(item[key]).intersects(envelope)]
        if query.get("returnCountOnly", "").lower() == "true":
            return Answer.json({"count": len(matches) + self.count_offset})
        if query.get("orderByFields"):
            field_name = query["orderByFields"].split()[0]
            matches.sort(
                key=lambda item: item["id"] if field_name == "FID" else str(item["properties"].get(field_name))
            )
        offset = int(query.get("resultOffset") or 0)
        size = min(int(query.get("resultRecordCount") or layer.max_record_count), layer.max_record_count)
        page = matches[offset : offset + size]
        exceeded = offset + len(page) < len(matches)
        fault = query.get("_fault", "")
        if fault == "stop_paging" and offset > 0:
            page, exceeded = [], False  # the server gives up early and says nothing
        if fault == "empty_pages" and offset > 0:
            page, exceeded = [], True  # "more follow", but nothing ever comes
        out_fields = query.get("outFields", "*")
        wanted = names if out_fields.strip() in ("*", "") else [name.strip() for name in out_fields.split(",")]
        out_sr = str(query.get("outSR", "4326"))
        features = [
            {
                "type": "Feature", "id": item["id"],
                "geometry": item["geometry_bng"] if out_sr == "27700" else item["geometry"],
                "properties": {name: item["properties"].get(name) for name in wanted if name in names},
            }
            for item in page
        ]  # fmt: skip
        if query.get("f", "html") == "geojson":
            data: dict = {"type": "FeatureCollection", "features": features}
            if out_sr != "4326":
                data["crs"] = {"type": "name", "properties": {"name": f"EPSG:{out_sr}"}}
            if exceeded:
                data["properties"] = {"exceededTransferLimit": True}
            return Answer(200, "application/geo+json; charset=utf-8", json.dumps(data).encode("utf-8"))
        data = {
            "objectIdFieldName": "FID",
            "features": [{"attributes": {"FID": item["id"], **item["properties"]}} for item in features],
        }
        if exceeded:
            data["exceededTransferLimit"] = True
        return Answer.json(data)


def _read_features(path: Path, rename: dict[str, str], transform: Callable) -> list[dict]:
    """Features of a real GeoJSON file, with only the renamed (kept) properties and both CRSs."""
    items = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        properties = {new: feature["properties"].get(old) for old, new in rename.items()}
        geometry = feature["geometry"]
        bng = {"type": geometry["type"], "coordinates": _to_bng(geometry["coordinates"], transform)}
        items.append({"properties": properties, "geometry": geometry, "geometry_bng": bng})
    return items


def ons_layers(data: Path, max_record_count: int = 10) -> list[ArcGisLayer]:
    """The ONS layers as the Open Geography Portal names them, from the Rutland and Nottingham files."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    to_bng = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance()
    )

    def transform(x: float, y: float) -> tuple[float, float]:
        point = to_bng.transform(QgsPointXY(x, y))
        return point.x(), point.y()

    specs = [
        ("Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5", "boundaries/{}_lsoa21.geojson",
         {"LSOA21CD": "LSOA21CD", "LSOA21NM": "LSOA21NM"}),
        ("LSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3_2022", "boundaries/{}_lsoa11.geojson",
         {"LSOA11CD": "LSOA11CD", "LSOA11NM": "LSOA11NM", "BNG_E": "BNG_E", "BNG_N": "BNG_N"}),
        ("Middle_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V3", "boundaries/{}_msoa21.geojson",
         {"MSOA21CD": "MSOA21CD", "MSOA21NM": "MSOA21NM"}),
        ("Wards_May_2025_Boundaries_UK_BGC", "boundaries/{}_wards_2025.geojson",
         {"WD25CD": "WD25CD", "WD25NM": "WD25NM", "BNG_E": "BNG_E", "BNG_N": "BNG_N"}),
        ("Local_Authority_Districts_May_2024_Boundaries_UK_BGC", "boundaries/{}_la_boundary_from_lsoa11.geojson",
         {"LAD_CODE": "LAD24CD", "LAD_NAME": "LAD24NM"}),
    ]  # fmt: skip
    layers = []
    for name, pattern, rename in specs:
        features = []
        for place in ("rutland", "nottingham"):
            features.extend(_read_features(data / place / pattern.format(place), rename, transform))
        for number, feature in enumerate(features, start=1):
            feature["id"] = number
        kinds = [
            (new, "esriFieldTypeInteger" if new.startswith("BNG") else "esriFieldTypeString") for new in rename.values()
        ]
        layers.append(ArcGisLayer(name, kinds, features, max_record_count))
    return layers


# ------------------------------------------------------------------------------------- Fingertips

FINGERTIPS_COLUMNS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Districts & UAs (from Apr 2023) value or percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
]  # fmt: skip


def wilson_interval(count: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion, in percent (Fingertips' method for proportions)."""
    p = count / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    scale = 1 + z * z / total
    return 100 * (centre - spread) / scale, 100 * (centre + spread) / scale


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


class FingertipsService:
    """The Fingertips API routes, with two indicators built from the IoD files of both districts."""

    def __init__(self, data: Path) -> None:
        self.rows: list[dict[str, str]] = []
        names = {}
        for place in ("rutland", "nottingham"):
            for feature in json.loads((data / place / "boundaries" / f"{place}_lsoa21.geojson").read_text())[
                "features"
            ]:
                names[feature["properties"]["LSOA21CD"]] = feature["properties"]["LSOA21NM"]
        deciles: dict[tuple[str, str], list[int]] = {}
        for code, district in DISTRICTS.items():
            place = district.lower()
            for row in _csv_rows(data / place / "deprivation" / f"{place}_imd2025_lsoa21.csv"):
                score = self._row(
                    IMD_SCORE_INDICATOR, "Deprivation score (IMD 2025)", code, district, row["lsoa21_code"],
                    names[row["lsoa21_code"]], "LSOA 2021", "2025", 2025, row["IMD_score"],
                )  # fmt: skip
                score["Value note"] = SCORE_NOTE  # has a comma, so quoted in the CSV, as Fingertips quotes
                self.rows.append(score)
                deciles.setdefault((code, "2025"), []).append(int(row["IMD_decile"]))
            for row in _csv_rows(data / place / "deprivation" / f"{place}_imd2019_file1.csv"):
                deciles.setdefault((code, "2019"), []).append(int(row["Index of Multiple Deprivation (IMD) Decile"]))
        for (code, year), found in sorted(deciles.items()):
            count, total = sum(1 for decile in found if decile == 1), len(found)
            low, high = wilson_interval(count, total)
            row = self._row(
                MOST_DEPRIVED_INDICATOR, "LSOAs in the most deprived 10% nationally (IMD)", "E92000001", "England",
                code, DISTRICTS[code], "Districts & UAs (from Apr 2023)", year, int(year),
                f"{100 * count / total:.6f}",
            )  # fmt: skip
            row.update({
                "Lower CI 95.0 limit": f"{low:.6f}", "Upper CI 95.0 limit": f"{high:.6f}", "Count": str(count),
                "Denominator": str(total),
            })  # fmt: skip
            self.rows.append(row)

    @staticmethod
    def _row(
        indicator: int, name: str, parent: str, parent_name: str, code: str, area: str, area_type: str,
        period: str, sortable: int, value: str,
    ) -> dict[str, str]:  # fmt: skip
        row = dict.fromkeys(FINGERTIPS_COLUMNS, "")
        row.update({
            "Indicator ID": str(indicator), "Indicator Name": name, "Parent Code": parent, "Parent Name": parent_name,
            "Area Code": code, "Area Name": area, "Area Type": area_type, "Sex": "Persons", "Age": "All ages",
            "Time period": period, "Value": value, "Time period Sortable": f"{sortable}0000",
            "Time period range": "1y",
        })  # fmt: skip
        return row

    def __call__(self, rest: str, query: dict[str, str]) -> Answer:
        if rest == "/profiles":
            return Answer.json([{
                "Id": FINGERTIPS_PROFILE, "Name": "LIS loopback test profile: Indices of Deprivation",
                "Key": "lis-test-deprivation", "GroupIds": [FINGERTIPS_GROUP],
            }])  # fmt: skip
        if rest == "/indicator_names/by_group_id":
            if str(FINGERTIPS_GROUP) not in query.get("group_ids", "").split(","):
                return Answer.json([])
            return Answer.json([
                {"IndicatorId": IMD_SCORE_INDICATOR, "IndicatorName": "Deprivation score (IMD 2025)",
                 "GroupId": FINGERTIPS_GROUP},
                {"IndicatorId": MOST_DEPRIVED_INDICATOR, "IndicatorName": "LSOAs in the most deprived 10% nationally "
                 "(IMD)", "GroupId": FINGERTIPS_GROUP},
            ])  # fmt: skip
        if rest == "/area_types":
            return Answer.json([
                {"Id": ENGLAND_AREA_TYPE, "Name": "England", "Short": "England"},
                {"Id": 6, "Name": "Government Office Region (E12)", "Short": "Region"},
                {"Id": DISTRICT_AREA_TYPE, "Name": "Districts & UAs (from Apr 2023)", "Short": "Districts & UAs"},
                {"Id": 502, "Name": "Counties & UAs (from Apr 2023)", "Short": "Counties & UAs"},
                {"Id": 8, "Name": "Ward", "Short": "Ward"},
                {"Id": LSOA_AREA_TYPE, "Name": "LSOA 2021 (loopback test data)", "Short": "LSOA"},
            ])  # fmt: skip
        if rest == "/indicator_metadata/by_indicator_id":
            wanted = query.get("indicator_ids", "").split(",")
            found = {}
            for indicator, name, unit in (
                (IMD_SCORE_INDICATOR, "Deprivation score (IMD 2025)", "Score"),
                (MOST_DEPRIVED_INDICATOR, "LSOAs in the most deprived 10% nationally (IMD)", "%"),
            ):
                if str(indicator) in wanted:
                    found[str(indicator)] = {
                        "IID": indicator,
                        "Descriptive": {"Name": name, "Definition": name, "DataSource": "MHCLG, English Indices of "
                                        "Deprivation"},
                        "Unit": {"Id": 1, "Value": 1, "Label": unit},
                    }  # fmt: skip
            return Answer.json(found)
        if rest == "/all_data/csv/by_indicator_id":
            ids = query.get("indicator_ids", "").split(",")
            child = query.get("child_area_type_id", "")
            parent_code = query.get("parent_area_code", "")
            types = {
                str(IMD_SCORE_INDICATOR): str(LSOA_AREA_TYPE),
                str(MOST_DEPRIVED_INDICATOR): str(DISTRICT_AREA_TYPE),
            }
            rows = [
                row for row in self.rows
                if row["Indicator ID"] in ids and types[row["Indicator ID"]] == child
                and (not parent_code or row["Parent Code"] == parent_code)
            ]  # fmt: skip
            out = io.StringIO()
            writer = csv.DictWriter(out, FINGERTIPS_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            return Answer(200, "text/csv", out.getvalue().encode("utf-8"))
        return Answer(404, "text/html", b"<html><body>Not found</body></html>")


# ------------------------------------------------------------------------------------------ Nomis

NOMIS_COLUMNS = [
    "DATE", "DATE_NAME", "DATE_CODE", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_TYPE", "GEOGRAPHY_TYPECODE",
    "CELL", "CELL_NAME", "MEASURES", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME",
    "RECORD_OFFSET", "RECORD_COUNT",
]  # fmt: skip


class NomisService:
    """The Nomis API routes: KS101EW usual residents of every Rutland and Nottingham output area (2011)."""

    def __init__(self, data: Path, guest_row_limit: int = 25000, key_row_limit: int = 100000) -> None:
        self.guest_row_limit = guest_row_limit
        self.key_row_limit = key_row_limit
        self.rows = []
        for place in ("rutland", "nottingham"):
            for row in _csv_rows(data / place / "population" / f"{place}_oa11_population_census2011.csv"):
                self.rows.append({
                    "DATE": "2011", "DATE_NAME": "2011", "DATE_CODE": "2011", "GEOGRAPHY_NAME": row["OA11CD"],
                    "GEOGRAPHY_CODE": row["OA11CD"], "GEOGRAPHY_TYPE": "2011 output areas",
                    "GEOGRAPHY_TYPECODE": "299", "CELL": "0", "CELL_NAME": "All usual residents", "MEASURES": "20100",
                    "MEASURES_NAME": "Value", "OBS_VALUE": row["usual_residents_2011"], "OBS_STATUS": "A",
                    "OBS_STATUS_NAME": "Normal Value",
                })  # fmt: skip

    def __call__(self, rest: str, query: dict[str, str]) -> Answer:
        folded = {name.lower(): value for name, value in query.items()}
        if rest == "/dataset/def.sdmx.json":
            search = folded.get("search", "")
            term = search.split("-", 1)[-1].strip("*").lower()
            found = term in "ks101ew - usual resident population"
            families = [{
                "agencyid": "NOMIS", "id": NOMIS_DATASET, "version": 1.0,
                "name": {"value": "KS101EW - Usual resident population", "lang": "en"},
            }] if found else None  # fmt: skip
            return Answer.json({"structure": {"header": {"id": "none"}, "keyfamilies": {"keyfamily": families}}})
        match = re.fullmatch(r"/dataset/(NM_\d+_\d+)\.data\.csv", rest)
        if not match:
            return Answer(404, "text/html", b"<html><body>Not found</body></html>")
        if match.group(1) != NOMIS_DATASET:
            return Answer(400, "text/plain", b"Cannot create query: unknown dataset")
        if folded.get("geography", "").upper() != "TYPE299":
            return Answer(400, "text/plain", b"Cannot create query: geography not available")
        limit = self.key_row_limit if folded.get("uid") else self.guest_row_limit
        offset = int(folded.get("recordoffset") or 0)
        page = self.rows[offset : offset + limit]
        if folded.get("_fault") == "short_page" and offset > 0:
            page = []
        out = io.StringIO()
        writer = csv.DictWriter(out, NOMIS_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        for number, row in enumerate(page):
            writer.writerow({**row, "RECORD_OFFSET": str(offset + number), "RECORD_COUNT": str(len(self.rows))})
        return Answer(200, "text/csv", out.getvalue().encode("utf-8"))


# ------------------------------------------------------------------------------------------ Files


class FileService:
    """Plain downloads: name -> (content type, bytes)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {"login": ("text/html; charset=utf-8", LOGIN_PAGE)}

    def add(self, name: str, content_type: str, body: bytes) -> None:
        self.files[name] = (content_type, body)

    def __call__(self, rest: str, query: dict[str, str]) -> Answer:
        found = self.files.get(rest.lstrip("/"))
        if found is None:
            return Answer(404, "text/html", b"<html><body>Not found</body></html>")
        return Answer(200, found[0], found[1])


@dataclass
class OnlineServers:
    """Everything the tests talk to, on one loopback server."""

    server: LoopbackServer
    arcgis: ArcGisService
    fingertips: FingertipsService
    nomis: NomisService
    files: FileService

    @property
    def ons_base(self) -> str:
        return f"{self.server.base_url}{ARCGIS_ROOT}"

    @property
    def fingertips_base(self) -> str:
        return f"{self.server.base_url}{FINGERTIPS_ROOT}"

    @property
    def nomis_base(self) -> str:
        return f"{self.server.base_url}{NOMIS_ROOT}"

    def layer_url(self, service: str) -> str:
        return f"{self.ons_base}/{service}/FeatureServer/0"

    def file_url(self, name: str) -> str:
        return f"{self.server.base_url}/files/{name}"


def start_online_servers(data: Path) -> OnlineServers:
    """Start the loopback server with every service on it."""
    server = LoopbackServer()
    arcgis = ArcGisService(ons_layers(data))
    fingertips = FingertipsService(data)
    nomis = NomisService(data, guest_row_limit=250, key_row_limit=5000)
    files = FileService()
    server.route(ARCGIS_ROOT, arcgis)
    server.route(FINGERTIPS_ROOT, fingertips)
    server.route(NOMIS_ROOT, nomis)
    server.route("/files", files)
    return OnlineServers(server, arcgis, fingertips, nomis, files)


# ------------------------------------------------------------------------------------------ Proxy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ForwardingProxy:
    """An HTTP forward proxy on loopback: tinyproxy when installed, else a small Python one. Logs requests."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.log_path = folder / "proxy.log"
        self.requests: list[str] = []  # Python proxy only
        self.process: subprocess.Popen | None = None
        self.httpd: ThreadingHTTPServer | None = None
        binary = shutil.which("tinyproxy") or next(
            (path for path in ("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy") if Path(path).exists()), None
        )
        if binary:
            config = folder / "tinyproxy.conf"
            config.write_text(
                f'Port {self.port}\nListen 127.0.0.1\nTimeout 30\nLogFile "{self.log_path}"\nLogLevel Info\n'
                "MaxClients 20\nAllow 127.0.0.1\n",
                encoding="utf-8",
            )
            self.kind = "tinyproxy"
            self.process = subprocess.Popen(
                [binary, "-d", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            self.kind = "python"
            self._start_python_proxy()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError(f"the {self.kind} proxy did not start on port {self.port}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def seen(self) -> str:
        """Everything the proxy logged so far (tinyproxy's log, or the Python proxy's request lines)."""
        if self.kind == "tinyproxy":
            return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(self.requests)

    def close(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def _start_python_proxy(self) -> None:
        import http.client

        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.requests.append(f"Request: GET {self.path}")
                target = urlsplit(self.path)
                connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
                path = target.path + (f"?{target.query}" if target.query else "")
                headers = {name: value for name, value in self.headers.items() if name.lower() != "proxy-connection"}
                headers["Via"] = "1.1 lis-test-proxy"
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


# --------------------------------------------------------------------------- Shared by the online tests


@contextmanager
def qgis_settings(values: dict[str, object]) -> Iterator[None]:
    """Set QGIS settings for the block, then remove them (the test profile is shared)."""
    settings = QgsSettings()
    for key, value in values.items():
        settings.setValue(key, value)
    try:
        yield
    finally:
        for key in values:
            settings.remove(key)


def geojson_codes(path: Path, column: str) -> set[str]:
    """The values of ``column`` in a GeoJSON file (the published boundaries the servers answer from)."""
    return {feature["properties"][column] for feature in json.loads(path.read_text())["features"]}


def layer_codes(path: Path, layer: str, column: str) -> set[str]:
    """The values of ``column`` in a layer of a downloaded GeoPackage."""
    return {feature[column] for feature in open_layer(path, layer).getFeatures()}
