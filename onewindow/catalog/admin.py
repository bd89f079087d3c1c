"""Catalog administration. Published versions are read-only: "创建新版本" copies one into a
draft, which is edited and then published ("发布")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Duty,
    Fee,
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ProcessStage,
    ServiceItem,
    SynonymGroup,
    Theme,
)


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == ItemVersion.Status.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == ItemVersion.Status.DRAFT

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == ItemVersion.Status.DRAFT


class MaterialInline(DraftOnlyInline):
    model = MaterialRequirement
    fields = (
        "position",
        "name",
        "required",
        "original",
        "copies",
        "format",
        "source",
        "blank_form",
        "sample",
        "notes",
    )


class FeeInline(DraftOnlyInline):
    model = Fee
    fields = ("position", "name", "amount", "basis")


class StageInline(DraftOnlyInline):
    model = ProcessStage
    fields = ("position", "name", "role", "departments", "parallel", "days", "description")


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "implementation",
        "number",
        "status",
        "handling",
        "online_depth",
        "published_at",
    )
    list_filter = ("status", "handling", "online_depth", "implementation__department")
    search_fields = ("name", "implementation__implementation_code")
    readonly_fields = (
        "implementation",
        "number",
        "status",
        "published_at",
        "created_by",
        "created_at",
    )
    filter_horizontal = ("themes",)
    inlines = [MaterialInline, FeeInline, StageInline]
    actions = ["new_version", "publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are created from an implementation, never from scratch here

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ItemVersion.Status.DRAFT:
            return False  # published versions are frozen; create a new version instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.status == ItemVersion.Status.DRAFT

    @admin.action(description=_("基于所选事项创建新版本（草稿）"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[ItemVersion]) -> None:
        for version in queryset.select_related("implementation"):
            draft = services.start_new_version(version.implementation, actor=request.user)
            self.message_user(request, _("已创建草稿：%(v)s") % {"v": draft}, messages.SUCCESS)

    @admin.action(description=_("发布所选草稿"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ItemVersion]) -> None:
        for version in queryset:
            try:
                services.publish_version(version, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("已发布：%(v)s") % {"v": version}, messages.SUCCESS)


class VersionInline(admin.TabularInline):
    model = ItemVersion
    extra = 0
    fields = ("number", "name", "status", "published_at", "change_note")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ItemImplementation)
class ItemImplementationAdmin(admin.ModelAdmin):
    list_display = ("implementation_code", "item", "department", "region", "current_version")
    list_filter = ("department", "item__item_type")
    search_fields = ("implementation_code", "item__name", "item__basic_code")
    readonly_fields = ("implementation_code", "current_version", "created_at")
    inlines = [VersionInline]
    actions = ["new_version"]

    @admin.action(description=_("创建新版本（草稿）"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[ItemImplementation]) -> None:
        for implementation in queryset:
            draft = services.start_new_version(implementation, actor=request.user)
            self.message_user(request, _("已创建草稿：%(v)s") % {"v": draft}, messages.SUCCESS)


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("basic_code", "name", "item_type", "national_code")
    list_filter = ("item_type", "national_code")
    search_fields = ("basic_code", "name")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "audience", "sort_order")
    list_filter = ("audience",)


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "implementation", "position")
    list_filter = ("department",)
    search_fields = ("title", "content")


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ("terms", "note", "is_active")
    list_filter = ("is_active",)
