"""``/open311/v2/``: Open311 GeoReport v2 (see ``open311``)."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from . import open311

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns: list[URLPattern] = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+)" + FMT, open311.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, open311.token_detail, name="token"),
]
