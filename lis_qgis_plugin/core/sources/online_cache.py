"""The download cache of the online sources: one file per query, written whole or not at all.

A cache entry is only ever created by renaming a finished temporary file, and only after
the download was used whole (parsed to its end and saved where the user asked), so a
failed, refused or cancelled download leaves nothing a later run could mistake for data;
an older entry that no longer reads is dropped and downloaded again. Entries are named
by a hash of the address and query, and reused while younger than the maximum age. The
folder and the age are arguments (the Processing algorithms read the user's choices,
``lis/online/cacheFolder`` and ``lis/online/cacheDays``, through lis_qgis_plugin.settings).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from qgis.core import QgsApplication

from ..io.layer_output import OutputError
from .http_client import OnlineSourceError

_Used = TypeVar("_Used")

#: Days a cached download is reused before it is fetched again (unless the setting lis/online/cacheDays says).
DEFAULT_MAX_AGE_DAYS = 30.0


def default_cache_folder() -> Path:
    """Where downloads are cached unless the user chose a folder: cache/lis_online in the QGIS profile."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "cache" / "lis_online"


def cache_folder(folder: Path | str | None = None) -> Path:
    """The cache folder, created: ``folder``, or :func:`default_cache_folder` when None."""
    path = Path(folder or default_cache_folder())
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{path}: the download cache folder cannot be created ({error.strerror}). Choose another folder in the "
            "setting lis/online/cacheFolder."
        ) from error
    return path


def cache_key(*parts: Any) -> str:
    """A short stable name for a query (address and parameters)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def is_fresh(path: Path, days: float) -> bool:
    """True when ``path`` exists and is younger than ``days`` (0 or less: never, so always download)."""
    return path.is_file() and days > 0 and (time.time() - path.stat().st_mtime) < days * 86400


def _remove(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


@contextlib.contextmanager
def atomic_file(final: Path) -> Iterator[Path]:
    """A temporary path beside ``final`` (same suffix) that becomes ``final`` only if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.stem}.{uuid.uuid4().hex[:8]}.part{final.suffix}")
    try:
        yield temporary
        if not temporary.exists():
            raise OutputError(f"{final}: nothing was written.")
        os.replace(temporary, final)
    finally:
        _remove(temporary)


def write_bytes_atomically(final: Path, data: bytes) -> Path:
    """Write ``data`` to ``final`` through a temporary file and a rename."""
    with atomic_file(final) as temporary:
        temporary.write_bytes(data)
    return Path(final)


#: The GeoPackage table recording where each downloaded layer came from and when.
SOURCE_TABLE = "lis_online_sources"
_SOURCE_COLUMNS = ("layer", "source", "url", "query", "retrieved", "features", "plugin_version")


def read_source_records(path: Path) -> list[dict[str, str]]:
    """The rows of the sources table of a GeoPackage (empty when it has none)."""
    from ..io.gpkg_writer import read_text_table

    return read_text_table(path, SOURCE_TABLE, _SOURCE_COLUMNS)


def write_source_record(path: Path, record: dict[str, Any]) -> None:
    """Record (replace) where the layer ``record['layer']`` of the GeoPackage ``path`` came from."""
    from ..io.gpkg_writer import replace_text_table

    rows = [row for row in read_source_records(path) if row["layer"] != record["layer"]]
    rows.append(record)
    try:
        replace_text_table(path, SOURCE_TABLE, _SOURCE_COLUMNS, rows)
    except OSError as error:
        raise OutputError(f"{path}: cannot write the table of sources ({error}).") from error


def cached_download(
    kind: str,
    key_parts: tuple[Any, ...],
    fetch: Callable[[], tuple[bytes, dict[str, Any]]],
    use: Callable[[bytes, dict[str, Any], bool], _Used],
    refresh: bool = False,
    cache_dir: Path | str | None = None,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
) -> _Used:
    """``use(bytes, record, from_cache)`` of a download: the cached one when fresh, else ``fetch()``'s.

    ``fetch()`` returns (bytes, record): the record (address, query, retrieval date...) is
    kept beside the bytes. A download is cached only after ``use`` accepted it (it raises an
    OnlineSourceError for an incomplete or unreadable body), so a refused download is never
    reused; a cached entry ``use`` refuses is dropped and downloaded again. ``cache_dir`` None
    is the default folder; entries older than ``max_age_days`` are downloaded again.
    """
    folder = cache_folder(cache_dir) / "tables"
    data_file = folder / f"{kind}_{cache_key(kind, *key_parts)}.download"
    record_file = data_file.with_suffix(".json")
    if not refresh and is_fresh(data_file, max_age_days) and record_file.is_file():
        try:
            cached = data_file.read_bytes(), json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = None  # a damaged entry: download again
        if cached is not None:
            try:
                return use(*cached, True)
            except OnlineSourceError:
                pass  # an entry that no longer reads (an older version kept a broken download): download again
    _remove(data_file)
    _remove(record_file)
    data, record = fetch()
    used = use(data, record, False)
    write_bytes_atomically(data_file, data)
    write_bytes_atomically(record_file, json.dumps(record, sort_keys=True).encode("utf-8"))
    return used
