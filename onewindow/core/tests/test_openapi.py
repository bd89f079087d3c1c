"""The published OpenAPI document (``/api/v1/openapi.json``) describes every app's schemas.

Its components are keyed by class name alone, so two apps' schemas sharing a name would
silently describe one app's bodies with the other's fields (found by the API fuzz tests:
the cases' events were published with the disclosure requests' fields).
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from django.urls import get_resolver
from ninja.constants import NOT_SET

from onewindow.core.api import api


def _operations():
    get_resolver().url_patterns  # noqa: B018 (the URL configuration mounts the API's routers)
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def _definitions(model, mode: str) -> dict[str, str]:
    """The named schemas a model brings into the components (ninja wraps the parameters and
    responses of an operation in models of its own, whose definitions are what is published)."""
    schema = model.model_json_schema(mode=mode, ref_template="#/components/schemas/{model}")
    return {name: json.dumps(d, sort_keys=True) for name, d in schema.get("$defs", {}).items()}


def test_schema_names_are_unique_across_the_apps():
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for operation in _operations():
        models = [(m, "validation") for m in operation.models]
        models += [
            (m, "serialization")
            for m in operation.response_models.values()
            if m not in (None, NOT_SET)
        ]
        for model, mode in models:
            for name, definition in _definitions(model, mode).items():
                seen[(mode, name)].add(definition)
    clashes = sorted(name for (_mode, name), shapes in seen.items() if len(shapes) > 1)
    assert clashes == []


@pytest.mark.django_db
def test_the_published_components_are_those_of_the_apps(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "on" not in components["CaseEventOut"]["properties"]
    assert "on" in components["RequestEventOut"]["properties"]
    assert "category" not in components["CaseApplicantOut"]["properties"]
