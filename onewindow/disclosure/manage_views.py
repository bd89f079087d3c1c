"""Staff pages of open government (政务公开工作台): documents and interpretations through
review and publishing, the agency's guide, requests on application with every action, the
annual report and the exposure column.

Every page needs a disclosure role; objects outside the caller's agencies answer 404; the
services check the right to each action (officer, head) and the state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases.files import UploadRejected, store_upload
from onewindow.identity import queries as identity_queries
from onewindow.identity.access import require_roles
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import deadlines, forms, queries, replies, report, services
from .models import (
    AnnualReport,
    Category,
    Consultation,
    DisclosureRequest,
    Document,
    ExposureReport,
    ExposureStatus,
    Guide,
    Interpretation,
    PublishStatus,
    RequestDocument,
    RequestStatus,
)
from .views import error_text

staff = require_roles(*queries.STAFF_ROLES)
intake = require_roles("disclosure_officer", "window_clerk")
exposure_staff = require_roles("centre_manager", "supervisor", "disclosure_officer")
PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _scope(request: HttpRequest) -> set[int] | None:
    return identity_queries.department_scope(_user(request))


def _in_scope(request: HttpRequest, agency_id: int) -> bool:
    scope = _scope(request)
    return scope is None or agency_id in scope


def _fail(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, error_text(exc))
    elif isinstance(exc, services.InvalidTransition):
        messages.error(request, exc.message or _("当前状态不允许该操作"))
    else:
        messages.error(request, str(exc) or _("无权执行该操作"))


ERRORS = (ValidationError, PermissionDenied, services.InvalidTransition)


@staff
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    soon = deadlines.reply_due(today).date  # due within the next 20 working days
    due = [d for d in queries.open_requests_due(soon) if scope is None or d.agency_id in scope]
    review = Document.objects.filter(status=PublishStatus.REVIEW)
    if scope is not None:
        review = review.filter(agency_id__in=scope)
    return render(
        request,
        "disclosure/manage/dashboard.html",
        {
            "due": due,
            "today": today,
            "review": review.select_related("agency")[:20],
            "agencies": queries.staff_agencies(_user(request)),
            "year": today.year - 1,
        },
    )


# --------------------------------------------------------------------------- documents


def _categories(request: HttpRequest) -> list[tuple[str, str]]:
    choices = []
    for department in queries.staff_agencies(_user(request)):
        if not services.is_officer(_user(request), department.pk):
            continue
        for heading in services.ensure_catalogue(department, actor=_user(request)):
            choices.append((str(heading.pk), f"{department.name} · {heading.name}"))
    return choices


@staff
@require_safe
def document_list(request: HttpRequest) -> HttpResponse:
    rows = Document.objects.select_related("agency", "category").order_by("-updated_at")
    scope = _scope(request)
    if scope is not None:
        rows = rows.filter(agency_id__in=scope)
    status = request.GET.get("status", "")
    if status in PublishStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "disclosure/manage/document_list.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": PublishStatus.choices,
        },
    )


@staff
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    doc = None
    if pk is not None:
        doc = get_object_or_404(Document.objects.select_related("agency", "category"), pk=pk)
        if not _in_scope(request, doc.agency_id):
            raise Http404("outside the caller's agencies")
    initial: dict[str, Any] = {}
    if doc is not None:
        initial = {f: getattr(doc, f) for f in services.DOCUMENT_FIELDS}
        initial["category"] = str(doc.category_id)
    form = forms.DocumentForm(
        request.POST or None, initial=initial, categories=_categories(request)
    )
    editable = doc is None or doc.status == PublishStatus.DRAFT
    if request.method == "POST" and editable and form.is_valid():
        data = dict(form.cleaned_data)
        heading = Category.objects.select_related("agency").filter(pk=data.pop("category")).first()
        try:
            if heading is None:
                raise ValidationError({"category": _("栏目不存在")})
            if doc is None:
                doc = services.create_document(heading.agency, heading, data, actor=user)
            else:
                doc = services.update_document(doc, data, actor=user, category=heading)
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except (PermissionDenied, services.InvalidTransition) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("disclosure:manage_document", doc.pk)
    return render(
        request,
        "disclosure/manage/document_form.html",
        {
            "form": form,
            "document": doc,
            "editable": editable,
            "attachments": doc.attachments.select_related("stored") if doc else [],
            "may_review": doc is not None and services.is_head(user, doc.agency_id),
            "may_edit": doc is None or services.is_officer(user, doc.agency_id),
        },
    )


def _publishable_action(request: HttpRequest, obj: Document | Interpretation, action: str) -> None:
    user = _user(request)
    post = request.POST
    if action == "submit":
        services.submit_for_review(obj, actor=user)
        messages.success(request, _("已提交审核。"))
    elif action == "approve":
        raw = post.get("publish_at", "").strip()
        publish_at = None
        if raw:
            parsed = parse_datetime(raw)
            if parsed is None:
                raise ValidationError({"publish_at": _("定时发布时间格式不正确")})
            publish_at = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        obj = services.approve(obj, actor=user, publish_at=publish_at)
        if obj.status == PublishStatus.SCHEDULED:
            messages.success(request, _("审核通过，将于 %(at)s 发布。") % {"at": raw})
        else:
            messages.success(request, _("审核通过，已发布。"))
    elif action == "return":
        services.return_to_draft(obj, actor=user, note=post.get("note", ""))
        messages.success(request, _("已退回修改。"))
    elif action == "withdraw":
        services.withdraw(obj, actor=user, reason=post.get("reason", ""))
        messages.success(request, _("已撤回。"))
    elif action == "repeal" and isinstance(obj, Document):
        day = post.get("repealed_on", "")
        try:
            repealed_on = dt.date.fromisoformat(day)
        except ValueError:
            raise ValidationError({"repealed_on": _("日期格式应为 YYYY-MM-DD")}) from None
        services.repeal_document(
            obj, actor=user, repealed_on=repealed_on, validity=post.get("validity", "repealed")
        )
        messages.success(request, _("已变更效力状态。"))
    elif action == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("请选择文件")})
        try:
            stored = store_upload(upload, actor=user, request=request)
        except UploadRejected as exc:
            raise ValidationError({"file": exc.message}) from exc
        services.add_attachment(obj, stored, actor=user, name=post.get("name", ""))
        messages.success(request, _("附件已上传。"))
    else:
        raise Http404("unknown action")


@staff
@require_POST
def document_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    doc = get_object_or_404(Document, pk=pk)
    if not _in_scope(request, doc.agency_id):
        raise Http404("outside the caller's agencies")
    try:
        _publishable_action(request, doc, action)
    except ERRORS as exc:
        _fail(request, exc)
    return redirect("disclosure:manage_document", doc.pk)


# --------------------------------------------------------------------------- interpretations


@staff
@require_safe
def interpretation_list(request: HttpRequest) -> HttpResponse:
    rows = Interpretation.objects.select_related("agency").order_by("-updated_at")
    scope = _scope(request)
    if scope is not None:
        rows = rows.filter(agency_id__in=scope)
    return render(
        request,
        "disclosure/manage/interpretation_list.html",
        {"page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@staff
@require_http_methods(["GET", "POST"])
def interpretation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    item = None
    if pk is not None:
        item = get_object_or_404(Interpretation.objects.select_related("agency"), pk=pk)
        if not _in_scope(request, item.agency_id):
            raise Http404("outside the caller's agencies")
    own = [a for a in queries.staff_agencies(user) if services.is_officer(user, a.pk)]
    agency_ids = [item.agency_id] if item else [a.pk for a in own]
    choices = [
        (str(d.pk), f"{d.title}（{d.doc_number}）" if d.doc_number else d.title)
        for d in Document.objects.filter(agency_id__in=agency_ids).exclude(
            status=PublishStatus.WITHDRAWN
        )
    ]
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {
            "title": item.title,
            "form": item.form,
            "summary": item.summary,
            "body": item.body,
            "documents": [str(pk) for pk in item.documents.values_list("pk", flat=True)],
            "qa": "\n".join(f"问：{e['q']}\n答：{e['a']}" for e in item.qa),
        }
    form = forms.InterpretationEditForm(request.POST or None, initial=initial, documents=choices)
    editable = item is None or item.status == PublishStatus.DRAFT
    if request.method == "POST" and editable and form.is_valid():
        data = dict(form.cleaned_data)
        documents = list(Document.objects.filter(pk__in=data.pop("documents")))
        try:
            if item is None:
                agency = documents[0].agency if documents else (own[0] if own else None)
                if agency is None:
                    raise PermissionDenied(_("只有政府信息公开工作人员可以起草政策解读"))
                item = services.create_interpretation(agency, data, actor=user, documents=documents)
            else:
                item = services.update_interpretation(item, data, actor=user, documents=documents)
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except (PermissionDenied, services.InvalidTransition) as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("disclosure:manage_interpretation", item.pk)
    return render(
        request,
        "disclosure/manage/interpretation_form.html",
        {
            "form": form,
            "interpretation": item,
            "editable": editable,
            "attachments": item.attachments.select_related("stored") if item else [],
            "may_review": item is not None and services.is_head(user, item.agency_id),
        },
    )


@staff
@require_POST
def interpretation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = get_object_or_404(Interpretation, pk=pk)
    if not _in_scope(request, item.agency_id):
        raise Http404("outside the caller's agencies")
    try:
        _publishable_action(request, item, action)
    except ERRORS as exc:
        _fail(request, exc)
    return redirect("disclosure:manage_interpretation", item.pk)


# --------------------------------------------------------------------------- guide


@staff
@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department, code=code)
    if not _in_scope(request, department.pk):
        raise Http404("outside the caller's agencies")
    current = Guide.objects.filter(agency=department).first()
    initial = {f: getattr(current, f) for f in forms.GuideForm.base_fields} if current else {}
    form = forms.GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_guide(department, form.cleaned_data, actor=_user(request))
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except PermissionDenied as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("公开指南已保存。"))
            return redirect("disclosure:guide", department.code)
    return render(
        request, "disclosure/manage/guide_form.html", {"form": form, "agency": department}
    )


# --------------------------------------------------------------------------- requests


@staff
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    rows = queries.visible_requests(_user(request)).order_by("-request_no")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "disclosure/manage/request_list.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@intake
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Register a letter, fax or walk-in request (the date of receipt as art. 31 says)."""
    user = _user(request)
    if user.has_role("window_clerk"):
        agencies = list(queries.agencies())
    else:
        agencies = [a for a in queries.staff_agencies(user) if services.is_officer(user, a.pk)]
    form = forms.IntakeForm(request.POST or None, agencies=[(a.code, a.name) for a in agencies])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_request(
                agency=get_object_or_404(Department, code=data["agency"]),
                applicant=form.applicant(),
                description=data["description"],
                purpose=data["purpose"],
                delivery_form=data["delivery_form"],
                channel=data["channel"],
                received_on=data["received_on"],
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
                _("已登记，申请编号 %(no)s，答复期限 %(due)s。")
                % {"no": filed.request_no, "due": filed.due_date},
            )
            return redirect("disclosure:manage_request", filed.request_no)
    return render(request, "disclosure/manage/request_form.html", {"form": form})


def _visible(request: HttpRequest, request_no: str) -> DisclosureRequest:
    found = queries.get_visible(_user(request), request_no)
    if found is None:
        raise Http404("no such request for this person")
    return found


@staff
@require_safe
def request_detail(request: HttpRequest, request_no: str) -> HttpResponse:
    found = _visible(request, request_no)
    user = _user(request)
    spec = replies.REPLY_TYPES.get(found.reply_type)
    return render(
        request,
        "disclosure/manage/request_detail.html",
        {
            "r": found,
            "spec": spec,
            "reasons": [replies.reason_label(found.reply_type, c) for c in found.reasons],
            "due": services.effective_due_date(found),
            "cutoff": deadlines.clarification_cutoff(found.received_on),
            "events": found.events.select_related("actor"),
            "consultations": found.consultations.all(),
            "documents": found.documents.all(),
            "remedies": found.remedies.all(),
            "officer": services.is_officer(user, found.agency_id),
            "head": services.is_head(user, found.agency_id),
            "reply_form": forms.ReplyForm(auto_id="reply_%s"),
            "consult_form": forms.ConsultForm(auto_id="consult_%s"),
            "remedy_form": forms.RemedyForm(auto_id="remedy_%s"),
            "outcomes": Consultation.Outcome.choices,
            "reply_types": replies.REPLY_TYPES,
            "public_preview": queries.public_page(found) if found.reply_type else None,
        },
    )


@staff
@require_POST
def request_action(request: HttpRequest, request_no: str, action: str) -> HttpResponse:
    found = _visible(request, request_no)
    user = _user(request)
    post = request.POST
    payload: dict[str, Any] = {
        "note": post.get("note", ""),
        "days": post.get("days") or None,
        "consultee": post.get("consultee", ""),
        "consultation_kind": post.get("consultation_kind", ""),
        "outcome": post.get("outcome", ""),
        "reply_type": post.get("reply_type", ""),
        "reasons": post.getlist("reasons"),
        "responsible_agency": post.get("responsible_agency", ""),
    }
    if post.get("received_on"):
        try:
            payload["received_on"] = dt.date.fromisoformat(post["received_on"])
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
            return redirect("disclosure:manage_request", found.request_no)
    try:
        if action == "remedy":
            form = forms.RemedyForm(post)
            if not form.is_valid():
                raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
            services.record_remedy(
                agency=found.agency, request=found, actor=user, **form.cleaned_data
            )
        else:
            if payload["days"] is not None:
                try:
                    payload["days"] = int(payload["days"])
                except ValueError:
                    raise ValidationError({"days": _("须为整数")}) from None
            services.perform(found, action, actor=user, payload=payload)
    except ERRORS as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect("disclosure:manage_request", found.request_no)


@staff
@require_safe
def request_document(request: HttpRequest, request_no: str, document_id: int) -> FileResponse:
    found = _visible(request, request_no)
    doc = get_object_or_404(RequestDocument, request=found, pk=document_id)
    response = FileResponse(
        doc.file.open("rb"),
        content_type="application/pdf",
        filename=f"{found.request_no}-{doc.kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- annual report


def _report_agency(request: HttpRequest) -> Department | None:
    code = request.GET.get("agency", "") or request.POST.get("agency", "")
    user = _user(request)
    if not code:
        if not user.has_role("centre_manager", "supervisor"):
            agencies = list(queries.staff_agencies(user)[:1])
            if not agencies:
                raise Http404("no agency")
            return agencies[0]
        return None
    department = get_object_or_404(Department, code=code)
    if not _in_scope(request, department.pk):
        raise Http404("outside the caller's agencies")
    return department


@staff
@require_safe
def report_latest(request: HttpRequest) -> HttpResponse:
    """Last year's report: the one being written in the first quarter (due 31 March)."""
    return redirect("disclosure:manage_report", timezone.localdate().year - 1)


@staff
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, year: int) -> HttpResponse:
    if not 2008 <= year <= timezone.localdate().year:
        raise Http404("no such year")
    department = _report_agency(request)
    user = _user(request)
    text = AnnualReport.objects.filter(year=year, agency=department).first()
    initial = (
        {"overview": text.overview, "problems": text.problems, "other_matters": text.other_matters}
        if text
        else {}
    )
    form = forms.ReportTextForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.publish_report(year, department, actor=user)
                messages.success(request, _("年度报告已发布。"))
            elif form.is_valid():
                services.save_report_text(year, department, form.cleaned_data, actor=user)
                messages.success(request, _("已保存。"))
        except ERRORS as exc:
            _fail(request, exc)
        suffix = f"?agency={department.code}" if department else ""
        return redirect(f"{request.path}{suffix}")
    fmt = request.GET.get("format", "")
    if fmt in {"xlsx", "pdf"}:
        with translation.override("zh-hans"):
            return report.export_response(report.build(year, department), fmt)
    return render(
        request,
        "disclosure/manage/report.html",
        {
            "data": report.build(year, department),
            "agency": department,
            "form": form,
            "text": text,
            "agencies": queries.staff_agencies(user),
            "centre_wide": user.has_role("centre_manager", "supervisor"),
        },
    )


# --------------------------------------------------------------------------- exposure


@exposure_staff
@require_safe
def exposure_list(request: HttpRequest) -> HttpResponse:
    rows = ExposureReport.objects.select_related("agency").order_by("-created_at")
    user = _user(request)
    if not user.has_role("centre_manager", "supervisor"):
        rows = rows.filter(agency_id__in=identity_queries.department_scope(user) or set())
    status = request.GET.get("status", "")
    if status in ExposureStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "disclosure/manage/exposure_list.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": ExposureStatus.choices,
        },
    )


@exposure_staff
@require_http_methods(["GET", "POST"])
def exposure_detail(request: HttpRequest, report_no: str) -> HttpResponse:
    found = get_object_or_404(ExposureReport.objects.select_related("agency"), report_no=report_no)
    if not services.may_handle_exposure(_user(request), found):
        raise Http404("outside the caller's agencies")
    if request.method == "POST":
        try:
            services.handle_exposure(
                found,
                actor=_user(request),
                action=request.POST.get("action", ""),
                response=request.POST.get("response", ""),
                fix=request.POST.get("fix", ""),
                public=request.POST.get("public") == "on",
            )
        except ERRORS as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已办理。"))
        return redirect("disclosure:manage_exposure", found.report_no)
    return render(request, "disclosure/manage/exposure_detail.html", {"report": found})
