"""Working-day calendar: official holidays and adjusted working days, year by year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """One year of the calendar; ``official`` when the State Council schedule is loaded.

    A year without a row, or with ``official=False``, falls back to Monday–Friday and every
    date computed in it is marked provisional.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    official = models.BooleanField(
        _("已载入官方安排"),
        default=False,
        help_text=_("国务院办公厅公布的当年节假日安排已载入；否则按周一至周五推算（临时）"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date whose status differs from the weekday rule: a holiday on a weekday,
    or an adjusted working day (调休上班) on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休工作日（上班）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=50, default="manual")

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
