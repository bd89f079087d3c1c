"""Disclosure section of the public API (API.md "Disclosure (依申请公开)").

- ``POST /disclosure/requests`` files a request (applicants for themselves or whom they act
  for; staff for letters and walk-ins, with ``channel`` and ``received_on``).
- ``GET /disclosure/requests`` and ``GET /disclosure/requests/{request_no}``.
- ``POST /disclosure/requests/{request_no}/actions`` — ``request_clarification``, ``clarify``,
  ``extend``, ``consult_third_party``, ``third_party_replied``, ``reply``, ``withdraw``,
  ``publish``, ``unpublish``.
- ``GET /disclosure/annual-report?year=&agency_code=`` (``&format=xlsx`` or ``pdf``).

Order of checks as in the case engine: visibility (404) → right (403) → state (409) → input
(400); writes accept ``Idempotency-Key``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from onewindow.core import idempotency
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import ApiError, NotFound
from onewindow.core.masking import mask_id_number, mask_name, mask_phone
from onewindow.identity import queries as identity_queries
from onewindow.identity.api_auth import api_user
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import queries, replies, report, services
from .models import DisclosureRequest, RequestDocument, RequestStatus

router = Router(tags=["disclosure"])

STATE_ACTIONS: dict[str, list[str]] = {
    RequestStatus.PROCESSING: [
        "request_clarification",
        "extend",
        "consult_third_party",
        "reply",
        "withdraw",
    ],
    RequestStatus.AWAITING_CLARIFICATION: ["clarify", "withdraw"],
    RequestStatus.CONSULTING: ["third_party_replied", "extend", "withdraw"],
    RequestStatus.REPLIED: ["publish", "unpublish"],
}


class RequestApplicantIn(Schema):
    kind: str = Field(..., description="person 或 organization")
    name: str = Field(..., max_length=200)
    id_number: str | None = Field(None, max_length=18)
    credit_code: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=100, description="法人或其他组织的联系人")
    category: str | None = Field(
        None,
        max_length=20,
        description="年报申请人类别：natural_person、commercial、research、social_welfare、"
        "legal_service、other（法人默认按统一社会信用代码推定）",
    )


class RequestIn(Schema):
    agency_code: str = Field(..., max_length=16, description="受理机关（部门代码）")
    applicant: RequestApplicantIn | None = Field(
        None, description="工作人员代为登记时必填；本人申请可省略"
    )
    description: str = Field(..., max_length=4000, description="所需政府信息的名称、文号或特征描述")
    purpose: str | None = Field(None, max_length=1000)
    delivery_form: str = Field(
        ..., description="paper_mail、paper_pickup、email、online、fax、on_site"
    )
    channel: str | None = Field(
        None, description="online、in_person、post、ordinary_mail、fax（工作人员登记时填写）"
    )
    received_on: dt.date | None = Field(
        None, description="收到申请日期（信函、传真由工作人员登记）"
    )
    objects_to_publication: bool = Field(False, description="不同意在公开申请栏目公开本申请")


class RequestActionIn(Schema):
    action: str = Field(
        ...,
        description="request_clarification、clarify、extend、consult_third_party、"
        "third_party_replied、reply、withdraw、publish、unpublish",
    )
    reply_type: str | None = Field(None, max_length=24)
    reasons: list[str] | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=8000)
    days: int | None = Field(None, ge=1, le=30, description="延长或补正期限（工作日）")
    consultee: str | None = Field(None, max_length=200)
    consultation_kind: str | None = Field(None, max_length=16)
    outcome: str | None = Field(None, max_length=12)
    responsible_agency: str | None = Field(None, max_length=300)
    received_on: dt.date | None = None


class AgencyOut(Schema):
    code: str
    name: str


class RequestApplicantOut(Schema):
    kind: str
    category: str
    name: str
    id_number: str
    phone: str


class RequestEventOut(Schema):
    at: dt.datetime
    on: dt.date
    action: str
    actor: str | None
    note: str


class ConsultationOut(Schema):
    kind: str
    consultee: str
    started_on: dt.date
    ended_on: dt.date | None
    outcome: str
    paused_workdays: int


class ReplyOut(Schema):
    reply_type: str
    label: str
    basis: str
    reasons: list[str]
    note: str
    responsible_agency: str
    replied_on: dt.date | None
    on_time: bool | None


class DocumentOut(Schema):
    kind: str
    url: str


class ClarificationOut(Schema):
    requested_on: dt.date | None
    deadline: dt.date | None
    items: str
    received_on: dt.date | None


class RequestOut(Schema):
    request_no: str
    agency: AgencyOut
    status: str
    channel: str
    applicant: RequestApplicantOut
    description: str
    purpose: str
    delivery_form: str
    submitted_at: dt.datetime
    received_on: dt.date
    clock_start: dt.date
    due_date: dt.date | None = Field(description="答复期限；征求意见期间按已用天数顺延")
    clock_provisional: bool
    paused: bool
    paused_workdays: int
    extension_workdays: int
    clarification: ClarificationOut
    consultations: list[ConsultationOut]
    reply: ReplyOut | None
    result: str
    public: bool
    events: list[RequestEventOut]
    documents: list[DocumentOut]
    allowed_actions: list[str]


class RequestSummaryOut(Schema):
    request_no: str
    agency: AgencyOut
    status: str
    received_on: dt.date
    due_date: dt.date | None
    reply_type: str


class RequestPage(Schema):
    results: list[RequestSummaryOut]
    total: int
    page: int


def _applicant(request: DisclosureRequest) -> dict[str, str]:
    organization = request.applicant_kind == "organization"
    return {
        "kind": request.applicant_kind,
        "category": request.applicant_category,
        "name": request.applicant_name if organization else mask_name(request.applicant_name),
        "id_number": request.applicant_id_number
        if organization
        else mask_id_number(request.applicant_id_number),
        "phone": mask_phone(request.applicant_phone),
    }


def request_detail(http: HttpRequest, request: DisclosureRequest) -> dict[str, Any]:
    request = DisclosureRequest.objects.select_related("agency").get(pk=request.pk)
    spec = replies.REPLY_TYPES.get(request.reply_type)
    return {
        "request_no": request.request_no,
        "agency": {"code": request.agency.code, "name": request.agency.name},
        "status": request.status,
        "channel": request.channel,
        "applicant": _applicant(request),
        "description": request.description,
        "purpose": request.purpose,
        "delivery_form": request.delivery_form,
        "submitted_at": request.submitted_at,
        "received_on": request.received_on,
        "clock_start": request.clock_start,
        "due_date": services.effective_due_date(request),
        "clock_provisional": request.clock_provisional,
        "paused": request.status == RequestStatus.CONSULTING,
        "paused_workdays": request.paused_workdays,
        "extension_workdays": request.extension_workdays,
        "clarification": {
            "requested_on": request.clarification_requested_on,
            "deadline": request.clarification_deadline,
            "items": request.clarification_items,
            "received_on": request.clarified_on,
        },
        "consultations": [
            {
                "kind": c.kind,
                "consultee": c.consultee,
                "started_on": c.started_on,
                "ended_on": c.ended_on,
                "outcome": c.outcome,
                "paused_workdays": c.paused_workdays,
            }
            for c in request.consultations.all()
        ],
        "reply": {
            "reply_type": request.reply_type,
            "label": str(spec.label),
            "basis": spec.basis,
            "reasons": request.reasons,
            "note": request.reply_text,
            "responsible_agency": request.responsible_agency,
            "replied_on": request.replied_on,
            "on_time": request.on_time,
        }
        if spec
        else None,
        "result": request.result,
        "public": request.public,
        "events": [
            {
                "at": e.at,
                "on": e.on,
                "action": e.action,
                "actor": e.actor.username if e.actor else None,
                "note": e.note,
            }
            for e in request.events.select_related("actor")
        ],
        "documents": [
            {
                "kind": d.kind,
                "url": http.build_absolute_uri(
                    f"/api/v1/disclosure/requests/{request.request_no}/documents/{d.pk}"
                ),
            }
            for d in request.documents.all()
        ],
        "allowed_actions": STATE_ACTIONS.get(request.status, []),
    }


def _run(http: HttpRequest, key: str | None, payload: Any, status: int, work: Any) -> Any:
    return idempotency.api_write(
        http,
        user=api_user(http),
        key=key,
        payload=payload,
        status=status,
        work=work,
        render=lambda result: request_detail(http, result),
        transitions=(services.InvalidTransition,),
    )


WRITE_RESPONSES = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.post(
    "/disclosure/requests",
    response={201: RequestOut, **WRITE_RESPONSES},
    summary="提出政府信息公开申请",
)
def create_request(
    request: HttpRequest,
    body: RequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    payload = body.dict()
    agency = Department.objects.filter(code=body.agency_code, is_active=True).first()
    if agency is None:
        raise ApiError(
            400,
            "invalid_input",
            _("请求参数有误"),
            {"fields": {"agency_code": [_("机关 %(code)s 不存在") % {"code": body.agency_code}]}},
        )

    def work(user: User) -> DisclosureRequest:
        return services.file_request(
            agency=agency,
            applicant=payload["applicant"],
            description=body.description,
            purpose=body.purpose or "",
            delivery_form=body.delivery_form,
            channel=body.channel or "",
            received_on=body.received_on,
            objects_to_publication=body.objects_to_publication,
            actor=user,
        )

    return _run(request, idempotency_key, payload, 201, work)


@router.get(
    "/disclosure/requests",
    response={200: RequestPage, 400: ErrorOut, 401: ErrorOut},
    summary="政府信息公开申请列表",
)
def list_requests(
    request: HttpRequest,
    status: RequestStatus | None = Query(None),
    agency_code: str = Query("", max_length=16),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    rows = queries.visible_requests(api_user(request))
    if status:
        rows = rows.filter(status=status)
    if agency_code:
        rows = rows.filter(agency__code=agency_code)
    offset, limit = page_window(page, page_size)
    window = list(rows.order_by("-request_no")[offset : offset + limit])
    return {
        "results": [
            {
                "request_no": r.request_no,
                "agency": {"code": r.agency.code, "name": r.agency.name},
                "status": r.status,
                "received_on": r.received_on,
                "due_date": r.due_date,
                "reply_type": r.reply_type,
            }
            for r in window
        ],
        "total": rows.count(),
        "page": page,
    }


def _visible(http: HttpRequest, request_no: str) -> DisclosureRequest:
    found = queries.get_visible(api_user(http), request_no)
    if found is None:
        raise NotFound(_("申请不存在"), {"request_no": request_no[:20]})
    return found


@router.get(
    "/disclosure/requests/{request_no}",
    response={200: RequestOut, 401: ErrorOut, 404: ErrorOut},
    summary="政府信息公开申请详情",
)
def get_request(request: HttpRequest, request_no: str) -> Any:
    return request_detail(request, _visible(request, request_no))


@router.post(
    "/disclosure/requests/{request_no}/actions",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="办理政府信息公开申请",
)
def act(
    request: HttpRequest,
    request_no: str,
    body: RequestActionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    found = _visible(request, request_no)
    payload = body.dict()

    def work(user: User) -> DisclosureRequest:
        return services.perform(found, body.action, actor=user, payload=payload)

    return _run(request, idempotency_key, payload, 200, work)


@router.get(
    "/disclosure/requests/{request_no}/documents/{document_id}",
    response={200: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="下载申请文书（PDF）",
)
def get_document(request: HttpRequest, request_no: str, document_id: int) -> FileResponse:
    found = _visible(request, request_no)
    document = RequestDocument.objects.filter(request=found, pk=document_id).first()
    if document is None:
        raise NotFound(_("文书不存在"))
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{found.request_no}-{document.kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


REPORT_ROLES = ("disclosure_officer", "department_head", "centre_manager", "supervisor")


def report_agency(user: User, agency_code: str) -> Department | None:
    """The agency of a report the caller may read (None: the whole centre); raises."""
    if not user.has_role(*REPORT_ROLES):
        raise ApiError(403, "forbidden", _("无权查看年度报告"))
    if not agency_code:
        if not user.has_role("centre_manager", "supervisor"):
            raise ApiError(
                400,
                "invalid_input",
                _("请求参数有误"),
                {"fields": {"agency_code": [_("必填")]}},
            )
        return None
    agency = Department.objects.filter(code=agency_code).first()
    if agency is None:
        raise ApiError(
            400,
            "invalid_input",
            _("请求参数有误"),
            {"fields": {"agency_code": [_("机关 %(code)s 不存在") % {"code": agency_code}]}},
        )
    scope = identity_queries.department_scope(user)
    if scope is not None and agency.pk not in scope:
        raise ApiError(403, "forbidden", _("无权查看该机关的年度报告"))
    return agency


# ``format=xlsx`` and ``format=pdf`` answer with the workbook or the document instead of JSON.
REPORT_FILE_TYPES = {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type in (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
    )
}


@router.get(
    "/disclosure/annual-report",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）",
    openapi_extra={"responses": {200: {"content": REPORT_FILE_TYPES}}},
)
def annual_report(
    request: HttpRequest,
    year: int = Query(..., ge=2008, le=2100),
    agency_code: str = Query("", max_length=16),
    format: str = Query("json", pattern="^(json|xlsx|pdf)$"),
) -> Any:
    if year > timezone.localdate().year:
        raise ApiError(
            400, "invalid_input", _("请求参数有误"), {"fields": {"year": [_("不得晚于今年")]}}
        )
    agency = report_agency(api_user(request), agency_code)
    if format != "json":
        with translation.override("zh-hans"):  # the statutory format is Chinese
            return report.export_response(report.build(year, agency), format)
    return json.loads(json.dumps(report.build(year, agency), default=str))
