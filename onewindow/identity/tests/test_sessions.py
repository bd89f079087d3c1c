"""Sessions end when idle, when a staff session is too old, when the account is disabled and
when the password changes elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onewindow.core.models import AuditRecord
from onewindow.identity import services, sessions
from onewindow.identity.models import User

from .conftest import NEW_PASSWORD, PASSWORD, sign_in_verified

pytestmark = pytest.mark.django_db

PROFILE = reverse("identity:profile")
LOGIN = reverse("identity:login")


def shift(client: Client, key: str, seconds: float) -> None:
    """Move one of the session's timestamps ``seconds`` into the past."""
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def ended(client: Client, response) -> bool:  # type: ignore[no-untyped-def]
    return (
        response.status_code == 302
        and response["Location"].startswith(LOGIN)
        and SESSION_KEY not in client.session
    )


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_session_settings():
    assert settings.ONEWINDOW_SESSION_IDLE_SECONDS == 1800
    assert settings.ONEWINDOW_STAFF_SESSION_MAX_SECONDS == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_AGE >= settings.ONEWINDOW_SESSION_IDLE_SECONDS
    assert "onewindow.identity.sessions.SessionSecurityMiddleware" in settings.MIDDLEWARE


def test_sign_in_stamps_the_session(client, citizen):
    client.force_login(citizen)
    session = client.session
    now = timezone.now().timestamp()
    for key in (sessions.STARTED_KEY, sessions.SEEN_KEY, sessions.CREDENTIALS_KEY):
        assert abs(session[key] - now) < 60


def test_an_idle_session_ends_with_a_message(client, citizen):
    client.force_login(citizen)
    shift(client, sessions.SEEN_KEY, 1801)
    response = client.get(PROFILE)
    assert ended(client, response)
    assert response["Location"].endswith("?next=/accounts/profile/")
    assert any("30分钟未操作" in message for message in messages_of(response))
    record = AuditRecord.objects.get(action="auth.logout")
    assert record.detail["reason"] == "idle"


def test_the_expiry_message_is_shown_on_the_sign_in_page(client, citizen):
    client.force_login(citizen)
    shift(client, sessions.SEEN_KEY, 1801)
    response = client.get(PROFILE, follow=True)
    assert "30分钟未操作" in response.content.decode()


def test_an_idle_session_ends_on_public_pages_too(client, citizen):
    client.force_login(citizen)
    shift(client, sessions.SEEN_KEY, 1801)
    assert ended(client, client.get("/items/"))


def test_activity_keeps_the_session_alive(client, citizen):
    client.force_login(citizen)
    shift(client, sessions.SEEN_KEY, 1700)
    assert client.get(PROFILE).status_code == 200
    # The request counted as activity: 1700 seconds later it is still 1700 idle, not 3400.
    shift(client, sessions.SEEN_KEY, 1700)
    assert client.get(PROFILE).status_code == 200


def test_a_person_session_has_no_absolute_limit(client, citizen):
    User.objects.filter(pk=citizen.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=30)
    )
    client.force_login(citizen)
    shift(client, sessions.STARTED_KEY, 9 * 3600)
    shift(client, sessions.CREDENTIALS_KEY, 9 * 3600)
    assert client.get(PROFILE).status_code == 200


def test_a_staff_session_ends_after_eight_hours_even_when_active(client, sysadmin, sysadmin_device):
    sign_in_verified(client, sysadmin, sysadmin_device)
    shift(client, sessions.STARTED_KEY, 8 * 3600 - 60)
    assert client.get("/admin/").status_code == 200
    shift(client, sessions.STARTED_KEY, 61)
    response = client.get("/admin/")
    assert ended(client, response)
    assert any("8小时" in message for message in messages_of(response))
    assert AuditRecord.objects.get(action="auth.logout").detail["reason"] == "absolute"


def test_a_disabled_account_loses_its_session(client, citizen):
    client.force_login(citizen)
    assert client.get(PROFILE).status_code == 200
    services.deactivate_account(citizen, actor=None)
    response = client.get("/items/")
    assert ended(client, response)
    record = AuditRecord.objects.get(action="auth.logout")
    assert (record.object_id, record.detail["reason"]) == (str(citizen.pk), "inactive")
    assert client.get(PROFILE).status_code == 302


def test_a_password_change_elsewhere_ends_the_session(citizen):
    here, elsewhere = Client(), Client()
    here.force_login(citizen)
    elsewhere.force_login(citizen)
    response = here.post(
        reverse("identity:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # The session that changed it continues; the other one ends.
    assert here.get(PROFILE).status_code == 200
    assert ended(elsewhere, elsewhere.get(PROFILE))


def test_a_newer_password_timestamp_ends_the_session_without_the_hash(client, citizen):
    """Our own check, independent of Django's session auth hash."""
    client.force_login(citizen)
    User.objects.filter(pk=citizen.pk).update(
        password_changed_at=timezone.now() + dt.timedelta(seconds=5)
    )
    response = client.get(PROFILE)
    assert ended(client, response)
    assert AuditRecord.objects.get(action="auth.logout").detail["reason"] == "password_changed"


def test_an_admin_password_reset_ends_the_session(client, citizen):
    client.force_login(citizen)
    citizen.set_password(NEW_PASSWORD)
    citizen.save()
    response = client.get(PROFILE)
    assert ended(client, response)
    assert any("密码已修改" in message for message in messages_of(response))
    record = AuditRecord.objects.get(action="auth.logout")
    assert (record.object_id, record.detail["reason"]) == (str(citizen.pk), "password_changed")


def test_a_session_not_begun_by_sign_in_is_not_trusted(client, citizen):
    client.force_login(citizen)
    session = client.session
    del session[sessions.STARTED_KEY]
    session.save()
    assert ended(client, client.get(PROFILE))


def test_an_expired_session_gets_json_from_the_api(client, citizen):
    client.force_login(citizen)
    shift(client, sessions.SEEN_KEY, 1801)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    assert SESSION_KEY not in client.session


def test_anonymous_visitors_are_untouched(client):
    assert client.get("/items/").status_code == 200
    assert not AuditRecord.objects.filter(action="auth.logout").exists()


def test_the_admin_password_change_is_the_platform_one(client, sysadmin, sysadmin_device):
    sign_in_verified(client, sysadmin, sysadmin_device)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password_change")


def test_staff_changing_their_password_keep_their_session(client, sysadmin, sysadmin_device):
    sign_in_verified(client, sysadmin, sysadmin_device)
    response = client.post(
        reverse("identity:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
