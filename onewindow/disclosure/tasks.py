"""Background work of open government: request documents after commit, and the sweep that
publishes scheduled items, ends silent consultations and closes unclarified requests."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import IntegrityError, transaction

from .models import DisclosureRequest, RequestDocument, RequestEvent

log = logging.getLogger(__name__)


@shared_task(name="onewindow.disclosure.tasks.issue_request_document", acks_late=True)
def issue_request_document(event_id: int, kind: str) -> int | None:
    """Render and keep the PDF of one request event; a retry never makes a second one."""
    from . import documents

    existing = RequestDocument.objects.filter(event_id=event_id).values_list("pk", flat=True)
    if existing:
        return existing[0]
    event = RequestEvent.objects.get(pk=event_id)
    request = DisclosureRequest.objects.select_related("agency").get(pk=event.request_id)
    try:
        with transaction.atomic():
            return documents.issue(request, kind, event).pk
    except IntegrityError:  # a concurrent retry won the race
        return RequestDocument.objects.get(event_id=event_id).pk


@shared_task(name="onewindow.disclosure.tasks.sweep")
def sweep() -> dict[str, int]:
    """Scheduled publishing, lapsed consultations (arts. 32, 34), abandoned requests (art. 30)."""
    from . import services

    summary = {
        "published": services.publish_due(),
        "consultations_lapsed": services.lapse_consultations(),
        "abandoned": services.abandon_overdue(),
    }
    if any(summary.values()):
        log.info("disclosure sweep: %s", summary)
    return summary
