"""Green, yellow and red for the sweep: the rule of DESIGN.md "Oversight" in dates.

A running case (its promised due date) or an active task (its due date) is

* red when the day is past the due date;
* yellow when the working days left after the day up to the due date (``workdays_between``)
  are at most the yellow share of its limit, rounded down, and at least the minimum
  (default 20 % and 1 working day, per item in ``AlertThreshold``);
* green otherwise.

Since the working days left only shrink as the day advances, a subject is yellow from one
day on, ``yellow_from()``: the threshold + 1-th working day on or before its due date (on it,
exactly the threshold's working days are left after it), and red from the day after its due
date. The rule itself — ``Threshold``, ``default()`` and ``level()`` for one subject — lives
in the case engine (``onewindow.cases.alerts``), so that the Cases API, the portal and the
workbench colour a case as the sweep does; it is re-exported here. The sweep keeps both dates
for every subject (``Subject``, computed in SQL over ``workday_numbers()``, with the same
``max(min_workdays, limit * yellow_percent / 100)`` in integers) and compares them with the
day. ``overrides()`` hands the per-item thresholds to the case engine (registered in
``SupervisionConfig.ready()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db.models import Max

from onewindow.cases.alerts import Threshold as Threshold
from onewindow.cases.alerts import default as default
from onewindow.cases.alerts import level as level
from onewindow.core import calendar


def overrides() -> dict[int, Threshold]:
    """Every item's own threshold (``AlertThreshold``, a small table), by implementation id:
    the case engine's source of per-item thresholds (``cases.alerts.register_overrides``)."""
    from .models import AlertThreshold

    return {
        implementation_id: Threshold(yellow_percent=percent, min_workdays=least)
        for implementation_id, percent, least in AlertThreshold.objects.values_list(
            "implementation_id", "yellow_percent", "min_workdays"
        )
    }


def for_implementation(implementation_id: int) -> Threshold:
    from .models import AlertThreshold

    row = AlertThreshold.objects.filter(implementation_id=implementation_id).first()
    if row is None:
        return default()
    return Threshold(yellow_percent=row.yellow_percent, min_workdays=row.min_workdays)


def yellow_from(due: dt.date, workdays: int) -> dt.date:
    """The first day a subject due on ``due`` is yellow when its threshold is ``workdays``
    working days: on and after it at most ``workdays`` working days are left, before it more."""
    return nth_workday_back(due, workdays + 1)


def largest_threshold() -> int:
    """The largest yellow threshold any case or task can have, from the (small) catalog and
    threshold tables: how far before a due date the sweep's calendar must reach."""
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


def workday_numbers(start: dt.date, end: dt.date) -> list[tuple[dt.date, int, bool]]:
    """Every date from ``start`` to ``end`` with the number of working days from ``start`` up
    to and including it, and whether it is one. The working day numbered ``n - t`` is the
    ``t + 1``-th working day on or before a date numbered ``n``: its ``yellow_from`` for a
    threshold of ``t`` (when ``start`` lies at least ``t + 1`` working days before it)."""
    window = calendar.CalendarWindow(start, end)
    rows: list[tuple[dt.date, int, bool]] = []
    current, counted = start, 0
    while current <= end:
        workday = window.is_workday(current)
        counted += workday
        rows.append((current, counted, workday))
        current += dt.timedelta(days=1)
    return rows


def calendar_start(earliest_due: dt.date, largest: int) -> dt.date:
    """A start for ``workday_numbers`` that lies ``largest + 1`` working days or more before
    ``earliest_due`` (holidays never take more than about 40 % of the days)."""
    return earliest_due - dt.timedelta(days=(largest + 1) * 2 + 30)


def fingerprint() -> str:
    """A digest of everything a subject's ``yellow_from`` depends on besides its own row: the
    default threshold, the per-item thresholds and the holiday table. The sweep recomputes
    every subject when it changes."""
    from onewindow.core.models import CalendarDay

    from .models import AlertThreshold

    base = default()
    facts = {
        "default": [base.yellow_percent, base.min_workdays],
        "items": list(
            AlertThreshold.objects.order_by("implementation_id").values_list(
                "implementation_id", "yellow_percent", "min_workdays"
            )
        ),
        "calendar": [
            [day.isoformat(), kind]
            for day, kind in CalendarDay.objects.order_by("date").values_list("date", "kind")
        ],
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def acceptance_deadline_day(day: dt.date, limit: int) -> dt.date:
    """The earliest submission day still within ``limit`` working days on ``day``: a case
    submitted before it has waited more than ``limit`` working days (as
    ``cases.queries.acceptance_overdue`` counts them)."""
    return nth_workday_back(day, limit + 1)


def nth_workday_back(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day on or before ``day`` (``day`` itself is the first if it is one)."""
    window = calendar.CalendarWindow(day - dt.timedelta(days=n * 2 + 30), day)
    current, counted = day, 0
    while True:
        if window.is_workday(current):
            counted += 1
            if counted == n:
                return current
        current -= dt.timedelta(days=1)
