"""``onewindow backup [--output DIR]``: the database, the stored files and a manifest with
checksums and row counts (``onewindow.core.backup``). Prints one JSON line last."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the platform: a database dump (pg_dump on PostgreSQL, SQLite's backup API "
        "on SQLite), every file under MEDIA_ROOT and manifest.json (SHA-256 of every file, "
        "row counts per table, the audit log's head). Default directory: "
        "DATA_DIR/backups/onewindow-<UTC time>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", metavar="DIR", help="a new or empty directory for the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else None
        try:
            manifest = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        directory = output or "(default)"
        summary = {
            "ok": True,
            "directory": str(directory),
            "vendor": manifest["vendor"],
            "tables": len(manifest["tables"]),
            "rows": manifest["rows"],
            "files": len(manifest["files"]),
            "database_bytes": manifest["database"]["size"],
            "media_bytes": manifest["media_bytes"],
            "audit_head": manifest["audit_head"],
            "seconds": manifest["seconds"]["total"],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
