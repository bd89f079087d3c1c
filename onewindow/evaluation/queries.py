"""Reads of the evaluation app: published statistics (from the rollup), the staff's view of
ratings and rectifications, a case's rating state, and the monthly assessment report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from onewindow.catalog.models import ItemImplementation
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User
from onewindow.org.models import Department, ServiceCenter, Window

from .models import (
    Evaluation,
    EvaluationDaily,
    Rectification,
    StaffAssessment,
)

# Who sees the staff list of ratings: department staff (their departments), window clerks
# (also the ratings of their own service), supervisors and centre managers (everything).
STAFF_ROLES = (
    "window_clerk",
    "handler",
    "reviewer",
    "approver",
    "department_head",
    "centre_manager",
    "supervisor",
)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The published figures of one row (an item, a department, a window, or all)."""

    label: str = ""
    key: int = 0
    evaluations: int = 0
    defaulted: int = 0
    satisfied: int = 0
    good: int = 0
    bad: int = 0
    rectified: int = 0
    called_back: int = 0
    level_sum: int = 0

    def add(self, counters: dict[str, Any]) -> None:
        for name in EvaluationDaily.COUNTERS:
            setattr(self, name, getattr(self, name) + int(counters.get(name) or 0))

    @property
    def active(self) -> int:
        return self.evaluations - self.defaulted

    @property
    def rating_rate(self) -> Decimal | None:
        """主动评价率: ratings given by the rater themselves, of all counted ratings."""
        return _percent(self.active, self.evaluations)

    @property
    def good_rate(self) -> Decimal | None:
        return _percent(self.good, self.evaluations)

    @property
    def bad_rate(self) -> Decimal | None:
        return _percent(self.bad, self.evaluations)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _percent(self.satisfied, self.evaluations)

    @property
    def rectification_rate(self) -> Decimal | None:
        return _percent(self.rectified, self.bad)

    @property
    def callback_rate(self) -> Decimal | None:
        return _percent(self.called_back, self.bad)

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluations": self.evaluations,
            "active": self.active,
            "defaulted": self.defaulted,
            "good": self.good,
            "bad": self.bad,
            "satisfied": self.satisfied,
            "rectified": self.rectified,
            "called_back": self.called_back,
            "rating_rate": self.rating_rate,
            "good_rate": self.good_rate,
            "bad_rate": self.bad_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "rectification_rate": self.rectification_rate,
            "callback_rate": self.callback_rate,
        }


@dataclass
class PublishedStats:
    date_from: dt.date
    date_to: dt.date
    total: Figures
    by_department: list[Figures] = field(default_factory=list)
    by_item: list[Figures] = field(default_factory=list)
    by_window: list[Figures] = field(default_factory=list)


def _rollup(date_from: dt.date | None, date_to: dt.date | None) -> QuerySet[EvaluationDaily]:
    rows = EvaluationDaily.objects.all()
    if date_from is not None:
        rows = rows.filter(day__gte=date_from)
    if date_to is not None:
        rows = rows.filter(day__lte=date_to)
    return rows


def _grouped(rows: QuerySet[EvaluationDaily], column: str) -> dict[int, dict[str, Any]]:
    sums = {name: Sum(name) for name in EvaluationDaily.COUNTERS}
    return {
        row[column]: row
        for row in rows.exclude(**{column: 0}).values(column).annotate(**sums).order_by(column)
    }


def figures(
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    department_id: int | None = None,
    implementation_id: int | None = None,
    window_id: int | None = None,
) -> Figures:
    rows = _rollup(date_from, date_to)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if implementation_id is not None:
        rows = rows.filter(implementation_id=implementation_id)
    if window_id is not None:
        rows = rows.filter(window_id=window_id)
    result = Figures()
    result.add(rows.aggregate(**{name: Sum(name) for name in EvaluationDaily.COUNTERS}))
    return result


def published_stats(date_from: dt.date, date_to: dt.date) -> PublishedStats:
    """The figures a centre publishes per department, item and window over a period."""
    rows = _rollup(date_from, date_to)
    stats = PublishedStats(date_from, date_to, figures(date_from, date_to))
    departments = _grouped(rows, "department_id")
    names = dict(Department.objects.filter(pk__in=departments).values_list("pk", "name"))
    for pk, counters in departments.items():
        row = Figures(label=names.get(pk, str(pk)), key=pk)
        row.add(counters)
        stats.by_department.append(row)
    items = _grouped(rows, "implementation_id")
    implementations = ItemImplementation.objects.filter(pk__in=items).select_related(
        "current_version", "department"
    )
    item_names = {
        i.pk: f"{i.current_version.name if i.current_version else i.implementation_code}"
        f"（{i.department.short_name or i.department.name}）"
        for i in implementations
    }
    for pk, counters in items.items():
        row = Figures(label=item_names.get(pk, str(pk)), key=pk)
        row.add(counters)
        stats.by_item.append(row)
    windows = _grouped(rows, "window_id")
    window_names = {w.pk: f"{w.center.name} {w}" for w in Window.objects.filter(pk__in=windows)}
    for pk, counters in windows.items():
        row = Figures(label=window_names.get(pk, str(pk)), key=pk)
        row.add(counters)
        stats.by_window.append(row)
    for group in (stats.by_department, stats.by_item, stats.by_window):
        group.sort(key=lambda f: (-f.evaluations, f.label))
    return stats


def recount(date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[tuple, Any]:
    """The rollup recounted from the raw ratings, keyed as the rollup is (for checks)."""
    from .services import contribution

    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ratings = Evaluation.objects.select_related("rectification")
    if date_from is not None:
        ratings = ratings.filter(rated_on__gte=date_from)
    if date_to is not None:
        ratings = ratings.filter(rated_on__lte=date_to)
    for evaluation in ratings:
        rectification = getattr(evaluation, "rectification", None)
        key = (
            evaluation.rated_on,
            evaluation.source,
            evaluation.department_id or 0,
            evaluation.implementation_id or 0,
            evaluation.window_id or 0,
        )
        for name, value in contribution(evaluation, rectification).items():
            totals[key][name] += value
    return {
        key: {name: counters.get(name, 0) for name in EvaluationDaily.COUNTERS}
        for key, counters in totals.items()
        if any(counters.values())
    }


def rollup_snapshot() -> dict[tuple, Any]:
    """The rollup's non-zero rows, keyed as ``recount`` keys them."""
    result = {}
    for row in EvaluationDaily.objects.all():
        counters = {name: getattr(row, name) for name in EvaluationDaily.COUNTERS}
        if any(counters.values()):
            key = (row.day, row.source, row.department_id, row.implementation_id, row.window_id)
            result[key] = counters
    return result


# --- staff -----------------------------------------------------------------------------------


def visible_evaluations(user: User) -> QuerySet[Evaluation]:
    """Ratings a member of staff may see: centre-wide roles all, others their departments'
    and the ratings of their own service."""
    ratings = Evaluation.objects.select_related(
        "case", "window", "department", "implementation__current_version", "rectification"
    )
    if not user.is_authenticated or not user.is_active or user.kind != User.Kind.STAFF:
        return ratings.none()
    if not user.has_role(*STAFF_ROLES):
        return ratings.none()
    scope = identity_queries.department_scope(user)
    if scope is None:
        return ratings
    return ratings.filter(Q(department_id__in=scope) | Q(clerk=user))


@dataclass(frozen=True)
class EvaluationFilters:
    level_max: int | None = None
    status: str = ""
    source: str = ""
    department: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False


def filter_evaluations(
    ratings: QuerySet[Evaluation], filters: EvaluationFilters, *, on: dt.date | None = None
) -> QuerySet[Evaluation]:
    if filters.level_max is not None:
        ratings = ratings.filter(level__lte=filters.level_max)
    if filters.status == "none":
        ratings = ratings.filter(rectification__isnull=True)
    elif filters.status:
        ratings = ratings.filter(rectification__status=filters.status)
    if filters.source:
        ratings = ratings.filter(source=filters.source)
    if filters.department:
        ratings = ratings.filter(department__code=filters.department)
    if filters.date_from is not None:
        ratings = ratings.filter(rated_on__gte=filters.date_from)
    if filters.date_to is not None:
        ratings = ratings.filter(rated_on__lte=filters.date_to)
    if filters.overdue:
        late = Q(rectification__overdue=True)
        if on is not None:
            late |= Q(rectification__deadline__lt=on)
        ratings = ratings.filter(late).exclude(rectification__status=Rectification.Status.CLOSED)
    return ratings.order_by("-rated_at", "-id")


def evaluation_for(user: User, pk: int) -> Evaluation | None:
    return visible_evaluations(user).filter(pk=pk).first()


def case_evaluation(case_id: int) -> Evaluation | None:
    return (
        Evaluation.objects.filter(case_id=case_id, current=True)
        .select_related("rectification")
        .first()
    )


# --- assessment ------------------------------------------------------------------------------


def assessment_report(center: ServiceCenter, month: dt.date) -> list[StaffAssessment]:
    return list(
        StaffAssessment.objects.filter(center=center, month=month.replace(day=1))
        .select_related("clerk")
        .order_by("total", "clerk__username")
    )


def centers() -> QuerySet[ServiceCenter]:
    return ServiceCenter.objects.filter(is_active=True).order_by("code")
