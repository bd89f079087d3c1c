"""Violation rules (违规规则): each finding is one row with its evidence, recorded once per rule
and subject (``Finding``'s unique key; ``ON CONFLICT DO NOTHING``).

* ``overdue_case`` / ``overdue_task`` — a case or task turned red in this sweep;
* ``acceptance_overdue`` — submitted and waiting for an acceptance decision (accept, reject or
  request corrections) for more than 5 working days (行政许可法第三十二条), counted as
  ``cases.queries.acceptance_overdue`` counts;
* ``decision_without_acceptance`` — a grant or deny recorded for a case with no acceptance
  before it; ``out_of_sequence`` — an event that does not start where the case's previous
  event ended (a gap in the record); ``stage_order`` — a task completed while an earlier stage
  was still open, or before it: signs of off-platform handling (体外循环). The case engine
  never writes such records; they come from data imported from department systems or written
  around the engine;
* ``fee_outside_standard`` — a fee charged that is not in the item's fee standard (收费标准),
  or above its amount. The platform keeps no payment records yet: the rule reads the charges a
  case carries in ``form["fees_charged"]`` (``[{"name", "amount"}]``, filled by a department
  system or an intake form) and flags nothing for cases without them;
* ``zero_cases`` — a published item that received no application in the previous calendar
  month (零办件), from the rollups;
* ``overdue_disclosure`` / ``overdue_ticket`` — a request for government information past its
  reply deadline (the running consultation counted, ``disclosure.queries.open_requests_due``),
  a 12345 ticket past its handling deadline with no reply: the deadlines outside the case
  engine, from ``DEADLINE_SOURCES`` (the hotline, an app above this one, registers its own).

The event rules look at the sweep's batch of new case events only; each rule is one
``INSERT … SELECT`` except the fee rule, which reads the (few) cases with charges in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from onewindow.cases.models import Case, CaseEvent, Task
from onewindow.cases.queries import ACCEPTANCE_LIMIT_WORKDAYS
from onewindow.catalog.models import ItemImplementation, ItemVersion

from . import rollups, thresholds
from . import sqltools as q
from .models import DailyItemStat, Finding

# The alerts the running sweep raised (``sweep._record_alerts`` fills it).
RAISED_TABLE = "supervision_tmp_raised"

FINDING_COLUMNS = (
    "rule, subject_type, subject_id, period, case_id, task_id, implementation_id,"
    " department_id, evidence, found_at, status"
)


@dataclass(frozen=True)
class Overdue:
    """Something past its deadline outside the case engine, as a finding's subject."""

    subject_id: int
    department_id: int | None
    evidence: dict[str, Any]


@dataclass(frozen=True)
class DeadlineSource:
    rule: str
    subject_type: str
    overdue_on: Callable[[dt.date], Iterable[Overdue]]  # what is past its deadline on a day


DEADLINE_SOURCES: dict[str, DeadlineSource] = {}


def register_deadline_source(source: DeadlineSource) -> None:
    """Let an app's deadlines be watched by the sweep (once per process, from ``ready()``)."""
    DEADLINE_SOURCES[source.rule] = source


def run_all(*, day: dt.date, at: dt.datetime, batch: rollups.Batch) -> int:
    """Every rule; the number of new findings."""
    found = overdue(at)
    found += acceptance_overdue(day, at)
    if batch.events:
        found += decisions_without_acceptance(at)
        found += out_of_sequence(at)
        found += stage_order(at)
        found += fees_outside_standard(at)
    found += zero_cases(day, at)
    found += overdue_elsewhere(day, at)
    return found


def _insert(select: str, params: list[Any]) -> int:
    """``INSERT … SELECT`` of findings, skipping those already recorded; the number inserted.

    Each candidate is checked against the unique key's index (``ON CONFLICT DO NOTHING``), so
    the cost grows with the candidates, never with the findings recorded over the years.
    """
    return q.execute(
        f"INSERT INTO {q.table(Finding)} ({FINDING_COLUMNS}) {select} ON CONFLICT DO NOTHING",
        params,
    )


def overdue(at: dt.datetime) -> int:
    """A finding for every case or task this sweep found red, with the alert's dates as its
    evidence (the case number is the finding's case)."""
    evidence = q.json_object(
        ("due_date", q.text("a.due_date")),
        ("raised_at", q.text("a.raised_at")),
    )
    return _insert(
        "SELECT CASE WHEN a.kind = 'case' THEN 'overdue_case' ELSE 'overdue_task' END,"  # noqa: S608
        " a.kind, a.subject_id, '', a.case_id, a.task_id, a.implementation_id,"
        f" a.department_id, {evidence}, %s, 'open' FROM {RAISED_TABLE} a"
        " WHERE a.level = 'red'",
        [q.moment(at)],
    )


def acceptance_overdue(day: dt.date, at: dt.datetime) -> int:
    first_day = thresholds.acceptance_deadline_day(day, ACCEPTANCE_LIMIT_WORKDAYS)
    limit = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    evidence = q.json_object(
        ("case_no", "c.case_no"),
        ("submitted_at", q.text("c.submitted_at")),
        ("limit_workdays", str(ACCEPTANCE_LIMIT_WORKDAYS)),
        ("checked_on", q.text("%s")),
    )
    return _insert(
        "SELECT 'acceptance_overdue', 'case', c.id, '', c.id, CAST(NULL AS BIGINT),"  # noqa: S608
        " c.implementation_id,"
        f" c.lead_department_id, {evidence}, %s, 'open' FROM {q.table(Case)} c"
        " WHERE c.status = 'submitted' AND c.submitted_at < %s",
        [day.isoformat(), q.moment(at), q.moment(limit)],
    )


BATCH = f"(SELECT event_id FROM {rollups.BATCH_TABLE})"  # noqa: S608  # a constant


def decisions_without_acceptance(at: dt.datetime) -> int:
    events = q.table(CaseEvent)
    evidence = q.json_object(
        ("case_no", "c.case_no"),
        ("event_id", "e.id"),
        ("action", "e.action"),
        ("at", q.text("e.at")),
    )
    return _insert(
        "SELECT 'decision_without_acceptance', 'case', c.id, '', c.id, CAST(NULL AS BIGINT),"  # noqa: S608
        f" c.implementation_id, c.lead_department_id, {evidence}, %s, 'open'"
        f" FROM {events} e JOIN {q.table(Case)} c ON c.id = e.case_id"
        f" WHERE e.id IN {BATCH} AND e.action IN ('grant', 'deny')"
        f" AND NOT EXISTS (SELECT 1 FROM {events} p WHERE p.case_id = e.case_id"
        " AND p.id < e.id AND p.action = 'accept')",
        [q.moment(at)],
    )


def out_of_sequence(at: dt.datetime) -> int:
    events = q.table(CaseEvent)
    previous = (
        f"(SELECT p.to_status FROM {events} p WHERE p.case_id = e.case_id AND p.id < e.id"  # noqa: S608
        " ORDER BY p.id DESC LIMIT 1)"
    )
    evidence = q.json_object(
        ("case_no", "c.case_no"),
        ("event_id", "e.id"),
        ("action", "e.action"),
        ("from_status", "e.from_status"),
        ("previous_to_status", f"COALESCE({previous}, 'draft')"),
        ("at", q.text("e.at")),
    )
    return _insert(
        "SELECT 'out_of_sequence', 'event', e.id, '', c.id, CAST(NULL AS BIGINT),"  # noqa: S608
        " c.implementation_id,"
        f" c.lead_department_id, {evidence}, %s, 'open'"
        f" FROM {events} e JOIN {q.table(Case)} c ON c.id = e.case_id"
        f" WHERE e.id IN {BATCH} AND e.from_status <> COALESCE({previous}, 'draft')",
        [q.moment(at)],
    )


def stage_order(at: dt.datetime) -> int:
    tasks = q.table(Task)
    evidence = q.json_object(
        ("case_no", "c.case_no"),
        ("task_id", "t.id"),
        ("stage", "t.stage_name"),
        ("completed_at", q.text("t.completed_at")),
        ("earlier_task_id", "e.id"),
        ("earlier_stage", "e.stage_name"),
        ("earlier_status", "e.status"),
    )
    return _insert(
        "SELECT 'stage_order', 'task', t.id, '', c.id, t.id, c.implementation_id,"  # noqa: S608
        f" t.department_id, {evidence}, %s, 'open'"
        f" FROM {tasks} t JOIN {q.table(Case)} c ON c.id = t.case_id"
        f" JOIN {tasks} e ON e.case_id = t.case_id AND e.stage < t.stage"
        " WHERE t.status = 'completed'"
        f" AND t.case_id IN (SELECT case_id FROM {q.table(CaseEvent)} WHERE id IN {BATCH})"
        " AND (e.status IN ('waiting', 'active')"
        " OR (e.status = 'completed' AND e.completed_at > t.completed_at))",
        [q.moment(at)],
    )


# --- fees ------------------------------------------------------------------------------------

AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*元")
FREE = ("免收", "免费", "不收费", "无")


def standard_amount(text: str) -> Decimal | None:
    """The highest amount a fee standard's text names, in yuan: "住宅80元/件" → 80, "免收" → 0;
    None when the text names no amount (the standard cannot be checked mechanically)."""
    amounts = [Decimal(m) for m in AMOUNT.findall(text or "")]
    if amounts:
        return max(amounts)
    if any(word in (text or "") for word in FREE):
        return Decimal(0)
    return None


def fee_problems(version: ItemVersion, charges: Any) -> list[dict[str, Any]]:
    """The charges that do not fit the fee standard of ``version``."""
    fees = {fee.name.strip(): fee for fee in version.fees.all()}
    problems = []
    for charge in charges if isinstance(charges, list) else []:
        if not isinstance(charge, dict):
            continue
        name = str(charge.get("name", "")).strip()
        try:
            amount = Decimal(str(charge.get("amount", "0")))
        except (InvalidOperation, ValueError):
            problems.append(
                {"name": name, "amount": str(charge.get("amount")), "problem": "amount"}
            )
            continue
        if amount <= 0:
            continue
        fee = fees.get(name)
        if fee is None:
            problems.append({"name": name, "amount": str(amount), "problem": "not_in_standard"})
            continue
        limit = standard_amount(fee.amount)
        if limit is not None and amount > limit:
            problems.append(
                {
                    "name": name,
                    "amount": str(amount),
                    "problem": "above_standard",
                    "standard": fee.amount,
                }
            )
    return problems


def fees_outside_standard(at: dt.datetime) -> int:
    touched = rollups.batch_events().values("case_id")
    candidates = Case.objects.filter(pk__in=touched, form__has_key="fees_charged").select_related(
        "item_version"
    )
    rows = []
    for case in candidates:
        problems = fee_problems(case.item_version, case.form.get("fees_charged"))
        if problems:
            rows.append(
                Finding(
                    rule=Finding.Rule.FEE_OUTSIDE_STANDARD,
                    subject_type="case",
                    subject_id=case.pk,
                    case=case,
                    implementation_id=case.implementation_id,
                    department_id=case.lead_department_id,
                    evidence={"case_no": case.case_no, "charges": problems},
                    found_at=at,
                )
            )
    before = Finding.objects.filter(rule=Finding.Rule.FEE_OUTSIDE_STANDARD).count()
    Finding.objects.bulk_create(rows, ignore_conflicts=True)
    return Finding.objects.filter(rule=Finding.Rule.FEE_OUTSIDE_STANDARD).count() - before


# --- zero cases ------------------------------------------------------------------------------


def previous_month(day: dt.date) -> tuple[dt.date, dt.date]:
    end = day.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def zero_cases(day: dt.date, at: dt.datetime) -> int:
    start, end = previous_month(day)
    period = start.strftime("%Y-%m")
    implementations = q.table(ItemImplementation)
    evidence = q.json_object(
        ("period", q.text("%s")), ("item_code", "i.implementation_code"), ("submitted", "0")
    )
    return _insert(
        "SELECT 'zero_cases', 'implementation', i.id, %s, CAST(NULL AS BIGINT),"  # noqa: S608
        " CAST(NULL AS BIGINT), i.id, i.department_id,"
        f" {evidence}, %s, 'open' FROM {implementations} i"
        f" JOIN {q.table(ItemVersion)} v ON v.id = i.current_version_id"
        " WHERE v.status = 'published' AND i.created_at < %s"
        f" AND NOT EXISTS (SELECT 1 FROM {q.table(DailyItemStat)} s"
        " WHERE s.implementation_id = i.id AND s.day >= %s AND s.day <= %s AND s.submitted > 0)",
        [
            period,
            period,
            q.moment(at),
            q.moment(timezone.make_aware(dt.datetime.combine(start, dt.time.min))),
            q.date(start),
            q.date(end),
        ],
    )


def overdue_elsewhere(day: dt.date, at: dt.datetime) -> int:
    """A finding, once, for everything the deadline sources report past its deadline on
    ``day``; the number new. The sources report few rows (the overdue ones only)."""
    found = 0
    for source in DEADLINE_SOURCES.values():
        items = {item.subject_id: item for item in source.overdue_on(day)}
        if not items:
            continue
        known = set(
            Finding.objects.filter(
                rule=source.rule,
                subject_type=source.subject_type,
                period="",
                subject_id__in=list(items),
            ).values_list("subject_id", flat=True)
        )
        new = [
            Finding(
                rule=source.rule,
                subject_type=source.subject_type,
                subject_id=subject_id,
                department_id=item.department_id,
                evidence=item.evidence,
                found_at=at,
            )
            for subject_id, item in sorted(items.items())
            if subject_id not in known
        ]
        Finding.objects.bulk_create(new)
        found += len(new)
    return found


def _overdue_disclosure_requests(day: dt.date) -> list[Overdue]:
    """Requests for government information whose reply was due before ``day``."""
    from onewindow.disclosure import queries as disclosure

    return [
        Overdue(
            subject_id=due.request_id,
            department_id=due.agency_id,
            evidence={
                "request_no": due.request_no,
                "due_date": due.due_date.isoformat(),
                "checked_on": day.isoformat(),
            },
        )
        for due in disclosure.open_requests_due(day - dt.timedelta(days=1), as_of=day)
    ]


register_deadline_source(
    DeadlineSource(
        rule="overdue_disclosure",
        subject_type="disclosure",
        overdue_on=_overdue_disclosure_requests,
    )
)
