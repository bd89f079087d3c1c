from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """0.9512 → "95.1%"; no value → "—"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def level_class(value: str) -> str:
    return {"red": "ow-level-red", "yellow": "ow-level-yellow"}.get(value, "text-bg-secondary")


@register.filter
def oversees(user: Any) -> bool:
    """A supervisor or centre manager (the dashboard's readers)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        "supervisor", "centre_manager"
    )
