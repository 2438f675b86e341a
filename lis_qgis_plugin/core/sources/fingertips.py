"""Fingertips (OHID public health profiles): profiles, indicators, area types, and indicator data as CSV.

The data come from ``/api/all_data/csv/by_indicator_id``: one row per indicator x area x
time period x sex x age (x category), with the value, its 95% and 99.8% confidence limits,
count, denominator and comparisons. The CSV is saved as published, so the limits and the
time period stay beside the value; lis:joinindicators reads this long layout and pivots it,
taking the latest period unless told otherwise.

Area types are numeric and versioned by local-government reorganisation; the ones LIS maps
to its ONS boundary sets (checked against the /api/area_types list) are in AREA_TYPES.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..io.layer_output import check_output_writable
from .http_client import HttpClient, OnlineSourceError, full_url, redact
from .online_cache import DEFAULT_MAX_AGE_DAYS, cached_download
from .url_source import TableOutcome, check_csv_complete, deliver_table, source_record

FINGERTIPS_BASE_URL = "https://fingertips.phe.org.uk/api"
#: Fingertips area type id -> (its name, the LIS boundary set whose codes it uses, or None).
#: 101/102, 201/202, 301/302, 401/402 are the same district and county levels before the
#: reorganisations of April 2019, 2020, 2021 and 2023: their codes match boundaries of that
#: date, not the 2024 sets of the catalogue (give those boundaries' URL instead). Wards and
#: MSOAs follow the vintage of each indicator: the join report says when codes do not match.
AREA_TYPES: dict[int, tuple[str, str | None]] = {
    15: ("England", None),
    6: ("Regions (statistical)", None),
    501: ("Districts & UAs (from Apr 2023)", "lad24_bgc"),
    502: ("Counties & UAs (from Apr 2023)", "cty24_bgc"),
    401: ("Districts & UAs (from Apr 2021)", None),
    402: ("Counties & UAs (from Apr 2021)", None),
    101: ("Districts & UAs (pre Apr 2019)", None),
    102: ("Counties & UAs (pre Apr 2019)", None),
    8: ("Wards", "wards24_bgc"),
    3: ("Middle Super Output Areas", "msoa11_bgc"),
    7: ("General practices", None),
}
_REQUIRED_COLUMNS = ("Indicator ID", "Area Code", "Value", "Time period")
#: How a profile cites Fingertips; each indicator's original source and terms are in its Fingertips metadata.
FINGERTIPS_CITATION = "OHID, Fingertips public health profiles (fingertips.phe.org.uk)"


def is_fingertips_header(header: Sequence[str]) -> bool:
    """True for the columns of Fingertips' all_data CSV, as lis:loadfingertips saves it."""
    names = {name.strip() for name in header}
    return all(name in names for name in _REQUIRED_COLUMNS)


def fingertips_base_url(base_url: str | None = None) -> str:
    """``base_url`` (a mirror: the tool's BASE_URL, or the setting lis/online/fingertipsBaseUrl), else the API."""
    return (base_url or FINGERTIPS_BASE_URL).rstrip("/")


def boundary_set_for_area_type(area_type: int) -> str | None:
    """The LIS boundary set (catalogue key) whose areas a Fingertips area type reports on, if any."""
    return AREA_TYPES.get(int(area_type), ("", None))[1]


@dataclass(frozen=True)
class Profile:
    """A Fingertips profile and its domains (groups)."""

    id: int
    name: str
    key: str = ""
    group_ids: tuple[int, ...] = field(default_factory=tuple)


def _list(client: HttpClient, url: str, params: dict | None = None) -> list[dict]:
    data = client.get_json(url, params)
    if not isinstance(data, list):
        raise OnlineSourceError(
            f"{redact(full_url(url, params))}: Fingertips answered with something other than a list."
        )
    return [item for item in data if isinstance(item, dict)]


def list_profiles(client: HttpClient, base_url: str | None = None) -> list[Profile]:
    """All live profiles (/api/profiles)."""
    return [
        Profile(int(item["Id"]), str(item.get("Name", "")), str(item.get("Key", "")), tuple(item.get("GroupIds") or ()))
        for item in _list(client, f"{fingertips_base_url(base_url)}/profiles")
        if "Id" in item
    ]


def list_indicators(client: HttpClient, profile_id: int, base_url: str | None = None) -> list[tuple[int, str]]:
    """(indicator id, name) of every indicator in a profile, through its domains."""
    profiles = {profile.id: profile for profile in list_profiles(client, base_url)}
    if int(profile_id) not in profiles:
        raise OnlineSourceError(f"Fingertips has no profile {profile_id}. List the profiles to find its id.")
    groups = ",".join(str(group) for group in profiles[int(profile_id)].group_ids)
    items = _list(client, f"{fingertips_base_url(base_url)}/indicator_names/by_group_id", {"group_ids": groups})
    seen: dict[int, str] = {}
    for item in items:
        seen.setdefault(int(item["IndicatorId"]), str(item.get("IndicatorName", "")))
    return sorted(seen.items())


def list_area_types(client: HttpClient, base_url: str | None = None) -> list[tuple[int, str]]:
    """(area type id, name) of every Fingertips area type (/api/area_types)."""
    return [
        (int(item["Id"]), str(item.get("Name", "")))
        for item in _list(client, f"{fingertips_base_url(base_url)}/area_types")
    ]


def indicator_metadata(client: HttpClient, ids: Sequence[int], base_url: str | None = None) -> dict[int, dict]:
    """Name, unit and source of each indicator (/api/indicator_metadata/by_indicator_id)."""
    url = f"{fingertips_base_url(base_url)}/indicator_metadata/by_indicator_id"
    data = client.get_json(url, {"indicator_ids": ",".join(str(item) for item in ids)})
    found = {}
    for key, item in (data or {}).items() if isinstance(data, dict) else []:
        descriptive = item.get("Descriptive") or {}
        unit = item.get("Unit") or {}
        found[int(key)] = {
            "name": descriptive.get("Name", ""),
            "unit": unit.get("Label", ""),
            "source": descriptive.get("DataSource", ""),
            "definition": descriptive.get("Definition", ""),
        }
    return found


def parse_ids(text: str) -> list[int]:
    """'93553, 90366' -> [93553, 90366]; a clear error for anything that is not a list of numbers."""
    parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
    if not parts or not all(part.isdigit() for part in parts):
        raise OnlineSourceError(
            f"'{text}': give Fingertips indicator ids as numbers separated by commas (e.g. 93553, 90366)."
        )
    return [int(part) for part in parts]


def parent_area_type_for(code: str) -> int:
    """The Fingertips area type of a parent area code: England 15, region 6, county 502, district/UA 501."""
    prefix = code.strip().upper()[:3]
    if prefix == "E92":
        return 15
    if prefix == "E12":
        return 6
    if prefix in ("E10", "E11", "E13"):
        return 502
    if prefix in ("E06", "E07", "E08", "E09"):
        return 501
    raise OnlineSourceError(
        f"'{code}': give the parent area type too (e.g. 501 for districts & UAs), or a parent code of England "
        "(E92), a region (E12), a county (E10) or a district/UA (E06-E09)."
    )


def fetch_indicator_csv(
    client: HttpClient,
    ids: Sequence[int],
    area_type: int,
    parent_code: str | None = None,
    parent_area_type: int | None = None,
    profile_id: int | None = None,
    base_url: str | None = None,
) -> tuple[bytes, str]:
    """The all_data CSV of the indicators at ``area_type`` (within ``parent_code``) and the URL it came from."""
    if parent_area_type is None:
        parent_area_type = parent_area_type_for(parent_code) if parent_code else 15
    params: dict[str, object] = {
        "indicator_ids": ",".join(str(item) for item in ids),
        "child_area_type_id": int(area_type),
        "parent_area_type_id": int(parent_area_type),
    }
    if parent_code:
        params["parent_area_code"] = parent_code.strip().upper()
    if profile_id:
        params["profile_id"] = int(profile_id)
    url = f"{fingertips_base_url(base_url)}/all_data/csv/by_indicator_id"
    shown = redact(full_url(url, params))
    reply = client.get(url, params)
    if reply.looks_like_html():
        raise OnlineSourceError(f"{shown}: Fingertips sent a web page, not CSV. Check the base URL of the API.")
    check_csv_complete(reply.body, shown, whole_rows=True)
    text = reply.text()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    missing = [name for name in _REQUIRED_COLUMNS if name not in header]
    if missing:
        raise OnlineSourceError(
            f"{shown}: the answer is not a Fingertips data CSV (no {', '.join(missing)} column); the download may "
            "have been cut short or the service changed. Try again later."
        )
    rows = sum(1 for row in reader if any(cell.strip() for cell in row))
    if rows == 0:
        where = f" in {parent_code}" if parent_code else ""
        name = AREA_TYPES.get(int(area_type), (f"area type {area_type}", None))[0]
        raise OnlineSourceError(
            f"{shown}: Fingertips has no data for indicator(s) {params['indicator_ids']} at {name} "
            f"(area type {area_type}){where}. Check that the indicator is published at this area type (its "
            "'available_data'), and that the parent area type matches the parent code."
        )
    return reply.body, full_url(url, params)


def load_fingertips(
    ids: Sequence[int],
    area_type: int,
    output: Path,
    parent_code: str | None = None,
    parent_area_type: int | None = None,
    profile_id: int | None = None,
    base_url: str | None = None,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
    client: HttpClient | None = None,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
) -> TableOutcome:
    """Fetch Fingertips data (through the cache) and save the CSV at ``output``, limits and periods included.

    ``base_url`` None is the Fingertips API; ``cache_dir`` None the default cache folder.
    """
    check_output_writable(Path(output))  # before the download, not after it
    client = client or HttpClient()
    key = (fingertips_base_url(base_url), list(ids), area_type, parent_code, parent_area_type, profile_id)

    def fetch() -> tuple[bytes, dict[str, object]]:
        data, url = fetch_indicator_csv(client, ids, area_type, parent_code, parent_area_type, profile_id, base_url)
        return data, source_record(url, kind="csv", source="Fingertips")

    def deliver(data: bytes, record: dict[str, object], from_cache: bool) -> TableOutcome:
        return deliver_table(data, "csv", Path(output), record, from_cache, client.log)

    return cached_download("fingertips", key, fetch, deliver, refresh, cache_dir, max_age_days)
