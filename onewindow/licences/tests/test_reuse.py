"""Reuse (免提交): a valid licence of the right type held by the applicant stands in for a
material when filing; the licence library records the use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onewindow.cases import services as case_services
from onewindow.licences import queries, services
from onewindow.licences.models import MaterialLicence

from .conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def business_licence(business_licence_type, people):
    return services.issue_licence(
        business_licence_type,
        holder_kind="person",
        holder_name="张三",
        holder_id_number=people["citizen"].id_number,
        holder=people["citizen"],
        data={"scope": "电影放映"},
        actor=people["approver"],
    )


def _file(item, people, licence_id: str, actor=None):
    version = item.current_version
    application = version.materials.get(name="申请书")
    business = version.materials.get(name="营业执照")
    return case_services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200},
        channel="online",
        materials=[
            {"requirement_id": application.pk, "file_id": upload(actor or people["citizen"]).pk},
            {"requirement_id": business.pk, "licence_id": licence_id},
        ],
        actor=actor or people["citizen"],
    )


def test_a_case_can_be_filed_with_a_licence_instead_of_an_upload(item, people, business_licence):
    case = _file(item, people, business_licence.identifier)
    material = case.materials.get(requirement__name="营业执照")
    assert material.file is not None
    assert material.file.sha256 == business_licence.pdf_sha256
    assert material.file.file.name == business_licence.pdf.name  # shared, not copied
    assert queries.licence_for_material(material) == business_licence
    use = MaterialLicence.objects.get()
    assert use.licence == business_licence
    assert use.used_by == people["citizen"]


def test_the_application_offers_the_applicants_valid_licences(item, people, business_licence):
    requirement = item.current_version.materials.get(name="营业执照")
    assert queries.reusable_licences(people["citizen"], requirement) == [business_licence]
    assert queries.reusable_licences(people["other"], requirement) == []
    other = item.current_version.materials.get(name="平面图")
    assert queries.reusable_licences(people["citizen"], other) == []


def test_another_persons_licence_is_refused(item, people, business_licence):
    with pytest.raises(ValidationError) as error:
        _file(item, people, business_licence.identifier, actor=people["other"])
    assert "materials.1" in error.value.message_dict


def test_a_revoked_licence_is_refused(item, people, business_licence):
    services.revoke_licence(business_licence, actor=people["approver"], reason="吊销")
    with pytest.raises(ValidationError) as error:
        _file(item, people, business_licence.identifier)
    assert "已注销" in " ".join(error.value.message_dict["materials.1"])
    assert not MaterialLicence.objects.exists()


def test_a_licence_of_another_type_is_refused(item, people, licence):
    with pytest.raises(ValidationError) as error:
        _file(item, people, licence.identifier)
    assert "不能作为" in " ".join(error.value.message_dict["materials.1"])


def test_a_malformed_or_unknown_identifier_is_refused(item, people, business_licence):
    with pytest.raises(ValidationError):
        _file(item, people, "1.2.156.3005.2.NOPE")
    body = business_licence.identifier.rsplit(".", 1)[0].replace(".0000000001.", ".0000000009.")
    from onewindow.licences import identifiers

    unknown = f"{body}.{identifiers.check_char(body)}"
    with pytest.raises(ValidationError) as error:
        _file(item, people, unknown)
    assert "不存在" in " ".join(error.value.message_dict["materials.1"])


def test_through_the_api(client, item, people, business_licence):
    from onewindow.identity import tokens

    _token, secret = tokens.create_token(people["citizen"], name="t", actor=people["citizen"])
    version = item.current_version
    response = client.post(
        "/api/v1/cases",
        {
            "item_code": item.implementation_code,
            "form": {"venue": "示例影城", "area": 1200},
            "materials": [
                {
                    "requirement_id": version.materials.get(name="申请书").pk,
                    "file_id": upload(people["citizen"]).pk,
                },
                {
                    "requirement_id": version.materials.get(name="营业执照").pk,
                    "licence_id": business_licence.identifier,
                },
            ],
            "channel": "online",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.json()
