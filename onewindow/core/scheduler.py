"""The embedded scheduler of ``onewindow run``: the Celery beat schedule, in-process.

Production runs Celery beat with the same ``ONEWINDOW_SCHEDULE``; the embedded default has no
broker, so a daemon thread runs each due task eagerly (``Task.apply``) in the web process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


class EmbeddedScheduler:
    def __init__(
        self,
        schedule: dict[str, dict[str, object]] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.schedule = schedule if schedule is not None else settings.ONEWINDOW_SCHEDULE
        current_app.loader.import_default_modules()  # the apps' tasks modules
        self.clock = clock
        self.next_run: dict[str, float] = dict.fromkeys(self.schedule, 0.0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[str]:
        """Run every entry whose time has come; returns the names run."""
        now = self.clock()
        ran = []
        for name, entry in self.schedule.items():
            if now < self.next_run[name]:
                continue
            self.next_run[name] = now + float(entry["every_seconds"])  # type: ignore[arg-type]
            close_old_connections()
            try:
                current_app.tasks[str(entry["task"])].apply(throw=True)
            except Exception:
                log.exception("scheduled task %s failed", name)
            else:
                ran.append(name)
            finally:
                close_old_connections()
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(5.0)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="onewindow-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
