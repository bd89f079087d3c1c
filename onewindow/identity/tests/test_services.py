"""Accounts, roles, organisations and agents through the identity services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric, uscc

from onewindow.catalog.tests import factories
from onewindow.identity import queries, services
from onewindow.identity.models import (
    AgentAuthorization,
    Organization,
    Role,
    RoleGrant,
    User,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Zw!x9-Lk3m"


def id_number(body: str = "11010519491231002") -> str:
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str = "91340300MA2N0P1Q7") -> str:
    return body + uscc.calc_check_digit(body)


def person(username: str = "zhangsan", body: str = "11010519491231002") -> User:
    return services.register_person(
        username=username,
        password=PASSWORD,
        name="张三",
        id_number=id_number(body),
        phone="13856785678",
    )


def test_a_person_registers_with_real_name_data():
    user = person()
    assert user.kind == User.Kind.PERSON
    assert user.has_role(Role.APPLICANT)
    assert user.masked_name == "张*"
    assert user.masked_phone == "138****5678"
    assert user.masked_id_number == id_number()[:3] + "*" * 11 + id_number()[-4:]


def test_personal_data_is_encrypted_at_rest():
    user = person()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_digest FROM identity_user WHERE id = %s",
            [user.pk],
        )
        raw_id, raw_phone, digest = cursor.fetchone()
    assert id_number() not in raw_id
    assert "13856785678" not in raw_phone
    assert raw_id.startswith("sm4gcm:v1:")
    assert len(digest) == 64
    assert User.objects.get(pk=user.pk).id_number == id_number()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "110105194912310020"),  # wrong check digit
        ("id_number", "12345"),
        ("phone", "2385678567"),
        ("name", ""),
        ("name", "张" * 51),
        ("username", "u" * 151),
    ],
)
def test_bad_real_name_data_is_refused_and_nothing_is_created(field, value):
    data = {
        "username": "lisi",
        "password": PASSWORD,
        "name": "李四",
        "id_number": id_number(),
        "phone": "13856785678",
    }
    data[field] = value
    with pytest.raises(ValidationError) as info:
        services.register_person(**data)
    assert field in info.value.message_dict
    assert not User.objects.exists()
    assert not RoleGrant.objects.exists()


def test_one_account_per_id_number():
    person()
    with pytest.raises(ValidationError) as info:
        person("another")
    assert "id_number" in info.value.message_dict


def test_weak_passwords_are_refused():
    with pytest.raises(ValidationError) as info:
        services.register_person(
            username="wang",
            password="12345678",
            name="王五",
            id_number=id_number(),
            phone="13856785678",
        )
    assert "password" in info.value.message_dict
    assert not User.objects.exists()


def test_an_organisation_registers_and_its_operator_acts_for_it():
    operator = person()
    organization = services.register_organization(
        username="demo-co",
        password=PASSWORD,
        name="蚌埠示例商贸有限公司",
        credit_code=credit_code(),
        legal_representative="赵六",
        phone="13900001111",
        operator=operator,
    )
    assert organization.account.kind == User.Kind.ORGANIZATION
    assert organization.account.masked_name == "蚌埠示例商贸有限公司"
    assert queries.can_act_for(operator, organization.account, "file")
    assert organization.account in queries.principals_of(operator, "file")
    outsider = person("outsider", "11010519800101001")
    assert not queries.can_act_for(outsider, organization.account, "file")


@pytest.mark.parametrize("code", ["91340300MA2N0P1Q7B", "91340300MA2N0P1Q", "X" * 18])
def test_wrong_credit_codes_are_refused(code):
    with pytest.raises(ValidationError) as info:
        services.register_organization(
            username="co",
            password=PASSWORD,
            name="某公司",
            credit_code=code,
            legal_representative="赵六",
            phone="13900001111",
        )
    assert "credit_code" in info.value.message_dict
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_only_the_organisation_or_its_administrator_adds_operators():
    admin = person()
    organization = services.register_organization(
        username="demo-co",
        password=PASSWORD,
        name="示例公司",
        credit_code=credit_code(),
        legal_representative="赵六",
        phone="13900001111",
        operator=admin,
    )
    operator = person("operator", "11010519800101001")
    outsider = person("outsider", "11010519800101002")
    with pytest.raises(ValidationError):
        services.add_operator(organization, operator, actor=outsider)
    services.add_operator(organization, operator, actor=admin)
    assert queries.can_act_for(operator, organization.account, "follow")


def test_agent_scope_and_expiry():
    principal = person()
    agent = person("agent", "11010519800101001")
    now = timezone.now()
    authorization = services.authorize_agent(
        principal=principal,
        agent=agent,
        scopes=["follow"],
        expires_at=now + dt.timedelta(days=30),
        actor=principal,
    )
    assert RoleGrant.objects.filter(user=agent, role=Role.AGENT).exists()
    assert queries.can_act_for(agent, principal, "follow")
    assert not queries.can_act_for(agent, principal, "file")  # outside the scope
    assert not queries.can_act_for(
        agent, principal, "follow", at=now + dt.timedelta(days=31)
    )  # expired
    assert not queries.can_act_for(principal, agent, "follow")  # not the other way round
    services.revoke_agent(authorization, actor=principal)
    assert not queries.can_act_for(agent, principal, "follow")


def test_agent_restricted_to_items():
    principal = person()
    agent = person("agent", "11010519800101001")
    services.authorize_agent(
        principal=principal,
        agent=agent,
        scopes=["file"],
        item_codes=["A-1"],
        expires_at=timezone.now() + dt.timedelta(days=1),
        actor=principal,
    )
    assert queries.can_act_for(agent, principal, "file", item_code="A-1")
    assert not queries.can_act_for(agent, principal, "file", item_code="B-2")


def test_nobody_authorises_for_someone_else_and_bad_authorisations_are_refused():
    principal = person()
    agent = person("agent", "11010519800101001")
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.authorize_agent(
            principal=principal, agent=agent, scopes=["file"], expires_at=later, actor=agent
        )
    with pytest.raises(ValidationError):
        services.authorize_agent(
            principal=principal, agent=agent, scopes=["fly"], expires_at=later, actor=principal
        )
    with pytest.raises(ValidationError):
        services.authorize_agent(
            principal=principal,
            agent=agent,
            scopes=["file"],
            expires_at=timezone.now() - dt.timedelta(days=1),
            actor=principal,
        )
    with pytest.raises(ValidationError):
        services.authorize_agent(
            principal=principal, agent=principal, scopes=["file"], expires_at=later, actor=principal
        )
    assert not AgentAuthorization.objects.exists()


def test_the_three_administrators_are_mutually_exclusive():
    with pytest.raises(ValidationError):
        services.create_staff(
            username="root",
            password=PASSWORD,
            name="管理员",
            department=None,
            roles=["system_admin", "audit_admin"],
            actor=None,
        )
    admin = services.create_staff(
        username="sysadmin",
        password=PASSWORD,
        name="系统管理员",
        department=None,
        roles=["system_admin"],
        actor=None,
    )
    assert admin.is_staff
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["role:system_admin"]
    with pytest.raises(ValidationError):
        services.grant_role(admin, "security_admin", actor=None)
    with pytest.raises(ValidationError):
        services.grant_role(admin, "handler", actor=None)


def test_department_roles_need_a_department_and_staff_cannot_be_applicants():
    with pytest.raises(ValidationError) as info:
        services.create_staff(
            username="h",
            password=PASSWORD,
            name="承办人",
            department=None,
            roles=["handler"],
            actor=None,
        )
    assert "department" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.create_staff(
            username="h",
            password=PASSWORD,
            name="承办人",
            department=factories.department(),
            roles=["applicant"],
            actor=None,
        )
    handler = services.create_staff(
        username="h",
        password=PASSWORD,
        name="承办人",
        department=factories.department(),
        roles=["handler"],
        actor=None,
    )
    assert not handler.is_staff  # business roles never reach the admin site
    with pytest.raises(ValidationError):
        services.grant_role(person(), "handler", actor=None)


def test_every_service_writes_an_audit_record():
    from onewindow.core.models import AuditRecord

    principal = person()
    agent = person("agent", "11010519800101001")
    services.authorize_agent(
        principal=principal,
        agent=agent,
        scopes=["file"],
        expires_at=timezone.now() + dt.timedelta(days=1),
        actor=principal,
    )
    actions = list(AuditRecord.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "identity.register_person",
        "identity.register_person",
        "identity.authorize_agent",
    ]
    last = AuditRecord.objects.order_by("-id").first()
    assert last.actor == principal


def test_unmasking_needs_the_permission_and_a_reason_and_is_audited():
    from django.core.exceptions import PermissionDenied

    from onewindow.core.models import AuditRecord

    subject = person()
    handler = services.create_staff(
        username="h",
        password=PASSWORD,
        name="承办人",
        department=factories.department(),
        roles=["handler"],
        actor=None,
    )
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(subject, actor=handler, reason="核对身份信息")
    refused = AuditRecord.objects.filter(action="identity.unmask").get()
    assert refused.outcome == "denied"
    security = services.create_staff(
        username="sec",
        password=PASSWORD,
        name="安全管理员",
        department=None,
        roles=["security_admin"],
        actor=None,
    )
    security = User.objects.get(pk=security.pk)  # fresh permission cache
    with pytest.raises(ValidationError):
        services.reveal_personal_data(subject, actor=security, reason="")
    values = services.reveal_personal_data(subject, actor=security, reason="核对身份信息")
    assert values == {"name": "张三", "id_number": id_number(), "phone": "13856785678"}
    granted = AuditRecord.objects.filter(action="identity.unmask", outcome="success").get()
    assert granted.detail["reason"] == "核对身份信息"
    assert id_number() not in str(granted.detail)


def test_staff_see_only_their_own_departments_records():
    market = factories.department("SCJG", "市场监督管理局")
    housing = factories.department("ZJ", "住房和城乡建设局")
    market_handler = services.create_staff(
        username="m", password=PASSWORD, name="甲", department=market, roles=["handler"], actor=None
    )
    housing_reviewer = services.create_staff(
        username="z",
        password=PASSWORD,
        name="乙",
        department=housing,
        roles=["reviewer"],
        actor=None,
    )
    supervisor = services.create_staff(
        username="s",
        password=PASSWORD,
        name="丙",
        department=None,
        roles=["supervisor"],
        actor=None,
    )
    assert queries.department_scope(market_handler) == {market.pk}
    assert queries.department_scope(housing_reviewer) == {housing.pk}
    assert queries.department_scope(supervisor) is None
    assert queries.department_scope(person()) == set()
