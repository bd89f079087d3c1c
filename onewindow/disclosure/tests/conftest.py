"""Personas, agencies and helpers for the disclosure tests."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import pytest
from stdnum.cn import ric, uscc

from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.identity.tokens import create_token

PASSWORD = "Zw!x9-Lk3m"
PDFTOTEXT = shutil.which("pdftotext")


def id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _staff(username: str, department, roles: list[str]):
    return identity.create_staff(
        username=username,
        password=None,
        name=username,
        department=department,
        roles=roles,
        actor=None,
    )


@pytest.fixture
def agencies(db) -> dict[str, Any]:
    return {
        "SCJG": factories.department("SCJG", "市场监督管理局", phone="0552-1234567"),
        "ZJ": factories.department("ZJ", "住房和城乡建设局"),
    }


@pytest.fixture
def people(agencies) -> dict[str, Any]:
    citizen = identity.register_person(
        username="citizen",
        password=None,
        name="张三丰",
        id_number=id_number("11010519491231002"),
        phone="13800000001",
    )
    other = identity.register_person(
        username="other",
        password=None,
        name="李四",
        id_number=id_number("11010519800101001"),
        phone="13800000002",
    )
    return {
        "citizen": citizen,
        "other": other,
        "officer": _staff("officer", agencies["SCJG"], ["disclosure_officer"]),
        "officer2": _staff("officer2", agencies["SCJG"], ["disclosure_officer"]),
        "head": _staff("head", agencies["SCJG"], ["department_head"]),
        "zj_officer": _staff("zj_officer", agencies["ZJ"], ["disclosure_officer"]),
        "zj_head": _staff("zj_head", agencies["ZJ"], ["department_head"]),
        "manager": _staff("manager", None, ["centre_manager"]),
        "clerk": _staff("clerk", None, ["window_clerk"]),
        "handler": _staff("handler", agencies["SCJG"], ["handler"]),
    }


def on_day(monkeypatch, day: dt.date) -> None:
    """Make the disclosure services believe today is ``day``."""
    from onewindow.disclosure import services

    monkeypatch.setattr(services, "today", lambda: day)


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def pdf_text(path: str) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed")
    result = subprocess.run(  # noqa: S603 - fixed executable, our own file
        [PDFTOTEXT, "-layout", path, "-"], capture_output=True, check=True, text=True
    )
    return "".join(result.stdout.split())


def walk_in(agencies, people, **overrides: Any):
    """A request registered by the officer for a walk-in applicant."""
    from onewindow.disclosure import services

    data: dict[str, Any] = {
        "agency": agencies["SCJG"],
        "applicant": {
            "kind": "person",
            "name": "王小明",
            "id_number": id_number("34030219850101001"),
            "phone": "13912345678",
            "address": "安徽省蚌埠市龙子湖区东海大道1号",
            "email": "wxm@example.com",
        },
        "description": "请公开2024年本局食品抽检不合格企业名单。",
        "delivery_form": "email",
        "channel": "in_person",
        "actor": people["officer"],
    }
    data.update(overrides)
    return services.file_request(**data)


def sign_in(client, user) -> None:
    """Sign ``user`` in; staff past the TOTP step, as the sign-in requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="TOTP", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
