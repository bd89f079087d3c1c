"""Working-day arithmetic over the holiday table (``CalendarDay``).

A date is a working day when it is an adjusted working day, or a Monday–Friday that is not a
holiday. Years whose official schedule is not loaded fall back to Monday–Friday and every
result that touches them is ``provisional``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import CalendarDay, CalendarYear

MAX_WORKDAYS = 3650  # ten years of working days: more is certainly a mistake


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool


class CalendarWindow:
    """The calendar facts for a span of dates, loaded with two queries."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.official_years = set(
            CalendarYear.objects.filter(
                official=True, year__gte=start.year, year__lte=end.year
            ).values_list("year", flat=True)
        )
        self.days = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
        )

    def is_workday(self, day: dt.date) -> bool:
        kind = self.days.get(day)
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        return day.weekday() < 5

    def is_official(self, day: dt.date) -> bool:
        return day.year in self.official_years


def is_workday(day: dt.date) -> bool:
    return CalendarWindow(day, day).is_workday(day)


def add_workdays(start: dt.date, days: int) -> WorkdayResult:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted).

    ``days == 0`` returns ``start`` itself. Negative counts are refused.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if days > MAX_WORKDAYS:
        raise ValueError(f"days must not exceed {MAX_WORKDAYS}")
    # Holidays never remove more than ~40 % of the days: 2× + 30 days always suffices.
    horizon = start + dt.timedelta(days=days * 2 + 30)
    window = CalendarWindow(start, horizon)
    provisional = not window.is_official(start)
    current = start
    counted = 0
    while counted < days:
        current += dt.timedelta(days=1)
        if current.year not in window.official_years:
            provisional = True
        if window.is_workday(current):
            counted += 1
    return WorkdayResult(date=current, provisional=provisional)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    window = CalendarWindow(start, end)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if window.is_workday(current):
            count += 1
    return count
