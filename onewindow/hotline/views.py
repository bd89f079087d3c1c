"""Hotline pages: the agent console, tickets and their actions, the department inbox, the
knowledge base and the statistics page.

Views authorise (a role decorator, then the ticket's visibility: 404 outside it), parse, call
one service or query, and render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.identity.access import require_roles
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import forms, lifecycle, queries, search, services, stats
from .models import (
    Attachment,
    Channel,
    Kind,
    KnowledgeAnswer,
    RefusalReason,
    Satisfaction,
    Status,
    Ticket,
)

agents_only = require_roles("hotline_agent")
staff_only = require_roles(*queries.STAFF_ROLES)
department_staff = require_roles(*queries.DEPARTMENT_ROLES)
stats_roles = require_roles(*queries.STATS_ROLES)
knowledge_roles = require_roles("hotline_agent", *queries.DEPARTMENT_ROLES)
PAGE_SIZE = 30

ACTION_LABELS = {
    "accept": _("受理"),
    "refuse": _("不予受理"),
    "merge": _("并单"),
    "answer": _("当场答复"),
    "dispatch": _("派单"),
    "sign": _("签收"),
    "return": _("退单"),
    "approve_return": _("同意退单"),
    "reject_return": _("不同意退单"),
    "assist": _("提交协办意见"),
    "request_extension": _("申请延期"),
    "decide_extension": _("审批延期"),
    "reply": _("答复"),
    "callback": _("回访"),
    "close": _("办结"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible(request: HttpRequest, ticket_no: str) -> Ticket:
    ticket = queries.get_visible(_user(request), ticket_no)
    if ticket is None:
        raise Http404("no such ticket for this person")
    return ticket


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{'、'.join(v)}" for v in exc.message_dict.values())
    return "；".join(exc.messages)


# --- the agent console -----------------------------------------------------------------------


@agents_only
@require_http_methods(["GET", "POST"])
@never_cache
def console(request: HttpRequest) -> HttpResponse:
    """Taking a call: caller lookup, history, knowledge base, suggestion, one-screen ticket."""
    phone = request.GET.get("phone", "").strip()[:20]
    form = forms.TicketForm(
        request.POST or None,
        request.FILES or None,
        initial={"caller_phone": phone, "channel": Channel.PHONE, "kind": Kind.CONSULTATION},
    )
    if request.method == "POST" and form.is_valid():
        files = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
        try:
            ticket = services.take_call(
                form.data_for_service(),
                actor=_user(request),
                disposition=form.cleaned_data["disposition"],
                files=files,
            )
        except ValidationError as exc:
            for field, reasons in exc.message_dict.items():
                target = field if field in form.fields else None
                for reason in reasons:
                    form.add_error(target, reason)
        else:
            messages.success(
                request,
                _("工单 %(n)s 已登记（%(s)s）")
                % {"n": ticket.ticket_no, "s": ticket.get_status_display()},
            )
            return redirect("hotline:ticket", ticket_no=ticket.ticket_no)
    lookup = phone or (form.data.get("caller_phone", "") if form.is_bound else "")
    context: dict[str, Any] = {
        "form": form,
        "phone": phone,
        "history": queries.caller_history(lookup) if lookup else [],
        "queue": {name: rows.count() for name, rows in queries.office_queue().items()},
    }
    return render(request, "hotline/console.html", context)


@agents_only
@require_safe
def suggest(request: HttpRequest) -> HttpResponse:
    """Category suggestions for a description (htmx partial)."""
    text = request.GET.get("description", "")[:2000]
    return render(
        request,
        "hotline/includes/suggestions.html",
        {"suggestions": search.suggest_categories(text)},
    )


@knowledge_roles
@require_safe
def knowledge_search(request: HttpRequest) -> HttpResponse:
    """Knowledge-base hits (htmx partial)."""
    query = request.GET.get("q", "")[:200]
    return render(
        request,
        "hotline/includes/knowledge_hits.html",
        {"hits": search.search_answers(query) if query else [], "q": query},
    )


# --- tickets ---------------------------------------------------------------------------------


@staff_only
@require_safe
@never_cache
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = queries.visible_tickets(_user(request))
    status = request.GET.get("status", "")
    if status in Status.values:
        tickets = tickets.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        tickets = tickets.filter(kind=kind)
    query = request.GET.get("q", "").strip()[:20]
    if query:
        tickets = tickets.filter(ticket_no__startswith=query)
    page = Paginator(tickets.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hotline/ticket_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "q": query,
            "statuses": Status.choices,
            "kinds": Kind.choices,
        },
    )


@staff_only
@require_safe
@never_cache
def ticket_detail(request: HttpRequest, ticket_no: str) -> HttpResponse:
    ticket = _visible(request, ticket_no)
    user = _user(request)
    allowed = queries.allowed_actions(user, ticket)
    context = {
        "ticket": ticket,
        "allowed": allowed,
        "action_labels": ACTION_LABELS,
        "events": ticket.events.select_related("actor", "department"),
        "assignments": ticket.assignments.select_related("department"),
        "returns": ticket.returns.select_related("department", "suggested_department"),
        "extensions": ticket.extensions.all(),
        "attachments": ticket.attachments.all(),
        "duplicates": ticket.duplicates.all(),
        "departments": Department.objects.filter(is_active=True),
        "refusal_reasons": RefusalReason.choices,
        "satisfaction": Satisfaction.choices,
        "kinds": Kind.choices,
        "max_extension": settings.HOTLINE_MAX_EXTENSION_WORKDAYS,
    }
    return render(request, "hotline/ticket_detail.html", context)


PAYLOAD_FIELDS = (
    "note",
    "reason",
    "referral",
    "into",
    "reply",
    "knowledge_id",
    "lead",
    "reasons",
    "suggested_department",
    "opinion",
    "workdays",
    "result",
    "kind",
    "category",
)


@staff_only
@require_POST
def ticket_action(request: HttpRequest, ticket_no: str, action: str) -> HttpResponse:
    ticket = _visible(request, ticket_no)
    payload: dict[str, Any] = {f: request.POST.get(f, "").strip() for f in PAYLOAD_FIELDS}
    payload["assisting"] = [code for code in request.POST.getlist("assisting") if code]
    payload["approve"] = request.POST.get("approve") == "1"
    label = ACTION_LABELS.get(action, action)
    try:
        services.perform(ticket, action, actor=_user(request), payload=payload)
    except ValidationError as exc:
        messages.error(request, _("%(a)s未完成：%(e)s") % {"a": label, "e": _error_text(exc)})
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行该操作"))
    except lifecycle.InvalidTransition:
        messages.error(request, _("工单当前状态不允许“%(a)s”") % {"a": label})
    else:
        messages.success(request, _("已%(a)s") % {"a": label})
    return redirect("hotline:ticket", ticket_no=ticket.ticket_no)


@staff_only
@require_safe
def attachment_file(request: HttpRequest, ticket_no: str, attachment_id: int) -> FileResponse:
    ticket = _visible(request, ticket_no)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise Http404("no such attachment")
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in {"application/pdf", "image/jpeg", "image/png"},
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the department side ---------------------------------------------------------------------


@department_staff
@require_safe
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request, "hotline/inbox.html", {"inbox": queries.department_inbox(_user(request))}
    )


# --- knowledge base --------------------------------------------------------------------------


@knowledge_roles
@require_safe
def knowledge_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = request.GET.get("q", "").strip()[:200]
    if query:
        answers = [hit.answer for hit in search.search_answers(query, limit=50)]
    else:
        answers = list(
            KnowledgeAnswer.objects.select_related("department", "category").order_by(
                "-usage_count", "pk"
            )[:100]
        )
    return render(
        request,
        "hotline/knowledge_list.html",
        {
            "answers": answers,
            "q": query,
            "my_departments": queries.departments_of(user),
        },
    )


@knowledge_roles
@require_http_methods(["GET", "POST"])
def knowledge_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    mine = queries.departments_of(user)
    answer = None
    if pk is not None:
        answer = KnowledgeAnswer.objects.filter(pk=pk).first()
        if answer is None:
            raise Http404("no such answer")
    if not mine or (answer is not None and answer.department_id not in mine):
        raise PermissionDenied(_("只能维护本部门的知识库答复"))
    form = forms.KnowledgeForm(
        request.POST or None,
        instance=answer,
        departments=Department.objects.filter(pk__in=mine),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if answer is not None:
            data["department"] = answer.department
        try:
            services.save_answer(data, actor=user, answer=answer)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("知识库答复已保存"))
            return redirect("hotline:knowledge")
    return render(request, "hotline/knowledge_form.html", {"form": form, "answer": answer})


# --- statistics ------------------------------------------------------------------------------


@stats_roles
@require_safe
@never_cache
def stats_page(request: HttpRequest) -> HttpResponse:
    form = forms.PeriodForm(request.GET or None)
    date_from, date_to = form.period()
    summary = stats.summary(date_from, date_to)
    kind_labels = dict(Kind.choices)
    chart = {
        "labels": [str(kind_labels[k]) for k in summary["by_kind"]],
        "values": list(summary["by_kind"].values()),
    }
    return render(
        request,
        "hotline/stats.html",
        {
            "form": form,
            "summary": summary,
            "chart": chart,
            "kind_labels": kind_labels,
            "channel_labels": dict(Channel.choices),
            "status_labels": dict(Status.choices),
        },
    )
