"""Access is denied by default: walk every URL pattern and every API operation as an anonymous
visitor and as an outsider (a registered applicant with no other role)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from stdnum.cn import ric

from onewindow.catalog.tests import factories
from onewindow.core.api import api
from onewindow.identity import services
from onewindow.identity.access import DELEGATED_NAMESPACES, rule_of

pytestmark = pytest.mark.django_db

# Example values for the URL parameters the project uses.
EXAMPLES = {
    "audience": "person",
    "app_label": "catalog",
    "model_name": "itemversion",
    "object_id": "1",
    "content_type_id": "1",
    "pk": "1",
    "path": "catalog/x.pdf",
    "url": "x",
    "uidb64": "x",
    "token": "x",
    "provider": "x",
    "fmt": "json",
}


def _walk(resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, pattern, (*namespaces, entry.namespace or ""))
        elif isinstance(entry, URLPattern):
            yield pattern, entry.callback, set(namespaces) - {""}


def _concrete(route: str, code: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: EXAMPLES.get(m.group(1)) or code, route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: EXAMPLES.get(m.group(1)) or code, route)
    route = route.replace("(?:", "").replace(")?", "").replace("\\.", ".")
    return "/" + route


@pytest.fixture
def code(db):
    return factories.item("食品经营许可").implementation_code


@pytest.fixture
def outsider(db):
    body = "11010519800101001"
    return services.register_person(
        username="outsider",
        password="Zw!x9-Lk3m",
        name="王五",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13900000000",
    )


def _routes(code):
    routes = list(_walk(get_resolver()))
    assert len(routes) > 30
    for route, view, namespaces in routes:
        yield _concrete(route, code), view, namespaces


# Delegated views that are public by nature: sign-in forms and published key material.
PUBLIC_DELEGATED = re.compile(r"^/(admin/(login|logout|jsi18n)/|o/(\.well-known/|jwks|authorize))")


def _refused(response) -> bool:
    if response.status_code in {401, 403, 404, 405}:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "login" in location


def test_every_view_declares_who_may_use_it(code):
    undeclared = [
        url
        for url, view, namespaces in _routes(code)
        if not namespaces & DELEGATED_NAMESPACES and rule_of(view) is None
    ]
    assert undeclared == []


def test_anonymous_visitors_reach_only_public_views(client, code):
    for url, view, namespaces in _routes(code):
        response = client.get(url)
        assert response.status_code < 500, url
        rule = rule_of(view)
        if namespaces & DELEGATED_NAMESPACES:
            if "api" in namespaces:
                continue  # the API operations are walked below
            assert _refused(response) or PUBLIC_DELEGATED.match(url), url
        elif not rule.public:
            assert _refused(response), url


def test_an_outsider_reaches_no_role_restricted_view_and_not_the_admin(client, code, outsider):
    client.force_login(outsider)
    for url, view, namespaces in _routes(code):
        response = client.get(url)
        assert response.status_code < 500, url
        rule = rule_of(view)
        restricted = rule is not None and rule.roles and not outsider.has_role(*rule.roles)
        admin = "admin" in namespaces and not PUBLIC_DELEGATED.match(url)
        if admin or restricted:
            assert _refused(response), url


def test_every_api_operation_without_public_access_refuses_anonymous_callers(client, code):
    schema = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            url = path.replace("{code}", code)
            url = re.sub(r"\{[^}]+\}", "1", url)
            response = client.generic(
                method.upper(), url, content_type="application/json", data="{}"
            )
            assert response.status_code < 500, (method, url)
            if operation.get("security"):
                assert response.status_code == 401, (method, url)
                assert response.json()["error"]["code"] == "unauthenticated"
                checked += 1
    assert checked >= 1  # /api/v1/me at least


def test_the_walk_reaches_every_apps_urls(code):
    """Every project app that serves pages or API operations is part of the walk."""
    from importlib.util import find_spec

    from django.apps import apps

    serving = {
        config.name
        for config in apps.get_app_configs()
        if config.name.startswith("onewindow.")
        and any(find_spec(f"{config.name}.{module}") for module in ("urls", "views", "api"))
    }
    walked = {getattr(view, "__module__", "") for _url, view, _namespaces in _routes(code)}
    api_apps = {
        operation.view_func.__module__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    reached = {name for name in serving if any(m.startswith(name + ".") for m in walked | api_apps)}
    assert reached == serving


def test_a_garbage_bearer_token_is_refused(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401


def test_the_api_declares_its_default_authentication():
    assert api.auth, "operations must require a token unless they say auth=None"


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


def test_refusals_are_audited(client):
    from onewindow.core.models import AuditRecord

    client.get("/admin/")
    client.get("/accounts/profile/")
    assert AuditRecord.objects.filter(action="access.denied").exists()
