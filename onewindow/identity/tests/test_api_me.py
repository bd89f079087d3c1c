"""``GET /api/v1/me`` (API.md "Identity") and the API's bearer authentication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone
from ninja.errors import HttpError
from oauth2_provider.models import get_access_token_model, get_application_model
from stdnum.cn import ric, uscc

from onewindow.catalog.tests import factories
from onewindow.identity import services, tokens
from onewindow.identity.api_auth import ApiBearer, api_credential
from onewindow.identity.models import OrganizationMember, Role, User

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
Application = get_application_model()


def id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str = "91340300MA2N0P1Q7") -> str:
    return body + uscc.calc_check_digit(body)


def person(username: str = "zhangsan", body: str = "11010519491231002") -> User:
    return services.register_person(
        username=username,
        password=None,
        name="张三丰",
        id_number=id_number(body),
        phone="13856785678",
    )


def me(client, user: User) -> dict:
    _token, secret = tokens.create_token(user, name="test", actor=user)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    return response.json()


def test_a_person_sees_a_masked_name_and_their_roles(client):
    assert me(client, person()) == {
        "username": "zhangsan",
        "kind": "person",
        "name": "张**",
        "roles": ["applicant"],
        "organization": None,
        "operates_for": [],
        "department": None,
    }


def test_an_organisation_account_names_its_organisation(client):
    organization = services.register_organization(
        username="acme",
        password=None,
        name="蚌埠示例科技有限公司",
        credit_code=credit_code(),
        legal_representative="李四",
        phone="13912345678",
    )
    body = me(client, organization.account)
    assert body["kind"] == "organization"
    assert body["name"] == "蚌埠示例科技有限公司"  # an organisation's name is public
    assert body["organization"] == {
        "name": "蚌埠示例科技有限公司",
        "credit_code": credit_code(),
    }


def test_a_person_lists_the_organisations_they_operate_for(client):
    operator = person()
    services.register_organization(
        username="acme",
        password=None,
        name="蚌埠示例科技有限公司",
        credit_code=credit_code(),
        legal_representative="李四",
        phone="13912345678",
        operator=operator,
    )
    body = me(client, operator)
    assert body["organization"] is None
    assert body["operates_for"] == [
        {
            "name": "蚌埠示例科技有限公司",
            "credit_code": credit_code(),
            "role": OrganizationMember.MemberRole.ADMINISTRATOR,
        }
    ]


def test_staff_see_their_department_and_roles(client):
    department = factories.department()
    staff = services.create_staff(
        username="handler1",
        password=None,
        name="王五",
        department=department,
        roles=[Role.REVIEWER, Role.HANDLER],
        actor=None,
    )
    body = me(client, staff)
    assert body["kind"] == "staff"
    assert body["name"] == "王*"
    assert body["roles"] == ["handler", "reviewer"]
    assert body["department"] == {"code": department.code, "name": department.name}


def test_me_requires_a_token_and_says_so_in_the_openapi_document(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/me"]["get"]
    assert operation["security"]
    assert "organization" in operation["description"]


def test_public_operations_still_need_no_token(client):
    assert client.get("/api/v1/departments").status_code == 200
    assert (
        client.get("/api/v1/calendar/add-workdays", {"from": "2025-01-02", "days": 1}).status_code
        == 200
    )


# --- OAuth access tokens and their scopes ----------------------------------------------------


@pytest.fixture
def application():
    return Application.objects.create(
        name="市场监管业务系统",
        client_id="dept-scjg",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://scjg.example.gov.cn/callback",
        algorithm=Application.RS256_ALGORITHM,
    )


def access_token(user: User | None, application, scope: str, **extra) -> str:
    value = f"oauthtoken{AccessToken.objects.count()}{scope.replace(' ', '')}"
    AccessToken.objects.create(
        user=user,
        application=application,
        token=value,
        scope=scope,
        expires=extra.get("expires", timezone.now() + dt.timedelta(hours=1)),
    )
    return value


def test_an_openid_access_token_reaches_me(client, application):
    user = person()
    token = access_token(user, application, "openid")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "zhangsan"


def test_an_expired_access_token_is_refused(client, application):
    token = access_token(
        person(), application, "openid read", expires=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_an_access_token_without_a_user_is_refused(client, application):
    token = access_token(None, application, "read")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_an_access_token_outside_its_scopes_is_refused_with_403(client, application):
    token = access_token(person(), application, "phone")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def _authenticate(auth: ApiBearer, method: str, token: str):
    request = getattr(RequestFactory(), method.lower())("/api/v1/anything")
    return request, auth.authenticate(request, token)


def test_by_default_oauth_tokens_read_with_read_and_write_with_write(application):
    user = person()
    default = ApiBearer()
    read = access_token(user, application, "openid read")
    write = access_token(user, application, "openid write")
    openid = access_token(user, application, "openid profile")
    request, result = _authenticate(default, "GET", read)
    assert result == user
    assert request.user == user
    credential = api_credential(request)
    assert credential is not None
    assert credential.kind == "oauth"
    assert credential.client_id == "dept-scjg"
    assert _authenticate(default, "GET", write)[1] == user
    assert _authenticate(default, "POST", write)[1] == user
    with pytest.raises(HttpError) as excinfo:
        _authenticate(default, "POST", read)
    assert excinfo.value.status_code == 403
    with pytest.raises(HttpError):
        _authenticate(default, "GET", openid)


def test_personal_tokens_carry_the_holders_full_rights():
    user = person()
    _token, secret = tokens.create_token(user, name="test", actor=user)
    request, result = _authenticate(ApiBearer(), "DELETE", secret)
    assert result == user
    credential = api_credential(request)
    assert credential is not None
    assert credential.kind == "personal"
    assert credential.scopes is None
