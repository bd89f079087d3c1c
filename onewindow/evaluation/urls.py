from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "evaluation"
urlpatterns: list[URLPattern] = [
    path("cases/<str:case_no>/", views.rate_case, name="rate_case"),
    path("windows/<int:window_id>/", views.window_page, name="window_page"),
    path("windows/<int:window_id>/qr.svg", views.window_qr, name="window_qr"),
    path("windows/<int:window_id>/rate/", views.window_pad, name="window_pad"),
    path("stats/", views.public_stats, name="stats"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("assessment/", views.assessment_index, name="assessment_index"),
    path(
        "assessment/<str:code>/<str:month>/",
        views.assessment_report,
        name="assessment_report",
    ),
    path(
        "assessment/<str:code>/<str:month>/compute/",
        views.assessment_compute,
        name="assessment_compute",
    ),
    path(
        "assessment/<str:code>/<str:month>/records/",
        views.assessment_records,
        name="assessment_records",
    ),
]
