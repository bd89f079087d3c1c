"""Application forms (``cases.services.validate_form``) against random JSON Schemas and values.

Whatever the item's schema (any valid Draft 2020-12 object schema) and whatever JSON the
applicant sends, validation either accepts the form unchanged or raises ``ValidationError``
whose keys name the offending fields (``form.<field>``); it agrees with the JSON Schema
validator on what is valid, and never fails otherwise.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.cases.services import validate_form
from onewindow.catalog.models import ItemVersion

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)

# Field names as administrators write them, and awkward ones (quotes, dots, spaces, CJK).
names = st.one_of(
    st.sampled_from(["name", "venue", "area", "phone", "场所名称", "a.b", "it's", 'say "hi"']),
    st.text(min_size=1, max_size=6),
)
titles = st.one_of(st.none(), st.sampled_from(["场所名称", "建筑面积", "Phone"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(names, children, max_size=4)
    ),
    max_leaves=12,
)


def _with_title(schema: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.tuples(schema, titles).map(
        lambda pair: (
            {**pair[0], "title": pair[1]} if pair[1] and isinstance(pair[0], dict) else pair[0]
        )
    )


def _bounded(kind: str, low: str, high: str, values: st.SearchStrategy[Any]) -> Any:
    return st.fixed_dictionaries({"type": st.just(kind)}, optional={low: values, high: values})


leaf_schemas = st.one_of(
    _bounded("string", "minLength", "maxLength", st.integers(min_value=0, max_value=8)),
    st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "pattern": st.sampled_from([r"^\d{11}$", r"^[A-Z]+$", r"\S"]),
            "format": st.sampled_from(["date", "email", "date-time", "uri", "unknown-format"]),
        },
    ),
    _bounded("integer", "minimum", "maximum", st.integers(min_value=-5, max_value=100)),
    _bounded("number", "exclusiveMinimum", "maximum", st.floats(-5, 100, allow_nan=False)),
    st.just({"type": "boolean"}),
    st.lists(scalars, min_size=1, max_size=4, unique_by=repr).map(lambda v: {"enum": v}),
    st.sampled_from([True, False, {}, {"type": ["string", "null"]}, {"const": "yes"}]),
)


def _object_schema(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(names, children, max_size=5).flatmap(
        lambda properties: st.fixed_dictionaries(
            {"type": st.just("object"), "properties": st.just(properties)},
            optional={
                "required": st.lists(
                    st.sampled_from(sorted(properties) or ["name"]) | names,
                    unique=True,
                    max_size=4,
                ),
                "additionalProperties": st.sampled_from([False, {"type": "string"}]),
            },
        )
    )


field_schemas = st.recursive(
    leaf_schemas,
    lambda children: st.one_of(
        st.fixed_dictionaries(
            {"type": st.just("array"), "items": children},
            optional={"maxItems": st.integers(min_value=0, max_value=3)},
        ),
        _object_schema(children),
    ),
    max_leaves=8,
)
form_schemas = _object_schema(st.one_of(_with_title(leaf_schemas), field_schemas))


@st.composite
def forms_for(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    """A form using the schema's field names (sometimes not), with random values."""
    keys = sorted(schema.get("properties", {}))
    chosen = draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    form = {key: draw(json_values) for key in chosen}
    extra = draw(st.dictionaries(names, json_values, max_size=2))
    return draw(st.sampled_from([form, {**extra, **form}, draw(json_values)]))


schemas_and_forms = form_schemas.flatmap(lambda s: st.tuples(st.just(s), forms_for(s)))


def _version(schema: Any) -> ItemVersion:
    return ItemVersion(form_schema=schema)  # unsaved: validation reads only the schema


def _errors(schema: Any, form: Any) -> dict[str, list[str]] | None:
    """The field errors, or None when the form is accepted (then it must come back as sent)."""
    try:
        cleaned = validate_form(_version(schema), form)
    except ValidationError as exc:
        return exc.message_dict
    assert cleaned == form
    return None


@PROPERTY_SETTINGS
@given(schema=form_schemas)
def test_the_generated_schemas_are_valid_json_schemas(schema):
    jsonschema.Draft202012Validator.check_schema(schema)


@PROPERTY_SETTINGS
@given(case=schemas_and_forms)
def test_validation_agrees_with_json_schema_and_never_fails_otherwise(case):
    schema, form = case
    expected_valid = isinstance(form, dict) and jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).is_valid(form)
    errors = _errors(schema, form)
    if errors is None:
        assert expected_valid
        return
    assert not expected_valid, errors
    assert errors
    for name, messages in errors.items():
        assert name == "form" or name.startswith("form."), name
        assert messages
        assert all(isinstance(m, str) and m for m in messages), messages


@PROPERTY_SETTINGS
@given(case=schemas_and_forms)
def test_errors_name_the_fields_concerned(case):
    schema, form = case
    if not isinstance(form, dict):
        return
    errors = _errors(schema, form) or {}
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in form:  # a missing required field is named exactly
            assert f"form.{name}" in errors, (name, errors)
    for name, value in form.items():
        field = properties.get(name)
        if not isinstance(field, dict) or "type" not in field:
            continue
        if not jsonschema.Draft202012Validator(field).is_valid(value):  # a wrong value too
            assert any(key == f"form.{name}" or key.startswith(f"form.{name}.") for key in errors)
    for key in errors:  # and nothing but fields of the form or of the schema is named
        if key != "form":
            top = key.removeprefix("form.")
            named = [*form, *properties, *schema.get("required", [])]
            assert any(top == n or top.startswith(f"{n}.") for n in named), key


@PROPERTY_SETTINGS
@given(form=json_values)
def test_a_form_that_is_not_an_object_is_refused_as_a_whole(form):
    if isinstance(form, dict):
        return
    assert list(_errors({"type": "object"}, form) or {}) == ["form"]


# Found by the properties above; kept as plain examples.


def test_a_missing_field_whose_name_needs_quoting_is_named_exactly():
    schema = {"type": "object", "properties": {}, "required": ["it's", "\x1f"]}
    assert set(_errors(schema, {}) or {}) == {"form.it's", "form.\x1f"}


def test_a_required_field_with_a_boolean_schema_is_named_not_a_crash():
    schema = {"type": "object", "properties": {"a": False}, "required": ["a"]}
    assert list(_errors(schema, {}) or {}) == ["form.a"]


def test_a_field_refused_by_a_boolean_schema_is_refused():
    # jsonschema reports a ``false`` subschema's error at the enclosing object, so the whole
    # form (or the enclosing field) is named.
    schema = {"type": "object", "properties": {"a": False, "b": True}}
    errors = _errors(schema, {"a": 1, "b": 2})
    assert errors
    assert set(errors) <= {"form", "form.a"}
