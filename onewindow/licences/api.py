"""Licences section of the public API (API.md "Licences")."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status as Reply

from onewindow.core import idempotency
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import ApiError, NotFound
from onewindow.identity.api_auth import api_user

from . import queries, ratelimit, services
from .models import Licence

router = Router(tags=["licences"])


class LicenceOut(Schema):
    licence_id: str
    name: str
    holder: str = Field(description="持证人（已脱敏）")
    issuer: str
    issued_at: dt.date
    expires_at: dt.date | None = Field(description="有效期至；长期有效为 null")
    status: str = Field(description="valid、revoked、expired 或 superseded")
    check_code: str = Field(description="查验码，仅向持证人显示")


class LicencePage(Schema):
    results: list[LicenceOut]
    total: int
    page: int


class VerifyOut(Schema):
    valid: bool
    status: str = Field(description="valid、revoked、expired 或 superseded")
    name: str
    holder: str = Field(description="持证人（已脱敏）")
    issuer: str
    issued_at: dt.date
    expires_at: dt.date | None
    sha256: str = Field(description="签章 PDF 文件的 SHA-256")


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class RevokeOut(Schema):
    licence_id: str
    status: str
    revoked_at: dt.datetime | None
    reason: str


def _summary(licence: Licence) -> dict[str, Any]:
    return {
        "licence_id": licence.identifier,
        "name": licence.licence_type.name,
        "holder": queries.masked_holder(licence),
        "issuer": licence.department.name,
        "issued_at": licence.issued_on,
        "expires_at": licence.expires_on,
        "status": licence.current_status(),
        "check_code": licence.check_code,
    }


@router.get(
    "/licences",
    response={200: LicencePage, 400: ErrorOut, 401: ErrorOut},
    summary="我的电子证照",
)
def list_licences(
    request: HttpRequest,
    holder: str = Query("me", pattern="^me$", description="目前仅支持 me（本人持有的证照）"),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    licences = queries.holder_licences(api_user(request)).order_by("-issued_at", "-id")
    offset, limit = page_window(page, page_size)
    return {
        "results": [_summary(licence) for licence in licences[offset : offset + limit]],
        "total": licences.count(),
        "page": page,
    }


@router.get(
    "/licences/verify",
    response={200: VerifyOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="电子证照查验（无需登录）",
)
def verify_licence(
    request: HttpRequest,
    licence_id: str = Query(..., min_length=1, max_length=100, description="证照标识"),
    check_code: str = Query(..., min_length=1, max_length=12, description="查验码"),
) -> dict[str, Any]:
    if not ratelimit.allow(request):
        raise ApiError(429, "rate_limited", _("查验过于频繁，请一分钟后再试"))
    result = queries.verify(licence_id, check_code)
    if result is None:
        raise NotFound(_("证照标识或查验码不正确"))
    licence = result.licence
    return {
        "valid": result.valid,
        "status": result.status,
        "name": licence.licence_type.name,
        "holder": result.holder,
        "issuer": licence.department.name,
        "issued_at": licence.issued_on,
        "expires_at": licence.expires_on,
        "sha256": licence.pdf_sha256,
    }


def _licence(licence_id: str) -> Licence:
    licence = queries.by_identifier(licence_id[:100])
    if licence is None:
        raise NotFound(_("电子证照不存在"))
    return licence


@router.get(
    "/licences/{licence_id}/pdf",
    response={200: None, 401: ErrorOut, 404: ErrorOut},
    summary="下载签章的证照 PDF（持证人或有权限的工作人员）",
)
def licence_pdf(request: HttpRequest, licence_id: str) -> FileResponse:
    user = api_user(request)
    licence = _licence(licence_id)
    if not queries.may_download(user, licence):
        raise NotFound(_("电子证照不存在"))
    if queries.may_view_as_staff(user, licence):
        services.record_staff_access(licence, actor=user, purpose="api_pdf", request=request)
    response = FileResponse(
        licence.pdf.open("rb"), content_type="application/pdf", filename=f"{licence.identifier}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/licences/{licence_id}/revoke",
    response={
        200: RevokeOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="注销电子证照（颁发部门工作人员）",
)
def revoke(
    request: HttpRequest,
    licence_id: str,
    body: RevokeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    user = api_user(request)
    licence = _licence(licence_id)
    if not queries.may_view_as_staff(user, licence) and licence.holder_id != user.pk:
        raise NotFound(_("电子证照不存在"))
    payload = body.dict()

    def handler() -> tuple[int, Any]:
        try:
            revoked = services.revoke_licence(licence, actor=user, reason=body.reason)
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"reason": exc.messages}
            raise ApiError(400, "invalid_input", _("请求参数有误"), {"fields": fields}) from exc
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc) or _("无权执行该操作")) from exc
        except services.InvalidLicenceState as exc:
            raise ApiError(
                409, "invalid_transition", exc.message, {"action": "revoke", "status": exc.status}
            ) from exc
        body_out = {
            "licence_id": revoked.identifier,
            "status": revoked.status,
            "revoked_at": revoked.revoked_at,
            "reason": revoked.revoke_reason,
        }
        return 200, json.loads(json.dumps(body_out, default=str))

    status_code, response_body = idempotency.run(
        owner=str(user.pk),
        key=idempotency_key,
        method="POST",
        path=request.path,
        payload=payload,
        handler=handler,
    )
    return Reply(status_code, response_body)
