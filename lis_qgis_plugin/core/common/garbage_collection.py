"""Pause Python's cycle collector while a tool builds large tables of small objects.

A national table is hundreds of thousands of strings, numbers and lists, almost none in
reference cycles: each batch of new objects makes the collector walk everything alive, in
QGIS a large heap, so a join spent a fifth of its time collecting nothing. Reference
counting still frees every object as usual; only cycles wait until the tool is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector off, then on again if it was on (nested or threaded uses are safe)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
