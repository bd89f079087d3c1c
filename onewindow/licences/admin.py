"""Administration of the licence library, for the system administrator: licence types and the
items that issue them are edited here; the CA, seals and licences are read-only (they are made
by the management commands and the services, and signed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Authority, Licence, LicenceItem, LicenceType, Seal

ADMIN_ROLE = "system_admin"


def _is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.has_role(ADMIN_ROLE))


class SystemAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly(SystemAdminOnly):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LicenceItemInline(admin.TabularInline):
    model = LicenceItem
    extra = 1
    autocomplete_fields = ["implementation"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)


@admin.register(LicenceType)
class LicenceTypeAdmin(SystemAdminOnly):
    list_display = ("code", "name", "department", "holder_kind", "validity_months", "is_active")
    list_filter = ("is_active", "holder_kind")
    search_fields = ("code", "name")
    inlines = [LicenceItemInline]


@admin.register(Authority)
class AuthorityAdmin(ReadOnly):
    list_display = ("name", "fingerprint", "not_after", "is_current")


@admin.register(Seal)
class SealAdmin(ReadOnly):
    list_display = ("name", "department", "fingerprint", "not_after", "is_active")
    list_filter = ("is_active",)


@admin.register(Licence)
class LicenceAdmin(ReadOnly):
    list_display = ("identifier", "licence_type", "department", "issued_on", "status")
    list_filter = ("status", "licence_type")
    search_fields = ("identifier",)
    exclude = ("holder_id_number", "signed_payload", "check_code")
