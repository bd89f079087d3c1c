"""E-supervision (电子监察): alerts, findings, supervision notices (督办), cards and the rollup
tables every statistic is read from.

The sweep (``supervision.sweep``) writes alerts, findings and rollups in set-based SQL; the
services write notices and cards. Dashboards and ``stats/summary`` read the rollup tables only,
never the case table (DESIGN.md "Oversight").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case, Task
from onewindow.catalog.models import ItemImplementation
from onewindow.org.models import Department, Window


class Level(models.TextChoices):
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class AlertThreshold(models.Model):
    """The yellow threshold of one item, overriding the settings' default."""

    implementation = models.OneToOneField(
        ItemImplementation,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="alert_threshold",
    )
    yellow_percent = models.PositiveSmallIntegerField(
        _("黄灯比例（%）"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("剩余工作日不超过时限的该比例时亮黄灯"),
    )
    min_workdays = models.PositiveSmallIntegerField(
        _("黄灯最少工作日"),
        validators=[MaxValueValidator(365)],
        help_text=_("剩余工作日不超过该天数时至少亮黄灯"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_percent__lte=100), name="supervision_threshold_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.implementation_id}: {self.yellow_percent}% / {self.min_workdays}"


class SweepState(models.Model):
    """The single row that serialises sweeps and holds the rollups' event watermark, and what
    the ``Subject`` table describes: the day it was classified for, the fingerprint of the
    rule's inputs it was computed with, and its subjects counted by kind and level."""

    event_watermark = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    classified_on = models.DateField(null=True, blank=True)
    generation = models.CharField(max_length=64, blank=True, default="")
    tally = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"watermark {self.event_watermark}"


class PendingEvent(models.Model):
    """An event id skipped by the watermark (its transaction had not committed yet): looked
    for again by the next sweeps until it appears or expires (a rolled-back id)."""

    event_id = models.BigIntegerField(primary_key=True)
    noted_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.event_id)


class Subject(models.Model):
    """A running case or an active task as the sweep knows it: its due date and the first day
    it is yellow (``thresholds.yellow_from``), worked out in working days once, when it
    enters or an event changes its case. Its level on any later day follows from the two
    dates, so a sweep only looks at the subjects whose dates it has just passed and at the
    cases with new events (``supervision.subjects``).

    Keyed by case first: an event replaces the rows of its case. Derived rows, like alerts:
    no foreign key constraints.
    """

    pk = models.CompositePrimaryKey("case_id", "kind", "subject_id")
    case_id = models.BigIntegerField()
    kind = models.CharField(max_length=4)
    subject_id = models.BigIntegerField()
    department_id = models.BigIntegerField()
    implementation_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)
    due_date = models.DateField(null=True)
    yellow_from = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "due_date"], name="supervision_subject_due"),
            models.Index(fields=["yellow_from"], name="supervision_subject_yellow"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject_id}"


class SweepRun(models.Model):
    """One sweep: when, as of which moment, and its summary."""

    at = models.DateTimeField(_("巡检时刻"), db_index=True)
    day = models.DateField(_("巡检日期"), db_index=True)
    started_at = models.DateTimeField(_("开始时间"))
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    summary = models.JSONField(_("结果"), default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("巡检记录")
        verbose_name_plural = _("巡检记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class Alert(models.Model):
    """A yellow or red alert on a case (its promised due date) or a task (its due date).

    Recorded once per subject and level; ``resolved_at`` is set when the subject leaves that
    level (decided, completed, suspended, moved on) and cleared if it comes back. Alerts and
    findings are derived rows the sweep writes in bulk from rows it has just read: their
    foreign keys are not database constraints (no per-row check; cases are never deleted) and
    only the indexes the reads use are kept.
    """

    class Kind(models.TextChoices):
        CASE = "case", _("办件")
        TASK = "task", _("环节任务")

    kind = models.CharField(_("对象"), max_length=4, choices=Kind.choices)
    subject_id = models.BigIntegerField(_("对象编号"))
    level = models.CharField(_("级别"), max_length=6, choices=Level.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="supervision_alerts",
        db_constraint=False,
        db_index=False,
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("环节任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervision_alerts",
        db_constraint=False,
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    implementation = models.ForeignKey(
        ItemImplementation,
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    due_date = models.DateField(_("到期日"))
    raised_at = models.DateTimeField(_("预警时间"))
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    run = models.ForeignKey(
        SweepRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "level"], name="supervision_alert_once"
            )
        ]
        # Only the open alerts are indexed for the readers (the alert list and map): a resolved
        # alert leaves this index, and resolving one (an update) adds no entry to it.
        indexes = [
            models.Index(
                fields=["department", "level"],
                name="supervision_alert_open",
                condition=models.Q(resolved_at__isnull=True),
            )
        ]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")

    def __str__(self) -> str:
        return f"{self.kind}:{self.subject_id} {self.level}"


class Finding(models.Model):
    """One violation found by a rule, with its evidence; recorded once per rule and subject."""

    class Rule(models.TextChoices):
        OVERDUE_CASE = "overdue_case", _("办件超期")
        OVERDUE_TASK = "overdue_task", _("环节超期")
        ACCEPTANCE_OVERDUE = "acceptance_overdue", _("超过5个工作日未作出受理决定")
        DECISION_WITHOUT_ACCEPTANCE = "decision_without_acceptance", _("未受理即作出决定")
        OUT_OF_SEQUENCE = "out_of_sequence", _("办理记录不连续（疑似体外循环）")
        STAGE_ORDER = "stage_order", _("环节办理顺序颠倒")
        FEE_OUTSIDE_STANDARD = "fee_outside_standard", _("超出收费标准收费")
        ZERO_CASES = "zero_cases", _("零办件")
        OVERDUE_DISCLOSURE = "overdue_disclosure", _("政府信息公开申请超期未答复")
        OVERDUE_TICKET = "overdue_ticket", _("12345工单超期未办结")

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("已排除")

    rule = models.CharField(_("规则"), max_length=32, choices=Rule.choices)
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_id = models.BigIntegerField(_("对象编号"))
    period = models.CharField(_("期间"), max_length=10, blank=True, default="")
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervision_findings",
        db_constraint=False,
        db_index=False,
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    implementation = models.ForeignKey(
        ItemImplementation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    evidence = models.JSONField(_("证据"), default=dict)
    found_at = models.DateTimeField(_("发现时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id", "period"],
                name="supervision_finding_once",
            )
        ]
        indexes = [models.Index(fields=["rule", "found_at"], name="supervision_finding_rule")]
        verbose_name = _("违规发现")
        verbose_name_plural = _("违规发现")

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_type}:{self.subject_id}"


class SupervisionNotice(models.Model):
    """督办: a formal order to a unit to explain and fix a delay or fault by a deadline."""

    class Target(models.TextChoices):
        CASE = "case", _("办件")
        TASK = "task", _("环节任务")
        DEPARTMENT = "department", _("部门")

    class Status(models.TextChoices):
        OPEN = "open", _("待回复")
        REPLIED = "replied", _("已回复")
        CLOSED = "closed", _("已办结")

    target = models.CharField(_("督办对象"), max_length=12, choices=Target.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="supervision_notices"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    reason = models.TextField(_("督办事由"))
    required_action = models.TextField(_("整改要求"))
    deadline = models.DateField(_("回复期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("督办时间"))
    explanation = models.TextField(_("情况说明"), blank=True)
    fix = models.TextField(_("整改措施"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="department")
                | Q(target="case", case__isnull=False)
                | Q(target="task", task__isnull=False, case__isnull=False),
                name="supervision_notice_subject",
            )
        ]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self) -> str:
        return f"督办 {self.pk}"

    @property
    def number(self) -> str:
        return f"DB{self.issued_at:%Y%m%d}{self.pk:05d}"


class Card(models.Model):
    """A red or yellow card shown to a unit (红牌 / 黄牌)."""

    department = models.ForeignKey(
        Department, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="cards"
    )
    colour = models.CharField(_("颜色"), max_length=6, choices=Level.choices)
    reason = models.TextField(_("事由"))
    notice = models.ForeignKey(
        SupervisionNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="cards"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示由电子监察系统自动出示"),
    )
    issued_at = models.DateTimeField(_("出示时间"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "colour"],
                condition=Q(notice__isnull=False),
                name="supervision_card_once_per_notice",
            )
        ]
        verbose_name = _("红黄牌")
        verbose_name_plural = _("红黄牌")

    def __str__(self) -> str:
        return f"{self.department_id} {self.colour}"


# --- rollups ---------------------------------------------------------------------------------


class StatFields(models.Model):
    """The counters every rollup row carries: flows of the day, plus the sweep's stock."""

    submitted = models.PositiveIntegerField(_("申请"), default=0)
    accepted = models.PositiveIntegerField(_("受理"), default=0)
    rejected = models.PositiveIntegerField(_("不予受理"), default=0)
    granted = models.PositiveIntegerField(_("准予"), default=0)
    denied = models.PositiveIntegerField(_("不予许可"), default=0)
    completed = models.PositiveIntegerField(_("办结"), default=0)
    completed_on_time = models.PositiveIntegerField(_("按时办结"), default=0)
    overdue_open = models.PositiveIntegerField(_("超期未办结"), default=0)

    COUNTERS = (
        "submitted",
        "accepted",
        "rejected",
        "granted",
        "denied",
        "completed",
        "completed_on_time",
    )

    class Meta:
        abstract = True


class DailyItemStat(StatFields):
    """Per day × department × item × channel."""

    day = models.DateField(_("日期"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    implementation = models.ForeignKey(
        ItemImplementation, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "implementation", "channel"],
                name="supervision_item_stat_key",
            )
        ]
        indexes = [
            models.Index(fields=["implementation", "day"], name="supervision_item_stat_impl")
        ]
        verbose_name = _("事项日统计")
        verbose_name_plural = _("事项日统计")

    def __str__(self) -> str:
        return f"{self.day} {self.implementation_id} {self.channel}"


class DailyDepartmentStat(StatFields):
    """Per day × department × channel: every item of the department together."""

    day = models.DateField(_("日期"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "channel"], name="supervision_dept_stat_key"
            )
        ]
        indexes = [models.Index(fields=["department", "day"], name="supervision_dept_stat_dept")]
        verbose_name = _("部门日统计")
        verbose_name_plural = _("部门日统计")

    def __str__(self) -> str:
        return f"{self.day} {self.department_id} {self.channel}"


class DailyWindowStat(models.Model):
    """Per day × window: the actions of staff posted at a window (受理、收件、出件)."""

    day = models.DateField(_("日期"))
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    submitted = models.PositiveIntegerField(_("收件"), default=0)
    accepted = models.PositiveIntegerField(_("受理"), default=0)
    completed = models.PositiveIntegerField(_("出件"), default=0)

    COUNTERS = ("submitted", "accepted", "completed")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "window"], name="supervision_window_stat_key")
        ]
        verbose_name = _("窗口日统计")
        verbose_name_plural = _("窗口日统计")

    def __str__(self) -> str:
        return f"{self.day} {self.window_id}"
