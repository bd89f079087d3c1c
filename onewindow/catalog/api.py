"""Catalog section of the public API (API.md "Catalog")."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from onewindow.core.api import ErrorOut, PageQuery, PageSizeQuery, page_window
from onewindow.core.errors import NotFound
from onewindow.org.models import Department

from . import queries
from .models import ItemImplementation, ItemType, ItemVersion

router = Router(tags=["catalog"])


class DepartmentOut(Schema):
    code: str
    name: str
    region_code: str


class DepartmentPage(Schema):
    results: list[DepartmentOut]
    total: int
    page: int


class DepartmentRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    code: str
    basic_code: str
    name: str
    department: DepartmentRef
    item_type: str
    online_depth: int
    promised_days: int
    statutory_days: int | None
    statutory_unit: Literal["workday", "day"]
    visits_required: int
    instant: bool
    handling: str
    version: int


class ItemPageOut(Schema):
    results: list[ItemOut]
    total: int
    page: int


class MaterialOut(Schema):
    id: int
    name: str
    required: bool
    original: str
    copies: int
    format: str
    source: str
    basis: str
    notes: str
    blank_form_url: str | None
    sample_url: str | None


class FeeOut(Schema):
    name: str
    amount: str
    basis: str


class StageOut(Schema):
    name: str
    role: str
    departments: list[DepartmentRef]
    parallel: bool
    days: int


class FaqOut(Schema):
    q: str
    a: str


class ItemDetailOut(ItemOut):
    name_en: str
    summary: str
    audience: str
    region_code: str
    legal_basis: str
    conditions: str
    statutory_note: str
    materials: list[MaterialOut]
    fees: list[FeeOut]
    stages: list[StageOut]
    form_schema: dict[str, Any]
    location: str
    hours: str
    phone: str
    complaint_phone: str
    result_name: str
    result_validity: str
    delivery_methods: list[str]
    faq: list[FaqOut]
    published_at: str | None


def item_summary(implementation: ItemImplementation) -> dict[str, Any]:
    version = implementation.current_version
    assert version is not None  # published_implementations() only returns items with one
    return {
        "code": implementation.implementation_code,
        "basic_code": implementation.item.basic_code,
        "name": version.name,
        "department": {
            "code": implementation.department.code,
            "name": implementation.department.name,
        },
        "item_type": implementation.item.item_type,
        "online_depth": version.online_depth,
        "promised_days": version.promised_days,
        "statutory_days": version.statutory_days,
        "statutory_unit": version.statutory_unit,
        "visits_required": version.visits_required,
        "instant": version.instant,
        "handling": version.handling,
        "version": version.number,
    }


def _file_url(request: HttpRequest, field: Any) -> str | None:
    return request.build_absolute_uri(field.url) if field else None


def item_detail(request: HttpRequest, implementation: ItemImplementation) -> dict[str, Any]:
    version: ItemVersion = implementation.current_version  # type: ignore[assignment]
    data = item_summary(implementation)
    data.update(
        name_en=version.name_en,
        summary=version.summary,
        audience=version.audience,
        region_code=implementation.region.code,
        legal_basis=version.legal_basis,
        conditions=version.conditions,
        statutory_note=version.statutory_note,
        materials=[
            {
                "id": m.id,
                "name": m.name,
                "required": m.required,
                "original": m.original,
                "copies": m.copies,
                "format": m.format,
                "source": m.source,
                "basis": m.basis,
                "notes": m.notes,
                "blank_form_url": _file_url(request, m.blank_form),
                "sample_url": _file_url(request, m.sample),
            }
            for m in version.materials.all()
        ],
        fees=[{"name": f.name, "amount": f.amount, "basis": f.basis} for f in version.fees.all()],
        stages=[
            {
                "name": s.name,
                "role": s.role,
                "parallel": s.parallel,
                "days": s.days,
                "departments": [{"code": d.code, "name": d.name} for d in s.departments.all()],
            }
            for s in version.stages.all()
        ],
        form_schema=version.form_schema or {},
        location=version.location,
        hours=version.hours,
        phone=version.phone,
        complaint_phone=version.complaint_phone,
        result_name=version.result_name,
        result_validity=version.result_validity,
        delivery_methods=list(version.delivery_methods or []),
        faq=version.faq or [],
        published_at=version.published_at.isoformat() if version.published_at else None,
    )
    return data


@router.get(
    "/departments", response={200: DepartmentPage, 400: ErrorOut}, auth=None, summary="部门列表"
)
def list_departments(
    request: HttpRequest, page: int = PageQuery, page_size: int = PageSizeQuery
) -> dict[str, Any]:
    qs = Department.objects.filter(is_active=True).select_related("region")
    offset, limit = page_window(page, page_size)
    return {
        "results": [
            {"code": d.code, "name": d.name, "region_code": d.region.code}
            for d in qs[offset : offset + limit]
        ],
        "total": qs.count(),
        "page": page,
    }


@router.get("/items", response={200: ItemPageOut, 400: ErrorOut}, auth=None, summary="事项检索")
def list_items(
    request: HttpRequest,
    q: str = Query(
        "",
        max_length=settings.ONEWINDOW_SEARCH_MAX_QUERY,
        description="中文或英文检索词，按相关度排序",
    ),
    department: str = Query("", max_length=16, description="部门代码"),
    item_type: ItemType | None = Query(None, description="事项类型"),
    online_depth: int | None = Query(None, ge=1, le=4, description="网上可办程度 1–4"),
    theme: str = Query("", max_length=40, description="主题代码"),
    audience: Literal["person", "enterprise"] | None = Query(None, description="服务对象"),
    page: int = PageQuery,
    page_size: int = PageSizeQuery,
) -> dict[str, Any]:
    offset, limit = page_window(page, page_size)
    filters = queries.ItemFilters(
        q=q,
        department=department,
        item_type=item_type.value if item_type else "",
        online_depth=online_depth,
        theme=theme,
        audience=audience or "",
    )
    result = queries.find_items(filters, offset=offset, limit=limit)
    return {
        "results": [item_summary(i) for i in result.results],
        "total": result.total,
        "page": page,
    }


@router.get(
    "/items/{code}", response={200: ItemDetailOut, 404: ErrorOut}, auth=None, summary="办事指南"
)
def get_item(request: HttpRequest, code: str) -> dict[str, Any]:
    implementation = queries.get_guide(code) if len(code) <= 40 else None
    if implementation is None:
        raise NotFound(_("事项 %(code)s 不存在或未发布") % {"code": code[:40]}, {"code": code[:40]})
    return item_detail(request, implementation)
