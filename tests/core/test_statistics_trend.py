"""Recent trends: Fingertips' chi-squared test for trend on the five most recent counts and denominators, at 99.8%."""

from __future__ import annotations

import pytest

from lis_qgis_plugin.core.statistics.trend import (
    DECREASING,
    INCREASING,
    NO_SIGNIFICANT_CHANGE,
    NOT_CALCULATED,
    chi_squared_for_trend,
    recent_trend,
    recent_trend_from_limits,
)

YEARS = ("2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24")


def series(counts: list[float | None], denominator: float = 10_000) -> list[tuple[str, float | None, float | None]]:
    """(period, count, denominator) points, oldest first, ending with the latest year."""
    return [(period, count, denominator) for period, count in zip(YEARS[-len(counts) :], counts, strict=True)]


def test_statistic_equals_the_textbook_formula_for_a_rising_series() -> None:
    # Emergency admissions 100, 120, 140, 160, 180 in 10,000 people each year, scores t = 1..5:
    # X = 700, N = 50,000, p = X/N = 0.014, T = sum(n t)/N = 3
    # sum(x t) - X T = (100 + 240 + 420 + 640 + 900) - 700 x 3 = 2,300 - 2,100 = 200
    # sum(n t^2) - N T^2 = 10,000 x 55 - 50,000 x 9 = 100,000
    # chi2 = 200^2 / (0.014 x 0.986 x 100,000) = 40,000 / 1,380.4 = 28.97711 (1 df, p = 7.3e-8)
    result = recent_trend(series([100, 120, 140, 160, 180]), "higher is worse")
    assert result.statistic == pytest.approx(40_000 / (0.014 * 0.986 * 100_000), rel=1e-12)
    assert result.statistic == pytest.approx(28.97711, rel=1e-6)
    assert result.p_value == pytest.approx(7.32387e-8, rel=1e-5)
    assert result.label == INCREASING
    assert result.direction_word == "increasing and getting worse"
    assert result.periods_used == YEARS[-5:]
    assert result.note == ""


def test_chi_squared_for_trend_equals_r_prop_trend_test() -> None:
    # R's documented example, ?prop.trend.test (package stats): smokers <- c(83, 90, 129, 70);
    # patients <- c(86, 93, 136, 82); prop.trend.test(smokers, patients) gives X-squared = 8.2249, p-value = 0.004132
    statistic, sign = chi_squared_for_trend([83, 90, 129, 70], [86, 93, 136, 82])
    assert statistic == pytest.approx(8.2249, rel=1e-5)
    assert sign == -1  # the share of smokers falls across the groups


def test_a_flat_noisy_series_has_no_significant_change() -> None:
    result = recent_trend(series([150, 138, 161, 144, 156]), "higher is worse")
    assert result.label == NO_SIGNIFICANT_CHANGE == result.direction_word
    assert result.statistic == pytest.approx(0.2195777, rel=1e-6)
    assert result.p_value is not None and result.p_value > 0.5


def test_significant_at_95_but_not_at_998_is_no_significant_change() -> None:
    # chi2 = 4.40 (p = 0.036) would be a trend at 95%; Fingertips' recent trend asks for 99.8% (p < 0.002)
    result = recent_trend(series([150, 160, 165, 175, 185]))
    assert result.statistic == pytest.approx(4.399824, rel=1e-6)
    assert result.p_value is not None and 0.002 < result.p_value < 0.05
    assert result.label == NO_SIGNIFICANT_CHANGE


def test_a_falling_series_with_polarity() -> None:
    falling = series([300, 270, 240, 210, 180])
    assert recent_trend(falling).label == DECREASING
    assert recent_trend(falling).direction_word == DECREASING
    assert recent_trend(falling, "higher is worse").direction_word == "decreasing and getting better"
    assert recent_trend(falling, "higher is better").direction_word == "decreasing and getting worse"
    assert recent_trend(series([180, 210, 240, 270, 300]), "higher is better").direction_word == (
        "increasing and getting better"
    )


def test_only_the_five_most_recent_points_count() -> None:
    # A high start in 2017/18 and 2018/19 is dropped: the last five rise steadily
    result = recent_trend(series([900, 800, 100, 120, 140, 160, 180]))
    assert result.periods_used == YEARS[2:]
    assert result.statistic == pytest.approx(28.97711, rel=1e-6)
    assert result.label == INCREASING


def test_four_points_or_a_missing_count_could_not_be_calculated() -> None:
    four = recent_trend(series([100, 120, 140, 160]), "higher is worse")
    assert (four.label, four.direction_word, four.statistic, four.p_value) == (
        NOT_CALCULATED,
        NOT_CALCULATED,
        None,
        None,
    )
    assert four.note == "4 periods: a recent trend needs 5" and four.periods_used == YEARS[-4:]
    gap = recent_trend(series([100, 120, None, 160, 180]))
    assert gap.label == NOT_CALCULATED and gap.note == "2021/22: the count or denominator is missing"
    above = recent_trend([*series([100, 120, 140, 160]), ("2024/25", 20_000, 10_000)])
    assert above.label == NOT_CALCULATED
    assert above.note == "2024/25: 20000 in 10000: a recent trend needs some events, and fewer than all"
    none = recent_trend(series([0, 0, 0, 0, 0]))
    assert none.label == NOT_CALCULATED and none.statistic is None


# Fingertips' own tests: github.com/ukhsa-collaboration/fingertips-open,
# PholioVisualisationWS/AnalysisTest/TrendMarkerCalculatorTest.cs


def test_equals_fingertips_trend_marker_test_for_proportions() -> None:
    # GetTrendDataForProportion_Set1 (2014-2018: 994/40299, 1023/41527, 1199/42811, 1332/44064, 1367/44701);
    # TestIsSignificantForProportionsReturnsTrue: significant, Math.Round(ChiSquare, 2) == 47.9
    points = [
        ("2014", 994, 40299),
        ("2015", 1023, 41527),
        ("2016", 1199, 42811),
        ("2017", 1332, 44064),
        ("2018", 1367, 44701),
    ]
    result = recent_trend(points, "higher is worse")
    assert round(result.statistic or 0, 2) == 47.9
    assert result.statistic == pytest.approx(47.89668, rel=1e-6)
    assert result.direction_word == "increasing and getting worse"


def test_equals_fingertips_trend_marker_test_when_a_count_equals_its_denominator() -> None:
    # GetTrendDataForProportion_Set2: 5 of 5 in 2012; TestIsSignificantForProportionsCannotBeCalculated
    points = [("2012", 5, 5), ("2013", 3, 5), ("2014", 1, 5), ("2015", 1, 4), ("2016", 2, 4)]
    result = recent_trend(points)
    assert (result.label, result.statistic) == (NOT_CALCULATED, None)
    assert result.note == "2012: 5 in 5: a recent trend needs some events, and fewer than all"


def test_a_trend_made_by_one_year_is_no_significant_change() -> None:
    # 110, 100, 100, 95 then 200: chi2 = 25.6 is far above 9.55, but without the last year the log odds fall,
    # so Fingertips' leave-one-out check (NoOutliersCheckForProportion) finds no trend
    result = recent_trend(series([110, 100, 100, 95, 200]))
    assert result.statistic == pytest.approx(25.61992, rel=1e-6)
    assert result.label == NO_SIGNIFICANT_CHANGE and result.note == "the trend rests on one point"


def test_from_limits_equals_fingertips_trend_marker_test() -> None:
    # GetTrendData_Set1 (value, LowerCI95, UpperCI95 for 2014-2018); TestIsSignificantReturnsTrue:
    # significant, Math.Round(ChiSquare, 2) == 46.77
    points = [
        ("2014", 24.67, 23.16, 26.25),
        ("2015", 24.6, 23.15, 26.19),
        ("2016", 28.0, 26.44, 29.64),
        ("2017", 30.2, 28.63, 31.9),
        ("2018", 30.6, 28.98, 32.25),
    ]
    result = recent_trend_from_limits(points, "higher is better")
    assert round(result.statistic or 0, 2) == 46.77
    assert result.direction_word == "increasing and getting better"
    # GetTrendData_Set2; TestIsSignificantReturnsFalse
    flat = [
        ("2014", 20.5506, 18.1803, 23.1427),
        ("2015", 19.5952, 17.3444, 22.0602),
        ("2016", 19.0349, 16.8421, 21.4394),
        ("2017", 21.3966, 19.0918, 23.8975),
        ("2018", 18.4372, 16.2925, 20.7941),
    ]
    assert recent_trend_from_limits(flat).label == NO_SIGNIFICANT_CHANGE


def test_from_limits_worked_by_hand() -> None:
    # Values 10, 11, 12, 13, 14, each with 95% limits +/- 1.96 (se = 3.92 / 3.92 = 1, weight 1):
    # ordinary least squares, slope = 1, its se = sqrt(5 / (5 x 55 - 15^2)) = sqrt(0.1); chi2 = 1 / 0.1 = 10 > 9.5495
    rising = [(YEARS[i], 10.0 + i, 8.04 + i, 11.96 + i) for i in range(5)]
    result = recent_trend_from_limits(rising)
    assert result.statistic == pytest.approx(10.0, rel=1e-9)
    assert result.label == INCREASING
    # the same with limits +/- 2.94 (se 1.5): chi2 = 10 / 1.5^2 = 4.44, no significant change
    wider = [(YEARS[i], 10.0 + i, 7.06 + i, 12.94 + i) for i in range(5)]
    assert recent_trend_from_limits(wider).statistic == pytest.approx(10 / 2.25, rel=1e-9)
    assert recent_trend_from_limits(wider).label == NO_SIGNIFICANT_CHANGE
    missing = recent_trend_from_limits([*rising[:4], ("2023/24", 14.0, None, 16.0)])
    assert missing.label == NOT_CALCULATED and missing.note == "2023/24: the value or a 95% limit is missing"
    assert recent_trend_from_limits(rising[:4]).label == NOT_CALCULATED
