"""The two journeys people make from start to finish, in a real browser.

(a) A citizen registers, applies online, is asked for corrections, re-uploads the faulty
material and resubmits; a window clerk accepts, two departments review in parallel, the lead
department's approver grants, and the citizen downloads the decision.
(b) A walk-in applicant is registered and accepted on the spot at a general window
(一窗受理) and gets the printed receipt.

Every staff member signs in with password and TOTP in a browser context of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.cases.models import Case, Document, Status
from onewindow.catalog.models import MaterialRequirement
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.identity.models import User
from onewindow.identity.tests.conftest import token_for
from onewindow.portal.tests.conftest import APPLICATION_SCHEMA, PASSWORD, id_number

from .conftest import Steps

pytestmark = pytest.mark.django_db(transaction=True)

ITEM_NAME = "公众聚集场所投入使用、营业前消防安全检查"
CITIZEN_ID_NUMBER = id_number("11010519491231002")
WALK_IN_ID_NUMBER = id_number("11010519900307003")


@dataclass
class Staff:
    user: User
    device: TOTPDevice


@dataclass
class World:
    item: Any
    application: MaterialRequirement  # 申请书: required
    plan: MaterialRequirement  # 平面图: optional
    clerk: Staff  # a general window (综合窗口): no department
    fire_reviewer: Staff
    health_reviewer: Staff
    approver: Staff


def _staff(username: str, name: str, department: Any, role: str) -> Staff:
    user = identity.create_staff(
        username=username,
        password=PASSWORD,
        name=name,
        department=department,
        roles=[role],
        actor=None,
    )
    return Staff(user, TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True))


@pytest.fixture
def world() -> World:
    """Lead department 市场监管; a parallel review by 消防 and 卫健, then the approval."""
    cache.clear()  # search figures cached by an earlier test's (flushed) catalog
    market = factories.department("SCJG", "市场监督管理局")
    fire = factories.department("XF", "消防救援大队")
    health = factories.department("WJ", "卫生健康委员会")
    item = factories.item(
        ITEM_NAME,
        dept=market,
        online_depth=3,
        statutory_days=20,
        promised_days=10,
        form_schema=APPLICATION_SCHEMA,
        materials=[
            {"name": "消防安全检查申请书", "required": True},
            {"name": "场所平面图", "required": False},
        ],
        stages=[
            {
                "name": "并联审查",
                "role": "reviewer",
                "departments": [fire, health],
                "parallel": True,
                "days": 5,
            },
            {"name": "审批", "role": "approver", "departments": [market], "days": 2},
        ],
    )
    version = item.current_version
    assert version is not None
    materials = {m.name: m for m in version.materials.all()}
    return World(
        item=item,
        application=materials["消防安全检查申请书"],
        plan=materials["场所平面图"],
        clerk=_staff("clerk", "王窗口", None, "window_clerk"),
        fire_reviewer=_staff("xf_reviewer", "赵消防", fire, "reviewer"),
        health_reviewer=_staff("wj_reviewer", "钱卫健", health, "reviewer"),
        approver=_staff("approver", "孙审批", market, "approver"),
    )


# --- helpers ---------------------------------------------------------------------------------


def write_pdf(path: Path, text: str) -> Path:
    """A small valid one-page PDF (with a correct cross-reference table)."""
    content = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(body))
    return path


def staff_sign_in(page: Any, staff: Staff, steps: Steps) -> None:
    """Password, then the authenticator's code; staff land on their inbox."""
    username = staff.user.username
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    steps.shot(page, f"{username}-sign-in")
    page.locator("form button[type=submit]", has_text="登录").click()
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_token", token_for(staff.device))
    steps.shot(page, f"{username}-totp")
    page.locator("form button[type=submit]", has_text="验证").click()
    page.wait_for_url("**/workbench/**")
    steps.shot(page, f"{username}-inbox")


def open_from_inbox(page: Any, case_no: str, steps: Steps, label: str) -> None:
    page.goto("/workbench/")
    link = page.locator("a.ow-wb-case-link", has_text=case_no)
    assert link.count() == 1, f"{case_no} is not in the inbox of {label}"
    link.click()
    page.wait_for_url(f"**/workbench/cases/{case_no}/")
    steps.shot(page, f"{label}-case")


def open_action(page: Any, key: str) -> Any:
    """Unfold the action's form (a <details>) and return it."""
    action = page.locator(f"details#action-{key}")
    action.locator("summary").click()
    return action.locator("form")


def upload_material(page: Any, requirement: MaterialRequirement, path: Path) -> None:
    """Choose the file; the page's script uploads it at once with progress."""
    page.set_input_files(f"#material-{requirement.pk}", str(path))
    status = page.locator(f"#material-{requirement.pk}-status")
    status.filter(has_text="上传完成").wait_for()


def complete_task(page: Any, case_no: str, opinion_note: str) -> None:
    """Complete this person's one active task with the opinion 同意."""
    tasks = page.locator("details[id^='action-task']")
    assert tasks.count() == 1
    form = tasks.first.locator("form")
    tasks.first.locator("summary").click()
    form.get_by_label("同意", exact=True).check()
    form.locator("textarea").fill(opinion_note)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/workbench/cases/{case_no}/?done=complete_task")


# --- (a) online: register, apply, corrections, parallel review, grant, download ----------------


def test_a_citizen_applies_online_corrects_and_downloads_the_decision(
    new_page: Any, steps: Steps, world: World, tmp_path: Path
) -> None:
    application_pdf = write_pdf(tmp_path / "申请书.pdf", "Application form")
    plan_pdf = write_pdf(tmp_path / "平面图.pdf", "Floor plan")
    fixed_pdf = write_pdf(tmp_path / "申请书-签字版.pdf", "Application form, signed")
    code = world.item.implementation_code

    # 1. The citizen registers (real-name) and is signed in.
    citizen = new_page()
    citizen.goto("/accounts/register/")
    citizen.fill("#id_username", "zhangsan")
    citizen.fill("#id_password1", PASSWORD)
    citizen.fill("#id_password2", PASSWORD)
    citizen.fill("#id_name", "张三")
    citizen.fill("#id_id_number", CITIZEN_ID_NUMBER)
    citizen.fill("#id_phone", "13800000001")
    steps.shot(citizen, "citizen-register")
    citizen.locator("form button[type=submit]", has_text="注册").click()
    citizen.wait_for_url("**/accounts/profile/")
    steps.shot(citizen, "citizen-registered")
    account = User.objects.get(username="zhangsan")
    assert account.kind == User.Kind.PERSON
    assert account.id_number == CITIZEN_ID_NUMBER

    # 2. The service guide, then 在线申请.
    citizen.goto(f"/items/{code}/")
    assert ITEM_NAME in citizen.inner_text("h1")
    steps.shot(citizen, "citizen-guide")
    citizen.get_by_role("link", name="在线申请").click()
    citizen.wait_for_url(f"**/items/{code}/apply/")

    # 3. The form drawn from the JSON Schema, profile data pre-filled; the materials.
    assert citizen.input_value("#field-applicant_name") == "张三"
    assert citizen.input_value("#field-contact_phone") == "13800000001"
    assert "11位手机号码" in citizen.inner_text("#field-contact_phone-help")
    steps.shot(citizen, "citizen-form")
    citizen.fill("#field-venue", "示例影城")
    citizen.fill("#field-area", "1200")
    citizen.fill("#field-floors", "3")
    citizen.fill("#field-opening", "2027-01-15")
    citizen.select_option("#field-use", "影院")
    citizen.get_by_label("喷淋", exact=True).check()
    citizen.get_by_label("烟感", exact=True).check()
    citizen.check("#field-commitment")
    upload_material(citizen, world.application, application_pdf)
    upload_material(citizen, world.plan, plan_pdf)
    steps.shot(citizen, "citizen-form-filled")
    citizen.get_by_role("button", name="下一步：核对信息").click()

    # 4. The summary, then submit; the receipt with case number and query code.
    citizen.wait_for_url("**/my/drafts/*/confirm/")
    summary = citizen.inner_text("main")
    for shown in ("示例影城", "1200", "影院", "喷淋、烟感", "申请书.pdf", "平面图.pdf"):
        assert shown in summary, shown
    steps.shot(citizen, "citizen-summary")
    citizen.get_by_role("button", name="确认提交").click()
    citizen.wait_for_url("**/my/cases/*/receipt/")
    steps.shot(citizen, "citizen-receipt")
    case = Case.objects.get(applicant=account)
    case_no = case.case_no
    numbers = citizen.locator(".ow-receipt-no").all_inner_texts()
    assert numbers == [case_no, case.query_code]
    assert case.status == Status.SUBMITTED
    assert case.channel == "online"
    assert case.form["venue"] == "示例影城"
    assert case.materials.count() == 2

    # 5. The window clerk opens it from the workbench and asks for corrections (一次性告知).
    clerk = new_page()
    staff_sign_in(clerk, world.clerk, steps)
    open_from_inbox(clerk, case_no, steps, "clerk")
    assert "网上预审" in clerk.inner_text("main")
    form = open_action(clerk, "request_corrections")
    form.locator(f"#id_request_corrections-faulty_{world.application.pk}").check()
    reason = "申请书缺少申请人签字，请签字后重新扫描上传"
    form.locator(f"#id_request_corrections-reason_{world.application.pk}").fill(reason)
    steps.shot(clerk, "clerk-corrections-form")
    form.get_by_role("button", name="确认一次性告知补正").click()
    clerk.wait_for_url(f"**/workbench/cases/{case_no}/?done=request_corrections")
    assert clerk.inner_text("#case-status") == "待补正"
    assert "补正材料通知书" in clerk.inner_text("#fresh-documents")
    steps.shot(clerk, "clerk-corrections-requested")

    # 6. The citizen sees the one-time notice, the faulty material marked, and fixes only it.
    citizen.goto(f"/my/cases/{case_no}/")
    notice = citizen.locator("#corrections")
    notice_text = notice.inner_text()
    assert "补正材料通知（一次性告知）" in notice_text
    assert "消防安全检查申请书" in notice_text
    assert reason in notice_text
    assert "场所平面图" not in notice_text
    assert notice.locator("input[type=file]").count() == 1
    assert citizen.locator(".ow-material-faulty").count() == 1
    submitted = citizen.locator("#materials-title + ul > li")
    assert "需补正" in submitted.filter(has_text="消防安全检查申请书").inner_text()
    assert "需补正" not in submitted.filter(has_text="场所平面图").inner_text()
    assert citizen.locator("a", has_text="补正材料通知书").count() == 1
    steps.shot(citizen, "citizen-corrections-notice")
    upload_material(citizen, world.application, fixed_pdf)
    citizen.fill("#resubmit-note", "已签字")
    steps.shot(citizen, "citizen-corrections-uploaded")
    citizen.get_by_role("button", name="提交补正材料").click()
    citizen.wait_for_url(f"**/my/cases/{case_no}/")
    assert "补正材料已提交" in citizen.inner_text("main")
    assert citizen.locator("#corrections").count() == 0
    steps.shot(citizen, "citizen-resubmitted")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    rounds = sorted(case.materials.values_list("requirement__name", "round"))
    assert rounds == [("场所平面图", 1), ("消防安全检查申请书", 1), ("消防安全检查申请书", 2)]

    # 7. The clerk accepts: the parallel stage starts.
    clerk.goto(f"/workbench/cases/{case_no}/")
    steps.shot(clerk, "clerk-resubmitted-case")
    open_action(clerk, "accept").get_by_role("button", name="确认受理").click()
    clerk.wait_for_url(f"**/workbench/cases/{case_no}/?done=accept")
    assert clerk.inner_text("#case-status") == "审查中"
    assert "受理通知书" in clerk.inner_text("#fresh-documents")
    steps.shot(clerk, "clerk-accepted")
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    active = sorted(case.tasks.filter(status="active").values_list("department__code", flat=True))
    assert active == ["WJ", "XF"]

    # 8. The two departments review at the same time, each in its own workbench.
    reviewers = (
        ("fire", world.fire_reviewer, "消防审查同意"),
        ("health", world.health_reviewer, "卫生审查同意"),
    )
    for label, reviewer, opinion_note in reviewers:
        page = new_page()
        staff_sign_in(page, reviewer, steps)
        open_from_inbox(page, case_no, steps, f"{label}-reviewer")
        complete_task(page, case_no, opinion_note)
        steps.shot(page, f"{label}-reviewer-done")
    case.refresh_from_db()
    tasks = {t.department.code: t for t in case.tasks.select_related("department")}
    assert tasks["XF"].status == tasks["WJ"].status == "completed"
    assert tasks["XF"].opinion == tasks["WJ"].opinion == "agree"
    assert tasks["SCJG"].status == "active"

    # 9. The approver completes the approval stage and grants.
    approver = new_page()
    staff_sign_in(approver, world.approver, steps)
    open_from_inbox(approver, case_no, steps, "approver")
    assert approver.locator("details#action-grant").count() == 0  # a task is still open
    complete_task(approver, case_no, "同意许可")
    steps.shot(approver, "approver-task-done")
    open_action(approver, "grant").get_by_role("button", name="确认作出准予许可决定").click()
    approver.wait_for_url(f"**/workbench/cases/{case_no}/?done=grant")
    assert approver.inner_text("#case-status") == "准予许可"
    assert "准予行政许可决定书" in approver.inner_text("#fresh-documents")
    steps.shot(approver, "approver-granted")

    # 10. The citizen sees the decision and downloads it.
    citizen.goto(f"/my/cases/{case_no}/")
    header = citizen.inner_text("header.ow-guide-head")
    assert "准予许可" in header
    documents = citizen.inner_text("#documents-title + *")
    for kind in ("受理通知书", "补正材料通知书", "准予行政许可决定书"):
        assert kind in documents, kind
    steps.shot(citizen, "citizen-granted")
    with citizen.expect_download() as download_info:
        citizen.locator("a", has_text="准予行政许可决定书").click()
    download = download_info.value
    saved = tmp_path / "decision.pdf"
    download.save_as(saved)
    assert download.suggested_filename == f"{case_no}-grant.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    steps.shot(citizen, "citizen-downloaded")
    case.refresh_from_db()
    assert case.status == Status.GRANTED
    assert Document.objects.filter(case=case, kind="grant").count() == 1


# --- (b) one-window intake: a walk-in applicant accepted on the spot ----------------------------


def test_a_walk_in_applicant_is_accepted_at_a_general_window(
    new_page: Any, steps: Steps, world: World, tmp_path: Path
) -> None:
    scan = write_pdf(tmp_path / "scan.pdf", "Scanned application form")
    code = world.item.implementation_code
    clerk = new_page()
    staff_sign_in(clerk, world.clerk, steps)

    # 1. Register the applicant: name, ID number (checked), phone.
    clerk.goto("/workbench/intake/")
    assert clerk.is_checked("#id_kind_0")  # 自然人
    clerk.fill("#id_name", "王小明")
    clerk.fill("#id_id_number", WALK_IN_ID_NUMBER)
    clerk.fill("#id_phone", "13900001111")
    steps.shot(clerk, "intake-applicant")
    clerk.get_by_role("button", name="下一步：选择事项").click()
    clerk.wait_for_url("**/workbench/intake/items/")
    applicant = User.objects.get(kind=User.Kind.PERSON, name="王小明")
    assert applicant.id_number == WALK_IN_ID_NUMBER

    # 2. Choose the item (any item, any department).
    clerk.get_by_label("检索事项").fill("消防安全检查")
    clerk.get_by_role("button", name="检索").click()
    clerk.wait_for_url("**/workbench/intake/items/?q=*")
    steps.shot(clerk, "intake-items")
    choice = clerk.locator(".ow-wb-item-choices li", has_text=code)
    choice.get_by_role("link", name="选择").click()
    clerk.wait_for_url(f"**/workbench/intake/items/{code}/")

    # 3. The form, the scanned material, accept on the spot.
    clerk.fill("#id_form-applicant_name", "王小明")
    clerk.fill("#id_form-contact_phone", "13900001111")
    clerk.fill("#id_form-venue", "示例剧场")
    clerk.fill("#id_form-area", "800")
    clerk.select_option("#id_form-use", "影院")
    clerk.get_by_label("消火栓", exact=True).check()
    clerk.check("#id_form-commitment")
    clerk.set_input_files(f"#id_material_{world.application.pk}", str(scan))
    clerk.check("#id_decision_0")  # 当场受理
    steps.shot(clerk, "intake-form")
    clerk.get_by_role("button", name="提交并打印回执").click()

    # 4. The printable receipt.
    clerk.wait_for_url("**/workbench/intake/receipt/*/")
    steps.shot(clerk, "intake-receipt")
    case = Case.objects.get(applicant=applicant)
    assert clerk.inner_text("#receipt-case-no").strip() == case.case_no
    assert clerk.inner_text("#receipt-query-code").strip() == case.query_code
    receipt = clerk.inner_text("article.ow-wb-receipt")
    assert ITEM_NAME in receipt
    assert "scan.pdf" in receipt
    assert "已当场受理" in receipt
    assert "王小明" not in receipt  # masked on paper too
    assert case.status == Status.IN_REVIEW
    assert case.channel == "window"
    assert case.filed_by == world.clerk.user
    assert case.form["venue"] == "示例剧场"
    assert case.promised_due_date is not None
    assert case.promised_due_date.isoformat() in clerk.inner_text("#receipt-due")
    assert list(case.materials.values_list("requirement_id", flat=True)) == [world.application.pk]
    active = sorted(case.tasks.filter(status="active").values_list("department__code", flat=True))
    assert active == ["WJ", "XF"]
