from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "workbench"
urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("cases/<str:case_no>/", views.case_detail, name="case_detail"),
    path("cases/<str:case_no>/actions/<slug:action>/", views.case_action, name="case_action"),
    path(
        "cases/<str:case_no>/materials/<int:material_id>/",
        views.material_file,
        name="material_file",
    ),
    path(
        "cases/<str:case_no>/documents/<int:document_id>/",
        views.document_file,
        name="document_file",
    ),
    path("intake/", views.intake, name="intake"),
    path("intake/items/", views.intake_items, name="intake_items"),
    path("intake/items/<str:code>/", views.intake_form, name="intake_form"),
    path("intake/receipt/<str:case_no>/", views.intake_receipt, name="intake_receipt"),
    path("first-contacts/", views.first_contacts, name="first_contacts"),
]
