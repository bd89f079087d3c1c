"""Revocation with reasons, change and renewal as new versions, expiry and the reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onewindow.cases.models import Message
from onewindow.core.models import AuditRecord
from onewindow.licences import identifiers, queries, services
from onewindow.licences.models import Licence

pytestmark = pytest.mark.django_db
Status = Licence.Status


def test_revocation_needs_a_reason_and_the_issuing_departments_approver(licence, people):
    with pytest.raises(ValidationError):
        services.revoke_licence(licence, actor=people["approver"], reason="  ")
    for outsider in (people["citizen"], people["handler"], people["xf_approver"]):
        with pytest.raises(PermissionDenied):
            services.revoke_licence(licence, actor=outsider, reason="无权")
    licence.refresh_from_db()
    assert licence.status == Status.VALID
    revoked = services.revoke_licence(licence, actor=people["approver"], reason="违法经营")
    assert revoked.status == Status.REVOKED
    assert revoked.revoke_reason == "违法经营"
    assert revoked.events.filter(action="revoke", note="违法经营").exists()
    assert AuditRecord.objects.filter(action="licence.revoke", object_id=str(licence.pk)).exists()
    assert Message.objects.filter(recipient=people["citizen"], subject="电子证照已注销").exists()


def test_a_revoked_licence_cannot_be_revoked_changed_or_renewed(licence, people):
    services.revoke_licence(licence, actor=people["approver"], reason="违法经营")
    with pytest.raises(services.InvalidLicenceState):
        services.revoke_licence(licence, actor=people["approver"], reason="again")
    with pytest.raises(services.InvalidLicenceState):
        services.change_licence(licence, actor=people["approver"], data={}, reason="x")
    with pytest.raises(services.InvalidLicenceState):
        services.renew_licence(licence, actor=people["approver"])


def test_a_change_issues_the_next_version_which_supersedes_the_old(licence, people):
    new = services.change_licence(
        licence, actor=people["approver"], data={"venue": "新影城", "area": "1500"}, reason="更名"
    )
    licence.refresh_from_db()
    assert licence.status == Status.SUPERSEDED
    assert new.status == Status.VALID
    assert new.previous == licence
    assert (new.serial, new.version) == (licence.serial, 2)
    assert identifiers.parse(new.identifier).version == 2
    assert new.expires_on == licence.expires_on
    assert new.data == {"venue": "新影城", "area": "1500"}
    assert new.check_code != licence.check_code
    assert new.pdf_sha256 != licence.pdf_sha256
    assert queries.sm2_ok(new)
    assert [v.version for v in queries.versions(licence)] == [1, 2]
    assert queries.verify(licence.identifier, licence.check_code).status == "superseded"


def test_renewal_runs_on_from_the_old_expiry(licence, people):
    new = services.renew_licence(licence, actor=people["approver"], note="按期延续")
    assert new.version == 2
    assert new.expires_on is not None
    assert licence.expires_on is not None
    assert new.expires_on > licence.expires_on
    assert (new.expires_on - licence.expires_on).days in range(1820, 1830)


def test_a_permanent_licence_needs_no_renewal(business_licence_type, people):
    licence = services.issue_licence(
        business_licence_type,
        holder_kind="person",
        holder_name="张三",
        holder_id_number=people["citizen"].id_number,
        holder=people["citizen"],
        data={"scope": "餐饮服务"},
        actor=people["approver"],
    )
    assert licence.expires_on is None
    with pytest.raises(services.InvalidLicenceState):
        services.renew_licence(licence, actor=people["approver"])


def test_the_sweep_reminds_once_30_days_ahead_and_then_expires(licence, people):
    assert licence.expires_on is not None
    quiet = services.sweep(licence.expires_on - dt.timedelta(days=31))
    assert quiet == {"expired": 0, "reminded": 0}
    first = services.sweep(licence.expires_on - dt.timedelta(days=30))
    again = services.sweep(licence.expires_on - dt.timedelta(days=10))
    assert first["reminded"] == 1
    assert again["reminded"] == 0
    assert (
        Message.objects.filter(recipient=people["citizen"], subject="电子证照即将到期").count() == 1
    )
    assert services.sweep(licence.expires_on)["expired"] == 0
    assert services.sweep(licence.expires_on + dt.timedelta(days=1))["expired"] == 1
    licence.refresh_from_db()
    assert licence.status == Status.EXPIRED
    assert licence.events.filter(action="expire").count() == 1


def test_an_expired_licence_may_still_be_renewed(licence, people):
    services.sweep(licence.expires_on + dt.timedelta(days=1))
    licence.refresh_from_db()
    new = services.renew_licence(licence, actor=people["approver"])
    assert new.status == Status.VALID
    assert new.expires_on > services.today()


def test_issuing_to_the_wrong_kind_of_holder_is_refused(business_licence_type, people):
    business_licence_type.holder_kind = "organization"
    business_licence_type.save()
    with pytest.raises(ValidationError):
        services.issue_licence(
            business_licence_type,
            holder_kind="person",
            holder_name="张三",
            holder_id_number=people["citizen"].id_number,
            holder=people["citizen"],
            data={},
            actor=None,
        )
