from django.contrib import admin

from .models import Department, Post, Region, ServiceCenter, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "statistical_code")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "phone", "sort_order", "is_active")
    list_filter = ("kind", "is_active", "region")
    search_fields = ("code", "name", "short_name")
    list_editable = ("sort_order",)


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    fields = ("number", "name", "kind", "area", "is_active")


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "phone")
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "kind", "center", "area", "is_active")
    list_filter = ("kind", "center", "is_active")
    search_fields = ("number", "name")
    filter_horizontal = ("departments",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "role", "window", "is_active")
    list_filter = ("role", "department")
    search_fields = ("name",)
    filter_horizontal = ("holders",)
