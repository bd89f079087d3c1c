"""Pages of the licence library: public verification, the holder's licences, and the issuing
department's licence pages (every staff look-up is audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.core import audit
from onewindow.identity.access import authenticated, public, require_roles

from . import queries, ratelimit, services
from .models import Licence, LicenceEvent

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _event_labels() -> dict[str, str]:
    return {
        "issue": _("签发"),
        "revoke": _("注销"),
        "change": _("变更"),
        "renew": _("延续"),
        "supersede": _("被新版本替代"),
        "expire": _("过期"),
        "remind": _("到期提醒"),
    }


STAFF_ROLES = queries.STAFF_ROLES


def _status_label(licence: Licence) -> str:
    return str(Licence.Status(licence.current_status()).label)


def _pdf(licence: Licence) -> FileResponse:
    response = FileResponse(
        licence.pdf.open("rb"), content_type="application/pdf", filename=f"{licence.identifier}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- public


@public
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Verify a licence by identifier and check code (the QR code's link), or upload its PDF
    to check the electronic seal and whether it is the current version."""
    licence_id = (request.GET.get("licence_id") or "").strip()[:100]
    check_code = (request.GET.get("check_code") or "").strip()[:12]
    context: dict[str, Any] = {"licence_id": licence_id, "check_code": check_code}
    status = 200
    asked = request.method == "POST" or bool(licence_id or check_code)
    if asked and not ratelimit.allow(request):
        context["error"] = _("查验过于频繁，请一分钟后再试")
        status = 429
    elif request.method == "POST":
        context["upload"] = _check_upload(request, context)
    elif licence_id and check_code:
        result = queries.verify(licence_id, check_code)
        if result is None:
            context["error"] = _("证照标识或查验码不正确")
        else:
            context["result"] = result
            context["status_label"] = str(Licence.Status(result.status).label)
    elif asked:
        context["error"] = _("请填写证照标识和查验码")
    response = render(request, "licences/licence_verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _check_upload(request: HttpRequest, context: dict[str, Any]) -> Any:
    upload = request.FILES.get("pdf")
    if upload is None:
        context["error"] = _("请选择要查验的 PDF 文件")
        return None
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        context["error"] = _("文件过大（不超过10MB）")
        return None
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        context["error"] = _("不是 PDF 文件")
        return None
    result = queries.check_upload(data)
    if result.licence is not None:
        context["upload_status_label"] = _status_label(result.licence)
    return result


# --------------------------------------------------------------------------- holders


@authenticated
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    licences = queries.holder_licences(request.user).order_by("-issued_at", "-id")  # type: ignore[arg-type]
    rows = [{"licence": licence, "status": _status_label(licence)} for licence in licences]
    return render(request, "licences/licence_list.html", {"rows": rows})


def _own(request: HttpRequest, pk: int) -> Licence:
    licence = queries.holder_licences(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if licence is None:
        raise Http404(_("电子证照不存在"))
    return licence


@authenticated
@require_safe
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = _own(request, pk)
    from .rendering import verify_url

    context = {
        "licence": licence,
        "status": _status_label(licence),
        "verify_url": verify_url(licence.identifier, licence.check_code),
        "versions": [{"licence": v, "status": _status_label(v)} for v in queries.versions(licence)],
        "holder_number": services.holder_number(licence),
        "fields": services.field_rows(licence),
    }
    return render(request, "licences/licence_detail.html", context)


@authenticated
@require_safe
def mine_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _pdf(_own(request, pk))


# --------------------------------------------------------------------------- staff


@require_roles(*STAFF_ROLES)
@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    licences = queries.staff_licences(request.user)  # type: ignore[arg-type]
    if query:
        licences = licences.filter(identifier__icontains=query) | licences.filter(
            holder_name__icontains=query
        )
        audit.record(
            "licence.staff_query",
            request=request,
            object_type="licences.licence",
            detail={"query": query},
        )
    rows = [
        {
            "licence": licence,
            "holder": queries.masked_holder(licence),
            "status": _status_label(licence),
        }
        for licence in licences.order_by("-issued_at", "-id")[:100]
    ]
    return render(request, "licences/licence_staff_list.html", {"rows": rows, "query": query})


def _staff_licence(request: HttpRequest, pk: int) -> Licence:
    licence = queries.staff_licences(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if licence is None:
        raise Http404(_("电子证照不存在"))
    return licence


@require_roles(*STAFF_ROLES)
@require_safe
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = _staff_licence(request, pk)
    services.record_staff_access(licence, actor=request.user, purpose="view", request=request)  # type: ignore[arg-type]
    versions = list(queries.versions(licence))
    events = (
        LicenceEvent.objects.filter(licence__in=versions)
        .select_related("licence", "actor")
        .order_by("at", "id")
    )
    labels = _event_labels()
    accesses = audit.find_records(object_type="licences.licence", object_id=str(licence.pk))
    context = {
        "licence": licence,
        "status": _status_label(licence),
        "holder": queries.masked_holder(licence),
        "holder_number": services.holder_number(licence),
        "fields": services.field_rows(licence),
        "type_fields": [
            {
                "key": str(f.get("key")),
                "label": str(f.get("label")),
                "value": (licence.data or {}).get(str(f.get("key")), ""),
            }
            for f in licence.licence_type.fields or []
            if isinstance(f, dict)
        ],
        "sm2_ok": queries.sm2_ok(licence),
        "versions": [{"licence": v, "status": _status_label(v)} for v in versions],
        "events": [
            {"event": event, "label": labels.get(event.action, event.action)} for event in events
        ],
        "accesses": accesses[:20],
        "may_manage": services.may_manage(request.user, licence),  # type: ignore[arg-type]
        "is_current": licence.is_valid(),
    }
    return render(request, "licences/licence_staff_detail.html", context)


@require_roles(*STAFF_ROLES)
@require_safe
def staff_pdf(request: HttpRequest, pk: int) -> FileResponse:
    licence = _staff_licence(request, pk)
    services.record_staff_access(licence, actor=request.user, purpose="pdf", request=request)  # type: ignore[arg-type]
    return _pdf(licence)


def _act(request: HttpRequest, pk: int, work: Any, done: str) -> HttpResponse:
    licence = _staff_licence(request, pk)
    try:
        result = work(licence)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except services.InvalidLicenceState as exc:
        messages.error(request, exc.message)
    except services.LicenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
        return redirect("licences:staff_detail", pk=result.pk)
    return redirect("licences:staff_detail", pk=licence.pk)


@require_roles("approver", "department_head")
@require_POST
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        lambda licence: services.revoke_licence(licence, actor=request.user, reason=reason),  # type: ignore[arg-type]
        _("证照已注销"),
    )


@require_roles("approver", "department_head")
@require_POST
def staff_change(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    data = {
        key[len("data_") :]: value
        for key, value in request.POST.items()
        if key.startswith("data_") and len(key) <= 45
    }
    return _act(
        request,
        pk,
        lambda licence: services.change_licence(
            licence,
            actor=request.user,  # type: ignore[arg-type]
            data=data,
            reason=reason,
        ),
        _("已签发变更后的新版本证照"),
    )


@require_roles("approver", "department_head")
@require_POST
def staff_renew(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")[:500]
    return _act(
        request,
        pk,
        lambda licence: services.renew_licence(licence, actor=request.user, note=note),  # type: ignore[arg-type]
        _("已签发延续后的新版本证照"),
    )
