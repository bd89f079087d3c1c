"""The demo centre's licence library (``licences.demo``, loaded by ``seed_demo``): a CA, a seal
for every issuing department, types whose fields come from the items' forms, and demo cases
whose grant issues a licence."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.catalog.demo import items_data
from onewindow.catalog.tests.test_seed_demo import key_settings, run_seed
from onewindow.identity.models import User
from onewindow.licences import demo, queries, services, signing
from onewindow.licences.models import Authority, Licence, LicenceItem, LicenceType, Seal

pytestmark = pytest.mark.django_db


def run_commit_effects() -> int:
    """Run the on-commit side effects queued so far, as the real commit would."""
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()
    return len(pending)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for the module, its commit effects run (notices, licences), all
    rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    keys = tmp_path_factory.mktemp("keys")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), **key_settings(keys)),
        transaction.atomic(),
    ):
        _output, summary = run_seed()
        run_commit_effects()
        yield {"summary": summary, "keys": keys, "media": media}
        transaction.set_rollback(True)


@pytest.fixture
def keys_of_module(seeded, settings):
    """The module's key files (the per-test settings fixture would otherwise keep them)."""
    for name, value in key_settings(seeded["keys"]).items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = seeded["media"]


def items_by_number() -> dict[int, items_data.ItemSpec]:
    return {spec.number: spec for spec in items_data.ITEMS}


def test_every_issuing_department_has_an_active_seal_of_the_platform_ca(seeded):
    authority = services.current_authority()
    assert authority is not None
    assert authority.name == "蚌埠高新区政务服务中心"
    for code in demo.issuing_departments():
        seal = Seal.objects.get(department__code=code, is_active=True)
        assert seal.authority == authority
    assert seeded["summary"]["seals"] == len(demo.issuing_departments())
    assert (seeded["keys"] / "ca-key.pem").exists()


def test_licence_types_take_their_fields_from_the_items_forms(seeded):
    items = items_by_number()
    for spec in demo.LICENCE_TYPES:
        licence_type = LicenceType.objects.get(code=spec.code)
        licence_type.full_clean()
        forms = [items[n].form_schema["properties"] for n in spec.items]
        for field in licence_type.fields:
            assert any(field["key"] in form for form in forms), (spec.code, field)
            kinds = {form[field["key"]]["type"] for form in forms if field["key"] in form}
            assert kinds <= {"string", "number", "integer"}, (spec.code, field)  # prints well
        for number in spec.items:
            assert licence_type.name in items[number].result_name


def test_every_mapping_issues_from_the_items_own_department(seeded):
    mappings = LicenceItem.objects.select_related("implementation", "licence_type")
    assert mappings.count() == sum(len(spec.items) for spec in demo.LICENCE_TYPES)
    for mapping in mappings:
        mapping.full_clean()
        assert mapping.implementation.department_id == mapping.licence_type.department_id


def test_the_granted_and_completed_demo_cases_hold_valid_licences(seeded):
    granted = Case.objects.filter(status__in=["granted", "completed"])
    assert granted.count() >= 3
    for case in granted:
        licence = Licence.objects.get(case_no=case.case_no)
        result = queries.verify(licence.identifier, licence.check_code)
        assert result is not None, case.case_no
        assert result.valid, case.case_no
        assert licence.holder == case.applicant
    notes = demo.notes()
    assert len(notes) == granted.count()
    assert all("/licences/verify/?licence_id=" in line for line in notes)


def test_granting_the_demo_case_in_review_issues_its_licence(seeded, keys_of_module):
    case = Case.objects.get(status="in_review", implementation__licence_item__isnull=False)
    users = {u.username: u for u in User.objects.filter(username__contains="-")}
    for task in case.tasks.filter(status="active"):
        actor = users[f"{task.department.code.lower()}-{task.role}"]
        case = case_services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    approve = case.tasks.get(role="approver", status="active")
    case = case_services.complete_task(
        case, actor=users["scjg-approver"], task_id=approve.pk, opinion="agree"
    )
    case = case_services.grant(case, actor=users["scjg-approver"])
    assert not Licence.objects.filter(case_no=case.case_no).exists()

    run_commit_effects()

    licence = Licence.objects.get(case_no=case.case_no)
    assert licence.licence_type.code == "YYZZ"
    assert licence.holder == case.applicant
    assert licence.data["company_name"] == case.form["company_name"]
    assert licence.department.code == "SCJG"
    assert queries.verify(licence.identifier, licence.check_code).valid


def test_a_ca_key_left_without_its_certificate_is_certified_again(seeded, settings, tmp_path):
    settings.ONEWINDOW_LICENCE_CA_KEY_PATH = tmp_path / "ca-key.pem"
    settings.ONEWINDOW_LICENCE_SEAL_KEY_DIR = tmp_path / "seals"
    signing.create_authority("旧数据库的根证书", now=services.timezone.now())
    key_bytes = (tmp_path / "ca-key.pem").read_bytes()
    Authority.objects.update(is_current=False)
    Seal.objects.update(is_active=False)

    result = demo.load_demo()

    authority = services.current_authority()
    assert authority is not None
    assert authority.name == "蚌埠高新区政务服务中心"
    assert (tmp_path / "ca-key.pem").read_bytes() == key_bytes  # never overwritten
    assert result["created"] is True
    assert result["seals"] == len(demo.issuing_departments())
    assert Seal.objects.filter(is_active=True, authority=authority).count() == result["seals"]
