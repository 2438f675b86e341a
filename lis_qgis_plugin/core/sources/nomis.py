"""Nomis (ONS census and labour market statistics): dataset search and data for a geography.

``/api/v01/dataset/<NM_x_y>.data.csv`` answers guests with at most 25,000 rows per call
(registered users, who pass their ``uid``, get more). Every row carries RECORD_OFFSET and
RECORD_COUNT, so LIS asks again with ``RecordOffset`` until it holds RECORD_COUNT rows, and
stops with an error naming the cap when a page comes back short. The uid is read from a
QGIS authentication configuration and never written to logs, messages or the cache.

Nomis tables are long (one row per area x date x dimension value), so LIS adds an
"Indicator" column naming each row's dimension values; lis:joinindicators then pivots one
column per indicator, as it does for Fingertips.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

from qgis.core import QgsFeedback

from ..common.errors import CancelledError
from ..io.layer_output import check_output_writable
from .http_client import HttpClient, OnlineSourceError, full_url, redact
from .online_cache import DEFAULT_MAX_AGE_DAYS, cached_download
from .url_source import TableOutcome, check_csv_complete, deliver_table, source_record

NOMIS_BASE_URL = "https://www.nomisweb.co.uk/api/v01"
GUEST_ROW_LIMIT = 25_000
_MAX_PAGES = 400
_DATASET = re.compile(r"^NM_\d+_\d+$", re.IGNORECASE)
#: *_NAME columns that describe where, when or how sure, not what: left out of the Indicator label.
_NOT_INDICATOR = frozenset({"DATE_NAME", "GEOGRAPHY_NAME", "OBS_STATUS_NAME", "OBS_CONF_NAME", "GEOGRAPHY_TYPE"})


def nomis_base_url(base_url: str | None = None) -> str:
    """``base_url`` (a mirror: the tool's BASE_URL, or the setting lis/online/nomisBaseUrl), else the Nomis API."""
    return (base_url or NOMIS_BASE_URL).rstrip("/")


def check_dataset_id(text: str) -> str:
    """'nm_144_1' -> 'NM_144_1'; a clear error for anything else."""
    dataset = (text or "").strip().upper()
    if not _DATASET.match(dataset):
        raise OnlineSourceError(f"'{text}': give a Nomis dataset id such as NM_144_1 (search the datasets to find it).")
    return dataset


def search_datasets(client: HttpClient, text: str, base_url: str | None = None) -> list[tuple[str, str]]:
    """(dataset id, name) of the datasets whose name contains ``text`` (def.sdmx.json?search=name-*text*)."""
    url = f"{nomis_base_url(base_url)}/dataset/def.sdmx.json"
    data = client.get_json(url, {"search": f"name-*{text.strip()}*"})
    families = (((data or {}).get("structure") or {}).get("keyfamilies") or {}).get("keyfamily") or []
    if isinstance(families, dict):
        families = [families]
    found = []
    for item in families:
        name = item.get("name")
        found.append((str(item.get("id", "")), str(name.get("value", "") if isinstance(name, dict) else name or "")))
    return found


def _read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return header, [row for row in reader if any(cell.strip() for cell in row)]


def _read_page(
    client: HttpClient, url: str, query: Mapping[str, str], shown: str, header: list[str], page: int
) -> tuple[list[str], list[list[str]]]:
    """One page of a Nomis query: its header (the first page's must name OBS_VALUE, the others repeat it) and rows."""
    reply = client.get(url, query)
    if reply.looks_like_html():
        raise OnlineSourceError(f"{shown}: Nomis sent a web page, not CSV. Check the base URL of the API.")
    check_csv_complete(reply.body, shown, whole_rows=True)
    page_header, page_rows = _read_csv(reply.text())
    if not page_header:
        raise OnlineSourceError(f"{shown}: Nomis sent an empty answer. Check the dataset id and geography.")
    if not header and "OBS_VALUE" not in page_header:
        raise OnlineSourceError(
            f"{shown}: the answer is not Nomis data (no OBS_VALUE column). Check the dataset id and options."
        )
    if header and page_header != header:
        raise OnlineSourceError(f"{shown}: page {page + 1} has other columns than the first; try again later.")
    return page_header, page_rows


def _record_count(header: list[str], page_rows: list[list[str]]) -> int | None:
    """The RECORD_COUNT a page's first row carries: how many rows the whole query has (None if not said)."""
    if not page_rows or "RECORD_COUNT" not in header:
        return None
    count_text = page_rows[0][header.index("RECORD_COUNT")]
    return int(count_text) if count_text.strip().isdigit() else None


def _is_last_page(received: int, page_rows: int, total: int | None, shown: str) -> bool:
    """Whether paging is done after a page of ``page_rows`` rows, ``received`` in all; an error if Nomis stopped."""
    if total is None:
        return page_rows < GUEST_ROW_LIMIT  # no record count: a short page is the last
    if received >= total:
        return True
    if not page_rows:
        raise OnlineSourceError(
            f"{shown}: Nomis stopped after {received:,} of {total:,} rows (paging with RecordOffset came back "
            f"empty). Guests get at most {GUEST_ROW_LIMIT:,} rows per call: register with Nomis and give your "
            "uid through an authentication configuration, or ask for fewer areas or dates."
        )
    return False


def fetch_dataset(
    client: HttpClient,
    dataset: str,
    geography: str,
    params: Mapping[str, str] | None = None,
    uid: str | None = None,
    base_url: str | None = None,
    feedback: QgsFeedback | None = None,
) -> tuple[list[str], list[list[str]], str]:
    """Every row of a Nomis query, page by page: (header, rows, URL of the first page without the uid)."""
    dataset = check_dataset_id(dataset)
    url = f"{nomis_base_url(base_url)}/dataset/{dataset}.data.csv"
    query: dict[str, str] = {"geography": geography, **dict(params or {})}
    if uid:
        query["uid"] = uid
    shown = redact(full_url(url, query))
    header: list[str] = []
    rows: list[list[str]] = []
    total: int | None = None
    for page in range(_MAX_PAGES):
        if feedback is not None and feedback.isCanceled():
            raise CancelledError("Cancelled: no output was written.")
        page_query = {**query, "RecordOffset": str(len(rows))} if rows else dict(query)
        header, page_rows = _read_page(client, url, page_query, shown, header, page)
        if total is None:
            total = _record_count(header, page_rows)
        rows.extend(page_rows)
        if feedback is not None and total:
            feedback.setProgress(min(99.0, 100.0 * len(rows) / total))
        if _is_last_page(len(rows), len(page_rows), total, shown):
            break
    else:
        raise OnlineSourceError(f"{shown}: more than {_MAX_PAGES} pages; ask for fewer areas or dates.")
    if not rows:
        raise OnlineSourceError(
            f"{shown}: Nomis returned no rows. Check the geography (e.g. TYPE151 for LSOA 2021 within a parent) and "
            "the dataset's other dimensions."
        )
    if total is not None and len(rows) != total:
        raise OnlineSourceError(f"{shown}: Nomis sent {len(rows):,} rows but counted {total:,}; try again later.")
    return header, rows, redact(full_url(url, query))


def with_indicator_column(header: list[str], rows: list[list[str]], dataset: str) -> bytes:
    """The table as CSV with an 'Indicator' column naming each row's dimension values ('NM_144_1: All usual
    residents; Value'), so a long Nomis table pivots to one column per indicator in the join."""
    names = [
        position
        for position, name in enumerate(header)
        if name.endswith("_NAME") and name not in _NOT_INDICATOR and not name.startswith(("GEOGRAPHY", "DATE"))
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "Indicator"])
    for row in rows:
        label = "; ".join(row[position] for position in names if position < len(row) and row[position])
        writer.writerow([*row, f"{dataset}: {label}" if label else dataset])
    return out.getvalue().encode("utf-8")


def parse_query(text: str) -> dict[str, str]:
    """'measures=20100&c_sex=0' (or one per line) -> {'measures': '20100', 'c_sex': '0'}."""
    pairs = {}
    for part in re.split(r"[&\n]", text or ""):
        if part.strip():
            if "=" not in part:
                raise OnlineSourceError(f"'{part.strip()}': give extra options as name=value, separated by &.")
            name, value = part.split("=", 1)
            pairs[name.strip()] = value.strip()
    return pairs


def load_nomis(
    dataset: str,
    geography: str,
    output: Path,
    parent: str | None = None,
    params: Mapping[str, str] | None = None,
    uid: str | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
    client: HttpClient | None = None,
    feedback: QgsFeedback | None = None,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
) -> TableOutcome:
    """Fetch a Nomis table (through the cache; the uid is not part of its key) and save it as CSV at ``output``.

    ``geography`` is as Nomis takes it: TYPE151 (LSOA 2021), a list of codes, ...; with
    ``parent`` (a Nomis geography id) a TYPE becomes "<parent>TYPE151", the areas within it.
    """
    check_output_writable(Path(output))  # before the download, not after it
    client = client or HttpClient(feedback=feedback)
    dataset = check_dataset_id(dataset)
    geography = (geography or "").strip()
    if not geography:
        raise OnlineSourceError("Give the Nomis geography, e.g. TYPE151 (LSOA 2021) or a list of area codes.")
    if parent and geography.upper().startswith("TYPE"):
        geography = f"{parent.strip()}{geography.upper()}"
    key = (nomis_base_url(base_url), dataset, geography, sorted((params or {}).items()))

    def fetch() -> tuple[bytes, dict[str, object]]:
        header, rows, url = fetch_dataset(client, dataset, geography, params, uid, base_url, feedback)
        return with_indicator_column(header, rows, dataset), source_record(url, kind="csv", source="Nomis")

    def deliver(data: bytes, record: dict[str, object], from_cache: bool) -> TableOutcome:
        return deliver_table(data, "csv", Path(output), record, from_cache, client.log)

    return cached_download("nomis", key, fetch, deliver, refresh, cache_dir, max_age_days)
