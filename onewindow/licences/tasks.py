"""Background work of the licence library."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="onewindow.licences.tasks.issue_case_licence", acks_late=True)
def issue_case_licence(case_id: int, event_id: int) -> int | None:
    """Issue the licence of a granted case; a retry never makes a second one."""
    from . import issuance

    return issuance.issue_for_case(case_id, event_id)


@shared_task(name="onewindow.licences.tasks.sweep_licences")
def sweep_licences() -> dict[str, int]:
    """Expire licences past their date, remind holders 30 days ahead, retry stuck issuances."""
    from . import issuance, services

    result = services.sweep()
    retried = 0
    for case_id, event_id in issuance.pending_issuances():
        try:
            issue_case_licence.delay(case_id, event_id)
            retried += 1
        except Exception:
            log.exception("retrying the licence of case %s failed", case_id)
    result["retried"] = retried
    return result
