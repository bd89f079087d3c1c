"""``onewindow user create <username> --kind person|organization|staff …`` (API.md "Command line").

Creates an account through the identity services (real-name checks, role rules, audit) and
prints ``{"username", "kind", "roles"}`` (plus ``department`` for staff) as JSON on the last line
of stdout. Bad input exits non-zero with the reason. It never creates a superuser: the three
administrators are staff with the role ``system_admin``, ``security_admin`` or ``audit_admin``.

- person: ``--name``, ``--id-number`` and ``--phone``; may add ``--role agent``;
- organization: ``--name``, ``--credit-code``, ``--legal-representative`` and ``--phone``;
- staff: ``--name`` and at least one ``--role``; ``--department CODE`` for department roles
  (handler, reviewer, approver, department_head, disclosure_officer); ``--phone`` optional.

Without ``--password-stdin`` the account has no usable password (it signs in after a reset).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onewindow.identity import services
from onewindow.identity.models import APPLICANT_ROLES, Role, User
from onewindow.org.models import Department

# Options that only make sense for some kinds of account.
ONLY_FOR = {
    "id_number": ({User.Kind.PERSON}, "--id-number"),
    "credit_code": ({User.Kind.ORGANIZATION}, "--credit-code"),
    "legal_representative": ({User.Kind.ORGANIZATION}, "--legal-representative"),
    "department": ({User.Kind.STAFF}, "--department"),
}
REQUIRED = {
    User.Kind.PERSON: [("name", "--name"), ("id_number", "--id-number"), ("phone", "--phone")],
    User.Kind.ORGANIZATION: [
        ("name", "--name"),
        ("credit_code", "--credit-code"),
        ("legal_representative", "--legal-representative"),
        ("phone", "--phone"),
    ],
    User.Kind.STAFF: [("name", "--name")],
}
# Service field names as the command's options.
OPTION_NAMES = {
    "username": "<username>",
    "password": "--password-stdin",
    "roles": "--role",
    "id_number": "--id-number",
    "credit_code": "--credit-code",
    "legal_representative": "--legal-representative",
}


def validation_message(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)
    return "; ".join(
        f"{OPTION_NAMES.get(field, '--' + field.replace('_', '-'))}: {' '.join(messages)}"
        for field, messages in exc.message_dict.items()
    )


class Command(BaseCommand):
    help = "Accounts. create: create a person, organisation or staff account (never a superuser)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="create")
        create = subcommands.add_parser(
            "create",
            help="create an account",
            description=__doc__,
        )
        create.add_argument("username")
        create.add_argument("--kind", required=True, choices=[kind.value for kind in User.Kind])
        create.add_argument("--name", default="", help="real name, or the organisation's name")
        create.add_argument("--id-number", default="", help="citizen ID number (person)")
        create.add_argument(
            "--credit-code", default="", help="unified social credit code (organization)"
        )
        create.add_argument(
            "--legal-representative", default="", help="legal representative (organization)"
        )
        create.add_argument("--phone", default="", help="mobile phone number")
        create.add_argument("--department", default="", help="department code (staff)")
        create.add_argument(
            "--role",
            action="append",
            default=[],
            dest="roles",
            metavar="ROLE",
            help="role name; repeat for several (" + ", ".join(Role.values) + ")",
        )
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "create":
            self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        kind = User.Kind(options["kind"])
        for field, (kinds, flag) in ONLY_FOR.items():
            if options[field] and kind not in kinds:
                raise CommandError(f"{flag} does not apply to --kind {kind.value}")
        missing = [flag for field, flag in REQUIRED[kind] if not options[field].strip()]
        if missing:
            raise CommandError(f"--kind {kind.value} needs {', '.join(missing)}")
        roles = list(dict.fromkeys(options["roles"]))
        unknown = sorted(set(roles) - set(Role.values))
        if unknown:
            raise CommandError(
                f"unknown role {', '.join(unknown)}; roles are {', '.join(Role.values)}"
            )
        if kind != User.Kind.STAFF and set(roles) - APPLICANT_ROLES:
            raise CommandError(
                f"--kind {kind.value} may hold only the roles "
                f"{', '.join(sorted(APPLICANT_ROLES))}; staff roles need --kind staff"
            )
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"].strip()).first()
            if department is None:
                raise CommandError(f"unknown department {options['department']!r}")
        password = self._password() if options["password_stdin"] else None
        try:
            user = self._create_account(kind, options, roles, department, password)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        result: dict[str, Any] = {
            "username": user.username,
            "kind": user.kind,
            "roles": sorted(user.role_grants.values_list("role", flat=True)),
        }
        if kind == User.Kind.STAFF:
            result["department"] = department.code if department else None
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _password(self) -> str:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin: no password on standard input")
        return password

    @transaction.atomic
    def _create_account(
        self,
        kind: User.Kind,
        options: dict[str, Any],
        roles: list[str],
        department: Department | None,
        password: str | None,
    ) -> User:
        username = options["username"]
        if kind == User.Kind.STAFF:
            return services.create_staff(
                username=username,
                password=password,
                name=options["name"],
                department=department,
                roles=roles,
                phone=options["phone"],
                actor=None,
            )
        if kind == User.Kind.PERSON:
            user = services.register_person(
                username=username,
                password=password,
                name=options["name"],
                id_number=options["id_number"],
                phone=options["phone"],
            )
        else:
            user = services.register_organization(
                username=username,
                password=password,
                name=options["name"],
                credit_code=options["credit_code"],
                legal_representative=options["legal_representative"],
                phone=options["phone"],
            ).account
        for role in roles:
            if role != Role.APPLICANT:  # every person and organisation already has it
                services.grant_role(user, role, actor=None)
        return user
