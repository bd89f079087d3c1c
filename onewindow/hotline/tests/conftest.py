"""Personas of the hotline tests: hotline agents, handlers and heads of three departments, a
supervisor, a citizen outsider; a dispatch catalogue; signed-in (TOTP-verified) clients; a
clock that can be set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric

from onewindow.catalog.tests import factories
from onewindow.hotline import services
from onewindow.hotline.models import Category, CategoryAttribute, Ticket
from onewindow.identity import services as identity
from onewindow.identity.models import User

PASSWORD = "Zw!x9-Lk3m"


def _staff(username: str, department, roles: list[str]) -> User:
    return identity.create_staff(
        username=username,
        password=PASSWORD,
        name=username,
        department=department,
        roles=roles,
        actor=None,
    )


@pytest.fixture
def departments(db) -> dict[str, Any]:
    return {
        "CG": factories.department("CG", "城市管理局"),
        "ZJ": factories.department("ZJ", "住房和城乡建设局"),
        "SCJG": factories.department("SCJG", "市场监督管理局"),
    }


@pytest.fixture
def people(departments) -> dict[str, User]:
    body = "11010519800101001"
    outsider = identity.register_person(
        username="outsider",
        password=PASSWORD,
        name="王五",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13900000000",
    )
    return {
        "agent": _staff("agent", None, ["hotline_agent"]),
        "cg": _staff("cg", departments["CG"], ["handler"]),
        "cg_head": _staff("cg_head", departments["CG"], ["department_head"]),
        "zj": _staff("zj", departments["ZJ"], ["handler"]),
        "scjg": _staff("scjg", departments["SCJG"], ["handler"]),
        "supervisor": _staff("supervisor", None, ["supervisor"]),
        "clerk": _staff("clerk", None, ["window_clerk"]),
        "outsider": outsider,
    }


@pytest.fixture
def categories(departments) -> dict[str, Category]:
    road = Category.objects.create(
        code="ROAD",
        name="道路破损",
        group="城市管理",
        keywords="路面 坑洼 井盖 破损",
        lead_department=departments["CG"],
        description="道路、人行道、井盖破损",
    )
    road.assisting_departments.add(departments["ZJ"])
    CategoryAttribute.objects.create(
        category=road,
        code="SIZE",
        description="破损面积",
        datatype="singlevaluelist",
        required=True,
        order=1,
        values=[{"key": "small", "name": "小于1平方米"}, {"key": "large", "name": "1平方米以上"}],
    )
    noise = Category.objects.create(
        code="NOISE",
        name="噪声扰民",
        keywords="噪音 施工 夜间 扰民",
        lead_department=departments["ZJ"],
    )
    food = Category.objects.create(
        code="FOOD",
        name="食品安全",
        keywords="食品 过期 餐馆 变质",
        lead_department=departments["SCJG"],
    )
    return {"ROAD": road, "NOISE": noise, "FOOD": food}


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
def call(people, categories) -> Callable[..., Ticket]:
    """A phone call registered and accepted by the agent."""

    def make(**overrides: Any) -> Ticket:
        data: dict[str, Any] = {
            "channel": "phone",
            "kind": "complaint",
            "category": "ROAD",
            "description": "幸福路与人民路交叉口路面有大坑洼，车辆经过很危险",
            "caller_name": "张三",
            "caller_phone": "13800000001",
            "address": "幸福路与人民路交叉口",
        }
        data.update(overrides)
        return services.create_ticket(data, actor=people["agent"], accept=True)

    return make


@pytest.fixture
def clock(monkeypatch) -> Callable[[str], None]:
    """Set "now" (Asia/Shanghai), e.g. ``clock("2025-09-30 10:00")``."""

    def set_now(value: str) -> None:
        moment = timezone.make_aware(dt.datetime.fromisoformat(value))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now
