"""A 12345 ticket past its handling deadline with no reply is a supervision finding
(``overdue_ticket``, the hotline's deadline source), once; a replied ticket is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.hotline import services
from onewindow.supervision import rules
from onewindow.supervision.models import Finding

pytestmark = pytest.mark.django_db


def test_the_hotline_registers_its_deadlines_with_the_sweep():
    assert rules.DEADLINE_SOURCES["overdue_ticket"].subject_type == "ticket"


def test_a_ticket_past_its_deadline_is_found_once(official_calendar, call, clock, people):
    clock("2025-09-30 16:00")
    late = services.dispatch(call(), actor=people["agent"])
    answered = services.answer(call(kind="consultation"), actor=people["agent"], reply="已解答")
    assert late.due_date == dt.date(2025, 10, 28)
    assert rules.overdue_elsewhere(late.due_date, timezone.now()) == 0  # due today
    assert rules.overdue_elsewhere(dt.date(2025, 10, 29), timezone.now()) == 1
    finding = Finding.objects.get(rule="overdue_ticket")
    assert (finding.subject_type, finding.subject_id) == ("ticket", late.pk)
    assert finding.department_id == late.lead_department_id
    assert finding.evidence["ticket_no"] == late.ticket_no
    assert rules.overdue_elsewhere(dt.date(2025, 10, 30), timezone.now()) == 0
    assert not Finding.objects.filter(subject_id=answered.pk, rule="overdue_ticket").exists()
