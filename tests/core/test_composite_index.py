"""The composite index's parts by hand: weights, directions, standardisation, combination, ranks and deciles.

The runs of lis:compositeindex on Nottingham's IoD2019 domain ranks are in
tests/processing/test_composite_index_algorithm.py.
"""

from __future__ import annotations

import pytest

from lis_qgis_plugin.core.deprivation.composite_index import (
    average_ranks,
    combine,
    composite_ranks,
    local_deciles,
    parse_directions,
    parse_weights,
    standardise,
)
from lis_qgis_plugin.core.indicators.indicator_table import IndicatorMetadata

from ..support import IMD_WEIGHTS, imd_exponential

DOMAINS = list(IMD_WEIGHTS)


def test_weights_are_normalised_and_checked() -> None:
    assert parse_weights("", ["a", "b", "c", "d"]) == ([0.25] * 4, 4)
    assert parse_weights("1; 3", ["a", "b"]) == ([0.25, 0.75], 4)
    weights, given = parse_weights(";".join(map(str, IMD_WEIGHTS.values())), DOMAINS)
    assert sum(weights) == pytest.approx(1) and given == pytest.approx(0.999)
    with pytest.raises(ValueError, match="WEIGHTS has 2 weights but FIELDS has 3 fields"):
        parse_weights("1;2", ["a", "b", "c"])
    with pytest.raises(ValueError, match="zero or positive"):
        parse_weights("1;-2", ["a", "b"])
    with pytest.raises(ValueError, match="not a number"):
        parse_weights("1;lots", ["a", "b"])
    with pytest.raises(ValueError, match="all zero"):
        parse_weights("0;0", ["a", "b"])


def test_directions_come_from_text_then_metadata_then_default() -> None:
    metadata = {"b": IndicatorMetadata("B", polarity="higher is better")}
    assert [d for d, _ in parse_directions("", ["a", "b"], metadata)] == ["higher is worse", "higher is better"]
    assert [d for d, _ in parse_directions("better;", ["a", "b"], metadata)] == ["higher is better"] * 2
    assert [d for d, _ in parse_directions("Low is good; high is good", ["a", "b"])] == [
        "higher is worse",
        "higher is better",
    ]
    with pytest.raises(ValueError, match="DIRECTIONS has 1 entry but FIELDS has 2 fields"):
        parse_directions("worse", ["a", "b"])
    with pytest.raises(ValueError, match="'sideways' .* is not a direction"):
        parse_directions("sideways;worse", ["a", "b"])


def test_ranks_standardise_and_combine() -> None:
    assert average_ranks([10, 30, 20, 20]) == [1, 4, 2.5, 2.5]
    values = {1: 5.0, 2: 1.0, 3: 3.0, 4: 3.0}
    # higher is worse: area 1 is the most deprived, areas 3 and 4 share ranks 2 and 3.
    assert standardise(values, "higher is worse", "rank") == {1: 3.5 / 4, 2: 0.5 / 4, 3: 2 / 4, 4: 2 / 4}
    assert standardise(values, "higher is better", "rank") == {1: 0.5 / 4, 2: 3.5 / 4, 3: 2 / 4, 4: 2 / 4}
    exp = standardise(values, "higher is worse", "rank", exponential=True)
    assert exp[1] == pytest.approx(imd_exponential(4, 4)) and exp[2] == pytest.approx(imd_exponential(1, 4))
    z = standardise(values, "higher is worse", "zscore")
    assert sum(z.values()) == pytest.approx(0) and sum(v * v for v in z.values()) == pytest.approx(4)
    with pytest.raises(ValueError, match="same value"):
        standardise({1: 2.0, 2: 2.0}, "higher is worse", "zscore", name="flat")
    with pytest.raises(ValueError, match="NULL in every area"):
        standardise({}, "higher is worse", "rank", name="empty")
    scores = combine({"a": {1: 1.0, 2: 3.0}, "b": {1: 2.0}}, {"a": 0.75, "b": 0.25}, [1, 2], "reweight")
    assert scores[1].score == pytest.approx(1.25) and scores[2].score == pytest.approx(3.0)
    assert scores[2].contributions == {"a": pytest.approx(3.0), "b": None}
    assert combine({"a": {1: 1.0, 2: 3.0}, "b": {1: 2.0}}, {"a": 0.5, "b": 0.5}, [1, 2], "leave_out")[2].score is None
    ranks = composite_ranks({1: 0.5, 2: 2.0, 3: 2.0, 4: None, 5: -1.0})
    assert ranks == {2: 1, 3: 1, 1: 3, 5: 4}
    assert local_deciles({key: key for key in range(1, 21)}) == {key: (key + 1) // 2 for key in range(1, 21)}
