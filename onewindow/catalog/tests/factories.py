"""Factories for catalog tests: an item with a published version, built through the services."""

from __future__ import annotations

import itertools
from typing import Any

from onewindow.catalog import services
from onewindow.catalog.models import ItemImplementation, ServiceItem
from onewindow.org.models import Department, Region

_seq = itertools.count(1)


def region(code: str = "340371", name: str = "蚌埠市高新技术开发区") -> Region:
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": "zone"})
    return obj


def department(code: str = "SCJG", name: str = "市场监督管理局", **extra: Any) -> Department:
    obj, _ = Department.objects.get_or_create(
        code=code, defaults={"name": name, "region": region(), **extra}
    )
    return obj


def guide(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "测试事项",
        "legal_basis": "《中华人民共和国行政许可法》",
        "conditions": "符合法定条件",
        "statutory_days": 20,
        "statutory_unit": "workday",
        "promised_days": 10,
        "handling": "promised",
        "online_depth": 3,
        "visits_required": 1,
        "form_schema": {
            "type": "object",
            "properties": {"applicant_name": {"type": "string", "title": "申请人"}},
            "required": ["applicant_name"],
        },
    }
    data.update(overrides)
    return data


def item(
    name: str = "测试事项",
    *,
    dept: Department | None = None,
    item_type: str = "licensing",
    stages: list[dict[str, Any]] | None = None,
    materials: list[dict[str, Any]] | None = None,
    fees: list[dict[str, Any]] | None = None,
    **guide_overrides: Any,
) -> ItemImplementation:
    dept = dept or department()
    basic = ServiceItem.objects.create(
        basic_code=f"Z{next(_seq):011d}", name=name, item_type=item_type
    )
    handling = guide_overrides.get("handling", "promised")
    if stages is None:
        stages = (
            []
            if handling == "instant"
            else [
                {"name": "承办", "role": "handler", "departments": [dept], "days": 5},
                {"name": "审批", "role": "approver", "departments": [dept], "days": 5},
            ]
        )
    return services.create_implementation(
        item=basic,
        department=dept,
        region=dept.region,
        center=None,
        guide=guide(name=name, **guide_overrides),
        materials=materials or [{"name": "申请书", "required": True}],
        fees=fees or [],
        stages=stages,
    )
