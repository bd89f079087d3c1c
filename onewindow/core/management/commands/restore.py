"""``onewindow restore DIR [--force]``: restore a backup made by ``onewindow backup`` into an
empty database and storage, then check row counts, files and the audit chain. Prints one JSON
line last; exits non-zero when anything differs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup directory into this platform's database and MEDIA_ROOT. Every "
        "checksum is checked first; a database with tables or a MEDIA_ROOT with files is "
        "refused unless --force (which replaces them). Afterwards the row counts are compared "
        "with the manifest and the audit log's hash chain is verified."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="a backup directory (with manifest.json)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and storage that are not empty",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(Path(options["directory"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if not report["ok"]:
            raise CommandError("the restored platform differs from the backup (see above)")
