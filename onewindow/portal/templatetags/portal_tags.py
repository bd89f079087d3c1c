"""Template helpers of the public pages: time limits, badges, localised names, the centre."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemVersion, MaterialRequirement
from onewindow.org.models import ServiceCenter
from onewindow.portal import queries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

ELDERLY_COOKIE = "ow_elderly"  # set by ``portal.views.elderly_mode``

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
    """The centre shown in the footer: the view's ``center`` if it set one, else the one
    this process remembers (``queries.footer_center``: a query only after a change)."""
    if "center" in context:
        center: ServiceCenter | None = context["center"]
        return center
    return queries.footer_center()


# --- The applicant's pages ----------------------------------------------------------------------

STATUS_CLASSES: dict[str, str] = {
    "submitted": "text-bg-primary",
    "corrections_requested": "text-bg-warning",
    "accepted": "text-bg-info",
    "in_review": "text-bg-info",
    "suspended": "text-bg-secondary",
    "granted": "text-bg-success",
    "denied": "text-bg-danger",
    "rejected": "text-bg-danger",
    "completed": "text-bg-success",
    "withdrawn": "text-bg-light border",
    "terminated": "text-bg-dark",
}

# What each action of the case engine means to the applicant (the timeline).
EVENT_LABELS: dict[str, StrOrPromise] = {
    "submit": _("提交申请"),
    "accept": _("受理"),
    "reject": _("不予受理"),
    "request_corrections": _("一次性告知补正材料"),
    "resubmit": _("补正后重新提交"),
    "complete_task": _("环节办理完成"),
    "grant": _("准予许可"),
    "deny": _("不予许可"),
    "suspend": _("进入特别程序（暂停计时）"),
    "resume": _("特别程序结束（恢复计时）"),
    "deliver": _("送达，办结"),
    "withdraw": _("撤回申请"),
    "terminate": _("终止办理"),
}

TASK_STATUS_CLASSES: dict[str, str] = {
    "waiting": "text-bg-light border",
    "active": "text-bg-primary",
    "completed": "text-bg-success",
    "cancelled": "text-bg-secondary",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def task_status_class(status: str) -> str:
    return TASK_STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def file_size(size: int | None) -> str:
    """``2.4 MB``, ``512 KB`` or ``80 B``."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


@register.simple_tag(takes_context=True)
def elderly_mode(context: template.Context) -> bool:
    """Whether the visitor switched elderly mode (适老化) on: a cookie, no account needed."""
    request = context.get("request")
    cookies = getattr(request, "COOKIES", {})
    return cookies.get(ELDERLY_COOKIE) == "1"


@register.simple_tag(takes_context=True)
def unread_message_count(context: template.Context) -> int:
    """Unread messages of the signed-in applicant, for the header (0 for anyone else)."""
    user = context.get("user")
    if user is None or not user.is_authenticated or user.kind == "staff":
        return 0
    return queries.unread_count(user)


# The staff areas in the header's menu, in order: (URL name, label, icon). A link is shown
# when the view's own access rule admits the user, so the menu never offers a refused page.
STAFF_AREAS = (
    ("workbench:inbox", _("工作台"), "bi-briefcase"),
    ("hotline:console", _("热线受理"), "bi-telephone"),
    ("hotline:inbox", _("热线工单"), "bi-inboxes"),
    ("supervision:dashboard", _("电子监察"), "bi-speedometer2"),
    ("evaluation:staff_list", _("好差评"), "bi-hand-thumbs-up"),
    ("licences:staff_list", _("电子证照"), "bi-patch-check"),
    ("disclosure:manage", _("政务公开"), "bi-megaphone"),
)


@register.simple_tag(takes_context=True)
def staff_areas(context: template.Context) -> list[dict[str, Any]]:
    """The staff areas the signed-in user may open, for the header."""
    from django.urls import NoReverseMatch, resolve, reverse

    from onewindow.identity.access import rule_of

    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    current = getattr(request.resolver_match, "namespace", "")
    areas = []
    for name, label, icon in STAFF_AREAS:
        try:
            url = reverse(name)
        except NoReverseMatch:  # the app is not installed
            continue
        rule = rule_of(resolve(url).func)
        if rule is not None and rule.allows(user):
            areas.append(
                {
                    "url": url,
                    "label": label,
                    "icon": icon,
                    "active": current == name.split(":", 1)[0] and url == request.path,
                }
            )
    return areas


# --- Remembered layout fragments ----------------------------------------------------------------

# Distinct renderings one ``remember`` block keeps (one per language, page and centre at most).
REMEMBER_LIMIT = 256


class RememberNode(template.Node):
    """Renders its body once per language, URL prefix and set of values, then answers the
    same text: see ``remember``."""

    def __init__(self, nodelist: NodeList, values: dict[str, FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        # Kept by the node, so a template reloaded in development starts afresh.
        self.rendered: dict[tuple[object, ...], SafeString] = {}

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = (get_language(), get_script_prefix(), *values.items())
        found = self.rendered.get(key)
        if found is None:
            # The body rendered by the template engine, escaped as it went: safe as it is.
            found = mark_safe(self.nodelist.render(context.new(values)))  # noqa: S308
            if len(self.rendered) >= REMEMBER_LIMIT:
                self.rendered.clear()
            self.rendered[key] = found
        return found


@register.tag
def remember(parser: Parser, token: Token) -> RememberNode:
    """``{% remember name=value … %}…{% endremember %}``: a part of the layout rendered once
    per process for each language and each set of the named values, then served as text.

    The header and footer are on every page, and rendering their links (``{% url %}``) and
    labels (``{% translate %}``) again for each request cost more than the progress page's
    own content. The body sees *only* the named values (as ``include … only`` would), so it
    cannot pick up anything of the request or the visitor that is not in the key: a value
    the body uses but the tag does not name renders empty, never another visitor's. Name
    only short, hashable values (strings, not rows: a row's fields, so a changed row is a new
    key); no blocks, forms with tokens or per-visitor content inside. ``{% url %}`` inside
    gives the same link on every page (no app of ours is installed under two namespaces)."""
    values: dict[str, FilterExpression] = {}
    for bit in token.split_contents()[1:]:
        name, sep, expression = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError(f"remember takes name=value arguments, not {bit!r}")
        values[name] = parser.compile_filter(expression)
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(nodelist, values)
