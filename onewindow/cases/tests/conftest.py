"""Personas and an item with a parallel stage, for the case engine's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from stdnum.cn import ric

from onewindow.cases.models import StoredFile
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity

PASSWORD = "Zw!x9-Lk3m"


def id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def departments(db) -> dict[str, Any]:
    return {
        "SCJG": factories.department("SCJG", "市场监督管理局"),
        "XF": factories.department("XF", "消防救援大队"),
        "WJ": factories.department("WJ", "卫生健康委员会"),
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
                "area": {"type": "number", "title": "建筑面积", "minimum": 1},
            },
            "required": ["venue", "area"],
        },
    )


@pytest.fixture
def instant_item(departments):
    return factories.item(
        "结婚登记",
        dept=departments["SCJG"],
        handling="instant",
        promised_days=0,
        statutory_days=None,
        item_type="confirmation",
    )


def _staff(username: str, department, roles: list[str]):
    return identity.create_staff(
        username=username,
        password=PASSWORD,
        name=username,
        department=department,
        roles=roles,
        actor=None,
    )


@pytest.fixture
def people(departments) -> dict[str, Any]:
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=id_number("11010519491231002"),
        phone="13800000001",
    )
    other = identity.register_person(
        username="other",
        password=PASSWORD,
        name="李四",
        id_number=id_number("11010519800101001"),
        phone="13800000002",
    )
    return {
        "citizen": citizen,
        "other": other,
        "clerk": _staff("clerk", None, ["window_clerk"]),
        "handler": _staff("handler", departments["SCJG"], ["handler"]),
        "xf": _staff("xf", departments["XF"], ["reviewer"]),
        "wj": _staff("wj", departments["WJ"], ["reviewer"]),
        "approver": _staff("approver", departments["SCJG"], ["approver"]),
        "xf_approver": _staff("xf_approver", departments["XF"], ["approver"]),
    }


def upload(user, name: str = "a.pdf") -> StoredFile:
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    import hashlib

    stored = StoredFile(
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        uploaded_by=user,
    )
    stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


@pytest.fixture
def submitted(item, people):
    from onewindow.cases import services

    requirement = item.current_version.materials.get(name="申请书")
    return services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200},
        channel="online",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        actor=people["citizen"],
    )


def on_day(monkeypatch, day: dt.date) -> None:
    """Make the engine believe today is ``day``."""
    from onewindow.cases import services

    monkeypatch.setattr(services, "today", lambda: day)


@pytest.fixture
def commit_effects():
    """Call it to run the on-commit side effects (notices, messages) queued so far, as the
    real commit would: the test's own transaction never commits."""
    from django.db import connection

    def run() -> int:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        return len(pending)

    return run
