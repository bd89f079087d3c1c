"""Properties of the working-day calendar over the official holiday table, across years.

``add_workdays`` and ``workdays_between`` are inverse to each other; results are working days
as the official schedule (``chinesecalendar``) has them, and the ``provisional`` flag says
exactly whether a year without an official schedule was involved.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.core import calendar
from onewindow.core.models import CalendarYear

pytestmark = pytest.mark.django_db

# The calendar is only read here, so one table serves every example of a test.
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIRST_OFFICIAL = dt.date(min(chinese_calendar.holidays).year, 1, 1)
LAST_OFFICIAL = dt.date(max(chinese_calendar.holidays).year, 12, 31)

# Mostly within the official years, sometimes past their end (provisional results).
starts = st.dates(min_value=FIRST_OFFICIAL, max_value=LAST_OFFICIAL + dt.timedelta(days=800))
official_starts = st.dates(min_value=FIRST_OFFICIAL, max_value=LAST_OFFICIAL)
counts = st.integers(min_value=0, max_value=400)


def _official_years() -> set[int]:
    return set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))


@PROPERTY_SETTINGS
@given(start=starts, days=counts)
def test_workdays_between_inverts_add_workdays(official_calendar, start, days):
    end = calendar.add_workdays(start, days).date
    assert calendar.workdays_between(start, end) == days


@PROPERTY_SETTINGS
@given(start=starts, days=st.integers(min_value=1, max_value=400))
def test_the_result_is_the_first_day_reaching_the_count(official_calendar, start, days):
    end = calendar.add_workdays(start, days).date
    assert end > start
    assert calendar.is_workday(end)
    assert calendar.workdays_between(start, end - dt.timedelta(days=1)) == days - 1


@PROPERTY_SETTINGS
@given(start=starts, first=counts, second=counts)
def test_adding_in_two_steps_equals_adding_at_once(official_calendar, start, first, second):
    middle = calendar.add_workdays(start, first).date
    assert (
        calendar.add_workdays(middle, second).date
        == calendar.add_workdays(start, first + second).date
    )


@PROPERTY_SETTINGS
@given(
    start=starts,
    spans=st.tuples(
        st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500)
    ),
)
def test_counts_over_adjacent_spans_add_up(official_calendar, start, spans):
    middle = start + dt.timedelta(days=spans[0])
    end = middle + dt.timedelta(days=spans[1])
    assert calendar.workdays_between(start, middle) + calendar.workdays_between(
        middle, end
    ) == calendar.workdays_between(start, end)


@PROPERTY_SETTINGS
@given(start=starts, later=st.integers(min_value=0, max_value=60), days=counts)
def test_a_later_start_never_gives_an_earlier_date(official_calendar, start, later, days):
    assert (
        calendar.add_workdays(start, days).date
        <= calendar.add_workdays(start + dt.timedelta(days=later), days).date
    )


@PROPERTY_SETTINGS
@given(day=official_starts)
def test_working_days_are_those_of_the_official_schedule(official_calendar, day):
    assert calendar.is_workday(day) == chinese_calendar.is_workday(day)


@PROPERTY_SETTINGS
@given(start=starts, days=counts)
def test_provisional_exactly_when_a_year_has_no_official_schedule(official_calendar, start, days):
    result = calendar.add_workdays(start, days)
    official = _official_years()
    touched = range(start.year, result.date.year + 1)
    assert result.provisional == any(year not in official for year in touched)


@PROPERTY_SETTINGS
@given(start=starts, end=starts)
def test_counts_are_never_negative_and_bounded_by_the_days(official_calendar, start, end):
    count = calendar.workdays_between(start, end)
    assert 0 <= count <= max((end - start).days, 0)
