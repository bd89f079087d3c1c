"""The rollups equal a recount from the raw events after any sequence of actions and sweeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.cases import engine
from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.supervision import rollups, sweep
from onewindow.supervision.models import DailyDepartmentStat, DailyItemStat

from .conftest import MONDAY, at, on_day, upload

pytestmark = pytest.mark.django_db

MOVES = ("submit", "advance", "reject", "corrections", "withdraw", "deny", "sweep")


class Rollback(Exception):
    pass


def _act(move: str, cases: list[Case], index: int, item, people) -> None:
    """One move on one case; a move the case's state does not allow is skipped."""
    if move == "sweep":
        sweep.run(at(MONDAY + dt.timedelta(days=index)))
        return
    if move == "submit" or not cases:
        requirement = item.current_version.materials.get(name="申请书")
        cases.append(
            case_services.submit_case(
                item,
                form={"venue": "示例影城", "area": 1200},
                channel=("online", "window", "mobile")[index % 3],
                materials=[
                    {"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}
                ],
                actor=people["citizen"],
            )
        )
        return
    case = Case.objects.get(pk=cases[index % len(cases)].pk)
    status = case.status
    try:
        if move == "reject":
            case_services.reject(case, actor=people["clerk"], reasons=["材料不全"])
        elif move == "corrections":
            requirement = item.current_version.materials.get(name="申请书")
            if status == "corrections_requested":
                file = upload(people["citizen"])
                case_services.resubmit(
                    case,
                    actor=people["citizen"],
                    materials=[{"requirement_id": requirement.pk, "file_id": file.pk}],
                )
            else:
                case_services.request_corrections(
                    case,
                    actor=people["clerk"],
                    corrections=[{"requirement_id": requirement.pk, "reason": "不清晰"}],
                )
        elif move == "withdraw":
            case_services.withdraw(case, actor=people["citizen"])
        elif move == "deny":
            case_services.deny(case, actor=people["approver"], reasons=["不符合条件"])
        elif status == "submitted":
            case_services.accept(case, actor=people["clerk"])
        elif status == "in_review":
            task = case.tasks.filter(status="active").first()
            if task is None:
                case_services.grant(case, actor=people["approver"])
            else:
                doer = {"SCJG": "handler", "XF": "xf", "WJ": "wj"}[task.department.code]
                if task.role == "approver":
                    doer = "approver"
                case_services.complete_task(
                    case, actor=people[doer], task_id=task.pk, opinion="agree"
                )
        elif status in {"granted", "denied"}:
            case_services.deliver(case, actor=people["clerk"], delivery={"method": "pickup"})
    except (engine.InvalidTransition, ValidationError, PermissionDenied):
        pass


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(MOVES), st.integers(min_value=0, max_value=4)),
        min_size=1,
        max_size=25,
    )
)
def test_rollups_equal_a_recount_from_the_events(item, people, monkeypatch, moves):
    on_day(monkeypatch, MONDAY)
    try:
        with transaction.atomic():
            cases: list[Case] = []
            for move, index in moves:
                _act(move, cases, index, item, people)
            sweep.run(at(MONDAY + dt.timedelta(days=3)))
            assert rollups.stored(DailyItemStat) == rollups.recount(DailyItemStat)
            assert rollups.stored(DailyDepartmentStat) == rollups.recount(DailyDepartmentStat)
            # Nothing is counted twice by a further sweep.
            sweep.run(at(MONDAY + dt.timedelta(days=4)))
            assert rollups.stored(DailyItemStat) == rollups.recount(DailyItemStat)
            raise Rollback
    except Rollback:
        pass


def test_a_full_case_is_counted_once_in_every_flow(item, people):
    cases: list[Case] = []
    _act("submit", cases, 1, item, people)  # window
    for _ in range(8):
        _act("advance", cases, 0, item, people)
    assert Case.objects.get().status == "completed"
    sweep.run()
    row = DailyItemStat.objects.get()
    assert (row.submitted, row.accepted, row.granted, row.completed) == (1, 1, 1, 1)
    assert row.completed_on_time == 1
    assert row.channel == "window"
