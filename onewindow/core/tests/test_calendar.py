from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.core import calendar
from onewindow.core.models import CalendarDay, CalendarYear
from onewindow.core.services import sync_calendar_from_package

pytestmark = pytest.mark.django_db


def test_it_counts_from_the_day_after(official_calendar):
    # Monday 2025-03-03 + 1 working day is Tuesday: the start day itself never counts.
    assert calendar.add_workdays(dt.date(2025, 3, 3), 1).date == dt.date(2025, 3, 4)


def test_zero_days_is_the_start_itself(official_calendar):
    assert calendar.add_workdays(dt.date(2025, 3, 3), 0).date == dt.date(2025, 3, 3)


def test_it_skips_weekends(official_calendar):
    # Friday 2025-03-07 + 1 → Monday 2025-03-10.
    assert calendar.add_workdays(dt.date(2025, 3, 7), 1).date == dt.date(2025, 3, 10)


def test_it_skips_the_national_day_holiday(official_calendar):
    # 2024: 10-01..10-07 off. Monday 2024-09-30 + 1 working day → Tuesday 10-08.
    result = calendar.add_workdays(dt.date(2024, 9, 30), 1)
    assert result == calendar.WorkdayResult(dt.date(2024, 10, 8), provisional=False)


def test_an_adjusted_working_sunday_counts(official_calendar):
    # Sunday 2024-02-04 was an adjusted working day (调休上班) before the Spring Festival.
    assert calendar.is_workday(dt.date(2024, 2, 4))
    assert calendar.add_workdays(dt.date(2024, 2, 2), 1).date == dt.date(2024, 2, 4)


def test_an_adjusted_working_saturday_counts(official_calendar):
    # Saturday 2024-09-14 was worked before the Mid-Autumn Festival.
    assert calendar.is_workday(dt.date(2024, 9, 14))
    assert not calendar.is_workday(dt.date(2024, 9, 16))  # Mid-Autumn Monday off


def test_twenty_workdays_over_the_spring_festival(official_calendar):
    # 2025 Spring Festival: 01-28..02-04 off; 01-26 (Sun) and 02-08 (Sat) worked.
    result = calendar.add_workdays(dt.date(2025, 1, 20), 20)
    assert result.date == dt.date(2025, 2, 21)
    assert result.provisional is False


def test_a_year_without_schedule_falls_back_to_weekdays_and_is_provisional(official_calendar):
    assert not CalendarYear.objects.filter(year=2031, official=True).exists()
    # 2031-01-01 is a Wednesday: without a schedule New Year's Day is not known to be off.
    result = calendar.add_workdays(dt.date(2030, 12, 31), 1)
    assert result == calendar.WorkdayResult(dt.date(2031, 1, 1), provisional=True)
    # Friday → Monday by the plain weekday rule.
    assert calendar.add_workdays(dt.date(2031, 1, 3), 1).date == dt.date(2031, 1, 6)


def test_a_span_reaching_into_an_unscheduled_year_is_provisional(official_calendar):
    last = max(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    result = calendar.add_workdays(dt.date(last, 12, 20), 30)
    assert result.date.year == last + 1
    assert result.provisional is True


def test_an_administrators_edit_survives_the_next_sync(official_calendar):
    day = dt.date(2025, 3, 5)  # an ordinary Wednesday, made a local holiday by hand
    CalendarDay.objects.create(
        date=day, kind=CalendarDay.Kind.HOLIDAY, name="本地调整", source="manual"
    )
    assert calendar.add_workdays(dt.date(2025, 3, 4), 1).date == dt.date(2025, 3, 6)
    sync_calendar_from_package()
    assert CalendarDay.objects.get(date=day).source == "manual"


def test_sync_is_idempotent(official_calendar):
    before = CalendarDay.objects.count()
    result = sync_calendar_from_package()
    assert result["created"] == 0
    assert result["updated"] == 0
    assert CalendarDay.objects.count() == before
    assert CalendarYear.objects.filter(year=2024, official=True).exists()


def test_holiday_names_are_chinese(official_calendar):
    assert CalendarDay.objects.get(date=dt.date(2024, 10, 1)).name == "国庆节"


def test_negative_and_huge_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        calendar.add_workdays(dt.date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="exceed"):
        calendar.add_workdays(dt.date(2025, 1, 1), calendar.MAX_WORKDAYS + 1)


def test_workdays_between_inverts_add_workdays(official_calendar):
    start = dt.date(2024, 9, 27)
    end = calendar.add_workdays(start, 12).date
    assert calendar.workdays_between(start, end) == 12


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 6, 30)),
    days=st.integers(min_value=1, max_value=60),
)
def test_the_result_is_always_a_working_day_and_monotonic(
    official_calendar, start, days
):  # the calendar is read-only here
    result = calendar.add_workdays(start, days).date
    assert calendar.is_workday(result)
    assert result > start
    assert calendar.add_workdays(start, days + 1).date > result
