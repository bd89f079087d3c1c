"""The supervision sweep (电子监察巡检): one set-based pass over every open case and task.

One transaction, serialised by the ``SweepState`` row lock (a second sweep waits for the
first, so beat and a hand-run ``onewindow supervise`` never double count):

1. classify: the yellow and red subjects are selected into a temporary table by two
   ``INSERT … SELECT`` statements (cases by their promised due date, tasks by theirs) that
   only touch rows whose due date is near (the ``status, promised_due_date`` index); the
   thresholds come from the item's ``AlertThreshold`` or the settings, the working days from
   a small calendar table the sweep writes first (``thresholds.remaining_days``);
2. alerts: new ones are inserted once (``ON CONFLICT DO NOTHING`` on kind + subject + level),
   ones whose subject left their level are resolved, come-backs reopened;
3. notices: a message to each assignee of a newly alerted task, one digest per department to
   its heads and one to the supervisors;
4. rollups from the new case events, and the day's overdue stock;
5. the violation rules (``rules``) and the escalation of overdue supervision notices.

Nothing here loops over cases in Python; the statements' cost grows with the number of
subjects near or past their due date, plus two counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, Message, Task
from onewindow.core import audit
from onewindow.identity.models import RoleGrant, User

from . import rollups, rules, services, thresholds
from . import sqltools as q
from .models import Alert, AlertThreshold, SweepRun, SweepState

log = logging.getLogger(__name__)

CURRENT_TABLE = "supervision_tmp_current"
CALENDAR_TABLE = "supervision_tmp_calendar"
RUNNING = ("accepted", "in_review")


def run(at: dt.datetime | None = None) -> dict[str, Any]:
    """One sweep as of ``at`` (now by default); the summary API.md names, plus details."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    started = time.perf_counter()
    with transaction.atomic():
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        day = timezone.localdate(at)
        sweep = SweepRun.objects.create(at=at, day=day, started_at=timezone.now())
        try:
            counts = _classify(day)
            new_alerts = _record_alerts(sweep, at)
            _notify(sweep, day)
            batch = rollups.ingest(state)
            rollups.snapshot_overdue(day, CURRENT_TABLE)
            findings = rules.run_all(sweep=sweep, day=day, at=at, batch=batch)
            escalated = services.escalate_overdue_notices(day=day, at=at)
        finally:
            rollups.drop_batch()
            q.execute(f"DROP TABLE IF EXISTS {CURRENT_TABLE}")
            q.execute(f"DROP TABLE IF EXISTS {CALENDAR_TABLE}")
        summary: dict[str, Any] = {
            "checked": counts["checked"],
            "green": counts["checked"] - counts["yellow"] - counts["red"],
            "yellow": counts["yellow"],
            "red": counts["red"],
            "new_alerts": new_alerts,
            "cases": counts["cases"],
            "tasks": counts["tasks"],
            "paused": counts["paused"],
            "events": batch.events,
            "new_findings": findings,
            "escalated_notices": escalated,
            "at": at.isoformat(),
        }
        sweep.seconds = round(time.perf_counter() - started, 3)
        sweep.summary = summary
        sweep.save(update_fields=["seconds", "summary"])
        state.last_run_at = at
        state.save(update_fields=["event_watermark", "last_run_at"])
        audit.record("supervision.sweep", obj=sweep, detail=summary)
    return summary


# --- 1. classify -----------------------------------------------------------------------------


def _classify(day: dt.date) -> dict[str, int]:
    calendar_rows, cutoff = thresholds.remaining_days(day, thresholds.largest_threshold())
    q.execute(f"CREATE TEMPORARY TABLE {CALENDAR_TABLE} (day date PRIMARY KEY, remaining integer)")
    with_calendar = f"INSERT INTO {CALENDAR_TABLE} (day, remaining) VALUES (%s, %s)"  # noqa: S608
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(with_calendar, [(q.date(d), r) for d, r in calendar_rows])
    q.execute(
        f"CREATE TEMPORARY TABLE {CURRENT_TABLE} ("
        " kind varchar(4), subject_id bigint, case_id bigint, task_id bigint,"
        " level varchar(6), due_date date, department_id bigint, implementation_id bigint,"
        " channel varchar(16), remaining integer, assignee_id bigint, fresh boolean)"
    )
    default = thresholds.default()
    cases, versions = q.table(Case), "catalog_itemversion"
    tasks, limits = q.table(Task), q.table(AlertThreshold)
    today, far = q.date(day), q.date(cutoff)

    def yellow(limit: str) -> str:
        share = f"{limit} * COALESCE(th.yellow_percent, %s) / 100"
        return "r.remaining <= " + q.greatest("COALESCE(th.min_workdays, %s)", share)

    columns = (
        "kind, subject_id, case_id, task_id, level, due_date, department_id,"
        " implementation_id, channel, remaining, assignee_id"
    )
    q.execute(
        f"INSERT INTO {CURRENT_TABLE} ({columns})"  # noqa: S608
        " SELECT 'case', c.id, c.id, NULL,"
        " CASE WHEN c.promised_due_date < %s THEN 'red' ELSE 'yellow' END,"
        " c.promised_due_date, c.lead_department_id, c.implementation_id, c.channel,"
        " r.remaining, NULL"
        f" FROM {cases} c JOIN {versions} v ON v.id = c.item_version_id"
        f" LEFT JOIN {limits} th ON th.implementation_id = c.implementation_id"
        f" LEFT JOIN {CALENDAR_TABLE} r ON r.day = c.promised_due_date"
        " WHERE c.status IN ('accepted', 'in_review') AND c.promised_due_date < %s"
        f" AND (c.promised_due_date < %s OR {yellow('v.promised_days')})",
        [today, far, today, default.min_workdays, default.yellow_percent],
    )
    q.execute(
        f"INSERT INTO {CURRENT_TABLE} ({columns})"  # noqa: S608
        " SELECT 'task', t.id, t.case_id, t.id,"
        " CASE WHEN t.due_date < %s THEN 'red' ELSE 'yellow' END,"
        " t.due_date, t.department_id, c.implementation_id, c.channel, r.remaining,"
        " t.assignee_id"
        f" FROM {tasks} t JOIN {cases} c ON c.id = t.case_id"
        f" LEFT JOIN {limits} th ON th.implementation_id = c.implementation_id"
        f" LEFT JOIN {CALENDAR_TABLE} r ON r.day = t.due_date"
        " WHERE t.status = 'active' AND t.due_date < %s AND c.status = 'in_review'"
        f" AND (t.due_date < %s OR {yellow('t.days')})",
        [today, far, today, default.min_workdays, default.yellow_percent],
    )
    q.execute(f"CREATE INDEX supervision_tmp_current_key ON {CURRENT_TABLE} (subject_id)")
    levels = dict(
        q.rows(f"SELECT level, COUNT(*) FROM {CURRENT_TABLE} GROUP BY level")  # noqa: S608
    )
    running = int(
        q.scalar(f"SELECT COUNT(*) FROM {cases} WHERE status IN ('accepted', 'in_review')")  # noqa: S608
    )
    active = int(q.scalar(f"SELECT COUNT(*) FROM {tasks} WHERE status = 'active'"))  # noqa: S608
    paused_tasks = int(
        q.scalar(
            f"SELECT COUNT(*) FROM {tasks} t JOIN {cases} c ON c.id = t.case_id"  # noqa: S608
            " WHERE c.status = 'suspended' AND t.status = 'active'"
        )
    )
    paused = Case.objects.filter(status="suspended").count()
    checked = running + active - paused_tasks
    return {
        "checked": checked,
        "cases": running,
        "tasks": active - paused_tasks,
        "paused": paused,
        "yellow": int(levels.get("yellow", 0)),
        "red": int(levels.get("red", 0)),
    }


# --- 2. alerts -------------------------------------------------------------------------------


def _record_alerts(sweep: SweepRun, at: dt.datetime) -> int:
    """Insert the new alerts, reopen come-backs, resolve the ones no longer current.

    Differences between the current set and the alert table are taken with ``EXCEPT`` (a
    set difference, linear in both sides), never with a correlated lookup per row: an
    ``INSERT`` that looked the alert table up per row could read the rows it is appending.
    """
    with q.hash_joins():
        return _compare_alerts(sweep, at)


def _compare_alerts(sweep: SweepRun, at: dt.datetime) -> int:
    alerts = q.table(Alert)
    key = "kind, subject_id, level"
    current = CURRENT_TABLE
    q.execute(
        f"UPDATE {current} SET fresh = TRUE WHERE ({key}) IN"  # noqa: S608
        f" (SELECT {key} FROM {current} EXCEPT SELECT {key} FROM {alerts})"
    )
    q.execute(
        f"INSERT INTO {alerts} (kind, subject_id, level, case_id, task_id, department_id,"  # noqa: S608
        " implementation_id, due_date, raised_at, resolved_at, run_id)"
        " SELECT kind, subject_id, level, case_id, task_id, department_id, implementation_id,"
        f" due_date, %s, NULL, %s FROM {current} WHERE fresh ON CONFLICT DO NOTHING",
        [q.moment(at), sweep.pk],
    )
    # Back at a level it had left (a suspension ended, an earlier moment), or its due date
    # moved: the same alert, open, with the current date.
    q.execute(
        f"UPDATE {alerts} SET resolved_at = NULL, due_date = (SELECT cur.due_date"  # noqa: S608
        f" FROM {current} cur WHERE cur.subject_id = {alerts}.subject_id"
        f" AND cur.kind = {alerts}.kind AND cur.level = {alerts}.level)"
        f" WHERE ({key}) IN (SELECT {key} FROM (SELECT {key}, due_date FROM {current}"
        f" EXCEPT SELECT {key}, due_date FROM {alerts} WHERE resolved_at IS NULL) AS moved)"
    )
    q.execute(
        f"UPDATE {alerts} SET resolved_at = %s WHERE resolved_at IS NULL AND ({key}) IN"  # noqa: S608
        f" (SELECT {key} FROM {alerts} WHERE resolved_at IS NULL"
        f" EXCEPT SELECT {key} FROM {current})",
        [q.moment(at)],
    )
    return Alert.objects.filter(run=sweep).count()


# --- 3. notices ------------------------------------------------------------------------------


def _notify(sweep: SweepRun, day: dt.date) -> None:
    """Assignees get one message per newly alerted task; department heads one digest for
    their department, supervisors one for the centre."""
    messages, alerts = q.table(Message), q.table(Alert)
    for level, subject, template in (
        (
            "yellow",
            _("环节任务即将到期（黄灯预警）"),
            _("办件 {case_no} 的「{stage}」环节将于 {due} 到期，请抓紧办理。"),
        ),
        (
            "red",
            _("环节任务已超期（红灯预警）"),
            _("办件 {case_no} 的「{stage}」环节已于 {due} 到期，请立即办理并说明原因。"),
        ),
    ):
        body, params = q.concat(
            template, {"case_no": "c.case_no", "stage": "t.stage_name", "due": "a.due_date"}
        )
        q.execute(
            f"INSERT INTO {messages} (recipient_id, case_id, subject, body, created_at)"  # noqa: S608
            f" SELECT t.assignee_id, a.case_id, %s, {body}, %s FROM {alerts} a"
            f" JOIN {q.table(Task)} t ON t.id = a.task_id"
            f" JOIN {q.table(Case)} c ON c.id = a.case_id"
            " WHERE a.run_id = %s AND a.kind = 'task' AND a.level = %s"
            " AND t.assignee_id IS NOT NULL",
            [subject, *params, q.moment(timezone.now()), sweep.pk, level],
        )
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Alert.objects.filter(run=sweep)
        .values("department_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(row["department_id"], {"yellow": 0, "red": 0})[row["level"]] = row["n"]
    if not counts:
        return
    subject = _("电子监察预警")
    text = _(
        "%(day)s 巡检新增黄灯 %(yellow)s 件、红灯 %(red)s 件，请到电子监察页面查看并督促办理。"
    )
    heads = RoleGrant.objects.filter(
        role="department_head", department_id__in=counts, user__is_active=True
    ).values_list("user_id", "department_id")
    rows = [
        Message(
            recipient_id=user_id,
            subject=subject,
            body=text % {"day": day.isoformat(), **counts[department_id]},
        )
        for user_id, department_id in heads
    ]
    total = {
        "yellow": sum(c["yellow"] for c in counts.values()),
        "red": sum(c["red"] for c in counts.values()),
    }
    supervisors = User.objects.filter(role_grants__role="supervisor", is_active=True).values_list(
        "pk", flat=True
    )
    rows += [
        Message(recipient_id=pk, subject=subject, body=text % {"day": day.isoformat(), **total})
        for pk in supervisors.distinct()
    ]
    Message.objects.bulk_create(rows)
