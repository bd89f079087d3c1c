"""Admin permissions for the hotline's reference data (三员分立, see identity.permissions).

The system administrator maintains the dispatch catalogue and registers Open311 partner apps
and their keys; the security administrator may view and revoke keys. identity's group sync
resets the groups after every app's migration; this runs right after it and adds these.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

RULES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "role:system_admin": [
        ("category", ("view", "add", "change", "delete")),
        ("categoryattribute", ("view", "add", "change", "delete")),
        ("open311partner", ("view", "add", "change")),
        ("open311key", ("view", "change")),
    ],
    "role:security_admin": [
        ("open311partner", ("view",)),
        ("open311key", ("view", "change")),
    ],
}


def grant_admin_permissions(**_: Any) -> None:
    for name, rules in RULES.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        condition = Q(pk__in=[])
        for model, actions in rules:
            condition |= Q(
                content_type__app_label="hotline",
                content_type__model=model,
                codename__regex=rf"^({'|'.join(actions)})_",
            )
        group.permissions.add(*Permission.objects.filter(condition))
