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


def test_the_header_switches_work_on_cached_pages(page: Any, steps: Steps, item: Any) -> None:
    """The language and elderly-mode switches carry no CSRF token (the pages are cached for
    anonymous visitors): the browser's own origin headers let them through."""
    guide = f"/items/{item.implementation_code}/"
    page.goto(guide)
    page.goto(guide)  # stored by now
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_url(f"**{guide}")
    assert "ow-elderly" in (page.locator("body").get_attribute("class") or "")
    steps.shot(page, "elderly")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**{guide}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "ow-elderly" in (page.locator("body").get_attribute("class") or "")
    steps.shot(page, "english-elderly")
    page.context.clear_cookies()
    page.goto(guide)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "ow-elderly" not in (page.locator("body").get_attribute("class") or "")
