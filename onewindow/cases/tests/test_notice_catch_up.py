"""Notices lost between an action's commit and the queue are queued again, once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from onewindow.cases import services, tasks
from onewindow.cases.models import CaseEvent, Document, NoticeWatermark

pytestmark = pytest.mark.django_db

GRACE = dt.timedelta(minutes=10)
MIGRATION = "onewindow.cases.migrations.0002_notice_watermark"


@pytest.fixture(autouse=True)
def grace(settings):
    settings.ONEWINDOW_NOTICE_GRACE_SECONDS = int(GRACE.total_seconds())


def lose_queued_notices() -> None:
    """What a worker killed right after the commit leaves: the action, not its notice."""
    connection.run_on_commit.clear()


def age(event: CaseEvent, by: dt.timedelta) -> None:
    """Make ``event`` and the events before it ``by`` old."""
    CaseEvent.objects.filter(pk__lte=event.pk).update(at=timezone.now() - by)


def test_the_notice_options_are_read_back_from_the_event(submitted, people):
    case = services.reject(submitted, actor=people["clerk"], reasons=["材料不全"], note="窗口")
    event = case.events.get(action="reject")
    assert tasks.notice_for(event) == ("rejection", {"reasons": ["材料不全"]})
    with pytest.raises(KeyError):
        tasks.notice_for(case.events.get(action="submit"))  # a submission has no notice


def test_a_lost_notice_is_issued_by_the_catch_up_once(submitted, people, commit_effects):
    case = services.accept(submitted, actor=people["clerk"])
    lose_queued_notices()
    event = case.events.get(action="accept")
    assert not Document.objects.filter(event=event).exists()

    # Still within the grace period: perhaps only queued, so left alone.
    assert tasks.reissue_missing_notices()["queued"] == 0
    commit_effects()
    assert not Document.objects.filter(event=event).exists()

    age(event, GRACE + dt.timedelta(seconds=1))
    assert tasks.reissue_missing_notices()["queued"] == 1
    commit_effects()
    document = Document.objects.get(event=event)
    assert document.kind == "acceptance"
    assert document.case_id == case.pk

    # Checked: never read again, and never a second document.
    assert tasks.reissue_missing_notices()["queued"] == 0
    commit_effects()
    assert Document.objects.filter(event=event).count() == 1


def test_an_issued_notice_is_not_queued_again(submitted, people, commit_effects):
    case = services.accept(submitted, actor=people["clerk"])
    commit_effects()
    event = case.events.get(action="accept")
    assert Document.objects.filter(event=event).count() == 1
    age(event, GRACE * 2)
    assert tasks.reissue_missing_notices()["queued"] == 0


def test_the_watermark_stops_before_the_first_event_inside_the_grace_period(
    submitted, people, commit_effects
):
    services.accept(submitted, actor=people["clerk"])
    lose_queued_notices()
    events = list(submitted.events.order_by("pk"))
    submit, accept = events
    age(submit, GRACE * 2)  # old enough; the acceptance is not
    result = tasks.reissue_missing_notices()
    assert result == {"queued": 0, "watermark": submit.pk}
    age(accept, GRACE * 2)
    result = tasks.reissue_missing_notices()
    assert result == {"queued": 1, "watermark": accept.pk}
    assert NoticeWatermark.objects.get().event_id == accept.pk


def test_the_options_of_a_lost_decision_are_those_of_the_action(submitted, people, commit_effects):
    case = services.terminate(
        services.accept(submitted, actor=people["clerk"]),
        actor=people["approver"],
        reasons=["申请人死亡"],
        note="经核实",
    )
    commit_effects()  # the acceptance notice, then lose the termination's
    Document.objects.filter(kind="termination").delete()
    event = case.events.get(action="terminate")
    age(event, GRACE * 2)
    CaseEvent.objects.filter(case=case).exclude(pk=event.pk).update(at=timezone.now() - GRACE * 3)
    assert tasks.reissue_missing_notices()["queued"] == 1
    commit_effects()
    document = Document.objects.get(event=event)
    assert document.kind == "termination"


def test_it_is_on_the_schedule(settings):
    tasks_on_schedule = {entry["task"] for entry in settings.ONEWINDOW_SCHEDULE.values()}
    assert "onewindow.cases.tasks.reissue_missing_notices" in tasks_on_schedule


def test_an_upgrade_starts_the_catch_up_after_the_events_already_there(
    submitted, people, commit_effects
):
    """The migration that adds the watermark sets it at the last event that exists, so an
    upgraded centre's earlier actions are never taken for lost notices."""
    migration = importlib.import_module(MIGRATION)
    case = services.accept(submitted, actor=people["clerk"])
    lose_queued_notices()  # an old action whose notice was made on paper, before the upgrade
    last = CaseEvent.objects.order_by("-pk").first()
    age(last, GRACE * 10)
    NoticeWatermark.objects.all().delete()

    migration.start_after_existing_events(apps, None)

    assert NoticeWatermark.objects.get().event_id == last.pk
    assert tasks.reissue_missing_notices()["queued"] == 0
    commit_effects()
    assert not Document.objects.filter(case=case).exists()
    # The step runs in the migration, after the table exists.
    steps = [op.code for op in migration.Migration.operations if hasattr(op, "code")]
    assert steps == [migration.start_after_existing_events]


def test_the_migration_starts_at_zero_on_a_new_installation():
    migration = importlib.import_module(MIGRATION)
    CaseEvent.objects.all().delete()
    NoticeWatermark.objects.all().delete()
    migration.start_after_existing_events(apps, None)
    assert NoticeWatermark.objects.get().event_id == 0
