"""Emergency notices are pinned on the home page, which anonymous visitors get from the public
page cache (core.page_cache): publishing or withdrawing one shows at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from onewindow.core import page_cache
from onewindow.disclosure import services

from .test_publishing import draft, publish

pytestmark = pytest.mark.django_db

TITLE = "关于暂停大厅现场服务的紧急通知"


def test_a_published_then_withdrawn_emergency_notice_shows_at_once(
    agencies, people, client: Client
) -> None:
    notice = draft(
        agencies, people, title=TITLE, kind="emergency", doc_number="", is_emergency=True
    )
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    publish(notice, people)
    home = client.get("/")
    assert home["X-Cache"] == "miss"
    assert TITLE in home.content.decode()
    services.withdraw(notice, actor=people["officer"], reason="已恢复服务")
    assert TITLE not in client.get("/").content.decode()


def test_the_pages_go_stale_after_the_notice_list_is_dropped(
    agencies, people, django_capture_on_commit_callbacks
) -> None:
    """On commit the notice list is dropped first and the pages' generation changes after it,
    so no page stored in between can keep the old list."""
    notice = draft(
        agencies, people, title=TITLE, kind="emergency", doc_number="", is_emergency=True
    )
    with django_capture_on_commit_callbacks() as callbacks:
        publish(notice, people)
    last = callbacks[-1]
    cache.set(services.EMERGENCY_CACHE_KEY, [])
    before = cache.get(page_cache.GENERATION_KEY)
    last()
    assert cache.get(services.EMERGENCY_CACHE_KEY) is None
    assert cache.get(page_cache.GENERATION_KEY) != before
