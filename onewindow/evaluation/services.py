"""Writes of the evaluation app: ratings, their rectification, the default ratings, and the
records and scores of the window staff assessment.

Every service runs in one transaction, takes ``actor=`` and writes one audit record. The
daily rollup (``EvaluationDaily``) changes in the same transaction as the rating it counts.
Order of checks, as in the case engine: visibility (the caller's job: 404) → right (403) →
state (409, ``Conflict``) → input (400, ``ValidationError``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, CaseEvent, Message, Status
from onewindow.core import audit, calendar
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User
from onewindow.org.models import ServiceCenter, Window

from . import assessment
from .models import (
    BAD_LEVELS,
    DEFAULT_LEVEL,
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    AssessmentWeights,
    AttendanceRecord,
    Evaluation,
    EvaluationDaily,
    Reason,
    Rectification,
    RectificationStep,
    Source,
    StaffAssessment,
    StaffRecord,
    first_of_month,
)

RATING_DAYS = 7  # 办结后7日内未评价的，默认“基本满意”
RECTIFICATION_WORKDAYS = 15  # 差评整改期限：15个工作日
RERATE_DAYS = 7  # 告知整改结果后，评价人可在7日内再评价一次
MAX_COMMENT = 500
DEFAULT_BATCH = 2000
ROLLUP_FIELDS = (
    "rated_on",
    "source",
    "department_id",
    "implementation_id",
    "window_id",
    "level",
    "defaulted",
    "current",
    "excluded",
)

# Who rectifies (within their departments; centre-wide roles everywhere) and who reviews
# appeals.
RECTIFY_ROLES = ("department_head", "handler", "reviewer", "approver", "centre_manager")
APPEAL_REVIEW_ROLES = ("supervisor", "centre_manager")
ASSESSMENT_ROLES = ("centre_manager", "supervisor")
ASSESSMENT_WRITE_ROLES = ("centre_manager",)

RS = Rectification.Status


class Conflict(Exception):
    """The rating or rectification is not in a state that allows the action (HTTP 409)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def now() -> dt.datetime:
    return timezone.now()


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- validation ------------------------------------------------------------------------------


def _reason_code(raw: Any) -> str | None:
    text = str(raw).strip()
    if text in Reason.values:
        return text
    for code, label in Reason.choices:
        if text == str(label):
            return code
    return None


def clean_rating(
    source: str,
    *,
    level: Any,
    indicators: Mapping[str, Any] | None,
    reasons: Iterable[Any] | None,
    comment: str | None,
) -> dict[str, Any]:
    """The rating's fields, checked; errors name each field (``indicators.efficiency``…)."""
    errors: dict[str, list[str]] = {}
    try:
        level = int(level)
        if not 1 <= level <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["level"] = [_("评价等级须为1至5的整数")]
        level = None
    names = ONLINE_INDICATORS if source == Source.ONLINE else OFFLINE_INDICATORS
    cleaned_indicators: dict[str, int] = {}
    if indicators is not None and not isinstance(indicators, Mapping):
        errors["indicators"] = [_("分项评价须为对象")]
        indicators = {}
    for name, value in (indicators or {}).items():
        key = f"indicators.{name}"
        if name not in names:
            errors[key] = [_("未知的评价指标，可选：%(names)s") % {"names": "、".join(names)}]
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[key] = [_("须为1至5的整数")]
            continue
        if name == "overall" and level is not None and value != level:
            errors[key] = [_("总体评价须与评价等级一致")]
            continue
        cleaned_indicators[name] = value
    if level is not None:
        cleaned_indicators["overall"] = level
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("评价意见不得超过%(n)s个字") % {"n": MAX_COMMENT}]
    codes: list[str] = []
    for raw in list(reasons or [])[:20]:
        code = _reason_code(raw)
        if code is None:
            errors["reasons"] = [
                _("未知的差评原因，可选：%(codes)s") % {"codes": "、".join(Reason.values)}
            ]
            break
        if code not in codes:
            codes.append(code)
    if level is not None and "reasons" not in errors:
        if level in BAD_LEVELS and not codes:
            errors["reasons"] = [_("“不满意”“非常不满意”须选择差评原因")]
        elif level not in BAD_LEVELS and codes:
            errors["reasons"] = [_("只有“不满意”“非常不满意”需要选择差评原因")]
        elif Reason.OTHER in codes and not comment:
            errors["comment"] = [_("选择“其他”原因时须填写评价意见")]
    if errors:
        raise ValidationError(errors)
    ordered = {name: cleaned_indicators[name] for name in names if name in cleaned_indicators}
    return {"level": level, "indicators": ordered, "reasons": codes, "comment": comment}


# --- the rollup ------------------------------------------------------------------------------


def contribution(evaluation: Evaluation, rectification: Rectification | None) -> dict[str, int]:
    """What one rating adds to its rollup row (nothing unless it counts)."""
    if not evaluation.counts:
        return {}
    bad = evaluation.level in BAD_LEVELS
    counters = {
        "evaluations": 1,
        "defaulted": int(evaluation.defaulted),
        "satisfied": int(evaluation.level >= 3),
        "good": int(evaluation.level >= 4),
        "bad": int(bad),
        "level_sum": int(evaluation.level),
    }
    if bad and rectification is not None:
        counters["rectified"] = int(
            rectification.status == RS.CLOSED
            and rectification.outcome
            in {Rectification.Outcome.FIXED, Rectification.Outcome.EXPLAINED}
        )
        counters["called_back"] = int(rectification.called_back_at is not None)
    return counters


def _rollup_key(evaluation: Evaluation) -> tuple[dt.date, str, int, int, int]:
    return (
        evaluation.rated_on,
        evaluation.source,
        evaluation.department_id or 0,
        evaluation.implementation_id or 0,
        evaluation.window_id or 0,
    )


def _add_to_rollup(key: tuple[dt.date, str, int, int, int], delta: Mapping[str, int]) -> None:
    """One upsert that adds ``delta`` to the row of ``key`` (created at zero)."""
    counters = EvaluationDaily.COUNTERS
    values = [int(delta.get(name, 0)) for name in counters]
    if not any(values):
        return
    table = connection.ops.quote_name(EvaluationDaily._meta.db_table)
    columns = ", ".join(["day", "source", "department_id", "implementation_id", "window_id"])
    placeholders = ", ".join(["%s"] * (5 + len(counters)))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counters)
    sql = (
        f"INSERT INTO {table} ({columns}, {', '.join(counters)}) "  # noqa: S608  # names only
        f"VALUES ({placeholders}) "
        f"ON CONFLICT (day, source, department_id, implementation_id, window_id) "
        f"DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *values])


def _rollup_change(
    evaluation: Evaluation, before: Mapping[str, int], after: Mapping[str, int]
) -> None:
    delta = {name: after.get(name, 0) - before.get(name, 0) for name in EvaluationDaily.COUNTERS}
    _add_to_rollup(_rollup_key(evaluation), delta)


# --- rating a case (一事一评) -----------------------------------------------------------------


def _may_rate(actor: User, case: Case) -> bool:
    if case.applicant is None or not actor.is_authenticated or actor.kind == User.Kind.STAFF:
        return False
    return identity_queries.can_act_for(
        actor, case.applicant, "follow", item_code=case.implementation.implementation_code
    )


def rating_deadline(case: Case) -> dt.datetime | None:
    """The end of the applicant's own rating period (7 days after completion)."""
    if case.completed_at is None:
        return None
    return case.completed_at + dt.timedelta(days=RATING_DAYS)


def case_rating_state(case: Case, actor: User, at: dt.datetime | None = None) -> tuple[str, Any]:
    """("first" | "again", the rating superseded or None) when ``actor`` may rate ``case``
    now; raises PermissionDenied or Conflict otherwise (the order the service checks in)."""
    at = at or now()
    if not _may_rate(actor, case):
        raise PermissionDenied(_("只有申请人或其代办人可以评价该办件"))
    if case.status != Status.COMPLETED or case.completed_at is None:
        raise Conflict("not_completed", _("办件办结后才能评价"))
    existing = (
        Evaluation.objects.filter(case=case, current=True).select_related("rectification").first()
    )
    if existing is None:
        deadline = rating_deadline(case)
        if deadline is not None and at >= deadline:
            raise Conflict("rating_closed", _("评价期已过：办结后7日内未评价的，默认为“基本满意”"))
        return "first", None
    rectification = getattr(existing, "rectification", None)
    if (
        existing.round == 1
        and rectification is not None
        and rectification.status == RS.CLOSED
        and rectification.outcome != Rectification.Outcome.APPEAL_UPHELD
        and rectification.rerate_until is not None
        and at < rectification.rerate_until
    ):
        return "again", existing
    raise Conflict("already_rated", _("该办件已评价"))


def _acceptor_id(case: Case) -> int | None:
    return (
        CaseEvent.objects.filter(case=case, action="accept")
        .order_by("at", "id")
        .values_list("actor_id", flat=True)
        .first()
    )


@transaction.atomic
def rate_case(
    case: Case,
    *,
    actor: User,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reasons: Iterable[Any] | None = None,
    comment: str | None = "",
    at: dt.datetime | None = None,
) -> Evaluation:
    """The applicant's (or agent's) rating of a completed case: once, and once more after the
    answer to a bad rating. Levels 1–2 need reasons and open a rectification."""
    at = at or now()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("implementation", "applicant")
        .defer("applicant_id_number", "applicant_phone")
        .get(pk=case.pk)
    )
    mode, superseded = case_rating_state(case, actor, at)
    fields = clean_rating(
        Source.ONLINE, level=level, indicators=indicators, reasons=reasons, comment=comment
    )
    evaluation = Evaluation(
        source=Source.ONLINE,
        case=case,
        implementation_id=case.implementation_id,
        department_id=case.lead_department_id,
        clerk_id=_acceptor_id(case),
        rater=actor,
        rated_at=at,
        rated_on=_local_date(at),
        round=2 if mode == "again" else 1,
        supersedes=superseded,
        **fields,
    )
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:  # a concurrent rating of the same case won
        raise Conflict("already_rated", _("该办件已评价")) from exc
    if superseded is not None:
        before = contribution(superseded, getattr(superseded, "rectification", None))
        superseded.current = False
        superseded.save(update_fields=["current"])
        _rollup_change(superseded, before, {})
    _after_rating(evaluation, at)
    audit.record(
        "evaluation.rate",
        actor=actor,
        on_behalf_of=case.applicant if case.applicant_id != actor.pk else None,
        obj=evaluation,
        detail={"case_no": case.case_no, "level": evaluation.level, "round": evaluation.round},
    )
    return evaluation


def _after_rating(evaluation: Evaluation, at: dt.datetime) -> None:
    """Open the rectification of a bad rating, then count the rating in the rollup."""
    rectification = None
    if evaluation.level in BAD_LEVELS:
        opened = _local_date(at)
        deadline = calendar.add_workdays(opened, RECTIFICATION_WORKDAYS)
        rectification = Rectification.objects.create(
            evaluation=evaluation,
            department_id=evaluation.department_id,
            opened_on=opened,
            deadline=deadline.date,
            deadline_provisional=deadline.provisional,
        )
        RectificationStep.objects.create(
            rectification=rectification,
            action="open",
            actor=None,
            at=at,
            from_status="",
            to_status=RS.OPEN,
        )
    _rollup_change(evaluation, {}, contribution(evaluation, rectification))


# --- rating a window visit (一次一评) ---------------------------------------------------------


def window_department_id(window: Window) -> int | None:
    """The department a window rating is counted for: the window's only department, else
    none (a general window counts for the centre)."""
    ids = list(window.departments.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def window_clerks(window: Window) -> list[User]:
    """The staff on duty posts at the window, whom a visitor may name."""
    return list(
        User.objects.filter(
            posts__window=window, posts__is_active=True, is_active=True, kind=User.Kind.STAFF
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def rate_window(
    window: Window,
    *,
    actor: Any,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reasons: Iterable[Any] | None = None,
    comment: str | None = "",
    clerk_id: int | None = None,
    contact_phone: str = "",
    at: dt.datetime | None = None,
    request: Any = None,
) -> Evaluation:
    """A visitor's rating of one visit to a window (anonymous, or signed in)."""
    at = at or now()
    if not window.is_active:
        raise Conflict("window_closed", _("该窗口已停用"))
    fields = clean_rating(
        Source.WINDOW, level=level, indicators=indicators, reasons=reasons, comment=comment
    )
    errors: dict[str, list[str]] = {}
    clerk = None
    if clerk_id:
        clerk = next((c for c in window_clerks(window) if c.pk == clerk_id), None)
        if clerk is None:
            errors["clerk"] = [_("该工作人员不在此窗口")]
    phone = (contact_phone or "").strip()
    if phone:
        from onewindow.identity import validators

        try:
            phone = validators.clean_phone(phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    rater = actor if getattr(actor, "is_authenticated", False) else None
    if rater is not None and rater.kind == User.Kind.STAFF:
        raise PermissionDenied(_("工作人员不能评价窗口"))
    evaluation = Evaluation.objects.create(
        source=Source.WINDOW,
        window=window,
        department_id=window_department_id(window),
        clerk=clerk,
        rater=rater,
        contact_phone=phone,
        rated_at=at,
        rated_on=_local_date(at),
        **fields,
    )
    _after_rating(evaluation, at)
    audit.record(
        "evaluation.rate_window",
        actor=rater,
        obj=evaluation,
        request=request,
        detail={"window": window.pk, "level": evaluation.level},
    )
    return evaluation


# --- default ratings (set-based, run by the schedule) ----------------------------------------


@transaction.atomic
def apply_default_ratings(
    *, actor: User | None = None, at: dt.datetime | None = None, batch_size: int = DEFAULT_BATCH
) -> int:
    """Every case completed at least 7 days before ``at`` without a rating gets a defaulted
    基本满意 (level 3), dated the moment its rating period ended. Returns how many."""
    at = at or now()
    cutoff = at - dt.timedelta(days=RATING_DAYS)
    rated = Evaluation.objects.filter(case=OuterRef("pk"))
    acceptor = CaseEvent.objects.filter(case=OuterRef("pk"), action="accept").order_by("at", "id")
    pending = (
        Case.objects.filter(status=Status.COMPLETED, completed_at__lte=cutoff)
        .exclude(Exists(rated))
        .annotate(acceptor=Subquery(acceptor.values("actor_id")[:1]))
        .order_by("pk")
    )
    batch = uuid.uuid4()
    created = 0
    last_pk = 0
    while True:
        rows = list(
            pending.filter(pk__gt=last_pk).values_list(
                "pk",
                "implementation_id",
                "lead_department_id",
                "completed_at",
                "acceptor",
            )[:batch_size]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        new = []
        for pk, implementation_id, department_id, completed_at, acceptor_id in rows:
            assert completed_at is not None  # filtered on completed_at
            moment: dt.datetime = completed_at + dt.timedelta(days=RATING_DAYS)
            new.append(
                Evaluation(
                    source=Source.ONLINE,
                    case_id=pk,
                    implementation_id=implementation_id,
                    department_id=department_id,
                    clerk_id=acceptor_id,
                    level=DEFAULT_LEVEL,
                    indicators={"overall": int(DEFAULT_LEVEL)},
                    defaulted=True,
                    rated_at=moment,
                    rated_on=_local_date(moment),
                    batch=batch,
                )
            )
        # A rating written meanwhile wins: ignore_conflicts, then count what this batch wrote.
        Evaluation.objects.bulk_create(new, ignore_conflicts=True)
        totals: dict[tuple[dt.date, str, int, int, int], dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        for evaluation in Evaluation.objects.filter(
            batch=batch, case_id__in=[row[0] for row in rows]
        ).only(*ROLLUP_FIELDS):
            for name, value in contribution(evaluation, None).items():
                totals[_rollup_key(evaluation)][name] += value
            created += 1
        for key, delta in totals.items():
            _add_to_rollup(key, delta)
    if created:
        audit.record(
            "evaluation.default",
            actor=actor,
            object_type="evaluation.evaluation",
            detail={"created": created, "as_of": at.isoformat(), "batch": str(batch)},
        )
    return created


@transaction.atomic
def mark_overdue_rectifications(*, actor: User | None = None, on: dt.date | None = None) -> int:
    """Flag, once, every rectification still open after its deadline."""
    on = on or timezone.localdate()
    late = Rectification.objects.filter(overdue=False, deadline__lt=on).exclude(status=RS.CLOSED)
    ids = list(late.values_list("pk", flat=True)[:10000])
    if not ids:
        return 0
    count = Rectification.objects.filter(pk__in=ids, overdue=False).update(overdue=True)
    audit.record(
        "evaluation.rectification_overdue",
        actor=actor,
        object_type="evaluation.rectification",
        detail={"count": count, "on": on, "ids": ids[:200]},
    )
    return count


# --- rectification (差评整改) -----------------------------------------------------------------

# action → (states it may start from, state it leads to; None = decided by the service)
RECTIFICATION_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "verify": (frozenset({RS.OPEN}), RS.VERIFIED),
    "call_back": (frozenset({RS.VERIFIED}), RS.CALLED_BACK),
    "resolve": (frozenset({RS.VERIFIED, RS.CALLED_BACK}), RS.CLOSED),
    "appeal": (frozenset({RS.OPEN, RS.VERIFIED, RS.CALLED_BACK}), RS.APPEALED),
    "review_appeal": (frozenset({RS.APPEALED}), None),
}


def may_rectify(user: User, rectification: Rectification) -> bool:
    if not user.is_authenticated or not user.is_active or not user.has_role(*RECTIFY_ROLES):
        return False
    scope = identity_queries.department_scope(user)
    if scope is None or user.has_role("centre_manager"):
        return True
    return rectification.department_id is not None and rectification.department_id in scope


def may_review_appeal(user: User, rectification: Rectification) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(*APPEAL_REVIEW_ROLES)
        and user.pk != rectification.appealed_by_id
    )


def allowed_rectification_actions(user: User, rectification: Rectification) -> list[str]:
    allowed = []
    for action, (sources, _target) in RECTIFICATION_TRANSITIONS.items():
        if rectification.status not in sources:
            continue
        if action == "appeal" and rectification.appeal_ground:
            continue  # one appeal per rating
        if action == "review_appeal":
            if may_review_appeal(user, rectification):
                allowed.append(action)
        elif may_rectify(user, rectification):
            allowed.append(action)
    return allowed


def _note(note: str | None, *, required: bool) -> str:
    text = (note or "").strip()
    if required and not text:
        raise ValidationError({"note": _("须填写说明")})
    if len(text) > 2000:
        raise ValidationError({"note": _("说明不得超过2000个字")})
    return text


def _tell_rater(rectification: Rectification, evaluation: Evaluation) -> None:
    """The rater hears the outcome (a message in their message centre) and, for a first
    rating of a case, may rate once more."""
    if evaluation.rater_id is None:
        return
    outcome = rectification.get_outcome_display()
    body = _("您对%(subject)s的评价已处理完毕。处理结果：%(outcome)s。%(note)s") % {
        "subject": evaluation.case.case_no if evaluation.case else _("窗口服务"),
        "outcome": outcome,
        "note": rectification.outcome_note,
    }
    if rectification.rerate_until is not None:
        body += _("您可在%(until)s前对该办件再评价一次。") % {
            "until": timezone.localtime(rectification.rerate_until).strftime("%Y-%m-%d %H:%M")
        }
    Message.objects.create(
        recipient_id=evaluation.rater_id,
        case_id=evaluation.case_id,
        subject=_("差评整改结果告知"),
        body=body,
    )


@transaction.atomic
def act_on_rectification(
    rectification: Rectification,
    action: str,
    *,
    actor: User,
    note: str | None = "",
    outcome: str | None = None,
    ground: str | None = None,
    upheld: bool | None = None,
    at: dt.datetime | None = None,
) -> Rectification:
    """One step of a rectification: ``verify``, ``call_back``, ``resolve`` (outcome ``fixed``
    or ``explained``), ``appeal`` (ground ``mistaken`` or ``malicious``) or ``review_appeal``
    (``upheld`` true strikes the rating out of the statistics, false resumes the work)."""
    at = at or now()
    if action not in RECTIFICATION_TRANSITIONS:
        raise ValidationError({"action": _("未知的动作")})
    rectification = Rectification.objects.select_for_update(of=("self",)).get(pk=rectification.pk)
    evaluation = Evaluation.objects.select_related("case").get(pk=rectification.evaluation_id)
    if action == "review_appeal":
        if not may_review_appeal(actor, rectification):
            raise PermissionDenied(_("申诉须由监察人员或中心管理人员复核，且不能由申诉人本人复核"))
    elif not may_rectify(actor, rectification):
        raise PermissionDenied(_("您不能办理该差评整改"))
    sources, target = RECTIFICATION_TRANSITIONS[action]
    if rectification.status not in sources or (action == "appeal" and rectification.appeal_ground):
        raise Conflict(
            "invalid_transition",
            _("当前状态（%(s)s）不允许该操作") % {"s": rectification.get_status_display()},
        )
    before_counts = contribution(evaluation, rectification)
    before = rectification.status
    detail: dict[str, Any] = {}
    if action == "verify":
        text = _note(note, required=True)
        rectification.verified_at = at
    elif action == "call_back":
        text = _note(note, required=True)
        rectification.called_back_at = at
    elif action == "resolve":
        if outcome not in {Rectification.Outcome.FIXED, Rectification.Outcome.EXPLAINED}:
            raise ValidationError({"outcome": _("处理结果须为“已整改”或“已解释说明”")})
        text = _note(note, required=True)
        rectification.outcome = outcome
        rectification.outcome_note = text
        detail["outcome"] = outcome
    elif action == "appeal":
        if ground not in Rectification.Ground.values:
            raise ValidationError({"ground": _("申诉理由须为“误评”或“恶意差评”")})
        text = _note(note, required=True)
        rectification.appeal_ground = ground
        rectification.appealed_by = actor
        rectification.status_before_appeal = rectification.status
        detail["ground"] = ground
    else:
        if upheld is None:
            raise ValidationError({"upheld": _("须选择申诉是否成立")})
        text = _note(note, required=True)
        detail["upheld"] = bool(upheld)
        if upheld:
            target = RS.CLOSED
            rectification.outcome = Rectification.Outcome.APPEAL_UPHELD
            rectification.outcome_note = text
            evaluation.excluded = True
            evaluation.save(update_fields=["excluded"])
        else:
            target = rectification.status_before_appeal or RS.OPEN
    rectification.status = target or rectification.status
    if rectification.status == RS.CLOSED:
        rectification.closed_at = at
        if (
            evaluation.case_id is not None
            and evaluation.round == 1
            and rectification.outcome != Rectification.Outcome.APPEAL_UPHELD
        ):
            rectification.rerate_until = at + dt.timedelta(days=RERATE_DAYS)
    rectification.save()
    RectificationStep.objects.create(
        rectification=rectification,
        action=action if action != "review_appeal" else ("uphold" if upheld else "reject_appeal"),
        actor=actor,
        at=at,
        from_status=before,
        to_status=rectification.status,
        note=text,
        detail=detail,
    )
    _rollup_change(evaluation, before_counts, contribution(evaluation, rectification))
    if rectification.status == RS.CLOSED:
        _tell_rater(rectification, evaluation)
    audit.record(
        f"evaluation.rectification_{action}",
        actor=actor,
        obj=rectification,
        detail={"evaluation": evaluation.pk, "from": before, "to": rectification.status, **detail},
    )
    return rectification


# --- window staff assessment -----------------------------------------------------------------


def weights_for(center: ServiceCenter) -> AssessmentWeights:
    weights, _created = AssessmentWeights.objects.get_or_create(center=center)
    return weights


def _require_assessor(actor: User) -> None:
    if not actor.is_authenticated or not actor.has_role(*ASSESSMENT_WRITE_ROLES):
        raise PermissionDenied(_("只有中心管理人员可以维护窗口考核"))


@transaction.atomic
def set_weights(
    center: ServiceCenter, *, actor: User, weights: Mapping[str, Any], case_target: Any
) -> AssessmentWeights:
    _require_assessor(actor)
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for name in AssessmentWeights.COMPONENTS:
        try:
            value = int(weights.get(name))  # type: ignore[arg-type]
            if value < 0 or value > 100:
                raise ValueError
            values[name] = value
        except (TypeError, ValueError):
            errors[name] = [_("须为0至100的整数")]
    if not errors and sum(values.values()) != 100:
        errors["__all__"] = [_("各项权重之和须为100（当前为%(n)s）") % {"n": sum(values.values())}]
    try:
        target = int(case_target)
        if target < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["case_target"] = [_("须为正整数")]
        target = 0
    if errors:
        raise ValidationError(errors)
    record = AssessmentWeights.objects.select_for_update().filter(center=center).first()
    record = record or AssessmentWeights(center=center)
    for name, value in values.items():
        setattr(record, name, value)
    record.case_target = target
    record.save()
    audit.record(
        "evaluation.set_weights", actor=actor, obj=record, detail={**values, "case_target": target}
    )
    return record


def _decimal(raw: Any, field: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        value = Decimal(str(raw).strip() or "0")
        if value < 0 or value > 31 or value != value.quantize(Decimal("0.1")):
            raise InvalidOperation
        return value
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("须为0至31之间的数，至多一位小数"))
        return Decimal(0)


def _small_int(raw: Any, field: str, errors: dict[str, list[str]], low: int = 0) -> int:
    try:
        value = int(str(raw).strip() or "0")
        if value < low or value > 999:
            raise ValueError
        return value
    except ValueError:
        errors.setdefault(field, []).append(_("须为%(low)s至999的整数") % {"low": low})
        return 0


def _clean_attendance(row: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "required_days": _small_int(row.get("required_days"), "required_days", errors, low=1),
        "present_days": _decimal(row.get("present_days"), "present_days", errors),
        "leave_days": _decimal(row.get("leave_days", 0), "leave_days", errors),
        "late_times": _small_int(row.get("late_times", 0), "late_times", errors),
        "absent_times": _small_int(row.get("absent_times", 0), "absent_times", errors),
    }
    if not errors and cleaned["required_days"] > 31:
        errors["required_days"] = [_("应出勤天数不得超过31天")]
    if not errors and cleaned["present_days"] + cleaned["leave_days"] > cleaned["required_days"]:
        errors["present_days"] = [_("实际出勤与请假天数之和不得超过应出勤天数")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clerk_of(center: ServiceCenter, username: str) -> User | None:
    return (
        User.objects.filter(username=username, kind=User.Kind.STAFF, posts__window__center=center)
        .distinct()
        .first()
    )


@transaction.atomic
def record_attendance(
    center: ServiceCenter, clerk: User, month: dt.date, *, actor: User, row: Mapping[str, Any]
) -> AttendanceRecord:
    """Enter (or correct) a clerk's attendance of one month."""
    _require_assessor(actor)
    if _clerk_of(center, clerk.username) is None:
        raise ValidationError({"clerk": _("该人员不在本中心窗口岗位上")})
    cleaned = _clean_attendance(row)
    record, _created = AttendanceRecord.objects.update_or_create(
        clerk=clerk, month=first_of_month(month), defaults={**cleaned, "recorded_by": actor}
    )
    audit.record(
        "evaluation.attendance",
        actor=actor,
        obj=record,
        detail={"clerk": clerk.username, "month": first_of_month(month), **cleaned},
    )
    return record


ATTENDANCE_COLUMNS = (
    "username",
    "required_days",
    "present_days",
    "leave_days",
    "late_times",
    "absent_times",
)
MAX_IMPORT_BYTES = 1024 * 1024


@transaction.atomic
def import_attendance(center: ServiceCenter, month: dt.date, *, actor: User, data: bytes) -> int:
    """Import a month's attendance from CSV (UTF-8, with or without BOM; header row
    ``username,required_days,present_days,leave_days,late_times,absent_times``). All rows or
    none: any error names its line and column and nothing is saved."""
    _require_assessor(actor)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("文件不得超过1 MB")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("文件须为 UTF-8 编码的 CSV")}) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ATTENDANCE_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": _("缺少列：%(cols)s") % {"cols": ", ".join(missing)}})
    errors: list[str] = []
    rows: list[tuple[User, dict[str, Any]]] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        username = (row.get("username") or "").strip()
        clerk = _clerk_of(center, username) if username else None
        if clerk is None:
            errors.append(
                _("第%(line)s行：%(u)s 不在本中心窗口岗位上") % {"line": line, "u": username}
            )
            continue
        if username in seen:
            errors.append(_("第%(line)s行：%(u)s 重复") % {"line": line, "u": username})
            continue
        seen.add(username)
        try:
            rows.append((clerk, _clean_attendance(row)))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.append(
                    _("第%(line)s行 %(field)s：%(msg)s")
                    % {"line": line, "field": field, "msg": "；".join(messages)}
                )
        if len(errors) > 50:
            break
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": _("文件中没有考勤数据")})
    month = first_of_month(month)
    for clerk, cleaned in rows:
        AttendanceRecord.objects.update_or_create(
            clerk=clerk, month=month, defaults={**cleaned, "recorded_by": actor}
        )
    audit.record(
        "evaluation.attendance_import",
        actor=actor,
        obj=center,
        detail={"month": month, "rows": len(rows)},
    )
    return len(rows)


@transaction.atomic
def add_staff_record(
    center: ServiceCenter,
    clerk: User,
    *,
    actor: User,
    kind: str,
    on: dt.date,
    points: Any,
    note: str,
    case_no: str = "",
) -> StaffRecord:
    """A conduct record (points −100..+20), a callback (satisfied or not) or a case-file
    review (score 0..100) about a clerk."""
    _require_assessor(actor)
    errors: dict[str, list[str]] = {}
    if _clerk_of(center, clerk.username) is None:
        errors["clerk"] = [_("该人员不在本中心窗口岗位上")]
    if kind not in StaffRecord.Kind.values:
        errors["kind"] = [_("未知的记录类型")]
    limits = {
        StaffRecord.Kind.CONDUCT: (-100, 20),
        StaffRecord.Kind.CALLBACK: (0, 100),
        StaffRecord.Kind.FILE_REVIEW: (0, 100),
    }
    low, high = limits.get(kind, (0, 100))  # type: ignore[call-overload]
    try:
        value = int(points)
        if not low <= value <= high:
            raise ValueError
    except (TypeError, ValueError):
        errors["points"] = [_("分值须为%(low)s至%(high)s的整数") % {"low": low, "high": high}]
        value = 0
    if kind == StaffRecord.Kind.CALLBACK and value not in {0, 100}:
        errors["points"] = [_("回访结果须为满意（100）或不满意（0）")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("须填写说明")]
    case = None
    if case_no:
        case = Case.objects.filter(case_no=case_no.strip()[:32]).first()
        if case is None:
            errors["case_no"] = [_("办件不存在")]
    if errors:
        raise ValidationError(errors)
    record = StaffRecord.objects.create(
        clerk=clerk,
        kind=kind,
        on=on,
        case=case,
        points=value,
        note=note[:2000],
        recorded_by=actor,
    )
    audit.record(
        "evaluation.staff_record",
        actor=actor,
        obj=record,
        detail={"clerk": clerk.username, "kind": kind, "on": on, "points": value},
    )
    return record


@transaction.atomic
def assess_month(center: ServiceCenter, month: dt.date, *, actor: User | None) -> int:
    """Score every clerk of the centre's windows for ``month``; flags as in the centre's
    rules: below 75 → notice; the third month below 75 in a year → return. Recomputing a
    month also refreshes the later months' counts of that year."""
    if actor is not None:
        _require_assessor(actor)
    month = first_of_month(month)
    weights = weights_for(center)
    clerks = assessment.clerks_of(center)
    at = now()
    for clerk in clerks:
        result = assessment.score(clerk, month, weights)
        StaffAssessment.objects.update_or_create(
            clerk=clerk,
            month=month,
            defaults={
                "center": center,
                "components": {k: str(v) for k, v in result.components.items()},
                "evidence": result.evidence,
                "weights": weights.as_dict(),
                "total": result.total,
                "notice": result.total < StaffAssessment.PASS_MARK,
                "computed_at": at,
            },
        )
        _refresh_year_flags(clerk, month.year)
    audit.record(
        "evaluation.assess_month",
        actor=actor,
        obj=center,
        detail={"month": month, "clerks": len(clerks)},
    )
    return len(clerks)


def _refresh_year_flags(clerk: User, year: int) -> None:
    below = 0
    for row in StaffAssessment.objects.filter(clerk=clerk, month__year=year).order_by("month"):
        if row.total < StaffAssessment.PASS_MARK:
            below += 1
        flag = below >= StaffAssessment.RETURN_AFTER_MONTHS
        if row.months_below != below or row.return_flag != flag:
            row.months_below, row.return_flag = below, flag
            row.save(update_fields=["months_below", "return_flag"])
