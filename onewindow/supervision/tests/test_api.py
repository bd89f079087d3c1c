"""The Supervision API (API.md) and the pages: who may read what."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.identity.tokens import create_token
from onewindow.supervision.models import DailyDepartmentStat, DailyItemStat

from .conftest import MONDAY, sign_in

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def alerted(accepted_on, sweep_on):
    case = accepted_on(MONDAY)
    sweep_on(dt.date(2026, 3, 12))  # the case yellow (SCJG), its first task red (SCJG)
    return case


def test_a_supervisor_lists_the_alerts(client, alerted, overseers):
    response = client.get("/api/v1/supervision/alerts", **bearer(overseers["supervisor"]))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    row = next(r for r in body["results"] if r["task_id"] is None)
    assert row["case_no"] == alerted.case_no
    assert row["level"] == "yellow"
    assert row["due_date"] == "2026-03-16"
    assert row["raised_at"].startswith("2026-03-12T10:00:00")
    red = client.get("/api/v1/supervision/alerts?level=red", **bearer(overseers["manager"]))
    assert [r["level"] for r in red.json()["results"]] == ["red"]


def test_a_department_head_sees_the_alerts_of_their_department_only(client, alerted, overseers):
    own = client.get("/api/v1/supervision/alerts", **bearer(overseers["head"]))
    assert own.json()["total"] == 2
    other = client.get("/api/v1/supervision/alerts", **bearer(overseers["xf_head"]))
    assert other.json()["total"] == 0
    refused = client.get(
        "/api/v1/supervision/alerts?department=SCJG", **bearer(overseers["xf_head"])
    )
    assert refused.status_code == 403


def test_outsiders_are_refused(client, alerted, people):
    assert client.get("/api/v1/supervision/alerts").status_code == 401
    for who in ("citizen", "handler", "clerk"):
        response = client.get("/api/v1/supervision/alerts", **bearer(people[who]))
        assert response.status_code == 403, who
        assert response.json()["error"]["code"] == "forbidden"
        summary = client.get("/api/v1/stats/summary", **bearer(people[who]))
        assert summary.status_code == 403, who


def test_bad_filters_are_clear_errors(client, overseers):
    headers = bearer(overseers["supervisor"])
    response = client.get("/api/v1/supervision/alerts?level=green", **headers)
    assert response.status_code == 400
    response = client.get("/api/v1/stats/summary?from=2026-03-10&to=2026-03-01", **headers)
    assert response.status_code == 400
    assert "from" in response.json()["error"]["details"]["fields"]
    response = client.get("/api/v1/stats/summary?item_code=NOPE", **headers)
    assert response.json()["error"]["details"]["fields"] == {"item_code": ["事项不存在"]}


def test_the_summary_adds_up_the_rollups(client, overseers, departments, item):
    scjg = departments["SCJG"]
    for day, channel, counts in (
        (dt.date(2026, 3, 2), "online", {"submitted": 5, "accepted": 4}),
        (dt.date(2026, 3, 3), "window", {"submitted": 3, "accepted": 3, "completed": 4}),
        (dt.date(2026, 4, 1), "online", {"submitted": 100}),
    ):
        DailyDepartmentStat.objects.create(
            day=day, department=scjg, channel=channel, completed_on_time=3, **counts
        )
        DailyItemStat.objects.create(
            day=day, department=scjg, implementation=item, channel=channel, **counts
        )
    response = client.get(
        "/api/v1/stats/summary?from=2026-03-01&to=2026-03-31",
        **bearer(overseers["supervisor"]),
    )
    body = response.json()
    assert response.status_code == 200
    assert body["submitted"] == 8
    assert body["accepted"] == 7
    assert body["completed"] == 4
    assert body["completion_rate"] == round(4 / 7, 4)
    assert body["on_time_rate"] == 1.5  # as stored: six on time over four (synthetic rows)
    assert body["satisfaction_rate"] is None or isinstance(body["satisfaction_rate"], float)
    assert body["from"] == "2026-03-01"
    by_item = client.get(
        f"/api/v1/stats/summary?from=2026-03-01&to=2026-03-31&item_code={item.implementation_code}",
        **bearer(overseers["head"]),
    ).json()
    assert by_item["submitted"] == 8
    refused = client.get(
        f"/api/v1/stats/summary?item_code={item.implementation_code}",
        **bearer(overseers["xf_head"]),
    )
    assert refused.status_code == 403


def test_the_summary_reports_the_overdue_stock_of_the_latest_sweep(
    client, accepted_on, sweep_on, overseers
):
    accepted_on(MONDAY)
    sweep_on(dt.date(2026, 3, 17))
    body = client.get(
        "/api/v1/stats/summary?from=2026-03-01&to=2026-03-31", **bearer(overseers["supervisor"])
    ).json()
    assert body["overdue_open"] == 1
    before = client.get(
        "/api/v1/stats/summary?from=2026-02-01&to=2026-02-28", **bearer(overseers["supervisor"])
    ).json()
    assert before["overdue_open"] == 0


def test_the_pages_answer_their_readers(client, alerted, overseers):
    sign_in(client, overseers["supervisor"])
    for url in (
        "/supervision/",
        "/supervision/alerts/",
        "/supervision/findings/",
        "/supervision/notices/",
        "/supervision/notices/new/",
        "/supervision/cards/",
    ):
        assert client.get(url).status_code == 200, url
    export = client.get("/supervision/export/departments.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    for table in ("days", "items", "channels", "windows", "delayed", "alerts", "findings"):
        assert client.get(f"/supervision/export/{table}.xlsx").status_code == 200, table


def test_a_department_head_reads_alerts_but_not_the_dashboard(client, alerted, overseers):
    sign_in(client, overseers["head"])
    assert client.get("/supervision/alerts/").status_code == 200
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/export/departments.xlsx").status_code == 404


def test_the_public_statistics_page_needs_no_login(client, alerted):
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert "政务服务数据公开" in response.content.decode()
    assert client.get("/statistics/export.xlsx").status_code == 200


def test_the_notice_pages_carry_the_lifecycle(client, submitted, overseers):
    sign_in(client, overseers["supervisor"])
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/supervision/notices/new/",
        {
            "case_no": submitted.case_no,
            "reason": "受理超期",
            "required_action": "立即受理",
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    sign_in(client, overseers["head"])
    assert client.get(detail).status_code == 200
    client.post(detail + "reply/", {"explanation": "人手不足", "fix": "已受理"})
    sign_in(client, overseers["supervisor"])
    client.post(detail + "review/", {"decision": "close", "note": "同意"})
    from onewindow.supervision.models import SupervisionNotice

    assert SupervisionNotice.objects.get().status == "closed"
    sign_in(client, overseers["xf_head"])
    assert client.get(detail).status_code == 404
