"""The inbox per post: who sees which cases, filters, counts, red and yellow first, pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from onewindow.cases import queries as case_queries
from onewindow.cases import services
from onewindow.cases.models import Case, Task
from onewindow.core import calendar
from onewindow.workbench import queries

pytestmark = pytest.mark.django_db


def case_nos(response) -> list[str]:
    return re.findall(r'class="ow-wb-case-link" href="/workbench/cases/(\w+)/"', response.text)


def finish_task(case: Case, user, role: str | None = None) -> Case:
    task = case.tasks.filter(status="active", department=user.department).first()
    assert task is not None
    assert role is None or task.role == role
    return services.complete_task(case, actor=user, task_id=task.pk, opinion="agree")


def test_the_window_clerk_sees_applications_awaiting_acceptance(people, submit, sign_in):
    waiting = submit()
    accepted = services.accept(submit(), actor=people["clerk"])
    response = sign_in(people["clerk"]).get("/workbench/")
    assert response.status_code == 200
    assert case_nos(response) == [waiting.case_no]
    assert accepted.case_no not in response.text
    assert "网上预审" in response.text  # an online application of a depth-3 item


def test_a_handler_sees_the_departments_pool_and_its_submitted_cases(people, submit, sign_in):
    waiting = submit()
    in_review = services.accept(submit(), actor=people["clerk"])
    response = sign_in(people["handler"]).get("/workbench/")
    assert set(case_nos(response)) == {waiting.case_no, in_review.case_no}
    # another department's handler sees none of them
    assert case_nos(sign_in(people["ga_handler"]).get("/workbench/")) == []


def test_parallel_reviewers_see_the_case_when_their_stage_starts(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    xf = sign_in(people["xf"])
    assert case_nos(xf.get("/workbench/")) == []
    finish_task(case, people["handler"], "handler")
    assert case_nos(xf.get("/workbench/")) == [case.case_no]
    assert case_nos(sign_in(people["wj"]).get("/workbench/")) == [case.case_no]
    finish_task(case, people["xf"])
    assert case_nos(xf.get("/workbench/")) == []  # done: out of the XF pool


def test_a_task_assigned_to_someone_follows_them(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    Task.objects.filter(case=case, role="handler").update(assignee=people["ga_handler"])
    # GA's handler holds the handler role: an assigned task is in their inbox too
    assert case_nos(sign_in(people["ga_handler"]).get("/workbench/")) == [case.case_no]


def test_the_approver_sees_its_stage_and_then_the_decision(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    approver = sign_in(people["approver"])
    assert case_nos(approver.get("/workbench/")) == []
    finish_task(case, people["handler"])
    finish_task(case, people["xf"])
    finish_task(case, people["wj"])
    assert case_nos(approver.get("/workbench/")) == [case.case_no]  # the approve stage
    finish_task(case, people["approver"], "approver")
    assert Case.objects.get(pk=case.pk).status == "in_review"
    assert case_nos(approver.get("/workbench/")) == [case.case_no]  # waiting for the grant


def test_heads_see_every_open_case_in_scope_managers_everything(people, submit, sign_in):
    cases = [submit(), services.accept(submit(), actor=people["clerk"])]
    rejected = services.reject(submit(), actor=people["clerk"], reasons=["不属于本机关职权"])
    head = sign_in(people["head"]).get("/workbench/")
    assert set(case_nos(head)) == {c.case_no for c in cases}
    assert rejected.case_no not in head.text
    manager = sign_in(people["manager"]).get("/workbench/")
    assert set(case_nos(manager)) == {c.case_no for c in cases}


def test_several_roles_switch_between_posts(people, submit, sign_in, departments):
    from onewindow.identity import services as identity

    both = identity.create_staff(
        username="both",
        password="Zw!x9-Lk3m",
        name="两岗",
        department=departments["SCJG"],
        roles=["handler", "approver"],
        actor=None,
    )
    case = services.accept(submit(), actor=people["clerk"])
    client = sign_in(both)
    assert case_nos(client.get("/workbench/?post=handler")) == [case.case_no]
    response = client.get("/workbench/?post=approver")
    assert case_nos(response) == []
    assert "审批" in response.text
    assert "承办" in response.text


def _running(submit, people, due: dt.date) -> Case:
    case = services.accept(submit(), actor=people["clerk"])
    Case.objects.filter(pk=case.pk).update(promised_due_date=due)
    return Case.objects.get(pk=case.pk)


def test_red_then_yellow_cases_first_then_by_due_date(people, submit, sign_in):
    today = timezone.localdate()
    far = _running(submit, people, calendar.add_workdays(today, 9).date)
    near = _running(submit, people, calendar.add_workdays(today, 5).date)
    yellow = _running(submit, people, calendar.add_workdays(today, 1).date)
    red_recent = _running(submit, people, today - dt.timedelta(days=1))
    red_old = _running(submit, people, today - dt.timedelta(days=9))
    waiting = submit()
    response = sign_in(people["handler"]).get("/workbench/")
    assert case_nos(response) == [
        red_old.case_no,
        red_recent.case_no,
        yellow.case_no,
        near.case_no,
        far.case_no,
        waiting.case_no,
    ]


def test_the_sql_alert_agrees_with_the_case_engine(people, submit, item):
    from onewindow.catalog.tests import factories

    other = factories.item("长时限事项", dept=item.department, promised_days=30, statutory_days=60)
    today = timezone.localdate()
    cases = []
    for implementation in (item, other):
        for offset in range(-3, 16):
            filed = submit() if implementation == item else submit(other, applicant_name="甲")
            case = services.accept(filed, actor=people["clerk"])
            Case.objects.filter(pk=case.pk).update(
                promised_due_date=today + dt.timedelta(days=offset)
            )
            cases.append(case.pk)
    annotated = Case.objects.filter(pk__in=cases).annotate(rank=queries.alert_rank(today))
    for case in annotated.select_related("item_version"):
        assert queries.ALERTS[case.rank] == case_queries.alert(case, today), (
            case.promised_due_date,
            case.item_version.promised_days,
        )
    assert {queries.ALERTS[c.rank] for c in annotated} == {"red", "yellow", "green"}


def test_filters_and_counts(people, submit, sign_in):
    today = timezone.localdate()
    red = _running(submit, people, today - dt.timedelta(days=2))
    green = _running(submit, people, calendar.add_workdays(today, 9).date)
    waiting = submit()
    client = sign_in(people["handler"])
    everything = client.get("/workbench/")
    assert 'data-alert="red">1<' in everything.text
    assert 'data-alert="green">1<' in everything.text
    assert 'data-alert="none">1<' in everything.text
    assert 'data-status="in_review">2<' in everything.text
    assert 'data-status="submitted">1<' in everything.text
    assert case_nos(client.get("/workbench/?alert=red")) == [red.case_no]
    assert case_nos(client.get("/workbench/?status=submitted")) == [waiting.case_no]
    assert case_nos(client.get("/workbench/?status=in_review&alert=green")) == [green.case_no]
    window = f"due_from={today.isoformat()}&due_to={(today + dt.timedelta(days=30)).isoformat()}"
    assert case_nos(client.get(f"/workbench/?{window}")) == [green.case_no]
    assert len(case_nos(client.get("/workbench/?item=消防安全检查"))) == 3
    assert case_nos(client.get("/workbench/?item=不存在的事项")) == []
    code = red.implementation.implementation_code
    assert len(case_nos(client.get(f"/workbench/?item={code}"))) == 3
    # a malformed filter is ignored, not an error
    assert client.get("/workbench/?due_from=yesterday").status_code == 200


def test_pages_of_twenty(people, submit, sign_in):
    for _ in range(23):
        submit()
    client = sign_in(people["clerk"])
    first, second = client.get("/workbench/"), client.get("/workbench/?page=2")
    assert len(case_nos(first)) == 20
    assert len(case_nos(second)) == 3
    assert not set(case_nos(first)) & set(case_nos(second))
    assert len(case_nos(client.get("/workbench/?page=99"))) == 3  # past the end: the last page


def test_the_inbox_links_the_first_contact_log_and_intake(people, sign_in):
    response = sign_in(people["clerk"]).get("/workbench/")
    assert "/workbench/first-contacts/" in response.text
    assert "/workbench/intake/" in response.text
    assert "/workbench/intake/" not in sign_in(people["handler"]).get("/workbench/").text


def test_applicants_and_anonymous_visitors_are_refused(people, client, sign_in):
    assert sign_in(people["citizen"]).get("/workbench/").status_code == 403
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_inbox_runs_a_fixed_number_of_queries(
    people, submit, sign_in, django_assert_max_num_queries
):
    for _ in range(3):
        services.accept(submit(), actor=people["clerk"])
    client = sign_in(people["handler"])
    client.get("/workbench/")
    with django_assert_max_num_queries(16):
        client.get("/workbench/")
    for _ in range(10):
        services.accept(submit(), actor=people["clerk"])
    with django_assert_max_num_queries(16):
        client.get("/workbench/")


def test_after_sign_in_staff_land_on_the_workbench_and_administrators_on_the_admin(rf, people):  # type: ignore[no-untyped-def]
    from onewindow.identity import services as identity
    from onewindow.identity.views import _redirect_next

    request = rf.get("/")
    request.user = people["clerk"]
    assert _redirect_next(request, "")["Location"] == "/workbench/"
    assert _redirect_next(request, "/items/")["Location"] == "/items/"
    request.user = identity.create_staff(
        username="sysadmin",
        password="Zw!x9-Lk3m",
        name="管理员",
        department=None,
        roles=["system_admin"],
        actor=None,
    )
    assert _redirect_next(request, "")["Location"] == "/admin/"
    request.user = people["citizen"]
    assert _redirect_next(request, "")["Location"] == "/"
