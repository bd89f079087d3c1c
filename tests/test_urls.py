"""Walk every URL pattern as an anonymous visitor: public pages answer, the rest refuse,
nothing answers 500."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from onewindow.catalog.tests import factories

pytestmark = pytest.mark.django_db

# Example values for the URL parameters the project uses.
EXAMPLES = {
    "code": None,  # filled with a real implementation code by the fixture
    "audience": "person",
    "app_label": "catalog",
    "model_name": "itemversion",
    "object_id": "1",
    "content_type_id": "1",
    "path": "x",
    "url": "x",
    "uidb64": "x",
    "token": "x",
}


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(_walk(entry, pattern))
        elif isinstance(entry, URLPattern):
            routes.append(pattern)
    return routes


def _concrete(route: str, code: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: EXAMPLES.get(m.group(1)) or code, route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: EXAMPLES.get(m.group(1)) or code, route)
    return "/" + route


@pytest.fixture
def code(db):
    return factories.item("食品经营许可").implementation_code


def test_every_url_answers_an_anonymous_visitor_without_a_server_error(client, code):
    routes = _walk(get_resolver())
    assert len(routes) > 20
    for route in routes:
        url = _concrete(route, code)
        response = client.get(url)
        assert response.status_code < 500, (route, url, response.status_code)


def test_the_admin_refuses_anonymous_visitors(client):
    response = client.get("/admin/catalog/itemversion/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_public_pages_answer_200(client, code):
    for url in [
        "/",
        "/departments/",
        "/items/",
        f"/items/{code}/",
        "/themes/person/",
        "/themes/enterprise/",
        "/api/v1/items",
        f"/api/v1/items/{code}",
        "/api/v1/departments",
        "/api/v1/openapi.json",
        "/healthz",
    ]:
        assert client.get(url).status_code == 200, url
