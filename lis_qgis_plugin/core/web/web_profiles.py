"""What a web report says about each area: the print profile's statistics, for every stored period.

The rows of an area's profile are made exactly as an atlas page's (core.atlas.atlas_pages): page_rows, then
the store's published limits, counts and recent trend (with_published_figures), then significance against
England (with_statistics) and the plain-words headline, at each indicator's latest period. So the web page
and the printed page say the same. The district comparator is its areas' counts pooled over their
denominators, with limits, where the store has every area's count and denominator (pooled_district);
a count is summed; anything else is the plain mean of the areas, and the report says which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from qgis.core import QgsFeedback

from ..atlas.atlas_indicators import (
    AtlasIndicator,
    IndicatorRow,
    Spread,
    comparators,
    district_method,
    district_value,
    page_rows,
)
from ..atlas.atlas_measures import MEAN, POOLED, SUM
from ..atlas.atlas_statistics import NOT_COMPARED, headline, significance_text, with_statistics
from ..atlas.atlas_trends import PeriodFigures, pooled_district, with_published_figures
from ..common.progress import report_progress


@dataclass(frozen=True)
class WebIndicator:
    """An indicator of the report: as the atlas sees it at its latest period, with every period it has."""

    indicator: AtlasIndicator
    periods: tuple[str, ...]
    #: Area code -> its figures, oldest first.
    series: Mapping[str, Sequence[PeriodFigures]]
    #: England's figures by period.
    england: Mapping[str, float]


def figures_list(item: PeriodFigures) -> list[float | None]:
    """[value, lower95, upper95, lower998, upper998, count, denominator], as stored."""
    return [item.value, item.lower, item.upper, item.lower998, item.upper998, item.count, item.denominator]


def district_at(web: WebIndicator, period: str, codes: Sequence[str], area_word: str) -> dict[str, object]:
    """The district's and England's figures of one period: pooled with limits where the counts allow."""
    at_period = replace(web.indicator, period=period)
    pooled = pooled_district([at_period], {web.indicator.field: web.series}, codes)
    if web.indicator.field in pooled:
        value, limits = pooled[web.indicator.field]
        district: list[float | None] | None = [value, *(limits or (None, None))]
        method = POOLED
    else:
        column = [next((item.value for item in web.series.get(code, ()) if item.period == period), None)
                  for code in codes]  # fmt: skip
        method = SUM if web.indicator.method == SUM else MEAN
        present = [value for value in column if value is not None]
        total = sum(present) if present else None
        figure = total if method == SUM else district_value(column)
        district = None if figure is None else [figure, None, None]
    words = district_method([replace(at_period, method=method)], len(codes), area_word, False)
    return {"district": district, "districtMethod": words, "england": web.england.get(period)}


def latest_values(webs: Sequence[WebIndicator], code: str) -> dict[str, float | None]:
    """Indicator field -> the area's value at the indicator's latest period."""
    values: dict[str, float | None] = {}
    for web in webs:
        items = web.series.get(code, ())
        values[web.indicator.field] = next((item.value for item in items if item.period == web.indicator.period), None)
    return values


def spread_dict(spread: Spread | None) -> dict[str, float] | None:
    """The spine chart's band: {'min', 'lq', 'uq', 'max'}."""
    if spread is None:
        return None
    quartiles = (float(f"{value:.12g}") for value in (spread.lower_quartile, spread.upper_quartile))  # 93.3, not
    return {"min": spread.minimum, **dict(zip(("lq", "uq"), quartiles)), "max": spread.maximum}  # 93.300000000001


def row_dict(row: IndicatorRow) -> dict[str, object]:
    """One profile row as the browser shows it. A field with nothing to say ('', [], or 'not compared', what the
    browser assumes) is left out: the size budget, as most rows of a district's IoD columns have only their spread."""
    row_fields = {
        "significance": row.significance,
        "significance998": row.significance_998,
        "flag": significance_text(row),
        "trend": row.trend,
        "trendPeriods": list(row.trend_periods),
        "spread": spread_dict(row.spread),
    }
    return {name: value for name, value in row_fields.items() if value not in ("", [], None, NOT_COMPARED)}


def latest_pooled(
    webs: Sequence[WebIndicator], codes: Sequence[str]
) -> dict[str, tuple[float, tuple[float, float] | None]]:
    """Indicator field -> the district's pooled value and limits at the latest period, where the counts allow."""
    return pooled_district([web.indicator for web in webs], {web.indicator.field: web.series for web in webs}, codes)


def latest_indicators(
    webs: Sequence[WebIndicator], pooled: Mapping[str, tuple[float, tuple[float, float] | None]]
) -> list[AtlasIndicator]:
    """The indicators at their latest period, POOLED where the district's value is (as an atlas page's)."""
    return [replace(web.indicator, method=POOLED) if web.indicator.field in pooled else web.indicator for web in webs]


def profiles(
    webs: Sequence[WebIndicator],
    areas: Sequence[tuple[str, str]],
    area_word: str,
    pooled: Mapping[str, tuple[float, tuple[float, float] | None]],
    feedback: QgsFeedback | None = None,
) -> dict[str, dict[str, object]]:
    """Area code -> {'headline', 'rows'}: each area's print profile at the indicators' latest periods.

    ``areas``: (code, name) pairs; ``pooled``: latest_pooled of the areas. Progress 20-90 of the whole export.
    """
    codes = [code for code, _ in areas]
    indicators = latest_indicators(webs, pooled)
    values = {code: latest_values(webs, code) for code in codes}
    england = {web.indicator.field: web.england[web.indicator.period] for web in webs
               if web.indicator.period in web.england}  # fmt: skip
    compared = comparators(
        indicators, [values[code] for code in codes], None, england, area_word,
        published={name: value for name, (value, _) in pooled.items()},
    )  # fmt: skip
    limits = {name: found for name, (_, found) in pooled.items()}
    series = {web.indicator.field: web.series for web in webs}
    result: dict[str, dict[str, object]] = {}
    for number, (code, name) in enumerate(areas):
        report_progress(feedback, 20 + 70 * number / max(len(areas), 1))
        rows = page_rows(indicators, values[code], compared)
        rows = with_published_figures(rows, {field: by_code.get(code, []) for field, by_code in series.items()})
        rows = with_statistics(rows, values[code], limits)
        result[code] = {
            "headline": headline(name, [row for row in rows if row.indicator.method != SUM]),
            "rows": {row.indicator.field: row_dict(row) for row in rows},
        }
    return result
