"""A request for government information past its reply deadline is a supervision finding
(``overdue_disclosure``), once; a request replied to or still in time is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.disclosure import services
from onewindow.supervision import rules
from onewindow.supervision.models import Finding

from .conftest import on_day, walk_in

pytestmark = pytest.mark.django_db


def sweep_rules(day: dt.date) -> int:
    return rules.overdue_elsewhere(day, timezone.now())


def test_an_unanswered_request_past_its_deadline_is_found_once(
    official_calendar, agencies, people, monkeypatch
):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    late = walk_in(agencies, people)
    replied = walk_in(agencies, people)
    services.reply(replied, actor=people["officer"], reply_type="disclosed", note="见附件")
    due = late.due_date
    assert sweep_rules(due) == 0  # due today: still in time
    assert sweep_rules(due + dt.timedelta(days=1)) == 1
    finding = Finding.objects.get(rule="overdue_disclosure")
    assert finding.subject_type == "disclosure"
    assert finding.subject_id == late.pk
    assert finding.department_id == agencies["SCJG"].pk
    assert finding.evidence["request_no"] == late.request_no
    assert finding.evidence["due_date"] == due.isoformat()
    assert sweep_rules(due + dt.timedelta(days=2)) == 0  # recorded once
    assert not Finding.objects.filter(subject_id=replied.pk, rule="overdue_disclosure").exists()
