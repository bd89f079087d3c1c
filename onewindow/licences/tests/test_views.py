"""Holders' and staff's licence pages and the authenticated API: who sees what; staff look-ups
are audited; outsiders are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.core.models import AuditRecord
from onewindow.identity import tokens
from onewindow.licences.models import Licence

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, secret = tokens.create_token(user, name="test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_my_licences_lists_the_holders_own(login, licence, people):
    client = login(people["citizen"])
    page = client.get(reverse("licences:mine")).content.decode()
    assert licence.licence_type.name in page
    detail = client.get(reverse("licences:mine_detail", args=[licence.pk])).content.decode()
    assert licence.check_code in detail
    assert licence.identifier in detail
    pdf = client.get(reverse("licences:mine_pdf", args=[licence.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_another_holder_cannot_see_the_licence(login, licence, people):
    client = login(people["other"])
    assert licence.licence_type.name not in client.get(reverse("licences:mine")).content.decode()
    assert client.get(reverse("licences:mine_detail", args=[licence.pk])).status_code == 404
    assert client.get(reverse("licences:mine_pdf", args=[licence.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, licence):
    response = client.get(reverse("licences:mine"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "name", ["staff_list", "staff_detail", "staff_pdf", "staff_revoke", "staff_renew"]
)
def test_an_outsider_is_refused_on_staff_pages(login, licence, people, name):
    client = login(people["other"])
    args = [] if name == "staff_list" else [licence.pk]
    method = client.post if name in {"staff_revoke", "staff_renew"} else client.get
    assert method(reverse(f"licences:{name}", args=args)).status_code == 403
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


def test_staff_of_another_department_do_not_see_the_licence(login, licence, people):
    client = login(people["xf_approver"])
    assert licence.identifier not in client.get(reverse("licences:staff_list")).content.decode()
    assert client.get(reverse("licences:staff_detail", args=[licence.pk])).status_code == 404
    assert (
        client.post(
            reverse("licences:staff_revoke", args=[licence.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_a_staff_look_up_is_audited_and_shows_the_history(login, licence, people):
    client = login(people["handler"])
    page = client.get(reverse("licences:staff_detail", args=[licence.pk])).content.decode()
    assert licence.identifier in page
    assert "签发" in page
    assert "验证通过" in page  # SM2
    assert "注销证照" not in page  # a handler may look, not revoke
    assert AuditRecord.objects.filter(
        action="licence.staff_access", object_id=str(licence.pk), actor_label="handler"
    ).exists()
    client.get(reverse("licences:staff_list"), {"q": licence.identifier[:20]})
    assert AuditRecord.objects.filter(action="licence.staff_query").exists()


def test_the_approver_revokes_changes_and_renews_from_the_page(login, licence, people):
    client = login(people["approver"])
    response = client.post(
        reverse("licences:staff_change", args=[licence.pk]),
        {"data_venue": "新影城", "data_area": "1300", "reason": "面积变更"},
    )
    new = Licence.objects.get(previous=licence)
    assert response["Location"] == reverse("licences:staff_detail", args=[new.pk])
    assert new.data == {"venue": "新影城", "area": "1300"}
    client.post(reverse("licences:staff_renew", args=[new.pk]), {"note": ""})
    newest = Licence.objects.get(previous=new)
    client.post(reverse("licences:staff_revoke", args=[newest.pk]), {"reason": "违法经营"})
    newest.refresh_from_db()
    assert newest.status == Licence.Status.REVOKED
    page = client.get(reverse("licences:staff_detail", args=[newest.pk])).content.decode()
    assert "违法经营" in page
    assert page.count("1.2.156.3005.2.") >= 3  # every version in the history


def test_the_api_lists_the_holders_licences_with_the_check_code(client, licence, people):
    response = client.get("/api/v1/licences", {"holder": "me"}, **_bearer(people["citizen"]))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    (row,) = body["results"]
    assert row == {
        "licence_id": licence.identifier,
        "name": licence.licence_type.name,
        "holder": "张*",
        "issuer": "市场监督管理局",
        "issued_at": licence.issued_on.isoformat(),
        "expires_at": licence.expires_on.isoformat(),
        "status": "valid",
        "check_code": licence.check_code,
    }
    other = client.get("/api/v1/licences", **_bearer(people["other"])).json()
    assert other["total"] == 0
    bad = client.get("/api/v1/licences", {"holder": "someone"}, **_bearer(people["citizen"]))
    assert bad.status_code == 400


def test_the_api_pdf_for_the_holder_and_authorised_staff_only(client, licence, people):
    url = f"/api/v1/licences/{licence.identifier}/pdf"
    holder = client.get(url, **_bearer(people["citizen"]))
    assert holder.status_code == 200
    assert holder["Content-Type"] == "application/pdf"
    assert client.get(url, **_bearer(people["other"])).status_code == 404
    assert client.get(url, **_bearer(people["xf"])).status_code == 404
    assert client.get(url, **_bearer(people["handler"])).status_code == 200
    assert AuditRecord.objects.filter(action="licence.staff_access", actor_label="handler").exists()
    assert client.get(url).status_code == 401


def test_the_api_revokes_for_the_issuing_departments_staff(client, licence, people):
    url = f"/api/v1/licences/{licence.identifier}/revoke"
    payload = {"reason": "以欺骗手段取得"}
    holder = client.post(
        url, payload, content_type="application/json", **_bearer(people["citizen"])
    )
    assert holder.status_code == 403
    outsider = client.post(
        url, payload, content_type="application/json", **_bearer(people["other"])
    )
    assert outsider.status_code == 404
    done = client.post(
        url,
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **_bearer(people["approver"]),
    )
    assert done.status_code == 200
    assert done.json()["status"] == "revoked"
    replay = client.post(
        url,
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **_bearer(people["approver"]),
    )
    assert replay.json() == done.json()
    again = client.post(
        url, payload, content_type="application/json", **_bearer(people["approver"])
    )
    assert again.status_code == 409
    empty = client.post(
        url, {"reason": ""}, content_type="application/json", **_bearer(people["approver"])
    )
    assert empty.status_code == 400
