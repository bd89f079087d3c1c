"""The platform's HTTP API (django-ninja): one instance, error envelope, pagination."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from . import calendar
from .errors import ApiError, envelope

log = logging.getLogger(__name__)

MAX_PAGE = 100_000


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    reasons = {
        "missing": _("必填"),
        "int_parsing": _("须为整数"),
        "int_type": _("须为整数"),
        "float_parsing": _("须为数字"),
        "bool_parsing": _("须为 true 或 false"),
        "date_parsing": _("日期格式应为 YYYY-MM-DD"),
        "date_from_datetime_parsing": _("日期格式应为 YYYY-MM-DD"),
        "date_type": _("日期格式应为 YYYY-MM-DD"),
        "json_invalid": _("不是有效的 JSON"),
        "string_type": _("须为字符串"),
    }
    if kind in reasons:
        return reasons[kind]
    if kind in {"greater_than_equal", "greater_than"}:
        return _("不得小于 %(limit)s") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("不得大于 %(limit)s") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_too_long":
        return _("长度不得超过 %(limit)s 个字符") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("长度不得少于 %(limit)s 个字符") % {"limit": ctx.get("min_length")}
    if kind in {"enum", "literal_error"}:
        return _("取值无效，可选：%(choices)s") % {"choices": ctx.get("expected", "")}
    return str(error.get("msg", _("取值无效")))


PARAMETER_SOURCES = frozenset({"query", "body", "path", "form", "file", "header", "cookie"})


def field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in PARAMETER_SOURCES:  # ninja's ("query", "page"), ("file", "file")
            source, loc = loc[0], loc[1:]
            if source == "body" and len(loc) > 1:  # ("body", "body", "item_code")
                loc = loc[1:]
        name = ".".join(loc) or "request"
        fields.setdefault(name, []).append(_reason(error))
    return fields


api = NinjaAPI(
    title="OneWindow API",
    version="1",
    description=_('一网通办政务服务平台对外接口。错误统一为 {"error": {code, message, details}}。'),
    urls_namespace="api",
)


def _respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _respond(request, exc.status, envelope(exc.code, exc.message, exc.details))


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = field_errors(list(exc.errors))
    return _respond(request, 400, envelope("invalid_input", _("请求参数有误"), {"fields": fields}))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, 404, envelope("not_found", _("资源不存在")))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _respond(request, 401, envelope("unauthenticated", _("需要登录或有效的访问令牌")))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "invalid_input",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        429: "rate_limited",
    }
    return _respond(
        request, exc.status_code, envelope(codes.get(exc.status_code, "error"), str(exc))
    )


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """500 with the error envelope; the error is logged with its traceback."""
    log.error("unhandled API error on %s", request.path, exc_info=exc)
    return _respond(request, 500, envelope("internal_error", _("服务器内部错误，请稍后重试")))


def page_window(page: int, page_size: int) -> tuple[int, int]:
    """(offset, limit) for 1-based page numbers."""
    return (page - 1) * page_size, page_size


PageQuery = Query(1, ge=1, le=MAX_PAGE, description="页码，从1开始")
PageSizeQuery = Query(20, ge=1, le=100, description="每页条数，最多100")


calendar_router = Router(tags=["calendar"])


class AddWorkdaysOut(Schema):
    date: dt.date
    provisional: bool = Field(description="该年份未载入官方节假日安排，按周一至周五推算")


@calendar_router.get(
    "/add-workdays",
    response={200: AddWorkdaysOut, 400: ErrorOut},
    summary="N个工作日后的日期",
    auth=None,
)
def add_workdays(
    request: HttpRequest,
    from_: dt.date = Query(..., alias="from", description="起算日期（不计入），YYYY-MM-DD"),
    days: int = Query(..., ge=0, le=calendar.MAX_WORKDAYS, description="工作日数"),
) -> dict[str, Any]:
    """The `days`-th working day after `from` (`from` itself not counted)."""
    if not dt.date(1949, 10, 1) <= from_ <= dt.date(2200, 1, 1):
        raise ApiError(
            400, "invalid_input", _("请求参数有误"), {"fields": {"from": [_("日期超出支持范围")]}}
        )
    result = calendar.add_workdays(from_, days)
    return {"date": result.date, "provisional": result.provisional}
