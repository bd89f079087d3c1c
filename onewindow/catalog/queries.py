"""Reads of the catalog, shared by the public pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from onewindow.org.models import Department

from . import search
from .models import (
    POWER_TYPES,
    Duty,
    ItemImplementation,
    ItemVersion,
    ProcessStage,
    Theme,
)


@dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    department: str = ""
    item_type: str = ""
    online_depth: int | None = None
    theme: str = ""
    audience: str = ""


@dataclass(frozen=True)
class ItemPage:
    results: list[ItemImplementation]
    total: int


def published_implementations() -> QuerySet[ItemImplementation]:
    return ItemImplementation.objects.filter(
        current_version__status=ItemVersion.Status.PUBLISHED
    ).select_related("current_version", "department", "item", "region")


def _filtered(filters: ItemFilters) -> QuerySet[ItemImplementation]:
    qs = published_implementations()
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.item_type:
        qs = qs.filter(item__item_type=filters.item_type)
    if filters.online_depth is not None:
        qs = qs.filter(current_version__online_depth=filters.online_depth)
    if filters.theme:
        qs = qs.filter(current_version__themes__code=filters.theme)
    if filters.audience:
        qs = qs.filter(current_version__audience__in=[filters.audience, "both"])
    return qs


def find_items(filters: ItemFilters, *, offset: int = 0, limit: int = 20) -> ItemPage:
    """Published items matching the filters; with a query, ranked by relevance (BM25)."""
    qs = _filtered(filters)
    has_filters = any(
        [
            filters.department,
            filters.item_type,
            filters.online_depth is not None,
            filters.theme,
            filters.audience,
        ]
    )
    if filters.q.strip():
        page = search.search(
            filters.q, qs.values("id") if has_filters else None, offset=offset, limit=limit
        )
        by_id = {impl.pk: impl for impl in published_implementations().filter(pk__in=page.ids)}
        return ItemPage(results=[by_id[pk] for pk in page.ids if pk in by_id], total=page.total)
    total = qs.count()
    rows = list(
        qs.order_by("department__sort_order", "department__code", "implementation_code")[
            offset : offset + limit
        ]
    )
    return ItemPage(results=rows, total=total)


def get_guide(code: str) -> ItemImplementation | None:
    """An implementation with everything its service guide shows, or None."""
    stages = Prefetch(
        "current_version__stages",
        queryset=ProcessStage.objects.prefetch_related("departments"),
    )
    return (
        published_implementations()
        .select_related("center", "region")
        .prefetch_related(
            "current_version__materials",
            "current_version__fees",
            stages,
            "current_version__themes",
        )
        .filter(implementation_code=code)
        .first()
    )


def departments_with_counts() -> QuerySet[Department]:
    return (
        Department.objects.filter(is_active=True)
        .select_related("region")
        .annotate(
            item_count=Count(
                "implementations",
                filter=Q(implementations__current_version__status=ItemVersion.Status.PUBLISHED),
            )
        )
    )


def power_list(department: Department) -> QuerySet[ItemImplementation]:
    """The department's power list (权力清单): its published items that are powers."""
    return (
        published_implementations()
        .filter(department=department, item__item_type__in=POWER_TYPES)
        .order_by("item__item_type", "implementation_code")
    )


def duty_list(department: Department) -> QuerySet[Duty]:
    return department.duties.select_related("implementation__current_version")


def themes_with_counts(audience: str) -> QuerySet[Theme]:
    return Theme.objects.filter(audience=audience).annotate(
        item_count=Count(
            "versions",
            filter=Q(versions__status=ItemVersion.Status.PUBLISHED),
        )
    )


def item_history(implementation: ItemImplementation) -> QuerySet[ItemVersion]:
    return implementation.versions.exclude(status=ItemVersion.Status.DRAFT).order_by("-number")
