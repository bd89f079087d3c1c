from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class OneWindowUserAdmin(UserAdmin):
    list_display = ("username", "name", "kind", "is_active", "is_staff")
    list_filter = ("kind", "is_active", "is_staff")
    search_fields = ("username", "name")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("账户信息"), {"fields": ("kind", "name", "phone")}),
    )
