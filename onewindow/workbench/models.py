"""The staff workbench's own records: the first-contact log (首问负责).

Everything else the workbench shows belongs to other apps (cases, catalog, identity) and is
read through their queries and written through their services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case
from onewindow.catalog.models import ItemImplementation
from onewindow.core.fields import EncryptedCharField
from onewindow.core.masking import mask_name, mask_phone
from onewindow.org.models import Window


class FirstContact(models.Model):
    """One enquiry a member of staff took first (首问负责), whether or not a case followed."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问人"),
        on_delete=models.PROTECT,
        related_name="first_contacts",
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_contacts",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    enquirer_name = models.CharField(_("咨询人"), max_length=100)
    enquirer_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    implementation = models.ForeignKey(
        ItemImplementation,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_contacts",
    )
    question = models.TextField(_("咨询内容"))
    answer = models.TextField(_("答复内容"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_contacts",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clerk", "at"], name="workbench_fc_clerk_at"),
            models.Index(fields=["at"], name="workbench_fc_at"),
        ]
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.masked_name}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.enquirer_name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.enquirer_phone)
