from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.api import router as catalog_router
from onewindow.core.api import api, calendar_router
from onewindow.core.views import healthz

api.add_router("/calendar", calendar_router)
api.add_router("/", catalog_router)

admin.site.site_header = _("一网通办 管理后台")
admin.site.site_title = _("一网通办 管理后台")
admin.site.index_title = _("平台管理")

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("", include("onewindow.portal.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
