"""The service catalog: items, their implementations and the versioned service guides.

* ``ServiceItem`` is the basic catalogue entry (基本目录), one per national item code.
* ``ItemImplementation`` is one department's implementation of it in one region (实施清单);
  its ``implementation_code`` is the public ``code`` of the API.
* ``ItemVersion`` holds every field of the service guide. A published version is never edited:
  a change is a new version (``services.start_new_version`` / ``services.publish_version``),
  and cases keep the version they were filed under.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.org.models import Department, Region, ServiceCenter

basic_code_validator = RegexValidator(r"^[0-9A-Z]{12}$", _("事项编码应为12位数字或大写字母"))


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    BENEFIT = "benefit", _("行政给付")
    CONFIRMATION = "confirmation", _("行政确认")
    LEVY = "levy", _("行政征收")
    AWARD = "award", _("行政奖励")
    RULING = "ruling", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


# Item types that are administrative powers and so belong on a department's power list.
POWER_TYPES = frozenset(ItemType.values) - {ItemType.PUBLIC_SERVICE.value}


class Audience(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("法人")
    BOTH = "both", _("个人和法人")


class Theme(models.Model):
    """A browsing theme (主题分类), for persons or for enterprises."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    audience = models.CharField(_("服务对象"), max_length=12, choices=Audience.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        ordering = ["audience", "sort_order", "code"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return f"{self.get_audience_display()}·{self.name}"


class ServiceItem(models.Model):
    """A basic catalogue entry (基本目录): the same item and code in every region."""

    basic_code = models.CharField(
        _("事项编码"), max_length=12, unique=True, validators=[basic_code_validator]
    )
    national_code = models.BooleanField(
        _("国家统一编码"),
        default=False,
        help_text=_("编码取自国家政务服务事项基本目录；否则为本平台临时编码（Z开头），待替换"),
    )
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)

    class Meta:
        ordering = ["basic_code"]
        verbose_name = _("基本目录事项")
        verbose_name_plural = _("基本目录事项")

    def __str__(self) -> str:
        return f"{self.name}（{self.basic_code}）"


class ItemImplementation(models.Model):
    """One department's implementation of an item in one region (实施清单)."""

    implementation_code = models.CharField(_("实施编码"), max_length=40, unique=True)
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("基本目录事项"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("实施部门"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("实施区划"), on_delete=models.PROTECT, related_name="implementations"
    )
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("进驻中心"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementations",
    )
    current_version = models.OneToOneField(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["implementation_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "department", "region"], name="catalog_impl_unique"
            ),
        ]
        verbose_name = _("实施清单事项")
        verbose_name_plural = _("实施清单事项")

    def __str__(self) -> str:
        return self.implementation_code

    @property
    def code(self) -> str:
        return self.implementation_code

    @staticmethod
    def make_code(basic_code: str, region_code: str, department_code: str) -> str:
        """The implementation code rule (docs/adr/0003-item-codes.md)."""
        return f"{basic_code}-{region_code}-{department_code}"


class ItemVersion(models.Model):
    """One version of an implementation's service guide (办事指南)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被替代")
        WITHDRAWN = "withdrawn", _("已停用")

    class Handling(models.TextChoices):
        INSTANT = "instant", _("即办件")
        PROMISED = "promised", _("承诺件")
        ESCALATED = "escalated", _("上报件")

    class LimitUnit(models.TextChoices):
        WORKDAY = "workday", _("工作日")
        DAY = "day", _("日")

    class OnlineDepth(models.IntegerChoices):
        INFORMATION = 1, _("一级：在线办事指南")
        PRE_REVIEW = 2, _("二级：网上预审")
        ONLINE_ACCEPTANCE = 3, _("三级：网上受理")
        FULLY_ONLINE = 4, _("四级：全程网办")

    implementation = models.ForeignKey(
        ItemImplementation,
        verbose_name=_("实施清单事项"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    name = models.CharField(_("事项名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    summary = models.TextField(_("事项简介"), blank=True)
    audience = models.CharField(
        _("服务对象"), max_length=12, choices=Audience.choices, default=Audience.BOTH
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("主题"), blank=True, related_name="versions"
    )
    handling = models.CharField(
        _("办件类型"), max_length=12, choices=Handling.choices, default=Handling.PROMISED
    )

    legal_basis = models.TextField(_("设定依据"))
    conditions = models.TextField(_("受理条件"))
    statutory_days = models.PositiveSmallIntegerField(
        _("法定办结时限"),
        null=True,
        blank=True,
        help_text=_("自受理次日起计算；法律未规定时限的留空"),
    )
    statutory_unit = models.CharField(
        _("法定时限单位"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.WORKDAY
    )
    statutory_note = models.CharField(
        _("法定时限说明"),
        max_length=300,
        blank=True,
        help_text=_("如：经负责人批准可延长10个工作日"),
    )
    promised_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"), default=0, help_text=_("即办件为0")
    )
    online_depth = models.PositiveSmallIntegerField(
        _("网上可办程度"),
        choices=OnlineDepth.choices,
        default=OnlineDepth.INFORMATION,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    visits_required = models.PositiveSmallIntegerField(_("到现场次数"), default=1)

    location = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=300, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=100, blank=True)
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_validity = models.CharField(_("结果有效期"), max_length=200, blank=True)
    delivery_methods = models.JSONField(
        _("结果送达方式"),
        default=list,
        blank=True,
        help_text=_("pickup 窗口领取、mail 邮寄、online 网上送达"),
    )
    form_schema = models.JSONField(_("申请表单（JSON Schema）"), default=dict, blank=True)
    faq = models.JSONField(
        _("常见问题"), default=list, blank=True, help_text=_('格式：[{"q": "问题", "a": "解答"}]')
    )
    keywords = models.CharField(
        _("检索关键词"), max_length=300, blank=True, help_text=_("以空格分隔的别名或俗称")
    )

    change_note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["implementation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "number"], name="catalog_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=Q(status="published"),
                name="catalog_one_published_version",
            ),
            models.CheckConstraint(
                condition=~Q(online_depth=4) | Q(visits_required=0),
                name="catalog_full_online_no_visit",
            ),
        ]
        verbose_name = _("办事指南版本")
        verbose_name_plural = _("办事指南版本")

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def instant(self) -> bool:
        return self.handling == self.Handling.INSTANT

    @property
    def is_free(self) -> bool:
        return not self.fees.exists()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.online_depth == self.OnlineDepth.FULLY_ONLINE and self.visits_required != 0:
            errors.setdefault("visits_required", []).append(
                str(_("全程网办（四级）事项的到现场次数必须为0"))
            )
        if self.handling == self.Handling.INSTANT and self.promised_days != 0:
            errors.setdefault("promised_days", []).append(str(_("即办件的承诺时限应为0个工作日")))
        if self.handling != self.Handling.INSTANT and self.promised_days == 0:
            errors.setdefault("promised_days", []).append(str(_("承诺件和上报件须填写承诺时限")))
        if (
            self.statutory_days is not None
            and self.statutory_unit == self.LimitUnit.WORKDAY
            and self.promised_days > self.statutory_days
        ):
            errors.setdefault("promised_days", []).append(str(_("承诺时限不得超过法定时限")))
        if self.form_schema and self.form_schema.get("type", "object") != "object":
            errors.setdefault("form_schema", []).append(str(_("申请表单的顶层类型必须为 object")))
        if not isinstance(self.faq, list) or any(
            not isinstance(entry, dict) or not {"q", "a"} <= entry.keys() for entry in self.faq
        ):
            errors.setdefault("faq", []).append(str(_('常见问题须为 [{"q": …, "a": …}] 列表')))
        allowed_delivery = {"pickup", "mail", "online"}
        if (
            not isinstance(self.delivery_methods, list)
            or not set(self.delivery_methods) <= allowed_delivery
        ):
            errors.setdefault("delivery_methods", []).append(
                str(_("送达方式只能是 pickup、mail、online"))
            )
        if errors:
            raise ValidationError(errors)


def _material_upload_to(instance: MaterialRequirement, filename: str) -> str:
    return f"catalog/materials/{instance.version.implementation_id}/{filename}"


class MaterialRequirement(models.Model):
    """A material the applicant provides (申请材料)."""

    class Original(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        BOTH = "both", _("原件和复印件")

    class Format(models.TextChoices):
        PAPER = "paper", _("纸质")
        ELECTRONIC = "electronic", _("电子")
        BOTH = "both", _("纸质或电子")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人自备")
        SHARED = "shared", _("共享获取（免提交）")
        LICENCE = "licence", _("电子证照库")
        GOVERNMENT = "government", _("政府部门核发")

    version = models.ForeignKey(
        ItemVersion,
        verbose_name=_("办事指南版本"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    original = models.CharField(
        _("原件/复印件"), max_length=10, choices=Original.choices, default=Original.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    format = models.CharField(
        _("材料形式"), max_length=12, choices=Format.choices, default=Format.BOTH
    )
    source = models.CharField(
        _("来源渠道"), max_length=12, choices=Source.choices, default=Source.APPLICANT
    )
    basis = models.CharField(_("填报依据"), max_length=300, blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to=_material_upload_to, blank=True)
    sample = models.FileField(_("示例样表"), upload_to=_material_upload_to, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee and its basis (收费标准). An item without fee rows is free."""

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("办事指南版本"), on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("收费项目"), max_length=200)
    amount = models.CharField(_("收费标准"), max_length=200, help_text=_("如：住宅80元/件"))
    basis = models.CharField(_("收费依据"), max_length=300)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"


class ProcessStage(models.Model):
    """One stage of the process template (办理流程): handle → review → approve.

    A stage with several departments and ``parallel`` fans out to all of them at once
    (并联审批); the next stage starts when every branch has finished.
    """

    class Role(models.TextChoices):
        HANDLE = "handler", _("承办")
        REVIEW = "reviewer", _("审核")
        APPROVE = "approver", _("审批")

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("办事指南版本"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("环节名称"), max_length=100)
    role = models.CharField(_("办理角色"), max_length=10, choices=Role.choices)
    departments = models.ManyToManyField(Department, verbose_name=_("办理部门"), related_name="+")
    parallel = models.BooleanField(_("并联办理"), default=False)
    days = models.PositiveSmallIntegerField(_("环节时限（工作日）"), default=1)
    description = models.CharField(_("环节说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """An entry of a department's duty list (责任清单)."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="duties"
    )
    implementation = models.ForeignKey(
        ItemImplementation,
        verbose_name=_("对应事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duties",
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("责任事项"), max_length=200)
    content = models.TextField(_("责任内容"))
    basis = models.TextField(_("依据"), blank=True)
    accountability = models.TextField(_("追责情形"), blank=True)

    class Meta:
        ordering = ["department", "position", "id"]
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单")

    def __str__(self) -> str:
        return self.title


class SynonymGroup(models.Model):
    """Words that mean the same to a searcher, e.g. 营业执照 / 工商登记 / 企业登记."""

    terms = models.CharField(
        _("同义词"), max_length=500, help_text=_("以空格或逗号分隔，如：营业执照 工商登记")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")

    def __str__(self) -> str:
        return self.terms

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from . import search  # the index module imports the models

        search.bump_generation()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        from . import search

        search.bump_generation()
        return result

    def term_list(self) -> list[str]:
        return [t for t in self.terms.replace("，", " ").replace(",", " ").split() if t]


class SearchDocument(models.Model):
    """The indexed form of an implementation's current version (BM25 document length)."""

    implementation = models.OneToOneField(
        ItemImplementation, on_delete=models.CASCADE, related_name="search_document"
    )
    length = models.FloatField()
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.implementation_id}: {self.length}"


class SearchPosting(models.Model):
    """One term of one document.

    ``tf`` is the field-weighted term frequency; ``score`` is its BM25 term-frequency part,
    normalised by document length against the average length at indexing time, so that a query
    only sums ``idf × score`` over postings (the norms are refreshed when the average drifts).
    """

    term = models.CharField(max_length=64)
    implementation = models.ForeignKey(
        ItemImplementation, on_delete=models.CASCADE, related_name="+"
    )
    tf = models.FloatField()
    score = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "implementation", "score"], name="catalog_posting_term"),
            models.Index(fields=["implementation"], name="catalog_posting_impl"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.implementation_id}"


class SearchStats(models.Model):
    """Corpus figures of the index: one row (``key="bm25"``)."""

    key = models.CharField(max_length=20, unique=True)
    documents = models.PositiveIntegerField(default=0)
    average_length = models.FloatField(default=0.0)
    normalised_with = models.FloatField(default=0.0, help_text="average length the scores use")
    generation = models.PositiveBigIntegerField(
        default=0, help_text="a new random value on every index change; keys the search caches"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.documents} documents"
