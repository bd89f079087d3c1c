"""Supervision section of the public API (API.md "Supervision and evaluation").

Readers: supervisors and centre managers (everything), department heads (their departments).
Everyone else gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from onewindow.catalog.models import ItemImplementation
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import ApiError
from onewindow.identity.api_auth import api_user
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import queries

router = Router(tags=["supervision"])


class AlertOut(Schema):
    case_no: str
    task_id: int | None = None
    level: str = Field(description="yellow 或 red")
    due_date: dt.date
    raised_at: dt.datetime
    kind: str = Field(description="case（办件承诺时限）或 task（环节时限）")
    department: str = Field(description="责任部门编码")
    item_code: str


class AlertPage(Schema):
    results: list[AlertOut]
    total: int
    page: int


class SummaryOut(Schema):
    submitted: int
    accepted: int
    completed: int
    completion_rate: float | None = Field(description="办结数 ÷ 受理数；无受理时为 null")
    on_time_rate: float | None = Field(description="按时办结数 ÷ 办结数；无办结时为 null")
    overdue_open: int = Field(description="期间内最近一次巡检时超期未办结的办件数")
    satisfaction_rate: float | None = Field(description="满意评价数 ÷ 评价数；无评价时为 null")
    evaluations: int
    rejected: int
    granted: int
    denied: int
    completed_on_time: int
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")


def _reader(request: HttpRequest) -> User:
    user = api_user(request)
    if not user.has_role(*queries.READER_ROLES):
        raise ApiError(403, "forbidden", _("只有监察人员、中心管理人员和部门负责人可以查看"))
    return user


def _invalid(field: str, reason: str) -> ApiError:
    return ApiError(400, "invalid_input", _("请求参数有误"), {"fields": {field: [reason]}})


def _department(user: User, code: str) -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise _invalid("department", _("部门不存在"))
    allowed = queries.scope(user)
    if allowed is not None and department.pk not in allowed:
        raise ApiError(403, "forbidden", _("无权查看该部门"))
    return department


@router.get(
    "/supervision/alerts",
    response={200: AlertPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="当前黄灯、红灯预警",
)
def alerts(
    request: HttpRequest,
    level: Literal["yellow", "red"] | None = Query(None),
    department: str = Query("", max_length=16, description="责任部门编码"),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    user = _reader(request)
    rows = queries.open_alerts(user, level=level, department=_department(user, department))
    offset, limit = page_window(page, page_size)
    return {
        "results": [
            {
                "case_no": a.case.case_no,
                "task_id": a.task_id,
                "level": a.level,
                "due_date": a.due_date,
                "raised_at": timezone.localtime(a.raised_at),
                "kind": a.kind,
                "department": a.department.code,
                "item_code": a.implementation.implementation_code,
            }
            for a in rows[offset : offset + limit]
        ],
        "total": rows.count(),
        "page": page,
    }


@router.get(
    "/stats/summary",
    response={200: SummaryOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="办件统计汇总（来自统计汇总表）",
    by_alias=True,
)
def summary(
    request: HttpRequest,
    date_from: dt.date | None = Query(
        None, alias="from", description="开始日期（含），默认本月1日"
    ),
    date_to: dt.date | None = Query(None, alias="to", description="结束日期（含），默认今天"),
    department: str = Query("", max_length=16, description="部门编码"),
    item_code: str = Query("", max_length=40, description="事项实施编码"),
) -> dict[str, Any]:
    user = _reader(request)
    default = queries.Period.default()
    period = queries.Period(date_from or default.start, date_to or default.end)
    if period.start > period.end:
        raise _invalid("from", _("开始日期不得晚于结束日期"))
    unit = _department(user, department)
    implementation = None
    if item_code:
        implementation = ItemImplementation.objects.filter(implementation_code=item_code).first()
        if implementation is None:
            raise _invalid("item_code", _("事项不存在"))
    allowed = queries.scope(user)
    if (
        implementation is not None
        and allowed is not None
        and (implementation.department_id not in allowed)
    ):
        raise ApiError(403, "forbidden", _("无权查看该事项"))
    return queries.summary(
        period, department=unit, implementation=implementation, departments=allowed
    )
