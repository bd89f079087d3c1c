from __future__ import annotations

from django.urls import URLPattern, path

from onewindow.identity.access import public

from . import feeds, manage_views, views

app_name = "disclosure"
urlpatterns: list[URLPattern] = [
    # Proactive disclosure (public).
    path("", views.index, name="index"),
    path("search/", views.search_page, name="search"),
    path("feeds/rss/", public(feeds.DocumentFeed()), name="feed_rss"),
    path("feeds/atom/", public(feeds.DocumentAtomFeed()), name="feed_atom"),
    path("agencies/<str:code>/", views.agency, name="agency"),
    path("agencies/<str:code>/guide/", views.guide, name="guide"),
    path("agencies/<str:code>/feed/rss/", public(feeds.AgencyFeed()), name="agency_rss"),
    path("agencies/<str:code>/feed/atom/", public(feeds.AgencyAtomFeed()), name="agency_atom"),
    path("agencies/<str:code>/<slug:category>/", views.category, name="category"),
    path(
        "agencies/<str:code>/<slug:category>/feed/rss/",
        public(feeds.CategoryFeed()),
        name="category_rss",
    ),
    path(
        "agencies/<str:code>/<slug:category>/feed/atom/",
        public(feeds.CategoryAtomFeed()),
        name="category_atom",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path("interpretations/<int:pk>/", views.interpretation, name="interpretation"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    # Requests on application.
    path("requests/", views.public_requests, name="public_requests"),
    path("requests/<str:request_no>/", views.public_request, name="public_request"),
    path("apply/", views.apply, name="apply"),
    path("my/requests/", views.my_requests, name="my_requests"),
    path("my/requests/<str:request_no>/", views.my_request, name="my_request"),
    path(
        "my/requests/<str:request_no>/documents/<int:document_id>/",
        views.my_request_document,
        name="my_request_document",
    ),
    path(
        "my/requests/<str:request_no>/<slug:action>/",
        views.my_request_action,
        name="my_request_action",
    ),
    # The complaints and exposure column (曝光纠错).
    path("exposure/", views.exposure_list, name="exposure_list"),
    path("exposure/new/", views.exposure_new, name="exposure_new"),
    path("exposure/<str:report_no>/", views.exposure_detail, name="exposure_detail"),
    # Published annual reports.
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:year>/", views.report_page, name="report"),
    # Staff (政务公开工作台).
    path("manage/", manage_views.dashboard, name="manage"),
    path("manage/documents/", manage_views.document_list, name="manage_documents"),
    path("manage/documents/new/", manage_views.document_edit, name="manage_document_new"),
    path("manage/documents/<int:pk>/", manage_views.document_edit, name="manage_document"),
    path(
        "manage/documents/<int:pk>/<slug:action>/",
        manage_views.document_action,
        name="manage_document_action",
    ),
    path(
        "manage/interpretations/",
        manage_views.interpretation_list,
        name="manage_interpretations",
    ),
    path(
        "manage/interpretations/new/",
        manage_views.interpretation_edit,
        name="manage_interpretation_new",
    ),
    path(
        "manage/interpretations/<int:pk>/",
        manage_views.interpretation_edit,
        name="manage_interpretation",
    ),
    path(
        "manage/interpretations/<int:pk>/<slug:action>/",
        manage_views.interpretation_action,
        name="manage_interpretation_action",
    ),
    path("manage/guides/<str:code>/", manage_views.guide_edit, name="manage_guide"),
    path("manage/requests/", manage_views.request_list, name="manage_requests"),
    path("manage/requests/new/", manage_views.request_new, name="manage_request_new"),
    path("manage/requests/<str:request_no>/", manage_views.request_detail, name="manage_request"),
    path(
        "manage/requests/<str:request_no>/documents/<int:document_id>/",
        manage_views.request_document,
        name="manage_request_document",
    ),
    path(
        "manage/requests/<str:request_no>/<slug:action>/",
        manage_views.request_action,
        name="manage_request_action",
    ),
    path("manage/reports/", manage_views.report_latest, name="manage_reports"),
    path("manage/reports/<int:year>/", manage_views.report_page, name="manage_report"),
    path("manage/exposure/", manage_views.exposure_list, name="manage_exposure_list"),
    path(
        "manage/exposure/<str:report_no>/",
        manage_views.exposure_detail,
        name="manage_exposure",
    ),
]
