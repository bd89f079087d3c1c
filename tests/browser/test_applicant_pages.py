"""The applicant's pages in a real browser: accessible (axe-core), refused to outsiders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from onewindow.cases import services
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.portal.tests.conftest import APPLICATION_SCHEMA, PASSWORD, id_number

from .conftest import Steps, axe_scan, no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class World:
    item: Any
    citizen: Any
    outsider: Any
    case: Any


@pytest.fixture
def world() -> World:
    department = factories.department("XFJ", "消防救援支队")
    item = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=department,
        online_depth=3,
        materials=[{"name": "消防安全检查申请书", "required": False}],
        form_schema=APPLICATION_SCHEMA,
    )
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=id_number("11010519491231002"),
        phone="13800000001",
    )
    outsider = identity.register_person(
        username="outsider",
        password=PASSWORD,
        name="李四",
        id_number=id_number("11010519800101001"),
        phone="13800000002",
    )
    case = services.submit_case(
        item,
        form={
            "applicant_name": "张三",
            "contact_phone": "13800000001",
            "venue": "示例影城",
            "area": 1200,
            "use": "影院",
            "commitment": True,
        },
        materials=[],
        channel="online",
        actor=citizen,
    )
    return World(item=item, citizen=citizen, outsider=outsider, case=case)


def sign_in(page: Any, username: str, steps: Steps | None = None) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    if steps is not None:
        steps.shot(page, f"sign-in-{username}")
    page.locator("form button[type=submit]", has_text="登录").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_applicant_pages_have_no_serious_accessibility_violation(
    page: Any, steps: Steps, world: World
) -> None:
    sign_in(page, "citizen", steps)
    pages = {
        "application-form": f"/items/{world.item.implementation_code}/apply/",
        "my-cases": "/my/cases/",
        "case-detail": f"/my/cases/{world.case.case_no}/",
    }
    found = {}
    for label, path in pages.items():
        page.goto(path)
        assert page.url.endswith(path), f"{path} redirected to {page.url}"
        steps.shot(page, label)
        found[label] = axe_scan(page)
    assert found == {label: [] for label in pages}


def test_applicant_pages_fit_a_360px_phone(new_page: Any, steps: Steps, world: World) -> None:
    page = new_page(phone=True)
    sign_in(page, "citizen")
    for label, path in {
        "application-form": f"/items/{world.item.implementation_code}/apply/",
        "my-cases": "/my/cases/",
        "case-detail": f"/my/cases/{world.case.case_no}/",
        "messages": "/my/messages/",
    }.items():
        page.goto(path)
        steps.shot(page, label)
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at 360 px"


def test_an_outsider_cannot_open_another_persons_case_by_url(
    page: Any, steps: Steps, world: World
) -> None:
    sign_in(page, "outsider", steps)
    for path in (
        f"/my/cases/{world.case.case_no}/",
        f"/my/cases/{world.case.case_no}/receipt/",
    ):
        response = page.goto(path)
        steps.shot(page, "refused-" + path.strip("/").replace("/", "-"))
        assert response is not None
        assert response.status == 404, path
        text = page.inner_text("main")  # the URL itself may echo in links back to this page
        for private in ("示例影城", "张", world.case.query_code):
            assert private not in text
    page.goto("/my/cases/")
    steps.shot(page, "outsider-my-cases")
    assert world.case.case_no not in page.content()
