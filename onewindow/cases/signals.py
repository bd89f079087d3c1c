"""Signals other apps listen to, sent after the action's transaction has committed.

``case_decided``: a case was granted or denied. Arguments: ``case_id``, ``action`` ("grant"
or "deny") and ``event_id`` (the decision's ``CaseEvent``). Receivers run after commit, in the
request (or the Celery task) that made the decision: they queue their own background work and
must not fail the decision, which has already happened.
"""

from __future__ import annotations

from django.dispatch import Signal

case_decided = Signal()
