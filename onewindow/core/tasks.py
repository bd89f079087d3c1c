from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="onewindow.core.tasks.sync_calendar")
def sync_calendar() -> dict[str, int]:
    """Keep the holiday table in step with the installed chinesecalendar package."""
    return services.sync_calendar_from_package()
