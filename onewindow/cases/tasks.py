"""Background work of the case engine: notices are made after the action commits."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import IntegrityError, transaction

from .models import Case, CaseEvent, Document


@shared_task(name="onewindow.cases.tasks.issue_notice", acks_late=True)
def issue_notice(event_id: int, kind: str, options: dict[str, Any]) -> int | None:
    """Render and keep the notice of one case event; a retry never makes a second one."""
    from . import documents

    existing = Document.objects.filter(event_id=event_id).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    event = CaseEvent.objects.select_related("case").get(pk=event_id)
    case = Case.objects.select_related("item_version", "lead_department", "implementation").get(
        pk=event.case_id
    )
    try:
        with transaction.atomic():
            return documents.issue_document(case, kind, event=event, **options).pk
    except IntegrityError:  # a concurrent retry won the race
        return Document.objects.get(event_id=event_id).pk
