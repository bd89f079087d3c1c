"""The arithmetic of the monthly window staff assessment (窗口量化考核).

Seven components, each scored 0..100, weighted by the centre's ``AssessmentWeights``
(together 100) into a total of 0..100 (two decimals, half up):

- attendance 出勤情况: 100 × min(1, (present + approved leave) / required days)
  − 2 per late arrival or early leave − 5 per absence from the post; no record → 0;
- conduct 行为规范: 100 + the month's conduct points (commendations +, violations −);
- case handling 办件管理: 100 × cases the clerk accepted / the centre's monthly target, at most 100;
- efficiency 办事效率: 100 × the share of the clerk's accepted cases decided this month that
  were decided by their promised due date; none decided → 100;
- ratings 群众评议: 100 × the share of counted ratings of the clerk at level 3 or better;
  none → 100;
- callbacks 办件回访: the mean of the month's callback results (satisfied 100, not 0); none → 100;
- case-file review 案卷评查: the mean of the month's review scores; none → 100.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent, Status
from onewindow.identity.models import User
from onewindow.org.models import ServiceCenter

from .models import AssessmentWeights, AttendanceRecord, Evaluation, StaffRecord

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
LATE_PENALTY = Decimal(2)
ABSENCE_PENALTY = Decimal(5)


def _clip(value: Decimal) -> Decimal:
    return min(HUNDRED, max(ZERO, value)).quantize(CENT, rounding=ROUND_HALF_UP)


def attendance_score(
    required: int, present: Decimal, leave: Decimal, late: int, absent: int
) -> Decimal:
    if required <= 0:
        return ZERO
    share = min(Decimal(1), (Decimal(present) + Decimal(leave)) / Decimal(required))
    return _clip(HUNDRED * share - LATE_PENALTY * late - ABSENCE_PENALTY * absent)


def conduct_score(points: int) -> Decimal:
    return _clip(HUNDRED + Decimal(points))


def case_handling_score(accepted: int, target: int) -> Decimal:
    return _clip(HUNDRED * Decimal(accepted) / Decimal(max(target, 1)))


def share_score(part: int, whole: int) -> Decimal:
    """100 × part / whole; 100 when there is nothing to judge."""
    if whole <= 0:
        return HUNDRED.quantize(CENT)
    return _clip(HUNDRED * Decimal(part) / Decimal(whole))


def mean_score(values: list[int]) -> Decimal:
    if not values:
        return HUNDRED.quantize(CENT)
    return _clip(Decimal(sum(values)) / Decimal(len(values)))


def weighted_total(components: dict[str, Decimal], weights: dict[str, int]) -> Decimal:
    total = sum(
        (components[name] * Decimal(weight) for name, weight in weights.items()), start=ZERO
    )
    return (total / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    components: dict[str, Decimal]
    evidence: dict[str, Any]
    total: Decimal


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def clerks_of(center: ServiceCenter) -> list[User]:
    """Staff holding an active post at one of the centre's windows."""
    return list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            posts__window__center=center,
            posts__is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def score(clerk: User, month: dt.date, weights: AssessmentWeights) -> Score:
    first, following = month_bounds(month)
    start, end = _moment(first), _moment(following)
    evidence: dict[str, Any] = {}

    attendance = AttendanceRecord.objects.filter(clerk=clerk, month=first).first()
    if attendance is None:
        attendance_value = ZERO
        evidence["attendance"] = {"missing": True}
    else:
        attendance_value = attendance_score(
            attendance.required_days,
            attendance.present_days,
            attendance.leave_days,
            attendance.late_times,
            attendance.absent_times,
        )
        evidence["attendance"] = {
            "required_days": attendance.required_days,
            "present_days": str(attendance.present_days),
            "leave_days": str(attendance.leave_days),
            "late_times": attendance.late_times,
            "absent_times": attendance.absent_times,
        }

    records = StaffRecord.objects.filter(clerk=clerk, on__gte=first, on__lt=following)
    conduct_points = (
        records.filter(kind=StaffRecord.Kind.CONDUCT).aggregate(n=Sum("points"))["n"] or 0
    )
    callbacks = list(
        records.filter(kind=StaffRecord.Kind.CALLBACK).values_list("points", flat=True)
    )
    reviews = list(
        records.filter(kind=StaffRecord.Kind.FILE_REVIEW).values_list("points", flat=True)
    )
    evidence["conduct"] = {"points": conduct_points}
    evidence["callbacks"] = {"count": len(callbacks), "satisfied": sum(1 for p in callbacks if p)}
    evidence["file_review"] = {"count": len(reviews), "scores": reviews}

    accepted = CaseEvent.objects.filter(
        action="accept", actor=clerk, at__gte=start, at__lt=end
    ).count()
    evidence["case_handling"] = {"accepted": accepted, "target": weights.case_target}

    accepted_cases = CaseEvent.objects.filter(action="accept", actor=clerk).values("case_id")
    decided = Case.objects.filter(
        pk__in=accepted_cases,
        decided_at__gte=start,
        decided_at__lt=end,
        status__in=[Status.GRANTED, Status.DENIED, Status.COMPLETED],
    ).values_list("decided_at", "promised_due_date")
    finished = on_time = 0
    for decided_at, due in decided:
        finished += 1
        if due is None or timezone.localtime(decided_at).date() <= due:
            on_time += 1
    evidence["efficiency"] = {"decided": finished, "on_time": on_time}

    ratings = Evaluation.objects.filter(
        clerk=clerk, current=True, excluded=False, rated_on__gte=first, rated_on__lt=following
    ).aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(level__gte=3)), mean=Avg("level"))
    evidence["ratings"] = {"count": ratings["total"], "satisfied": ratings["satisfied"]}

    components = {
        "attendance": attendance_value,
        "conduct": conduct_score(conduct_points),
        "case_handling": case_handling_score(accepted, weights.case_target),
        "efficiency": share_score(on_time, finished),
        "ratings": share_score(ratings["satisfied"], ratings["total"]),
        "callbacks": mean_score(callbacks),
        "file_review": mean_score(reviews),
    }
    return Score(components, evidence, weighted_total(components, weights.as_dict()))
