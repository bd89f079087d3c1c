"""The 12345 hotline: tickets (工单), the dispatch catalogue (派单目录), the knowledge base and
the Open311 partner apps.

A ticket's state changes only through ``services`` under the state table in ``lifecycle``;
every change leaves a ``TicketEvent`` and an audit record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import crypto
from onewindow.core.fields import EncryptedCharField
from onewindow.core.masking import mask_name, mask_phone

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", _("编码应为1–32位字母、数字、下划线或连字符")
)


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    MOBILE = "mobile", _("移动端")
    OPEN311 = "open311", _("合作应用（Open311）")
    LETTER = "letter", _("信件")


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    RETURNED = "returned", _("退单待审")
    SIGNED = "signed", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    REFUSED = "refused", _("不予受理")
    MERGED = "merged", _("已并单")


class RefusalReason(models.TextChoices):
    EMERGENCY = "emergency", _("紧急警情、火灾、急救、交通事故")
    LITIGATION = "litigation", _("已进入诉讼、仲裁、行政复议程序")
    JURISDICTION = "jurisdiction", _("不属于本地管辖")
    OTHER = "other", _("其他不属于热线受理范围的诉求")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Category(models.Model):
    """An entry of the dispatch catalogue (派单目录): a kind of matter and who handles it.

    Open311 publishes active categories as its services (``code`` is the ``service_code``).
    """

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    group = models.CharField(_("分组"), max_length=50, blank=True)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(
        _("关键词"), max_length=500, blank=True, help_text=_("以空格或逗号分隔，用于推荐分类")
    )
    lead_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("主办部门"),
        on_delete=models.PROTECT,
        related_name="hotline_categories",
    )
    assisting_departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("协办部门"),
        blank=True,
        related_name="hotline_assisting_categories",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        raw = self.keywords.replace("，", " ").replace(",", " ").replace("、", " ")
        return [word for word in raw.split() if word]


class CategoryAttribute(models.Model):
    """An extra question of a category, published as an Open311 service definition attribute."""

    class Datatype(models.TextChoices):
        STRING = "string", _("短文本")
        NUMBER = "number", _("数字")
        DATETIME = "datetime", _("日期时间")
        TEXT = "text", _("长文本")
        SINGLE = "singlevaluelist", _("单选")
        MULTI = "multivaluelist", _("多选")

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.CharField(_("编码"), max_length=32, validators=[code_validator])
    description = models.CharField(_("问题"), max_length=200)
    datatype = models.CharField(_("数据类型"), max_length=20, choices=Datatype.choices)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    required = models.BooleanField(_("必填"), default=False)
    variable = models.BooleanField(_("需用户填写"), default=True)
    order = models.PositiveIntegerField(_("顺序"), default=1)
    values = models.JSONField(
        _("可选值"),
        default=list,
        blank=True,
        help_text=_('单选、多选的选项，如 [{"key": "1", "name": "是"}]'),
    )

    class Meta:
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="hotline_attribute_code_once")
        ]
        verbose_name = _("分类附加信息")
        verbose_name_plural = _("分类附加信息")

    def __str__(self) -> str:
        return f"{self.category} · {self.description}"

    def value_keys(self) -> set[str]:
        return {str(value.get("key")) for value in self.values if isinstance(value, dict)}


class Ticket(models.Model):
    """One call, message or partner request (工单) and everything that happens to it."""

    ticket_no = models.CharField(_("工单编号"), max_length=20, unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    description = models.TextField(_("诉求内容"))
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    # The caller: encrypted at rest, found by a keyed digest, masked on screen.
    caller_name = EncryptedCharField(_("来电人"), max_length=100, blank=True)
    caller_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    caller_phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    caller_email = EncryptedCharField(_("电子邮箱"), max_length=254, blank=True)
    caller_wants_anonymity = models.BooleanField(_("要求保密"), default=False)
    address = models.CharField(_("地点"), max_length=300, blank=True)
    address_id = models.CharField(_("地址编码"), max_length=64, blank=True)
    zipcode = models.CharField(_("邮政编码"), max_length=10, blank=True)
    lat = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    long = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    # Open311: the partner app that filed it and the token it was given.
    partner = models.ForeignKey(
        "Open311Partner",
        verbose_name=_("合作应用"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    token = models.CharField(_("受理令牌"), max_length=40, blank=True, db_index=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    # Handling.
    lead_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    received_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    due_date = models.DateField(_("办理时限"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    extended_workdays = models.PositiveIntegerField(_("延期工作日"), default=0)
    reply = models.TextField(_("答复内容"), blank=True)
    answered_on_spot = models.BooleanField(_("当场答复"), default=False)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时答复"), null=True, blank=True)
    callback_result = models.CharField(
        _("回访结果"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    refusal_reason = models.CharField(
        _("不予受理原因"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.TextField(_("不予受理说明"), blank=True)
    referral = models.CharField(_("告知去向"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="hotline_ticket_due"),
            models.Index(fields=["lead_department", "status"], name="hotline_ticket_dept"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=~Q(token=""), name="hotline_token_once"
            )
        ]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")

    def __str__(self) -> str:
        return self.ticket_no

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.caller_phone_digest = (
            crypto.digest(self.caller_phone, purpose="phone") if self.caller_phone else ""
        )
        if kwargs.get("update_fields") is not None and "caller_phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "caller_phone_digest"}
        super().save(*args, **kwargs)

    @property
    def masked_caller_name(self) -> str:
        return mask_name(self.caller_name)

    @property
    def masked_caller_phone(self) -> str:
        return mask_phone(self.caller_phone)

    @property
    def is_open(self) -> bool:
        return self.status not in {Status.CLOSED, Status.REFUSED, Status.MERGED}

    @property
    def reviewed(self) -> bool:
        """Seen by the hotline office: only then it has a public request id (Open311)."""
        return self.status != Status.RECEIVED

    def overdue(self, today: dt.date | None = None) -> bool:
        if self.due_date is None:
            return False
        if self.replied_at is not None:
            return not bool(self.replied_on_time)
        return (today or timezone.localdate()) > self.due_date and self.is_open


class Assignment(models.Model):
    """A department's part in a ticket: the lead department or an assisting one (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    class AssignmentStatus(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("已签收")
        RETURNED = "returned", _("已退单")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已撤回")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="hotline_assignments",
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    dispatched_at = models.DateTimeField(_("派单时间"), default=timezone.now)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    opinion = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["ticket", "-role", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="hotline_assign_inbox")]
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")

    def __str__(self) -> str:
        return f"{self.ticket} · {self.department} · {self.get_role_display()}"


class ReturnRequest(models.Model):
    """A department's request to send a ticket back (退单), reviewed by the hotline office."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("同意退单")
        REJECTED = "rejected", _("不同意退单")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="returns"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("退单部门"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("退单理由"))
    suggested_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("建议承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("审核结果"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["ticket", "requested_at"]
        verbose_name = _("退单")
        verbose_name_plural = _("退单")

    def __str__(self) -> str:
        return f"{self.ticket} · {self.department}"


class Extension(models.Model):
    """A request for more working days, made before the deadline, approved or refused."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("同意延期")
        REFUSED = "refused", _("不同意延期")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="extensions"
    )
    workdays = models.PositiveIntegerField(_("申请延期工作日"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("审批结果"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(decision="pending"),
                name="hotline_one_pending_extension",
            )
        ]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.ticket} · {self.workdays}"


class TicketEvent(models.Model):
    """One validated transition or note: the ticket's history."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["ticket", "at", "pk"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")

    def __str__(self) -> str:
        return f"{self.ticket} · {self.action}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"hotline/{timezone.localdate():%Y/%m}/{instance.sha256[:16]}-{filename[-80:]}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ticket", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class TicketSequence(models.Model):
    """The last ticket number given out on a day (a locked counter row)."""

    day = models.CharField(max_length=8, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}:{self.last}"


class KnowledgeAnswer(models.Model):
    """A ready answer to a common question, kept by the department that owns the matter."""

    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("维护部门"),
        on_delete=models.PROTECT,
        related_name="hotline_answers",
    )
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答复口径"))
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    items = models.ManyToManyField(
        "catalog.ItemImplementation",
        verbose_name=_("关联事项"),
        blank=True,
        related_name="hotline_answers",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    usage_count = models.PositiveIntegerField(_("使用次数"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-usage_count", "pk"]
        verbose_name = _("知识库答复")
        verbose_name_plural = _("知识库答复")

    def __str__(self) -> str:
        return self.question


class Open311Partner(models.Model):
    """A partner app that files requests over Open311 GeoReport v2 with its own api_key."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    contact = models.CharField(_("联系人及电话"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311合作应用")
        verbose_name_plural = _("Open311合作应用")

    def __str__(self) -> str:
        return self.name


class Open311Key(models.Model):
    """An api_key of a partner: shown once, stored as a keyed digest with a display prefix."""

    partner = models.ForeignKey(
        Open311Partner, verbose_name=_("合作应用"), on_delete=models.CASCADE, related_name="keys"
    )
    prefix = models.CharField(_("前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["partner", "-created_at"]
        verbose_name = _("Open311密钥")
        verbose_name_plural = _("Open311密钥")

    def __str__(self) -> str:
        return f"{self.partner} · {self.prefix}…"
