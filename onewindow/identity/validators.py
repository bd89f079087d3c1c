"""Checks of real-name data: ID numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

PHONE = re.compile(r"^1[3-9]\d{9}$")


def clean_id_number(value: str) -> str:
    value = (value or "").strip().upper()
    try:
        return str(ric.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            _("公民身份号码无效：请核对18位号码及末位校验码"), code="id_number"
        ) from exc


def clean_credit_code(value: str) -> str:
    value = (value or "").strip().upper()
    try:
        return str(uscc.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            _("统一社会信用代码无效：请核对18位代码及末位校验码"), code="credit_code"
        ) from exc


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not PHONE.match(value):
        raise ValidationError(_("手机号应为11位数字，以1开头"), code="phone")
    return value


def clean_name(value: str, *, max_length: int = 50) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("姓名不能为空"), code="name")
    if len(value) > max_length:
        raise ValidationError(_("姓名不得超过%(n)d个字符") % {"n": max_length}, code="name_length")
    return value
