"""Pages of the evaluation app: rating a case, the window's page and rating pad (public), the
published statistics (public), the staff list of ratings with the rectification workflow, and
the monthly window staff assessment.

Views authorise (a decorator from ``identity.access``, then object visibility: 404 for what the
person may not see), parse, call one service or query, and render or redirect.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases import queries as case_queries
from onewindow.core import audit, crypto
from onewindow.identity.access import authenticated, public, require_roles
from onewindow.identity.models import User
from onewindow.org.models import ServiceCenter, Window

from . import assessment, forms, qr, queries, services
from .models import AssessmentWeights, Source, StaffRecord

PAGE_SIZE = 20
MAX_PAGE = 10_000
PAD_TOKEN_SECONDS = 30 * 60

staff_only = require_roles(*queries.STAFF_ROLES)
assessors = require_roles(*services.ASSESSMENT_ROLES)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


# --- rating a case (一事一评) -----------------------------------------------------------------


@authenticated
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def rate_case(request: HttpRequest, case_no: str) -> HttpResponse:
    user = _user(request)
    case = case_queries.get_visible(user, case_no[:32])
    if case is None:
        raise Http404("no such case for this person")
    existing = queries.case_evaluation(case.pk)
    refusal = ""
    try:  # PermissionDenied (not the applicant or their agent) propagates: 403
        mode, _superseded = services.case_rating_state(case, user)
    except services.Conflict as exc:
        mode, refusal = "", exc.message
    form = forms.RatingForm(request.POST or None, source=Source.ONLINE)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.rate_case(
                case,
                actor=user,
                level=form.cleaned_data["level"],
                indicators=form.indicators(),
                reasons=form.cleaned_data["reasons"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        except services.Conflict as exc:
            refusal = exc.message
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect("evaluation:rate_case", case_no=case.case_no)
    context = {
        "case": case,
        "form": form,
        "existing": existing,
        "mode": mode,
        "refusal": refusal,
        "deadline": services.rating_deadline(case),
    }
    return render(request, "evaluation/case_rate.html", context, status=200)


# --- the window's page and rating pad (一次一评) ----------------------------------------------


def _window(window_id: int) -> Window:
    return get_object_or_404(Window.objects.select_related("center"), pk=window_id)


def _pad_url(request: HttpRequest, window: Window) -> str:
    path = reverse("evaluation:window_pad", args=[window.pk])
    base = str(getattr(settings, "ONEWINDOW_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@public
@require_safe
def window_page(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _window(window_id)
    today = timezone.localdate()
    context = {
        "window": window,
        "pad_url": _pad_url(request, window),
        # segno's SVG of our own URL: no user-supplied markup.
        "qr_svg": mark_safe(qr.svg(_pad_url(request, window))),  # noqa: S308
        "figures": queries.figures(today.replace(month=1, day=1), today, window_id=window.pk),
        "year": today.year,
    }
    return render(request, "evaluation/window_page.html", context)


@public
@require_safe
def window_qr(request: HttpRequest, window_id: int) -> HttpResponse:
    """The QR code to print and post at the window."""
    window = _window(window_id)
    response = HttpResponse(qr.svg(_pad_url(request, window), scale=8), "image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="window-{window.pk}-qr.svg"'
    return response


def _client_key(request: HttpRequest) -> str:
    ip = audit.client_ip(request) or "unknown"
    return crypto.sm3(f"evaluation-pad:{ip}".encode())[:32]


def _pad_limited(request: HttpRequest) -> bool:
    """Count a rating attempt from this address; True when over the limit."""
    limit = int(getattr(settings, "ONEWINDOW_RATING_PAD_LIMIT", 10))
    seconds = int(getattr(settings, "ONEWINDOW_RATING_PAD_SECONDS", 600))
    key = f"evaluation:pad:{_client_key(request)}"
    if cache.add(key, 1, timeout=seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return False
    return count > limit


def _issue_token(window: Window) -> str:
    token = secrets.token_urlsafe(18)
    cache.set(f"evaluation:pad-token:{token}", window.pk, timeout=PAD_TOKEN_SECONDS)
    return token


def _spend_token(window: Window, token: str) -> bool:
    key = f"evaluation:pad-token:{token[:64]}"
    if cache.get(key) != window.pk:
        return False
    cache.delete(key)
    return True


@public
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def window_pad(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _window(window_id)
    clerks = services.window_clerks(window)
    if request.method == "POST":
        if _pad_limited(request):
            audit.record(
                "evaluation.pad_limited",
                outcome="denied",
                request=request,
                object_type="org.window",
                object_id=str(window.pk),
            )
            return render(
                request, "evaluation/window_pad_limited.html", {"window": window}, status=429
            )
        form = forms.WindowRatingForm(request.POST, clerks=clerks)
        if form.is_valid():
            if not _spend_token(window, form.cleaned_data["token"]):
                form.add_error(None, _("页面已过期或已提交过评价，请重新评价。"))
            else:
                try:
                    services.rate_window(
                        window,
                        actor=request.user,
                        level=form.cleaned_data["level"],
                        indicators=form.indicators(),
                        reasons=form.cleaned_data["reasons"],
                        comment=form.cleaned_data["comment"],
                        clerk_id=form.cleaned_data["clerk"],
                        contact_phone=form.cleaned_data["contact_phone"],
                        request=request,
                    )
                except ValidationError as exc:
                    form.apply_errors(exc)
                except (services.Conflict, PermissionDenied) as exc:
                    form.add_error(None, getattr(exc, "message", None) or str(exc))
                else:
                    return render(request, "evaluation/window_pad_done.html", {"window": window})
        data = request.POST.copy()
        data["token"] = _issue_token(window)
        form.data = data
    else:
        form = forms.WindowRatingForm(initial={"token": _issue_token(window)}, clerks=clerks)
    return render(request, "evaluation/window_pad.html", {"window": window, "form": form})


# --- published statistics --------------------------------------------------------------------


@public
@require_safe
def public_stats(request: HttpRequest) -> HttpResponse:
    period = forms.PeriodForm(request.GET or None)
    date_from, date_to = period.period()
    stats = queries.published_stats(date_from, date_to)
    stats.total.label = _("全部")
    context = {"form": period, "stats": stats, "total_rows": [stats.total]}
    return render(request, "evaluation/stats.html", context)


# --- staff: ratings and rectification --------------------------------------------------------


@staff_only
@require_safe
@never_cache
def staff_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.EvaluationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.EvaluationFilters(
        level_max=data.get("level_max"),
        status=data.get("status") or "",
        source=data.get("source") or "",
        department=data.get("department") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        overdue=bool(data.get("overdue")),
    )
    ratings = queries.filter_evaluations(
        queries.visible_evaluations(user), filters, on=timezone.localdate()
    )
    page = Paginator(ratings, PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    query = urlencode({k: str(v) for k, v in request.GET.items() if k != "page" and v})
    context = {
        "form": form,
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "query": query,
        "today": timezone.localdate(),
    }
    return render(request, "evaluation/staff_list.html", context)


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    evaluation = queries.evaluation_for(user, pk)
    if evaluation is None:
        raise Http404("no such rating for this person")
    rectification = getattr(evaluation, "rectification", None)
    form = forms.RectificationForm(request.POST or None)
    if request.method == "POST":
        if rectification is None:
            raise Http404("no rectification")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.act_on_rectification(
                    rectification,
                    data["action"],
                    actor=user,
                    note=data["note"],
                    outcome=data["outcome"] or None,
                    ground=data["ground"] or None,
                    upheld=data["upheld"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except services.Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("evaluation:staff_detail", pk=evaluation.pk)
    allowed = services.allowed_rectification_actions(user, rectification) if rectification else []
    context = {
        "evaluation": evaluation,
        "rectification": rectification,
        "steps": rectification.steps.select_related("actor") if rectification else [],
        "allowed": allowed,
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, "evaluation/staff_detail.html", context)


# --- window staff assessment -----------------------------------------------------------------


def _center(code: str) -> ServiceCenter:
    return get_object_or_404(ServiceCenter, code=code[:16])


def _month(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError as exc:
        raise Http404("bad month") from exc


@assessors
@require_safe
def assessment_index(request: HttpRequest) -> HttpResponse:
    month = timezone.localdate().replace(day=1)
    return render(
        request,
        "evaluation/assessment_index.html",
        {"centers": queries.centers(), "month": month},
    )


@assessors
@require_safe
@never_cache
def assessment_report(request: HttpRequest, code: str, month: str) -> HttpResponse:
    center = _center(code)
    first = _month(month)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = {
        "center": center,
        "month": first,
        "previous": previous,
        "following": following,
        "rows": queries.assessment_report(center, first),
        "weights": services.weights_for(center),
        "components": AssessmentWeights.COMPONENTS,
        "can_write": _user(request).has_role(*services.ASSESSMENT_WRITE_ROLES),
    }
    return render(request, "evaluation/assessment_report.html", context)


@assessors
@require_POST
def assessment_compute(request: HttpRequest, code: str, month: str) -> HttpResponse:
    center = _center(code)
    first = _month(month)
    try:
        count = services.assess_month(center, first, actor=_user(request))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已计算%(n)s名工作人员的考核得分。") % {"n": count})
    return redirect("evaluation:assessment_report", code=center.code, month=month)


@assessors
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def assessment_records(request: HttpRequest, code: str, month: str) -> HttpResponse:
    center = _center(code)
    first = _month(month)
    user = _user(request)
    clerks = assessment.clerks_of(center)
    kind = request.POST.get("form", "") if request.method == "POST" else ""
    attendance = forms.AttendanceForm(request.POST if kind == "attendance" else None, clerks=clerks)
    upload = forms.AttendanceImportForm(
        request.POST if kind == "import" else None,
        request.FILES if kind == "import" else None,
    )
    record = forms.StaffRecordForm(
        request.POST if kind == "record" else None,
        clerks=clerks,
        initial={"on": timezone.localdate()},
    )
    weights_form = forms.WeightsForm(
        request.POST if kind == "weights" else None, instance=services.weights_for(center)
    )
    if request.method == "POST":
        bound = {
            "attendance": attendance,
            "import": upload,
            "record": record,
            "weights": weights_form,
        }
        saved = _save_record(request, kind, center, first, user, clerks, bound)
        if saved:
            return redirect("evaluation:assessment_records", code=center.code, month=month)
    context = {
        "center": center,
        "month": first,
        "attendance_form": attendance,
        "import_form": upload,
        "record_form": record,
        "weights_form": weights_form,
        "records": StaffRecord.objects.filter(
            clerk__in=clerks, on__gte=first, on__lt=(first + dt.timedelta(days=32)).replace(day=1)
        ).select_related("clerk", "case")[:200],
        "can_write": user.has_role(*services.ASSESSMENT_WRITE_ROLES),
    }
    return render(request, "evaluation/assessment_records.html", context)


def _save_record(
    request: HttpRequest,
    kind: str,
    center: ServiceCenter,
    month: dt.date,
    user: User,
    clerks: list[User],
    bound: dict[str, Any],
) -> bool:
    """Run the service of the submitted form; errors go on that form. True when saved."""
    form = bound.get(kind)
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    by_pk = {c.pk: c for c in clerks}
    try:
        if kind == "attendance":
            services.record_attendance(center, by_pk[data["clerk"]], month, actor=user, row=data)
        elif kind == "import":
            count = services.import_attendance(
                center, month, actor=user, data=data["file"].read(services.MAX_IMPORT_BYTES + 1)
            )
            messages.success(request, _("已导入%(n)s条考勤记录。") % {"n": count})
        elif kind == "record":
            services.add_staff_record(
                center,
                by_pk[data["clerk"]],
                actor=user,
                kind=data["kind"],
                on=data["on"],
                points=data["points"],
                note=data["note"],
                case_no=data["case_no"],
            )
        else:
            services.set_weights(
                center,
                actor=user,
                weights={name: data[name] for name in AssessmentWeights.COMPONENTS},
                case_target=data["case_target"],
            )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("已保存。"))
    return True
