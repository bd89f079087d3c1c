"""The public statistics page (政务服务数据公开), mounted at /statistics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "statistics"
urlpatterns: list[URLPattern] = [
    path("", views.public_statistics, name="index"),
    path("export.xlsx", views.public_export, name="export"),
]
