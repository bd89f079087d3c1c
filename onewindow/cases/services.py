"""Writes of the case engine. Each action is one transaction that locks the case row, checks
the state table (``engine.check``) and the caller's right, writes the new state, the tasks and
one ``CaseEvent`` and one audit record, and queues side effects on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.models import ItemImplementation, ItemVersion, ProcessStage
from onewindow.core import audit, calendar, crypto
from onewindow.identity import queries as identity_queries
from onewindow.identity import validators
from onewindow.identity.models import User

from . import engine, signals
from .models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseSequence,
    Channel,
    Message,
    Status,
    StoredFile,
    Suspension,
    Task,
)

log = logging.getLogger(__name__)
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TaskStatus = Task.TaskStatus


# --- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def _next_case_no() -> str:
    """The day's next number: one upsert that locks the day's row until the caller commits."""
    day = today().strftime("%Y%m%d")
    table = connection.ops.quote_name(CaseSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1)"  # noqa: S608  # table name only
            " ON CONFLICT (day) DO UPDATE SET last = " + table + ".last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{day}{last:06d}"


def _query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def _lock(case: Case) -> Case:
    """The case row, locked until the action commits: every action on a case runs under it.

    Only the case row is read (and locked): the item version, department and implementation
    are loaded when an action needs them, and the encrypted applicant fields, which no action
    changes, are left unread (so neither decrypted on load nor re-encrypted on save). An item
    version is frozen once published (``catalog.services.update_draft``), so the one ``case``
    was read with, if any, is kept rather than read again.
    """
    locked = (
        Case.objects.select_for_update(of=("self",))
        .defer("applicant_id_number", "applicant_phone")
        .get(pk=case.pk)
    )
    version = Case._meta.get_field("item_version")
    if version.is_cached(case) and case.item_version_id == locked.item_version_id:
        version.set_cached_value(locked, version.get_cached_value(case))
    return locked


def _record(
    case: Case,
    action: str,
    *,
    actor: User | None,
    from_status: str,
    note: str = "",
    on_behalf_of: User | None = None,
    detail: Mapping[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        action=action,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_status=from_status,
        to_status=case.status,
        note=note,
        detail=dict(detail or {}),
    )
    audit.record(
        f"case.{action}",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=case,
        detail={"case_no": case.case_no, "from": from_status, "to": case.status},
    )
    return event


def _notify(case: Case, subject: str, body: str) -> None:
    """An in-app message to the applicant (and agent), written with the action itself: it
    exists exactly when the action has committed, and never for one rolled back."""
    if case.applicant_id is None:
        return
    recipients = {case.applicant_id} | ({case.agent_id} if case.agent_id else set())
    Message.objects.bulk_create(
        Message(recipient_id=user_id, case=case, subject=subject, body=body)
        for user_id in recipients
    )


def _issue(event: CaseEvent) -> None:
    """Queue the notice of ``event`` once the action commits (Celery; eager when embedded).
    What the notice says comes from the event alone (``tasks.notice_for``), so that the
    catch-up can queue it again if the process died between the commit and the queue."""
    from . import tasks

    kind, options = tasks.notice_for(event)
    transaction.on_commit(lambda: tasks.issue_notice.delay(event.pk, kind, options))


def _holds(user: User, role: str, department_id: int | None) -> bool:
    # A general window (综合窗口) clerk accepts for every department (一窗受理).
    return user.holds(role, None if role == "window_clerk" else department_id)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _reasons(reasons: Iterable[str] | None, field: str = "reasons") -> list[str]:
    cleaned = [str(r).strip()[:500] for r in (reasons or []) if str(r).strip()]
    if not cleaned:
        raise ValidationError({field: _("须说明理由")})
    if len(cleaned) > 50:
        raise ValidationError({field: _("理由不得超过50条")})
    return cleaned


# --- submission ------------------------------------------------------------------------------


def _missing_property(error: jsonschema.ValidationError) -> str:
    """The field a ``required`` error is about (its message quotes the name with ``repr``)."""
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    for name in error.validator_value or ():
        if name not in instance and error.message == f"{name!r} is a required property":
            return str(name)
    return ""


def validate_form(version: ItemVersion, form: Mapping[str, Any]) -> dict[str, Any]:
    """Check the form against the item's JSON Schema; errors name each field."""
    if not isinstance(form, Mapping):
        raise ValidationError({"form": _("申请表须为 JSON 对象")})
    schema = version.form_schema or {"type": "object"}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(dict(form)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            path.append(_missing_property(error))
        name = "form." + ".".join(path) if path else "form"
        field = schema.get("properties", {}).get(path[0], {}) if path else {}
        title = field.get("title", "") if isinstance(field, Mapping) else ""  # or a boolean schema
        reason = {
            "required": _("必填"),
            "pattern": _("格式不正确"),
            "type": _("类型不正确"),
            "maxLength": _("过长"),
            "minLength": _("过短"),
            "enum": _("不在可选范围内"),
            "format": _("格式不正确"),
            "minimum": _("过小"),
            "maximum": _("过大"),
        }.get(str(error.validator), _("取值无效"))
        errors.setdefault(name, []).append(f"{title}{reason}" if title else reason)
    if errors:
        raise ValidationError(errors)
    return dict(form)


def _as_id(value: Any) -> int | None:
    """A primary key given in a request (a positive 64-bit integer), or None when it cannot
    be one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _resolve_materials(
    version: ItemVersion,
    materials: Iterable[Mapping[str, Any]],
    *,
    actor: User,
    require_all: bool = True,
) -> list[tuple[Any, StoredFile]]:
    materials = list(materials)
    requirements = {m.pk: m for m in version.materials.all()}
    # Every uploaded file named, in one query (a filing names several).
    files = StoredFile.objects.in_bulk(
        {
            file_id
            for entry in materials
            if not entry.get("licence_id") and (file_id := _as_id(entry.get("file_id")))
        }
    )
    chosen: list[tuple[Any, StoredFile]] = []
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, entry in enumerate(materials):
        key = f"materials.{index}"
        try:
            requirement = requirements[int(entry.get("requirement_id"))]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            errors[key] = [_("材料要求不属于该事项")]
            continue
        if entry.get("licence_id"):
            # 免提交: a valid licence of the right type held by the applicant, from the licence
            # library, stands in for the upload; the library records the use.
            from onewindow.licences import services as licence_services

            try:
                stored = licence_services.material_from_licence(
                    str(entry.get("licence_id")), requirement=requirement, actor=actor
                )
            except ValidationError as exc:
                errors[key] = exc.messages
                continue
            seen.add(requirement.pk)
            chosen.append((requirement, stored))
            continue
        upload = files.get(_as_id(entry.get("file_id")) or 0)
        if upload is None:
            errors[key] = [_("文件不存在")]
            continue
        if upload.uploaded_by_id != actor.pk:
            errors[key] = [_("只能使用本人上传的文件")]
            continue
        seen.add(requirement.pk)
        chosen.append((requirement, upload))
    if require_all:
        for requirement in requirements.values():
            if (
                requirement.required
                and requirement.source == "applicant"
                and requirement.pk not in seen
            ):
                errors.setdefault("materials", []).append(
                    _("缺少必要材料：%(name)s") % {"name": requirement.name}
                )
    if errors:
        raise ValidationError(errors)
    return chosen


def _applicant_fields(
    *, actor: User, applicant: Mapping[str, Any] | None
) -> tuple[dict[str, Any], User | None, User | None]:
    """The applicant's data, the applicant's account (if any) and the agent (if any)."""
    if applicant is None:
        if actor.kind == User.Kind.STAFF:
            raise ValidationError({"applicant": _("工作人员代为申请须填写申请人信息")})
        org = getattr(actor, "organization", None) if actor.kind == User.Kind.ORGANIZATION else None
        return (
            {
                "applicant_kind": actor.kind,
                "applicant_name": actor.name,
                "applicant_id_number": org.credit_code if org else actor.id_number,
                "applicant_phone": actor.phone,
            },
            actor,
            None,
        )
    kind = applicant.get("kind")
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {"applicant_kind": kind}
    try:
        data["applicant_name"] = validators.clean_name(
            str(applicant.get("name", "")), max_length=200
        )
    except ValidationError as exc:
        errors["applicant.name"] = exc.messages
    try:
        if kind == "person":
            data["applicant_id_number"] = validators.clean_id_number(
                str(applicant.get("id_number", ""))
            )
        elif kind == "organization":
            data["applicant_id_number"] = validators.clean_credit_code(
                str(applicant.get("credit_code", ""))
            )
        else:
            errors["applicant.kind"] = [_("申请人类型须为 person 或 organization")]
    except ValidationError as exc:
        errors["applicant.id_number" if kind == "person" else "applicant.credit_code"] = (
            exc.messages
        )
    phone = str(applicant.get("phone", "") or "")
    if phone:
        try:
            data["applicant_phone"] = validators.clean_phone(phone)
        except ValidationError as exc:
            errors["applicant.phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    account = _find_account(kind, data["applicant_id_number"])
    if actor.kind == User.Kind.STAFF:
        _require(actor.has_role("window_clerk"), _("只有窗口受理人员可以代为提交申请"))
        return data, account, None
    # An agent or an organisation's operator filing for someone else.
    if account is None or not identity_queries.can_act_for(actor, account, "file"):
        raise PermissionDenied(_("您没有代该申请人办理的授权"))
    data["applicant_name"] = account.name
    data["applicant_phone"] = data.get("applicant_phone") or account.phone
    return data, account, actor


def _find_account(kind: Any, number: str) -> User | None:
    if kind == "person":
        return User.objects.filter(
            id_number_digest=crypto.digest(number, purpose="id_number"), is_active=True
        ).first()
    return User.objects.filter(organization__credit_code=number, is_active=True).first()


@transaction.atomic
def submit_case(
    implementation: ItemImplementation,
    *,
    form: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]],
    channel: str,
    actor: User,
    applicant: Mapping[str, Any] | None = None,
) -> Case:
    """File an application: it enters ``submitted`` under the item's current version."""
    version = implementation.current_version
    if version is None or version.status != ItemVersion.Status.PUBLISHED:
        raise ValidationError({"item_code": _("该事项未发布，不能申请")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("办理渠道无效")})
    if channel != Channel.WINDOW and version.online_depth < ItemVersion.OnlineDepth.PRE_REVIEW:
        raise ValidationError({"item_code": _("该事项不支持网上申请，请到窗口办理")})
    applicant_data, account, agent = _applicant_fields(actor=actor, applicant=applicant)
    cleaned_form = validate_form(version, form)
    chosen = _resolve_materials(version, materials, actor=actor)
    # draft → submitted in one insert: the draft exists only inside this transaction.
    engine.check("submit", Status.DRAFT)
    case = Case.objects.create(
        case_no=_next_case_no(),
        query_code=_query_code(),
        implementation=implementation,
        item_version=version,
        lead_department=implementation.department,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        channel=channel,
        applicant=account,
        agent=agent,
        filed_by=actor,
        form=cleaned_form,
        applicant_id_digest=crypto.digest(
            applicant_data["applicant_id_number"], purpose="id_number"
        ),
        **applicant_data,
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(case=case, requirement=requirement, file=stored)
        for requirement, stored in chosen
    )
    _record(
        case,
        "submit",
        actor=actor,
        from_status=Status.DRAFT,
        on_behalf_of=account if account is not None and account.pk != actor.pk else None,
    )
    _notify(
        case,
        _("申请已提交"),
        _("您的申请 %(no)s 已提交，查询码 %(code)s。")
        % {"no": case.case_no, "code": case.query_code},
    )
    return case


# --- acceptance ------------------------------------------------------------------------------


def _may_accept(user: User, case: Case) -> bool:
    return _holds(user, "window_clerk", None) or _holds(user, "handler", case.lead_department_id)


def _start_clocks(case: Case) -> None:
    version = case.item_version
    start = today()
    promised = calendar.add_workdays(start, version.promised_days)
    case.promised_due_date = promised.date
    provisional = promised.provisional
    if version.statutory_days is None:
        case.statutory_due_date = None
    elif version.statutory_unit == ItemVersion.LimitUnit.WORKDAY:
        statutory = calendar.add_workdays(start, version.statutory_days)
        case.statutory_due_date = statutory.date
        provisional = provisional or statutory.provisional
    else:
        case.statutory_due_date = start + dt.timedelta(days=version.statutory_days)
    case.clock_provisional = provisional


def _create_tasks(case: Case, stages: Iterable[ProcessStage]) -> None:
    """The tasks of ``stages`` (the version's, their departments prefetched); the first stage
    starts."""
    tasks = []
    for stage in stages:
        for department in stage.departments.all():
            tasks.append(
                Task(
                    case=case,
                    stage=stage.position,
                    stage_name=stage.name,
                    role=stage.role,
                    department=department,
                    parallel=stage.parallel,
                    days=stage.days,
                )
            )
    Task.objects.bulk_create(tasks)
    # Every task is new and waiting: with their ids back from the insert they need no read.
    _activate_next_stage(case, tasks if all(t.pk is not None for t in tasks) else None)


def _activate_next_stage(case: Case, tasks: Iterable[Task] | None = None) -> bool:
    """Start the first stage still waiting; False when every stage is done.

    ``tasks``: the case's tasks when the caller has read them already (under the case lock).
    """
    if tasks is None:
        tasks = case.tasks.filter(status=TaskStatus.WAITING)
    waiting = sorted((t for t in tasks if t.status == TaskStatus.WAITING), key=lambda t: t.stage)
    if not waiting:
        return False
    first = waiting[0]
    stage_tasks = [t for t in waiting if t.stage == first.stage]
    due = calendar.add_workdays(today(), first.days).date
    now = timezone.now()
    for task in stage_tasks:
        task.status = TaskStatus.ACTIVE
        task.started_at = now
        task.due_date = due
    Task.objects.bulk_update(stage_tasks, ["status", "started_at", "due_date"])
    return True


@transaction.atomic
def accept(case: Case, *, actor: User, note: str = "") -> Case:
    case = _lock(case)
    _require(_may_accept(actor, case), _("只有窗口受理人员或本部门承办人可以受理"))
    engine.check("accept", case.status)
    before = case.status
    case.accepted_at = timezone.now()
    _start_clocks(case)
    stages = list(case.item_version.stages.prefetch_related("departments"))
    has_stages = bool(stages)
    case.status = Status.IN_REVIEW if has_stages else Status.ACCEPTED
    case.save()
    if has_stages:
        _create_tasks(case, stages)
    event = _record(case, "accept", actor=actor, from_status=before, note=note)
    _issue(event)
    _notify(
        case,
        _("申请已受理"),
        _("您的申请 %(no)s 已受理，承诺办结日期 %(due)s。")
        % {"no": case.case_no, "due": case.promised_due_date},
    )
    return case


@transaction.atomic
def reject(case: Case, *, actor: User, reasons: Iterable[str], note: str = "") -> Case:
    case = _lock(case)
    _require(_may_accept(actor, case), _("只有窗口受理人员或本部门承办人可以作出不予受理决定"))
    engine.check("reject", case.status)
    cleaned = _reasons(reasons)
    before = case.status
    case.status = Status.REJECTED
    case.reasons = cleaned
    case.decided_at = timezone.now()
    case.save()
    event = _record(
        case, "reject", actor=actor, from_status=before, note=note, detail={"reasons": cleaned}
    )
    _issue(event)
    _notify(case, _("申请不予受理"), "；".join(cleaned))
    return case


@transaction.atomic
def request_corrections(
    case: Case, *, actor: User, corrections: Iterable[Mapping[str, Any]], note: str = ""
) -> Case:
    """One notice listing every faulty material with its reason (一次性告知)."""
    case = _lock(case)
    _require(_may_accept(actor, case), _("只有窗口受理人员或本部门承办人可以要求补正"))
    engine.check("request_corrections", case.status)
    requirements = {m.pk: m for m in case.item_version.materials.all()}
    items: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(corrections or []):
        try:
            requirement = requirements[int(entry.get("requirement_id"))]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            errors[f"corrections.{index}.requirement_id"] = [_("材料要求不属于该事项")]
            continue
        reason = str(entry.get("reason", "")).strip()[:500]
        if not reason:
            errors[f"corrections.{index}.reason"] = [_("须说明补正原因")]
            continue
        items.append({"requirement_id": requirement.pk, "name": requirement.name, "reason": reason})
    if not items and not errors:
        errors["corrections"] = [_("至少列出一项需补正的材料")]
    if errors:
        raise ValidationError(errors)
    before = case.status
    case.status = Status.CORRECTIONS_REQUESTED
    case.corrections = items
    case.save()
    event = _record(
        case,
        "request_corrections",
        actor=actor,
        from_status=before,
        note=note,
        detail={"corrections": items},
    )
    _issue(event)
    _notify(case, _("请补正材料"), "；".join(f"{c['name']}：{c['reason']}" for c in items))
    return case


@transaction.atomic
def resubmit(
    case: Case, *, actor: User, materials: Iterable[Mapping[str, Any]], note: str = ""
) -> Case:
    case = _lock(case)
    _require(_may_act_for_applicant(actor, case, "resubmit"), _("只有申请人或其代办人可以补正"))
    engine.check("resubmit", case.status)
    chosen = _resolve_materials(case.item_version, materials, actor=actor, require_all=False)
    asked = {c["requirement_id"] for c in case.corrections}
    given = {requirement.pk for requirement, _stored in chosen}
    missing = asked - given
    if missing:
        names = [c["name"] for c in case.corrections if c["requirement_id"] in missing]
        raise ValidationError({"materials": [_("仍缺少补正材料：%(n)s") % {"n": "、".join(names)}]})
    next_round = (
        case.materials.order_by("-round").values_list("round", flat=True).first() or 1
    ) + 1
    CaseMaterial.objects.bulk_create(
        CaseMaterial(case=case, requirement=r, file=f, round=next_round) for r, f in chosen
    )
    before = case.status
    case.status = Status.SUBMITTED
    case.corrections = []
    case.save()
    _record(
        case,
        "resubmit",
        actor=actor,
        from_status=before,
        note=note,
        on_behalf_of=case.applicant if case.applicant_id != actor.pk else None,
    )
    return case


def _may_act_for_applicant(actor: User, case: Case, scope: str) -> bool:
    if case.applicant is None:
        return False
    return identity_queries.can_act_for(
        actor, case.applicant, scope, item_code=case.implementation.implementation_code
    )


# --- review ----------------------------------------------------------------------------------


@transaction.atomic
def complete_task(case: Case, *, actor: User, task_id: int, opinion: str, note: str = "") -> Case:
    """A department finishes its task; the next stage starts when every branch is done."""
    case = _lock(case)
    engine.check("complete_task", case.status)
    # The case row lock covers its tasks: every change to a task happens under it.
    tasks = list(case.tasks.select_related("department").order_by("stage", "id"))
    try:
        task = next(t for t in tasks if t.pk == int(task_id))
    except (StopIteration, ValueError, TypeError) as exc:
        raise ValidationError({"task_id": _("该环节任务不属于此办件")}) from exc
    _require(_holds(actor, task.role, task.department_id), _("您不能办理该环节任务"))
    if task.status != TaskStatus.ACTIVE:
        raise engine.InvalidTransition("complete_task", case.status, _("该环节任务当前不可办理"))
    if opinion not in {"agree", "disagree"}:
        raise ValidationError({"opinion": _("意见须为 agree 或 disagree")})
    task.status = TaskStatus.COMPLETED
    task.opinion = opinion
    task.note = note[:2000]
    task.assignee = task.assignee or actor
    task.completed_by = actor
    task.completed_at = timezone.now()
    task.save(
        update_fields=["status", "opinion", "note", "assignee", "completed_by", "completed_at"]
    )
    stage_open = any(t.stage == task.stage and t.status == TaskStatus.ACTIVE for t in tasks)
    if not stage_open:
        _activate_next_stage(case, tasks)
    case.save(update_fields=["updated_at"])
    _record(
        case,
        "complete_task",
        actor=actor,
        from_status=case.status,
        note=note,
        detail={
            "task_id": task.pk,
            "stage": task.stage_name,
            "opinion": opinion,
            "department": task.department.code,
        },
    )
    return case


def _may_decide(user: User, case: Case) -> bool:
    return _holds(user, "approver", case.lead_department_id)


def _decide(
    case: Case, action: str, *, actor: User, reasons: Iterable[str] | None, note: str
) -> Case:
    case = _lock(case)
    _require(_may_decide(actor, case), _("只有牵头部门审批人可以作出决定"))
    engine.check(action, case.status)
    if case.tasks.exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.CANCELLED]).exists():
        raise engine.InvalidTransition(action, case.status, _("尚有环节任务未完成"))
    cleaned = (
        _reasons(reasons)
        if action == "deny"
        else [str(r).strip() for r in (reasons or []) if str(r).strip()]
    )
    before = case.status
    case.status = engine.target(action)  # type: ignore[assignment]
    case.decided_at = timezone.now()
    case.reasons = cleaned
    case.save()
    event = _record(
        case, action, actor=actor, from_status=before, note=note, detail={"reasons": cleaned}
    )
    _issue(event)
    decided = {"case_id": case.pk, "action": action, "event_id": event.pk}
    transaction.on_commit(lambda: _announce_decision(**decided))
    _notify(
        case,
        _("办理结果"),
        _("您的申请 %(no)s 已作出决定：%(result)s。")
        % {"no": case.case_no, "result": case.get_status_display()},
    )
    return case


def _announce_decision(**decided: Any) -> None:
    """Tell the listening apps (licences…); a failing receiver is logged, never raised: the
    decision has committed."""
    for receiver, result in signals.case_decided.send_robust(sender=Case, **decided):
        if isinstance(result, Exception):
            log.error("case_decided receiver %r failed", receiver, exc_info=result)


@transaction.atomic
def grant(case: Case, *, actor: User, note: str = "", reasons: Iterable[str] | None = None) -> Case:
    return _decide(case, "grant", actor=actor, reasons=reasons, note=note)


@transaction.atomic
def deny(case: Case, *, actor: User, reasons: Iterable[str], note: str = "") -> Case:
    return _decide(case, "deny", actor=actor, reasons=reasons, note=note)


# --- special procedures ----------------------------------------------------------------------

MAX_SUSPENSION_WORKDAYS = 120


@transaction.atomic
def suspend(case: Case, *, actor: User, kind: str, max_workdays: int, note: str = "") -> Case:
    """A special procedure pauses both clocks (行政许可法第四十五条)."""
    case = _lock(case)
    _require(_may_decide(actor, case), _("只有牵头部门审批人可以启动特别程序"))
    engine.check("suspend", case.status)
    if kind not in Suspension.Kind.values:
        raise ValidationError({"suspension.kind": _("特别程序类型无效")})
    if not isinstance(max_workdays, int) or not 1 <= max_workdays <= MAX_SUSPENSION_WORKDAYS:
        raise ValidationError({"suspension.max_workdays": _("最长工作日须为1至120")})
    before = case.status
    Suspension.objects.create(case=case, kind=kind, max_workdays=max_workdays, started_on=today())
    case.resume_status = before
    case.status = Status.SUSPENDED
    case.save()
    _record(
        case,
        "suspend",
        actor=actor,
        from_status=before,
        note=note,
        detail={"kind": kind, "max_workdays": max_workdays},
    )
    _notify(
        case,
        _("特别程序"),
        _("您的申请 %(no)s 进入特别程序，期间不计入办理时限。") % {"no": case.case_no},
    )
    return case


def paused_workdays(suspension: Suspension, until: dt.date) -> int:
    """Working days a suspension paused the clock, capped at its maximum."""
    return min(calendar.workdays_between(suspension.started_on, until), suspension.max_workdays)


@transaction.atomic
def resume(case: Case, *, actor: User, note: str = "") -> Case:
    """End the special procedure; both due dates move by the paused working days."""
    case = _lock(case)
    _require(_may_decide(actor, case), _("只有牵头部门审批人可以结束特别程序"))
    engine.check("resume", case.status)
    suspension = case.suspensions.select_for_update().get(ended_on=None)
    end = today()
    paused = paused_workdays(suspension, end)
    suspension.ended_on = end
    suspension.workdays = paused
    suspension.save()
    if case.promised_due_date:
        case.promised_due_date = calendar.add_workdays(case.promised_due_date, paused).date
    if case.statutory_due_date:
        if case.item_version.statutory_unit == ItemVersion.LimitUnit.WORKDAY:
            case.statutory_due_date = calendar.add_workdays(case.statutory_due_date, paused).date
        else:
            cap = calendar.add_workdays(suspension.started_on, suspension.max_workdays).date
            days = (min(end, cap) - suspension.started_on).days
            case.statutory_due_date = case.statutory_due_date + dt.timedelta(days=days)
    for task in case.tasks.filter(status=TaskStatus.ACTIVE, due_date__isnull=False):
        task.due_date = calendar.add_workdays(task.due_date, paused).date  # type: ignore[arg-type]
        task.save(update_fields=["due_date"])
    case.paused_workdays += paused
    before = case.status
    case.status = case.resume_status or Status.IN_REVIEW
    case.resume_status = ""
    case.save()
    _record(
        case,
        "resume",
        actor=actor,
        from_status=before,
        note=note,
        detail={"paused_workdays": paused},
    )
    return case


# --- delivery and ending ---------------------------------------------------------------------


@transaction.atomic
def deliver(case: Case, *, actor: User, delivery: Mapping[str, Any], note: str = "") -> Case:
    case = _lock(case)
    _require(_may_accept(actor, case), _("只有窗口受理人员或本部门承办人可以送达"))
    engine.check("deliver", case.status)
    method = (delivery or {}).get("method")
    if method not in {"pickup", "mail", "online"}:
        raise ValidationError({"delivery.method": _("送达方式须为 pickup、mail 或 online")})
    tracking = str((delivery or {}).get("tracking_no", "") or "").strip()[:50]
    if method == "mail" and not tracking:
        raise ValidationError({"delivery.tracking_no": _("邮寄送达须填写运单号")})
    before = case.status
    case.status = Status.COMPLETED
    case.delivery = {"method": method, "tracking_no": tracking}
    case.completed_at = timezone.now()
    case.save()
    _record(case, "deliver", actor=actor, from_status=before, note=note, detail=case.delivery)
    _notify(case, _("办件已办结"), _("您的申请 %(no)s 已办结。") % {"no": case.case_no})
    return case


@transaction.atomic
def withdraw(case: Case, *, actor: User, note: str = "") -> Case:
    case = _lock(case)
    _require(_may_act_for_applicant(actor, case, "file"), _("只有申请人或其代办人可以撤回"))
    engine.check("withdraw", case.status)
    before = case.status
    case.status = Status.WITHDRAWN
    case.completed_at = timezone.now()
    case.save()
    case.tasks.filter(status__in=[TaskStatus.WAITING, TaskStatus.ACTIVE]).update(
        status=TaskStatus.CANCELLED
    )
    _record(
        case,
        "withdraw",
        actor=actor,
        from_status=before,
        note=note,
        on_behalf_of=case.applicant if case.applicant_id != actor.pk else None,
    )
    return case


@transaction.atomic
def terminate(case: Case, *, actor: User, reasons: Iterable[str], note: str = "") -> Case:
    case = _lock(case)
    _require(_may_decide(actor, case), _("只有牵头部门审批人可以终止办理"))
    engine.check("terminate", case.status)
    cleaned = _reasons(reasons)
    before = case.status
    case.status = Status.TERMINATED
    case.reasons = cleaned
    case.completed_at = timezone.now()
    case.save()
    case.tasks.filter(status__in=[TaskStatus.WAITING, TaskStatus.ACTIVE]).update(
        status=TaskStatus.CANCELLED
    )
    event = _record(
        case, "terminate", actor=actor, from_status=before, note=note, detail={"reasons": cleaned}
    )
    _issue(event)
    _notify(case, _("办件已终止"), "；".join(cleaned))
    return case


# --- who may do what now ---------------------------------------------------------------------


def actions_for(actor: User, case: Case, tasks: Iterable[Task] | None = None) -> list[str]:
    """The actions ``actor`` may take on ``case`` now, in the state table's order: the state
    table narrowed by the same rights each action checks when it runs (which it still does).

    ``tasks``: the case's tasks when the caller has them already.
    """
    by_state = engine.allowed_actions(case.status)
    if not by_state or not actor.is_authenticated or not actor.is_active:
        return []
    if tasks is None:
        tasks = case.tasks.all()
    tasks = list(tasks)
    open_tasks = any(t.status not in {TaskStatus.COMPLETED, TaskStatus.CANCELLED} for t in tasks)
    accepts = _may_accept(actor, case)
    decides = _may_decide(actor, case)
    applicant_side = actor.kind != User.Kind.STAFF
    rights = {
        "accept": accepts,
        "reject": accepts,
        "request_corrections": accepts,
        "deliver": accepts,
        "complete_task": any(
            t.status == TaskStatus.ACTIVE and _holds(actor, t.role, t.department_id) for t in tasks
        ),
        "grant": decides and not open_tasks,
        "deny": decides and not open_tasks,
        "suspend": decides,
        "resume": decides,
        "terminate": decides,
        "resubmit": applicant_side and _may_act_for_applicant(actor, case, "resubmit"),
        "withdraw": applicant_side and _may_act_for_applicant(actor, case, "file"),
    }
    return [action for action in by_state if rights.get(action, False)]


# --- dispatch (the API's single actions endpoint) --------------------------------------------


def perform(case: Case, action: str, *, actor: User, payload: Mapping[str, Any]) -> Case:
    """Run one action named as in API.md with its payload."""
    note = str(payload.get("note") or "")[:2000]
    if action not in engine.TRANSITIONS or action == "submit":
        raise ValidationError({"action": _("未知的动作")})
    if action == "accept":
        return accept(case, actor=actor, note=note)
    if action == "reject":
        return reject(case, actor=actor, reasons=payload.get("reasons") or [], note=note)
    if action == "request_corrections":
        return request_corrections(
            case, actor=actor, corrections=payload.get("corrections") or [], note=note
        )
    if action == "resubmit":
        return resubmit(case, actor=actor, materials=payload.get("materials") or [], note=note)
    if action == "complete_task":
        return complete_task(
            case,
            actor=actor,
            task_id=payload.get("task_id"),  # type: ignore[arg-type]
            opinion=str(payload.get("opinion") or ""),
            note=note,
        )
    if action == "grant":
        return grant(case, actor=actor, reasons=payload.get("reasons"), note=note)
    if action == "deny":
        return deny(case, actor=actor, reasons=payload.get("reasons") or [], note=note)
    if action == "suspend":
        suspension = payload.get("suspension") or {}
        return suspend(
            case,
            actor=actor,
            kind=str(suspension.get("kind", "")),
            max_workdays=suspension.get("max_workdays"),  # type: ignore[arg-type]
            note=note,
        )
    if action == "resume":
        return resume(case, actor=actor, note=note)
    if action == "deliver":
        return deliver(case, actor=actor, delivery=payload.get("delivery") or {}, note=note)
    if action == "withdraw":
        return withdraw(case, actor=actor, note=note)
    return terminate(case, actor=actor, reasons=payload.get("reasons") or [], note=note)
