"""Progress and cancel for long core work, through any QgsFeedback or none (core never needs a dialog)."""

from __future__ import annotations

from qgis.core import QgsFeedback

from .errors import CancelledError


def check_cancel(feedback: QgsFeedback | None) -> None:
    """Stop with CancelledError once the user has cancelled."""
    if feedback is not None and feedback.isCanceled():
        raise CancelledError("cancelled")


def report_progress(feedback: QgsFeedback | None, value: float) -> None:
    """Cancel if asked, else show ``value`` (0-100)."""
    check_cancel(feedback)
    if feedback is not None:
        feedback.setProgress(value)
