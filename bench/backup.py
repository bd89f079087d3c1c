"""Backup and restore of a populated platform, timed: the figures behind the recovery point
and recovery time objectives in docs/backup.md.

Builds a centre on a scratch PostgreSQL database: ``--cases`` applications, each with one
uploaded PDF of ``--file-kb`` KB, through the case engine's services (events, audit records,
materials); every second case is accepted, which renders its acceptance notice (a PDF kept with
the case). Then, as an operator would, through the ``onewindow`` command:

* ``onewindow backup --output DIR`` — ``backup_s`` (database dump, file copy, checksums);
* ``onewindow restore DIR`` into a second, empty database and an empty MEDIA_ROOT —
  ``restore_s`` (checksums checked, database loaded, files copied, row counts compared, audit
  chain verified).

Uses the PostgreSQL server at ONEWINDOW_BENCH_PG (default postgres://postgres@127.0.0.1:5432);
the scratch databases ``onewindow_bench_backup_<pid>`` and ``…_restore_<pid>`` are dropped at
the end, the files live in a temporary directory.

    .venv/bin/python bench/backup.py [--cases 1000] [--file-kb 200]

The last line is one JSON object:
{"cases", "rows", "files", "database_bytes", "media_bytes", "backup_s", "restore_s", "ok", …}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("ONEWINDOW_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PASSWORD = "Zw!x9-Lk3m"  # noqa: S105  # the scratch accounts' password


def _database(name: str, create: bool) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{SERVER}/{name}"


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_"))}
    env.update(
        DATABASE_URL=database_url,
        ONEWINDOW_ENV="test",
        ONEWINDOW_DATA_DIR=str(data_dir),
        MEDIA_ROOT=str(data_dir / "media"),
        DJANGO_SETTINGS_MODULE="onewindow.settings",
        LOG_LEVEL="WARNING",
    )
    return env


def populate(cases: int, file_kb: int) -> dict[str, Any]:
    """Runs in this process (Django set up on the source database)."""
    import hashlib

    from django.core.files.base import ContentFile
    from stdnum.cn import ric

    from onewindow.cases import services as case_services
    from onewindow.cases.models import StoredFile
    from onewindow.catalog.tests import factories
    from onewindow.identity import services as identity

    scjg = factories.department("SCJG", "市场监督管理局")
    item = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=scjg,
        materials=[{"name": "申请书", "required": True}],
    )
    body = "11010519491231002"
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13800000001",
    )
    clerk = identity.create_staff(
        username="clerk",
        password=PASSWORD,
        name="窗口",
        department=None,
        roles=["window_clerk"],
        actor=None,
    )
    requirement = item.current_version.materials.get(name="申请书")
    filler = os.urandom(file_kb * 1024)  # incompressible, like scanned material
    for n in range(cases):
        data = b"%PDF-1.4\n" + f"% case {n}\n".encode() + filler + b"\n%%EOF\n"
        stored = StoredFile(
            name=f"申请书-{n}.pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type="application/pdf",
            uploaded_by=citizen,
        )
        stored.file.save(f"申请书-{n}.pdf", ContentFile(data), save=False)
        stored.save()
        case = case_services.submit_case(
            item,
            form={"applicant_name": "张三"},
            channel="online",
            materials=[{"requirement_id": requirement.pk, "file_id": stored.pk}],
            actor=citizen,
        )
        if n % 2 == 0:
            case_services.accept(case, actor=clerk)
    return {"cases": cases}


def _cli(env: dict[str, str], *args: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1]), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--file-kb", type=int, default=200)
    args = parser.parse_args()

    pid = os.getpid()
    source_name, target_name = f"onewindow_bench_backup_{pid}", f"onewindow_bench_restore_{pid}"
    work = Path(tempfile.mkdtemp(prefix="onewindow-bench-backup-"))
    try:
        source_url = _database(source_name, create=True)
        target_url = _database(target_name, create=True)
        source_env = _env(source_url, work / "source")
        target_env = _env(target_url, work / "target")
        for name in [k for k in os.environ if k.startswith(("CELERY_", "REDIS_"))]:
            del os.environ[name]  # eager notices in this process, no broker
        os.environ.update(source_env)
        import django

        django.setup()
        from django.core.management import call_command

        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.monotonic() - started
        started = time.monotonic()
        populate(args.cases, args.file_kb)
        populate_s = time.monotonic() - started
        from django.db import connections

        connections.close_all()

        backup_dir = work / "backup"
        summary, backup_s = _cli(source_env, "backup", "--output", str(backup_dir))
        report, restore_s = _cli(target_env, "restore", str(backup_dir))
        total_bytes = summary["database_bytes"] + summary["media_bytes"]
        result = {
            "cases": args.cases,
            "rows": summary["rows"],
            "tables": summary["tables"],
            "files": summary["files"],
            "database_bytes": summary["database_bytes"],
            "media_bytes": summary["media_bytes"],
            "backup_s": round(backup_s, 2),
            "backup_internal_s": summary["seconds"],
            "restore_s": round(restore_s, 2),
            "restore_database_s": report["seconds"]["database"],
            "backup_mb_per_s": round(total_bytes / 1e6 / backup_s, 1),
            "restore_mb_per_s": round(total_bytes / 1e6 / restore_s, 1),
            "ok": report["ok"],
            "audit_records": report["audit_records"],
            "migrate_s": round(migrate_s, 1),
            "populate_s": round(populate_s, 1),
            "cpus": os.cpu_count(),
        }
    finally:
        if "django.apps" in sys.modules:
            from django.db import connections

            connections.close_all()
        for name in (source_name, target_name):
            try:
                _database(name, create=False)
            except Exception as exc:  # leave the figures, report the leftover
                print(f"could not drop {name}: {exc}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
