"""Sign-in, sign-out, lockout, the open-redirect guard, the sign-in history and the password
policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY, authenticate, password_validation
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from onewindow.core.models import AuditRecord
from onewindow.identity import auth
from onewindow.identity.models import LoginFailure, User
from onewindow.identity.password_validation import (
    CharacterClassValidator,
    LengthValidator,
    character_classes,
)

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("identity:login")
WRONG = "wrong-Password-1"


def attempt(client, username="zhangsan", password=WRONG, ip="127.0.0.1", **data):
    return client.post(LOGIN, {"username": username, "password": password, **data}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


# --- Sign-in and sign-out ------------------------------------------------------------------


def test_a_person_signs_in_and_lands_on_the_safe_next_page(client, citizen):
    response = attempt(client, password=PASSWORD, next="/items/")
    assert response.status_code == 302
    assert response["Location"] == "/items/"
    assert signed_in(client)


def test_without_next_the_person_lands_on_the_home_page(client, citizen):
    response = attempt(client, password=PASSWORD)
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_an_outside_next_is_refused(client, citizen, next_url):
    response = attempt(client, password=PASSWORD, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_outside_next_is_not_echoed_in_the_form(client):
    response = client.get(LOGIN, {"next": "https://evil.example/"})
    assert response.status_code == 200
    assert response.context["next"] == ""
    assert 'value="https://evil.example/"' not in response.content.decode()


def test_a_wrong_password_shows_a_chinese_error_and_signs_in_nobody(client, citizen):
    response = attempt(client)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert not signed_in(client)


def test_an_unknown_account_gets_the_same_error(client, citizen):
    response = attempt(client, username="nobody")
    assert "用户名或密码不正确" in response.content.decode()


def test_a_disabled_account_cannot_sign_in(client, citizen):
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_sign_in_cycles_the_session_key(client, citizen):
    client.get(LOGIN)
    session = client.session
    session["probe"] = "x"
    session.save()
    before = session.session_key
    attempt(client, password=PASSWORD)
    assert client.session.session_key != before


def test_sign_out_is_post_only_and_audited(client, citizen):
    attempt(client, password=PASSWORD)
    assert client.get(reverse("identity:logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert not signed_in(client)
    logout = AuditRecord.objects.get(action="auth.logout")
    assert logout.actor_id == citizen.pk
    assert logout.detail["reason"] == "user"


def test_sign_in_is_audited_with_the_address(client, citizen):
    attempt(client, password=PASSWORD, ip="10.1.2.3")
    record = AuditRecord.objects.get(action="auth.login")
    assert record.actor_id == citizen.pk
    assert record.ip == "10.1.2.3"
    assert record.outcome == "success"


def test_the_admin_sign_in_page_sends_to_the_platform_sign_in(client):
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "next=%2Fadmin%2F" in response["Location"]


def test_credentials_posted_to_the_admin_sign_in_are_not_accepted_there(client, citizen):
    response = client.post("/admin/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302
    assert not signed_in(client)


# --- Lockout -------------------------------------------------------------------------------


def test_a_failure_is_counted_and_audited(client, citizen):
    attempt(client, ip="10.0.0.9")
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip) == ("zhangsan", "10.0.0.9")
    record = AuditRecord.objects.get(action="auth.login_failed")
    assert record.outcome == "failure"
    assert record.object_id == str(citizen.pk)
    assert "wrong-Password-1" not in str(record.detail)


def test_five_failures_lock_the_account_even_for_the_right_password(client, citizen):
    for _ in range(4):
        response = attempt(client)
        assert "用户名或密码不正确" in response.content.decode()
    response = attempt(client)  # the fifth: the lock starts
    assert "已暂时锁定" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.locked", detail__event="start").count() == 1

    response = attempt(client, password=PASSWORD)
    assert response.status_code == 200
    assert "已暂时锁定" in response.content.decode()
    assert "请30分钟后再试" in response.content.decode()
    assert not signed_in(client)
    refused = AuditRecord.objects.filter(action="auth.locked", outcome="denied")
    assert refused.count() == 1
    assert LoginFailure.objects.count() == 5  # refused attempts are not counted


def test_the_lock_is_per_account_from_any_address(client, citizen):
    for number in range(5):
        attempt(client, ip=f"10.0.0.{number + 1}")
    response = attempt(client, password=PASSWORD, ip="10.9.9.9")
    assert not signed_in(client)
    assert "已暂时锁定" in response.content.decode()


def test_the_lock_says_how_many_minutes_remain(client, citizen, travel):
    start = timezone.now()
    travel(start)
    for _ in range(5):
        attempt(client)
    travel(start + dt.timedelta(minutes=20, seconds=10))
    response = attempt(client, password=PASSWORD)
    assert "请10分钟后再试" in response.content.decode()


def test_the_lock_ends_30_minutes_after_the_last_failure(client, citizen, travel):
    start = timezone.now()
    for minute in range(5):
        travel(start + dt.timedelta(minutes=minute))
        attempt(client)
    last = start + dt.timedelta(minutes=4)
    travel(last + dt.timedelta(minutes=29, seconds=59))
    attempt(client, password=PASSWORD)
    assert not signed_in(client)
    travel(last + dt.timedelta(minutes=30, seconds=1))
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_failures_spread_over_more_than_30_minutes_do_not_lock(client, citizen, travel):
    start = timezone.now()
    for minute in (0, 10, 20, 30, 40):
        travel(start + dt.timedelta(minutes=minute))
        attempt(client)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, citizen, agent):
    for number in range(5):
        attempt(client, username=f"guess{number}", ip="10.6.6.6")
    response = attempt(client, username="lisi", password=PASSWORD, ip="10.6.6.6")
    assert not signed_in(client)
    assert "已暂时锁定" in response.content.decode()
    # Other addresses are not affected, nor are the accounts themselves.
    response = attempt(client, username="lisi", password=PASSWORD, ip="10.7.7.7")
    assert response.status_code == 302


def test_the_address_lock_ends_after_30_minutes(client, agent, travel):
    start = timezone.now()
    travel(start)
    for number in range(5):
        attempt(client, username=f"guess{number}", ip="10.6.6.6")
    travel(start + dt.timedelta(minutes=31))
    response = attempt(client, username="lisi", password=PASSWORD, ip="10.6.6.6")
    assert response.status_code == 302


def test_a_successful_sign_in_clears_the_account_failures(client, citizen):
    for _ in range(4):
        attempt(client)
    attempt(client, password=PASSWORD)
    assert not LoginFailure.objects.filter(username="zhangsan").exists()
    client.post(reverse("identity:logout"))
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302


def test_the_account_name_is_counted_case_insensitively(client, citizen):
    for name in ("ZHANGSAN", "Zhangsan", "zhangSan", "zhangsan", "ZhangSan"):
        attempt(client, username=name)
    attempt(client, password=PASSWORD)
    assert not signed_in(client)


def test_the_backend_refuses_every_caller_while_locked(citizen):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.3.3.3")
    for _ in range(5):
        assert authenticate(request, username="zhangsan", password="nope-Nope-1") is None
    assert authenticate(request, username="zhangsan", password=PASSWORD) is None
    assert LoginFailure.objects.count() == 5
    assert AuditRecord.objects.filter(action="auth.locked", outcome="denied").exists()


def test_lockout_is_kept_in_the_database_for_every_process(citizen):
    now = timezone.now()
    for minute in range(5):
        LoginFailure.objects.create(
            username="zhangsan", ip="10.4.4.4", at=now - dt.timedelta(minutes=minute)
        )
    lock = auth.lockout_for("zhangsan", None)
    assert lock is not None
    assert lock.scope == "account"
    assert lock.until == now + dt.timedelta(minutes=30)
    assert auth.lockout_for("someone-else", "10.4.4.4").scope == "ip"
    assert auth.lockout_for("someone-else", "10.5.5.5") is None


# --- Sign-in history -----------------------------------------------------------------------


def test_the_history_shows_the_account_own_events_only(client, citizen, agent):
    attempt(client, ip="10.0.0.1")  # zhangsan fails
    attempt(client, username="lisi", ip="10.0.0.2")  # lisi fails
    attempt(client, username="lisi", password=PASSWORD, ip="10.0.0.2")
    client.post(reverse("identity:logout"))
    attempt(client, password=PASSWORD, ip="10.0.0.3")
    response = client.get(reverse("identity:login_history"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "10.0.0.1" in html
    assert "10.0.0.3" in html
    assert "10.0.0.2" not in html
    assert "登录失败" in html
    rows = list(response.context["page"].object_list)
    assert [row.action for row in rows] == ["auth.login", "auth.login_failed"]
    assert rows[0].at >= rows[1].at


def test_the_history_is_paginated_newest_first(client, citizen, travel):
    start = timezone.now() - dt.timedelta(days=1)
    for minute in range(25):
        travel(start + dt.timedelta(hours=minute))  # an hour apart: never locked
        attempt(client)
    travel(start + dt.timedelta(hours=30))
    attempt(client, password=PASSWORD)
    first = client.get(reverse("identity:login_history"))
    assert first.context["page"].paginator.num_pages == 2
    assert first.context["page"].object_list[0].action == "auth.login"
    second = client.get(reverse("identity:login_history"), {"page": "2"})
    assert len(second.context["page"].object_list) == 6
    assert client.get(reverse("identity:login_history"), {"page": "x"}).status_code == 200


def test_the_history_needs_a_signed_in_account(client):
    response = client.get(reverse("identity:login_history"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Password policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),  # 7 characters
        ("Ab1!  " + " " * 4, "password_too_short"),  # runs of spaces count once
        ("abcdefgh12", "password_too_simple"),  # two classes
        ("ABCDEFGH!!", "password_too_simple"),
        ("Aa1!" * 33, "password_too_long"),  # 132 characters
        ("Password1!", "password_too_common"),
        ("Aa123456", "password_too_common"),
        ("Zhangsan2024!", "password_too_similar"),
    ],
)
def test_the_password_policy_refuses(password, code):
    user = User(username="zhangsan2024", name="张三", phone="13856785678")
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user)
    assert code in {error.code for error in caught.value.error_list}
    assert all(message for message in caught.value.messages)


@pytest.mark.parametrize(
    "password",
    [
        "Zw!x9-Lk3m",
        "correct horse 9 Battery",  # spaces and three classes
        "密码Abc12345",  # Chinese characters count as "other"
        "Aa1!" * 32,  # exactly 128
        "glück-Über-7",
    ],
)
def test_the_password_policy_accepts(password):
    password_validation.validate_password(password, User(username="someone"))


def test_the_messages_are_chinese():
    with pytest.raises(ValidationError) as caught:
        CharacterClassValidator(3).validate("abcdefgh")
    assert "至少3类" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        LengthValidator(8, 128).validate("Ab1!")
    assert "至少需要8个字符" in caught.value.messages[0]


def test_character_classes():
    assert character_classes("aB3 ") == {"lower", "upper", "digit", "other"}
    assert character_classes("汉字") == {"other"}
