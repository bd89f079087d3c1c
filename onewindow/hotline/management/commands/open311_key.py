"""``onewindow open311-key create <partner-name> [--contact C]`` (API.md "Command line").

Registers the partner app if it is new and prints a new Open311 api_key alone on the last line
of stdout. The key is shown this once: the platform keeps only a keyed digest of it.
``onewindow open311-key revoke <prefix>`` revokes a key by its displayed prefix.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.hotline import services
from onewindow.hotline.models import Open311Key, Open311Partner


class Command(BaseCommand):
    help = "Open311 api_keys for partner apps. create: print a new key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="create|revoke")
        create = commands.add_parser("create", help="issue a key", description=__doc__)
        create.add_argument("partner_name")
        create.add_argument("--contact", default="", help="contact person and phone")
        revoke = commands.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "create":
            self._create(options["partner_name"].strip(), options["contact"])
        else:
            self._revoke(options["prefix"].strip())

    def _create(self, name: str, contact: str) -> None:
        if not name or len(name) > 100:
            raise CommandError("the partner name must be 1 to 100 characters")
        partner = Open311Partner.objects.filter(name=name).first()
        if partner is not None and not partner.is_active:
            raise CommandError(f"partner {name!r} is disabled; enable it in the admin first")
        try:
            if partner is None:
                partner = services.create_partner(name, contact=contact, actor=None)
            _key, secret = services.issue_open311_key(partner, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write("The api_key is shown only once; hand it to the partner safely.")
        self.stdout.write(secret)

    def _revoke(self, prefix: str) -> None:
        keys = list(Open311Key.objects.filter(prefix=prefix, revoked_at=None))
        if len(keys) != 1:
            raise CommandError(f"no single active key with prefix {prefix!r}")
        services.revoke_open311_key(keys[0], actor=None)
        self.stdout.write(f"revoked {prefix}")
