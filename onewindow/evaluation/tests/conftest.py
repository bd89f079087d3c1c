"""Personas, a completed case and a hall with windows, for the evaluation tests.

The case engine's personas and item come from its own test fixtures; a case is completed by
driving it through ``cases.services`` (accept, each task, grant, deliver).
"""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import (  # noqa: F401  # fixtures
    PASSWORD,
    commit_effects,
    departments,
    item,
    people,
    submitted,
)
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.identity.tokens import create_token
from onewindow.org.models import Post, ServiceCenter, Window


def complete(case: Case, persons: dict[str, Any]) -> Case:
    """Drive a submitted case along the happy path to ``completed``."""
    case = case_services.accept(case, actor=persons["clerk"])
    for task in case.tasks.order_by("stage"):
        task.refresh_from_db()
        actor = {
            "SCJG": persons["handler"] if task.role == "handler" else persons["approver"],
            "XF": persons["xf"],
            "WJ": persons["wj"],
        }[task.department.code]
        case = case_services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    case = case_services.grant(case, actor=persons["approver"])
    return case_services.deliver(case, actor=persons["clerk"], delivery={"method": "pickup"})


@pytest.fixture
def completed(submitted, people) -> Case:  # noqa: F811
    return complete(submitted, people)


def staff(username: str, department, roles: list[str]):
    return identity.create_staff(
        username=username,
        password=PASSWORD,
        name=username,
        department=department,
        roles=roles,
        actor=None,
    )


@pytest.fixture
def overseers(departments) -> dict[str, Any]:  # noqa: F811
    return {
        "head": staff("head", departments["SCJG"], ["department_head"]),
        "xf_head": staff("xf_head", departments["XF"], ["department_head"]),
        "supervisor": staff("supervisor", None, ["supervisor"]),
        "manager": staff("manager", None, ["centre_manager"]),
    }


@pytest.fixture
def hall(departments, people) -> dict[str, Any]:  # noqa: F811
    center = ServiceCenter.objects.create(
        code="ZX", name="示例市政务服务中心", region=factories.region(), address="示例路1号"
    )
    general = Window.objects.create(center=center, number="01", name="综合受理", kind="general")
    scjg = Window.objects.create(center=center, number="02", name="市场监管", kind="department")
    scjg.departments.add(departments["SCJG"])
    post = Post.objects.create(
        department=departments["SCJG"], name="综合窗口受理", role="window_clerk", window=general
    )
    post.holders.add(people["clerk"])
    return {"center": center, "general": general, "scjg": scjg}


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def sign_in():
    """A client signed in as ``user``, past the TOTP step for staff."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        if user.kind == "staff":
            device = TOTPDevice.objects.get_or_create(
                user=user, name="TOTP", defaults={"confirmed": True}
            )[0]
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make
