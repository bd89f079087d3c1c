"""Registration of persons (real name) and organisations (credit code): bad input shows field
errors and creates nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from onewindow.core.models import AuditRecord
from onewindow.identity.models import Organization, OrganizationMember, Role, User

from .conftest import PASSWORD, credit_code, id_number, sign_in_verified

pytestmark = pytest.mark.django_db

REGISTER = reverse("identity:register_person")
REGISTER_ORG = reverse("identity:register_organization")


def person_data(**changes: str) -> dict[str, str]:
    data = {
        "username": "wangwu",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "王五",
        "id_number": id_number("11010519800101001"),
        "phone": "13712345678",
    }
    data.update(changes)
    return data


def organization_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "合肥示例科技有限公司",
        "credit_code": credit_code(),
        "legal_representative": "赵六",
        "phone": "13612345678",
        "username": "hefei-example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def field_errors(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- Persons ---------------------------------------------------------------------------------


def test_the_registration_page_is_public(client):
    response = client.get(REGISTER)
    assert response.status_code == 200
    assert 'name="id_number"' in response.content.decode()


def test_a_person_registers_and_is_signed_in(client):
    response = client.post(REGISTER, person_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:profile")
    user = User.objects.get(username="wangwu")
    assert user.kind == User.Kind.PERSON
    assert user.id_number == id_number("11010519800101001")
    assert user.has_role(Role.APPLICANT)
    assert user.check_password(PASSWORD)
    assert SESSION_KEY in client.session
    assert AuditRecord.objects.filter(action="identity.register_person").exists()


def test_the_id_number_may_end_in_a_lower_case_x(client):
    client.post(REGISTER, person_data(id_number=id_number("11010519491231002").lower()))
    assert User.objects.get(username="wangwu").id_number.endswith("X")


BAD_PERSON_INPUT = [
    ({"id_number": "11010519800101"}, "id_number", "公民身份号码无效"),  # too short
    ({"id_number": "1101051980010100AB"}, "id_number", "公民身份号码无效"),  # letters
    ({"id_number": "110105198001010010"}, "id_number", "公民身份号码无效"),  # wrong checksum
    ({"id_number": "1" * 19}, "id_number", "18"),  # over the field's length
    ({"phone": "12345"}, "phone", "手机号应为11位数字"),
    ({"phone": "1" * 30}, "phone", "11"),
    ({"name": "张" * 51}, "name", "50"),
    ({"name": "   "}, "name", "必填"),
    ({"username": "u" * 151}, "username", "150"),
    ({"password2": "Other-Pass-9"}, "password2", "两次输入的密码不一致"),
    ({"password1": "abcdefgh", "password2": "abcdefgh"}, "password1", "至少3类"),
    ({"password1": "Ab1!", "password2": "Ab1!"}, "password1", "至少需要8个字符"),
    ({"password1": "Aa1!" * 40, "password2": "Aa1!" * 40}, "password1", "128"),
    ({"password1": "Wangwu2024!", "password2": "Wangwu2024!"}, "password1", "相似"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_PERSON_INPUT)
def test_bad_input_shows_a_field_error_and_creates_nothing(client, changes, field, message):
    response = client.post(REGISTER, person_data(**changes))
    assert response.status_code == 200
    errors = field_errors(response)
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert 'class="form-control is-invalid"' in response.content.decode()
    assert not User.objects.exists()
    assert SESSION_KEY not in client.session


def test_all_service_errors_are_shown_at_once(client):
    response = client.post(REGISTER, person_data(id_number="110105198001010010", phone="123"))
    errors = field_errors(response)
    assert {"id_number", "phone"} <= set(errors)


def test_a_second_account_for_one_id_number_is_refused(client, citizen):
    response = client.post(REGISTER, person_data(id_number=citizen.id_number))
    assert field_errors(response)["id_number"] == ["该身份证号码已注册账户"]
    assert User.objects.count() == 1


def test_a_taken_username_is_refused_whatever_its_case(client, citizen):
    response = client.post(REGISTER, person_data(username="ZhangSan"))
    assert field_errors(response)["username"] == ["该用户名已被使用"]
    assert User.objects.count() == 1


def test_the_password_is_never_rendered_back(client):
    response = client.post(REGISTER, person_data(phone="bad"))
    assert PASSWORD not in response.content.decode()


def test_a_signed_in_person_is_sent_to_the_profile(client, citizen):
    client.force_login(citizen)
    response = client.get(REGISTER)
    assert response["Location"] == reverse("identity:profile")


# --- Organisations -----------------------------------------------------------------------------


def test_organisation_registration_needs_a_signed_in_person(client):
    response = client.get(REGISTER_ORG)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))
    client.post(REGISTER_ORG, organization_data())
    assert not Organization.objects.exists()


def test_a_person_registers_an_organisation_and_becomes_its_administrator(client, citizen):
    client.force_login(citizen)
    response = client.post(REGISTER_ORG, organization_data())
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.credit_code == credit_code()
    assert organization.account.kind == User.Kind.ORGANIZATION
    assert organization.account.check_password(PASSWORD)
    member = OrganizationMember.objects.get()
    assert (member.person, member.role) == (citizen, "administrator")
    # The person stays signed in as themself.
    assert client.session[SESSION_KEY] == str(citizen.pk)


BAD_ORGANIZATION_INPUT = [
    (
        {"credit_code": credit_code()[:-1] + ("0" if credit_code()[-1] != "0" else "1")},
        "credit_code",
        "统一社会信用代码无效",
    ),
    ({"credit_code": "91340300MA2N0P1Q7AX"}, "credit_code", "18"),
    ({"credit_code": "ABC"}, "credit_code", "统一社会信用代码无效"),
    ({"name": "公" * 201}, "name", "200"),
    ({"legal_representative": "赵" * 51}, "legal_representative", "50"),
    ({"phone": "0551-1234"}, "phone", "手机号应为11位数字"),
    ({"password2": "Other-Pass-9"}, "password2", "两次输入的密码不一致"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_ORGANIZATION_INPUT)
def test_bad_organisation_input_shows_a_field_error_and_creates_nothing(
    client, citizen, changes, field, message
):
    client.force_login(citizen)
    response = client.post(REGISTER_ORG, organization_data(**changes))
    assert response.status_code == 200
    errors = field_errors(response)
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert not Organization.objects.exists()
    assert User.objects.count() == 1


def test_a_credit_code_is_registered_once(client, citizen, agent):
    client.force_login(citizen)
    client.post(REGISTER_ORG, organization_data())
    client.force_login(agent)
    response = client.post(REGISTER_ORG, organization_data(username="another"))
    assert field_errors(response)["credit_code"] == ["该统一社会信用代码已注册账户"]
    assert Organization.objects.count() == 1


def test_an_organisation_account_cannot_register_another(client, citizen):
    client.force_login(citizen)
    client.post(REGISTER_ORG, organization_data())
    client.force_login(Organization.objects.get().account)
    response = client.post(
        REGISTER_ORG,
        organization_data(username="another", credit_code=credit_code("91110000100000000")),
    )
    assert response.status_code == 403
    assert Organization.objects.count() == 1


def test_staff_cannot_register_organisations(client, clerk, clerk_device):
    sign_in_verified(client, clerk, clerk_device)
    assert client.get(REGISTER_ORG).status_code == 403


def test_every_field_error_is_shown_in_one_round(client):
    response = client.post(
        REGISTER,
        person_data(
            password1="abc", password2="abd", id_number="110105198001010010", phone="123", name=""
        ),
    )
    assert {"password1", "password2", "name", "id_number", "phone"} <= set(field_errors(response))
    assert not User.objects.exists()
