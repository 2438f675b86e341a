"""An area's spine chart as self-contained SVG, stored in the atlas GeoPackage as a ``base64:`` picture source.

One row per indicator. The vertical spine is the district value; the grey band is the
range of the areas' values and the darker band their middle half (quartiles); the dot
is this area, blue when better than the district, red when worse, grey when the
indicator has no polarity; the diamond is England when a national value was given.
Each row is scaled around the district value, so the spine lines up for every indicator,
and turned so that "worse" is always on the left (PHE's spine-chart convention).

When some indicator was compared with England (atlas_statistics), the chart is Fingertips'
spine chart: England is the spine (the district the diamond), the ends of the light band are the
worst and best area, and the dot takes the colour of the area's significance against England
(green better, amber similar, red worse, blues higher/lower, white not compared).

The SVG uses millimetres as user units (its viewBox is the layout item's size), so text
sizes are print sizes whatever the export resolution. No fonts or files are fetched. A layout
picture item shows it through a data-defined source (the field holding ``base64:<svg>``, which
QGIS's SVG cache decodes): no HTML, no web view, nothing outside the GeoPackage.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from html import escape

from .atlas_indicators import IndicatorRow
from .atlas_statistics import NOT_COMPARED, SIGNIFICANCE_COLOURS

FONT = "DejaVu Sans, Segoe UI, Arial, sans-serif"
MARKER_COLOURS = {"better": "#2166ac", "worse": "#d6604d", "same": "#8c8c8c", "": "#8c8c8c"}
RANGE_COLOUR = "#dfe5e8"
#: The recent trend's words are written in these (Fingertips' green, red and blue, darker for text).
TREND_COLOURS = {"better": "#3f7a12", "worse": "#C00000", "no polarity": "#3a3ab8", "no change": "#5f6b70"}
MIDDLE_COLOUR = "#a9b8bf"
_HEADER_MM = 6.0
#: Draws a legend mark centred on (x, y) at a font size: returns SVG.
Mark = Callable[[float, float, float], str]


def _position(value: float, centre: float, half_range: float, direction: int, middle: float, half_mm: float) -> float:
    """x of a value: the centre at ``middle``, ``half_range`` away at the end of the track, worse to the left."""
    return middle + (direction or 1) * (value - centre) / half_range * half_mm


def _fit(text: str, width_mm: float, font_mm: float) -> str:
    """Shorten a label to about what fits in ``width_mm`` (an average glyph is about 0.58 em wide)."""
    limit = max(4, int(width_mm / (0.58 * font_mm)))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def spine_chart_svg(
    rows: Sequence[IndicatorRow],
    area_name: str,
    district_name: str,
    areas_word: str,
    width_mm: float,
    height_mm: float,
) -> str:
    """The spine chart of one area, sized to a ``width_mm`` x ``height_mm`` layout item."""
    width, height = max(width_mm, 60.0), max(height_mm, 20.0)
    count = max(len(rows), 1)
    entries = _legend_entries(rows, area_name, district_name, areas_word, england_centred(rows))
    legend_size = 2.3
    legend_mm = _legend_lines(entries, width, legend_size) * legend_size * 1.7 + 1.5
    row_mm = min(9.0, (height - _HEADER_MM - legend_mm) / count)
    font = min(2.8, max(1.6, row_mm * 0.36))
    label_mm = width * 0.36
    track_start, track_end = label_mm + 3.0, width - 3.0
    middle, half_mm = (track_start + track_end) / 2, (track_end - track_start) / 2 * 0.94
    judged = any(row.indicator.direction for row in rows)
    left_word, right_word = ("worse", "better") if judged else ("lower", "higher")
    national = england_centred(rows)
    spine_name = "England" if national else district_name
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.1f}mm" height="{height:.1f}mm" preserveAspectRatio="xMinYMin meet" font-family="{FONT}" '
        'fill="#222222">',
        f'<text x="{track_start:.2f}" y="{_HEADER_MM - 2:.2f}" font-size="{font * 0.9:.2f}" fill="#5f6b70">'
        f"\u25c0 {left_word}</text>",
        f'<text x="{track_end:.2f}" y="{_HEADER_MM - 2:.2f}" font-size="{font * 0.9:.2f}" fill="#5f6b70" '
        f'text-anchor="end">{right_word} \u25b6</text>',
        f'<text x="{middle:.2f}" y="{_HEADER_MM - 2:.2f}" font-size="{font * 0.9:.2f}" text-anchor="middle" '
        f'font-weight="bold">{escape(spine_name)}</text>',
    ]
    top = _HEADER_MM
    for index, row in enumerate(rows):
        y = top + index * row_mm
        centre_y = y + row_mm / 2
        if index % 2:
            parts.append(f'<rect x="0" y="{y:.2f}" width="{width:.2f}" height="{row_mm:.2f}" fill="#f3f6f7"/>')
        parts.extend(_row_label(row, y, row_mm, label_mm, font, district_name if national else ""))
        parts.extend(_row_marks(row, centre_y, row_mm, middle, half_mm, national))
    bottom = top + count * row_mm
    parts.append(
        f'<line x1="{middle:.2f}" y1="{top - 0.5:.2f}" x2="{middle:.2f}" y2="{bottom + 0.5:.2f}" '
        'stroke="#1d1d1d" stroke-width="0.35"/>'
    )
    parts.extend(_legend(entries, bottom + 1.0, width, min(legend_size, font * 0.9))[0])
    parts.append("</svg>")
    return "\n".join(parts)


def england_centred(rows: Sequence[IndicatorRow]) -> bool:
    """True when some row was compared with England: the spine is then England, as on Fingertips' spine charts."""
    return any(row.significance and row.england is not None for row in rows)


def picture_source(svg: str) -> str:
    """'base64:...': the SVG as a layout picture's source, read from a field (no file to keep beside the project)."""
    return "base64:" + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _row_label(
    row: IndicatorRow, y: float, row_mm: float, label_mm: float, font: float, local_centre: str = ""
) -> list[str]:
    """The indicator's label, and under it which way is better (or that it is not judged).

    ``local_centre``: on a chart centred on England, the district a row without an England value is centred on.
    """
    indicator = row.indicator
    if indicator.direction:
        hint = indicator.polarity
    else:
        hint = f"{indicator.polarity or 'no polarity'}: not judged, lower to the left"
    if local_centre and row.england is None:
        hint = f"no England value: centred on {local_centre}"
    if row.value is None:
        hint = "no value for this area"
    two_lines = row_mm >= font * 2.3
    label_y = y + row_mm / 2 + (-0.15 * font if two_lines else 0.35 * font)
    colour = "#5f6b70"
    if row.trend and row.value is not None:  # the recent trend, in words and in its colour
        hint, colour = f"recent trend: {row.trend}", trend_colour(row.trend)
    parts = []
    if len(row.history) > 1 and row.value is not None:  # the small trend chart, at the end of the label column
        spark_mm = min(14.0, label_mm * 0.3)
        label_mm -= spark_mm + 1.0
        parts.extend(_sparkline(row, label_mm + 1.0, y + row_mm * 0.15, spark_mm, row_mm * 0.7, colour))
    parts.append(
        f'<text x="1.0" y="{label_y:.2f}" font-size="{font:.2f}">{escape(_fit(indicator.label, label_mm, font))}</text>'
    )
    if two_lines:
        small = font * 0.78
        parts.append(
            f'<text x="1.0" y="{label_y + font * 1.05:.2f}" font-size="{small:.2f}" fill="{colour}">'
            f"{escape(_fit(hint, label_mm, small))}</text>"
        )
    return parts


def _sparkline(row: IndicatorRow, x: float, y: float, width: float, height: float, colour: str) -> list[str]:
    """The area's values over its periods as a small line (oldest on the left), the period shown as a dot.

    Scaled to the row's own lowest and highest value, so it shows the shape of the series, not its size: the
    figures are in the table. The line takes the trend's colour when a recent trend was calculated.
    """
    values = [value for _, value in row.history]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = [(x + index * step, y + height - (value - low) / span * height) for index, value in enumerate(values)]
    if high == low:
        points = [(px, y + height / 2) for px, _ in points]
    title = escape(f"{row.history[0][0]} to {row.history[-1][0]}")
    line = " ".join(f"{px:.2f},{py:.2f}" for px, py in points)
    return [
        f'<g class="trend-chart"><title>{title}</title>',
        f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="0.35" stroke-linejoin="round"/>',
        f'<circle cx="{points[-1][0]:.2f}" cy="{points[-1][1]:.2f}" r="0.6" fill="{colour}"/>',
        "</g>",
    ]


def trend_colour(trend: str) -> str:
    """Fingertips' trend colours, darkened to be read as text: green getting better, red getting worse, blue
    rising or falling without a polarity, grey no significant change or not calculated."""
    if trend.endswith("getting better"):
        return TREND_COLOURS["better"]
    if trend.endswith("getting worse"):
        return TREND_COLOURS["worse"]
    if trend in ("increasing", "decreasing"):
        return TREND_COLOURS["no polarity"]
    return TREND_COLOURS["no change"]


def _row_marks(
    row: IndicatorRow, centre_y: float, row_mm: float, middle: float, half_mm: float, national: bool = False
) -> list[str]:
    """Range band, middle-half band, the other comparator's diamond and the area's dot of one row.

    ``national``: England is the spine and the district the diamond (Fingertips); else the reverse.
    """
    spread, direction = row.spread, row.indicator.direction
    known = [value for value in (row.value, row.district, row.england) if value is not None]
    if spread is not None:
        known += [spread.minimum, spread.maximum]
    if not known:
        return []
    spine, diamond = (row.england, row.district) if national else (row.district, row.england)
    if spine is None and national:  # no England value for this row: centred on the district, as without England
        spine, diamond = row.district, None
    centre = spine if spine is not None else (spread.minimum + spread.maximum) / 2 if spread else 0.0
    half_range = max(abs(value - centre) for value in known) or 1.0

    def x(value: float) -> float:
        return _position(value, centre, half_range, direction, middle, half_mm)

    band = row_mm * 0.42
    parts = []
    if spread is not None:
        for low, high, colour in (
            (spread.minimum, spread.maximum, RANGE_COLOUR),
            (spread.lower_quartile, spread.upper_quartile, MIDDLE_COLOUR),
        ):
            left, right = sorted((x(low), x(high)))
            parts.append(
                f'<rect x="{left:.2f}" y="{centre_y - band / 2:.2f}" width="{max(right - left, 0.3):.2f}" '
                f'height="{band:.2f}" fill="{colour}"/>'
            )
    if diamond is not None:
        size = min(band * 0.62, 1.9)
        ex = x(diamond)
        parts.append(
            f'<polygon points="{ex:.2f},{centre_y - size:.2f} {ex + size:.2f},{centre_y:.2f} {ex:.2f},'
            f'{centre_y + size:.2f} {ex - size:.2f},{centre_y:.2f}" fill="#ffffff" stroke="#1d1d1d" '
            'stroke-width="0.3"/>'
        )
    if row.value is not None:
        radius = min(band * 0.62, 2.1)
        fill, stroke = dot_colours(row, national)
        parts.append(
            f'<circle cx="{x(row.value):.2f}" cy="{centre_y:.2f}" r="{radius:.2f}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="0.3"/>'
        )
    return parts


def dot_colours(row: IndicatorRow, national: bool) -> tuple[str, str]:
    """(fill, outline) of the area's dot: Fingertips' colour of its significance against England, else its verdict."""
    if national and row.significance:
        return SIGNIFICANCE_COLOURS[row.significance], "#595959" if row.significance == NOT_COMPARED else "#ffffff"
    return MARKER_COLOURS.get(row.verdict, "#8c8c8c"), "#ffffff"


def _significance_entries(rows: Sequence[IndicatorRow], area_name: str) -> list[tuple[Mark | None, str]]:
    """The key of a chart centred on England: the Fingertips colours that occur, compared at 95%."""
    shown = {row.significance for row in rows if row.significance}
    words = {
        "better": "significantly better than England", "similar": "similar", "worse": "significantly worse",
        "higher": "significantly higher", "lower": "significantly lower", NOT_COMPARED: "not compared",
    }  # fmt: skip
    entries: list[tuple[Mark | None, str]] = [(None, f"{area_name} (95%):")]
    for word, text in words.items():
        if word in shown:
            entries.append((_dot(SIGNIFICANCE_COLOURS[word], "#595959"), text))
    return entries


def _legend_entries(
    rows: Sequence[IndicatorRow], area_name: str, district_name: str, areas_word: str, national: bool = False
) -> list[tuple[Mark | None, str]]:
    """What each mark is, in reading order; a None mark is a plain word."""
    judged = any(row.indicator.direction for row in rows)
    if national:
        entries = _significance_entries(rows, area_name)
        entries.append((_tick, "England"))
        entries.append((_diamond, district_name))
        ends = "worst to best" if judged else "lowest to highest"
        entries.append((_swatch(RANGE_COLOUR), f"range of {areas_word} ({ends})"))
        entries.append((_swatch(MIDDLE_COLOUR), f"middle half of {areas_word}"))
        return entries
    entries = [(None, f"{area_name}:")]
    if judged:
        entries.append((_dot(MARKER_COLOURS["better"]), f"better than {district_name}"))
        entries.append((_dot(MARKER_COLOURS["worse"]), "worse"))
    entries.append((_dot(MARKER_COLOURS[""]), "not judged" if judged else "its value"))
    entries.append((_tick, district_name))
    if any(row.england is not None for row in rows):
        entries.append((_diamond, "England"))
    entries.append((_swatch(RANGE_COLOUR), f"range of {areas_word}"))
    entries.append((_swatch(MIDDLE_COLOUR), f"middle half of {areas_word}"))
    return entries


def _legend(entries: Sequence[tuple[Mark | None, str]], y: float, width: float, size: float) -> tuple[list[str], int]:
    """The legend's SVG, wrapped onto as many lines as the width needs, and the number of lines."""
    parts, x, line = [], 1.0, 0
    for mark, label in entries:
        label = _fit(label, width * 0.45, size)
        needed = (size * 1.5 if mark is not None else 0) + len(label) * size * 0.58
        if x > 1.0 and x + needed > width:
            x, line = 1.0, line + 1
        centre_y = y + line * size * 1.7 + size * 0.8
        if mark is not None:
            parts.append(mark(x + size * 0.6, centre_y, size))
            x += size * 1.5
        parts.append(
            f'<text x="{x:.2f}" y="{centre_y + size * 0.35:.2f}" font-size="{size:.2f}">{escape(label)}</text>'
        )
        x += len(label) * size * 0.58 + size * 1.6
    return parts, line + 1


def _legend_lines(entries: Sequence[tuple[Mark | None, str]], width: float, size: float) -> int:
    return _legend(entries, 0.0, width, size)[1]


def _dot(colour: str, outline: str = "") -> Mark:
    stroke = f' stroke="{outline}" stroke-width="0.2"' if outline else ""

    def mark(x: float, y: float, size: float) -> str:
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{size * 0.45:.2f}" fill="{colour}"{stroke}/>'

    return mark


def _tick(x: float, y: float, size: float) -> str:
    return (
        f'<line x1="{x:.2f}" y1="{y - size * 0.6:.2f}" x2="{x:.2f}" y2="{y + size * 0.6:.2f}" stroke="#1d1d1d" '
        'stroke-width="0.35"/>'
    )


def _diamond(x: float, y: float, size: float) -> str:
    half = size * 0.45
    return (
        f'<polygon points="{x:.2f},{y - half:.2f} {x + half:.2f},{y:.2f} {x:.2f},{y + half:.2f} {x - half:.2f},'
        f'{y:.2f}" fill="#ffffff" stroke="#1d1d1d" stroke-width="0.3"/>'
    )


def _swatch(colour: str) -> Mark:
    def mark(x: float, y: float, size: float) -> str:
        return (
            f'<rect x="{x - size * 0.55:.2f}" y="{y - size * 0.3:.2f}" width="{size * 1.1:.2f}" '
            f'height="{size * 0.6:.2f}" fill="{colour}"/>'
        )

    return mark
