"""Reads of supervision: alerts, findings, notices, cards, and every figure from the rollups.

Figures never scan the case table: flows are sums over ``DailyDepartmentStat`` (no item
filter) or ``DailyItemStat`` (an item), the overdue stock is the latest sweep's snapshot within
the period, and ratings come from the evaluation app when it is installed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from onewindow.cases.models import Channel
from onewindow.catalog.models import ItemImplementation
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User
from onewindow.org.models import Department, Window

from .models import (
    Alert,
    Card,
    DailyDepartmentStat,
    DailyItemStat,
    DailyWindowStat,
    Finding,
    SupervisionNotice,
    SweepRun,
)

# Who reads supervision: the centre-wide roles everything, department heads their units.
OVERSIGHT_ROLES = ("supervisor", "centre_manager")
READER_ROLES = (*OVERSIGHT_ROLES, "department_head")
FLOWS = ("submitted", "accepted", "rejected", "granted", "denied", "completed", "completed_on_time")


def scope(user: User) -> set[int] | None:
    """Departments ``user`` may read (None: all)."""
    if user.has_role(*OVERSIGHT_ROLES):
        return None
    if user.has_role("department_head"):
        return identity_queries.department_scope(user) or set()
    return set()


def _scoped(queryset: QuerySet[Any], user: User, field: str = "department_id") -> QuerySet[Any]:
    departments = scope(user)
    return queryset if departments is None else queryset.filter(**{f"{field}__in": departments})


def open_alerts(
    user: User, *, level: str | None = None, department: Department | None = None
) -> QuerySet[Alert]:
    alerts = Alert.objects.filter(resolved_at__isnull=True).select_related(
        "case", "department", "implementation", "task"
    )
    alerts = _scoped(alerts, user)
    if level:
        alerts = alerts.filter(level=level)
    if department is not None:
        alerts = alerts.filter(department=department)
    return alerts.order_by("-level", "due_date", "id")


def findings(
    user: User, *, rule: str | None = None, status: str | None = None
) -> QuerySet[Finding]:
    rows = _scoped(Finding.objects.select_related("case", "department", "implementation"), user)
    if rule:
        rows = rows.filter(rule=rule)
    if status:
        rows = rows.filter(status=status)
    return rows


def notices(user: User, *, status: str | None = None) -> QuerySet[SupervisionNotice]:
    rows = _scoped(
        SupervisionNotice.objects.select_related("department", "case", "task", "issued_by"), user
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def notice_for(user: User, pk: int) -> SupervisionNotice | None:
    return notices(user).filter(pk=pk).first()


def cards(user: User, *, year: int | None = None) -> QuerySet[Card]:
    rows = _scoped(Card.objects.select_related("department", "notice", "issued_by"), user)
    if year:
        rows = rows.filter(issued_at__year=year)
    return rows


def card_counts(year: int) -> list[dict[str, Any]]:
    """Red and yellow cards per unit in ``year``, most red first."""
    return list(
        Card.objects.filter(issued_at__year=year)
        .values("department__name")
        .annotate(
            red=Count("id", filter=Q(colour="red")), yellow=Count("id", filter=Q(colour="yellow"))
        )
        .order_by("-red", "-yellow", "department__name")
    )


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def default(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.replace(day=1), today)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def snapshot_day(period: Period) -> dt.date | None:
    """The day of the latest sweep within the period: its overdue stock is the period's."""
    return (
        SweepRun.objects.filter(day__gte=period.start, day__lte=period.end)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def _ratings(
    period: Period, department_id: int | None, implementation_id: int | None
) -> dict[str, int]:
    try:
        from onewindow.evaluation.stats import rating_counts
    except ImportError:
        return {"evaluations": 0, "satisfied": 0}
    counts = rating_counts(
        period.start,
        period.end,
        department_id=department_id,
        implementation_id=implementation_id,
    )
    return {
        "evaluations": int(counts.get("evaluations", 0)),
        "satisfied": int(counts.get("satisfied", 0)),
    }


def summary(
    period: Period,
    *,
    department: Department | None = None,
    implementation: ItemImplementation | None = None,
    departments: set[int] | None = None,
) -> dict[str, Any]:
    """API.md ``stats/summary``: sums of the rollups over the period (days inclusive).

    ``departments`` narrows to a reader's scope (None: all).
    """
    if implementation is not None:
        rows: QuerySet[Any] = DailyItemStat.objects.filter(implementation=implementation)
    else:
        rows = DailyDepartmentStat.objects.all()
    if department is not None:
        rows = rows.filter(department=department)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    flows = rows.filter(day__gte=period.start, day__lte=period.end).aggregate(
        **{name: Sum(name) for name in FLOWS}
    )
    flows = {name: int(flows[name] or 0) for name in FLOWS}
    day = snapshot_day(period)
    overdue = 0
    if day is not None:
        overdue = int(rows.filter(day=day).aggregate(n=Sum("overdue_open"))["n"] or 0)
    ratings = _ratings(
        period,
        department.pk if department is not None else None,
        implementation.pk if implementation is not None else None,
    )
    return {
        "submitted": flows["submitted"],
        "accepted": flows["accepted"],
        "completed": flows["completed"],
        "completion_rate": _rate(flows["completed"], flows["accepted"]),
        "on_time_rate": _rate(flows["completed_on_time"], flows["completed"]),
        "overdue_open": overdue,
        "satisfaction_rate": _rate(ratings["satisfied"], ratings["evaluations"]),
        "evaluations": ratings["evaluations"],
        "rejected": flows["rejected"],
        "granted": flows["granted"],
        "denied": flows["denied"],
        "completed_on_time": flows["completed_on_time"],
        "from": period.start,
        "to": period.end,
    }


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row = {k: (int(v) if isinstance(v, int | float) and k in FLOWS else v) for k, v in row.items()}
    for name in FLOWS:
        row[name] = int(row.get(name) or 0)
    row["completion_rate"] = _rate(row["completed"], row["accepted"])
    row["on_time_rate"] = _rate(row["completed_on_time"], row["completed"])
    return row


def _sums() -> dict[str, Any]:
    return {name: Sum(name) for name in FLOWS}


def by_day(period: Period, departments: set[int] | None = None) -> list[dict[str, Any]]:
    rows = DailyDepartmentStat.objects.filter(day__gte=period.start, day__lte=period.end)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    found = {r["day"]: r for r in rows.values("day").annotate(**_sums()).order_by("day")}
    result, day = [], period.start
    while day <= period.end:
        result.append(_with_rates({"day": day, **found.get(day, {})}))
        day += dt.timedelta(days=1)
    return result


def _overdue_by(model: Any, key: str, period: Period, departments: set[int] | None) -> dict:
    day = snapshot_day(period)
    if day is None:
        return {}
    rows = model.objects.filter(day=day)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    return {
        r[key]: int(r["n"] or 0)
        for r in rows.values(key).annotate(n=Sum("overdue_open")).order_by()
    }


def by_department(period: Period, departments: set[int] | None = None) -> list[dict[str, Any]]:
    rows = DailyDepartmentStat.objects.filter(day__gte=period.start, day__lte=period.end)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    sums = {r["department_id"]: r for r in rows.values("department_id").annotate(**_sums())}
    overdue = _overdue_by(DailyDepartmentStat, "department_id", period, departments)
    ids = set(sums) | set(overdue)
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    result = [
        _with_rates(
            {
                **sums.get(pk, {}),
                "department_id": pk,
                "name": names.get(pk, ""),
                "overdue_open": overdue.get(pk, 0),
            }
        )
        for pk in ids
    ]
    return sorted(result, key=lambda r: (-r["submitted"], r["name"]))


def by_channel(period: Period, departments: set[int] | None = None) -> list[dict[str, Any]]:
    rows = DailyDepartmentStat.objects.filter(day__gte=period.start, day__lte=period.end)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    sums = {r["channel"]: r for r in rows.values("channel").annotate(**_sums())}
    labels = dict(Channel.choices)
    return [
        _with_rates({**sums.get(value, {}), "channel": value, "name": str(labels[value])})
        for value in Channel.values
    ]


def by_item(period: Period, departments: set[int] | None = None) -> list[dict[str, Any]]:
    rows = DailyItemStat.objects.filter(day__gte=period.start, day__lte=period.end)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    sums = {r["implementation_id"]: r for r in rows.values("implementation_id").annotate(**_sums())}
    overdue = _overdue_by(DailyItemStat, "implementation_id", period, departments)
    ids = set(sums) | set(overdue)
    items = {
        i.pk: i
        for i in ItemImplementation.objects.filter(pk__in=ids).select_related(
            "current_version", "department"
        )
    }
    result = []
    for pk in ids:
        item = items.get(pk)
        result.append(
            _with_rates(
                {
                    **sums.get(pk, {}),
                    "implementation_id": pk,
                    "code": item.implementation_code if item else "",
                    "name": item.current_version.name if item and item.current_version else "",
                    "department": item.department.name if item else "",
                    "overdue_open": overdue.get(pk, 0),
                }
            )
        )
    return sorted(result, key=lambda r: (-r["submitted"], r["code"]))


def top_delayed(period: Period, departments: set[int] | None = None, limit: int = 10) -> list:
    """Items with the most delays: overdue now plus completed late in the period."""
    rows = by_item(period, departments)
    for row in rows:
        row["late"] = row["completed"] - row["completed_on_time"]
        row["delayed"] = row["late"] + row["overdue_open"]
    rows = [r for r in rows if r["delayed"]]
    return sorted(rows, key=lambda r: (-r["delayed"], r["code"]))[:limit]


def by_window(period: Period) -> list[dict[str, Any]]:
    rows = DailyWindowStat.objects.filter(day__gte=period.start, day__lte=period.end)
    sums = {
        r["window_id"]: r
        for r in rows.values("window_id").annotate(
            submitted=Sum("submitted"), accepted=Sum("accepted"), completed=Sum("completed")
        )
    }
    windows = {w.pk: w for w in Window.objects.filter(pk__in=sums).select_related("center")}
    result = []
    for pk, row in sums.items():
        window = windows.get(pk)
        result.append(
            {
                "window_id": pk,
                "name": str(window) if window else "",
                "submitted": int(row["submitted"] or 0),
                "accepted": int(row["accepted"] or 0),
                "completed": int(row["completed"] or 0),
            }
        )
    return sorted(result, key=lambda r: (-r["accepted"], r["name"]))


def alert_counts(user: User) -> list[dict[str, Any]]:
    """Open yellow and red alerts per department (the alert map)."""
    rows = _scoped(Alert.objects.filter(resolved_at__isnull=True), user)
    return list(
        rows.values("department_id", "department__name")
        .annotate(
            yellow=Count("id", filter=Q(level="yellow")), red=Count("id", filter=Q(level="red"))
        )
        .order_by("-red", "-yellow", "department__name")
    )


def last_sweep() -> SweepRun | None:
    return SweepRun.objects.order_by("-id").first()
