"""Small helpers for messages in plain English."""

from __future__ import annotations

from collections.abc import Sequence

from .values import null_as_none


def plural_word(word: str) -> str:
    """'ward' -> 'wards', 'LSOA' -> 'LSOAs', 'country' -> 'countries', 'areas' stays."""
    if word.endswith("y") and word[-2:-1] not in set("aeiou"):
        return f"{word[:-1]}ies"
    return word if word.endswith("s") else f"{word}s"


def plural(word: str, count: int) -> str:
    """'1 ward', '15 wards', '1,234 LSOAs'."""
    return f"{count:,} {word if count == 1 else plural_word(word)}"


def list_labels(labels: Sequence[str], limit: int = 20) -> str:
    """'E01000001, E01000002 and 3 more': short enough for a log line, still naming areas."""
    if len(labels) <= limit:
        return ", ".join(labels)
    return f"{', '.join(labels[:limit])} and {len(labels) - limit:,} more"


def format_number(value: float | int | None) -> str:
    """'37,746', '12.35' or 'NULL' for messages."""
    number = null_as_none(value)
    if number is None:
        return "NULL"
    if isinstance(number, int) or float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}"
