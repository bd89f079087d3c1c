"""Open government (政务公开): proactive disclosure, requests on application, the annual report
and the complaints and exposure column (曝光纠错).

Proactive disclosure: each agency (an ``org.Department``) keeps a catalogue of ``Category``
rows; a ``Document`` (with its 文号, dates, validity and ``Attachment`` files) or an
``Interpretation`` passes draft → review → (scheduled →) published → withdrawn.

Requests on application follow the Regulations on the Disclosure of Government Information
(《中华人民共和国政府信息公开条例》, 2019): ``DisclosureRequest`` with its ``RequestEvent``
timeline, ``Consultation`` pauses (arts. 32, 34), ``RequestDocument`` PDFs and ``RemedyCase``
(administrative reconsideration and litigation, for the annual report). The deadline rules
are in ``deadlines.py``; the reply types and their reasons in ``replies.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import StoredFile
from onewindow.core.fields import EncryptedCharField
from onewindow.org.models import Department


class Sequence(models.Model):
    """Counters behind request, index and report numbers (one row per key)."""

    key = models.CharField(max_length=64, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"


# --------------------------------------------------------------------------- proactive


class CategoryKind(models.TextChoices):
    ORGANISATION = "organisation", _("机构职能")
    RULES = "rules", _("法规文件")
    PLANS = "plans", _("规划计划")
    BUDGETS = "budgets", _("财政预决算")
    LICENSING_PENALTIES = "licensing_penalties", _("行政许可和行政处罚")
    FEES = "fees", _("行政事业性收费")
    PUBLIC_SERVICES = "public_services", _("公共服务")
    EMERGENCIES = "emergencies", _("突发事件应对")
    OTHER = "other", _("其他")


class Category(models.Model):
    """One heading of an agency's disclosure catalogue (政府信息公开目录)."""

    agency = models.ForeignKey(
        Department,
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="disclosure_categories",
    )
    code = models.SlugField(_("栏目代码"), max_length=40)
    name = models.CharField(_("栏目名称"), max_length=100)
    kind = models.CharField(
        _("栏目类型"), max_length=24, choices=CategoryKind.choices, default=CategoryKind.OTHER
    )
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        ordering = ["agency", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="disclosure_category_code")
        ]
        verbose_name = _("公开目录栏目")
        verbose_name_plural = _("公开目录栏目")

    def __str__(self) -> str:
        return f"{self.agency.name} · {self.name}"


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    SCHEDULED = "scheduled", _("待定时发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Publishable(models.Model):
    """The publishing workflow shared by documents and interpretations."""

    agency = models.ForeignKey(
        Department, verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=300)
    summary = models.TextField(_("摘要"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=PublishStatus.choices,
        default=PublishStatus.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_length = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == PublishStatus.PUBLISHED


class DocumentKind(models.TextChoices):
    RULE = "rule", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    POLICY = "policy", _("其他政策文件")
    PLAN = "plan", _("规划计划")
    BUDGET = "budget", _("预算决算")
    NOTICE = "notice", _("通知公告")
    PENALTY = "penalty", _("行政处罚决定")
    ENFORCEMENT = "enforcement", _("行政强制决定")
    FEE = "fee", _("收费项目及标准")
    EMERGENCY = "emergency", _("突发事件信息")
    OTHER = "other", _("其他")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")
    EXPIRED = "expired", _("已失效")
    NOT_APPLICABLE = "n/a", _("不适用")


class Document(Publishable):
    """A document disclosed on the agency's own initiative (主动公开)."""

    agency = models.ForeignKey(
        Department,
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="disclosure_documents",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(
        _("文件类型"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.NOTICE
    )
    index_no = models.CharField(_("索引号"), max_length=40, blank=True, db_index=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    validity = models.CharField(
        _("效力状态"), max_length=10, choices=Validity.choices, default=Validity.NOT_APPLICABLE
    )
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    is_emergency = models.BooleanField(
        _("紧急通知"), default=False, help_text=_("发布后在首页置顶，直至撤回")
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status", "kind"], name="disclosure_doc_kind")]
        verbose_name = _("公开文件")
        verbose_name_plural = _("公开文件")

    def validity_on(self, day: dt.date) -> str:
        """The document's validity on ``day`` (in force, repealed, expired)."""
        if self.validity == Validity.NOT_APPLICABLE:
            return Validity.NOT_APPLICABLE
        if self.repealed_on and self.repealed_on <= day:
            return Validity.REPEALED
        if self.expires_on and self.expires_on < day:
            return Validity.EXPIRED
        if self.validity in (Validity.REPEALED, Validity.AMENDED) and not self.repealed_on:
            return self.validity
        return Validity.IN_FORCE


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("文字解读")
    CHART = "chart", _("图表解读")
    QA = "qa", _("问答解读")


class Interpretation(Publishable):
    """A policy interpretation (政策解读) of one or more documents."""

    agency = models.ForeignKey(
        Department,
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="disclosure_interpretations",
    )
    form = models.CharField(
        _("解读形式"), max_length=8, choices=InterpretationForm.choices, default="text"
    )
    documents = models.ManyToManyField(
        Document, verbose_name=_("所解读的文件"), related_name="interpretations", blank=True
    )
    qa = models.JSONField(_("问答"), default=list, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")


class Attachment(models.Model):
    """A file of a document (the text, an annex) or of an interpretation (a chart).

    The file itself is a ``cases.StoredFile``: uploaded through the platform's one upload
    path (type checked from the content, SHA-256, size limit).
    """

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    interpretation = models.ForeignKey(
        Interpretation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    stored = models.ForeignKey(
        StoredFile, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("附件名称"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, interpretation__isnull=True)
                | Q(document__isnull=True, interpretation__isnull=False),
                name="disclosure_attachment_owner",
            )
        ]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class SearchPosting(models.Model):
    """One term of one published document or interpretation, for BM25 ranking."""

    term = models.CharField(max_length=64)
    document = models.ForeignKey(
        Document, null=True, on_delete=models.CASCADE, related_name="postings"
    )
    interpretation = models.ForeignKey(
        Interpretation, null=True, on_delete=models.CASCADE, related_name="postings"
    )
    tf = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term"], name="disclosure_posting_term")]

    def __str__(self) -> str:
        return self.term


class Guide(models.Model):
    """An agency's disclosure guide (政府信息公开指南): office, channels, procedure."""

    agency = models.OneToOneField(
        Department,
        verbose_name=_("机关"),
        on_delete=models.PROTECT,
        related_name="disclosure_guide",
    )
    office = models.CharField(_("政府信息公开工作机构"), max_length=200, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)
    hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    reading_room = models.CharField(_("查阅场所"), max_length=200, blank=True)
    notes = models.TextField(_("补充说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开指南")
        verbose_name_plural = _("政府信息公开指南")

    def __str__(self) -> str:
        return self.agency.name


# --------------------------------------------------------------------------- on application


class ApplicantCategory(models.TextChoices):
    """The applicant columns of the annual report (国办公开办函〔2021〕30号)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    SOCIAL_WELFARE = "social_welfare", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER = "other", _("其他")


class RequestChannel(models.TextChoices):
    """How the application reached the agency (art. 31 sets the date of receipt by it)."""

    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    POST = "post", _("邮寄（需签收）")
    ORDINARY_MAIL = "ordinary_mail", _("平常信函")
    FAX = "fax", _("传真")


class DeliveryForm(models.TextChoices):
    PAPER_MAIL = "paper_mail", _("纸质文本·邮寄")
    PAPER_PICKUP = "paper_pickup", _("纸质文本·自行领取")
    EMAIL = "email", _("电子邮件")
    ONLINE = "online", _("网上获取")
    FAX = "fax", _("传真")
    ON_SITE = "on_site", _("当场阅读、抄录")


class RequestStatus(models.TextChoices):
    PROCESSING = "processing", _("办理中")
    AWAITING_CLARIFICATION = "awaiting_clarification", _("待申请人补正")
    CONSULTING = "consulting", _("征求意见中")
    REPLIED = "replied", _("已答复")
    ABANDONED = "abandoned", _("逾期未补正")
    WITHDRAWN = "withdrawn", _("申请人撤回")


OPEN_STATUSES = (
    RequestStatus.PROCESSING,
    RequestStatus.AWAITING_CLARIFICATION,
    RequestStatus.CONSULTING,
)


class DisclosureRequest(models.Model):
    """A request for government information on application (依申请公开)."""

    request_no = models.CharField(_("申请编号"), max_length=20, unique=True)
    agency = models.ForeignKey(
        Department,
        verbose_name=_("受理机关"),
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=RequestStatus.choices,
        default=RequestStatus.PROCESSING,
        db_index=True,
    )
    channel = models.CharField(_("申请渠道"), max_length=16, choices=RequestChannel.choices)

    # The applicant: encrypted at rest, masked on screen, never on a public page.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    applicant_kind = models.CharField(_("申请人类型"), max_length=12)
    applicant_category = models.CharField(
        _("申请人类别"), max_length=16, choices=ApplicantCategory.choices
    )
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_id_number = EncryptedCharField(_("证件号码"), max_length=18)
    applicant_id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    applicant_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    applicant_email = EncryptedCharField(_("电子邮箱"), max_length=200, blank=True)
    applicant_address = EncryptedCharField(_("通信地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    description = models.TextField(_("所需信息描述"))
    purpose = models.TextField(_("用途"), blank=True)
    delivery_form = models.CharField(_("获取方式"), max_length=16, choices=DeliveryForm.choices)
    objects_to_publication = models.BooleanField(_("不同意公开本申请"), default=False)

    # The clock (deadlines.py).
    submitted_at = models.DateTimeField(_("提交时间"))
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    clock_start = models.DateField(_("答复期限起算日"))
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    clock_provisional = models.BooleanField(_("按临时日历推算"), default=False)
    clarification_requested_on = models.DateField(_("告知补正日期"), null=True, blank=True)
    clarification_deadline = models.DateField(_("补正期限"), null=True, blank=True)
    clarification_items = models.TextField(_("需要补正的事项"), blank=True)
    clarified_on = models.DateField(_("收到补正日期"), null=True, blank=True)
    extension_workdays = models.PositiveSmallIntegerField(_("延长工作日数"), default=0)
    extended_on = models.DateField(_("延期日期"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("延期批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paused_workdays = models.PositiveSmallIntegerField(_("征求意见暂停工作日数"), default=0)

    # The outcome.
    reply_type = models.CharField(_("答复类型"), max_length=20, blank=True)
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    responsible_agency = models.CharField(_("负责公开的机关及联系方式"), max_length=300, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, db_index=True)
    result = models.CharField(_("年报统计口径"), max_length=40, blank=True)
    on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    public = models.BooleanField(_("公开本申请"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-request_no"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="disclosure_req_due"),
            models.Index(fields=["agency", "received_on"], name="disclosure_req_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_workdays__lte=20), name="disclosure_extension_max_20"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="disclosure_closed_after_received",
            ),
        ]
        verbose_name = _("依申请公开")
        verbose_name_plural = _("依申请公开")

    def __str__(self) -> str:
        return self.request_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reply_label(self) -> str:
        from .replies import REPLY_TYPES

        spec = REPLY_TYPES.get(self.reply_type)
        return str(spec.label) if spec else ""


EVENT_LABELS = {
    "file": _("收到申请"),
    "request_clarification": _("告知补正"),
    "clarify": _("收到补正"),
    "extend": _("延长答复期限"),
    "consult_third_party": _("征求意见（不计入答复期限）"),
    "third_party_replied": _("收到意见"),
    "consultation_lapsed": _("征求意见期满"),
    "reply": _("作出答复"),
    "withdraw": _("申请人撤回"),
    "abandon": _("逾期未补正，视为放弃申请"),
    "publish": _("公开本申请"),
    "unpublish": _("取消公开"),
}


class RequestEvent(models.Model):
    """One step of a request's timeline."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    on = models.DateField(_("日期"))
    action = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class ConsultationKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("征求第三方意见（第三十二条）")
    OTHER_AGENCY = "other_agency", _("征求其他机关意见（第三十四条）")


class Consultation(models.Model):
    """A consultation whose time (up to 15 working days) does not count (arts. 32–34)."""

    class Outcome(models.TextChoices):
        AGREES = "agrees", _("同意公开")
        OBJECTS = "objects", _("不同意公开")
        NO_REPLY = "no_reply", _("逾期未提出意见")

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="consultations"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ConsultationKind.choices)
    consultee = models.CharField(_("被征求意见方"), max_length=200)
    started_on = models.DateField(_("发出征求意见日期"))
    ended_on = models.DateField(_("收到意见日期"), null=True, blank=True)
    outcome = models.CharField(_("意见"), max_length=12, choices=Outcome.choices, blank=True)
    paused_workdays = models.PositiveSmallIntegerField(_("不计入期限的工作日"), default=0)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.consultee}"


class RequestDocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("政府信息公开申请登记回执")
    CLARIFICATION = "clarification", _("补正申请告知书")
    EXTENSION = "extension", _("延期答复告知书")
    CONSULTATION = "consultation", _("征求意见函")
    REPLY = "reply", _("政府信息公开申请答复书")


def _request_document_path(instance: RequestDocument, filename: str) -> str:
    return f"disclosure/requests/{instance.request.request_no}/{filename}"


class RequestDocument(models.Model):
    """A PDF kept with the request: the clarification notice, the extension notice, the reply."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="documents"
    )
    event = models.OneToOneField(
        RequestEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    kind = models.CharField(_("文书类型"), max_length=16, choices=RequestDocumentKind.choices)
    file = models.FileField(_("文件"), upload_to=_request_document_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("申请文书")
        verbose_name_plural = _("申请文书")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"


class RemedyCase(models.Model):
    """An administrative reconsideration or lawsuit about disclosure work (annual report 四)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", _("行政复议")
        LITIGATION_DIRECT = "litigation_direct", _("行政诉讼（未经复议直接起诉）")
        LITIGATION_AFTER = "litigation_after", _("行政诉讼（复议后起诉）")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("尚未审结")
        UPHELD = "upheld", _("结果维持")
        CORRECTED = "corrected", _("结果纠正")
        OTHER = "other", _("其他结果")

    agency = models.ForeignKey(
        Department, verbose_name=_("被申请机关"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        DisclosureRequest,
        verbose_name=_("相关申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remedies",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    filed_on = models.DateField(_("立案日期"))
    outcome = models.CharField(
        _("结果"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("行政复议和行政诉讼")
        verbose_name_plural = _("行政复议和行政诉讼")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


# --------------------------------------------------------------------------- annual report


class AnnualReport(models.Model):
    """The free-text sections of one year's report; its tables are computed from the records.

    ``agency`` empty: the report of the whole centre (every agency together).
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    agency = models.ForeignKey(
        Department,
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency"], name="disclosure_report_year_agency"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(agency=None), name="disclosure_report_year_centre"
            ),
        ]
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")

    def __str__(self) -> str:
        return f"{self.year}"


# --------------------------------------------------------------------------- exposure column


class ExposureStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待核实")
    ACCEPTED = "accepted", _("已受理，整改中")
    REJECTED = "rejected", _("不予受理")
    FIXED = "fixed", _("已整改")


class ExposureReport(models.Model):
    """A problem met while getting a service, reported by the public (曝光纠错)."""

    report_no = models.CharField(_("编号"), max_length=20, unique=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反映人"),
        on_delete=models.PROTECT,
        related_name="exposure_reports",
    )
    agency = models.ForeignKey(
        Department,
        verbose_name=_("涉及部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.CharField(_("办理的事项"), max_length=200, blank=True)
    title = models.CharField(_("问题标题"), max_length=100)
    description = models.TextField(_("问题描述"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ExposureStatus.choices,
        default=ExposureStatus.SUBMITTED,
        db_index=True,
    )
    response = models.TextField(_("处理意见"), blank=True)
    fix = models.TextField(_("整改情况"), blank=True)
    public = models.BooleanField(_("在曝光纠错栏目公开"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("反映时间"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("曝光纠错")
        verbose_name_plural = _("曝光纠错")

    def __str__(self) -> str:
        return self.report_no
