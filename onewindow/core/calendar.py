"""Working-day arithmetic over the holiday table (``CalendarDay``).

A date is a working day when it is an adjusted working day, or a Monday–Friday that is not a
holiday. Years whose official schedule is not loaded fall back to Monday–Friday and every
result that touches them is ``provisional``.

The whole table (a few dozen rows a year) is held in memory per process and reloaded when its
generation changes: every write to ``CalendarDay`` or ``CalendarYear`` sets a new generation
in the shared cache (at once and again on commit), so every process sees an edit on its next
call without reading the table for every due date.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, CalendarYear

MAX_WORKDAYS = 3650  # ten years of working days: more is certainly a mistake


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool


GENERATION_KEY = "calendar:generation"


@dataclass(frozen=True)
class _Snapshot:
    generation: str
    official_years: frozenset[int]
    days: dict[dt.date, str]


_snapshot: _Snapshot | None = None
_snapshot_lock = threading.Lock()


def bump_generation() -> None:
    """Make every process reload the calendar on its next call."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _current() -> _Snapshot:
    global _snapshot
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        # add(): when processes race, one token wins and all of them load under it
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    snapshot = _snapshot
    if snapshot is not None and snapshot.generation == generation:
        return snapshot
    with _snapshot_lock:
        snapshot = _Snapshot(
            generation=generation,
            official_years=frozenset(
                CalendarYear.objects.filter(official=True).values_list("year", flat=True)
            ),
            days=dict(CalendarDay.objects.values_list("date", "kind")),
        )
        _snapshot = snapshot
    return snapshot


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(sender: Any, **kwargs: Any) -> None:
    bump_generation()  # this transaction sees its own edit at once
    transaction.on_commit(bump_generation)  # others reload after the commit, not before it


class CalendarWindow:
    """The calendar facts for a span of dates, from the process's snapshot of the table."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        snapshot = _current()
        self.official_years = {y for y in snapshot.official_years if start.year <= y <= end.year}
        self.days = snapshot.days

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
