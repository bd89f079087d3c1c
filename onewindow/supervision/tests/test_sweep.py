"""The sweep: thresholds at their edges, alerts once, notices, the command line."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from onewindow.cases.models import Message, Task
from onewindow.supervision import thresholds
from onewindow.supervision.models import Alert, AlertThreshold, SweepRun

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

# Accepted on Monday 2 March 2026 with a 10-working-day promise: due Monday 16 March.
# Yellow share 20 % of 10 = 2 working days. The first stage (承办, 2 days) is due 4 March,
# its threshold is the 1-working-day minimum.
DUE = dt.date(2026, 3, 16)


def case_level(case) -> str:
    alert = Alert.objects.filter(kind="case", subject_id=case.pk, resolved_at=None).first()
    return alert.level if alert else "green"


def task_level(task) -> str:
    alert = Alert.objects.filter(kind="task", subject_id=task.pk, resolved_at=None).first()
    return alert.level if alert else "green"


def test_the_case_turns_yellow_exactly_at_the_yellow_share(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    assert case.promised_due_date == DUE
    sweep_on(dt.date(2026, 3, 11))  # 3 working days left: more than 2
    assert case_level(case) == "green"
    summary = sweep_on(dt.date(2026, 3, 12))  # 2 working days left: exactly 20 %
    assert case_level(case) == "yellow"
    assert summary["yellow"] >= 1


def test_on_the_due_date_it_is_yellow_and_one_working_day_past_red(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    sweep_on(DUE)
    assert case_level(case) == "yellow"
    sweep_on(dt.date(2026, 3, 17))
    assert case_level(case) == "red"
    # The yellow alert is resolved, not deleted: it was raised and stays on record.
    yellow = Alert.objects.get(kind="case", subject_id=case.pk, level="yellow")
    assert yellow.resolved_at is not None


def test_a_task_is_classified_by_its_own_due_date(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    task = case.tasks.get(stage=1)
    assert task.due_date == dt.date(2026, 3, 4)
    sweep_on(MONDAY)  # 2 working days left, threshold 1
    assert task_level(task) == "green"
    sweep_on(dt.date(2026, 3, 3))
    assert task_level(task) == "yellow"
    sweep_on(dt.date(2026, 3, 4))
    assert task_level(task) == "yellow"
    sweep_on(dt.date(2026, 3, 5))
    assert task_level(task) == "red"


def test_the_sweep_agrees_with_the_rule_for_one_subject(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    rule = thresholds.default()
    day = MONDAY
    while day <= dt.date(2026, 3, 20):
        sweep_on(day)
        assert case_level(case) == thresholds.level(day, DUE, 10, rule), day
        day += dt.timedelta(days=1)


def test_an_item_threshold_overrides_the_default(accepted_on, sweep_on, item):
    case = accepted_on(MONDAY)
    AlertThreshold.objects.create(implementation=item, yellow_percent=50, min_workdays=1)
    sweep_on(dt.date(2026, 3, 9))  # 5 working days left: 50 % of 10
    assert case_level(case) == "yellow"
    AlertThreshold.objects.filter(implementation=item).update(yellow_percent=40)
    sweep_on(dt.date(2026, 3, 9))
    assert case_level(case) == "green"


def test_alerts_are_recorded_once_and_not_again_on_a_second_sweep(accepted_on, sweep_on, overseers):
    accepted_on(MONDAY)
    first = sweep_on(dt.date(2026, 3, 12))
    assert first["new_alerts"] == 2  # the case (yellow) and the first task (red)
    alerts, messages = Alert.objects.count(), Message.objects.count()
    second = sweep_on(dt.date(2026, 3, 12), hour=15)
    assert second["new_alerts"] == 0
    assert (second["yellow"], second["red"]) == (first["yellow"], first["red"])
    assert Alert.objects.count() == alerts
    assert Message.objects.count() == messages


def test_a_level_left_and_reached_again_is_the_same_alert(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    sweep_on(dt.date(2026, 3, 12))
    sweep_on(dt.date(2026, 3, 11))  # as of an earlier moment: green again
    assert case_level(case) == "green"
    again = sweep_on(dt.date(2026, 3, 12))
    assert case_level(case) == "yellow"
    assert Alert.objects.filter(kind="case", subject_id=case.pk, level="yellow").count() == 1
    assert again["new_alerts"] == 0


def test_new_alerts_notify_the_assignee_the_head_and_the_supervisors(
    accepted_on, sweep_on, overseers, people
):
    case = accepted_on(MONDAY)
    Task.objects.filter(case=case, stage=1).update(assignee=people["handler"])
    sweep_on(dt.date(2026, 3, 5))
    to_handler = Message.objects.filter(recipient=people["handler"], case=case)
    assert to_handler.count() == 1
    assert case.case_no in to_handler.get().body
    assert Message.objects.filter(recipient=overseers["head"], subject="电子监察预警").exists()
    assert Message.objects.filter(recipient=overseers["supervisor"]).count() == 1
    # XF has no alert: its head hears nothing.
    assert not Message.objects.filter(recipient=overseers["xf_head"]).exists()


def test_suspended_cases_are_paused_not_alerted(accepted_on, sweep_on, people, monkeypatch):
    from onewindow.cases import services

    case = accepted_on(MONDAY)
    services.suspend(case, actor=people["approver"], kind="expert_review", max_workdays=10)
    summary = sweep_on(dt.date(2026, 3, 17))
    assert summary["paused"] == 1
    assert summary["checked"] == 0
    assert case_level(case) == "green"


def test_the_command_prints_the_summary_on_its_last_line(accepted_on):
    accepted_on(MONDAY)
    out = io.StringIO()
    call_command("supervise", "--at", "2026-03-17T09:00:00+08:00", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(summary) == {"checked", "green", "yellow", "red", "new_alerts"}
    assert summary == {"checked": 2, "green": 0, "yellow": 0, "red": 2, "new_alerts": 2}
    run = SweepRun.objects.get()
    assert run.day == dt.date(2026, 3, 17)


def test_the_command_reads_a_moment_without_offset_as_china_time(db):
    out = io.StringIO()
    call_command("supervise", "--at", "2026-03-17 23:30", stdout=out)
    assert SweepRun.objects.get().day == dt.date(2026, 3, 17)


def test_the_command_refuses_a_bad_moment(db):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("supervise", "--at", "yesterday")


def test_the_scheduled_task_runs_a_sweep(db):
    from onewindow.supervision.tasks import sweep

    summary = sweep.apply().get()
    assert summary["checked"] == 0
    assert SweepRun.objects.count() == 1
