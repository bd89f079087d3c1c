"""Green, yellow and red: the rule of DESIGN.md "Oversight", in one place.

A running case (its promised due date) or an active task (its due date) is

* red when the day is past the due date;
* yellow when the working days left after the day up to the due date (``workdays_between``)
  are at most the yellow share of its limit, rounded down, and at least the minimum
  (default 20 % and 1 working day, per item in ``AlertThreshold``);
* green otherwise.

``level()`` is the rule for one subject; the sweep applies the same rule to every subject at
once in SQL, with ``remaining_days()`` as its calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max

from onewindow.core import calendar


@dataclass(frozen=True)
class Threshold:
    yellow_percent: int
    min_workdays: int

    def workdays(self, limit: int) -> int:
        """The yellow threshold in working days for a limit of ``limit`` working days."""
        return max(self.min_workdays, limit * self.yellow_percent // 100)


def default() -> Threshold:
    return Threshold(
        yellow_percent=settings.ONEWINDOW_SUPERVISION_YELLOW_PERCENT,
        min_workdays=settings.ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS,
    )


def for_implementation(implementation_id: int) -> Threshold:
    from .models import AlertThreshold

    row = AlertThreshold.objects.filter(implementation_id=implementation_id).first()
    if row is None:
        return default()
    return Threshold(yellow_percent=row.yellow_percent, min_workdays=row.min_workdays)


def level(day: dt.date, due: dt.date, limit: int, threshold: Threshold) -> str:
    """green / yellow / red of one subject on ``day``."""
    if day > due:
        return "red"
    remaining = calendar.workdays_between(day, due)
    return "yellow" if remaining <= threshold.workdays(limit) else "green"


def largest_threshold() -> int:
    """The largest yellow threshold any case or task can have, from the (small) catalog and
    threshold tables: the sweep's calendar needs to reach that far."""
    from onewindow.catalog.models import ItemVersion, ProcessStage

    from .models import AlertThreshold

    limit = max(
        ItemVersion.objects.aggregate(m=Max("promised_days"))["m"] or 0,
        ProcessStage.objects.aggregate(m=Max("days"))["m"] or 0,
    )
    base = default()
    overrides = AlertThreshold.objects.aggregate(
        pct=Max("yellow_percent"), least=Max("min_workdays")
    )
    percent = max(base.yellow_percent, overrides["pct"] or 0)
    least = max(base.min_workdays, overrides["least"] or 0)
    return max(least, limit * percent // 100)


def remaining_days(day: dt.date, largest: int) -> tuple[list[tuple[dt.date, int]], dt.date]:
    """Every date from ``day`` on whose remaining working days (after ``day``, up to and
    including the date) are at most ``largest``, with that number; and the first date past
    them (the ``largest + 1``-th working day after ``day``)."""
    horizon = day + dt.timedelta(days=largest * 2 + 30)
    window = calendar.CalendarWindow(day, horizon)
    table: list[tuple[dt.date, int]] = [(day, 0)]
    current, counted = day, 0
    while True:
        current += dt.timedelta(days=1)
        if window.is_workday(current):
            counted += 1
            if counted > largest:
                return table, current
        table.append((current, counted))


def acceptance_deadline_day(day: dt.date, limit: int) -> dt.date:
    """The earliest submission day still within ``limit`` working days on ``day``: a case
    submitted before it has waited more than ``limit`` working days (as
    ``cases.queries.acceptance_overdue`` counts them)."""
    window = calendar.CalendarWindow(day - dt.timedelta(days=limit * 2 + 30), day)
    current, counted = day, 0
    while True:
        if window.is_workday(current):
            counted += 1
            if counted == limit + 1:
                return current
        current -= dt.timedelta(days=1)
