"""Open311 GeoReport v2 at ``/open311/v2/`` (API.md "Hotline"): discovery, services, service
definitions, requests (GET, and POST with a partner's ``api_key``), a request by id, tokens;
every resource as ``.json`` and ``.xml``; errors in the specification's format,
``[{"code": 400, "description": "…"}]`` / ``<errors><error><code/><description/></error></errors>``.

Requests from partner apps wait for the hotline office (services are of type ``batch``): POST
answers with a ``token``; once the office has reviewed the request (accepted, refused or
merged) ``tokens/{token}`` gives its ``service_request_id``. Reads are public and never show
the caller; descriptions and locations are published only for requests filed through Open311
itself, never for reports (举报) or callers who asked for confidentiality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring  # writing only

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from onewindow.identity.access import public

from . import services
from .models import Category, Channel, Kind, Status, Ticket

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00+08:00"
MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
CLOSED = (Status.CLOSED, Status.REFUSED, Status.MERGED)
# Element names of list items in the XML form.
XML_ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# --- rendering -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: Element, key: str, value: Any) -> None:
    node = SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child in value.items():
            _fill(node, child_key, child)
    elif isinstance(value, list):
        item_name = XML_ITEMS.get(key, "item")
        for item in value:
            _fill(node, item_name, item)
    else:
        node.text = _text(value)


def render(fmt: str, body: Any, root: str, item: str = "", status: int = 200) -> HttpResponse:
    """``body`` as JSON, or as XML under ``root`` (a list becomes ``item`` elements)."""
    if fmt == "json":
        return JsonResponse(
            body,
            safe=False,
            status=status,
            json_dumps_params={"ensure_ascii": False},
            content_type=CONTENT_TYPES["json"],
        )
    element = Element(root)
    if isinstance(body, list):
        for entry in body:
            _fill(element, item, entry)
    else:
        for key, value in body.items():
            _fill(element, key, value)
    xml = tostring(element, encoding="unicode")
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + xml,
        status=status,
        content_type=CONTENT_TYPES["xml"],
    )


def error(fmt: str, code: int, description: str) -> HttpResponse:
    return render(fmt, [{"code": code, "description": description}], "errors", "error", code)


def endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer ``Open311Error`` in the specification's error format."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            _check_jurisdiction(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.code, exc.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _check_jurisdiction(request: HttpRequest) -> None:
    ours: str = settings.HOTLINE_OPEN311_JURISDICTION
    given = (
        request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    ).strip()
    if ours and given and given != ours:
        raise Open311Error(404, _("jurisdiction_id 不存在：%(j)s") % {"j": given[:64]})


def _w3(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# --- discovery and services ------------------------------------------------------------------


@public
@require_safe
@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the GeoReport v2 endpoint is and what it speaks."""
    center = settings.ONEWINDOW_CENTER_NAME or _("政务服务中心")
    body = {
        "changeset": CHANGESET,
        "contact": _("%(c)s 12345热线") % {"c": center},
        "key_service": _("合作应用请向政务服务中心系统管理员申请 api_key"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, body, "discovery")


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": category.has_attributes,  # type: ignore[attr-defined]
        "type": "batch",
        "keywords": ", ".join(category.keyword_list()),
        "group": category.group,
    }


def _categories() -> Any:
    from django.db.models import Exists, OuterRef

    from .models import CategoryAttribute

    return Category.objects.filter(is_active=True).annotate(
        has_attributes=Exists(CategoryAttribute.objects.filter(category=OuterRef("pk")))
    )


@public
@require_safe
@endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List: the active categories of the dispatch catalogue."""
    return render(fmt, [_service(c) for c in _categories()], "services", "service")


def _category(code: str) -> Category:
    category = _categories().filter(code=code[:32]).first()
    if category is None:
        raise Open311Error(404, _("service_code 不存在：%(c)s") % {"c": code[:32]})
    return category


@public
@require_safe
@endpoint
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    """GET Service Definition: the attributes a request of this service may carry."""
    category = _category(service_code)
    body = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [
                    {"key": value.get("key"), "name": value.get("name")}
                    for value in attribute.values
                    if isinstance(value, dict)
                ],
            }
            for attribute in category.attributes.all()
        ],
    }
    return render(fmt, body, "service_definition")


# --- service requests ------------------------------------------------------------------------


def _published(ticket: Ticket) -> bool:
    """May the description and location of ``ticket`` be shown to anyone?"""
    return (
        ticket.channel == Channel.OPEN311
        and ticket.kind != Kind.REPORT
        and not ticket.caller_wants_anonymity
    )


def _status_notes(ticket: Ticket) -> str:
    if ticket.status == Status.REFUSED:
        return _("不予受理：%(r)s。%(w)s") % {
            "r": ticket.get_refusal_reason_display(),
            "w": ticket.referral,
        }
    if ticket.status == Status.MERGED and ticket.merged_into is not None:
        return _("已并入工单 %(n)s 办理") % {"n": ticket.merged_into.ticket_no}
    if ticket.status in {Status.REPLIED, Status.CLOSED} and _published(ticket):
        return ticket.reply[:1000]
    return str(ticket.get_status_display())


def _expected(ticket: Ticket) -> str | None:
    if ticket.due_date is None or not ticket.is_open:
        return None
    end = dt.datetime.combine(ticket.due_date, dt.time(23, 59, 59))
    return _w3(timezone.make_aware(end))


def request_body(ticket: Ticket) -> dict[str, Any]:
    shown = _published(ticket)
    return {
        "service_request_id": ticket.ticket_no,
        "status": "closed" if ticket.status in CLOSED else "open",
        "status_notes": _status_notes(ticket),
        "service_name": ticket.category.name if ticket.category else "",
        "service_code": ticket.category.code if ticket.category else "",
        "description": ticket.description if shown else "",
        "agency_responsible": ticket.lead_department.name if ticket.lead_department else "",
        "service_notice": _("热线工单按诉求类型在规定工作日内答复"),
        "requested_datetime": _w3(ticket.received_at),
        "updated_datetime": _w3(ticket.updated_at),
        "expected_datetime": _expected(ticket),
        "address": ticket.address if shown else "",
        "address_id": ticket.address_id if shown else "",
        "zipcode": ticket.zipcode if shown else "",
        "lat": float(ticket.lat) if shown and ticket.lat is not None else None,
        "long": float(ticket.long) if shown and ticket.long is not None else None,
        "media_url": ticket.media_url if shown else "",
    }


def _public_tickets() -> Any:
    return (
        Ticket.objects.exclude(status=Status.RECEIVED)
        .exclude(category=None)
        .select_related("category", "lead_department", "merged_into")
    )


def _moment(raw: str, name: str) -> dt.datetime:
    raw = raw.strip()
    value = parse_datetime(raw) if "T" in raw or " " in raw else None
    if value is None:
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(
                400,
                _("%(n)s 不是有效的时间，应为 W3C 格式，如 2026-01-01T00:00:00+08:00")
                % {"n": name},
            )
        value = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = (
            _moment(request.GET["start_date"], "start_date")
            if request.GET.get("start_date")
            else None
        )
        end = _moment(request.GET["end_date"], "end_date") if request.GET.get("end_date") else None
    except ValueError:
        raise Open311Error(400, _("start_date 或 end_date 不是有效的时间")) from None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date 不得早于 start_date"))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date 与 end_date 的间隔不得超过90天"))
    return start, end


def _listed(request: HttpRequest) -> list[Ticket]:
    tickets = _public_tickets()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # overrides every other parameter
        return list(tickets.filter(ticket_no__in=ids[:MAX_RESULTS]).order_by("-received_at"))
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        tickets = tickets.filter(category__code__in=codes)
    statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status 只能为 open 或 closed"))
    if statuses == {"open"}:
        tickets = tickets.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        tickets = tickets.filter(status__in=CLOSED)
    start, end = _window(request)
    tickets = tickets.filter(received_at__gte=start, received_at__lte=end)
    return list(tickets.order_by("-received_at", "-pk")[:MAX_RESULTS])


def _field(request: HttpRequest, name: str, limit: int) -> str:
    value = (request.POST.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, _("%(n)s 长度不得超过 %(l)d 个字符") % {"n": name, "l": limit})
    return value


def _attributes(request: HttpRequest, category: Category) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for key in request.POST:
        if key.startswith("attribute[") and key.endswith("]"):
            values = request.POST.getlist(key)
            given[key[10:-1]] = values
    clean: dict[str, Any] = {}
    for attribute in category.attributes.all():
        values = [v.strip() for v in given.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required and attribute.variable:
                raise Open311Error(400, _("缺少必填的 attribute[%(c)s]") % {"c": attribute.code})
            continue
        if attribute.datatype in {"singlevaluelist", "multivaluelist"}:
            unknown = [v for v in values if v not in attribute.value_keys()]
            if unknown or (attribute.datatype == "singlevaluelist" and len(values) > 1):
                raise Open311Error(400, _("attribute[%(c)s] 的取值无效") % {"c": attribute.code})
        if attribute.datatype == "number":
            try:
                [float(v) for v in values]
            except ValueError:
                raise Open311Error(
                    400, _("attribute[%(c)s] 须为数字") % {"c": attribute.code}
                ) from None
        if attribute.datatype == "datetime":
            for value in values:
                _moment(value, f"attribute[{attribute.code}]")
        clean[attribute.code] = values if attribute.datatype == "multivaluelist" else values[0]
    return clean


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    secret = (request.POST.get("api_key") or "").strip()
    if not secret:
        raise Open311Error(403, _("未提供 api_key"))
    key = services.authenticate_open311_key(secret)
    if key is None:
        raise Open311Error(403, _("api_key 无效或已撤销"))
    code = (request.POST.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("未提供 service_code"))
    category = _category(code)
    lat, long = (request.POST.get("lat") or "").strip(), (request.POST.get("long") or "").strip()
    address = _field(request, "address_string", 300)
    address_id = _field(request, "address_id", 64)
    if not ((lat and long) or address or address_id):
        raise Open311Error(400, _("须提供位置：lat 和 long、address_string 或 address_id"))
    description = _field(request, "description", services.DESCRIPTION_MAX)
    name = " ".join(
        part
        for part in (_field(request, "last_name", 50), _field(request, "first_name", 50))
        if part
    )
    data = {
        "channel": Channel.OPEN311,
        "kind": Kind.HELP,
        "category": category,
        "description": description or category.name,
        "caller_name": name,
        "caller_phone": _field(request, "phone", 20),
        "caller_email": _field(request, "email", 254),
        "address": address,
        "address_id": address_id,
        "lat": lat or None,
        "long": long or None,
        "media_url": _field(request, "media_url", 500),
        "account_id": _field(request, "account_id", 100),
        "device_id": _field(request, "device_id", 100),
        "attributes": _attributes(request, category),
    }
    media = request.FILES.getlist("media")[:5]
    try:
        ticket = services.create_ticket(
            data, actor=None, accept=False, partner=key.partner, files=media
        )
    except ValidationError as exc:
        messages = [f"{field}: {'; '.join(reasons)}" for field, reasons in exc.message_dict.items()]
        raise Open311Error(400, " ".join(messages)) from exc
    body = [
        {
            "token": ticket.token,
            "service_notice": _("诉求已收到，热线办受理后可凭 token 查询工单编号"),
            "account_id": ticket.account_id or None,
        }
    ]
    return render(fmt, body, "service_requests", "request")


@csrf_exempt  # partner apps post with their api_key, not a browser session
@public
@require_http_methods(["GET", "HEAD", "POST"])
@endpoint
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests (last 90 days, at most 1,000, newest first) or POST one."""
    if request.method == "POST":
        return _create(request, fmt)
    body = [request_body(t) for t in _listed(request)]
    return render(fmt, body, "service_requests", "request")


@public
@require_safe
@endpoint
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    """GET Service Request: one request by its id, as a list of one."""
    ticket = _public_tickets().filter(ticket_no=service_request_id[:20]).first()
    if ticket is None:
        raise Open311Error(
            404, _("service_request_id 不存在：%(i)s") % {"i": service_request_id[:20]}
        )
    return render(fmt, [request_body(ticket)], "service_requests", "request")


@public
@require_safe
@endpoint
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """GET request id from a token: the id appears once the hotline office has reviewed it."""
    ticket = Ticket.objects.filter(token=token[:40]).exclude(token="").first()
    if ticket is None:
        raise Open311Error(404, _("token 不存在：%(t)s") % {"t": token[:40]})
    body = [
        {
            "service_request_id": ticket.ticket_no if ticket.reviewed else None,
            "token": ticket.token,
        }
    ]
    return render(fmt, body, "service_requests", "request")
