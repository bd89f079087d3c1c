"""Organisation: regions, departments, service centres, windows and staff posts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

region_code_validator = RegexValidator(r"^\d{6}$", _("区划代码应为6位数字（GB/T 2260）"))
department_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,15}$", _("部门代码应为2–16位大写字母或数字，以字母开头")
)


class Region(models.Model):
    """An administrative division, coded by GB/T 2260 (or the statistical code of a zone)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        ZONE = "zone", _("开发区")
        TOWNSHIP = "township", _("乡镇（街道）")

    code = models.CharField(
        _("区划代码"), max_length=6, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    statistical_code = models.BooleanField(
        _("统计用区划代码"),
        default=False,
        help_text=_("开发区等不在 GB/T 2260 中的区域，使用国家统计局统计用区划代码"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(models.Model):
    """A government department (or a vertically managed body) that implements items."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府工作部门")
        VERTICAL = "vertical", _("垂直管理部门")
        BRANCH = "branch", _("派出机构（分局）")
        APPROVAL_BUREAU = "approval_bureau", _("行政审批局")
        OTHER = "other", _("其他单位")

    code = models.CharField(
        _("部门代码"), max_length=16, unique=True, validators=[department_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    description = models.TextField(_("职能简介"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=50, blank=True)
    website = models.URLField(_("网站"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class ServiceCenter(models.Model):
    """A government service centre (政务服务中心) with its hall."""

    code = models.CharField(
        _("中心代码"), max_length=16, unique=True, validators=[department_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="centers"
    )
    address = models.CharField(_("地址"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=50, blank=True)
    hours = models.TextField(_("办公时间"), blank=True)
    transport = models.TextField(_("交通指引"), blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("政务服务中心")
        verbose_name_plural = _("政务服务中心")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter in a hall: a department's own window or a general window (综合窗口)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("综合窗口（一窗受理）")
        DEPARTMENT = "department", _("部门窗口")
        DELIVERY = "delivery", _("统一出件窗口")
        CONSULTATION = "consultation", _("咨询导办")
        PROXY = "proxy", _("帮办代办")

    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("政务服务中心"),
        on_delete=models.CASCADE,
        related_name="windows",
    )
    number = models.CharField(_("窗口号"), max_length=10)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("进驻部门"),
        blank=True,
        related_name="windows",
        help_text=_("部门窗口所属部门；综合窗口可为空（受理全部事项）或限定为某一领域的部门"),
    )
    area = models.CharField(
        _("区域"), max_length=100, blank=True, help_text=_("如：一楼工程建设类综合窗口区")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["center", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="org_window_number_unique")
        ]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class Post(models.Model):
    """A staff post: a role held in a department, optionally at one window."""

    class Role(models.TextChoices):
        WINDOW_CLERK = "window_clerk", _("窗口受理人员")
        HANDLER = "handler", _("承办人")
        REVIEWER = "reviewer", _("审核人")
        APPROVER = "approver", _("审批人")
        DEPARTMENT_HEAD = "department_head", _("部门负责人")
        CHIEF_REPRESENTATIVE = "chief_representative", _("首席代表")

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=100)
    role = models.CharField(_("岗位角色"), max_length=30, choices=Role.choices)
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("在岗人员"), blank=True, related_name="posts"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["department", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="org_post_name_unique")
        ]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self) -> str:
        return f"{self.department.short_name or self.department.name}·{self.name}"
