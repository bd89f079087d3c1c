"""The OpenID provider, driven by a real OAuth client library (authlib) against the test client.

The browser is a signed-in Django test client; the department system's back channel is
authlib's ``OAuth2Session`` whose HTTP transport is routed into a second, anonymous test client.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_application_model
from requests.structures import CaseInsensitiveDict
from stdnum.cn import ric

from onewindow import settings as project_settings
from onewindow.core import crypto
from onewindow.core.models import AuditRecord
from onewindow.identity import services
from onewindow.identity.models import User

with warnings.catch_warnings():  # authlib 1.9 points at joserfc; authlib.jose still works
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
Application = get_application_model()

SERVER = "http://testserver"
REDIRECT_URI = "https://scjg.example.gov.cn/oidc/callback"
CLIENT_ID = "dept-scjg"
CLIENT_SECRET = "s3cret-of-the-department-system-0123456789"


class DjangoTransport(requests.adapters.BaseAdapter):
    """A requests transport that answers from a Django test client instead of the network."""

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in {"content-type", "content-length", "host"}
        }
        answer = self.client.generic(
            request.method or "GET",
            url.path + (f"?{url.query}" if url.query else ""),
            data=body,
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


class HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.fields[values["name"] or ""] = values.get("value") or ""


def hidden_inputs(html: str) -> dict[str, str]:
    parser = HiddenInputs()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def application():
    return Application.objects.create(
        name="市场监管业务系统",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
    )


@pytest.fixture
def citizen() -> User:
    body = "11010519491231002"
    return services.register_person(
        username="zhangsan",
        password=None,
        name="张三丰",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13856785678",
    )


@pytest.fixture
def browser(client, citizen):
    client.force_login(citizen)
    return client


def department_system(scope: str) -> OAuth2Session:
    session = OAuth2Session(
        CLIENT_ID,
        CLIENT_SECRET,
        scope=scope,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    session.mount(SERVER, DjangoTransport(Client()))
    return session


def metadata() -> dict[str, Any]:
    session = requests.Session()
    session.mount(SERVER, DjangoTransport(Client()))
    response = session.get(f"{SERVER}/.well-known/openid-configuration")
    assert response.status_code == 200
    return dict(response.json())


def authorize(browser: Client, url: str, *, allow: bool = True) -> str:
    """The user's browser: open the authorization URL, consent, return the redirect."""
    parts = urlsplit(url)
    page = browser.get(f"{parts.path}?{parts.query}")
    if page.status_code == 302:  # consented before (REQUEST_APPROVAL_PROMPT "auto")
        return str(page["Location"])
    assert page.status_code == 200, page.content
    html = page.content.decode()
    form = hidden_inputs(html)
    if allow:
        form["allow"] = "1"
    answer = browser.post(f"{parts.path}?{parts.query}", form)
    assert answer.status_code == 302
    return str(answer["Location"])


def sign_in(browser: Client, scope: str) -> tuple[OAuth2Session, dict[str, Any], str]:
    """The whole authorization code flow with PKCE: (session with tokens, token, nonce)."""
    meta = metadata()
    session = department_system(scope)
    code_verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
    )
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge"] == [create_s256_code_challenge(code_verifier)]
    assert query["code_challenge_method"] == ["S256"]
    location = authorize(browser, url)
    assert location.startswith(REDIRECT_URI)
    token = session.fetch_token(
        meta["token_endpoint"],
        authorization_response=location,
        state=state,
        code_verifier=code_verifier,
    )
    return session, dict(token), nonce


def id_token_claims(session: OAuth2Session, id_token: str, nonce: str) -> dict[str, Any]:
    meta = metadata()
    jwks = session.get(meta["jwks_uri"]).json()
    claims = jwt.decode(
        id_token,
        JsonWebKey.import_key_set(jwks),
        claims_options={
            "iss": {"essential": True, "value": meta["issuer"]},
            "aud": {"essential": True, "value": CLIENT_ID},
            "sub": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        },
    )
    claims.validate()
    return dict(claims)


# --- discovery ------------------------------------------------------------------------------


def test_discovery_at_the_site_root_names_the_issuer_and_its_endpoints(client):
    meta = metadata()
    assert meta["issuer"] == SERVER
    assert meta["authorization_endpoint"] == f"{SERVER}/o/authorize/"
    assert meta["token_endpoint"] == f"{SERVER}/o/token/"
    assert meta["userinfo_endpoint"] == f"{SERVER}/o/userinfo/"
    assert meta["jwks_uri"] == f"{SERVER}/o/.well-known/jwks.json"
    assert meta["revocation_endpoint"] == f"{SERVER}/o/revoke_token/"
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "profile", "phone"} <= set(meta["scopes_supported"])
    assert {"sub", "name", "preferred_username", "kind", "roles"} <= set(meta["claims_supported"])
    for url in (meta["authorization_endpoint"], meta["token_endpoint"], meta["jwks_uri"]):
        path = urlsplit(url).path
        assert client.options(path).status_code != 404, path


def test_the_same_document_is_served_under_the_providers_mount(client):
    assert client.get("/o/.well-known/openid-configuration").json() == metadata()


def test_the_oauth_server_metadata_agrees_on_the_issuer(client):
    meta = client.get("/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == SERVER
    assert meta["authorization_endpoint"] == f"{SERVER}/o/authorize/"
    assert meta["authorization_response_iss_parameter_supported"] is True


def test_a_configured_issuer_is_used_everywhere(client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": "https://zwfw.example.gov.cn",
    }
    meta = client.get("/.well-known/openid-configuration").json()
    assert meta["issuer"] == "https://zwfw.example.gov.cn"
    assert meta["authorization_endpoint"] == "https://zwfw.example.gov.cn/o/authorize/"


def test_the_jwks_publishes_the_rs256_signing_key(client):
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["alg"] == "RS256"
    assert keys[0]["use"] == "sig"
    assert "d" not in keys[0]  # the public half only


def test_the_providers_self_service_pages_are_not_published(client, citizen):
    client.force_login(citizen)
    for url in ("/o/applications/", "/o/applications/register/", "/o/authorized_tokens/"):
        assert client.get(url).status_code == 404, url


# --- the authorization code flow with PKCE --------------------------------------------------


def test_a_department_system_signs_a_citizen_in_with_pkce(browser, application, citizen):
    session, token, nonce = sign_in(browser, "openid profile phone")
    assert token["token_type"].lower() == "bearer"
    assert set(token["scope"].split()) == {"openid", "profile", "phone"}

    claims = id_token_claims(session, token["id_token"], nonce)
    assert claims["sub"] == crypto.digest(str(citizen.pk), purpose="oidc_sub")
    assert claims["sub"] != citizen.username
    assert claims["name"] == "张三丰"
    assert claims["preferred_username"] == "zhangsan"
    assert claims["masked_name"] == "张**"
    assert claims["kind"] == "person"
    assert claims["roles"] == ["applicant"]
    assert claims["phone_number"] == "+8613856785678"

    userinfo = session.get(metadata()["userinfo_endpoint"])
    assert userinfo.status_code == 200
    info = userinfo.json()
    assert info["sub"] == claims["sub"]
    assert info["name"] == "张三丰"
    assert info["kind"] == "person"

    me = session.get(f"{SERVER}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "zhangsan"
    assert me.json()["name"] == "张**"


def test_issuing_a_token_is_audited_without_the_token(browser, application, citizen):
    _session, token, _nonce = sign_in(browser, "openid")
    record = AuditRecord.objects.get(action="oidc.token_issued")
    assert record.actor_id == citizen.pk
    assert record.object_id == str(application.pk)
    assert record.detail["client_id"] == CLIENT_ID
    assert record.detail["grant_type"] == "authorization_code"
    assert token["access_token"] not in json.dumps(record.detail)
    assert token["id_token"] not in json.dumps(record.detail)


def test_the_subject_is_stable_across_sign_ins_and_consent_is_asked_once(browser, application):
    first_session, first, first_nonce = sign_in(browser, "openid")
    again, _state = department_system("openid").create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=generate_token(48)
    )
    parts = urlsplit(again)
    assert browser.get(f"{parts.path}?{parts.query}")["Location"].startswith(REDIRECT_URI)
    second_session, second, second_nonce = sign_in(browser, "openid")
    assert (
        id_token_claims(first_session, first["id_token"], first_nonce)["sub"]
        == id_token_claims(second_session, second["id_token"], second_nonce)["sub"]
    )


def test_without_the_profile_scope_the_real_name_is_not_released(browser, application):
    session, token, nonce = sign_in(browser, "openid")
    claims = id_token_claims(session, token["id_token"], nonce)
    assert "name" not in claims
    assert "preferred_username" not in claims
    assert "phone_number" not in claims
    assert claims["masked_name"] == "张**"
    assert claims["kind"] == "person"
    info = session.get(metadata()["userinfo_endpoint"]).json()
    assert "name" not in info
    assert info["masked_name"] == "张**"


def test_access_tokens_are_not_stored_in_clear(browser, application):
    _session, token, _nonce = sign_in(browser, "openid")
    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert token["access_token"] not in json.dumps(list(AccessToken.objects.values()), default=str)


def test_the_authorization_response_names_the_issuer(browser, application):
    session = department_system("openid")
    url, _state = session.create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=generate_token(48)
    )
    location = authorize(browser, url)
    assert parse_qs(urlsplit(location).query)["iss"] == [SERVER]


def test_the_consent_page_is_in_chinese_and_names_the_system(browser, application):
    session = department_system("openid profile")
    url, _state = session.create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=generate_token(48)
    )
    parts = urlsplit(url)
    html = browser.get(f"{parts.path}?{parts.query}").content.decode()
    assert "市场监管业务系统" in html
    assert "同意授权" in html
    assert "读取您的姓名和用户名" in html


def test_refusing_consent_sends_the_user_back_without_a_code(browser, application):
    session = department_system("openid")
    url, _state = session.create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=generate_token(48)
    )
    location = authorize(browser, url, allow=False)
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["access_denied"]
    assert "code" not in query


def test_the_authorization_page_requires_signing_in(client, application):
    session = department_system("openid")
    url, _state = session.create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=generate_token(48)
    )
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login") + "?next=")


def test_a_request_without_pkce_is_refused(browser, application):
    session = department_system("openid")
    session.code_challenge_method = None
    url, _state = session.create_authorization_url(f"{SERVER}/o/authorize/")
    assert "code_challenge" not in url
    parts = urlsplit(url)
    response = browser.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_the_plain_pkce_method_is_refused(browser, application):
    verifier = generate_token(48)
    url, _state = department_system("openid").create_authorization_url(
        f"{SERVER}/o/authorize/", code_verifier=verifier
    )
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(code_challenge=verifier, code_challenge_method="plain")
    page = browser.get(parts.path, query)
    if page.status_code == 200:  # refused when the code would be issued, after consent
        form = hidden_inputs(page.content.decode())
        assert form["code_challenge_method"] == "plain"
        form["allow"] = "1"
        page = browser.post(parts.path, form)
    assert page.status_code == 302
    answer = parse_qs(urlsplit(page["Location"]).query)
    assert answer["error"] == ["invalid_request"]
    assert "code" not in answer


def test_a_code_is_not_exchanged_without_its_verifier(browser, application):
    session = department_system("openid")
    verifier = generate_token(48)
    url, _state = session.create_authorization_url(f"{SERVER}/o/authorize/", code_verifier=verifier)
    location = authorize(browser, url)
    code = parse_qs(urlsplit(location).query)["code"][0]
    back_channel = Client()
    for wrong in ({}, {"code_verifier": generate_token(48)}):
        response = back_channel.post(
            "/o/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                **wrong,
            },
        )
        assert response.status_code == 400
        assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert not AccessToken.objects.exists()


def test_a_deactivated_accounts_access_token_stops_working(browser, application, citizen):
    session, _token, _nonce = sign_in(browser, "openid profile")
    services.deactivate_account(citizen, actor=None)
    assert session.get(metadata()["userinfo_endpoint"]).status_code == 401
    me = session.get(f"{SERVER}/api/v1/me")
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "unauthenticated"


def test_a_refresh_token_is_refused_once_the_account_is_deactivated(browser, application, citizen):
    session, token, _nonce = sign_in(browser, "openid")
    refreshed = session.refresh_token(f"{SERVER}/o/token/", refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    services.deactivate_account(citizen, actor=None)
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refreshed["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert response.status_code == 400


def test_an_expired_access_token_is_refused_by_userinfo(browser, application):
    session, _token, _nonce = sign_in(browser, "openid")
    AccessToken.objects.update(expires=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert session.get(metadata()["userinfo_endpoint"]).status_code == 401


# --- the signing key --------------------------------------------------------------------------


def _pem(bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def key_env(monkeypatch, tmp_path):
    monkeypatch.delenv("ONEWINDOW_OIDC_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("ONEWINDOW_OIDC_PRIVATE_KEY_FILE", raising=False)
    monkeypatch.setattr(project_settings, "DATA_DIR", tmp_path)
    monkeypatch.setattr(project_settings, "PRODUCTION", False)
    return tmp_path


def test_outside_production_a_development_key_is_generated_once(key_env):
    first = project_settings._oidc_private_key()
    key_file = key_env / "oidc-dev-key.pem"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert project_settings._oidc_private_key() == first
    assert [path.name for path in key_env.iterdir()] == ["oidc-dev-key.pem"]


def test_production_refuses_to_start_without_a_key(key_env, monkeypatch):
    monkeypatch.setattr(project_settings, "PRODUCTION", True)
    with pytest.raises(ImproperlyConfigured, match="ONEWINDOW_OIDC_PRIVATE_KEY"):
        project_settings._oidc_private_key()
    assert not (key_env / "oidc-dev-key.pem").exists()


def test_the_key_is_read_from_the_environment_or_a_file(key_env, monkeypatch):
    monkeypatch.setattr(project_settings, "PRODUCTION", True)
    pem = _pem()
    monkeypatch.setenv("ONEWINDOW_OIDC_PRIVATE_KEY", pem)
    assert project_settings._oidc_private_key() == pem
    monkeypatch.delenv("ONEWINDOW_OIDC_PRIVATE_KEY")
    key_file = key_env / "key.pem"
    key_file.write_text(pem)
    monkeypatch.setenv("ONEWINDOW_OIDC_PRIVATE_KEY_FILE", os.fspath(key_file))
    assert project_settings._oidc_private_key().strip() == pem.strip()


@pytest.mark.parametrize("bad", ["not a key", "weak"])
def test_a_bad_key_is_refused(key_env, monkeypatch, bad):
    value = _pem(1024) if bad == "weak" else bad
    monkeypatch.setenv("ONEWINDOW_OIDC_PRIVATE_KEY", value)
    with pytest.raises(ImproperlyConfigured):
        project_settings._oidc_private_key()
