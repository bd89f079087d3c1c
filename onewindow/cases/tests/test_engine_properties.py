"""Random action sequences through the case engine (``cases.services.perform``).

Each step names an action and is taken by someone entitled to it, with a well-formed payload,
so the state table is the only thing that can refuse it. An action the table does not allow
in the current state raises ``InvalidTransition`` and changes nothing; an allowed one lands
in the table's target state (or is refused, changing nothing, for a documented reason such as
tasks still open).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.cases import engine, services
from onewindow.cases.models import Case, Status, Task

from .conftest import upload

pytestmark = pytest.mark.django_db

TaskStatus = Task.TaskStatus
ACTIONS = [action for action in engine.ACTIONS if action != "submit"]
# Answers to both items' forms (the fire-safety item's and the factory default).
ENDINGS = {"reject", "deny", "withdraw", "terminate"}
FORM = {"venue": "示例影城", "area": 1200, "applicant_name": "张三"}


def _submit(item, people) -> Case:
    requirement = item.current_version.materials.get(name="申请书")
    return services.submit_case(
        item,
        form={
            name: FORM[name]
            for name in item.current_version.form_schema.get("properties", {})
            if name in FORM
        },
        channel="online",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        actor=people["citizen"],
    )


def _active_task(case: Case):
    return case.tasks.filter(status=TaskStatus.ACTIVE).order_by("stage", "id").first()


def _task_holder(task, people):
    if task.role == "handler":
        return people["handler"]
    if task.role == "approver":
        return people["approver"]
    return {"XF": people["xf"], "WJ": people["wj"]}[task.department.code]


def _step(case: Case, action: str, people) -> tuple[Any, dict[str, Any]]:
    """The entitled actor and a well-formed payload for ``action`` on ``case``."""
    requirement = case.item_version.materials.get(name="申请书")
    reasons = {"reasons": ["不符合法定条件"]}
    if action in {"accept", "request_corrections", "deliver"} or action == "reject":
        payload = {
            "request_corrections": {
                "corrections": [{"requirement_id": requirement.pk, "reason": "未签字"}]
            },
            "deliver": {"delivery": {"method": "pickup"}},
            "reject": reasons,
        }.get(action, {})
        return people["clerk"], payload
    if action in {"resubmit", "withdraw"}:
        materials = [{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}]
        return people["citizen"], {"materials": materials} if action == "resubmit" else {}
    if action == "complete_task":
        task = _active_task(case)
        if task is None:
            return people["handler"], {"task_id": 0, "opinion": "agree"}
        return _task_holder(task, people), {"task_id": task.pk, "opinion": "agree"}
    payload = {
        "deny": reasons,
        "terminate": reasons,
        "suspend": {"suspension": {"kind": "site_inspection", "max_workdays": 5}},
    }.get(action, {})
    return people["approver"], payload


def _snapshot(case: Case) -> dict[str, Any]:
    row = Case.objects.filter(pk=case.pk).values().get()
    return {
        "row": row,
        "events": list(case.events.values_list("pk", "action")),
        "tasks": list(case.tasks.order_by("pk").values_list("pk", "status", "due_date")),
        "suspensions": list(case.suspensions.values_list("pk", "ended_on")),
        "materials": case.materials.count(),
    }


def _perform(case: Case, action: str, actor: Any, payload: dict[str, Any]) -> tuple[Any, Any]:
    """(the case after the action, None) or (None, the refusal)."""
    try:
        return services.perform(case, action, actor=actor, payload=payload), None
    except (engine.InvalidTransition, ValidationError) as refused:
        return None, refused


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "instant"])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_random_action_sequences_follow_the_state_table(item, instant_item, people, staged, data):
    # The instant item has no review stages: acceptance leads to ``accepted``.
    case = _submit(item if staged else instant_item, people)
    for _step_no in range(data.draw(st.integers(min_value=1, max_value=16), label="length")):
        status = case.status
        allowed = engine.allowed_actions(status)
        # Most moves are drawn among the allowed ones, and mostly those that do not end the
        # case, so that sequences get far; the rest among every action.
        onward = [action for action in allowed if action not in ENDINGS] or allowed or ACTIONS
        action = data.draw(
            st.one_of(
                st.sampled_from(onward),
                st.sampled_from(onward),
                st.sampled_from(allowed or ACTIONS),
                st.sampled_from(ACTIONS),
            ),
            label="action",
        )
        actor, payload = _step(case, action, people)
        before = _snapshot(case)
        suspended_from = case.resume_status
        moved, refused = _perform(case, action, actor, payload)
        if refused is not None:
            if action not in allowed:
                assert isinstance(refused, engine.InvalidTransition), (action, status)
            else:
                # Allowed by the table, refused by a documented precondition.
                assert (action, type(refused)) in {
                    ("grant", engine.InvalidTransition),  # tasks still open
                    ("deny", engine.InvalidTransition),
                    ("complete_task", ValidationError),  # no active task left
                }, (action, status, refused)
            assert _snapshot(case) == before, (action, status)
            case.refresh_from_db()
            continue
        assert action in allowed, (action, status)
        target = engine.target(action)
        if action == "accept":
            target = Status.IN_REVIEW if staged else Status.ACCEPTED
        elif action == "resume":
            target = suspended_from
        assert moved is not None
        assert moved.status == target, (action, status)
        case = Case.objects.get(pk=case.pk)
        assert case.status == target
        assert case.events.order_by("-pk").values_list("action", flat=True).first() == action
        if case.status in engine.TERMINAL:
            assert engine.allowed_actions(case.status) == []
