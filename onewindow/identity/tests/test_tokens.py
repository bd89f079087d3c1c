"""Personal API tokens: the services, the bearer authentication and the profile's token page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import include, path, reverse
from django.utils import timezone
from stdnum.cn import ric

from onewindow import urls as project_urls
from onewindow.core.models import AuditRecord
from onewindow.identity import services, tokens
from onewindow.identity import urls as identity_urls
from onewindow.identity.models import ApiToken, Role, User
from onewindow.identity.token_views import token_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The project's URLs with the token page under /accounts/, as identity/urls.py includes it
# (a no-op once it does).
_wired = any(getattr(p, "name", None) == "tokens" for p in identity_urls.urlpatterns)
_identity = (
    list(identity_urls.urlpatterns) + ([] if _wired else list(token_urlpatterns)),
    "identity",
)
urlpatterns = [
    path("accounts/", include(_identity)) if getattr(p, "app_name", None) == "identity" else p
    for p in project_urls.urlpatterns
]

PASSWORD = "Zw!x9-Lk3m"


def person(username: str = "zhangsan", body: str = "11010519491231002") -> User:
    return services.register_person(
        username=username,
        password=PASSWORD,
        name="张三",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13856785678",
    )


@pytest.fixture
def alice() -> User:
    return person("alice", "11010519491231002")


@pytest.fixture
def bob() -> User:
    return person("bob", "11010519800101003")


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def database_text() -> str:
    """Every row of every table, as text: where a leaked secret would show."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


# --- services -----------------------------------------------------------------------------


def test_a_new_token_is_returned_once_and_stored_only_as_a_digest(alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    assert secret.startswith("ow_")
    assert len(secret) == 3 + 52
    assert token.prefix == secret[:9]
    assert token.digest != secret
    assert len(token.digest) == 64
    dump = database_text()
    assert secret not in dump
    assert secret[9:] not in dump  # not even the part after the displayed prefix
    assert token.prefix in dump


def test_each_token_is_different(alice):
    secrets = {tokens.create_token(alice, name=f"t{n}", actor=alice)[1] for n in range(5)}
    assert len(secrets) == 5


def test_a_token_authenticates_its_holder_and_records_the_time_of_use(alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    assert token.last_used_at is None
    assert tokens.authenticate_token(secret) == alice
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_time_of_use_is_written_at_most_once_a_minute(alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    tokens.authenticate_token(secret)
    token.refresh_from_db()
    assert token.last_used_at == recent
    older = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=older)
    tokens.authenticate_token(secret)
    token.refresh_from_db()
    assert token.last_used_at > older


def test_a_token_used_again_within_the_minute_costs_one_read_and_no_write(
    alice, django_assert_num_queries
):
    _token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    tokens.authenticate_token(secret)
    with django_assert_num_queries(1):
        assert tokens.authenticate_token(secret) == alice


def test_a_revoked_token_no_longer_authenticates(alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    tokens.revoke_token(token, actor=alice)
    assert tokens.authenticate_token(secret) is None


def test_an_expired_token_no_longer_authenticates(alice):
    token, secret = tokens.create_token(
        alice, name="对接脚本", actor=alice, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert tokens.authenticate_token(secret) is None


def test_a_deactivated_account_token_no_longer_authenticates(alice):
    _token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    services.deactivate_account(alice, actor=None)
    assert tokens.authenticate_token(secret) is None


@pytest.mark.parametrize(
    "garbage",
    ["", "ow_", "ow_nonsense", "nonsense", "ow_" + "a" * 200, "ow_ümlaut", "Bearer ow_x"],
)
def test_garbage_does_not_authenticate(alice, garbage):
    tokens.create_token(alice, name="对接脚本", actor=alice)
    assert tokens.authenticate_token(garbage) is None


def test_a_token_needs_a_name_and_a_future_expiry(alice):
    with pytest.raises(ValidationError) as excinfo:
        tokens.create_token(
            alice, name="  ", actor=alice, expires_at=timezone.now() - dt.timedelta(days=1)
        )
    assert set(excinfo.value.message_dict) == {"name", "expires_at"}
    assert not ApiToken.objects.exists()


def test_nobody_creates_a_token_for_someone_else(alice, bob):
    with pytest.raises(ValidationError) as excinfo:
        tokens.create_token(alice, name="x", actor=bob)
    assert "user" in excinfo.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_deactivated_account_gets_no_token(alice):
    services.deactivate_account(alice, actor=None)
    with pytest.raises(ValidationError):
        tokens.create_token(alice, name="x", actor=None)


def test_an_account_holds_a_limited_number_of_tokens(alice, settings):
    settings.ONEWINDOW_API_TOKENS_PER_USER = 2
    first, _secret = tokens.create_token(alice, name="1", actor=alice)
    tokens.create_token(alice, name="2", actor=alice)
    with pytest.raises(ValidationError):
        tokens.create_token(alice, name="3", actor=alice)
    tokens.revoke_token(first, actor=alice)
    tokens.create_token(alice, name="3", actor=alice)


def test_only_the_holder_or_a_security_administrator_revokes_a_token(alice, bob):
    token, _secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    with pytest.raises(ValidationError):
        tokens.revoke_token(token, actor=bob)
    token.refresh_from_db()
    assert token.revoked_at is None
    security = services.create_staff(
        username="sec",
        password=None,
        name="安全员",
        department=None,
        roles=[Role.SECURITY_ADMIN],
        actor=None,
    )
    tokens.revoke_token(token, actor=security)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_twice_keeps_the_first_time(alice):
    token, _secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    first = tokens.revoke_token(token, actor=alice).revoked_at
    assert tokens.revoke_token(token, actor=alice).revoked_at == first


def test_creating_and_revoking_are_audited_without_the_secret(alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    tokens.revoke_token(token, actor=alice)
    created = AuditRecord.objects.get(action="identity.create_api_token")
    revoked = AuditRecord.objects.get(action="identity.revoke_api_token")
    for record in (created, revoked):
        assert record.actor_id == alice.pk
        assert record.object_id == str(token.pk)
        assert secret not in str(record.detail)
    assert created.detail["prefix"] == token.prefix


# --- the API --------------------------------------------------------------------------------


def test_the_api_accepts_a_personal_token(client, alice):
    _token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def _assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": response.json()["error"]["message"],
            "details": {},
        }
    }


def test_the_api_refuses_a_revoked_token(client, alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    tokens.revoke_token(token, actor=alice)
    _assert_unauthenticated(client.get("/api/v1/me", **bearer(secret)))


def test_the_api_refuses_an_expired_token(client, alice):
    token, secret = tokens.create_token(
        alice, name="对接脚本", actor=alice, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    _assert_unauthenticated(client.get("/api/v1/me", **bearer(secret)))


def test_the_api_refuses_the_token_of_a_deactivated_account(client, alice):
    _token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    services.deactivate_account(alice, actor=None)
    _assert_unauthenticated(client.get("/api/v1/me", **bearer(secret)))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer garbage",
        "Bearer ow_garbage",
        "Basic YWxpY2U6eA==",
        "ow_x",
    ],
)
def test_the_api_refuses_missing_and_garbage_credentials(client, alice, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    _assert_unauthenticated(client.get("/api/v1/me", **extra))


def test_the_api_does_not_take_a_session_for_a_token(client, alice):
    client.force_login(alice)
    _assert_unauthenticated(client.get("/api/v1/me"))


# --- the profile page -----------------------------------------------------------------------


def test_the_token_page_is_for_signed_in_accounts_only(client):
    response = client.get(reverse("identity:tokens"))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_a_token_is_created_on_the_page_and_shown_once(client, alice):
    client.force_login(alice)
    response = client.post(reverse("identity:tokens"), {"name": "数据报送脚本", "expires": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    secret = response.context["secret"]
    assert secret.startswith(token.prefix)
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert token.name == "数据报送脚本"
    assert token.expires_at is not None
    assert token.expires_at - timezone.now() > dt.timedelta(days=89)
    assert tokens.authenticate_token(secret) == alice
    again = client.get(reverse("identity:tokens"))
    assert secret not in again.content.decode()
    assert token.prefix in again.content.decode()
    assert secret not in database_text()


def test_a_token_without_expiry_can_be_chosen(client, alice):
    client.force_login(alice)
    client.post(reverse("identity:tokens"), {"name": "长期", "expires": "never"})
    assert ApiToken.objects.get(user=alice).expires_at is None


def test_bad_input_on_the_page_creates_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("identity:tokens"), {"name": "", "expires": "7"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert response.context["form"].errors.keys() == {"name", "expires"}


def test_the_page_lists_only_the_accounts_own_tokens(client, alice, bob):
    tokens.create_token(alice, name="爱丽丝的令牌", actor=alice)
    tokens.create_token(bob, name="鲍勃的令牌", actor=bob)
    client.force_login(alice)
    content = client.get(reverse("identity:tokens")).content.decode()
    assert "爱丽丝的令牌" in content
    assert "鲍勃的令牌" not in content


def test_a_token_is_revoked_from_the_page(client, alice):
    token, secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    client.force_login(alice)
    response = client.post(reverse("identity:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate_token(secret) is None
    page = client.get(response["Location"]).content.decode()
    assert page.count("已撤销访问令牌“对接脚本”") == 1


def test_nobody_revokes_someone_elses_token_from_the_page(client, alice, bob):
    token, _secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    client.force_login(bob)
    response = client.post(reverse("identity:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(client, alice):
    token, _secret = tokens.create_token(alice, name="对接脚本", actor=alice)
    client.force_login(alice)
    assert client.get(reverse("identity:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
