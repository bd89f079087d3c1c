"""The hotline pages: the agent console, tickets and actions, the department inbox, the
knowledge base, statistics; outsiders are refused on every staff page."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.hotline import services
from onewindow.hotline.models import KnowledgeAnswer, Ticket

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def staff_urls(ticket: Ticket) -> list[str]:
    return [
        reverse("hotline:console"),
        reverse("hotline:suggest") + "?description=路面坑洼",
        reverse("hotline:knowledge_search") + "?q=营业执照",
        reverse("hotline:tickets"),
        reverse("hotline:ticket", args=[ticket.ticket_no]),
        reverse("hotline:inbox"),
        reverse("hotline:knowledge"),
        reverse("hotline:knowledge_new"),
        reverse("hotline:stats"),
    ]


def test_outsiders_and_anonymous_visitors_are_refused_on_every_staff_page(
    call, people, sign_in, client
):
    ticket = call()
    outsider = sign_in(people["outsider"])
    clerk = sign_in(people["clerk"])  # staff, but not of the hotline
    for url in staff_urls(ticket):
        assert outsider.get(url).status_code == 403, url
        assert clerk.get(url).status_code == 403, url
        anonymous = client.get(url)
        assert anonymous.status_code == 302, url
        assert "login" in anonymous["Location"], url
    action = reverse("hotline:action", args=[ticket.ticket_no, "dispatch"])
    assert outsider.post(action).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "accepted"


def test_the_console_looks_up_the_caller_and_shows_earlier_tickets(call, people, sign_in):
    earlier = call()
    page = sign_in(people["agent"]).get(reverse("hotline:console") + "?phone=13800000001")
    assert page.status_code == 200
    assert earlier.ticket_no in page.text
    history = page.text.split('id="caller-heading"')[1].split('id="ticket-heading"')[0]
    assert earlier.ticket_no in history
    assert "13800000001" not in history.split("</form>")[1]  # the list shows no phone


def test_one_screen_ticket_creation_with_dispatch(people, categories, sign_in):
    agent = sign_in(people["agent"])
    response = agent.post(
        reverse("hotline:console"),
        {
            "caller_phone": "13800000001",
            "caller_name": "张三",
            "channel": "phone",
            "kind": "complaint",
            "urgency": "urgent",
            "category": categories["ROAD"].pk,
            "description": "路面坑洼",
            "disposition": "dispatch",
            "caller_wants_anonymity": "on",
            "attachment": SimpleUploadedFile("hole.png", PNG, content_type="image/png"),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:ticket", args=[ticket.ticket_no])
    assert ticket.status == "dispatched"
    assert ticket.lead_department.code == "CG"
    assert ticket.attachments.count() == 1
    assert ticket.caller_wants_anonymity
    attachment = ticket.attachments.get()
    url = reverse("hotline:attachment", args=[ticket.ticket_no, attachment.pk])
    assert agent.get(url).status_code == 200
    assert sign_in(people["scjg"]).get(url).status_code == 404  # not dispatched to them


def test_a_console_answer_on_the_spot_counts_the_knowledge_answer(
    people, categories, sign_in, departments
):
    answer = KnowledgeAnswer.objects.create(
        department=departments["SCJG"], question="食品经营许可怎么办", answer="网上申请"
    )
    response = sign_in(people["agent"]).post(
        reverse("hotline:console"),
        {
            "channel": "phone",
            "kind": "consultation",
            "urgency": "normal",
            "description": "食品经营许可怎么办",
            "disposition": "answer",
            "reply": "网上申请",
            "knowledge": answer.pk,
        },
    )
    assert response.status_code == 302
    assert Ticket.objects.get().status == "replied"
    answer.refresh_from_db()
    assert answer.usage_count == 1


def test_a_console_error_keeps_the_form_and_changes_nothing(people, categories, sign_in):
    response = sign_in(people["agent"]).post(
        reverse("hotline:console"),
        {
            "channel": "phone",
            "kind": "complaint",
            "urgency": "normal",
            "description": "无分类的投诉",
            "disposition": "dispatch",
        },
    )
    assert response.status_code == 200
    assert "请选择主办部门" in response.text
    assert not Ticket.objects.exists()


def test_category_suggestions_and_knowledge_search_partials(
    people, categories, departments, sign_in
):
    KnowledgeAnswer.objects.create(
        department=departments["SCJG"],
        question="营业执照遗失怎么补办",
        answer="登录一网通办申请补领",
        keywords="营业执照 补办",
    )
    agent = sign_in(people["agent"])
    hits = agent.get(reverse("hotline:suggest"), {"description": "晚上工地施工噪音太大"})
    assert "噪声扰民" in hits.text
    found = agent.get(reverse("hotline:knowledge_search"), {"q": "营业执照丢了怎么办"})
    assert "营业执照遗失怎么补办" in found.text


def test_the_department_works_its_inbox_and_actions(call, people, sign_in):
    ticket = services.dispatch(call(), actor=people["agent"])
    cg = sign_in(people["cg"])
    inbox = cg.get(reverse("hotline:inbox"))
    assert ticket.ticket_no in inbox.text
    assert ticket.ticket_no in sign_in(people["zj"]).get(reverse("hotline:inbox")).text
    assert ticket.ticket_no not in sign_in(people["scjg"]).get(reverse("hotline:inbox")).text
    page = cg.get(reverse("hotline:ticket", args=[ticket.ticket_no]))
    assert set(re.findall(r'data-action="(\w+)"', page.text)) == {"sign", "return"}
    assert "138****0001" in page.text
    assert "13800000001" not in page.text
    cg.post(reverse("hotline:action", args=[ticket.ticket_no, "sign"]))
    cg.post(
        reverse("hotline:action", args=[ticket.ticket_no, "request_extension"]),
        {"workdays": "3", "reason": "需协调"},
    )
    cg.post(reverse("hotline:action", args=[ticket.ticket_no, "reply"]), {"reply": "已修复"})
    ticket.refresh_from_db()
    assert ticket.status == "replied"
    assert ticket.extensions.get().decision == "refused"  # lapsed with the reply
    # a department may not see another department's ticket at all
    assert (
        sign_in(people["scjg"]).get(reverse("hotline:ticket", args=[ticket.ticket_no])).status_code
        == 404
    )


def test_an_illegal_action_from_the_page_changes_nothing(call, people, sign_in):
    ticket = call()
    response = sign_in(people["agent"]).post(
        reverse("hotline:action", args=[ticket.ticket_no, "callback"]),
        {"result": "satisfied"},
        follow=True,
    )
    assert "不允许" in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == "accepted"


def test_departments_keep_their_own_knowledge_answers(people, departments, sign_in):
    cg = sign_in(people["cg"])
    response = cg.post(
        reverse("hotline:knowledge_new"),
        {
            "department": departments["CG"].pk,
            "question": "占道经营怎么处理",
            "answer": "城管执法",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    answer = KnowledgeAnswer.objects.get()
    assert answer.department == departments["CG"]
    # another department may not edit it; nor may it file for another department
    zj = sign_in(people["zj"])
    assert zj.get(reverse("hotline:knowledge_edit", args=[answer.pk])).status_code == 403
    zj.post(
        reverse("hotline:knowledge_new"),
        {"department": departments["CG"].pk, "question": "冒名", "answer": "x"},
    )
    assert KnowledgeAnswer.objects.count() == 1
    assert "占道经营怎么处理" in sign_in(people["agent"]).get(reverse("hotline:knowledge")).text


def test_the_statistics_page(call, people, sign_in):
    call()
    page = sign_in(people["supervisor"]).get(reverse("hotline:stats"))
    assert page.status_code == 200
    assert 'data-stat="total">1<' in page.text
    assert "坑洼" in page.text  # a hot topic of the week
