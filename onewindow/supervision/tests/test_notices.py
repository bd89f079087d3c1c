"""Supervision notices (督办): issue, reply, review, escalation with cards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onewindow.cases.models import Message
from onewindow.core.models import AuditRecord
from onewindow.supervision import services
from onewindow.supervision.models import Card, SupervisionNotice

pytestmark = pytest.mark.django_db


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def notice(submitted, overseers):
    return services.issue_notice(
        actor=overseers["supervisor"],
        case=submitted,
        reason="受理超期",
        required_action="说明原因并立即受理",
        deadline=in_days(3),
    )


def test_a_supervisor_issues_a_notice_to_the_case_unit(notice, submitted, overseers):
    assert notice.department == submitted.lead_department
    assert notice.target == "case"
    assert notice.status == "open"
    assert Message.objects.filter(recipient=overseers["head"], subject="督办通知").exists()
    assert AuditRecord.objects.filter(action="supervision.notice_issue").exists()


def test_only_supervisors_issue_notices(submitted, overseers, people):
    for actor in (overseers["manager"], overseers["head"], people["citizen"]):
        with pytest.raises(PermissionDenied):
            services.issue_notice(
                actor=actor, case=submitted, reason="x", required_action="y", deadline=in_days(3)
            )


def test_a_notice_needs_a_reason_an_action_and_a_future_deadline(submitted, overseers):
    with pytest.raises(ValidationError) as error:
        services.issue_notice(
            actor=overseers["supervisor"],
            case=submitted,
            reason=" ",
            required_action="",
            deadline=in_days(-1),
        )
    assert set(error.value.message_dict) == {"reason", "required_action", "deadline"}
    assert not SupervisionNotice.objects.exists()


def test_a_notice_on_a_task_goes_to_the_task_department(accepted_on, overseers, departments):
    case = accepted_on()
    task = case.tasks.filter(stage=2).first()
    notice = services.issue_notice(
        actor=overseers["supervisor"],
        task=task,
        reason="并联审查超期",
        required_action="限期完成",
        deadline=in_days(2),
    )
    assert notice.department == task.department
    assert notice.case == case


def test_the_unit_replies_and_the_supervisor_closes(notice, overseers):
    with pytest.raises(PermissionDenied):
        services.reply_to_notice(notice, actor=overseers["xf_head"], explanation="a", fix="b")
    notice = services.reply_to_notice(
        notice, actor=overseers["head"], explanation="人员休假", fix="已安排专人受理"
    )
    assert notice.status == "replied"
    with pytest.raises(services.NoticeStateError):
        services.reply_to_notice(notice, actor=overseers["head"], explanation="a", fix="b")
    notice = services.close_notice(notice, actor=overseers["supervisor"], note="同意")
    assert notice.status == "closed"
    with pytest.raises(services.NoticeStateError):
        services.close_notice(notice, actor=overseers["supervisor"])


def test_a_reply_needs_an_explanation_and_a_fix(notice, overseers):
    with pytest.raises(ValidationError):
        services.reply_to_notice(notice, actor=overseers["head"], explanation="", fix="")
    notice.refresh_from_db()
    assert notice.status == "open"


def test_a_returned_reply_reopens_the_notice_with_a_new_deadline(notice, overseers):
    services.reply_to_notice(notice, actor=overseers["head"], explanation="a", fix="b")
    notice = services.return_notice(
        notice, actor=overseers["supervisor"], note="整改措施不具体", deadline=in_days(5)
    )
    assert notice.status == "open"
    assert notice.deadline == in_days(5)


def test_an_overdue_notice_escalates_to_a_yellow_then_a_red_card(notice, sweep_on):
    SupervisionNotice.objects.filter(pk=notice.pk).update(deadline=dt.date(2026, 3, 5))
    sweep_on(dt.date(2026, 3, 5))  # on the deadline: not yet overdue
    assert not Card.objects.exists()
    summary = sweep_on(dt.date(2026, 3, 6))
    assert summary["escalated_notices"] == 1
    notice.refresh_from_db()
    assert notice.escalation_level == 1
    assert list(Card.objects.values_list("colour", flat=True)) == ["yellow"]
    sweep_on(dt.date(2026, 3, 9))  # two working days late: still within the grace
    assert Card.objects.count() == 1
    sweep_on(dt.date(2026, 3, 11))  # four working days late
    notice.refresh_from_db()
    assert notice.escalation_level == 2
    assert sorted(Card.objects.values_list("colour", flat=True)) == ["red", "yellow"]
    sweep_on(dt.date(2026, 3, 12))
    assert Card.objects.count() == 2


def test_a_replied_notice_does_not_escalate(notice, overseers, sweep_on):
    services.reply_to_notice(notice, actor=overseers["head"], explanation="a", fix="b")
    SupervisionNotice.objects.filter(pk=notice.pk).update(deadline=dt.date(2026, 3, 5))
    sweep_on(dt.date(2026, 3, 20))
    assert not Card.objects.exists()


def test_a_supervisor_shows_a_card_by_hand(overseers, departments):
    card = services.issue_card(
        departments["XF"], actor=overseers["supervisor"], colour="red", reason="体外循环"
    )
    assert card.issued_by == overseers["supervisor"]
    assert Message.objects.filter(recipient=overseers["xf_head"], subject="红黄牌").exists()
    with pytest.raises(PermissionDenied):
        services.issue_card(departments["XF"], actor=overseers["head"], colour="red", reason="x")
