"""Case engine throughput on PostgreSQL against a floor, a peer engine and a bound, in one run.

Drives N complete cases (submit, accept, a 5-department parallel stage, review, approve, grant,
deliver) through the services the API uses (``services.submit_case`` and ``services.perform``),
with everything they do: row locks, state checks, role checks, tasks, ``CaseEvent`` rows, the
hash-chained audit log, notices and messages. Nothing is patched or skipped. Three reference
figures come from the same database with the same number of concurrent workers:

* the floor: single-row INSERT + UPDATE transactions with psycopg, as fast as they commit;
* the peer: SpiffWorkflow 3.2 running the equivalent BPMN process, its state serialized to
  JSON and upserted (one row per instance, committed) after every completed user task;
* the bound: the same 12 actions per case in hand-written SQL, psycopg 3 with prepared
  statements and pipeline mode, on scratch copies of the tables an action writes (``cases_case``,
  ``cases_casematerial``, ``cases_task``, ``cases_caseevent``, ``cases_message`` and
  ``core_auditrecord``, with their columns, constraints, indexes, foreign keys and triggers).
  Each action is one transaction doing only the writes the design requires: lock the case row
  (``SELECT … FOR UPDATE``), read its tasks where the engine does (task completion, grant),
  write the task(s) and the case row, insert one event, the applicant's message where the
  engine writes one (submit, accept, grant, deliver) and one audit record chained as
  ``audit.record`` does (``pg_advisory_xact_lock``, the last record's id and hash, the SM3
  hash of ``AuditRecord.canonical()``, one insert). By default the chain's hash is computed in
  the database (pgcrypto's ``digest(…, 'sm3')``, installed if missing), so the append is one
  statement and no round trip happens under the lock; ``--bound-hash client`` computes it in
  Python after fetching the head, as ``audit.record`` does. The bound skips checks that only
  read or compute (roles, the form's schema, the material's owner, the item's template, which
  it reads once) and the notices, so it is the most actions/s any implementation writing
  those rows could reach on this database: an upper bound, not a target. After the run every
  bound case is checked and the whole scratch chain is verified with ``compute_hash``.

Notices (the PDFs of acceptance and grant) are made as in production: each action queues one
on commit to a Redis broker, and a Celery worker process started by the script renders them
beside the engine. The run ends when every notice exists; how long the worker needed is
reported too. ``--eager-notices`` renders them inline in the action instead, as the embedded
single-process mode does.

Uses DATABASE_URL if it is set (it must be PostgreSQL); otherwise creates a scratch database
``onewindow_bench_<pid>`` on postgres://postgres@127.0.0.1:5432 and drops it at the end.
Needs SpiffWorkflow (``pip install SpiffWorkflow==3.2.0``) and, unless ``--eager-notices``,
Redis (``BENCH_REDIS_URL``, default redis://127.0.0.1:6379; databases 14 and 15 are flushed).

    .venv/bin/python bench/case_engine.py [--cases 200] [--workers 4] [--floor-seconds 5]
                                          [--bound-seconds 5] [--bound-hash database|client]
    .venv/bin/python bench/case_engine.py --bound-only [--bound-seconds 5]   # no Redis needed

The last line of output is one JSON object: {"cases_per_s", "actions_per_s", "floor_tx_per_s",
"peer_actions_per_s", "vs_peer", "vs_floor", ..., "bound_actions_per_s", "vs_bound", ...}
(``vs_bound`` is the engine's actions/s over the bound's). With ``--bound-only`` it holds the
bound's keys alone.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import functools
import json
import multiprocessing
import os
import pstats
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = "postgres://postgres@127.0.0.1:5432"
REDIS_SERVER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
PASSWORD = "Zw!x9-Lk3m"  # noqa: S105  # the scratch accounts' password
TARGET_VS_PEER = 3.0
TARGET_VS_FLOOR = 0.25

LEAD = ("SCJG", "市场监督管理局")
PARALLEL = [
    ("XF", "消防救援大队"),
    ("WJ", "卫生健康委员会"),
    ("ZJ", "住房和城乡建设局"),
    ("STHJ", "生态环境分局"),
    ("GA", "公安分局"),
]
WINDOW = ("ZWFW", "政务服务管理局")  # the window clerks' department: 7 departments in all
FORM = {"venue": "示例影城", "area": 1200}
FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "venue": {"type": "string", "title": "场所名称", "minLength": 1, "maxLength": 100},
        "area": {"type": "number", "title": "建筑面积", "minimum": 1},
    },
    "required": ["venue", "area"],
}
# Service calls per case: submit, accept, complete_task × (1 + 5 + 1 + 1), grant, deliver.
ACTIONS_PER_CASE = 12
NOTICES_PER_CASE = 2  # the acceptance notice and the grant decision

# The same process as BPMN: one user task for every service call the case engine makes.
_REVIEWS = [f"review_{code.lower()}" for code, _name in PARALLEL]
_FAN = "".join(
    f'    <bpmn:sequenceFlow id="f_fork_{r}" sourceRef="fork" targetRef="{r}"/>\n'
    f'    <bpmn:userTask id="{r}" name="并联审查"/>\n'
    f'    <bpmn:sequenceFlow id="f_{r}_join" sourceRef="{r}" targetRef="join"/>\n'
    for r in _REVIEWS
)
PEER_BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="licensing_definitions" targetNamespace="http://onewindow.example/bench">
  <bpmn:process id="licensing_case" name="行政许可办件" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="submit"/>
    <bpmn:userTask id="submit" name="提交申请"/>
    <bpmn:sequenceFlow id="f_submit" sourceRef="submit" targetRef="accept"/>
    <bpmn:userTask id="accept" name="受理"/>
    <bpmn:sequenceFlow id="f_accept" sourceRef="accept" targetRef="handle"/>
    <bpmn:userTask id="handle" name="承办"/>
    <bpmn:sequenceFlow id="f_handle" sourceRef="handle" targetRef="fork"/>
    <bpmn:parallelGateway id="fork"/>
{_FAN}    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f_join" sourceRef="join" targetRef="review"/>
    <bpmn:userTask id="review" name="审核"/>
    <bpmn:sequenceFlow id="f_review" sourceRef="review" targetRef="approve"/>
    <bpmn:userTask id="approve" name="审批"/>
    <bpmn:sequenceFlow id="f_approve" sourceRef="approve" targetRef="grant"/>
    <bpmn:userTask id="grant" name="准予许可"/>
    <bpmn:sequenceFlow id="f_grant" sourceRef="grant" targetRef="deliver"/>
    <bpmn:userTask id="deliver" name="送达"/>
    <bpmn:sequenceFlow id="f_deliver" sourceRef="deliver" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


# --- database --------------------------------------------------------------------------------


def create_scratch_database() -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    name = f"onewindow_bench_{os.getpid()}"
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, f"{SERVER_URL}/{name}"


def drop_scratch_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))


def setup_django(database_url: str, media_root: str, eager_notices: bool) -> None:
    os.environ["DATABASE_URL"] = database_url
    if not eager_notices:  # a broker and a shared cache, as in production
        os.environ["CELERY_BROKER_URL"] = f"{REDIS_SERVER}/14"
        os.environ["REDIS_URL"] = f"{REDIS_SERVER}/15"
        import redis

        for db in (14, 15):
            redis.Redis.from_url(f"{REDIS_SERVER}/{db}").flushdb()
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ["MEDIA_ROOT"] = media_root  # uploads and notices go to a scratch directory
    os.environ.setdefault("DEBUG", "0")  # as in production: no per-query debug bookkeeping
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a log line per eager Celery task
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def psycopg_conninfo() -> str:
    """The Django default database as a psycopg connection string: the same database."""
    from django.db import connection
    from psycopg.conninfo import make_conninfo

    s = connection.settings_dict
    params = {
        "dbname": s["NAME"],
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "host": s.get("HOST") or None,
        "port": str(s["PORT"]) if s.get("PORT") else None,
    }
    return make_conninfo(**{k: v for k, v in params.items() if v is not None})


# --- concurrency -----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float = 0.0
    counts: list[int] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


# Worker mode for every phase: "process" (default; as gunicorn and Celery run the platform,
# one interpreter per worker) or "thread" (one interpreter, the GIL shared; needed by --profile).
MODE = {"workers": "process"}


def run_threads(
    workers: int,
    prepare: Callable[[int], Any],
    work: Callable[[Any, int], int],
    finish: Callable[[Any], None],
) -> Run:
    """Run ``work(state, worker)`` in ``workers`` workers, timed from a common start.

    ``prepare`` (opening the connection, loading actors) runs before the start barrier and
    ``finish`` (closing the connection) after the worker's clock has stopped: neither is timed.
    Workers are forked processes or threads, as ``MODE`` says.
    """
    if MODE["workers"] == "process":
        return run_processes(workers, prepare, work, finish)
    run = Run(counts=[0] * workers)
    barrier = threading.Barrier(workers + 1)
    ended = [0.0] * workers

    def target(index: int) -> None:
        state = None
        try:
            state = prepare(index)
        except BaseException as exc:
            run.errors.append(exc)
            barrier.abort()
            finish(state)
            return
        try:
            barrier.wait()
            run.counts[index] = work(state, index)
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:
            run.errors.append(exc)
        finally:
            ended[index] = time.perf_counter()
            finish(state)

    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if run.errors:
        raise run.errors[0]
    run.seconds = max(ended) - started
    return run


def run_processes(
    workers: int,
    prepare: Callable[[int], Any],
    work: Callable[[Any, int], int],
    finish: Callable[[Any], None],
) -> Run:
    """``run_threads`` with forked processes; results come back through a pipe each."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    _close_connections()  # no socket may be shared with a child

    def target(index: int, pipe: Any) -> None:
        state = None
        try:
            state = prepare(index)
            barrier.wait()
            count = work(state, index)
            pipe.send(("ok", count, time.perf_counter()))
        except BaseException as exc:  # reported to the parent, which raises it
            with contextlib.suppress(Exception):
                barrier.abort()
            pipe.send(("error", repr(exc), time.perf_counter()))
        finally:
            with contextlib.suppress(Exception):
                finish(state)
            pipe.close()

    pipes = []
    children = []
    for index in range(workers):
        parent_end, child_end = context.Pipe(duplex=False)
        child = context.Process(target=target, args=(index, child_end), daemon=True)
        child.start()
        child_end.close()
        pipes.append(parent_end)
        children.append(child)
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    started = time.perf_counter()
    run = Run(counts=[0] * workers)
    ended = [started] * workers
    for index, pipe in enumerate(pipes):
        try:
            outcome, value, at = pipe.recv()
        except EOFError:
            outcome, value, at = "error", "the worker process died", time.perf_counter()
        if outcome == "ok":
            run.counts[index] = value
        else:
            run.errors.append(RuntimeError(f"worker {index}: {value}"))
        ended[index] = at
    for child in children:
        child.join()
    if run.errors:
        raise run.errors[0]
    run.seconds = max(ended) - started
    return run


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


class Jobs:
    """Numbered jobs 0…count-1 handed out once each, to threads or forked processes."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.next = multiprocessing.get_context("fork").Value("q", 0)

    def take(self) -> int | None:
        with self.next.get_lock():
            n = self.next.value
            if n >= self.count:
                return None
            self.next.value = n + 1
            return int(n)


def work_queue(count: int) -> Jobs:
    return Jobs(count)


def drain(jobs: Jobs, handle: Callable[[int], int], budget: float | None = None) -> int:
    """Handle jobs until none is left or, with ``budget`` seconds, until time is up (the job
    in hand is always finished)."""
    deadline = None if budget is None else time.perf_counter() + budget
    done = 0
    while deadline is None or time.perf_counter() < deadline:
        n = jobs.take()
        if n is None:
            return done
        done += handle(n)
    return done


# --- the case engine -------------------------------------------------------------------------


@dataclass
class Fixture:
    implementation_id: int
    requirement_id: int
    clerks: list[int]  # one window clerk per worker
    staff: dict[tuple[str, int], int]  # (role, department id) → user id
    applicants: list[tuple[int, int]]  # (user id, stored file id), one per case


def id_numbers(count: int) -> list[str]:
    """Valid, unused resident ID numbers: Beijing Chaoyang, born from 1990, sequence 001–999."""
    from stdnum.cn import ric

    from onewindow.identity.services import id_number_taken

    numbers: list[str] = []
    n = 0
    while len(numbers) < count:
        born = dt.date(1990, 1, 1) + dt.timedelta(days=n // 999)
        body = f"110105{born:%Y%m%d}{n % 999 + 1:03d}"
        number = body + ric.calc_check_digit(body + "0")
        n += 1
        if not id_number_taken(number):  # a reused DATABASE_URL keeps earlier runs' accounts
            numbers.append(number)
    return numbers


def upload(user: Any) -> Any:
    """One stored PDF, made as ``cases.tests.conftest.upload`` makes it."""
    import hashlib

    from django.core.files.base import ContentFile

    from onewindow.cases.models import StoredFile

    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = StoredFile(
        name="申请书.pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        uploaded_by=user,
    )
    stored.file.save("application.pdf", ContentFile(data), save=False)
    stored.save()
    return stored


def build_fixture(cases: int, workers: int) -> Fixture:
    """7 departments, the item, staff with their roles, one applicant and upload per case."""
    from onewindow.catalog import services as catalog
    from onewindow.catalog.models import ServiceItem
    from onewindow.catalog.tests import factories
    from onewindow.identity import services as identity

    tag = f"{os.getpid()}{secrets.token_hex(2)}"
    lead = factories.department(*LEAD)
    parallel = [factories.department(code, name) for code, name in PARALLEL]
    window = factories.department(*WINDOW)
    basic = ServiceItem.objects.create(
        basic_code=f"B{int(tag, 16) % 10**11:011d}",
        name="公众聚集场所投入使用、营业前消防安全检查",
        item_type="licensing",
    )
    implementation = catalog.create_implementation(
        item=basic,
        department=lead,
        region=lead.region,
        center=None,
        guide=factories.guide(
            name=basic.name, statutory_days=20, promised_days=10, form_schema=FORM_SCHEMA
        ),
        materials=[{"name": "申请书", "required": True}],
        stages=[
            {"name": "承办", "role": "handler", "departments": [lead], "days": 2},
            {
                "name": "并联审查",
                "role": "reviewer",
                "departments": parallel,
                "parallel": True,
                "days": 5,
            },
            {"name": "审核", "role": "reviewer", "departments": [lead], "days": 2},
            {"name": "审批", "role": "approver", "departments": [lead], "days": 2},
        ],
    )
    requirement = implementation.current_version.materials.get(name="申请书")

    def staff(name: str, department: Any, role: str) -> int:
        user = identity.create_staff(
            username=f"bench{tag}_{name}",
            password=PASSWORD,
            name=name,
            department=department,
            roles=[role],
            actor=None,
        )
        return int(user.pk)

    clerks = [staff(f"clerk{w}", window, "window_clerk") for w in range(workers)]
    people = {
        ("handler", lead.pk): staff("handler", lead, "handler"),
        ("reviewer", lead.pk): staff("reviewer", lead, "reviewer"),
        ("approver", lead.pk): staff("approver", lead, "approver"),
    }
    for department in parallel:
        people[("reviewer", department.pk)] = staff(
            f"reviewer_{department.code}", department, "reviewer"
        )
    applicants = []
    for n, number in enumerate(id_numbers(cases)):
        person = identity.register_person(
            username=f"bench{tag}_p{n}",
            password=PASSWORD,
            name="张三",
            id_number=number,
            phone=f"138{n:08d}",
        )
        applicants.append((person.pk, upload(person).pk))
    return Fixture(implementation.pk, requirement.pk, clerks, people, applicants)


@dataclass
class Actors:
    implementation: Any
    clerk: Any
    staff: dict[tuple[str, int], Any]
    applicants: dict[int, Any]
    profile: cProfile.Profile | None = None


def load_actors(fixture: Fixture, worker: int) -> Actors:
    """The worker's own model instances (nothing shared between threads), its connection open."""
    from django.db import connection

    from onewindow.catalog.models import ItemImplementation
    from onewindow.identity.models import User

    connection.ensure_connection()
    implementation = ItemImplementation.objects.select_related("current_version", "department").get(
        pk=fixture.implementation_id
    )
    ids = [fixture.clerks[worker], *fixture.staff.values(), *(a for a, _f in fixture.applicants)]
    users = User.objects.in_bulk(ids)
    return Actors(
        implementation=implementation,
        clerk=users[fixture.clerks[worker]],
        staff={key: users[pk] for key, pk in fixture.staff.items()},
        applicants={pk: users[pk] for pk, _f in fixture.applicants},
    )


class Retries:
    """Actions the database aborted (deadlock, serialization failure) and that were run again.

    Each service call is one transaction, so an aborted call changed nothing and running it
    again is what a client does (with the same Idempotency-Key). Every retry is counted and
    reported; ``--no-retry`` makes the first one fatal instead.
    """

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed
        self.counter = multiprocessing.get_context("fork").Value("q", 0)  # across processes
        self.first = ""  # the first message, as this process saw it
        self.lock = threading.Lock()

    @property
    def count(self) -> int:
        return int(self.counter.value)

    def call(self, action: Callable[[], Any]) -> Any:
        import psycopg.errors
        from django.db import OperationalError

        retryable = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
        while True:
            try:
                return action()
            except OperationalError as exc:
                if not self.allowed or not isinstance(exc.__cause__, retryable):
                    raise
                with self.lock, self.counter.get_lock():
                    self.counter.value += 1
                    self.first = self.first or str(exc.__cause__).splitlines()[0]


def drive_case(fixture: Fixture, actors: Actors, n: int, retries: Retries) -> int:
    """One case from submission to delivery; returns the number of service calls."""
    from onewindow.cases import services
    from onewindow.cases.models import Status, Task

    def perform(case: Any, action: str, actor: Any, **payload: Any) -> Any:
        return retries.call(lambda: services.perform(case, action, actor=actor, payload=payload))

    applicant_id, file_id = fixture.applicants[n]
    case = retries.call(
        lambda: services.submit_case(
            actors.implementation,
            form=FORM,
            materials=[{"requirement_id": fixture.requirement_id, "file_id": file_id}],
            channel="online",
            actor=actors.applicants[applicant_id],
        )
    )
    case = perform(case, "accept", actors.clerk)
    tasks = Task.objects.filter(case=case).order_by("stage", "id")
    plan = list(tasks.values_list("pk", "role", "department_id"))
    if len(plan) != ACTIONS_PER_CASE - 4:
        raise RuntimeError(f"case {case.case_no} has {len(plan)} tasks, not 8")
    for task_id, role, department_id in plan:
        actor = actors.staff[(role, department_id)]
        case = perform(case, "complete_task", actor, task_id=task_id, opinion="agree", note="同意")
    case = perform(case, "grant", actors.staff[("approver", case.lead_department_id)])
    case = perform(case, "deliver", actors.clerk, delivery={"method": "online"})
    if case.status != Status.COMPLETED:
        raise RuntimeError(f"case {case.case_no} ended in {case.status}")
    return 2 + len(plan) + 2


def run_engine(
    fixture: Fixture, cases: int, workers: int, budget: float, profile: bool, retries: Retries
) -> tuple[Run, pstats.Stats | None]:
    from django.db import connections

    jobs = work_queue(cases)
    stats: list[pstats.Stats] = []
    lock = threading.Lock()

    def prepare(worker: int) -> Actors:
        actors = load_actors(fixture, worker)
        if profile:
            actors.profile = cProfile.Profile()
        return actors

    def work(actors: Actors, _worker: int) -> int:
        if actors.profile is not None:
            actors.profile.enable()
        try:
            return drain(jobs, lambda n: drive_case(fixture, actors, n, retries), budget)
        finally:
            if actors.profile is not None:
                actors.profile.disable()
                with lock:
                    stats.append(pstats.Stats(actors.profile))

    def finish(_actors: Actors | None) -> None:
        connections.close_all()  # this thread's connections

    run = run_threads(workers, prepare, work, finish)
    merged = None
    if stats:
        merged = stats[0]
        for extra in stats[1:]:
            merged.add(extra)
    return run, merged


def check_engine(first_case_id: int, cases: int, actions: int) -> dict[str, Any]:
    """Every case completed, one event and one audit record per action, the chain intact."""
    from onewindow.cases.models import Case, CaseEvent, Document, Message
    from onewindow.core import audit
    from onewindow.core.models import AuditRecord

    timed = Case.objects.filter(pk__gt=first_case_id)
    ids = [str(pk) for pk in timed.values_list("pk", flat=True)]
    started = time.perf_counter()
    verified = audit.verify()
    checks = {
        "completed": timed.filter(status="completed").count(),
        "events": CaseEvent.objects.filter(case__in=timed).count(),
        "audit_records": AuditRecord.objects.filter(
            action__startswith="case.", object_type="cases.case", object_id__in=ids
        ).count(),
        "notices": Document.objects.filter(case__in=timed).count(),
        "messages": Message.objects.filter(case__in=timed).count(),
        "audit_chain_ok": verified.ok,
        "audit_chain_records": verified.records,
        "audit_verify_s": round(time.perf_counter() - started, 2),
    }
    problems = []
    if checks["completed"] != cases:
        problems.append(f"{checks['completed']} of {cases} cases completed")
    if checks["events"] != actions:
        problems.append(f"{checks['events']} case events for {actions} actions")
    if checks["audit_records"] != actions:
        problems.append(f"{checks['audit_records']} audit records for {actions} actions")
    if not verified.ok:
        problems.append(f"audit chain broken: {verified.reason}")
    if problems:
        raise RuntimeError("; ".join(problems))
    return checks


def start_notice_worker() -> subprocess.Popen[bytes]:
    """A Celery worker in its own process, with this process's settings (same database)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "onewindow.worker",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=dict(os.environ))  # noqa: S603  # fixed argv


def wait_for_notices(first_case_id: int, expected: int, timeout: float) -> float:
    """Block until ``expected`` notices exist for the timed cases; the moment they did."""
    from onewindow.cases.models import Document

    deadline = time.perf_counter() + timeout
    while True:
        made = Document.objects.filter(case_id__gt=first_case_id).count()
        if made >= expected:
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the worker made {made} of {expected} notices in {timeout:g} s")
        time.sleep(0.05)


# --- the floor -------------------------------------------------------------------------------


def run_floor(conninfo: str, workers: int, seconds: float, table: str) -> Run:
    """Single-row INSERT then UPDATE of that row, one committed transaction each, for a while."""
    import psycopg
    from psycopg import sql

    name = sql.Identifier(table)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id bigserial PRIMARY KEY, worker int NOT NULL,"
                " n int NOT NULL, state text NOT NULL, updated_at timestamptz NOT NULL)"
            ).format(name)
        )
    insert = sql.SQL(
        "INSERT INTO {} (worker, n, state, updated_at) VALUES (%s, %s, 'new', now()) RETURNING id"
    ).format(name)
    update = sql.SQL("UPDATE {} SET state = 'done', updated_at = now() WHERE id = %s").format(name)

    def prepare(_worker: int) -> Any:
        return psycopg.connect(conninfo, autocommit=True)

    def work(conn: Any, worker: int) -> int:
        deadline = time.perf_counter() + seconds
        done = 0
        with conn.cursor() as cursor:
            while time.perf_counter() < deadline:
                with conn.transaction():
                    cursor.execute(insert, (worker, done))
                    row_id = cursor.fetchone()[0]
                    cursor.execute(update, (row_id,))
                done += 1
        return done

    def finish(conn: Any) -> None:
        if conn is not None:
            conn.close()

    return run_threads(workers, prepare, work, finish)


# --- the peer --------------------------------------------------------------------------------


def peer_spec() -> Any:
    from SpiffWorkflow.bpmn.parser import BpmnParser

    parser = BpmnParser()
    parser.add_bpmn_str(PEER_BPMN.encode(), filename="licensing_case.bpmn")
    return parser.get_spec("licensing_case")


def drive_instance(spec: Any, serializer: Any, conn: Any, upsert: Any, n: int) -> int:
    """One process instance to its end; its state is stored after every user task."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    done = 0
    while not workflow.is_completed():
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        if task is None:
            raise RuntimeError(f"instance {n} is stuck")
        task.data[task.task_spec.name] = {"opinion": "agree", "note": "同意"}
        task.run()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        with conn.transaction():
            conn.execute(upsert, (n, state))
        done += 1
    if done != ACTIONS_PER_CASE:
        raise RuntimeError(f"instance {n} completed {done} user tasks, not {ACTIONS_PER_CASE}")
    return done


def run_peer(conninfo: str, instances: int, workers: int, table: str) -> tuple[Run, int]:
    import psycopg
    from psycopg import sql
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer

    name = sql.Identifier(table)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id bigint PRIMARY KEY, state text NOT NULL,"
                " updated_at timestamptz NOT NULL)"
            ).format(name)
        )
    upsert = sql.SQL(
        "INSERT INTO {} (id, state, updated_at) VALUES (%s, %s, now())"
        " ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at"
    ).format(name)
    spec = peer_spec()
    # Warm-up, untimed: one instance, then restored from the table to prove the state is whole.
    serializer = BpmnWorkflowSerializer()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        drive_instance(spec, serializer, conn, upsert, -1)
        query = sql.SQL("SELECT state FROM {} WHERE id = -1").format(name)
        stored = conn.execute(query).fetchone()[0]
    if not serializer.deserialize_json(stored).is_completed():
        raise RuntimeError("the peer's stored state does not restore a completed workflow")
    jobs = work_queue(instances)

    def prepare(_worker: int) -> tuple[Any, Any]:
        # A serializer per thread: it keeps state while encoding.
        return psycopg.connect(conninfo, autocommit=True), BpmnWorkflowSerializer()

    def work(state: tuple[Any, Any], _worker: int) -> int:
        conn, own = state
        return drain(jobs, lambda n: drive_instance(spec, own, conn, upsert, n))

    def finish(state: tuple[Any, Any] | None) -> None:
        if state is not None:
            state[0].close()

    return run_threads(workers, prepare, work, finish), len(stored.encode())


# --- the bound -------------------------------------------------------------------------------

# The tables an action writes, mirrored as scratch tables (key → the real table). In this order
# the case table comes first (the others refer to it); dropping goes in reverse.
BOUND_TABLES = {
    "case": "cases_case",
    "material": "cases_casematerial",
    "task": "cases_task",
    "event": "cases_caseevent",
    "message": "cases_message",
    "audit": "core_auditrecord",
}
MESSAGES_PER_CASE = 4  # the engine writes one at submit, accept, grant and deliver
DELIVERY = {"method": "online", "tracking_no": ""}


def bound_table_names(suffix: str) -> dict[str, str]:
    return {key: f"bench_bound_{key}_{suffix}" for key in BOUND_TABLES}


def create_bound_tables(conninfo: str, scratch: dict[str, str]) -> None:
    """Copies of ``BOUND_TABLES``, empty: columns, defaults, NOT NULL and CHECK constraints,
    identity and indexes (``LIKE … INCLUDING ALL``), then each real table's foreign keys (to
    the copy when the target is mirrored too, to the real table otherwise, deferrable as
    Django makes them) and its triggers (the audit log's append-only guard)."""
    import psycopg
    from psycopg import sql

    copy_of = {real: scratch[key] for key, real in BOUND_TABLES.items()}
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.transaction():
        for key, real in BOUND_TABLES.items():
            like = sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)")
            conn.execute(like.format(sql.Identifier(scratch[key]), sql.Identifier(real)))
        for key, real in BOUND_TABLES.items():
            table = sql.Identifier(scratch[key])
            foreign_keys = conn.execute(
                "SELECT confrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [real],
            ).fetchall()
            for target, definition in foreign_keys:
                if target in copy_of:
                    definition = definition.replace(
                        f"REFERENCES {target}(", f"REFERENCES {copy_of[target]}(", 1
                    )
                conn.execute(sql.SQL("ALTER TABLE {} ADD {}").format(table, sql.SQL(definition)))
            triggers = conn.execute(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger"
                " WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
                [real],
            ).fetchall()
            on_real = re.compile(rf" ON (\w+\.)?{re.escape(real)} ")
            for (definition,) in triggers:
                conn.execute(sql.SQL(on_real.sub(f" ON {scratch[key]} ", definition, count=1)))


def install_pgcrypto(conninfo: str) -> tuple[bool, bool]:
    """pgcrypto, whose digest() has SM3 when OpenSSL does, for the bound's in-database hash:
    (usable, installed by this run)."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        query = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = %s"
        installed = False
        if conn.execute(query, ["pgcrypto"]).fetchone() is None:
            try:
                conn.execute("CREATE EXTENSION pgcrypto")
            except psycopg.Error:
                return False, False
            installed = True
        found = conn.execute(query, ["pgcrypto"]).fetchone()
        try:
            conn.execute(f"SELECT {found[0] if found else 'public'}.digest('', 'sm3')")
        except psycopg.Error:
            return False, installed
    return True, installed


def uninstall_pgcrypto(conninfo: str) -> None:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP EXTENSION IF EXISTS pgcrypto")


@dataclass
class BoundPlan:
    """What the bound's workers need, read before they start (untimed, as ``load_actors``):
    the fixture's ids, the item's process template and today's due dates (the engine caches
    the calendar per process; a published item version's template does not change)."""

    tables: dict[str, str]
    case_id_sequence: str
    lock_key: int
    hash_in: str  # "database" (pgcrypto's SM3, no round trip under the lock) or "client"
    digest_function: str  # pgcrypto's digest(), schema-qualified ("" when hashing in Python)
    implementation_id: int
    version_id: int
    lead_department_id: int
    requirement_id: int
    clerks: list[int]
    staff: dict[tuple[str, int], int]
    # (user id, file id, kind, name, ID number, phone): the signed-in applicant, as loaded
    applicants: list[tuple[int, int, str, str, str, str]]
    usernames: dict[int, str]
    # One row per task, in the engine's order: (stage, name, role, department, parallel, days)
    template: list[tuple[int, str, str, int, bool, int]]
    department_codes: dict[int, str]
    day: str  # today, YYYYMMDD: the case number's prefix
    promised_due: dt.date | None
    statutory_due: dt.date | None
    clock_provisional: bool
    stage_due: dict[int, dt.date]  # a stage's working days → its due date when it starts today


def load_bound_plan(
    fixture: Fixture, tables: dict[str, str], conninfo: str, hash_in: str
) -> BoundPlan:
    import psycopg

    from onewindow.cases import services
    from onewindow.cases.models import Case
    from onewindow.catalog.models import ItemImplementation
    from onewindow.core import audit, calendar
    from onewindow.identity.models import User
    from onewindow.org.models import Department

    implementation = ItemImplementation.objects.select_related("current_version").get(
        pk=fixture.implementation_id
    )
    version = implementation.current_version
    if version is None:
        raise RuntimeError("the bench item has no current version")
    template = [  # as services._create_tasks walks it
        (stage.position, stage.name, stage.role, department.pk, stage.parallel, stage.days)
        for stage in version.stages.prefetch_related("departments")
        for department in stage.departments.all()
    ]
    clocks = Case(item_version=version)
    services._start_clocks(clocks)  # the engine's own clock arithmetic, from today
    today = services.today()
    ids = [*fixture.clerks, *fixture.staff.values(), *(a for a, _f in fixture.applicants)]
    users = User.objects.in_bulk(ids)
    codes = Department.objects.filter(pk__in={row[3] for row in template})
    with psycopg.connect(conninfo) as conn:
        found = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [tables["case"]])
        sequence = found.fetchone()
        schema = conn.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pgcrypto'"
        ).fetchone()
    if sequence is None or sequence[0] is None:
        raise RuntimeError(f"{tables['case']} has no id sequence")
    if hash_in == "database" and schema is None:
        raise RuntimeError("pgcrypto is not installed in the database")
    return BoundPlan(
        tables=tables,
        case_id_sequence=sequence[0],
        # The advisory lock of the scratch chain: the kind audit._lock takes, a key of its own.
        lock_key=audit.ADVISORY_LOCK_KEY + 1 + os.getpid() % 65536,
        hash_in=hash_in,
        digest_function=f"{schema[0]}.digest" if schema else "",
        implementation_id=implementation.pk,
        version_id=version.pk,
        lead_department_id=implementation.department_id,
        requirement_id=fixture.requirement_id,
        clerks=fixture.clerks,
        staff=fixture.staff,
        applicants=[
            (pk, file_id, users[pk].kind, users[pk].name, users[pk].id_number, users[pk].phone)
            for pk, file_id in fixture.applicants
        ],
        usernames={pk: user.get_username() for pk, user in users.items()},
        template=template,
        department_codes=dict(codes.values_list("pk", "code")),
        day=today.strftime("%Y%m%d"),
        promised_due=clocks.promised_due_date,
        statutory_due=clocks.statutory_due_date,
        clock_provisional=clocks.clock_provisional,
        stage_due={d: calendar.add_workdays(today, d).date for d in {row[5] for row in template}},
    )


def bound_statements(plan: BoundPlan, conn: Any) -> dict[str, str]:
    """Every statement of the bound, composed once (psycopg prepares each on first use)."""
    from psycopg import sql

    from onewindow.core.models import GENESIS_HASH

    tables = plan.tables

    names = {key: sql.Identifier(name) for key, name in tables.items()}
    statements = {
        # Foreign keys are checked as each row is written rather than at COMMIT, where the
        # checks would run inside the audit chain's lock.
        "immediate": "SET CONSTRAINTS ALL IMMEDIATE",
        # submit: the case is inserted in its first state; its number is the day and its id,
        # drawn from the id sequence (unique and sortable, as DESIGN.md asks).
        "case_insert": """INSERT INTO {case} (id, case_no, query_code, status, channel,
            applicant_kind, applicant_name, applicant_id_number, applicant_id_digest,
            applicant_phone, form, submitted_at, clock_provisional, paused_workdays,
            resume_status, reasons, corrections, delivery, created_at, updated_at, applicant_id,
            filed_by_id, implementation_id, item_version_id, lead_department_id)
            SELECT n, %s || lpad(n::text, 8, '0'), %s, 'submitted', 'online', %s, %s, %s, %s,
                %s, %s, %s, false, 0, '', '[]', '[]', '{{}}', %s, %s, %s, %s, %s, %s, %s
            FROM nextval({sequence}::regclass) AS n
            RETURNING id, case_no""",
        "material_insert": """INSERT INTO {material}
            (case_id, requirement_id, file_id, licence_id, round, created_at)
            VALUES (%s, %s, %s, '', 1, %s)""",
        # every action on an existing case: the row lock first, then the tasks under it
        "case_lock": "SELECT status, case_no, applicant_id FROM {case} WHERE id = %s FOR UPDATE",
        "tasks_read": """SELECT id, stage, stage_name, status, days, department_id
            FROM {task} WHERE case_id = %s""",
        "case_accept": """UPDATE {case} SET status = 'in_review', accepted_at = %s,
            promised_due_date = %s, statutory_due_date = %s, clock_provisional = %s,
            updated_at = %s WHERE id = %s""",
        "tasks_insert": """INSERT INTO {task} (case_id, stage, stage_name, role, department_id,
            parallel, days, status, started_at, due_date, opinion, note)
            SELECT %s, t.*, '', '' FROM unnest(%s::smallint[], %s::text[], %s::text[],
                %s::bigint[], %s::boolean[], %s::smallint[], %s::text[], %s::timestamptz[],
                %s::date[]) AS t
            RETURNING stage, id, role, department_id""",
        "task_complete": """UPDATE {task} SET status = 'completed', opinion = %s, note = %s,
            assignee_id = COALESCE(assignee_id, %s), completed_by_id = %s, completed_at = %s
            WHERE id = %s""",
        "tasks_activate": """UPDATE {task} SET status = 'active', started_at = %s, due_date = %s
            WHERE id = ANY(%s)""",
        "case_touch": "UPDATE {case} SET updated_at = %s WHERE id = %s",
        "case_grant": """UPDATE {case} SET status = 'granted', decided_at = %s, reasons = %s,
            updated_at = %s WHERE id = %s""",
        "case_deliver": """UPDATE {case} SET status = 'completed', delivery = %s,
            completed_at = %s, updated_at = %s WHERE id = %s""",
        "event_insert": """INSERT INTO {event} (case_id, at, action, actor_id, from_status,
            to_status, note, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
        "message_insert": """INSERT INTO {message} (recipient_id, case_id, subject, body,
            created_at) VALUES (%s, %s, %s, %s, %s)""",
        # audit.record: the lock, the head of the chain, then the complete row, once
        "audit_lock": "SELECT pg_advisory_xact_lock(%s)",
        "audit_head": "SELECT id, hash FROM {audit} ORDER BY id DESC LIMIT 1",
        "audit_insert": """INSERT INTO {audit} (id, at, actor_id, actor_label, on_behalf_of_id,
            on_behalf_of_label, action, object_type, object_id, outcome, ip, detail, prev_hash,
            hash) VALUES (%s, %s, %s, %s, NULL, '', %s, 'cases.case', %s, 'success', NULL, %s,
            %s, %s)""",
        # The same append as one statement: under the lock, the head row (or the genesis)
        # gives the id and prev_hash and the clock the time; the client sent the canonical
        # text around those three (canonical_segments), so the database hashes exactly the
        # bytes of AuditRecord.canonical(), which check_bound verifies.
        "audit_append": """INSERT INTO {audit} (id, at, actor_id, actor_label, on_behalf_of_id,
            on_behalf_of_label, action, object_type, object_id, outcome, ip, detail, prev_hash,
            hash)
            SELECT h.id + 1, h.at, %s, %s, NULL, '', %s, 'cases.case', %s, 'success', NULL, %s,
                h.hash, encode({digest}(convert_to(
                    %s || '"' || to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
                    || '+00:00"' || %s || (h.id + 1)::text || %s || '"' || h.hash || '"' || %s,
                    'UTF8'), 'sm3'), 'hex')
            FROM (SELECT head.id, head.hash, clock_timestamp() AS at
                  FROM (SELECT 0::bigint AS id, {genesis}::varchar AS hash
                        UNION ALL (SELECT id, hash FROM {audit} ORDER BY id DESC LIMIT 1)
                        ORDER BY id DESC LIMIT 1) AS head) AS h""",
    }
    literals = {
        "sequence": sql.Literal(plan.case_id_sequence),
        "genesis": sql.Literal(GENESIS_HASH),
        "digest": sql.SQL(plan.digest_function or "digest"),
    }
    return {
        name: sql.SQL(text).format(**literals, **names).as_string(conn)
        for name, text in statements.items()
    }


def canonical_segments(fields: dict[str, Any]) -> tuple[str, ...]:
    """``AuditRecord.canonical()``'s text for ``fields`` (every field but ``at``, ``id``,
    ``prev_hash`` and the hash), cut before the values of ``at``, ``id`` and ``prev_hash``
    (in key order), which the database fills in: 4 segments."""
    dump = functools.partial(json.dumps, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    segments: list[str] = []
    text = "{"
    for index, key in enumerate(sorted([*fields, "at", "id", "prev_hash"])):
        text += ("," if index else "") + dump(key) + ":"
        if key in {"at", "id", "prev_hash"}:
            segments.append(text)
            text = ""
        else:
            text += dump(fields[key])
    return (*segments, text + "}")


class BoundError(RuntimeError):
    """The bound found a case in a state its next action does not allow."""


class BoundDriver:
    """One worker of the bound: its own connection (autocommit, every statement prepared on
    first use, pipeline mode), the cursors whose results it reads, and counts of statements
    and round trips (BEGIN and COMMIT are not counted as statements)."""

    def __init__(self, plan: BoundPlan, conninfo: str, clerk: int) -> None:
        import psycopg
        from psycopg.types.json import Jsonb

        from onewindow.cases.models import Case
        from onewindow.cases.services import QUERY_CODE_ALPHABET
        from onewindow.core import crypto
        from onewindow.core.models import GENESIS_HASH, canonical_at

        self.plan = plan
        self.clerk = clerk
        self.conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=0)
        self.sql = bound_statements(plan, self.conn)
        self.writes = self.conn.cursor()  # statements whose results are only checked
        self.row = self.conn.cursor()  # the new case, or the locked case row
        self.tasks = self.conn.cursor()
        self.head = self.conn.cursor()
        self.pipeline: Any = None
        self.statements = 0
        self.round_trips = 0
        self.jsonb = Jsonb
        self.alphabet = QUERY_CODE_ALPHABET
        self.crypto = crypto
        self.genesis = GENESIS_HASH
        self.canonical_at = canonical_at
        # EncryptedCharField authenticates the column with the ciphertext.
        self.id_number_context = f"{Case._meta.label_lower}.applicant_id_number"
        self.phone_context = f"{Case._meta.label_lower}.applicant_phone"
        first = min(row[0] for row in plan.template)
        columns = list(zip(*plan.template, strict=True))
        self.task_columns = [list(column) for column in columns]
        self.task_active = [row[0] == first for row in plan.template]
        self.task_status = ["active" if on else "waiting" for on in self.task_active]
        self.task_due = [
            plan.stage_due[row[5]] if on else None
            for row, on in zip(plan.template, self.task_active, strict=True)
        ]

    # -- plumbing

    def run(self, name: str, params: Any = (), cursor: Any = None) -> None:
        self.statements += 1
        (cursor or self.writes).execute(self.sql[name], params)

    def fetch(self, cursor: Any) -> list[Any]:
        """Send what is queued and wait for every result: one round trip."""
        self.round_trips += 1
        rows: list[Any] = cursor.fetchall()
        return rows

    def commit(self) -> None:
        """Send the queued statements and COMMIT, and wait until it is durable."""
        self.round_trips += 1
        self.pipeline.sync()

    def locked(self, case_id: int, *, with_tasks: bool) -> tuple[str, str, int, list[Any]]:
        """The case row, locked until COMMIT, and (when the action needs them) its tasks."""
        self.run("immediate")
        self.run("case_lock", (case_id,), self.row)
        if with_tasks:
            self.run("tasks_read", (case_id,), self.tasks)
        rows = self.fetch(self.row)
        if not rows:
            raise BoundError(f"case {case_id} does not exist")
        status, case_no, applicant = rows[0]
        return status, case_no, applicant, self.tasks.fetchall() if with_tasks else []

    def event(
        self,
        case_id: int,
        at: dt.datetime,
        action: str,
        actor: int,
        change: tuple[str, str],
        note: str,
        detail: dict[str, Any],
    ) -> None:
        before, after = change
        params = (case_id, at, action, actor, before, after, note, self.jsonb(detail))
        self.run("event_insert", params)

    def audit(
        self, actor: int, action: str, case_id: int, case_no: str, change: tuple[str, str]
    ) -> None:
        """``audit.record``: under the chain's advisory lock, the last record's id and hash,
        the time, the SM3 hash of ``AuditRecord.canonical()`` and the row, inserted once.

        In the database (``hash_in``), that is one INSERT … SELECT queued behind the lock,
        so no round trip happens while the lock is held; in the client, the head is fetched
        and the hash computed here, as ``audit.record`` does."""
        before, after = change
        detail = {"case_no": case_no, "from": before, "to": after}
        fields = {  # every field the hash covers but those the chain's head decides
            "actor_id": actor,
            "actor_label": self.plan.usernames[actor],
            "on_behalf_of_id": None,
            "on_behalf_of_label": "",
            "action": f"case.{action}",
            "object_type": "cases.case",
            "object_id": str(case_id),
            "outcome": "success",
            "ip": None,
            "detail": detail,
        }
        row = (actor, fields["actor_label"], fields["action"], str(case_id), self.jsonb(detail))
        self.run("audit_lock", (self.plan.lock_key,))
        if self.plan.hash_in == "database":
            self.run("audit_append", (*row, *canonical_segments(fields)))
            return
        self.run("audit_head", (), self.head)
        rows = self.fetch(self.head)
        last_id, prev_hash = rows[0] if rows else (0, self.genesis)
        at = dt.datetime.now(dt.UTC)
        record = {**fields, "id": last_id + 1, "at": self.canonical_at(at), "prev_hash": prev_hash}
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = self.crypto.sm3(canonical.encode("utf-8"))
        self.run("audit_insert", (last_id + 1, at, *row, prev_hash, digest))

    # -- the actions, one transaction each

    def submit(self, n: int) -> tuple[int, int]:
        p = self.plan
        applicant, file_id, kind, name, id_number, phone = p.applicants[n % len(p.applicants)]
        query_code = "".join(secrets.choice(self.alphabet) for _ in range(8))
        sealed_id = self.crypto.encrypt(id_number, context=self.id_number_context)
        sealed_phone = self.crypto.encrypt(phone, context=self.phone_context) if phone else ""
        id_digest = self.crypto.digest(id_number, purpose="id_number")
        at = dt.datetime.now(dt.UTC)
        with self.conn.transaction():
            self.run("immediate")
            params = (
                p.day,
                query_code,
                kind,
                name,
                sealed_id,
                id_digest,
                sealed_phone,
                self.jsonb(FORM),
                at,
                at,
                at,
                applicant,
                applicant,
                p.implementation_id,
                p.version_id,
                p.lead_department_id,
            )
            self.run("case_insert", params, self.row)
            case_id, case_no = self.fetch(self.row)[0]
            self.run("material_insert", (case_id, p.requirement_id, file_id, at))
            self.event(case_id, at, "submit", applicant, ("draft", "submitted"), "", {})
            body = f"您的申请 {case_no} 已提交，查询码 {query_code}。"
            self.run("message_insert", (applicant, case_id, "申请已提交", body, at))
            self.audit(applicant, "submit", case_id, case_no, ("draft", "submitted"))
        self.commit()
        return case_id, applicant

    def accept(self, case_id: int) -> list[tuple[int, int, str, int]]:
        """Accept; the tasks of the template, in the engine's order: (stage, id, role, dept)."""
        p = self.plan
        with self.conn.transaction():
            before, case_no, applicant, _tasks = self.locked(case_id, with_tasks=False)
            if before != "submitted":
                raise BoundError(f"accept: case {case_no} is {before}")
            at = dt.datetime.now(dt.UTC)
            clocks = (p.promised_due, p.statutory_due, p.clock_provisional)
            self.run("case_accept", (at, *clocks, at, case_id))
            started = [at if on else None for on in self.task_active]
            columns = self.task_columns
            params = (case_id, *columns, self.task_status, started, self.task_due)
            self.run("tasks_insert", params, self.tasks)
            self.event(case_id, at, "accept", self.clerk, (before, "in_review"), "", {})
            body = f"您的申请 {case_no} 已受理，承诺办结日期 {p.promised_due}。"
            self.run("message_insert", (applicant, case_id, "申请已受理", body, at))
            self.audit(self.clerk, "accept", case_id, case_no, (before, "in_review"))
        self.commit()
        return sorted(self.tasks.fetchall())

    def complete_task(self, case_id: int, task_id: int, actor: int) -> None:
        p = self.plan
        with self.conn.transaction():
            status, case_no, _applicant, tasks = self.locked(case_id, with_tasks=True)
            task = next((t for t in tasks if t[0] == task_id), None)
            if status != "in_review" or task is None or task[3] != "active":
                raise BoundError(f"complete_task: case {case_no} is {status}, task {task}")
            _id, stage, stage_name, _status, _days, department = task
            at = dt.datetime.now(dt.UTC)
            self.run("task_complete", ("agree", "同意", actor, actor, at, task_id))
            if not any(t[1] == stage and t[3] == "active" and t[0] != task_id for t in tasks):
                waiting = [t for t in tasks if t[3] == "waiting"]
                if waiting:  # the next stage starts
                    first = min(t[1] for t in waiting)
                    starting = [t for t in waiting if t[1] == first]
                    due = p.stage_due[starting[0][4]]
                    self.run("tasks_activate", (at, due, [t[0] for t in starting]))
            self.run("case_touch", (at, case_id))
            detail = {
                "task_id": task_id,
                "stage": stage_name,
                "opinion": "agree",
                "department": p.department_codes[department],
            }
            self.event(case_id, at, "complete_task", actor, (status, status), "同意", detail)
            self.audit(actor, "complete_task", case_id, case_no, (status, status))
        self.commit()

    def grant(self, case_id: int, actor: int) -> None:
        with self.conn.transaction():
            before, case_no, applicant, tasks = self.locked(case_id, with_tasks=True)
            if before != "in_review" or any(t[3] not in {"completed", "cancelled"} for t in tasks):
                raise BoundError(f"grant: case {case_no} is {before} or has open tasks")
            at = dt.datetime.now(dt.UTC)
            self.run("case_grant", (at, self.jsonb([]), at, case_id))
            self.event(case_id, at, "grant", actor, (before, "granted"), "", {"reasons": []})
            body = f"您的申请 {case_no} 已作出决定：准予许可。"
            self.run("message_insert", (applicant, case_id, "办理结果", body, at))
            self.audit(actor, "grant", case_id, case_no, (before, "granted"))
        self.commit()

    def deliver(self, case_id: int) -> None:
        with self.conn.transaction():
            before, case_no, applicant, _tasks = self.locked(case_id, with_tasks=False)
            if before not in {"granted", "denied"}:
                raise BoundError(f"deliver: case {case_no} is {before}")
            at = dt.datetime.now(dt.UTC)
            self.run("case_deliver", (self.jsonb(DELIVERY), at, at, case_id))
            self.event(case_id, at, "deliver", self.clerk, (before, "completed"), "", DELIVERY)
            body = f"您的申请 {case_no} 已办结。"
            self.run("message_insert", (applicant, case_id, "办件已办结", body, at))
            self.audit(self.clerk, "deliver", case_id, case_no, (before, "completed"))
        self.commit()

    def drive(self, n: int) -> int:
        """One case from submission to delivery, as ``drive_case``; returns the actions."""
        p = self.plan
        case_id, _applicant = self.submit(n)
        plan = self.accept(case_id)
        if len(plan) != ACTIONS_PER_CASE - 4:
            raise BoundError(f"case {case_id} has {len(plan)} tasks, not 8")
        for _stage, task_id, role, department in plan:
            self.complete_task(case_id, task_id, p.staff[(role, department)])
        self.grant(case_id, p.staff[("approver", p.lead_department_id)])
        self.deliver(case_id)
        return 2 + len(plan) + 2


def run_bound(plan: BoundPlan, conninfo: str, workers: int, seconds: float) -> tuple[Run, Any]:
    """The workers drive cases for ``seconds`` (the case in hand is finished), each on its own
    connection. One untimed case first, in this process, gives the per-action counts."""
    probe = BoundDriver(plan, conninfo, plan.clerks[0])
    try:
        with probe.conn.pipeline() as pipeline:
            probe.pipeline = pipeline
            actions = probe.drive(0)
    finally:
        probe.conn.close()
    counts = {
        "statements": probe.statements / actions,
        "round_trips": probe.round_trips / actions,
    }
    jobs = work_queue(2**62)  # as many cases as the time allows

    def prepare(worker: int) -> BoundDriver:
        return BoundDriver(plan, conninfo, plan.clerks[worker])

    def work(driver: BoundDriver, _worker: int) -> int:
        with driver.conn.pipeline() as pipeline:
            driver.pipeline = pipeline
            return drain(jobs, lambda n: driver.drive(n + 1), seconds)

    def finish(driver: BoundDriver | None) -> None:
        if driver is not None:
            driver.conn.close()

    return run_threads(workers, prepare, work, finish), counts


def check_bound(conninfo: str, tables: dict[str, str], cases: int) -> dict[str, Any]:
    """Every case (the timed ones and the probe) completed with its 8 tasks, one event and one
    audit record per action, the engine's 4 messages per case, and the scratch chain whole:
    consecutive ids, each linked to the one before, each hash recomputed by
    ``AuditRecord.compute_hash`` itself."""
    import psycopg
    from psycopg import sql

    from onewindow.core import audit
    from onewindow.core.models import AuditRecord

    cases += 1  # the probe
    actions = cases * ACTIONS_PER_CASE
    t = {key: sql.Identifier(name) for key, name in tables.items()}
    with psycopg.connect(conninfo) as conn:

        def count(query: str, table: str) -> int:
            row = conn.execute(sql.SQL(query).format(t[table])).fetchone()
            return int(row[0]) if row else 0

        checks: dict[str, Any] = {
            "bound_completed": count("SELECT count(*) FROM {} WHERE status = 'completed'", "case"),
            "bound_tasks_completed": count(
                "SELECT count(*) FROM {} WHERE status = 'completed'", "task"
            ),
            "bound_events": count("SELECT count(*) FROM {}", "event"),
            "bound_messages": count("SELECT count(*) FROM {}", "message"),
        }
        started = time.perf_counter()
        chain = conn.cursor(name="bound_chain")  # server side: the chain is read in chunks
        names = [field.attname for field in AuditRecord._meta.concrete_fields]
        columns = ", ".join("host(ip)" if name == "ip" else name for name in names)
        chain.execute(
            sql.SQL(f"SELECT {columns} FROM {{}} ORDER BY id").format(t["audit"])  # noqa: S608
        )
        previous: tuple[int, str] | None = None
        broken = ""
        records = 0
        for row in chain:
            record = AuditRecord(**dict(zip(names, row, strict=True)))
            records += 1
            broken = broken or audit.broken_link(record, previous)
            previous = (record.id, record.hash)
    checks.update(
        bound_audit_records=records,
        bound_audit_chain_ok=not broken,
        bound_audit_verify_s=round(time.perf_counter() - started, 2),
    )
    expected = {
        "bound_completed": cases,
        "bound_tasks_completed": cases * (ACTIONS_PER_CASE - 4),
        "bound_events": actions,
        "bound_messages": cases * MESSAGES_PER_CASE,
        "bound_audit_records": actions,
    }
    problems = [
        f"{key} {checks[key]}, not {want}" for key, want in expected.items() if checks[key] != want
    ]
    if broken:
        problems.append(f"the bound's audit chain is broken: {broken}")
    if problems:
        raise RuntimeError("; ".join(problems))
    return checks


def drop_tables(conninfo: str, tables: list[str]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in tables:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200, help="cases, and peer instances")
    parser.add_argument("--workers", type=int, default=4, help="concurrent threads, every phase")
    parser.add_argument("--floor-seconds", type=float, default=5.0, help="duration of the floor")
    parser.add_argument("--bound-seconds", type=float, default=5.0, help="duration of the bound")
    parser.add_argument(
        "--bound-hash",
        choices=["database", "client"],
        default="database",
        help="where the bound computes the audit chain's SM3 hash (default: database)",
    )
    parser.add_argument(
        "--bound-only",
        action="store_true",
        help="run the bound alone (no engine, floor or peer; no Redis needed)",
    )
    parser.add_argument("--warmup", type=int, default=2, help="untimed cases driven first")
    parser.add_argument(
        "--engine-budget",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="stop starting new cases after this long; rates are over the completed cases",
    )
    parser.add_argument(
        "--no-retry",
        action="store_true",
        help="fail on the first deadlock instead of running the aborted action again",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N cProfile entries"
    )
    parser.add_argument(
        "--threads",
        action="store_true",
        help="run the workers of every phase as threads of this process, not forked processes",
    )
    parser.add_argument(
        "--eager-notices",
        action="store_true",
        help="render notices inside each action (embedded mode) instead of in a Celery worker",
    )
    args = parser.parse_args()
    MODE["workers"] = "thread" if args.threads or args.profile else "process"
    if args.cases < 1 or args.workers < 1 or args.warmup < 0:
        parser.error("--cases and --workers must be at least 1, --warmup at least 0")
    if args.floor_seconds <= 0 or args.engine_budget <= 0 or args.bound_seconds <= 0:
        parser.error("--floor-seconds, --engine-budget and --bound-seconds must be positive")

    scratch_db = None
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
            parser.error("DATABASE_URL must name a PostgreSQL database")
    else:
        scratch_db, database_url = create_scratch_database()
    media = tempfile.TemporaryDirectory(prefix="onewindow_bench_media_")
    floor_table = f"bench_floor_{os.getpid()}"
    peer_table = f"bench_peer_{os.getpid()}"
    bound_tables = bound_table_names(str(os.getpid()))
    conninfo = None
    worker = None
    pgcrypto_installed = False
    try:
        setup_django(database_url, media.name, args.eager_notices or args.bound_only)
        from django.db import connection, connections

        from onewindow.cases.models import Case

        conninfo = psycopg_conninfo()
        with connection.cursor() as cursor:
            server = cursor.connection.info.server_version
            cursor.execute("SHOW deadlock_timeout")
            deadlock_timeout = cursor.fetchone()[0]
        started = time.perf_counter()
        fixture = build_fixture(args.cases + args.warmup, args.workers)
        setup_s = time.perf_counter() - started
        if not args.bound_only:
            retries = Retries(allowed=not args.no_retry)
            if not args.eager_notices:
                worker = start_notice_worker()
            warm = load_actors(fixture, 0)
            before_warmup = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            for n in range(args.cases, args.cases + args.warmup):  # imports, fonts, caches
                drive_case(fixture, warm, n, retries)
            if worker is not None:  # the worker is up and warm: the warm-up's notices are made
                wait_for_notices(before_warmup, NOTICES_PER_CASE * args.warmup, 120)
            first_case_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            connections.close_all()

            engine_started = time.perf_counter()
            engine_run, profile = run_engine(
                fixture, args.cases, args.workers, args.engine_budget, args.profile > 0, retries
            )
            actions = sum(engine_run.counts)
            cases = actions // ACTIONS_PER_CASE  # every case started is driven to its end
            notices_done = wait_for_notices(first_case_id, NOTICES_PER_CASE * cases, 600)
            notices_s = notices_done - engine_started
            if worker is not None:
                worker.terminate()
                worker.wait(30)
                worker = None
            checks = check_engine(first_case_id, cases, actions)
            connections.close_all()
            floor_run = run_floor(conninfo, args.workers, args.floor_seconds, floor_table)
            peer_run, state_bytes = run_peer(conninfo, args.cases, args.workers, peer_table)
        connections.close_all()
        create_bound_tables(conninfo, bound_tables)
        bound_hash = args.bound_hash
        if bound_hash == "database":
            usable, pgcrypto_installed = install_pgcrypto(conninfo)
            if not usable:
                print("bound: pgcrypto with SM3 is not available; hashing in the client instead")
                bound_hash = "client"
        plan = load_bound_plan(fixture, bound_tables, conninfo, bound_hash)
        bound_run, bound_counts = run_bound(plan, conninfo, args.workers, args.bound_seconds)
        bound_actions = sum(bound_run.counts)
        bound_checks = check_bound(conninfo, bound_tables, bound_actions // ACTIONS_PER_CASE)
    finally:
        if worker is not None:
            worker.kill()
            worker.wait()
        if conninfo is not None and scratch_db is None:
            drop_tables(conninfo, [floor_table, peer_table, *reversed(bound_tables.values())])
            if pgcrypto_installed:
                uninstall_pgcrypto(conninfo)
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if scratch_db is not None:
            drop_scratch_database(scratch_db)
        media.cleanup()

    bound_per_s = bound_actions / bound_run.seconds
    bound = {
        "bound_actions_per_s": round(bound_per_s, 1),
        "bound_actions": bound_actions,
        "bound_s": round(bound_run.seconds, 2),
        "bound_statements_per_action": round(bound_counts["statements"], 2),
        "bound_round_trips_per_action": round(bound_counts["round_trips"], 2),
        "bound_hash": bound_hash,
    }
    bound_line = (
        f"bound (hand-written SQL, psycopg pipeline, prepared statements, chain hashed in the"
        f" {bound_hash}): {bound_actions} actions"
        f" ({bound_actions // ACTIONS_PER_CASE} cases) in {bound_run.seconds:.2f} s:"
        f" {bound_per_s:.1f} actions/s; per action {bound_counts['statements']:.2f} statements"
        f" plus BEGIN and COMMIT, {bound_counts['round_trips']:.0f} round trips"
    )
    bound_checked = (
        f"  checked: {bound_checks['bound_completed']} completed (with the probe case),"
        f" {bound_checks['bound_events']} events, {bound_checks['bound_messages']} messages;"
        f" audit chain ok ({bound_checks['bound_audit_records']} records, hashes recomputed"
        " by AuditRecord.compute_hash)"
    )
    if args.bound_only:
        print(
            f"database: postgresql {server // 10000}.{server % 10000}, {args.workers} worker"
            f" {MODE['workers']}es, set-up {setup_s:.1f} s"
        )
        print(bound_line)
        print(bound_checked)
        only = {
            **bound,
            "bound_cases_per_s": round(bound_actions / ACTIONS_PER_CASE / bound_run.seconds, 2),
            "workers": args.workers,
            "worker_mode": MODE["workers"],
            "setup_s": round(setup_s, 1),
            "database": f"postgresql {server // 10000}.{server % 10000}",
            **bound_checks,
        }
        print(json.dumps(only))
        return

    cases_per_s = cases / engine_run.seconds
    actions_per_s = actions / engine_run.seconds
    floor_tx = sum(floor_run.counts)
    floor_per_s = floor_tx / floor_run.seconds
    peer_actions = sum(peer_run.counts)
    peer_per_s = peer_actions / peer_run.seconds
    vs_peer = actions_per_s / peer_per_s
    vs_floor = actions_per_s / floor_per_s
    met = vs_peer >= TARGET_VS_PEER and vs_floor >= TARGET_VS_FLOOR
    result = {
        "cases_per_s": round(cases_per_s, 2),
        "actions_per_s": round(actions_per_s, 1),
        "floor_tx_per_s": round(floor_per_s, 1),
        "peer_actions_per_s": round(peer_per_s, 1),
        "vs_peer": round(vs_peer, 2),
        "vs_floor": round(vs_floor, 3),
        "target_vs_peer": TARGET_VS_PEER,
        "target_vs_floor": TARGET_VS_FLOOR,
        "meets_target": met,
        "retried_actions": retries.count,
        "cases": cases,
        "cases_requested": args.cases,
        "actions": actions,
        "workers": args.workers,
        "worker_mode": MODE["workers"],
        "engine_s": round(engine_run.seconds, 2),
        "floor_tx": floor_tx,
        "floor_s": round(floor_run.seconds, 2),
        "peer_actions": peer_actions,
        "peer_s": round(peer_run.seconds, 2),
        "peer_state_bytes": state_bytes,
        "bound_actions_per_s": bound["bound_actions_per_s"],
        "vs_bound": round(actions_per_s / bound_per_s, 3),
        **{key: value for key, value in bound.items() if key != "bound_actions_per_s"},
        "setup_s": round(setup_s, 1),
        "notice_mode": "inline" if args.eager_notices else "celery worker",
        "notices_done_s": round(notices_s, 2),
        "database": f"postgresql {server // 10000}.{server % 10000}",
        "deadlock_timeout": deadlock_timeout,
        **checks,
        **bound_checks,
    }
    print(
        f"database: {result['database']}, {args.workers} worker {MODE['workers']}es,"
        f" set-up {setup_s:.1f} s"
    )
    print(
        f"case engine: {cases} cases, {actions} actions in {engine_run.seconds:.2f} s:"
        f" {cases_per_s:.2f} cases/s, {actions_per_s:.1f} actions/s"
    )
    if cases < args.cases:
        print(
            f"  stopped after the {args.engine_budget:g} s budget: {cases} of {args.cases} cases"
            " (every case started was completed; rates are over those)"
        )
    print(
        f"  checked: {checks['completed']} completed, {checks['events']} events,"
        f" {checks['audit_records']} audit records, {checks['notices']} notices,"
        f" {checks['messages']} messages; audit chain ok ({checks['audit_chain_records']} records)"
    )
    if retries.count:
        print(
            f"  WARNING: {retries.count} actions aborted by the database and run again"
            f" (first: {retries.first}); each waited deadlock_timeout ({deadlock_timeout})"
            " before PostgreSQL detected it"
        )
    print(
        f"  notices ({'inline' if args.eager_notices else 'Celery worker process'}):"
        f" all {NOTICES_PER_CASE * cases} made {notices_s:.2f} s after the engine started"
    )
    print(
        f"floor (psycopg INSERT+UPDATE per transaction): {floor_tx} tx in"
        f" {floor_run.seconds:.2f} s: {floor_per_s:.1f} tx/s"
    )
    print(
        f"peer (SpiffWorkflow 3.2, JSON state upserted per step): {peer_actions} user tasks in"
        f" {peer_run.seconds:.2f} s: {peer_per_s:.1f} actions/s"
        f" (state {state_bytes / 1024:.0f} KiB per instance)"
    )
    print(bound_line)
    print(bound_checked)
    print(
        f"ratios: {vs_peer:.2f}× the peer (target ≥ {TARGET_VS_PEER:g}×),"
        f" {vs_floor:.1%} of the floor (target ≥ {TARGET_VS_FLOOR:.0%}):"
        f" {'met' if met else 'NOT met'}"
    )
    print(f"  the engine does {actions_per_s / bound_per_s:.1%} of the bound's actions/s")
    if profile is not None:
        print(f"\ncProfile of the case engine phase, all workers, top {args.profile}:")
        profile.sort_stats("tottime").print_stats(args.profile)
        profile.sort_stats("cumulative").print_stats(args.profile)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
