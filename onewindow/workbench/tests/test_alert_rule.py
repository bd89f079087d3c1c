"""One alert rule everywhere: for the same case on the same day, the Cases API (its ``alert``
field and filter), the workbench inbox (its SQL rank), ``cases.queries.alert`` and the
supervision sweep (its ``Subject`` row and open ``Alert``) give the same colour — the one
``cases.alerts`` states, per-item thresholds (``AlertThreshold``) and holidays included.

This test lives with the workbench, the one app above all four."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from onewindow.cases import queries as case_queries
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import on_day
from onewindow.catalog.tests import factories
from onewindow.core.models import CalendarDay
from onewindow.identity.tokens import create_token
from onewindow.supervision import sweep
from onewindow.supervision.models import Alert, AlertThreshold, Subject
from onewindow.workbench import queries
from onewindow.workbench.queries import POSTS, InboxFilters

pytestmark = pytest.mark.django_db

D = dt.date
ACCEPTED_ON = D(2026, 3, 2)  # a Monday

# The holiday table of these tests: Thursday 19 and Friday 20 March are holidays, Sunday
# 22 March is a working day (调休). Working days around them: … Mon 16, Tue 17, Wed 18,
# Sun 22, Mon 23, Tue 24 …
HOLIDAYS = (D(2026, 3, 19), D(2026, 3, 20))
ADJUSTED_WORKDAYS = (D(2026, 3, 22),)

# item: (promised days, own threshold (yellow %, minimum) or None) → threshold in working days
ITEMS: dict[str, tuple[int, tuple[int, int] | None]] = {
    "ten": (10, None),  # 10 * 20 % = 2
    "nine": (9, None),  # 9 * 20 % = 1.8, rounded down: 1 (the old round() rule said 2)
    "half": (10, (50, 1)),  # its own 50 %: 5 (the old rule ignored it: 2)
    "floor": (8, (0, 3)),  # its own minimum: 3 (the old rule: 2)
    "instant": (0, None),  # 即办件: the 1-day minimum
}

# (item, promised due date, day, colour): the rule's edges.
TABLE: list[tuple[str, dt.date, dt.date, str]] = [
    # 10 days, due Mon 16 March: 3 working days left (12, 13, 16) is green, 2 is yellow,
    # the due date itself is yellow, one working day past it red.
    ("ten", D(2026, 3, 16), D(2026, 3, 11), "green"),
    ("ten", D(2026, 3, 16), D(2026, 3, 12), "yellow"),
    ("ten", D(2026, 3, 16), D(2026, 3, 16), "yellow"),
    ("ten", D(2026, 3, 16), D(2026, 3, 17), "red"),
    # 10 days, due Mon 23 March, across the holidays: on Wed 18 only Sun 22 and Mon 23 are
    # left (weekdays alone would count 4); Tue 17 has 3.
    ("ten", D(2026, 3, 23), D(2026, 3, 17), "green"),
    ("ten", D(2026, 3, 23), D(2026, 3, 18), "yellow"),
    ("ten", D(2026, 3, 23), D(2026, 3, 20), "yellow"),
    ("ten", D(2026, 3, 23), D(2026, 3, 24), "red"),
    # 9 days: yellow at 1 working day left, not at 2.
    ("nine", D(2026, 3, 16), D(2026, 3, 12), "green"),
    ("nine", D(2026, 3, 16), D(2026, 3, 13), "yellow"),
    ("nine", D(2026, 3, 16), D(2026, 3, 17), "red"),
    # an item's own 50 %: yellow at 5 working days left (9, 10, 11, 12, 13, 16 is 6).
    ("half", D(2026, 3, 16), D(2026, 3, 6), "green"),
    ("half", D(2026, 3, 16), D(2026, 3, 9), "yellow"),
    ("half", D(2026, 3, 16), D(2026, 3, 16), "yellow"),
    ("half", D(2026, 3, 16), D(2026, 3, 17), "red"),
    # an item's own minimum of 3 across the holidays: Tue 17 has 18, 22, 23 left.
    ("floor", D(2026, 3, 23), D(2026, 3, 16), "green"),
    ("floor", D(2026, 3, 23), D(2026, 3, 17), "yellow"),
    ("floor", D(2026, 3, 23), D(2026, 3, 21), "yellow"),
    ("floor", D(2026, 3, 23), D(2026, 3, 23), "yellow"),
    ("floor", D(2026, 3, 23), D(2026, 3, 24), "red"),
    # an instant item due Tue 17: the minimum of 1 working day.
    ("instant", D(2026, 3, 17), D(2026, 3, 13), "green"),
    ("instant", D(2026, 3, 17), D(2026, 3, 16), "yellow"),
    ("instant", D(2026, 3, 17), D(2026, 3, 17), "yellow"),
    ("instant", D(2026, 3, 17), D(2026, 3, 18), "red"),
]
DAYS = sorted({day for _item, _due, day, _colour in TABLE})


@pytest.fixture
def calendar_days(db) -> None:
    for day in HOLIDAYS:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    for day in ADJUSTED_WORKDAYS:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY, name="测试调休")


@pytest.fixture
def running(calendar_days, departments, item, people, submit, monkeypatch) -> dict[Any, Case]:
    """One running case per (item, due date) of the table, accepted on ``ACCEPTED_ON``."""
    from onewindow.cases import services

    implementations = {"ten": item}
    for name, (days, own) in ITEMS.items():
        if name == "ten":
            continue
        if days == 0:
            implementation = factories.item(
                f"即办事项{name}",
                dept=departments["SCJG"],
                handling="instant",
                promised_days=0,
                statutory_days=None,
                item_type="confirmation",
            )
        else:
            implementation = factories.item(
                f"承诺事项{name}", dept=departments["SCJG"], promised_days=days, statutory_days=20
            )
        implementations[name] = implementation
        if own is not None:
            AlertThreshold.objects.create(
                implementation=implementation, yellow_percent=own[0], min_workdays=own[1]
            )
    on_day(monkeypatch, ACCEPTED_ON)
    cases: dict[Any, Case] = {}
    for name, due in sorted({(name, due) for name, due, _day, _colour in TABLE}):
        implementation = implementations[name]
        filed = (
            submit(implementation) if name == "ten" else submit(implementation, applicant_name="甲")
        )
        case = services.accept(filed, actor=people["clerk"])
        assert case.item_version.promised_days == ITEMS[name][0]
        Case.objects.filter(pk=case.pk).update(promised_due_date=due)
        cases[name, due] = Case.objects.select_related("item_version").get(pk=case.pk)
    assert {c.status for c in cases.values()} == {"accepted", "in_review"}
    return cases


def _pretend_today(monkeypatch, day: dt.date) -> None:
    """``timezone.localdate()`` without an argument (the API's "today") returns ``day``."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):  # type: ignore[no-untyped-def]
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def _sweep_level(case: Case, day: dt.date) -> str:
    subject = Subject.objects.get(kind="case", subject_id=case.pk)
    assert subject.due_date == case.promised_due_date
    if subject.due_date < day:
        from_subject = "red"
    elif subject.yellow_from is not None and subject.yellow_from <= day:
        from_subject = "yellow"
    else:
        from_subject = "green"
    alert = Alert.objects.filter(kind="case", subject_id=case.pk, resolved_at=None).first()
    assert (alert.level if alert else "green") == from_subject, (case.case_no, day)
    return from_subject


def test_the_api_the_inbox_the_case_engine_and_the_sweep_agree(
    running, people, client, monkeypatch
):
    _token, secret = create_token(people["manager"], name="test", actor=people["manager"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    overview = next(post for post in POSTS if post.key == "overview")
    expected = {(name, due, day): colour for name, due, day, colour in TABLE}
    by_no = {case.case_no: key for key, case in running.items()}
    checked = 0
    for day in DAYS:  # in order: the first sweep builds the Subject table, the others advance it
        sweep.run(timezone.make_aware(dt.datetime.combine(day, dt.time(10))))
        _pretend_today(monkeypatch, day)
        listing = client.get("/api/v1/cases?page_size=100", **headers).json()
        api_list = {by_no[row["case_no"]]: row["alert"] for row in listing["results"]}
        ranked = Case.objects.filter(pk__in=[c.pk for c in running.values()]).annotate(
            rank=queries.alert_rank(day)
        )
        sql = {by_no[case.case_no]: queries.ALERTS[case.rank] for case in ranked}
        inbox = queries.inbox(people["manager"], overview, InboxFilters(), limit=100, today=day)
        in_inbox = {by_no[row.case.case_no]: row.alert for row in inbox.rows}
        for key, case in running.items():
            detail = client.get(f"/api/v1/cases/{case.case_no}", **headers).json()
            colours = {
                "cases.queries.alert": case_queries.alert(case, day),
                "api detail": detail["alert"],
                "api list": api_list[key],
                "workbench rank": sql[key],
                "workbench inbox": in_inbox[key],
                "sweep": _sweep_level(case, day),
            }
            want = expected.get((*key, day), colours["cases.queries.alert"])
            assert set(colours.values()) == {want}, (key, day, colours)
            checked += (*key, day) in expected
        # The API's filter and the inbox's counts select by the same colours.
        for colour in ("red", "yellow", "green"):
            chosen = client.get(f"/api/v1/cases?alert={colour}&page_size=100", **headers).json()
            named = {by_no[row["case_no"]] for row in chosen["results"]}
            assert named == {key for key, value in api_list.items() if value == colour}, colour
            assert chosen["total"] == len(named)
            assert inbox.counts.by_alert[colour] == len(named), colour
    assert checked == len(TABLE)


def test_the_old_round_rule_is_gone(running):
    """A 9-day item with two working days left: round(9 * 0.2) = 2 made it yellow; 20 % of
    9, rounded down, is 1: green, as the sweep has always said."""
    case = running["nine", D(2026, 3, 16)]
    assert case_queries.alert(case, D(2026, 3, 12)) == "green"
    assert case_queries.alert(case, D(2026, 3, 13)) == "yellow"
