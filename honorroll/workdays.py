"""Working days in mainland China, from the maintained ``chinesecalendar`` package.

The package follows the State Council's yearly holiday notice, make-up working days
included. A year it does not cover yet is counted Monday to Friday and flagged, so the
build can say that the figure is an estimate instead of failing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    days: int
    uncovered_years: tuple[int, ...]
    """Years the calendar data does not cover; those days were counted Monday to Friday."""


@lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, calendar data covers this day)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def count_workdays(start: dt.date, end: dt.date) -> WorkdayCount:
    """Working days from ``start`` to ``end``, both included."""
    days = 0
    uncovered: set[int] = set()
    current = start
    while current <= end:
        working, covered = is_workday(current)
        days += working
        if not covered:
            uncovered.add(current.year)
        current += dt.timedelta(days=1)
    return WorkdayCount(days, tuple(sorted(uncovered)))
