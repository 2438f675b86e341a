"""User defaults the core reads: car speeds by road class, suppressed-value markers, the road-graph cache folder.

They live in QgsSettings under ``lis/`` (set in *Settings > Options > LIS*), so the toolbox,
the panel and ``qgis_process`` all use the same values. Anything not set falls back to the
constants of the core modules (:data:`~.road_network.DEFAULT_SPEEDS_KPH`,
:data:`~.indicator_values.SUPPRESSED_MARKERS`, ``<QGIS profile>/lis_cache``).

Values are read once and kept, because the core asks for them per road and per table cell;
the setters here clear that memory, and :func:`reload` does after settings written elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from qgis.core import QgsSettings

PREFIX = "lis/"
SPEEDS_GROUP = PREFIX + "speeds_kph"
MARKERS_KEY = PREFIX + "suppressed_markers"
CACHE_DIR_KEY = PREFIX + "cache_dir"

_memory: dict[str, Any] = {}


def reload() -> None:
    """Forget the values read so far: the next call reads QgsSettings again."""
    _memory.clear()


def default_speeds_kph() -> dict[str, float]:
    """The built-in car speeds (km/h) by OpenStreetMap ``highway`` class."""
    from .road_network import DEFAULT_SPEEDS_KPH

    return dict(DEFAULT_SPEEDS_KPH)


def speeds_kph() -> dict[str, float]:
    """Car speeds (km/h) by ``highway`` class: the built-in ones, with the user's changes."""
    if "speeds" not in _memory:
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
        _memory["speeds"] = speeds
    return _memory["speeds"]


def custom_speeds_kph() -> dict[str, float]:
    """Only the speeds that differ from the built-in ones (empty when the user changed none)."""
    defaults = default_speeds_kph()
    return {name: kph for name, kph in speeds_kph().items() if abs(kph - defaults.get(name, kph)) > 1e-9}


def set_speeds_kph(speeds: Mapping[str, float] | None) -> None:
    """Store car speeds by class (km/h); None, or a class at its built-in speed, removes the setting."""
    settings = QgsSettings()
    defaults = default_speeds_kph()
    for road_class, default in defaults.items():
        kph = None if speeds is None else speeds.get(road_class)
        key = f"{SPEEDS_GROUP}/{road_class}"
        if kph is None or not kph > 0 or abs(float(kph) - default) <= 1e-9:
            settings.remove(key)
        else:
            settings.setValue(key, float(kph))
    reload()


def default_suppressed_markers() -> frozenset[str]:
    """The built-in markers of suppressed or unavailable values (``*``, ``..``, ``c``...)."""
    from .indicator_values import SUPPRESSED_MARKERS

    return SUPPRESSED_MARKERS


def suppressed_markers() -> frozenset[str]:
    """Cell texts read as suppressed (NULL, counted by marker); lower case."""
    if "markers" not in _memory:
        value = QgsSettings().value(MARKERS_KEY, None)
        if value is None:
            markers = default_suppressed_markers()
        else:
            items = [value] if isinstance(value, str) else list(value)
            markers = frozenset(str(item).strip().lower() for item in items if str(item).strip())
        _memory["markers"] = markers
    return _memory["markers"]


def set_suppressed_markers(markers: Iterable[str] | None) -> None:
    """Store the suppressed-value markers; None (or the built-in set) removes the setting."""
    settings = QgsSettings()
    cleaned = None if markers is None else sorted({m.strip().lower() for m in markers if m.strip()})
    if cleaned is None or frozenset(cleaned) == default_suppressed_markers():
        settings.remove(MARKERS_KEY)
    else:
        settings.setValue(MARKERS_KEY, cleaned)
    reload()


def cache_dir() -> Path | None:
    """The folder the user chose for cached road graphs; None for the default (``<profile>/lis_cache``)."""
    if "cache_dir" not in _memory:
        value = str(QgsSettings().value(CACHE_DIR_KEY, "") or "").strip()
        _memory["cache_dir"] = Path(value).expanduser() if value else None
    return _memory["cache_dir"]


def set_cache_dir(folder: str | Path | None) -> None:
    """Store the road-graph cache folder; None or '' goes back to the default."""
    settings = QgsSettings()
    text = str(folder).strip() if folder is not None else ""
    if text:
        settings.setValue(CACHE_DIR_KEY, text)
    else:
        settings.remove(CACHE_DIR_KEY)
    reload()
