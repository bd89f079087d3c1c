"""The header's two switches (language, elderly mode) have no CSRF token: another site's
page cannot use them, the browser's origin headers say where a request came from."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from onewindow.core.csrf import same_origin_reason

pytestmark = pytest.mark.django_db

SWITCHES = [
    ("portal:elderly_mode", {"enabled": "1", "next": "/"}),
    ("set_language", {"language": "en", "next": "/"}),
]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/items/?q=%E8%90%A5"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://zwfw.example.gov.cn"},
    ],
)
@pytest.mark.parametrize(("name", "data"), SWITCHES)
def test_a_request_from_this_site_switches(
    settings, headers: dict[str, str], name: str, data: dict[str, str]
) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://zwfw.example.gov.cn"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(name), data, **headers)
    assert response.status_code == 302
    assert response.cookies  # the preference was stored


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {},
    ],
)
@pytest.mark.parametrize(("name", "data"), SWITCHES)
def test_a_request_from_another_site_is_refused(
    headers: dict[str, str], name: str, data: dict[str, str]
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(name), data, **headers)
    assert response.status_code == 403
    assert not response.cookies


def test_other_forms_still_need_the_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("identity:login"),
        {"username": "x", "password": "y"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403


def test_safe_methods_need_no_origin() -> None:
    assert same_origin_reason(RequestFactory().get("/")) is None
    assert same_origin_reason(RequestFactory().post("/")) is not None
