"""Reads of the case engine: who sees which cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Case as SqlCase
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User

from . import alerts
from .models import Case, Task

# Staff roles that see every case of the centre: general windows accept any item (一窗受理),
# managers and supervisors oversee all.
CENTRE_WIDE_ROLES = ("window_clerk", "centre_manager", "supervisor")


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases ``user`` may see: an applicant their own (and those they act for), staff
    their departments' (lead department or a task of theirs)."""
    cases = Case.objects.select_related("implementation", "item_version", "lead_department")
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.kind == User.Kind.STAFF:
        if user.has_role(*CENTRE_WIDE_ROLES):
            return cases
        scope = identity_queries.department_scope(user)
        if scope is None:
            return cases
        in_scope_task = Task.objects.filter(case=OuterRef("pk"), department_id__in=scope)
        return cases.filter(Q(lead_department_id__in=scope) | Exists(in_scope_task))
    principals = identity_queries.principals_of(user, "follow")
    return cases.filter(Q(applicant__in=principals) | Q(agent=user) | Q(filed_by=user)).distinct()


def get_visible(user: User, case_no: str) -> Case | None:
    return visible_cases(user).filter(case_no=case_no).first()


if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _PublicAnnotations(TypedDict):
        active_stage_name: str | None

    # What ``public_lookup`` answers: a case with the stage it is in.
    PublicCase = WithAnnotations[Case, _PublicAnnotations]


# What the public lookup reads, built once: building the query (above all its subquery) cost
# more than running it. ``filter`` clones it, so requests never share or change its state.
# The current stage is that of the case's first active task, None when no task is active.
_PUBLIC_CASES = (
    Case.objects.select_related("item_version")
    .only("case_no", "query_code", "status", "promised_due_date", "item_version__name")
    .annotate(
        active_stage_name=Subquery(
            Task.objects.filter(case=OuterRef("pk"), status="active")
            .order_by("stage")
            .values("stage_name")[:1]
        )
    )
    .order_by()  # case_no is unique
)


def public_lookup(case_no: str, query_code: str) -> PublicCase | None:
    """A case by number and query code, for the public progress page and API (no login).

    One query reads all either of them shows: the case's number, status and promised date,
    its item's name, and its current stage as ``active_stage_name``. Only those columns (and
    the query code, to compare) are read: the encrypted applicant fields stay unread, never
    decrypted. The row is found by number alone and the code compared in constant time."""
    if not case_no or not query_code or len(case_no) > 32 or len(query_code) > 12:
        return None
    found = list(_PUBLIC_CASES.filter(case_no=case_no)[:1])
    case = found[0] if found else None
    if case is None or not _same(case.query_code, query_code.strip().upper()):
        return None
    return case


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def alert(case: Case, on: object = None, *, thresholds: alerts.Thresholds | None = None) -> str:
    """green / yellow / red for a running case by its promised due date (none otherwise), by
    the one rule of ``cases.alerts`` (per-item thresholds included). Pass ``thresholds``
    (``alerts.load()``) when colouring many cases, so that they are read once."""
    day = on if isinstance(on, dt.date) else timezone.localdate()
    return alerts.case_alert(case, day, thresholds)


def alert_rank(day: dt.date, thresholds: alerts.Thresholds | None = None) -> SqlCase:
    """``alert`` as an SQL expression over cases, to filter, count and sort on: its rank in
    ``ALERTS`` (0 red, 1 yellow, 2 green, 3 none)."""
    return alerts.rank(day, thresholds)


ALERTS = alerts.ALERTS
ALERT_RANK = alerts.ALERT_RANK


ACCEPTANCE_LIMIT_WORKDAYS = 5  # 行政许可法第三十二条


def acceptance_overdue(case: Case, on: object = None) -> bool:
    """A submitted case still waiting for an acceptance decision after 5 working days."""
    from onewindow.core import calendar

    if case.status != "submitted" or case.submitted_at is None:
        return False
    day = on if isinstance(on, dt.date) else timezone.localdate()
    submitted = timezone.localtime(case.submitted_at).date()
    return calendar.workdays_between(submitted, day) > ACCEPTANCE_LIMIT_WORKDAYS


def awaiting_acceptance_too_long(on: object = None) -> list[Case]:
    """Every case flagged by ``acceptance_overdue``, oldest first."""
    waiting = Case.objects.filter(status="submitted").order_by("submitted_at")
    return [case for case in waiting if acceptance_overdue(case, on)]
