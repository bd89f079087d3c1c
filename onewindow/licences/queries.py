"""Reads of the licence library: verification, the holder's and the department's licences,
a licence's history, and the licences an applicant may reuse for a material."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from onewindow.catalog.models import MaterialRequirement
from onewindow.core.masking import mask_name
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User

from . import identifiers, signing
from .models import Authority, Licence, MaterialLicence

# Staff roles that may look up licences of their departments (audited).
STAFF_ROLES = (
    "handler",
    "reviewer",
    "approver",
    "department_head",
    "centre_manager",
    "supervisor",
)


def masked_holder(licence: Licence) -> str:
    """Organisations are public by name; persons are masked (``张*``)."""
    if licence.holder_kind == "organization":
        return licence.holder_name
    return mask_name(licence.holder_name)


def _base() -> QuerySet[Licence]:
    return Licence.objects.select_related("licence_type", "department", "seal__authority")


def by_identifier(licence_id: str) -> Licence | None:
    text = (licence_id or "").strip().upper()
    if not identifiers.is_valid(text):
        return None
    return _base().filter(identifier=text).first()


@dataclass(frozen=True)
class Verification:
    licence: Licence
    status: str
    valid: bool
    holder: str
    sm2_ok: bool


def sm2_ok(licence: Licence) -> bool:
    """The stored SM2 signature verifies under the seal's certified SM2 key, and what it signs
    is this record's data: a changed field, date or status-relevant value fails."""
    from . import services

    try:
        signature = base64.b64decode(licence.sm2_signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    payload = signing.canonical_json(services.payload_of(licence))
    if not hmac.compare_digest(payload, licence.signed_payload.encode()):
        return False
    if not _certified(licence.seal.certificate, licence.seal.sm2_public_key):
        return False
    return signing.sm2_verify(payload, signature, licence.seal.sm2_public_key)


def _certified(certificate_pem: str, sm2_public_key_pem: str) -> bool:
    from tongsuopy.crypto import serialization as sm_serialization

    try:
        der = sm_serialization.load_pem_public_key(sm2_public_key_pem.encode()).public_bytes(
            sm_serialization.Encoding.DER, sm_serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hmac.compare_digest(der, signing.certified_sm2_key(certificate_pem))
    except Exception:
        return False


def verify(licence_id: str, check_code: str, *, on: dt.date | None = None) -> Verification | None:
    """Public verification: the licence with this identifier and check code, or None."""
    code = (check_code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    licence = by_identifier(licence_id)
    if licence is None or not hmac.compare_digest(licence.check_code.encode(), code.encode()):
        return None
    status = licence.current_status(on or timezone.localdate())
    signature_ok = sm2_ok(licence)
    return Verification(
        licence=licence,
        status=status,
        valid=status == Licence.Status.VALID and signature_ok,
        holder=masked_holder(licence),
        sm2_ok=signature_ok,
    )


def authority_pems() -> list[str]:
    return list(Authority.objects.values_list("certificate", flat=True))


@dataclass(frozen=True)
class UploadCheck:
    pdf: signing.PdfCheck
    licence: Licence | None
    current: bool
    latest: Licence | None


def check_upload(pdf: bytes) -> UploadCheck:
    """An uploaded PDF: its PAdES signature against the platform's roots, and whether it is a
    licence the library holds and its current version."""
    result = signing.check_pdf(pdf, authority_pems=authority_pems())
    licence = _base().filter(pdf_sha256=result.sha256).first() if result.ok else None
    latest = latest_version(licence) if licence is not None else None
    current = (
        licence is not None
        and latest is not None
        and latest.pk == licence.pk
        and licence.is_valid(timezone.localdate())
    )
    return UploadCheck(pdf=result, licence=licence, current=current, latest=latest)


def versions(licence: Licence) -> QuerySet[Licence]:
    """Every version of the licence's serial, oldest first."""
    return (
        _base()
        .filter(
            licence_type_id=licence.licence_type_id,
            department_id=licence.department_id,
            serial=licence.serial,
        )
        .order_by("version")
    )


def latest_version(licence: Licence) -> Licence | None:
    return versions(licence).order_by("-version").first()


def holder_licences(user: User) -> QuerySet[Licence]:
    """The licences of ``user`` and of those ``user`` receives results for (organisations
    they act for, principals whose agent they are)."""
    if not user.is_authenticated or not user.is_active or user.kind == User.Kind.STAFF:
        return Licence.objects.none()
    principals = identity_queries.principals_of(user, "receive")
    return _base().filter(holder__in=principals)


def staff_licences(user: User) -> QuerySet[Licence]:
    """The licences of the departments ``user`` works in (all, for centre-wide roles)."""
    if user.kind != User.Kind.STAFF or not user.has_role(*STAFF_ROLES):
        return Licence.objects.none()
    scope = identity_queries.department_scope(user)
    if scope is None:
        return _base()
    return _base().filter(department_id__in=scope)


def may_view_as_staff(user: User, licence: Licence) -> bool:
    return staff_licences(user).filter(pk=licence.pk).exists()


def may_download(user: User, licence: Licence) -> bool:
    return holder_licences(user).filter(pk=licence.pk).exists() or may_view_as_staff(user, licence)


def reusable_licences(user: User, requirement: MaterialRequirement) -> list[Licence]:
    """The valid licences ``user`` may offer for ``requirement`` instead of an upload."""
    today = timezone.localdate()
    principals = identity_queries.principals_of(user, "file")
    candidates = _base().filter(holder__in=principals, status=Licence.Status.VALID)
    return [
        licence
        for licence in candidates
        if licence.is_valid(today) and licence.licence_type.satisfies(requirement)
    ]


def licence_for_material(material: Any) -> Licence | None:
    """The licence a case material reuses (免提交), if it is one: staff see it, verified, in
    place of a scan."""
    file_id = getattr(material, "file_id", None)
    if file_id is None:
        return None
    use = MaterialLicence.objects.select_related("licence").filter(stored_file_id=file_id).first()
    return use.licence if use is not None else None


def licences_of_case(case_no: str) -> QuerySet[Licence]:
    """The licences a case produced (every version)."""
    return _base().filter(case_no=case_no).order_by("issued_at", "id")
