from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from django.views.static import serve

from onewindow.cases.api import router as cases_router
from onewindow.cases.files_api import router as files_router
from onewindow.catalog.api import router as catalog_router
from onewindow.core.api import api, calendar_router
from onewindow.core.csrf import same_origin_post
from onewindow.core.views import healthz
from onewindow.disclosure.api import router as disclosure_router
from onewindow.evaluation.api import router as evaluation_router
from onewindow.hotline.api import router as hotline_router
from onewindow.identity import oidc
from onewindow.identity.access import public
from onewindow.identity.api import router as identity_router
from onewindow.identity.api_auth import bearer
from onewindow.licences.api import router as licences_router
from onewindow.supervision.api import router as supervision_router

# Every operation requires a bearer token unless it says auth=None. ninja applies api.auth when
# api.urls binds the routers (in urlpatterns below), so it must be set before that line runs.
api.auth = [bearer]
api.add_router("/calendar", calendar_router)
api.add_router("/", catalog_router)
api.add_router("/", identity_router)
api.add_router("/", files_router)
api.add_router("/", cases_router)
api.add_router("/", supervision_router)
api.add_router("/", licences_router)
api.add_router("/", disclosure_router)
api.add_router("/", hotline_router)
api.add_router("/", evaluation_router)

admin.site.site_header = _("一网通办 管理后台")
admin.site.site_title = _("一网通办 管理后台")
admin.site.index_title = _("平台管理")

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("audit/", include("onewindow.core.audit_urls")),
    path("accounts/", include("onewindow.identity.urls")),
    path("o/", include((oidc.oauth2_urlpatterns, "oauth2_provider"), namespace="oauth2_provider")),
    path("", include(oidc.well_known_urlpatterns)),
    # The language switch is on cached public pages: no CSRF token, an origin check instead.
    path("i18n/setlang/", public(same_origin_post(set_language)), name="set_language"),
    path("healthz", public(healthz), name="healthz"),
    path("workbench/", include("onewindow.workbench.urls")),
    path("licences/", include("onewindow.licences.urls")),
    path("evaluation/", include("onewindow.evaluation.urls")),
    path("supervision/", include("onewindow.supervision.urls")),
    path("statistics/", include("onewindow.supervision.public_urls")),
    path("disclosure/", include("onewindow.disclosure.urls")),
    path("open311/v2/", include("onewindow.hotline.open311_urls")),
    path("hotline/", include("onewindow.hotline.urls")),
    path("", include("onewindow.portal.urls")),
]

# Catalog files (blank forms, samples) are public; every other upload is served by the app that
# owns it, after its own access check. nginx may serve /media/catalog/ directly in production.
urlpatterns.append(
    re_path(
        r"^media/(?P<path>catalog/.+)$",
        public(serve),
        {"document_root": settings.MEDIA_ROOT},
        name="catalog_media",
    )
)
