"""Ratings of services (好差评, 国办发〔2019〕51号), their rectification (差评整改), the daily
rollup the statistics read, and the monthly assessment of window staff (窗口量化考核).

See ``docs/evaluation.md`` for the rules and ``docs/adr/0010-evaluation.md`` for the design.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case
from onewindow.catalog.models import ItemImplementation
from onewindow.core.fields import EncryptedCharField
from onewindow.core.masking import mask_phone
from onewindow.org.models import Department, ServiceCenter, Window

# --- ratings ---------------------------------------------------------------------------------


class Level(models.IntegerChoices):
    """The five levels of 国办发〔2019〕51号, best first."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_LEVELS = frozenset({1, 2})
DEFAULT_LEVEL = Level.BASICALLY_SATISFIED


class Source(models.TextChoices):
    ONLINE = "online", _("网上评价（一事一评）")
    WINDOW = "window", _("窗口评价（一次一评）")


# Indicators rated 1..5 besides the overall level; ``overall`` is the level itself.
ONLINE_INDICATORS: dict[str, Any] = {
    "overall": _("总体评价"),
    "efficiency": _("办事效率"),
    "guide_accuracy": _("办事指南准确性"),
    "convenience": _("办理便捷程度"),
    "platform_usability": _("平台易用性"),
}
OFFLINE_INDICATORS: dict[str, Any] = {
    "overall": _("总体评价"),
    "efficiency": _("办事效率"),
    "service_level": _("服务水平"),
    "attitude": _("服务态度"),
}


class Reason(models.TextChoices):
    """Why a rating is bad: the fixed list (free text goes to ``comment``)."""

    SLOW = "slow", _("办理时间长、效率低")
    REPEATED_VISITS = "repeated_visits", _("多次跑腿、来回跑")
    REPEATED_MATERIALS = "repeated_materials", _("重复提交材料、证明")
    UNCLEAR_GUIDE = "unclear_guide", _("办事指南不清晰、不准确")
    ATTITUDE = "attitude", _("服务态度差")
    NOT_HANDLED = "not_handled", _("推诿扯皮、不作为")
    IMPROPER_CHARGES = "improper_charges", _("收费不规范")
    PLATFORM = "platform", _("系统不好用、操作复杂")
    OTHER = "other", _("其他（请在意见中说明）")


class Evaluation(models.Model):
    """One rating: of a completed case (一事一评) or of a window visit (一次一评).

    A case has at most one first rating and, after its rectification has been answered, one
    second rating that supersedes it (``round`` 2). Only the current, not excluded ratings
    count in the statistics (``counts``).
    """

    source = models.CharField(_("评价渠道"), max_length=8, choices=Source.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    implementation = models.ForeignKey(
        ItemImplementation,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被评价工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_received",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_given",
    )
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    indicators = models.JSONField(_("分项评价"), default=dict, blank=True)
    reasons = models.JSONField(_("差评原因"), default=list, blank=True)
    comment = models.TextField(_("评价意见"), blank=True)
    defaulted = models.BooleanField(
        _("默认评价"), default=False, help_text=_("办结后7日内未评价，默认为“基本满意”")
    )
    round = models.PositiveSmallIntegerField(_("评价轮次"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("取代的评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    current = models.BooleanField(_("有效评价"), default=True)
    excluded = models.BooleanField(
        _("不计入统计"), default=False, help_text=_("经复核属误评或恶意差评")
    )
    rated_at = models.DateTimeField(_("评价时间"))
    rated_on = models.DateField(_("评价日期"), db_index=True)
    batch = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round"],
                condition=Q(case__isnull=False),
                name="evaluation_once_per_case_round",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="evaluation_level"
            ),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="evaluation_round"),
            models.CheckConstraint(
                condition=Q(source="online", case__isnull=False)
                | Q(source="window", window__isnull=False),
                name="evaluation_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "rated_on"], name="evaluation_dept_day"),
            models.Index(fields=["clerk", "rated_on"], name="evaluation_clerk_day"),
            models.Index(fields=["level", "rated_on"], name="evaluation_level_day"),
        ]
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")

    def __str__(self) -> str:
        subject = self.case.case_no if self.case_id and self.case else f"window:{self.window_id}"
        return f"{subject} {self.level}"

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def counts(self) -> bool:
        """Counted in the statistics: the current rating, not struck out on appeal."""
        return self.current and not self.excluded

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    def indicator_labels(self) -> list[tuple[str, int]]:
        names = ONLINE_INDICATORS if self.source == Source.ONLINE else OFFLINE_INDICATORS
        return [(str(names.get(k, k)), v) for k, v in self.indicators.items()]

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class Rectification(models.Model):
    """差评整改: the department verifies a bad rating, calls the rater back, fixes or explains
    within 15 working days, or appeals it as mistaken or malicious (reviewed by a supervisor
    or the centre's manager). The rater is told the outcome and may rate once more."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        VERIFIED = "verified", _("已核实")
        CALLED_BACK = "called_back", _("已回访")
        APPEALED = "appealed", _("申诉复核中")
        CLOSED = "closed", _("已办结")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("已整改")
        EXPLAINED = "explained", _("已解释说明")
        APPEAL_UPHELD = "appeal_upheld", _("申诉成立，不计入统计")

    class Ground(models.TextChoices):
        MISTAKEN = "mistaken", _("误评")
        MALICIOUS = "malicious", _("恶意差评")

    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("差评"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("整改部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_before_appeal = models.CharField(max_length=12, blank=True, editable=False)
    opened_on = models.DateField(_("开始日期"))
    deadline = models.DateField(_("整改期限"), db_index=True)
    deadline_provisional = models.BooleanField(_("期限按临时日历推算"), default=False)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    appeal_ground = models.CharField(
        _("申诉理由"), max_length=10, choices=Ground.choices, blank=True
    )
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    overdue = models.BooleanField(_("逾期"), default=False)
    rerate_until = models.DateTimeField(_("可再次评价至"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.status}"

    def is_late(self, on: dt.date) -> bool:
        return self.status != self.Status.CLOSED and on > self.deadline


class RectificationStep(models.Model):
    """One step of a rectification: who did what, when, with which note."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["rectification", "at", "id"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.action}"


class EvaluationDaily(models.Model):
    """The statistics' rollup: counters per day, channel, department, item and window (0 for
    none), kept current by the same transaction as every rating write. Counted ratings only
    (current, not struck out on appeal)."""

    day = models.DateField()
    source = models.CharField(max_length=8, choices=Source.choices)
    department_id = models.IntegerField(default=0)
    implementation_id = models.IntegerField(default=0)
    window_id = models.IntegerField(default=0)
    evaluations = models.IntegerField(default=0)
    defaulted = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)  # level >= 3
    good = models.IntegerField(default=0)  # level >= 4
    bad = models.IntegerField(default=0)  # level <= 2
    rectified = models.IntegerField(default=0)  # bad, rectification answered
    called_back = models.IntegerField(default=0)  # bad, rater called back
    level_sum = models.IntegerField(default=0)

    COUNTERS = (
        "evaluations",
        "defaulted",
        "satisfied",
        "good",
        "bad",
        "rectified",
        "called_back",
        "level_sum",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "source", "department_id", "implementation_id", "window_id"],
                name="evaluation_daily_key",
            )
        ]
        indexes = [
            models.Index(fields=["department_id", "day"], name="evaluation_daily_dept"),
            models.Index(fields=["implementation_id", "day"], name="evaluation_daily_item"),
            models.Index(fields=["window_id", "day"], name="evaluation_daily_window"),
        ]
        verbose_name = _("评价日汇总")
        verbose_name_plural = _("评价日汇总")

    def __str__(self) -> str:
        return f"{self.day} {self.source} d{self.department_id} i{self.implementation_id}"


# --- window staff assessment -----------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class AssessmentWeights(models.Model):
    """The weights of the monthly assessment of one centre (together 100) and the monthly
    case-handling target. Each assessment keeps a copy of the weights it was scored with."""

    center = models.OneToOneField(
        ServiceCenter,
        verbose_name=_("政务服务中心"),
        on_delete=models.CASCADE,
        related_name="assessment_weights",
    )
    attendance = models.PositiveSmallIntegerField(_("出勤情况"), default=20)
    conduct = models.PositiveSmallIntegerField(_("行为规范"), default=15)
    case_handling = models.PositiveSmallIntegerField(_("办件管理"), default=15)
    efficiency = models.PositiveSmallIntegerField(_("办事效率"), default=15)
    ratings = models.PositiveSmallIntegerField(_("群众评议"), default=15)
    callbacks = models.PositiveSmallIntegerField(_("办件回访"), default=10)
    file_review = models.PositiveSmallIntegerField(_("案卷评查"), default=10)
    case_target = models.PositiveIntegerField(
        _("月受理办件目标数"), default=40, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    COMPONENTS = (
        "attendance",
        "conduct",
        "case_handling",
        "efficiency",
        "ratings",
        "callbacks",
        "file_review",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    F("attendance")
                    + F("conduct")
                    + F("case_handling")
                    + F("efficiency")
                    + F("ratings")
                    + F("callbacks")
                    + F("file_review"),
                    100,
                ),
                name="evaluation_weights_sum_100",
                violation_error_message=_("各项权重之和须为100"),
            )
        ]
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    def __str__(self) -> str:
        return f"{self.center_id}"

    def as_dict(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in self.COMPONENTS}


class AttendanceRecord(models.Model):
    """A clerk's attendance in one month, entered or imported from the attendance system."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.PROTECT,
        related_name="attendance_records",
    )
    month = models.DateField(_("月份"))
    required_days = models.PositiveSmallIntegerField(
        _("应出勤天数"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    present_days = models.DecimalField(_("实际出勤天数"), max_digits=4, decimal_places=1)
    leave_days = models.DecimalField(
        _("请假天数（经批准）"), max_digits=4, decimal_places=1, default=Decimal(0)
    )
    late_times = models.PositiveSmallIntegerField(_("迟到早退次数"), default=0)
    absent_times = models.PositiveSmallIntegerField(_("脱岗空岗次数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "clerk"]
        constraints = [
            models.UniqueConstraint(fields=["clerk", "month"], name="evaluation_attendance_once")
        ]
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")

    def __str__(self) -> str:
        return f"{self.clerk_id} {self.month:%Y-%m}"


class StaffRecord(models.Model):
    """A conduct record (行为规范), a callback (办件回访) or a case-file review (案卷评查) about a
    clerk, entered by the centre."""

    class Kind(models.TextChoices):
        CONDUCT = "conduct", _("行为规范")
        CALLBACK = "callback", _("办件回访")
        FILE_REVIEW = "file_review", _("案卷评查")

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.PROTECT,
        related_name="staff_records",
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("日期"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_records",
    )
    # conduct: points added (commendation) or deducted (violation); callback: 100 satisfied,
    # 0 not; file review: the review's score 0..100.
    points = models.SmallIntegerField(_("分值"))
    note = models.TextField(_("说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["clerk", "kind", "on"], name="evaluation_record_clerk")]
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")

    def __str__(self) -> str:
        return f"{self.clerk_id} {self.kind} {self.on}"


class StaffAssessment(models.Model):
    """A clerk's monthly score (窗口量化考核): each component 0..100, the weighted total, and the
    flags: below 75 → a notice (通报); three months below 75 in one year → return to the
    home unit (退回原单位)."""

    PASS_MARK = Decimal(75)
    RETURN_AFTER_MONTHS = 3

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    month = models.DateField(_("月份"))
    components = models.JSONField(_("分项得分"), default=dict)
    evidence = models.JSONField(_("计分依据"), default=dict)
    weights = models.JSONField(_("权重"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    notice = models.BooleanField(_("通报批评"), default=False)
    months_below = models.PositiveSmallIntegerField(_("本年低于75分月数"), default=0)
    return_flag = models.BooleanField(_("建议退回原单位"), default=False)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["-month", "total"]
        constraints = [
            models.UniqueConstraint(fields=["clerk", "month"], name="evaluation_assessment_once")
        ]
        indexes = [models.Index(fields=["center", "month"], name="evaluation_assessment_center")]
        verbose_name = _("窗口量化考核")
        verbose_name_plural = _("窗口量化考核")

    def __str__(self) -> str:
        return f"{self.clerk_id} {self.month:%Y-%m} {self.total}"
