"""What every LIS tool can tell its user: one base for the problems they can fix, cancel, and log lines.

These sit at the bottom of core, below the readers, the network and the HTTP client, so any module can
raise or log without importing a tool's module. ``LisAlgorithm.processAlgorithm`` catches ``LisError`` once for
every algorithm; anything else is an internal error, reported in one plain line with the traceback in
the QGIS log.
"""

from __future__ import annotations

from dataclasses import dataclass


class LisError(Exception):
    """A problem with the user's input, files or connection, told in plain words with what to do."""


class CancelledError(RuntimeError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class LogLine:
    """One line of the log, in plain words; warnings ask the user to look."""

    text: str
    warning: bool = False
