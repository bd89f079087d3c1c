"""The case page: what it shows, exactly the allowed actions, each action through the page, the
engine's refusals next to the form with nothing changed, and who may open it."""

from __future__ import annotations

import re

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, Document, Suspension

from .conftest import PNG, upload

pytestmark = pytest.mark.django_db


def page(client, case: Case):
    return client.get(f"/workbench/cases/{case.case_no}/")


def offered(response) -> set[str]:
    """The actions whose forms the page offers."""
    return set(re.findall(r'action="/workbench/cases/\w+/actions/(\w+)/"', response.text))


def act(client, case: Case, action: str, data: dict, **extra):
    return client.post(f"/workbench/cases/{case.case_no}/actions/{action}/", data, **extra)


def unchanged(case: Case) -> bool:
    fresh = Case.objects.get(pk=case.pk)
    return fresh.status == case.status and fresh.updated_at == case.updated_at


def to_decision(case: Case, people) -> Case:
    case = services.accept(case, actor=people["clerk"])
    for who in ("handler", "xf", "wj", "approver"):
        task = case.tasks.get(status="active", department=people[who].department)
        case = services.complete_task(case, actor=people[who], task_id=task.pk, opinion="agree")
    return Case.objects.get(pk=case.pk)


# --- what the page shows ---------------------------------------------------------------------


def test_the_page_shows_the_application_with_personal_data_masked(people, submit, sign_in):
    case = submit()
    response = page(sign_in(people["clerk"]), case)
    assert response.status_code == 200
    text = response.text
    assert case.case_no in text
    assert "公众聚集场所" in text
    assert "张**" in text
    assert "张三丰" not in text
    assert "110***********" in text
    assert case.applicant_id_number not in text
    assert "138****5678" in text
    assert "13812345678" not in text
    assert "场所名称" in text
    assert "示例影城" in text
    assert "申请书" in text
    material = case.materials.get()
    assert f"/workbench/cases/{case.case_no}/materials/{material.pk}/" in text
    assert 'name="ow-wb-preview"' in text  # the preview frame beside the list
    assert "网上预审" in text
    assert "提交申请" in text  # the timeline


def test_images_are_shown_inline_and_files_served_after_the_visibility_check(people, item, sign_in):
    scan = upload(people["citizen"], "scan.png", PNG, "image/png")
    requirement = item.current_version.materials.get(name="申请书")
    case = services.submit_case(
        item,
        form={"venue": "影城", "area": 10, "commitment": True},
        materials=[{"requirement_id": requirement.pk, "file_id": scan.pk}],
        channel="online",
        actor=people["citizen"],
    )
    material = case.materials.get()
    url = f"/workbench/cases/{case.case_no}/materials/{material.pk}/"
    clerk = sign_in(people["clerk"])
    shown = page(clerk, case).text
    assert f'src="{url}"' in shown  # the image itself, inline
    assert "ow-wb-thumb" in shown
    response = clerk.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content) == PNG
    assert sign_in(people["ga_handler"]).get(url).status_code == 404
    assert sign_in(people["citizen"]).get(url).status_code == 403
    assert clerk.get(f"/workbench/cases/{case.case_no}/materials/999999/").status_code == 404


def test_staff_of_other_departments_get_404_applicants_403(people, submit, sign_in):
    case = submit()
    assert page(sign_in(people["ga_handler"]), case).status_code == 404
    assert page(sign_in(people["xf"]), case).status_code == 404  # no XF task yet
    assert page(sign_in(people["citizen"]), case).status_code == 403
    response = act(sign_in(people["ga_handler"]), case, "accept", {})
    assert response.status_code == 404
    assert unchanged(case)
    assert page(sign_in(people["head"]), case).status_code == 200
    assert page(sign_in(people["clerk"]), Case(case_no="19990101000001")).status_code == 404


# --- exactly the allowed actions -------------------------------------------------------------


def test_a_submitted_case_offers_acceptance_decisions_to_clerks_and_handlers(
    people, submit, sign_in
):
    case = submit()
    acceptance = {"accept", "reject", "request_corrections"}
    assert offered(page(sign_in(people["clerk"]), case)) == acceptance
    assert offered(page(sign_in(people["handler"]), case)) == acceptance
    head = page(sign_in(people["head"]), case)
    assert offered(head) == set()
    assert "您没有可办理的操作" in head.text


def test_review_offers_each_person_only_their_own_task(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    assert offered(page(sign_in(people["handler"]), case)) == {"complete_task"}
    assert offered(page(sign_in(people["clerk"]), case)) == set()
    approver = page(sign_in(people["approver"]), case)
    assert offered(approver) == {"suspend", "terminate"}  # no grant while tasks are open
    task = case.tasks.get(status="active")
    services.complete_task(case, actor=people["handler"], task_id=task.pk, opinion="agree")
    xf = page(sign_in(people["xf"]), case)
    xf_task = case.tasks.get(status="active", department=people["xf"].department)
    assert offered(xf) == {"complete_task"}
    assert f'name="task_id" value="{xf_task.pk}"' in xf.text
    wj_task = case.tasks.get(status="active", department=people["wj"].department)
    assert f'value="{wj_task.pk}"' not in xf.text


def test_the_decision_is_offered_once_every_task_is_done(people, submit, sign_in):
    case = to_decision(submit(), people)
    assert offered(page(sign_in(people["approver"]), case)) == {
        "grant",
        "deny",
        "suspend",
        "terminate",
    }
    case = services.grant(case, actor=people["approver"])
    assert offered(page(sign_in(people["clerk"]), case)) == {"deliver"}
    assert offered(page(sign_in(people["approver"]), case)) == set()


# --- each action through the page ------------------------------------------------------------


def test_accepting_makes_a_notice_downloadable_at_once(
    people, submit, sign_in, django_capture_on_commit_callbacks
):
    case = submit()
    clerk = sign_in(people["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = act(clerk, case, "accept", {"accept-note": "材料齐全"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"
    shown = clerk.get(response["Location"])
    assert "已办理" in shown.text
    assert "受理" in shown.text
    document = Document.objects.get(case=case, kind="acceptance")
    link = f"/workbench/cases/{case.case_no}/documents/{document.pk}/"
    assert 'id="fresh-documents"' in shown.text
    assert link in shown.text
    pdf = clerk.get(link)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert CaseEvent.objects.get(case=case, action="accept").note == "材料齐全"


def test_rejecting_needs_reasons_shown_next_to_the_form(people, submit, sign_in):
    case = submit()
    clerk = sign_in(people["clerk"])
    response = act(clerk, case, "reject", {"reject-reasons": "  "})
    assert response.status_code == 400
    assert "须说明理由" in response.text
    assert re.search(r'id="action-reject"\s+open', response.text)  # the form stays open
    assert unchanged(case)
    response = act(clerk, case, "reject", {"reject-reasons": "不属于本机关职权\n材料虚假"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "rejected"
    assert case.reasons == ["不属于本机关职权", "材料虚假"]


def test_corrections_list_each_faulty_material_with_its_reason(people, submit, sign_in):
    case = submit()
    version = case.item_version
    form_requirement = version.materials.get(name="申请书")
    plan = version.materials.get(name="平面图")
    clerk = sign_in(people["clerk"])
    response = page(clerk, case)
    assert f'name="request_corrections-faulty_{plan.pk}"' in response.text
    # ticked without a reason: the engine's reason is on that material's line
    response = act(
        clerk, case, "request_corrections", {f"request_corrections-faulty_{plan.pk}": "on"}
    )
    assert response.status_code == 400
    assert "须说明补正原因" in response.text
    assert f'id="id_request_corrections-reason_{plan.pk}_error"' in response.text
    assert unchanged(case)
    # nothing ticked
    response = act(clerk, case, "request_corrections", {})
    assert response.status_code == 400
    assert "至少列出一项需补正的材料" in response.text
    response = act(
        clerk,
        case,
        "request_corrections",
        {
            f"request_corrections-faulty_{form_requirement.pk}": "on",
            f"request_corrections-reason_{form_requirement.pk}": "未签字",
            f"request_corrections-faulty_{plan.pk}": "on",
            f"request_corrections-reason_{plan.pk}": "比例不清",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "corrections_requested"
    assert [(c["name"], c["reason"]) for c in case.corrections] == [
        ("申请书", "未签字"),
        ("平面图", "比例不清"),
    ]


def test_completing_a_task_with_an_opinion(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    task = case.tasks.get(status="active")
    handler = sign_in(people["handler"])
    prefix = f"task{task.pk}"
    response = act(handler, case, "complete_task", {"task_id": task.pk})
    assert response.status_code == 400
    assert "意见须为" in response.text
    assert unchanged(case)
    response = act(
        handler,
        case,
        "complete_task",
        {"task_id": task.pk, f"{prefix}-opinion": "agree", f"{prefix}-note": "符合条件"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.opinion, task.note) == ("completed", "agree", "符合条件")
    assert case.tasks.filter(status="active", role="reviewer").count() == 2
    shown = page(handler, case)
    assert "同意" in shown.text
    assert "符合条件" in shown.text


def test_someone_elses_task_is_refused_and_nothing_changes(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    task = case.tasks.get(status="active")
    response = act(
        sign_in(people["approver"]),
        case,
        "complete_task",
        {"task_id": task.pk, f"task{task.pk}-opinion": "agree"},
    )
    assert response.status_code == 403
    assert "您不能办理该环节任务" in response.text
    task.refresh_from_db()
    assert task.status == "active"


def test_an_action_the_state_does_not_allow_is_refused(people, submit, sign_in):
    case = services.accept(submit(), actor=people["clerk"])
    case = Case.objects.get(pk=case.pk)
    response = act(sign_in(people["clerk"]), case, "accept", {})
    assert response.status_code == 409
    assert "不允许该操作" in response.text
    assert unchanged(case)
    response = act(sign_in(people["clerk"]), case, "grant", {})
    assert response.status_code == 403
    assert "审批人" in response.text
    assert unchanged(case)
    assert act(sign_in(people["clerk"]), case, "withdraw", {}).status_code == 404
    assert (
        sign_in(people["clerk"]).get(f"/workbench/cases/{case.case_no}/actions/accept/").status_code
        == 405
    )


def test_grant_and_delivery(people, submit, sign_in, django_capture_on_commit_callbacks):
    case = to_decision(submit(), people)
    approver = sign_in(people["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        response = act(approver, case, "grant", {"grant-note": "准予"})
    assert response.status_code == 302
    assert "准予行政许可决定书" in approver.get(response["Location"]).text
    case.refresh_from_db()
    assert case.status == "granted"
    clerk = sign_in(people["clerk"])
    response = act(clerk, case, "deliver", {"deliver-method": "mail"})
    assert response.status_code == 400
    assert "运单号" in response.text
    assert 'id="id_deliver-tracking_no_error"' in response.text
    assert unchanged(case)
    response = act(
        clerk, case, "deliver", {"deliver-method": "mail", "deliver-tracking_no": "SF123"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "completed"
    assert case.delivery["tracking_no"] == "SF123"


def test_denial_needs_reasons(people, submit, sign_in):
    case = to_decision(submit(), people)
    approver = sign_in(people["approver"])
    assert act(approver, case, "deny", {}).status_code == 400
    assert unchanged(case)
    assert act(approver, case, "deny", {"deny-reasons": "不符合法定条件"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "denied"


def test_suspend_and_resume(people, submit, sign_in):
    case = Case.objects.get(pk=services.accept(submit(), actor=people["clerk"]).pk)
    approver = sign_in(people["approver"])
    response = act(
        approver, case, "suspend", {"suspend-kind": "hearing", "suspend-max_workdays": 0}
    )
    assert response.status_code == 400
    assert "最长工作日须为1至120" in response.text
    assert 'id="id_suspend-max_workdays_error"' in response.text
    assert unchanged(case)
    response = act(
        approver, case, "suspend", {"suspend-kind": "site_inspection", "suspend-max_workdays": 10}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "suspended"
    shown = page(approver, case)
    assert offered(shown) == {"resume", "terminate"}
    assert "现场核查" in shown.text
    assert "进行中" in shown.text
    assert act(approver, case, "resume", {"resume-note": "核查完毕"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"
    assert Suspension.objects.get(case=case).ended_on is not None


def test_terminate_needs_reasons(people, submit, sign_in):
    case = Case.objects.get(pk=services.accept(submit(), actor=people["clerk"]).pk)
    approver = sign_in(people["approver"])
    assert act(approver, case, "terminate", {"terminate-reasons": ""}).status_code == 400
    assert unchanged(case)
    response = act(approver, case, "terminate", {"terminate-reasons": "申请人死亡"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "terminated"


def test_a_window_application_is_not_a_pre_review(people, item, sign_in):
    case = services.submit_case(
        item,
        form={"venue": "影城", "area": 10, "commitment": True},
        materials=[
            {
                "requirement_id": item.current_version.materials.get(name="申请书").pk,
                "file_id": upload(people["clerk"]).pk,
            }
        ],
        channel="window",
        actor=people["clerk"],
        applicant={
            "kind": "person",
            "name": "张三丰",
            "id_number": people["citizen"].id_number,
            "phone": "13812345678",
        },
    )
    assert "网上预审" not in page(sign_in(people["clerk"]), case).text
