"""``onewindow licences-init-ca [--name N]``: create the platform's licence CA.

Writes the root's private key, encrypted with ``ONEWINDOW_LICENCE_CA_PASSPHRASE``, to
``ONEWINDOW_LICENCE_CA_KEY_PATH`` (never overwriting a file) and keeps the certificate in the
database. Prints ``{"fingerprint": …, "key_file": …, "not_after": …}`` on the last line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onewindow.licences import services, signing


class Command(BaseCommand):
    help = "Create the platform's certificate authority for e-licences (key in an encrypted file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="the CA's name, e.g. the centre's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                authority = services.init_authority(name=options["name"])
        except (services.LicenceError, signing.KeyFileError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "fingerprint": authority.fingerprint,
                    "key_file": str(signing.ca_key_path()),
                    "not_after": authority.not_after.isoformat(),
                },
                ensure_ascii=False,
            )
        )
