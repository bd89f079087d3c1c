"""Reads of open government: who sees which request, the deadlines other apps watch, the
published catalogue, the pinned emergency notices and the public request pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User
from onewindow.org.models import Department

from .models import (
    OPEN_STATUSES,
    Category,
    DisclosureRequest,
    Document,
    ExposureReport,
    ExposureStatus,
    Interpretation,
    PublishStatus,
    RequestStatus,
)

STAFF_ROLES = ("disclosure_officer", "department_head", "centre_manager", "supervisor")
EMERGENCY_CACHE_SECONDS = 60


# --------------------------------------------------------------------------- requests


def visible_requests(user: User) -> QuerySet[DisclosureRequest]:
    """Requests ``user`` may see: staff those of their agencies (centre-wide roles all of
    them), applicants their own and those of the persons they act for."""
    requests = DisclosureRequest.objects.select_related("agency")
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.kind == User.Kind.STAFF:
        if not user.has_role(*STAFF_ROLES, "window_clerk"):
            return requests.none()
        scope = identity_queries.department_scope(user)
        if scope is None:
            return requests
        if user.has_role("window_clerk"):
            return requests.filter(Q(agency_id__in=scope) | Q(filed_by=user))
        return requests.filter(agency_id__in=scope)
    principals = identity_queries.principals_of(user, "follow")
    return requests.filter(Q(applicant__in=principals) | Q(filed_by=user))


def get_visible(user: User, request_no: str) -> DisclosureRequest | None:
    return visible_requests(user).filter(request_no=request_no[:20]).first()


@dataclass(frozen=True)
class DueRequest:
    """An open request and the day its reply is due (the running consultation counted)."""

    request_id: int
    request_no: str
    agency_id: int
    agency_code: str
    status: str
    received_on: dt.date
    due_date: dt.date
    paused: bool  # a consultation stops the clock right now


def open_requests_due(before_date: dt.date, *, as_of: dt.date | None = None) -> list[DueRequest]:
    """Open requests whose reply is due on or before ``before_date``, earliest first.

    For the supervision sweep: it watches these like case deadlines. A request awaiting the
    applicant's clarification has no running deadline and is not listed; a request under
    consultation is due later by the working days the consultation has taken so far (as of
    ``as_of``, default today), at most 15.
    """
    from . import services

    as_of = as_of or timezone.localdate()
    candidates = (
        DisclosureRequest.objects.filter(
            status__in=[RequestStatus.PROCESSING, RequestStatus.CONSULTING],
            due_date__lte=before_date,
        )
        .select_related("agency")
        .order_by("due_date", "request_no")
    )
    due: list[DueRequest] = []
    for request in candidates:
        effective = services.effective_due_date(request, as_of)
        if effective is None or effective > before_date:
            continue
        due.append(
            DueRequest(
                request_id=request.pk,
                request_no=request.request_no,
                agency_id=request.agency_id,
                agency_code=request.agency.code,
                status=request.status,
                received_on=request.received_on,
                due_date=effective,
                paused=request.status == RequestStatus.CONSULTING,
            )
        )
    due.sort(key=lambda d: (d.due_date, d.request_no))
    return due


def open_requests(agency_ids: set[int] | None) -> QuerySet[DisclosureRequest]:
    requests = DisclosureRequest.objects.filter(status__in=OPEN_STATUSES).select_related("agency")
    if agency_ids is not None:
        requests = requests.filter(agency_id__in=agency_ids)
    return requests.order_by("due_date", "request_no")


# --------------------------------------------------------------------------- personal data

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_CREDIT_CODE = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def redact(text: str, request: DisclosureRequest) -> str:
    """``text`` with the applicant's personal data removed: their name, contact person,
    address, e-mail, phone and ID number wherever they appear, and anything shaped like an
    ID number, credit code, phone number or e-mail address."""
    mark = _("〔个人信息已删除〕")
    text = text or ""
    known = [
        request.applicant_address,
        request.applicant_email,
        request.applicant_phone,
        request.applicant_id_number,
        request.contact_name,
    ]
    if request.applicant_kind == "person":
        known.append(request.applicant_name)
        if len(request.applicant_name) >= 2:
            known.append(request.applicant_name[1:])  # the given name alone
    for value in sorted((v for v in known if v and len(v.strip()) >= 2), key=len, reverse=True):
        text = text.replace(value.strip(), mark)
    for pattern in (_EMAIL, _ID_NUMBER, _CREDIT_CODE, _MOBILE, _LANDLINE):
        text = pattern.sub(mark, text)
    return text


def public_requests() -> QuerySet[DisclosureRequest]:
    """Replied requests published on the public pages (never those the applicant objected to)."""
    return (
        DisclosureRequest.objects.filter(
            public=True, status=RequestStatus.REPLIED, objects_to_publication=False
        )
        .select_related("agency")
        .defer("applicant_id_number", "applicant_phone", "applicant_email", "applicant_address")
        .order_by("-replied_on", "-request_no")
    )


# Steps of the timeline a public page shows (publishing itself and withdrawals are not shown).
PUBLIC_EVENTS = frozenset(
    {
        "file",
        "request_clarification",
        "clarify",
        "extend",
        "consult_third_party",
        "third_party_replied",
        "consultation_lapsed",
        "reply",
    }
)


def public_page(request: DisclosureRequest) -> dict[str, Any]:
    """What the public page of a request shows: no name, no contact, no account, no actor."""
    from . import replies

    spec = replies.REPLY_TYPES.get(request.reply_type)
    timeline = [
        {"on": event.on, "label": event.label}
        for event in request.events.all()
        if event.action in PUBLIC_EVENTS
    ]
    return {
        "request_no": request.request_no,
        "agency": request.agency,
        "applicant_label": request.get_applicant_category_display(),
        "received_on": request.received_on,
        "description": redact(request.description, request),
        "timeline": timeline,
        "reply_type": spec.label if spec else "",
        "basis": spec.basis if spec else "",
        "reasons": [replies.reason_label(request.reply_type, r) for r in request.reasons],
        "reply_text": redact(request.reply_text, request),
        "replied_on": request.replied_on,
        "on_time": request.on_time,
    }


# --------------------------------------------------------------------------- proactive


def agencies() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("sort_order", "code")


def catalogue(agency: Department) -> list[dict[str, Any]]:
    """The agency's categories with the number of published documents in each."""
    counts: dict[int, int] = {}
    for category_id in Document.objects.filter(
        agency=agency, status=PublishStatus.PUBLISHED
    ).values_list("category_id", flat=True):
        counts[category_id] = counts.get(category_id, 0) + 1
    return [
        {"category": category, "count": counts.get(category.pk, 0)}
        for category in Category.objects.filter(agency=agency)
    ]


def published_documents(
    *, agency: Department | None = None, category: Category | None = None
) -> QuerySet[Document]:
    documents = Document.objects.filter(status=PublishStatus.PUBLISHED).select_related(
        "agency", "category"
    )
    if agency is not None:
        documents = documents.filter(agency=agency)
    if category is not None:
        documents = documents.filter(category=category)
    return documents.order_by("-published_at", "-pk")


def published_interpretations(*, agency: Department | None = None) -> QuerySet[Interpretation]:
    interpretations = Interpretation.objects.filter(status=PublishStatus.PUBLISHED).select_related(
        "agency"
    )
    if agency is not None:
        interpretations = interpretations.filter(agency=agency)
    return interpretations.order_by("-published_at", "-pk")


def pinned_emergency_notices() -> list[Document]:
    """Published emergency notices, newest first: pinned on the home page until withdrawn."""
    from .services import EMERGENCY_CACHE_KEY

    notices: list[Document] | None = cache.get(EMERGENCY_CACHE_KEY)
    if notices is None:
        notices = list(
            Document.objects.filter(status=PublishStatus.PUBLISHED, is_emergency=True)
            .select_related("agency")
            .only("pk", "title", "published_at", "summary", "agency__name", "agency__code")
            .order_by("-published_at")[:5]
        )
        cache.set(EMERGENCY_CACHE_KEY, notices, EMERGENCY_CACHE_SECONDS)
    return notices


def public_exposures() -> QuerySet[ExposureReport]:
    return (
        ExposureReport.objects.filter(public=True, status=ExposureStatus.FIXED)
        .select_related("agency")
        .order_by("-fixed_at")
    )


def staff_agencies(user: User) -> QuerySet[Department]:
    """The agencies whose disclosure work ``user`` may see as staff."""
    scope = identity_queries.department_scope(user)
    if scope is None:
        return agencies()
    return agencies().filter(pk__in=scope)
