"""Open311 GeoReport v2: the read side through the ``georeport`` client library, POST and
tokens over raw HTTP, both formats, every error case in the specification's error format."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree  # parsing our own responses in tests

import pytest
import requests
import xmltodict
from django.test import Client
from georeport import GeoReport

from onewindow.hotline import services
from onewindow.hotline.models import Ticket

pytestmark = pytest.mark.django_db
ROOT = "http://testserver/open311/v2"


class DjangoAdapter(requests.adapters.BaseAdapter):
    """Sends ``requests`` calls to the Django test client: no socket is opened."""

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        path = request.url.replace("http://testserver", "")
        answer = self.client.generic(request.method, path)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def georeport(monkeypatch, client) -> None:
    session = requests.Session()
    session.mount("http://testserver/", DjangoAdapter(client))
    monkeypatch.setattr("georeport.georeport.requests.get", session.get)


@pytest.fixture
def api_key(db) -> str:
    partner = services.create_partner("随手拍", actor=None)
    _key, secret = services.issue_open311_key(partner, actor=None)
    return secret


def post(client: Client, fmt: str, **data: Any):
    return client.post(f"/open311/v2/requests.{fmt}", data)


def errors(response, fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors"
    return [
        {"code": int(e.findtext("code")), "description": e.findtext("description")}
        for e in root.findall("error")
    ]


def valid(key: str, **extra: Any) -> dict[str, Any]:
    data = {
        "api_key": key,
        "service_code": "ROAD",
        "lat": "30.270000",
        "long": "120.150000",
        "description": "人行道井盖缺失",
        "attribute[SIZE]": "small",
        "first_name": "三",
        "last_name": "张",
        "phone": "13800000001",
    }
    data.update(extra)
    return data


# --- read side with the georeport library ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_library_lists_services_and_definitions(georeport, categories, fmt):
    client = GeoReport(ROOT, output_format=fmt)
    services_ = client.get_service_list()
    codes = {s["service_code"] for s in services_}
    assert codes == {"ROAD", "NOISE", "FOOD"}
    road = next(s for s in services_ if s["service_code"] == "ROAD")
    assert road["service_name"] == "道路破损"
    assert road["type"] == "batch"
    assert str(road["metadata"]).lower() == "true"
    definition = client.get_service_definition("ROAD")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = [attributes["attribute"]]
        values = attributes[0]["values"]["value"]
    else:
        values = attributes[0]["values"]
    assert attributes[0]["code"] == "SIZE"
    assert attributes[0]["datatype"] == "singlevaluelist"
    assert str(attributes[0]["required"]).lower() == "true"
    assert {v["key"] for v in values} == {"small", "large"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_library_reads_requests_once_reviewed(
    georeport, categories, client, api_key, people, fmt
):
    token = post(client, "json", **valid(api_key)).json()[0]["token"]
    ticket = Ticket.objects.get(token=token)
    reader = GeoReport(ROOT, output_format=fmt)
    # not yet reviewed by the office (raw: the library cannot parse an empty XML list)
    assert client.get("/open311/v2/requests.json").json() == []
    empty = client.get("/open311/v2/requests.xml").content
    assert empty.endswith(b"<service_requests />")
    services.accept(ticket, actor=people["agent"])
    listed = reader.get_service_requests(service_code="ROAD", status="open")
    one = listed if fmt == "xml" else listed[0]
    assert one["service_request_id"] == ticket.ticket_no
    assert one["status"] == "open"
    assert one["description"] == "人行道井盖缺失"
    assert float(one["lat"]) == pytest.approx(30.27)
    assert "13800000001" not in json.dumps(listed, ensure_ascii=False)
    single = reader.get_service_request(ticket.ticket_no)
    assert single["service_request_id"] == ticket.ticket_no
    assert client.get("/open311/v2/requests.json?status=closed").json() == []


def test_discovery_names_the_endpoint_in_both_formats(client):
    body = client.get("/open311/v2/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    xml = client.get("/open311/v2/discovery.xml")
    assert xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    parsed = xmltodict.parse(xml.content)["discovery"]
    assert parsed["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]


# --- POST and tokens over raw HTTP -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_partner_posts_a_request_and_follows_its_token(client, categories, api_key, people, fmt):
    response = post(client, fmt, **valid(api_key, account_id="u-42"))
    assert response.status_code == 200
    if fmt == "json":
        token = response.json()[0]["token"]
        assert response.json()[0]["account_id"] == "u-42"
    else:
        request = xmltodict.parse(response.content)["service_requests"]["request"]
        token = request["token"]
    ticket = Ticket.objects.get(token=token)
    assert ticket.status == "received"
    assert ticket.channel == "open311"
    assert ticket.partner.name == "随手拍"
    assert ticket.attributes == {"SIZE": "small"}
    assert ticket.caller_name == "张 三"
    pending = client.get(f"/open311/v2/tokens/{token}.{fmt}")
    assert pending.status_code == 200
    if fmt == "json":
        assert pending.json() == [{"service_request_id": None, "token": token}]
    else:
        assert xmltodict.parse(pending.content)["service_requests"]["request"]["token"] == token
    services.accept(ticket, actor=people["agent"])
    done = client.get(f"/open311/v2/tokens/{token}.{fmt}")
    if fmt == "json":
        assert done.json() == [{"service_request_id": ticket.ticket_no, "token": token}]
    else:
        request = xmltodict.parse(done.content)["service_requests"]["request"]
        assert request == {"service_request_id": ticket.ticket_no, "token": token}
    detail = client.get(f"/open311/v2/requests/{ticket.ticket_no}.{fmt}")
    assert detail.status_code == 200


def test_an_address_alone_is_a_location(client, categories, api_key):
    data = valid(api_key, address_string="幸福路88号")
    del data["lat"], data["long"]
    assert post(client, "json", **data).status_code == 200


def test_refused_and_merged_requests_are_closed_with_notes(
    client, categories, api_key, people, call
):
    token = post(client, "json", **valid(api_key)).json()[0]["token"]
    ticket = services.refuse(
        Ticket.objects.get(token=token),
        actor=people["agent"],
        reason="jurisdiction",
        referral="请向邻市反映",
    )
    body = client.get(f"/open311/v2/requests/{ticket.ticket_no}.json").json()[0]
    assert body["status"] == "closed"
    assert "请向邻市反映" in body["status_notes"]
    primary = call()
    token = post(client, "json", **valid(api_key)).json()[0]["token"]
    duplicate = services.merge(Ticket.objects.get(token=token), actor=people["agent"], into=primary)
    body = client.get(f"/open311/v2/requests/{duplicate.ticket_no}.json").json()[0]
    assert body["status"] == "closed"
    assert primary.ticket_no in body["status_notes"]


def test_phone_reports_are_listed_without_their_content(client, call):
    ticket = call(kind="report", description="某餐馆使用过期食材")
    body = client.get(f"/open311/v2/requests/{ticket.ticket_no}.json").json()[0]
    assert body["description"] == ""
    assert body["address"] == ""
    assert body["lat"] is None


# --- errors ----------------------------------------------------------------------------------

ERROR_CASES = [
    ("missing api_key", {"api_key": ""}, 403),
    ("invalid api_key", {"api_key": "o311_nope"}, 403),
    ("missing service_code", {"service_code": ""}, 400),
    ("unknown service_code", {"service_code": "NOPE"}, 404),
    ("missing location", {"lat": "", "long": ""}, 400),
    ("latitude out of range", {"lat": "91", "long": "120"}, 400),
    ("over-long description", {"description": "长" * 4001}, 400),
    ("missing required attribute", {"attribute[SIZE]": ""}, 400),
    ("unknown attribute value", {"attribute[SIZE]": "huge"}, 400),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("case", "change", "status"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_posts_get_the_georeport_error_body(
    client, categories, api_key, fmt, case, change, status
):
    response = post(client, fmt, **valid(api_key, **change))
    assert response.status_code == status, case
    [error] = errors(response, fmt)
    assert error["code"] == status
    assert error["description"]
    assert not Ticket.objects.exists()


def test_a_revoked_key_is_refused(client, categories, api_key):
    from onewindow.hotline.models import Open311Key

    services.revoke_open311_key(Open311Key.objects.get(), actor=None)
    assert post(client, "json", **valid(api_key)).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "end_date=2026-13-45T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # over 90 days
        "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",  # end before start
        "status=pending",
    ],
)
def test_bad_dates_and_filters_get_400(client, fmt, query):
    response = client.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert errors(response, fmt)[0]["code"] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "url", ["services/NOPE", "requests/H2099010100001", "tokens/0123456789abcdef"]
)
def test_unknown_resources_get_404(client, categories, fmt, url):
    response = client.get(f"/open311/v2/{url}.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt)[0]["code"] == 404


def test_a_foreign_jurisdiction_gets_404(client, categories, settings):
    settings.HOTLINE_OPEN311_JURISDICTION = "bengbu.gov.cn"
    assert client.get("/open311/v2/services.json?jurisdiction_id=bengbu.gov.cn").status_code == 200
    response = client.get("/open311/v2/services.json?jurisdiction_id=elsewhere.example")
    assert response.status_code == 404


def test_the_list_defaults_to_90_days_and_1000_requests(client, call, monkeypatch):
    from onewindow.hotline import open311

    old = call()
    Ticket.objects.filter(pk=old.pk).update(received_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    recent = [call() for _ in range(3)]
    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    body = client.get("/open311/v2/requests.json").json()
    assert [b["service_request_id"] for b in body] == [recent[2].ticket_no, recent[1].ticket_no]
    body = client.get("/open311/v2/requests.json?start_date=2019-12-15T00:00:00%2B08:00").json()
    assert [b["service_request_id"] for b in body] == [old.ticket_no]


def test_service_request_ids_override_other_filters(client, call):
    a, b = call(), call()
    body = client.get(
        f"/open311/v2/requests.json?service_request_id={a.ticket_no},{b.ticket_no}"
        "&start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z&status=closed"
    ).json()
    assert {x["service_request_id"] for x in body} == {a.ticket_no, b.ticket_no}
