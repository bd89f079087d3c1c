"""Background work of the case engine: notices are made after the action commits.

An action queues its notice on commit (``services._issue``). A process that dies between the
commit and the queue (a killed web worker, a broker that refused the message) would lose the
notice, so ``reissue_missing_notices`` (``ONEWINDOW_SCHEDULE`` entry ``notice-catch-up``)
queues again every notice-producing event older than a grace period that has no document,
reading the events after its watermark only. ``issue_notice`` makes one document per event
whatever the number of deliveries.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from .models import CaseEvent, Document, NoticeWatermark

log = logging.getLogger(__name__)

# The notice each action produces.
NOTICE_OF_ACTION = {
    "accept": Document.Kind.ACCEPTANCE,
    "reject": Document.Kind.REJECTION,
    "request_corrections": Document.Kind.CORRECTIONS,
    "grant": Document.Kind.GRANT,
    "deny": Document.Kind.DENIAL,
    "terminate": Document.Kind.TERMINATION,
}


# Case columns a notice never prints (``documents.render_notice``): left unread by the task.
_UNPRINTED_CASE_FIELDS = ("applicant_id_number", "applicant_phone", "form", "delivery")


def notice_for(event: CaseEvent) -> tuple[str, dict[str, Any]]:
    """The kind and the options of the notice of ``event``, from what the event recorded."""
    kind = NOTICE_OF_ACTION[event.action]
    detail = event.detail or {}
    options: dict[str, Any] = {}
    if kind == Document.Kind.CORRECTIONS:
        options["corrections"] = list(detail.get("corrections", []))
    elif kind != Document.Kind.ACCEPTANCE:
        options["reasons"] = list(detail.get("reasons", []))
    if kind == Document.Kind.TERMINATION:
        options["note"] = event.note
    return str(kind), options


@shared_task(name="onewindow.cases.tasks.issue_notice", acks_late=True)
def issue_notice(event_id: int, kind: str, options: dict[str, Any]) -> int | None:
    """Render and keep the notice of one case event; a retry never makes a second one."""
    from . import documents

    # ``order_by()``: the model's ordering would join the case only to sort a single row.
    existing = (
        Document.objects.filter(event_id=event_id).order_by().values_list("pk", flat=True).first()
    )
    if existing is not None:
        return existing
    # One query for the event, its case and what the notice prints of them. The applicant's
    # encrypted ID number and phone and the application form are never printed (the notice
    # masks the name and omits the rest), so they are neither read nor decrypted.
    event = (
        CaseEvent.objects.select_related("case__item_version", "case__lead_department")
        .defer(*(f"case__{name}" for name in _UNPRINTED_CASE_FIELDS))
        .get(pk=event_id)
    )
    case = event.case
    try:
        with transaction.atomic():
            return documents.issue_document(case, kind, event=event, **options).pk
    except IntegrityError:  # a concurrent retry won the race
        return Document.objects.get(event_id=event_id).pk


@shared_task(name="onewindow.cases.tasks.reissue_missing_notices")
def reissue_missing_notices(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again the notices of the events older than the grace period that have none.

    Only events after the watermark are read (a range of the primary key). The watermark
    then moves to the last event before the first one still inside the grace period, so an
    event is checked once it is old enough and never again.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ONEWINDOW_NOTICE_GRACE_SECONDS)
    with transaction.atomic():
        NoticeWatermark.objects.get_or_create(pk=1)
        mark = NoticeWatermark.objects.select_for_update().get(pk=1)
        after = CaseEvent.objects.filter(pk__gt=mark.event_id)
        first_recent = after.filter(at__gt=cutoff).aggregate(first=Min("pk"))["first"]
        settled = after if first_recent is None else after.filter(pk__lt=first_recent)
        missing = list(
            settled.filter(action__in=NOTICE_OF_ACTION)
            .annotate(has_document=Exists(Document.objects.filter(event_id=OuterRef("pk"))))
            .filter(has_document=False)
            .order_by("pk")
        )
        last = settled.order_by("-pk").values_list("pk", flat=True).first()
        if last is not None:
            mark.event_id = last
        mark.checked_at = now
        mark.save(update_fields=["event_id", "checked_at"])
        for event in missing:
            _queue_again(event)
    return {"queued": len(missing), "watermark": mark.event_id}


def _queue_again(event: CaseEvent) -> None:
    kind, options = notice_for(event)
    log.warning("queueing again the %s notice of case event %s", kind, event.pk)
    transaction.on_commit(lambda: issue_notice.delay(event.pk, kind, options))
