"""Reads of the hotline: who sees which tickets, the caller's history, the inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from onewindow.core import crypto
from onewindow.identity.models import User
from onewindow.supervision.rules import Overdue

from . import lifecycle, services
from .models import Assignment, Extension, Status, Ticket

# Who reads every ticket: the hotline office and those who oversee the centre.
ALL_TICKET_ROLES = ("hotline_agent", "supervisor", "centre_manager")
DEPARTMENT_ROLES = services.DEPARTMENT_ROLES
STAFF_ROLES = (*ALL_TICKET_ROLES, *DEPARTMENT_ROLES)
STATS_ROLES = ("hotline_agent", "supervisor", "centre_manager", "department_head")
OPEN_ASSIGNMENTS = (Assignment.AssignmentStatus.PENDING, Assignment.AssignmentStatus.SIGNED)


def departments_of(user: User) -> set[int]:
    """The departments in which ``user`` holds a handler or department-head role."""
    return {
        department
        for role, department in user.role_grant_pairs()
        if role in DEPARTMENT_ROLES and department is not None
    }


def visible_tickets(user: Any) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related("category", "lead_department")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return tickets.none()
    if user.has_role(*ALL_TICKET_ROLES):
        return tickets
    departments = departments_of(user)
    if not departments:
        return tickets.none()
    return tickets.filter(
        Q(lead_department__in=departments) | Q(assignments__department__in=departments)
    ).distinct()


def get_visible(user: Any, ticket_no: str) -> Ticket | None:
    return visible_tickets(user).filter(ticket_no=ticket_no[:20]).first()


def caller_history(phone: str, *, limit: int = 20) -> list[Ticket]:
    """The caller's earlier tickets, found by the keyed digest of the phone number."""
    phone = (phone or "").strip()
    if not phone:
        return []
    digest = crypto.digest(phone, purpose="phone")
    return list(
        Ticket.objects.filter(caller_phone_digest=digest)
        .select_related("category", "lead_department")
        .order_by("-received_at")[:limit]
    )


def department_inbox(user: User) -> dict[str, list[Assignment]]:
    """Dispatched tickets of the user's departments: to sign, in hand, to assist."""
    departments = departments_of(user)
    rows = list(
        Assignment.objects.filter(department__in=departments, status__in=OPEN_ASSIGNMENTS)
        .select_related("ticket", "ticket__category", "department")
        .order_by("ticket__due_date", "ticket__pk")
    )
    inbox: dict[str, list[Assignment]] = {"to_sign": [], "in_hand": [], "to_assist": []}
    for row in rows:
        ticket = row.ticket
        if row.role == Assignment.Role.ASSIST:
            if ticket.status in {Status.DISPATCHED, Status.SIGNED}:
                inbox["to_assist"].append(row)
        elif ticket.status == Status.DISPATCHED:
            inbox["to_sign"].append(row)
        elif ticket.status == Status.SIGNED:
            inbox["in_hand"].append(row)
    return inbox


def office_queue() -> dict[str, QuerySet[Ticket]]:
    """What waits for the hotline office."""
    tickets = Ticket.objects.select_related("category", "lead_department")
    return {
        "received": tickets.filter(status=Status.RECEIVED).order_by("received_at"),
        "accepted": tickets.filter(status=Status.ACCEPTED).order_by("due_date"),
        "returned": tickets.filter(status=Status.RETURNED).order_by("due_date"),
        "extensions": tickets.filter(
            status=Status.SIGNED, extensions__decision=Extension.Decision.PENDING
        ).order_by("due_date"),
        "callback": tickets.filter(status=Status.REPLIED).order_by("replied_at"),
    }


def allowed_actions(user: Any, ticket: Ticket) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now (state table and right)."""
    names = []
    for action in lifecycle.allowed_actions(ticket.status):
        if action in lifecycle.OFFICE_ACTIONS:
            ok = services.is_office(user)
            if action == "decide_extension":
                ok = ok and ticket.extensions.filter(decision=Extension.Decision.PENDING).exists()
        elif action in lifecycle.LEAD_ACTIONS:
            ok = services.in_department(user, ticket.lead_department_id)
            if action == "request_extension":
                ok = (
                    ok
                    and not ticket.extensions.filter(decision=Extension.Decision.PENDING).exists()
                )
        else:
            ok = any(
                services.in_department(user, a.department_id)
                for a in ticket.assignments.filter(
                    role=Assignment.Role.ASSIST, status__in=OPEN_ASSIGNMENTS
                )
            )
        if ok:
            names.append(action)
    return names


# Tickets whose reply clock runs: what supervision classifies green, yellow or red.
RUNNING = (Status.ACCEPTED, Status.DISPATCHED, Status.RETURNED, Status.SIGNED)


def running_tickets() -> QuerySet[Ticket]:
    """Open tickets with a due date and no reply yet (``due_date``, ``lead_department``)."""
    return (
        Ticket.objects.filter(status__in=RUNNING, due_date__isnull=False)
        .select_related("lead_department", "category")
        .order_by("due_date", "pk")
    )


def overdue_tickets(day: dt.date) -> list[Overdue]:
    """Running tickets whose handling deadline passed before ``day``, for the supervision
    sweep's ``overdue_ticket`` findings (registered in ``apps.ready``)."""
    return [
        Overdue(
            subject_id=ticket.pk,
            department_id=ticket.lead_department_id,
            evidence={
                "ticket_no": ticket.ticket_no,
                "due_date": ticket.due_date.isoformat() if ticket.due_date else "",
                "status": ticket.status,
                "checked_on": day.isoformat(),
            },
        )
        for ticket in running_tickets().filter(due_date__lt=day)
    ]
