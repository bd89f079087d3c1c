"""Small builders for the application forms (JSON Schema, ``type: object``) of the demo items.

A form is assembled from fields: ``form("食品经营许可申请", *ENTERPRISE, field("area", …))``.
Every property has a Chinese ``title``; identifiers are checked by pattern (unified social
credit code, resident ID number, mobile number, investment project code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
ID_NUMBER_PATTERN = r"^\d{17}[\dX]$"
MOBILE_PATTERN = r"^1\d{10}$"
# GB/T 40058-2021: YYMM-RRRRRR-DD-TT-NNNNNC (24 characters with the dashes).
PROJECT_CODE_PATTERN = r"^\d{4}-\d{6}-\d{2}-\d{2}-[0-9A-Z]{6}$"

Schema = dict[str, Any]


@dataclass(frozen=True)
class Field:
    key: str
    schema: Schema
    required: bool = True


def field(key: str, schema: Schema, *, required: bool = True) -> Field:
    return Field(key, schema, required)


def optional(key: str, schema: Schema) -> Field:
    return Field(key, schema, required=False)


def _with_description(schema: Schema, description: str | None) -> Schema:
    if description:
        schema["description"] = description
    return schema


def text(title: str, description: str | None = None, *, max_length: int = 100) -> Schema:
    return _with_description(
        {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}, description
    )


def textarea(title: str, description: str | None = None, *, max_length: int = 2000) -> Schema:
    schema = text(title, description, max_length=max_length)
    schema["x-widget"] = "textarea"
    return schema


def uscc(title: str = "统一社会信用代码") -> Schema:
    return {
        "type": "string",
        "title": title,
        "description": "18位统一社会信用代码，字母须大写",
        "pattern": USCC_PATTERN,
    }


def id_number(title: str = "公民身份号码") -> Schema:
    return {
        "type": "string",
        "title": title,
        "description": "18位居民身份证号码，末位为数字或大写X",
        "pattern": ID_NUMBER_PATTERN,
    }


def mobile(title: str = "联系电话") -> Schema:
    return {
        "type": "string",
        "title": title,
        "description": "11位手机号码，用于接收办理进度短信",
        "pattern": MOBILE_PATTERN,
    }


def project_code(title: str = "投资项目代码") -> Schema:
    return {
        "type": "string",
        "title": title,
        "description": "投资项目在线审批监管平台赋予的24位项目代码，如 2501-340371-04-01-123456",
        "pattern": PROJECT_CODE_PATTERN,
    }


def date(title: str, description: str | None = None) -> Schema:
    return _with_description({"type": "string", "format": "date", "title": title}, description)


def number(
    title: str, description: str | None = None, *, minimum: float = 0, unit: str = ""
) -> Schema:
    schema: Schema = {"type": "number", "title": title, "minimum": minimum}
    if unit:
        schema["x-unit"] = unit
    return _with_description(schema, description)


def integer(
    title: str, description: str | None = None, *, minimum: int = 0, maximum: int | None = None
) -> Schema:
    schema: Schema = {"type": "integer", "title": title, "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return _with_description(schema, description)


def choice(title: str, options: list[str], description: str | None = None) -> Schema:
    return _with_description({"type": "string", "title": title, "enum": options}, description)


def choices(title: str, options: list[str], description: str | None = None) -> Schema:
    return _with_description(
        {
            "type": "array",
            "title": title,
            "items": {"type": "string", "enum": options},
            "minItems": 1,
            "uniqueItems": True,
        },
        description,
    )


def agree(title: str, description: str | None = None) -> Schema:
    """A box the applicant must tick, e.g. a commitment (承诺)."""
    return _with_description({"type": "boolean", "title": title, "const": True}, description)


def form(title: str, *fields: Field) -> Schema:
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for item in fields:
        if item.key in properties:
            raise ValueError(f"duplicate form field {item.key!r} in {title}")
        properties[item.key] = dict(item.schema)
        if item.required:
            required.append(item.key)
    return {"type": "object", "title": title, "properties": properties, "required": required}


# Common field groups.
ENTERPRISE: tuple[Field, ...] = (
    field("entity_name", text("申请单位名称", "与营业执照上的名称一致")),
    field("credit_code", uscc()),
    field("legal_representative", text("法定代表人（负责人）", max_length=50)),
    field("contact_name", text("联系人", max_length=50)),
    field("contact_phone", mobile()),
)

PERSON: tuple[Field, ...] = (
    field("applicant_name", text("申请人姓名", max_length=50)),
    field("applicant_id_number", id_number()),
    field("contact_phone", mobile()),
)

PROJECT: tuple[Field, ...] = (
    field("project_code", project_code()),
    field("project_name", text("项目名称", max_length=200)),
    field("project_location", text("建设地点", "填写到门牌号或地块编号", max_length=200)),
)

COMMITMENT = field(
    "commitment",
    agree("申请人承诺", "本人（单位）承诺所填信息和所交材料真实、合法、有效，愿承担相应法律责任"),
)
