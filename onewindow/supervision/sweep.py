"""The supervision sweep (电子监察巡检): a set-based pass over the open cases and tasks that
touches only what changed since the last one.

One transaction, serialised by the ``SweepState`` row lock (a second sweep waits for the
first, so beat and a hand-run ``onewindow supervise`` never double count):

1. events: the new case events are counted into the rollups; the cases they belong to are the
   sweep's "touched" cases;
2. classify (``subjects``): every running case and active task has a ``Subject`` row with its
   due date and the first day it is yellow, so a sweep reads only the rows whose dates the day
   has just passed (two index ranges) and rewrites those of the touched cases; a change of
   the thresholds or the holiday table, the first sweep, an earlier moment or ``--full``
   rebuild the table;
3. alerts: a subject that reached a level gets its alert once (``ON CONFLICT`` on kind +
   subject + level reopens a come-back), the alert of the level it left is resolved; after a
   rebuild the current set is compared with the whole alert table instead;
4. notices: a message to each assignee of a newly alerted task, one digest per department to
   its heads and one to the supervisors;
5. the day's overdue stock, the violation rules (``rules``) and the escalation of overdue
   supervision notices.

Nothing here loops over cases in Python; a routine sweep's statements grow with the day's
movement (subjects passing a date, cases with events), not with the number of open cases.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, Message, Task
from onewindow.core import audit
from onewindow.identity.models import RoleGrant, User

from . import rollups, rules, services, subjects
from . import sqltools as q
from .models import Alert, Subject, SweepRun, SweepState

log = logging.getLogger(__name__)

CURRENT_TABLE = "supervision_tmp_current"
# The alerts raised by this sweep, for the notices and the overdue rule.
RAISED_TABLE = rules.RAISED_TABLE
RAISED_COLUMNS = (
    "id, kind, subject_id, level, case_id, task_id, department_id, implementation_id, due_date,"
    " raised_at"
)


def run(at: dt.datetime | None = None, *, full: bool = False) -> dict[str, Any]:
    """One sweep as of ``at`` (now by default); the summary API.md names, plus details.
    ``full`` recomputes every subject and compares every alert (a repair; routine sweeps are
    incremental)."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    started = time.perf_counter()
    with transaction.atomic():
        q.batch_memory()
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        day = timezone.localdate(at)
        sweep = SweepRun.objects.create(at=at, day=day, started_at=timezone.now())
        try:
            batch = rollups.ingest(state)
            rebuilt = subjects.classify(state, day, full=full)
            new_alerts = _record_alerts(sweep, at, day, rebuilt=rebuilt)
            _notify(sweep, day)
            rollups.snapshot_overdue(day)
            findings = rules.run_all(day=day, at=at, batch=batch)
            escalated = services.escalate_overdue_notices(day=day, at=at)
        finally:
            rollups.drop_batch()
            subjects.drop_temporary()
            q.execute(f"DROP TABLE IF EXISTS {CURRENT_TABLE}")
            q.execute(f"DROP TABLE IF EXISTS {RAISED_TABLE}")
        counts = subjects.totals(state.tally)
        summary: dict[str, Any] = {
            "checked": counts["checked"],
            "green": counts["green"],
            "yellow": counts["yellow"],
            "red": counts["red"],
            "new_alerts": new_alerts,
            "cases": counts["cases"],
            "tasks": counts["tasks"],
            "paused": Case.objects.filter(status="suspended").count(),
            "events": batch.events,
            "new_findings": findings,
            "escalated_notices": escalated,
            "full": rebuilt,
            "at": at.isoformat(),
        }
        sweep.seconds = round(time.perf_counter() - started, 3)
        sweep.summary = summary
        sweep.save(update_fields=["seconds", "summary"])
        state.last_run_at = at
        state.save(
            update_fields=[
                "event_watermark",
                "last_run_at",
                "classified_on",
                "generation",
                "tally",
            ]
        )
        audit.record("supervision.sweep", obj=sweep, detail=summary)
    return summary


# --- 3. alerts -------------------------------------------------------------------------------


def _record_alerts(sweep: SweepRun, at: dt.datetime, day: dt.date, *, rebuilt: bool) -> int:
    """Raise the alerts of the levels reached, reopen come-backs, resolve the levels left; the
    number of new alerts, which are also copied into ``RAISED_TABLE`` for the notices and the
    overdue rule (so nothing reads the alert table back by run)."""
    q.execute(
        f"CREATE TEMPORARY TABLE {RAISED_TABLE} (id bigint, kind varchar(4), subject_id bigint,"
        " level varchar(6), case_id bigint, task_id bigint, department_id bigint,"
        " implementation_id bigint, due_date date, raised_at timestamp with time zone)"
    )
    if rebuilt:
        with q.hash_joins():
            _compare_alerts(sweep, at, day)
    else:
        with q.index_joins():
            _apply_changes(sweep, at)
    return int(q.scalar(f"SELECT COUNT(*) FROM {RAISED_TABLE}"))  # noqa: S608


def _insert_alerts(sweep: SweepRun, insert: str, params: list[Any]) -> None:
    """Run ``insert`` (an ``INSERT INTO`` the alert table) and copy the alerts it raised in
    this sweep (not the come-backs it reopened: those keep their run) into ``RAISED_TABLE``.
    PostgreSQL does both in one statement; SQLite, which has no data-modifying ``WITH``,
    reads them back by run."""
    if q.is_postgresql():
        q.execute(
            f"WITH raised AS ({insert} RETURNING {RAISED_COLUMNS}, run_id)"  # noqa: S608
            f" INSERT INTO {RAISED_TABLE} ({RAISED_COLUMNS})"
            f" SELECT {RAISED_COLUMNS} FROM raised WHERE run_id = %s",
            [*params, sweep.pk],
        )
    else:
        q.execute(insert, params)
        q.execute(
            f"INSERT INTO {RAISED_TABLE} ({RAISED_COLUMNS})"  # noqa: S608
            f" SELECT {RAISED_COLUMNS} FROM {q.table(Alert)} WHERE run_id = %s",
            [sweep.pk],
        )


def _apply_changes(sweep: SweepRun, at: dt.datetime) -> None:
    """The alerts of the subjects in ``subjects.CHANGES_TABLE`` only: the open alerts are those
    of the levels the subjects had on the last sweep's day, so a subject at a new level (or
    with a moved due date) gets that level's alert, open and dated, and the alert of the level
    it left is resolved."""
    alerts, changes = q.table(Alert), subjects.CHANGES_TABLE
    _insert_alerts(
        sweep,
        f"INSERT INTO {alerts} (kind, subject_id, level, case_id, task_id, department_id,"  # noqa: S608
        " implementation_id, due_date, raised_at, resolved_at, run_id)"
        " SELECT kind, subject_id, new_level, case_id,"
        " CASE WHEN kind = 'task' THEN subject_id END, department_id, implementation_id,"
        f" new_due, %s, NULL, %s FROM {changes}"
        " WHERE new_level IN ('yellow', 'red')"
        " AND (old_level IS NULL OR old_level <> new_level OR old_due <> new_due)"
        # In case order: the reads of the new alerts' cases and tasks that follow are then
        # nearly sequential.
        " ORDER BY case_id, kind, subject_id"
        " ON CONFLICT (kind, subject_id, level)"
        " DO UPDATE SET resolved_at = NULL, due_date = EXCLUDED.due_date",
        [q.moment(at), sweep.pk],
    )
    q.execute(
        f"UPDATE {alerts} SET resolved_at = %s WHERE resolved_at IS NULL"  # noqa: S608
        " AND (kind, subject_id, level) IN (SELECT kind, subject_id, old_level"
        f" FROM {changes} WHERE old_level IN ('yellow', 'red')"
        " AND (new_level IS NULL OR new_level <> old_level))",
        [q.moment(at)],
    )


def _compare_alerts(sweep: SweepRun, at: dt.datetime, day: dt.date) -> None:
    """After a rebuild: insert the new alerts, reopen come-backs, resolve the ones no longer
    current, comparing the current set with the whole alert table.

    Differences are taken with ``EXCEPT`` (a set difference, linear in both sides), never with
    a correlated lookup per row: an ``INSERT`` that looked the alert table up per row could
    read the rows it is appending.
    """
    q.execute(
        f"CREATE TEMPORARY TABLE {CURRENT_TABLE} ("
        " kind varchar(4), subject_id bigint, case_id bigint, task_id bigint,"
        " level varchar(6), due_date date, department_id bigint, implementation_id bigint,"
        " fresh boolean)"
    )
    q.execute(
        f"INSERT INTO {CURRENT_TABLE} (kind, subject_id, case_id, task_id, level, due_date,"  # noqa: S608
        " department_id, implementation_id)"
        " SELECT kind, subject_id, case_id, CASE WHEN kind = 'task' THEN subject_id END,"
        " CASE WHEN due_date < %s THEN 'red' ELSE 'yellow' END, due_date, department_id,"
        f" implementation_id FROM {q.table(Subject)} WHERE due_date < %s OR yellow_from <= %s",
        [q.date(day), q.date(day), q.date(day)],
    )
    q.execute(f"CREATE INDEX supervision_tmp_current_key ON {CURRENT_TABLE} (subject_id)")
    alerts = q.table(Alert)
    key = "kind, subject_id, level"
    current = CURRENT_TABLE
    q.execute(
        f"UPDATE {current} SET fresh = TRUE WHERE ({key}) IN"  # noqa: S608
        f" (SELECT {key} FROM {current} EXCEPT SELECT {key} FROM {alerts})"
    )
    _insert_alerts(
        sweep,
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


# --- 4. notices ------------------------------------------------------------------------------


def _notify(sweep: SweepRun, day: dt.date) -> None:
    """Assignees get one message per newly alerted task; department heads one digest for
    their department, supervisors one for the centre."""
    messages, raised = q.table(Message), RAISED_TABLE
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
            f" SELECT t.assignee_id, a.case_id, %s, {body}, %s FROM {raised} a"
            f" JOIN {q.table(Task)} t ON t.id = a.task_id"
            f" JOIN {q.table(Case)} c ON c.id = a.case_id"
            " WHERE a.kind = 'task' AND a.level = %s AND t.assignee_id IS NOT NULL",
            [subject, *params, q.moment(timezone.now()), level],
        )
    counts: dict[int, dict[str, int]] = {}
    for department_id, level, n in q.rows(
        f"SELECT department_id, level, COUNT(*) FROM {raised} GROUP BY department_id, level"  # noqa: S608
    ):
        counts.setdefault(department_id, {"yellow": 0, "red": 0})[level] = int(n)
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
