"""The pages: rating a case (its applicant only), the public statistics, the staff list and
the rectification form (within the person's departments), the assessment report; outsiders
are refused everywhere they have no business."""

from __future__ import annotations

import pytest

from onewindow.evaluation import services
from onewindow.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_on_the_case_page(client, sign_in, completed, people):
    url = f"/evaluation/cases/{completed.case_no}/"
    client = sign_in(people["citizen"])
    page = client.get(url)
    assert page.status_code == 200
    assert "非常满意" in page.content.decode()
    response = client.post(url, {"level": "2", "comment": "太慢"})
    assert response.status_code == 200
    assert "须选择差评原因" in response.content.decode()
    assert not Evaluation.objects.exists()
    response = client.post(
        url, {"level": "2", "reasons": ["slow"], "ind_efficiency": "1", "comment": "太慢"}
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.indicators == {"overall": 2, "efficiency": 1}
    after = client.get(url).content.decode()
    assert "该办件已评价" in after
    assert "待核实" in after


def test_the_case_page_refuses_everyone_else(client, sign_in, completed, people):
    url = f"/evaluation/cases/{completed.case_no}/"
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    client = sign_in(people["other"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "5"}).status_code == 404
    client = sign_in(people["clerk"])  # staff see the case but never rate it
    assert client.get(url).status_code == 403
    assert not Evaluation.objects.exists()


def test_a_running_case_cannot_be_rated_on_its_page(client, sign_in, submitted, people):
    client = sign_in(people["citizen"])
    url = f"/evaluation/cases/{submitted.case_no}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "办件办结后才能评价" in page.content.decode()
    client.post(url, {"level": "5"})
    assert not Evaluation.objects.exists()


def test_public_statistics_need_no_sign_in(client, sign_in, completed, people, hall):
    services.rate_case(completed, actor=people["citizen"], level=5)
    response = client.get("/evaluation/stats/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "市场监督管理局" in body
    assert "100.0%" in body
    assert client.get("/evaluation/stats/?date_from=bad").status_code == 200


@pytest.fixture
def bad(completed, people):
    return services.rate_case(completed, actor=people["citizen"], level=1, reasons=["slow"])


def test_department_staff_see_their_departments_ratings_only(client, sign_in, bad, overseers):
    client = sign_in(overseers["head"])
    listing = client.get("/evaluation/staff/?level_max=2&status=open")
    assert listing.status_code == 200
    assert bad.case.case_no in listing.content.decode()
    assert client.get(f"/evaluation/staff/{bad.pk}/").status_code == 200
    client = sign_in(overseers["xf_head"])
    assert bad.case.case_no not in client.get("/evaluation/staff/").content.decode()
    assert client.get(f"/evaluation/staff/{bad.pk}/").status_code == 404
    client = sign_in(overseers["supervisor"])
    assert bad.case.case_no in client.get("/evaluation/staff/").content.decode()


def test_the_rectification_form_runs_the_workflow(client, sign_in, bad, overseers):
    client = sign_in(overseers["head"])
    url = f"/evaluation/staff/{bad.pk}/"
    response = client.post(url, {"action": "resolve", "note": "x", "outcome": "fixed"})
    assert "不允许该操作" in response.content.decode()
    response = client.post(url, {"action": "verify", "note": "情况属实"})
    assert response.status_code == 302
    bad.rectification.refresh_from_db()
    assert bad.rectification.status == "verified"
    client = sign_in(overseers["xf_head"])
    assert client.post(url, {"action": "call_back", "note": "x"}).status_code == 404


def test_outsiders_are_refused_the_staff_pages(client, sign_in, bad, people, hall):
    client = sign_in(people["citizen"])
    for url in [
        "/evaluation/staff/",
        f"/evaluation/staff/{bad.pk}/",
        "/evaluation/assessment/",
        "/evaluation/assessment/ZX/2025-01/",
        "/evaluation/assessment/ZX/2025-01/records/",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post("/evaluation/assessment/ZX/2025-01/compute/").status_code == 403


def test_the_assessment_report_for_the_centre(client, sign_in, hall, overseers, people):
    client = sign_in(overseers["manager"])
    assert client.get("/evaluation/assessment/").status_code == 200
    response = client.post("/evaluation/assessment/ZX/2025-01/compute/")
    assert response.status_code == 302
    report = client.get("/evaluation/assessment/ZX/2025-01/")
    assert report.status_code == 200
    body = report.content.decode()
    assert "clerk" in body
    assert "未录入" in body
    assert client.get("/evaluation/assessment/ZX/2025-13/").status_code == 404
    assert client.get("/evaluation/assessment/NOPE/2025-01/").status_code == 404
    client = sign_in(overseers["supervisor"])  # supervisors read, only managers compute
    assert client.get("/evaluation/assessment/ZX/2025-01/").status_code == 200
    client.post("/evaluation/assessment/ZX/2025-01/compute/")
    records = client.get("/evaluation/assessment/ZX/2025-01/records/")
    assert records.status_code == 200
    assert 'name="form" value="attendance"' not in records.content.decode()


def test_the_records_page_saves_attendance_and_records(client, sign_in, hall, overseers, people):
    client = sign_in(overseers["manager"])
    url = "/evaluation/assessment/ZX/2025-01/records/"
    clerk = people["clerk"]
    response = client.post(
        url,
        {
            "form": "attendance",
            "clerk": clerk.pk,
            "required_days": 21,
            "present_days": 20,
            "leave_days": 1,
            "late_times": 0,
            "absent_times": 0,
        },
    )
    assert response.status_code == 302
    assert clerk.attendance_records.get().present_days == 20
    response = client.post(
        url,
        {
            "form": "record",
            "clerk": clerk.pk,
            "kind": "conduct",
            "on": "2025-01-15",
            "points": -5,
            "note": "上班时间玩手机",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "form": "weights",
            **dict.fromkeys(
                ["attendance", "conduct", "case_handling", "efficiency", "ratings", "callbacks"], 10
            ),
            "file_review": 10,
            "case_target": 40,
        },
    )
    assert response.status_code == 200
    assert "各项权重之和须为100" in response.content.decode()
