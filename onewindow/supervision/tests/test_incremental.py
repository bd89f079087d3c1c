"""The incremental sweep equals a full recompute after any sequence of actions and date moves,
and both agree with ``thresholds.level`` for every subject."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.cases import engine
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, Task
from onewindow.core import calendar
from onewindow.core.models import CalendarDay
from onewindow.supervision import sweep, thresholds
from onewindow.supervision.models import Alert, AlertThreshold, Subject

from .conftest import MONDAY, at, on_day, upload

pytestmark = pytest.mark.django_db

ACTIONS = (
    "none",
    "submit",
    "advance",
    "advance",
    "advance",
    "suspend",
    "resume",
    "withdraw",
    "threshold",
    "holiday",
    "back",
)


class Rollback(Exception):
    pass


def _submit(item, people, index: int) -> Case:
    requirement = item.current_version.materials.get(name="申请书")
    return case_services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200},
        channel=("online", "window", "mobile")[index % 3],
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        actor=people["citizen"],
    )


def _advance(case: Case, people) -> None:
    if case.status == "submitted":
        case_services.accept(case, actor=people["clerk"])
    elif case.status == "in_review":
        task = case.tasks.filter(status="active").first()
        if task is None:
            case_services.grant(case, actor=people["approver"])
            return
        doer = {"SCJG": "handler", "XF": "xf", "WJ": "wj"}[task.department.code]
        if task.role == "approver":
            doer = "approver"
        case_services.complete_task(case, actor=people[doer], task_id=task.pk, opinion="agree")
    elif case.status in {"granted", "denied"}:
        case_services.deliver(case, actor=people["clerk"], delivery={"method": "pickup"})


def _act(action: str, index: int, cases: list[Case], item, people) -> None:
    """One action; one the case's state does not allow is skipped."""
    if action == "threshold":
        AlertThreshold.objects.update_or_create(
            implementation=item,
            defaults={"yellow_percent": 10 * (index % 6), "min_workdays": index % 3},
        )
    elif action == "holiday":
        CalendarDay.objects.update_or_create(
            date=MONDAY + dt.timedelta(days=index + 2), defaults={"kind": "holiday"}
        )
    elif action == "submit" or not cases:
        cases.append(_submit(item, people, index))
    elif action != "none":
        case = Case.objects.get(pk=cases[index % len(cases)].pk)
        try:
            if action == "advance":
                _advance(case, people)
            elif action == "suspend":
                case_services.suspend(
                    case, actor=people["approver"], kind="expert_review", max_workdays=10
                )
            elif action == "resume":
                case_services.resume(case, actor=people["approver"])
            elif action == "withdraw":
                case_services.withdraw(case, actor=people["citizen"])
        except (engine.InvalidTransition, ValidationError, PermissionDenied):
            pass


def _state(summary: dict[str, Any]) -> dict[str, Any]:
    """Everything a sweep leaves behind that a recompute could disagree with."""
    keys = ("checked", "green", "yellow", "red", "cases", "tasks", "paused")
    return {
        "counts": {key: summary[key] for key in keys},
        "open": sorted(
            Alert.objects.filter(resolved_at=None).values_list(
                "kind",
                "subject_id",
                "level",
                "due_date",
                "case_id",
                "task_id",
                "department_id",
                "implementation_id",
            )
        ),
        "alerts": sorted(
            (a.kind, a.subject_id, a.level, a.resolved_at is None) for a in Alert.objects.all()
        ),
        "subjects": sorted(
            Subject.objects.values_list(
                "case_id",
                "kind",
                "subject_id",
                "department_id",
                "implementation_id",
                "channel",
                "due_date",
                "yellow_from",
            )
        ),
    }


def _expected(day: dt.date) -> dict[tuple[str, int], str]:
    """The level of every running case and active task by the rule for one subject."""
    levels: dict[tuple[str, int], str] = {}
    for case in Case.objects.filter(status__in=["accepted", "in_review"]).select_related(
        "item_version"
    ):
        rule = thresholds.for_implementation(case.implementation_id)
        due = case.promised_due_date
        if due is not None:
            levels["case", case.pk] = thresholds.level(
                day, due, case.item_version.promised_days, rule
            )
    for task in Task.objects.filter(status="active", case__status="in_review").select_related(
        "case"
    ):
        rule = thresholds.for_implementation(task.case.implementation_id)
        if task.due_date is not None:
            levels["task", task.pk] = thresholds.level(day, task.due_date, task.days, rule)
    return {key: level for key, level in levels.items() if level != "green"}


def _agrees_with_the_rule(summary: dict[str, Any], day: dt.date) -> None:
    expected = _expected(day)
    opened = {
        (kind, subject): level
        for kind, subject, level in Alert.objects.filter(resolved_at=None).values_list(
            "kind", "subject_id", "level"
        )
    }
    assert opened == expected, day
    levels = list(expected.values())
    assert (summary["yellow"], summary["red"]) == (levels.count("yellow"), levels.count("red"))
    assert summary["checked"] == Subject.objects.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # working the clock forwards by days
            st.sampled_from(ACTIONS),
            st.integers(min_value=0, max_value=9),
        ),
        min_size=2,
        max_size=14,
    ),
    last=st.integers(min_value=0, max_value=3),
)
def test_incremental_sweeps_equal_a_full_recompute(item, people, monkeypatch, steps, last):
    """Each step moves the clock, acts and sweeps; every sweep agrees with the rule, and the
    last (incremental) one leaves exactly what a full recompute leaves."""
    day = MONDAY
    on_day(monkeypatch, day)
    try:
        with transaction.atomic():
            cases = [_submit(item, people, n) for n in range(2)]
            for case in cases:
                case_services.accept(case, actor=people["clerk"])
            sweep.run(at(day))
            for forwards, action, index in steps:
                day += dt.timedelta(days=forwards)
                if action == "back":  # a sweep as of an earlier moment
                    day -= dt.timedelta(days=index % 5)
                on_day(monkeypatch, day)
                _act(action, index, cases, item, people)
                _agrees_with_the_rule(sweep.run(at(day)), day)
            day += dt.timedelta(days=last)
            on_day(monkeypatch, day)
            incremental = sweep.run(at(day))
            _agrees_with_the_rule(incremental, day)
            after_incremental = _state(incremental)
            full = sweep.run(at(day, 11), full=True)
            assert full["full"] is True
            assert full["new_alerts"] == 0
            assert _state(full) == after_incremental
            raise Rollback
    except Rollback:
        pass
    finally:
        calendar.bump_generation()  # the rolled-back holidays leave the process's calendar


def test_only_a_change_of_the_rule_or_an_earlier_moment_recomputes_everything(
    accepted_on, sweep_on, item
):
    accepted_on(MONDAY)
    assert sweep_on(MONDAY)["full"] is True  # the first sweep
    assert sweep_on(dt.date(2026, 3, 3))["full"] is False
    assert sweep_on(dt.date(2026, 3, 3), hour=15)["full"] is False
    AlertThreshold.objects.create(implementation=item, yellow_percent=50, min_workdays=1)
    assert sweep_on(dt.date(2026, 3, 4))["full"] is True
    assert sweep_on(dt.date(2026, 3, 5))["full"] is False
    assert sweep_on(dt.date(2026, 3, 4))["full"] is True  # an earlier day
    CalendarDay.objects.create(date=dt.date(2026, 3, 10), kind="holiday")
    assert sweep_on(dt.date(2026, 3, 5))["full"] is True


def test_a_due_date_moved_around_the_engine_is_seen_by_a_full_sweep(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    sweep_on(MONDAY)
    # Written without a CaseEvent (as an import might): the incremental sweep cannot know.
    Case.objects.filter(pk=case.pk).update(promised_due_date=dt.date(2026, 3, 4))
    sweep_on(dt.date(2026, 3, 3))
    assert not Alert.objects.filter(kind="case", subject_id=case.pk).exists()
    summary = sweep.run(at(dt.date(2026, 3, 3), 11), full=True)
    assert summary["full"] is True
    alert = Alert.objects.get(kind="case", subject_id=case.pk)
    assert (alert.level, alert.due_date) == ("yellow", dt.date(2026, 3, 4))


def test_yellow_from_is_the_first_yellow_day_of_the_rule(official_calendar):
    # Around the 2026 Spring Festival (holidays and adjusted working days).
    start = dt.date(2026, 2, 1)
    for offset in range(0, 40, 3):
        due = start + dt.timedelta(days=offset)
        for workdays in range(6):
            first = thresholds.yellow_from(due, workdays)
            rule = thresholds.Threshold(yellow_percent=0, min_workdays=workdays)
            day = due - dt.timedelta(days=30)
            while day <= due + dt.timedelta(days=2):
                expected = "red" if day > due else "yellow" if day >= first else "green"
                assert thresholds.level(day, due, 10, rule) == expected, (due, workdays, day)
                day += dt.timedelta(days=1)
