"""Property-based fuzzing of the public API (``/api/v1/openapi.json``) with schemathesis.

Every operation is exercised with generated requests, valid and invalid, by three callers
(an applicant, a window clerk and a supervisor). Identifiers in paths are either generated or
taken from the seeded records, so the handlers behind them run too. The checks: never a server
error, every status code documented, content types and bodies as the schema says.

The run is bounded and reproducible: a fixed number of examples per operation, derandomized
generation, no example database and no deadline. Requests go in-process to the WSGI handler.

Each operation is a parametrized test driving the operation's own Hypothesis strategy:
schemathesis's pytest plugin (``from_fixture``/``parametrize``) does not run under pytest 9.2,
whose test nodes no longer have the ``_nodeid`` it rewrites.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onewindow.core.api import api

from .conftest import CALLERS, Platform

SCHEMA_URL = "/api/v1/openapi.json"
# Examples per operation and caller set; raise it locally for a deeper search.
MAX_EXAMPLES = int(os.environ.get("ONEWINDOW_FUZZ_EXAMPLES", "15"))

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    get_resolver().url_patterns  # noqa: B018 (the URL configuration mounts the API's routers)
    paths = api.get_openapi_schema()["paths"]
    return [(method.upper(), path) for path, methods in paths.items() for method in methods]


@cache
def _schema(app: Any) -> Any:
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, app)
    schema.config.generation.update(deterministic=True, database="none")
    return schema


def _strategy(operation: Any, platform: Platform) -> st.SearchStrategy[Any]:
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = {parameter.name for parameter in operation.path_parameters}
    seeded = {name: platform.path_values[name] for name in names if name in platform.path_values}
    if seeded and seeded.keys() == names:
        strategies += [
            st.fixed_dictionaries({name: st.sampled_from(v) for name, v in seeded.items()}).flatmap(
                lambda values: operation.as_strategy(
                    GenerationMode.POSITIVE, path_parameters=values
                )
            )
        ] * 2
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation(method: str, path: str, platform: Platform, wsgi_app: Any) -> None:
    operation = _schema(wsgi_app)[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, platform))
    def fuzz(case: Any) -> None:
        for caller in CALLERS:
            case.call_and_validate(headers=platform.headers[caller], checks=CHECKS)

    fuzz()
