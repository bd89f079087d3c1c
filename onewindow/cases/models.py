"""The case engine's data: cases, their materials, tasks, suspensions, events and documents.

The states and transitions are fixed by the Administrative Licensing Law (DESIGN.md, "The case
engine"); ``cases.engine`` holds the one state table every write goes through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemImplementation, ItemVersion, MaterialRequirement
from onewindow.core.fields import EncryptedCharField
from onewindow.org.models import Department


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CORRECTIONS_REQUESTED = "corrections_requested", _("待补正")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    IN_REVIEW = "in_review", _("审查中")
    SUSPENDED = "suspended", _("特别程序中")
    GRANTED = "granted", _("准予许可")
    DENIED = "denied", _("不予许可")
    COMPLETED = "completed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办理")
    WINDOW = "window", _("窗口办理")
    MOBILE = "mobile", _("移动端")
    KIOSK = "kiosk", _("自助终端")
    HOTLINE = "hotline", _("热线")
    SERVICE_POINT = "service_point", _("便民服务点")


def _file_path(instance: StoredFile, filename: str) -> str:
    return f"files/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class StoredFile(models.Model):
    """An uploaded file: type checked from its content, SHA-256, kept through the storage API.

    A file referenced by a case is never deleted (``PROTECT`` from ``CaseMaterial``).
    """

    file = models.FileField(_("文件"), upload_to=_file_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One application and everything that happens to it (办件)."""

    case_no = models.CharField(_("办件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12)
    implementation = models.ForeignKey(
        ItemImplementation, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases"
    )
    item_version = models.ForeignKey(
        ItemVersion, verbose_name=_("办事指南版本"), on_delete=models.PROTECT, related_name="cases"
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    channel = models.CharField(_("办理渠道"), max_length=16, choices=Channel.choices)

    # The applicant (the principal) and who filed for them.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_kind = models.CharField(_("申请人类型"), max_length=12)
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_id_number = EncryptedCharField(_("证件号码"), max_length=18)
    applicant_id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    applicant_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
    )

    form = models.JSONField(_("申请表"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    promised_due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定办结日期"), null=True, blank=True)
    clock_provisional = models.BooleanField(_("时限按临时日历推算"), default=False)
    paused_workdays = models.PositiveIntegerField(_("暂停工作日数"), default=0)
    resume_status = models.CharField(max_length=24, blank=True, editable=False)
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    corrections = models.JSONField(_("补正内容"), default=list, blank=True)
    delivery = models.JSONField(_("送达"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-case_no"]
        indexes = [
            models.Index(fields=["status", "promised_due_date"], name="cases_status_due"),
            models.Index(fields=["lead_department", "status"], name="cases_dept_status"),
        ]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.case_no


class CaseMaterial(models.Model):
    """A material of a case: an uploaded file or a licence from the library (免提交)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey(
        MaterialRequirement, verbose_name=_("材料要求"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(
        StoredFile,
        verbose_name=_("文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_materials",
    )
    licence_id = models.CharField(_("电子证照标识"), max_length=100, blank=True)
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "round", "requirement__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file__isnull=False) | ~Q(licence_id=""), name="cases_material_source"
            )
        ]
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.requirement_id}"


class Task(models.Model):
    """One department's work in one stage of the process template."""

    class TaskStatus(models.TextChoices):
        WAITING = "waiting", _("未开始")
        ACTIVE = "active", _("办理中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    stage = models.PositiveSmallIntegerField(_("环节序号"))
    stage_name = models.CharField(_("环节"), max_length=100)
    role = models.CharField(_("办理角色"), max_length=20)
    department = models.ForeignKey(
        Department, verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="tasks"
    )
    parallel = models.BooleanField(_("并联"), default=False)
    days = models.PositiveSmallIntegerField(_("环节时限（工作日）"), default=1)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=TaskStatus.choices,
        default=TaskStatus.WAITING,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("环节到期日"), null=True, blank=True)
    opinion = models.CharField(_("意见"), max_length=10, blank=True)
    note = models.TextField(_("意见说明"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "stage", "id"]
        indexes = [models.Index(fields=["department", "role", "status"], name="cases_task_pool")]
        verbose_name = _("环节任务")
        verbose_name_plural = _("环节任务")

    def __str__(self) -> str:
        return f"{self.case_id}·{self.stage_name}·{self.department_id}"


class Suspension(models.Model):
    """A special procedure (特别程序) pausing both clocks."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("听证")
        TESTING = "testing", _("检验检测")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        SITE_INSPECTION = "site_inspection", _("现场核查")
        PUBLIC_NOTICE = "public_notice", _("公示")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("特别程序"), max_length=20, choices=Kind.choices)
    max_workdays = models.PositiveSmallIntegerField(_("最长工作日"))
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    workdays = models.PositiveSmallIntegerField(_("暂停工作日数"), default=0)

    class Meta:
        ordering = ["case", "started_on", "id"]
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")

    def __str__(self) -> str:
        return f"{self.case_id}·{self.get_kind_display()}"


class CaseEvent(models.Model):
    """One action on a case: who, for whom, what, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("动作"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Message(models.Model):
    """An in-app message to an account (the message centre)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")

    def __str__(self) -> str:
        return self.subject


class CaseSequence(models.Model):
    """The per-day counter behind sortable case numbers."""

    day = models.CharField(max_length=8, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}:{self.last}"


def _document_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.case.case_no}/{filename}"


class Document(models.Model):
    """A formal notice of a case (受理、补正、不予受理、准予、不予许可…) as a PDF."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理通知书")
        CORRECTIONS = "corrections", _("补正材料通知书")
        REJECTION = "rejection", _("不予受理决定书")
        GRANT = "grant", _("准予行政许可决定书")
        DENIAL = "denial", _("不予行政许可决定书")
        TERMINATION = "termination", _("终止办理通知书")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=20, choices=Kind.choices)
    event = models.OneToOneField(
        CaseEvent,
        verbose_name=_("对应记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document",
        help_text=_("每个动作至多一份文书：重试不会重复出具"),
    )
    file = models.FileField(_("文件"), upload_to=_document_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("办件文书")
        verbose_name_plural = _("办件文书")

    def __str__(self) -> str:
        return f"{self.case_id}·{self.get_kind_display()}"


class NoticeWatermark(models.Model):
    """How far the notice catch-up (``tasks.reissue_missing_notices``) has checked the case
    events: every notice-producing event up to ``event_id`` has its document or has been
    queued again. One row."""

    event_id = models.BigIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("文书补发进度")
        verbose_name_plural = _("文书补发进度")

    def __str__(self) -> str:
        return str(self.event_id)
