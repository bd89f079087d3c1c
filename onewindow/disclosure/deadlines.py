"""The statutory clock of a request on application (《政府信息公开条例》2019).

- Art. 31, the date of receipt by channel: handed in — the day it is handed in; by post — the
  day the agency signs for it, or for ordinary mail that needs no signature, the day the
  agency confirms receipt with the applicant; online or by the disclosure office's fax — the
  day both sides confirm it (on this platform, the day it is filed: the receipt confirms it
  at once).
- Art. 30: an unclear request is answered, within 7 working days of receipt, with one notice
  listing everything to clarify and a reasonable period; the reply period then runs from the
  day the clarified request is received. No clarification in time: the request is deemed
  abandoned.
- Art. 33: reply within 20 working days of receipt; one extension of at most 20 working days,
  approved by the head of the disclosure office and notified to the applicant.
- Arts. 32 and 34: consultations of a third party or another agency (15 working days for an
  answer) are not counted in the period.

Every count is in working days over the official calendar (``core.calendar``): the receipt day
itself is not counted. The due date is therefore always
``add_workdays(clock_start, 20 + extension + paused)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onewindow.core import calendar

REPLY_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CLARIFICATION_WINDOW_WORKDAYS = 7
CONSULTATION_WORKDAYS = 15
DEFAULT_CLARIFICATION_PERIOD = 15
MAX_CLARIFICATION_PERIOD = 30


@dataclass(frozen=True)
class Due:
    date: dt.date
    provisional: bool


def receipt_date(channel: str, *, filed_on: dt.date, received_on: dt.date | None = None) -> dt.date:
    """The date of receipt (art. 31).

    ``filed_on`` is the day the request entered the platform; ``received_on`` the day staff
    record for a letter or fax (the day signed for, or confirmed with the applicant). Online
    and in-person requests are received the day they are filed.
    """
    if channel in {"online", "in_person"}:
        return filed_on
    return received_on or filed_on


def reply_due(clock_start: dt.date, *, extension: int = 0, paused: int = 0) -> Due:
    """The last day to reply (art. 33 with its extension, arts. 32/34 pauses)."""
    result = calendar.add_workdays(clock_start, REPLY_WORKDAYS + extension + paused)
    return Due(result.date, result.provisional)


def clarification_cutoff(received_on: dt.date) -> dt.date:
    """The last day the agency may ask for clarification (art. 30: 7 working days)."""
    return calendar.add_workdays(received_on, CLARIFICATION_WINDOW_WORKDAYS).date


def clarification_deadline(requested_on: dt.date, workdays: int) -> dt.date:
    """The applicant's reasonable period to clarify, in working days from the notice."""
    return calendar.add_workdays(requested_on, workdays).date


def consultation_pause(started_on: dt.date, until: dt.date) -> int:
    """Working days a consultation stops the clock: those after the letter went out up to
    ``until``, at most the 15 working days the consulted party has to answer."""
    return min(calendar.workdays_between(started_on, until), CONSULTATION_WORKDAYS)


def consultation_lapses_on(started_on: dt.date) -> dt.date:
    """The last day a consulted party may answer; after it, silence counts (arts. 32, 34)."""
    return calendar.add_workdays(started_on, CONSULTATION_WORKDAYS).date
