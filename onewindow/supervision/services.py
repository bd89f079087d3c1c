"""Writes of supervision: notices (督办), replies, cards (红黄牌), escalation, findings.

Each is one transaction with a keyword-only ``actor`` and one audit record. A notice moves
``open`` → ``replied`` → ``closed``; a supervisor may send a reply back (``open`` again, with a
new deadline). An open notice past its deadline escalates (sweep): first a yellow card for the
unit and a message to its heads and the centre managers, then, still unanswered
``ONEWINDOW_SUPERVISION_RED_CARD_WORKDAYS`` working days after the deadline, a red card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, Message, Task
from onewindow.core import audit, calendar
from onewindow.identity.models import RoleGrant, User
from onewindow.org.models import Department

from .models import Card, Finding, Level, SupervisionNotice

# Who answers a notice for a unit: its head, or its approver (the chief representative).
REPLY_ROLES = ("department_head", "approver")
TEXT_LIMIT = 2000


class NoticeStateError(Exception):
    """The notice is not in a state that allows this step."""


def _require_supervisor(actor: User) -> None:
    if not actor.holds("supervisor"):
        raise PermissionDenied(_("只有监察人员可以进行此操作"))


def _text(value: str, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError({field: _("必填")})
    if len(cleaned) > TEXT_LIMIT:
        raise ValidationError({field: _("不得超过2000字")})
    return cleaned


def _tell(user_ids: Iterable[int], subject: str, body: str, case: Case | None = None) -> None:
    Message.objects.bulk_create(
        Message(recipient_id=pk, case=case, subject=subject, body=body) for pk in set(user_ids)
    )


def unit_heads(department_id: int) -> list[int]:
    return list(
        RoleGrant.objects.filter(
            role="department_head", department_id=department_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def role_holders(role: str) -> list[int]:
    return list(
        RoleGrant.objects.filter(role=role, user__is_active=True).values_list("user_id", flat=True)
    )


def may_reply(user: User, notice: SupervisionNotice) -> bool:
    return any(user.holds(role, notice.department_id) for role in REPLY_ROLES)


@transaction.atomic
def issue_notice(
    *,
    actor: User,
    reason: str,
    required_action: str,
    deadline: dt.date,
    case: Case | None = None,
    task: Task | None = None,
    department: Department | None = None,
    finding: Finding | None = None,
) -> SupervisionNotice:
    """A supervisor orders a unit to explain and fix a delay or a fault by ``deadline``."""
    _require_supervisor(actor)
    errors: dict[str, list[str]] = {}
    if task is not None:
        case = case or task.case
        if task.case_id != case.pk:
            errors["task"] = [_("环节任务不属于该办件")]
        target, unit = SupervisionNotice.Target.TASK, task.department
    elif case is not None:
        target, unit = SupervisionNotice.Target.CASE, case.lead_department
    elif department is not None:
        target, unit = SupervisionNotice.Target.DEPARTMENT, department
    else:
        raise ValidationError({"target": _("请指定督办的办件、环节任务或部门")})
    today = timezone.localdate()
    if deadline < today:
        errors["deadline"] = [_("回复期限不得早于今天")]
    try:
        reason = _text(reason, "reason")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        required_action = _text(required_action, "required_action")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    notice = SupervisionNotice.objects.create(
        target=target,
        case=case,
        task=task,
        department=unit,
        finding=finding,
        reason=reason,
        required_action=required_action,
        deadline=deadline,
        issued_by=actor,
        issued_at=timezone.now(),
    )
    audit.record(
        "supervision.notice_issue",
        actor=actor,
        obj=notice,
        detail={"department": unit.code, "case": case.case_no if case else "", "target": target},
    )
    _tell(
        unit_heads(unit.pk),
        _("督办通知"),
        _("%(unit)s：%(reason)s。整改要求：%(action)s。请于 %(deadline)s 前回复。")
        % {
            "unit": unit.name,
            "reason": reason,
            "action": required_action,
            "deadline": deadline.isoformat(),
        },
        case,
    )
    return notice


@transaction.atomic
def reply_to_notice(
    notice: SupervisionNotice, *, actor: User, explanation: str, fix: str
) -> SupervisionNotice:
    """The unit explains the delay or fault and says how it was fixed."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if not may_reply(actor, notice):
        raise PermissionDenied(_("只有责任单位负责人可以回复督办"))
    if notice.status != SupervisionNotice.Status.OPEN:
        raise NoticeStateError(_("该督办单当前不能回复"))
    errors: dict[str, list[str]] = {}
    for field, value in (("explanation", explanation), ("fix", fix)):
        try:
            _text(value, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    notice.explanation = explanation.strip()
    notice.fix = fix.strip()
    notice.status = SupervisionNotice.Status.REPLIED
    notice.replied_by = actor
    notice.replied_at = timezone.now()
    notice.save()
    audit.record("supervision.notice_reply", actor=actor, obj=notice)
    _tell(
        [notice.issued_by_id],
        _("督办已回复"),
        _("%(unit)s 已回复督办单 %(no)s。") % {"unit": notice.department.name, "no": notice.number},
        notice.case,
    )
    return notice


@transaction.atomic
def close_notice(notice: SupervisionNotice, *, actor: User, note: str = "") -> SupervisionNotice:
    """The supervisor accepts the reply: the notice is done."""
    _require_supervisor(actor)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.REPLIED:
        raise NoticeStateError(_("只有已回复的督办单可以办结"))
    notice.status = SupervisionNotice.Status.CLOSED
    notice.closed_by = actor
    notice.closed_at = timezone.now()
    notice.review_note = (note or "").strip()[:TEXT_LIMIT]
    notice.save()
    audit.record("supervision.notice_close", actor=actor, obj=notice)
    return notice


@transaction.atomic
def return_notice(
    notice: SupervisionNotice, *, actor: User, note: str, deadline: dt.date
) -> SupervisionNotice:
    """The reply does not satisfy: back to the unit with a new deadline."""
    _require_supervisor(actor)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.REPLIED:
        raise NoticeStateError(_("只有已回复的督办单可以退回"))
    note = _text(note, "note")
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("回复期限不得早于今天")]})
    notice.status = SupervisionNotice.Status.OPEN
    notice.deadline = deadline
    notice.review_note = note
    notice.save()
    audit.record("supervision.notice_return", actor=actor, obj=notice, detail={"note": note})
    _tell(
        unit_heads(notice.department_id),
        _("督办回复被退回"),
        _("督办单 %(no)s 的回复未通过：%(note)s。请于 %(deadline)s 前重新回复。")
        % {"no": notice.number, "note": note, "deadline": deadline.isoformat()},
        notice.case,
    )
    return notice


@transaction.atomic
def issue_card(
    department: Department,
    *,
    actor: User | None,
    colour: str,
    reason: str,
    notice: SupervisionNotice | None = None,
    at: dt.datetime | None = None,
) -> Card:
    """A red or yellow card for a unit; ``actor`` None: issued by the sweep."""
    if actor is not None:
        _require_supervisor(actor)
    if colour not in Level.values:
        raise ValidationError({"colour": _("颜色须为 yellow 或 red")})
    card = Card.objects.create(
        department=department,
        colour=colour,
        reason=_text(reason, "reason"),
        notice=notice,
        issued_by=actor,
        issued_at=at or timezone.now(),
    )
    audit.record(
        "supervision.card_issue",
        actor=actor,
        obj=card,
        detail={"department": department.code, "colour": colour},
    )
    _tell(
        unit_heads(department.pk) + role_holders("centre_manager"),
        _("红黄牌"),
        _("%(unit)s 被出示%(colour)s：%(reason)s")
        % {"unit": department.name, "colour": card.get_colour_display(), "reason": card.reason},
    )
    return card


def escalate_overdue_notices(*, day: dt.date, at: dt.datetime) -> int:
    """Open notices past their deadline: a yellow card at once, a red one after the grace
    period. Runs inside the sweep's transaction; the number of notices escalated."""
    grace = settings.ONEWINDOW_SUPERVISION_RED_CARD_WORKDAYS
    escalated = 0
    overdue = (
        SupervisionNotice.objects.select_for_update()
        .select_related("department")
        .filter(status=SupervisionNotice.Status.OPEN, deadline__lt=day, escalation_level__lt=2)
    )
    for notice in overdue:
        late = calendar.workdays_between(notice.deadline, day)
        level = 2 if late > grace else 1
        if level <= notice.escalation_level:
            continue
        for step in range(notice.escalation_level + 1, level + 1):
            colour = Level.YELLOW if step == 1 else Level.RED
            reason = _("督办单 %(no)s 逾期未回复（期限 %(deadline)s）") % {
                "no": notice.number,
                "deadline": notice.deadline.isoformat(),
            }
            try:
                with transaction.atomic():
                    issue_card(
                        notice.department,
                        actor=None,
                        colour=colour,
                        reason=reason,
                        notice=notice,
                        at=at,
                    )
            except IntegrityError:  # already shown for this notice
                pass
        notice.escalation_level = level
        notice.escalated_at = at
        notice.save(update_fields=["escalation_level", "escalated_at"])
        audit.record(
            "supervision.notice_escalate", obj=notice, detail={"level": level, "day": str(day)}
        )
        escalated += 1
    return escalated


@transaction.atomic
def set_finding_status(finding: Finding, *, actor: User, status: str) -> Finding:
    """A supervisor confirms a finding or dismisses it as a false alarm."""
    _require_supervisor(actor)
    if status not in Finding.Status.values:
        raise ValidationError({"status": _("状态无效")})
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    finding.status = status
    finding.save(update_fields=["status"])
    audit.record("supervision.finding_status", actor=actor, obj=finding, detail={"status": status})
    return finding
