"""Elderly mode (适老化): a switch on every page, a cookie, no account needed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import Catalog

pytestmark = pytest.mark.django_db

COOKIE = "ow_elderly"


def _body(response) -> str:  # type: ignore[no-untyped-def]
    page = response.content.decode()
    return page[page.index("<body") : page.index(">", page.index("<body"))]


def test_the_switch_is_in_the_header_of_every_page(client: Client, catalog: Catalog) -> None:
    for url in [
        reverse("portal:home"),
        reverse("portal:item_list"),
        reverse("portal:item_detail", args=[catalog.licence.implementation_code]),
        reverse("portal:progress"),
        reverse("identity:login"),
    ]:
        page = client.get(url).content.decode()
        assert f'action="{reverse("portal:elderly_mode")}"' in page, url
        assert 'aria-pressed="false"' in page, url


def test_switching_on_sets_a_cookie_and_enlarges_every_page(
    client: Client, catalog: Catalog
) -> None:
    guide = reverse("portal:item_detail", args=[catalog.licence.implementation_code])
    assert "ow-elderly" not in _body(client.get(guide))
    response = client.post(reverse("portal:elderly_mode"), {"enabled": "1", "next": guide})
    assert response.status_code == 302
    assert response["Location"] == guide
    cookie = response.cookies[COOKIE]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) > 30 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    page = client.get(guide)
    assert "ow-elderly" in _body(page)
    assert 'aria-pressed="true"' in page.content.decode()
    assert "ow-elderly" in _body(client.get(reverse("portal:home")))


def test_switching_off_removes_the_cookie(client: Client, catalog: Catalog) -> None:
    client.post(reverse("portal:elderly_mode"), {"enabled": "1", "next": "/"})
    response = client.post(reverse("portal:elderly_mode"), {"enabled": "0", "next": "/"})
    assert response.cookies[COOKIE].value == ""
    assert "ow-elderly" not in _body(client.get(reverse("portal:home")))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_it_goes_back_only_to_this_site(client: Client, catalog: Catalog, target: str) -> None:
    response = client.post(reverse("portal:elderly_mode"), {"enabled": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_it_only_answers_a_post(client: Client, db: None) -> None:
    assert client.get(reverse("portal:elderly_mode")).status_code == 405


def test_the_stylesheet_enlarges_type_and_simplifies_the_layout() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "portal" / "portal.css").read_text()
    elderly = css[css.index("/* Elderly mode") :]
    assert "font-size: 20px" in elderly
    assert "font-size: 125%" in elderly
    assert '.ow-elderly .bi[aria-hidden="true"]' in elderly
    assert "outline: 4px solid" in elderly
