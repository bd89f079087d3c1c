"""API.md "Disclosure (依申请公开)": shapes, bad input (the field named, nothing changed),
access, idempotency, the annual report as JSON and as a workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from onewindow.core.models import AuditRecord
from onewindow.disclosure.models import DisclosureRequest

from .conftest import bearer, credit_code, id_number

pytestmark = pytest.mark.django_db
URL = "/api/v1/disclosure/requests"


def post(client, url, body, headers, **extra):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def application(**overrides):
    body = {
        "agency_code": "SCJG",
        "applicant": {
            "kind": "person",
            "name": "张三丰",
            "id_number": id_number("11010519491231002"),
            "phone": "13800000001",
        },
        "description": "请公开本局2024年行政处罚决定书目录。",
        "purpose": "学术研究",
        "delivery_form": "email",
    }
    body.update(overrides)
    return body


def test_an_applicant_files_and_follows_a_request(client, official_calendar, agencies, people):
    headers = bearer(people["citizen"])
    response = post(client, URL, application(), headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_no"].startswith("GK")
    assert body["due_date"]
    assert body["status"] == "processing"
    assert body["applicant"]["name"] == "张**"
    assert body["applicant"]["id_number"].count("*") == 11
    assert body["agency"] == {"code": "SCJG", "name": "市场监督管理局"}
    assert body["allowed_actions"]
    detail = client.get(f"{URL}/{body['request_no']}", **headers).json()
    assert detail["events"][0]["action"] == "file"
    assert client.get(URL, **headers).json()["total"] == 1
    # Without the applicant object, the account's own data is used.
    mine = post(client, URL, application(applicant=None), headers)
    assert mine.status_code == 201
    assert mine.json()["applicant"]["category"] == "natural_person"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": None}, "description"),
        ({"agency_code": "NOPE"}, "agency_code"),
        ({"delivery_form": "pigeon"}, "delivery_form"),
        (
            {"applicant": {"kind": "person", "name": "张三丰", "id_number": "123", "phone": "1"}},
            "applicant.id_number",
        ),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client, official_calendar, agencies, people, change, field
):
    body = application(**change)
    if change.get("description") is None and "description" in change:
        body.pop("description")
    response = post(client, URL, body, bearer(people["citizen"]))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["details"]["fields"]
    assert not DisclosureRequest.objects.exists()


def test_a_citizen_cannot_file_in_someone_elses_name(client, official_calendar, agencies, people):
    other = application(
        applicant={
            "kind": "person",
            "name": "李四",
            "id_number": id_number("11010519800101001"),
            "phone": "13800000002",
        }
    )
    response = post(client, URL, other, bearer(people["citizen"]))
    assert response.status_code == 403
    assert not DisclosureRequest.objects.exists()


def test_the_officer_replies_and_a_reply_without_its_reason_is_refused(
    client, official_calendar, agencies, people
):
    request_no = post(client, URL, application(), bearer(people["citizen"])).json()["request_no"]
    actions = f"{URL}/{request_no}/actions"
    officer = bearer(people["officer"])
    bad = post(client, actions, {"action": "reply", "reply_type": "withheld"}, officer)
    assert bad.status_code == 400
    assert "reasons" in bad.json()["error"]["details"]["fields"]
    assert DisclosureRequest.objects.get().status == "processing"
    assert not AuditRecord.objects.filter(action="disclosure.request_reply").exists()
    unknown = post(
        client, actions, {"action": "reply", "reply_type": "withheld", "reasons": ["x"]}, officer
    )
    assert "reasons" in unknown.json()["error"]["details"]["fields"]
    good = post(
        client,
        actions,
        {
            "action": "reply",
            "reply_type": "withheld",
            "reasons": ["state_secret"],
            "note": "经审查",
        },
        officer,
    )
    assert good.status_code == 200, good.content
    assert good.json()["reply"]["reply_type"] == "withheld"
    assert good.json()["result"] == "withheld.state_secret"
    again = post(client, actions, {"action": "reply", "reply_type": "disclosed"}, officer)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"


def test_actions_follow_the_rules(client, official_calendar, agencies, people):
    request_no = post(client, URL, application(), bearer(people["citizen"])).json()["request_no"]
    actions = f"{URL}/{request_no}/actions"
    citizen, officer, head = (
        bearer(people["citizen"]),
        bearer(people["officer"]),
        bearer(people["head"]),
    )
    assert (
        post(client, actions, {"action": "reply", "reply_type": "disclosed"}, citizen).status_code
        == 403
    )
    assert post(client, actions, {"action": "extend", "note": "复杂"}, officer).status_code == 403
    extended = post(client, actions, {"action": "extend", "days": 10, "note": "复杂"}, head)
    assert extended.status_code == 200
    assert extended.json()["extension_workdays"] == 10
    consult = post(client, actions, {"action": "consult_third_party"}, officer)
    assert "consultee" in consult.json()["error"]["details"]["fields"]
    consult = post(
        client, actions, {"action": "consult_third_party", "consultee": "某公司"}, officer
    )
    assert consult.json()["status"] == "consulting"
    assert consult.json()["paused"] is True
    replied = post(client, actions, {"action": "third_party_replied", "outcome": "agrees"}, officer)
    assert replied.json()["status"] == "processing"
    clarify = post(
        client, actions, {"action": "request_clarification", "note": "请说明年份"}, officer
    )
    assert clarify.json()["status"] == "awaiting_clarification"
    back = post(client, actions, {"action": "clarify", "note": "2024年"}, citizen)
    assert back.json()["status"] == "processing"
    assert post(client, actions, {"action": "dance"}, officer).status_code == 400


def test_outsiders_see_nothing(client, official_calendar, agencies, people):
    request_no = post(client, URL, application(), bearer(people["citizen"])).json()["request_no"]
    for name in ("other", "zj_officer", "handler"):
        headers = bearer(people[name])
        assert client.get(f"{URL}/{request_no}", **headers).status_code == 404, name
        response = post(client, f"{URL}/{request_no}/actions", {"action": "withdraw"}, headers)
        assert response.status_code == 404, name
        assert client.get(URL, **headers).json()["total"] == 0
    assert client.get(f"{URL}/{request_no}").status_code == 401
    assert client.get(f"{URL}/{request_no}", **bearer(people["manager"])).status_code == 200


def test_idempotent_filing(client, official_calendar, agencies, people):
    headers = {**bearer(people["citizen"]), "HTTP_IDEMPOTENCY_KEY": "req-1"}
    first = post(client, URL, application(), headers)
    second = post(client, URL, application(), headers)
    assert first.json()["request_no"] == second.json()["request_no"]
    assert DisclosureRequest.objects.count() == 1
    other = post(client, URL, application(description="别的信息"), headers)
    assert other.status_code == 422


def test_staff_register_a_letter(client, official_calendar, agencies, people):
    import datetime as dt

    from django.utils import timezone

    signed = timezone.localdate() - dt.timedelta(days=3)
    body = application(channel="post", received_on=signed.isoformat())
    body["applicant"] = {
        "kind": "organization",
        "name": "某律师事务所",
        "credit_code": credit_code("31340000MA2N00002"),
        "phone": "13912345678",
    }
    response = post(client, URL, body, bearer(people["officer"]))
    assert response.status_code == 201, response.content
    assert response.json()["received_on"] == signed.isoformat()
    assert response.json()["applicant"]["category"] == "legal_service"
    assert response.json()["channel"] == "post"
    no_applicant = post(client, URL, application(applicant=None), bearer(people["officer"]))
    assert "applicant" in no_applicant.json()["error"]["details"]["fields"]
    assert (
        post(client, URL, application(agency_code="ZJ"), bearer(people["officer"])).status_code
        == 403
    )


def test_the_annual_report_as_json_and_workbook(client, official_calendar, agencies, people):
    post(client, URL, application(), bearer(people["citizen"]))
    from django.utils import timezone

    year = timezone.localdate().year
    officer = bearer(people["officer"])
    response = client.get(
        f"/api/v1/disclosure/annual-report?year={year}&agency_code=SCJG", **officer
    )
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {row["key"]: row["values"] for row in body["applications"]["rows"]}
    assert rows["new"]["natural_person"] == 1
    assert rows["carried_forward"]["total"] == 1
    assert body["applications"]["check"]["ok"] is True
    workbook = client.get(
        f"/api/v1/disclosure/annual-report?year={year}&agency_code=SCJG&format=xlsx", **officer
    )
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "报告正文"
    assert (
        client.get(
            f"/api/v1/disclosure/annual-report?year={year}&agency_code=ZJ", **officer
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/disclosure/annual-report?year={year}&agency_code=NOPE", **officer
        ).status_code
        == 400
    )
    assert (
        client.get(
            f"/api/v1/disclosure/annual-report?year={year}", **bearer(people["citizen"])
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/disclosure/annual-report?year={year}", **bearer(people["manager"])
        ).status_code
        == 200
    )
    assert client.get(f"/api/v1/disclosure/annual-report?year={year}").status_code == 401


# Found by the API fuzz tests (tests/fuzz): what the published schema says must hold.


def test_a_document_id_that_is_not_a_number_is_a_documented_400(client, agencies, people):
    headers = bearer(people["citizen"])
    request_no = post(client, URL, application(), headers).json()["request_no"]
    response = client.get(f"{URL}/{request_no}/documents/0.4", **headers)
    assert response.status_code == 400
    assert "document_id" in response.json()["error"]["details"]["fields"]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "400" in paths[URL + "/{request_no}/documents/{document_id}"]["get"]["responses"]


def test_the_annual_report_publishes_its_workbook_and_pdf_types(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    content = paths["/api/v1/disclosure/annual-report"]["get"]["responses"]["200"]["content"]
    assert {
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
    } <= set(content)
