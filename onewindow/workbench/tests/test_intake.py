"""One-window intake (一窗受理): a walk-in applicant, any item, the form, the materials, accepted
on the spot or left for the department, and the printed receipt."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases.models import Case, StoredFile
from onewindow.identity.models import Organization, User

from .conftest import PDF, credit_code, id_number

pytestmark = pytest.mark.django_db

NEW_ID = id_number("11010519900307003")


@pytest.fixture
def clerk(people, sign_in):
    return sign_in(people["clerk"])


def register(client, **data):
    return client.post("/workbench/intake/", data)


def person(**overrides):
    data = {"kind": "person", "name": "王小明", "id_number": NEW_ID, "phone": "13900001111"}
    data.update(overrides)
    return data


def errors_of(response, field: str) -> str:
    """The text of the error block of ``field`` (empty if the field has none)."""
    marker = f'id="id_{field}_error"'
    start = response.text.find(marker)
    return response.text[start : start + 300] if start >= 0 else ""


def test_a_bad_id_number_is_refused_on_its_field(clerk):
    bad = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")
    response = register(clerk, **person(id_number=bad, phone="12345"))
    assert response.status_code == 400
    assert "公民身份号码无效" in errors_of(response, "id_number")
    assert "手机号" in errors_of(response, "phone")
    assert not User.objects.filter(name="王小明").exists()


def test_a_bad_credit_code_is_refused_on_its_field(clerk):
    response = register(
        clerk,
        kind="organization",
        name="示例科技有限公司",
        credit_code="91340300MA2N0P1Q7X",
        legal_representative="李四",
        phone="13900001111",
    )
    assert response.status_code == 400
    assert "统一社会信用代码无效" in errors_of(response, "credit_code")
    assert not Organization.objects.exists()


def test_a_new_organisation_needs_its_legal_representative(clerk):
    data = {
        "kind": "organization",
        "name": "示例科技有限公司",
        "credit_code": credit_code(),
        "phone": "13900001111",
    }
    response = register(clerk, **data)
    assert response.status_code == 400
    assert "法定代表人" in errors_of(response, "legal_representative")
    response = register(clerk, **data, legal_representative="李四")
    assert response.status_code == 302
    organization = Organization.objects.get(credit_code=credit_code())
    assert organization.account.kind == "organization"
    assert not organization.account.has_usable_password()


def test_a_new_person_gets_an_account_and_a_known_one_is_found(clerk, people):
    response = register(clerk, **person())
    assert response.status_code == 302
    assert response["Location"] == "/workbench/intake/items/"
    account = User.objects.get(name="王小明")
    assert account.kind == "person"
    assert account.id_number == NEW_ID
    assert not account.has_usable_password()
    assert clerk.session["workbench_intake_applicant"] == account.pk
    # the citizen is already registered: found, not duplicated
    response = register(
        clerk, **person(name="张三丰", id_number=people["citizen"].id_number, phone="13812345678")
    )
    assert response.status_code == 302
    assert clerk.session["workbench_intake_applicant"] == people["citizen"].pk
    # a name that does not match the registered one is refused
    response = register(clerk, **person(name="张三", id_number=people["citizen"].id_number))
    assert "不一致" in errors_of(response, "name")


def test_staff_numbers_cannot_be_applicants(clerk, people):
    people["handler"].id_number = NEW_ID
    people["handler"].save()
    response = register(clerk, **person())
    assert "工作人员" in errors_of(response, "id_number")


def test_choosing_an_item(clerk, item):
    assert clerk.get("/workbench/intake/items/").status_code == 302  # no applicant yet
    register(clerk, **person())
    response = clerk.get("/workbench/intake/items/")
    assert f"/workbench/intake/items/{item.implementation_code}/" in response.text
    response = clerk.get("/workbench/intake/items/?q=消防安全检查")
    assert f"/workbench/intake/items/{item.implementation_code}/" in response.text


def test_the_form_is_generated_from_the_items_schema(clerk, item):
    register(clerk, **person())
    response = clerk.get(f"/workbench/intake/items/{item.implementation_code}/")
    assert response.status_code == 200
    text = response.text
    assert "场所名称" in text
    assert 'type="date"' in text  # format: date
    assert "<select" in text  # enum
    assert "单位：平方米" in text  # x-unit
    assert 'type="checkbox"' in text  # the commitment
    application = item.current_version.materials.get(name="申请书")
    shared = item.current_version.materials.get(name="营业执照")
    assert f'name="material_{application.pk}"' in text
    assert f'name="material_{shared.pk}"' not in text  # fetched by the platform (免提交)
    assert "由平台共享获取" in text
    assert clerk.get("/workbench/intake/items/NOPE/").status_code == 404


def _file(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _application(item, **overrides):
    requirement = item.current_version.materials.get(name="申请书")
    data = {
        "form-venue": "示例影城",
        "form-area": "1200",
        "form-commitment": "on",
        f"material_{requirement.pk}": [_file("page1.pdf"), _file("page2.pdf")],
        "decision": "accept",
    }
    data.update(overrides)
    return data


def test_wrong_form_data_is_refused_by_field_and_nothing_is_kept(clerk, item):
    register(clerk, **person())
    url = f"/workbench/intake/items/{item.implementation_code}/"
    data = _application(item, **{"form-venue": "", "form-area": "0"})
    del data["form-commitment"]
    response = clerk.post(url, data)
    assert response.status_code == 400
    assert errors_of(response, "form-venue")
    assert errors_of(response, "form-area")
    assert errors_of(response, "form-commitment")
    requirement = item.current_version.materials.get(name="申请书")
    response = clerk.post(url, _application(item, **{f"material_{requirement.pk}": []}))
    assert response.status_code == 400
    assert errors_of(response, f"material_{requirement.pk}")
    assert not Case.objects.exists()
    assert not StoredFile.objects.exists()


def test_an_unsupported_file_is_refused_on_its_material(clerk, item):
    register(clerk, **person())
    requirement = item.current_version.materials.get(name="申请书")
    junk = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = clerk.post(
        f"/workbench/intake/items/{item.implementation_code}/",
        _application(item, **{f"material_{requirement.pk}": [junk]}),
    )
    assert response.status_code == 400
    assert errors_of(response, f"material_{requirement.pk}")
    assert not Case.objects.exists()


def test_accepted_on_the_spot_with_a_receipt(clerk, item, people):
    register(clerk, **person())
    response = clerk.post(
        f"/workbench/intake/items/{item.implementation_code}/", _application(item)
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/workbench/intake/receipt/{case.case_no}/"
    assert case.status == "in_review"
    assert case.channel == "window"
    assert case.filed_by == people["clerk"]
    assert case.applicant == User.objects.get(name="王小明")
    assert case.form == {"venue": "示例影城", "area": 1200.0, "commitment": True}
    assert case.materials.count() == 2
    receipt = clerk.get(response["Location"])
    assert receipt.status_code == 200
    assert case.case_no in receipt.text
    assert case.query_code in receipt.text
    assert "公众聚集场所投入使用、营业前消防安全检查" in receipt.text
    assert "page1.pdf" in receipt.text
    assert "page2.pdf" in receipt.text
    assert case.promised_due_date.isoformat() in receipt.text
    assert "王*" in receipt.text
    assert "打印回执" in receipt.text
    assert "workbench_intake_applicant" not in clerk.session  # the next applicant starts anew


def test_left_in_the_departments_queue(clerk, item, people, sign_in):
    register(
        clerk,
        kind="organization",
        name="示例科技有限公司",
        credit_code=credit_code(),
        legal_representative="李四",
        phone="13900001111",
    )
    response = clerk.post(
        f"/workbench/intake/items/{item.implementation_code}/",
        _application(item, decision="queue"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == "submitted"
    assert case.applicant_kind == "organization"
    assert case.applicant_id_number == credit_code()
    receipt = clerk.get(response["Location"])
    assert "自受理次日起10个工作日内" in receipt.text
    assert "示例科技有限公司" in receipt.text
    handler_inbox = sign_in(people["handler"]).get("/workbench/")
    assert case.case_no in handler_inbox.text


def test_only_window_clerks_take_walk_ins(people, sign_in, item, submit):
    handler = sign_in(people["handler"])
    assert handler.get("/workbench/intake/").status_code == 403
    assert handler.post("/workbench/intake/", person()).status_code == 403
    assert handler.get(f"/workbench/intake/items/{item.implementation_code}/").status_code == 403
    case = submit()
    assert handler.get(f"/workbench/intake/receipt/{case.case_no}/").status_code == 403
    assert sign_in(people["citizen"]).get("/workbench/intake/").status_code == 403
