"""Staff sign in with a password and a TOTP code; until verified they reach nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.core.models import AuditRecord
from onewindow.identity.models import LoginFailure

from .conftest import PASSWORD, sign_in_verified, token_for, wrong_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("identity:login")
VERIFY = reverse("identity:otp_verify")
SETUP = reverse("identity:otp_setup")
# Pages of every kind: public, signed-in, the admin and the API with the session.
EVERYWHERE = ["/", "/items/", reverse("identity:profile"), "/admin/", "/admin/identity/user/"]


def password_step(client, username="clerk", next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Without an authenticator: set-up first ---------------------------------------------------


def test_the_password_step_sends_staff_to_the_second_step(client, clerk):
    response = password_step(client, next_url="/items/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fitems%2F"
    assert SESSION_KEY in client.session
    assert not verified(client)
    # Without a device, the second step is the set-up.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fitems%2F"


@pytest.mark.parametrize("url", EVERYWHERE)
def test_staff_without_an_authenticator_reach_no_page(client, sysadmin, url):
    password_step(client, username="sysadmin")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert client.get(response["Location"])["Location"].startswith(SETUP)


def test_an_unverified_staff_session_gets_401_from_the_api(client, clerk):
    password_step(client)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "two_factor_required"


def test_a_post_elsewhere_is_held_too(client, clerk):
    password_step(client)
    response = client.post(reverse("identity:password_change"), {})
    assert response.status_code == 302
    assert response["Location"] == VERIFY


def test_the_set_up_page_shows_the_qr_code_and_the_secret(client, clerk):
    password_step(client)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    assert response.context["secret"].replace(" ", "") in html.replace(" ", "")
    # Reloading keeps the secret of this session.
    assert client.get(SETUP).context["secret"] == response.context["secret"]
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_a_new_session_gets_a_new_secret(client, clerk):
    password_step(client)
    first = client.get(SETUP).context["secret"]
    client.post(reverse("identity:logout"))
    password_step(client)
    assert client.get(SETUP).context["secret"] != first
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_a_wrong_code_at_set_up_confirms_nothing(client, clerk):
    password_step(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)
    response = client.post(SETUP, {"token": wrong_token(device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not verified(client)
    assert client.get("/").status_code == 302
    assert AuditRecord.objects.filter(action="auth.otp_failed").count() == 1


def test_the_right_code_confirms_the_authenticator_and_opens_the_platform(client, clerk):
    password_step(client, next_url="/items/")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)
    response = client.post(SETUP, {"token": token_for(device), "next": "/items/"})
    assert response.status_code == 302
    assert response["Location"] == "/items/"
    device.refresh_from_db()
    assert device.confirmed
    assert verified(client)
    assert client.get(reverse("identity:profile")).status_code == 200
    assert AuditRecord.objects.filter(action="identity.totp_enrolled").count() == 1


def test_a_confirmed_authenticator_cannot_be_replaced_from_the_set_up_page(
    client, clerk, clerk_device
):
    password_step(client)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_a_format_error_is_shown_and_not_counted(client, clerk, clerk_device):
    password_step(client)
    response = client.post(VERIFY, {"token": "12ab"})
    assert "请输入6位数字验证码" in response.content.decode()
    assert not LoginFailure.objects.exists()


# --- With an authenticator ---------------------------------------------------------------------


@pytest.mark.parametrize("url", EVERYWHERE)
def test_staff_with_an_authenticator_reach_no_page_before_the_code(
    client, sysadmin, sysadmin_device, url
):
    password_step(client, username="sysadmin")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_valid_code_verifies_the_session(client, sysadmin, sysadmin_device):
    password_step(client, username="sysadmin", next_url="/admin/")
    response = client.post(VERIFY, {"token": token_for(sysadmin_device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert verified(client)
    assert client.get("/admin/").status_code == 200
    assert AuditRecord.objects.filter(action="auth.otp_verified").count() == 1


def test_the_second_step_cycles_the_session_key(client, clerk, clerk_device):
    password_step(client)
    before = client.session.session_key
    client.post(VERIFY, {"token": token_for(clerk_device)})
    assert client.session.session_key != before


def test_a_wrong_code_is_a_counted_and_audited_failure(client, clerk, clerk_device):
    password_step(client)
    response = client.post(VERIFY, {"token": wrong_token(clerk_device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not verified(client)
    assert LoginFailure.objects.filter(username="clerk").count() == 1
    record = AuditRecord.objects.get(action="auth.otp_failed")
    assert record.actor_id == clerk.pk
    assert record.outcome == "failure"


def test_a_code_cannot_be_used_twice(client, clerk, clerk_device, no_otp_throttle):
    token = token_for(clerk_device)
    password_step(client)
    client.post(VERIFY, {"token": token})
    assert verified(client)
    client.post(reverse("identity:logout"))
    password_step(client)
    client.post(VERIFY, {"token": token})
    assert not verified(client)


def test_the_password_alone_does_not_clear_the_failures_of_staff(client, clerk, clerk_device):
    for _ in range(3):
        client.post(LOGIN, {"username": "clerk", "password": "wrong-Pass-1"})
    password_step(client)
    assert LoginFailure.objects.filter(username="clerk").count() == 3
    client.post(VERIFY, {"token": token_for(clerk_device)})
    assert not LoginFailure.objects.filter(username="clerk").exists()


def test_five_wrong_codes_lock_the_account_and_end_the_session(
    client, clerk, clerk_device, no_otp_throttle
):
    password_step(client)
    bad = wrong_token(clerk_device)
    for _ in range(4):
        assert client.post(VERIFY, {"token": bad}).status_code == 200
    response = client.post(VERIFY, {"token": bad})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    # Locked: the right password is refused too.
    response = password_step(client)
    assert response.status_code == 200
    assert "已暂时锁定" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.otp_failed").count() == 5


def test_password_and_code_failures_add_up(client, clerk, clerk_device, no_otp_throttle):
    for _ in range(3):
        client.post(LOGIN, {"username": "clerk", "password": "wrong-Pass-1"})
    password_step(client)
    bad = wrong_token(clerk_device)
    client.post(VERIFY, {"token": bad})
    response = client.post(VERIFY, {"token": bad})
    assert response["Location"] == LOGIN


def test_django_otp_throttling_is_reported_not_counted(client, clerk, clerk_device):
    password_step(client)
    bad = wrong_token(clerk_device)
    client.post(VERIFY, {"token": bad})
    response = client.post(VERIFY, {"token": bad})  # within a second of the first
    assert "尝试过于频繁" in response.content.decode()
    assert LoginFailure.objects.count() == 1


def test_sign_out_is_allowed_before_the_code(client, clerk, clerk_device):
    password_step(client)
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_a_verified_staff_session_works_everywhere(client, sysadmin, sysadmin_device):
    sign_in_verified(client, sysadmin, sysadmin_device)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("identity:profile")).status_code == 200


# --- Persons --------------------------------------------------------------------------------


def test_persons_need_no_second_factor(client, citizen):
    response = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get(reverse("identity:profile")).status_code == 200
    assert client.get(VERIFY).status_code == 302
    assert client.get(SETUP)["Location"] == reverse("identity:profile")
