"""Cases section of the public API (API.md "Cases")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from pydantic import WithJsonSchema

from onewindow.catalog.models import ItemImplementation
from onewindow.core import idempotency
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import NotFound
from onewindow.core.masking import mask_id_number, mask_name, mask_phone
from onewindow.identity.api_auth import api_user
from onewindow.licences import queries as licence_queries

from . import engine, queries, services
from .models import Case, Document, Status

router = Router(tags=["cases"])

# The case states, published inline: the components are keyed by class name, and other apps'
# enums are called ``Status`` too.
CaseStatus = Annotated[
    Status, WithJsonSchema({"type": "string", "enum": Status.values, "title": "CaseStatus"})
]


class MaterialIn(Schema):
    requirement_id: int
    file_id: int | None = None
    licence_id: str | None = Field(None, max_length=100)


class CaseApplicantIn(Schema):
    kind: str = Field(..., description="person 或 organization")
    name: str = Field(..., max_length=200)
    id_number: str | None = Field(None, max_length=18)
    credit_code: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=20)


class CaseIn(Schema):
    item_code: str = Field(..., max_length=40)
    form: dict[str, Any] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)
    channel: str = Field("online", max_length=16)
    applicant: CaseApplicantIn | None = None


class CorrectionIn(Schema):
    requirement_id: int
    reason: str = Field(..., max_length=500)


class SuspensionIn(Schema):
    kind: str
    max_workdays: int


class DeliveryIn(Schema):
    method: str
    tracking_no: str | None = Field(None, max_length=50)


class CaseActionIn(Schema):
    action: str = Field(..., description="见 API.md：accept、reject、request_corrections…")
    task_id: int | None = None
    opinion: str | None = None
    note: str | None = Field(None, max_length=2000)
    reasons: list[str] | None = Field(None, max_length=50)
    corrections: list[CorrectionIn] | None = Field(None, max_length=200)
    suspension: SuspensionIn | None = None
    delivery: DeliveryIn | None = None
    materials: list[MaterialIn] | None = Field(None, max_length=200)


class CaseApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str


class TaskOut(Schema):
    id: int
    stage: str
    role: str
    department: str
    status: str
    assignee: str | None
    due_date: dt.date | None
    opinion: str


class CaseEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    note: str


class CaseDocumentOut(Schema):
    kind: str
    url: str


class CorrectionOut(Schema):
    requirement_id: int
    reason: str


class LicenceRef(Schema):
    licence_id: str
    name: str = ""
    status: str = ""
    issued_at: dt.date | None = None
    expires_at: dt.date | None = None


class CaseOut(Schema):
    case_no: str
    item_code: str
    status: str
    applicant: CaseApplicantOut
    channel: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    promised_due_date: dt.date | None
    statutory_due_date: dt.date | None
    alert: str
    paused_workdays: int
    tasks: list[TaskOut]
    events: list[CaseEventOut]
    documents: list[CaseDocumentOut]
    licences: list[LicenceRef]
    corrections: list[CorrectionOut]
    query_code: str
    allowed_actions: list[str]
    acceptance_overdue: bool = Field(description="已提交超过5个工作日仍未作出受理决定")


class CaseSummaryOut(Schema):
    case_no: str
    item_code: str
    item_name: str
    status: str
    submitted_at: dt.datetime | None
    promised_due_date: dt.date | None
    alert: str


class CasePage(Schema):
    results: list[CaseSummaryOut]
    total: int
    page: int


class PublicCaseOut(Schema):
    case_no: str
    item_name: str
    status: str
    stage: str | None
    promised_due_date: dt.date | None


def _applicant(case: Case) -> dict[str, str]:
    organization = case.applicant_kind == "organization"
    return {
        "kind": case.applicant_kind,
        "name": case.applicant_name if organization else mask_name(case.applicant_name),
        "id_number": case.applicant_id_number
        if organization
        else mask_id_number(case.applicant_id_number),
        "phone": mask_phone(case.applicant_phone),
    }


def _licences(case: Case) -> list[dict[str, Any]]:
    """The e-licences the case produced, every version, oldest first (API.md: ``licence_id``;
    the other fields as in ``GET /api/v1/licences``)."""
    today = timezone.localdate()
    return [
        {
            "licence_id": licence.identifier,
            "name": licence.licence_type.name,
            "status": licence.current_status(today),
            "issued_at": licence.issued_on,
            "expires_at": licence.expires_on,
        }
        # Only the columns shown (``current_status`` needs ``status`` and ``expires_on``).
        for licence in licence_queries.licences_of_case(case.case_no)
        .select_related(None)
        .select_related("licence_type")
        .only("identifier", "status", "issued_on", "expires_on", "licence_type__name")
    ]


_TASK_COLUMNS = (
    "case",
    "stage_name",
    "role",
    "department",
    "department__code",
    "status",
    "assignee",
    "assignee__username",
    "due_date",
    "opinion",
)
_EVENT_COLUMNS = ("case", "at", "action", "actor", "actor__username", "note")


def case_detail(request: HttpRequest, case: Case, *, reload: bool = True) -> dict[str, Any]:
    """The API's view of a case. ``reload=False`` when ``case`` was just read with its item
    (``queries.visible_cases``) or holds what a write left (``_as_written``); otherwise it is
    read again, as committed."""
    if reload:
        # The applicant too: ``allowed_actions`` asks whether an applicant-side caller may act
        # for them.
        case = Case.objects.select_related("implementation", "item_version", "applicant").get(
            pk=case.pk
        )
    # Only the columns shown and those ``services.actions_for`` reads (status, role,
    # department): no account is loaded whole, so no personal field is decrypted. The models'
    # orderings start with the case, which is one here: it is left out (no join to the case).
    tasks = (
        case.tasks.select_related("department", "assignee")
        .only(*_TASK_COLUMNS)
        .order_by("stage", "id")
    )
    events = case.events.select_related("actor").only(*_EVENT_COLUMNS).order_by("at", "id")
    return {
        "case_no": case.case_no,
        "item_code": case.implementation.implementation_code,
        "status": case.status,
        "applicant": _applicant(case),
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "promised_due_date": case.promised_due_date,
        "statutory_due_date": case.statutory_due_date,
        "alert": queries.alert(case),
        "paused_workdays": case.paused_workdays,
        "tasks": [
            {
                "id": t.pk,
                "stage": t.stage_name,
                "role": t.role,
                "department": t.department.code,
                "status": t.status,
                "assignee": t.assignee.username if t.assignee else None,
                "due_date": t.due_date,
                "opinion": t.opinion,
            }
            for t in tasks
        ],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "actor": e.actor.username if e.actor else None,
                "note": e.note,
            }
            for e in events
        ],
        "documents": [
            {
                "kind": d.kind,
                "url": request.build_absolute_uri(f"/api/v1/cases/{case.case_no}/documents/{d.pk}"),
            }
            for d in case.documents.only("case", "kind").order_by("created_at", "id")
        ],
        "licences": _licences(case),
        "corrections": [
            {"requirement_id": c["requirement_id"], "reason": c["reason"]} for c in case.corrections
        ],
        "query_code": case.query_code,
        # What the caller may do now: the state table narrowed to the caller's rights.
        "allowed_actions": services.actions_for(api_user(request), case, tasks),
        "acceptance_overdue": queries.acceptance_overdue(case),
    }


# What ``case_detail`` reads of a case's item and applicant, besides the case's own columns.
_CARRIED_RELATIONS = (Case.implementation.field, Case.item_version.field, Case.applicant.field)


def _as_written(case: Case, read: Case | None) -> Case | None:
    """``case`` as the service left it, ready for ``case_detail`` without reading it again, or
    None when it cannot be.

    A service returns the case row it wrote: created in full (``submit_case``, with its item
    and applicant), or locked and written by an action (``services._lock``), which leaves the
    encrypted applicant fields unread. Those (no action changes them) and the item (an
    implementation and a frozen published version) are taken from ``read``, the same case
    read for this request; anything neither holds is loaded when used, as usual.
    """
    if read is not None:
        if read is case or read.pk != case.pk:  # not a row the service read and wrote itself
            return None
        loaded = read.get_deferred_fields()
        for name in case.get_deferred_fields():
            if name not in loaded:
                setattr(case, name, getattr(read, name))
        for field in _CARRIED_RELATIONS:
            if (
                not field.is_cached(case)
                and field.is_cached(read)
                and getattr(case, field.attname) == getattr(read, field.attname)
            ):
                field.set_cached_value(case, field.get_cached_value(read))
    if case.get_deferred_fields():
        return None
    return case


def _run(
    request: HttpRequest,
    key: str | None,
    payload: Any,
    status: int,
    work: Any,
    read: Case | None = None,
) -> Any:
    """``work`` under the key; the answer is the case as the write left it (``read``: the case
    as read for this request, before the write)."""

    def render(result: Case) -> dict[str, Any]:
        written = _as_written(result, read)
        if written is None:
            return case_detail(request, result)
        return case_detail(request, written, reload=False)

    return idempotency.api_write(
        request,
        user=api_user(request),
        key=key,
        payload=payload,
        status=status,
        work=work,
        render=render,
        transitions=(engine.InvalidTransition,),
    )


@router.post(
    "/cases",
    response={
        201: CaseOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="提交申请",
)
def create_case(
    request: HttpRequest,
    body: CaseIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    implementation = (
        ItemImplementation.objects.select_related("current_version", "department")
        .filter(implementation_code=body.item_code)
        .first()
    )
    if implementation is None:
        raise NotFound(_("事项 %(code)s 不存在") % {"code": body.item_code})
    payload = body.dict()

    def work(user: Any) -> Case:
        return services.submit_case(
            implementation,
            form=payload["form"],
            materials=payload["materials"],
            channel=payload["channel"],
            actor=user,
            applicant=payload["applicant"],
        )

    return _run(request, idempotency_key, payload, 201, work)


@router.get("/cases", response={200: CasePage, 400: ErrorOut, 401: ErrorOut}, summary="办件列表")
def list_cases(
    request: HttpRequest,
    status: CaseStatus | None = Query(None),
    alert: str | None = Query(None, pattern="^(none|green|yellow|red)$"),
    item_code: str = Query("", max_length=40),
    department: str = Query("", max_length=16),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    cases = queries.visible_cases(api_user(request))
    if status:
        cases = cases.filter(status=status)
    if item_code:
        cases = cases.filter(implementation__implementation_code=item_code)
    if department:
        cases = cases.filter(lead_department__code=department)
    offset, limit = page_window(page, page_size)
    # The colour in SQL, by the same rule as the detail's (cases.alerts), thresholds read once.
    cases = cases.annotate(alert_rank=queries.alert_rank(timezone.localdate()))
    if alert:
        cases = cases.filter(alert_rank=queries.ALERT_RANK[alert])
    total, window = cases.count(), list(cases.order_by("-case_no")[offset : offset + limit])
    return {
        "results": [
            {
                "case_no": c.case_no,
                "item_code": c.implementation.implementation_code,
                "item_name": c.item_version.name,
                "status": c.status,
                "submitted_at": c.submitted_at,
                "promised_due_date": c.promised_due_date,
                "alert": queries.ALERTS[c.alert_rank],
            }
            for c in window
        ],
        "total": total,
        "page": page,
    }


def _visible(request: HttpRequest, case_no: str) -> Case:
    case = queries.get_visible(api_user(request), case_no[:32])
    if case is None:
        raise NotFound(_("办件不存在"), {"case_no": case_no[:32]})
    return case


@router.get(
    "/cases/{case_no}", response={200: CaseOut, 401: ErrorOut, 404: ErrorOut}, summary="办件详情"
)
def get_case(request: HttpRequest, case_no: str) -> Any:
    return case_detail(request, _visible(request, case_no), reload=False)


@router.post(
    "/cases/{case_no}/actions",
    response={
        200: CaseOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="办件操作",
)
def act(
    request: HttpRequest,
    case_no: str,
    body: CaseActionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    case = _visible(request, case_no)
    payload = body.dict()

    def work(user: Any) -> Case:
        return services.perform(case, body.action, actor=user, payload=payload)

    return _run(request, idempotency_key, payload, 200, work, read=case)


@router.get(
    "/cases/{case_no}/documents/{document_id}",
    response={200: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="下载办件文书",
)
def get_document(request: HttpRequest, case_no: str, document_id: int) -> FileResponse:
    case = _visible(request, case_no)
    document = Document.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise NotFound(_("文书不存在"))
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{case.case_no}-{document.kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/public/cases/{case_no}",
    response={200: PublicCaseOut, 400: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="公开进度查询（办件编号＋查询码）",
)
def public_case(
    request: HttpRequest, case_no: str, query_code: str = Query(..., min_length=1, max_length=12)
) -> Any:
    case = queries.public_lookup(case_no, query_code)
    if case is None:
        raise NotFound(_("办件编号或查询码不正确"))
    return {
        "case_no": case.case_no,
        "item_name": case.item_version.name,
        "status": case.status,
        "stage": case.active_stage_name,  # read with the case by ``public_lookup``
        "promised_due_date": case.promised_due_date,
    }
