from __future__ import annotations

from django.urls import URLPattern, path

from . import views
from .token_views import token_urlpatterns

app_name = "identity"
urlpatterns: list[URLPattern] = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("login/authenticator/", views.otp_setup, name="otp_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_person, name="register_person"),
    path("register/organization/", views.register_organization, name="register_organization"),
    path("profile/", views.profile, name="profile"),
    path("profile/agents/<int:pk>/revoke/", views.agent_revoke, name="agent_revoke"),
    path("password/", views.password_change, name="password_change"),
    path("history/", views.login_history, name="login_history"),
    *token_urlpatterns,
]
