"""Sortable keys for the period labels statistics are published with, so "latest" means the newest period.

The key is the period's last month, then its first month, as ``YYYY-MM/YYYY-MM``: text that sorts in time
order. A period that ends later is newer; of two ending in the same month, the one that started later
(the shorter one) sorts last. The labels read, with their months:

- ``2019``: a calendar year, Jan-Dec 2019;
- ``2019/20`` (or ``2019/2020``): a financial year, Apr 2019-Mar 2020;
- ``2017 - 19`` (spaced) or ``2017-2019``: calendar years 2017 to 2019, Fingertips' pooled years;
- ``2016/17 - 18/19``: financial years Apr 2016 to Mar 2019;
- ``2021 Q3``: a calendar quarter, Jul-Sep 2021; ``2021/22 Q3``: a financial quarter, Oct-Dec 2021;
- ``Jan 2024``, ``January 2024`` or ``2024-01`` (unspaced, two digits): one month.

Any other label is refused with a PeriodError naming it, rather than sorted by guesswork.
"""

from __future__ import annotations

import re

from ..common.errors import LisError

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")
#: Pooled years: "2017 - 19" (spaced, as Fingertips writes) or "2017-2019"; "2017-12" unspaced is a month.
_YEAR_RANGE = re.compile(r"^(\d{4})(?:\s+-\s+(\d{2}|\d{4})|-(\d{4}))$")
_FINANCIAL_RANGE = re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{2})/(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})(?:/(\d{2}|\d{4}))?\s+Q([1-4])$", re.IGNORECASE)
_NAMED_MONTH = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_NUMBERED_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

#: (year, month) pairs: a period's first and last month.
Month = tuple[int, int]


class PeriodError(LisError):
    """A period label the store cannot place in time; the message names it and the forms it reads."""


def period_key(period: str) -> str:
    """The sortable key of a period label (see the module's rule), or PeriodError."""
    first, last = period_months(period)
    return f"{last[0]:04d}-{last[1]:02d}/{first[0]:04d}-{first[1]:02d}"


def period_months(period: str) -> tuple[Month, Month]:
    """The first and last month of a period label."""
    label = " ".join(str(period).split())
    for reader in (_years, _quarter, _month):
        months = reader(label)
        if months is not None:
            return months
    raise PeriodError(
        f'the period "{period}" is not a form LIS can sort. Write it as 2019, 2019/20, 2017 - 19, '
        "2016/17 - 18/19, 2021 Q3, 2021/22 Q3, Jan 2024 or 2024-01."
    )


def _following_year(start: int, end_text: str, label: str) -> int:
    """The end year of '2019/20' or '2017 - 19' written with two digits or four."""
    end = int(end_text) if len(end_text) == 4 else start - start % 100 + int(end_text)
    if len(end_text) == 2 and end < start:
        end += 100  # 1999/00
    if end < start:
        raise PeriodError(f'the period "{label}" ends before it starts. Check the years.')
    return end


def _years(label: str) -> tuple[Month, Month] | None:
    """Calendar and financial years, single or pooled."""
    if match := _YEAR.match(label):
        year = int(match[1])
        return (year, 1), (year, 12)
    if match := _FINANCIAL_YEAR.match(label):
        start = int(match[1])
        end = _following_year(start, match[2], label)
        if end != start + 1:
            raise PeriodError(
                f'the period "{label}" is not one financial year. Write it as {start}/{(start + 1) % 100:02d}.'
            )
        return (start, 4), (end, 3)
    if match := _YEAR_RANGE.match(label):
        start = int(match[1])
        return (start, 1), (_following_year(start, match[2] or match[3], label), 12)
    if match := _FINANCIAL_RANGE.match(label):
        start = int(match[1])
        last_start = _following_year(start, match[3], label)
        return (start, 4), (last_start + 1, 3)
    return None


def _quarter(label: str) -> tuple[Month, Month] | None:
    """Calendar quarters (2021 Q3) and financial quarters (2021/22 Q3, Q1 being Apr-Jun)."""
    match = _QUARTER.match(label)
    if match is None:
        return None
    year, quarter = int(match[1]), int(match[3])
    first_month = 3 * quarter - 2
    if match[2] is not None:
        first_month += 3
        if first_month > 12:
            year, first_month = year + 1, first_month - 12
    return (year, first_month), (year, first_month + 2)


def _month(label: str) -> tuple[Month, Month] | None:
    """One month: 'Jan 2024', 'January 2024' or '2024-01'."""
    if match := _NAMED_MONTH.match(label):
        month = _MONTHS.get(match[1].lower())
        if month is None:
            return None
        year = int(match[2])
    elif match := _NUMBERED_MONTH.match(label):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
    else:
        return None
    return (year, month), (year, month)
