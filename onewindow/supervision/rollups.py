"""The rollup tables, kept current by the sweep from ``CaseEvent`` and read by every statistic.

Flows (submitted, accepted, rejected, granted, denied, completed, completed on time) are
counted from the case events past a watermark, once each: the sweep aggregates the new events
in one grouped query and adds the sums to the rows of their day (an upsert). The stock
(``overdue_open``) is the sweep's count of red cases, written for the sweep's day.

Events are numbered when they are inserted but become visible when their transaction commits,
so on PostgreSQL an id below the watermark may appear late. Each sweep notes the ids missing
below its new watermark (``PendingEvent``) and counts them when they appear; ids still missing
after ``ONEWINDOW_SUPERVISION_PENDING_EVENT_SECONDS`` were rolled back and are forgotten.
SQLite serialises writers, so there ids are visible in order.

A day is the Asia/Shanghai calendar day of the event. "Completed on time": the case was
delivered (办结) and its decision fell on or before its promised due date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from onewindow.cases.models import CaseEvent
from onewindow.org.models import Post

from . import sqltools as q
from .models import (
    DailyDepartmentStat,
    DailyItemStat,
    DailyWindowStat,
    PendingEvent,
    Subject,
    SweepState,
)

BATCH_TABLE = "supervision_tmp_batch"

COUNTS = {
    "submitted": Q(action="submit"),
    "accepted": Q(action="accept"),
    "rejected": Q(action="reject"),
    "granted": Q(action="grant"),
    "denied": Q(action="deny"),
    "completed": Q(to_status="completed") & ~Q(from_status="completed"),
    "completed_on_time": Q(to_status="completed")
    & ~Q(from_status="completed")
    & Q(case__promised_due_date__gte=TruncDate("case__decided_at")),
}
WINDOW_COUNTS = {k: COUNTS[k] for k in DailyWindowStat.COUNTERS}


@dataclass(frozen=True)
class Batch:
    """The events this sweep counts: ids in (low, high] plus late ones now visible."""

    low: int
    high: int
    events: int


def batch_events() -> Any:
    """The batch's events (valid during the sweep's transaction)."""
    batch = f"SELECT event_id FROM {BATCH_TABLE}"  # noqa: S608  # a constant table name
    return CaseEvent.objects.filter(id__in=RawSQL(batch, []))  # noqa: S611


def ingest(state: SweepState) -> Batch:
    """Count the events past the watermark (and the late ones) into the rollups."""
    low = state.event_watermark
    high = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
    high = max(high, low)
    events = q.table(CaseEvent)
    pending = q.table(PendingEvent)
    q.execute(f"CREATE TEMPORARY TABLE {BATCH_TABLE} (event_id bigint PRIMARY KEY)")
    q.execute(
        f"INSERT INTO {BATCH_TABLE} (event_id) SELECT id FROM {events}"  # noqa: S608
        f" WHERE (id > %s AND id <= %s) OR id IN (SELECT event_id FROM {pending})",
        [low, high],
    )
    # Late events now counted; ids still missing below the new watermark wait for later.
    q.execute(
        f"DELETE FROM {pending} WHERE event_id IN (SELECT event_id FROM {BATCH_TABLE})"  # noqa: S608
    )
    now = timezone.now()
    if q.is_postgresql() and high > low:
        q.execute(
            f"INSERT INTO {pending} (event_id, noted_at) SELECT g, %s"  # noqa: S608
            " FROM generate_series(%s::bigint, %s::bigint) AS g"
            f" WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.id = g)"
            " ON CONFLICT DO NOTHING",
            [now, low + 1, high],
        )
    ttl = dt.timedelta(seconds=settings.ONEWINDOW_SUPERVISION_PENDING_EVENT_SECONDS)
    PendingEvent.objects.filter(noted_at__lt=now - ttl).delete()
    count = int(q.scalar(f"SELECT COUNT(*) FROM {BATCH_TABLE}") or 0)  # noqa: S608
    if count:
        _add_item_and_department_rows()
        _add_window_rows()
    state.event_watermark = high
    return Batch(low=low, high=high, events=count)


def drop_batch() -> None:
    q.execute(f"DROP TABLE IF EXISTS {BATCH_TABLE}")


def _aggregate(queryset: Any, keys: list[str], counts: dict[str, Q]) -> list[dict[str, Any]]:
    annotations = {name: Count("id", filter=condition) for name, condition in counts.items()}
    return list(
        queryset.annotate(day=TruncDate("at"))
        .values("day", *keys)
        .annotate(**annotations)
        .order_by()
    )


def _add_item_and_department_rows() -> None:
    keys = ["case__lead_department_id", "case__implementation_id", "case__channel"]
    grouped = _aggregate(batch_events(), keys, COUNTS)
    item_rows = []
    department_rows: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for row in grouped:
        values = [row[name] for name in COUNTS]
        if not any(values):
            continue
        department, implementation, channel = (row[k] for k in keys)
        item_rows.append([row["day"], department, implementation, channel, *values])
        totals = department_rows[(row["day"], department, channel)]
        for index, value in enumerate(values):
            totals[index] += value
    add_rows(DailyItemStat, ["day", "department_id", "implementation_id", "channel"], item_rows)
    add_rows(
        DailyDepartmentStat,
        ["day", "department_id", "channel"],
        [[*key, *values] for key, values in department_rows.items()],
    )


def _add_window_rows() -> None:
    window = Subquery(
        Post.objects.filter(holders=OuterRef("actor_id"), window__isnull=False, is_active=True)
        .order_by("window_id")
        .values("window_id")[:1]
    )
    events = batch_events().filter(actor__isnull=False).annotate(window_id=window)
    grouped = _aggregate(events.filter(window_id__isnull=False), ["window_id"], WINDOW_COUNTS)
    add_rows(
        DailyWindowStat,
        ["day", "window_id"],
        [
            [row["day"], row["window_id"], *(row[n] for n in WINDOW_COUNTS)]
            for row in grouped
            if any(row[n] for n in WINDOW_COUNTS)
        ],
        counters=tuple(WINDOW_COUNTS),
    )


def add_rows(
    model: Any,
    keys: list[str],
    rows: list[list[Any]],
    *,
    counters: tuple[str, ...] = tuple(COUNTS),
) -> None:
    """Add ``rows`` (keys then counters) to the rollup ``model``: one upsert per 500 rows."""
    if not rows:
        return
    table = q.table(model)
    columns = [*keys, *counters]
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counters)
    extra = [c for c in ("overdue_open",) if hasattr(model, c) and c not in counters]
    insert_columns = columns + extra
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        placeholders = ", ".join("(" + ", ".join(["%s"] * len(insert_columns)) + ")" for _ in chunk)
        params: list[Any] = []
        for row in chunk:
            params.extend(q.date(v) if isinstance(v, dt.date) else v for v in row)
            params.extend(0 for _ in extra)
        q.execute(
            f"INSERT INTO {table} ({', '.join(insert_columns)}) VALUES {placeholders}"  # noqa: S608
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
            params,
        )


def snapshot_overdue(day: dt.date) -> None:
    """Write the red cases (due before ``day``) per department × item × channel as ``day``'s
    stock, from the sweep's ``Subject`` table."""
    zero = ", ".join(f"{c}" for c in DailyItemStat.COUNTERS)
    zeros = ", ".join("0" for _ in DailyItemStat.COUNTERS)
    subjects = q.table(Subject)
    for model, keys in (
        (DailyItemStat, ["department_id", "implementation_id", "channel"]),
        (DailyDepartmentStat, ["department_id", "channel"]),
    ):
        table = q.table(model)
        q.execute(
            f"UPDATE {table} SET overdue_open = 0 WHERE day = %s AND overdue_open <> 0",  # noqa: S608
            [q.date(day)],
        )
        key_list = ", ".join(keys)
        q.execute(
            f"INSERT INTO {table} (day, {key_list}, {zero}, overdue_open)"  # noqa: S608
            f" SELECT %s, {key_list}, {zeros}, COUNT(*) FROM {subjects}"
            f" WHERE kind = 'case' AND due_date < %s GROUP BY {key_list}"
            f" ON CONFLICT (day, {key_list}) DO UPDATE SET overdue_open = EXCLUDED.overdue_open",
            [q.date(day), q.date(day)],
        )


def recount(model: Any = DailyItemStat) -> dict[tuple[Any, ...], dict[str, int]]:
    """The flows recounted from the raw events (for checks and tests; scans every event)."""
    if model is DailyWindowStat:
        raise ValueError("recount the item and department rollups only")
    keys = (
        ["case__lead_department_id", "case__implementation_id", "case__channel"]
        if model is DailyItemStat
        else ["case__lead_department_id", "case__channel"]
    )
    result = {}
    for row in _aggregate(CaseEvent.objects.all(), keys, COUNTS):
        values = {name: row[name] for name in COUNTS}
        if any(values.values()):
            result[(row["day"], *(row[k] for k in keys))] = values
    return result


def stored(model: Any = DailyItemStat) -> dict[tuple[Any, ...], dict[str, int]]:
    """The flows as the rollup ``model`` holds them, keyed as ``recount`` keys them."""
    keys = (
        ["department_id", "implementation_id", "channel"]
        if model is DailyItemStat
        else ["department_id", "channel"]
    )
    result = {}
    for row in model.objects.values("day", *keys, *COUNTS):
        values = {name: row[name] for name in COUNTS}
        if any(values.values()):
            result[(row["day"], *(row[k] for k in keys))] = values
    return result
