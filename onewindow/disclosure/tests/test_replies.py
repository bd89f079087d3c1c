"""Replies: the seven of art. 36, partial disclosure (art. 37), the other endings, their
required reasons, the report row each falls in, and the reply document with its remedies."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.disclosure import replies, services
from onewindow.disclosure.models import DisclosureRequest, RequestStatus

from .conftest import on_day, pdf_text, walk_in

pytestmark = pytest.mark.django_db

# reply type → (reasons, note, report row)
CASES = {
    "already_public": ([], "已在本局网站“法规文件”栏目公开", "disclosed"),
    "disclosed": ([], "名单见附件", "disclosed"),
    "withheld": (["third_party"], "", "withheld.third_party"),
    "not_exist": ([], "", "unavailable.not_held"),
    "not_responsible": ([], "该信息由区财政局制作", "unavailable.not_held"),
    "repeat": ([], "", "not_processed.repeat"),
    "special_procedure": ([], "请依照《不动产登记暂行条例》查询", "withheld.administrative_query"),
    "partial": (["process_information"], "可公开部分见附件", "partial"),
    "unavailable": (["needs_creation"], "", "unavailable.needs_creation"),
    "not_processed": (["petition"], "", "not_processed.petition"),
    "other": (["fee_unpaid"], "", "other.fee_unpaid"),
}


def test_every_article_36_reply_type_is_offered():
    assert set(replies.ART_36_TYPES) <= set(replies.REPLY_TYPES)
    assert len(replies.ART_36_TYPES) == 7
    assert set(CASES) == set(replies.REPLY_TYPES)


@pytest.mark.parametrize("reply_type", sorted(CASES))
def test_each_reply_type_closes_the_request_in_its_report_row(
    reply_type, official_calendar, agencies, people, monkeypatch
):
    reasons, note, row = CASES[reply_type]
    on_day(monkeypatch, dt.date(2025, 3, 10))
    request = walk_in(agencies, people)
    on_day(monkeypatch, dt.date(2025, 3, 20))
    request = services.reply(
        request,
        actor=people["officer"],
        reply_type=reply_type,
        reasons=reasons,
        note=note,
        responsible_agency="区财政局 0552-7654321" if reply_type == "not_responsible" else "",
    )
    assert request.status == RequestStatus.REPLIED
    assert request.result == row
    assert row in replies.RESULT_LEAVES
    assert request.closed_on == dt.date(2025, 3, 20)
    assert request.on_time is True


@pytest.mark.parametrize(
    ("reply_type", "reasons", "note", "field"),
    [
        ("withheld", [], "", "reasons"),
        ("partial", [], "可公开部分见附件", "reasons"),
        ("withheld", ["secret_recipe"], "", "reasons"),
        ("not_processed", ["state_secret"], "", "reasons"),
        ("unavailable", [], "", "reasons"),
        ("other", [], "", "reasons"),
        ("disclosed", ["third_party"], "", "reasons"),
        ("already_public", [], "", "note"),
        ("not_responsible", [], "", "note"),
        ("special_procedure", [], "", "note"),
        ("", [], "", "reply_type"),
        ("maybe", [], "", "reply_type"),
    ],
)
def test_a_reply_without_its_reason_is_refused_and_changes_nothing(
    reply_type, reasons, note, field, official_calendar, agencies, people
):
    request = walk_in(agencies, people)
    with pytest.raises(services.ValidationError) as error:
        services.reply(
            request, actor=people["officer"], reply_type=reply_type, reasons=reasons, note=note
        )
    assert field in error.value.message_dict
    request.refresh_from_db()
    assert (request.status, request.reply_type, request.result) == ("processing", "", "")
    assert list(request.events.values_list("action", flat=True)) == ["file"]


def test_only_the_agencys_officer_replies(official_calendar, agencies, people):
    request = walk_in(agencies, people)
    for actor in (people["zj_officer"], people["head"], people["citizen"], people["handler"]):
        with pytest.raises(services.PermissionDenied):
            services.reply(request, actor=actor, reply_type="disclosed")
    assert DisclosureRequest.objects.get().status == RequestStatus.PROCESSING


def test_a_reply_waits_for_the_consultation_to_end(official_calendar, agencies, people):
    request = walk_in(agencies, people)
    request = services.start_consultation(request, actor=people["officer"], consultee="某公司")
    with pytest.raises(services.InvalidTransition):
        services.reply(request, actor=people["officer"], reply_type="disclosed")


def test_a_late_reply_is_recorded_as_late(official_calendar, agencies, people, monkeypatch):
    on_day(monkeypatch, dt.date(2025, 3, 3))
    request = walk_in(agencies, people)
    on_day(monkeypatch, request.due_date + dt.timedelta(days=1))
    request = services.reply(request, actor=people["officer"], reply_type="not_exist")
    assert request.on_time is False


def test_the_reply_document_cites_the_reasons_and_the_remedies(
    official_calendar, agencies, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = walk_in(agencies, people)
        services.reply(
            request,
            actor=people["officer"],
            reply_type="partial",
            reasons=["third_party", "process_information"],
            note="可以公开的部分见附件。",
        )
    document = request.documents.get(kind="reply")
    assert document.file.read(5) == b"%PDF-"
    text = pdf_text(document.file.path)
    assert "政府信息公开申请答复书" in text
    assert request.request_no in text
    assert "保护第三方合法权益" in text
    assert "第十五条" in text
    assert "第三十七条" in text
    assert "行政复议" in text
    assert "行政诉讼" in text
    assert "王小明" not in text  # the person's name is masked
    assert "王**" in text


def test_a_clarification_notice_lists_the_items_and_the_deadline(
    official_calendar, agencies, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = walk_in(agencies, people)
        services.request_clarification(
            request, actor=people["officer"], items="请说明所需信息的时间范围。"
        )
    text = pdf_text(request.documents.get(kind="clarification").file.path)
    assert "补正申请告知书" in text
    assert "请说明所需信息的时间范围" in text
    assert "第三十条" in text
