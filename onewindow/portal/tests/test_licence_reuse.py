"""Reuse of e-licences in the online application (免提交): the form offers the applicant's
valid licences instead of an upload, the draft and the summary keep the choice, the engine
files the licence as the material and its refusals show next to the material; the case page
and the API list the licences a case produced."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import files as case_files
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseMaterial
from onewindow.catalog.models import ItemImplementation, MaterialRequirement
from onewindow.catalog.tests import factories
from onewindow.identity import tokens
from onewindow.licences import queries as licence_queries
from onewindow.licences import services as licence_services
from onewindow.licences.models import Licence, LicenceType, MaterialLicence
from onewindow.portal.models import ApplicationDraft

from .conftest import People, credit_code, pdf

pytestmark = pytest.mark.django_db

FORM = {"f_venue": "示例影城", "f_area": "1200"}


@pytest.fixture
def key_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    keys = tmp_path / "keys"
    settings.ONEWINDOW_LICENCE_CA_KEY_PATH = keys / "ca-key.pem"
    settings.ONEWINDOW_LICENCE_SEAL_KEY_DIR = keys / "seals"
    settings.ONEWINDOW_LICENCE_CA_PASSPHRASE = "ca-passphrase-for-tests"
    settings.ONEWINDOW_LICENCE_SEAL_PASSPHRASE = "seal-passphrase-for-tests"
    return keys


@pytest.fixture
def business_licence_type(key_dir: Any, people: People) -> LicenceType:
    """营业执照, issued by the market regulator (with a seal under a test CA)."""
    market = factories.department("SCJG", "市场监督管理局")
    market.credit_code = credit_code("11340300MB1957000")
    market.save(update_fields=["credit_code"])
    licence_services.init_authority(name="测试政务服务中心")
    licence_services.issue_seal(market)
    return LicenceType.objects.create(
        code="YYZZ",
        name="营业执照",
        department=market,
        validity_months=60,
        fields=[{"key": "scope", "label": "经营范围"}],
    )


def _issue(licence_type: LicenceType, holder: Any, *, case_no: str = "") -> Licence:
    return licence_services.issue_licence(
        licence_type,
        holder_kind="person",
        holder_name=holder.name,
        holder_id_number=holder.id_number,
        holder=holder,
        data={"scope": "电影放映"},
        actor=None,
        case_no=case_no,
    )


@pytest.fixture
def licence(business_licence_type: LicenceType, people: People) -> Licence:
    return _issue(business_licence_type, people.citizen)


@pytest.fixture
def item(people: People) -> ItemImplementation:
    """An item whose 营业执照 the applicant must hand in, or reuse from the licence library."""
    department = factories.department("XFJ", "消防救援支队")
    return factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=department,
        online_depth=3,
        materials=[
            {"name": "消防安全检查申请书", "required": True},
            {"name": "营业执照（副本）", "required": True},
        ],
        stages=[{"name": "承办", "role": "handler", "departments": [department], "days": 2}],
        form_schema={
            "type": "object",
            "properties": {
                "venue": {"type": "string", "title": "场所名称", "minLength": 1},
                "area": {"type": "number", "title": "建筑面积", "minimum": 1},
            },
            "required": ["venue", "area"],
        },
    )


def _requirement(item: ItemImplementation, name: str) -> MaterialRequirement:
    version = item.current_version
    assert version is not None
    return version.materials.get(name=name)


def _application(item: ItemImplementation) -> MaterialRequirement:
    return _requirement(item, "消防安全检查申请书")


def _business(item: ItemImplementation) -> MaterialRequirement:
    return _requirement(item, "营业执照（副本）")


def _apply_url(item: ItemImplementation) -> str:
    return reverse("portal:apply", args=[item.implementation_code])


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _radio(page: str, requirement: MaterialRequirement, value: str) -> str:
    """The radio input of ``licence_<requirement>`` with ``value`` (empty: upload instead)."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="licence_{requirement.pk}"' in tag and f'value="{value}"' in tag:
            return tag
    raise AssertionError(f"no radio for {value!r}")


def _choose(client: Client, item: ItemImplementation, choice: str, **extra: Any) -> Any:
    data = {
        **FORM,
        "action": "continue",
        f"file_{_application(item).pk}": pdf(),
        f"licence_{_business(item).pk}": choice,
        **extra,
    }
    return client.post(_apply_url(item), data)


def _slot_errors(page: str, requirement: MaterialRequirement) -> str:
    """The error block next to the material (its choice, or its upload when none is offered)."""
    match = re.search(
        rf'id="material-{requirement.pk}(?:-choice)?-error">(.*?)</div>\s*</div>', page, re.S
    )
    assert match, "no error next to the material"
    return match.group(1)


class TestTheForm:
    def test_it_offers_the_applicants_valid_licence_instead_of_an_upload(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        page = _signed_in(client, people.citizen).get(_apply_url(item)).content.decode()
        assert "使用电子证照：营业执照" in page
        assert licence.identifier in page
        assert f"有效期至 {licence.expires_on:%Y-%m-%d}" in page
        assert "checked" in _radio(page, _business(item), licence.identifier)  # the default
        assert "checked" not in _radio(page, _business(item), "")
        assert "不使用电子证照，改为上传文件" in page
        # the other material has no licence type that could stand in for it
        assert f'name="licence_{_application(item).pk}"' not in page

    def test_nobody_is_offered_someone_elses_licence(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        page = _signed_in(client, people.other).get(_apply_url(item)).content.decode()
        assert licence.identifier not in page
        assert f'name="licence_{_business(item).pk}"' not in page

    def test_a_revoked_licence_is_not_offered(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        licence_services.revoke_licence(licence, actor=_approver(licence), reason="吊销")
        page = _signed_in(client, people.citizen).get(_apply_url(item)).content.decode()
        assert licence.identifier not in page

    def test_another_persons_licence_cannot_be_posted(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.other)
        response = _choose(client, item, licence.identifier)
        assert response.status_code == 200
        errors = _slot_errors(response.content.decode(), _business(item))
        assert "所选电子证照不能用于该材料" in errors
        assert not ApplicationDraft.objects.exists()

    def test_a_required_material_needs_a_licence_or_a_file(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.citizen)
        response = _choose(client, item, "")
        errors = _slot_errors(response.content.decode(), _business(item))
        assert "请选择电子证照或上传营业执照（副本）" in errors
        assert not ApplicationDraft.objects.exists()

    def test_the_draft_remembers_the_choice(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.citizen)
        business = _business(item)
        _choose(client, item, "", action="save", **{f"file_{business.pk}": pdf("执照.pdf")})
        draft = ApplicationDraft.objects.get()
        assert draft.licence_ids() == {}
        assert business.pk in draft.file_ids()
        url = f"{_apply_url(item)}?draft={draft.pk}"
        page = client.get(url).content.decode()
        assert "checked" in _radio(page, business, "")
        assert "checked" not in _radio(page, business, licence.identifier)

        _choose(client, item, licence.identifier, action="save", draft=str(draft.pk))
        draft.refresh_from_db()
        assert draft.licence_ids() == {business.pk: licence.identifier}
        assert business.pk not in draft.file_ids()  # the licence replaces the file
        page = client.get(url).content.decode()
        assert "checked" in _radio(page, business, licence.identifier)


class TestFilingWithALicence:
    def test_a_holder_picks_the_licence_and_the_case_links_it(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.citizen)
        response = _choose(client, item, licence.identifier)
        draft = ApplicationDraft.objects.get()
        assert response["Location"] == reverse("portal:draft_confirm", args=[draft.pk])

        summary = client.get(response["Location"]).content.decode()
        assert "使用电子证照：营业执照" in summary
        assert licence.identifier in summary

        response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
        case = Case.objects.get()
        assert response["Location"] == reverse("portal:case_receipt", args=[case.case_no])
        material = CaseMaterial.objects.get(case=case, requirement=_business(item))
        assert licence_queries.licence_for_material(material) == licence
        assert material.file is not None
        assert material.file.sha256 == licence.pdf_sha256
        use = MaterialLicence.objects.get()
        assert (use.licence, use.used_by) == (licence, people.citizen)
        assert CaseMaterial.objects.filter(case=case).count() == 2
        assert not ApplicationDraft.objects.exists()

    def test_a_licence_revoked_before_submission_is_refused_next_to_the_material(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.citizen)
        _choose(client, item, licence.identifier)
        draft = ApplicationDraft.objects.get()
        assert client.get(reverse("portal:draft_confirm", args=[draft.pk])).status_code == 200
        licence_services.revoke_licence(licence, actor=_approver(licence), reason="吊销")

        response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
        assert response.status_code == 400
        page = response.content.decode()
        assert "已注销" in _slot_errors(page, _business(item))
        summary = page.split('id="error-summary"')[1].split("</div>")[0]
        assert f'href="#material-{_business(item).pk}' in summary
        assert "已注销" in summary
        assert not Case.objects.exists()
        assert not MaterialLicence.objects.exists()
        assert ApplicationDraft.objects.filter(pk=draft.pk).exists()

    def test_the_summary_sends_a_stale_choice_back_to_the_form(
        self, client: Client, item: ItemImplementation, people: People, licence: Licence
    ) -> None:
        _signed_in(client, people.citizen)
        _choose(client, item, licence.identifier)
        draft = ApplicationDraft.objects.get()
        licence_services.revoke_licence(licence, actor=_approver(licence), reason="吊销")
        response = client.get(reverse("portal:draft_confirm", args=[draft.pk]), follow=True)
        page = response.content.decode()
        assert "此前选择的电子证照已不能使用" in page
        assert "此前选择的电子证照已不能使用" in _slot_errors(page, _business(item))


def _approver(licence: Licence) -> Any:
    from onewindow.identity import services as identity

    return identity.create_staff(
        username="scjg-approver",
        password="Zw!x9-Lk3m",
        name="审批人",
        department=licence.department,
        roles=["approver"],
        actor=None,
    )


# --- the licences a case produced ---------------------------------------------------------------


@pytest.fixture
def case(item: ItemImplementation, people: People) -> Case:
    stored = case_files.store_upload(pdf(), actor=people.citizen)
    business = case_files.store_upload(pdf("执照.pdf"), actor=people.citizen)
    return case_services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200},
        materials=[
            {"requirement_id": _application(item).pk, "file_id": stored.pk},
            {"requirement_id": _business(item).pk, "file_id": business.pk},
        ],
        channel="online",
        actor=people.citizen,
    )


def test_the_case_page_lists_the_licences_the_case_produced(
    client: Client, case: Case, people: People, business_licence_type: LicenceType
) -> None:
    detail = reverse("portal:case_detail", args=[case.case_no])
    page = _signed_in(client, people.citizen).get(detail).content.decode()
    assert 'id="licences"' not in page
    issued = _issue(business_licence_type, people.citizen, case_no=case.case_no)
    page = client.get(detail).content.decode()
    assert 'id="licences"' in page
    assert issued.identifier in page
    assert reverse("licences:mine_detail", args=[issued.pk]) in page
    assert reverse("licences:mine_pdf", args=[issued.pk]) in page
    assert client.get(reverse("licences:mine_detail", args=[issued.pk])).status_code == 200


def test_the_api_lists_the_licences_of_a_case(
    client: Client, case: Case, people: People, business_licence_type: LicenceType
) -> None:
    _token, secret = tokens.create_token(people.citizen, name="t", actor=people.citizen)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = f"/api/v1/cases/{case.case_no}"
    assert client.get(url, **auth).json()["licences"] == []
    issued = _issue(business_licence_type, people.citizen, case_no=case.case_no)
    licences = client.get(url, **auth).json()["licences"]
    assert licences == [
        {
            "licence_id": issued.identifier,
            "name": "营业执照",
            "status": "valid",
            "issued_at": issued.issued_on.isoformat(),
            "expires_at": issued.expires_on.isoformat() if issued.expires_on else None,
        }
    ]
