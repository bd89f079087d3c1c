"""Browser tests: Playwright drives Debian's chromium against the live test server.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (``make
test-tools`` installs it; ``CHROMIUM`` names another binary). Each test writes a screenshot of
every step to ``var/test-output/browser/<test>/`` (``ONEWINDOW_TEST_OUTPUT`` moves the root),
so a failed run can be read step by step. ``axe_scan`` runs axe-core (from node_modules) in
the page and returns the violations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
OUTPUT = Path(os.environ.get("ONEWINDOW_TEST_OUTPUT", ROOT / "var" / "test-output")) / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-tools` (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop in this thread while the browser is open;
    # the ORM calls the tests make between browser steps (and the database flush after each)
    # are ordinary synchronous calls, which Django would otherwise refuse. Undone at the end.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(autouse=True)
def _audit_log_emptied(transactional_db: None) -> Iterator[None]:
    """The live server needs committed data, so these tests end with Django's flush, which
    the audit log's append-only trigger refuses: empty the log first, the trigger lifted."""
    yield
    from onewindow.core.tests.test_audit import tamper

    tamper("DELETE FROM core_auditrecord")


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


class Steps:
    """Numbered screenshots of one test's steps."""

    def __init__(self, name: str) -> None:
        self.folder = OUTPUT / _safe(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def shot(self, page: Any, label: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{_safe(label)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def steps(request: pytest.FixtureRequest) -> Steps:
    return Steps(request.node.name)


@pytest.fixture
def new_page(browser: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``new_page(phone=False)``: a page in a fresh browser context (its own cookies)."""
    contexts: list[Any] = []

    def make(*, phone: bool = False) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            locale="zh-CN",
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


def axe_scan(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of ``impacts`` on the current page, one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        })"""
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in impacts:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            impact, rule = violation["impact"], violation["id"]
            found.append(f"{impact} {rule}: {violation['help']} @ {targets}")
    return found


def no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    )
