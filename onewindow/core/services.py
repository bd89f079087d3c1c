"""Writes of the core app: loading the official holiday schedule."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from .models import CalendarDay, CalendarYear

log = logging.getLogger(__name__)

SOURCE = "chinesecalendar"

# The package names its festivals in English; the table and the UI speak Chinese.
FESTIVAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _festival(name: object) -> str:
    text = str(name or "")
    return FESTIVAL_NAMES.get(text, text)


def _schedule_from_chinesecalendar() -> tuple[set[int], dict[dt.date, tuple[str, str]]]:
    import chinese_calendar  # imported here: only this service reads the package

    holidays: dict[dt.date, tuple[str, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:  # a holiday that falls on a weekday
            holidays[day] = (CalendarDay.Kind.HOLIDAY, _festival(name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # an adjusted working weekend (调休上班)
            holidays[day] = (CalendarDay.Kind.WORKDAY, _festival(name))
    years = {day.year for day in chinese_calendar.holidays} | {
        day.year for day in chinese_calendar.workdays
    }
    # The package pads its tables with plain weekdays/weekends for every year it knows;
    # a year counts as official only if the package declares a festival in it.
    covered = {day.year for day, name in chinese_calendar.holidays.items() if name} & years
    return covered, holidays


@transaction.atomic
def sync_calendar_from_package(*, overwrite_manual: bool = False) -> dict[str, int]:
    """Load every year the installed ``chinesecalendar`` covers.

    Rows an administrator edited (``source`` other than the package) are kept unless
    ``overwrite_manual``. Idempotent: a second run changes nothing.
    """
    years, days = _schedule_from_chinesecalendar()
    existing = {row.date: row for row in CalendarDay.objects.filter(date__year__in=years)}
    created = updated = 0
    for day, (kind, name) in sorted(days.items()):
        row = existing.get(day)
        if row is None:
            CalendarDay.objects.create(date=day, kind=kind, name=name, source=SOURCE)
            created += 1
        elif (row.source == SOURCE or overwrite_manual) and (row.kind, row.name) != (kind, name):
            row.kind, row.name, row.source = kind, name, SOURCE
            row.save(update_fields=["kind", "name", "source"])
            updated += 1
    new_years = 0
    for year in sorted(years):
        _, was_created = CalendarYear.objects.update_or_create(
            year=year, defaults={"official": True, "source": SOURCE}
        )
        new_years += int(was_created)
    if created or updated:
        log.info("calendar synced: %s days created, %s updated", created, updated)
    return {"years": len(years), "new_years": new_years, "created": created, "updated": updated}
