"""``onewindow run``: the embedded platform — web server plus the background scheduler."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from onewindow.core.scheduler import EmbeddedScheduler


class Command(BaseCommand):
    help = "Start the web server and the embedded scheduler (the embedded default, no broker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--reload", action="store_true", help="restart on code changes")
        parser.add_argument("--no-scheduler", action="store_true", help="serve pages only")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = None
        if not options["no_scheduler"]:
            scheduler = EmbeddedScheduler()
            scheduler.start()
            self.stdout.write("scheduler started: " + ", ".join(scheduler.schedule))
        try:
            call_command(
                "runserver", options["addrport"], use_reloader=options["reload"], use_threading=True
            )
        finally:
            if scheduler is not None:
                scheduler.stop()
