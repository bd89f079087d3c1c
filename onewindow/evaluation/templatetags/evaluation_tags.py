"""Template helpers of the evaluation pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from onewindow.evaluation.models import AssessmentWeights, Level

register = template.Library()

LEVEL_CLASSES = {5: "success", 4: "success", 3: "secondary", 2: "warning", 1: "danger"}
COMPONENT_LABELS: dict[str, Any] = {
    name: getattr(AssessmentWeights._meta.get_field(name), "verbose_name", name)
    for name in AssessmentWeights.COMPONENTS
}


@register.filter
def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def level_class(level: int) -> str:
    return LEVEL_CLASSES.get(int(level or 0), "secondary")


@register.filter
def level_label(level: int) -> str:
    try:
        return str(Level(int(level)).label)
    except ValueError:
        return str(level)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def component_label(name: str) -> str:
    return str(COMPONENT_LABELS.get(name, name))


@register.simple_tag
def staff_name(user: Any) -> str:
    if user is None:
        return "—"
    return str(getattr(user, "name", "") or user.username)


@register.simple_tag
def missing_label() -> str:
    return str(_("未录入"))


@register.simple_tag(takes_context=True)
def user_has_role(context: dict[str, Any], *roles: str) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.has_role(*roles))


STEP_LABELS: dict[str, Any] = {
    "open": _("差评生成，开始整改"),
    "verify": _("核实"),
    "call_back": _("回访"),
    "resolve": _("整改办结"),
    "appeal": _("申诉"),
    "uphold": _("申诉成立"),
    "reject_appeal": _("申诉不成立"),
}


@register.filter
def step_label(action: str) -> str:
    return str(STEP_LABELS.get(action, action))
