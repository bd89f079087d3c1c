"""The public page cache (core.page_cache) on the online hall's pages: what anonymous visitors
get from it, what invalidates it, and whom it never serves."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import SynonymGroup, Theme
from onewindow.core import page_cache
from onewindow.portal.templatetags.portal_tags import ELDERLY_COOKIE

from .conftest import PASSWORD, Catalog, People

pytestmark = pytest.mark.django_db


def _guide(catalog: Catalog) -> str:
    return reverse("portal:item_detail", args=[catalog.licence.implementation_code])


def _public_pages(catalog: Catalog) -> list[str]:
    code = catalog.eia.implementation_code
    return [
        reverse("portal:home"),
        reverse("portal:item_list"),
        reverse("portal:item_list") + "?q=营业执照",
        reverse("portal:item_list") + "?department=SCJ&page=1",
        _guide(catalog),
        reverse("portal:item_history", args=[code]),
        reverse("portal:department_list"),
        reverse("portal:department_detail", args=[catalog.market.code]),
        reverse("portal:themes", args=["person"]),
    ]


# --- hits and misses ---------------------------------------------------------------------------


def test_every_public_page_is_stored_then_served_without_a_query(
    client: Client, catalog: Catalog, django_assert_num_queries
) -> None:
    for url in _public_pages(catalog):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Cache"] == "hit", url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"]
        assert second["Content-Language"] == first["Content-Language"]
        assert second["X-Frame-Options"] == "DENY"
        assert not second.cookies


def test_a_head_request_is_answered_from_the_stored_page(client: Client, catalog: Catalog) -> None:
    client.get(_guide(catalog))
    assert client.head(_guide(catalog))["X-Cache"] == "hit"


def test_the_query_string_is_part_of_the_key(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:item_list")
    licence = client.get(url, {"q": "营业执照"}).content.decode()
    certificate = client.get(url, {"q": "户籍证明"})
    assert certificate["X-Cache"] == "miss"
    assert "户籍证明开具" in certificate.content.decode()
    assert "户籍证明开具" not in licence


def test_the_cache_is_off_with_zero_seconds(client: Client, catalog: Catalog, settings) -> None:
    settings.ONEWINDOW_PAGE_CACHE_SECONDS = 0
    client.get(_guide(catalog))
    assert "X-Cache" not in client.get(_guide(catalog))


def test_a_new_release_never_serves_the_old_releases_pages(
    client: Client, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(_guide(catalog))
    monkeypatch.setattr(page_cache, "_fingerprint", "another-release")
    assert client.get(_guide(catalog))["X-Cache"] == "miss"


# --- variants ----------------------------------------------------------------------------------


def _body_tag(response: HttpResponse) -> str:
    page = response.content.decode()
    return page[page.index("<body") : page.index(">", page.index("<body"))]


def test_elderly_mode_pages_are_stored_apart(client: Client, catalog: Catalog) -> None:
    plain = client.get(_guide(catalog))
    elderly_client = Client()
    elderly_client.cookies[ELDERLY_COOKIE] = "1"
    elderly = elderly_client.get(_guide(catalog))
    assert elderly["X-Cache"] == "miss"
    assert "ow-elderly" in _body_tag(elderly)
    assert "ow-elderly" not in _body_tag(plain)
    assert "ow-elderly" in _body_tag(elderly_client.get(_guide(catalog)))
    again = client.get(_guide(catalog))
    assert again["X-Cache"] == "hit"
    assert "ow-elderly" not in _body_tag(again)


def test_languages_are_stored_apart(client: Client, catalog: Catalog, settings) -> None:
    chinese = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Cache"] == "miss"
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    by_cookie = Client()
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = by_cookie.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer["X-Cache"] == "hit"  # the cookie chose English: the stored English page
    assert answer.content == english.content
    assert client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content == (
        chinese.content
    )


def test_htmx_fragments_are_stored_apart_from_whole_pages(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:item_list") + "?q=营业执照"
    page = client.get(url)
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment["X-Cache"] == "miss"
    assert b"<html" not in fragment.content
    assert b"<html" in client.get(url).content
    assert b"<html" in page.content


# --- invalidation: every tracked change, at once ------------------------------------------------


def test_publishing_a_new_version_shows_at_once(client: Client, catalog: Catalog) -> None:
    assert "新的受理条件" not in client.get(_guide(catalog)).content.decode()
    catalog_services.edit_item(
        catalog.licence, guide={"change_note": "调整条件", "conditions": "新的受理条件。"}
    )
    fresh = client.get(_guide(catalog))
    assert fresh["X-Cache"] == "miss"
    assert "新的受理条件" in fresh.content.decode()


def test_a_withdrawn_item_leaves_the_guide_and_the_search(client: Client, catalog: Catalog) -> None:
    search = reverse("portal:item_list") + "?q=营业执照"
    assert "企业设立登记" in client.get(search).content.decode()
    client.get(_guide(catalog))
    catalog_services.withdraw_implementation(catalog.licence)
    assert client.get(_guide(catalog)).status_code == 404
    assert "企业设立登记" not in client.get(search).content.decode()


def test_a_department_edit_shows_at_once(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:department_detail", args=[catalog.market.code])
    client.get(url)
    client.get(reverse("portal:department_list"))
    catalog.market.name = "市场监督管理局（改名）"
    catalog.market.save()
    assert "（改名）" in client.get(url).content.decode()
    assert "（改名）" in client.get(reverse("portal:department_list")).content.decode()


def test_a_service_centre_edit_shows_in_every_footer(client: Client, catalog: Catalog) -> None:
    client.get(_guide(catalog))
    catalog.center.phone = "021-00000000"
    catalog.center.save()
    assert "021-00000000" in client.get(_guide(catalog)).content.decode()


def test_a_theme_added_to_a_version_shows_at_once(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:item_list") + "?theme=moving"
    theme = Theme.objects.create(code="moving", name="迁居", audience="person")
    assert "户籍证明开具" not in client.get(url).content.decode()
    catalog.certificate.current_version.themes.add(theme)  # many-to-many: m2m_changed
    assert "户籍证明开具" in client.get(url).content.decode()


def test_a_new_synonym_changes_the_search_at_once(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:item_list") + "?q=hjzm"
    assert "户籍证明开具" not in client.get(url).content.decode()
    SynonymGroup.objects.create(terms="户籍证明 hjzm")
    assert "户籍证明开具" in client.get(url).content.decode()


def test_a_deleted_duty_leaves_the_department_page(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:department_detail", args=[catalog.market.code])
    assert "企业设立登记审查责任" in client.get(url).content.decode()
    catalog.market.duties.all().delete()
    assert "企业设立登记审查责任" not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_bumps_again_when_it_commits(client: Client, catalog: Catalog) -> None:
    """A page another process renders from the old rows before the commit is stored under the
    generation it read before rendering: the commit's bump makes it unservable."""
    client.get(_guide(catalog))
    with transaction.atomic():
        catalog.center.phone = "021-11111111"
        catalog.center.save()
        during = cache.get(page_cache.GENERATION_KEY)
        # What a process that cannot see the uncommitted row would store meanwhile.
        stale_key = page_cache._key(RequestFactory().get(_guide(catalog)))
        assert stale_key is not None
        cache.set(stale_key, (during, [], b"x\x9c\x03\x00\x00\x00\x00\x01"), 60)
        catalog.market.save()  # a second row of the same transaction: still one commit bump
    after = cache.get(page_cache.GENERATION_KEY)
    assert after != during
    fresh = client.get(_guide(catalog))
    assert fresh["X-Cache"] == "miss"
    assert "021-11111111" in fresh.content.decode()


def test_one_transaction_registers_one_commit_bump(catalog: Catalog) -> None:
    """The test runs in one transaction (the fixture's saves included): however many rows it
    saves, one bump waits for the commit."""
    for index in range(5):
        catalog.market.phone = f"021-5555000{index}"
        catalog.market.save()
    pending = [
        callback
        for _savepoints, callback, _robust in connection.run_on_commit
        if callback is page_cache.bump_generation
    ]
    assert pending == [page_cache.bump_generation]


# --- whom and what it never serves or stores ---------------------------------------------------


def test_a_signed_in_visitor_is_never_served_nor_stored(
    client: Client, catalog: Catalog, people: People
) -> None:
    anonymous = client.get(_guide(catalog))
    signed_in = Client()
    assert signed_in.login(username="citizen", password=PASSWORD)
    page = signed_in.get(_guide(catalog))
    assert "X-Cache" not in page
    assert "我的办件" in page.content.decode()
    assert "csrfmiddlewaretoken" in page.content.decode()  # the sign-out form
    again = client.get(_guide(catalog))
    assert again["X-Cache"] == "hit"
    assert again.content == anonymous.content
    assert "我的办件" not in again.content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "something-unknown"])
def test_a_request_with_another_cookie_bypasses_the_cache(
    client: Client, catalog: Catalog, cookie: str
) -> None:
    client.get(_guide(catalog))
    other = Client()
    other.cookies[cookie] = "x"
    assert "X-Cache" not in other.get(_guide(catalog))


def test_ignored_cookies_do_not_bypass_it(client: Client, catalog: Catalog, settings) -> None:
    settings.ONEWINDOW_PAGE_CACHE_IGNORED_COOKIES = ["_site_analytics"]
    client.get(_guide(catalog))
    other = Client()
    other.cookies["_site_analytics"] = "x"
    other.cookies[settings.CSRF_COOKIE_NAME] = "y" * 32
    assert other.get(_guide(catalog))["X-Cache"] == "hit"


def test_an_api_caller_bypasses_it(client: Client, catalog: Catalog) -> None:
    client.get(_guide(catalog))
    assert "X-Cache" not in client.get(_guide(catalog), HTTP_AUTHORIZATION="Bearer x")


def test_error_pages_are_not_stored(client: Client, catalog: Catalog) -> None:
    url = reverse("portal:item_detail", args=["NO-SUCH-ITEM"])
    assert client.get(url).status_code == 404
    missing = client.get(url)
    assert missing.status_code == 404
    assert "X-Cache" not in missing


def test_pages_without_the_decorator_are_not_stored(client: Client, catalog: Catalog) -> None:
    for url in [reverse("portal:progress"), reverse("identity:login")]:
        client.get(url)
        assert "X-Cache" not in client.get(url), url


def test_other_paths_never_ask_the_cache(
    client: Client, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/healthz, the API and undecorated pages pay no round trip to the cache."""
    asked: list[object] = []
    real = page_cache.cache.get_many
    monkeypatch.setattr(page_cache.cache, "get_many", lambda keys: asked.append(keys) or real(keys))
    for url in ["/healthz", "/api/v1/items", reverse("portal:progress"), "/no-such-page/"]:
        client.get(url)
    assert asked == []
    client.get(_guide(catalog))
    assert len(asked) == 1


def test_the_header_forms_carry_no_csrf_token_nor_cookie(client: Client, catalog: Catalog) -> None:
    page = client.get(reverse("portal:home"))
    assert b"csrfmiddlewaretoken" not in page.content
    assert not page.cookies
    assert f'action="{reverse("portal:elderly_mode")}"'.encode() in page.content
    assert f'action="{reverse("set_language")}"'.encode() in page.content


def test_the_elderly_cookie_of_the_key_is_the_one_the_portal_sets(settings) -> None:
    assert ELDERLY_COOKIE in settings.ONEWINDOW_PAGE_CACHE_KEY_COOKIES


# --- the middleware's rules, on views that break them --------------------------------------------


def _middleware_calls(view) -> tuple[int, HttpResponse]:  # type: ignore[no-untyped-def]
    calls = []

    def get_response(request: HttpRequest) -> HttpResponse:
        calls.append(request)
        return page_cache.cache_public_page(view)(request)

    middleware = page_cache.PublicPageCacheMiddleware(get_response)
    factory = RequestFactory()
    response = HttpResponse()
    for _ in range(2):
        response = middleware(factory.get("/items/"))
    return len(calls), response


def test_a_response_that_sets_a_cookie_is_not_stored(db: None) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>page</p>")
        response.set_cookie("tracking", "1")
        return response

    assert _middleware_calls(view)[0] == 2


def test_a_page_with_a_csrf_token_is_not_stored(db: None) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    assert _middleware_calls(view)[0] == 2


def test_a_literal_token_field_is_not_stored_either(db: None) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="abc">')

    assert _middleware_calls(view)[0] == 2


@pytest.mark.parametrize("cache_control", ["private", "no-store", "no-cache, max-age=0"])
def test_a_private_response_is_not_stored(db: None, cache_control: str) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>page</p>")
        response["Cache-Control"] = cache_control
        return response

    assert _middleware_calls(view)[0] == 2


def test_a_response_varying_on_a_header_outside_the_key_is_not_stored(db: None) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>page</p>")
        response["Vary"] = "Accept-Language, User-Agent"
        return response

    assert _middleware_calls(view)[0] == 2


def test_a_plain_public_response_is_stored(db: None) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>page</p>")
        response["Vary"] = "Accept-Language, Cookie, HX-Request"
        return response

    calls, response = _middleware_calls(view)
    assert calls == 1
    assert response["X-Cache"] == "hit"
    assert response.content == b"<p>page</p>"
