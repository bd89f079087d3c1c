"""``onewindow prod start|run|stop|status``: production mode on this machine (deploy/prod.py).

gunicorn with uvicorn workers, a Celery worker and Celery beat against PostgreSQL and Redis,
configured by ``var/prod.env`` (generated with fresh secrets on first start). The work is done
by ``deploy/prod.py`` in a process of its own, so that production settings come from that
file and never from the calling shell; see docs/deploy.md.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Production mode on this machine: start, run (foreground), stop or status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "run", "stop", "status"])
        parser.add_argument("--seed-demo", action="store_true", help="load the demo centre too")

    def handle(self, *args: Any, **options: Any) -> None:
        script = settings.PROJECT_DIR / "deploy" / "prod.py"
        if not script.exists():
            raise CommandError(f"{script} not found: production mode runs from a source checkout")
        command = [sys.executable, str(script), options["action"]]
        if options["seed_demo"]:
            if options["action"] not in {"start", "run"}:
                raise CommandError("--seed-demo goes with start or run")
            command.append("--seed-demo")
        code = subprocess.run(command, cwd=settings.PROJECT_DIR, check=False).returncode  # noqa: S603
        if code:
            raise CommandError(f"deploy/prod.py {options['action']} exited with {code}")
