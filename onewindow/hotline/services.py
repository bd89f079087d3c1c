"""Writes of the hotline. Each action is one transaction that locks the ticket row, checks the
caller's right (``PermissionDenied``), the state table (``lifecycle.check``) and the input
(``ValidationError``), in that order, then writes the ticket, one ``TicketEvent`` and one
audit record. An illegal move changes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.models import ItemImplementation
from onewindow.core import audit, calendar, crypto
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import lifecycle
from .models import (
    Assignment,
    Attachment,
    Category,
    Channel,
    Extension,
    Kind,
    KnowledgeAnswer,
    Open311Key,
    Open311Partner,
    RefusalReason,
    ReturnRequest,
    Satisfaction,
    Status,
    Ticket,
    TicketEvent,
    TicketSequence,
    Urgency,
)

S = Status
OFFICE_ROLE = "hotline_agent"
DEPARTMENT_ROLES = ("handler", "department_head")
DESCRIPTION_MAX = 4000  # Open311 GeoReport v2: description up to 4,000 characters
REPLY_MAX = 4000
NOTE_MAX = 2000
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{2,19}$")
# Where a refused caller is sent when the agent names no other place.
DEFAULT_REFERRALS = {
    RefusalReason.EMERGENCY: "请立即拨打110（报警）、119（火警）、120（急救）或122（交通事故）",
    RefusalReason.LITIGATION: "请向受理案件的人民法院、仲裁机构或行政复议机关反映",
}
ALLOWED_UPLOADS = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
KEY_PREFIX = "o311_"
KEY_DISPLAY_LENGTH = 11
KEY_DIGEST_PURPOSE = "open311_key"


# --- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def deadline_workdays(kind: str) -> int:
    days: dict[str, int] = settings.HOTLINE_DEADLINE_WORKDAYS
    return int(days[kind])


def _next_ticket_no() -> str:
    """The day's next number (``H`` + date + five digits): one upsert that locks the day's
    counter row until the caller commits."""
    day = today().strftime("%Y%m%d")
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1)"  # noqa: S608  # table name only
            " ON CONFLICT (day) DO UPDATE SET last = " + table + ".last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"H{day}{last:05d}"


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)


def _event(
    ticket: Ticket,
    action: str,
    *,
    actor: User | None,
    from_status: str,
    note: str = "",
    department: Department | None = None,
    detail: Mapping[str, Any] | None = None,
) -> TicketEvent:
    detail = json.loads(json.dumps(dict(detail or {}), cls=DjangoJSONEncoder))
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=actor,
        department=department,
        from_status=from_status,
        to_status=ticket.status,
        note=note,
        detail=detail,
    )
    audit.record(
        f"hotline.{action}",
        actor=actor,
        obj=ticket,
        detail={
            "ticket_no": ticket.ticket_no,
            "from": from_status,
            "to": ticket.status,
            **detail,
        },
    )
    return event


def is_office(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.holds(OFFICE_ROLE)


def in_department(user: Any, department_id: int | None) -> bool:
    if department_id is None or not getattr(user, "is_authenticated", False):
        return False
    return any(user.holds(role, department_id) for role in DEPARTMENT_ROLES)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_office(actor: User) -> None:
    _require(is_office(actor), _("仅热线话务员（热线办）可执行该操作"))


def _require_lead(actor: User, ticket: Ticket) -> Department:
    _require(
        in_department(actor, ticket.lead_department_id),
        _("仅主办部门的承办人或负责人可执行该操作"),
    )
    assert ticket.lead_department is not None
    return ticket.lead_department


def _text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("必填")]})
    if len(text) > limit:
        raise ValidationError({field: [_("长度不得超过 %(n)d 个字符") % {"n": limit}]})
    return text


def _check(ticket: Ticket, action: str) -> str:
    lifecycle.check(action, ticket.status)
    return ticket.status


def _set_deadline(ticket: Ticket, start: dt.date) -> None:
    result = calendar.add_workdays(start, deadline_workdays(ticket.kind))
    ticket.due_date = result.date
    ticket.due_provisional = result.provisional


def _lead_assignment(ticket: Ticket) -> Assignment | None:
    return (
        ticket.assignments.filter(role=Assignment.Role.LEAD)
        .exclude(status=Assignment.AssignmentStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )


def _decimal(value: Any, field: str, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: [_("须为数字")]}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError({field: [_("须在 %(a)s 到 %(b)s 之间") % {"a": low, "b": high}]})
    return number.quantize(Decimal("0.000001"))


def _sniff(head: bytes) -> str | None:
    for magic, content_type in ALLOWED_UPLOADS.items():
        if head.startswith(magic):
            return content_type
    return None


def _store_attachment(ticket: Ticket, upload: UploadedFile, actor: User | None) -> Attachment:
    limit: int = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError({"attachments": [_("附件不得超过 %(n)d MB") % {"n": limit >> 20}]})
    upload.seek(0)
    content_type = _sniff(upload.read(16))
    if content_type is None:
        raise ValidationError({"attachments": [_("附件只接受 PDF、JPEG、PNG 文件")]})
    upload.seek(0)
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    name = (upload.name or "attachment").rsplit("/", 1)[-1][-150:]
    attachment = Attachment(
        ticket=ticket,
        name=name,
        size=upload.size,
        content_type=content_type,
        sha256=sha.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


# --- intake ----------------------------------------------------------------------------------


def _clean_intake(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def grab(field: str, limit: int, *, required: bool = False) -> None:
        try:
            clean[field] = _text(data.get(field), field, limit=limit, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)

    grab("description", DESCRIPTION_MAX, required=True)
    grab("title", 200)
    grab("caller_name", 100)
    grab("caller_phone", 20)
    grab("caller_email", 254)
    grab("address", 300)
    grab("address_id", 64)
    grab("zipcode", 10)
    grab("media_url", 500)
    grab("account_id", 100)
    grab("device_id", 100)
    for field, choices in (("kind", Kind), ("channel", Channel), ("urgency", Urgency)):
        value = str(data.get(field) or ("normal" if field == "urgency" else ""))
        if value not in choices.values:
            errors[field] = [_("取值无效，可选：%(c)s") % {"c": ", ".join(choices.values)}]
        clean[field] = value
    phone = clean.get("caller_phone", "")
    if phone and not PHONE_PATTERN.match(phone):
        errors["caller_phone"] = [_("电话号码格式不正确")]
    for field, low, high in (("lat", -90, 90), ("long", -180, 180)):
        try:
            clean[field] = _decimal(data.get(field), field, low, high)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if (clean.get("lat") is None) != (clean.get("long") is None):
        errors.setdefault("lat", []).append(_("经纬度须同时提供"))
    category = data.get("category")
    if category is not None and not isinstance(category, Category):
        category = Category.objects.filter(code=str(category), is_active=True).first()
        if category is None:
            errors["category"] = [_("分类不存在或已停用")]
    clean["category"] = category
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict):
        errors["attributes"] = [_("附加信息格式不正确")]
        attributes = {}
    clean["attributes"] = {str(k)[:32]: v for k, v in attributes.items()}
    clean["caller_wants_anonymity"] = bool(data.get("caller_wants_anonymity"))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def create_ticket(
    data: Mapping[str, Any],
    *,
    actor: User | None,
    accept: bool = True,
    partner: Open311Partner | None = None,
    files: Iterable[UploadedFile] = (),
) -> Ticket:
    """Register a ticket. An agent taking a call accepts it at once (``accept``); requests from
    partner apps wait as ``received`` for the hotline office and get a token."""
    if partner is None:
        _require_office(actor)  # type: ignore[arg-type]
    clean = _clean_intake(data)
    ticket = Ticket(
        ticket_no=_next_ticket_no(),
        status=S.RECEIVED,
        partner=partner,
        created_by=actor,
        received_at=timezone.now(),
        **clean,
    )
    if partner is not None:
        ticket.token = secrets.token_hex(16)
    ticket.save()
    stored = [_store_attachment(ticket, upload, actor) for upload in files]
    _event(
        ticket,
        "receive",
        actor=actor,
        from_status="",
        detail={
            "channel": ticket.channel,
            "kind": ticket.kind,
            "partner": partner.name if partner else "",
            "attachments": len(stored),
        },
    )
    if accept:
        ticket = _accept(ticket, actor=actor, note="")
    return ticket


def _accept(ticket: Ticket, *, actor: User | None, note: str) -> Ticket:
    from_status = _check(ticket, "accept")
    ticket.status = S.ACCEPTED
    ticket.accepted_at = timezone.now()
    _set_deadline(ticket, timezone.localtime(ticket.accepted_at).date())
    ticket.save()
    _event(
        ticket,
        "accept",
        actor=actor,
        from_status=from_status,
        note=note,
        detail={"due_date": ticket.due_date},
    )
    return ticket


@transaction.atomic
def accept(
    ticket: Ticket,
    *,
    actor: User,
    kind: str = "",
    category: Category | None = None,
    note: str = "",
) -> Ticket:
    """The hotline office accepts a request that arrived from a partner app (or the web)."""
    _require_office(actor)
    ticket = _lock(ticket)
    lifecycle.check("accept", ticket.status)
    if kind:
        if kind not in Kind.values:
            raise ValidationError({"kind": [_("取值无效")]})
        ticket.kind = kind
    if category is not None:
        ticket.category = category
    return _accept(ticket, actor=actor, note=_text(note, "note", limit=NOTE_MAX, required=False))


@transaction.atomic
def refuse(
    ticket: Ticket, *, actor: User, reason: str, note: str = "", referral: str = ""
) -> Ticket:
    """Requests the hotline does not take: the reason and where to go instead."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "refuse")
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": [_("请选择不予受理的原因")]})
    referral = _text(referral, "referral", limit=300, required=False) or DEFAULT_REFERRALS.get(
        RefusalReason(reason), ""
    )
    if not referral:
        raise ValidationError({"referral": [_("请告知来电人应向何处反映")]})
    ticket.status = S.REFUSED
    ticket.refusal_reason = reason
    ticket.refusal_note = _text(note, "note", limit=NOTE_MAX, required=reason == "other")
    ticket.referral = referral
    ticket.closed_at = timezone.now()
    ticket.save()
    _event(
        ticket,
        "refuse",
        actor=actor,
        from_status=from_status,
        note=ticket.refusal_note,
        detail={"reason": reason, "referral": referral},
    )
    return ticket


@transaction.atomic
def merge(ticket: Ticket, *, actor: User, into: Ticket, note: str = "") -> Ticket:
    """并单: a duplicate joins an open ticket about the same matter and closes."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "merge")
    primary = Ticket.objects.select_for_update().get(pk=into.pk)
    if primary.pk == ticket.pk:
        raise ValidationError({"into": [_("不能并入工单本身")]})
    if not primary.is_open or primary.status == S.RECEIVED:
        raise ValidationError({"into": [_("只能并入已受理且未办结的工单")]})
    ticket.status = S.MERGED
    ticket.merged_into = primary
    ticket.closed_at = timezone.now()
    ticket.save()
    note = _text(note, "note", limit=NOTE_MAX, required=False)
    _event(
        ticket,
        "merge",
        actor=actor,
        from_status=from_status,
        note=note,
        detail={"into": primary.ticket_no},
    )
    TicketEvent.objects.create(
        ticket=primary,
        action="merge_in",
        actor=actor,
        from_status=primary.status,
        to_status=primary.status,
        note=note,
        detail={"duplicate": ticket.ticket_no},
    )
    return ticket


# --- answering and dispatch ------------------------------------------------------------------


@transaction.atomic
def answer(
    ticket: Ticket, *, actor: User, reply: str, knowledge: KnowledgeAnswer | None = None
) -> Ticket:
    """Answered on the spot, typically a consultation from the knowledge base."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "answer")
    ticket.reply = _text(reply, "reply", limit=REPLY_MAX)
    ticket.status = S.REPLIED
    ticket.answered_on_spot = True
    ticket.replied_at = timezone.now()
    ticket.replied_on_time = True
    ticket.save()
    if knowledge is not None:
        KnowledgeAnswer.objects.filter(pk=knowledge.pk).update(usage_count=F("usage_count") + 1)
    _event(
        ticket,
        "answer",
        actor=actor,
        from_status=from_status,
        note=ticket.reply,
        detail={"knowledge": knowledge.pk if knowledge else None},
    )
    return ticket


def _departments(values: Iterable[Any]) -> list[Department]:
    found: list[Department] = []
    for value in values:
        department = (
            value
            if isinstance(value, Department)
            else Department.objects.filter(code=str(value), is_active=True).first()
        )
        if department is None:
            raise ValidationError({"assisting": [_("部门 %(c)s 不存在") % {"c": value}]})
        if department not in found:
            found.append(department)
    return found


@transaction.atomic
def dispatch(
    ticket: Ticket,
    *,
    actor: User,
    lead: Department | str | None = None,
    assisting: Iterable[Department | str] | None = None,
    note: str = "",
) -> Ticket:
    """派单: to a lead department (default: the category's) with assisting departments."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "dispatch")
    category = ticket.category
    if lead is None and category is not None:
        lead = category.lead_department
    if lead is None:
        raise ValidationError({"lead": [_("请选择主办部门")]})
    (lead_department,) = _departments([lead])
    if assisting is None:
        assisting = list(category.assisting_departments.all()) if category else []
    helpers = [d for d in _departments(assisting) if d.pk != lead_department.pk]
    now = timezone.now()
    ticket.assignments.exclude(
        status__in=[Assignment.AssignmentStatus.DONE, Assignment.AssignmentStatus.RETURNED]
    ).update(status=Assignment.AssignmentStatus.CANCELLED)
    Assignment.objects.create(
        ticket=ticket, department=lead_department, role=Assignment.Role.LEAD, dispatched_at=now
    )
    for department in helpers:
        Assignment.objects.create(
            ticket=ticket, department=department, role=Assignment.Role.ASSIST, dispatched_at=now
        )
    ticket.status = S.DISPATCHED
    ticket.lead_department = lead_department
    ticket.dispatched_at = now
    ticket.save()
    _event(
        ticket,
        "dispatch",
        actor=actor,
        from_status=from_status,
        note=_text(note, "note", limit=NOTE_MAX, required=False),
        department=lead_department,
        detail={"lead": lead_department.code, "assisting": [d.code for d in helpers]},
    )
    return ticket


# --- the department side ---------------------------------------------------------------------


@transaction.atomic
def sign(ticket: Ticket, *, actor: User) -> Ticket:
    ticket = _lock(ticket)
    department = _require_lead(actor, ticket)
    from_status = _check(ticket, "sign")
    assignment = _lead_assignment(ticket)
    if assignment is not None:
        assignment.status = Assignment.AssignmentStatus.SIGNED
        assignment.signed_at = timezone.now()
        assignment.save(update_fields=["status", "signed_at"])
    ticket.status = S.SIGNED
    ticket.save()
    _event(ticket, "sign", actor=actor, from_status=from_status, department=department)
    return ticket


@transaction.atomic
def return_ticket(
    ticket: Ticket,
    *,
    actor: User,
    reasons: str,
    suggested_department: Department | str | None = None,
) -> Ticket:
    """退单: the lead department sends the ticket back with its reasons, for review."""
    ticket = _lock(ticket)
    department = _require_lead(actor, ticket)
    from_status = _check(ticket, "return")
    reasons = _text(reasons, "reasons", limit=NOTE_MAX)
    suggested = _departments([suggested_department])[0] if suggested_department else None
    assignment = _lead_assignment(ticket)
    if assignment is not None:
        assignment.status = Assignment.AssignmentStatus.RETURNED
        assignment.opinion = reasons
        assignment.save(update_fields=["status", "opinion"])
    ReturnRequest.objects.create(
        ticket=ticket,
        department=department,
        reasons=reasons,
        suggested_department=suggested,
        requested_by=actor,
    )
    ticket.status = S.RETURNED
    ticket.save()
    _event(
        ticket,
        "return",
        actor=actor,
        from_status=from_status,
        note=reasons,
        department=department,
        detail={"suggested": suggested.code if suggested else ""},
    )
    return ticket


def _pending_return(ticket: Ticket) -> ReturnRequest:
    pending = ticket.returns.filter(decision=ReturnRequest.Decision.PENDING).order_by("-pk").first()
    if pending is None:  # a returned ticket always has one; guard against hand-edited rows
        raise lifecycle.InvalidTransition("review_return", ticket.status, "no pending return")
    return pending


@transaction.atomic
def approve_return(ticket: Ticket, *, actor: User, note: str = "") -> Ticket:
    """The hotline office agrees: the ticket is back with it, to be dispatched again."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "approve_return")
    pending = _pending_return(ticket)
    pending.decision = ReturnRequest.Decision.APPROVED
    pending.decided_by = actor
    pending.decided_at = timezone.now()
    pending.decision_note = _text(note, "note", limit=NOTE_MAX, required=False)
    pending.save()
    ticket.assignments.filter(
        status__in=[Assignment.AssignmentStatus.PENDING, Assignment.AssignmentStatus.SIGNED]
    ).update(status=Assignment.AssignmentStatus.CANCELLED)
    ticket.status = S.ACCEPTED
    ticket.lead_department = None
    ticket.save()
    _event(
        ticket, "approve_return", actor=actor, from_status=from_status, note=pending.decision_note
    )
    return ticket


@transaction.atomic
def reject_return(ticket: Ticket, *, actor: User, note: str) -> Ticket:
    """The hotline office disagrees, with its reasons: the department must handle it."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "reject_return")
    note = _text(note, "note", limit=NOTE_MAX)
    pending = _pending_return(ticket)
    pending.decision = ReturnRequest.Decision.REJECTED
    pending.decided_by = actor
    pending.decided_at = timezone.now()
    pending.decision_note = note
    pending.save()
    assignment = _lead_assignment(ticket)
    if assignment is not None:
        assignment.status = Assignment.AssignmentStatus.PENDING
        assignment.save(update_fields=["status"])
    ticket.status = S.DISPATCHED
    ticket.save()
    _event(ticket, "reject_return", actor=actor, from_status=from_status, note=note)
    return ticket


@transaction.atomic
def assist(ticket: Ticket, *, actor: User, opinion: str) -> Ticket:
    """An assisting department's opinion (协办意见) for the lead department."""
    ticket = _lock(ticket)
    assignment = next(
        (
            a
            for a in ticket.assignments.filter(
                role=Assignment.Role.ASSIST,
                status__in=[
                    Assignment.AssignmentStatus.PENDING,
                    Assignment.AssignmentStatus.SIGNED,
                ],
            )
            if in_department(actor, a.department_id)
        ),
        None,
    )
    _require(assignment is not None, _("仅协办部门的承办人或负责人可提交协办意见"))
    assert assignment is not None
    from_status = _check(ticket, "assist")
    assignment.opinion = _text(opinion, "opinion", limit=NOTE_MAX)
    assignment.status = Assignment.AssignmentStatus.DONE
    assignment.signed_at = assignment.signed_at or timezone.now()
    assignment.save()
    _event(
        ticket,
        "assist",
        actor=actor,
        from_status=from_status,
        note=assignment.opinion,
        department=assignment.department,
    )
    return ticket


@transaction.atomic
def request_extension(ticket: Ticket, *, actor: User, workdays: Any, reason: str) -> Ticket:
    """延期申请: before the deadline, one at a time, within the configured limits."""
    ticket = _lock(ticket)
    department = _require_lead(actor, ticket)
    from_status = _check(ticket, "request_extension")
    try:
        days = int(workdays)
    except (TypeError, ValueError):
        raise ValidationError({"workdays": [_("须为整数")]}) from None
    limit: int = settings.HOTLINE_MAX_EXTENSION_WORKDAYS
    if not 1 <= days <= limit:
        raise ValidationError({"workdays": [_("延期须为1至%(n)d个工作日") % {"n": limit}]})
    reason = _text(reason, "reason", limit=NOTE_MAX)
    if ticket.due_date is not None and today() > ticket.due_date:
        raise ValidationError({"workdays": [_("已超过办理时限，不能再申请延期")]})
    if ticket.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise ValidationError({"workdays": [_("已有待审批的延期申请")]})
    approved = ticket.extensions.filter(decision=Extension.Decision.APPROVED).count()
    if approved >= settings.HOTLINE_MAX_EXTENSIONS:
        raise ValidationError({"workdays": [_("该工单的延期次数已用完")]})
    Extension.objects.create(ticket=ticket, workdays=days, reason=reason, requested_by=actor)
    _event(
        ticket,
        "request_extension",
        actor=actor,
        from_status=from_status,
        note=reason,
        department=department,
        detail={"workdays": days},
    )
    return ticket


@transaction.atomic
def decide_extension(ticket: Ticket, *, actor: User, approve: bool, note: str = "") -> Ticket:
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "decide_extension")
    pending = ticket.extensions.filter(decision=Extension.Decision.PENDING).first()
    if pending is None:
        raise ValidationError({"decision": [_("没有待审批的延期申请")]})
    note = _text(note, "note", limit=NOTE_MAX, required=not approve)
    pending.decided_by = actor
    pending.decided_at = timezone.now()
    pending.decision_note = note
    pending.old_due_date = ticket.due_date
    if approve:
        assert ticket.due_date is not None
        result = calendar.add_workdays(ticket.due_date, pending.workdays)
        ticket.due_date = result.date
        ticket.due_provisional = ticket.due_provisional or result.provisional
        ticket.extended_workdays += pending.workdays
        pending.decision = Extension.Decision.APPROVED
    else:
        pending.decision = Extension.Decision.REFUSED
    pending.new_due_date = ticket.due_date
    pending.save()
    ticket.save()
    _event(
        ticket,
        "approve_extension" if approve else "refuse_extension",
        actor=actor,
        from_status=from_status,
        note=note,
        detail={"workdays": pending.workdays, "due_date": ticket.due_date},
    )
    return ticket


@transaction.atomic
def reply(ticket: Ticket, *, actor: User, reply: str) -> Ticket:
    """The lead department's reply to the caller; on time when given by the due date."""
    ticket = _lock(ticket)
    department = _require_lead(actor, ticket)
    from_status = _check(ticket, "reply")
    ticket.reply = _text(reply, "reply", limit=REPLY_MAX)
    ticket.replied_at = timezone.now()
    ticket.replied_on_time = ticket.due_date is None or today() <= ticket.due_date
    ticket.status = S.REPLIED
    ticket.save()
    assignment = _lead_assignment(ticket)
    if assignment is not None:
        assignment.status = Assignment.AssignmentStatus.DONE
        assignment.save(update_fields=["status"])
    ticket.extensions.filter(decision=Extension.Decision.PENDING).update(
        decision=Extension.Decision.REFUSED, decision_note=_("已答复，申请自动失效")
    )
    _event(
        ticket,
        "reply",
        actor=actor,
        from_status=from_status,
        note=ticket.reply,
        department=department,
        detail={"on_time": ticket.replied_on_time},
    )
    return ticket


@transaction.atomic
def callback(ticket: Ticket, *, actor: User, result: str, note: str = "") -> Ticket:
    """回访: satisfied closes; not satisfied reopens the ticket once, then closes."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "callback")
    if result not in Satisfaction.values:
        raise ValidationError({"result": [_("请选择满意或不满意")]})
    note = _text(note, "note", limit=NOTE_MAX, required=result == Satisfaction.UNSATISFIED)
    ticket.callback_result = result
    ticket.callback_at = timezone.now()
    reopened = result == Satisfaction.UNSATISFIED and ticket.reopen_count == 0
    if reopened:
        ticket.reopen_count += 1
        ticket.answered_on_spot = False
        ticket.replied_at = None
        ticket.replied_on_time = None
        _set_deadline(ticket, today())
        if ticket.lead_department is not None:
            ticket.status = S.DISPATCHED
            ticket.dispatched_at = timezone.now()
            Assignment.objects.create(
                ticket=ticket, department=ticket.lead_department, role=Assignment.Role.LEAD
            )
        else:  # answered on the spot: the office dispatches it now
            ticket.status = S.ACCEPTED
    else:
        ticket.status = S.CLOSED
        ticket.closed_at = timezone.now()
    ticket.save()
    _event(
        ticket,
        "callback",
        actor=actor,
        from_status=from_status,
        note=note,
        detail={"result": result, "reopened": reopened},
    )
    return ticket


@transaction.atomic
def close(ticket: Ticket, *, actor: User, note: str) -> Ticket:
    """Close a replied ticket without a callback (the caller unreachable or declined)."""
    _require_office(actor)
    ticket = _lock(ticket)
    from_status = _check(ticket, "close")
    note = _text(note, "note", limit=NOTE_MAX)
    ticket.status = S.CLOSED
    ticket.closed_at = timezone.now()
    ticket.save()
    _event(ticket, "close", actor=actor, from_status=from_status, note=note)
    return ticket


def perform(ticket: Ticket, action: str, *, actor: User, payload: Mapping[str, Any]) -> Ticket:
    """One action by name, as the API and the pages send it."""
    p = dict(payload)
    note = p.get("note") or ""
    if action not in lifecycle.TRANSITIONS:
        raise lifecycle.InvalidTransition(action, ticket.status, f"unknown action {action!r}")
    if action == "accept":
        category = None
        if p.get("category"):
            category = Category.objects.filter(code=p["category"], is_active=True).first()
            if category is None:
                raise ValidationError({"category": [_("分类不存在或已停用")]})
        return accept(ticket, actor=actor, kind=p.get("kind") or "", category=category, note=note)
    if action == "refuse":
        return refuse(
            ticket,
            actor=actor,
            reason=p.get("reason") or "",
            note=note,
            referral=p.get("referral") or "",
        )
    if action == "merge":
        into = Ticket.objects.filter(ticket_no=str(p.get("into") or "")[:20]).first()
        if into is None:
            _require_office(actor)
            lifecycle.check("merge", ticket.status)
            raise ValidationError({"into": [_("被并入的工单不存在")]})
        return merge(ticket, actor=actor, into=into, note=note)
    if action == "answer":
        knowledge = None
        if p.get("knowledge_id"):
            knowledge = KnowledgeAnswer.objects.filter(pk=p["knowledge_id"], is_active=True).first()
        return answer(ticket, actor=actor, reply=p.get("reply") or "", knowledge=knowledge)
    if action == "dispatch":
        assisting = p.get("assisting")
        return dispatch(
            ticket, actor=actor, lead=p.get("lead") or None, assisting=assisting, note=note
        )
    if action == "sign":
        return sign(ticket, actor=actor)
    if action == "return":
        return return_ticket(
            ticket,
            actor=actor,
            reasons=p.get("reasons") or note,
            suggested_department=p.get("suggested_department") or None,
        )
    if action == "approve_return":
        return approve_return(ticket, actor=actor, note=note)
    if action == "reject_return":
        return reject_return(ticket, actor=actor, note=note)
    if action == "assist":
        return assist(ticket, actor=actor, opinion=p.get("opinion") or note)
    if action == "request_extension":
        return request_extension(
            ticket, actor=actor, workdays=p.get("workdays"), reason=p.get("reason") or note
        )
    if action == "decide_extension":
        return decide_extension(ticket, actor=actor, approve=bool(p.get("approve")), note=note)
    if action == "reply":
        return reply(ticket, actor=actor, reply=p.get("reply") or "")
    if action == "callback":
        return callback(ticket, actor=actor, result=p.get("result") or "", note=note)
    return close(ticket, actor=actor, note=note)


# --- knowledge base --------------------------------------------------------------------------


@transaction.atomic
def save_answer(
    data: Mapping[str, Any], *, actor: User, answer: KnowledgeAnswer | None = None
) -> KnowledgeAnswer:
    """Create or edit a knowledge-base answer; a department keeps its own answers."""
    department = data.get("department") if answer is None else answer.department
    if not isinstance(department, Department):
        department = Department.objects.filter(code=str(department or "")).first()
    if department is None:
        raise ValidationError({"department": [_("请选择维护部门")]})
    _require(in_department(actor, department.pk), _("只能维护本部门的知识库答复"))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, limit, required in (
        ("question", 200, True),
        ("answer", REPLY_MAX, True),
        ("keywords", 300, False),
    ):
        try:
            values[field] = _text(data.get(field), field, limit=limit, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    row = answer or KnowledgeAnswer(department=department)
    row.question = values["question"]
    row.answer = values["answer"]
    row.keywords = values["keywords"]
    row.category = data.get("category") or None
    row.is_active = bool(data.get("is_active", True))
    row.updated_by = actor
    row.save()
    items = data.get("items")
    if items is not None:
        row.items.set([i for i in items if isinstance(i, ItemImplementation)])
    audit.record(
        "hotline.save_answer",
        actor=actor,
        obj=row,
        detail={"created": answer is None, "department": department.code},
    )
    return row


# --- Open311 partner apps --------------------------------------------------------------------


def _key_digest(secret: str) -> str:
    return crypto.digest(secret, purpose=KEY_DIGEST_PURPOSE)


@transaction.atomic
def create_partner(name: str, *, contact: str = "", actor: User | None) -> Open311Partner:
    name = _text(name, "name", limit=100)
    if Open311Partner.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("已有同名的合作应用")]})
    partner = Open311Partner.objects.create(name=name, contact=contact.strip()[:200])
    audit.record("hotline.create_partner", actor=actor, obj=partner, detail={"name": name})
    return partner


@transaction.atomic
def issue_open311_key(partner: Open311Partner, *, actor: User | None) -> tuple[Open311Key, str]:
    """A new api_key for ``partner``: ``(key, secret)``; the secret exists only here."""
    body = base64.b32encode(secrets.token_bytes(32)).decode("ascii").rstrip("=").lower()
    secret = KEY_PREFIX + body
    key = Open311Key.objects.create(
        partner=partner, prefix=secret[:KEY_DISPLAY_LENGTH], digest=_key_digest(secret)
    )
    audit.record(
        "hotline.issue_open311_key",
        actor=actor,
        obj=key,
        detail={"partner": partner.name, "prefix": key.prefix},
    )
    return key, secret


@transaction.atomic
def revoke_open311_key(key: Open311Key, *, actor: User | None) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record("hotline.revoke_open311_key", actor=actor, obj=key)


def authenticate_open311_key(secret: str) -> Open311Key | None:
    """The active key with this secret (of an active partner), or None."""
    secret = (secret or "").strip()
    if not secret.startswith(KEY_PREFIX) or len(secret) > 80:
        return None
    key = (
        Open311Key.objects.select_related("partner")
        .filter(digest=_key_digest(secret), revoked_at=None, partner__is_active=True)
        .first()
    )
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
            Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@transaction.atomic
def take_call(
    data: Mapping[str, Any],
    *,
    actor: User,
    disposition: str,
    files: Iterable[UploadedFile] = (),
) -> Ticket:
    """The agent console's one screen: register and accept the ticket, then answer it on the
    spot, dispatch it, refuse it or leave it accepted — all or nothing."""
    ticket = create_ticket(data, actor=actor, accept=disposition != "refuse", files=files)
    if disposition == "answer":
        knowledge = data.get("knowledge")
        return answer(
            ticket,
            actor=actor,
            reply=data.get("reply") or "",
            knowledge=knowledge if isinstance(knowledge, KnowledgeAnswer) else None,
        )
    if disposition == "dispatch":
        return dispatch(
            ticket,
            actor=actor,
            lead=data.get("lead") or None,
            assisting=data.get("assisting") or None,
            note=data.get("note") or "",
        )
    if disposition == "refuse":
        return refuse(
            ticket,
            actor=actor,
            reason=data.get("refusal_reason") or "",
            note=data.get("note") or "",
            referral=data.get("referral") or "",
        )
    return ticket
