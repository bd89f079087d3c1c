"""Public pages of open government: the catalogue per agency, documents, interpretations,
guides, search, published requests, the exposure column and the published annual reports;
and the applicant's own requests. Staff pages are in ``manage_views``.

Views authorise (a decorator; then the object's visibility: 404 outside it), parse, call one
service or query, and render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.identity.access import authenticated, public
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import forms, queries, replies, report, search, services
from .models import (
    AnnualReport,
    Attachment,
    Category,
    DisclosureRequest,
    Document,
    Guide,
    Interpretation,
    PublishStatus,
    RequestDocument,
)

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join("、".join(v) for v in exc.message_dict.values())
    return "；".join(exc.messages)


def _agency(code: str) -> Department:
    return get_object_or_404(Department, code=code, is_active=True)


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


# --------------------------------------------------------------------------- proactive


@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/index.html",
        {
            "agencies": queries.agencies(),
            "latest": queries.published_documents()[:10],
            "interpretations": queries.published_interpretations()[:5],
            "emergencies": queries.pinned_emergency_notices(),
        },
    )


@public
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    agency_code = request.GET.get("agency", "")
    agency = Department.objects.filter(code=agency_code).first() if agency_code else None
    hits = search.search(query, agency_id=agency.pk if agency else None) if query else []
    return render(
        request,
        "disclosure/search.html",
        {"query": query, "hits": hits, "agency": agency, "agencies": queries.agencies()},
    )


@public
@require_safe
def agency(request: HttpRequest, code: str) -> HttpResponse:
    department = _agency(code)
    return render(
        request,
        "disclosure/agency.html",
        {
            "agency": department,
            "catalogue": queries.catalogue(department),
            "latest": queries.published_documents(agency=department)[:10],
            "interpretations": queries.published_interpretations(agency=department)[:5],
        },
    )


@public
@require_safe
def guide(request: HttpRequest, code: str) -> HttpResponse:
    department = _agency(code)
    return render(
        request,
        "disclosure/guide.html",
        {
            "agency": department,
            "guide": Guide.objects.filter(agency=department).first(),
            "catalogue": queries.catalogue(department),
        },
    )


@public
@require_safe
def category(request: HttpRequest, code: str, category: str) -> HttpResponse:
    department = _agency(code)
    heading = get_object_or_404(Category, agency=department, code=category)
    return render(
        request,
        "disclosure/category.html",
        {
            "agency": department,
            "category": heading,
            "page": _page(request, queries.published_documents(category=heading)),
        },
    )


@public
@require_safe
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(
        Document.objects.select_related("agency", "category"),
        pk=pk,
        status=PublishStatus.PUBLISHED,
    )
    return render(
        request,
        "disclosure/document.html",
        {
            "document": doc,
            "validity_today": doc.validity_on(timezone.localdate()),
            "attachments": doc.attachments.select_related("stored"),
            "interpretations": doc.interpretations.filter(status=PublishStatus.PUBLISHED),
        },
    )


@public
@require_safe
def interpretation(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Interpretation.objects.select_related("agency"), pk=pk, status=PublishStatus.PUBLISHED
    )
    return render(
        request,
        "disclosure/interpretation.html",
        {
            "interpretation": item,
            "documents": item.documents.filter(status=PublishStatus.PUBLISHED),
            "attachments": item.attachments.select_related("stored"),
        },
    )


@public
@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a published document or interpretation (nothing else)."""
    item = get_object_or_404(Attachment.objects.select_related("stored"), pk=pk)
    owner = item.document or item.interpretation
    if owner is None or owner.status != PublishStatus.PUBLISHED:
        raise Http404("not published")
    return FileResponse(
        item.stored.file.open("rb"),
        content_type=item.stored.content_type,
        filename=item.stored.name,
    )


# --------------------------------------------------------------------------- public requests


@public
@require_safe
def public_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/request_public_list.html",
        {"page": _page(request, queries.public_requests())},
    )


@public
@require_safe
def public_request(request: HttpRequest, request_no: str) -> HttpResponse:
    found = queries.public_requests().filter(request_no=request_no[:20]).first()
    if found is None:
        raise Http404("not a public request")
    return render(request, "disclosure/request_public.html", {"r": queries.public_page(found)})


# --------------------------------------------------------------------------- the applicant


@authenticated
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """An applicant files a request online for themself (art. 29)."""
    user = _user(request)
    if user.kind == User.Kind.STAFF:
        messages.info(request, _("工作人员请在政务公开工作台登记申请"))
        return redirect("disclosure:manage_request_new")
    choices = [(a.code, a.name) for a in queries.agencies()]
    form = forms.ApplyForm(
        request.POST or None, initial={"agency": request.GET.get("agency", "")}, agencies=choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_request(
                agency=_agency(data["agency"]),
                description=data["description"],
                purpose=data["purpose"],
                delivery_form=data["delivery_form"],
                objects_to_publication=data["objects_to_publication"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("申请已提交，申请编号 %(no)s，答复期限 %(due)s。")
                % {"no": filed.request_no, "due": filed.due_date},
            )
            return redirect("disclosure:my_request", filed.request_no)
    return render(request, "disclosure/apply.html", {"form": form})


@authenticated
@require_safe
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = queries.visible_requests(_user(request)).filter(filed_by=_user(request)) | (
        queries.visible_requests(_user(request)).filter(applicant=_user(request))
    )
    return render(
        request,
        "disclosure/my_request_list.html",
        {"page": _page(request, rows.distinct().order_by("-request_no"))},
    )


def _own(request: HttpRequest, request_no: str) -> DisclosureRequest:
    found = queries.get_visible(_user(request), request_no)
    if found is None or _user(request).kind == User.Kind.STAFF:
        raise Http404("no such request for this person")
    return found


@authenticated
@require_safe
def my_request(request: HttpRequest, request_no: str) -> HttpResponse:
    found = _own(request, request_no)
    spec = replies.REPLY_TYPES.get(found.reply_type)
    return render(
        request,
        "disclosure/my_request_detail.html",
        {
            "r": found,
            "spec": spec,
            "reasons": [replies.reason_label(found.reply_type, c) for c in found.reasons],
            "due": services.effective_due_date(found),
            "events": found.events.all(),
            "documents": found.documents.all(),
        },
    )


@authenticated
@require_POST
def my_request_action(request: HttpRequest, request_no: str, action: str) -> HttpResponse:
    found = _own(request, request_no)
    try:
        if action == "clarify":
            services.receive_clarification(
                found, actor=_user(request), note=request.POST.get("note", "")
            )
            messages.success(request, _("补正已提交，答复期限自今日起重新计算。"))
        elif action == "withdraw":
            services.withdraw_request(
                found, actor=_user(request), note=request.POST.get("note", "")
            )
            messages.success(request, _("申请已撤回。"))
        else:
            raise Http404("unknown action")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (PermissionDenied, services.InvalidTransition) as exc:
        messages.error(request, getattr(exc, "message", "") or _("当前状态不允许该操作"))
    return redirect("disclosure:my_request", found.request_no)


@authenticated
@require_safe
def my_request_document(request: HttpRequest, request_no: str, document_id: int) -> FileResponse:
    found = _own(request, request_no)
    doc = get_object_or_404(RequestDocument, request=found, pk=document_id)
    response = FileResponse(
        doc.file.open("rb"),
        content_type="application/pdf",
        filename=f"{found.request_no}-{doc.kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- exposure column


@public
@require_safe
def exposure_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/exposure_list.html",
        {"page": _page(request, queries.public_exposures())},
    )


@public
@require_safe
def exposure_detail(request: HttpRequest, report_no: str) -> HttpResponse:
    found = queries.public_exposures().filter(report_no=report_no[:20]).first()
    if found is None:
        raise Http404("not published")
    return render(request, "disclosure/exposure_detail.html", {"report": found})


@authenticated
@require_http_methods(["GET", "POST"])
def exposure_new(request: HttpRequest) -> HttpResponse:
    choices = [(a.code, a.name) for a in queries.agencies()]
    form = forms.ExposureForm(request.POST or None, agencies=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.submit_exposure(
                actor=_user(request),
                agency=Department.objects.filter(code=data["agency"]).first()
                if data["agency"]
                else None,
                service=data["service"],
                title=data["title"],
                description=data["description"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(
                request,
                _("已收到您反映的问题（编号 %(no)s），核实整改后将在本栏目公开处理结果。")
                % {"no": created.report_no},
            )
            return redirect("disclosure:exposure_list")
    return render(request, "disclosure/exposure_form.html", {"form": form})


# --------------------------------------------------------------------------- annual reports


@public
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    reports = AnnualReport.objects.exclude(published_at=None).select_related("agency")
    return render(request, "disclosure/report_list.html", {"reports": reports})


@public
@require_safe
def report_page(request: HttpRequest, year: int) -> HttpResponse:
    code = request.GET.get("agency", "")
    department = Department.objects.filter(code=code).first() if code else None
    if code and department is None:
        raise Http404("no such agency")
    published = AnnualReport.objects.filter(year=year, agency=department).exclude(published_at=None)
    if not published.exists():
        raise Http404("not published")
    data = report.build(year, department)
    fmt = request.GET.get("format", "")
    if fmt in {"xlsx", "pdf"}:
        with translation.override("zh-hans"):
            return report.export_response(report.build(year, department), fmt)
    return render(request, "disclosure/report_public.html", {"data": data, "agency": department})
