"""Each path of a ticket's life, the return-and-redispatch loop, extensions, duplicates and
refusals; illegal moves raise and change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow.core.models import AuditRecord
from onewindow.hotline import lifecycle, services
from onewindow.hotline.models import Assignment, Extension, KnowledgeAnswer, ReturnRequest, Ticket

pytestmark = pytest.mark.django_db


def reload(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_an_agent_registers_and_accepts_a_call_with_a_deadline(call, people):
    ticket = call()
    assert ticket.status == "accepted"
    assert ticket.ticket_no.startswith("H")
    assert len(ticket.ticket_no) == 14
    assert ticket.due_date is not None
    assert ticket.masked_caller_phone == "138****0001"
    assert ticket.masked_caller_name == "张*"
    assert list(ticket.events.values_list("action", flat=True)) == ["receive", "accept"]
    assert AuditRecord.objects.filter(action="hotline.accept", object_id=str(ticket.pk)).exists()


def test_the_caller_phone_is_encrypted_at_rest_and_found_by_digest(call):
    from django.db import connection

    from onewindow.hotline import queries

    ticket = call()
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM hotline_ticket WHERE id = %s", [ticket.pk])
        (stored,) = cursor.fetchone()
    assert "13800000001" not in stored
    assert [t.pk for t in queries.caller_history("13800000001")] == [ticket.pk]
    assert queries.caller_history("13800000002") == []


def test_the_full_path_dispatch_sign_reply_callback_close(call, people):
    ticket = call()
    ticket = services.dispatch(ticket, actor=people["agent"])
    assert ticket.status == "dispatched"
    assert ticket.lead_department.code == "CG"
    roles = set(ticket.assignments.values_list("department__code", "role"))
    assert roles == {("CG", "lead"), ("ZJ", "assist")}
    ticket = services.assist(ticket, actor=people["zj"], opinion="已安排巡查")
    ticket = services.sign(ticket, actor=people["cg"])
    assert ticket.status == "signed"
    ticket = services.reply(ticket, actor=people["cg_head"], reply="已于当日修复路面")
    assert ticket.status == "replied"
    assert ticket.replied_on_time is True
    ticket = services.callback(ticket, actor=people["agent"], result="satisfied")
    assert ticket.status == "closed"
    assert ticket.callback_result == "satisfied"
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions == ["receive", "accept", "dispatch", "assist", "sign", "reply", "callback"]


def test_a_consultation_is_answered_on_the_spot_from_the_knowledge_base(call, people, departments):
    answer = KnowledgeAnswer.objects.create(
        department=departments["SCJG"], question="营业执照怎么办", answer="登录一网通办申请"
    )
    ticket = call(kind="consultation", category=None)
    ticket = services.answer(ticket, actor=people["agent"], reply=answer.answer, knowledge=answer)
    assert ticket.status == "replied"
    assert ticket.answered_on_spot
    answer.refresh_from_db()
    assert answer.usage_count == 1
    ticket = services.close(ticket, actor=people["agent"], note="来电人表示无需回访")
    assert ticket.status == "closed"


def test_the_return_and_redispatch_loop(call, people, departments):
    ticket = services.dispatch(call(), actor=people["agent"])
    ticket = services.return_ticket(
        ticket, actor=people["cg"], reasons="该路段属住建局管养", suggested_department="ZJ"
    )
    assert ticket.status == "returned"
    assert ReturnRequest.objects.get(ticket=ticket).decision == "pending"
    # the office disagrees once: the department must handle it
    ticket = services.reject_return(ticket, actor=people["agent"], note="该路段已移交城管")
    assert ticket.status == "dispatched"
    assert ticket.assignments.get(role="lead", department__code="CG").status == "pending"
    # returned again, the office agrees and dispatches to the suggested department
    ticket = services.return_ticket(ticket, actor=people["cg"], reasons="移交手续未完成")
    ticket = services.approve_return(ticket, actor=people["agent"])
    assert ticket.status == "accepted"
    assert ticket.lead_department is None
    ticket = services.dispatch(ticket, actor=people["agent"], lead="ZJ", assisting=[])
    assert ticket.status == "dispatched"
    assert ticket.lead_department == departments["ZJ"]
    with pytest.raises(PermissionDenied):
        services.sign(ticket, actor=people["cg"])  # no longer theirs
    ticket = services.sign(ticket, actor=people["zj"])
    assert ticket.status == "signed"
    assert list(ticket.returns.values_list("decision", flat=True)) == ["rejected", "approved"]


def test_rejecting_a_return_needs_a_reason(call, people):
    ticket = services.dispatch(call(), actor=people["agent"])
    ticket = services.return_ticket(ticket, actor=people["cg"], reasons="不属本部门")
    with pytest.raises(ValidationError):
        services.reject_return(ticket, actor=people["agent"], note="")
    assert reload(ticket).status == "returned"


def test_an_unsatisfied_callback_reopens_once_then_closes(call, people):
    ticket = services.dispatch(call(), actor=people["agent"])
    ticket = services.sign(ticket, actor=people["cg"])
    ticket = services.reply(ticket, actor=people["cg"], reply="已修复")
    with pytest.raises(ValidationError):
        services.callback(ticket, actor=people["agent"], result="unsatisfied", note="")
    ticket = services.callback(ticket, actor=people["agent"], result="unsatisfied", note="仍有坑")
    assert ticket.status == "dispatched"
    assert ticket.reopen_count == 1
    assert ticket.replied_at is None
    ticket = services.sign(ticket, actor=people["cg"])
    ticket = services.reply(ticket, actor=people["cg"], reply="已重新铺设")
    ticket = services.callback(ticket, actor=people["agent"], result="unsatisfied", note="仍不满意")
    assert ticket.status == "closed"
    assert ticket.callback_result == "unsatisfied"
    assert ticket.reopen_count == 1


def test_extension_rules(call, people, clock):
    clock("2025-11-03 09:00")
    ticket = services.sign(services.dispatch(call(), actor=people["agent"]), actor=people["cg"])
    due = ticket.due_date
    with pytest.raises(ValidationError):  # outside 1..max
        services.request_extension(ticket, actor=people["cg"], workdays=99, reason="工程量大")
    with pytest.raises(PermissionDenied):  # not the lead department
        services.request_extension(ticket, actor=people["zj"], workdays=3, reason="工程量大")
    ticket = services.request_extension(ticket, actor=people["cg"], workdays=5, reason="需招标")
    with pytest.raises(ValidationError):  # one pending at a time
        services.request_extension(ticket, actor=people["cg"], workdays=2, reason="再延")
    with pytest.raises(ValidationError):  # refusing needs a reason
        services.decide_extension(ticket, actor=people["agent"], approve=False)
    ticket = services.decide_extension(
        ticket, actor=people["agent"], approve=False, note="可先临时围挡"
    )
    assert ticket.due_date == due
    ticket = services.request_extension(ticket, actor=people["cg"], workdays=5, reason="需招标")
    ticket = services.decide_extension(ticket, actor=people["agent"], approve=True)
    assert ticket.due_date > due
    assert ticket.extended_workdays == 5
    with pytest.raises(ValidationError):  # the approved extension was the last one allowed
        services.request_extension(ticket, actor=people["cg"], workdays=1, reason="再延")
    assert list(Extension.objects.filter(ticket=ticket).values_list("decision", flat=True)) == [
        "refused",
        "approved",
    ]


def test_an_extension_must_be_requested_before_the_deadline(call, people, clock):
    clock("2025-11-03 09:00")
    ticket = services.sign(services.dispatch(call(), actor=people["agent"]), actor=people["cg"])
    clock("2025-12-31 09:00")  # past the 15 working days
    with pytest.raises(ValidationError) as exc:
        services.request_extension(ticket, actor=people["cg"], workdays=3, reason="来不及")
    assert "已超过办理时限" in str(exc.value)
    assert not ticket.extensions.exists()
    ticket = services.reply(ticket, actor=people["cg"], reply="迟到的答复")
    assert ticket.replied_on_time is False
    assert ticket.overdue()


def test_duplicates_are_merged_into_an_open_ticket(call, people):
    first = call()
    second = call(caller_phone="13800000009")
    with pytest.raises(ValidationError):
        services.merge(first, actor=people["agent"], into=first)
    second = services.merge(second, actor=people["agent"], into=first, note="同一路段")
    assert second.status == "merged"
    assert second.merged_into == first
    assert list(first.duplicates.all()) == [second]
    assert first.events.filter(action="merge_in").exists()
    third = call()
    closed = services.refuse(call(), actor=people["agent"], reason="emergency")
    with pytest.raises(ValidationError):  # only into an open ticket
        services.merge(third, actor=people["agent"], into=closed)
    assert reload(third).status == "accepted"


def test_refusal_gives_the_reason_and_where_to_go(call, people):
    ticket = services.refuse(call(), actor=people["agent"], reason="emergency")
    assert ticket.status == "refused"
    assert "110" in ticket.referral
    other = call()
    with pytest.raises(ValidationError):  # another jurisdiction: the agent must say where
        services.refuse(other, actor=people["agent"], reason="jurisdiction")
    assert reload(other).status == "accepted"
    other = services.refuse(
        other, actor=people["agent"], reason="jurisdiction", referral="请向邻市12345反映"
    )
    assert other.referral == "请向邻市12345反映"


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("sign", {}),
        ("reply", {"reply": "x"}),
        ("approve_return", {}),
        ("callback", {"result": "satisfied"}),
        ("close", {"note": "x"}),
        ("decide_extension", {"approve": True}),
    ],
)
def test_illegal_moves_raise_and_change_nothing(call, people, action, kwargs):
    ticket = call()
    before = (ticket.status, ticket.events.count(), AuditRecord.objects.count())
    actor = people["cg"] if action in lifecycle.LEAD_ACTIONS else people["agent"]
    if action in lifecycle.LEAD_ACTIONS:
        ticket.lead_department = people["cg"].department
        ticket.save()
    with pytest.raises(lifecycle.InvalidTransition):
        services.perform(ticket, action, actor=actor, payload=kwargs)
    ticket.refresh_from_db()
    after = (ticket.status, ticket.events.count(), AuditRecord.objects.count())
    assert before == after


def test_closed_tickets_accept_no_further_action(call, people):
    ticket = services.refuse(call(), actor=people["agent"], reason="litigation")
    for action in lifecycle.ACTIONS:
        with pytest.raises((lifecycle.InvalidTransition, PermissionDenied, ValidationError)):
            services.perform(ticket, action, actor=people["agent"], payload={})
    assert reload(ticket).status == "refused"


def test_only_the_hotline_office_and_the_right_departments_act(call, people):
    ticket = call()
    for outsider in (people["cg"], people["supervisor"], people["outsider"]):
        with pytest.raises(PermissionDenied):
            services.dispatch(ticket, actor=outsider)
    ticket = services.dispatch(ticket, actor=people["agent"])
    for outsider in (people["agent"], people["zj"], people["scjg"], people["outsider"]):
        with pytest.raises(PermissionDenied):
            services.sign(ticket, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.assist(ticket, actor=people["scjg"], opinion="x")
    assert reload(ticket).status == "dispatched"
    assert Assignment.objects.filter(ticket=ticket, status="pending").count() == 2


def test_running_tickets_are_those_awaiting_a_reply(call, people):
    from onewindow.hotline import queries

    waiting = services.dispatch(call(), actor=people["agent"])
    replied = services.answer(call(kind="consultation"), actor=people["agent"], reply="已解答")
    running = list(queries.running_tickets())
    assert waiting in running
    assert replied not in running
