from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "hotline"
urlpatterns: list[URLPattern] = [
    path("", views.console, name="console"),
    path("suggest/", views.suggest, name="suggest"),
    path("knowledge/search/", views.knowledge_search, name="knowledge_search"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<str:ticket_no>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:ticket_no>/actions/<slug:action>/", views.ticket_action, name="action"),
    path(
        "tickets/<str:ticket_no>/attachments/<int:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("knowledge/", views.knowledge_list, name="knowledge"),
    path("knowledge/new/", views.knowledge_edit, name="knowledge_new"),
    path("knowledge/<int:pk>/", views.knowledge_edit, name="knowledge_edit"),
    path("stats/", views.stats_page, name="stats"),
]
