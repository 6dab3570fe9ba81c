"""Working days in mainland China, from the maintained ``chinesecalendar`` package.

The package follows the State Council's yearly holiday notice, make-up working days
included. A year it does not cover yet is counted Monday to Friday and flagged, so the
build can say that the figure is an estimate instead of failing.

Any two dates are safe: days are looked up one by one only inside the years the calendar
covers (a few thousand at most); every other year is counted with arithmetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

import chinese_calendar


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    days: int
    uncovered_years: tuple[int, ...]
    """Years the calendar data does not cover; those days were counted Monday to Friday."""


@lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, calendar data covers this day)."""
    if not year_is_covered(day.year):
        return day.weekday() < 5, False
    return bool(chinese_calendar.is_workday(day)), True


def year_is_covered(year: int) -> bool:
    first, last = covered_years()
    return first <= year <= last


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """First and last year of the calendar data (the package raises outside them)."""
    years = []
    for year in range(1990, 2200):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 30))
        except NotImplementedError:
            continue
        years.append(year)
    return (years[0], years[-1]) if years else (0, -1)


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` to ``end``, both included, in constant time."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)


def _calendar_workdays(start: dt.date, end: dt.date) -> int:
    """Working days by the calendar data, for a span inside one covered year."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return _whole_year_workdays(start.year)
    days = 0
    current = start
    while True:
        days += is_workday(current)[0]
        if current >= end:
            return days
        current += dt.timedelta(days=1)


@cache
def _whole_year_workdays(year: int) -> int:
    first, days = dt.date(year, 1, 1), (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    return sum(bool(chinese_calendar.is_workday(first + dt.timedelta(days=n))) for n in range(days))


def count_workdays(start: dt.date, end: dt.date) -> WorkdayCount:
    """Working days from ``start`` to ``end``, both included."""
    if end < start:
        return WorkdayCount(0, ())
    first_covered, last_covered = covered_years()
    if start.year == end.year and first_covered <= start.year <= last_covered:
        return WorkdayCount(_calendar_workdays(start, end), ())  # the usual notice: a week or two
    days = weekdays_between(start, end)
    for year in range(max(start.year, first_covered), min(end.year, last_covered) + 1):
        first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        days += _calendar_workdays(first, last) - weekdays_between(first, last)
    before = range(start.year, min(end.year, first_covered - 1) + 1)
    after = range(max(start.year, last_covered + 1), end.year + 1)
    return WorkdayCount(days, (*before, *after))
