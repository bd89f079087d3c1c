from django.urls import path

from . import views

app_name = "licences"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("mine/<int:pk>/pdf/", views.mine_pdf, name="mine_pdf"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/pdf/", views.staff_pdf, name="staff_pdf"),
    path("staff/<int:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
    path("staff/<int:pk>/change/", views.staff_change, name="staff_change"),
    path("staff/<int:pk>/renew/", views.staff_renew, name="staff_renew"),
]
