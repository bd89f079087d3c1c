"""The profile: masked personal data, roles, organisations, agent authorisations; the
password change page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from onewindow.core.models import AuditRecord
from onewindow.identity import services
from onewindow.identity.models import AgentAuthorization, LoginFailure, Role, User

from .conftest import NEW_PASSWORD, PASSWORD, credit_code, sign_in_verified

pytestmark = pytest.mark.django_db

PROFILE = reverse("identity:profile")
PASSWORD_CHANGE = reverse("identity:password_change")


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def authorize(client, **changes):  # type: ignore[no-untyped-def]
    data = {"agent_username": "lisi", "scopes": ["file", "follow"], "expires_on": in_days(30)}
    data.update(changes)
    return client.post(PROFILE, data)


# --- What the profile shows --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        PROFILE,
        PASSWORD_CHANGE,
        reverse("identity:login_history"),
        reverse("identity:register_organization"),
    ],
)
def test_an_outsider_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_the_profile_shows_personal_data_masked_only(client, citizen):
    client.force_login(citizen)
    response = client.get(PROFILE)
    html = response.content.decode()
    assert response.status_code == 200
    assert citizen.masked_id_number in html
    assert "138****5678" in html
    assert "张*" in html
    assert citizen.id_number not in html
    assert "13856785678" not in html
    assert "张三" not in html
    # Not even in pieces a script could join: the middle digits never appear.
    assert citizen.id_number[3:14] not in html


def test_the_profile_shows_roles_organisations_and_the_tokens_link(client, citizen):
    organization = services.register_organization(
        username="hefei-example",
        password=PASSWORD,
        name="合肥示例科技有限公司",
        credit_code=credit_code(),
        legal_representative="赵六",
        phone="13612345678",
        operator=citizen,
        actor=citizen,
    )
    client.force_login(citizen)
    html = client.get(PROFILE).content.decode()
    assert "申请人" in html
    assert organization.name in html
    assert "单位管理员" in html
    assert reverse("identity:tokens") in html


def test_an_organisation_account_sees_its_members_masked(client, citizen):
    organization = services.register_organization(
        username="hefei-example",
        password=PASSWORD,
        name="合肥示例科技有限公司",
        credit_code=credit_code(),
        legal_representative="赵六",
        phone="13612345678",
        operator=citizen,
        actor=citizen,
    )
    client.force_login(organization.account)
    html = client.get(PROFILE).content.decode()
    assert organization.credit_code in html
    assert "张*" in html
    assert "张三" not in html
    assert "13612345678" not in html


def test_staff_see_their_roles_and_no_agent_form(client, sysadmin, sysadmin_device):
    sign_in_verified(client, sysadmin, sysadmin_device)
    response = client.get(PROFILE)
    html = response.content.decode()
    assert "系统管理员" in html
    assert 'name="agent_username"' not in html
    assert authorize(client).status_code == 403
    assert not AgentAuthorization.objects.exists()


# --- Agent authorisations ----------------------------------------------------------------------


def test_a_person_authorises_an_agent(client, citizen, agent):
    client.force_login(citizen)
    response = authorize(client)
    assert response.status_code == 302
    authorization = AgentAuthorization.objects.get()
    assert (authorization.principal, authorization.agent) == (citizen, agent)
    assert authorization.scopes == ["file", "follow"]
    expected = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=31), dt.time.min)
    )
    assert authorization.expires_at == expected
    assert agent.has_role(Role.AGENT)
    assert AuditRecord.objects.filter(action="identity.authorize_agent").exists()
    html = client.get(PROFILE).content.decode()
    assert "李*" in html
    assert "代为申请" in html
    assert "有效" in html


def test_the_agent_sees_the_authorisation_received(client, citizen, agent):
    client.force_login(citizen)
    authorize(client)
    client.force_login(agent)
    html = client.get(PROFILE).content.decode()
    assert "委托我代办的人" in html
    assert "张*" in html
    assert "张三" not in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agent_username": "nobody"}, "agent_username", "代办人须为已实名注册的自然人账户"),
        ({"agent_username": "zhangsan"}, "agent_username", "不能授权自己为代办人"),
        ({"agent_username": "x" * 151}, "agent_username", "150"),
        ({"scopes": []}, "scopes", "必填"),
        ({"scopes": ["everything"]}, "scopes", "everything"),
        ({"expires_on": in_days(-1)}, "expires_on", "失效时间须晚于当前时间"),
        ({"expires_on": in_days(400)}, "expires_on", "授权期限最长一年"),
        ({"expires_on": "2026-13-45"}, "expires_on", "日期"),
        ({"expires_on": "99999-01-01"}, "expires_on", "日期"),
    ],
)
def test_bad_authorisations_show_field_errors_and_create_nothing(
    client, citizen, agent, changes, field, message
):
    client.force_login(citizen)
    response = authorize(client, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert not AgentAuthorization.objects.exists()


def test_staff_cannot_be_made_agents(client, citizen, clerk):
    client.force_login(citizen)
    response = authorize(client, agent_username="clerk")
    assert "代办人须为已实名注册的自然人账户" in response.content.decode()
    assert not AgentAuthorization.objects.exists()


def test_the_principal_revokes_an_authorisation(client, citizen, agent):
    client.force_login(citizen)
    authorize(client)
    authorization = AgentAuthorization.objects.get()
    url = reverse("identity:agent_revoke", args=[authorization.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    authorization.refresh_from_db()
    assert authorization.revoked_at is not None
    assert "已撤销" in client.get(PROFILE).content.decode()


def test_nobody_else_can_revoke_it(client, citizen, agent):
    client.force_login(citizen)
    authorize(client)
    authorization = AgentAuthorization.objects.get()
    client.force_login(agent)
    response = client.post(reverse("identity:agent_revoke", args=[authorization.pk]))
    assert response.status_code == 404
    authorization.refresh_from_db()
    assert authorization.revoked_at is None


# --- Password change ---------------------------------------------------------------------------


def change(client, old=PASSWORD, new=NEW_PASSWORD, again=None):  # type: ignore[no-untyped-def]
    return client.post(
        PASSWORD_CHANGE,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_the_password_is_changed_and_the_session_continues(client, citizen):
    client.force_login(citizen)
    before = client.session.session_key
    response = change(client)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert citizen.password_changed_at is not None
    assert client.session.session_key != before
    assert client.get(PROFILE).status_code == 200
    assert AuditRecord.objects.filter(action="auth.password_changed").exists()


@pytest.mark.parametrize(
    ("old", "new", "again", "field"),
    [
        ("wrong-Password-1", NEW_PASSWORD, None, "old_password"),
        (PASSWORD, "abcdefgh", None, "new_password2"),
        (PASSWORD, NEW_PASSWORD, "Other-Pass-9", "new_password2"),
        (PASSWORD, "Aa1!" * 40, None, "new_password2"),
    ],
)
def test_a_refused_change_keeps_the_old_password(client, citizen, old, new, again, field):
    client.force_login(citizen)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_a_wrong_current_password_counts_towards_the_lock(client, citizen):
    client.force_login(citizen)
    for _ in range(5):
        change(client, old="wrong-Password-1")
    assert LoginFailure.objects.filter(username="zhangsan").count() == 5
    response = change(client)  # the right current password, but locked
    assert "已暂时锁定" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    assert SESSION_KEY in client.session


def test_the_user_model_is_not_touched_by_a_get(client, citizen):
    client.force_login(citizen)
    stamp = User.objects.get(pk=citizen.pk).password_changed_at
    assert client.get(PASSWORD_CHANGE).status_code == 200
    assert User.objects.get(pk=citizen.pk).password_changed_at == stamp
