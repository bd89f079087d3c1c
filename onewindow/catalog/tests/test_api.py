"""The Catalog and calendar sections of API.md, including bad input."""

from __future__ import annotations

import pytest

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(db):
    scjg = factories.department("SCJG", "市场监督管理局")
    xf = factories.department("XF", "消防救援大队")
    food = factories.item(
        "食品经营许可",
        dept=scjg,
        statutory_days=20,
        promised_days=10,
        materials=[
            {"name": "食品经营许可申请书"},
            {"name": "营业执照", "source": "shared", "original": "copy"},
        ],
        fees=[],
        faq=[{"q": "多久办结？", "a": "10个工作日"}],
    )
    fire = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=xf,
        online_depth=4,
        visits_required=0,
        stages=[
            {"name": "受理", "role": "handler", "departments": [xf], "days": 1},
            {
                "name": "联合核查",
                "role": "reviewer",
                "departments": [xf, scjg],
                "parallel": True,
                "days": 5,
            },
            {"name": "决定", "role": "approver", "departments": [xf], "days": 1},
        ],
        fees=[
            {"name": "不动产登记费", "amount": "住宅80元/件", "basis": "发改价格规〔2016〕2559号"}
        ],
    )
    return {"food": food, "fire": fire}


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_departments(client, items):
    body = client.get("/api/v1/departments").json()
    assert body["total"] == 2
    assert body["page"] == 1
    assert {"code": "SCJG", "name": "市场监督管理局", "region_code": "340371"} in body["results"]


def test_item_list_has_the_contract_fields(client, items):
    body = client.get("/api/v1/items").json()
    assert body["total"] == 2
    row = next(r for r in body["results"] if r["code"] == items["food"].code)
    assert row == row | {
        "name": "食品经营许可",
        "department": {"code": "SCJG", "name": "市场监督管理局"},
        "item_type": "licensing",
        "online_depth": 3,
        "promised_days": 10,
        "statutory_days": 20,
        "statutory_unit": "workday",
        "visits_required": 1,
        "instant": False,
    }


def test_item_list_filters(client, items):
    assert [r["code"] for r in client.get("/api/v1/items?online_depth=4").json()["results"]] == [
        items["fire"].code
    ]
    assert client.get("/api/v1/items?department=XF").json()["total"] == 1
    assert client.get("/api/v1/items?item_type=benefit").json()["total"] == 0


def test_item_search_ranks(client, items):
    body = client.get("/api/v1/items", {"q": "消防检查"}).json()
    assert body["results"][0]["code"] == items["fire"].code


def test_item_detail_is_the_whole_guide(client, items):
    body = client.get(f"/api/v1/items/{items['fire'].code}").json()
    for field in (
        "legal_basis",
        "conditions",
        "materials",
        "fees",
        "stages",
        "form_schema",
        "location",
        "hours",
        "phone",
        "faq",
    ):
        assert field in body
    assert body["stages"][1]["parallel"] is True
    assert {d["code"] for d in body["stages"][1]["departments"]} == {"XF", "SCJG"}
    assert body["fees"] == [
        {"name": "不动产登记费", "amount": "住宅80元/件", "basis": "发改价格规〔2016〕2559号"}
    ]
    assert body["form_schema"]["type"] == "object"
    food = client.get(f"/api/v1/items/{items['food'].code}").json()
    material = food["materials"][1]
    assert material | {"name": "营业执照", "source": "shared", "original": "copy"} == material
    assert {"id", "required", "copies", "format", "notes"} <= set(material)
    assert food["faq"] == [{"q": "多久办结？", "a": "10个工作日"}]


def test_unknown_item_code_is_404_with_envelope(client, items):
    error = _error(client.get("/api/v1/items/NOPE-000000-XX"), 404)
    assert error["code"] == "not_found"


def test_absurdly_long_code_is_404_not_500(client, items):
    _error(client.get("/api/v1/items/" + "A" * 5000), 404)


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=-1",
        "page_size=101",
        "page_size=0",
        "online_depth=9",
        "item_type=nope",
        "audience=alien",
        "page=99999999999999999999",
    ],
)
def test_bad_list_parameters_are_400_naming_the_field(client, items, query):
    error = _error(client.get(f"/api/v1/items?{query}"), 400)
    field = query.split("=")[0]
    assert error["code"] == "invalid_input"
    assert field in error["details"]["fields"]


def test_oversized_query_is_400(client, items):
    error = _error(client.get("/api/v1/items", {"q": "许" * 101}), 400)
    assert "q" in error["details"]["fields"]


def test_errors_speak_chinese_by_default_and_english_on_request(client, items):
    zh = _error(client.get("/api/v1/items?page=0"), 400)
    assert zh["message"] == "请求参数有误"
    en = _error(client.get("/api/v1/items?page=0", HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert en["message"] == "Invalid request parameters"


def test_a_page_past_the_end_is_empty_not_an_error(client, items):
    body = client.get("/api/v1/items?page=50").json()
    assert body == {"results": [], "total": 2, "page": 50}


def test_add_workdays(client, official_calendar):
    response = client.get("/api/v1/calendar/add-workdays", {"from": "2024-09-30", "days": 1})
    assert response.json() == {"date": "2024-10-08", "provisional": False}


def test_add_workdays_provisional_year(client, official_calendar):
    response = client.get("/api/v1/calendar/add-workdays", {"from": "2031-01-03", "days": 1})
    assert response.json() == {"date": "2031-01-06", "provisional": True}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2024-13-01", "days": 1}, "from"),
        ({"from": "yesterday", "days": 1}, "from"),
        ({"days": 1}, "from"),
        ({"from": "2024-01-01"}, "days"),
        ({"from": "2024-01-01", "days": -1}, "days"),
        ({"from": "2024-01-01", "days": 100000}, "days"),
        ({"from": "0001-01-01", "days": 1}, "from"),
    ],
)
def test_add_workdays_bad_input(client, official_calendar, params, field):
    error = _error(client.get("/api/v1/calendar/add-workdays", params), 400)
    assert field in error["details"]["fields"]


def test_openapi_documents_the_catalog(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    for path in (
        "/api/v1/departments",
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/calendar/add-workdays",
    ):
        assert path in schema["paths"]


def test_docs_page_answers(client):
    assert client.get("/api/v1/docs").status_code == 200
