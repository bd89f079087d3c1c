"""The public pages in a real browser: accessible (axe-core), usable at 360 px."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.catalog.tests import factories

from .conftest import Steps, axe_scan, no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def item() -> Any:
    return factories.item("公共场所卫生许可", online_depth=3)


def test_home_page_has_no_serious_accessibility_violation(page: Any, steps: Steps) -> None:
    page.goto("/")
    steps.shot(page, "home")
    assert axe_scan(page) == []


def test_service_guide_has_no_serious_accessibility_violation(
    page: Any, steps: Steps, item: Any
) -> None:
    page.goto(f"/items/{item.implementation_code}/")
    page.get_by_role("heading", name="公共场所卫生许可").first.wait_for()
    steps.shot(page, "guide")
    assert axe_scan(page) == []


def test_home_and_guide_fit_a_360px_phone(new_page: Any, steps: Steps, item: Any) -> None:
    page = new_page(phone=True)
    for path in ("/", f"/items/{item.implementation_code}/", "/items/", "/progress/"):
        page.goto(path)
        steps.shot(page, path.strip("/").replace("/", "_") or "home")
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at 360 px"
