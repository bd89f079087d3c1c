"""The public pages of the online hall (网上办事大厅). Everything here is open to anyone.

Views parse the request, call ``catalog.queries`` or ``portal.queries`` and render. The pages
marked ``cache_public_page`` show only catalog and org rows and the pinned emergency notices
(all tracked by ``core.page_cache``) and are served to anonymous visitors from the shared
cache.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from onewindow.catalog import queries as catalog
from onewindow.catalog.models import Audience, ItemImplementation, ItemVersion
from onewindow.core.csrf import same_origin_post
from onewindow.core.page_cache import cache_public_page
from onewindow.identity.access import public

from . import queries, services
from .forms import AUDIENCE_CHOICES, ITEM_TYPE_CHOICES, ONLINE_DEPTH_CHOICES, ItemSearchForm
from .templatetags.portal_tags import ELDERLY_COOKIE

PAGE_SIZE = 20
# Page numbers above this are treated as "past the end" (and show the last page).
MAX_PAGE = 10_000
HOME_ONLINE_ITEMS = 6
# Codes longer than the column cannot exist; answer 404 without asking the database.
MAX_CODE_LENGTH = 40


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


@public
@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    online = catalog.find_items(
        catalog.ItemFilters(online_depth=ItemVersion.OnlineDepth.FULLY_ONLINE),
        limit=HOME_ONLINE_ITEMS,
    )
    context: dict[str, Any] = {
        "person_themes": catalog.themes_with_counts(Audience.PERSON),
        "enterprise_themes": catalog.themes_with_counts(Audience.ENTERPRISE),
        "departments": catalog.departments_with_counts(),
        "online_items": online.results,
        "center": queries.current_center(),
    }
    return render(request, "portal/home.html", context)


@public
@require_safe
@cache_public_page
def item_list(request: HttpRequest) -> HttpResponse:
    form = ItemSearchForm(request.GET)
    results: list[ItemImplementation] = []
    page: Page[int] | None = None
    if form.is_valid():
        filters = form.filters()
        number = _page_number(request.GET.get("page"))
        found = catalog.find_items(filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        # A paginator over the count alone: it clamps the number and draws the page links.
        page = Paginator(range(found.total), PAGE_SIZE).get_page(number)
        if page.number != number:  # past the end: show the last page instead
            found = catalog.find_items(
                filters, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
        results = found.results
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number) if page else [],
        "htmx": _is_htmx(request),
    }
    if context["htmx"]:
        response = render(request, "portal/includes/item_results.html", context)
    else:
        context.update(
            departments=catalog.departments_with_counts(),
            person_themes=catalog.themes_with_counts(Audience.PERSON),
            enterprise_themes=catalog.themes_with_counts(Audience.ENTERPRISE),
            item_types=ITEM_TYPE_CHOICES,
            online_depths=ONLINE_DEPTH_CHOICES,
            audiences=AUDIENCE_CHOICES,
        )
        response = render(request, "portal/item_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@public
@require_safe
@cache_public_page
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    implementation = catalog.get_guide(code) if len(code) <= MAX_CODE_LENGTH else None
    if implementation is None:
        raise Http404("unknown or unpublished item")
    version = implementation.current_version
    assert version is not None  # get_guide() returns published items only
    stages = list(version.stages.all())
    context: dict[str, Any] = {
        "implementation": implementation,
        "version": version,
        "materials": list(version.materials.all()),
        "fees": list(version.fees.all()),
        "stages": stages,
        "themes": list(version.themes.all()),
        "has_parallel": any(stage.parallel for stage in stages),
        "may_apply_online": services.may_apply_online(version),
    }
    return render(request, "portal/item_detail.html", context)


@public
@require_safe
@cache_public_page
def item_history(request: HttpRequest, code: str) -> HttpResponse:
    implementation = queries.published_item(code) if len(code) <= MAX_CODE_LENGTH else None
    if implementation is None:
        raise Http404("unknown or unpublished item")
    context: dict[str, Any] = {
        "implementation": implementation,
        "version": implementation.current_version,
        "versions": catalog.item_history(implementation),
    }
    return render(request, "portal/item_history.html", context)


@public
@require_safe
@cache_public_page
def department_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/department_list.html", {"departments": catalog.departments_with_counts()}
    )


@public
@require_safe
@cache_public_page
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    department = queries.active_department(code)
    if department is None:
        raise Http404("unknown department")
    context: dict[str, Any] = {
        "department": department,
        "items": queries.department_items(department),
        "powers": catalog.power_list(department),
        "duties": catalog.duty_list(department),
    }
    return render(request, "portal/department_detail.html", context)


@public
@require_safe
@cache_public_page
def themes(request: HttpRequest, audience: str) -> HttpResponse:
    context: dict[str, Any] = {
        "audience": audience,
        "themes": catalog.themes_with_counts(audience),
    }
    return render(request, "portal/themes.html", context)


@public
@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    """Public progress lookup by case number and query code (no login, no personal data)."""
    from onewindow.cases import queries as case_queries

    case_no = (request.GET.get("case_no") or "").strip()[:32]
    query_code = (request.GET.get("query_code") or "").strip()[:12]
    context: dict[str, Any] = {"case_no": case_no, "query_code": query_code}
    if case_no and query_code:
        case = case_queries.public_lookup(case_no, query_code)
        if case is None:
            context["error"] = _("办件编号或查询码不正确")
        else:
            context["case"] = case  # with its current stage, read in the same query
    elif request.GET:
        context["error"] = _("请填写办件编号和查询码")
    response = render(request, "portal/progress.html", context)
    response["Cache-Control"] = "no-store"
    return response


# Elderly mode (适老化): larger type, higher contrast, a simpler layout. A cookie, so that it
# works before signing in; the page's <body> carries the class (see ``portal_tags``).
ELDERLY_COOKIE_AGE = 365 * 24 * 3600


@public
@same_origin_post  # the switch is on cached pages, which carry no CSRF token
@require_POST
def elderly_mode(request: HttpRequest) -> HttpResponseRedirect:
    """Switch elderly mode on (``enabled=1``) or off and go back to the page it was asked on."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    if request.POST.get("enabled") == "1":
        response.set_cookie(
            ELDERLY_COOKIE,
            "1",
            max_age=ELDERLY_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    return response
