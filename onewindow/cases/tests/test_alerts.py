"""The alert rule of ``cases.alerts``: its arithmetic, its defaults, the per-item thresholds a
higher app registers, and one read of them per listing. (That the API, the inbox and the
sweep agree on it case by case is ``workbench/tests/test_alert_rule.py``.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.cases import alerts, services
from onewindow.cases.models import Case
from onewindow.identity.tokens import create_token

from .conftest import on_day

MONDAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("limit", "percent", "least", "workdays"),
    [
        (10, 20, 1, 2),
        (9, 20, 1, 1),  # 1.8 rounded down (round() made it 2)
        (14, 20, 1, 2),  # 2.8 rounded down (round() made it 3)
        (15, 20, 1, 3),
        (4, 20, 1, 1),  # the minimum
        (0, 20, 1, 1),  # an instant item: the minimum
        (0, 100, 0, 0),  # no max(limit, 1): the sweep uses the limit as it is
        (10, 50, 1, 5),
        (8, 0, 3, 3),
        (7, 100, 0, 7),
    ],
)
def test_the_threshold_is_the_share_rounded_down_and_at_least_the_minimum(
    limit, percent, least, workdays
):
    assert alerts.Threshold(percent, least).workdays(limit) == workdays


@pytest.mark.parametrize(("percent", "least"), [(-1, 1), (101, 1), (20, -1)])
def test_a_threshold_out_of_range_is_refused(percent, least):
    with pytest.raises(ValueError):  # noqa: PT011  # the message names the field
        alerts.Threshold(percent, least)


def test_a_bad_default_in_the_settings_fails_loudly(settings):
    settings.ONEWINDOW_SUPERVISION_YELLOW_PERCENT = 120
    with pytest.raises(ImproperlyConfigured, match="YELLOW_PERCENT"):
        alerts.default()


def test_the_default_comes_from_the_settings(settings):
    settings.ONEWINDOW_SUPERVISION_YELLOW_PERCENT = 30
    settings.ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS = 2
    assert alerts.default() == alerts.Threshold(yellow_percent=30, min_workdays=2)


def test_yellow_on_the_due_date_and_red_the_day_after(db):
    rule = alerts.Threshold(20, 1)
    due = dt.date(2026, 3, 16)  # a Monday; 10 days: yellow with 2 working days left
    assert alerts.level(dt.date(2026, 3, 11), due, 10, rule) == "green"
    assert alerts.level(dt.date(2026, 3, 12), due, 10, rule) == "yellow"
    assert alerts.level(due, due, 10, rule) == "yellow"
    assert alerts.level(dt.date(2026, 3, 17), due, 10, rule) == "red"


def test_a_case_and_its_sql_rank_honour_a_registered_threshold(
    db, item, submitted, people, monkeypatch
):
    on_day(monkeypatch, MONDAY)
    case = services.accept(submitted, actor=people["clerk"])
    due = case.promised_due_date
    assert due == dt.date(2026, 3, 16)
    day = dt.date(2026, 3, 9)  # 5 working days left: green at 20 %, yellow at 50 %
    monkeypatch.setattr(alerts._registry, "source", lambda: {})
    assert alerts.case_alert(case, day) == "green"
    monkeypatch.setattr(alerts._registry, "source", lambda: {item.pk: alerts.Threshold(50, 1)})
    assert alerts.case_alert(case, day) == "yellow"
    ranked = Case.objects.annotate(rank=alerts.rank(day)).get(pk=case.pk)
    assert alerts.ALERTS[ranked.rank] == "yellow"


def test_listing_cases_reads_the_thresholds_once(client, item, people, submit_many):
    _token, secret = create_token(people["clerk"], name="test", actor=people["clerk"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def queries_for_listing() -> int:
        client.get("/api/v1/cases?alert=green", **headers)  # warm the calendar and the token
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/cases?alert=green&page_size=100", **headers)
        assert response.status_code == 200
        assert response.json()["total"] == Case.objects.filter(status="in_review").count()
        return len(captured)

    submit_many(2)
    few = queries_for_listing()
    submit_many(6)
    assert queries_for_listing() == few


@pytest.fixture
def submit_many(item, people, monkeypatch):
    from .conftest import upload

    requirement = item.current_version.materials.get(name="申请书")

    def make(count: int) -> None:
        on_day(monkeypatch, timezone.localdate())
        for _ in range(count):
            case = services.submit_case(
                item,
                form={"venue": "示例影城", "area": 1200},
                channel="online",
                materials=[
                    {"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}
                ],
                actor=people["citizen"],
            )
            services.accept(case, actor=people["clerk"])

    return make
