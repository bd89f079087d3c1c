"""Writes of the staff workbench: walk-in applicants and intake at a general window (一窗受理),
and the first-contact log (首问负责).

Cases are written only through ``cases.services``; accounts only through
``identity.services``. Each service here takes ``actor=`` and leaves an audit record.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import engine, files
from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.catalog.models import ItemImplementation
from onewindow.core import audit
from onewindow.identity import services as identity_services
from onewindow.identity import validators
from onewindow.identity.models import User
from onewindow.org.models import Window

from . import queries
from .models import FirstContact

WALK_IN_USERNAME_PREFIX = "walkin-"


def _collect(errors: dict[str, list[str]], name: str, check: Any, raw: str) -> str:
    try:
        return str(check(raw))
    except ValidationError as exc:
        errors[name] = exc.messages
        return ""


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def register_walk_in(
    *,
    kind: str,
    name: str,
    phone: str,
    id_number: str = "",
    credit_code: str = "",
    legal_representative: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> tuple[User, bool]:
    """The account of a walk-in applicant: found by ID number or credit code (real-name data
    checked by its check digit), or created through ``identity.services``.

    Returns the account and whether it was created. Errors name the field.
    """
    errors: dict[str, list[str]] = {}
    if kind not in {User.Kind.PERSON, User.Kind.ORGANIZATION}:
        raise ValidationError({"kind": _("申请人类型须为自然人或法人")})
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("请填写申请人姓名或单位名称（不超过200个字符）")]
    phone = _collect(errors, "phone", validators.clean_phone, phone)
    if kind == User.Kind.PERSON:
        number = _collect(errors, "id_number", validators.clean_id_number, id_number)
        existing = queries.find_person(number) if number else None
        if existing is not None and existing.kind != User.Kind.PERSON:
            errors["id_number"] = [_("该证件号码属于工作人员账户，不能作为申请人")]
        elif existing is not None and name and not _same_name(existing.name, name):
            errors["name"] = [_("姓名与该身份证号码已登记的姓名不一致")]
    else:
        code = _collect(errors, "credit_code", validators.clean_credit_code, credit_code)
        organization = queries.find_organization(code) if code else None
        existing = organization.account if organization else None
        if organization is not None and name and not _same_name(organization.name, name):
            errors["name"] = [_("单位名称与该统一社会信用代码已登记的名称不一致")]
        if organization is None and code and not (legal_representative or "").strip():
            errors["legal_representative"] = [_("首次登记的单位须填写法定代表人")]
    if errors:
        raise ValidationError(errors)
    if existing is not None:
        if not existing.is_active:
            raise ValidationError({"kind": [_("该申请人账户已停用，请联系管理员")]})
        audit.record(
            "workbench.walk_in_found", actor=actor, obj=existing, request=request, detail={}
        )
        return existing, False
    username = WALK_IN_USERNAME_PREFIX + secrets.token_hex(6)
    if kind == User.Kind.PERSON:
        account = identity_services.register_person(
            username=username,
            password=None,
            name=name,
            id_number=id_number,
            phone=phone,
            actor=actor,
            request=request,
        )
    else:
        account = identity_services.register_organization(
            username=username,
            password=None,
            name=name,
            credit_code=credit_code,
            legal_representative=legal_representative,
            phone=phone,
            actor=actor,
            request=request,
        ).account
    return account, True


def applicant_payload(account: User) -> dict[str, Any]:
    """The ``applicant`` of ``cases.services.submit_case`` for a registered account."""
    if account.kind == User.Kind.ORGANIZATION:
        return {
            "kind": "organization",
            "name": account.name,
            "credit_code": account.organization.credit_code,
            "phone": account.phone,
        }
    return {
        "kind": "person",
        "name": account.name,
        "id_number": account.id_number,
        "phone": account.phone,
    }


@dataclass
class IntakeResult:
    case: Case
    accepted: bool
    refusal: str = ""


def file_at_window(
    implementation: ItemImplementation,
    *,
    applicant: User,
    form: Mapping[str, Any],
    uploads: Mapping[int, Iterable[UploadedFile]],
    accept_now: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> IntakeResult:
    """File a walk-in application (channel ``window``) and accept it on the spot or leave it
    in the department's queue.

    Uploads are checked and stored (``cases.files.store_upload``) only after the form passed
    the item's schema; a refused upload raises ``ValidationError`` on ``material_<id>``.
    """
    version = implementation.current_version
    if version is None:
        raise ValidationError({"item_code": _("该事项未发布，不能申请")})
    case_services.validate_form(version, form)
    materials: list[dict[str, Any]] = []
    for requirement_id, batch in uploads.items():
        for upload in batch:
            try:
                stored = files.store_upload(upload, actor=actor, request=request)
            except files.UploadRejected as exc:
                raise ValidationError({f"material_{requirement_id}": [exc.message]}) from exc
            materials.append({"requirement_id": requirement_id, "file_id": stored.pk})
    case = case_services.submit_case(
        implementation,
        form=form,
        materials=materials,
        channel="window",
        actor=actor,
        applicant=applicant_payload(applicant),
    )
    if not accept_now:
        return IntakeResult(case=case, accepted=False)
    try:
        case = case_services.accept(case, actor=actor, note=_("窗口当场受理"))
    except (PermissionDenied, engine.InvalidTransition, ValidationError) as exc:
        return IntakeResult(case=case, accepted=False, refusal=str(exc))
    return IntakeResult(case=case, accepted=True)


@transaction.atomic
def record_first_contact(
    *,
    actor: User,
    enquirer_name: str,
    enquirer_phone: str = "",
    question: str,
    answer: str,
    window: Window | None = None,
    implementation: ItemImplementation | None = None,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> FirstContact:
    """Record one enquiry (首问负责): every enquiry, whether or not a case follows."""
    errors: dict[str, list[str]] = {}
    enquirer_name = (enquirer_name or "").strip()
    if not enquirer_name or len(enquirer_name) > 100:
        errors["enquirer_name"] = [_("请填写咨询人（不超过100个字符）")]
    enquirer_phone = (enquirer_phone or "").strip()
    if enquirer_phone:
        enquirer_phone = _collect(errors, "enquirer_phone", validators.clean_phone, enquirer_phone)
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question:
        errors["question"] = [_("请填写咨询内容")]
    if not answer:
        errors["answer"] = [_("请填写答复内容")]
    if errors:
        raise ValidationError(errors)
    entry = FirstContact.objects.create(
        clerk=actor,
        window=window,
        at=timezone.now(),
        enquirer_name=enquirer_name,
        enquirer_phone=enquirer_phone,
        implementation=implementation,
        question=question[:5000],
        answer=answer[:5000],
        case=case,
    )
    audit.record(
        "workbench.first_contact",
        actor=actor,
        obj=entry,
        request=request,
        detail={
            "item": implementation.implementation_code if implementation else "",
            "case_no": case.case_no if case else "",
        },
    )
    return entry
