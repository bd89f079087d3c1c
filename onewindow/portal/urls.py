from __future__ import annotations

from django.urls import URLPattern, path, re_path

from . import apply_views, case_views, views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/versions/", views.item_history, name="item_history"),
    path("items/<str:code>/apply/", apply_views.apply, name="apply"),
    path("progress/", views.progress, name="progress"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<str:code>/", views.department_detail, name="department_detail"),
    re_path(r"^themes/(?P<audience>person|enterprise)/$", views.themes, name="themes"),
    path("preferences/elderly-mode/", views.elderly_mode, name="elderly_mode"),
    # The applicant's own pages (我的办件, 消息中心).
    path("my/uploads/", apply_views.upload, name="upload"),
    path("my/drafts/", case_views.draft_list, name="draft_list"),
    path("my/drafts/<int:draft_id>/confirm/", apply_views.confirm, name="draft_confirm"),
    path("my/drafts/<int:draft_id>/submit/", apply_views.submit, name="draft_submit"),
    path("my/drafts/<int:draft_id>/delete/", case_views.draft_delete, name="draft_delete"),
    path("my/cases/", case_views.case_list, name="case_list"),
    path("my/cases/<str:case_no>/", case_views.case_detail, name="case_detail"),
    path("my/cases/<str:case_no>/receipt/", case_views.case_receipt, name="case_receipt"),
    path(
        "my/cases/<str:case_no>/documents/<int:document_id>/",
        case_views.document,
        name="case_document",
    ),
    path("my/cases/<str:case_no>/resubmit/", case_views.resubmit, name="case_resubmit"),
    path("my/cases/<str:case_no>/withdraw/", case_views.withdraw, name="case_withdraw"),
    path("my/cases/<str:case_no>/delivery/", case_views.delivery, name="case_delivery"),
    path("my/messages/", case_views.message_list, name="message_list"),
    path("my/messages/read-all/", case_views.messages_read_all, name="messages_read_all"),
    path("my/messages/<int:message_id>/read/", case_views.message_read, name="message_read"),
]
