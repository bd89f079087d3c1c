"""My cases (我的办件) and the message centre: the applicant follows a case, downloads its
notices, makes the corrections asked for, chooses how to receive the result, withdraws it.

Every case is found through ``portal.queries.my_case`` (the case engine's visibility): anyone
else's case answers 404. Each action calls one service; a refused move changes nothing and says
why in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases import engine
from onewindow.cases import files as case_files
from onewindow.cases import queries as case_queries
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, Document, Status, StoredFile
from onewindow.core.masking import mask_name
from onewindow.identity import queries as identity_queries
from onewindow.identity.access import authenticated
from onewindow.identity.models import User

from . import queries, services
from .apply_views import ACCEPT_ATTRIBUTE
from .models import DeliveryChoice

CASE_PAGE_SIZE = 10
MESSAGE_PAGE_SIZE = 20
MAX_NOTE_LENGTH = 500
# Statuses an applicant filters by (a case never rests in draft once submitted).
STATUS_FILTERS = [(value, label) for value, label in Status.choices if value != Status.DRAFT]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # @authenticated
    return user


def _case_or_404(request: HttpRequest, case_no: str) -> Case:
    case = queries.my_case(_user(request), case_no)
    if case is None:
        raise Http404("unknown case")
    return case


def _page(request: HttpRequest, objects: Any, size: int) -> Any:
    return Paginator(objects, size).get_page(request.GET.get("page"))


def _detail_url(case: Case) -> str:
    return reverse("portal:case_detail", args=[case.case_no])


def _may(user: User, case: Case, scope: str) -> bool:
    return case.applicant is not None and identity_queries.can_act_for(
        user, case.applicant, scope, item_code=case.implementation.implementation_code
    )


# --- Lists ------------------------------------------------------------------------------------


@authenticated
@never_cache
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = request.GET.get("status", "")
    cases = queries.my_cases(user)
    if status in dict(STATUS_FILTERS):
        cases = cases.filter(status=status)
    else:
        status = ""
    page = _page(request, cases.order_by("-case_no"), CASE_PAGE_SIZE)
    context = {
        "tab": "cases",
        "page": page,
        "cases": page.object_list,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "status": status,
        "statuses": STATUS_FILTERS,
        "draft_count": queries.drafts_of(user).count(),
    }
    return render(request, "portal/case_list.html", context)


@authenticated
@never_cache
@require_safe
def draft_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    drafts = queries.drafts_of(user)
    page = _page(request, drafts, CASE_PAGE_SIZE)
    context = {
        "tab": "drafts",
        "page": page,
        "drafts": page.object_list,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "draft_count": drafts.count(),
    }
    return render(request, "portal/draft_list.html", context)


@authenticated
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Ask, then delete a draft (its uploaded files stay with the account)."""
    user = _user(request)
    draft = queries.draft_of(user, draft_id)
    if draft is None:
        raise Http404("unknown draft")
    if request.method == "POST":
        services.delete_draft(draft, actor=user)
        messages.success(request, _("草稿已删除"))
        return redirect("portal:draft_list")
    return render(request, "portal/draft_delete.html", {"draft": draft, "tab": "drafts"})


# --- One case ---------------------------------------------------------------------------------


@dataclass
class CorrectionSlot:
    """A material the corrections notice named: why, what is on file, what to upload again."""

    requirement_id: int
    name: str
    reason: str
    file: StoredFile | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def input_id(self) -> str:
        return f"material-{self.requirement_id}"


def _detail_context(
    request: HttpRequest,
    case: Case,
    *,
    correction_errors: dict[int, list[str]] | None = None,
    corrected_files: dict[int, StoredFile] | None = None,
    correction_general: list[str] | None = None,
    delivery_errors: dict[str, list[str]] | None = None,
    delivery_values: dict[str, str] | None = None,
) -> dict[str, Any]:
    user = _user(request)
    tasks = list(case.tasks.select_related("department"))
    allowed = engine.allowed_actions(case.status)
    correction_errors = correction_errors or {}
    corrected_files = corrected_files or {}
    slots = [
        CorrectionSlot(
            requirement_id=c["requirement_id"],
            name=c["name"],
            reason=c["reason"],
            file=corrected_files.get(c["requirement_id"]),
            errors=correction_errors.get(c["requirement_id"], []),
        )
        for c in case.corrections
    ]
    choice = queries.delivery_choice(case)
    if delivery_values is None:
        delivery_values = (
            {
                "method": choice.method,
                "recipient": choice.recipient,
                "phone": choice.phone,
                "address": choice.address,
            }
            if choice
            else {}
        )
    summary = [(f"#{slot.input_id}", slot.name, e) for slot in slots for e in slot.errors]
    summary += [
        (f"#delivery-{name}", name, e)
        for name, errors in (delivery_errors or {}).items()
        for e in errors
    ]
    return {
        "case": case,
        "version": case.item_version,
        "page_url": _detail_url(case),
        "applicant_name": case.applicant_name
        if case.applicant_kind == User.Kind.ORGANIZATION
        else mask_name(case.applicant_name),
        "events": list(case.events.all()),
        "tasks": tasks,
        "active_tasks": [t for t in tasks if t.status == "active"],
        "suspensions": list(case.suspensions.all()),
        "documents": list(case.documents.all()),
        "materials": queries.latest_materials(case),
        "correction_slots": slots,
        "corrected_ids": {slot.requirement_id for slot in slots},
        "may_resubmit": case.status == Status.CORRECTIONS_REQUESTED
        and _may(user, case, "resubmit"),
        "may_withdraw": "withdraw" in allowed and _may(user, case, "file"),
        "may_choose_delivery": services.may_choose_delivery(case) and _may(user, case, "receive"),
        "delivery_methods": [
            (method, DeliveryChoice.Method(method).label)
            for method in services.delivery_methods(case)
        ],
        "offers_mail": DeliveryChoice.Method.MAIL in services.delivery_methods(case),
        "delivery_choice": choice,
        "delivery_values": delivery_values,
        "delivery_errors": delivery_errors or {},
        "error_summary": summary,
        "general_errors": correction_general or [],
        "accept": ACCEPT_ATTRIBUTE,
        "max_upload_bytes": case_files.max_upload_bytes(),
        "alert": case_queries.alert(case),
    }


def _render_detail(request: HttpRequest, case: Case, status: int = 200, **extra: Any) -> Any:
    response = render(
        request, "portal/case_detail.html", _detail_context(request, case, **extra), status=status
    )
    response["Cache-Control"] = "no-store"
    return response


@authenticated
@require_safe
def case_detail(request: HttpRequest, case_no: str) -> HttpResponse:
    return _render_detail(request, _case_or_404(request, case_no))


@authenticated
@never_cache
@require_safe
def case_receipt(request: HttpRequest, case_no: str) -> HttpResponse:
    """The receipt after submission: case number and query code, ready to print."""
    case = _case_or_404(request, case_no)
    context = {
        "case": case,
        "version": case.item_version,
        "applicant_name": case.applicant_name
        if case.applicant_kind == User.Kind.ORGANIZATION
        else mask_name(case.applicant_name),
        "materials": queries.latest_materials(case),
    }
    return render(request, "portal/case_receipt.html", context)


@authenticated
@require_safe
def document(request: HttpRequest, case_no: str, document_id: int) -> FileResponse:
    """A notice of the case (PDF), for whoever may see the case."""
    case = _case_or_404(request, case_no)
    notice = Document.objects.filter(case=case, pk=document_id).first()
    if notice is None:
        raise Http404("unknown document")
    response = FileResponse(
        notice.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{case.case_no}-{notice.kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _refuse(request: HttpRequest, case: Case, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return HttpResponseRedirect(_detail_url(case))


def _state_message(case: Case) -> str:
    return _("办件当前状态为“%(s)s”，不能进行该操作") % {"s": case.get_status_display()}


@authenticated
@require_POST
def resubmit(request: HttpRequest, case_no: str) -> HttpResponse:
    """Upload again each material the corrections notice named, then resubmit (补正)."""
    user = _user(request)
    case = _case_or_404(request, case_no)
    if case.status != Status.CORRECTIONS_REQUESTED:
        return _refuse(request, case, _state_message(case))
    if not _may(user, case, "resubmit"):
        return _refuse(request, case, _("只有申请人或其代办人可以补正"))
    asked = [c["requirement_id"] for c in case.corrections]
    refs = {
        rid: int(raw) for rid in asked if (raw := request.POST.get(f"material_{rid}", "")).isdigit()
    }
    owned = queries.own_files(user, refs.values())
    chosen: dict[int, StoredFile] = {r: owned[f] for r, f in refs.items() if f in owned}
    uploads = {rid: up for rid in asked if (up := request.FILES.get(f"file_{rid}")) is not None}
    errors: dict[int, list[str]] = {}
    for correction in case.corrections:
        rid = correction["requirement_id"]
        if rid not in chosen and rid not in uploads:
            errors[rid] = [_("请重新上传%(name)s") % {"name": correction["name"]}]
    if not errors:
        for rid, upload in uploads.items():
            try:
                chosen[rid] = case_files.store_upload(upload, actor=user, request=request)
            except case_files.UploadRejected as exc:
                errors[rid] = [exc.message]
    if errors:
        return _render_detail(request, case, correction_errors=errors, corrected_files=chosen)
    note = (request.POST.get("note") or "").strip()[:MAX_NOTE_LENGTH]
    try:
        case_services.resubmit(
            case,
            actor=user,
            materials=[{"requirement_id": r, "file_id": f.pk} for r, f in chosen.items()],
            note=note,
        )
    except ValidationError as exc:
        return _render_detail(
            request, case, correction_general=exc.messages, corrected_files=chosen
        )
    except PermissionDenied as exc:
        return _refuse(request, case, str(exc))
    except engine.InvalidTransition:
        case.refresh_from_db()
        return _refuse(request, case, _state_message(case))
    messages.success(request, _("补正材料已提交，请等待受理"))
    return HttpResponseRedirect(_detail_url(case))


@authenticated
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, case_no: str) -> HttpResponse:
    """Ask, then withdraw the application (撤回), possible before a decision."""
    user = _user(request)
    case = _case_or_404(request, case_no)
    if "withdraw" not in engine.allowed_actions(case.status):
        return _refuse(
            request,
            case,
            _("办件已作出决定或已结束，不能撤回（当前状态：%(s)s）")
            % {"s": case.get_status_display()},
        )
    if not _may(user, case, "file"):
        return _refuse(request, case, _("只有申请人或其代办人可以撤回"))
    if request.method != "POST":
        return render(request, "portal/case_withdraw.html", {"case": case})
    note = (request.POST.get("note") or "").strip()[:MAX_NOTE_LENGTH]
    try:
        case_services.withdraw(case, actor=user, note=note)
    except PermissionDenied as exc:
        return _refuse(request, case, str(exc))
    except engine.InvalidTransition:
        case.refresh_from_db()
        return _refuse(
            request,
            case,
            _("办件已作出决定或已结束，不能撤回（当前状态：%(s)s）")
            % {"s": case.get_status_display()},
        )
    messages.success(request, _("申请已撤回"))
    return HttpResponseRedirect(_detail_url(case))


@authenticated
@require_POST
def delivery(request: HttpRequest, case_no: str) -> HttpResponse:
    """Choose how to receive the result: pickup, mail (with an address) or online."""
    user = _user(request)
    case = _case_or_404(request, case_no)
    values = {
        key: (request.POST.get(key) or "").strip()[:300]
        for key in ("method", "recipient", "phone", "address")
    }
    try:
        services.choose_delivery(case, actor=user, **values)
    except PermissionDenied as exc:
        return _refuse(request, case, str(exc))
    except ValidationError as exc:
        errors = exc.message_dict
        if "delivery" in errors:
            return _refuse(request, case, "；".join(errors["delivery"]))
        return _render_detail(request, case, delivery_errors=errors, delivery_values=values)
    label = DeliveryChoice.Method(values["method"]).label
    messages.success(request, _("送达方式已选择：%(m)s") % {"m": label})
    return HttpResponseRedirect(_detail_url(case) + "#delivery")


# --- Message centre ---------------------------------------------------------------------------


@authenticated
@never_cache
@require_safe
def message_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    rows = queries.messages_of(user)
    if unread_only:
        rows = rows.filter(read_at=None)
    page = _page(request, rows, MESSAGE_PAGE_SIZE)
    context = {
        "page": page,
        "rows": page.object_list,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "unread_only": unread_only,
        "unread": queries.unread_count(user),
    }
    return render(request, "portal/message_list.html", context)


def _back_to_messages(request: HttpRequest) -> HttpResponseRedirect:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(candidate)
    return HttpResponseRedirect(reverse("portal:message_list"))


@authenticated
@require_POST
def message_read(request: HttpRequest, message_id: int) -> HttpResponse:
    user = _user(request)
    if not queries.messages_of(user).filter(pk=message_id).exists():
        raise Http404("unknown message")
    services.mark_read(message_id, actor=user)
    return _back_to_messages(request)


@authenticated
@require_POST
def messages_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=_user(request))
    if count:
        messages.success(request, _("已将%(n)d条消息标为已读") % {"n": count})
    return _back_to_messages(request)
