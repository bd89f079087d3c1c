"""Administration of accounts. Only the three administrators reach the admin site, each with
their own group's permissions (``identity.permissions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import (
    ADMIN_ROLES,
    AgentAuthorization,
    ApiToken,
    LoginFailure,
    Organization,
    OrganizationMember,
    RoleGrant,
    User,
)


def admin_site_permission(request: HttpRequest) -> bool:
    """The admin site is for the three administrators only (no standing superuser)."""
    user: Any = request.user
    return bool(user.is_active and user.is_staff and user.has_role(*ADMIN_ROLES))


admin.site.has_permission = admin_site_permission  # type: ignore[method-assign]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("role", "department", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")


@admin.register(User)
class OneWindowUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "kind", "department", "is_active")
    list_filter = ("kind", "is_active", "department")
    search_fields = ("username",)
    readonly_fields = (
        "masked_id_number",
        "masked_phone",
        "last_login",
        "date_joined",
        "password_changed_at",
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("账户信息"),
            {"fields": ("kind", "name", "masked_id_number", "masked_phone", "department")},
        ),
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "kind", "name", "department")}),
    )
    inlines = [RoleGrantInline]

    @admin.display(description=_("姓名/名称"))
    def display_name(self, obj: User) -> str:
        return obj.masked_name

    @admin.display(description=_("公民身份号码"))
    def masked_id_number(self, obj: User) -> str:
        return obj.masked_id_number

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return obj.masked_phone

    def get_urls(self) -> list[Any]:
        reveal = path(
            "<int:pk>/reveal/",
            self.admin_site.admin_view(self.reveal_view),
            name="identity_user_reveal",
        )
        return [reveal, *super().get_urls()]

    def reveal_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Unmask one account's personal data for a stated reason (audited)."""
        from . import services

        subject = get_object_or_404(User, pk=pk)
        context: dict[str, Any] = {**self.admin_site.each_context(request), "subject": subject}
        if request.method == "POST":
            try:
                context["values"] = services.reveal_personal_data(
                    subject,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=request.POST.get("reason", ""),
                    request=request,
                )
            except ValidationError as exc:
                context["error"] = "; ".join(exc.messages)
        elif not request.user.has_perm(services.UNMASK_PERMISSION):
            raise PermissionDenied
        response = TemplateResponse(request, "admin/identity/user/reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        from .permissions import apply_role_groups

        user = form.instance
        roles = set(user.role_grants.values_list("role", flat=True))
        User.objects.filter(pk=user.pk).update(is_staff=bool(roles & ADMIN_ROLES))
        apply_role_groups(user)


class MemberInline(admin.TabularInline):
    model = OrganizationMember
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "legal_representative", "created_at")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("account",)
    inlines = [MemberInline]


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(admin.ModelAdmin):
    list_display = ("principal", "agent", "scopes", "expires_at", "revoked_at")
    readonly_fields = (
        "principal",
        "agent",
        "scopes",
        "item_codes",
        "valid_from",
        "expires_at",
        "revoked_at",
        "created_at",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at")
    fields = (*readonly_fields, "revoked_at")


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")
