"""Each violation rule with a positive and a negative case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from onewindow.cases import queries as case_queries
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseEvent, Task
from onewindow.catalog.tests import factories
from onewindow.supervision import rules
from onewindow.supervision.models import DailyItemStat, Finding

from .conftest import MONDAY, at, on_day, upload

pytestmark = pytest.mark.django_db


def found(rule: str, **filters) -> bool:
    return Finding.objects.filter(rule=rule, **filters).exists()


def submit(item, people, **form):
    requirement = item.current_version.materials.get(name="申请书")
    return case_services.submit_case(
        item,
        form=form or {"applicant_name": "张三"},
        channel="window",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["clerk"]).pk}],
        actor=people["clerk"],
        applicant={"kind": "person", "name": "张三", "id_number": people["citizen"].id_number},
    )


def test_overdue_case_and_task_are_findings_once_red(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    sweep_on(dt.date(2026, 3, 12))  # case yellow, first task red
    assert found("overdue_task", case=case)
    assert not found("overdue_case", case=case)
    sweep_on(dt.date(2026, 3, 17))
    sweep_on(dt.date(2026, 3, 18))
    assert Finding.objects.filter(rule="overdue_case", case=case).count() == 1
    evidence = Finding.objects.get(rule="overdue_case").evidence
    assert evidence["due_date"] == "2026-03-16"


def test_a_case_waiting_more_than_five_working_days_for_acceptance(submitted, sweep_on):
    Case.objects.filter(pk=submitted.pk).update(submitted_at=at(MONDAY))
    submitted.refresh_from_db()
    sweep_on(dt.date(2026, 3, 9))  # 5 working days: still within the limit
    assert not found("acceptance_overdue")
    assert not case_queries.acceptance_overdue(submitted, dt.date(2026, 3, 9))
    sweep_on(dt.date(2026, 3, 10))  # the sixth working day
    assert found("acceptance_overdue", case=submitted)
    assert case_queries.acceptance_overdue(submitted, dt.date(2026, 3, 10))


def test_an_accepted_case_is_not_waiting_for_acceptance(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    Case.objects.filter(pk=case.pk).update(submitted_at=at(MONDAY - dt.timedelta(days=20)))
    sweep_on(dt.date(2026, 3, 10))
    assert not found("acceptance_overdue")


def _instant_granted(instant_item, people, monkeypatch):
    case = submit(instant_item, people)
    on_day(monkeypatch, MONDAY)
    case_services.accept(case, actor=people["clerk"])
    return case_services.grant(case, actor=people["approver"])


def test_a_decision_without_acceptance_is_found(instant_item, people, sweep_on):
    case = submit(instant_item, people)
    # Recorded around the engine, as a department system importing its own decision would.
    Case.objects.filter(pk=case.pk).update(status="granted", decided_at=timezone.now())
    CaseEvent.objects.create(
        case=case, at=timezone.now(), action="grant", from_status="submitted", to_status="granted"
    )
    sweep_on(MONDAY)
    finding = Finding.objects.get(rule="decision_without_acceptance")
    assert finding.case == case
    assert finding.evidence["action"] == "grant"


def test_a_decision_after_acceptance_is_not_a_finding(instant_item, people, sweep_on, monkeypatch):
    _instant_granted(instant_item, people, monkeypatch)
    sweep_on(MONDAY)
    assert not found("decision_without_acceptance")
    assert not found("out_of_sequence")


def test_an_event_that_does_not_follow_the_previous_one_is_found(submitted, sweep_on):
    CaseEvent.objects.create(
        case=submitted,
        at=timezone.now(),
        action="complete_task",
        from_status="in_review",
        to_status="in_review",
    )
    sweep_on(MONDAY)
    finding = Finding.objects.get(rule="out_of_sequence")
    assert finding.evidence["previous_to_status"] == "submitted"
    assert finding.evidence["from_status"] == "in_review"


def test_a_normal_review_is_in_sequence_and_in_stage_order(accepted_on, people, sweep_on):
    case = accepted_on(MONDAY)
    task = case.tasks.get(stage=1)
    case_services.complete_task(case, actor=people["handler"], task_id=task.pk, opinion="agree")
    sweep_on(MONDAY)
    assert not found("out_of_sequence")
    assert not found("stage_order")


def test_a_later_stage_completed_before_an_earlier_one_is_found(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    approve = case.tasks.get(stage=3)
    Task.objects.filter(pk=approve.pk).update(status="completed", completed_at=timezone.now())
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        action="complete_task",
        from_status="in_review",
        to_status="in_review",
        detail={"task_id": approve.pk},
    )
    sweep_on(MONDAY)
    finding = Finding.objects.get(rule="stage_order", task=approve)
    assert finding.evidence["earlier_status"] in {"active", "waiting"}


@pytest.fixture
def fee_item(departments):
    return factories.item(
        "不动产登记",
        dept=departments["SCJG"],
        handling="instant",
        promised_days=0,
        statutory_days=None,
        fees=[{"name": "登记费", "amount": "住宅80元/件", "basis": "发改价格规〔2016〕2559号"}],
    )


def test_a_fee_above_the_standard_is_found(fee_item, people, sweep_on):
    case = submit(fee_item, people)
    Case.objects.filter(pk=case.pk).update(
        form={"applicant_name": "张三", "fees_charged": [{"name": "登记费", "amount": "120"}]}
    )
    sweep_on(MONDAY)
    finding = Finding.objects.get(rule="fee_outside_standard")
    assert finding.evidence["charges"][0]["problem"] == "above_standard"


def test_a_fee_outside_the_list_is_found_and_one_within_is_not(fee_item, people, sweep_on):
    within = submit(fee_item, people)
    outside = submit(fee_item, people)
    Case.objects.filter(pk=within.pk).update(
        form={"fees_charged": [{"name": "登记费", "amount": "80"}]}
    )
    Case.objects.filter(pk=outside.pk).update(
        form={"fees_charged": [{"name": "加急费", "amount": "50"}]}
    )
    sweep_on(MONDAY)
    assert not found("fee_outside_standard", case=within)
    finding = Finding.objects.get(rule="fee_outside_standard", case=outside)
    assert finding.evidence["charges"][0]["problem"] == "not_in_standard"


def test_cases_without_fee_records_are_not_checked(submitted, sweep_on):
    sweep_on(MONDAY)
    assert not found("fee_outside_standard")


def test_fee_standards_are_read_from_their_text():
    assert rules.standard_amount("住宅80元/件") == Decimal(80)
    assert rules.standard_amount("每件免收第一本证书工本费，每增加一本加收10元") == Decimal(10)
    assert rules.standard_amount("免收") == Decimal(0)
    assert rules.standard_amount("按评估价的一定比例") is None


def test_an_item_with_no_case_last_month_is_a_zero_case_item(item, instant_item, sweep_on):
    from onewindow.catalog.models import ItemImplementation

    ItemImplementation.objects.update(created_at=at(dt.date(2026, 1, 5)))
    DailyItemStat.objects.create(
        day=dt.date(2026, 2, 10),
        department=instant_item.department,
        implementation=instant_item,
        channel="window",
        submitted=3,
    )
    sweep_on(dt.date(2026, 3, 12))
    finding = Finding.objects.get(rule="zero_cases")
    assert finding.implementation == item
    assert finding.period == "2026-02"
    sweep_on(dt.date(2026, 3, 13))
    assert Finding.objects.filter(rule="zero_cases").count() == 1


def test_an_item_newer_than_the_period_is_not_a_zero_case_item(item, sweep_on):
    sweep_on(dt.date(2026, 3, 12))  # the item was created after February
    assert not found("zero_cases")
