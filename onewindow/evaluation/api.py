"""Evaluation part of API.md "Supervision and evaluation": rating a case and the staff list."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status as Reply

from onewindow.cases import queries as case_queries
from onewindow.core import idempotency
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import ApiError, NotFound
from onewindow.identity.api_auth import api_user

from . import queries, services
from .models import Evaluation, Reason, Rectification, Source

router = Router(tags=["evaluation"])


class EvaluationIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    indicators: dict[str, int] | None = Field(
        None,
        description="分项评价（1–5）：efficiency、guide_accuracy、convenience、platform_usability",
    )
    reasons: list[str] | None = Field(
        None,
        max_length=20,
        description="差评原因代码（等级1–2必填）：" + "、".join(Reason.values),
    )
    comment: str | None = Field(None, max_length=500)


class RectificationOut(Schema):
    status: str
    deadline: dt.date
    overdue: bool
    outcome: str
    called_back: bool
    closed_at: dt.datetime | None
    rerate_until: dt.datetime | None


class EvaluationOut(Schema):
    id: int
    source: str
    case_no: str | None
    window: str | None
    item_code: str | None
    department: str | None
    level: int
    level_label: str
    indicators: dict[str, int]
    reasons: list[str]
    comment: str
    defaulted: bool
    round: int
    current: bool
    excluded: bool
    rated_at: dt.datetime
    status: str = Field(description="整改状态：none、open、verified、called_back、appealed、closed")
    rectification: RectificationOut | None


class EvaluationPage(Schema):
    results: list[EvaluationOut]
    total: int
    page: int


def evaluation_out(evaluation: Evaluation) -> dict[str, Any]:
    rectification: Rectification | None = getattr(evaluation, "rectification", None)
    return {
        "id": evaluation.pk,
        "source": evaluation.source,
        "case_no": evaluation.case.case_no if evaluation.case_id and evaluation.case else None,
        "window": evaluation.window.number if evaluation.window_id and evaluation.window else None,
        "item_code": evaluation.implementation.implementation_code
        if evaluation.implementation_id and evaluation.implementation
        else None,
        "department": evaluation.department.code
        if evaluation.department_id and evaluation.department
        else None,
        "level": evaluation.level,
        "level_label": str(evaluation.get_level_display()),
        "indicators": evaluation.indicators,
        "reasons": evaluation.reasons,
        "comment": evaluation.comment,
        "defaulted": evaluation.defaulted,
        "round": evaluation.round,
        "current": evaluation.current,
        "excluded": evaluation.excluded,
        "rated_at": evaluation.rated_at,
        "status": rectification.status if rectification else "none",
        "rectification": {
            "status": rectification.status,
            "deadline": rectification.deadline,
            "overdue": rectification.overdue,
            "outcome": rectification.outcome,
            "called_back": rectification.called_back_at is not None,
            "closed_at": rectification.closed_at,
            "rerate_until": rectification.rerate_until,
        }
        if rectification
        else None,
    }


def _errors(exc: ValidationError) -> ApiError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
    return ApiError(400, "invalid_input", _("请求参数有误"), {"fields": fields})


@router.post(
    "/cases/{case_no}/evaluation",
    response={
        201: EvaluationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="评价办件（一事一评）",
)
def rate_case(
    request: HttpRequest,
    case_no: str,
    body: EvaluationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    """The applicant (or their agent) rates a completed case, once; after the answer to a
    bad rating, once more. Levels 1–2 require reasons."""
    user = api_user(request)
    case = case_queries.get_visible(user, case_no[:32])
    if case is None:
        raise NotFound(_("办件不存在"), {"case_no": case_no[:32]})
    payload = body.dict()

    def handler() -> tuple[int, Any]:
        try:
            evaluation = services.rate_case(
                case,
                actor=user,
                level=payload["level"],
                indicators=payload["indicators"],
                reasons=payload["reasons"],
                comment=payload["comment"],
            )
        except ValidationError as exc:
            raise _errors(exc) from exc
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc) or _("无权执行该操作")) from exc
        except services.Conflict as exc:
            raise ApiError(409, exc.code, exc.message, {"case_no": case.case_no}) from exc
        evaluation = (
            Evaluation.objects.select_related("case", "implementation", "department")
            .select_related("rectification")
            .get(pk=evaluation.pk)
        )
        return 201, json.loads(json.dumps(evaluation_out(evaluation), default=str))

    status, body_out = idempotency.run(
        owner=str(user.pk),
        key=idempotency_key,
        method="POST",
        path=request.path,
        payload=payload,
        handler=handler,
    )
    return Reply(status, body_out)


@router.get(
    "/evaluations",
    response={200: EvaluationPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="评价列表（工作人员）",
)
def list_evaluations(
    request: HttpRequest,
    level_max: int | None = Query(None, ge=1, le=5, description="只看不高于该等级的评价"),
    status: str | None = Query(
        None,
        pattern="^(none|open|verified|called_back|appealed|closed)$",
        description="整改状态",
    ),
    source: Source | None = Query(None),
    department: str = Query("", max_length=16),
    date_from: dt.date | None = Query(None, alias="from"),
    date_to: dt.date | None = Query(None, alias="to"),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> Any:
    user = api_user(request)
    if not user.has_role(*queries.STAFF_ROLES) or user.kind != "staff":
        raise ApiError(403, "forbidden", _("只有工作人员可以查看评价列表"))
    filters = queries.EvaluationFilters(
        level_max=level_max,
        status=status or "",
        source=source or "",
        department=department,
        date_from=date_from,
        date_to=date_to,
    )
    ratings = queries.filter_evaluations(queries.visible_evaluations(user), filters)
    offset, limit = page_window(page, page_size)
    return {
        "results": [evaluation_out(e) for e in ratings[offset : offset + limit]],
        "total": ratings.count(),
        "page": page,
    }
