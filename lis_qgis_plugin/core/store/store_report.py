"""The reports of adding to the store and updating it: the answer in one sentence, then every detail, as HTML.

Like the join's report, nothing is summarised away that a colleague would ask about: each indicator's
periods, new and updated values, suppressed and unreadable cells (by file row), codes that are not ONS
codes; and for an update, each indicator's new periods and revised values with examples.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import LogLine
from ..common.wording import list_labels, plural
from .store_changes import IndicatorChange
from .store_loading import LoadedTable
from .store_values import AddResult

_STYLE = (
    "<style>body{font-family:sans-serif;max-width:64em;margin:1em auto;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}"
    "th{background:#eef} code{background:#f4f4f4}</style>"
)


def _page(title: str, headline: str, body: list[str]) -> str:
    esc = html.escape
    return "\n".join([
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>{_STYLE}</head><body>",
        f"<h1>{esc(title)}</h1>", f"<p class='headline'><strong>{esc(headline)}</strong></p>", *body, "</body></html>",
    ])  # fmt: skip


@dataclass
class AddReport:
    """What one lis:addtostore run put into the store, and what the checks found."""

    store: str
    table: LoadedTable
    results: list[AddResult]

    @property
    def new_rows(self) -> int:
        return sum(result.new_rows for result in self.results)

    @property
    def rows(self) -> int:
        return sum(result.rows for result in self.results)

    @property
    def headline(self) -> str:
        """The answer first: how many indicators and values, new and updated, went where."""
        updated = self.rows - self.new_rows
        return (
            f"{plural('indicator', len(self.results))} from {self.table.source} added to {self.store}: "
            f"{plural('value', self.rows)}, {self.new_rows:,} new and {updated:,} updated."
        )

    def problems(self) -> list[str]:
        """The checks' findings, one line each: suppressed, empty and unreadable cells; odd codes; rows without one."""
        lines = []
        for item in self.table.indicators:
            checks = item.checks
            suppressed = sum(checks.suppressed.values())
            if suppressed or checks.empty or checks.unreadable:
                bad = ", ".join(f"row {row} '{text}'" for row, text in checks.unreadable[:5])
                lines.append(
                    f"'{item.column}': {suppressed:,} suppressed "
                    f"({', '.join(f'{m} x{n}' for m, n in checks.suppressed.items()) or 'none'}), "
                    f"{checks.empty:,} empty, {len(checks.unreadable):,} unreadable{': ' + bad if bad else ''}"
                    " - stored without a value."
                )
        if self.table.not_codes:
            shown = [f"row {row} '{code}'" for row, code in self.table.not_codes]
            lines.append(f"{plural('row', len(shown))} with a code that is not an ONS code: {list_labels(shown, 10)}")
        if self.table.rows_without_code:
            rows = [str(row) for row in self.table.rows_without_code]
            lines.append(f"Rows without a code (not stored): {list_labels(rows, 10)}")
        return lines

    def log_lines(self) -> list[LogLine]:
        """The Processing log: the headline and notes, then the checks' findings as warnings."""
        lines = [LogLine(text) for text in (self.headline, *self.table.notes)]
        return lines + [LogLine(text, warning=True) for text in self.problems()]

    def to_html(self) -> str:
        esc = html.escape
        shared = self.table.indicators[0].entry if self.table.indicators else None
        counts = [
            ("Store", self.store), ("Table", self.table.source), ("Layout", self.table.layout),
            ("Code column", self.table.code_column), ("Geography", self.table.geography or "not told by the codes"),
        ]  # fmt: skip
        if shared is not None:
            counts += [("Boundary vintage", shared.vintage or "not known"), ("Source", shared.source),
                       ("Licence", shared.licence or "not given")]  # fmt: skip
        body = ["<h2>Table</h2><table>"]
        body += [f"<tr><th>{esc(key)}</th><td>{esc(value)}</td></tr>" for key, value in counts]
        body.append("</table>")
        if self.table.notes or self.problems():
            body.append("<h2>What the checks found</h2><ul>")
            body += [f"<li>{esc(line)}</li>" for line in [*self.table.notes, *self.problems()]]
            body.append("</ul>")
        body.append(
            "<h2>Indicators</h2><table><tr><th>Id</th><th>Name</th><th>Periods</th><th>Values</th><th>New</th>"
            "<th>Updated</th><th>Unit</th><th>Polarity</th></tr>"
        )
        for item, result in zip(self.table.indicators, self.results):
            entry = item.entry
            cells = [
                f"<code>{esc(entry.indicator_id)}</code>", esc(entry.name), esc(", ".join(item.periods)),
                f"{result.rows:,}", f"{result.new_rows:,}", f"{result.updated_rows:,}", esc(entry.unit),
                esc(entry.polarity),
            ]  # fmt: skip
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        body.append("</table>")
        return _page("Added to the indicator store", self.headline, body)

    def write_html(self, path: Path) -> Path:
        Path(path).write_text(self.to_html(), encoding="utf-8")
        return Path(path)


@dataclass
class UpdateReport:
    """What one lis:updatestore run changed, indicator by indicator, as read from the store."""

    store: str
    changes: list[IndicatorChange]

    @property
    def changed(self) -> list[IndicatorChange]:
        return [change for change in self.changes if change.changed]

    @property
    def headline(self) -> str:
        revised = sum(len(change.revised) for change in self.changes)
        periods = sum(len(change.new_periods) for change in self.changes)
        return (
            f"{store_count(len(self.changed), len(self.changes))} in {self.store}: "
            f"{plural('new period', periods)}, {plural('revised value', revised)}."
        )

    def log_lines(self) -> list[LogLine]:
        """The Processing log: the headline, then a line per indicator and its examples."""
        lines = [LogLine(self.headline)]
        for change in self.changes:
            lines.append(LogLine(f"{change.indicator_id}: {change.summary()}"))
            lines += [LogLine(f"    {example}") for example in change.examples()]
        return lines

    def to_html(self) -> str:
        esc = html.escape
        body = [
            "<table><tr><th>Id</th><th>Name</th><th>What changed</th><th>New periods</th><th>Revised values</th>"
            "<th>Examples (area, period: old -&gt; new)</th></tr>"
        ]
        for change in self.changes:
            cells = [
                f"<code>{esc(change.indicator_id)}</code>", esc(change.name), esc(change.summary()),
                esc(", ".join(change.new_periods)), f"{len(change.revised):,}",
                "<br>".join(esc(example) for example in change.examples()),
            ]  # fmt: skip
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        body.append("</table>")
        return _page("Indicator store update", self.headline, body)

    def write_html(self, path: Path) -> Path:
        Path(path).write_text(self.to_html(), encoding="utf-8")
        return Path(path)


def store_count(changed: int, total: int) -> str:
    """'2 of 5 indicators changed'."""
    return f"{changed:,} of {plural('indicator', total)} changed"
