"""Background work of supervision: the sweep, on ONEWINDOW_SCHEDULE (Celery beat in production,
the embedded scheduler of ``onewindow run``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="onewindow.supervision.tasks.sweep")
def sweep() -> dict[str, Any]:
    from . import sweep as supervision_sweep

    return supervision_sweep.run()
