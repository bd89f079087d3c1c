"""Writes of open government. Each is one transaction with a keyword-only ``actor`` and one
audit record; an illegal move raises (``ValidationError`` 400, ``PermissionDenied`` 403,
``InvalidTransition`` 409) and changes nothing. Side effects (PDF documents) run on commit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import StoredFile
from onewindow.core import audit, crypto, page_cache
from onewindow.identity import queries as identity_queries
from onewindow.identity import validators
from onewindow.identity.models import User
from onewindow.org.models import Department

from . import deadlines, replies, search
from .models import (
    OPEN_STATUSES,
    AnnualReport,
    ApplicantCategory,
    Attachment,
    Category,
    CategoryKind,
    Consultation,
    ConsultationKind,
    DeliveryForm,
    DisclosureRequest,
    Document,
    DocumentKind,
    ExposureReport,
    ExposureStatus,
    Guide,
    Interpretation,
    InterpretationForm,
    PublishStatus,
    RemedyCase,
    RequestChannel,
    RequestEvent,
    RequestStatus,
    Sequence,
    Validity,
)

EMERGENCY_CACHE_KEY = "disclosure:emergency-notices"
# Roles that file letters and walk-in requests for applicants, besides the agency's officers.
INTAKE_ROLES = ("window_clerk",)


class InvalidTransition(Exception):
    """The action is not allowed in the record's current state (HTTP 409)."""

    def __init__(self, action: str, status: str, message: str = "") -> None:
        super().__init__(message or f"{action} is not allowed in {status}")
        self.action = action
        self.status = status
        self.message = message


def today() -> dt.date:
    return timezone.localdate()


def _next_number(key: str) -> int:
    """The next value of a counter: one upsert that locks the row until the caller commits."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, last) VALUES (%s, 1)"  # noqa: S608  # table name only
            " ON CONFLICT (key) DO UPDATE SET last = " + table + ".last + 1 RETURNING last",
            [key],
        )
        (last,) = cursor.fetchone()
    return int(last)


def _text(value: Any, field: str, *, required: bool, max_length: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("必填")})
    if len(text) > max_length:
        raise ValidationError({field: _("长度不得超过 %(limit)s 个字符") % {"limit": max_length}})
    return text


# --------------------------------------------------------------------------- who may do what


def is_officer(user: User, agency_id: int) -> bool:
    return user.holds("disclosure_officer", agency_id)


def is_head(user: User, agency_id: int) -> bool:
    return user.holds("department_head", agency_id)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --------------------------------------------------------------------------- the catalogue

DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    ("organisation", CategoryKind.ORGANISATION, _("机构职能")),
    ("rules", CategoryKind.RULES, _("法规文件")),
    ("plans", CategoryKind.PLANS, _("规划计划")),
    ("budgets", CategoryKind.BUDGETS, _("财政预决算")),
    ("licensing-penalties", CategoryKind.LICENSING_PENALTIES, _("行政许可和行政处罚")),
    ("fees", CategoryKind.FEES, _("行政事业性收费")),
    ("public-services", CategoryKind.PUBLIC_SERVICES, _("公共服务")),
    ("emergencies", CategoryKind.EMERGENCIES, _("突发事件应对")),
]


@transaction.atomic
def ensure_catalogue(agency: Department, *, actor: User | None) -> list[Category]:
    """The agency's catalogue, with the standard headings created when it has none."""
    existing = list(Category.objects.filter(agency=agency))
    if existing:
        return existing
    created = Category.objects.bulk_create(
        Category(agency=agency, code=code, kind=kind, name=str(name), position=(i + 1) * 10)
        for i, (code, kind, name) in enumerate(DEFAULT_CATEGORIES)
    )
    audit.record("disclosure.catalogue_create", actor=actor, obj=agency)
    return created


@transaction.atomic
def save_guide(agency: Department, data: Mapping[str, Any], *, actor: User) -> Guide:
    _require(
        is_officer(actor, agency.pk) or is_head(actor, agency.pk),
        _("只有本机关的政府信息公开工作人员可以编辑公开指南"),
    )
    guide, _created = Guide.objects.get_or_create(agency=agency)
    for field in (
        "office",
        "address",
        "postcode",
        "hours",
        "phone",
        "fax",
        "email",
        "reading_room",
        "notes",
    ):
        if field in data:
            setattr(guide, field, str(data[field] or "").strip())
    guide.full_clean()
    guide.save()
    audit.record("disclosure.guide_save", actor=actor, obj=guide)
    return guide


# --------------------------------------------------------------------------- documents

DOCUMENT_FIELDS = (
    "title",
    "summary",
    "body",
    "kind",
    "doc_number",
    "issuer",
    "keywords",
    "written_on",
    "effective_on",
    "expires_on",
    "validity",
    "is_emergency",
)
NUMBERED_KINDS = {DocumentKind.RULE, DocumentKind.NORMATIVE}


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD")}) from None


def _clean_document(document: Document, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for field in DOCUMENT_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in {"written_on", "effective_on", "expires_on"}:
            try:
                value = _date(value, field)
            except ValidationError as exc:
                errors.update(exc.message_dict)
                continue
        elif field == "is_emergency":
            value = bool(value)
        else:
            value = str(value or "").strip()
        setattr(document, field, value)
    if not document.title:
        errors.setdefault("title", []).append(_("必填"))
    if document.kind not in DocumentKind.values:
        errors.setdefault("kind", []).append(_("文件类型无效"))
    if document.validity not in Validity.values:
        errors.setdefault("validity", []).append(_("效力状态无效"))
    if document.kind in NUMBERED_KINDS:
        if not document.doc_number:
            errors.setdefault("doc_number", []).append(_("规章和行政规范性文件须填写文号"))
        if document.validity == Validity.NOT_APPLICABLE:
            document.validity = Validity.IN_FORCE
    if (
        document.effective_on
        and document.expires_on
        and document.expires_on < document.effective_on
    ):
        errors.setdefault("expires_on", []).append(_("有效期不得早于施行日期"))
    if (
        document.written_on
        and document.effective_on
        and document.effective_on < document.written_on
    ):
        errors.setdefault("effective_on", []).append(_("施行日期不得早于成文日期"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_document(
    agency: Department, category: Category, data: Mapping[str, Any], *, actor: User
) -> Document:
    _require(is_officer(actor, agency.pk), _("只有本机关的政府信息公开工作人员可以起草公开文件"))
    if category.agency_id != agency.pk:
        raise ValidationError({"category": _("栏目不属于该机关")})
    document = Document(agency=agency, category=category, created_by=actor, issuer=agency.name)
    _clean_document(document, data)
    document.save()
    audit.record("disclosure.document_create", actor=actor, obj=document)
    return document


def _lock_publishable(obj: Document | Interpretation) -> Any:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


@transaction.atomic
def update_document(
    document: Document,
    data: Mapping[str, Any],
    *,
    actor: User,
    category: Category | None = None,
) -> Document:
    """Edit a draft (a document under review or published is not edited in place)."""
    document = _lock_publishable(document)
    _require(is_officer(actor, document.agency_id), _("只有本机关的政府信息公开工作人员可以编辑"))
    if document.status != PublishStatus.DRAFT:
        raise InvalidTransition("edit", document.status, _("只有草稿可以修改"))
    if category is not None:
        if category.agency_id != document.agency_id:
            raise ValidationError({"category": _("栏目不属于该机关")})
        document.category = category
    _clean_document(document, data)
    document.save()
    audit.record("disclosure.document_update", actor=actor, obj=document)
    return document


@transaction.atomic
def create_interpretation(
    agency: Department,
    data: Mapping[str, Any],
    *,
    actor: User,
    documents: Iterable[Document] = (),
) -> Interpretation:
    _require(is_officer(actor, agency.pk), _("只有本机关的政府信息公开工作人员可以起草政策解读"))
    interpretation = Interpretation(agency=agency, created_by=actor)
    _clean_interpretation(interpretation, data)
    interpretation.save()
    _link_documents(interpretation, documents)
    audit.record("disclosure.interpretation_create", actor=actor, obj=interpretation)
    return interpretation


@transaction.atomic
def update_interpretation(
    interpretation: Interpretation,
    data: Mapping[str, Any],
    *,
    actor: User,
    documents: Iterable[Document] | None = None,
) -> Interpretation:
    interpretation = _lock_publishable(interpretation)
    _require(
        is_officer(actor, interpretation.agency_id), _("只有本机关的政府信息公开工作人员可以编辑")
    )
    if interpretation.status != PublishStatus.DRAFT:
        raise InvalidTransition("edit", interpretation.status, _("只有草稿可以修改"))
    _clean_interpretation(interpretation, data)
    interpretation.save()
    if documents is not None:
        _link_documents(interpretation, documents)
    audit.record("disclosure.interpretation_update", actor=actor, obj=interpretation)
    return interpretation


def _clean_interpretation(interpretation: Interpretation, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for field in ("title", "summary", "body", "form"):
        if field in data:
            setattr(interpretation, field, str(data[field] or "").strip())
    if "qa" in data:
        qa = []
        for index, entry in enumerate(data["qa"] or []):
            question = str(entry.get("q", "")).strip()
            answer = str(entry.get("a", "")).strip()
            if not question or not answer:
                errors.setdefault(f"qa.{index}", []).append(_("问题和回答均须填写"))
            qa.append({"q": question, "a": answer})
        interpretation.qa = qa
    if not interpretation.title:
        errors.setdefault("title", []).append(_("必填"))
    if interpretation.form not in InterpretationForm.values:
        errors.setdefault("form", []).append(_("解读形式无效"))
    if interpretation.form == InterpretationForm.QA and not interpretation.qa and not errors:
        errors.setdefault("qa", []).append(_("问答解读至少须有一组问答"))
    if errors:
        raise ValidationError(errors)


def _link_documents(interpretation: Interpretation, documents: Iterable[Document]) -> None:
    documents = list(documents)
    foreign = [d for d in documents if d.agency_id != interpretation.agency_id]
    if foreign:
        raise ValidationError({"documents": _("只能解读本机关的文件")})
    interpretation.documents.set(documents)


@transaction.atomic
def add_attachment(
    obj: Document | Interpretation, stored: StoredFile, *, actor: User, name: str = ""
) -> Attachment:
    """Attach an uploaded file (``cases.files.store_upload``) to a draft."""
    obj = _lock_publishable(obj)
    _require(is_officer(actor, obj.agency_id), _("只有本机关的政府信息公开工作人员可以上传附件"))
    if obj.status != PublishStatus.DRAFT:
        raise InvalidTransition("attach", obj.status, _("只有草稿可以添加附件"))
    if stored.uploaded_by_id != actor.pk:
        raise ValidationError({"file": _("只能使用本人上传的文件")})
    owner: dict[str, Any] = (
        {"document": obj} if isinstance(obj, Document) else {"interpretation": obj}
    )
    attachment = Attachment.objects.create(
        stored=stored,
        name=_text(name or stored.name, "name", required=True, max_length=200),
        **owner,
    )
    audit.record("disclosure.attachment_add", actor=actor, obj=attachment)
    return attachment


def _audit_name(obj: Document | Interpretation) -> str:
    return "document" if isinstance(obj, Document) else "interpretation"


@transaction.atomic
def submit_for_review(obj: Document | Interpretation, *, actor: User) -> Any:
    obj = _lock_publishable(obj)
    _require(is_officer(actor, obj.agency_id), _("只有本机关的政府信息公开工作人员可以提交审核"))
    if obj.status != PublishStatus.DRAFT:
        raise InvalidTransition("submit", obj.status, _("只有草稿可以提交审核"))
    obj.status = PublishStatus.REVIEW
    obj.submitted_by = actor
    obj.review_note = ""
    obj.save()
    audit.record(f"disclosure.{_audit_name(obj)}_submit", actor=actor, obj=obj)
    return obj


@transaction.atomic
def return_to_draft(obj: Document | Interpretation, *, actor: User, note: str) -> Any:
    obj = _lock_publishable(obj)
    _require(is_head(actor, obj.agency_id), _("只有本机关负责人可以审核"))
    if obj.status not in (PublishStatus.REVIEW, PublishStatus.SCHEDULED):
        raise InvalidTransition("return", obj.status, _("只有待审核或待发布的内容可以退回"))
    obj.status = PublishStatus.DRAFT
    obj.review_note = _text(note, "note", required=True, max_length=500)
    obj.reviewed_by = actor
    obj.publish_at = None
    obj.save()
    audit.record(f"disclosure.{_audit_name(obj)}_return", actor=actor, obj=obj)
    return obj


@transaction.atomic
def approve(
    obj: Document | Interpretation, *, actor: User, publish_at: dt.datetime | None = None
) -> Any:
    """Review passed: publish now, or at ``publish_at`` (scheduled publishing)."""
    obj = _lock_publishable(obj)
    _require(is_head(actor, obj.agency_id), _("只有本机关负责人可以审核发布"))
    if obj.status != PublishStatus.REVIEW:
        raise InvalidTransition("approve", obj.status, _("只有待审核的内容可以审核发布"))
    if obj.submitted_by_id == actor.pk:
        raise PermissionDenied(_("提交审核人不能审核自己提交的内容"))
    obj.reviewed_by = actor
    now = timezone.now()
    if publish_at is not None and publish_at > now:
        obj.status = PublishStatus.SCHEDULED
        obj.publish_at = publish_at
        obj.save()
        audit.record(
            f"disclosure.{_audit_name(obj)}_schedule",
            actor=actor,
            obj=obj,
            detail={"publish_at": publish_at.isoformat()},
        )
        return obj
    _publish(obj, now)
    audit.record(f"disclosure.{_audit_name(obj)}_publish", actor=actor, obj=obj)
    return obj


def _publish(obj: Document | Interpretation, now: dt.datetime) -> None:
    obj.status = PublishStatus.PUBLISHED
    obj.published_at = now
    if isinstance(obj, Document) and not obj.index_no:
        year = timezone.localtime(now).year
        number = _next_number(f"index:{obj.agency.code}:{year}")
        obj.index_no = f"{obj.agency.code}-{year}-{number:05d}"
    obj.save()
    search.index(obj)
    _emergency_changed(obj)


def _emergency_changed(obj: Document | Interpretation) -> None:
    if isinstance(obj, Document) and obj.is_emergency:
        cache.delete(EMERGENCY_CACHE_KEY)
        transaction.on_commit(_emergency_committed)


def _emergency_committed() -> None:
    cache.delete(EMERGENCY_CACHE_KEY)
    # The home page pins the notices: a page stored between the row's commit and this delete
    # read the old list, so the pages' generation changes once more, after it.
    page_cache.bump_generation()


def publish_due(now: dt.datetime | None = None) -> int:
    """Publish every scheduled item whose time has come; returns how many. Workers running
    side by side each claim an item with a conditional update, so none is published twice."""
    now = now or timezone.now()
    published = 0
    for model in (Document, Interpretation):
        due = model.objects.filter(status=PublishStatus.SCHEDULED, publish_at__lte=now)
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                claimed = model.objects.filter(pk=pk, status=PublishStatus.SCHEDULED).update(
                    status=PublishStatus.PUBLISHED
                )
                if not claimed:
                    continue
                obj = model.objects.select_related("agency").get(pk=pk)
                _publish(obj, obj.publish_at or now)
                audit.record(
                    f"disclosure.{_audit_name(obj)}_publish",
                    actor=None,
                    obj=obj,
                    detail={"scheduled": True},
                )
                published += 1
    return published


@transaction.atomic
def withdraw(obj: Document | Interpretation, *, actor: User, reason: str) -> Any:
    """Take a published (or scheduled) item down; an emergency notice leaves the home page."""
    obj = _lock_publishable(obj)
    _require(
        is_head(actor, obj.agency_id) or is_officer(actor, obj.agency_id),
        _("只有本机关的工作人员可以撤回"),
    )
    if obj.status not in (PublishStatus.PUBLISHED, PublishStatus.SCHEDULED):
        raise InvalidTransition("withdraw", obj.status, _("只有已发布或待发布的内容可以撤回"))
    obj.withdrawal_reason = _text(reason, "reason", required=True, max_length=500)
    obj.status = PublishStatus.WITHDRAWN
    obj.withdrawn_at = timezone.now()
    obj.save()
    search.index(obj)
    _emergency_changed(obj)
    audit.record(f"disclosure.{_audit_name(obj)}_withdraw", actor=actor, obj=obj)
    return obj


@transaction.atomic
def repeal_document(
    document: Document, *, actor: User, repealed_on: dt.date, validity: str = Validity.REPEALED
) -> Document:
    """Mark a published rule or normative document repealed, amended or expired."""
    document = _lock_publishable(document)
    _require(
        is_officer(actor, document.agency_id), _("只有本机关的政府信息公开工作人员可以变更效力")
    )
    if document.status != PublishStatus.PUBLISHED:
        raise InvalidTransition("repeal", document.status, _("只有已发布的文件可以变更效力"))
    if validity not in {Validity.REPEALED, Validity.AMENDED, Validity.EXPIRED}:
        raise ValidationError({"validity": _("效力状态无效")})
    if document.written_on and repealed_on < document.written_on:
        raise ValidationError({"repealed_on": _("废止日期不得早于成文日期")})
    document.validity = validity
    document.repealed_on = repealed_on
    document.save(update_fields=["validity", "repealed_on", "updated_at"])
    audit.record(
        "disclosure.document_repeal",
        actor=actor,
        obj=document,
        detail={"validity": validity, "on": repealed_on.isoformat()},
    )
    return document


# --------------------------------------------------------------------------- requests


def _organisation_category(credit_code: str) -> str:
    """The report column of an organisation, from its credit code's registering authority
    (GB 32100: 9 market regulation → enterprise, 3 justice → legal services, 5 civil affairs →
    social organisations); anything else is "other" unless the applicant says."""
    return {
        "9": ApplicantCategory.COMMERCIAL,
        "3": ApplicantCategory.LEGAL_SERVICE,
        "5": ApplicantCategory.SOCIAL_WELFARE,
    }.get(credit_code[:1], ApplicantCategory.OTHER)


def _applicant_data(
    applicant: Mapping[str, Any] | None, *, actor: User
) -> tuple[dict[str, Any], User | None]:
    """The applicant's fields and account; raises naming every faulty ``applicant.*`` field."""
    if applicant is None:
        if actor.kind == User.Kind.STAFF:
            raise ValidationError({"applicant": _("工作人员代为登记须填写申请人信息")})
        org = getattr(actor, "organization", None) if actor.kind == User.Kind.ORGANIZATION else None
        number = org.credit_code if org else actor.id_number
        if not actor.phone:
            raise ValidationError({"applicant.phone": _("必填")})
        return (
            {
                "applicant_kind": actor.kind,
                "applicant_category": _organisation_category(number)
                if org
                else ApplicantCategory.NATURAL_PERSON,
                "applicant_name": actor.name,
                "applicant_id_number": number,
                "applicant_phone": actor.phone,
            },
            actor,
        )
    errors: dict[str, list[str]] = {}
    kind = applicant.get("kind")
    data: dict[str, Any] = {"applicant_kind": kind}
    try:
        data["applicant_name"] = validators.clean_name(
            str(applicant.get("name") or ""), max_length=200
        )
    except ValidationError as exc:
        errors["applicant.name"] = exc.messages
    if kind == "person":
        try:
            data["applicant_id_number"] = validators.clean_id_number(
                str(applicant.get("id_number") or "")
            )
        except ValidationError as exc:
            errors["applicant.id_number"] = exc.messages
    elif kind == "organization":
        try:
            data["applicant_id_number"] = validators.clean_credit_code(
                str(applicant.get("credit_code") or "")
            )
        except ValidationError as exc:
            errors["applicant.credit_code"] = exc.messages
    else:
        errors["applicant.kind"] = [_("申请人类型须为 person 或 organization")]
    category = str(applicant.get("category") or "")
    if kind == "person":
        if category and category != ApplicantCategory.NATURAL_PERSON:
            errors["applicant.category"] = [_("自然人的申请人类别须为 natural_person")]
        data["applicant_category"] = ApplicantCategory.NATURAL_PERSON
    elif kind == "organization":
        if category and category not in set(ApplicantCategory.values) - {"natural_person"}:
            errors["applicant.category"] = [
                _("取值无效，可选：%(choices)s")
                % {"choices": "commercial, research, social_welfare, legal_service, other"}
            ]
        data["applicant_category"] = category or _organisation_category(
            data.get("applicant_id_number", "")
        )
    phone = str(applicant.get("phone") or "").strip()
    try:
        data["applicant_phone"] = validators.clean_phone(phone)
    except ValidationError as exc:
        errors["applicant.phone"] = [_("必填")] if not phone else exc.messages
    for field, limit in (("email", 200), ("address", 300), ("contact_name", 100)):
        value = str(applicant.get(field) or "").strip()
        if len(value) > limit:
            errors[f"applicant.{field}"] = [_("长度不得超过 %(limit)s 个字符") % {"limit": limit}]
        key = "contact_name" if field == "contact_name" else f"applicant_{field}"
        data[key] = value
    if data.get("applicant_email") and not re.fullmatch(
        r"[^@\s]+@[^@\s]+\.[^@\s]+", data["applicant_email"]
    ):
        errors["applicant.email"] = [_("电子邮箱格式不正确")]
    if errors:
        raise ValidationError(errors)
    account = _find_account(kind, data["applicant_id_number"])
    if actor.kind == User.Kind.STAFF:
        return data, account
    if account is None or not identity_queries.can_act_for(actor, account, "file"):
        raise PermissionDenied(_("只能以本人或您获授权代理的申请人名义提出申请"))
    return data, account


def _find_account(kind: Any, number: str) -> User | None:
    if kind == "person":
        return User.objects.filter(
            id_number_digest=crypto.digest(number, purpose="id_number"), is_active=True
        ).first()
    return User.objects.filter(organization__credit_code=number, is_active=True).first()


def _event(
    request: DisclosureRequest,
    action: str,
    *,
    actor: User | None,
    from_status: str,
    note: str = "",
    detail: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=request,
        at=timezone.now(),
        on=on or today(),
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=request.status,
        note=note,
        detail=dict(detail or {}),
    )
    audit.record(
        f"disclosure.request_{action}",
        actor=actor,
        obj=request,
        detail={
            "request_no": request.request_no,
            "from": from_status,
            "to": request.status,
            **dict(detail or {}),
        },
    )
    return event


def _issue(event: RequestEvent, kind: str) -> None:
    """Queue the PDF of ``event`` once the action commits (Celery; eager when embedded)."""
    from . import tasks

    transaction.on_commit(lambda: tasks.issue_request_document.delay(event.pk, kind))


def _recompute_due(request: DisclosureRequest) -> None:
    due = deadlines.reply_due(
        request.clock_start, extension=request.extension_workdays, paused=request.paused_workdays
    )
    request.due_date = due.date
    request.clock_provisional = due.provisional


def _may_intake(actor: User, agency: Department) -> bool:
    return is_officer(actor, agency.pk) or actor.has_role(*INTAKE_ROLES)


@transaction.atomic
def file_request(
    *,
    agency: Department,
    description: str,
    delivery_form: str,
    actor: User,
    applicant: Mapping[str, Any] | None = None,
    purpose: str = "",
    channel: str = "",
    received_on: dt.date | None = None,
    objects_to_publication: bool = False,
) -> DisclosureRequest:
    """File a request: online by the applicant, or by staff for a letter, fax or walk-in.

    The date of receipt follows art. 31 (``deadlines.receipt_date``); the reply is due 20
    working days after it.
    """
    errors: dict[str, list[str]] = {}
    filed_on = today()
    staff = actor.kind == User.Kind.STAFF
    if staff:
        _require(
            _may_intake(actor, agency), _("只有本机关的政府信息公开工作人员或窗口人员可以登记申请")
        )
    channel = channel or (RequestChannel.IN_PERSON if staff else RequestChannel.ONLINE)
    try:
        description = _text(description, "description", required=True, max_length=4000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        purpose = _text(purpose, "purpose", required=False, max_length=1000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if delivery_form not in DeliveryForm.values:
        errors["delivery_form"] = [
            _("必填")
            if not delivery_form
            else _("取值无效，可选：%(choices)s") % {"choices": ", ".join(DeliveryForm.values)}
        ]
    if channel not in RequestChannel.values:
        errors["channel"] = [
            _("取值无效，可选：%(choices)s") % {"choices": ", ".join(RequestChannel.values)}
        ]
    elif not staff and channel != RequestChannel.ONLINE:
        errors["channel"] = [_("网上申请的渠道须为 online")]
    if received_on is not None:
        if not staff:
            errors["received_on"] = [_("收到申请日期由工作人员登记")]
        elif received_on > filed_on:
            errors["received_on"] = [_("收到申请日期不得晚于今天")]
        elif (filed_on - received_on).days > 60:
            errors["received_on"] = [_("收到申请日期不得早于60日前")]
    try:
        data, account = _applicant_data(applicant, actor=actor)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        data, account = {}, None
    if errors:
        raise ValidationError(errors)
    received = deadlines.receipt_date(channel, filed_on=filed_on, received_on=received_on)
    day = filed_on.strftime("%Y%m%d")
    request = DisclosureRequest(
        request_no=f"GK{day}{_next_number(f'request:{day}'):04d}",
        agency=agency,
        status=RequestStatus.PROCESSING,
        channel=channel,
        applicant=account,
        filed_by=actor,
        description=description,
        purpose=purpose,
        delivery_form=delivery_form,
        objects_to_publication=bool(objects_to_publication),
        submitted_at=timezone.now(),
        received_on=received,
        clock_start=received,
        applicant_id_digest=crypto.digest(data["applicant_id_number"], purpose="id_number"),
        **data,
    )
    _recompute_due(request)
    request.save()
    event = _event(
        request,
        "file",
        actor=actor,
        from_status="",
        detail={"channel": channel, "received_on": received.isoformat()},
    )
    _issue(event, "receipt")
    return request


def _lock_request(request: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


def _check(action: str, request: DisclosureRequest, allowed: Iterable[str]) -> None:
    if request.status not in set(allowed):
        raise InvalidTransition(action, request.status)


def _officer(actor: User, request: DisclosureRequest) -> None:
    _require(
        is_officer(actor, request.agency_id),
        _("只有受理机关的政府信息公开工作人员可以办理"),
    )


@transaction.atomic
def request_clarification(
    request: DisclosureRequest,
    *,
    actor: User,
    items: str,
    workdays: int = deadlines.DEFAULT_CLARIFICATION_PERIOD,
) -> DisclosureRequest:
    """Art. 30: one notice, within 7 working days of receipt, listing all there is to clarify
    and a reasonable period; the reply clock stops until the clarified request arrives."""
    request = _lock_request(request)
    _officer(actor, request)
    _check("request_clarification", request, [RequestStatus.PROCESSING])
    now = today()
    if request.clarification_requested_on is not None:
        raise InvalidTransition(
            "request_clarification", request.status, _("补正只能告知一次（第三十条）")
        )
    cutoff = deadlines.clarification_cutoff(request.received_on)
    if now > cutoff:
        raise InvalidTransition(
            "request_clarification",
            request.status,
            _("须自收到申请之日起7个工作日内告知补正（截止 %(date)s）") % {"date": cutoff},
        )
    items = _text(items, "note", required=True, max_length=2000)
    if not 1 <= workdays <= deadlines.MAX_CLARIFICATION_PERIOD:
        raise ValidationError(
            {"days": _("补正期限须为1至%(n)s个工作日") % {"n": deadlines.MAX_CLARIFICATION_PERIOD}}
        )
    before = request.status
    request.status = RequestStatus.AWAITING_CLARIFICATION
    request.clarification_requested_on = now
    request.clarification_deadline = deadlines.clarification_deadline(now, workdays)
    request.clarification_items = items
    request.due_date = None
    request.save()
    event = _event(
        request,
        "request_clarification",
        actor=actor,
        from_status=before,
        note=items,
        detail={"deadline": request.clarification_deadline.isoformat()},
    )
    _issue(event, "clarification")
    return request


@transaction.atomic
def receive_clarification(
    request: DisclosureRequest,
    *,
    actor: User,
    note: str,
    received_on: dt.date | None = None,
) -> DisclosureRequest:
    """The clarified request arrives: the 20 working days start again from that day."""
    request = _lock_request(request)
    staff = actor.kind == User.Kind.STAFF
    if staff:
        _officer(actor, request)
    else:
        _require(_is_applicant(actor, request), _("只有申请人可以补正申请"))
    _check("clarify", request, [RequestStatus.AWAITING_CLARIFICATION])
    now = today()
    if received_on is not None and not staff:
        raise ValidationError({"received_on": _("收到补正日期由工作人员登记")})
    received = received_on or now
    if received > now or (
        request.clarification_requested_on and received < request.clarification_requested_on
    ):
        raise ValidationError({"received_on": _("收到补正日期须在告知补正之后、今天之前")})
    note = _text(note, "note", required=True, max_length=4000)
    before = request.status
    request.status = RequestStatus.PROCESSING
    request.clarified_on = received
    request.clock_start = received
    request.description = f"{request.description}\n\n【补正】{note}"
    _recompute_due(request)
    request.save()
    _event(
        request,
        "clarify",
        actor=actor,
        from_status=before,
        note=note,
        detail={"received_on": received.isoformat(), "due_date": request.due_date.isoformat()},  # type: ignore[union-attr]
    )
    return request


def effective_due_date(request: DisclosureRequest, as_of: dt.date | None = None) -> dt.date | None:
    """The due date counting the running consultation's pause as of ``as_of``."""
    if request.due_date is None:
        return None
    if request.status != RequestStatus.CONSULTING:
        return request.due_date
    running = request.consultations.filter(ended_on=None).first()
    if running is None:
        return request.due_date
    paused = deadlines.consultation_pause(running.started_on, as_of or today())
    return deadlines.reply_due(
        request.clock_start,
        extension=request.extension_workdays,
        paused=request.paused_workdays + paused,
    ).date


@transaction.atomic
def extend(
    request: DisclosureRequest,
    *,
    actor: User,
    workdays: int = deadlines.MAX_EXTENSION_WORKDAYS,
    reason: str,
) -> DisclosureRequest:
    """Art. 33: one extension of at most 20 working days, approved by the head of the
    disclosure office (the agency's head) before the period ends, and notified."""
    request = _lock_request(request)
    _require(is_head(actor, request.agency_id), _("延长答复期限须经本机关负责人同意"))
    _check("extend", request, [RequestStatus.PROCESSING, RequestStatus.CONSULTING])
    if request.extension_workdays:
        raise InvalidTransition("extend", request.status, _("答复期限只能延长一次（第三十三条）"))
    due = effective_due_date(request)
    if due is not None and today() > due:
        raise InvalidTransition(
            "extend", request.status, _("答复期限已届满（%(date)s），不能再延期") % {"date": due}
        )
    if not 1 <= workdays <= deadlines.MAX_EXTENSION_WORKDAYS:
        raise ValidationError({"days": _("延长期限须为1至20个工作日")})
    reason = _text(reason, "note", required=True, max_length=500)
    request.extension_workdays = workdays
    request.extended_on = today()
    request.extension_reason = reason
    request.extension_approved_by = actor
    _recompute_due(request)
    request.save()
    event = _event(
        request,
        "extend",
        actor=actor,
        from_status=request.status,
        note=reason,
        detail={"workdays": workdays, "due_date": request.due_date.isoformat()},  # type: ignore[union-attr]
    )
    _issue(event, "extension")
    return request


@transaction.atomic
def start_consultation(
    request: DisclosureRequest,
    *,
    actor: User,
    consultee: str,
    kind: str = ConsultationKind.THIRD_PARTY,
    note: str = "",
) -> DisclosureRequest:
    """Arts. 32, 34: ask a third party or another agency; the clock stops meanwhile."""
    request = _lock_request(request)
    _officer(actor, request)
    _check("consult_third_party", request, [RequestStatus.PROCESSING])
    errors: dict[str, list[str]] = {}
    if kind not in ConsultationKind.values:
        errors["consultation_kind"] = [
            _("取值无效，可选：%(choices)s") % {"choices": ", ".join(ConsultationKind.values)}
        ]
    try:
        consultee = _text(consultee, "consultee", required=True, max_length=200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    before = request.status
    request.status = RequestStatus.CONSULTING
    request.save()
    Consultation.objects.create(
        request=request, kind=kind, consultee=consultee, started_on=today(), note=note[:2000]
    )
    event = _event(
        request,
        "consult_third_party",
        actor=actor,
        from_status=before,
        note=note[:2000],
        detail={"kind": kind, "consultee": consultee},
    )
    _issue(event, "consultation")
    return request


def _end_consultation(
    request: DisclosureRequest, *, outcome: str, ended_on: dt.date
) -> Consultation:
    consultation = request.consultations.select_for_update().get(ended_on=None)
    consultation.ended_on = ended_on
    consultation.outcome = outcome
    consultation.paused_workdays = deadlines.consultation_pause(consultation.started_on, ended_on)
    consultation.save()
    request.paused_workdays += consultation.paused_workdays
    request.status = RequestStatus.PROCESSING
    _recompute_due(request)
    request.save()
    return consultation


@transaction.atomic
def end_consultation(
    request: DisclosureRequest,
    *,
    actor: User,
    outcome: str = Consultation.Outcome.AGREES,
    note: str = "",
) -> DisclosureRequest:
    """The consulted party answered: the clock runs again; the days it took (at most 15
    working days) are added to the period."""
    request = _lock_request(request)
    _officer(actor, request)
    _check("third_party_replied", request, [RequestStatus.CONSULTING])
    if outcome not in Consultation.Outcome.values:
        raise ValidationError(
            {
                "outcome": _("取值无效，可选：%(choices)s")
                % {"choices": ", ".join(Consultation.Outcome.values)}
            }
        )
    before = request.status
    consultation = _end_consultation(request, outcome=outcome, ended_on=today())
    _event(
        request,
        "third_party_replied",
        actor=actor,
        from_status=before,
        note=note[:2000],
        detail={
            "outcome": outcome,
            "paused_workdays": consultation.paused_workdays,
            "due_date": request.due_date.isoformat(),  # type: ignore[union-attr]
        },
    )
    return request


def validate_reply(
    reply_type: str, reasons: Iterable[str] | None, note: str
) -> tuple[replies.ReplyType, list[str]]:
    """The reply type and its cleaned reasons; names the faulty field otherwise."""
    spec = replies.REPLY_TYPES.get(reply_type or "")
    if spec is None:
        raise ValidationError(
            {
                "reply_type": _("必填")
                if not reply_type
                else _("取值无效，可选：%(choices)s") % {"choices": ", ".join(replies.REPLY_TYPES)}
            }
        )
    cleaned = list(dict.fromkeys(str(r).strip() for r in reasons or [] if str(r).strip()))
    errors: dict[str, list[str]] = {}
    if spec.reasons is not None:
        choices = ", ".join(spec.reasons)
        if not cleaned:
            errors["reasons"] = [
                _("“%(type)s”须说明理由，从法定理由中选择至少一项：%(choices)s")
                % {"type": spec.label, "choices": choices}
            ]
        elif unknown := [r for r in cleaned if r not in spec.reasons]:
            errors["reasons"] = [
                _("理由 %(unknown)s 不在法定理由中，可选：%(choices)s")
                % {"unknown": ", ".join(unknown), "choices": choices}
            ]
    elif cleaned:
        errors["reasons"] = [_("“%(type)s”不需要选择理由") % {"type": spec.label}]
    if spec.needs_note and not note.strip():
        errors["note"] = [str(spec.needs_note)]
    if errors:
        raise ValidationError(errors)
    return spec, cleaned


@transaction.atomic
def reply(
    request: DisclosureRequest,
    *,
    actor: User,
    reply_type: str,
    reasons: Iterable[str] | None = None,
    note: str = "",
    responsible_agency: str = "",
) -> DisclosureRequest:
    """Answer the request (art. 36 and art. 37), with a reply document and its remedies."""
    request = _lock_request(request)
    _officer(actor, request)
    _check("reply", request, [RequestStatus.PROCESSING])
    note = _text(note, "note", required=False, max_length=8000)
    spec, cleaned = validate_reply(reply_type, reasons, note)
    responsible_agency = _text(
        responsible_agency, "responsible_agency", required=False, max_length=300
    )
    now = today()
    before = request.status
    request.status = RequestStatus.REPLIED
    request.reply_type = spec.code
    request.reasons = cleaned
    request.reply_text = note
    request.responsible_agency = responsible_agency
    request.replied_on = now
    request.closed_on = max(now, request.received_on)
    request.result = replies.result_key(spec.code, cleaned)
    request.on_time = request.due_date is not None and now <= request.due_date
    request.save()
    event = _event(
        request,
        "reply",
        actor=actor,
        from_status=before,
        note=note,
        detail={"reply_type": spec.code, "reasons": cleaned, "on_time": request.on_time},
    )
    _issue(event, "reply")
    return request


def _is_applicant(actor: User, request: DisclosureRequest) -> bool:
    if request.filed_by_id == actor.pk and actor.kind != User.Kind.STAFF:
        return True
    return request.applicant is not None and identity_queries.can_act_for(
        actor, request.applicant, "follow"
    )


@transaction.atomic
def withdraw_request(
    request: DisclosureRequest, *, actor: User, note: str = ""
) -> DisclosureRequest:
    request = _lock_request(request)
    _require(_is_applicant(actor, request), _("只有申请人可以撤回申请"))
    _check("withdraw", request, OPEN_STATUSES)
    before = request.status
    if request.status == RequestStatus.CONSULTING:
        _end_consultation(request, outcome=Consultation.Outcome.NO_REPLY, ended_on=today())
    request.status = RequestStatus.WITHDRAWN
    request.closed_on = max(today(), request.received_on)
    request.result = "other.other"
    request.save()
    _event(request, "withdraw", actor=actor, from_status=before, note=note[:2000])
    return request


@transaction.atomic
def set_publication(request: DisclosureRequest, *, actor: User, public: bool) -> DisclosureRequest:
    """Show (or hide) a replied request on the public pages, personal data removed."""
    request = _lock_request(request)
    _officer(actor, request)
    action = "publish" if public else "unpublish"
    _check(action, request, [RequestStatus.REPLIED])
    if public and request.objects_to_publication:
        raise InvalidTransition(action, request.status, _("申请人不同意公开本申请"))
    request.public = public
    request.save(update_fields=["public", "updated_at"])
    _event(request, action, actor=actor, from_status=request.status)
    return request


def abandon_overdue(as_of: dt.date | None = None) -> int:
    """Art. 30: a request not clarified within the period is deemed abandoned (the day after
    the period ends). Claimed row by row, so parallel sweeps never close one twice."""
    as_of = as_of or today()
    closed = 0
    overdue = DisclosureRequest.objects.filter(
        status=RequestStatus.AWAITING_CLARIFICATION, clarification_deadline__lt=as_of
    ).values_list("pk", "clarification_deadline")
    for pk, deadline in list(overdue):
        if deadline is None:
            continue
        with transaction.atomic():
            day = deadline + dt.timedelta(days=1)
            claimed = DisclosureRequest.objects.filter(
                pk=pk, status=RequestStatus.AWAITING_CLARIFICATION
            ).update(
                status=RequestStatus.ABANDONED,
                closed_on=day,
                result="other.no_clarification",
            )
            if not claimed:
                continue
            request = DisclosureRequest.objects.get(pk=pk)
            _event(
                request,
                "abandon",
                actor=None,
                from_status=RequestStatus.AWAITING_CLARIFICATION,
                on=day,
            )
            closed += 1
    return closed


def lapse_consultations(as_of: dt.date | None = None) -> int:
    """A consulted party silent for 15 working days: the consultation ends (arts. 32, 34)
    and the clock runs again from the day after."""
    as_of = as_of or today()
    ended = 0
    for consultation in list(
        Consultation.objects.filter(ended_on=None, request__status=RequestStatus.CONSULTING)
    ):
        last_day = deadlines.consultation_lapses_on(consultation.started_on)
        if as_of <= last_day:
            continue
        with transaction.atomic():
            request = _lock_request(consultation.request)
            if request.status != RequestStatus.CONSULTING:
                continue
            _end_consultation(request, outcome=Consultation.Outcome.NO_REPLY, ended_on=last_day)
            _event(
                request,
                "consultation_lapsed",
                actor=None,
                from_status=RequestStatus.CONSULTING,
                on=last_day,
                detail={"due_date": request.due_date.isoformat()},  # type: ignore[union-attr]
            )
            ended += 1
    return ended


ACTIONS = (
    "request_clarification",
    "clarify",
    "extend",
    "consult_third_party",
    "third_party_replied",
    "reply",
    "withdraw",
    "publish",
    "unpublish",
)


def perform(
    request: DisclosureRequest, action: str, *, actor: User, payload: Mapping[str, Any]
) -> DisclosureRequest:
    """One action of the API (API.md "Disclosure"), by name."""
    note = str(payload.get("note") or "")
    days = payload.get("days")
    if action == "request_clarification":
        return request_clarification(
            request,
            actor=actor,
            items=note,
            workdays=int(days) if days else deadlines.DEFAULT_CLARIFICATION_PERIOD,
        )
    if action == "clarify":
        return receive_clarification(
            request, actor=actor, note=note, received_on=payload.get("received_on")
        )
    if action == "extend":
        return extend(
            request,
            actor=actor,
            workdays=int(days) if days else deadlines.MAX_EXTENSION_WORKDAYS,
            reason=note,
        )
    if action == "consult_third_party":
        return start_consultation(
            request,
            actor=actor,
            consultee=str(payload.get("consultee") or ""),
            kind=str(payload.get("consultation_kind") or ConsultationKind.THIRD_PARTY),
            note=note,
        )
    if action == "third_party_replied":
        return end_consultation(
            request,
            actor=actor,
            outcome=str(payload.get("outcome") or Consultation.Outcome.AGREES),
            note=note,
        )
    if action == "reply":
        return reply(
            request,
            actor=actor,
            reply_type=str(payload.get("reply_type") or ""),
            reasons=payload.get("reasons") or [],
            note=note,
            responsible_agency=str(payload.get("responsible_agency") or ""),
        )
    if action == "withdraw":
        return withdraw_request(request, actor=actor, note=note)
    if action in {"publish", "unpublish"}:
        return set_publication(request, actor=actor, public=action == "publish")
    raise ValidationError(
        {"action": _("取值无效，可选：%(choices)s") % {"choices": ", ".join(ACTIONS)}}
    )


@transaction.atomic
def record_remedy(
    *,
    agency: Department,
    kind: str,
    filed_on: dt.date,
    actor: User,
    request: DisclosureRequest | None = None,
    outcome: str = RemedyCase.Outcome.PENDING,
    decided_on: dt.date | None = None,
    note: str = "",
) -> RemedyCase:
    """An administrative reconsideration or lawsuit about disclosure work (report table 四)."""
    _require(
        is_officer(actor, agency.pk) or is_head(actor, agency.pk),
        _("只有本机关的政府信息公开工作人员可以登记"),
    )
    errors: dict[str, list[str]] = {}
    if kind not in RemedyCase.Kind.values:
        errors["kind"] = [_("类型无效")]
    if outcome not in RemedyCase.Outcome.values:
        errors["outcome"] = [_("结果无效")]
    if outcome != RemedyCase.Outcome.PENDING and decided_on is None:
        errors["decided_on"] = [_("已审结的须填写审结日期")]
    if decided_on is not None and decided_on < filed_on:
        errors["decided_on"] = [_("审结日期不得早于立案日期")]
    if request is not None and request.agency_id != agency.pk:
        errors["request"] = [_("申请不属于该机关")]
    if errors:
        raise ValidationError(errors)
    remedy = RemedyCase.objects.create(
        agency=agency,
        request=request,
        kind=kind,
        filed_on=filed_on,
        outcome=outcome,
        decided_on=decided_on if outcome != RemedyCase.Outcome.PENDING else None,
        note=note[:500],
        recorded_by=actor,
    )
    audit.record("disclosure.remedy_record", actor=actor, obj=remedy)
    return remedy


@transaction.atomic
def update_remedy(
    remedy: RemedyCase, *, actor: User, outcome: str, decided_on: dt.date | None
) -> RemedyCase:
    remedy = RemedyCase.objects.select_for_update().get(pk=remedy.pk)
    _require(
        is_officer(actor, remedy.agency_id) or is_head(actor, remedy.agency_id),
        _("只有本机关的政府信息公开工作人员可以登记"),
    )
    if outcome not in RemedyCase.Outcome.values:
        raise ValidationError({"outcome": _("结果无效")})
    if outcome != RemedyCase.Outcome.PENDING and (
        decided_on is None or decided_on < remedy.filed_on
    ):
        raise ValidationError({"decided_on": _("已审结的须填写审结日期，且不得早于立案日期")})
    remedy.outcome = outcome
    remedy.decided_on = decided_on if outcome != RemedyCase.Outcome.PENDING else None
    remedy.save()
    audit.record("disclosure.remedy_update", actor=actor, obj=remedy)
    return remedy


# --------------------------------------------------------------------------- annual report


def _may_edit_report(actor: User, agency: Department | None) -> bool:
    if agency is None:
        return actor.has_role("centre_manager")
    return is_officer(actor, agency.pk) or is_head(actor, agency.pk)


@transaction.atomic
def save_report_text(
    year: int, agency: Department | None, data: Mapping[str, Any], *, actor: User
) -> AnnualReport:
    """The free-text sections (一、五、六); the tables are never typed in."""
    _require(_may_edit_report(actor, agency), _("无权编辑该年度报告"))
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        year=year, agency=agency
    )
    if report.published_at is not None:
        raise InvalidTransition("edit", "published", _("年度报告已发布，不能修改"))
    for field in ("overview", "problems", "other_matters"):
        if field in data:
            setattr(report, field, _text(data[field], field, required=False, max_length=20000))
    report.updated_by = actor
    report.save()
    audit.record("disclosure.report_save", actor=actor, obj=report, detail={"year": year})
    return report


@transaction.atomic
def publish_report(year: int, agency: Department | None, *, actor: User) -> AnnualReport:
    if agency is None:
        _require(actor.has_role("centre_manager"), _("无权发布该年度报告"))
    else:
        _require(is_head(actor, agency.pk), _("年度报告须经本机关负责人发布"))
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        year=year, agency=agency
    )
    if report.published_at is not None:
        raise InvalidTransition("publish", "published", _("年度报告已发布"))
    if year >= today().year:
        raise ValidationError({"year": _("只能发布已结束年度的报告")})
    if not report.overview.strip():
        raise ValidationError({"overview": _("发布前须填写总体情况")})
    report.published_at = timezone.now()
    report.updated_by = actor
    report.save()
    audit.record("disclosure.report_publish", actor=actor, obj=report, detail={"year": year})
    return report


# --------------------------------------------------------------------------- exposure column


@transaction.atomic
def submit_exposure(
    *,
    actor: User,
    title: str,
    description: str,
    agency: Department | None = None,
    service: str = "",
) -> ExposureReport:
    """A problem met while getting a service (曝光纠错), reported by a signed-in person."""
    errors: dict[str, list[str]] = {}
    try:
        title = _text(title, "title", required=True, max_length=100)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        description = _text(description, "description", required=True, max_length=4000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        service = _text(service, "service", required=False, max_length=200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    year = today().year
    report = ExposureReport.objects.create(
        report_no=f"BG{year}{_next_number(f'exposure:{year}'):06d}",
        reporter=actor,
        agency=agency,
        service=service,
        title=title,
        description=description,
    )
    audit.record("disclosure.exposure_submit", actor=actor, obj=report)
    return report


EXPOSURE_ROLES = ("centre_manager", "supervisor")


def may_handle_exposure(actor: User, report: ExposureReport) -> bool:
    if actor.has_role(*EXPOSURE_ROLES):
        return True
    return report.agency_id is not None and is_officer(actor, report.agency_id)


@transaction.atomic
def handle_exposure(
    report: ExposureReport,
    *,
    actor: User,
    action: str,
    response: str = "",
    fix: str = "",
    public: bool = True,
) -> ExposureReport:
    """Accept (then fix) or reject a report; a fixed report may be published with its fix."""
    report = ExposureReport.objects.select_for_update().get(pk=report.pk)
    _require(may_handle_exposure(actor, report), _("无权处理该反映"))
    transitions = {
        "accept": ({ExposureStatus.SUBMITTED}, ExposureStatus.ACCEPTED),
        "reject": ({ExposureStatus.SUBMITTED}, ExposureStatus.REJECTED),
        "fix": ({ExposureStatus.ACCEPTED}, ExposureStatus.FIXED),
    }
    if action not in transitions:
        raise ValidationError({"action": _("操作无效")})
    allowed, target = transitions[action]
    if report.status not in allowed:
        raise InvalidTransition(action, report.status)
    if action == "reject":
        report.response = _text(response, "response", required=True, max_length=2000)
    elif action == "accept":
        report.response = _text(response, "response", required=False, max_length=2000)
        report.accepted_at = timezone.now()
    else:
        report.fix = _text(fix, "fix", required=True, max_length=4000)
        report.fixed_at = timezone.now()
        report.public = bool(public)
    report.status = target
    report.handled_by = actor
    report.save()
    audit.record(f"disclosure.exposure_{action}", actor=actor, obj=report)
    return report
