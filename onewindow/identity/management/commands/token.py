"""``onewindow token create <username> [--name N] [--expires-days N]`` (API.md "Command line").

Prints the new personal API token alone on the last line of stdout. It is shown this once: the
platform keeps only a keyed digest of it. Use it as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onewindow.identity import tokens
from onewindow.identity.models import User

from .user import validation_message

MAX_EXPIRES_DAYS = 3650


def _days(raw: str) -> int:
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_EXPIRES_DAYS:
        raise CommandError(f"--expires-days must be a whole number from 1 to {MAX_EXPIRES_DAYS}")
    return days


class Command(BaseCommand):
    help = "Personal API tokens. create: print a new token for an account (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="create")
        create = subcommands.add_parser("create", help="create a token", description=__doc__)
        create.add_argument("username")
        create.add_argument(
            "--name", default="命令行创建", help="what the token is for (shown on the profile page)"
        )
        create.add_argument(
            "--expires-days", default=None, help="days until it expires (default: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "create":
            self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        expires_at: dt.datetime | None = None
        if options["expires_days"] is not None:
            expires_at = timezone.now() + dt.timedelta(days=_days(str(options["expires_days"])))
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no account named {options['username']!r}")
        try:
            _token, secret = tokens.create_token(
                user, name=options["name"], expires_at=expires_at, actor=None
            )
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        self.stderr.write("The token is shown only once; store it safely.")
        self.stdout.write(secret)
