"""Plain values: what counts as NULL (no value, never 0)."""

from __future__ import annotations

import math


def is_null(value: object) -> bool:
    """None and NaN are NULL: both mean 'no value', never 0."""
    return value is None or (isinstance(value, float) and math.isnan(value))
