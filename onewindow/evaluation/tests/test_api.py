"""API.md "Supervision and evaluation": POST /cases/{case_no}/evaluation and GET /evaluations."""

from __future__ import annotations

import pytest

from onewindow.evaluation.models import Evaluation

from .conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, case_no, body, headers, **extra):
    return client.post(
        f"/api/v1/cases/{case_no}/evaluation",
        body,
        content_type="application/json",
        **headers,
        **extra,
    )


def test_the_applicant_rates_a_completed_case(client, completed, people):
    headers = bearer(people["citizen"])
    body = {"level": 2, "reasons": ["slow"], "indicators": {"efficiency": 1}, "comment": "慢"}
    response = post(client, completed.case_no, body, headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["case_no"] == completed.case_no
    assert data["level"] == 2
    assert data["level_label"] == "不满意"
    assert data["indicators"] == {"overall": 2, "efficiency": 1}
    assert data["reasons"] == ["slow"]
    assert data["defaulted"] is False
    assert data["round"] == 1
    assert data["status"] == "open"
    assert data["rectification"]["status"] == "open"
    again = post(client, completed.case_no, {"level": 5}, headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_rated"


def test_errors_name_the_field(client, completed, people):
    headers = bearer(people["citizen"])
    cases = [
        ({"level": 7}, "level"),
        ({}, "level"),
        ({"level": "x"}, "level"),
        ({"level": 1}, "reasons"),
        ({"level": 1, "reasons": ["nope"]}, "reasons"),
        ({"level": 5, "indicators": {"speed": 5}}, "indicators.speed"),
        ({"level": 5, "comment": "长" * 501}, "comment"),
    ]
    for body, field in cases:
        response = post(client, completed.case_no, body, headers)
        assert response.status_code == 400, (body, response.content)
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert field in error["details"]["fields"], (body, error)
    assert not Evaluation.objects.exists()


def test_only_the_applicant_after_completion(client, submitted, people):
    citizen = bearer(people["citizen"])
    response = post(client, submitted.case_no, {"level": 5}, citizen)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_completed"
    from .conftest import complete

    complete(submitted, people)
    assert post(client, submitted.case_no, {"level": 5}, bearer(people["other"])).status_code == 404
    staff = post(client, submitted.case_no, {"level": 5}, bearer(people["clerk"]))
    assert staff.status_code == 403
    assert post(client, "19990101000001", {"level": 5}, citizen).status_code == 404
    anonymous = post(client, submitted.case_no, {"level": 5}, {})
    assert anonymous.status_code == 401
    assert not Evaluation.objects.exists()


def test_idempotency_key(client, completed, people):
    headers = {**bearer(people["citizen"]), "HTTP_IDEMPOTENCY_KEY": "rate-1"}
    first = post(client, completed.case_no, {"level": 5}, headers)
    replay = post(client, completed.case_no, {"level": 5}, headers)
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    other = post(client, completed.case_no, {"level": 4}, headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Evaluation.objects.count() == 1


def test_staff_list_ratings_with_filters(client, completed, people, overseers):
    post(
        client, completed.case_no, {"level": 1, "reasons": ["attitude"]}, bearer(people["citizen"])
    )
    response = client.get(
        "/api/v1/evaluations?level_max=2&status=open", **bearer(overseers["supervisor"])
    )
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["page"] == 1
    assert data["results"][0]["case_no"] == completed.case_no
    assert data["results"][0]["rectification"]["deadline"]
    closed = client.get("/api/v1/evaluations?status=closed", **bearer(overseers["supervisor"]))
    assert closed.json()["total"] == 0
    other_department = client.get("/api/v1/evaluations", **bearer(overseers["xf_head"]))
    assert other_department.json()["total"] == 0
    own_department = client.get("/api/v1/evaluations", **bearer(overseers["head"]))
    assert own_department.json()["total"] == 1
    bad = client.get("/api/v1/evaluations?level_max=9", **bearer(overseers["head"]))
    assert bad.status_code == 400
    assert "level_max" in bad.json()["error"]["details"]["fields"]


def test_outsiders_cannot_list_ratings(client, completed, people):
    assert client.get("/api/v1/evaluations").status_code == 401
    response = client.get("/api/v1/evaluations", **bearer(people["citizen"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
