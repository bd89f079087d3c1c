"""The state table of a ticket, enforced in one place.

Every action names the states it may start from and the state it leads to (``None``: the
service decides, e.g. a callback closes or reopens). ``check`` raises ``InvalidTransition``
for anything else; services call it with the ticket row locked, so an illegal move changes
nothing.

```
received -accept-> accepted -dispatch-> dispatched -sign-> signed -reply-> replied -callback->
    closed
accepted -answer (on the spot)-> replied;  replied -callback, not satisfied once-> dispatched
dispatched -return-> returned -approve_return-> accepted (dispatched again)
                              -reject_return-> dispatched
received, accepted -refuse-> refused;  -merge-> merged
signed: request_extension, decide_extension (the state stays signed)
```
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


TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.RECEIVED}), S.ACCEPTED),
    "refuse": (frozenset({S.RECEIVED, S.ACCEPTED}), S.REFUSED),
    "merge": (frozenset({S.RECEIVED, S.ACCEPTED}), S.MERGED),
    "answer": (frozenset({S.ACCEPTED}), S.REPLIED),
    "dispatch": (frozenset({S.ACCEPTED}), S.DISPATCHED),
    "sign": (frozenset({S.DISPATCHED}), S.SIGNED),
    "return": (frozenset({S.DISPATCHED}), S.RETURNED),
    "approve_return": (frozenset({S.RETURNED}), S.ACCEPTED),
    "reject_return": (frozenset({S.RETURNED}), S.DISPATCHED),
    "assist": (frozenset({S.DISPATCHED, S.SIGNED}), None),
    "request_extension": (frozenset({S.SIGNED}), S.SIGNED),
    "decide_extension": (frozenset({S.SIGNED}), S.SIGNED),
    "reply": (frozenset({S.SIGNED}), S.REPLIED),
    "callback": (frozenset({S.REPLIED}), None),  # closed, or dispatched again (reopened)
    "close": (frozenset({S.REPLIED}), S.CLOSED),
}

ACTIONS = tuple(TRANSITIONS)
TERMINAL = frozenset({S.CLOSED, S.REFUSED, S.MERGED})
# Who acts: the hotline office (agents) or the departments the ticket is dispatched to.
OFFICE_ACTIONS = frozenset(
    {
        "accept",
        "refuse",
        "merge",
        "answer",
        "dispatch",
        "approve_return",
        "reject_return",
        "decide_extension",
        "callback",
        "close",
    }
)
LEAD_ACTIONS = frozenset({"sign", "return", "request_extension", "reply"})
ASSIST_ACTIONS = frozenset({"assist"})


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
