"""The annual report (国办公开办函〔2021〕30号): computed from a generated year of requests,
new + carried over = results + carried forward in every column; Excel and PDF exports."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from openpyxl import load_workbook

from onewindow.disclosure import replies, report, services
from onewindow.disclosure.models import DisclosureRequest, RemedyCase

from .conftest import credit_code, id_number, on_day, walk_in

pytestmark = pytest.mark.django_db

REPLY_CHOICES = [
    ("disclosed", [], "见附件"),
    ("already_public", [], "见本局网站"),
    ("partial", ["third_party"], "部分见附件"),
    ("withheld", ["state_secret"], ""),
    ("withheld", ["process_information"], ""),
    ("special_procedure", [], "依不动产登记条例查询"),
    ("not_exist", [], ""),
    ("not_responsible", [], "由区财政局负责"),
    ("unavailable", ["needs_creation"], ""),
    ("unavailable", ["still_unclear"], ""),
    ("repeat", [], ""),
    ("not_processed", ["petition"], ""),
    ("not_processed", ["excessive"], ""),
    ("other", ["other"], ""),
]
APPLICANTS = [
    {"kind": "person", "name": "赵一", "id_number": id_number("34030219850101002")},
    {
        "kind": "organization",
        "name": "某食品有限公司",
        "credit_code": credit_code("91340300MA2N00001"),
    },
    {
        "kind": "organization",
        "name": "某律师事务所",
        "credit_code": credit_code("31340000MA2N00002"),
    },
    {
        "kind": "organization",
        "name": "某研究院",
        "credit_code": credit_code("12340300MA2N00003"),
        "category": "research",
    },
    {"kind": "organization", "name": "某公益协会", "credit_code": credit_code("51340300MA2N00004")},
    {"kind": "organization", "name": "某村委会", "credit_code": credit_code("54340300MA2N00005")},
]


def _generate_year(agencies, people, monkeypatch) -> list[DisclosureRequest]:
    """Requests received across 2024 and 2025, closed in every way, some still open."""
    rng = random.Random(20251231)
    made: list[DisclosureRequest] = []
    day = dt.date(2024, 11, 1)
    while day <= dt.date(2025, 12, 20):
        on_day(monkeypatch, day)
        applicant = dict(rng.choice(APPLICANTS), phone="13912345678")
        request = walk_in(agencies, people, applicant=applicant)
        made.append(request)
        outcome = rng.random()
        later = day + dt.timedelta(days=rng.randint(3, 40))
        on_day(monkeypatch, later)
        if outcome < 0.7:
            reply_type, reasons, note = rng.choice(REPLY_CHOICES)
            services.reply(
                request, actor=people["officer"], reply_type=reply_type, reasons=reasons, note=note
            )
        elif outcome < 0.8:
            on_day(monkeypatch, day)
            request = services.request_clarification(
                request, actor=people["officer"], items="请补正", workdays=5
            )
            services.abandon_overdue(later)
        day += dt.timedelta(days=rng.randint(4, 12))
    return made


def test_the_report_adds_up_on_a_generated_year(official_calendar, agencies, people, monkeypatch):
    made = _generate_year(agencies, people, monkeypatch)
    assert len(made) > 30
    data = report.build(2025, agencies["SCJG"])
    table = data["applications"]
    rows = {row["key"]: row["values"] for row in table["rows"]}
    assert table["check"]["ok"] is True
    for column in [c["key"] for c in table["columns"]]:
        assert (
            rows["new"][column] + rows["carried_over"][column]
            == rows["total"][column] + rows["carried_forward"][column]
        ), column
    # Independently of the report's own code: count the records.
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    all_requests = DisclosureRequest.objects.filter(agency=agencies["SCJG"])
    new = [r for r in all_requests if start <= r.received_on <= end]
    carried_over = [
        r
        for r in all_requests
        if r.received_on < start and (r.closed_on is None or r.closed_on >= start)
    ]
    closed = [r for r in all_requests if r.closed_on and start <= r.closed_on <= end]
    forward = [
        r
        for r in all_requests
        if r.received_on <= end and (r.closed_on is None or r.closed_on > end)
    ]
    assert rows["new"]["total"] == len(new) > 0
    assert rows["carried_over"]["total"] == len(carried_over) > 0
    assert rows["total"]["total"] == len(closed) > 0
    assert rows["carried_forward"]["total"] == len(forward) > 0
    # Every leaf adds up to its heading, every heading to the total.
    for key, _label, level in replies.RESULT_ROWS:
        if level == 1 and key not in {"disclosed", "partial"}:
            leaves = [leaf for leaf in replies.RESULT_LEAVES if leaf.startswith(f"{key}.")]
            assert rows[key]["total"] == sum(rows[leaf]["total"] for leaf in leaves)
    headings = [k for k, _l, level in replies.RESULT_ROWS if level == 1]
    assert rows["total"]["total"] == sum(rows[h]["total"] for h in headings)
    # The columns: natural persons and the five kinds of organisations.
    assert (
        rows["new"]["natural_person"]
        + rows["new"]["commercial"]
        + rows["new"]["research"]
        + rows["new"]["social_welfare"]
        + rows["new"]["legal_service"]
        + rows["new"]["other"]
        == rows["new"]["total"]
    )
    assert rows["new"]["legal_service"] > 0
    assert rows["new"]["research"] > 0


def test_the_check_reports_a_broken_record(official_calendar, agencies, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    request = walk_in(agencies, people)
    services.reply(request, actor=people["officer"], reply_type="disclosed")
    DisclosureRequest.objects.filter(pk=request.pk).update(result="made.up")
    assert report.build(2025, agencies["SCJG"])["applications"]["check"]["ok"] is False


def test_proactive_and_remedy_tables_come_from_the_records(
    official_calendar, agencies, people, monkeypatch
):
    agency = agencies["SCJG"]
    categories = {c.code: c for c in services.ensure_catalogue(agency, actor=people["officer"])}
    for number, written, repealed in (
        ("蚌市监规〔2024〕1号", "2024-05-01", dt.date(2025, 4, 1)),
        ("蚌市监规〔2025〕1号", "2025-02-01", None),
        ("蚌市监规〔2025〕2号", "2025-06-01", None),
    ):
        document = services.create_document(
            agency,
            categories["rules"],
            {"title": number, "kind": "normative", "doc_number": number, "written_on": written},
            actor=people["officer"],
        )
        services.submit_for_review(document, actor=people["officer"])
        services.approve(document, actor=people["head"])
        if repealed:
            services.repeal_document(document, actor=people["officer"], repealed_on=repealed)
    request = walk_in(agencies, people)
    services.record_remedy(
        agency=agency,
        kind="reconsideration",
        filed_on=dt.date(2025, 5, 1),
        actor=people["officer"],
        request=request,
        outcome="upheld",
        decided_on=dt.date(2025, 7, 1),
    )
    services.record_remedy(
        agency=agency,
        kind="litigation_direct",
        filed_on=dt.date(2025, 11, 1),
        actor=people["officer"],
        outcome="corrected",
        decided_on=dt.date(2026, 2, 1),
    )
    data = report.build(2025, agency)
    assert data["proactive"]["normative"] == {"issued": 2, "repealed": 1, "in_force": 2}
    assert data["proactive"]["fees"]["amount_10k_yuan"] is None
    remedies = data["remedies"]["values"]
    assert remedies["reconsideration"]["upheld"] == 1
    assert remedies["litigation_direct"]["pending"] == 1  # decided only after the year's end
    assert remedies["litigation_after"]["total"] == 0
    assert RemedyCase.objects.count() == 2


def test_exports_as_excel_and_pdf(official_calendar, agencies, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    request = walk_in(agencies, people)
    services.reply(
        request, actor=people["officer"], reply_type="withheld", reasons=["state_secret"]
    )
    services.save_report_text(
        2025, agencies["SCJG"], {"overview": "本年度公开工作总体情况。"}, actor=people["officer"]
    )
    data = report.build(2025, agencies["SCJG"])
    workbook = load_workbook(io.BytesIO(report.to_xlsx(data)))
    assert "三、依申请公开" in workbook.sheetnames
    sheet = workbook["三、依申请公开"]
    labels = {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows(min_row=2)}
    assert labels["一、本年新收政府信息公开申请数量"][-1] == 1
    assert labels["　　1.属于国家秘密"][0] == 1
    assert workbook["报告正文"]["A4"].value == "本年度公开工作总体情况。"
    assert report.to_pdf(data).startswith(b"%PDF-")


def test_free_text_is_editable_until_published(official_calendar, agencies, people, monkeypatch):
    agency = agencies["SCJG"]
    with pytest.raises(services.PermissionDenied):
        services.save_report_text(2024, agency, {"overview": "x"}, actor=people["zj_officer"])
    services.save_report_text(2024, agency, {"overview": "总体情况"}, actor=people["officer"])
    with pytest.raises(services.PermissionDenied):
        services.publish_report(2024, agency, actor=people["officer"])
    services.publish_report(2024, agency, actor=people["head"])
    with pytest.raises(services.InvalidTransition):
        services.save_report_text(2024, agency, {"overview": "改"}, actor=people["officer"])
