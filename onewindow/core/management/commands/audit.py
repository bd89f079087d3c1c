"""``onewindow audit verify``: check the audit log's hash chain; ``onewindow audit head``: print
the newest record's id and hash, to keep outside the database as an anchor.

Each prints one JSON line last on stdout; a broken chain exits non-zero.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core import audit


def _anchor(raw: str | None) -> tuple[int, str] | None:
    if raw is None:
        return None
    record_id, _sep, digest = raw.partition(":")
    if not record_id.isdigit() or len(digest) != 64:
        raise CommandError("--anchor must be ID:HASH, e.g. 1200:<64 hexadecimal characters>")
    return int(record_id), digest.lower()


class Command(BaseCommand):
    help = (
        "Audit log tools. verify: recompute every hash and link of the audit log "
        '(prints {"ok": true, "records": N}; exits non-zero when the chain is broken). '
        'head: print the newest record ({"id": N, "hash": "..."}).'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify", "head"], help="verify or head")
        parser.add_argument(
            "--anchor",
            metavar="ID:HASH",
            help="verify: the table starts after this archived record (from `audit head`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            self._head()
        else:
            self._verify(_anchor(options["anchor"]))

    def _emit(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def _head(self) -> None:
        newest = audit.head()
        self._emit({"id": newest[0], "hash": newest[1]} if newest else {"id": None, "hash": None})

    def _verify(self, anchor: tuple[int, str] | None) -> None:
        result = audit.verify(anchor=anchor)
        if result.ok:
            self._emit({"ok": True, "records": result.records})
            return
        self._emit(
            {
                "ok": False,
                "records": result.records,
                "first_broken_id": result.first_broken_id,
                "reason": result.reason,
            }
        )
        raise CommandError(
            f"the audit log is broken at record {result.first_broken_id}: {result.reason}"
        )
