"""The ASGI entry point: Django's handler with its middleware stack run synchronously, in one
crossing to the request's thread (onewindow/asgi.py)."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import AsyncToSync
from asgiref.testing import ApplicationCommunicator
from django.http import HttpRequest, HttpResponseBase

from onewindow.asgi import SyncStackASGIHandler, application

pytestmark = pytest.mark.django_db(transaction=True)


def _run_loop(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: the browser tests leave an event loop running
    in the test's thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _scope(method: str, target: str, **headers: str) -> dict[str, Any]:
    route, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"x-forwarded-proto", b"https"),
            *((k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


async def _exchange(app: Any, scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(10)
    content = b""
    while True:
        message = await communicator.receive_output(10)
        content += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(10)
    return {
        "status": start["status"],
        "headers": {k.decode().lower(): v.decode() for k, v in start["headers"]},
        "body": content,
    }


def _call(method: str, target: str, body: bytes = b"", **headers: str) -> dict[str, Any]:
    """One request through ``application``: status, headers and body of its response."""
    return _run_loop(_exchange(application, _scope(method, target, **headers), body))


def test_the_stack_is_built_synchronously():
    assert isinstance(application, SyncStackASGIHandler)
    assert not asyncio.iscoroutinefunction(application._middleware_chain)


def test_a_request_is_answered_through_the_whole_stack():
    response = _call("GET", "/healthz")
    assert response["status"] == 200
    assert json.loads(response["body"])["status"] == "ok"
    # The security middleware ran: its headers are on the answer.
    assert response["headers"]["x-content-type-options"] == "nosniff"


def test_errors_keep_their_answers():
    assert _call("GET", "/no-such-page/")["status"] == 404
    refused = _call("POST", "/api/v1/cases", b"{}", content_type="application/json")
    assert refused["status"] == 401
    assert refused["headers"]["content-type"].startswith("application/json")


class _Marker:
    """Outermost middleware: notes the thread it runs in."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response["X-Middleware-Thread"] = str(threading.get_ident())
        return response


def test_the_stack_runs_off_the_event_loop_without_crossing_back(settings, monkeypatch):
    """Stock Django hands the request back to the event loop at the stack's inner end
    (``async_to_sync``) and then into the thread again for the view: not here."""
    settings.MIDDLEWARE = [f"{__name__}._Marker", *settings.MIDDLEWARE]
    handler = SyncStackASGIHandler()
    crossings_back: list[object] = []
    original = AsyncToSync.__call__

    def counted(self: AsyncToSync, *args: Any, **kwargs: Any) -> Any:
        crossings_back.append(self.awaitable)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counted)
    loop_thread: list[int] = []

    async def run() -> dict[str, Any]:
        loop_thread.append(threading.get_ident())
        return await _exchange(handler, _scope("GET", "/healthz"), b"")

    answer = _run_loop(run())
    assert answer["status"] == 200
    assert answer["headers"]["x-middleware-thread"] != str(loop_thread[0])
    assert crossings_back == []


def test_a_request_thread_serves_the_next_request_once_idle(settings):
    settings.MIDDLEWARE = [f"{__name__}._Marker", *settings.MIDDLEWARE]
    handler = SyncStackASGIHandler()

    async def two_requests() -> list[str]:
        threads = []
        for _ in range(2):
            answer = await _exchange(handler, _scope("GET", "/healthz"), b"")
            assert answer["status"] == 200
            threads.append(answer["headers"]["x-middleware-thread"])
            for _ in range(100):  # the thread is given back from its own done-callback
                if handler._idle:
                    break
                await asyncio.sleep(0.01)
            assert len(handler._idle) == 1
        return threads

    first, second = _run_loop(two_requests())
    assert first == second


def test_a_busy_thread_is_not_given_to_another_request():
    """A view still running after its client went away keeps its thread out of the idle
    ones until it ends."""
    handler = SyncStackASGIHandler()
    release = threading.Event()

    async def run() -> tuple[int, int]:
        executor = handler._new_thread()
        executor.submit(release.wait)  # the orphaned view
        handler._release(executor)
        await asyncio.sleep(0.05)
        while_busy = len(handler._idle)
        release.set()
        for _ in range(100):
            if handler._idle:
                break
            await asyncio.sleep(0.01)
        return while_busy, len(handler._idle)

    assert _run_loop(run()) == (0, 1)
