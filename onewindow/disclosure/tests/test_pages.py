"""Pages: public request pages without personal data, the applicant's own pages, the staff
workbench (outsiders refused), guides, search, reports and the exposure column."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onewindow.disclosure import queries, services
from onewindow.disclosure.models import ExposureReport

from .conftest import id_number, sign_in, walk_in

pytestmark = pytest.mark.django_db


def _replied(agencies, people, **overrides):
    request = walk_in(
        agencies,
        people,
        description=(
            "本人王小明（身份证340302198501010018，电话13912345678，邮箱wxm@example.com，"
            "住安徽省蚌埠市龙子湖区东海大道1号）申请公开小明所在小区的规划许可。"
        ),
        **overrides,
    )
    return services.reply(
        request,
        actor=people["officer"],
        reply_type="disclosed",
        note="王小明您好：规划许可证见附件，如有疑问请致电0552-1234567。",
    )


def test_redaction_removes_the_applicants_personal_data(official_calendar, agencies, people):
    request = _replied(agencies, people)
    page = queries.public_page(request)
    text = page["description"] + page["reply_text"]
    for secret in (
        "王小明",
        "小明",
        "340302198501010018",
        "13912345678",
        "wxm@example.com",
        "东海大道1号",
        "0552-1234567",
    ):
        assert secret not in text, secret
    assert "〔个人信息已删除〕" in text
    assert "规划许可" in text


def test_a_public_request_page_shows_no_personal_data(client, official_calendar, agencies, people):
    request = _replied(agencies, people)
    url = f"/disclosure/requests/{request.request_no}/"
    assert client.get(url).status_code == 404  # not published yet
    services.set_publication(request, actor=people["officer"], public=True)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for secret in ("王小明", "王*", "13912345678", "wxm@example.com", "东海大道", "officer"):
        assert secret not in body, secret
    assert "收到申请" in body
    assert "作出答复" in body
    assert request.request_no in client.get("/disclosure/requests/").content.decode()


def test_the_applicant_may_object_to_publication(official_calendar, agencies, people):
    request = _replied(agencies, people, objects_to_publication=True)
    with pytest.raises(services.InvalidTransition):
        services.set_publication(request, actor=people["officer"], public=True)
    assert not queries.public_requests().exists()


def test_an_open_request_cannot_be_published(official_calendar, agencies, people):
    request = walk_in(agencies, people)
    with pytest.raises(services.InvalidTransition):
        services.set_publication(request, actor=people["officer"], public=True)


def test_public_pages_answer(client, official_calendar, agencies, people):
    services.ensure_catalogue(agencies["SCJG"], actor=people["officer"])
    for url in (
        "/disclosure/",
        "/disclosure/search/?q=食品",
        "/disclosure/agencies/SCJG/",
        "/disclosure/agencies/SCJG/guide/",
        "/disclosure/agencies/SCJG/rules/",
        "/disclosure/requests/",
        "/disclosure/exposure/",
        "/disclosure/reports/",
    ):
        assert client.get(url).status_code == 200, url
    guide = client.get("/disclosure/agencies/SCJG/guide/").content.decode()
    assert "第三十一条" in guide
    assert "20个工作日" in guide


def test_a_citizen_applies_online_and_follows_the_request(
    client, official_calendar, agencies, people
):
    client.force_login(people["citizen"])
    response = client.post(
        "/disclosure/apply/",
        {"agency": "SCJG", "description": "请公开2025年食品抽检计划。", "delivery_form": "online"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = people["citizen"].disclosure_requests.get()
    assert request.channel == "online"
    assert request.received_on == timezone.localdate()
    detail = client.get(f"/disclosure/my/requests/{request.request_no}/")
    assert detail.status_code == 200
    assert "请公开2025年食品抽检计划" in detail.content.decode()
    empty = client.post("/disclosure/apply/", {"agency": "SCJG", "delivery_form": "online"})
    assert empty.status_code == 200
    assert people["citizen"].disclosure_requests.count() == 1
    client.force_login(people["other"])
    assert client.get(f"/disclosure/my/requests/{request.request_no}/").status_code == 404


def test_outsiders_are_refused_from_the_workbench(client, official_calendar, agencies, people):
    request = walk_in(agencies, people)
    client.force_login(people["citizen"])
    for url in (
        "/disclosure/manage/",
        "/disclosure/manage/documents/",
        "/disclosure/manage/requests/",
        f"/disclosure/manage/requests/{request.request_no}/",
        "/disclosure/manage/reports/2025/",
        "/disclosure/manage/exposure/",
    ):
        assert client.get(url).status_code == 403, url
    sign_in(client, people["zj_officer"])
    assert client.get(f"/disclosure/manage/requests/{request.request_no}/").status_code == 404


def test_the_officer_works_a_request_through_the_pages(client, official_calendar, agencies, people):
    sign_in(client, people["officer"])
    response = client.post(
        "/disclosure/manage/requests/new/",
        {
            "agency": "SCJG",
            "channel": "in_person",
            "applicant_kind": "person",
            "applicant_name": "王小明",
            "applicant_id_number": id_number("34030219850101001"),
            "applicant_phone": "13912345678",
            "description": "请公开食品抽检结果。",
            "delivery_form": "paper_pickup",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request = (
        people["officer"].disclosure_requests.first()
        or queries.visible_requests(people["officer"]).get()
    )
    page = client.get(f"/disclosure/manage/requests/{request.request_no}/")
    assert page.status_code == 200
    assert "王小明" not in page.content.decode()
    client.post(
        f"/disclosure/manage/requests/{request.request_no}/reply/",
        {"reply_type": "withheld", "note": "x"},
    )
    request.refresh_from_db()
    assert request.status == "processing"  # no reason given: refused
    client.post(
        f"/disclosure/manage/requests/{request.request_no}/reply/",
        {"reply_type": "withheld", "reasons": ["state_secret"]},
    )
    request.refresh_from_db()
    assert request.status == "replied"
    report = client.get(f"/disclosure/manage/reports/{timezone.localdate().year}/?agency=SCJG")
    assert report.status_code == 200
    export = client.get(
        f"/disclosure/manage/reports/{timezone.localdate().year}/?agency=SCJG&format=pdf"
    )
    assert export.content.startswith(b"%PDF-")


def test_the_exposure_column_publishes_fixed_reports(client, official_calendar, agencies, people):
    client.force_login(people["citizen"])
    response = client.post(
        "/disclosure/exposure/new/",
        {
            "agency": "SCJG",
            "title": "窗口要求重复提交营业执照",
            "description": "已有电子证照仍要求复印件。",
        },
    )
    assert response.status_code == 302
    report = ExposureReport.objects.get()
    assert client.get(f"/disclosure/exposure/{report.report_no}/").status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.handle_exposure(report, actor=people["zj_officer"], action="accept")
    services.handle_exposure(report, actor=people["officer"], action="accept")
    with pytest.raises(services.ValidationError):
        services.handle_exposure(report, actor=people["officer"], action="fix", fix="")
    services.handle_exposure(
        report,
        actor=people["manager"],
        action="fix",
        fix="已通知窗口使用电子证照，不再收取复印件。",
    )
    client.logout()
    page = client.get(f"/disclosure/exposure/{report.report_no}/").content.decode()
    assert "不再收取复印件" in page
    assert "张三丰" not in page
    assert "citizen" not in page
    assert report.report_no in client.get("/disclosure/exposure/").content.decode()


def test_a_published_report_is_public(client, official_calendar, agencies, people):
    year = timezone.localdate().year - 1
    assert client.get(f"/disclosure/reports/{year}/?agency=SCJG").status_code == 404
    services.save_report_text(
        year, agencies["SCJG"], {"overview": "总体情况良好。"}, actor=people["officer"]
    )
    services.publish_report(year, agencies["SCJG"], actor=people["head"])
    page = client.get(f"/disclosure/reports/{year}/?agency=SCJG")
    assert page.status_code == 200
    assert "总体情况良好" in page.content.decode()
    assert client.get(f"/disclosure/reports/{year}/?agency=SCJG&format=xlsx").status_code == 200


def test_the_workbench_pages_render_for_each_role(client, official_calendar, agencies, people):
    from .test_publishing import draft

    document = draft(agencies, people)
    interpretation = services.create_interpretation(
        agencies["SCJG"], {"title": "政策解读"}, actor=people["officer"], documents=[document]
    )
    request = walk_in(agencies, people)
    report = services.submit_exposure(
        actor=people["citizen"], title="排队太久", description="等了两小时"
    )
    pages = [
        "/disclosure/manage/",
        "/disclosure/manage/documents/",
        "/disclosure/manage/documents/new/",
        f"/disclosure/manage/documents/{document.pk}/",
        "/disclosure/manage/interpretations/",
        "/disclosure/manage/interpretations/new/",
        f"/disclosure/manage/interpretations/{interpretation.pk}/",
        "/disclosure/manage/guides/SCJG/",
        "/disclosure/manage/requests/",
        f"/disclosure/manage/requests/{request.request_no}/",
        f"/disclosure/manage/reports/{timezone.localdate().year}/?agency=SCJG",
    ]
    for name in ("officer", "head"):
        sign_in(client, people[name])
        for url in pages:
            assert client.get(url).status_code == 200, (name, url)
    sign_in(client, people["manager"])
    for url in (
        "/disclosure/manage/exposure/",
        f"/disclosure/manage/exposure/{report.report_no}/",
        f"/disclosure/manage/reports/{timezone.localdate().year}/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/disclosure/manage/reports/").status_code == 302
