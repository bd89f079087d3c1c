"""The audit administrator's pages; the project includes them at ``audit/``."""

from __future__ import annotations

from django.urls import path

from . import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.audit_search, name="search"),
    path("export.csv", audit_views.audit_export, name="export"),
]
