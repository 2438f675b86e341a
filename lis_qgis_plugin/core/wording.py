"""Small helpers for messages in plain English."""

from __future__ import annotations


def plural_word(word: str) -> str:
    """'ward' -> 'wards', 'LSOA' -> 'LSOAs', 'country' -> 'countries', 'areas' stays."""
    if word.endswith("y") and word[-2:-1] not in set("aeiou"):
        return f"{word[:-1]}ies"
    return word if word.endswith("s") else f"{word}s"


def plural(word: str, count: int) -> str:
    """'1 ward', '15 wards', '1,234 LSOAs'."""
    return f"{count:,} {word if count == 1 else plural_word(word)}"
