"""Personas of the workbench tests: a window clerk, handlers, reviewers and approvers of three
departments, a department head, a centre manager, a citizen and outsiders; an item with a
parallel review stage, an instant item, and signed-in (TOTP-verified) clients."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, StoredFile
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.identity.models import User

PASSWORD = "Zw!x9-Lk3m"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def id_number(body: str = "11010519491231002") -> str:
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str = "91340300MA2N0P1Q7") -> str:
    return body + uscc.calc_check_digit(body)


def upload(user: User, name: str = "a.pdf", data: bytes = PDF, kind: str = "application/pdf"):
    stored = StoredFile(
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=kind,
        uploaded_by=user,
    )
    stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


@pytest.fixture
def departments(db) -> dict[str, Any]:
    return {
        "SCJG": factories.department("SCJG", "市场监督管理局"),
        "XF": factories.department("XF", "消防救援大队"),
        "WJ": factories.department("WJ", "卫生健康委员会"),
        "GA": factories.department("GA", "公安分局"),
    }


@pytest.fixture
def item(departments):
    """Accept → handle (SCJG) → parallel review (XF + WJ) → approve (SCJG)."""
    scjg, xf, wj = departments["SCJG"], departments["XF"], departments["WJ"]
    return factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=scjg,
        statutory_days=20,
        promised_days=10,
        online_depth=3,
        materials=[
            {"name": "申请书", "required": True},
            {"name": "营业执照", "required": True, "source": "shared"},
            {"name": "平面图", "required": False},
        ],
        stages=[
            {"name": "承办", "role": "handler", "departments": [scjg], "days": 2},
            {
                "name": "并联审查",
                "role": "reviewer",
                "departments": [xf, wj],
                "parallel": True,
                "days": 5,
            },
            {"name": "审批", "role": "approver", "departments": [scjg], "days": 2},
        ],
        form_schema={
            "type": "object",
            "properties": {
                "venue": {"type": "string", "title": "场所名称", "minLength": 1, "maxLength": 100},
                "area": {"type": "number", "title": "建筑面积", "minimum": 1, "x-unit": "平方米"},
                "opened_on": {"type": "string", "format": "date", "title": "拟开业日期"},
                "kind": {"type": "string", "title": "场所类型", "enum": ["影院", "商场"]},
                "commitment": {"type": "boolean", "title": "申请人承诺", "const": True},
            },
            "required": ["venue", "area", "commitment"],
        },
    )


@pytest.fixture
def instant_item(departments):
    return factories.item(
        "个体工商户名称变更",
        dept=departments["SCJG"],
        handling="instant",
        promised_days=0,
        statutory_days=None,
        online_depth=2,
        form_schema={},
    )


def _staff(username: str, department, roles: list[str]) -> User:
    return identity.create_staff(
        username=username,
        password=PASSWORD,
        name=f"{username}员",
        department=department,
        roles=roles,
        actor=None,
    )


@pytest.fixture
def people(departments) -> dict[str, User]:
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三丰",
        id_number=id_number("11010519491231002"),
        phone="13812345678",
    )
    return {
        "citizen": citizen,
        "clerk": _staff("clerk", None, ["window_clerk"]),
        "handler": _staff("handler", departments["SCJG"], ["handler"]),
        "xf": _staff("xf", departments["XF"], ["reviewer"]),
        "wj": _staff("wj", departments["WJ"], ["reviewer"]),
        "approver": _staff("approver", departments["SCJG"], ["approver"]),
        "head": _staff("head", departments["SCJG"], ["department_head"]),
        "manager": _staff("manager", None, ["centre_manager"]),
        "ga_handler": _staff("ga_handler", departments["GA"], ["handler"]),
    }


@pytest.fixture
def sign_in() -> Callable[[User], Client]:
    """A client signed in as ``user``, past the TOTP step for staff."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        if user.kind == User.Kind.STAFF:
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make


@pytest.fixture
def submit(item, people) -> Callable[..., Case]:
    """File an online application of ``item`` as the citizen."""

    def make(implementation=None, **form: Any) -> Case:
        implementation = implementation or item
        version = implementation.current_version
        requirement = version.materials.filter(source="applicant", required=True).first()
        materials = []
        if requirement is not None:
            materials.append(
                {"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}
            )
        return case_services.submit_case(
            implementation,
            form=form or ({"venue": "示例影城", "area": 1200, "commitment": True}),
            channel="online",
            materials=materials,
            actor=people["citizen"],
        )

    return make


@pytest.fixture
def commit_effects():
    """Run the on-commit side effects (notices, messages) queued so far, as a commit would."""
    from django.db import connection

    def run() -> int:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        return len(pending)

    return run
