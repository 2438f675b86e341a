"""Is an area's value significantly different from its comparator? Fingertips' rule, in Fingertips' words.

Fingertips (OHID's public health profiles) calls an area significantly different when the comparator's value
(England, the region, the district) lies outside the area's confidence interval, and words the answer by the
indicator's polarity: "better" / "worse" when higher is better or worse, "higher" / "lower" when neither.
"""

from __future__ import annotations

from .confidence import Interval

HIGHER_IS_BETTER = "higher is better"
HIGHER_IS_WORSE = "higher is worse"

SIMILAR = "similar"
NOT_COMPARED = "not compared"

#: The words for (above, below) the comparator, by polarity; any other polarity ("", "neutral") says higher/lower.
_WORDS: dict[str, tuple[str, str]] = {
    HIGHER_IS_BETTER: ("better", "worse"),
    HIGHER_IS_WORSE: ("worse", "better"),
}
_NEUTRAL_WORDS = ("higher", "lower")


def compare_to(area: Interval, comparator: float | None, polarity: str) -> str:
    """ "better" / "similar" / "worse" (or "higher" / "similar" / "lower" without a polarity), else "not compared".

    The area is judged at its interval's own confidence (95% or 99.8%). A comparator equal to a limit counts as
    inside (similar). Without a comparator or both limits there is nothing to judge; with one limit missing, only
    a difference that limit alone shows is reported, never "similar".
    """
    if comparator is None or (area.lower is None and area.upper is None):
        return NOT_COMPARED
    above, below = _WORDS.get(polarity, _NEUTRAL_WORDS)
    if area.lower is not None and area.lower > comparator:
        return above
    if area.upper is not None and area.upper < comparator:
        return below
    if area.lower is None or area.upper is None:
        return NOT_COMPARED
    return SIMILAR
