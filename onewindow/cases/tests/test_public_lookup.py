"""The public progress lookup (办件编号＋查询码): one query, the current stage, no personal data."""

from __future__ import annotations

import pytest

from onewindow.cases import queries, services

pytestmark = pytest.mark.django_db


def test_one_query_reads_the_case_its_item_and_its_current_stage(
    submitted, people, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = queries.public_lookup(submitted.case_no, submitted.query_code)
        assert found is not None
        assert found.item_version.name == submitted.item_version.name
        assert found.active_stage_name is None  # submitted: no task yet
    case = services.accept(submitted, actor=people["clerk"])
    found = queries.public_lookup(case.case_no, case.query_code)
    assert found is not None
    assert found.status == "in_review"
    assert found.active_stage_name == "承办"
    assert {"applicant_id_number", "applicant_phone", "applicant_name"} <= (
        found.get_deferred_fields()
    )


def test_the_code_is_checked_whatever_its_case_and_spaces(submitted):
    code = submitted.query_code
    assert queries.public_lookup(submitted.case_no, f" {code.lower()} ") is not None
    assert queries.public_lookup(submitted.case_no, code[:-1] + "?") is None
    assert queries.public_lookup(submitted.case_no + "0", code) is None
    assert queries.public_lookup("", code) is None
    assert queries.public_lookup(submitted.case_no, "") is None
    assert queries.public_lookup(submitted.case_no, code + "X" * 12) is None


def test_the_api_and_the_page_show_the_current_stage(client, submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    answer = client.get(
        f"/api/v1/public/cases/{case.case_no}", {"query_code": case.query_code}
    ).json()
    assert answer["stage"] == "承办"
    assert answer["item_name"] == case.item_version.name
    page = client.get("/progress/", {"case_no": case.case_no, "query_code": case.query_code})
    assert "承办" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
