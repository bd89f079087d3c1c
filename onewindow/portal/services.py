"""Writes of the online hall's own records: drafts, the delivery choice, read marks; and the
few reads other pages need from them (the e-licences a draft may use, the delivery choice).

Cases are written only by the case engine (``cases.services``); these services keep what the
applicant prepares or chooses around a case. Each is one transaction with a keyword-only actor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import Case, Message, Status
from onewindow.catalog.models import ItemImplementation, ItemVersion, MaterialRequirement
from onewindow.core import audit
from onewindow.core.masking import mask_name, mask_phone
from onewindow.identity import queries as identity_queries
from onewindow.identity import validators
from onewindow.identity.models import User
from onewindow.licences import queries as licence_queries

from . import queries
from .models import ApplicationDraft, DeliveryChoice

if TYPE_CHECKING:
    from onewindow.licences.models import Licence

# Drafts one account may keep at a time, and the size of one draft's form (JSON).
MAX_DRAFTS = 50
MAX_FORM_BYTES = 64 * 1024

# The applicant may choose or change how the result is delivered until it has been delivered
# (the engine's ``deliver`` runs from granted or denied) and while the case is still open.
DELIVERY_OPEN_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.CORRECTIONS_REQUESTED,
        Status.ACCEPTED,
        Status.IN_REVIEW,
        Status.SUSPENDED,
        Status.GRANTED,
        Status.DENIED,
    }
)
ALL_DELIVERY_METHODS = tuple(DeliveryChoice.Method.values)


def may_apply_online(version: ItemVersion | None) -> bool:
    """Online application needs a published version of depth 2 (网上预审) or more."""
    return (
        version is not None
        and version.status == ItemVersion.Status.PUBLISHED
        and version.online_depth >= ItemVersion.OnlineDepth.PRE_REVIEW
    )


def applicant_for(actor: User, principal: User | None) -> dict[str, Any] | None:
    """The ``applicant`` argument of ``cases.services.submit_case``: None when the actor
    applies for themself, else the principal's identity (the engine checks the authority)."""
    if principal is None or principal.pk == actor.pk:
        return None
    organization = getattr(principal, "organization", None)
    if principal.kind == User.Kind.ORGANIZATION and organization is not None:
        data: dict[str, Any] = {
            "kind": "organization",
            "name": organization.name,
            "credit_code": organization.credit_code,
        }
    else:
        data = {"kind": "person", "name": principal.name, "id_number": principal.id_number}
    if principal.phone:
        data["phone"] = principal.phone
    return data


def offered_licences(
    actor: User, requirement: MaterialRequirement, principal: User | None = None
) -> list[Licence]:
    """The valid e-licences the application may use instead of ``requirement``'s upload
    (免提交): those of the applicant (``principal``, else the actor) of a type that stands in
    for the material. The engine checks the choice again when the case is filed."""
    holder_id = (principal or actor).pk
    return [
        licence
        for licence in licence_queries.reusable_licences(actor, requirement)
        if licence.holder_id == holder_id
    ]


def chosen_licences(draft: ApplicationDraft) -> dict[int, Licence]:
    """The licences a draft names, by requirement id (whatever their status now)."""
    result: dict[int, Licence] = {}
    for requirement_id, identifier in draft.licence_ids().items():
        licence = licence_queries.by_identifier(identifier)
        if licence is not None:
            result[requirement_id] = licence
    return result


def _check_principal(actor: User, principal: User | None) -> None:
    if principal is None or principal.pk == actor.pk:
        return
    if not identity_queries.can_act_for(actor, principal, "file"):
        raise PermissionDenied(_("您没有代该申请人办理的授权"))


@transaction.atomic
def save_draft(
    *,
    actor: User,
    implementation: ItemImplementation,
    form: Mapping[str, Any],
    files: Mapping[int, int],
    principal: User | None = None,
    draft: ApplicationDraft | None = None,
    licences: Mapping[int, str] | None = None,
) -> ApplicationDraft:
    """Keep an application in progress under the item's current version.

    Files must be the actor's own uploads for a material of that version; ``licences`` (by
    requirement id) must be among the e-licences offered for that material
    (``offered_licences``), and replace any file given for it. Anything else is an error and
    nothing is saved.
    """
    version = implementation.current_version
    if not may_apply_online(version):
        raise ValidationError({"item": _("该事项不支持网上申请，请到窗口办理")})
    assert version is not None
    if actor.kind == User.Kind.STAFF:
        raise PermissionDenied(_("工作人员不能在网上办事大厅提交申请，请在工作台代为受理"))
    _check_principal(actor, principal)
    if draft is not None and draft.user_id != actor.pk:
        raise PermissionDenied(_("只能修改本人的草稿"))
    if draft is None and ApplicationDraft.objects.filter(user=actor).count() >= MAX_DRAFTS:
        raise ValidationError(
            {"draft": _("草稿最多保存%(n)d份，请先删除不需要的草稿") % {"n": MAX_DRAFTS}}
        )
    form_data = dict(form)
    if len(json.dumps(form_data, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        raise ValidationError({"form": _("申请表内容过长")})
    requirements = {m.pk: m for m in version.materials.all()}
    owned = queries.own_files(actor, files.values())
    errors: dict[str, list[str]] = {}
    for requirement_id, file_id in files.items():
        if requirement_id not in requirements:
            errors[f"materials.{requirement_id}"] = [_("材料要求不属于该事项")]
        elif file_id not in owned:
            errors[f"materials.{requirement_id}"] = [_("只能使用本人上传的文件")]
    chosen: dict[int, str] = {}
    for requirement_id, identifier in (licences or {}).items():
        requirement = requirements.get(requirement_id)
        if requirement is None:
            errors[f"materials.{requirement_id}"] = [_("材料要求不属于该事项")]
            continue
        wanted = (identifier or "").strip().upper()
        if not wanted:
            continue
        offered = {lic.identifier for lic in offered_licences(actor, requirement, principal)}
        if wanted not in offered:
            errors[f"materials.{requirement_id}"] = [
                _("所选电子证照不能用于该材料，请重新选择或改为上传文件")
            ]
            continue
        chosen[requirement_id] = wanted
    if errors:
        raise ValidationError(errors)
    if draft is None:
        draft = ApplicationDraft(user=actor, implementation=implementation)
    draft.item_version = version
    draft.principal = principal if principal is not None and principal.pk != actor.pk else None
    draft.form = form_data
    draft.files = {str(r): f for r, f in sorted(files.items()) if r not in chosen}
    draft.licences = {str(r): ident for r, ident in sorted(chosen.items())}
    draft.save()
    detail: dict[str, Any] = {"item_code": implementation.implementation_code}
    if chosen:
        detail["licences"] = sorted(chosen.values())
    audit.record("portal.draft_save", actor=actor, obj=draft, detail=detail)
    return draft


@transaction.atomic
def delete_draft(draft: ApplicationDraft, *, actor: User) -> None:
    if draft.user_id != actor.pk:
        raise PermissionDenied(_("只能删除本人的草稿"))
    draft_id = draft.pk
    code = draft.implementation.implementation_code
    deleted, _rows = ApplicationDraft.objects.filter(pk=draft_id, user=actor).delete()
    if deleted:
        audit.record(
            "portal.draft_delete",
            actor=actor,
            object_type="portal.applicationdraft",
            object_id=str(draft_id),
            detail={"item_code": code},
        )


def delivery_methods(case: Case) -> list[str]:
    """The methods the item offers (all three when its guide names none)."""
    methods = [m for m in (case.item_version.delivery_methods or []) if m in ALL_DELIVERY_METHODS]
    return methods or list(ALL_DELIVERY_METHODS)


def may_choose_delivery(case: Case) -> bool:
    return case.status in DELIVERY_OPEN_STATES


@transaction.atomic
def choose_delivery(
    case: Case,
    *,
    actor: User,
    method: str,
    recipient: str = "",
    phone: str = "",
    address: str = "",
) -> DeliveryChoice:
    """Record how the applicant wants the result (pickup, mail with an address, online)."""
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("item_version").get(pk=case.pk)
    )
    if case.applicant is None or not identity_queries.can_act_for(
        actor, case.applicant, "receive", item_code=case.implementation.implementation_code
    ):
        raise PermissionDenied(_("只有申请人或其代办人可以选择送达方式"))
    if not may_choose_delivery(case):
        raise ValidationError(
            {
                "delivery": _("办件当前状态（%(s)s）不能再选择送达方式")
                % {"s": case.get_status_display()}
            }
        )
    errors: dict[str, list[str]] = {}
    if method not in delivery_methods(case):
        errors["method"] = [_("请选择本事项提供的送达方式")]
    values = {"recipient": "", "phone": "", "address": ""}
    if method == DeliveryChoice.Method.MAIL:
        try:
            values["recipient"] = validators.clean_name(recipient, max_length=50)
        except ValidationError as exc:
            errors["recipient"] = exc.messages
        try:
            values["phone"] = validators.clean_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        cleaned_address = " ".join((address or "").split())
        if not 5 <= len(cleaned_address) <= 200:
            errors["address"] = [_("邮寄地址须为5至200个字")]
        values["address"] = cleaned_address
    if errors:
        raise ValidationError(errors)
    choice, _created = DeliveryChoice.objects.update_or_create(
        case=case, defaults={"method": method, "chosen_by": actor, **values}
    )
    audit.record(
        "portal.delivery_choice",
        actor=actor,
        on_behalf_of=case.applicant if case.applicant_id != actor.pk else None,
        obj=choice,
        detail={"case_no": case.case_no, "method": method},
    )
    return choice


def mark_read(message_id: int, *, actor: User) -> bool:
    """Mark one of the actor's messages read; False when it is not theirs or already read."""
    updated = Message.objects.filter(pk=message_id, recipient=actor, read_at=None).update(
        read_at=timezone.now()
    )
    return updated == 1


def mark_all_read(*, actor: User) -> int:
    return Message.objects.filter(recipient=actor, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def submit_draft(draft: ApplicationDraft, *, actor: User) -> Case:
    """File a saved draft with the case engine (``cases.services.submit_case``) and discard it.

    The draft row is locked first, so a second click on "确认提交" finds it gone and files
    nothing twice. Any refusal of the engine leaves the draft as it was.
    """
    from onewindow.cases import services as case_services
    from onewindow.cases.models import Channel

    locked = (
        ApplicationDraft.objects.select_for_update(of=("self",))
        .select_related("implementation", "principal")
        .filter(pk=draft.pk, user=actor)
        .first()
    )
    if locked is None:
        raise ValidationError({"draft": _("该草稿已提交或已删除")})
    implementation = locked.implementation
    if implementation.current_version_id != locked.item_version_id:
        raise ValidationError({"draft": _("办事指南已更新，请核对申请表和材料后重新确认")})
    licences = locked.licence_ids()
    materials: list[dict[str, Any]] = [
        {"requirement_id": requirement_id, "file_id": file_id}
        for requirement_id, file_id in locked.file_ids().items()
        if requirement_id not in licences
    ]
    materials += [
        {"requirement_id": requirement_id, "licence_id": identifier}
        for requirement_id, identifier in licences.items()
    ]
    try:
        case = case_services.submit_case(
            implementation,
            form=locked.form,
            materials=materials,
            channel=Channel.ONLINE,
            actor=actor,
            applicant=applicant_for(actor, locked.principal),
        )
    except ValidationError as exc:
        raise _by_requirement(exc, materials) from exc
    locked.delete()
    return case


_MATERIAL_INDEX = re.compile(r"^materials\.(\d+)$")


def _by_requirement(exc: ValidationError, materials: list[dict[str, Any]]) -> ValidationError:
    """The engine names a refused material by its position in the list it was given
    (``materials.<index>``); the pages name it by its requirement (``materials.<id>``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        match = _MATERIAL_INDEX.match(key)
        if match and int(match.group(1)) < len(materials):
            key = f"materials.{materials[int(match.group(1))]['requirement_id']}"
        errors.setdefault(key, []).extend(messages)
    return ValidationError(errors)


# --- the delivery choice, as staff see it ------------------------------------------------------


@dataclass(frozen=True)
class DeliveryChoiceView:
    """The applicant's delivery choice with personal data masked (for the staff workbench)."""

    method: str
    method_label: str
    recipient: str
    phone: str
    address: str
    updated_at: Any


def mask_address(address: str) -> str:
    """Keep the first six characters (province, city, district as a rule) and hide the rest."""
    text = " ".join((address or "").split())
    if len(text) <= 6:
        return "*" * len(text)
    return text[:6] + "*" * min(len(text) - 6, 8)


def delivery_choice_for(case: Case) -> DeliveryChoiceView | None:
    """How the applicant asked to receive the result, masked; None when they have not said."""
    choice = DeliveryChoice.objects.filter(case_id=case.pk).first()
    if choice is None:
        return None
    return DeliveryChoiceView(
        method=choice.method,
        method_label=str(choice.get_method_display()),
        recipient=mask_name(choice.recipient) if choice.recipient else "",
        phone=mask_phone(choice.phone) if choice.phone else "",
        address=mask_address(choice.address) if choice.address else "",
        updated_at=choice.updated_at,
    )
