"""``onewindow supervise [--at ISO-DATETIME] [--full]``: one sweep as of that moment (API.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


def parse_moment(raw: str) -> dt.datetime:
    """An ISO 8601 date or datetime; without an offset it is Asia/Shanghai (the site's zone)."""
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise CommandError(
            f"--at must be an ISO 8601 datetime such as 2026-11-02T09:00:00+08:00, not {raw!r}"
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Run one supervision sweep (alerts, rules, rollups) and print its JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            help="the moment to sweep as of (ISO 8601; default now; no offset: Asia/Shanghai)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="recompute every case and task and compare every alert (after data was "
            "written around the case engine); routine sweeps are incremental",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from onewindow.supervision import sweep

        at = parse_moment(options["at"]) if options.get("at") else None
        summary = sweep.run(at, full=options.get("full", False))
        self.stdout.write(
            f"swept {summary['checked']} cases and tasks: {summary['yellow']} yellow, "
            f"{summary['red']} red, {summary['new_alerts']} new alerts, "
            f"{summary['new_findings']} new findings, {summary['events']} events counted"
        )
        keys = ("checked", "green", "yellow", "red", "new_alerts")
        self.stdout.write(json.dumps({key: summary[key] for key in keys}))
