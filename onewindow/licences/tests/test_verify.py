"""Public verification: the API (API.md "Licences") and the page, rate-limited; uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.licences import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/licences/verify"


def _verify(client, licence, code=None):
    return client.get(
        URL, {"licence_id": licence.identifier, "check_code": code or licence.check_code}
    )


def test_the_api_answers_exactly_the_contract(client, licence):
    response = _verify(client, licence)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "valid",
        "status",
        "name",
        "holder",
        "issuer",
        "issued_at",
        "expires_at",
        "sha256",
    }
    assert body["valid"] is True
    assert body["status"] == "valid"
    assert body["name"] == "公众聚集场所投入使用、营业前消防安全检查合格证"
    assert body["holder"] == "张*"
    assert body["issuer"] == "市场监督管理局"
    assert body["issued_at"] == licence.issued_on.isoformat()
    assert body["expires_at"] == licence.expires_on.isoformat()
    assert body["sha256"] == licence.pdf_sha256


def test_a_wrong_check_code_finds_nothing(client, licence):
    response = _verify(client, licence, code="WRONG234")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(URL, {"licence_id": "nonsense", "check_code": "X"}).status_code == 404
    assert client.get(URL).status_code == 400


def test_revocation_shows_at_once(client, licence, people):
    services.revoke_licence(licence, actor=people["approver"], reason="以欺骗手段取得许可")
    body = _verify(client, licence).json()
    assert body["valid"] is False
    assert body["status"] == "revoked"


def test_a_licence_past_its_date_is_expired_before_the_sweep(client, licence):
    licence.__class__.objects.filter(pk=licence.pk).update(
        expires_on=licence.issued_on.replace(year=licence.issued_on.year - 1)
    )
    body = _verify(client, licence).json()
    assert body["status"] == "expired"
    assert body["valid"] is False


def test_a_tampered_record_is_not_valid(client, licence):
    licence.__class__.objects.filter(pk=licence.pk).update(data={"venue": "别处", "area": "1"})
    body = _verify(client, licence).json()
    assert body["status"] == "valid"
    assert body["valid"] is False  # the SM2 signature no longer covers the record


def test_verification_is_rate_limited_per_address(client, licence, settings):
    settings.ONEWINDOW_LICENCE_VERIFY_PER_MINUTE = 3
    for _ in range(3):
        assert _verify(client, licence).status_code == 200
    response = _verify(client, licence)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert "频繁" in response.json()["error"]["message"]
    other = client.get(
        URL,
        {"licence_id": licence.identifier, "check_code": licence.check_code},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200
    page = client.get(
        reverse("licences:verify"),
        {"licence_id": licence.identifier, "check_code": licence.check_code},
    )
    assert page.status_code == 429
    assert "频繁" in page.content.decode()


def test_the_page_shows_validity_status_masked_holder_and_hash(client, licence):
    response = client.get(
        reverse("licences:verify"),
        {"licence_id": licence.identifier, "check_code": licence.check_code},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "证照有效" in page
    assert "张*" in page
    assert "张三" not in page
    assert licence.pdf_sha256 in page
    assert "市场监督管理局" in page


def test_the_qr_code_link_opens_the_page(client, licence):
    from onewindow.licences.rendering import verify_url

    url = verify_url(licence.identifier, licence.check_code)
    path = url.split("127.0.0.1:8000", 1)[1]
    assert "licence_id=" in path
    assert "check_code=" in path
    assert "证照有效" in client.get(path).content.decode()


def _upload(client, data: bytes):
    return client.post(
        reverse("licences:verify"),
        {"pdf": SimpleUploadedFile("licence.pdf", data, content_type="application/pdf")},
    )


def test_uploading_the_issued_pdf_confirms_signature_and_current_version(client, licence):
    page = _upload(client, licence.pdf.read()).content.decode()
    assert "签章有效，且为现行有效的证照" in page
    assert licence.identifier in page


def test_uploading_a_superseded_version_says_it_is_not_current(client, licence, people):
    old_pdf = licence.pdf.read()
    services.change_licence(
        licence,
        actor=people["approver"],
        data={"venue": "新影城", "area": "1500"},
        reason="名称变更",
    )
    page = _upload(client, old_pdf).content.decode()
    assert "签章有效，但不是现行有效的证照" in page
    assert "第2版" in page


def test_uploading_a_tampered_pdf_reports_it(client, licence):
    pdf = licence.pdf.read()
    position = pdf.index(b"stream") + 40
    tampered = pdf[:position] + bytes([pdf[position] ^ 1]) + pdf[position + 1 :]
    page = _upload(client, tampered).content.decode()
    assert "签章无效" in page


def test_uploading_something_else_is_refused(client, licence):
    assert "不是 PDF 文件" in _upload(client, b"GIF89a").content.decode()
