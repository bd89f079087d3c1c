"""Reads the public pages need beyond ``catalog.queries``: small and single-purpose."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from onewindow.cases import queries as case_queries
from onewindow.cases.models import Case, CaseMaterial, Message, StoredFile
from onewindow.catalog.models import ItemImplementation
from onewindow.catalog.queries import published_implementations
from onewindow.core import page_cache
from onewindow.identity.models import User
from onewindow.org.models import Department, ServiceCenter

from .models import ApplicationDraft, DeliveryChoice

MAX_CASE_NO_LENGTH = 32  # Case.case_no


def current_center() -> ServiceCenter | None:
    """The service centre the portal speaks for: the first active one, if any."""
    return ServiceCenter.objects.filter(is_active=True).order_by("code").first()


@dataclass(frozen=True)
class _Remembered:
    generation: str
    expires: float  # time.monotonic()
    center: ServiceCenter | None


_remembered: _Remembered | None = None


def footer_center() -> ServiceCenter | None:
    """``current_center``, remembered by this process: every page's footer shows it, and
    reading it cost a query on every page that ``core.page_cache`` does not serve (the
    progress page, sign-in, the applicant's pages).

    It is kept the way stored pages are: under the public content generation read *before*
    the row (a change to any ``org`` row bumps it, at once and on commit), and for at most
    ``ONEWINDOW_PAGE_CACHE_SECONDS``, for a row changed where no signal sees it. With that
    setting 0 (development) it reads the row every time. The instance is shared by the
    requests of this process: read it, never change it."""
    global _remembered
    seconds = settings.ONEWINDOW_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return current_center()
    generation = page_cache.current_generation()
    now = time.monotonic()
    remembered = _remembered
    if remembered is not None and remembered.generation == generation and now < remembered.expires:
        return remembered.center
    center = current_center()
    _remembered = _Remembered(generation, now + seconds, center)
    return center


def active_department(code: str) -> Department | None:
    return Department.objects.filter(code=code, is_active=True).first()


def department_items(department: Department) -> QuerySet[ItemImplementation]:
    """A department's published items, in catalogue order."""
    return published_implementations().filter(department=department).order_by("implementation_code")


def published_item(code: str) -> ItemImplementation | None:
    """A published implementation without the guide's children (for its version history)."""
    return published_implementations().filter(implementation_code=code).first()


# --- The applicant's own records ---------------------------------------------------------------


def my_cases(user: User) -> QuerySet[Case]:
    """The cases an applicant follows in "我的办件": their own and those they act for.

    Visibility is the case engine's (``cases.queries.visible_cases``); staff follow cases in the
    workbench, not here.
    """
    if not user.is_authenticated or user.kind == User.Kind.STAFF:
        return Case.objects.none()
    return case_queries.visible_cases(user)


def my_case(user: User, case_no: str) -> Case | None:
    """One of ``my_cases`` by number; None for anyone else's (the page answers 404)."""
    if not case_no or len(case_no) > MAX_CASE_NO_LENGTH:
        return None
    if not user.is_authenticated or user.kind == User.Kind.STAFF:
        return None
    return case_queries.get_visible(user, case_no)


def drafts_of(user: User) -> QuerySet[ApplicationDraft]:
    return ApplicationDraft.objects.filter(user=user).select_related(
        "implementation__department", "item_version", "principal"
    )


def draft_of(user: User, draft_id: int) -> ApplicationDraft | None:
    return drafts_of(user).filter(pk=draft_id).first()


def own_files(user: User, file_ids: Iterable[int]) -> dict[int, StoredFile]:
    """The uploaded files among ``file_ids`` that ``user`` uploaded, by id."""
    ids = {int(i) for i in file_ids}
    if not ids:
        return {}
    return {f.pk: f for f in StoredFile.objects.filter(pk__in=ids, uploaded_by=user)}


def messages_of(user: User) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user).select_related("case")


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient=user, read_at=None).count()


def delivery_choice(case: Case) -> DeliveryChoice | None:
    return DeliveryChoice.objects.filter(case=case).first()


def latest_materials(case: Case) -> list[CaseMaterial]:
    """The material currently on file for each requirement (the last round that gave one)."""
    latest: dict[int, CaseMaterial] = {}
    for material in case.materials.select_related("requirement", "file").order_by("round", "id"):
        latest[material.requirement_id] = material
    return sorted(latest.values(), key=lambda m: (m.requirement.position, m.requirement_id))
