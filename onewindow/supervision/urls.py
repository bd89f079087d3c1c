from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "supervision"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.alerts, name="alerts"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/status/", views.finding_status, name="finding_status"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/review/", views.notice_review, name="notice_review"),
    path("cards/", views.cards, name="cards"),
    path("cards/new/", views.card_new, name="card_new"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
]
