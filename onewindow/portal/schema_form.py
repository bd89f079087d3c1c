"""An application form drawn from an item's JSON Schema (``ItemVersion.form_schema``).

The schema decides the inputs (``type``, ``format``, ``enum``, ``x-widget``), the Chinese labels
(``title``), the help (``description``) and the HTML5 checks (``required``, ``minLength``…). This
module only reads the schema and the posted values; whether the values are right is decided by
``cases.services.validate_form``, whose errors are shown next to each field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

FIELD_PREFIX = "f_"
# A form field's own value never needs more; longer input is cut before validation.
MAX_VALUE_LENGTH = 10_000


@dataclass
class Option:
    value: str
    label: str
    checked: bool = False


@dataclass
class SchemaField:
    """One input of the form, ready for ``portal/includes/schema_field.html``."""

    key: str
    label: str
    help: str
    widget: str  # text, textarea, number, date, email, url, select, checkbox, checkboxes
    required: bool
    value: Any = None
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    unit: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.key

    @property
    def id(self) -> str:
        return "field-" + self.key

    @property
    def display_value(self) -> str:
        """The value as the summary page shows it."""
        value = self.value
        if value is None or value == "" or value == []:
            return ""
        if self.widget == "checkbox":
            return _("是") if value is True else _("否")
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    return dict(properties) if isinstance(properties, Mapping) else {}


def _required(schema: Mapping[str, Any]) -> set[str]:
    required = schema.get("required") if isinstance(schema, Mapping) else None
    return {str(key) for key in required} if isinstance(required, list) else set()


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _widget(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind == "array":
        items = spec.get("items")
        if isinstance(items, Mapping) and isinstance(items.get("enum"), list):
            return "checkboxes"
        return "textarea"
    if isinstance(spec.get("enum"), list):
        return "select"
    if kind in {"integer", "number"}:
        return "number"
    if spec.get("x-widget") == "textarea":
        return "textarea"
    return {"date": "date", "email": "email", "uri": "url"}.get(str(spec.get("format")), "text")


def _attrs(spec: Mapping[str, Any], widget: str, required: bool) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if required and widget not in {"checkboxes"}:
        attrs["required"] = "required"
    if widget in {"text", "textarea", "email", "url"}:
        if isinstance(spec.get("minLength"), int):
            attrs["minlength"] = str(spec["minLength"])
        if isinstance(spec.get("maxLength"), int):
            attrs["maxlength"] = str(spec["maxLength"])
        if widget != "textarea" and isinstance(spec.get("pattern"), str):
            attrs["pattern"] = spec["pattern"]
    if widget == "number":
        minimum = _number(spec.get("minimum"))
        maximum = _number(spec.get("maximum"))
        if minimum:
            attrs["min"] = minimum
        if maximum:
            attrs["max"] = maximum
        attrs["step"] = "1" if spec.get("type") == "integer" else "any"
        attrs["inputmode"] = "numeric" if spec.get("type") == "integer" else "decimal"
    return attrs


def build_fields(
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[SchemaField]:
    """The form's inputs in schema order, with the values typed so far and their errors."""
    values = values or {}
    errors = errors or {}
    required = _required(schema)
    fields: list[SchemaField] = []
    for key, raw_spec in _properties(schema).items():
        spec: Mapping[str, Any] = raw_spec if isinstance(raw_spec, Mapping) else {}
        widget = _widget(spec)
        is_required = key in required or (widget == "checkbox" and spec.get("const") is True)
        value = values.get(key)
        options: list[Option] = []
        if widget == "select":
            options = [
                Option(str(choice), str(choice), checked=value == choice) for choice in spec["enum"]
            ]
        elif widget == "checkboxes":
            chosen = value if isinstance(value, list) else []
            options = [
                Option(str(choice), str(choice), checked=choice in chosen)
                for choice in spec["items"]["enum"]
            ]
        fields.append(
            SchemaField(
                key=key,
                label=str(spec.get("title") or key),
                help=str(spec.get("description") or ""),
                widget=widget,
                required=is_required,
                value=value,
                attrs=_attrs(spec, widget, is_required),
                options=options,
                unit=str(spec.get("x-unit") or ""),
                errors=list(errors.get(key, [])),
            )
        )
    return fields


def _coerce(spec: Mapping[str, Any], raw: str) -> Any:
    """A posted text as the schema's type; text that is not a number stays text (and the
    validator then says the type is wrong)."""
    kind = spec.get("type")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            return raw
        if number != number or number in {float("inf"), float("-inf")}:  # NaN, infinity
            return raw
        return int(number) if number.is_integer() and "." not in raw else number
    return raw


def parse(schema: Mapping[str, Any], data: QueryDict) -> dict[str, Any]:
    """The posted form as JSON values: empty inputs are left out, so "required" reports them."""
    form: dict[str, Any] = {}
    for key, raw_spec in _properties(schema).items():
        spec: Mapping[str, Any] = raw_spec if isinstance(raw_spec, Mapping) else {}
        name = FIELD_PREFIX + key
        widget = _widget(spec)
        if widget == "checkbox":
            if data.get(name):
                form[key] = True
            continue
        if widget == "checkboxes":
            chosen = [v[:MAX_VALUE_LENGTH] for v in data.getlist(name) if v]
            if chosen:
                form[key] = chosen
            continue
        raw = (data.get(name) or "").strip()[:MAX_VALUE_LENGTH]
        if raw == "":
            continue
        form[key] = _coerce(spec, raw)
    return form


def prefill(schema: Mapping[str, Any], known: Mapping[str, str]) -> dict[str, Any]:
    """Starting values for the fields the platform already knows (the applicant's profile)."""
    properties = _properties(schema)
    return {
        key: value
        for key, value in known.items()
        if value and key in properties and _widget(properties[key]) in {"text", "textarea"}
    }


def field_errors(errors: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Split ``validate_form``'s errors (``form.<key>…``) into per-field and whole-form ones."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for name, messages in errors.items():
        parts = name.split(".")
        if parts[0] == "form" and len(parts) > 1 and parts[1]:
            by_field.setdefault(parts[1], []).extend(str(m) for m in messages)
        else:
            general.extend(str(m) for m in messages)
    return by_field, general


def material_errors(
    errors: Mapping[str, list[str]],
) -> tuple[dict[int, list[str]], dict[str, list[str]]]:
    """Split errors into those of one material (``materials.<requirement id>``) and the rest."""
    by_material: dict[int, list[str]] = {}
    rest: dict[str, list[str]] = {}
    for name, messages in errors.items():
        prefix, _dot, key = name.partition(".")
        if prefix == "materials" and key.isdigit():
            by_material.setdefault(int(key), []).extend(str(m) for m in messages)
        else:
            rest.setdefault(name, []).extend(str(m) for m in messages)
    return by_material, rest
