"""Hotline statistics: ``summary(date_from, date_to)`` is the one entry point, for this app's
statistics page, the API and the supervision dashboards.

Tickets count by the day they were registered (``received_at``, local time); merged
duplicates are counted apart and left out of the other figures. Rates are ``None`` when
there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Channel, Kind, Satisfaction, Status, Ticket
from .search import hot_words

HOT_TOPICS = 10


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def tickets_between(date_from: dt.date, date_to: dt.date) -> QuerySet[Ticket]:
    start, end = _bounds(date_from, date_to)
    return Ticket.objects.filter(received_at__gte=start, received_at__lt=end)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def hot_topics(week_ending: dt.date, *, limit: int = HOT_TOPICS) -> list[dict[str, Any]]:
    """The most frequent words in the descriptions of the seven days ending ``week_ending``."""
    texts = (
        tickets_between(week_ending - dt.timedelta(days=6), week_ending)
        .exclude(status=Status.MERGED)
        .values_list("description", flat=True)
    )
    return [{"word": word, "count": count} for word, count in hot_words(texts, limit=limit)]


def summary(date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Figures for tickets registered from ``date_from`` to ``date_to`` (both included)."""
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    every = tickets_between(date_from, date_to)
    merged = every.filter(status=Status.MERGED).count()
    tickets = every.exclude(status=Status.MERGED)
    kinds = dict(tickets.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    channels = dict(
        tickets.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")
    )
    by_category = [
        {"code": row["category__code"], "name": row["category__name"], "count": row["n"]}
        for row in tickets.exclude(category=None)
        .values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__code")
    ]
    by_department = [
        {
            "code": row["lead_department__code"],
            "name": row["lead_department__name"],
            "count": row["n"],
            "replied": row["replied"],
            "on_time": row["on_time"],
            "on_time_reply_rate": _rate(row["on_time"], row["replied"]),
        }
        for row in tickets.exclude(lead_department=None)
        .values("lead_department__code", "lead_department__name")
        .annotate(
            n=Count("pk"),
            replied=Count("pk", filter=Q(replied_at__isnull=False, answered_on_spot=False)),
            on_time=Count(
                "pk",
                filter=Q(replied_at__isnull=False, answered_on_spot=False, replied_on_time=True),
            ),
        )
        .order_by("-n", "lead_department__code")
    ]
    replied = tickets.filter(replied_at__isnull=False)
    replied_count = replied.count()
    on_time = replied.filter(replied_on_time=True).count()
    today = timezone.localdate()
    overdue_open = (
        tickets.filter(
            status__in=[Status.ACCEPTED, Status.DISPATCHED, Status.RETURNED, Status.SIGNED]
        )
        .filter(due_date__lt=today)
        .count()
    )
    called = tickets.exclude(callback_result="")
    called_count = called.count()
    satisfied = called.filter(callback_result=Satisfaction.SATISFIED).count()
    status_counts = dict(
        tickets.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "total": tickets.count(),
        "merged": merged,
        "by_kind": {kind: kinds.get(kind, 0) for kind in Kind.values},
        "by_channel": {channel: channels.get(channel, 0) for channel in Channel.values},
        "by_status": {status: status_counts.get(status, 0) for status in Status.values},
        "by_category": by_category,
        "by_department": by_department,
        "answered_on_spot": tickets.filter(answered_on_spot=True).count(),
        "refused": status_counts.get(Status.REFUSED, 0),
        "replied": replied_count,
        "replied_on_time": on_time,
        "on_time_reply_rate": _rate(on_time, replied_count),
        "overdue_open": overdue_open,
        "callbacks": called_count,
        "satisfied": satisfied,
        "satisfaction_rate": _rate(satisfied, called_count),
        "reopened": tickets.filter(reopen_count__gt=0).count(),
        "hot_topics": hot_topics(date_to),
    }
