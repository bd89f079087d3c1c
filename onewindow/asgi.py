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
"""

from __future__ import annotations

import os

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")


class SyncStackASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware stack built and run synchronously."""

    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_application() -> SyncStackASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` does, with the handler above."""
    import django

    django.setup(set_prefix=False)
    return SyncStackASGIHandler()


application = get_application()
