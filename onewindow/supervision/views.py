"""Supervision pages: the dashboard (centre managers, supervisors), alerts, findings, notices
(督办) and cards (红黄牌), the Excel export of each table, and the public statistics page.

Views authorise (a role decorator, then the reader's departments), parse, call one service or
query, and render or redirect. Every figure comes from ``queries`` (the rollup tables).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases.models import Case, Task
from onewindow.identity.access import public, require_roles
from onewindow.identity.models import User

from . import exports, forms, queries, services
from .models import Finding, Level, SupervisionNotice

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

overseers_only = require_roles(*queries.OVERSIGHT_ROLES)
readers_only = require_roles(*queries.READER_ROLES)
supervisors_only = require_roles("supervisor")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, queries.Period]:
    form = forms.PeriodForm(request.GET or None)
    default = queries.Period.default()
    if form.is_valid():
        return form, queries.Period(
            form.cleaned_data.get("date_from") or default.start,
            form.cleaned_data.get("date_to") or default.end,
        )
    return form, default


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


# --- dashboard -------------------------------------------------------------------------------


@overseers_only
@require_safe
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, period = _period(request)
    days = queries.by_day(period)
    departments = queries.by_department(period)
    channels = queries.by_channel(period)
    delayed = queries.top_delayed(period)
    alert_map = queries.alert_counts(user)
    charts = {
        "days": {
            "labels": [d["day"].isoformat() for d in days],
            "submitted": [d["submitted"] for d in days],
            "accepted": [d["accepted"] for d in days],
            "completed": [d["completed"] for d in days],
        },
        "departments": {
            "labels": [d["name"] for d in departments],
            "submitted": [d["submitted"] for d in departments],
            "completed": [d["completed"] for d in departments],
            "overdue": [d["overdue_open"] for d in departments],
        },
        "channels": [{"name": c["name"], "value": c["submitted"]} for c in channels],
        "alerts": {
            "labels": [a["department__name"] for a in alert_map],
            "yellow": [a["yellow"] for a in alert_map],
            "red": [a["red"] for a in alert_map],
        },
        "delayed": {
            "labels": [d["name"] for d in delayed],
            "values": [d["delayed"] for d in delayed],
        },
    }
    return render(
        request,
        "supervision/dashboard.html",
        {
            "form": form,
            "period": period,
            "summary": queries.summary(period),
            "departments": departments,
            "channels": channels,
            "items": queries.by_item(period)[:50],
            "windows": queries.by_window(period),
            "delayed": delayed,
            "alert_map": alert_map,
            "card_counts": queries.card_counts(timezone.localdate().year),
            "charts": charts,
            "last_sweep": queries.last_sweep(),
            "query": request.GET.urlencode(),
        },
    )


# --- alerts and findings ---------------------------------------------------------------------


@readers_only
@require_safe
@never_cache
def alerts(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level")
    level = level if level in Level.values else None
    rows = queries.open_alerts(_user(request), level=level)
    return render(
        request,
        "supervision/alert_list.html",
        {"page": _page(request, rows), "level": level, "levels": Level.choices},
    )


@readers_only
@require_safe
@never_cache
def findings(request: HttpRequest) -> HttpResponse:
    rule = request.GET.get("rule")
    rule = rule if rule in Finding.Rule.values else None
    status = request.GET.get("status")
    status = status if status in Finding.Status.values else None
    rows = queries.findings(_user(request), rule=rule, status=status)
    return render(
        request,
        "supervision/finding_list.html",
        {
            "page": _page(request, rows),
            "rule": rule,
            "status": status,
            "rules": Finding.Rule.choices,
            "statuses": Finding.Status.choices,
        },
    )


@supervisors_only
@require_POST
def finding_status(request: HttpRequest, pk: int) -> HttpResponse:
    finding = queries.findings(_user(request)).filter(pk=pk).first()
    if finding is None:
        raise Http404("no such finding")
    form = forms.FindingStatusForm(request.POST)
    if form.is_valid():
        services.set_finding_status(
            finding, actor=_user(request), status=form.cleaned_data["status"]
        )
        messages.success(request, _("已更新核查状态"))
    return redirect("supervision:findings")


# --- notices ---------------------------------------------------------------------------------


@readers_only
@require_safe
@never_cache
def notices(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    status = status if status in SupervisionNotice.Status.values else None
    rows = queries.notices(_user(request), status=status)
    return render(
        request,
        "supervision/notice_list.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": SupervisionNotice.Status.choices,
        },
    )


def _notice_target(form: forms.NoticeForm) -> dict[str, Any]:
    data = form.cleaned_data
    target: dict[str, Any] = {}
    if data.get("case_no"):
        case = Case.objects.filter(case_no=data["case_no"].strip()).first()
        if case is None:
            raise ValidationError({"case_no": _("办件不存在")})
        target["case"] = case
    if data.get("task_id"):
        task = Task.objects.filter(pk=data["task_id"]).select_related("case", "department").first()
        if task is None:
            raise ValidationError({"task_id": _("环节任务不存在")})
        target["task"] = task
    if not target and data.get("department"):
        target["department"] = data["department"]
    return target


@supervisors_only
@require_http_methods(["GET", "POST"])
@never_cache
def notice_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "case_no": request.GET.get("case_no", "")[:32],
        "deadline": timezone.localdate() + dt.timedelta(days=7),
    }
    finding = None
    if request.GET.get("finding", "").isdigit():
        finding = Finding.objects.filter(pk=int(request.GET["finding"])).first()
        if finding is not None and finding.case is not None:
            initial["case_no"] = finding.case.case_no
            initial["reason"] = finding.get_rule_display()
    form = forms.NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.issue_notice(
                actor=_user(request),
                reason=form.cleaned_data["reason"],
                required_action=form.cleaned_data["required_action"],
                deadline=form.cleaned_data["deadline"],
                finding=finding,
                **_notice_target(form),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("督办单已发出"))
            return redirect("supervision:notice_detail", pk=notice.pk)
    return render(request, "supervision/notice_form.html", {"form": form, "finding": finding})


def _visible_notice(request: HttpRequest, pk: int) -> SupervisionNotice:
    notice = queries.notice_for(_user(request), pk)
    if notice is None:
        raise Http404("no such notice for this person")
    return notice


@readers_only
@require_safe
@never_cache
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    user = _user(request)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "reply_form": forms.ReplyForm() if services.may_reply(user, notice) else None,
            "review_form": forms.ReviewForm() if user.holds("supervisor") else None,
            "cards": notice.cards.all(),
        },
    )


def _step(request: HttpRequest, notice: SupervisionNotice, work: Callable[[], Any]) -> None:
    try:
        work()
    except services.NoticeStateError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行该操作"))


@readers_only
@require_POST
def notice_reply(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写情况说明和整改措施"))
    else:
        _step(
            request,
            notice,
            lambda: services.reply_to_notice(
                notice,
                actor=_user(request),
                explanation=form.cleaned_data["explanation"],
                fix=form.cleaned_data["fix"],
            ),
        )
    return redirect("supervision:notice_detail", pk=notice.pk)


@supervisors_only
@require_POST
def notice_review(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    elif form.cleaned_data["decision"] == "close":
        _step(
            request,
            notice,
            lambda: services.close_notice(
                notice, actor=_user(request), note=form.cleaned_data["note"]
            ),
        )
    else:
        _step(
            request,
            notice,
            lambda: services.return_notice(
                notice,
                actor=_user(request),
                note=form.cleaned_data["note"],
                deadline=form.cleaned_data["deadline"],
            ),
        )
    return redirect("supervision:notice_detail", pk=notice.pk)


# --- cards -----------------------------------------------------------------------------------


@readers_only
@require_safe
@never_cache
def cards(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    return render(
        request,
        "supervision/card_list.html",
        {
            "page": _page(request, queries.cards(_user(request))),
            "counts": queries.card_counts(year),
            "year": year,
            "form": forms.CardForm() if _user(request).holds("supervisor") else None,
        },
    )


@supervisors_only
@require_POST
def card_new(request: HttpRequest) -> HttpResponse:
    form = forms.CardForm(request.POST)
    if form.is_valid():
        services.issue_card(
            form.cleaned_data["department"],
            actor=_user(request),
            colour=form.cleaned_data["colour"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("已出示"))
    else:
        messages.error(request, _("请选择单位、颜色并填写事由"))
    return redirect("supervision:cards")


# --- exports ---------------------------------------------------------------------------------


def _flow_headers() -> list[str]:
    return [
        _("申请"),
        _("受理"),
        _("办结"),
        _("按时办结"),
        _("办结率"),
        _("按时办结率"),
    ]


def _flow_cells(row: dict[str, Any]) -> list[Any]:
    return [
        row["submitted"],
        row["accepted"],
        row["completed"],
        row["completed_on_time"],
        row["completion_rate"],
        row["on_time_rate"],
    ]


def _table(request: HttpRequest, name: str) -> tuple[str, list[str], list[list[Any]]]:
    user = _user(request)
    _form, period = _period(request)
    limited = slice(0, EXPORT_LIMIT)
    oversight = user.has_role(*queries.OVERSIGHT_ROLES)
    if name == "days" and oversight:
        rows = queries.by_day(period)
        return _("按日"), [_("日期"), *_flow_headers()], [[r["day"], *_flow_cells(r)] for r in rows]
    if name == "departments" and oversight:
        rows = queries.by_department(period)
        return (
            _("按部门"),
            [_("部门"), *_flow_headers(), _("超期未办结")],
            [[r["name"], *_flow_cells(r), r["overdue_open"]] for r in rows],
        )
    if name == "items" and oversight:
        rows = queries.by_item(period)
        return (
            _("按事项"),
            [_("实施编码"), _("事项"), _("部门"), *_flow_headers(), _("超期未办结")],
            [
                [r["code"], r["name"], r["department"], *_flow_cells(r), r["overdue_open"]]
                for r in rows
            ],
        )
    if name == "channels" and oversight:
        rows = queries.by_channel(period)
        return (
            _("按渠道"),
            [_("渠道"), *_flow_headers()],
            [[r["name"], *_flow_cells(r)] for r in rows],
        )
    if name == "windows" and oversight:
        rows = queries.by_window(period)
        return (
            _("按窗口"),
            [_("窗口"), _("收件"), _("受理"), _("出件")],
            [[r["name"], r["submitted"], r["accepted"], r["completed"]] for r in rows],
        )
    if name == "delayed" and oversight:
        rows = queries.top_delayed(period, limit=100)
        return (
            _("超期事项排行"),
            [_("实施编码"), _("事项"), _("部门"), _("超期未办结"), _("超期办结")],
            [[r["code"], r["name"], r["department"], r["overdue_open"], r["late"]] for r in rows],
        )
    if name == "alerts":
        alerts = queries.open_alerts(user)[limited]
        return (
            _("预警"),
            [
                _("级别"),
                _("对象"),
                _("办件编号"),
                _("环节"),
                _("责任部门"),
                _("到期日"),
                _("预警时间"),
            ],
            [
                [
                    a.get_level_display(),
                    a.get_kind_display(),
                    a.case.case_no,
                    a.task.stage_name if a.task else "",
                    a.department.name,
                    a.due_date,
                    timezone.localtime(a.raised_at),
                ]
                for a in alerts
            ],
        )
    if name == "findings":
        found = queries.findings(user)[limited]
        return (
            _("违规发现"),
            [_("规则"), _("办件编号"), _("部门"), _("期间"), _("发现时间"), _("状态"), _("证据")],
            [
                [
                    f.get_rule_display(),
                    f.case.case_no if f.case else "",
                    f.department.name if f.department else "",
                    f.period,
                    timezone.localtime(f.found_at),
                    f.get_status_display(),
                    str(f.evidence),
                ]
                for f in found
            ],
        )
    if name == "notices":
        rows_n = queries.notices(user)[limited]
        return (
            _("督办单"),
            [
                _("编号"),
                _("责任单位"),
                _("办件编号"),
                _("督办事由"),
                _("回复期限"),
                _("状态"),
                _("升级次数"),
            ],
            [
                [
                    n.number,
                    n.department.name,
                    n.case.case_no if n.case else "",
                    n.reason,
                    n.deadline,
                    n.get_status_display(),
                    n.escalation_level,
                ]
                for n in rows_n
            ],
        )
    if name == "cards":
        rows_c = queries.cards(user)[limited]
        return (
            _("红黄牌"),
            [_("单位"), _("颜色"), _("事由"), _("出示时间")],
            [
                [
                    c.department.name,
                    c.get_colour_display(),
                    c.reason,
                    timezone.localtime(c.issued_at),
                ]
                for c in rows_c
            ],
        )
    raise Http404("no such table")


@readers_only
@require_safe
def export(request: HttpRequest, table: str) -> HttpResponse:
    title, headers, rows = _table(request, table)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return exports.response(f"supervision-{table}-{stamp}", exports.workbook(title, headers, rows))


# --- public statistics -----------------------------------------------------------------------


def _public_figures() -> dict[str, Any]:
    today = timezone.localdate()
    month = queries.Period(today.replace(day=1), today)
    year = queries.Period(today.replace(month=1, day=1), today)
    return {
        "month": queries.summary(month),
        "year": queries.summary(year),
        "departments": queries.by_department(year),
        "channels": queries.by_channel(year),
        "days": queries.by_day(month),
        "year_period": year,
        "month_period": month,
    }


@public
@require_safe
def public_statistics(request: HttpRequest) -> HttpResponse:
    figures = _public_figures()
    charts = {
        "days": {
            "labels": [d["day"].isoformat() for d in figures["days"]],
            "submitted": [d["submitted"] for d in figures["days"]],
            "completed": [d["completed"] for d in figures["days"]],
        },
        "channels": [{"name": c["name"], "value": c["submitted"]} for c in figures["channels"]],
    }
    return render(request, "supervision/public_statistics.html", {**figures, "charts": charts})


@public
@require_safe
def public_export(request: HttpRequest) -> HttpResponse:
    figures = _public_figures()
    rows = [[r["name"], *_flow_cells(r)] for r in figures["departments"]]
    content = exports.workbook(_("部门办件统计"), [_("部门"), *_flow_headers()], rows)
    return exports.response(f"statistics-{figures['year_period'].end:%Y}", content)
