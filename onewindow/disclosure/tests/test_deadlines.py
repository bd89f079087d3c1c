"""The statutory clock of a request on application: arts. 30–34 of the Regulations (2019)."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.core import calendar
from onewindow.disclosure import deadlines, queries, services, tasks
from onewindow.disclosure.models import DisclosureRequest, RequestStatus

from .conftest import on_day, walk_in

pytestmark = pytest.mark.django_db

# National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
BEFORE_HOLIDAY = dt.date(2025, 9, 30)


def test_receipt_date_follows_the_channel():
    filed = dt.date(2025, 3, 10)
    signed = dt.date(2025, 3, 7)
    assert deadlines.receipt_date("online", filed_on=filed) == filed
    assert deadlines.receipt_date("in_person", filed_on=filed, received_on=signed) == filed
    assert deadlines.receipt_date("post", filed_on=filed, received_on=signed) == signed
    assert deadlines.receipt_date("ordinary_mail", filed_on=filed, received_on=signed) == signed
    assert deadlines.receipt_date("fax", filed_on=filed) == filed


def test_a_letter_counts_from_the_day_it_was_signed_for(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 12))
    request = walk_in(agencies, people, channel="post", received_on=dt.date(2025, 3, 10))
    assert request.received_on == dt.date(2025, 3, 10)
    assert request.due_date == calendar.add_workdays(dt.date(2025, 3, 10), 20).date


def test_staff_cannot_date_a_request_in_the_future(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 12))
    with pytest.raises(services.ValidationError) as error:
        walk_in(agencies, people, channel="post", received_on=dt.date(2025, 3, 13))
    assert "received_on" in error.value.message_dict
    assert not DisclosureRequest.objects.exists()


def test_twenty_working_days_skip_the_national_day_holiday(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, BEFORE_HOLIDAY)
    request = walk_in(agencies, people)
    # 9, 10, 11 (adjusted Saturday), 13–17, 20–24, 27–31 October, 3 and 4 November.
    assert request.due_date == dt.date(2025, 11, 4)
    assert request.clock_provisional is False


def test_clarification_stops_the_clock_and_restarts_it_on_receipt(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 9, 26))
    request = walk_in(agencies, people)
    on_day(monkeypatch, BEFORE_HOLIDAY)
    request = services.request_clarification(
        request, actor=people["officer"], items="请说明所需名单的抽检批次和时间范围。", workdays=10
    )
    assert request.status == RequestStatus.AWAITING_CLARIFICATION
    assert request.due_date is None
    assert request.clarification_deadline == calendar.add_workdays(BEFORE_HOLIDAY, 10).date
    assert queries.open_requests_due(dt.date(2026, 12, 31)) == []  # no running deadline
    on_day(monkeypatch, dt.date(2025, 10, 10))
    request = services.receive_clarification(
        request, actor=people["officer"], note="2024年第三季度", received_on=dt.date(2025, 10, 9)
    )
    assert request.status == RequestStatus.PROCESSING
    assert request.clock_start == dt.date(2025, 10, 9)
    assert request.due_date == calendar.add_workdays(dt.date(2025, 10, 9), 20).date
    assert request.received_on == dt.date(2025, 9, 26)  # the report still counts it then


def test_clarification_is_asked_within_seven_working_days(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, BEFORE_HOLIDAY)
    request = walk_in(agencies, people)
    cutoff = deadlines.clarification_cutoff(BEFORE_HOLIDAY)
    assert cutoff == dt.date(2025, 10, 16)  # 9, 10, 11 (adjusted Saturday), 13, 14, 15, 16
    on_day(monkeypatch, cutoff + dt.timedelta(days=3))
    with pytest.raises(services.InvalidTransition):
        services.request_clarification(request, actor=people["officer"], items="不明确")
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING


def test_clarification_is_asked_only_once(official_calendar, agencies, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 3, 10))
    request = walk_in(agencies, people)
    request = services.request_clarification(request, actor=people["officer"], items="请说明")
    request = services.receive_clarification(request, actor=people["officer"], note="补充")
    with pytest.raises(services.InvalidTransition):
        services.request_clarification(request, actor=people["officer"], items="再次")


def test_an_unclarified_request_is_deemed_abandoned_after_its_period(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 10))
    request = walk_in(agencies, people)
    request = services.request_clarification(
        request, actor=people["officer"], items="请说明", workdays=5
    )
    deadline = request.clarification_deadline
    assert services.abandon_overdue(deadline) == 0
    assert services.abandon_overdue(deadline + dt.timedelta(days=1)) == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.ABANDONED
    assert request.result == "other.no_clarification"
    assert request.closed_on == deadline + dt.timedelta(days=1)
    assert services.abandon_overdue(deadline + dt.timedelta(days=2)) == 0


def test_one_extension_of_at_most_twenty_days_approved_by_the_head(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, BEFORE_HOLIDAY)
    request = walk_in(agencies, people)
    with pytest.raises(services.PermissionDenied):
        services.extend(request, actor=people["officer"], workdays=20, reason="涉及多个科室")
    with pytest.raises(services.ValidationError):
        services.extend(request, actor=people["head"], workdays=21, reason="涉及多个科室")
    with pytest.raises(services.ValidationError):
        services.extend(request, actor=people["head"], workdays=10, reason="")
    request = services.extend(request, actor=people["head"], workdays=15, reason="涉及多个科室")
    assert request.extension_workdays == 15
    assert request.due_date == calendar.add_workdays(BEFORE_HOLIDAY, 35).date
    assert request.extension_approved_by == people["head"]
    with pytest.raises(services.InvalidTransition):
        services.extend(request, actor=people["head"], workdays=5, reason="再延")


def test_an_extension_after_the_deadline_is_refused(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 10))
    request = walk_in(agencies, people)
    on_day(monkeypatch, request.due_date + dt.timedelta(days=1))
    with pytest.raises(services.InvalidTransition):
        services.extend(request, actor=people["head"], workdays=5, reason="来不及")


def test_the_extension_is_notified_with_a_document(
    official_calendar, agencies, people, monkeypatch, django_capture_on_commit_callbacks
):
    on_day(monkeypatch, dt.date(2025, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        request = walk_in(agencies, people)
        services.extend(request, actor=people["head"], workdays=20, reason="需要调阅档案")
    assert set(request.documents.values_list("kind", flat=True)) == {"receipt", "extension"}


def test_a_consultation_does_not_count(official_calendar, agencies, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 9, 22))
    request = walk_in(agencies, people)
    original_due = request.due_date
    on_day(monkeypatch, dt.date(2025, 9, 26))
    request = services.start_consultation(
        request, actor=people["officer"], consultee="某食品有限公司", kind="third_party"
    )
    assert request.status == RequestStatus.CONSULTING
    # While it runs, the due date moves by the working days it has taken so far.
    # 28 (an adjusted working Sunday), 29 and 30 September.
    assert (
        services.effective_due_date(request, dt.date(2025, 9, 30))
        == calendar.add_workdays(original_due, 3).date
    )
    on_day(monkeypatch, dt.date(2025, 10, 10))  # 28, 29, 30 Sep and 9, 10 Oct: 5 working days
    request = services.end_consultation(request, actor=people["officer"], outcome="objects")
    assert request.status == RequestStatus.PROCESSING
    assert request.paused_workdays == 5
    assert request.due_date == calendar.add_workdays(original_due, 5).date
    consultation = request.consultations.get()
    assert (consultation.outcome, consultation.paused_workdays) == ("objects", 5)


def test_a_silent_consultation_ends_after_fifteen_working_days(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    request = walk_in(agencies, people)
    original_due = request.due_date
    on_day(monkeypatch, dt.date(2025, 3, 5))
    request = services.start_consultation(
        request, actor=people["officer"], consultee="区财政局", kind="other_agency"
    )
    last_day = deadlines.consultation_lapses_on(dt.date(2025, 3, 5))
    assert services.lapse_consultations(last_day) == 0
    # Long after: the pause is capped at 15 working days.
    assert (
        services.effective_due_date(request, dt.date(2025, 6, 1))
        == calendar.add_workdays(original_due, 15).date
    )
    assert services.lapse_consultations(last_day + dt.timedelta(days=1)) == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING
    assert request.paused_workdays == 15
    assert request.due_date == calendar.add_workdays(original_due, 15).date
    assert request.consultations.get().outcome == "no_reply"


def test_the_sweep_runs_every_rule(official_calendar, agencies, people, monkeypatch):
    summary = tasks.sweep()
    assert summary == {"published": 0, "consultations_lapsed": 0, "abandoned": 0}


def test_open_requests_due_lists_what_supervision_watches(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    first = walk_in(agencies, people)
    on_day(monkeypatch, dt.date(2025, 3, 10))
    second = walk_in(agencies, people)
    replied = walk_in(agencies, people)
    services.reply(replied, actor=people["officer"], reply_type="disclosed", note="见附件")
    due = queries.open_requests_due(first.due_date, as_of=dt.date(2025, 3, 10))
    assert [d.request_no for d in due] == [first.request_no]
    assert due[0].due_date == first.due_date
    assert due[0].agency_code == "SCJG"
    everything = queries.open_requests_due(dt.date(2025, 12, 31), as_of=dt.date(2025, 3, 10))
    assert [d.request_no for d in everything] == [first.request_no, second.request_no]
