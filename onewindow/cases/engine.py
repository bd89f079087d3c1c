"""The state table of a case, enforced in one place.

Every action names the states it may start from and the state it leads to. ``check`` raises
``InvalidTransition`` (HTTP 409) for anything else; services call it with the case row locked,
so an illegal move changes nothing.
"""

from __future__ import annotations

from .models import Status

S = Status


class InvalidTransition(Exception):
    def __init__(self, action: str, status: str, reason: str = "") -> None:
        self.action = action
        self.status = status
        self.reason = reason
        super().__init__(reason or f"{action} is not allowed in state {status}")


# Before a decision: an applicant may withdraw, staff may terminate.
UNDECIDED = frozenset({S.SUBMITTED, S.CORRECTIONS_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED})
RUNNING = frozenset({S.ACCEPTED, S.IN_REVIEW})

# action → (states it may start from, state it leads to; None = decided by the service)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "accept": (frozenset({S.SUBMITTED}), None),  # accepted, or in_review when it has stages
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "request_corrections": (frozenset({S.SUBMITTED}), S.CORRECTIONS_REQUESTED),
    "resubmit": (frozenset({S.CORRECTIONS_REQUESTED}), S.SUBMITTED),
    "complete_task": (frozenset({S.IN_REVIEW}), S.IN_REVIEW),
    "grant": (RUNNING, S.GRANTED),
    "deny": (RUNNING, S.DENIED),
    "suspend": (RUNNING, S.SUSPENDED),
    "resume": (frozenset({S.SUSPENDED}), None),  # back to where it was
    "deliver": (frozenset({S.GRANTED, S.DENIED}), S.COMPLETED),
    "withdraw": (UNDECIDED | {S.DRAFT}, S.WITHDRAWN),
    "terminate": (UNDECIDED, S.TERMINATED),
}

ACTIONS = tuple(TRANSITIONS)
TERMINAL = frozenset({S.REJECTED, S.COMPLETED, S.WITHDRAWN, S.TERMINATED})


def check(action: str, status: str) -> None:
    """Raise ``InvalidTransition`` unless ``action`` may start from ``status``."""
    if action not in TRANSITIONS:
        raise InvalidTransition(action, status, f"unknown action {action!r}")
    sources, _target = TRANSITIONS[action]
    if status not in sources:
        raise InvalidTransition(action, status)


def target(action: str) -> str | None:
    return TRANSITIONS[action][1]


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _t) in TRANSITIONS.items() if status in sources]
