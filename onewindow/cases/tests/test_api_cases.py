"""The Cases section of API.md: shapes, access, idempotency, the public lookup."""

from __future__ import annotations

import json

import pytest

from onewindow.cases import queries
from onewindow.cases.models import Case
from onewindow.identity.tokens import create_token

from .conftest import upload

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def application(item, people):
    requirement = item.current_version.materials.get(name="申请书")
    return {
        "item_code": item.implementation_code,
        "form": {"venue": "示例影城", "area": 1200},
        "materials": [{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        "channel": "online",
    }


def post(client, url, body, headers, **extra):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def test_submit_and_read_a_case(client, people, application):
    headers = bearer(people["citizen"])
    response = post(client, "/api/v1/cases", application, headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["applicant"]["name"] == "张*"
    assert body["applicant"]["id_number"].count("*") == 11
    assert body["alert"] == "none"
    assert len(body["query_code"]) == 8
    detail = client.get(f"/api/v1/cases/{body['case_no']}", **headers).json()
    assert detail["events"][0]["action"] == "submit"
    listing = client.get("/api/v1/cases", **headers).json()
    assert [c["case_no"] for c in listing["results"]] == [body["case_no"]]


def test_another_applicant_sees_nothing(client, people, application):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    other = bearer(people["other"])
    assert client.get(f"/api/v1/cases/{case_no}", **other).status_code == 404
    assert client.get("/api/v1/cases", **other).json()["total"] == 0
    response = post(client, f"/api/v1/cases/{case_no}/actions", {"action": "withdraw"}, other)
    assert response.status_code == 404


def test_staff_see_their_departments_cases_only(client, people, application):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    assert client.get(f"/api/v1/cases/{case_no}", **bearer(people["handler"])).status_code == 200
    # Before acceptance there is no task in the fire brigade's department.
    assert client.get(f"/api/v1/cases/{case_no}", **bearer(people["xf"])).status_code == 404
    post(client, f"/api/v1/cases/{case_no}/actions", {"action": "accept"}, bearer(people["clerk"]))
    assert client.get(f"/api/v1/cases/{case_no}", **bearer(people["xf"])).status_code == 200


def test_actions_answer_403_409_and_400(client, people, application):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    url = f"/api/v1/cases/{case_no}/actions"
    forbidden = post(client, url, {"action": "accept"}, bearer(people["citizen"]))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "forbidden"
    conflict = post(client, url, {"action": "grant"}, bearer(people["approver"]))
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "invalid_transition"
    bad = post(client, url, {"action": "reject", "reasons": []}, bearer(people["clerk"]))
    assert bad.status_code == 400
    assert "reasons" in bad.json()["error"]["details"]["fields"]
    unknown = post(client, url, {"action": "fly"}, bearer(people["clerk"]))
    assert unknown.status_code == 400
    assert Case.objects.get(case_no=case_no).status == "submitted"


def test_bad_submissions_name_the_field(client, people, application):
    headers = bearer(people["citizen"])
    application["form"] = {"venue": ""}
    response = post(client, "/api/v1/cases", application, headers)
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert "form.venue" in fields
    assert "form.area" in fields
    assert post(client, "/api/v1/cases", {"item_code": "NOPE"}, headers).status_code == 404
    assert not Case.objects.exists()


def test_idempotency_key(client, people, application):
    headers = {**bearer(people["citizen"]), "HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = post(client, "/api/v1/cases", application, headers)
    again = post(client, "/api/v1/cases", application, headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["case_no"] == again.json()["case_no"]
    assert Case.objects.count() == 1
    changed = post(client, "/api/v1/cases", {**application, "channel": "mobile"}, headers)
    assert changed.status_code == 422
    too_long = {**bearer(people["citizen"]), "HTTP_IDEMPOTENCY_KEY": "k" * 256}
    assert post(client, "/api/v1/cases", application, too_long).status_code == 400


def test_a_key_still_in_flight_is_409(client, people, application):
    from onewindow.core.models import IdempotencyKey

    IdempotencyKey.objects.create(
        owner=str(people["citizen"].pk), key="busy", request_hash="x" * 64
    )
    headers = {**bearer(people["citizen"]), "HTTP_IDEMPOTENCY_KEY": "busy"}
    from onewindow.core import idempotency

    fingerprint = idempotency._fingerprint(
        "POST",
        "/api/v1/cases",
        {
            "item_code": application["item_code"],
            "form": application["form"],
            "materials": [{**m, "licence_id": None} for m in application["materials"]],
            "channel": "online",
            "applicant": None,
        },
    )
    IdempotencyKey.objects.filter(key="busy").update(request_hash=fingerprint)
    assert post(client, "/api/v1/cases", application, headers).status_code == 409


def test_a_double_clicked_action_applies_once(client, people, application):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    url = f"/api/v1/cases/{case_no}/actions"
    clerk = bearer(people["clerk"])
    first = post(client, url, {"action": "accept"}, {**clerk, "HTTP_IDEMPOTENCY_KEY": "a"})
    second = post(client, url, {"action": "accept"}, {**clerk, "HTTP_IDEMPOTENCY_KEY": "a"})
    assert first.json() == second.json()
    without_key = post(client, url, {"action": "accept"}, clerk)
    assert without_key.status_code == 409
    assert Case.objects.get(case_no=case_no).events.filter(action="accept").count() == 1


def test_public_progress_lookup(client, people, application):
    body = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()
    url = f"/api/v1/public/cases/{body['case_no']}"
    found = client.get(url, {"query_code": body["query_code"]})
    assert found.status_code == 200
    assert found.json()["status"] == "submitted"
    assert "张" not in found.content.decode()
    assert client.get(url, {"query_code": "WRONGCOD"}).status_code == 404
    assert client.get(url).status_code == 400


def test_the_public_lookup_never_decrypts_personal_data(client, people, application):
    body = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()
    case = queries.public_lookup(body["case_no"], body["query_code"])
    assert case is not None
    assert {"applicant_id_number", "applicant_phone"} <= case.get_deferred_fields()


def test_documents_download_for_those_who_see_the_case(client, people, application, commit_effects):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    post(client, f"/api/v1/cases/{case_no}/actions", {"action": "accept"}, bearer(people["clerk"]))
    commit_effects()  # the notice is made after the action commits
    body = client.get(f"/api/v1/cases/{case_no}", **bearer(people["citizen"])).json()
    url = body["documents"][0]["url"].replace("http://testserver", "")
    pdf = client.get(url, **bearer(people["citizen"]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(url, **bearer(people["other"])).status_code == 404
    assert client.get(url).status_code == 401


def test_malformed_bodies_name_the_field(client, people):
    headers = bearer(people["citizen"])
    response = post(client, "/api/v1/cases", {"form": {}}, headers)
    assert response.status_code == 400
    assert "item_code" in response.json()["error"]["details"]["fields"]
    response = client.post("/api/v1/cases", "{not json", content_type="application/json", **headers)
    assert response.status_code == 400


def test_the_public_progress_page(client, people, application):
    body = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()
    page = client.get("/progress/", {"case_no": body["case_no"], "query_code": body["query_code"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "已提交" in html
    assert "张" not in html  # no personal data
    wrong = client.get("/progress/", {"case_no": body["case_no"], "query_code": "NOPE1234"})
    assert "办件编号或查询码不正确" in wrong.content.decode()
    assert client.get("/progress/").status_code == 200


def test_a_case_waiting_too_long_for_acceptance_is_flagged(client, people, application):
    import datetime as dt

    from onewindow.cases import queries

    body = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()
    case = Case.objects.get(case_no=body["case_no"])
    submitted = case.submitted_at.date()
    assert not queries.acceptance_overdue(case, submitted + dt.timedelta(days=1))
    assert queries.acceptance_overdue(case, submitted + dt.timedelta(days=14))
    assert queries.awaiting_acceptance_too_long(submitted + dt.timedelta(days=14)) == [case]
    assert body["acceptance_overdue"] is False


# Found by the API fuzz tests (tests/fuzz): what the published schema says must hold.


def _published(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def test_a_document_id_that_is_not_a_number_is_a_documented_400(client, people, application):
    case_no = post(client, "/api/v1/cases", application, bearer(people["citizen"])).json()[
        "case_no"
    ]
    response = client.get(f"/api/v1/cases/{case_no}/documents/0.4", **bearer(people["citizen"]))
    assert response.status_code == 400
    assert "document_id" in response.json()["error"]["details"]["fields"]
    operation = _published(client)["paths"]["/api/v1/cases/{case_no}/documents/{document_id}"]
    assert "400" in operation["get"]["responses"]


def test_the_case_detail_matches_its_published_schema(client, people, application):
    import jsonschema

    headers = bearer(people["citizen"])
    case_no = post(client, "/api/v1/cases", application, headers).json()["case_no"]
    body = client.get(f"/api/v1/cases/{case_no}", **headers).json()
    published = _published(client)
    response = published["paths"]["/api/v1/cases/{case_no}"]["get"]["responses"]["200"]
    schema = dict(response["content"]["application/json"]["schema"])
    schema["components"] = published["components"]  # where its "#/components/…" refs point
    jsonschema.Draft202012Validator(schema).validate(body)


def test_the_status_filter_publishes_and_takes_the_case_states(client, people, application):
    headers = bearer(people["citizen"])
    case_no = post(client, "/api/v1/cases", application, headers).json()["case_no"]
    found = client.get("/api/v1/cases", {"status": "submitted"}, **headers).json()
    assert [c["case_no"] for c in found["results"]] == [case_no]
    assert client.get("/api/v1/cases", {"status": "dispatched"}, **headers).status_code == 400
    (status,) = [
        p
        for p in _published(client)["paths"]["/api/v1/cases"]["get"]["parameters"]
        if p["name"] == "status"
    ]
    assert "in_review" in json.dumps(status)
    assert "dispatched" not in json.dumps(status)  # the hotline's ticket states
