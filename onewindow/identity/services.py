"""Writes of the identity app: accounts, roles, organisations and agents.

Every service runs in one transaction, takes ``actor=`` and writes one audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core import audit, crypto
from onewindow.org.models import Department

from . import validators
from .models import (
    ADMIN_ROLES,
    APPLICANT_ROLES,
    DEPARTMENT_ROLES,
    AgentAuthorization,
    Organization,
    OrganizationMember,
    Role,
    RoleGrant,
    User,
)
from .permissions import apply_role_groups

USERNAME_MAX = 150


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > USERNAME_MAX:
        raise ValidationError({"username": _("用户名须为1至150个字符")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用")})
    return username


def _check_password(password: str | None, user: User) -> None:
    if password is None:
        return
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def id_number_taken(id_number: str) -> bool:
    return User.objects.filter(
        id_number_digest=crypto.digest(id_number, purpose="id_number")
    ).exists()


@transaction.atomic
def register_person(
    *,
    username: str,
    password: str | None,
    name: str,
    id_number: str,
    phone: str,
    actor: User | None = None,
    request: Any = None,
) -> User:
    """A natural person's account, real-name checked (ID number checksum)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    checks: list[tuple[str, Callable[[str], str], str]] = [
        ("name", validators.clean_name, name),
        ("id_number", validators.clean_id_number, id_number),
        ("phone", validators.clean_phone, phone),
    ]
    for field, check, raw in checks:
        try:
            values[field] = check(raw)
        except ValidationError as exc:
            errors[field] = exc.messages
    if "id_number" in values and id_number_taken(values["id_number"]):
        errors["id_number"] = [_("该身份证号码已注册账户")]
    try:
        username = _check_username(username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    user = User(username=username, kind=User.Kind.PERSON, **values)
    _check_password(password, user)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=Role.APPLICANT, granted_by=actor)
    audit.record("identity.register_person", actor=actor or user, obj=user, request=request)
    return user


@transaction.atomic
def register_organization(
    *,
    username: str,
    password: str | None,
    name: str,
    credit_code: str,
    legal_representative: str,
    phone: str,
    operator: User | None = None,
    actor: User | None = None,
    request: Any = None,
) -> Organization:
    """An organisation's account; ``operator`` (a person) becomes its administrator."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    checks: list[tuple[str, Callable[[str], str], str]] = [
        ("credit_code", validators.clean_credit_code, credit_code),
        ("legal_representative", validators.clean_name, legal_representative),
        ("phone", validators.clean_phone, phone),
    ]
    for field, check, raw in checks:
        try:
            values[field] = check(raw)
        except ValidationError as exc:
            errors[field] = exc.messages
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("单位名称须为1至200个字符")]
    if (
        "credit_code" in values
        and Organization.objects.filter(credit_code=values["credit_code"]).exists()
    ):
        errors["credit_code"] = [_("该统一社会信用代码已注册账户")]
    try:
        username = _check_username(username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    account = User(username=username, kind=User.Kind.ORGANIZATION, name=name, phone=values["phone"])
    _check_password(password, account)
    if password is None:
        account.set_unusable_password()
    else:
        account.set_password(password)
    account.save()
    RoleGrant.objects.create(user=account, role=Role.APPLICANT, granted_by=actor)
    organization = Organization.objects.create(
        account=account,
        name=name,
        credit_code=values["credit_code"],
        legal_representative=values["legal_representative"],
    )
    if operator is not None:
        OrganizationMember.objects.create(
            organization=organization,
            person=operator,
            role=OrganizationMember.MemberRole.ADMINISTRATOR,
        )
    audit.record(
        "identity.register_organization",
        actor=actor or account,
        obj=organization,
        request=request,
    )
    return organization


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str | None,
    name: str,
    department: Department | None,
    roles: Iterable[str],
    phone: str = "",
    actor: User | None,
) -> User:
    """A staff account; only administrators create them (admin, ``onewindow user create``)."""
    roles = list(dict.fromkeys(roles))
    errors: dict[str, list[str]] = {}
    if not roles:
        errors["roles"] = [_("工作人员至少需要一个角色")]
    try:
        name = validators.clean_name(name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    if phone:
        try:
            phone = validators.clean_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    try:
        username = _check_username(username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _check_role_set(set(roles), department)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username, kind=User.Kind.STAFF, name=name, phone=phone, department=department
    )
    _check_password(password, user)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.is_staff = bool(set(roles) & ADMIN_ROLES)
    user.save()
    for role in roles:
        RoleGrant.objects.create(user=user, role=role, department=department, granted_by=actor)
    apply_role_groups(user)
    audit.record("identity.create_staff", actor=actor, obj=user, detail={"roles": roles})
    return user


def _check_role_set(roles: set[str], department: Department | None) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": [_("未知角色：%(r)s") % {"r": ", ".join(sorted(unknown))}]})
    if roles & ADMIN_ROLES and len(roles) > 1:
        raise ValidationError(
            {"roles": [_("系统管理员、安全管理员、审计管理员三员互斥，且不得兼任其他角色")]}
        )
    if roles & APPLICANT_ROLES:
        raise ValidationError({"roles": [_("申请人和代办人角色不能授予工作人员账户")]})
    if roles & DEPARTMENT_ROLES and department is None:
        raise ValidationError({"department": [_("承办、审核、审批等部门角色须指定所属部门")]})


@transaction.atomic
def grant_role(user: User, role: str, *, actor: User | None) -> RoleGrant:
    user = User.objects.select_for_update().get(pk=user.pk)
    current = set(user.role_grants.values_list("role", flat=True))
    if user.kind == User.Kind.STAFF:
        _check_role_set(current | {role}, user.department)
    elif role not in APPLICANT_ROLES:
        raise ValidationError({"roles": [_("工作人员角色只能授予工作人员账户")]})
    grant, _created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        defaults={"department": user.department, "granted_by": actor},
    )
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    apply_role_groups(user)
    audit.record("identity.grant_role", actor=actor, obj=user, detail={"role": role})
    return grant


@transaction.atomic
def revoke_role(user: User, role: str, *, actor: User | None) -> None:
    deleted, _counts = RoleGrant.objects.filter(user=user, role=role).delete()
    if role in ADMIN_ROLES:
        User.objects.filter(pk=user.pk).update(is_staff=False)
    apply_role_groups(user)
    audit.record(
        "identity.revoke_role", actor=actor, obj=user, detail={"role": role, "found": bool(deleted)}
    )


@transaction.atomic
def authorize_agent(
    *,
    principal: User,
    agent: User,
    scopes: Iterable[str],
    expires_at: dt.datetime,
    item_codes: Iterable[str] = (),
    actor: User,
    request: Any = None,
) -> AgentAuthorization:
    """``principal`` authorises ``agent`` for ``scopes`` until ``expires_at``."""
    scopes = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if actor.pk != principal.pk:
        errors["principal"] = [_("只有委托人本人可以授权代办人")]
    if agent.pk == principal.pk:
        errors["agent"] = [_("不能授权自己为代办人")]
    if agent.kind != User.Kind.PERSON or not agent.is_active:
        errors["agent"] = [_("代办人须为已实名注册的自然人账户")]
    if not scopes or set(scopes) - set(AgentAuthorization.Scope.values):
        errors["scopes"] = [_("请选择有效的授权范围")]
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = [_("失效时间须晚于当前时间")]
    elif expires_at > now + dt.timedelta(days=366):
        errors["expires_at"] = [_("授权期限最长一年")]
    if errors:
        raise ValidationError(errors)
    authorization = AgentAuthorization.objects.create(
        principal=principal,
        agent=agent,
        scopes=scopes,
        item_codes=sorted(set(item_codes)),
        expires_at=expires_at,
    )
    RoleGrant.objects.get_or_create(user=agent, role=Role.AGENT, defaults={"granted_by": actor})
    audit.record(
        "identity.authorize_agent",
        actor=actor,
        obj=authorization,
        detail={"agent": agent.username, "scopes": scopes},
        request=request,
    )
    return authorization


@transaction.atomic
def revoke_agent(authorization: AgentAuthorization, *, actor: User, request: Any = None) -> None:
    authorization = AgentAuthorization.objects.select_for_update().get(pk=authorization.pk)
    if actor.pk != authorization.principal_id:
        raise ValidationError({"principal": _("只有委托人本人可以撤销授权")})
    if authorization.revoked_at is None:
        authorization.revoked_at = timezone.now()
        authorization.save(update_fields=["revoked_at"])
    audit.record("identity.revoke_agent", actor=actor, obj=authorization, request=request)


@transaction.atomic
def add_operator(
    organization: Organization,
    person: User,
    *,
    role: str = OrganizationMember.MemberRole.OPERATOR,
    actor: User,
) -> OrganizationMember:
    """An organisation's administrator (or its account) adds a person who may act for it."""
    if not (
        actor.pk == organization.account_id
        or organization.members.filter(
            person=actor, role__in=["administrator", "legal_representative"]
        ).exists()
    ):
        raise ValidationError({"organization": _("只有单位账户或单位管理员可以添加经办人")})
    if person.kind != User.Kind.PERSON:
        raise ValidationError({"person": _("经办人须为已实名注册的自然人账户")})
    member, _created = OrganizationMember.objects.update_or_create(
        organization=organization, person=person, defaults={"role": role}
    )
    audit.record(
        "identity.add_operator",
        actor=actor,
        on_behalf_of=organization.account,
        obj=member,
        detail={"person": person.username, "role": role},
    )
    return member


@transaction.atomic
def deactivate_account(user: User, *, actor: User | None) -> None:
    """Disable an account; its sessions end with it (see ``identity.sessions``)."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    audit.record("identity.deactivate", actor=actor, obj=user)


UNMASK_PERMISSION = "identity.unmask_personal_data"
UNMASKABLE_FIELDS = ("name", "id_number", "phone")


def reveal_personal_data(
    subject: User, *, actor: User, reason: str, request: Any = None
) -> dict[str, str]:
    """The unmasked name, ID number and phone of ``subject``, for a stated reason.

    Needs the ``unmask_personal_data`` permission; every attempt, granted or refused, is an
    audit record naming the subject and the reason (never the values). Not atomic on purpose:
    the record of a refusal must survive the exception.
    """
    reason = (reason or "").strip()
    if not actor.has_perm(UNMASK_PERMISSION):
        audit.record("identity.unmask", actor=actor, obj=subject, outcome="denied", request=request)
        raise PermissionDenied(_("您没有查看未脱敏个人信息的权限"))
    if not 4 <= len(reason) <= 200:
        raise ValidationError({"reason": _("请填写查看事由（4至200个字符）")})
    audit.record(
        "identity.unmask",
        actor=actor,
        obj=subject,
        request=request,
        detail={"reason": reason, "fields": list(UNMASKABLE_FIELDS)},
    )
    return {field: getattr(subject, field) or "" for field in UNMASKABLE_FIELDS}
