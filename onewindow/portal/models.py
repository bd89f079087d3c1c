"""The online hall's own records: applications in progress (drafts) and the applicant's choice
of how to receive the result. Cases themselves belong to the case engine (``cases``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case
from onewindow.catalog.models import ItemImplementation, ItemVersion
from onewindow.core.fields import EncryptedCharField


class ApplicationDraft(models.Model):
    """An online application not yet submitted (草稿): the form as typed and the files uploaded.

    ``files`` maps a material requirement's id (as text) to the id of an uploaded ``StoredFile``,
    ``licences`` to the identifier of an e-licence offered instead of an upload (免提交); the case
    engine checks them again when the draft is submitted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        on_delete=models.CASCADE,
        related_name="application_drafts",
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请主体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("代单位或他人申请时为被代理的账户；本人申请时为空"),
    )
    implementation = models.ForeignKey(
        ItemImplementation, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="+"
    )
    item_version = models.ForeignKey(
        ItemVersion, verbose_name=_("办事指南版本"), on_delete=models.CASCADE, related_name="+"
    )
    form = models.JSONField(_("申请表"), default=dict, blank=True)
    files = models.JSONField(_("已上传材料"), default=dict, blank=True)
    licences = models.JSONField(
        _("选用的电子证照"),
        default=dict,
        blank=True,
        help_text=_("免提交：材料要求的编号对应所选电子证照的标识"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="portal_draft_user")]
        verbose_name = _("申请草稿")
        verbose_name_plural = _("申请草稿")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.implementation_id}"

    def file_ids(self) -> dict[int, int]:
        """The uploaded files by requirement id, skipping malformed entries."""
        result: dict[int, int] = {}
        raw: Any = self.files if isinstance(self.files, dict) else {}
        for key, value in raw.items():
            try:
                result[int(key)] = int(value)
            except (TypeError, ValueError):
                continue
        return result

    def licence_ids(self) -> dict[int, str]:
        """The e-licences chosen instead of uploads, by requirement id (免提交)."""
        result: dict[int, str] = {}
        raw: Any = self.licences if isinstance(self.licences, dict) else {}
        for key, value in raw.items():
            if not isinstance(value, str) or not value:
                continue
            try:
                result[int(key)] = value
            except (TypeError, ValueError):
                continue
        return result


class DeliveryChoice(models.Model):
    """How the applicant wants the result handed over (送达): at the window, by mail, online."""

    class Method(models.TextChoices):
        PICKUP = "pickup", _("窗口领取")
        MAIL = "mail", _("邮寄送达（证照寄送）")
        ONLINE = "online", _("网上送达（电子证照）")

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="delivery_choice"
    )
    method = models.CharField(_("送达方式"), max_length=10, choices=Method.choices)
    recipient = models.CharField(_("收件人"), max_length=50, blank=True)
    phone = EncryptedCharField(_("收件人电话"), max_length=20, blank=True)
    address = EncryptedCharField(_("邮寄地址"), max_length=200, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("选择人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("送达方式选择")
        verbose_name_plural = _("送达方式选择")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.method}"
