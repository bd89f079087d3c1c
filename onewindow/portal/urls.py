from __future__ import annotations

from django.urls import URLPattern, path, re_path

from . import views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/versions/", views.item_history, name="item_history"),
    path("progress/", views.progress, name="progress"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<str:code>/", views.department_detail, name="department_detail"),
    re_path(r"^themes/(?P<audience>person|enterprise)/$", views.themes, name="themes"),
]
