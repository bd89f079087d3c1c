"""The case page and e-licences: a material reused from the licence library (免提交) shows the
licence, checked now (status, SM2 signature), with its signed PDF instead of a scan preview,
and opening that PDF is an audited access; the applicant's delivery choice stands next to the
deliver form and fills it in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from stdnum.cn import uscc

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.core import audit
from onewindow.licences import services as licence_services
from onewindow.licences.models import Licence, LicenceType
from onewindow.portal import services as portal_services

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    keys = tmp_path / "keys"
    settings.ONEWINDOW_LICENCE_CA_KEY_PATH = keys / "ca-key.pem"
    settings.ONEWINDOW_LICENCE_SEAL_KEY_DIR = keys / "seals"
    settings.ONEWINDOW_LICENCE_CA_PASSPHRASE = "ca-passphrase-for-tests"
    settings.ONEWINDOW_LICENCE_SEAL_PASSPHRASE = "seal-passphrase-for-tests"
    return keys


@pytest.fixture
def licence(key_dir: Any, departments: dict[str, Any], people: dict[str, Any]) -> Licence:
    """The citizen's 营业执照, issued by SCJG under a test CA."""
    market = departments["SCJG"]
    body = "11340300MB1957000"
    market.credit_code = body + uscc.calc_check_digit(body)
    market.save(update_fields=["credit_code"])
    licence_services.init_authority(name="测试政务服务中心")
    licence_services.issue_seal(market)
    licence_type = LicenceType.objects.create(
        code="YYZZ",
        name="营业执照",
        department=market,
        validity_months=60,
        fields=[{"key": "scope", "label": "经营范围"}],
    )
    citizen = people["citizen"]
    return licence_services.issue_licence(
        licence_type,
        holder_kind="person",
        holder_name=citizen.name,
        holder_id_number=citizen.id_number,
        holder=citizen,
        data={"scope": "电影放映"},
        actor=None,
    )


@pytest.fixture
def reused(item: Any, people: dict[str, Any], licence: Licence) -> Case:
    """An online application whose 营业执照 is the citizen's e-licence."""
    version = item.current_version
    return case_services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200, "commitment": True},
        channel="online",
        materials=[
            {
                "requirement_id": version.materials.get(name="申请书").pk,
                "file_id": upload(people["citizen"]).pk,
            },
            {
                "requirement_id": version.materials.get(name="营业执照").pk,
                "licence_id": licence.identifier,
            },
        ],
        actor=people["citizen"],
    )


def _page(client: Any, case: Case) -> str:
    response = client.get(f"/workbench/cases/{case.case_no}/")
    assert response.status_code == 200
    return response.content.decode()


def _material(case: Case, name: str) -> Any:
    return case.materials.get(requirement__name=name)


def _block(text: str, material: Any) -> str:
    match = re.search(rf'id="material-licence-{material.pk}">(.*?)</li>', text, re.S)
    assert match, "no licence block for the material"
    return match.group(1)


def test_a_reused_material_shows_the_licence_verified(
    people: dict[str, Any], reused: Case, licence: Licence, sign_in: Any
) -> None:
    text = _page(sign_in(people["clerk"]), reused)
    material = _material(reused, "营业执照")
    block = _block(text, material)
    assert "营业执照" in block
    assert licence.identifier in block
    assert "张**" in block  # the holder, masked
    assert "张三丰" not in text
    assert "市场监督管理局" in block
    assert f"{licence.issued_on:%Y-%m-%d}" in block
    assert f"{licence.expires_on:%Y-%m-%d}" in block
    assert '">有效</span>' in block
    assert "已核验" in block
    assert f"/workbench/cases/{reused.case_no}/materials/{material.pk}/" in block
    # The scan preview starts with the uploaded application, never with the licence.
    preview = re.search(r'<iframe[^>]*src="([^"]*)"', text)
    assert preview is not None
    assert preview.group(1).endswith(f"/materials/{_material(reused, '申请书').pk}/")


def test_a_licence_revoked_since_shows_as_revoked(
    people: dict[str, Any], reused: Case, licence: Licence, sign_in: Any
) -> None:
    licence_services.revoke_licence(licence, actor=people["approver"], reason="吊销")
    block = _block(_page(sign_in(people["clerk"]), reused), _material(reused, "营业执照"))
    assert '">已注销</span>' in block
    assert "该电子证照当前不能作为有效材料" in block


def test_a_tampered_licence_fails_the_signature_check(
    people: dict[str, Any], reused: Case, licence: Licence, sign_in: Any
) -> None:
    Licence.objects.filter(pk=licence.pk).update(data={"scope": "网吧"})
    block = _block(_page(sign_in(people["clerk"]), reused), _material(reused, "营业执照"))
    assert "验证失败" in block
    assert "已核验" not in block


def test_an_uploaded_material_shows_no_licence_block(
    people: dict[str, Any], submit: Any, sign_in: Any
) -> None:
    case = submit()
    assert "material-licence-" not in _page(sign_in(people["clerk"]), case)


def test_opening_the_licence_pdf_is_an_audited_access(
    people: dict[str, Any], reused: Case, licence: Licence, sign_in: Any
) -> None:
    material = _material(reused, "营业执照")
    url = f"/workbench/cases/{reused.case_no}/materials/{material.pk}/"
    outsider = sign_in(people["ga_handler"])
    assert outsider.get(url).status_code == 404
    records = audit.find_records(action="licence.staff_access", object_id=str(licence.pk))
    assert not records.exists()
    response = sign_in(people["clerk"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    record = records.get()
    assert record.detail["purpose"] == f"case_material:{reused.case_no}"


# --- the delivery choice ----------------------------------------------------------------------


def _granted(case: Case, people: dict[str, Any]) -> Case:
    case = case_services.accept(case, actor=people["clerk"])
    for who in ("handler", "xf", "wj", "approver"):
        task = case.tasks.get(status="active", department=people[who].department)
        case = case_services.complete_task(
            case, actor=people[who], task_id=task.pk, opinion="agree"
        )
    return case_services.grant(case, actor=people["approver"])


def _deliver_form(text: str) -> str:
    match = re.search(r'id="action-deliver".*?</details>', text, re.S)
    assert match, "no deliver form"
    return match.group(0)


def test_the_applicants_delivery_choice_fills_in_the_deliver_form(
    people: dict[str, Any], submit: Any, sign_in: Any
) -> None:
    case = _granted(submit(), people)
    portal_services.choose_delivery(
        case,
        actor=people["citizen"],
        method="mail",
        recipient="张三丰",
        phone="13812345678",
        address="安徽省蚌埠市高新区示范路100号3栋",
    )
    text = _page(sign_in(people["clerk"]), case)
    choice = re.search(r'id="delivery-choice">(.*?)</div>\s*<details', text, re.S)
    assert choice is not None
    shown = choice.group(1)
    assert "邮寄送达" in shown
    assert "安徽省蚌埠市" in shown
    assert "示范路100号" not in text  # the address, masked
    assert "13812345678" not in text
    assert "138****5678" in shown
    selected = re.search(r'<option value="mail"[^>]*>', _deliver_form(text))
    assert selected is not None
    assert "selected" in selected.group(0)


def test_without_a_choice_the_deliver_form_starts_empty(
    people: dict[str, Any], submit: Any, sign_in: Any
) -> None:
    case = _granted(submit(), people)
    text = _page(sign_in(people["clerk"]), case)
    assert "申请人尚未选择" in text
    assert not re.search(r'<option value="\w+"[^>]*selected', _deliver_form(text))


def test_delivery_choice_for_masks_the_address(people: dict[str, Any], submit: Any) -> None:
    case = submit()
    assert portal_services.delivery_choice_for(case) is None
    portal_services.choose_delivery(case, actor=people["citizen"], method="pickup")
    view = portal_services.delivery_choice_for(case)
    assert view is not None
    assert (view.method, view.address, view.recipient) == ("pickup", "", "")
    assert portal_services.mask_address("安徽省蚌埠市高新区示范路100号") == "安徽省蚌埠市********"
    assert portal_services.mask_address("北京") == "**"
