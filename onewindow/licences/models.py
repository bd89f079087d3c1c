"""The licence library (证照库): licence types, the platform CA, department seals, licences
and their history.

Private keys never enter the database: ``Authority`` and ``Seal`` hold certificates and public
keys, the keys live in encrypted files named by settings (``signing``). Two models bridge to the
case engine: ``Issuance`` (the licence a granted case produced, one per case) and
``MaterialLicence`` (a licence reused as a case material, 免提交); see ADR 0008.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemImplementation, MaterialRequirement
from onewindow.core.fields import EncryptedCharField
from onewindow.org.models import Department

from . import identifiers

type_code_validator = RegexValidator(
    rf"^{identifiers.TYPE_CODE_PATTERN}$", _("证照类型代码应为1至16位数字或大写字母")
)


class Authority(models.Model):
    """The platform's certificate authority (平台根证书): its certificate only."""

    name = models.CharField(_("名称"), max_length=100)
    certificate = models.TextField(_("证书（PEM）"))
    fingerprint = models.CharField(_("SHA-256 指纹"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("失效时间"))
    is_current = models.BooleanField(_("当前根证书"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="licences_one_root"
            )
        ]
        verbose_name = _("平台根证书")
        verbose_name_plural = _("平台根证书")

    def __str__(self) -> str:
        return f"{self.name}（{self.fingerprint[:16]}）"


class Seal(models.Model):
    """A department's electronic seal (电子印章): an ECDSA P-256 certificate issued by the
    platform CA, carrying the seal's SM2 public key as well."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="seals"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("签发根证书"), on_delete=models.PROTECT, related_name="seals"
    )
    name = models.CharField(_("印章名称"), max_length=100)
    certificate = models.TextField(_("签章证书（PEM）"))
    fingerprint = models.CharField(_("SHA-256 指纹"), max_length=64, unique=True)
    serial = models.CharField(_("证书序列号"), max_length=64)
    sm2_public_key = models.TextField(_("SM2 公钥（PEM）"))
    key_name = models.CharField(
        _("密钥文件名"), max_length=80, unique=True, help_text=_("密钥文件位于配置的印章密钥目录")
    )
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("失效时间"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(is_active=True),
                name="licences_one_active_seal",
            )
        ]
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")

    def __str__(self) -> str:
        return self.name


class LicenceType(models.Model):
    """A kind of licence a department issues (证照类型), with its template fields."""

    class HolderKind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANIZATION = "organization", _("法人")
        BOTH = "both", _("自然人和法人")

    code = models.CharField(
        _("证照类型代码"), max_length=16, unique=True, validators=[type_code_validator]
    )
    name = models.CharField(_("证照名称"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("颁发部门"),
        on_delete=models.PROTECT,
        related_name="licence_types",
    )
    holder_kind = models.CharField(
        _("持证主体"), max_length=12, choices=HolderKind.choices, default=HolderKind.BOTH
    )
    validity_months = models.PositiveSmallIntegerField(
        _("有效期（月）"), null=True, blank=True, help_text=_("留空表示长期有效")
    )
    fields = models.JSONField(
        _("证照字段"),
        default=list,
        blank=True,
        help_text=_('格式：[{"key": "scope", "label": "经营范围"}]；取值来自申请表同名字段'),
    )
    material_names = models.CharField(
        _("可替代的申请材料"),
        max_length=300,
        blank=True,
        help_text=_("以空格或逗号分隔的材料名称；证照名称本身总是可以替代"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        fields = self.fields
        if not isinstance(fields, list) or any(
            not isinstance(f, dict)
            or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", str(f.get("key", "")))
            or not str(f.get("label", "")).strip()
            for f in fields
        ):
            raise ValidationError(
                {"fields": _('证照字段须为 [{"key": 字母数字, "label": 名称}] 列表')}
            )

    def accepted_material_names(self) -> set[str]:
        names = {self.name, *re.split(r"[\s,，、]+", self.material_names)}
        return {_normalise(n) for n in names if n.strip()}

    def satisfies(self, requirement: MaterialRequirement) -> bool:
        """May a licence of this type stand in for ``requirement`` (免提交)?"""
        wanted = _normalise(requirement.name)
        return any(name and name in wanted for name in self.accepted_material_names())

    def expiry_after(self, start: dt.date) -> dt.date | None:
        if self.validity_months is None:
            return None
        months = start.month - 1 + self.validity_months
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        return dt.date(year, month, day) - dt.timedelta(days=1)


def _normalise(name: str) -> str:
    return re.sub(r"[\s《》“”\"()（）]", "", name or "")


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


class LicenceItem(models.Model):
    """An item whose grant issues a licence of a type (审批结果为电子证照)."""

    implementation = models.OneToOneField(
        ItemImplementation,
        verbose_name=_("实施清单事项"),
        on_delete=models.CASCADE,
        related_name="licence_item",
    )
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("证照类型"), on_delete=models.CASCADE, related_name="items"
    )

    class Meta:
        verbose_name = _("出证事项")
        verbose_name_plural = _("出证事项")

    def __str__(self) -> str:
        return f"{self.implementation_id} → {self.licence_type_id}"

    def clean(self) -> None:
        if (
            self.implementation_id
            and self.licence_type_id
            and self.implementation.department_id != self.licence_type.department_id
        ):
            raise ValidationError(_("事项的实施部门须与证照的颁发部门一致"))


class LicenceSequence(models.Model):
    """The serial counter of one licence type at one issuer."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "department"], name="licences_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence_type_id}/{self.department_id}: {self.last}"


def _pdf_path(instance: Licence, filename: str) -> str:
    return f"licences/{instance.pdf_sha256[:2]}/{instance.identifier}.pdf"


class Licence(models.Model):
    """One version of an issued licence (电子证照)."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已注销")
        EXPIRED = "expired", _("已过期")
        SUPERSEDED = "superseded", _("已变更")

    identifier = models.CharField(_("证照标识"), max_length=100, unique=True)
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("证照类型"), on_delete=models.PROTECT, related_name="licences"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("颁发部门"), on_delete=models.PROTECT, related_name="licences"
    )
    seal = models.ForeignKey(
        Seal, verbose_name=_("电子印章"), on_delete=models.PROTECT, related_name="licences"
    )
    serial = models.PositiveBigIntegerField(_("流水号"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持证人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
    )
    holder_kind = models.CharField(_("持证主体类型"), max_length=12)
    holder_name = models.CharField(_("持证人"), max_length=200)
    holder_id_number = EncryptedCharField(_("持证人证件号码"), max_length=18)
    holder_id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    data = models.JSONField(_("证照信息"), default=dict, blank=True)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    issued_at = models.DateTimeField(_("签发时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    check_code = models.CharField(_("查验码"), max_length=12)
    pdf = models.FileField(_("证照文件"), upload_to=_pdf_path, max_length=300)
    pdf_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, db_index=True)
    signed_payload = models.TextField(_("SM2 签名原文"))
    sm2_signature = models.CharField(_("SM2 签名"), max_length=200)
    case_no = models.CharField(_("办件编号"), max_length=32, blank=True, db_index=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("注销原因"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "department", "serial", "version"],
                name="licences_serial_version_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="licences_status_expiry"),
            models.Index(fields=["licence_type", "department", "serial"], name="licences_serial"),
        ]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")

    def __str__(self) -> str:
        return self.identifier

    def current_status(self, today: dt.date | None = None) -> str:
        """The status as of ``today``: a valid licence past its expiry date is expired even
        before the sweep has marked it."""
        if (
            self.status == self.Status.VALID
            and self.expires_on is not None
            and self.expires_on < (today or timezone.localdate())
        ):
            return self.Status.EXPIRED
        return self.status

    def is_valid(self, today: dt.date | None = None) -> bool:
        return self.current_status(today) == self.Status.VALID


class LicenceEvent(models.Model):
    """One step in a licence's life: issued, viewed by staff, revoked, changed, renewed…"""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("动作"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["licence", "at", "id"]
        verbose_name = _("证照记录")
        verbose_name_plural = _("证照记录")

    def __str__(self) -> str:
        return f"{self.licence_id} {self.action}"


class Issuance(models.Model):
    """The licence a granted case produced: one per case, keyed by the decision event, so a
    retried task never issues a second licence."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="issuance"
    )
    event_id = models.PositiveBigIntegerField(_("决定记录"), unique=True)
    licence = models.OneToOneField(
        Licence,
        verbose_name=_("电子证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issuance",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("办件出证")
        verbose_name_plural = _("办件出证")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.licence_id}"


class MaterialLicence(models.Model):
    """A licence used as a case material (免提交): the case material's file is the licence's
    own signed PDF, shared, not copied."""

    stored_file = models.OneToOneField(
        "cases.StoredFile",
        verbose_name=_("材料文件"),
        on_delete=models.CASCADE,
        related_name="licence_use",
    )
    licence = models.ForeignKey(
        Licence, verbose_name=_("电子证照"), on_delete=models.PROTECT, related_name="uses"
    )
    requirement = models.ForeignKey(MaterialRequirement, on_delete=models.PROTECT, related_name="+")
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证照复用")
        verbose_name_plural = _("证照复用")

    def __str__(self) -> str:
        return f"{self.licence_id} → {self.stored_file_id}"
