"""The sweep's classification, kept incrementally in the ``Subject`` table.

A running case (accepted, in review) or an active task of a case in review has one row: its
due date and ``yellow_from``, the first day it is yellow (``thresholds.yellow_from``, worked
out in working days when the row is written). Its level on a day follows from the two dates:
red after the due date, yellow from ``yellow_from`` on, green before. So the colour of a
subject changes only when

(a) the day passes one of its dates,
(b) an event changes its case (new, accepted, task completed, suspended or resumed, decided,
    deadline moved: every action of the case engine records a ``CaseEvent``), or
(c) the thresholds or the holiday table change (``thresholds.fingerprint``).

A sweep from the day ``last`` the table was classified for to a later (or the same) ``day``
therefore reads (a) the rows whose ``yellow_from`` falls in ``(last, day]`` or whose due date
in ``[last, day)`` (two index ranges), and (b) rewrites the rows of the cases with events in
the sweep's batch, and writes every difference — subject, level on ``last``, level on
``day``, due dates — into the ``CHANGES`` temporary table for the alerts and the counts.
Otherwise, (c), the first sweep, an earlier ``day`` or ``--full``, it rebuilds the table from
the cases and tasks and the alerts are compared with the whole of it.

The counts per kind and level (``SweepState.tally``) move with the differences; a rebuild
counts them afresh. Data written around the case engine without a ``CaseEvent`` is not seen
until a full sweep (``onewindow supervise --full``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from onewindow.cases.models import Case, CaseEvent, Task

from . import rollups, thresholds
from . import sqltools as q
from .models import AlertThreshold, Subject, SweepState

DAYS_TABLE = "supervision_tmp_days"
WORKDAYS_TABLE = "supervision_tmp_workdays"
TOUCHED_TABLE = "supervision_tmp_touched"
STAGED_TABLE = "supervision_tmp_staged"
CHANGES_TABLE = "supervision_tmp_changes"
TEMPORARY = (DAYS_TABLE, WORKDAYS_TABLE, TOUCHED_TABLE, STAGED_TABLE, CHANGES_TABLE)

KINDS = ("case", "task")
LEVELS = ("green", "yellow", "red")
SUBJECT_COLUMNS = (
    "case_id, kind, subject_id, department_id, implementation_id, channel, due_date, yellow_from"
)
CHANGE_COLUMNS = (
    "kind, subject_id, case_id, old_level, old_due, new_level, new_due, department_id,"
    " implementation_id"
)


def level_sql(day: dt.date) -> tuple[str, list[Any]]:
    """The level of a ``Subject`` row on ``day``, as SQL (``s`` is the row)."""
    return (
        "CASE WHEN s.due_date < %s THEN 'red' WHEN s.yellow_from <= %s THEN 'yellow'"
        " ELSE 'green' END",
        [q.date(day), q.date(day)],
    )


def needs_rebuild(state: SweepState, day: dt.date, generation: str) -> bool:
    return (
        state.classified_on is None or state.generation != generation or day < state.classified_on
    )


def classify(state: SweepState, day: dt.date, *, full: bool = False) -> bool:
    """Bring the ``Subject`` table and ``state.tally`` to ``day``; True if it was rebuilt
    (the alerts must then be compared with the whole table), else the differences are in
    ``CHANGES_TABLE``."""
    generation = thresholds.fingerprint()
    rebuild = full or needs_rebuild(state, day, generation)
    if rebuild:
        _rebuild()
        state.tally = _count(day)
    else:
        assert state.classified_on is not None
        _advance(state.classified_on, day)
        state.tally = _moved(state.tally)
    state.classified_on = day
    state.generation = generation
    return rebuild


def totals(tally: dict[str, dict[str, int]]) -> dict[str, int]:
    """The sweep summary's counts from a tally."""
    by_kind = {kind: sum(tally.get(kind, {}).values()) for kind in KINDS}
    by_level = {level: sum(tally.get(kind, {}).get(level, 0) for kind in KINDS) for level in LEVELS}
    return {
        "checked": by_kind["case"] + by_kind["task"],
        "cases": by_kind["case"],
        "tasks": by_kind["task"],
        "green": by_level["green"],
        "yellow": by_level["yellow"],
        "red": by_level["red"],
    }


def drop_temporary() -> None:
    for name in TEMPORARY:
        q.execute(f"DROP TABLE IF EXISTS {name}")


# --- writing subjects ------------------------------------------------------------------------


def _insert_subjects(scope: str = "") -> None:
    """Insert the subjects of the running cases (and their active tasks), all of them or those
    of the cases in ``TOUCHED_TABLE`` (``scope="touched"``), with ``yellow_from`` from the
    working-day calendar tables."""
    subjects, cases, tasks = q.table(Subject), q.table(Case), q.table(Task)
    limits, versions = q.table(AlertThreshold), "catalog_itemversion"
    default = thresholds.default()

    def workdays(limit: str) -> str:
        share = f"{limit} * COALESCE(th.yellow_percent, %s) / 100"
        return q.greatest("COALESCE(th.min_workdays, %s)", share)

    touched = f"(SELECT case_id FROM {TOUCHED_TABLE})"  # noqa: S608  # a constant
    case_scope = f" AND c.id IN {touched}" if scope == "touched" else ""
    task_scope = f" AND t.case_id IN {touched}" if scope == "touched" else ""
    # SQLite wants a WHERE in an INSERT … SELECT; both have one.
    q.execute(
        f"INSERT INTO {subjects} ({SUBJECT_COLUMNS})"  # noqa: S608
        " SELECT c.id, 'case', c.id, c.lead_department_id, c.implementation_id, c.channel,"
        " c.promised_due_date, w.day"
        f" FROM {cases} c JOIN {versions} v ON v.id = c.item_version_id"
        f" LEFT JOIN {limits} th ON th.implementation_id = c.implementation_id"
        f" LEFT JOIN {DAYS_TABLE} d ON d.day = c.promised_due_date"
        f" LEFT JOIN {WORKDAYS_TABLE} w ON w.n = d.n - {workdays('v.promised_days')}"
        f" WHERE c.status IN ('accepted', 'in_review'){case_scope}",
        [default.min_workdays, default.yellow_percent],
    )
    q.execute(
        f"INSERT INTO {subjects} ({SUBJECT_COLUMNS})"  # noqa: S608
        " SELECT t.case_id, 'task', t.id, t.department_id, c.implementation_id, c.channel,"
        " t.due_date, w.day"
        f" FROM {tasks} t JOIN {cases} c ON c.id = t.case_id"
        f" LEFT JOIN {limits} th ON th.implementation_id = c.implementation_id"
        f" LEFT JOIN {DAYS_TABLE} d ON d.day = t.due_date"
        f" LEFT JOIN {WORKDAYS_TABLE} w ON w.n = d.n - {workdays('t.days')}"
        f" WHERE t.status = 'active' AND c.status = 'in_review'{task_scope}",
        [default.min_workdays, default.yellow_percent],
    )


def _calendar(scope: str = "") -> None:
    """The working-day numbering over the due dates of the subjects to be written."""
    cases, tasks = q.table(Case), q.table(Task)
    touched = f"(SELECT case_id FROM {TOUCHED_TABLE})"  # noqa: S608  # a constant
    case_scope = f" AND id IN {touched}" if scope == "touched" else ""
    task_scope = f" AND t.case_id IN {touched}" if scope == "touched" else ""
    bounds = q.rows(
        "SELECT MIN(promised_due_date), MAX(promised_due_date)"  # noqa: S608
        f" FROM {cases} WHERE status IN ('accepted', 'in_review'){case_scope}"
        " UNION ALL SELECT MIN(t.due_date), MAX(t.due_date)"
        f" FROM {tasks} t WHERE t.status = 'active'{task_scope}"
    )
    dates = [_as_date(value) for row in bounds for value in row if value is not None]
    q.execute(f"CREATE TEMPORARY TABLE {DAYS_TABLE} (day date PRIMARY KEY, n integer)")
    q.execute(f"CREATE TEMPORARY TABLE {WORKDAYS_TABLE} (n integer PRIMARY KEY, day date)")
    if not dates:
        return
    start = thresholds.calendar_start(min(dates), thresholds.largest_threshold())
    numbers = thresholds.workday_numbers(start, max(dates))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {DAYS_TABLE} (day, n) VALUES (%s, %s)",  # noqa: S608
            [(q.date(day), n) for day, n, _workday in numbers],
        )
        cursor.executemany(
            f"INSERT INTO {WORKDAYS_TABLE} (n, day) VALUES (%s, %s)",  # noqa: S608
            [(n, q.date(day)) for day, n, workday in numbers if workday],
        )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _rebuild() -> None:
    subjects = q.table(Subject)
    q.execute(f"TRUNCATE {subjects}" if q.is_postgresql() else f"DELETE FROM {subjects}")  # noqa: S608
    _calendar()
    _insert_subjects()
    q.analyze(subjects)


def _count(day: dt.date) -> dict[str, dict[str, int]]:
    level, params = level_sql(day)
    tally: dict[str, dict[str, int]] = {kind: dict.fromkeys(LEVELS, 0) for kind in KINDS}
    for kind, name, count in q.rows(
        f"SELECT s.kind, {level}, COUNT(*) FROM {q.table(Subject)} s GROUP BY 1, 2",  # noqa: S608
        params,
    ):
        tally[kind][name] = int(count)
    return tally


# --- advancing -------------------------------------------------------------------------------


def _advance(last: dt.date, day: dt.date) -> None:
    """Write into ``CHANGES_TABLE`` every subject whose level or due date differs between
    ``last`` and ``day``, and bring the rows of the cases with new events up to date."""
    subjects, events = q.table(Subject), q.table(CaseEvent)
    q.execute(
        f"CREATE TEMPORARY TABLE {CHANGES_TABLE} (kind varchar(4), subject_id bigint,"
        " case_id bigint, old_level varchar(6), old_due date, new_level varchar(6),"
        " new_due date, department_id bigint, implementation_id bigint)"
    )
    q.execute(f"CREATE TEMPORARY TABLE {TOUCHED_TABLE} (case_id bigint PRIMARY KEY)")
    q.execute(
        f"INSERT INTO {TOUCHED_TABLE} (case_id) SELECT DISTINCT case_id FROM {events}"  # noqa: S608
        f" WHERE id IN (SELECT event_id FROM {rollups.BATCH_TABLE})"
    )
    q.analyze(TOUCHED_TABLE)
    before, before_params = level_sql(last)
    after, after_params = level_sql(day)
    untouched = f"s.case_id NOT IN (SELECT case_id FROM {TOUCHED_TABLE})"  # noqa: S608
    select = (
        f"SELECT s.kind, s.subject_id, s.case_id, {before}, s.due_date, {after}, s.due_date,"  # noqa: S608
        f" s.department_id, s.implementation_id FROM {subjects} s"
    )
    if day > last:
        # (a) The day passed a yellow_from or a due date: two index ranges (the second
        # leaves out the rows the first took).
        q.execute(
            f"INSERT INTO {CHANGES_TABLE} ({CHANGE_COLUMNS}) {select}"
            f" WHERE s.yellow_from > %s AND s.yellow_from <= %s AND {untouched}",
            [*before_params, *after_params, q.date(last), q.date(day)],
        )
        for kind in KINDS:
            q.execute(
                f"INSERT INTO {CHANGES_TABLE} ({CHANGE_COLUMNS}) {select}"
                " WHERE s.kind = %s AND s.due_date >= %s AND s.due_date < %s"
                " AND (s.yellow_from IS NULL OR s.yellow_from <= %s OR s.yellow_from > %s)"
                f" AND {untouched}",
                [
                    *before_params,
                    *after_params,
                    kind,
                    q.date(last),
                    q.date(day),
                    q.date(last),
                    q.date(day),
                ],
            )
    if q.scalar(f"SELECT COUNT(*) FROM {TOUCHED_TABLE}"):  # noqa: S608
        with q.index_joins():
            _rewrite_touched(last, day)
    q.analyze(CHANGES_TABLE)


def _rewrite_touched(last: dt.date, day: dt.date) -> None:
    """(b) Replace the rows of the cases with new events, noting each subject's level on
    ``last`` (the old row) and on ``day`` (the new one)."""
    subjects = q.table(Subject)
    touched = f"(SELECT case_id FROM {TOUCHED_TABLE})"  # noqa: S608  # a constant
    q.execute(
        f"CREATE TEMPORARY TABLE {STAGED_TABLE} (kind varchar(4), subject_id bigint,"
        " case_id bigint, old_level varchar(6), old_due date, new_level varchar(6),"
        " new_due date, department_id bigint, implementation_id bigint)"
    )
    before, before_params = level_sql(last)
    after, after_params = level_sql(day)
    q.execute(
        f"INSERT INTO {STAGED_TABLE} ({CHANGE_COLUMNS})"  # noqa: S608
        f" SELECT s.kind, s.subject_id, s.case_id, {before}, s.due_date, NULL, NULL, NULL, NULL"
        f" FROM {subjects} s WHERE s.case_id IN {touched}",
        before_params,
    )
    q.execute(f"DELETE FROM {subjects} WHERE case_id IN {touched}")  # noqa: S608
    _calendar("touched")
    _insert_subjects("touched")
    q.execute(
        f"INSERT INTO {STAGED_TABLE} ({CHANGE_COLUMNS})"  # noqa: S608
        f" SELECT s.kind, s.subject_id, s.case_id, NULL, NULL, {after}, s.due_date,"
        f" s.department_id, s.implementation_id FROM {subjects} s WHERE s.case_id IN {touched}",
        after_params,
    )
    # One row per subject: its old row's level and date, its new row's level, date and keys
    # (MAX skips the NULLs of the other side).
    q.execute(
        f"INSERT INTO {CHANGES_TABLE} ({CHANGE_COLUMNS})"  # noqa: S608
        " SELECT kind, subject_id, MAX(case_id), MAX(old_level), MAX(old_due), MAX(new_level),"
        f" MAX(new_due), MAX(department_id), MAX(implementation_id) FROM {STAGED_TABLE}"
        " GROUP BY kind, subject_id"
    )


def _moved(tally: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """``tally`` moved by the differences in ``CHANGES_TABLE``."""
    moved = {
        kind: {level: int(tally.get(kind, {}).get(level, 0)) for level in LEVELS} for kind in KINDS
    }
    for kind, old, new, count in q.rows(
        f"SELECT kind, old_level, new_level, COUNT(*) FROM {CHANGES_TABLE}"  # noqa: S608
        " GROUP BY kind, old_level, new_level"
    ):
        if old is not None:
            moved[kind][old] -= int(count)
        if new is not None:
            moved[kind][new] += int(count)
    return moved
