"""Deadlines by kind in working days, across National Day (2025: 1–8 October off, Sunday 28
September and Saturday 11 October worked)."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.hotline import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("consultation", dt.date(2025, 10, 10)),  # 9 and 10 October
        ("help", dt.date(2025, 10, 21)),
        ("suggestion", dt.date(2025, 10, 21)),
        ("complaint", dt.date(2025, 10, 28)),  # counts Saturday 11 October
        ("report", dt.date(2025, 10, 28)),
    ],
)
def test_the_deadline_skips_national_day(official_calendar, call, clock, kind, due):
    clock("2025-09-30 16:00")
    ticket = call(kind=kind)
    assert ticket.due_date == due
    assert ticket.due_provisional is False


def test_the_deadlines_are_configurable(official_calendar, call, clock, settings):
    settings.HOTLINE_DEADLINE_WORKDAYS = {**settings.HOTLINE_DEADLINE_WORKDAYS, "consultation": 1}
    clock("2025-09-30 16:00")
    assert call(kind="consultation").due_date == dt.date(2025, 10, 9)


def test_an_approved_extension_counts_working_days_after_the_due_date(
    official_calendar, call, people, clock
):
    clock("2025-09-26 10:00")  # Friday; consultation due Monday 29 September (28th worked)
    ticket = call(kind="consultation")
    assert ticket.due_date == dt.date(2025, 9, 29)
    ticket = services.sign(services.dispatch(ticket, actor=people["agent"]), actor=people["cg"])
    ticket = services.request_extension(ticket, actor=people["cg"], workdays=2, reason="节前人手紧")
    ticket = services.decide_extension(ticket, actor=people["agent"], approve=True)
    assert ticket.due_date == dt.date(2025, 10, 9)  # 30 September, then 9 October


def test_a_reply_on_the_due_date_is_on_time_and_the_day_after_is_late(
    official_calendar, call, people, clock
):
    clock("2025-09-30 16:00")
    on_time = services.sign(
        services.dispatch(call(kind="consultation"), actor=people["agent"]), actor=people["cg"]
    )
    late = services.sign(
        services.dispatch(call(kind="consultation"), actor=people["agent"]), actor=people["cg"]
    )
    clock("2025-10-10 17:30")
    assert services.reply(on_time, actor=people["cg"], reply="已答复").replied_on_time is True
    clock("2025-10-11 09:00")  # an adjusted working Saturday, one day late
    assert services.reply(late, actor=people["cg"], reply="已答复").replied_on_time is False
