"""A small renderer of an item's application form (JSON Schema, ``type: object``) as a Django
form, for the window clerk entering a walk-in application.

It covers what the catalog's forms use: strings (text, textarea via ``x-widget``, date,
choice via ``enum``, ``pattern``, lengths), numbers and integers with bounds (``x-unit``),
booleans (a ticked commitment when ``const: true``) and arrays of choices. Anything else is
entered as JSON. The server-side truth stays ``cases.services.validate_form``: its errors are
put back on the fields by ``apply_errors``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

Schema = dict[str, Any]
PREFIX = "form"


def _help(spec: Schema) -> str:
    parts = [str(spec.get("description", ""))]
    if spec.get("x-unit"):
        parts.append(_("单位：%(unit)s") % {"unit": spec["x-unit"]})
    return "；".join(p for p in parts if p)


def _field(spec: Schema, required: bool) -> forms.Field:
    label = str(spec.get("title") or "")
    common: dict[str, Any] = {"label": label, "required": required, "help_text": _help(spec)}
    kind = spec.get("type")
    if kind == "string" and "enum" in spec:
        choices = [("", "—")] + [(str(v), str(v)) for v in spec["enum"]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "string" and spec.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "string":
        validators = []
        if spec.get("pattern"):
            validators.append(RegexValidator(spec["pattern"], message=_("格式不正确")))
        widget = forms.Textarea(attrs={"rows": 3}) if spec.get("x-widget") == "textarea" else None
        return forms.CharField(
            max_length=spec.get("maxLength"),
            min_length=spec.get("minLength") if required else None,
            validators=validators,
            widget=widget,
            strip=True,
            **common,
        )
    if kind == "integer":
        return forms.IntegerField(
            min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common
        )
    if kind == "number":
        return forms.FloatField(
            min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common
        )
    if kind == "boolean":
        common["required"] = required and spec.get("const") is True
        return forms.BooleanField(**common)
    items = spec.get("items") or {}
    if kind == "array" and isinstance(items, dict) and "enum" in items:
        return forms.MultipleChoiceField(
            choices=[(str(v), str(v)) for v in items["enum"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    common["help_text"] = (common["help_text"] + " " + _("（JSON 格式）")).strip()
    return forms.JSONField(**common)


def build(schema: Schema | None, data: Any = None) -> forms.Form:
    """A bound (or unbound) form for ``schema``; field names are the schema's property names."""
    schema = schema or {}
    properties: dict[str, Schema] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    fields = {
        name: _field(spec if isinstance(spec, dict) else {}, name in required)
        for name, spec in properties.items()
    }
    form_class = type("ApplicationForm", (forms.Form,), dict(fields))
    form: forms.Form = form_class(data, prefix=PREFIX)
    for name, form_field in form.fields.items():
        if not form_field.label:
            form_field.label = name
    return form


def cleaned(form: forms.Form) -> dict[str, Any]:
    """The form's values as the JSON the schema describes (empty optional values left out)."""
    values: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, bool) and not value:
            continue
        values[name] = value
    json.dumps(values)  # what cannot be stored fails here, not in the database
    return values


def apply_errors(form: forms.Form, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put ``validate_form``'s ``form.<field>`` errors on the fields; return the rest."""
    rest: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name = key.removeprefix("form.").split(".")[0] if key.startswith("form.") else ""
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
        else:
            rest[key] = messages
    return rest
