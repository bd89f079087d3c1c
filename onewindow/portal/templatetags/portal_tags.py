"""Template helpers of the public pages: time limits, badges, localised names, the centre."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemVersion, MaterialRequirement
from onewindow.org.models import ServiceCenter
from onewindow.portal import queries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

# What each level of online depth (网上可办程度) means for the applicant.
DEPTH_EXPLANATIONS: dict[int, StrOrPromise] = {
    ItemVersion.OnlineDepth.INFORMATION: _(
        "网上提供办事指南和表格下载，申请人须到办理地点提交材料。"
    ),
    ItemVersion.OnlineDepth.PRE_REVIEW: _(
        "可在网上提交申请材料进行预审，预审通过后到现场核验材料并办理。"
    ),
    ItemVersion.OnlineDepth.ONLINE_ACCEPTANCE: _(
        "可在网上提交申请并由部门在网上受理，仅在领取结果或核验原件时到现场一次。"
    ),
    ItemVersion.OnlineDepth.FULLY_ONLINE: _(
        "申请、受理、审查、决定和送达全程在网上完成，无需到现场。"
    ),
}

DEPTH_CLASSES: dict[int, str] = {
    ItemVersion.OnlineDepth.INFORMATION: "text-bg-secondary",
    ItemVersion.OnlineDepth.PRE_REVIEW: "text-bg-info",
    ItemVersion.OnlineDepth.ONLINE_ACCEPTANCE: "text-bg-primary",
    ItemVersion.OnlineDepth.FULLY_ONLINE: "text-bg-success",
}

DELIVERY_LABELS: dict[str, StrOrPromise] = {
    "pickup": _("窗口领取"),
    "mail": _("邮寄送达（证照寄送）"),
    "online": _("网上送达（电子证照）"),
}

# Material sources the applicant does not hand in (免提交): the platform fetches them.
REUSED_SOURCES = frozenset({MaterialRequirement.Source.SHARED, MaterialRequirement.Source.LICENCE})


@register.simple_tag
def time_limit(days: int | None, unit: str = ItemVersion.LimitUnit.WORKDAY) -> str:
    """A time limit with its unit: ``5个工作日`` or ``30日``."""
    if days is None:
        return str(_("法律未规定"))
    if unit == ItemVersion.LimitUnit.DAY:
        return ngettext("%(days)d日", "%(days)d日", days) % {"days": days}
    return ngettext("%(days)d个工作日", "%(days)d个工作日", days) % {"days": days}


@register.simple_tag
def search_max_length() -> int:
    return int(settings.ONEWINDOW_SEARCH_MAX_QUERY)


@register.simple_tag
def visits(count: int) -> str:
    return ngettext("%(count)d次", "%(count)d次", count) % {"count": count}


@register.filter
def depth_class(depth: int) -> str:
    return DEPTH_CLASSES.get(depth, "text-bg-secondary")


@register.filter
def depth_explanation(depth: int) -> str:
    return str(DEPTH_EXPLANATIONS.get(depth, ""))


@register.filter
def delivery_label(method: str) -> str:
    return str(DELIVERY_LABELS.get(method, method))


@register.filter
def is_reused(material: MaterialRequirement) -> bool:
    return material.source in REUSED_SOURCES


@register.filter
def local_name(obj: Any) -> str:
    """The English name of a theme, department or version when the page is in English."""
    language = get_language() or ""
    if language.startswith("en"):
        english = getattr(obj, "name_en", "")
        if english:
            return str(english)
    return str(getattr(obj, "name", obj))


@register.simple_tag(takes_context=True)
def service_center(context: template.Context) -> ServiceCenter | None:
    """The centre shown in the footer: the view's ``center`` if it set one, else one query."""
    if "center" in context:
        center: ServiceCenter | None = context["center"]
        return center
    return queries.current_center()
