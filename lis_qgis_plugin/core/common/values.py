"""Plain values: what counts as NULL (no value, never 0)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TypeVar

Value = TypeVar("Value")
Key = TypeVar("Key")


def is_null(value: object) -> bool:
    """None and NaN are NULL: both mean 'no value', never 0."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def null_as_none(value: Value | None) -> Value | None:
    """The value, or None when it is NULL: one ``is None`` test then covers NaN too (and type checkers see it)."""
    return None if is_null(value) else value


def non_null(values: Iterable[Value | None]) -> list[Value]:
    """The values that are not NULL, in order."""
    return [value for value in values if value is not None and not is_null(value)]


def non_null_items(values: Mapping[Key, Value | None]) -> dict[Key, Value]:
    """The entries whose value is not NULL, in order."""
    return {key: value for key, value in values.items() if value is not None and not is_null(value)}
