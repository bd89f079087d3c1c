"""The supervision sweep over 1,000,000 open cases and ``stats/summary`` over 10,000,000
historical cases, on PostgreSQL.

Builds a centre (``--departments`` departments, ``--items`` items with a two-stage process)
through the catalog's services, then writes ``--open-cases`` running cases with SQL
``generate_series``: each has an active task (handle or approve) and a waiting one. Their
due dates are working days, as the engine computes them: a case's from one working day past to
twenty ahead, an active task's from one past to seven ahead, so a realistic share is yellow or
red and every working day moves about a twentieth of the cases and a ninth of the tasks.
20,000 submitted cases wait for acceptance and 5,000 fresh case events wait to be counted.
The history is the rollup-equivalent of ``--history-cases`` cases over three years, written
straight into the rollup tables (per day × department × item × channel, then per day ×
department × channel), since the statistics read nothing else.

Then, timed:

* the first sweep (every alert is new: the backlog of a newly installed system; it also
  builds the sweep's ``Subject`` table from every running case and active task);
* the next working day's sweep (incremental: the subjects whose yellow or due date the day
  passed and the cases with new events; the alerts of one day's movement are new) —
  ``sweep_s``;
* the floor of that sweep: the same rows it wrote (its new alerts, the alerts it resolved, its
  new findings), written with bare SQL in one transaction into copies of the alert and finding
  tables taken just before it, with their indexes and constraints — no classification, no
  reading, no rules: what writing that day's movement costs on this machine
  (``floor_s``, ``vs_floor`` = sweep_s / floor_s);
* a repeat of that sweep (nothing new: the every-five-minutes case);
* ``GET /api/v1/stats/summary`` through Django's full request stack with a bearer token,
  ``--requests`` times with random periods (a week to three years) and random department or
  item filters or none — its p95 is ``stats_p95_ms``.

Uses DATABASE_URL if it is set (it must be PostgreSQL); otherwise creates a scratch database
``onewindow_bench_<pid>`` on postgres://postgres@127.0.0.1:5432 and drops it at the end.

    .venv/bin/python bench/supervision.py [--open-cases 1000000] [--history-cases 10000000]

The last line is one JSON object:
{"open_cases": N, "sweep_s": x, "history_cases": M, "stats_p95_ms": y, ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_engine import create_scratch_database, drop_scratch_database  # noqa: E402

PASSWORD = "Zw!x9-Lk3m"  # noqa: S105  # the scratch accounts' password
TARGET_SWEEP_S = 2.0
TARGET_STATS_P95_MS = 100.0
CHANNELS = ["online", "window", "mobile", "kiosk", "hotline", "service_point"]
HISTORY_DAYS = 1096


def setup_django(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_centre(departments: int, items: int) -> dict[str, Any]:
    from onewindow.catalog.tests import factories
    from onewindow.identity import services as identity
    from onewindow.identity.tokens import create_token

    units = [factories.department(f"D{n:03d}", f"第{n}局") for n in range(departments)]
    implementations = []
    for n in range(items):
        unit = units[n % departments]
        implementations.append(
            factories.item(
                f"事项{n}",
                dept=unit,
                promised_days=(5, 10, 15, 20)[n % 4],
                stages=[
                    {"name": "承办", "role": "handler", "departments": [unit], "days": 3},
                    {"name": "审批", "role": "approver", "departments": [unit], "days": 2},
                ],
            )
        )
    filer = identity.create_staff(
        username="clerk",
        password=PASSWORD,
        name="窗口",
        department=None,
        roles=["window_clerk"],
        actor=None,
    )
    supervisor = identity.create_staff(
        username="supervisor",
        password=PASSWORD,
        name="监察",
        department=None,
        roles=["supervisor"],
        actor=None,
    )
    _token, secret = create_token(supervisor, name="bench", actor=supervisor)
    return {"units": units, "items": implementations, "filer": filer, "secret": secret}


def working_days(today: Any, low: int, high: int) -> list[tuple[int, Any]]:
    """``(k, date)`` for k in ``low..high``: the k-th working day from the first working day on
    or after ``today`` (negative: before it), by the platform's calendar. Due dates the engine
    computes are always working days, so the generated ones are too."""
    import datetime as dt

    from onewindow.core import calendar

    base = today if calendar.is_workday(today) else calendar.add_workdays(today, 1).date
    days = [(k, calendar.add_workdays(base, k).date) for k in range(max(low, 0), high + 1)]
    back, current = 0, base
    while back > low:
        current -= dt.timedelta(days=1)
        if calendar.is_workday(current):
            back -= 1
            days.append((back, current))
    return days


def generate_open_cases(count: int, filer_id: int, today: Any) -> None:
    """``count`` running cases, each with an active and a waiting task, in SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_days (k int PRIMARY KEY, d date)")
        cursor.executemany(
            "INSERT INTO bench_days (k, d) VALUES (%s, %s)", working_days(today, -1, 40)
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_items AS SELECT row_number() OVER (ORDER BY i.id) - 1 AS n,"
            " i.id AS implementation_id, i.current_version_id AS version_id,"
            " i.department_id, v.promised_days FROM catalog_itemimplementation i"
            " JOIN catalog_itemversion v ON v.id = i.current_version_id"
        )
        cursor.execute("SELECT count(*) FROM bench_items")
        (items,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO cases_case (case_no, query_code, implementation_id, item_version_id,
                lead_department_id, status, channel, applicant_kind, applicant_name,
                applicant_id_number, applicant_id_digest, applicant_phone, filed_by_id, form,
                submitted_at, accepted_at, promised_due_date, statutory_due_date,
                clock_provisional, paused_workdays, resume_status, reasons, corrections,
                delivery, created_at, updated_at)
            SELECT 'B' || lpad(g::text, 12, '0'), 'BENCH000', b.implementation_id, b.version_id,
                b.department_id, CASE WHEN g %% 10 = 0 THEN 'accepted' ELSE 'in_review' END,
                (ARRAY['online','window','mobile','kiosk','hotline','service_point'])[1 + g %% 6],
                'person', '张三', 'x', 'x', '', %(filer)s, '{}'::jsonb,
                now() - interval '20 days', now() - interval '15 days',
                promised.d, statutory.d,
                false, 0, '', '[]'::jsonb, '[]'::jsonb, '{}'::jsonb, now(), now()
            FROM generate_series(1, %(count)s) AS g
            JOIN bench_items b ON b.n = g %% %(items)s
            JOIN bench_days promised ON promised.k = (g::bigint * 7919) %% 22 - 1
            JOIN bench_days statutory ON statutory.k = (g::bigint * 7919) %% 22 + 14
            """,
            {"filer": filer_id, "count": count, "items": items},
        )
        cursor.execute(
            """
            INSERT INTO cases_task (case_id, stage, stage_name, role, department_id, parallel,
                days, status, started_at, due_date, opinion, note)
            SELECT c.id, s.stage, CASE s.stage WHEN 1 THEN '承办' ELSE '审批' END,
                CASE s.stage WHEN 1 THEN 'handler' ELSE 'approver' END, c.lead_department_id,
                false, CASE s.stage WHEN 1 THEN 3 ELSE 2 END,
                CASE WHEN s.stage = 1 THEN 'active' ELSE 'waiting' END,
                CASE WHEN s.stage = 1 THEN now() END,
                CASE WHEN s.stage = 1 THEN due.d END,
                '', ''
            FROM cases_case c CROSS JOIN (VALUES (1), (2)) AS s(stage)
            JOIN bench_days due ON due.k = (c.id * 104729) %% %(spread)s - 1
            WHERE c.status = 'in_review'
            """,
            {"spread": 9},
        )
        cursor.execute(
            """
            INSERT INTO cases_case (case_no, query_code, implementation_id, item_version_id,
                lead_department_id, status, channel, applicant_kind, applicant_name,
                applicant_id_number, applicant_id_digest, applicant_phone, filed_by_id, form,
                submitted_at, clock_provisional, paused_workdays, resume_status, reasons,
                corrections, delivery, created_at, updated_at)
            SELECT 'S' || lpad(g::text, 12, '0'), 'BENCH000', b.implementation_id, b.version_id,
                b.department_id, 'submitted', 'online', 'person', '张三', 'x', 'x', '',
                %(filer)s, '{}'::jsonb, now() - (g %% 12) * interval '1 day', false, 0, '',
                '[]'::jsonb, '[]'::jsonb, '{}'::jsonb, now(), now()
            FROM generate_series(1, 20000) AS g JOIN bench_items b ON b.n = g %% %(items)s
            """,
            {"filer": filer_id, "items": items},
        )


def add_events(count: int) -> None:
    """``count`` fresh case events (an accept each) for the sweep to count."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_caseevent (case_id, at, action, from_status, to_status, note, detail)
            SELECT id, now(), 'accept', 'submitted', status, '', '{}'::jsonb
            FROM cases_case WHERE case_no LIKE 'B%%' ORDER BY id DESC LIMIT %s
            """,
            [count],
        )


def generate_history(cases: int, today: Any) -> int:
    """Rollup rows adding up to exactly ``cases`` cases over three years; that count.

    Each day × item × channel row gets ``cases // rows`` cases, and ``cases % rows`` rows, spread
    over the whole period by a bijective hash of the row's index, one more.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_items")
        (items,) = cursor.fetchone()
        rows = HISTORY_DAYS * items * len(CHANNELS)
        base, extra = divmod(cases, rows)
        cursor.execute(
            """
            INSERT INTO supervision_dailyitemstat (day, department_id, implementation_id, channel,
                submitted, accepted, rejected, granted, denied, completed, completed_on_time,
                overdue_open)
            SELECT d.day, b.department_id, b.implementation_id, ch.channel,
                s.n, s.n * 9 / 10, s.n / 20, s.n * 8 / 10, s.n / 20, s.n * 17 / 20,
                s.n * 16 / 20, 0
            FROM generate_series(%(today)s::date - %(days)s, %(today)s::date - 1, interval '1 day')
                AS d(day)
            CROSS JOIN bench_items b
            CROSS JOIN unnest(ARRAY['online','window','mobile','kiosk','hotline','service_point'])
                WITH ORDINALITY AS ch(channel, position)
            CROSS JOIN LATERAL (SELECT %(base)s + CASE WHEN
                (((d.day::date - (%(today)s::date - %(days)s)) * %(items)s + b.n) * 6
                    + ch.position - 1) * 7919 %% %(rows)s < %(extra)s THEN 1 ELSE 0 END AS n) AS s
            """,
            {
                "today": today,
                "days": HISTORY_DAYS,
                "items": items,
                "rows": rows,
                "base": base,
                "extra": extra,
            },
        )
        cursor.execute(
            """
            INSERT INTO supervision_dailydepartmentstat (day, department_id, channel, submitted,
                accepted, rejected, granted, denied, completed, completed_on_time, overdue_open)
            SELECT day, department_id, channel, sum(submitted), sum(accepted), sum(rejected),
                sum(granted), sum(denied), sum(completed), sum(completed_on_time), 0
            FROM supervision_dailyitemstat GROUP BY day, department_id, channel
            """
        )
        cursor.execute("SELECT sum(submitted) FROM supervision_dailyitemstat")
        (total,) = cursor.fetchone()
    return int(total)


def vacuum() -> None:
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


FLOOR_TABLES = {
    "supervision_alert": "bench_floor_alert",
    "supervision_finding": "bench_floor_finding",
}


def checkpoint() -> None:
    """Flush the WAL and dirty pages before a timed phase, so no phase pays for another's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def copy_for_floor() -> None:
    """Copies of the alert and finding tables as they are now, with their indexes, constraints
    and defaults: the floor writes into these what the timed sweep wrote into the real ones."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table, copy in FLOOR_TABLES.items():
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table}")  # noqa: S608
            # The copy has an identity sequence of its own: start it after the copied rows.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{copy}', 'id'),"  # noqa: S608
                f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {copy}), false)"
            )
            cursor.execute(f"ANALYZE {copy}")


def columns(table: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
            " FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'",
            [table],
        )
        (names,) = cursor.fetchone()
    return str(names)


def measure_floor(run_id: int, at: Any) -> tuple[float, dict[str, float]]:
    """Write the rows the sweep ``run_id`` (as of ``at``) wrote — its new alerts, the alerts it
    resolved, its new findings — into the copies, with bare SQL in one transaction; the
    seconds and the row counts. The rows to write are gathered first, untimed."""
    from django.db import connection, transaction

    alert_columns, finding_columns = columns("supervision_alert"), columns("supervision_finding")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE floor_alerts AS SELECT {alert_columns}"  # noqa: S608
            " FROM supervision_alert WHERE run_id = %s ORDER BY id",
            [run_id],
        )
        cursor.execute(
            "CREATE TEMP TABLE floor_resolved AS SELECT id FROM supervision_alert"
            " WHERE resolved_at = %s",
            [at],
        )
        cursor.execute(
            f"CREATE TEMP TABLE floor_findings AS SELECT {finding_columns}"  # noqa: S608
            " FROM supervision_finding WHERE found_at = %s ORDER BY id",
            [at],
        )
        for table in ("floor_alerts", "floor_resolved", "floor_findings"):
            cursor.execute(f"ANALYZE {table}")
    checkpoint()
    counts: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for name, sql, params in (
            (
                "alerts",
                f"INSERT INTO bench_floor_alert ({alert_columns})"  # noqa: S608
                f" SELECT {alert_columns} FROM floor_alerts",
                [],
            ),
            (
                "resolved",
                "UPDATE bench_floor_alert SET resolved_at = %s"
                " WHERE id IN (SELECT id FROM floor_resolved)",
                [at],
            ),
            (
                "findings",
                f"INSERT INTO bench_floor_finding ({finding_columns})"  # noqa: S608
                f" SELECT {finding_columns} FROM floor_findings",
                [],
            ),
        ):
            step = time.perf_counter()
            cursor.execute(sql, params)
            counts[name] = cursor.rowcount
            counts[f"{name}_s"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
    counts["commit_s"] = round(time.perf_counter() - step, 3)
    return time.perf_counter() - started, counts


def time_sweep(at: Any) -> tuple[float, dict[str, Any]]:
    from onewindow.supervision import sweep

    started = time.perf_counter()
    summary = sweep.run(at)
    return time.perf_counter() - started, summary


def time_summary(centre: dict[str, Any], requests: int, today: Any) -> list[float]:
    import datetime as dt

    from django.test import Client

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {centre['secret']}"}
    rng = random.Random(7)
    spans = [7, 30, 91, 365, 1095]

    def url() -> str:
        span = rng.choice(spans)
        end = today - dt.timedelta(days=rng.randrange(0, 60))
        start = end - dt.timedelta(days=span)
        params = f"from={start.isoformat()}&to={end.isoformat()}"
        pick = rng.random()
        if pick < 0.33:
            params += f"&department={rng.choice(centre['units']).code}"
        elif pick < 0.66:
            params += f"&item_code={rng.choice(centre['items']).implementation_code}"
        return f"/api/v1/stats/summary?{params}"

    for _ in range(20):  # warm-up: connections, caches, plans
        assert client.get(url(), **headers).status_code == 200
    timings = []
    for _ in range(requests):
        target = url()
        started = time.perf_counter()
        response = client.get(target, **headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (target, response.content[:200])
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from onewindow.core import calendar

    today = timezone.localdate()
    phase = time.perf_counter()
    centre = build_centre(args.departments, args.items)
    generate_open_cases(args.open_cases, centre["filer"].pk, today)
    history = generate_history(args.history_cases, today)
    add_events(5000)
    vacuum()
    print(f"data generated in {time.perf_counter() - phase:.1f} s", flush=True)

    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    first_s, first = time_sweep(moment)
    print(f"first sweep (all alerts new): {first_s:.3f} s {first}", flush=True)
    next_day = calendar.add_workdays(today, 1).date
    later = timezone.make_aware(dt.datetime.combine(next_day, dt.time(9)))
    add_events(5000)
    copy_for_floor()
    checkpoint()
    sweep_s, second = time_sweep(later)
    print(f"next working day's sweep: {sweep_s:.3f} s {second}", flush=True)
    from onewindow.supervision.models import SweepRun

    run_id = SweepRun.objects.filter(at=later).values_list("pk", flat=True).get()
    floor_s, floor_rows = measure_floor(run_id, later)
    print(
        f"its floor, bare SQL: {floor_rows['alerts']:,.0f} alerts in {floor_rows['alerts_s']} s,"
        f" {floor_rows['resolved']:,.0f} resolutions in {floor_rows['resolved_s']} s,"
        f" {floor_rows['findings']:,.0f} findings in {floor_rows['findings_s']} s, commit"
        f" {floor_rows['commit_s']} s: {floor_s:.3f} s; the sweep takes"
        f" {sweep_s / floor_s:.2f}× its floor",
        flush=True,
    )
    if floor_s >= TARGET_SWEEP_S:
        print(
            f"the floor alone exceeds the {TARGET_SWEEP_S:g} s target: writing this day's"
            " movement takes longer than the target on this machine",
            flush=True,
        )
    repeat_s, third = time_sweep(later + dt.timedelta(minutes=5))
    print(f"repeat sweep (nothing new): {repeat_s:.3f} s {third}", flush=True)

    timings = time_summary(centre, args.requests, today)
    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    print(
        f"stats/summary over {history:,} cases: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(timings):.1f} ms ({len(timings)} requests)",
        flush=True,
    )
    return {
        "open_cases": args.open_cases,
        "sweep_s": round(sweep_s, 3),
        "history_cases": history,
        "stats_p95_ms": round(p95, 1),
        "floor_s": round(floor_s, 3),
        "vs_floor": round(sweep_s / floor_s, 2),
        "floor_alerts": int(floor_rows["alerts"]),
        "floor_alerts_s": floor_rows["alerts_s"],
        "floor_resolved": int(floor_rows["resolved"]),
        "floor_resolved_s": floor_rows["resolved_s"],
        "floor_findings": int(floor_rows["findings"]),
        "floor_findings_s": floor_rows["findings_s"],
        "first_sweep_s": round(first_s, 3),
        "repeat_sweep_s": round(repeat_s, 3),
        "checked": second["checked"],
        "yellow": second["yellow"],
        "red": second["red"],
        "new_alerts_first": first["new_alerts"],
        "new_alerts_next_day": second["new_alerts"],
        "stats_p50_ms": round(p50, 1),
        "sweep_target_s": TARGET_SWEEP_S,
        "stats_target_p95_ms": TARGET_STATS_P95_MS,
        "sweep_ok": sweep_s < TARGET_SWEEP_S,
        "stats_ok": p95 < TARGET_STATS_P95_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--open-cases", type=int, default=1_000_000)
    parser.add_argument("--history-cases", type=int, default=10_000_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300, help="stats/summary requests timed")
    args = parser.parse_args()
    if min(args.open_cases, args.history_cases, args.departments, args.items, args.requests) < 1:
        parser.error("every count must be at least 1")

    scratch_db = None
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must name a PostgreSQL database")
    if not database_url:
        scratch_db, database_url = create_scratch_database()
    media = tempfile.TemporaryDirectory(prefix="onewindow-bench-")
    try:
        setup_django(database_url, media.name)
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if scratch_db:
            drop_scratch_database(scratch_db)
        media.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
