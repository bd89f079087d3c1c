from __future__ import annotations

from django.contrib import admin

from .models import AlertThreshold


@admin.register(AlertThreshold)
class AlertThresholdAdmin(admin.ModelAdmin):
    list_display = ("implementation", "yellow_percent", "min_workdays", "updated_at")
    search_fields = ("implementation__implementation_code",)
    raw_id_fields = ("implementation",)
