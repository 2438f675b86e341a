"""The user's LIS defaults in QgsSettings: car speeds by road class, suppressed-value markers, road-graph cache.

They live under ``lis/`` (set in *Settings > Options > LIS*), so the toolbox, the panel and
``qgis_process`` all use the same values. Only the Processing algorithms and the GUI read them
here and pass them to the core as arguments: the core reads no settings, so a computation gives
the same answer whatever profile it runs in. Anything not set falls back to the core's
constants (:data:`~.core.network.road_network.DEFAULT_SPEEDS_KPH`,
:data:`~.core.indicators.indicator_values.SUPPRESSED_MARKERS`, ``<QGIS profile>/lis_cache``).

This module sits just above ``core/`` (not in ``processing/``) because both the algorithms and
the Options page use it. Values are read when asked, once per run: there is no memory to clear.
The core modules are imported inside the functions so that plugin start-up loads no numpy/scipy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from qgis.core import QgsSettings

PREFIX = "lis/"
SPEEDS_GROUP = PREFIX + "speeds_kph"
MARKERS_KEY = PREFIX + "suppressed_markers"
CACHE_DIR_KEY = PREFIX + "cache_dir"


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
