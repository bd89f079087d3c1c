"""Proactive disclosure: draft → review → published (now or at a set time), withdrawal,
validity, Chinese search, RSS/Atom feeds and the emergency notices pinned on the home page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from onewindow.disclosure import context_processors, search, services, tasks
from onewindow.disclosure.models import Document, PublishStatus

pytestmark = pytest.mark.django_db


def draft(agencies, people, **data):
    agency = agencies["SCJG"]
    categories = {c.code: c for c in services.ensure_catalogue(agency, actor=people["officer"])}
    fields = {
        "title": "关于规范食品经营许可办理的通知",
        "kind": "normative",
        "doc_number": "蚌市监规〔2025〕3号",
        "written_on": "2025-03-01",
        "body": "为进一步规范食品经营许可工作，现就有关事项通知如下。",
    }
    fields.update(data)
    return services.create_document(agency, categories["rules"], fields, actor=people["officer"])


def publish(document, people, **kwargs):
    services.submit_for_review(document, actor=people["officer"])
    return services.approve(document, actor=people["head"], **kwargs)


def test_a_document_passes_review_before_it_is_published(agencies, people):
    document = draft(agencies, people)
    assert document.validity == "in_force"  # a normative document has a validity
    with pytest.raises(services.InvalidTransition):
        services.approve(document, actor=people["head"])  # not submitted
    services.submit_for_review(document, actor=people["officer"])
    with pytest.raises(services.PermissionDenied):
        services.approve(document, actor=people["officer2"])  # officers do not approve
    with pytest.raises(services.PermissionDenied):
        services.approve(document, actor=people["zj_head"])  # another agency's head
    document = services.approve(document, actor=people["head"])
    assert document.status == PublishStatus.PUBLISHED
    assert document.index_no == f"SCJG-{timezone.localdate().year}-00001"
    assert document.reviewed_by == people["head"]
    with pytest.raises(services.InvalidTransition):
        services.update_document(document, {"title": "改"}, actor=people["officer"])


def test_a_head_cannot_approve_what_they_submitted(agencies, people):
    from onewindow.identity import services as identity

    identity.grant_role(people["head"], "disclosure_officer", actor=None)
    document = draft(agencies, people)
    services.submit_for_review(document, actor=people["head"])
    with pytest.raises(services.PermissionDenied):
        services.approve(document, actor=people["head"])


def test_a_returned_draft_carries_the_review_note(agencies, people):
    document = draft(agencies, people)
    services.submit_for_review(document, actor=people["officer"])
    with pytest.raises(services.ValidationError):
        services.return_to_draft(document, actor=people["head"], note="")
    document = services.return_to_draft(document, actor=people["head"], note="文号有误")
    assert (document.status, document.review_note) == (PublishStatus.DRAFT, "文号有误")


def test_rules_and_normative_documents_need_their_number(agencies, people):
    with pytest.raises(services.ValidationError) as error:
        draft(agencies, people, doc_number="")
    assert "doc_number" in error.value.message_dict
    with pytest.raises(services.ValidationError) as error:
        draft(agencies, people, effective_on="2025-03-01", expires_on="2024-01-01")
    assert "expires_on" in error.value.message_dict
    assert not Document.objects.exists()


def test_scheduled_publishing(agencies, people):
    document = draft(agencies, people)
    at = timezone.now() + dt.timedelta(hours=2)
    document = publish(document, people, publish_at=at)
    assert document.status == PublishStatus.SCHEDULED
    assert services.publish_due(timezone.now()) == 0
    assert search.search("食品经营许可") == []  # not yet public
    assert services.publish_due(at + dt.timedelta(seconds=1)) == 1
    document.refresh_from_db()
    assert document.status == PublishStatus.PUBLISHED
    assert document.published_at == at
    assert services.publish_due(at + dt.timedelta(minutes=5)) == 0  # published once
    assert [hit.obj for hit in search.search("食品经营许可")] == [document]


def test_the_sweep_task_publishes_due_items(agencies, people):
    document = publish(
        draft(agencies, people), people, publish_at=timezone.now() + dt.timedelta(seconds=1)
    )
    Document.objects.filter(pk=document.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert tasks.sweep()["published"] == 1


def test_chinese_search_ranks_and_withdrawal_removes(agencies, people):
    first = publish(draft(agencies, people), people)
    second = publish(
        draft(
            agencies,
            people,
            title="2025年部门预算公开说明",
            kind="budget",
            doc_number="",
            body="本部门2025年收支预算总计一千万元。",
        ),
        people,
    )
    assert [h.obj for h in search.search("部门预算")] == [second]
    assert next(h.obj for h in search.search("蚌市监规〔2025〕3号")) == first
    services.withdraw(first, actor=people["head"], reason="已被新文件替代")
    assert search.search("食品经营许可") == []


def test_repealing_a_document_keeps_it_public_with_its_validity(agencies, people):
    document = publish(draft(agencies, people), people)
    services.repeal_document(document, actor=people["officer"], repealed_on=dt.date(2025, 6, 1))
    document.refresh_from_db()
    assert document.validity_on(dt.date(2025, 5, 31)) == "in_force"
    assert document.validity_on(dt.date(2025, 6, 1)) == "repealed"
    assert document.status == PublishStatus.PUBLISHED


def test_feeds_per_agency_and_category_list_published_documents_only(client, agencies, people):
    published = publish(draft(agencies, people), people)
    draft(agencies, people, title="尚未发布的草稿")
    for url in (
        "/disclosure/feeds/rss/",
        "/disclosure/agencies/SCJG/feed/rss/",
        "/disclosure/agencies/SCJG/rules/feed/rss/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/rss+xml")
        body = response.content.decode()
        assert published.title in body
        assert "尚未发布的草稿" not in body
    atom = client.get("/disclosure/agencies/SCJG/rules/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert published.title in atom.content.decode()
    empty = client.get("/disclosure/agencies/SCJG/budgets/feed/rss/").content.decode()
    assert published.title not in empty
    other = client.get("/disclosure/agencies/ZJ/feed/atom/").content.decode()
    assert published.title not in other
    assert client.get("/disclosure/agencies/NOPE/feed/rss/").status_code == 404


def _banner(request_factory: RequestFactory) -> str:
    template = engines["django"].from_string(
        '{% include "disclosure/includes/emergency_banner.html" %}'
    )
    request = request_factory.get("/")
    return template.render(context_processors.emergency_notices(request), request)


def test_emergency_notices_stay_pinned_until_withdrawn(agencies, people, client):
    factory = RequestFactory()
    notice = draft(
        agencies,
        people,
        title="关于暂停大厅现场服务的紧急通知",
        kind="emergency",
        doc_number="",
        is_emergency=True,
    )
    assert "紧急通知" not in _banner(factory)
    publish(notice, people)
    assert "关于暂停大厅现场服务的紧急通知" in _banner(factory)
    assert "关于暂停大厅现场服务的紧急通知" in client.get("/disclosure/").content.decode()
    services.withdraw(notice, actor=people["officer"], reason="已恢复服务")
    assert "关于暂停大厅现场服务的紧急通知" not in _banner(factory)


def test_an_interpretation_links_the_documents_it_explains(agencies, people, client):
    document = publish(draft(agencies, people), people)
    interpretation = services.create_interpretation(
        agencies["SCJG"],
        {
            "title": "《关于规范食品经营许可办理的通知》政策解读",
            "form": "qa",
            "qa": [{"q": "哪些情形可以告知承诺？", "a": "首次申请的小型餐饮。"}],
        },
        actor=people["officer"],
        documents=[document],
    )
    publish(interpretation, people)
    page = client.get(f"/disclosure/documents/{document.pk}/").content.decode()
    assert interpretation.title in page
    detail = client.get(f"/disclosure/interpretations/{interpretation.pk}/").content.decode()
    assert "哪些情形可以告知承诺" in detail
    assert document.title in detail
    with pytest.raises(services.ValidationError):
        services.create_interpretation(
            agencies["ZJ"],
            {"title": "跨机关解读"},
            actor=people["zj_officer"],
            documents=[document],
        )


def test_drafts_are_not_public(agencies, people, client):
    document = draft(agencies, people)
    assert client.get(f"/disclosure/documents/{document.pk}/").status_code == 404
