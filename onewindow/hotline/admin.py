"""Hotline administration: the dispatch catalogue (派单目录) with its Open311 attributes, and
the Open311 partner apps with their api_keys (issued here or by ``onewindow open311-key``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Category, CategoryAttribute, Open311Key, Open311Partner


class AttributeInline(admin.TabularInline):
    model = CategoryAttribute
    extra = 0
    fields = (
        "order",
        "code",
        "description",
        "datatype",
        "required",
        "variable",
        "datatype_description",
        "values",
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "lead_department", "sort_order", "is_active")
    list_filter = ("is_active", "group", "lead_department")
    search_fields = ("code", "name", "keywords")
    filter_horizontal = ("assisting_departments",)
    inlines = [AttributeInline]


class KeyInline(admin.TabularInline):
    model = Open311Key
    extra = 0
    fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Open311Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "contact", "is_active", "created_at")
    search_fields = ("name",)
    inlines = [KeyInline]
    actions = ["issue_key"]

    @admin.action(description=_("为所选合作应用签发新的 api_key"), permissions=["change"])
    def issue_key(self, request: HttpRequest, queryset: QuerySet[Open311Partner]) -> None:
        for partner in queryset:
            _key, secret = services.issue_open311_key(partner, actor=request.user)  # type: ignore[arg-type]
            messages.warning(
                request,
                _("%(p)s 的新 api_key（仅显示这一次，请妥善转交）：%(k)s")
                % {"p": partner.name, "k": secret},
            )


@admin.register(Open311Key)
class KeyAdmin(admin.ModelAdmin):
    list_display = ("partner", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("partner",)
    readonly_fields = ("partner", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("撤销所选 api_key"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Key]) -> None:
        for key in queryset:
            services.revoke_open311_key(key, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("已撤销"))
