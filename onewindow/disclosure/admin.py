"""Admin of open government: the catalogue headings per agency (the three administrators
maintain the structure; disclosure officers publish through the workbench pages)."""

from __future__ import annotations

from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("agency", "position", "code", "name", "kind")
    list_filter = ("kind", "agency")
    search_fields = ("code", "name")
