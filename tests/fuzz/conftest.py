"""A small populated platform for the API fuzz tests: three callers with bearer tokens and
records whose identifiers the generated requests may use (a case, a ticket, a request).

Requests go in-process to Django's WSGI handler inside the test's transaction, so the
connection-closing signal handlers are detached for the duration, as Django's test client does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from stdnum.cn import ric

from onewindow.cases import services as case_services
from onewindow.cases.tests.conftest import upload
from onewindow.catalog.tests import factories
from onewindow.disclosure import services as disclosure
from onewindow.hotline import services as hotline
from onewindow.hotline.models import Category
from onewindow.identity import services as identity
from onewindow.identity.tokens import create_token

PASSWORD = "Zw!x9-Lk3m"
CALLERS = ("applicant", "clerk", "supervisor")


def _id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _staff(username: str, department: Any, roles: list[str]) -> Any:
    return identity.create_staff(
        username=username,
        password=PASSWORD,
        name=username,
        department=department,
        roles=roles,
        actor=None,
    )


@dataclass
class Platform:
    """The seeded records and one ``Authorization`` header per caller."""

    headers: dict[str, dict[str, str]]
    path_values: dict[str, list[str]] = field(default_factory=dict)


def _seed() -> Platform:
    scjg = factories.department("SCJG", "市场监督管理局")
    xf = factories.department("XF", "消防救援大队")
    item = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=scjg,
        statutory_days=20,
        promised_days=10,
        materials=[{"name": "申请书", "required": True}, {"name": "平面图", "required": False}],
        stages=[
            {"name": "承办", "role": "handler", "departments": [scjg], "days": 2},
            {"name": "审查", "role": "reviewer", "departments": [xf], "days": 3},
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
    applicant = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=_id_number("11010519491231002"),
        phone="13800000001",
    )
    clerk = _staff("clerk", None, ["window_clerk"])
    supervisor = _staff("supervisor", None, ["supervisor"])
    _staff("handler", scjg, ["handler"])  # so the accepted case's first task has a holder
    requirement = item.current_version.materials.get(name="申请书")

    def submit() -> Any:
        return case_services.submit_case(
            item,
            form={"venue": "示例影城", "area": 1200},
            channel="online",
            materials=[{"requirement_id": requirement.pk, "file_id": upload(applicant).pk}],
            actor=applicant,
        )

    submitted = submit()
    accepted = case_services.accept(submit(), actor=clerk)
    cases = [submitted, accepted]

    request = disclosure.file_request(
        agency=scjg,
        description="请公开本局2024年食品抽检不合格企业名单。",
        delivery_form="email",
        actor=applicant,
    )
    category = Category.objects.create(
        code="ROAD", name="道路破损", keywords="路面 坑洼", lead_department=scjg
    )
    ticket = hotline.create_ticket(
        {
            "channel": "phone",
            "kind": "complaint",
            "category": category.code,
            "description": "幸福路与人民路交叉口路面有大坑洼，车辆经过很危险",
            "caller_name": "张三",
            "caller_phone": "13800000001",
            "address": "幸福路与人民路交叉口",
        },
        actor=_staff("agent", None, ["hotline_agent"]),
        accept=True,
    )
    _run_commit_effects()  # the notices (documents) are written once the transaction commits
    documents = [str(pk) for case in cases for pk in case.documents.values_list("pk", flat=True)]
    documents += [str(pk) for pk in request.documents.values_list("pk", flat=True)]

    headers = {}
    for name, user in {"applicant": applicant, "clerk": clerk, "supervisor": supervisor}.items():
        _token, secret = create_token(user, name="fuzz", actor=user)
        headers[name] = {"Authorization": f"Bearer {secret}"}

    return Platform(
        headers=headers,
        path_values={
            "code": [item.implementation_code],
            "case_no": [case.case_no for case in cases],
            "document_id": documents or ["1"],
            "request_no": [request.request_no],
            "ticket_no": [ticket.ticket_no],
        },
    )


def _run_commit_effects() -> None:
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()


@pytest.fixture
def platform(db) -> Iterator[Platform]:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _seed()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def wsgi_app() -> Any:
    return get_wsgi_application()
