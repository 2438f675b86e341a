"""Confidence limits and significance equal PHEindicatormethods' own test data and documented examples.

Expected values are copied from the R package PHEindicatormethods (github.com/ukhsa-collaboration/
PHEindicatormethods, commit 093fd28), file and row cited beside each; hand-worked cases write out the formula.
"""

from __future__ import annotations

import math

import pytest

from lis_qgis_plugin.core.common.errors import LisError
from lis_qgis_plugin.core.statistics.confidence import (
    CONFIDENCE_LEVELS,
    ESP2013,
    ESP2013_85_PLUS,
    Interval,
    StatisticsInputError,
    byars_interval,
    dobson_dsr_interval,
    mean_interval,
    wilson_interval,
)
from lis_qgis_plugin.core.statistics.significance import compare_to

#: PHEindicatormethods' results are doubles from the same formulas: equal to far better than 6 significant figures.
SAME = 1e-9


def assert_interval(actual: Interval, value: float, lower: float, upper: float) -> None:
    assert actual.value == pytest.approx(value, rel=SAME)
    assert actual.lower == pytest.approx(lower, rel=SAME, abs=1e-12)
    assert actual.upper == pytest.approx(upper, rel=SAME)


# tests/testthat/testdata_Proportion.xlsx, sheet testdata_Prop, rows 2-9 (multiplier 1) and 10-17 (multiplier 100):
# Numerator, Denominator, value, lower95_0cl, upper95_0cl, lower99_8cl, upper99_8cl.
PROPORTIONS = [
    (1, 100, 1, 0.1767432064140651, 5.4486196178705297, 8.7306569729997702e-2, 10.455445283705821),  # row 10
    (5, 100, 5, 2.1543679154367981, 11.175046923191911, 1.3865320725997183, 16.458852282596443),  # row 11
    (20, 100, 20, 13.33669333310325, 28.882916559315884, 10.519162066711433, 34.711094170086007),  # row 12
    (65, 100, 65, 55.25444329688797, 73.635751756902465, 49.549465740704314, 77.835406140896964),  # row 13
    (9856, 12345, 79.837991089509913, 79.121017529090693, 80.536400736149091, 78.699241084190632, 80.930614125896255),
    (7776456, 7564336677, 0.10280420256339154, 0.10273201001641094, 0.10287644578977231, 0.10269040118442213,
     0.10291812992698397),  # row 15
    (222, 3215, 6.9051321928460334, 6.0791690363636599, 7.8339566813836328, 5.6471019646242482, 8.4184141852701337),
    (999, 3456, 28.90625, 27.418951080009872, 30.440389662818056, 26.583995768074953, 31.344754492799847),  # row 17
]  # fmt: skip


@pytest.mark.parametrize(("count", "denominator", "value", "low95", "up95", "low998", "up998"), PROPORTIONS)
def test_wilson_equals_phe_proportion_as_a_percentage(
    count: int, denominator: int, value: float, low95: float, up95: float, low998: float, up998: float
) -> None:
    assert_interval(wilson_interval(count, denominator), value, low95, up95)
    assert_interval(wilson_interval(count, denominator, 0.998), value, low998, up998)


def test_wilson_equals_phe_proportion_as_a_fraction() -> None:
    # testdata_Prop row 2 (1/100) and row 9 (999/3456), multiplier 1
    assert_interval(wilson_interval(1, 100, multiplier=1), 0.01, 1.7674320641406511e-3, 5.4486196178705294e-2)
    assert_interval(
        wilson_interval(999, 3456, 0.998, multiplier=1), 0.2890625, 0.26583995768074953, 0.31344754492799848
    )
    # testdata_Prop_g row 2: the grouped sum 2/200
    assert_interval(wilson_interval(2, 200, multiplier=1), 0.01, 2.746658133544438e-3, 3.5721761716176796e-2)


def test_wilson_worked_by_hand_for_5_of_20() -> None:
    # z = 1.959964 (95%); lower, upper = (2x + z^2 -/+ z * sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))
    # x=5, n=20: sqrt(3.841459 + 15) = 4.340675; z * 4.340675 = 8.507568
    # lower = (10 + 3.841459 - 8.507568) / 47.682918 = 0.1118617; upper = 22.349027 / 47.682918 = 0.4687009
    result = wilson_interval(5, 20)
    assert result.value == 25
    assert result.lower == pytest.approx(11.18617, rel=1e-6)
    assert result.upper == pytest.approx(46.87009, rel=1e-6)
    assert result.confidence == 0.95 and result.note == ""


def test_wilson_at_zero_at_the_denominator_and_with_a_denominator_of_one() -> None:
    z2 = 1.959963984540054**2
    none = wilson_interval(0, 100)  # x=0: lower = 0, upper = z^2 / (n + z^2)
    assert (none.value, none.lower) == (0, pytest.approx(0, abs=1e-12))
    assert none.upper == pytest.approx(100 * z2 / (100 + z2), rel=SAME) == pytest.approx(3.699350, rel=1e-6)
    every = wilson_interval(100, 100)  # x=n: lower = n / (n + z^2), upper = 1
    assert every.lower == pytest.approx(100 * 100 / (100 + z2), rel=SAME) == pytest.approx(96.30065, rel=1e-6)
    assert every.upper == pytest.approx(100, rel=SAME)
    one = wilson_interval(1, 1, 0.998)  # n=1 at 99.8%: lower = 1 / (1 + 3.090232^2)
    assert one.lower == pytest.approx(100 / (1 + 3.090232306167813**2), rel=SAME) == pytest.approx(9.479090, rel=1e-6)
    assert one.upper == pytest.approx(100, rel=SAME)


def test_wilson_refuses_impossible_input_in_words() -> None:
    assert issubclass(StatisticsInputError, LisError)
    with pytest.raises(StatisticsInputError, match="above its denominator"):
        wilson_interval(11, 10)
    with pytest.raises(StatisticsInputError, match="negative"):
        wilson_interval(-1, 10)
    with pytest.raises(StatisticsInputError, match="not above zero"):
        wilson_interval(0, 0)
    with pytest.raises(StatisticsInputError, match="0.95 or 0.998"):
        wilson_interval(1, 10, confidence=95)


def test_missing_count_or_denominator_gives_no_value() -> None:
    # testdata_Prop rows 18-20 and testdata_Rate rows 18-20: NA numerator or denominator gives NA value and limits
    for interval in (wilson_interval(None, 100), wilson_interval(10, None), byars_interval(None, None)):
        assert (interval.value, interval.lower, interval.upper) == (None, None, None)
        assert interval.note == "no count or denominator"


# tests/testthat/testdata_Rate.xlsx, sheet testdata_Rate, rows 10-17 (multiplier 100000): Numerator, Denominator,
# value, lower95_0cl, upper95_0cl, lower99_8cl, upper99_8cl; method "Exact" below 10 events, "Byars" from 10.
RATES = [
    (1, 100, 1000, 25.317807984289896, 5571.6433909388979, 1.0005003335835343, 9233.4134764515857),  # row 10
    (5, 100, 5000, 1623.4863901184199, 11668.332079322669, 739.37173191783893, 16454.745203680104),  # row 11
    (20, 100, 20000, 12211.428834875936, 30889.880369197064, 8922.8023651441927, 38085.035625041914),  # row 12
    (65, 100, 65000, 50163.187710459453, 82849.138545939844, 42880.261471480204, 94000.290844318006),  # row 13
    (9856, 12345, 79837.991089509916, 78269.490589767578, 81430.016542721409, 77375.905432710526, 82354.472770954308),
    (7776456, 7564336677, 102.80420256339154, 102.73196005302074, 102.87648334092832, 102.690317308454,
     102.91817639509068),  # row 15
    (222, 3215, 6905.1321928460338, 6026.5748776526743, 7875.7293708718507, 5560.7376952598534, 8461.0466817334109),
    (999, 3456, 28906.25, 27141.304936090521, 30755.833237378414, 26162.147596445768, 31845.604819822653),  # row 17
    (250, 220, 113636.36363636365, 99984.947385328764, 128631.14487455782, 92710.005544389525, 137651.23772147458),
]  # fmt: skip


@pytest.mark.parametrize(("count", "denominator", "value", "low95", "up95", "low998", "up998"), RATES)
def test_byars_equals_phe_rate_per_100000(
    count: int, denominator: int, value: float, low95: float, up95: float, low998: float, up998: float
) -> None:
    assert_interval(byars_interval(count, denominator), value, low95, up95)
    assert_interval(byars_interval(count, denominator, 0.998), value, low998, up998)


def test_byars_equals_phe_rate_per_100() -> None:
    # testdata_Rate rows 2 (1/100, exact) and 4 (20/100, Byar's), multiplier 100
    assert_interval(byars_interval(1, 100, multiplier=100), 1, 2.5317807984289897e-2, 5.571643390938898)
    assert_interval(byars_interval(20, 100, multiplier=100), 20, 12.211428834875937, 30.889880369197066)
    # testdata_Rate_g row 3: the grouped sum 10/200 is the first count where Byar's replaces the exact limits
    assert_interval(byars_interval(10, 200), 5000, 2393.7249569837822, 9195.7293028782369)


def test_byars_worked_by_hand_for_zero_events_and_for_ten() -> None:
    # x=0: lower 0, upper = chi2(0.975, 2 df) / 2 = -ln(0.025) = 3.688879 events; per 100,000 of 1,000 people
    zero = byars_interval(0, 1000)
    assert (zero.value, zero.lower) == (0, 0)
    assert zero.upper == pytest.approx(-math.log(0.025) * 100, rel=SAME) == pytest.approx(368.8879, rel=1e-6)
    assert byars_interval(0, 1000, 0.998).upper == pytest.approx(-math.log(0.001) * 100, rel=SAME)
    # x=10, Byar's: lower = x(1 - 1/(9x) - z/(3 sqrt x))^3 = 10(1 - 0.0111111 - 0.2065983)^3 = 10 x 0.4787450
    #               upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3 = 11(1 - 0.0101010 + 0.1969838)^3 = 11 x 1.671951
    ten = byars_interval(10, 1, multiplier=1)
    assert ten.lower == pytest.approx(4.787450, rel=1e-6)
    assert ten.upper == pytest.approx(18.39146, rel=1e-6)


def test_confidence_levels_are_the_published_two() -> None:
    assert CONFIDENCE_LEVELS == (0.95, 0.998)


@pytest.mark.parametrize(
    ("lower", "upper", "comparator", "polarity", "expected"),
    [
        (10.0, 12.0, 9.0, "higher is worse", "worse"),
        (10.0, 12.0, 9.0, "higher is better", "better"),
        (10.0, 12.0, 9.0, "", "higher"),
        (10.0, 12.0, 13.0, "higher is worse", "better"),
        (10.0, 12.0, 13.0, "higher is better", "worse"),
        (10.0, 12.0, 13.0, "neutral", "lower"),
        (10.0, 12.0, 11.0, "higher is worse", "similar"),
        (10.0, 12.0, 12.0, "higher is better", "similar"),  # on the limit: inside, as Fingertips
        (10.0, 12.0, None, "higher is worse", "not compared"),
        (None, None, 11.0, "higher is worse", "not compared"),
        (None, 12.0, 13.0, "", "lower"),  # the limit that exists shows the difference
        (None, 12.0, 11.0, "", "not compared"),  # cannot say "similar" without the lower limit
    ],
)
def test_compare_to_words_the_fingertips_rule(
    lower: float | None, upper: float | None, comparator: float | None, polarity: str, expected: str
) -> None:
    assert compare_to(Interval(11.0, lower, upper, 0.95), comparator, polarity) == expected


def test_compare_to_differs_at_95_but_not_at_998() -> None:
    # 222 events in 3,215 (testdata_Rate row 16): 6,905 per 100,000, 95% 6,027-7,876, 99.8% 5,561-8,461.
    # Against a comparator of 5,800 the area is worse at 95% and similar at 99.8%.
    assert compare_to(byars_interval(222, 3215), 5800.0, "higher is worse") == "worse"
    assert compare_to(byars_interval(222, 3215, 0.998), 5800.0, "higher is worse") == "similar"


# tests/testthat/testdata_Mean.xlsx, sheet testdata_Mean: rows 2-9 are Area1, rows 10-27 Area2.
MEAN_AREA1 = [33.09375, 48.38596, 64.83495, 67.98475, 22.93556, 71.23587, 38.78465, 82.37927]
MEAN_AREA2 = [
    5555.66666, 6666.77777, 4444.88888, 2222.99999, 3333.88888, 5555.44444, 6666.33333, 7777.44444, 5555.99999,
    8888.33333, 2222.55555, 4444.33333, 6666.22222, 4444.11111, 4444.22222, 5555.11111, 7777.22222, 9999.77777,
]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "value", "low95", "up95", "low998", "up998"),
    [
        # sheet testdata_Mean_results, row 2 (Area1), row 3 (Area2), row 4 ("No grouping": all 26 values)
        (MEAN_AREA1, 53.704345, 36.168325241336504, 71.240364758663517, 18.216705294788838, 89.191984705211183),
        (MEAN_AREA2, 5678.9629577777778, 4625.7900224529722, 6732.1358931025834, 3859.0770997295967,
         7498.8488158259588),
        (MEAN_AREA1 + MEAN_AREA2, 3948.1141538461534, 2666.9956767458489, 5229.2326309464579, 1801.9535385474737,
         6094.274769144833),
    ],
)  # fmt: skip
def test_mean_equals_phe_mean(
    values: list[float], value: float, low95: float, up95: float, low998: float, up998: float
) -> None:
    assert_interval(mean_interval(values), value, low95, up95)
    assert_interval(mean_interval(values, 0.998), value, low998, up998)


def test_mean_worked_by_hand_and_its_edge_cases() -> None:
    # 2, 4, 6: mean 4, sd 2, t(0.975, 2 df) = 4.302653; limits 4 -/+ 4.302653 x 2 / sqrt(3) = 4 -/+ 4.968276
    result = mean_interval([2.0, 4.0, 6.0])
    assert (result.lower, result.upper) == (pytest.approx(-0.968276, rel=1e-6), pytest.approx(8.968276, rel=1e-6))
    single = mean_interval([7.0])
    assert (single.value, single.lower, single.upper) == (7.0, None, None) and "one value" in single.note
    gap = mean_interval([1.0, None, 3.0])
    assert (gap.value, gap.lower, gap.upper) == (None, None, None) and gap.note == "a value is missing"
    assert mean_interval([]).note == "no values"


def test_esp2013_is_the_published_standard() -> None:
    # man/esp2013.Rd: 5000 5500 5500 5500 6000 6000 6500 7000 7000 7000 7000 6500 6000 5500 5000 4000 2500 1500 1000
    assert ESP2013 == (5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000,
                       4000, 2500, 1500, 1000)  # fmt: skip
    assert len(ESP2013_85_PLUS) == 18 and ESP2013_85_PLUS[-1] == 2500 and sum(ESP2013_85_PLUS) == 100_000


# tests/testthat/testdata_DSR_ISR.xlsx, sheet testdata_multiarea: 19 age bands (0-4 ... 90+) per area
DSR_POPULATION = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153, 123, 207]
DSR_BIG = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91]  # rows 2-20, 895 events
DSR_SMALL = [12, 4, 3, 2, 3, 4, 8, 2, 2, 3, 4, 5, 6, 8, 5, 6, 5, 5, 4]  # rows 21-39, 91 events
DSR_TINY = [0, 0, None, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3]  # rows 40-58, 9 events, one count missing


@pytest.mark.parametrize(
    ("counts", "value", "low95", "up95", "low998", "up998"),
    [
        # sheet testresults_DSR row 6 (testdata_big) and row 7 (testdata_small), dsr per 100000, stdpop esp2013
        (DSR_BIG, 10430.247991469423, 9717.709067985681, 11178.94091547925, 9323.2878802199029, 11620.595999522058),
        (DSR_SMALL, 1103.212025300104, 877.455767536709, 1367.0882227251795, 763.64203579398793, 1530.0328948244762),
    ],
)  # fmt: skip
def test_dobson_dsr_equals_calculate_dsr(
    counts: list[int], value: float, low95: float, up95: float, low998: float, up998: float
) -> None:
    assert_interval(dobson_dsr_interval(counts, DSR_POPULATION, ESP2013), value, low95, up95)
    assert_interval(dobson_dsr_interval(counts, DSR_POPULATION, ESP2013, 0.998), value, low998, up998)
    # testresults_DSR rows 2-3: the same per 10,000
    per_10000 = dobson_dsr_interval(counts, DSR_POPULATION, multiplier=10_000)
    assert per_10000.value == pytest.approx(value / 10, rel=SAME)


def test_dobson_dsr_below_ten_events_is_not_published() -> None:
    # testresults_DSR row 8: testdata_tiny (9 events) gives NA and "dsr NA for total count < 10"
    result = dobson_dsr_interval(DSR_TINY, DSR_POPULATION, ESP2013, 0.998)
    assert (result.value, result.lower, result.upper) == (None, None, None)
    assert "fewer than 10 events" in result.note


def test_dobson_dsr_with_another_standard() -> None:
    # sheet testdata_1976 (18 bands to 85+, the 1976 European Standard Population) and testresults_DSR row 9
    counts = DSR_BIG[:17] + [82]
    population = DSR_POPULATION[:17] + [123]
    esp1976 = [8000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 6000, 5000, 4000, 3000, 2000, 1000,
               1000]  # fmt: skip
    assert_interval(
        dobson_dsr_interval(counts, population, esp1976), 8592.0975850223658, 7991.160931442103, 9225.2538803183179
    )


def test_dobson_dsr_worked_by_hand() -> None:
    # Two bands, 10 events in 1,000 people (standard 600) and 20 in 500 (standard 400):
    # DSR = (10/1000 x 600 + 20/500 x 400) / 1000 = (6 + 16) / 1000 = 0.022, i.e. 2,200 per 100,000
    # var = (10 x (600/1000)^2 + 20 x (400/500)^2) / 1000^2 = (3.6 + 12.8) / 1e6 = 1.64e-5
    # Byar's for 30 events at 95%: 30(1 - 1/270 - 0.1192796)^3 = 20.23694, 31(1 - 1/279 + 0.1173400)^3 = 42.82837
    # limits = DSR + sqrt(var / 30) x (Byar's limit - 30) x 100,000
    result = dobson_dsr_interval([10, 20], [1000, 500], [600, 400])
    assert result.value == pytest.approx(2200, rel=SAME)
    root = math.sqrt(1.64e-5 / 30) * 100_000
    assert result.lower == pytest.approx(2200 + root * (20.23694 - 30), rel=1e-6)
    assert result.upper == pytest.approx(2200 + root * (42.82837 - 30), rel=1e-6)


def test_dobson_dsr_refuses_mismatched_or_empty_bands() -> None:
    with pytest.raises(StatisticsInputError, match="19 bands for ESP2013"):
        dobson_dsr_interval(DSR_BIG[:18], DSR_POPULATION[:18])
    with pytest.raises(StatisticsInputError, match="population is missing or zero"):
        dobson_dsr_interval(DSR_BIG, [0, *DSR_POPULATION[1:]])
    with pytest.raises(StatisticsInputError, match="negative"):
        dobson_dsr_interval([-1, *DSR_BIG[1:]], DSR_POPULATION)
