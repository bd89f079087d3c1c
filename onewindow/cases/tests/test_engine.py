"""The case engine: every legal and illegal move, the clocks, suspension, parallel review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow.cases import engine, services
from onewindow.cases.models import Case, CaseEvent, Message, Status, Task
from onewindow.core.models import AuditRecord

from .conftest import on_day, upload

pytestmark = pytest.mark.django_db

ALL = [s.value for s in Status]


@pytest.mark.parametrize("action", engine.ACTIONS)
@pytest.mark.parametrize("status", ALL)
def test_the_state_table(action, status):
    sources, _target = engine.TRANSITIONS[action]
    if status in sources:
        engine.check(action, status)
    else:
        with pytest.raises(engine.InvalidTransition):
            engine.check(action, status)


def test_terminal_states_allow_nothing():
    for status in engine.TERMINAL:
        assert engine.allowed_actions(status) == []


def _drive_to(case: Case, target: str, people) -> Case:
    """Move a submitted case along the happy path until it reaches ``target``."""
    steps = {
        "in_review": lambda c: services.accept(c, actor=people["clerk"]),
        "granted": None,
        "completed": None,
    }
    del steps
    if target == Status.SUBMITTED:
        return case
    if target == Status.CORRECTIONS_REQUESTED:
        requirement = case.item_version.materials.get(name="申请书")
        return services.request_corrections(
            case,
            actor=people["clerk"],
            corrections=[{"requirement_id": requirement.pk, "reason": "未签字"}],
        )
    if target == Status.REJECTED:
        return services.reject(case, actor=people["clerk"], reasons=["不属于本机关职权范围"])
    case = services.accept(case, actor=people["clerk"])
    if target == Status.IN_REVIEW:
        return case
    if target == Status.SUSPENDED:
        return services.suspend(
            case, actor=people["approver"], kind="site_inspection", max_workdays=5
        )
    if target in {Status.WITHDRAWN}:
        return services.withdraw(case, actor=people["citizen"])
    if target == Status.TERMINATED:
        return services.terminate(case, actor=people["approver"], reasons=["申请人死亡"])
    for task in case.tasks.order_by("stage"):
        task.refresh_from_db()
        actor = {
            "SCJG": people["handler"] if task.role == "handler" else people["approver"],
            "XF": people["xf"],
            "WJ": people["wj"],
        }[task.department.code]
        case = services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    if target == Status.DENIED:
        return services.deny(case, actor=people["approver"], reasons=["不符合条件"])
    case = services.grant(case, actor=people["approver"])
    if target == Status.GRANTED:
        return case
    return services.deliver(case, actor=people["clerk"], delivery={"method": "pickup"})


REACHABLE = [
    Status.SUBMITTED,
    Status.CORRECTIONS_REQUESTED,
    Status.REJECTED,
    Status.IN_REVIEW,
    Status.SUSPENDED,
    Status.GRANTED,
    Status.DENIED,
    Status.COMPLETED,
    Status.WITHDRAWN,
    Status.TERMINATED,
]


@pytest.mark.parametrize("status", REACHABLE)
def test_every_reachable_state_refuses_the_illegal_moves_and_changes_nothing(
    submitted, people, status
):
    case = _drive_to(submitted, status, people)
    assert case.status == status
    events = CaseEvent.objects.filter(case=case).count()
    for action in engine.ACTIONS:
        if action in engine.allowed_actions(status) or action == "submit":
            continue
        with pytest.raises(engine.InvalidTransition):
            services.perform(
                case, action, actor=_actor_for(action, people), payload=_payload_for(action, case)
            )
        case.refresh_from_db()
        assert case.status == status
        assert CaseEvent.objects.filter(case=case).count() == events


def _actor_for(action, people):
    if action in {"resubmit", "withdraw"}:
        return people["citizen"]
    if action in {"grant", "deny", "suspend", "resume", "terminate"}:
        return people["approver"]
    if action == "complete_task":
        return people["handler"]
    return people["clerk"]


def _payload_for(action, case):
    requirement = case.item_version.materials.get(name="申请书")
    task = case.tasks.order_by("stage").first()
    return {
        "reasons": ["理由"],
        "corrections": [{"requirement_id": requirement.pk, "reason": "缺"}],
        "materials": [],
        "task_id": task.pk if task else 0,
        "opinion": "agree",
        "suspension": {"kind": "hearing", "max_workdays": 5},
        "delivery": {"method": "pickup"},
    }


def test_the_happy_path_with_a_parallel_stage(submitted, people, commit_effects):
    case = services.accept(submitted, actor=people["clerk"])
    assert case.status == Status.IN_REVIEW
    stages = list(
        case.tasks.order_by("stage", "department__code").values_list(
            "stage_name", "department__code", "status"
        )
    )
    assert stages == [
        ("承办", "SCJG", "active"),
        ("并联审查", "WJ", "waiting"),
        ("并联审查", "XF", "waiting"),
        ("审批", "SCJG", "waiting"),
    ]
    handle = case.tasks.get(stage_name="承办")
    services.complete_task(case, actor=people["handler"], task_id=handle.pk, opinion="agree")
    parallel = case.tasks.filter(stage_name="并联审查")
    assert set(parallel.values_list("status", flat=True)) == {"active"}
    services.complete_task(
        case, actor=people["xf"], task_id=parallel.get(department__code="XF").pk, opinion="agree"
    )
    assert case.tasks.get(stage_name="审批").status == "waiting"  # waits for every branch
    services.complete_task(
        case,
        actor=people["wj"],
        task_id=parallel.get(department__code="WJ").pk,
        opinion="agree",
        note="卫生条件符合",
    )
    approve = case.tasks.get(stage_name="审批")
    assert approve.status == "active"
    with pytest.raises(engine.InvalidTransition):
        services.grant(case, actor=people["approver"])  # the approve task is still open
    services.complete_task(case, actor=people["approver"], task_id=approve.pk, opinion="agree")
    case = services.grant(case, actor=people["approver"])
    assert case.status == Status.GRANTED
    case = services.deliver(
        case, actor=people["clerk"], delivery={"method": "mail", "tracking_no": "SF123"}
    )
    assert case.status == Status.COMPLETED
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "complete_task",
        "complete_task",
        "complete_task",
        "complete_task",
        "grant",
        "deliver",
    ]
    assert AuditRecord.objects.filter(action__startswith="case.").count() == len(actions)
    commit_effects()
    kinds = set(case.documents.values_list("kind", flat=True))
    assert kinds == {"acceptance", "grant"}
    subjects = set(
        Message.objects.filter(recipient=people["citizen"], case=case).values_list(
            "subject", flat=True
        )
    )
    assert subjects == {"申请已提交", "申请已受理", "办理结果", "办件已办结"}


def test_only_the_tasks_department_and_role_may_complete_it(submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    handle = case.tasks.get(stage_name="承办")
    for outsider in [people["xf"], people["wj"], people["citizen"], people["approver"]]:
        with pytest.raises(PermissionDenied):
            services.complete_task(case, actor=outsider, task_id=handle.pk, opinion="agree")
    handle.refresh_from_db()
    assert handle.status == "active"


def test_a_double_completion_applies_once(submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    handle = case.tasks.get(stage_name="承办")
    services.complete_task(case, actor=people["handler"], task_id=handle.pk, opinion="agree")
    with pytest.raises(engine.InvalidTransition):
        services.complete_task(case, actor=people["handler"], task_id=handle.pk, opinion="agree")
    assert case.events.filter(action="complete_task").count() == 1


def test_who_may_accept_decide_and_withdraw(submitted, people):
    for outsider in [people["citizen"], people["xf"], people["approver"]]:
        with pytest.raises(PermissionDenied):
            services.accept(submitted, actor=outsider)
    case = services.accept(submitted, actor=people["handler"])  # a handler of the department
    with pytest.raises(PermissionDenied):
        services.suspend(case, actor=people["xf_approver"], kind="hearing", max_workdays=5)
    with pytest.raises(PermissionDenied):
        services.withdraw(case, actor=people["other"])
    case = services.withdraw(case, actor=people["citizen"])
    assert case.status == Status.WITHDRAWN
    assert not case.tasks.filter(status__in=["waiting", "active"]).exists()


def test_corrections_are_one_notice_and_resubmission_returns_to_submitted(
    submitted, people, commit_effects
):
    version = submitted.item_version
    application = version.materials.get(name="申请书")
    plan = version.materials.get(name="平面图")
    with pytest.raises(ValidationError):
        services.request_corrections(submitted, actor=people["clerk"], corrections=[])
    case = services.request_corrections(
        submitted,
        actor=people["clerk"],
        corrections=[
            {"requirement_id": application.pk, "reason": "未签字"},
            {"requirement_id": plan.pk, "reason": "缺少消防设施平面图"},
        ],
    )
    assert case.status == Status.CORRECTIONS_REQUESTED
    assert [c["name"] for c in case.corrections] == ["申请书", "平面图"]
    commit_effects()
    assert case.documents.filter(kind="corrections").count() == 1
    with pytest.raises(ValidationError):  # both faulty materials must come back
        services.resubmit(
            case,
            actor=people["citizen"],
            materials=[{"requirement_id": application.pk, "file_id": upload(people["citizen"]).pk}],
        )
    with pytest.raises(PermissionDenied):
        services.resubmit(case, actor=people["other"], materials=[])
    case = services.resubmit(
        case,
        actor=people["citizen"],
        materials=[
            {"requirement_id": application.pk, "file_id": upload(people["citizen"]).pk},
            {"requirement_id": plan.pk, "file_id": upload(people["citizen"], "plan.pdf").pk},
        ],
    )
    assert case.status == Status.SUBMITTED
    assert case.corrections == []
    assert case.materials.filter(round=2).count() == 2


def test_rejection_needs_reasons_and_makes_a_notice(submitted, people, commit_effects):
    with pytest.raises(ValidationError):
        services.reject(submitted, actor=people["clerk"], reasons=[" "])
    case = services.reject(submitted, actor=people["clerk"], reasons=["不属于本机关职权范围"])
    assert case.status == Status.REJECTED
    commit_effects()
    assert case.documents.filter(kind="rejection").exists()


def test_the_clock_across_national_day_with_an_adjusted_saturday(
    submitted, people, official_calendar, monkeypatch
):
    on_day(monkeypatch, dt.date(2024, 9, 30))
    case = services.accept(submitted, actor=people["clerk"])
    # 10 working days from the day after: Oct 1–7 off, Saturday Oct 12 worked.
    assert case.promised_due_date == dt.date(2024, 10, 18)
    assert case.statutory_due_date == dt.date(2024, 11, 1)
    assert case.clock_provisional is False
    handle = case.tasks.get(stage_name="承办")
    assert handle.due_date == dt.date(2024, 10, 9)  # 2 working days: Oct 8, Oct 9


def test_calendar_day_limits_count_calendar_days(item, people, official_calendar, monkeypatch):
    from onewindow.catalog import services as catalog

    catalog.edit_item(
        item, guide={"statutory_days": 7, "statutory_unit": "day", "promised_days": 3}
    )
    item.refresh_from_db()
    requirement = item.current_version.materials.get(name="申请书")
    case = services.submit_case(
        item,
        form={"venue": "x", "area": 5},
        channel="online",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        actor=people["citizen"],
    )
    on_day(monkeypatch, dt.date(2024, 9, 30))
    case = services.accept(case, actor=people["clerk"])
    assert case.statutory_due_date == dt.date(2024, 10, 7)
    assert case.promised_due_date == dt.date(2024, 10, 10)


def test_suspension_pauses_both_clocks_and_is_capped(
    submitted, people, official_calendar, monkeypatch
):
    on_day(monkeypatch, dt.date(2024, 9, 30))
    case = services.accept(submitted, actor=people["clerk"])
    on_day(monkeypatch, dt.date(2024, 10, 8))
    case = services.suspend(case, actor=people["approver"], kind="expert_review", max_workdays=3)
    assert case.status == Status.SUSPENDED
    with pytest.raises(engine.InvalidTransition):
        services.grant(case, actor=people["approver"])
    on_day(monkeypatch, dt.date(2024, 10, 11))  # Oct 9, 10, 11: three working days
    case = services.resume(case, actor=people["approver"])
    assert case.status == Status.IN_REVIEW
    assert case.paused_workdays == 3
    assert case.promised_due_date == dt.date(2024, 10, 23)  # Oct 18 + 3 working days
    assert case.statutory_due_date == dt.date(2024, 11, 6)
    on_day(monkeypatch, dt.date(2024, 10, 14))
    case = services.suspend(case, actor=people["approver"], kind="public_notice", max_workdays=2)
    on_day(monkeypatch, dt.date(2024, 10, 25))  # nine working days, capped at two
    case = services.resume(case, actor=people["approver"])
    assert case.paused_workdays == 5
    assert case.promised_due_date == dt.date(2024, 10, 25)
    assert [s.workdays for s in case.suspensions.all()] == [3, 2]


def test_suspension_needs_a_kind_and_a_sane_maximum(submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    for kind, days in [("party", 5), ("hearing", 0), ("hearing", 500)]:
        with pytest.raises(ValidationError):
            services.suspend(case, actor=people["approver"], kind=kind, max_workdays=days)
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


def test_an_instant_item_is_decided_the_same_day(instant_item, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    requirement = instant_item.current_version.materials.get()
    case = services.submit_case(
        instant_item,
        form={"applicant_name": "张三"},
        channel="window",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["clerk"]).pk}],
        actor=people["clerk"],
        applicant={"kind": "person", "name": "张三", "id_number": people["citizen"].id_number},
    )
    assert case.applicant == people["citizen"]  # matched by the ID number's digest
    case = services.accept(case, actor=people["clerk"])
    assert case.status == Status.ACCEPTED
    assert case.promised_due_date == dt.date(2025, 3, 3)
    assert not case.tasks.exists()
    case = services.grant(case, actor=people["approver"])
    assert case.status == Status.GRANTED


def test_form_data_failing_its_schema_is_refused_and_nothing_is_created(item, people):
    requirement = item.current_version.materials.get(name="申请书")
    materials = [{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}]
    for form, field in [
        ({}, "form.venue"),
        ({"venue": "x", "area": "big"}, "form.area"),
        ({"venue": "x" * 101, "area": 5}, "form.venue"),
        ({"venue": "x", "area": 0}, "form.area"),
    ]:
        with pytest.raises(ValidationError) as info:
            services.submit_case(
                item, form=form, channel="online", materials=materials, actor=people["citizen"]
            )
        assert field in info.value.message_dict, form
    assert not Case.objects.exists()


def test_missing_or_foreign_materials_are_refused(item, people):
    with pytest.raises(ValidationError) as info:
        services.submit_case(
            item,
            form={"venue": "x", "area": 5},
            channel="online",
            materials=[],
            actor=people["citizen"],
        )
    assert "materials" in info.value.message_dict
    requirement = item.current_version.materials.get(name="申请书")
    with pytest.raises(ValidationError):  # someone else's upload
        services.submit_case(
            item,
            form={"venue": "x", "area": 5},
            channel="online",
            materials=[{"requirement_id": requirement.pk, "file_id": upload(people["other"]).pk}],
            actor=people["citizen"],
        )
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("file_id", "reason"),
    [
        (10**9, "文件不存在"),
        (0, "文件不存在"),
        (-3, "文件不存在"),
        (2**70, "文件不存在"),
        ("abc", "文件不存在"),
        (None, "文件不存在"),
        ("other", "只能使用本人上传的文件"),
    ],
)
def test_each_refused_material_is_named_with_its_reason(item, people, file_id, reason):
    application, plan = item.current_version.materials.order_by("position")[::2]
    if file_id == "other":
        file_id = upload(people["other"]).pk
    with pytest.raises(ValidationError) as info:
        services.submit_case(
            item,
            form={"venue": "x", "area": 5},
            channel="online",
            materials=[
                {"requirement_id": plan.pk, "file_id": upload(people["citizen"]).pk},
                {"requirement_id": application.pk, "file_id": file_id},
            ],
            actor=people["citizen"],
        )
    # The refused upload, and the required material it was meant to be.
    assert info.value.message_dict == {
        "materials.1": [reason],
        "materials": [f"缺少必要材料：{application.name}"],
    }
    assert not Case.objects.exists()


def test_the_uploads_of_a_filing_are_read_at_once(item, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application, plan = item.current_version.materials.order_by("position")[::2]
    files = [upload(people["citizen"]).pk for _ in range(2)]
    with CaptureQueriesContext(connection) as queries:
        services.submit_case(
            item,
            form={"venue": "x", "area": 5},
            channel="online",
            materials=[
                {"requirement_id": application.pk, "file_id": files[0]},
                {"requirement_id": plan.pk, "file_id": files[1]},
            ],
            actor=people["citizen"],
        )
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "cases_storedfile"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_case_keeps_the_version_it_was_filed_under(submitted, item):
    from onewindow.catalog import services as catalog

    catalog.edit_item(item, guide={"promised_days": 5})
    submitted.refresh_from_db()
    assert submitted.item_version.number == 1
    assert submitted.item_version.promised_days == 10


def test_case_numbers_are_unique_and_sortable(item, people):
    requirement = item.current_version.materials.get(name="申请书")
    numbers = []
    for _ in range(3):
        case = services.submit_case(
            item,
            form={"venue": "x", "area": 5},
            channel="online",
            materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
            actor=people["citizen"],
        )
        numbers.append(case.case_no)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


def test_tasks_are_rows_with_due_dates_and_pools(submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    assert Task.objects.filter(case=case).count() == 4
    assert all(t.assignee is None for t in case.tasks.all())  # a pool: role + department


def test_a_notice_is_made_once_even_if_the_task_runs_twice(submitted, people, commit_effects):
    from onewindow.cases import tasks

    case = services.accept(submitted, actor=people["clerk"])
    commit_effects()
    event = case.events.get(action="accept")
    first = case.documents.get()
    assert tasks.issue_notice(event.pk, "acceptance", {}) == first.pk
    assert case.documents.count() == 1


def test_a_decision_is_announced_after_commit_and_a_failing_listener_changes_nothing(
    submitted, people, commit_effects, caplog
):
    from onewindow.cases.signals import case_decided

    heard: list[dict[str, Any]] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("listener down")

    case_decided.connect(listener)
    case_decided.connect(broken)
    try:
        case = services.accept(submitted, actor=people["clerk"])
        for task in case.tasks.order_by("stage", "pk"):
            actor = {"handler": people["handler"], "approver": people["approver"]}.get(task.role)
            if actor is None:
                actor = people[task.department.code.lower()]
            services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
        case = services.grant(case, actor=people["approver"])
        assert heard == []  # nothing before the commit
        commit_effects()
    finally:
        case_decided.disconnect(listener)
        case_decided.disconnect(broken)
    event = case.events.get(action="grant")
    assert heard == [
        {"signal": case_decided, "case_id": case.pk, "action": "grant", "event_id": event.pk}
    ]
    assert "listener down" in caplog.text
    case.refresh_from_db()
    assert case.status == Status.GRANTED


def _payload(action: str, case) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    requirement = case.item_version.materials.get(name="申请书")
    return {
        "reject": {"reasons": ["不属于本机关职权范围"]},
        "request_corrections": {
            "corrections": [{"requirement_id": requirement.pk, "reason": "复印件不清晰"}]
        },
        "deny": {"reasons": ["不符合法定条件"]},
        "suspend": {"suspension": {"kind": "hearing", "max_workdays": 10}},
        "deliver": {"delivery": {"method": "pickup"}},
        "terminate": {"reasons": ["申请人死亡"]},
    }.get(action, {})


def test_actions_for_lists_exactly_what_each_person_may_do(submitted, people):
    """Every listed action passes the action's own rights check, every unlisted one that the
    state allows is refused for lack of rights: the list and the engine never disagree."""
    from django.db import transaction

    def check(case: Any) -> None:
        tasks = list(case.tasks.all())
        for name, person in people.items():
            listed = services.actions_for(person, case, tasks)
            for action in engine.allowed_actions(case.status):
                if action == "submit":
                    continue
                payload = dict(_payload(action, case))
                if action == "complete_task":
                    mine = [t for t in tasks if t.status == "active"]
                    payload.update(task_id=mine[0].pk if mine else 0, opinion="agree")
                    if action in listed:
                        own = [t for t in mine if person.holds(t.role, t.department_id)]
                        payload["task_id"] = own[0].pk
                if action == "resubmit":
                    payload["materials"] = []
                with transaction.atomic():
                    sid = transaction.savepoint()
                    try:
                        services.perform(case, action, actor=person, payload=payload)
                    except PermissionDenied:
                        assert action not in listed, f"{name} is offered {action} but refused"
                    except (engine.InvalidTransition, ValidationError):
                        pass  # the right was there; the payload or the moment was not
                    else:
                        assert action in listed, f"{name} may {action} but is not offered it"
                    transaction.savepoint_rollback(sid)
                case.refresh_from_db()

    case = submitted
    check(case)
    case = services.request_corrections(
        case,
        actor=people["clerk"],
        corrections=_payload("request_corrections", case)["corrections"],
    )
    check(case)
    from .conftest import upload

    requirement = case.item_version.materials.get(name="申请书")
    fixed = [{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}]
    case = services.resubmit(case, actor=people["citizen"], materials=fixed)
    case = services.accept(case, actor=people["clerk"])
    check(case)
    assert services.actions_for(people["other"], case) == []
    assert "complete_task" in services.actions_for(people["handler"], case)
    assert "grant" not in services.actions_for(people["approver"], case)  # tasks still open
