"""Online sources for the store: the query (Fingertips, Nomis or a web address) kept so an update can ask again.

The download itself is core/sources' (the cache, the deadline, the checks of a cut-short answer); this module
only says which loader a query goes to and writes the query into the catalogue's refresh record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from qgis.core import QgsFeedback

from ..sources.fingertips import FINGERTIPS_CITATION, indicator_metadata, load_fingertips, parse_ids
from ..sources.http_client import HttpClient, OnlineSourceError
from ..sources.nomis import load_nomis, parse_query
from ..sources.online_cache import DEFAULT_MAX_AGE_DAYS
from ..sources.url_source import TableOutcome, load_url
from .store_loading import AddOptions, LoadedTable, describe_indicators, read_store_table
from .store_rows import indicator_slug

ONLINE_SOURCES = ("fingertips", "nomis", "url")
#: The file each source's table is saved as in a download folder (a web address's takes its own suffix).
_FILE_NAMES = {"fingertips": "fingertips.csv", "nomis": "nomis.csv", "url": "download"}


@dataclass(frozen=True)
class OnlineQuery:
    """What to download: the source, its ids (or address) and where (area type, parent), as lis:loadindicators."""

    source: str
    ids: str
    area_type: str = ""
    parent: str = ""
    parent_type: str = ""
    query: str = ""
    base_url: str = ""

    def record(self) -> dict[str, object]:
        """The refresh record of the query (no key or password is ever part of it)."""
        return {"kind": "online", **asdict(self)}

    @classmethod
    def from_record(cls, record: dict[str, object]) -> OnlineQuery:
        return cls(**{name: str(record.get(name) or "") for name in cls.__dataclass_fields__})

    @property
    def label(self) -> str:
        """'Fingertips 990001 (area type 990)' for messages and reports."""
        if self.source == "url":
            return self.ids
        where = f" (area type {self.area_type}{f' in {self.parent}' if self.parent else ''})" if self.area_type else ""
        return f"{self.source.capitalize()} {self.ids}{where}"

    @property
    def default_prefix(self) -> str:
        """Indicator ids start with this unless the user gives a prefix: 'fingertips', 'nomis', the file's name."""
        if self.source == "url":
            return indicator_slug(Path(urlsplit(self.ids).path).stem) or "url"
        return self.source

    @property
    def default_source(self) -> str:
        """Who published the data, for the catalogue."""
        if self.source == "fingertips":
            return FINGERTIPS_CITATION
        if self.source == "nomis":
            return "ONS, Nomis (nomisweb.co.uk)"
        return self.ids


@dataclass
class OnlineFetcher:
    """The network options, cache and mirrors the tool read from the settings: the core reads none."""

    client: HttpClient
    cache_dir: Path | None = None
    max_age_days: float = DEFAULT_MAX_AGE_DAYS
    mirrors: dict[str, str | None] = field(default_factory=dict)
    api_key: str = ""
    feedback: QgsFeedback | None = None

    def download(self, query: OnlineQuery, folder: Path, refresh: bool) -> TableOutcome:
        """The query's table saved in ``folder``; OnlineSourceError naming what failed."""
        return self.download_to(query, folder / _FILE_NAMES.get(query.source, "download"), refresh)

    def download_to(self, query: OnlineQuery, output: Path, refresh: bool) -> TableOutcome:
        """The query's table saved as ``output`` (a web address's file takes its own suffix when ``output`` has
        none); OnlineSourceError naming what failed. lis:loadindicators and the store both download through here."""
        if query.source not in ONLINE_SOURCES:
            raise OnlineSourceError(f'"{query.source}" is not an online source: use {", ".join(ONLINE_SOURCES)}.')
        base_url = query.base_url or self.mirrors.get(query.source)
        common: dict[str, Any] = {"cache_dir": self.cache_dir, "client": self.client, "max_age_days": self.max_age_days}
        if query.source == "fingertips":
            if not query.area_type.isdigit():
                raise OnlineSourceError("Fingertips needs the area type id as a number (AREA_TYPE), e.g. 501 or 8.")
            if query.parent_type and not query.parent_type.isdigit():
                raise OnlineSourceError("PARENT_AREA_TYPE must be a Fingertips area type id (a number).")
            profile = parse_query(query.query).get("profile_id")
            return load_fingertips(
                parse_ids(query.ids), int(query.area_type), output, query.parent or None,
                int(query.parent_type) if query.parent_type else None,
                int(profile) if profile and profile.isdigit() else None, base_url, refresh, **common,
            )  # fmt: skip
        if query.source == "nomis":
            return load_nomis(
                query.ids, query.area_type, output, query.parent or None, parse_query(query.query),
                self.api_key or None, base_url, refresh, feedback=self.feedback, **common,
            )  # fmt: skip
        return load_url(query.ids, output, refresh, **common)

    def described(self, query: OnlineQuery) -> dict[str, dict[str, str]]:
        """Fingertips' definition and unit of each indicator of the query (other sources describe none)."""
        if query.source != "fingertips":
            return {}
        base_url = query.base_url or self.mirrors.get(query.source)
        found = indicator_metadata(self.client, parse_ids(query.ids), base_url)
        return {str(key): value for key, value in found.items()}


def load_online_table(
    fetcher: OnlineFetcher,
    query: OnlineQuery,
    folder: Path,
    options: AddOptions,
    markers: frozenset[str],
    refresh: bool,
) -> tuple[LoadedTable, TableOutcome]:
    """Download the query's table into ``folder`` and read it for the store, with the publisher's descriptions."""
    outcome = fetcher.download(query, folder, refresh)
    table = read_store_table(outcome.path, options, query.record(), markers, query.default_source, query.default_prefix)
    describe_indicators(table, fetcher.described(query))
    return table, outcome
