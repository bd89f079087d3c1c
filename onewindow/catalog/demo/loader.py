"""Load the demo centre into the database: idempotent, in one transaction.

Every row is looked up by its natural key (region code, department code, centre code, window
number, post name, theme code, synonym terms, implementation code, duty title) and created only
if missing; existing rows are left as they are (a department's blank credit code is filled in),
so an administrator's edits survive a re-run and a second run creates nothing. Items are
created through ``services.create_implementation``, which validates and publishes them (and
indexes them for search).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count

from onewindow.catalog import services
from onewindow.catalog.models import (
    Duty,
    ItemImplementation,
    ItemVersion,
    ProcessStage,
    ServiceItem,
    SynonymGroup,
    Theme,
)
from onewindow.core.services import sync_calendar_from_package
from onewindow.org.models import Department, Post, Region, ServiceCenter, Window

from . import org_data
from .duties import duties_for
from .items_data import ITEMS, ItemSpec
from .pdf import minimal_pdf


class _Tally:
    def __init__(self) -> None:
        self.created = 0

    def add(self, created: bool) -> None:
        self.created += int(created)


def _regions(tally: _Tally) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent, statistical in org_data.REGIONS:
        region, created = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "parent": regions[parent] if parent else None,
                "statistical_code": statistical,
            },
        )
        tally.add(created)
        regions[code] = region
    return regions


def _center(regions: dict[str, Region], tally: _Tally) -> ServiceCenter:
    data: dict[str, Any] = dict(org_data.CENTER)
    code = data.pop("code")
    data["region"] = regions[data["region"]]
    center, created = ServiceCenter.objects.get_or_create(code=code, defaults=data)
    tally.add(created)
    return center


def _departments(regions: dict[str, Region], tally: _Tally) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for spec in org_data.DEPARTMENTS:
        department, created = Department.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "name_en": spec.name_en,
                "kind": spec.kind,
                "region": regions[spec.region],
                "description": spec.description,
                "address": _department_address(spec.code),
                "phone": org_data.department_phone(spec.code),
                "complaint_phone": org_data.COMPLAINT_PHONE,
                "sort_order": spec.number * 10,
                "credit_code": org_data.CREDIT_CODES[spec.code],
            },
        )
        if not created and not department.credit_code:
            # Loaded before departments had credit codes: fill in the blank, keep any edit.
            department.credit_code = org_data.CREDIT_CODES[spec.code]
            department.save(update_fields=["credit_code"])
            created = True
        tally.add(created)
        departments[spec.code] = department
    return departments


def _home_window(code: str) -> str | None:
    """The window a department's clerks sit at: its own window, else a general one."""
    for kind in ("department", "general"):
        for number, _, window_kind, codes, _ in org_data.WINDOWS:
            if window_kind == kind and code in codes:
                return number
    return None


def _department_address(code: str) -> str:
    home = _home_window(code)
    where = f"{home}号窗口" if home else "进驻窗口"
    return f"{org_data.CENTER['address']}（{org_data.CENTER['name']}{where}）"


def _windows(
    center: ServiceCenter, departments: dict[str, Department], tally: _Tally
) -> dict[str, Window]:
    windows: dict[str, Window] = {}
    for number, name, kind, codes, area in org_data.WINDOWS:
        window, created = Window.objects.get_or_create(
            center=center, number=number, defaults={"name": name, "kind": kind, "area": area}
        )
        if created:
            window.departments.set([departments[code] for code in codes])
        tally.add(created)
        windows[number] = window
    return windows


def _posts(departments: dict[str, Department], windows: dict[str, Window], tally: _Tally) -> None:
    for code, department in departments.items():
        home = _home_window(code)
        for name, role in org_data.POSTS:
            at_window = home is not None and role in {"window_clerk", "chief_representative"}
            _, created = Post.objects.get_or_create(
                department=department,
                name=name,
                defaults={"role": role, "window": windows[home] if home and at_window else None},
            )
            tally.add(created)
    for code, name, role, number in org_data.GENERAL_POSTS:
        _, created = Post.objects.get_or_create(
            department=departments[code],
            name=name,
            defaults={"role": role, "window": windows[number]},
        )
        tally.add(created)


def _themes(tally: _Tally) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for position, (code, name, name_en, audience) in enumerate(org_data.THEMES, start=1):
        theme, created = Theme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "audience": audience,
                "sort_order": position * 10,
            },
        )
        tally.add(created)
        themes[code] = theme
    return themes


def _synonyms(tally: _Tally) -> None:
    for terms, note in org_data.SYNONYMS:
        _, created = SynonymGroup.objects.get_or_create(terms=terms, defaults={"note": note})
        tally.add(created)


def location(numbers: tuple[str, ...]) -> str:
    """Where an item is accepted, e.g.
    "蚌埠高新区政务服务中心一楼 03、04号窗口（企业开办综合窗口）"."""
    by_number = {number: (name, area) for number, name, _, _, area in org_data.WINDOWS}
    groups: list[tuple[str, str, list[str]]] = []  # (floor, name, numbers)
    for number in numbers:
        name, area = by_number[number]
        floor = area[:2]
        if groups and groups[-1][:2] == (floor, name):
            groups[-1][2].append(number)
        else:
            groups.append((floor, name, [number]))
    parts = [f"{floor} {'、'.join(nums)}号窗口（{name}）" for floor, name, nums in groups]
    return f"{org_data.CENTER['name']}{'；'.join(parts)}"


def _guide(spec: ItemSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "name_en": spec.name_en,
        "summary": spec.summary,
        "audience": spec.audience,
        "handling": spec.handling,
        "legal_basis": spec.legal_basis,
        "conditions": spec.conditions,
        "statutory_days": spec.statutory_days,
        "statutory_unit": spec.statutory_unit,
        "statutory_note": spec.statutory_note,
        "promised_days": spec.promised_days,
        "online_depth": spec.online_depth,
        "visits_required": spec.visits_required,
        "location": location(spec.windows),
        "hours": org_data.ITEM_HOURS,
        "phone": org_data.department_phone(spec.department),
        "complaint_phone": org_data.COMPLAINT_PHONE,
        "result_name": spec.result_name,
        "result_validity": spec.result_validity,
        "delivery_methods": list(spec.delivery_methods),
        "form_schema": spec.form_schema,
        "faq": list(spec.faq),
        "keywords": spec.keywords,
        "change_note": "演示数据初始版本",
    }


def _form_files(spec: ItemSpec) -> dict[str, ContentFile]:
    """A blank form and a filled-in sample (ASCII placeholders) for the item's first material.

    The minimal PDF writer has no CJK font, so the placeholders are in English; a department
    replaces them with its real form."""
    code = spec.basic_code
    lines = [
        f"Item code: {code}",
        f"Item: {spec.name_en}",
        "Fill in every box in black ink or on screen; sign and date at the bottom.",
    ]
    boxes = [
        ("Applicant", ""),
        ("Credential number", ""),
        ("Contact phone", ""),
        ("Address", ""),
        ("Date / signature", ""),
    ]
    sample = [
        ("Applicant", "Bengbu Demo Trading Co., Ltd."),
        ("Credential number", "91340300MA2N0P1Q7A (sample, valid check digit)"),
        ("Contact phone", "13800000000 (sample)"),
        ("Address", "High-tech Zone, Bengbu, Anhui (sample)"),
        ("Date / signature", "2025-01-01  (signed)"),
    ]
    return {
        "blank_form": ContentFile(
            minimal_pdf(f"Blank form - {code}", lines, boxes), name=f"{code}-blank.pdf"
        ),
        "sample": ContentFile(
            minimal_pdf(f"SAMPLE - {code}", [*lines, "This is a filled-in example."], sample),
            name=f"{code}-sample.pdf",
        ),
    }


def _items(
    center: ServiceCenter,
    region: Region,
    departments: dict[str, Department],
    themes: dict[str, Theme],
    tally: _Tally,
) -> dict[int, tuple[ItemSpec, ItemImplementation]]:
    loaded: dict[int, tuple[ItemSpec, ItemImplementation]] = {}
    for spec in ITEMS:
        department = departments[spec.department]
        item, created = ServiceItem.objects.get_or_create(
            basic_code=spec.basic_code,
            defaults={
                "name": spec.basic_name or spec.name,
                "item_type": spec.item_type,
                "national_code": spec.national_code is not None,
            },
        )
        tally.add(created)
        code = ItemImplementation.make_code(item.basic_code, region.code, department.code)
        implementation = ItemImplementation.objects.filter(implementation_code=code).first()
        if implementation is None:
            materials = [dict(material) for material in spec.materials]
            if spec.attach_forms:
                materials[0].update(_form_files(spec))
            stages = [
                {
                    "name": stage.name,
                    "role": stage.role,
                    "departments": [departments[c] for c in stage.departments],
                    "parallel": stage.parallel,
                    "days": stage.days,
                    "description": stage.description,
                }
                for stage in spec.stages
            ]
            implementation = services.create_implementation(
                item=item,
                department=department,
                region=region,
                center=center,
                guide=_guide(spec),
                materials=materials,
                fees=spec.fees,
                stages=stages,
                themes=[themes[c] for c in spec.themes],
            )
            tally.add(True)
        loaded[spec.number] = (spec, implementation)
    return loaded


def _duties(
    loaded: dict[int, tuple[ItemSpec, ItemImplementation]],
    departments: dict[str, Department],
    tally: _Tally,
) -> None:
    positions: dict[str, int] = defaultdict(int)
    for spec, implementation in loaded.values():
        for duty in duties_for(spec):
            positions[spec.department] += 1
            _, created = Duty.objects.get_or_create(
                department=departments[spec.department],
                implementation=implementation,
                title=duty["title"],
                defaults={
                    "position": positions[spec.department],
                    "content": duty["content"],
                    "basis": duty["basis"],
                    "accountability": duty["accountability"],
                },
            )
            tally.add(created)


def summary(*, created: bool) -> dict[str, Any]:
    """Counts of the demo rows as they are in the database (the same after every run)."""
    department_codes = [spec.code for spec in org_data.DEPARTMENTS]
    implementations = ItemImplementation.objects.filter(
        center__code=org_data.CENTER_CODE,
        current_version__status=ItemVersion.Status.PUBLISHED,
    )
    parallel_versions = (
        ProcessStage.objects.filter(
            version__in=implementations.values("current_version"), parallel=True
        )
        .annotate(branches=Count("departments"))
        .filter(branches__gte=2)
        .values("version")
        .distinct()
    )
    return {
        "regions": Region.objects.filter(code__in=[r[0] for r in org_data.REGIONS]).count(),
        "departments": Department.objects.filter(code__in=department_codes).count(),
        "windows": Window.objects.filter(center__code=org_data.CENTER_CODE).count(),
        "items": implementations.count(),
        "parallel_items": parallel_versions.count(),
        "posts": Post.objects.filter(department__code__in=department_codes).count(),
        "themes": Theme.objects.filter(code__in=[t[0] for t in org_data.THEMES]).count(),
        "synonym_groups": SynonymGroup.objects.filter(
            terms__in=[s[0] for s in org_data.SYNONYMS]
        ).count(),
        "duties": Duty.objects.filter(implementation__center__code=org_data.CENTER_CODE).count(),
        "created": created,
    }


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Load (or complete) the demo centre and return the summary; ``created`` tells whether
    this run added any row."""
    sync_calendar_from_package()
    tally = _Tally()
    regions = _regions(tally)
    center = _center(regions, tally)
    departments = _departments(regions, tally)
    windows = _windows(center, departments, tally)
    _posts(departments, windows, tally)
    themes = _themes(tally)
    _synonyms(tally)
    loaded = _items(center, regions[org_data.ZONE], departments, themes, tally)
    _duties(loaded, departments, tally)
    return summary(created=tally.created > 0)
