from __future__ import annotations

import pytest

from onewindow.core.models import CalendarYear
from onewindow.core.scheduler import EmbeddedScheduler

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_runs_each_task_when_due_and_not_before():
    now = [1000.0]
    scheduler = EmbeddedScheduler(
        {"calendar": {"task": "onewindow.core.tasks.sync_calendar", "every_seconds": 60}},
        clock=lambda: now[0],
    )
    assert scheduler.run_due() == ["calendar"]
    assert CalendarYear.objects.filter(official=True).exists()
    now[0] += 30
    assert scheduler.run_due() == []
    now[0] += 31
    assert scheduler.run_due() == ["calendar"]


def test_a_failing_task_does_not_stop_the_others(capfd):
    scheduler = EmbeddedScheduler(
        {
            "broken": {"task": "onewindow.no.such.task", "every_seconds": 60},
            "calendar": {"task": "onewindow.core.tasks.sync_calendar", "every_seconds": 60},
        }
    )
    assert scheduler.run_due() == ["calendar"]
    assert "scheduled task broken failed" in capfd.readouterr().err


def test_the_configured_schedule_names_real_tasks():
    from celery import current_app
    from django.conf import settings

    EmbeddedScheduler()  # loads the tasks modules
    for entry in settings.ONEWINDOW_SCHEDULE.values():
        assert entry["task"] in current_app.tasks


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
