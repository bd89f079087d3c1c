"""Working-day calendar (official holidays and adjusted working days, year by year) and the
append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
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


# --- Audit log ---------------------------------------------------------------------------------

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record, or to write one outside ``audit.record``."""


def _sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical_ip(value: str | None) -> str | None:
    """The address in a form that does not depend on the database or the Python version:
    IPv4 as a dotted quad, IPv6 as eight groups of four lowercase hexadecimal digits."""
    if not value:
        return None
    address = ipaddress.ip_address(value)
    if address.version == 4:
        return ".".join(str(part) for part in address.packed)
    number = int(address)
    return ":".join(f"{(number >> (16 * (7 - group))) & 0xFFFF:04x}" for group in range(8))


def canonical_json(value: Any) -> Any:
    """A JSON value as both databases give it back: integral floats become integers
    (PostgreSQL's ``jsonb`` prints ``1e20`` as ``100000000000000000000``)."""
    if isinstance(value, dict):
        return {str(key): canonical_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_json(item) for item in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit detail cannot hold NaN or infinity")
        return int(value) if value.is_integer() else value
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"audit detail cannot hold {type(value).__name__}")


def canonical_at(value: dt.datetime) -> str:
    """The time in UTC, ISO 8601 with microseconds (``2026-01-31T08:00:00.000000+00:00``)."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_detail(detail: Any) -> str:
    """The detail as sorted, compact JSON, as it enters the hash (and the CSV export)."""
    return json.dumps(
        canonical_json(detail), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def _pk(value: Any) -> Any:
    return value if value is None or isinstance(value, int) else str(value)


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    """Reads only: every bulk write that would bypass the chain or change a row raises."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log is append-only: records cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only: records cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log is append-only: records cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditRecord]:
        raise AppendOnlyError("audit records are written one at a time by audit.record()")


class AuditRecord(models.Model):
    """One entry of the append-only, SM3 hash-chained audit log (等保 2.0 三级 安全审计).

    Written only by ``onewindow.core.audit.record()``; ``hash`` is the SM3 digest of every
    other field (see ``canonical()``) and ``prev_hash`` the ``hash`` of the record before it,
    so a changed, removed or reordered record breaks the chain that ``audit.verify()`` walks.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    id = models.BigAutoField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        # Deleting an account never touches the log: no cascade, no SET NULL, no constraint.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人账号"), max_length=150)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被代理人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    on_behalf_of_label = models.CharField(_("被代理人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条记录哈希"), max_length=64)
    hash = models.CharField(_("本条记录哈希"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        default_permissions = ("view",)  # nobody adds, changes or deletes by hand
        indexes = [
            models.Index(fields=["at"], name="core_audit_at_idx"),
            models.Index(fields=["action"], name="core_audit_action_idx"),
            models.Index(fields=["actor_label"], name="core_audit_actor_idx"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("the audit log is append-only: records cannot be updated")
        if not self.hash or self.hash != self.compute_hash():
            raise AppendOnlyError("audit records are written by onewindow.core.audit.record()")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only: records cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but ``hash``, as sorted compact JSON."""
        payload = {
            "id": self.id,
            "at": canonical_at(self.at),
            "actor_id": _pk(self.actor_id),
            "actor_label": self.actor_label,
            "on_behalf_of_id": _pk(self.on_behalf_of_id),
            "on_behalf_of_label": self.on_behalf_of_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "outcome": self.outcome,
            "ip": canonical_ip(self.ip),
            "detail": canonical_json(self.detail),
            "prev_hash": self.prev_hash,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8")

    def compute_hash(self) -> str:
        return _sm3(self.canonical())


class IdempotencyKey(models.Model):
    """A write's ``Idempotency-Key``: the first response, replayed for the same payload."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("处理中")
        DONE = "done", _("已完成")

    owner = models.CharField(_("调用方"), max_length=64)
    key = models.CharField(_("幂等键"), max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="core_idempotency_once"),
        ]
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"
