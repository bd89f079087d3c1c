"""The application form's reading of JSON Schema and of posted values."""

from __future__ import annotations

from django.http import QueryDict

from onewindow.portal import schema_form

from .conftest import APPLICATION_SCHEMA


def _post(**values: object) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = str(value)
    return data


def test_posted_values_take_the_schemas_types() -> None:
    form = schema_form.parse(
        APPLICATION_SCHEMA,
        _post(
            f_venue="  示例影城 ",
            f_area="12.5",
            f_floors="3",
            f_facilities=["喷淋", ""],
            f_commitment="1",
            f_notes="",
        ),
    )
    assert form == {
        "venue": "示例影城",
        "area": 12.5,
        "floors": 3,
        "facilities": ["喷淋"],
        "commitment": True,
    }


def test_text_where_a_number_belongs_stays_text_for_the_validator() -> None:
    form = schema_form.parse(APPLICATION_SCHEMA, _post(f_area="abc", f_floors="2.5"))
    assert form == {"area": "abc", "floors": "2.5"}
    assert schema_form.parse(APPLICATION_SCHEMA, _post(f_area="nan")) == {"area": "nan"}


def test_fields_unknown_to_the_schema_are_ignored() -> None:
    assert schema_form.parse(APPLICATION_SCHEMA, _post(f_admin="1", venue="x")) == {}


def test_errors_are_split_by_field() -> None:
    by_field, general = schema_form.field_errors(
        {"form.venue": ["场所名称必填"], "form.facilities.0": ["不在可选范围内"], "form": ["x"]}
    )
    assert by_field == {"venue": ["场所名称必填"], "facilities": ["不在可选范围内"]}
    assert general == ["x"]


def test_only_text_fields_are_prefilled() -> None:
    values = schema_form.prefill(
        APPLICATION_SCHEMA, {"applicant_name": "张三", "area": "9", "unknown": "x", "venue": ""}
    )
    assert values == {"applicant_name": "张三"}


def test_an_empty_schema_draws_no_fields() -> None:
    assert schema_form.build_fields({}) == []
    assert schema_form.parse({}, _post(f_x="1")) == {}
