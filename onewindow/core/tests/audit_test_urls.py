"""The project's URLs plus the audit pages, as the project will include them."""

from __future__ import annotations

from django.urls import include, path

from onewindow.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("audit/", include("onewindow.core.audit_urls")), *project_urlpatterns]
