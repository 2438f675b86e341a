"""The join report: the answer in one sentence, then every mismatch, as log lines, JSON and HTML.

Analysts must be able to show a colleague exactly which areas have no value and why,
so nothing is summarised away: every unmatched code is listed (the HTML shows the
first few hundred and the JSON has them all).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from .indicator_join import JoinPlan
from .indicator_table import IndicatorTable
from .indicator_values import EMPTY

_HTML_LIST_LIMIT = 500
_LOG_LIST_LIMIT = 20


@dataclass
class JoinReport:
    """Everything the user should know about one join."""

    table_source: str
    boundary_layer: str
    boundary_field: str
    output: str
    plan: JoinPlan
    table: IndicatorTable
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (output name, original name, kind)

    @property
    def headline(self) -> str:
        """The answer first, in plain words."""
        plan = self.plan
        geography = plan.boundary_geography or "boundary"
        total = plan.matched_count + len(plan.unmatched_boundaries)
        if not plan.unmatched_boundaries:
            return f"All {total:,} {geography} areas of '{self.boundary_layer}' matched a row of {self.table_source}."
        return (
            f"{plan.matched_count:,} of {total:,} {geography} areas of '{self.boundary_layer}' matched a row of "
            f"{self.table_source}; {len(plan.unmatched_boundaries):,} have no row and get empty values."
        )

    def column_nulls(self) -> list[dict]:
        """Per joined column: type, suppressed markers, empty cells and unparseable values."""
        summary = []
        for column, (name, _, kind) in zip(self.table.columns, self.fields):
            summary.append({
                "column": column.name, "field": name, "type": kind,
                "suppressed": {marker: count for marker, count in column.nulls.items() if marker != EMPTY},
                "empty": column.nulls.get(EMPTY, 0),
                "unparseable": [{"row": row, "value": text} for row, text in column.unparseable],
            })  # fmt: skip
        return summary

    def to_dict(self) -> dict:
        """The full report as JSON-ready data."""
        plan = self.plan
        return {
            "headline": self.headline,
            "table": self.table_source,
            "table_layout": self.table.layout,
            "table_code_column": self.table.code_column,
            "boundaries": self.boundary_layer,
            "boundary_code_field": self.boundary_field,
            "output": self.output,
            "boundary_features": plan.boundary_count,
            "matched": plan.matched_count,
            "unmatched_boundaries": plan.unmatched_boundaries,
            "unmatched_rows": [{"row": row, "code": code} for row, code in plan.unmatched_rows],
            "other_geography_rows": [{"row": r, "code": c, "geography": g} for r, c, g in plan.other_geography_rows],
            "rows_without_code": self.table.rows_without_code,
            "duplicates": {"policy": plan.duplicate_policy, "codes": plan.duplicates},
            "diagnosis": plan.diagnosis,
            "conversion": plan.conversion,
            "notes": self.table.notes,
            "columns": self.column_nulls(),
            "metadata": {name: vars(item) for name, item in self.table.metadata.items()},
        }

    def log_lines(self) -> list[str]:
        """Short lines for the Processing log."""
        plan = self.plan
        lines = [self.headline, *plan.diagnosis, *plan.conversion, *self.table.notes]
        if plan.unmatched_boundaries:
            lines.append(f"Boundary codes with no row: {_shortlist(plan.unmatched_boundaries)}")
        if plan.unmatched_rows:
            codes = [code for _, code in plan.unmatched_rows]
            national = len(codes) > 10 * max(plan.boundary_count, 1)
            outside = " (areas outside these boundaries, as expected for a national table)" if national else ""
            lines.append(f"{len(codes):,} table rows with no boundary{outside}: {_shortlist(codes)}")
        if plan.duplicates:
            lines.append(
                f"{len(plan.duplicates):,} codes on more than one row, combined by '{plan.duplicate_policy}': "
                f"{_shortlist(list(plan.duplicates))}"
            )
        if self.table.rows_without_code:
            lines.append(f"Rows without a code (ignored): {_shortlist([str(r) for r in self.table.rows_without_code])}")
        for column in self.column_nulls():
            suppressed = sum(column["suppressed"].values())
            if suppressed or column["empty"] or column["unparseable"]:
                bad = ", ".join(f"row {item['row']} '{item['value']}'" for item in column["unparseable"][:5])
                lines.append(
                    f"'{column['column']}': {suppressed:,} suppressed "
                    f"({', '.join(f'{m} x{n}' for m, n in column['suppressed'].items()) or 'none'}), "
                    f"{column['empty']:,} empty, {len(column['unparseable']):,} unreadable{': ' + bad if bad else ''}"
                    " - all NULL in the output."
                )
        return lines

    def write_json(self, path: Path) -> Path:
        """Write the report as JSON (UTF-8)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        return Path(path)

    def write_html(self, path: Path) -> Path:
        """Write the report as a self-contained HTML page."""
        Path(path).write_text(self.to_html(), encoding="utf-8")
        return Path(path)

    def to_html(self) -> str:
        """A readable page: headline, diagnosis, counts, then each list in full."""
        plan = self.plan
        esc = html.escape
        parts = [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>LIS join report</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#222}"
            "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}"
            "th{background:#eef} .warn{color:#8a3b00} code{background:#f4f4f4}</style></head><body>",
            "<h1>Join report</h1>",
            f"<p class='headline'><strong>{esc(self.headline)}</strong></p>",
        ]
        if plan.diagnosis or plan.conversion or self.table.notes:
            parts.append("<h2>What the codes say</h2><ul>")
            parts += [f"<li>{esc(line)}</li>" for line in [*plan.diagnosis, *plan.conversion, *self.table.notes]]
            parts.append("</ul>")
        parts.append("<h2>Counts</h2><table>")
        rows = [
            ("Table", self.table_source),
            ("Table layout", self.table.layout),
            ("Code column in the table", self.table.code_column),
            ("Boundary layer", self.boundary_layer),
            ("Code field of the boundaries", self.boundary_field),
            ("Output", self.output),
            ("Boundary features", f"{plan.boundary_count:,}"),
            ("Boundary codes matched", f"{plan.matched_count:,}"),
            ("Boundary codes with no row", f"{len(plan.unmatched_boundaries):,}"),
            ("Table rows with no boundary", f"{len(plan.unmatched_rows):,}"),
            ("Rows of other geographies", f"{len(plan.other_geography_rows):,}"),
            ("Duplicate codes", f"{len(plan.duplicates):,} (policy: {plan.duplicate_policy})"),
            ("Rows without a code", f"{len(self.table.rows_without_code):,}"),
        ]
        parts += [f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in rows]
        parts.append("</table>")
        parts.append("<h2>Fields added</h2><table><tr><th>Field</th><th>Original column</th><th>Type</th>"
                     "<th>Suppressed</th><th>Empty</th><th>Unreadable</th><th>Period</th><th>Unit</th>"
                     "<th>Polarity</th></tr>")  # fmt: skip
        for column in self.column_nulls():
            meta = self.table.metadata.get(column["column"])
            suppressed = ", ".join(f"{esc(m)} &times;{n}" for m, n in column["suppressed"].items()) or "0"
            unreadable = ", ".join(f"row {i['row']}: {esc(i['value'])}" for i in column["unparseable"]) or "0"
            parts.append(
                f"<tr><td><code>{esc(column['field'])}</code></td><td>{esc(column['column'])}</td>"
                f"<td>{esc(column['type'])}</td><td>{suppressed}</td><td>{column['empty']}</td><td>{unreadable}</td>"
                f"<td>{esc(meta.period if meta else '')}</td><td>{esc(meta.unit if meta else '')}</td>"
                f"<td>{esc(meta.polarity if meta else '')}</td></tr>"
            )
        parts.append("</table>")
        parts += _html_list("Boundary codes with no row", plan.unmatched_boundaries)
        parts += _html_list("Table rows with no boundary", [f"{code} (row {row})" for row, code in plan.unmatched_rows])
        other = [f"{code}: {kind} (row {row})" for row, code, kind in plan.other_geography_rows]
        parts += _html_list("Rows of other geographies", other)
        parts += _html_list(
            f"Duplicate codes (combined by '{plan.duplicate_policy}')",
            [f"{code}: rows {', '.join(map(str, rows))}" for code, rows in plan.duplicates.items()],
        )
        parts += _html_list("Rows without a code (ignored)", [f"row {row}" for row in self.table.rows_without_code])
        parts.append("</body></html>")
        return "\n".join(parts)


def _shortlist(items: list[str]) -> str:
    shown = ", ".join(items[:_LOG_LIST_LIMIT])
    return f"{shown} ... and {len(items) - _LOG_LIST_LIMIT:,} more" if len(items) > _LOG_LIST_LIMIT else shown


def _html_list(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    esc = html.escape
    shown = items[:_HTML_LIST_LIMIT]
    more = (
        f"<p>... and {len(items) - _HTML_LIST_LIMIT:,} more: the JSON report beside this page lists them all.</p>"
        if len(items) > _HTML_LIST_LIMIT
        else ""
    )
    return [f"<h2>{esc(title)} ({len(items):,})</h2><p>", ", ".join(esc(item) for item in shown), f"</p>{more}"]
