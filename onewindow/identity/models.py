"""Accounts. The custom user model exists from the first migration so that later
capabilities (real-name data, roles, agents, two-factor) extend it without a swap."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANIZATION = "organization", _("法人")
        STAFF = "staff", _("工作人员")

    kind = models.CharField(_("账户类型"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")

    def __str__(self) -> str:
        return self.name or self.username
