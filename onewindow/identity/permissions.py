"""The three administrators' permissions (三员分立), as one Django group per admin role.

Business roles act through the platform's own pages and services; only the administrators use
the admin site, each with the permissions of their duty:
- system administrator: the organisation, the catalog, the calendar, accounts (not roles),
  OpenID clients;
- security administrator: roles, tokens, lockouts, account activation;
- audit administrator: reads the audit log, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import ADMIN_ROLES, Role

# (app_label, model or None for the whole app, actions)
GROUP_PERMISSIONS: dict[str, list[tuple[str, str | None, tuple[str, ...]]]] = {
    Role.SYSTEM_ADMIN: [
        ("org", None, ("view", "add", "change", "delete")),
        ("catalog", None, ("view", "add", "change", "delete")),
        ("core", "calendarday", ("view", "add", "change", "delete")),
        ("core", "calendaryear", ("view", "add", "change", "delete")),
        ("identity", "user", ("view", "add", "change")),
        ("identity", "organization", ("view", "change")),
        ("identity", "organizationmember", ("view",)),
        ("oauth2_provider", "application", ("view", "add", "change", "delete")),
    ],
    Role.SECURITY_ADMIN: [
        ("identity", "user", ("view", "change", "unmask")),
        ("identity", "rolegrant", ("view", "add", "change", "delete")),
        ("identity", "apitoken", ("view", "change")),
        ("identity", "loginfailure", ("view", "delete")),
        ("identity", "agentauthorization", ("view",)),
        ("otp_totp", "totpdevice", ("view", "delete")),
        ("oauth2_provider", "accesstoken", ("view", "delete")),
    ],
    Role.AUDIT_ADMIN: [
        ("core", "auditrecord", ("view",)),
    ],
}


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(**_: Any) -> None:
    """Create or refresh the administrators' groups (run after every migrate)."""
    for role, rules in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        condition = Q(pk__in=[])
        for app_label, model, actions in rules:
            codenames = Q(codename__regex=rf"^({'|'.join(actions)})_")
            scope = Q(content_type__app_label=app_label)
            if model is not None:
                scope &= Q(content_type__model=model)
            condition |= scope & codenames
        group.permissions.set(Permission.objects.filter(condition))


def apply_role_groups(user: Any) -> None:
    """Put an account in exactly the groups of the admin roles it holds."""
    roles = set(user.role_grants.values_list("role", flat=True)) & ADMIN_ROLES
    wanted = list(Group.objects.filter(name__in=[group_name(r) for r in roles]))
    others = user.groups.filter(name__startswith="role:").exclude(pk__in=[g.pk for g in wanted])
    user.groups.remove(*others)
    user.groups.add(*wanted)
