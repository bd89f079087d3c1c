"""窗口量化考核: the arithmetic of each component and the total, the weights, the 75-point
notice and the third month below 75 in a year, attendance entry and CSV import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from onewindow.evaluation import assessment, services
from onewindow.evaluation.models import (
    AssessmentWeights,
    AttendanceRecord,
    StaffAssessment,
)

pytestmark = pytest.mark.django_db

DEFAULT_WEIGHTS = {
    "attendance": 20,
    "conduct": 15,
    "case_handling": 15,
    "efficiency": 15,
    "ratings": 15,
    "callbacks": 10,
    "file_review": 10,
}


def test_component_arithmetic():
    # 21 of 22 days (20 present + 1 approved leave), 2 late, 1 absence: 95.45 − 4 − 5
    assert assessment.attendance_score(22, Decimal(20), Decimal(1), 2, 1) == Decimal("86.45")
    assert assessment.attendance_score(20, Decimal(20), Decimal(0), 0, 0) == 100
    assert assessment.attendance_score(20, Decimal(2), Decimal(0), 30, 9) == 0  # never negative
    assert assessment.conduct_score(-30) == 70
    assert assessment.conduct_score(15) == 100  # never above 100
    assert assessment.case_handling_score(30, 40) == 75
    assert assessment.case_handling_score(50, 40) == 100
    assert assessment.share_score(9, 10) == 90
    assert assessment.share_score(0, 0) == 100  # nothing to judge
    assert assessment.share_score(2, 3) == Decimal("66.67")
    assert assessment.mean_score([80, 90]) == 85
    assert assessment.mean_score([]) == 100


def test_the_weighted_total():
    components = {
        "attendance": Decimal("86.45"),
        "conduct": Decimal(70),
        "case_handling": Decimal(75),
        "efficiency": Decimal(90),
        "ratings": Decimal(100),
        "callbacks": Decimal(100),
        "file_review": Decimal(85),
    }
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert assessment.weighted_total(components, DEFAULT_WEIGHTS) == Decimal("86.04")


def test_default_weights_sum_to_100_and_the_database_insists(hall):
    weights = services.weights_for(hall["center"])
    assert weights.as_dict() == DEFAULT_WEIGHTS
    weights.attendance = 30
    with pytest.raises(IntegrityError):
        weights.save()


def test_weights_are_set_by_the_centre_manager_only(hall, overseers):
    center = hall["center"]
    with pytest.raises(ValidationError) as exc:
        services.set_weights(
            center,
            actor=overseers["manager"],
            weights={**DEFAULT_WEIGHTS, "conduct": 5},
            case_target=40,
        )
    assert "__all__" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_weights(
            center, actor=overseers["supervisor"], weights=DEFAULT_WEIGHTS, case_target=40
        )
    changed = {**DEFAULT_WEIGHTS, "attendance": 10, "file_review": 20}
    services.set_weights(center, actor=overseers["manager"], weights=changed, case_target=10)
    assert AssessmentWeights.objects.get(center=center).as_dict() == changed


def test_a_month_scored_from_every_source(hall, overseers, people, completed):
    center, clerk, manager = hall["center"], people["clerk"], overseers["manager"]
    today = timezone.localdate()
    services.set_weights(center, actor=manager, weights=DEFAULT_WEIGHTS, case_target=4)
    services.record_attendance(
        center,
        clerk,
        today,
        actor=manager,
        row={"required_days": 20, "present_days": 19, "leave_days": 1, "late_times": 1},
    )  # 98
    services.add_staff_record(
        center, clerk, actor=manager, kind="conduct", on=today, points=-10, note="仪容不整"
    )  # 90
    for points in (100, 0):  # 50
        services.add_staff_record(
            center, clerk, actor=manager, kind="callback", on=today, points=points, note="回访"
        )
    services.add_staff_record(
        center, clerk, actor=manager, kind="file_review", on=today, points=90, note="评查"
    )  # 90
    # one case accepted (25 of a target of 4), decided on time (100)
    services.rate_case(completed, actor=people["citizen"], level=2, reasons=["slow"])
    services.rate_window(hall["general"], actor=None, level=5, clerk_id=clerk.pk)  # ratings 50
    assert services.assess_month(center, today, actor=manager) == 1
    row = StaffAssessment.objects.get(clerk=clerk, month=today.replace(day=1))
    assert row.components == {
        "attendance": "98.00",
        "conduct": "90.00",
        "case_handling": "25.00",
        "efficiency": "100.00",
        "ratings": "50.00",
        "callbacks": "50.00",
        "file_review": "90.00",
    }
    # (98×20 + 90×15 + 25×15 + 100×15 + 50×15 + 50×10 + 90×10) / 100
    assert row.total == Decimal("73.35")
    assert row.notice  # below 75
    assert row.months_below == 1
    assert not row.return_flag
    assert row.weights == DEFAULT_WEIGHTS
    assert row.evidence["efficiency"] == {"decided": 1, "on_time": 1}


def _assess(center, manager, year, month):
    services.assess_month(center, dt.date(year, month, 1), actor=manager)
    return StaffAssessment.objects.get(month=dt.date(year, month, 1))


def test_three_months_below_75_in_a_year_flag_the_clerk_for_return(hall, overseers, people):
    center, manager, clerk = hall["center"], overseers["manager"], people["clerk"]
    # No attendance recorded: 0×20 + 100×15 + 0×15 + 100×15 + 100×15 + 100×10 + 100×10 → 65
    december = _assess(center, manager, 2024, 12)
    assert december.total == 65
    assert december.months_below == 1
    january, february = _assess(center, manager, 2025, 1), _assess(center, manager, 2025, 2)
    assert (january.notice, january.months_below, january.return_flag) == (True, 1, False)
    assert (february.months_below, february.return_flag) == (2, False)
    march = _assess(center, manager, 2025, 3)
    assert (march.months_below, march.return_flag) == (3, True)
    # January corrected: full attendance → 85, and March is no longer the third month.
    services.record_attendance(
        center,
        clerk,
        dt.date(2025, 1, 1),
        actor=manager,
        row={"required_days": 21, "present_days": 21},
    )
    january = _assess(center, manager, 2025, 1)
    assert january.total == 85
    assert not january.notice
    march.refresh_from_db()
    assert (march.months_below, march.return_flag) == (2, False)


def test_exactly_75_is_not_below(hall, overseers, people):
    center, manager, clerk = hall["center"], overseers["manager"], people["clerk"]
    services.record_attendance(
        center,
        clerk,
        dt.date(2025, 6, 1),
        actor=manager,
        row={"required_days": 20, "present_days": 10},
    )  # attendance 50 → 10 + 65 = 75
    row = _assess(center, manager, 2025, 6)
    assert row.total == 75
    assert not row.notice
    assert row.months_below == 0


def test_attendance_csv_import_is_all_or_nothing(hall, overseers, people):
    center, manager = hall["center"], overseers["manager"]
    month = dt.date(2025, 3, 1)
    bad = (
        b"username,required_days,present_days,leave_days,late_times,absent_times\n"
        b"clerk,21,abc,0,0,0\n"
        b"handler,21,21,0,0,0\n"
    )
    with pytest.raises(ValidationError) as exc:
        services.import_attendance(center, month, actor=manager, data=bad)
    messages = exc.value.message_dict["file"]
    assert any("第2行" in m and "present_days" in m for m in messages)
    assert any("第3行" in m and "handler" in m for m in messages)  # not at a window here
    assert not AttendanceRecord.objects.exists()
    good = "\ufeffusername,required_days,present_days,leave_days,late_times\nclerk,21,19.5,1,2\n"
    assert services.import_attendance(center, month, actor=manager, data=good.encode()) == 1
    record = AttendanceRecord.objects.get(clerk=people["clerk"], month=month)
    assert (record.present_days, record.leave_days, record.late_times) == (
        Decimal("19.5"),
        Decimal(1),
        2,
    )
    with pytest.raises(ValidationError):  # present + leave beyond the required days
        services.import_attendance(
            center,
            month,
            actor=manager,
            data=b"username,required_days,present_days,leave_days\nclerk,20,20,1\n",
        )
    with pytest.raises(PermissionDenied):
        services.import_attendance(center, month, actor=people["clerk"], data=good.encode())
