"""The ASGI entry point that gunicorn's uvicorn workers serve (deploy/gunicorn.conf.py).

Django's own ``ASGIHandler`` runs the middleware stack in async mode. Every middleware here is
synchronous, as are the views, so each request crossed between the event loop and a thread
three times over: into a thread for the stack, back to the loop at its inner end
(``async_to_sync`` around the async core handler), and into the thread again for the view,
then all the way back. ``SyncStackASGIHandler`` builds the stack in sync mode, as the WSGI
handler does, and runs the whole of it, view included, in one call to that same thread (the
request's thread, ``thread_sensitive``): the same middleware, signals, error handling and
response, one crossing instead of three. An async view or middleware, should one come,
still works: Django adapts it inside the sync stack.

Each request still has a thread of its own for its sync code (``ThreadSensitiveContext``), so
a request waiting on the database never holds up another. Django makes that thread, and a
second one to join it, for every request; here an idle thread is taken from the previous
requests' (asgiref's ``ThreadSensitiveContext(executor=...)``, which leaves the executor to
its owner) and given back once everything the request queued on it has run.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")


# Idle request threads kept for the next requests; more are made when more requests run at
# once, and those beyond this many are let go when they fall idle.
IDLE_THREADS = 32


class SyncStackASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware stack built and run synchronously, each
    request in a thread of its own, taken from the idle ones."""

    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        # Touched only from the event loop's thread: no lock.
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else self._new_thread()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._release(executor)

    @staticmethod
    def _new_thread() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="onewindow-request")

    def _release(self, executor: ThreadPoolExecutor) -> None:
        """Back to the idle threads once the thread has run all the request queued on it (a
        view left running by a client that went away included), never before."""
        loop = asyncio.get_running_loop()

        def idle() -> None:
            if len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

        def back(_done: object) -> None:
            try:
                loop.call_soon_threadsafe(idle)
            except RuntimeError:  # the loop has closed: the worker is stopping
                executor.shutdown(wait=False)

        executor.submit(_nothing).add_done_callback(back)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def _nothing() -> None:
    """Queued behind a request's work: when it has run, so has the request's."""


def get_application() -> SyncStackASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` does, with the handler above."""
    import django

    django.setup(set_prefix=False)
    return SyncStackASGIHandler()


application = get_application()
