"""Writes of the catalog: creating implementations and the version life cycle.

A published version is frozen. ``start_new_version`` copies it into a draft, the draft is
edited, and ``publish_version`` makes it current in one transaction (the previous version is
marked superseded, the search index follows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.org.models import Department, Region, ServiceCenter

from . import search
from .models import (
    Fee,
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ProcessStage,
    ServiceItem,
    Theme,
)

# Guide fields that a caller may set on a version (everything but bookkeeping).
GUIDE_FIELDS = (
    "name",
    "name_en",
    "summary",
    "audience",
    "handling",
    "legal_basis",
    "conditions",
    "statutory_days",
    "statutory_unit",
    "statutory_note",
    "promised_days",
    "online_depth",
    "visits_required",
    "location",
    "hours",
    "phone",
    "complaint_phone",
    "result_name",
    "result_validity",
    "delivery_methods",
    "form_schema",
    "faq",
    "keywords",
    "change_note",
)


class VersionLocked(ValidationError):
    """Raised when code tries to edit a version that is no longer a draft."""


def _apply_guide(version: ItemVersion, guide: Mapping[str, Any]) -> None:
    unknown = set(guide) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationError({field: _("未知字段") for field in sorted(unknown)})
    for field, value in guide.items():
        setattr(version, field, value)


def _replace_children(
    version: ItemVersion,
    *,
    materials: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] | None = None,
    stages: Iterable[Mapping[str, Any]] | None = None,
    themes: Iterable[Theme] | None = None,
) -> None:
    if materials is not None:
        version.materials.all().delete()
        for position, data in enumerate(materials, start=1):
            material = MaterialRequirement(version=version, position=position, **data)
            material.full_clean(exclude=["version"])
            material.save()
    if fees is not None:
        version.fees.all().delete()
        for position, data in enumerate(fees, start=1):
            fee = Fee(version=version, position=position, **data)
            fee.full_clean(exclude=["version"])
            fee.save()
    if stages is not None:
        version.stages.all().delete()
        for position, data in enumerate(stages, start=1):
            data = dict(data)
            departments = list(data.pop("departments"))
            if not departments:
                raise ValidationError({"stages": _("第%(n)d个环节没有办理部门") % {"n": position}})
            if len(departments) > 1 and not data.get("parallel"):
                raise ValidationError(
                    {"stages": _("第%(n)d个环节有多个部门，须设为并联办理") % {"n": position}}
                )
            stage = ProcessStage(version=version, position=position, **data)
            stage.full_clean(exclude=["version"])
            stage.save()
            stage.departments.set(departments)
    if themes is not None:
        version.themes.set(themes)


@transaction.atomic
def create_implementation(
    *,
    item: ServiceItem,
    department: Department,
    region: Region,
    center: ServiceCenter | None,
    guide: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]] = (),
    fees: Iterable[Mapping[str, Any]] = (),
    stages: Iterable[Mapping[str, Any]] = (),
    themes: Iterable[Theme] = (),
    actor: Any = None,
    publish: bool = True,
) -> ItemImplementation:
    """Create an implementation with its first version (published unless ``publish=False``)."""
    implementation = ItemImplementation(
        implementation_code=ItemImplementation.make_code(
            item.basic_code, region.code, department.code
        ),
        item=item,
        department=department,
        region=region,
        center=center,
    )
    implementation.full_clean(exclude=["current_version"])
    implementation.save()
    version = ItemVersion(implementation=implementation, number=1, created_by=actor)
    _apply_guide(version, guide)
    version.full_clean()
    version.save()
    _replace_children(version, materials=materials, fees=fees, stages=stages, themes=themes)
    if publish:
        implementation.current_version = publish_version(version, actor=actor)
    return implementation


@transaction.atomic
def start_new_version(implementation: ItemImplementation, *, actor: Any = None) -> ItemVersion:
    """A new draft copied from the newest version, with every material, fee, stage and theme.

    If a draft already exists it is returned instead: one draft per implementation at a time.
    """
    implementation = ItemImplementation.objects.select_for_update().get(pk=implementation.pk)
    existing = (
        implementation.versions.filter(status=ItemVersion.Status.DRAFT).order_by("-number").first()
    )
    if existing is not None:
        return existing
    source = implementation.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("该事项没有可复制的版本"))
    next_number = (implementation.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ItemVersion(implementation=implementation, number=next_number, created_by=actor)
    for field in GUIDE_FIELDS:
        setattr(draft, field, getattr(source, field))
    draft.change_note = ""
    draft.save()
    for material in source.materials.all():
        material.pk = None
        material.version = draft
        material.save()
    for fee in source.fees.all():
        fee.pk = None
        fee.version = draft
        fee.save()
    for stage in source.stages.prefetch_related("departments"):
        departments = list(stage.departments.all())
        stage._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # or set() sees the source's rows
        stage.pk = None
        stage.version = draft
        stage.save()
        stage.departments.set(departments)
    draft.themes.set(source.themes.all())
    return draft


@transaction.atomic
def update_draft(
    version: ItemVersion,
    *,
    guide: Mapping[str, Any] | None = None,
    materials: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] | None = None,
    stages: Iterable[Mapping[str, Any]] | None = None,
    themes: Iterable[Theme] | None = None,
    actor: Any = None,
) -> ItemVersion:
    """Edit a draft. A published or retired version is frozen: ``VersionLocked``."""
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ItemVersion.Status.DRAFT:
        raise VersionLocked(_("已发布的版本不可修改，请先创建新版本"))
    if guide:
        _apply_guide(version, guide)
        version.full_clean()
        version.save()
    _replace_children(version, materials=materials, fees=fees, stages=stages, themes=themes)
    return version


@transaction.atomic
def publish_version(version: ItemVersion, *, actor: Any = None) -> ItemVersion:
    """Make a draft the current version; the previous one becomes superseded."""
    implementation = ItemImplementation.objects.select_for_update().get(
        pk=version.implementation_id
    )
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ItemVersion.Status.DRAFT:
        raise VersionLocked(_("只有草稿可以发布"))
    version.full_clean()
    if not version.stages.exists() and version.handling != ItemVersion.Handling.INSTANT:
        raise ValidationError({"stages": _("承诺件须至少设置一个办理环节")})
    implementation.versions.filter(status=ItemVersion.Status.PUBLISHED).update(
        status=ItemVersion.Status.SUPERSEDED
    )
    version.status = ItemVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    implementation.current_version = version
    implementation.save(update_fields=["current_version"])
    search.index_implementation(implementation)
    return version


@transaction.atomic
def edit_item(
    implementation: ItemImplementation,
    *,
    guide: Mapping[str, Any] | None = None,
    materials: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] | None = None,
    stages: Iterable[Mapping[str, Any]] | None = None,
    themes: Iterable[Theme] | None = None,
    actor: Any = None,
) -> ItemVersion:
    """Edit a published item: a new version with the changes, published at once."""
    draft = start_new_version(implementation, actor=actor)
    update_draft(
        draft,
        guide=guide,
        materials=materials,
        fees=fees,
        stages=stages,
        themes=themes,
        actor=actor,
    )
    return publish_version(draft, actor=actor)


@transaction.atomic
def withdraw_implementation(implementation: ItemImplementation, *, actor: Any = None) -> None:
    """Stop offering an item: its current version is withdrawn and leaves the search index."""
    implementation = ItemImplementation.objects.select_for_update().get(pk=implementation.pk)
    implementation.versions.filter(status=ItemVersion.Status.PUBLISHED).update(
        status=ItemVersion.Status.WITHDRAWN
    )
    implementation.current_version = None
    implementation.save(update_fields=["current_version"])
    search.remove_implementation(implementation)
