"""Backup and restore of a whole platform: the database, the stored files, a manifest.

A backup is a directory::

    manifest.json        format, time, database vendor, applied migrations, row counts per
                         table, the audit log's head, and the size and SHA-256 of every file
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` (compressed)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    media/…              every file under MEDIA_ROOT (uploads, notices, licences)

Consistency: on PostgreSQL the row counts are taken in one REPEATABLE READ transaction whose
snapshot ``pg_dump`` shares (``--snapshot``), so they describe exactly the dumped data; on
SQLite they are counted on the copy. Files are copied after the database snapshot: a file
uploaded meanwhile may be in the backup without its row (harmless), never the reverse for files
that are not deleted (the platform never deletes a kept file).

``restore_backup`` checks every checksum before it changes anything, refuses a database that
has tables or a MEDIA_ROOT that has files unless ``force``, loads the database, copies the files
(checking each again), then compares the row counts with the manifest and verifies the audit
log's hash chain against the head recorded at backup time. Keys and secrets (``SECRET_KEY``,
the SM4 field key, the licence CA and seal keys, the OIDC key) are not in a backup: they are
kept and restored with the deployment's secrets (docs/backup.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why."""


# --- helpers -------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> tuple[int, str]:
    """Copy ``source`` to ``target`` in one pass; (size, SHA-256 of what was written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while block := reader.read(CHUNK):
            digest.update(block)
            writer.write(block)
            size += len(block)
    shutil.copystat(source, target)
    return size, digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _binary(name: str) -> str:
    """A PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql."""
    configured = os.environ.get("ONEWINDOW_PG_BIN_DIR")
    if configured and (Path(configured) / name).exists():
        return str(Path(configured) / name)
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client programs)")
    return found


def _pg_args(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore from Django's settings."""
    params = connection.settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    options = params.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    args += ["--dbname", str(params["NAME"])]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _tables(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _count_rows(connection: BaseDatabaseWrapper, tables: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit_head(connection: BaseDatabaseWrapper) -> list[Any] | None:
    from .models import AuditRecord

    with connection.cursor() as cursor:
        table = connection.ops.quote_name(AuditRecord._meta.db_table)
        cursor.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return [int(row[0]), str(row[1])] if row else None


def _migrations(using: str) -> dict[str, str]:
    """The newest applied migration of every app."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _default_directory() -> Path:
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.DATA_DIR) / "backups" / f"onewindow-{stamp}"


# --- backup --------------------------------------------------------------------------------


def _dump_postgresql(using: str, target: Path) -> dict[str, Any]:
    connection = connections[using]
    args, env = _pg_args(connection)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        tables = _tables(connection)
        counts = _count_rows(connection, tables)
        head = _audit_head(connection)
        migrations = _migrations(using)
        _run(
            [
                _binary("pg_dump"),
                "--format=custom",
                "--compress=6",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
    return {"tables": counts, "audit_head": head, "migrations": migrations}


def _dump_sqlite(using: str, target: Path) -> dict[str, Any]:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # a consistent snapshot, online
    finally:
        copy.close()
    copy = sqlite3.connect(target)
    try:
        tables = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            table: int(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in tables
        }
        row = copy.execute("SELECT id, hash FROM core_auditrecord ORDER BY id DESC LIMIT 1")
        last = row.fetchone()
    finally:
        copy.close()
    return {
        "tables": counts,
        "audit_head": [int(last[0]), str(last[1])] if last else None,
        "migrations": _migrations(using),
    }


def create_backup(output: Path | None = None, *, using: str = "default") -> dict[str, Any]:
    """Write a backup into ``output`` (a new or empty directory); returns the manifest."""
    started = time.monotonic()
    target = Path(output) if output is not None else _default_directory()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    vendor = connections[using].vendor
    if vendor == "postgresql":
        database_file = PG_DUMP_FILE
        snapshot = _dump_postgresql(using, target / database_file)
    elif vendor == "sqlite":
        database_file = SQLITE_FILE
        snapshot = _dump_sqlite(using, target / database_file)
    else:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    database_seconds = time.monotonic() - started

    media_root = Path(settings.MEDIA_ROOT)
    files: list[dict[str, Any]] = []
    for path in _files_under(media_root):
        relative = path.relative_to(media_root).as_posix()
        size, digest = _copy_hashed(path, target / MEDIA_DIR / relative)
        files.append({"path": relative, "size": size, "sha256": digest})

    database_path = target / database_file
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": {
            "file": database_file,
            "size": database_path.stat().st_size,
            "sha256": sha256_file(database_path),
        },
        "migrations": snapshot["migrations"],
        "tables": snapshot["tables"],
        "rows": sum(snapshot["tables"].values()),
        "audit_head": snapshot["audit_head"],
        "files": files,
        "media_bytes": sum(f["size"] for f in files),
        "seconds": {
            "database": round(database_seconds, 3),
            "total": round(time.monotonic() - started, 3),
        },
    }
    partial = target / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.rename(target / MANIFEST)  # a backup without its manifest is incomplete
    return manifest


# --- restore -------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a complete backup: {MANIFEST} is missing")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def check_backup(source: Path, manifest: dict[str, Any]) -> list[str]:
    """Every file of the backup that is missing or differs from its checksum."""
    problems = []
    entries = [
        (manifest["database"]["file"], manifest["database"]["sha256"]),
        *((f"{MEDIA_DIR}/{f['path']}", f["sha256"]) for f in manifest["files"]),
    ]
    for relative, expected in entries:
        path = Path(source) / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
        elif sha256_file(path) != expected:
            problems.append(f"{relative}: checksum differs")
    return problems


def _empty_target(using: str, media_root: Path) -> list[str]:
    found = []
    tables = _tables(connections[using])
    if tables:
        found.append(f"the database has {len(tables)} tables")
    if next(_files_under(media_root), None) is not None:
        found.append(f"{media_root} has files")
    return found


def _restore_postgresql(using: str, dump: Path, force: bool) -> None:
    connection = connections[using]
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, env = _pg_args(connection)
    _run(
        [
            _binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--jobs",
            str(max(1, min(4, os.cpu_count() or 1))),
            *args,
            str(dump),
        ],
        env,
    )


def _restore_sqlite(using: str, copy: Path) -> None:
    connection = connections[using]
    connection.close()
    name = Path(str(connection.settings_dict["NAME"]))
    partial = name.with_name(f".{name.name}.restoring")
    shutil.copyfile(copy, partial)
    for suffix in ("-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    partial.replace(name)


def restore_backup(source: Path, *, force: bool = False, using: str = "default") -> dict[str, Any]:
    """Restore the backup in ``source`` into this platform's database and MEDIA_ROOT; returns
    a report (``ok`` when row counts, files and the audit chain all match)."""
    from . import audit

    started = time.monotonic()
    source = Path(source)
    manifest = read_manifest(source)
    vendor = connections[using].vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of {manifest['vendor']}, this database is {vendor}")
    problems = check_backup(source, manifest)
    if problems:
        raise BackupError("the backup is damaged: " + "; ".join(problems[:20]))
    media_root = Path(settings.MEDIA_ROOT)
    occupied = _empty_target(using, media_root)
    if occupied and not force:
        raise BackupError(
            "the target is not empty (" + ", ".join(occupied) + "); restore into an empty "
            "database and storage, or pass --force to replace them"
        )

    database = source / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgresql(using, database, force)
    else:
        _restore_sqlite(using, database)
    database_seconds = time.monotonic() - started

    if force and media_root.is_dir():
        for child in media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    mismatched_files = []
    for entry in manifest["files"]:
        _size, digest = _copy_hashed(source / MEDIA_DIR / entry["path"], media_root / entry["path"])
        if digest != entry["sha256"]:
            mismatched_files.append(entry["path"])

    connection = connections[using]
    counts = _count_rows(connection, _tables(connection))
    mismatched_tables = {
        table: {"backup": expected, "restored": counts.get(table)}
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    chain = audit.verify(using=using)
    head = _audit_head(connection)
    audit_ok = chain.ok and head == manifest["audit_head"]
    return {
        "ok": not mismatched_tables and not mismatched_files and audit_ok,
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(manifest["files"]),
        "media_bytes": manifest["media_bytes"],
        "mismatched_tables": mismatched_tables,
        "mismatched_files": mismatched_files,
        "audit_ok": audit_ok,
        "audit_records": chain.records,
        "audit_reason": chain.reason or ("" if audit_ok else "the audit head differs"),
        "seconds": {
            "database": round(database_seconds, 3),
            "total": round(time.monotonic() - started, 3),
        },
    }
