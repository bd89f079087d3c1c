"""A platform CA and department seals in a temporary directory, a licence type issued by the
fire-safety item's department, and helpers to drive a case to its grant."""

# The case engine's fixtures are imported by name and used as parameters here.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
from stdnum.cn import uscc

from onewindow.cases import services as case_services
from onewindow.cases.tests.conftest import (  # noqa: F401  # fixtures
    commit_effects,
    departments,
    id_number,
    item,
    people,
    submitted,
    upload,
)
from onewindow.licences import services
from onewindow.licences.models import LicenceItem, LicenceType


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


CREDIT_CODES = {
    "SCJG": credit_code("11340300MB1957000"),
    "XF": credit_code("11340300MB1957001"),
    "WJ": credit_code("11340300MB1957002"),
}


@pytest.fixture
def key_dir(settings, tmp_path):
    keys = tmp_path / "keys"
    settings.ONEWINDOW_LICENCE_CA_KEY_PATH = keys / "ca-key.pem"
    settings.ONEWINDOW_LICENCE_SEAL_KEY_DIR = keys / "seals"
    settings.ONEWINDOW_LICENCE_CA_PASSPHRASE = "ca-passphrase-for-tests"
    settings.ONEWINDOW_LICENCE_SEAL_PASSPHRASE = "seal-passphrase-for-tests"
    return keys


@pytest.fixture
def authority(db, key_dir):
    return services.init_authority(name="测试政务服务中心")


@pytest.fixture
def seals(authority, departments) -> dict[str, Any]:
    result = {}
    for code, department in departments.items():
        department.credit_code = CREDIT_CODES[code]
        department.save(update_fields=["credit_code"])
        result[code] = services.issue_seal(department)
    return result


@pytest.fixture
def licence_type(departments, item, seals) -> LicenceType:
    """公众聚集场所投入使用、营业前消防安全检查合格证, issued by SCJG for the fire-safety item."""
    licence_type = LicenceType.objects.create(
        code="XFAQ0001",
        name="公众聚集场所投入使用、营业前消防安全检查合格证",
        department=departments["SCJG"],
        holder_kind=LicenceType.HolderKind.BOTH,
        validity_months=60,
        fields=[
            {"key": "venue", "label": "场所名称"},
            {"key": "area", "label": "建筑面积（平方米）"},
        ],
    )
    LicenceItem.objects.create(implementation=item, licence_type=licence_type)
    return licence_type


@pytest.fixture
def business_licence_type(departments, seals) -> LicenceType:
    """营业执照: reusable for the material of that name (免提交)."""
    return LicenceType.objects.create(
        code="YYZZ",
        name="营业执照",
        department=departments["SCJG"],
        validity_months=None,
        fields=[{"key": "scope", "label": "经营范围"}],
    )


def grant(case, people) -> Any:
    """Accept, complete every task and grant a submitted case of the fire-safety item."""
    case = case_services.accept(case, actor=people["clerk"])
    for task in case.tasks.order_by("stage", "id"):
        task.refresh_from_db()
        actor = {
            "SCJG": people["handler"] if task.role == "handler" else people["approver"],
            "XF": people["xf"],
            "WJ": people["wj"],
        }[task.department.code]
        case = case_services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    return case_services.grant(case, actor=people["approver"])


@pytest.fixture
def granted(submitted, people, licence_type, commit_effects):
    """A granted case whose licence has been issued (the on-commit effects have run)."""
    case = grant(submitted, people)
    commit_effects()
    return case


@pytest.fixture
def licence(granted):
    from onewindow.licences.models import Licence

    return Licence.objects.get(case_no=granted.case_no)


@pytest.fixture
def login():
    """A client signed in as ``user``; staff also past their second factor (TOTP)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onewindow.identity.models import User

    def make(user):
        client = Client()
        client.force_login(user)
        if user.kind == User.Kind.STAFF:
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make
