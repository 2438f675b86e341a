"""The map key of a web report's indicator: national deciles for the IMD, five quantile classes otherwise.

An IMD decile is already a national class (1 = the most deprived 10% of England), so it keeps its ten
classes and the colours lis:deprivationmap gives them (the darkest for the most deprived). Any other
indicator gets five classes holding about a fifth of the values each, over every area and period, so the
colours mean the same when the reader changes the period; viridis, readable with the common colour-vision
deficiencies and in greyscale.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from ..atlas.atlas_indicators import format_value, unit_kind
from ..deprivation.classification import quantile_label
from ..deprivation.deprivation_style import class_colour

#: lis:deprivationmap's default ramp: the national deciles look the same on the web as in QGIS.
DECILE_RAMP = "YlGnBu"
#: Viridis in five steps, light (lowest values) to dark (highest).
QUANTILE_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


def is_decile(indicator_id: str, name: str, unit: str) -> bool:
    """True for an indicator of national deciles (its unit is 'decile', or its id or name says decile)."""
    return unit.strip().lower() == "decile" or "decile" in indicator_id.lower() or "decile" in name.lower()


def decile_classes() -> list[dict[str, object]]:
    """The ten national deciles, 1 (most deprived, darkest) first."""
    return [
        {"label": quantile_label(number, 10, False), "colour": class_colour(number, 10, DECILE_RAMP).name(),
         "min": number, "max": number}
        for number in range(1, 11)
    ]  # fmt: skip


def range_label(low: float, high: float, decimals: int, unit: str) -> str:
    """A class's range as the key prints it: '12.3% – 15.0%', '79.9 per 1,000 – 85.2 per 1,000',
    '63 – 93 admissions' (a unit without its own notation once, its note in brackets left out)."""
    if unit_kind(unit) in ("share", "percent", "rate"):
        low_text, high_text = format_value(low, decimals, unit), format_value(high, decimals, unit)
        return low_text if low_text == high_text else f"{low_text} – {high_text}"  # one value: '0.0%', not 0.0–0.0
    short = unit.split("(")[0].strip()
    low_text, high_text = format_value(low, decimals), format_value(high, decimals)
    text = low_text if low_text == high_text else f"{low_text} – {high_text}"
    return f"{text} {short}" if short else text


def quantile_classes(values: Sequence[float], decimals: int, unit: str) -> list[dict[str, object]]:
    """Up to five classes of about equal counts, lowest first; each holds the values from its min to its max.

    Equal values never straddle two classes, so a measure with few distinct values gets fewer classes.
    """
    ordered = sorted(values)
    if not ordered:
        return []
    cuts = statistics.quantiles(ordered, n=5, method="inclusive") if len(ordered) > 1 else []
    groups: list[list[float]] = [[] for _ in range(len(cuts) + 1)]
    for value in ordered:
        groups[sum(value > cut for cut in cuts)].append(value)
    members = [group for group in groups if group]
    colours = [QUANTILE_COLOURS[round(i * 4 / max(len(members) - 1, 1))] for i in range(len(members))]
    return [
        {"label": range_label(group[0], group[-1], decimals, unit),
         "colour": colour, "min": group[0], "max": group[-1]}
        for group, colour in zip(members, colours)
    ]  # fmt: skip
