"""Template helpers of the workbench: Bootstrap widgets, alert badges, masked applicants."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Status
from onewindow.core.masking import mask_id_number, mask_name, mask_phone
from onewindow.identity.models import Role
from onewindow.workbench.forms import ACTION_LABELS

register = template.Library()

ALERT_CLASSES = {
    "red": "text-bg-danger",
    "yellow": "text-bg-warning",
    "green": "text-bg-success",
    "none": "text-bg-light border",
}
OPINIONS: dict[str, Any] = {"agree": _("同意"), "disagree": _("不同意")}
CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def bs(field: forms.BoundField) -> SafeString:
    """The field's widget with Bootstrap's classes and its error and help text linked."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, CHOICE_WIDGETS):
        css = ""
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, Any] = {}
    described = []
    if field.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if css.strip():
        existing = widget.attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, CHOICE_WIDGETS)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def alert_class(alert: str) -> str:
    return ALERT_CLASSES.get(alert, ALERT_CLASSES["none"])


@register.filter
def applicant_name(case: Any) -> str:
    """An organisation's name is public; a person's is masked (张*)."""
    if case.applicant_kind == "organization":
        return str(case.applicant_name)
    return mask_name(case.applicant_name)


@register.filter
def applicant_number(case: Any) -> str:
    """A credit code is public; an ID number is masked (110***********1234)."""
    if case.applicant_kind == "organization":
        return str(case.applicant_id_number)
    return mask_id_number(case.applicant_id_number)


@register.filter
def applicant_phone(case: Any) -> str:
    return mask_phone(case.applicant_phone)


@register.filter
def person_name(user: Any) -> str:
    """Staff are named; applicants are masked."""
    if user is None:
        return "—"
    if getattr(user, "kind", "") == "staff":
        return str(user.name or user.username)
    return str(user.masked_name or "—")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def user_has_role(context: dict[str, Any], *roles: str) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.has_role(*roles))


EVENT_LABELS: dict[str, Any] = {
    "submit": _("提交申请"),
    "resubmit": _("补正后重新提交"),
    "withdraw": _("撤回申请"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action) or EVENT_LABELS.get(action) or action)


@register.filter
def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status or "—"


@register.filter
def opinion_label(opinion: str) -> str:
    return str(OPINIONS.get(opinion, opinion or "—"))


@register.filter
def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


@register.filter
def is_image(stored: Any) -> bool:
    return getattr(stored, "content_type", "") in {"image/jpeg", "image/png"}


@register.filter
def is_pdf(stored: Any) -> bool:
    return getattr(stored, "content_type", "") == "application/pdf"
