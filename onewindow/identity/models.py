"""Accounts, roles, organisations and agents.

One ``User`` table holds every account: natural persons (自然人), organisations (法人) and staff.
Personal data is encrypted at rest (``EncryptedCharField``) and searched through keyed digests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import crypto
from onewindow.core.fields import EncryptedCharField
from onewindow.core.masking import mask_id_number, mask_name, mask_phone


class Role(models.TextChoices):
    """Role names as API.md lists them (CLI, API and admin use these)."""

    APPLICANT = "applicant", _("申请人")
    AGENT = "agent", _("代办人")
    WINDOW_CLERK = "window_clerk", _("窗口受理人员")
    HANDLER = "handler", _("承办人")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("审批人")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    CENTRE_MANAGER = "centre_manager", _("中心管理人员")
    SUPERVISOR = "supervisor", _("监察人员")
    HOTLINE_AGENT = "hotline_agent", _("热线话务员")
    DISCLOSURE_OFFICER = "disclosure_officer", _("政府信息公开工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The three administrators (三员): each excludes every other role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
APPLICANT_ROLES = frozenset({Role.APPLICANT, Role.AGENT})
STAFF_ROLES = frozenset(Role) - APPLICANT_ROLES
# Roles held in one department: their holder sees that department's records only.
DEPARTMENT_ROLES = frozenset(
    {Role.HANDLER, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICER}
)


class User(AbstractUser):
    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANIZATION = "organization", _("法人")
        STAFF = "staff", _("工作人员")

    kind = models.CharField(_("账户类型"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        permissions = [("unmask_personal_data", _("查看未脱敏的个人信息"))]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="identity_one_account_per_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_superuser and settings.PRODUCTION:
            raise PermissionError(
                "production has no superuser: administrators are staff accounts with one of the "
                "roles system_admin, security_admin or audit_admin (onewindow user create)"
            )
        self.id_number_digest = (
            crypto.digest(self.id_number, purpose="id_number") if self.id_number else ""
        )
        self.phone_digest = crypto.digest(self.phone, purpose="phone") if self.phone else ""
        super().save(*args, **kwargs)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def masked_name(self) -> str:
        if self.kind == self.Kind.ORGANIZATION:
            return self.name  # an organisation's name is public
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def role_grant_pairs(self) -> frozenset[tuple[str, int | None]]:
        """Every (role, department id) this account holds, read once per instance."""
        cached: frozenset[tuple[str, int | None]] | None = getattr(self, "_role_grants", None)
        if cached is None:
            rows = self.role_grants.values_list("role", "department_id") if self.pk else []
            cached = frozenset(rows)
            self._role_grants = cached
        return cached

    def role_names(self) -> set[str]:
        return {role for role, _department in self.role_grant_pairs()}

    def holds(self, role: str, department_id: int | None = None) -> bool:
        """Active and holding ``role``, in ``department_id`` when one is given."""
        if not self.is_active:
            return False
        if department_id is None:
            return role in self.role_names()
        return (role, department_id) in self.role_grant_pairs()

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))


class RoleGrant(models.Model):
    """A role held by an account, for department roles in one department."""

    user = models.ForeignKey(
        User, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="identity_role_once"),
        ]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Organization(models.Model):
    """A legal person (法人) with its unified social credit code and the persons acting for it."""

    account = models.OneToOneField(
        User, verbose_name=_("法人账户"), on_delete=models.CASCADE, related_name="organization"
    )
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("法人单位")
        verbose_name_plural = _("法人单位")

    def __str__(self) -> str:
        return self.name


class OrganizationMember(models.Model):
    """A natural person who may act for an organisation (经办人)."""

    class MemberRole(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
        ADMINISTRATOR = "administrator", _("单位管理员")
        OPERATOR = "operator", _("经办人")

    organization = models.ForeignKey(
        Organization, verbose_name=_("法人单位"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        User, verbose_name=_("经办人账户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("身份"), max_length=30, choices=MemberRole.choices)
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="identity_member_once"),
        ]
        verbose_name = _("单位经办人")
        verbose_name_plural = _("单位经办人")

    def __str__(self) -> str:
        return f"{self.organization} · {self.person}"


class AgentAuthorization(models.Model):
    """A person's authorisation of an agent (代办人) to act for them, with scope and expiry."""

    class Scope(models.TextChoices):
        FILE = "file", _("代为申请")
        FOLLOW = "follow", _("查询进度")
        RESUBMIT = "resubmit", _("补正材料")
        RECEIVE = "receive", _("领取结果")

    principal = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.CASCADE, related_name="agents_granted"
    )
    agent = models.ForeignKey(
        User, verbose_name=_("代办人"), on_delete=models.CASCADE, related_name="agencies"
    )
    scopes = models.JSONField(_("授权范围"), default=list)
    item_codes = models.JSONField(
        _("限定事项"), default=list, blank=True, help_text=_("为空表示不限事项")
    )
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")

    def __str__(self) -> str:
        return f"{self.principal} → {self.agent}"

    def allows(self, scope: str, *, item_code: str = "", at: Any = None) -> bool:
        at = at or timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= at < self.expires_at
            and scope in self.scopes
            and (not self.item_codes or item_code in self.item_codes)
        )


class ApiToken(models.Model):
    """A personal API token for scripts: shown once, stored as a keyed digest, revocable."""

    user = models.ForeignKey(
        User, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("令牌前缀"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed sign-in, for lockout per account and per address (5 in 30 minutes)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip} {self.at:%Y-%m-%d %H:%M}"
