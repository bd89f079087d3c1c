"""Writes of the licence library: the CA and seals, issuing, revoking, changing and renewing
licences, the expiry sweep with its reminders, and reuse of a licence as a case material.

Every write is one transaction that takes a keyword-only ``actor`` (``None`` for the system)
and appends one audit record. A licence is rendered, signed twice (PAdES on the PDF, SM2 over
its data) and stored before its row is written, so a row never lacks its file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from onewindow.catalog.models import MaterialRequirement
from onewindow.core import audit, crypto
from onewindow.core.masking import mask_id_number
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import identifiers, rendering, signing
from .models import (
    Authority,
    Licence,
    LicenceEvent,
    LicenceSequence,
    LicenceType,
    MaterialLicence,
    Seal,
)

if TYPE_CHECKING:
    from onewindow.cases.models import StoredFile

CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHECK_CODE_LENGTH = 8
REMIND_DAYS = 30
SEAL_TEXT = "电子证照专用章"
Status = Licence.Status


class LicenceError(Exception):
    """A licence cannot be issued now (no seal, no CA…); the message says why, in Chinese."""


class InvalidLicenceState(Exception):
    """The licence's status does not allow the action (e.g. revoking a revoked licence)."""

    def __init__(self, action: str, status: str, message: str) -> None:
        super().__init__(message)
        self.action = action
        self.status = status
        self.message = message


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- CA and seals


def current_authority() -> Authority | None:
    return Authority.objects.filter(is_current=True).first()


@transaction.atomic
def init_authority(*, name: str, actor: User | None = None) -> Authority:
    """Create the platform's root: the key file (encrypted) and the certificate row."""
    name = name.strip()[:60] or _("一网通办平台")
    if current_authority() is not None:
        raise LicenceError(_("平台根证书已存在"))
    new = signing.create_authority(name, now=timezone.now())
    authority = Authority.objects.create(
        name=name,
        certificate=new.certificate_pem,
        fingerprint=signing.fingerprint(new.certificate_pem),
        not_before=new.not_before,
        not_after=new.not_after,
    )
    audit.record(
        "licence.ca_create",
        actor=actor,
        obj=authority,
        detail={"fingerprint": authority.fingerprint, "key_file": str(signing.ca_key_path())},
    )
    return authority


@transaction.atomic
def issue_seal(department: Department, *, actor: User | None = None, name: str = "") -> Seal:
    """A new seal for ``department`` (keys in files, certificate from the platform CA); the
    previous one stops signing but still verifies what it signed."""
    authority = current_authority()
    if authority is None:
        raise LicenceError(_("请先创建平台根证书（onewindow licences-init-ca）"))
    credit_code = (department.credit_code or "").strip().upper()
    if not uscc.is_valid(credit_code):
        raise LicenceError(
            _("部门“%(name)s”未填写有效的统一社会信用代码") % {"name": department.name}
        )
    now = timezone.now()
    key_name = f"{department.code}-{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    new = signing.create_seal(
        authority_pem=authority.certificate,
        department_name=department.name,
        credit_code=credit_code,
        key_name=key_name,
        now=now,
    )
    Seal.objects.filter(department=department, is_active=True).update(is_active=False)
    seal = Seal.objects.create(
        department=department,
        authority=authority,
        name=name.strip()[:100] or f"{department.name}{SEAL_TEXT}",
        certificate=new.certificate_pem,
        fingerprint=signing.fingerprint(new.certificate_pem),
        serial=new.serial,
        sm2_public_key=new.sm2_public_key_pem,
        key_name=key_name,
        not_before=new.not_before,
        not_after=new.not_after,
    )
    audit.record(
        "licence.seal_issue",
        actor=actor,
        obj=seal,
        detail={"department": department.code, "fingerprint": seal.fingerprint},
    )
    return seal


def active_seal(department: Department) -> Seal:
    seal = (
        Seal.objects.select_related("authority")
        .filter(department=department, is_active=True)
        .first()
    )
    if seal is None:
        raise LicenceError(
            _("“%(name)s”尚未配置电子印章（onewindow licences-issue-seal %(code)s）")
            % {"name": department.name, "code": department.code}
        )
    if seal.not_after <= timezone.now():
        raise LicenceError(_("“%(name)s”的电子印章证书已过期") % {"name": department.name})
    return seal


# --------------------------------------------------------------------------- the payload


def holder_number(licence: Licence) -> str:
    """The holder's number as printed and signed: an organisation's credit code in full, a
    person's ID number masked."""
    if licence.holder_kind == "organization":
        return licence.holder_id_number
    return mask_id_number(licence.holder_id_number)


def payload_of(licence: Licence) -> dict[str, Any]:
    """The licence data the SM2 signature covers (as canonical JSON)."""
    return {
        "identifier": licence.identifier,
        "type": {"code": licence.licence_type.code, "name": licence.licence_type.name},
        "issuer": {
            "name": licence.department.name,
            "credit_code": licence.department.credit_code,
        },
        "holder": {
            "kind": licence.holder_kind,
            "name": licence.holder_name,
            "number": holder_number(licence),
        },
        "data": {str(k): str(v) for k, v in (licence.data or {}).items()},
        "serial": licence.serial,
        "version": licence.version,
        "issued_on": licence.issued_on.isoformat(),
        "expires_on": licence.expires_on.isoformat() if licence.expires_on else None,
        "case_no": licence.case_no,
        "seal": licence.seal.fingerprint,
    }


def field_rows(licence: Licence) -> list[tuple[str, str]]:
    labels = {str(f.get("key")): str(f.get("label")) for f in licence.licence_type.fields or []}
    rows = [(labels[k], str(v)) for k, v in (licence.data or {}).items() if k in labels]
    rows += [(k, str(v)) for k, v in (licence.data or {}).items() if k not in labels]
    return rows


def _sheet(licence: Licence) -> rendering.LicenceSheet:
    organisation = licence.holder_kind == "organization"
    return rendering.LicenceSheet(
        title=licence.licence_type.name,
        identifier=licence.identifier,
        check_code=licence.check_code,
        holder_label="名称" if organisation else "姓名",
        holder_name=licence.holder_name,
        holder_number_label="统一社会信用代码" if organisation else "公民身份号码",
        holder_number=holder_number(licence),
        fields=field_rows(licence),
        issued_on=licence.issued_on,
        expires_on=licence.expires_on,
        department=licence.department.name,
        seal_text=SEAL_TEXT,
        version=licence.version,
    )


def sign_and_store(licence: Licence) -> Licence:
    """Render, PAdES-sign and SM2-sign ``licence`` (unsaved) and store its PDF."""
    seal = licence.seal
    payload = signing.canonical_json(payload_of(licence))
    licence.signed_payload = payload.decode()
    licence.sm2_signature = base64.b64encode(signing.sm2_sign(payload, seal.key_name)).decode()
    pdf = signing.pades_sign(
        rendering.render_licence(_sheet(licence)),
        key_name=seal.key_name,
        certificate_pem=seal.certificate,
        authority_pem=seal.authority.certificate,
        reason=f"{licence.department.name} 电子证照签章 {licence.identifier}",
    )
    licence.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    licence.pdf.save(f"{licence.identifier}.pdf", ContentFile(pdf), save=False)
    return licence


def _check_code() -> str:
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))


def _next_serial(licence_type: LicenceType, department: Department) -> int:
    sequence, _created = LicenceSequence.objects.select_for_update().get_or_create(
        licence_type=licence_type, department=department
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _event(
    licence: Licence,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    detail: Mapping[str, Any] | None = None,
) -> LicenceEvent:
    event = LicenceEvent.objects.create(
        licence=licence,
        at=timezone.now(),
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        detail=dict(detail or {}),
    )
    audit.record(
        f"licence.{action}",
        actor=actor,
        obj=licence,
        detail={"identifier": licence.identifier, "note": note[:200], **(detail or {})},
    )
    return event


def _message(licence: Licence, subject: str, body: str, *, case: Any = None) -> None:
    """An in-app message to the holder's account, written with the action itself."""
    if licence.holder_id is None:
        return
    from onewindow.cases.models import Message

    Message.objects.create(recipient_id=licence.holder_id, case=case, subject=subject, body=body)


def _clean_data(licence_type: LicenceType, data: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise ValidationError({"data": _("证照信息须为对象")})
    cleaned: dict[str, str] = {}
    for key, value in data.items():
        text = str(value if value is not None else "").strip()
        if len(text) > 1000:
            raise ValidationError({f"data.{key}": _("过长")})
        if text:
            cleaned[str(key)[:40]] = text
    return cleaned


# --------------------------------------------------------------------------- issuing


@transaction.atomic
def issue_licence(
    licence_type: LicenceType,
    *,
    holder_kind: str,
    holder_name: str,
    holder_id_number: str,
    holder: User | None,
    data: Mapping[str, Any],
    actor: User | None,
    case_no: str = "",
    case: Any = None,
) -> Licence:
    """Issue version 1 of a new licence of ``licence_type`` to a holder."""
    if not licence_type.is_active:
        raise LicenceError(_("证照类型已停用"))
    if holder_kind not in {"person", "organization"}:
        raise ValidationError({"holder_kind": _("持证主体类型须为 person 或 organization")})
    if licence_type.holder_kind not in {LicenceType.HolderKind.BOTH, holder_kind}:
        raise ValidationError({"holder_kind": _("该证照不向此类主体颁发")})
    department = licence_type.department
    seal = active_seal(department)
    issued = today()
    serial = _next_serial(licence_type, department)
    licence = Licence(
        identifier=identifiers.build(licence_type.code, department.credit_code, serial, 1),
        licence_type=licence_type,
        department=department,
        seal=seal,
        serial=serial,
        version=1,
        holder=holder,
        holder_kind=holder_kind,
        holder_name=holder_name.strip()[:200],
        holder_id_number=holder_id_number.strip().upper(),
        holder_id_digest=crypto.digest(holder_id_number, purpose="id_number"),
        data=_clean_data(licence_type, data),
        issued_on=issued,
        expires_on=licence_type.expiry_after(issued),
        issued_at=timezone.now(),
        check_code=_check_code(),
        case_no=case_no,
    )
    sign_and_store(licence)
    licence.save()
    _event(licence, "issue", actor=actor, detail={"case_no": case_no})
    _message(
        licence,
        _("电子证照已签发"),
        _("您的%(name)s已签发并送达“我的证照”，证照编号 %(id)s。")
        % {"name": licence_type.name, "id": licence.identifier},
        case=case,
    )
    return licence


def _lock(licence: Licence) -> Licence:
    return (
        Licence.objects.select_for_update(of=("self",))
        .select_related("licence_type", "department", "seal__authority")
        .get(pk=licence.pk)
    )


def may_manage(user: User, licence: Licence) -> bool:
    """Revoke, change or renew: an approver or the head of the issuing department."""
    return user.kind == User.Kind.STAFF and any(
        user.holds(role, licence.department_id) for role in ("approver", "department_head")
    )


def _require_manager(actor: User, licence: Licence) -> None:
    if not may_manage(actor, licence):
        raise PermissionDenied(_("只有颁发部门的审批人或负责人可以办理"))


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()[:500]
    if not cleaned:
        raise ValidationError({"reason": _("须说明原因")})
    return cleaned


@transaction.atomic
def revoke_licence(licence: Licence, *, actor: User, reason: str) -> Licence:
    """Revoke (注销) a valid licence; verification shows it at once."""
    licence = _lock(licence)
    _require_manager(actor, licence)
    if licence.status != Status.VALID:
        raise InvalidLicenceState(
            "revoke",
            licence.status,
            _("证照当前状态（%(s)s）不能注销") % {"s": licence.get_status_display()},
        )
    cleaned = _reason(reason)
    licence.status = Status.REVOKED
    licence.revoked_at = timezone.now()
    licence.revoke_reason = cleaned
    licence.save(update_fields=["status", "revoked_at", "revoke_reason"])
    _event(licence, "revoke", actor=actor, note=cleaned)
    _message(
        licence,
        _("电子证照已注销"),
        _("您的%(name)s（%(id)s）已被注销，原因：%(reason)s")
        % {"name": licence.licence_type.name, "id": licence.identifier, "reason": cleaned},
    )
    return licence


def _new_version(
    old: Licence,
    *,
    data: dict[str, str],
    issued_on: dt.date,
    expires_on: dt.date | None,
) -> Licence:
    seal = active_seal(old.department)
    version = old.version + 1
    licence = Licence(
        identifier=identifiers.build(
            old.licence_type.code, old.department.credit_code, old.serial, version
        ),
        licence_type=old.licence_type,
        department=old.department,
        seal=seal,
        serial=old.serial,
        version=version,
        previous=old,
        holder=old.holder,
        holder_kind=old.holder_kind,
        holder_name=old.holder_name,
        holder_id_number=old.holder_id_number,
        holder_id_digest=old.holder_id_digest,
        data=data,
        issued_on=issued_on,
        expires_on=expires_on,
        issued_at=timezone.now(),
        check_code=_check_code(),
        case_no=old.case_no,
    )
    sign_and_store(licence)
    licence.save()
    old.status = Status.SUPERSEDED
    old.save(update_fields=["status"])
    return licence


def _require_current(licence: Licence, action: str, *, allow_expired: bool = False) -> None:
    allowed = {Status.VALID, Status.EXPIRED} if allow_expired else {Status.VALID}
    if licence.status not in allowed or (
        not allow_expired and licence.current_status(today()) != Status.VALID
    ):
        raise InvalidLicenceState(
            action,
            licence.current_status(today()),
            _("证照当前状态（%(s)s）不能办理此项")
            % {"s": Status(licence.current_status(today())).label},
        )


@transaction.atomic
def change_licence(
    licence: Licence, *, actor: User, data: Mapping[str, Any], reason: str
) -> Licence:
    """Change (变更): a new version with the new data supersedes this one; the validity
    period stays."""
    licence = _lock(licence)
    _require_manager(actor, licence)
    _require_current(licence, "change")
    cleaned_reason = _reason(reason)
    new = _new_version(
        licence,
        data=_clean_data(licence.licence_type, data),
        issued_on=today(),
        expires_on=licence.expires_on,
    )
    _event(licence, "supersede", actor=actor, note=cleaned_reason, detail={"by": new.identifier})
    _event(new, "change", actor=actor, note=cleaned_reason, detail={"from": licence.identifier})
    _message(
        new,
        _("电子证照已变更"),
        _("您的%(name)s已变更，新版本证照编号 %(id)s，原版本同时失效。")
        % {"name": new.licence_type.name, "id": new.identifier},
    )
    return new


@transaction.atomic
def renew_licence(licence: Licence, *, actor: User, note: str = "") -> Licence:
    """Renewal (延续): a new version whose validity runs on from the old expiry date (or from
    today if it has passed) supersedes this one."""
    licence = _lock(licence)
    _require_manager(actor, licence)
    _require_current(licence, "renew", allow_expired=True)
    if licence.expires_on is None or licence.licence_type.validity_months is None:
        raise InvalidLicenceState("renew", licence.status, _("长期有效的证照无需延续"))
    start = max(licence.expires_on + dt.timedelta(days=1), today())
    new = _new_version(
        licence,
        data=dict(licence.data or {}),
        issued_on=today(),
        expires_on=licence.licence_type.expiry_after(start),
    )
    _event(licence, "supersede", actor=actor, note=note, detail={"by": new.identifier})
    _event(new, "renew", actor=actor, note=note, detail={"from": licence.identifier})
    _message(
        new,
        _("电子证照已延续"),
        _("您的%(name)s已延续至%(date)s，新版本证照编号 %(id)s。")
        % {
            "name": new.licence_type.name,
            "date": new.expires_on.isoformat() if new.expires_on else "",
            "id": new.identifier,
        },
    )
    return new


# --------------------------------------------------------------------------- the sweep


def sweep(on: dt.date | None = None) -> dict[str, int]:
    """Mark licences past their expiry date expired and remind holders 30 days ahead, once.

    Each licence is claimed with a conditional update, so sweeps running side by side never
    expire or remind the same licence twice.
    """
    day = on or today()
    expired = reminded = 0
    for licence in Licence.objects.filter(status=Status.VALID, expires_on__lt=day).select_related(
        "licence_type"
    ):
        with transaction.atomic():
            if Licence.objects.filter(pk=licence.pk, status=Status.VALID).update(
                status=Status.EXPIRED
            ):
                licence.status = Status.EXPIRED
                _event(licence, "expire", actor=None)
                expired += 1
    horizon = day + dt.timedelta(days=REMIND_DAYS)
    due = Licence.objects.filter(
        status=Status.VALID, reminded_at=None, expires_on__gte=day, expires_on__lte=horizon
    ).select_related("licence_type")
    for licence in due:
        with transaction.atomic():
            if Licence.objects.filter(pk=licence.pk, reminded_at=None).update(
                reminded_at=timezone.now()
            ):
                _event(licence, "remind", actor=None)
                _message(
                    licence,
                    _("电子证照即将到期"),
                    _(
                        "您的%(name)s（%(id)s）将于%(date)s到期，"
                        "如需继续从事相关活动，请在到期前申请延续。"
                    )
                    % {
                        "name": licence.licence_type.name,
                        "id": licence.identifier,
                        "date": licence.expires_on.isoformat() if licence.expires_on else "",
                    },
                )
                reminded += 1
    return {"expired": expired, "reminded": reminded}


# --------------------------------------------------------------------------- reuse (免提交)


def material_from_licence(
    licence_id: str, *, requirement: MaterialRequirement, actor: User
) -> StoredFile:
    """A licence offered as ``requirement``: valid, of a type that may stand in for the
    material, held by ``actor`` or by someone ``actor`` may file for. Returns a case file that
    is the licence's own signed PDF (shared, not copied) and records the use.

    Raises ``ValidationError`` with the reason otherwise. Call it inside the filing transaction.
    """
    from onewindow.cases.models import StoredFile

    try:
        identifiers.parse(licence_id)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationError(_("电子证照标识格式不正确")) from exc
    licence = (
        Licence.objects.select_related("licence_type", "holder")
        .filter(identifier=licence_id.strip().upper())
        .first()
    )
    if licence is None:
        raise ValidationError(_("电子证照不存在"))
    if licence.holder is None or not identity_queries.can_act_for(actor, licence.holder, "file"):
        raise ValidationError(_("只能使用本人（或您有权代办的申请人）持有的电子证照"))
    if not licence.is_valid(today()):
        raise ValidationError(
            _("该电子证照当前状态为“%(s)s”，不能使用")
            % {"s": Status(licence.current_status(today())).label}
        )
    if not licence.licence_type.satisfies(requirement):
        raise ValidationError(
            _("“%(type)s”不能作为“%(material)s”使用")
            % {"type": licence.licence_type.name, "material": requirement.name}
        )
    stored = StoredFile(
        name=f"{licence.licence_type.name}-{licence.identifier}.pdf"[:200],
        size=licence.pdf.size,
        sha256=licence.pdf_sha256,
        content_type="application/pdf",
        uploaded_by=actor,
    )
    stored.file.name = licence.pdf.name
    stored.save()
    MaterialLicence.objects.create(
        stored_file=stored, licence=licence, requirement=requirement, used_by=actor
    )
    audit.record(
        "licence.reuse",
        actor=actor,
        obj=licence,
        detail={"identifier": licence.identifier, "requirement": requirement.pk},
    )
    return stored


def record_staff_access(
    licence: Licence, *, actor: User, purpose: str, request: Any = None
) -> None:
    """A department's query of a licence is audited (数据共享交换: audited access only)."""
    audit.record(
        "licence.staff_access",
        actor=actor,
        obj=licence,
        request=request,
        detail={"identifier": licence.identifier, "purpose": purpose},
    )
