"""Issuing on grant: the bridge from the case engine to the licence library.

``cases`` announces every decision after commit (``cases.signals.case_decided``). For a grant
of an item whose result is a licence (``LicenceItem``), ``on_case_decided`` records one
``Issuance`` per case (unique on the case and on the decision event) and queues the Celery task
``issue_case_licence``, which issues the licence under a lock on that row: a retried or
duplicated task finds the licence already there and issues nothing. An issuance that failed
(no seal yet, a worker lost) stays pending and the periodic sweep queues it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent, Status

from . import services
from .models import Issuance, LicenceItem

log = logging.getLogger(__name__)
RETRY_AFTER = dt.timedelta(minutes=5)


def licence_item_for(case: Case) -> LicenceItem | None:
    return (
        LicenceItem.objects.select_related("licence_type__department")
        .filter(implementation_id=case.implementation_id, licence_type__is_active=True)
        .first()
    )


def on_case_decided(sender: Any, *, case_id: int, action: str, event_id: int, **_: Any) -> None:
    """Receiver of ``case_decided``: queue the licence of a granted case, once."""
    if action != "grant":
        return
    case = Case.objects.only("pk", "implementation_id").get(pk=case_id)
    if licence_item_for(case) is None:
        return
    try:
        with transaction.atomic():
            Issuance.objects.get_or_create(case_id=case_id, defaults={"event_id": event_id})
    except IntegrityError:  # a concurrent receiver recorded it first
        pass
    from . import tasks

    tasks.issue_case_licence.delay(case_id, event_id)


def issue_for_case(case_id: int, event_id: int) -> int | None:
    """Issue the licence of a granted case unless it exists; returns the licence's id."""
    with transaction.atomic():
        issuance = Issuance.objects.select_for_update().filter(case_id=case_id).first()
        if issuance is None:
            issuance = Issuance.objects.create(case_id=case_id, event_id=event_id)
            issuance = Issuance.objects.select_for_update().get(pk=issuance.pk)
        if issuance.licence_id is not None:
            return issuance.licence_id
        case = Case.objects.select_related("implementation", "item_version").get(pk=case_id)
        if case.status not in {Status.GRANTED, Status.COMPLETED}:
            log.warning("case %s is %s: no licence issued", case.case_no, case.status)
            return None
        item = licence_item_for(case)
        if item is None:
            return None
        licence_type = item.licence_type
        event = CaseEvent.objects.select_related("actor").filter(pk=issuance.event_id).first()
        form = case.form or {}
        data = {
            str(f["key"]): form[f["key"]]
            for f in licence_type.fields or []
            if isinstance(f, dict) and form.get(f.get("key")) not in (None, "")
        }
        licence = services.issue_licence(
            licence_type,
            holder_kind=case.applicant_kind,
            holder_name=case.applicant_name,
            holder_id_number=case.applicant_id_number,
            holder=case.applicant,
            data=data,
            actor=event.actor if event is not None else None,
            case_no=case.case_no,
            case=case,
        )
        issuance.licence = licence
        issuance.issued_at = timezone.now()
        issuance.save(update_fields=["licence", "issued_at"])
        return licence.pk


def pending_issuances(now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(case id, event id) of issuances still without a licence after a while."""
    cutoff = (now or timezone.now()) - RETRY_AFTER
    return list(
        Issuance.objects.filter(licence=None, created_at__lt=cutoff).values_list(
            "case_id", "event_id"
        )
    )
