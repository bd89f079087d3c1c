"""``onewindow licences-issue-seal <department code> [--name N]``: a department's e-seal.

Creates the seal's ECDSA P-256 and SM2 keys, encrypted with
``ONEWINDOW_LICENCE_SEAL_PASSPHRASE``, in ``ONEWINDOW_LICENCE_SEAL_KEY_DIR``, and its
certificate issued by the platform CA (which also vouches for the SM2 key). A department's
previous seal stops signing. Prints ``{"department": …, "fingerprint": …, "key_name": …}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.licences import services, signing
from onewindow.org.models import Department


class Command(BaseCommand):
    help = "Issue an electronic seal (keys in encrypted files, certificate from the CA)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("department", help="the department's code, e.g. SCJG")
        parser.add_argument("--name", default="", help="the seal's name")

    def handle(self, *args: Any, **options: Any) -> None:
        department = Department.objects.filter(code=options["department"].strip().upper()).first()
        if department is None:
            raise CommandError(f"no department with code {options['department']!r}")
        try:
            seal = services.issue_seal(department, name=options["name"])
        except (services.LicenceError, signing.KeyFileError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "department": department.code,
                    "fingerprint": seal.fingerprint,
                    "key_name": seal.key_name,
                    "not_after": seal.not_after.isoformat(),
                },
                ensure_ascii=False,
            )
        )
