"""Internal ticket handling over the API: ``/api/v1/tickets`` (API.md "Hotline").

Staff only: the hotline office and overseers see every ticket, department staff the tickets
dispatched to their departments. Actions go through ``services.perform`` under the state
table; writes accept ``Idempotency-Key``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from onewindow.core import idempotency
from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import ApiError, NotFound
from onewindow.identity.api_auth import api_user
from onewindow.identity.models import User

from . import lifecycle, queries, search, services, stats
from .models import Category, Channel, Kind, Status, Ticket, Urgency

router = Router(tags=["hotline"])


class TicketIn(Schema):
    channel: Channel = Channel.PHONE
    kind: Kind
    urgency: Urgency = Urgency.NORMAL
    category: str | None = Field(None, max_length=32, description="派单目录分类编码")
    title: str = Field("", max_length=200)
    description: str = Field(..., min_length=1, max_length=4000)
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=20)
    caller_wants_anonymity: bool = False
    address: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    long: float | None = Field(None, ge=-180, le=180)
    attributes: dict[str, Any] = Field(default_factory=dict)


class TicketActionIn(Schema):
    action: str = Field(..., description="accept、dispatch、sign、return、reply、callback…")
    note: str | None = Field(None, max_length=2000)
    kind: str | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=32)
    reason: str | None = Field(None, max_length=20, description="refuse 的原因")
    referral: str | None = Field(None, max_length=300)
    into: str | None = Field(None, max_length=20, description="merge 的目标工单编号")
    reply: str | None = Field(None, max_length=4000)
    knowledge_id: int | None = None
    lead: str | None = Field(None, max_length=16, description="主办部门代码")
    assisting: list[str] | None = Field(None, max_length=20)
    reasons: str | None = Field(None, max_length=2000, description="退单理由")
    suggested_department: str | None = Field(None, max_length=16)
    opinion: str | None = Field(None, max_length=2000)
    workdays: int | None = Field(None, ge=1, le=365)
    approve: bool | None = None
    result: str | None = Field(None, max_length=20, description="satisfied 或 unsatisfied")


class AssignmentOut(Schema):
    department: str
    role: str
    status: str
    opinion: str


class TicketEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    note: str


class TicketOut(Schema):
    ticket_no: str
    status: str
    channel: str
    kind: str
    urgency: str
    category: str | None
    description: str
    caller_name: str
    caller_phone: str
    address: str
    lat: float | None
    long: float | None
    lead_department: str | None
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    due_date: dt.date | None
    due_provisional: bool
    extended_workdays: int
    overdue: bool
    reply: str
    replied_at: dt.datetime | None
    replied_on_time: bool | None
    callback_result: str
    reopen_count: int
    refusal_reason: str
    referral: str
    merged_into: str | None
    assignments: list[AssignmentOut]
    events: list[TicketEventOut]
    allowed_actions: list[str]


class TicketSummaryOut(Schema):
    ticket_no: str
    status: str
    kind: str
    category: str | None
    lead_department: str | None
    received_at: dt.datetime
    due_date: dt.date | None
    overdue: bool


class TicketPage(Schema):
    results: list[TicketSummaryOut]
    total: int
    page: int


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    lead_department: str
    assisting_departments: list[str]


class KnowledgeOut(Schema):
    id: int
    question: str
    answer: str
    department: str
    items: list[str]
    usage_count: int
    score: float


def _ticket(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    ticket = Ticket.objects.select_related("category", "lead_department", "merged_into").get(
        pk=ticket.pk
    )
    return {
        "ticket_no": ticket.ticket_no,
        "status": ticket.status,
        "channel": ticket.channel,
        "kind": ticket.kind,
        "urgency": ticket.urgency,
        "category": ticket.category.code if ticket.category else None,
        "description": ticket.description,
        "caller_name": ticket.masked_caller_name,
        "caller_phone": ticket.masked_caller_phone,
        "address": ticket.address,
        "lat": float(ticket.lat) if ticket.lat is not None else None,
        "long": float(ticket.long) if ticket.long is not None else None,
        "lead_department": ticket.lead_department.code if ticket.lead_department else None,
        "received_at": ticket.received_at,
        "accepted_at": ticket.accepted_at,
        "due_date": ticket.due_date,
        "due_provisional": ticket.due_provisional,
        "extended_workdays": ticket.extended_workdays,
        "overdue": ticket.overdue(),
        "reply": ticket.reply,
        "replied_at": ticket.replied_at,
        "replied_on_time": ticket.replied_on_time,
        "callback_result": ticket.callback_result,
        "reopen_count": ticket.reopen_count,
        "refusal_reason": ticket.refusal_reason,
        "referral": ticket.referral,
        "merged_into": ticket.merged_into.ticket_no if ticket.merged_into else None,
        "assignments": [
            {
                "department": a.department.code,
                "role": a.role,
                "status": a.status,
                "opinion": a.opinion,
            }
            for a in ticket.assignments.select_related("department")
        ],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "actor": e.actor.username if e.actor else None,
                "note": e.note,
            }
            for e in ticket.events.select_related("actor")
        ],
        "allowed_actions": queries.allowed_actions(api_user(request), ticket),
    }


def _staff(request: HttpRequest, *roles: str) -> User:
    user = api_user(request)
    if not user.has_role(*(roles or queries.STAFF_ROLES)):
        raise ApiError(403, "forbidden", _("无权访问热线工单"))
    return user


def _run(request: HttpRequest, key: str | None, payload: Any, status: int, work: Any) -> Any:
    return idempotency.api_write(
        request,
        user=api_user(request),
        key=key,
        payload=payload,
        status=status,
        work=work,
        render=lambda result: _ticket(request, result),
        transitions=(lifecycle.InvalidTransition,),
    )


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/tickets", response={201: TicketOut, **ERRORS}, summary="登记热线工单")
def create_ticket(
    request: HttpRequest,
    body: TicketIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    _staff(request, "hotline_agent")
    payload = body.dict()

    def work(user: User) -> Ticket:
        return services.create_ticket(payload, actor=user, accept=True)

    return _run(request, idempotency_key, payload, 201, work)


@router.get(
    "/tickets",
    response={200: TicketPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="工单列表",
)
def list_tickets(
    request: HttpRequest,
    status: Status | None = Query(None),
    kind: Kind | None = Query(None),
    category: str = Query("", max_length=32),
    department: str = Query("", max_length=16),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    tickets = queries.visible_tickets(_staff(request))
    if status:
        tickets = tickets.filter(status=status)
    if kind:
        tickets = tickets.filter(kind=kind)
    if category:
        tickets = tickets.filter(category__code=category)
    if department:
        tickets = tickets.filter(lead_department__code=department)
    offset, limit = page_window(page, page_size)
    rows = list(tickets.order_by("-received_at", "-pk")[offset : offset + limit])
    return {
        "results": [
            {
                "ticket_no": t.ticket_no,
                "status": t.status,
                "kind": t.kind,
                "category": t.category.code if t.category else None,
                "lead_department": t.lead_department.code if t.lead_department else None,
                "received_at": t.received_at,
                "due_date": t.due_date,
                "overdue": t.overdue(),
            }
            for t in rows
        ],
        "total": tickets.count(),
        "page": page,
    }


@router.get(
    "/tickets/stats",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="热线统计",
)
def ticket_stats(
    request: HttpRequest,
    from_: dt.date | None = Query(None, alias="from"),
    to: dt.date | None = Query(None),
) -> dict[str, Any]:
    _staff(request, *queries.STATS_ROLES)
    date_to = to or timezone.localdate()
    date_from = from_ or date_to - dt.timedelta(days=29)
    if date_from > date_to or (date_to - date_from).days > 366:
        raise ApiError(
            400,
            "invalid_input",
            _("请求参数有误"),
            {"fields": {"from": [_("起止日期须在一年之内且起始不晚于截止")]}},
        )
    return stats.summary(date_from, date_to)


@router.get(
    "/tickets/categories",
    response={200: list[CategoryOut], 401: ErrorOut, 403: ErrorOut},
    summary="派单目录",
)
def list_categories(request: HttpRequest) -> list[dict[str, Any]]:
    _staff(request)
    return [
        {
            "code": c.code,
            "name": c.name,
            "group": c.group,
            "lead_department": c.lead_department.code,
            "assisting_departments": [d.code for d in c.assisting_departments.all()],
        }
        for c in Category.objects.filter(is_active=True)
        .select_related("lead_department")
        .prefetch_related("assisting_departments")
    ]


@router.get(
    "/tickets/knowledge",
    response={200: list[KnowledgeOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="检索热线知识库",
)
def search_knowledge(
    request: HttpRequest, q: str = Query(..., min_length=1, max_length=200)
) -> list[dict[str, Any]]:
    _staff(request, "hotline_agent", *queries.DEPARTMENT_ROLES)
    return [
        {
            "id": hit.answer.pk,
            "question": hit.answer.question,
            "answer": hit.answer.answer,
            "department": hit.answer.department.code,
            "items": [i.implementation_code for i in hit.answer.items.all()],
            "usage_count": hit.answer.usage_count,
            "score": round(hit.score, 4),
        }
        for hit in search.search_answers(q)
    ]


def _visible(request: HttpRequest, ticket_no: str) -> Ticket:
    ticket = queries.get_visible(_staff(request), ticket_no)
    if ticket is None:
        raise NotFound(_("工单不存在"), {"ticket_no": ticket_no[:20]})
    return ticket


@router.get(
    "/tickets/{ticket_no}",
    response={200: TicketOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="工单详情",
)
def get_ticket(request: HttpRequest, ticket_no: str) -> Any:
    return _ticket(request, _visible(request, ticket_no))


@router.post(
    "/tickets/{ticket_no}/actions", response={200: TicketOut, **ERRORS}, summary="工单操作"
)
def act(
    request: HttpRequest,
    ticket_no: str,
    body: TicketActionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    ticket = _visible(request, ticket_no)
    payload = body.dict()

    def work(user: User) -> Ticket:
        return services.perform(ticket, body.action, actor=user, payload=payload)

    return _run(request, idempotency_key, payload, 200, work)
