"""Issuing on grant: after commit, through the queue, exactly once, delivered online."""

from __future__ import annotations

import pytest

from onewindow.cases import services as case_services
from onewindow.cases.models import Message
from onewindow.licences import identifiers, issuance, services, tasks
from onewindow.licences.models import Issuance, Licence, LicenceItem, Seal

from .conftest import grant

pytestmark = pytest.mark.django_db


def test_a_granted_case_issues_its_licence_after_commit(
    submitted, people, licence_type, commit_effects
):
    case = grant(submitted, people)
    assert not Licence.objects.exists()  # nothing before the decision commits
    commit_effects()
    licence = Licence.objects.get()
    assert licence.case_no == case.case_no
    assert licence.holder == people["citizen"]
    assert licence.holder_name == "张三"
    assert licence.status == Licence.Status.VALID
    assert licence.data == {"venue": "示例影城", "area": "1200"}
    assert licence.department.code == "SCJG"
    assert identifiers.is_valid(licence.identifier)
    assert licence.identifier.startswith("1.2.156.3005.2.XFAQ0001.11340300MB1957000")
    assert licence.expires_on is not None
    assert (licence.expires_on - licence.issued_on).days in range(1820, 1830)
    assert Issuance.objects.get(case=case).licence == licence
    assert licence.pdf.read().startswith(b"%PDF-")


def test_the_holder_gets_a_message(granted, people):
    message = Message.objects.filter(recipient=people["citizen"], subject="电子证照已签发").get()
    assert message.case == granted
    assert Licence.objects.get().identifier in message.body


def test_running_the_task_again_never_makes_a_second_licence(granted):
    issued = Issuance.objects.get(case=granted)
    again = tasks.issue_case_licence.delay(granted.pk, issued.event_id).get()
    again_twice = tasks.issue_case_licence.apply(args=(granted.pk, issued.event_id)).get()
    assert again == again_twice == issued.licence_id
    assert Licence.objects.count() == 1
    assert Issuance.objects.count() == 1


def test_a_duplicate_decision_signal_is_harmless(granted):
    event_id = Issuance.objects.get(case=granted).event_id
    issuance.on_case_decided(None, case_id=granted.pk, action="grant", event_id=event_id)
    assert Licence.objects.count() == 1


def test_a_denied_case_issues_nothing(submitted, people, licence_type, commit_effects):
    case = case_services.accept(submitted, actor=people["clerk"])
    for task in case.tasks.order_by("stage", "id"):
        task.refresh_from_db()
        actor = {
            "SCJG": people["handler"] if task.role == "handler" else people["approver"],
            "XF": people["xf"],
            "WJ": people["wj"],
        }[task.department.code]
        case = case_services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    case_services.deny(case, actor=people["approver"], reasons=["不符合消防技术标准"])
    commit_effects()
    assert not Licence.objects.exists()
    assert not Issuance.objects.exists()


def test_an_item_whose_result_is_not_a_licence_issues_nothing(
    submitted, people, licence_type, commit_effects
):
    LicenceItem.objects.all().delete()
    grant(submitted, people)
    commit_effects()
    assert not Licence.objects.exists()


def test_without_a_seal_the_issuance_waits_and_the_sweep_retries_it(
    submitted, people, licence_type, commit_effects, monkeypatch
):
    Seal.objects.update(is_active=False)
    case = grant(submitted, people)
    commit_effects()  # the receiver's failure is logged, never raised
    pending = Issuance.objects.get(case=case)
    assert pending.licence is None
    services.issue_seal(licence_type.department)
    monkeypatch.setattr(issuance, "RETRY_AFTER", issuance.RETRY_AFTER * 0)
    result = tasks.sweep_licences.apply().get()
    assert result["retried"] == 1
    pending.refresh_from_db()
    assert pending.licence is not None
    assert Licence.objects.count() == 1
