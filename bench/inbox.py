"""Staff inbox render time with 10,000 open cases in one department (server time, no network).

Builds a department with five items (promised limits of 5 to 30 working days, a handle →
review → approve process), its staff and 10,000 open cases spread over the states a busy
department holds (mostly in review, the rest submitted, suspended, waiting for correction or
delivery), with their task rows, due dates from well past to well ahead (red, yellow and green
cases), all bulk-created. Then it renders the workbench inbox (``/workbench/``) through
Django's full request stack with the test client — middleware, session, access rule, queries,
template — as each post sees it (handler, reviewer, approver, department head, window clerk),
with and without filters and on later pages, many times each, and prints p50/p95.

Uses a scratch SQLite database unless DATABASE_URL names another one (an empty PostgreSQL
database, e.g. ``createdb onewindow_inbox_bench``); the tables are analysed after the bulk load,
as a live database's would be.

    .venv/bin/python bench/inbox.py [--cases 10000] [--rounds 30]

The last line of output is one JSON object: {"open_cases", "p95_ms", "p50_ms", ...}.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

PASSWORD = "Zw!x9-Lk3m"  # noqa: S105  # the scratch accounts' password
TARGET_P95_MS = 150
ITEMS = [
    ("公众聚集场所投入使用、营业前消防安全检查", 5),
    ("食品经营许可", 10),
    ("药品经营许可（零售）", 15),
    ("公共场所卫生许可", 20),
    ("特种设备使用登记", 30),
]
# Share of the open cases in each state (the rest of in_review is split over the three stages).
STATES = [
    ("in_review", 0.70),
    ("submitted", 0.12),
    ("suspended", 0.05),
    ("corrections_requested", 0.05),
    ("granted", 0.05),
    ("denied", 0.03),
]
# What each post asks for: (label, username, query string).
VIEWS = [
    ("handler", "handler", "post=handler"),
    ("handler_page_5", "handler", "post=handler&page=5"),
    ("handler_red", "handler", "post=handler&alert=red"),
    ("handler_filtered", "handler", "post=handler&status=in_review&item=食品&due_from={from}"),
    ("reviewer", "reviewer", "post=reviewer"),
    ("approver", "approver", "post=approver"),
    ("head", "head", "post=overview"),
    ("head_yellow_page_3", "head", "post=overview&alert=yellow&page=3"),
    ("clerk", "clerk", "post=window"),
]


def setup_django(database_url: str, media_root: str) -> None:
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def id_number(n: int) -> str:
    from stdnum.cn import ric

    body = f"110105198{n % 10}0101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def build(count: int, seed: int = 2026) -> dict[str, Any]:
    """The department, items, staff and ``count`` open cases with their tasks."""
    from django.db import transaction
    from django.utils import timezone

    from onewindow.cases.models import Case, Task
    from onewindow.catalog import services as catalog_services
    from onewindow.catalog.models import ServiceItem
    from onewindow.core import calendar, crypto
    from onewindow.identity import services as identity
    from onewindow.org.models import Department, Region

    rng = random.Random(seed)
    region, _ = Region.objects.get_or_create(
        code="340371", defaults={"name": "高新区", "level": "zone"}
    )
    lead = Department.objects.create(code="SCJG", name="市场监督管理局", region=region)
    other = Department.objects.create(code="XF", name="消防救援大队", region=region)
    implementations = []
    for n, (name, days) in enumerate(ITEMS):
        basic = ServiceItem.objects.create(
            basic_code=f"B{n:011d}", name=name, item_type="licensing"
        )
        implementations.append(
            catalog_services.create_implementation(
                item=basic,
                department=lead,
                region=region,
                center=None,
                guide={
                    "name": name,
                    "legal_basis": "《中华人民共和国行政许可法》",
                    "conditions": "符合法定条件",
                    "statutory_days": 20 if days <= 20 else 60,
                    "promised_days": days,
                    "online_depth": 3,
                    "form_schema": {"type": "object"},
                },
                materials=[{"name": "申请书", "required": True}],
                stages=[
                    {"name": "承办", "role": "handler", "departments": [lead], "days": 1},
                    {"name": "审核", "role": "reviewer", "departments": [lead], "days": 1},
                    {"name": "审批", "role": "approver", "departments": [lead], "days": 1},
                ],
            )
        )
    staff = {}
    for username, roles in [
        ("handler", ["handler"]),
        ("reviewer", ["reviewer"]),
        ("approver", ["approver"]),
        ("head", ["department_head"]),
    ]:
        staff[username] = identity.create_staff(
            username=username,
            password=PASSWORD,
            name=username,
            department=lead,
            roles=roles,
            actor=None,
        )
    staff["clerk"] = identity.create_staff(
        username="clerk",
        password=PASSWORD,
        name="clerk",
        department=None,
        roles=["window_clerk"],
        actor=None,
    )
    applicant = identity.register_person(
        username="applicant",
        password=PASSWORD,
        name="张三",
        id_number=id_number(1),
        phone="13800000001",
    )
    # Another department's open cases share the tables (they must not slow this one down).
    noise = count // 5

    today = timezone.localdate()
    now = timezone.now()
    states = [s for s, _share in STATES]
    weights = [share for _s, share in STATES]
    cases: list[Case] = []
    plans: list[tuple[str, int, dt.date | None]] = []
    due_cache: dict[tuple[dt.date, int], dt.date] = {}
    for n in range(count + noise):
        implementation = implementations[n % len(implementations)]
        version = implementation.current_version
        assert version is not None
        status = rng.choices(states, weights)[0]
        submitted = now - dt.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
        accepted = None
        due = None
        if status not in {"submitted", "corrections_requested"}:
            accepted_on = timezone.localdate(submitted) + dt.timedelta(days=rng.randint(0, 3))
            key = (accepted_on, version.promised_days)
            if key not in due_cache:
                due_cache[key] = calendar.add_workdays(accepted_on, version.promised_days).date
            due = due_cache[key]
            accepted = submitted + dt.timedelta(days=1)
        department = lead if n < count else other
        number = id_number(n)
        cases.append(
            Case(
                case_no=f"{today:%Y%m%d}{n:06d}",
                query_code=f"Q{n:07d}",
                implementation=implementation,
                item_version=version,
                lead_department=department,
                status=status,
                channel=rng.choice(["online", "online", "window"]),
                applicant=applicant,
                applicant_kind="person",
                applicant_name=rng.choice(["张三", "李四", "王五", "赵六", "孙七"]),
                applicant_id_number=number,
                applicant_id_digest=crypto.digest(number, purpose="id_number"),
                applicant_phone="13800000001",
                filed_by=applicant,
                form={"venue": "示例场所", "area": 100 + n % 900},
                submitted_at=submitted,
                accepted_at=accepted,
                promised_due_date=due,
                statutory_due_date=due,
            )
        )
        stage = rng.choice([1, 1, 2, 3]) if status in {"in_review", "suspended"} else 0
        plans.append((status, stage, due))
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=1000)
        tasks: list[Task] = []
        for case, (status, stage, due) in zip(cases, plans, strict=True):
            if stage == 0 and status not in {"granted", "denied"}:
                continue
            for position, (name, role) in enumerate(
                [("承办", "handler"), ("审核", "reviewer"), ("审批", "approver")], start=1
            ):
                if status in {"granted", "denied"} or position < stage:
                    task_status = "completed"
                elif position == stage:
                    task_status = "active"
                else:
                    task_status = "waiting"
                tasks.append(
                    Task(
                        case=case,
                        stage=position,
                        stage_name=name,
                        role=role,
                        department_id=case.lead_department_id,
                        days=1,
                        status=task_status,
                        started_at=now if task_status != "waiting" else None,
                        due_date=due if task_status == "active" else None,
                        opinion="agree" if task_status == "completed" else "",
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:  # a live database has statistics; a fresh one not yet
        cursor.execute("ANALYZE")
    return {"staff": staff, "tasks": len(tasks), "noise_cases": noise}


def client_for(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(staff: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    from django.utils import timezone

    clients = {name: client_for(user) for name, user in staff.items()}
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    urls = [
        (label, clients[who], "/workbench/?" + query.format(**{"from": since}))
        for label, who, query in VIEWS
    ]
    for _label, client, url in urls:  # warm-up: templates, calendar, connection
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings: dict[str, list[float]] = {label: [] for label, _c, _u in urls}
    for _ in range(rounds):
        for label, client, url in urls:
            started = time.perf_counter()
            response = client.get(url)
            timings[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            assert b"ow-wb-case-link" in response.content, url
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch.name}/bench.sqlite3"
    setup_django(database_url, f"{scratch.name}/media")
    from django.db import connection

    from onewindow.cases.models import Case
    from onewindow.workbench import queries

    started = time.perf_counter()
    built = build(args.cases)
    build_s = time.perf_counter() - started
    open_cases = Case.objects.filter(
        lead_department__code="SCJG", status__in=queries.OPEN_STATUSES
    ).count()
    timings = measure(built["staff"], args.rounds)
    everything = [t for values in timings.values() for t in values]
    per_view = {
        label: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(p95(v), 2)}
        for label, v in timings.items()
    }
    result = {
        "open_cases": open_cases,
        "p95_ms": round(p95(everything), 2),
        "p50_ms": round(statistics.median(everything), 2),
        "max_ms": round(max(everything), 2),
        "worst_view_p95_ms": max(v["p95_ms"] for v in per_view.values()),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": p95(everything) < TARGET_P95_MS,
        "renders": len(everything),
        "tasks": built["tasks"],
        "other_department_cases": built["noise_cases"],
        "build_s": round(build_s, 1),
        "database": connection.vendor,
        "per_view": per_view,
    }
    print(f"built {open_cases} open cases in one department in {build_s:.1f} s")
    for label, figures in per_view.items():
        print(f"  {label:<20} p50 {figures['p50_ms']:>7} ms   p95 {figures['p95_ms']:>7} ms")
    print(
        f"{len(everything)} inbox renders on {connection.vendor}: p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms (target p95 < {TARGET_P95_MS} ms)"
    )
    connection.close()
    scratch.cleanup()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
