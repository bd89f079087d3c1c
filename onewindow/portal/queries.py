"""Reads the public pages need beyond ``catalog.queries``: small and single-purpose."""

from __future__ import annotations

from django.db.models import QuerySet

from onewindow.catalog.models import ItemImplementation
from onewindow.catalog.queries import published_implementations
from onewindow.org.models import Department, ServiceCenter


def current_center() -> ServiceCenter | None:
    """The service centre the portal speaks for: the first active one, if any."""
    return ServiceCenter.objects.filter(is_active=True).order_by("code").first()


def active_department(code: str) -> Department | None:
    return Department.objects.filter(code=code, is_active=True).first()


def department_items(department: Department) -> QuerySet[ItemImplementation]:
    """A department's published items, in catalogue order."""
    return published_implementations().filter(department=department).order_by("implementation_code")


def published_item(code: str) -> ItemImplementation | None:
    """A published implementation without the guide's children (for its version history)."""
    return published_implementations().filter(implementation_code=code).first()
