"""The user's LIS defaults in QgsSettings: car speeds by road class, suppressed-value markers, road-graph cache,
and what the online sources need (QGIS's network timeout and proxy, mirrors, the download cache).

They live under ``lis/`` (set in *Settings > Options > LIS*; the online ones under ``lis/online/``)
and, for the network, in QGIS's own *Settings > Options > Network*, so the toolbox, the panel and
``qgis_process`` all use the same values. Only the Processing algorithms and the GUI read them
here and pass them to the core as arguments: the core reads no settings, so a computation gives
the same answer whatever profile it runs in. Anything not set falls back to the core's
constants (:data:`~.core.network.road_network.DEFAULT_SPEEDS_KPH`,
:data:`~.core.indicators.indicator_values.SUPPRESSED_MARKERS`, ``<QGIS profile>/lis_cache``,
:data:`~.core.sources.http_client.DEFAULT_TIMEOUT_SECONDS`, the services' own addresses,
``<QGIS profile>/cache/lis_online`` kept :data:`~.core.sources.online_cache.DEFAULT_MAX_AGE_DAYS` days).

This module sits just above ``core/`` (not in ``processing/``) because both the algorithms and
the Options page use it. Values are read when asked, once per run: there is no memory to clear.
The core modules are imported inside the functions so that plugin start-up loads no numpy/scipy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qgis.core import QgsApplication, QgsSettings

if TYPE_CHECKING:
    from .core.sources.http_client import HttpOptions, ProxySettings

PREFIX = "lis/"
SPEEDS_GROUP = PREFIX + "speeds_kph"
MARKERS_KEY = PREFIX + "suppressed_markers"
CACHE_DIR_KEY = PREFIX + "cache_dir"
ONLINE_GROUP = PREFIX + "online"
ONLINE_CACHE_FOLDER_KEY = ONLINE_GROUP + "/cacheFolder"
ONLINE_CACHE_DAYS_KEY = ONLINE_GROUP + "/cacheDays"
#: QGIS's own network settings (Settings > Options > Network), which every LIS download follows.
NETWORK_TIMEOUT_KEY = "/qgis/networkAndProxy/networkTimeout"
PROXY_GROUP = "proxy"


def default_speeds_kph() -> dict[str, float]:
    """The built-in car speeds (km/h) by OpenStreetMap ``highway`` class."""
    from .core.network.road_network import DEFAULT_SPEEDS_KPH

    return dict(DEFAULT_SPEEDS_KPH)


def speeds_kph() -> dict[str, float]:
    """Car speeds (km/h) by ``highway`` class: the built-in ones, with the user's changes."""
    speeds = default_speeds_kph()
    settings = QgsSettings()
    for road_class in speeds:
        value = settings.value(f"{SPEEDS_GROUP}/{road_class}", None)
        try:
            kph = float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            kph = None
        if kph is not None and kph > 0:
            speeds[road_class] = kph
    return speeds


def set_speeds_kph(speeds: Mapping[str, float] | None) -> None:
    """Store car speeds by class (km/h); None, or a class at its built-in speed, removes the setting."""
    settings = QgsSettings()
    for road_class, default in default_speeds_kph().items():
        kph = None if speeds is None else speeds.get(road_class)
        key = f"{SPEEDS_GROUP}/{road_class}"
        if kph is None or not kph > 0 or abs(float(kph) - default) <= 1e-9:
            settings.remove(key)
        else:
            settings.setValue(key, float(kph))


def default_suppressed_markers() -> frozenset[str]:
    """The built-in markers of suppressed or unavailable values (``*``, ``..``, ``c``...)."""
    from .core.indicators.indicator_values import SUPPRESSED_MARKERS

    return SUPPRESSED_MARKERS


def suppressed_markers() -> frozenset[str]:
    """Cell texts read as suppressed (NULL, counted by marker); lower case."""
    value = QgsSettings().value(MARKERS_KEY, None)
    if value is None:
        return default_suppressed_markers()
    items = [value] if isinstance(value, str) else list(value)
    return frozenset(str(item).strip().lower() for item in items if str(item).strip())


def set_suppressed_markers(markers: Iterable[str] | None) -> None:
    """Store the suppressed-value markers; None (or the built-in set) removes the setting."""
    settings = QgsSettings()
    cleaned = None if markers is None else sorted({m.strip().lower() for m in markers if m.strip()})
    if cleaned is None or frozenset(cleaned) == default_suppressed_markers():
        settings.remove(MARKERS_KEY)
    else:
        settings.setValue(MARKERS_KEY, cleaned)


def cache_dir() -> Path | None:
    """The folder the user chose for cached road graphs; None for the core's default (``<profile>/lis_cache``)."""
    value = str(QgsSettings().value(CACHE_DIR_KEY, "") or "").strip()
    return Path(value).expanduser() if value else None


def set_cache_dir(folder: str | Path | None) -> None:
    """Store the road-graph cache folder; None or '' goes back to the default."""
    settings = QgsSettings()
    text = str(folder).strip() if folder is not None else ""
    if text:
        settings.setValue(CACHE_DIR_KEY, text)
    else:
        settings.remove(CACHE_DIR_KEY)


def online_cache_dir() -> Path | None:
    """The folder the user chose for cached downloads (lis/online/cacheFolder); None for the core's default."""
    value = str(QgsSettings().value(ONLINE_CACHE_FOLDER_KEY, "") or "").strip()
    return Path(value).expanduser() if value else None


def online_cache_days() -> float:
    """Days a cached download is reused (lis/online/cacheDays; 0 = always download); the core's default if unset."""
    from .core.sources.online_cache import DEFAULT_MAX_AGE_DAYS

    try:
        return float(QgsSettings().value(ONLINE_CACHE_DAYS_KEY, DEFAULT_MAX_AGE_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_MAX_AGE_DAYS


def online_base_url(source: str) -> str | None:
    """The mirror the user set for ``source`` ('ons', 'fingertips' or 'nomis': lis/online/<source>BaseUrl), if any."""
    value = str(QgsSettings().value(f"{ONLINE_GROUP}/{source}BaseUrl", "") or "").strip()
    return value or None


def network_timeout() -> float:
    """QGIS's network timeout (Settings > Options > Network), in seconds, at least 1; 60 s when unset."""
    from .core.sources.http_client import DEFAULT_TIMEOUT_SECONDS

    default_ms = int(DEFAULT_TIMEOUT_SECONDS * 1000)
    try:
        milliseconds = int(QgsSettings().value(NETWORK_TIMEOUT_KEY, default_ms))
    except (TypeError, ValueError):
        milliseconds = default_ms
    return max(milliseconds, 1000) / 1000.0


def _as_bool(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _as_prefixes(value: Any) -> tuple[str, ...]:
    """A QGIS URL list setting ('a|b' or a list) as stripped, non-empty prefixes."""
    if value in (None, ""):
        return ()
    parts = value.split("|") if isinstance(value, str) else [str(part) for part in value]
    return tuple(part.strip() for part in parts if part.strip())


def proxy_settings() -> ProxySettings:
    """QGIS's proxy (Settings > Options > Network), with the user and password of its authentication configuration."""
    from .core.sources.http_client import ProxySettings

    settings = QgsSettings()

    def text(name: str) -> str:
        return str(settings.value(f"{PROXY_GROUP}/{name}", "") or "")

    enabled = _as_bool(settings.value(f"{PROXY_GROUP}/proxyEnabled", False))
    user, password = text("proxyUser"), text("proxyPassword")
    if enabled and text("authcfg"):
        user, password = _proxy_credentials(text("authcfg"), user, password)
    return ProxySettings(
        enabled=enabled,
        kind=text("proxyType"),
        host=text("proxyHost").strip(),
        port=text("proxyPort").strip(),
        user=user,
        password=password,
        no_proxy_urls=_as_prefixes(settings.value(f"{PROXY_GROUP}/noProxyUrls", [])),
        excluded_urls=_as_prefixes(settings.value(f"{PROXY_GROUP}/proxyExcludedUrls", [])),
    )


def _proxy_credentials(authcfg: str, user: str, password: str) -> tuple[str, str]:
    """User and password of the proxy's authentication configuration (as QGIS applies it)."""
    from qgis.PyQt.QtNetwork import QNetworkProxy

    proxy = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "proxy", 0, user, password)
    manager = QgsApplication.authManager()
    if manager is not None and manager.updateNetworkProxy(proxy, authcfg):
        return proxy.user(), proxy.password()
    return user, password


def http_options() -> HttpOptions:
    """QGIS's network timeout and proxy, with LIS's download deadline and largest download, for the HTTP client."""
    from .core.sources.http_client import HttpOptions

    return HttpOptions(
        timeout=network_timeout(),
        proxy=proxy_settings(),
        deadline=online_download_deadline(),
        max_bytes=online_max_download_bytes(),
    )


@dataclass(frozen=True)
class OnlineSettings:
    """Everything the online sources take from the settings, read once per run and passed to the core."""

    http: HttpOptions
    cache_dir: Path | None
    max_age_days: float
    ons_base_url: str | None
    fingertips_base_url: str | None
    nomis_base_url: str | None


def online_settings() -> OnlineSettings:
    """The network options, the download cache and the mirrors the user set, read now."""
    return OnlineSettings(
        http=http_options(),
        cache_dir=online_cache_dir(),
        max_age_days=online_cache_days(),
        ons_base_url=online_base_url("ons"),
        fingertips_base_url=online_base_url("fingertips"),
        nomis_base_url=online_base_url("nomis"),
    )


#: The longest one download may take, in seconds (retries included); the core's default when unset.
ONLINE_DEADLINE_KEY = ONLINE_GROUP + "/downloadDeadline"
#: The largest download accepted, in MB (before and after unpacking); the core's default when unset.
ONLINE_MAX_DOWNLOAD_MB_KEY = ONLINE_GROUP + "/maxDownloadMB"


def _positive_number(key: str, default: float) -> float:
    """A setting read as a finite number above 0; ``default`` when unset, unreadable, zero, negative or infinite."""
    try:
        value = float(QgsSettings().value(key, default))
    except (TypeError, ValueError):
        return default
    return value if 0 < value < float("inf") else default


def _store_number(key: str, value: float | None, default: float) -> None:
    """Store a number setting; None or the default forgets it, so a later change of the default applies."""
    settings = QgsSettings()
    if value is None or abs(float(value) - default) < 1e-9:
        settings.remove(key)
    else:
        settings.setValue(key, float(value))


def online_download_deadline() -> float:
    """Seconds one download may take in all (lis/online/downloadDeadline); the core's default (600 s) if unset."""
    from .core.sources.http_client import DEFAULT_DEADLINE_SECONDS

    return _positive_number(ONLINE_DEADLINE_KEY, DEFAULT_DEADLINE_SECONDS)


def online_max_download_bytes() -> int:
    """The largest download accepted, in bytes (lis/online/maxDownloadMB, in MB); the core's default if unset."""
    from .core.sources.http_client import DEFAULT_MAX_BYTES

    megabytes = _positive_number(ONLINE_MAX_DOWNLOAD_MB_KEY, DEFAULT_MAX_BYTES / (1024 * 1024))
    return int(megabytes * 1024 * 1024)


#: How far (metres) a facility, site or demand point may lie from the road network and still be placed on it.
MAX_SNAP_KEY = PREFIX + "max_snap_m"


def max_snap_m() -> float:
    """The road tools' maximum snap distance in metres (lis/max_snap_m); the core's default (1,000 m) if unset.

    Places farther than this from the roads are left out of the results and listed, not placed on a far road.
    """
    from .core.network.road_network import DEFAULT_MAX_SNAP_M

    return _positive_number(MAX_SNAP_KEY, DEFAULT_MAX_SNAP_M)


def set_max_snap_m(metres: float | None) -> None:
    """Store the maximum snap distance (None, or the default: forget it)."""
    from .core.network.road_network import DEFAULT_MAX_SNAP_M

    _store_number(MAX_SNAP_KEY, metres, DEFAULT_MAX_SNAP_M)


def set_online_download_limits(deadline_s: float | None, max_megabytes: float | None) -> None:
    """Store the download deadline (seconds) and largest download (MB); None or the default forgets a value."""
    from .core.sources.http_client import DEFAULT_DEADLINE_SECONDS, DEFAULT_MAX_BYTES

    _store_number(ONLINE_DEADLINE_KEY, deadline_s, DEFAULT_DEADLINE_SECONDS)
    _store_number(ONLINE_MAX_DOWNLOAD_MB_KEY, max_megabytes, DEFAULT_MAX_BYTES / (1024 * 1024))


#: The project's indicator store (a GeoPackage path or ``pg:<connection>``), kept in the project file.
STORE_SCOPE, STORE_KEY = "lis", "store"


def project_store_text() -> str:
    """The store chosen for the current project ('' when none: the default ``lis_store.gpkg`` beside it)."""
    from qgis.core import QgsProject

    text, _found = QgsProject.instance().readEntry(STORE_SCOPE, STORE_KEY, "")
    return str(text or "").strip()


def set_project_store_text(text: str | None) -> None:
    """Keep the store choice in the current project (None or '' goes back to the default beside the project)."""
    from qgis.core import QgsProject

    project = QgsProject.instance()
    if text and str(text).strip():
        project.writeEntry(STORE_SCOPE, STORE_KEY, str(text).strip())
    else:
        project.removeEntry(STORE_SCOPE, STORE_KEY)
