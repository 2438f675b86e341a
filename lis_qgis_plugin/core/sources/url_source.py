"""Any web address serving CSV, XLSX or GeoJSON, saved as a file the join (or any tool) reads.

Many councils and NHS bodies publish indicator tables at plain URLs; some of those URLs
answer with a login or landing page instead of the file. The type is decided from the
Content-Type and the bytes themselves (a workbook is a zip, GeoJSON parses as a feature
collection, a CSV reads as a table with a header), so a web page is a clear error rather
than a "table" of HTML. The same delivery (a check that the bytes are whole, an atomic
write, then a check that the saved file reads) serves the Fingertips and Nomis tables, and
only a delivered download is cached: a CSV that stops inside a quoted field or a JSON
file cut short is refused, and leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import LogLine
from ..common.plugin_files import plugin_version
from ..io.layer_output import check_output_writable
from ..io.table_files import TableError, read_raw_table
from .http_client import HttpClient, OnlineSourceError, Reply, redact
from .online_cache import DEFAULT_MAX_AGE_DAYS, atomic_file, cached_download

KIND_SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "geojson": ".geojson"}
_CSV_TYPES = frozenset(
    {"text/csv", "application/csv", "text/plain", "text/comma-separated-values", "application/vnd.ms-excel"}
)
_XLSX_TYPES = frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


@dataclass
class TableOutcome:
    """Where a downloaded table was saved, how many rows, where it came from, and the log."""

    path: Path
    kind: str
    rows: int
    source_url: str
    retrieved: str
    from_cache: bool
    log: list[LogLine] = field(default_factory=list)


def now_utc() -> str:
    """The retrieval time recorded with every download (ISO 8601, UTC, seconds)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def source_record(url: str, query: str = "", **extra: object) -> dict[str, object]:
    """What is kept about a download: the address (secrets hidden), the query and when."""
    return {"url": redact(url), "query": query, "retrieved": now_utc(), "plugin_version": plugin_version(), **extra}


def detect_kind(reply: Reply, shown_url: str) -> str:
    """'csv', 'xlsx' or 'geojson' from the Content-Type and the bytes; a clear error for anything else."""
    if reply.looks_like_html():
        raise OnlineSourceError(
            f"{shown_url}: the server sent a web page ({reply.content_type or 'HTML'}), not a CSV, XLSX or GeoJSON "
            "file. It may be a sign-in or landing page: open the address in a browser and copy the direct link to "
            "the file itself."
        )
    body = reply.body
    if body.startswith(b"PK\x03\x04"):
        return "xlsx"
    start = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        return "geojson"
    if reply.content_type in _XLSX_TYPES:
        raise OnlineSourceError(f"{shown_url}: the server says this is a workbook, but the file is not one.")
    if b"\x00" in body[:4096]:
        raise OnlineSourceError(
            f"{shown_url}: the server sent a binary file ({reply.content_type or 'unknown type'}), not CSV, XLSX "
            "or GeoJSON. Give the address of a CSV, XLSX or GeoJSON file."
        )
    if reply.content_type and reply.content_type not in _CSV_TYPES | {
        "application/octet-stream",
        "binary/octet-stream",
    }:
        raise OnlineSourceError(
            f"{shown_url}: the server sent '{reply.content_type}', not CSV, XLSX or GeoJSON. Give the address of "
            "a CSV, XLSX or GeoJSON file."
        )
    return "csv"


def _csv_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_csv_complete(data: bytes, shown_url: str, whole_rows: bool = False) -> None:
    """Refuse a CSV that was cut short: one that ends inside a quoted field, or whose last row, with no
    line end, has fewer columns than the header. ``whole_rows`` says every row has the header's columns
    (Fingertips, Nomis); otherwise only a row of two cells or more after full rows counts (a one-cell
    last line may be a footnote)."""
    text = _csv_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows = []
    try:
        rows = list(reader)
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise OnlineSourceError(
                f"{shown_url}: the download was cut short: the CSV stops inside a quoted field on line "
                f"{reader.line_num:,}. Nothing was saved or cached: try again later."
            ) from error
        return  # loosely quoted (a stray quote mid-field): the table reader decides whether it reads
    if len(rows) < 2 or text.endswith(("\n", "\r")) or not 0 < len(rows[-1]) < len(rows[0]):
        return
    if whole_rows or (len(rows[-1]) > 1 and all(len(row) == len(rows[0]) for row in rows[1:-1])):
        raise OnlineSourceError(
            f"{shown_url}: the download was cut short: the CSV's last line ({len(rows):,}) has {len(rows[-1])} of its "
            f"{len(rows[0])} columns and no line end. Nothing was saved or cached: try again later."
        )


def _check_geojson(data: bytes, shown_url: str) -> int:
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise OnlineSourceError(
            f"{shown_url}: the file is not valid JSON ({error}); the download may have been cut short."
        ) from error
    if not isinstance(parsed, dict) or parsed.get("type") not in ("FeatureCollection", "Feature"):
        raise OnlineSourceError(f"{shown_url}: the JSON is not GeoJSON (no FeatureCollection). Give a GeoJSON file.")
    return len(parsed.get("features") or []) if parsed["type"] == "FeatureCollection" else 1


def deliver_table(
    data: bytes,
    kind: str,
    output: Path,
    record: dict[str, object],
    from_cache: bool,
    log: list[LogLine] | None = None,
) -> TableOutcome:
    """Save the downloaded bytes at ``output`` (through a temporary file) once they read as a table/GeoJSON."""
    shown = str(record.get("url", ""))
    output = Path(output)
    log = list(log or [])
    wanted = KIND_SUFFIXES[kind]
    if output.suffix.lower() != wanted:
        corrected = output.with_suffix(wanted)
        log.append(LogLine(f"The download is {kind.upper()}: saved as {corrected.name}, not {output.name}.", True))
        output = corrected
    if kind == "csv":
        check_csv_complete(data, shown)
    with atomic_file(output) as temporary:
        temporary.write_bytes(data)
        if kind == "geojson":
            rows = _check_geojson(data, shown)
        else:
            try:
                rows = len(read_raw_table(temporary).rows)
            except TableError as error:
                said = str(error).replace(temporary.name, output.name)
                raise OnlineSourceError(f"{shown}: the downloaded file is not a readable table ({said}).") from error
    when = "cached copy of " if from_cache else ""
    log.append(
        LogLine(f"Saved {rows:,} rows to {output.name} ({when}{shown}, retrieved {record.get('retrieved', '')}).")
    )
    return TableOutcome(output, kind, rows, shown, str(record.get("retrieved", "")), from_cache, log)


def load_url(
    url: str,
    output: Path,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
    client: HttpClient | None = None,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
) -> TableOutcome:
    """Download a CSV, XLSX or GeoJSON file from ``url`` and save it at ``output`` (suffix set by its type).

    ``client`` carries the network options (default: no proxy, QGIS's default timeout);
    ``cache_dir`` (None: the default folder) and ``max_age_days`` say where and how long the
    download is kept.
    """
    check_output_writable(Path(output))  # before the download, not after it
    client = client or HttpClient()
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise OnlineSourceError(f"'{url}' is not a web address: give a full http:// or https:// URL.")

    def fetch() -> tuple[bytes, dict[str, object]]:
        reply = client.get(url)
        kind = detect_kind(reply, redact(url))
        return reply.body, source_record(url, kind=kind, content_type=reply.content_type)

    def deliver(data: bytes, record: dict[str, object], from_cache: bool) -> TableOutcome:
        return deliver_table(data, str(record.get("kind", "csv")), output, record, from_cache, client.log)

    return cached_download("url", (url,), fetch, deliver, refresh, cache_dir, max_age_days)
