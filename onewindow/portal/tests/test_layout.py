"""The layout every page shares: the footer's centre, remembered by the process until the
public content generation changes, and the ``remember`` fragments of the header and footer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onewindow.core import page_cache
from onewindow.org.models import ServiceCenter
from onewindow.portal import queries

from .conftest import Catalog

pytestmark = pytest.mark.django_db


def _footer(client: Client) -> str:
    """The progress page: never stored by the page cache, so its footer is rendered each time."""
    page = client.get(reverse("portal:progress")).content.decode()
    return page[page.index("<footer") :]


@pytest.fixture
def generation() -> None:
    page_cache.bump_generation()  # as the first cached page of a running site does


@pytest.mark.usefixtures("generation")
def test_the_footer_reads_the_centre_once_then_until_it_changes(
    client: Client, catalog: Catalog, django_assert_num_queries
) -> None:
    assert "示范路100号" in _footer(client)
    with django_assert_num_queries(0):
        assert "示范路100号" in _footer(client)
    catalog.center.address = "示范路200号"
    catalog.center.save()  # a tracked org row: a new generation
    footer = _footer(client)
    assert "示范路200号" in footer
    assert "示范路100号" not in footer
    catalog.center.is_active = False
    catalog.center.save()
    assert "示范路200号" not in _footer(client)


@pytest.mark.usefixtures("generation")
def test_a_change_no_signal_sees_shows_after_the_page_cache_seconds(
    client: Client, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    assert "示范路100号" in _footer(client)
    ServiceCenter.objects.filter(pk=catalog.center.pk).update(address="示范路300号")
    assert "示范路100号" in _footer(client)  # remembered: nothing bumped the generation
    later = queries.time.monotonic() + settings.ONEWINDOW_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(queries.time, "monotonic", lambda: later)
    assert "示范路300号" in _footer(client)


def test_without_a_generation_one_is_set_and_with_the_cache_off_the_centre_is_read_each_time(
    catalog: Catalog, settings, django_assert_num_queries
) -> None:
    cache.delete(page_cache.GENERATION_KEY)  # the catalog's rows set one
    with django_assert_num_queries(1):
        assert queries.footer_center() == catalog.center
        queries.footer_center()
    assert cache.get(page_cache.GENERATION_KEY) is not None
    settings.ONEWINDOW_PAGE_CACHE_SECONDS = 0
    with django_assert_num_queries(2):
        assert queries.footer_center() == catalog.center
        queries.footer_center()


def test_the_footer_speaks_the_page_language(client: Client, catalog: Catalog) -> None:
    page_cache.bump_generation()
    assert "示范区政务服务中心" in _footer(client)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Demo District Government Service Centre" in _footer(english)
    assert "示范区政务服务中心" in _footer(client)


# --- remember ----------------------------------------------------------------------------------

REMEMBERED = Template(
    "{% load i18n portal_tags %}"
    "{% remember current=current %}"
    "[{{ current }}|{{ secret }}|{% translate '首页' %}|{% url 'portal:home' %}]"
    "{% endremember %}"
)


def _render(**values: object) -> str:
    return REMEMBERED.render(Context(values))


def test_a_remembered_fragment_is_rendered_once_per_key_and_language() -> None:
    assert _render(current="home") == "[home||首页|/]"
    node = next(n for n in REMEMBERED.nodelist if hasattr(n, "rendered"))
    assert len(node.rendered) == 1
    assert _render(current="home") == "[home||首页|/]"
    assert len(node.rendered) == 1
    assert _render(current="item_list") == "[item_list||首页|/]"
    with translation.override("en"):
        assert _render(current="home") == "[home||Home|/]"
    assert len(node.rendered) == 3


def test_a_remembered_fragment_sees_only_the_named_values() -> None:
    # What the tag does not name never enters the remembered text, so it cannot reach another
    # visitor: it renders empty.
    assert _render(current="home", secret="someone's") == "[home||首页|/]"


def test_remember_takes_only_named_values() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal_tags %}{% remember current %}{% endremember %}")
