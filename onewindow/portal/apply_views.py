"""Online application (网上申请): the form drawn from the item's JSON Schema, material uploads
or the applicant's e-licences in their place (免提交), drafts, the summary before submission and
the receipt after it.

Views authorise, parse, call one service (``portal.services`` or ``cases.files``) and render or
redirect; whether a form or a material is right is decided by the case engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases import files as case_files
from onewindow.cases import services as case_services
from onewindow.cases.models import StoredFile
from onewindow.catalog.models import ItemImplementation, ItemVersion, MaterialRequirement
from onewindow.core.errors import ApiError
from onewindow.identity import queries as identity_queries
from onewindow.identity.access import authenticated
from onewindow.identity.models import User

from . import queries, schema_form, services
from .models import ApplicationDraft
from .templatetags.portal_tags import REUSED_SOURCES

if TYPE_CHECKING:
    from onewindow.licences.models import Licence

MAX_CODE_LENGTH = 40
MAX_LICENCE_ID_LENGTH = 100
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.ofd,.docx,.xlsx"


@dataclass
class MaterialSlot:
    """One material requirement on the form: what to upload, what is on file, what is wrong,
    and the applicant's e-licences that may stand in for it (免提交) with the one chosen."""

    requirement: MaterialRequirement
    file: StoredFile | None = None
    errors: list[str] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    licence_id: str = ""
    licence: Licence | None = None

    @property
    def offers_licences(self) -> bool:
        return bool(self.licences)

    @property
    def anchor_id(self) -> str:
        """Where the error summary points: the choice when there is one, else the file input."""
        return f"{self.input_id}-choice" if self.licences else self.input_id

    @property
    def reused(self) -> bool:
        return self.requirement.source in REUSED_SOURCES

    @property
    def uploadable(self) -> bool:
        return not self.reused

    @property
    def required(self) -> bool:
        """The engine insists on required materials the applicant brings themself."""
        return (
            self.requirement.required
            and self.requirement.source == MaterialRequirement.Source.APPLICANT
        )

    @property
    def input_id(self) -> str:
        return f"material-{self.requirement.pk}"


@dataclass
class Principal:
    user: User
    label: str


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # @authenticated
    return user


def _implementation(code: str) -> ItemImplementation:
    implementation = queries.published_item(code) if len(code) <= MAX_CODE_LENGTH else None
    if implementation is None:
        raise Http404("unknown or unpublished item")
    return implementation


def _principals(user: User) -> list[Principal]:
    """Whom the user may file for: themself first, then organisations and principals."""
    result = []
    for account in identity_queries.principals_of(user, "file"):
        if account.pk == user.pk:
            label = _("本人（%(name)s）") % {"name": account.masked_name}
        elif account.kind == User.Kind.ORGANIZATION:
            label = _("单位：%(name)s") % {"name": account.name}
        else:
            label = _("代他人：%(name)s") % {"name": account.masked_name}
        result.append(Principal(account, label))
    return result


def _known_values(user: User, principal: User) -> dict[str, str]:
    """Profile data the form may start with (the applicant need not type it again)."""
    known: dict[str, str] = {"contact_name": user.name, "contact_phone": user.phone}
    organization = getattr(principal, "organization", None)
    if principal.kind == User.Kind.ORGANIZATION and organization is not None:
        known.update(
            entity_name=organization.name,
            credit_code=organization.credit_code,
            legal_representative=organization.legal_representative,
        )
    elif principal.pk == user.pk:
        known.update(
            applicant_name=user.name,
            applicant_id_number=user.id_number,
            name=user.name,
            id_number=user.id_number,
        )
    else:  # an agent filing for another person: the name only
        known.update(applicant_name=principal.name, name=principal.name)
    return known


def _slots(
    version: ItemVersion,
    files: dict[int, StoredFile],
    errors: dict[int, list[str]],
    *,
    offers: dict[int, list[Licence]] | None = None,
    chosen: dict[int, str] | None = None,
    chosen_licences: dict[int, Licence] | None = None,
) -> list[MaterialSlot]:
    offers, chosen, chosen_licences = offers or {}, chosen or {}, chosen_licences or {}
    return [
        MaterialSlot(
            requirement,
            None if requirement.pk in chosen else files.get(requirement.pk),
            errors.get(requirement.pk, []),
            licences=offers.get(requirement.pk, []),
            licence_id=chosen.get(requirement.pk, ""),
            licence=chosen_licences.get(requirement.pk),
        )
        for requirement in version.materials.all()
    ]


def _offers(user: User, version: ItemVersion, principal: User) -> dict[int, list[Licence]]:
    """The e-licences offered for each material of the version (only those with any)."""
    offers: dict[int, list[Licence]] = {}
    for requirement in version.materials.all():
        licences = services.offered_licences(user, requirement, principal)
        if licences:
            offers[requirement.pk] = licences
    return offers


def _posted_licences(request: HttpRequest, version: ItemVersion) -> dict[int, str]:
    """The e-licence chosen for each material (``licence_<id>``; empty: upload instead)."""
    chosen: dict[int, str] = {}
    for requirement_id in version.materials.values_list("pk", flat=True):
        raw = request.POST.get(f"licence_{requirement_id}", "").strip().upper()
        if raw and len(raw) <= MAX_LICENCE_ID_LENGTH:
            chosen[requirement_id] = raw
        elif raw:
            chosen[requirement_id] = "-"  # never offered: refused below
    return chosen


def _not_offered(chosen: dict[int, str], offers: dict[int, list[Licence]]) -> list[int]:
    """The materials whose chosen licence is not (or no longer) on offer: another holder's,
    or revoked, expired or superseded since it was chosen."""
    return [
        requirement_id
        for requirement_id, identifier in chosen.items()
        if identifier not in {lic.identifier for lic in offers.get(requirement_id, [])}
    ]


def _stale_choices(
    chosen: dict[int, str], offers: dict[int, list[Licence]]
) -> dict[int, list[str]]:
    message = _("此前选择的电子证照已不能使用，请重新选择或改为上传文件")
    return {requirement_id: [message] for requirement_id in _not_offered(chosen, offers)}


def _refused_choices(
    chosen: dict[int, str], offers: dict[int, list[Licence]]
) -> dict[int, list[str]]:
    message = _("所选电子证照不能用于该材料，请重新选择或改为上传文件")
    return {requirement_id: [message] for requirement_id in _not_offered(chosen, offers)}


def _posted_file_refs(request: HttpRequest, version: ItemVersion) -> dict[int, int]:
    """Files uploaded earlier (by the script or a previous post), as hidden ``material_<id>``."""
    refs: dict[int, int] = {}
    for requirement_id in version.materials.values_list("pk", flat=True):
        raw = request.POST.get(f"material_{requirement_id}", "")
        if raw.isdigit():
            refs[requirement_id] = int(raw)
    return refs


def _store(request: HttpRequest, upload: UploadedFile) -> StoredFile:
    return case_files.store_upload(upload, actor=_user(request), request=request)


def _render_form(
    request: HttpRequest,
    *,
    implementation: ItemImplementation,
    version: ItemVersion,
    draft: ApplicationDraft | None,
    principals: list[Principal],
    principal: User,
    values: dict[str, Any],
    files: dict[int, StoredFile],
    chosen: dict[int, str] | None = None,
    offers: dict[int, list[Licence]] | None = None,
    field_errors: dict[str, list[str]] | None = None,
    material_errors: dict[int, list[str]] | None = None,
    general_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    fields = schema_form.build_fields(version.form_schema or {}, values, field_errors)
    if offers is None:
        offers = _offers(_user(request), version, principal)
    slots = _slots(version, files, material_errors or {}, offers=offers, chosen=chosen)
    summary = [(f"#{f.id}", f.label, error) for f in fields for error in f.errors]
    summary += [(f"#{s.anchor_id}", s.requirement.name, error) for s in slots for error in s.errors]
    context: dict[str, Any] = {
        "implementation": implementation,
        "version": version,
        "draft": draft,
        "principals": principals,
        "principal": principal,
        "fields": fields,
        "slots": slots,
        "general_errors": general_errors or [],
        "error_summary": summary,
        "accept": ACCEPT_ATTRIBUTE,
        "max_upload_bytes": case_files.max_upload_bytes(),
        # The switches in the header come back here, to the draft if there is one.
        "page_url": reverse("portal:apply", args=[implementation.implementation_code])
        + (f"?draft={draft.pk}" if draft else ""),
    }
    response = render(request, "portal/apply_form.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _draft_for(request: HttpRequest, raw: str | None, implementation: ItemImplementation) -> Any:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("unknown draft")
    draft = queries.draft_of(_user(request), int(raw))
    if draft is None or draft.implementation_id != implementation.pk:
        raise Http404("unknown draft")
    return draft


@authenticated
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The application form; "保存草稿" keeps it, "下一步" checks it and shows the summary."""
    user = _user(request)
    implementation = _implementation(code)
    version = implementation.current_version
    guide_url = reverse("portal:item_detail", args=[implementation.implementation_code])
    if not services.may_apply_online(version):
        messages.error(request, _("该事项不支持网上申请，请到窗口办理"))
        return redirect(guide_url)
    assert version is not None
    if user.kind == User.Kind.STAFF:
        messages.error(request, _("工作人员不能在网上办事大厅提交申请，请在工作台代为受理"))
        return redirect(guide_url)
    source = request.POST if request.method == "POST" else request.GET
    draft = _draft_for(request, source.get("draft"), implementation)
    principals = _principals(user)
    by_id = {p.user.pk: p.user for p in principals}

    if request.method != "POST":
        principal = (draft.principal if draft else None) or user
        if principal.pk not in by_id:  # the authorisation has ended since
            principal = user
        known = _known_values(user, principal)
        values = dict(draft.form) if draft else schema_form.prefill(version.form_schema, known)
        refs = draft.file_ids() if draft else {}
        files = queries.own_files(user, refs.values())
        offers = _offers(user, version, principal)
        if draft is not None:
            chosen = draft.licence_ids()
            stale = _stale_choices(chosen, offers)
        else:  # a new application starts from the licences on offer (免提交)
            chosen = {rid: licences[0].identifier for rid, licences in offers.items()}
            stale = {}
        return _render_form(
            request,
            implementation=implementation,
            version=version,
            draft=draft,
            principals=principals,
            principal=principal,
            values=values,
            files={r: files[f] for r, f in refs.items() if f in files},
            chosen=chosen,
            offers=offers,
            material_errors=stale,
        )

    # POST: save the draft or go on to the summary.
    raw_principal = request.POST.get("principal", "")
    principal = by_id.get(int(raw_principal)) if raw_principal.isdigit() else user
    general: list[str] = []
    if principal is None:
        principal = user
        general.append(_("请选择您有权代为办理的申请主体"))
    schema = version.form_schema or {}
    values = schema_form.parse(schema, request.POST)
    chosen = _posted_licences(request, version)
    offers = _offers(user, version, principal)
    refs = {r: f for r, f in _posted_file_refs(request, version).items() if r not in chosen}
    owned = queries.own_files(user, refs.values())
    files = {r: owned[f] for r, f in refs.items() if f in owned}
    slots = {slot.requirement.pk: slot for slot in _slots(version, {}, {})}
    uploads = {
        requirement_id: upload
        for requirement_id, slot in slots.items()
        if slot.uploadable
        and requirement_id not in chosen
        and (upload := request.FILES.get(f"file_{requirement_id}")) is not None
    }
    proceed = request.POST.get("action") == "continue"
    field_errors: dict[str, list[str]] = {}
    material_errors: dict[int, list[str]] = _refused_choices(chosen, offers)
    if proceed:
        try:
            case_services.validate_form(version, values)
        except ValidationError as exc:
            field_errors, more = schema_form.field_errors(exc.message_dict)
            general.extend(more)
        for requirement_id, slot in slots.items():
            given = requirement_id in files or requirement_id in uploads or requirement_id in chosen
            if slot.required and not given:
                material_errors[requirement_id] = [
                    _("请选择电子证照或上传%(name)s") % {"name": slot.requirement.name}
                    if requirement_id in offers
                    else _("请上传%(name)s") % {"name": slot.requirement.name}
                ]
    render_args: dict[str, Any] = {
        "implementation": implementation,
        "version": version,
        "draft": draft,
        "principals": principals,
        "principal": principal,
        "chosen": chosen,
        "offers": offers,
    }
    if general or field_errors or material_errors:
        # Nothing is kept: a file chosen in this post must be chosen again (the page says so).
        if uploads:
            general.append(_("本次选择的文件尚未保存，请改正后重新选择"))
        return _render_form(
            request,
            **render_args,
            values=values,
            files=files,
            field_errors=field_errors,
            material_errors=material_errors,
            general_errors=general,
        )
    for requirement_id, upload in uploads.items():
        try:
            files[requirement_id] = _store(request, upload)
        except case_files.UploadRejected as exc:
            material_errors[requirement_id] = [exc.message]
    if material_errors:
        return _render_form(
            request,
            **render_args,
            values=values,
            files=files,
            material_errors=material_errors,
        )
    try:
        draft = services.save_draft(
            actor=user,
            implementation=implementation,
            form=values,
            files={r: f.pk for r, f in files.items()},
            principal=principal,
            draft=draft,
            licences=chosen,
        )
    except PermissionDenied as exc:
        return _render_form(
            request, **render_args, values=values, files=files, general_errors=[str(exc)]
        )
    except ValidationError as exc:
        by_material, rest = schema_form.material_errors(_message_dict(exc))
        return _render_form(
            request,
            **render_args,
            values=values,
            files=files,
            material_errors=by_material,
            general_errors=[str(m) for messages in rest.values() for m in messages],
        )
    if proceed:
        return redirect("portal:draft_confirm", draft_id=draft.pk)
    messages.success(request, _("草稿已保存，可随时在“我的办件—草稿”中继续填写"))
    return HttpResponseRedirect(
        reverse("portal:apply", args=[implementation.implementation_code]) + f"?draft={draft.pk}"
    )


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


@authenticated
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """Upload one material file (the form's script, with progress); answers JSON."""
    upload_file = request.FILES.get("file")
    if upload_file is None:
        message = _("请选择要上传的文件")
        return JsonResponse({"error": {"code": "invalid_input", "message": message}}, status=400)
    try:
        stored = _store(request, upload_file)
    except ApiError as exc:
        return JsonResponse(
            {"error": {"code": exc.code, "message": exc.message}}, status=exc.status
        )
    return JsonResponse(
        {
            "file_id": stored.pk,
            "name": stored.name,
            "size": stored.size,
            "sha256": stored.sha256,
            "content_type": stored.content_type,
        },
        status=201,
    )


def _draft_or_404(request: HttpRequest, draft_id: int) -> ApplicationDraft:
    draft = queries.draft_of(_user(request), draft_id)
    if draft is None:
        raise Http404("unknown draft")
    return draft


def _apply_url(draft: ApplicationDraft) -> str:
    return (
        reverse("portal:apply", args=[draft.implementation.implementation_code])
        + f"?draft={draft.pk}"
    )


def _summary_problems(
    draft: ApplicationDraft, version: ItemVersion, offers: dict[int, list[Licence]]
) -> list[str]:
    """What would stop the engine from accepting the draft as it is."""
    problems: list[str] = []
    try:
        case_services.validate_form(version, draft.form)
    except ValidationError as exc:
        problems.extend(exc.messages)
    refs = draft.file_ids()
    chosen = draft.licence_ids()
    stale = _stale_choices(chosen, offers)
    for slot in _slots(version, {}, {}):
        requirement_id = slot.requirement.pk
        if requirement_id in stale:
            problems.append(
                _("“%(name)s”：此前选择的电子证照已不能使用，请重新选择或改为上传文件")
                % {"name": slot.requirement.name}
            )
        elif slot.required and requirement_id not in refs and requirement_id not in chosen:
            problems.append(_("缺少必要材料：%(name)s") % {"name": slot.requirement.name})
    return problems


@authenticated
@never_cache
@require_safe
def confirm(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The summary before submission (确认提交)."""
    user = _user(request)
    draft = _draft_or_404(request, draft_id)
    version = draft.implementation.current_version
    if version is None or version.pk != draft.item_version_id:
        messages.warning(request, _("办事指南已更新，请核对申请表和材料后重新确认"))
        return redirect(_apply_url(draft))
    principal = draft.principal or user
    problems = _summary_problems(draft, version, _offers(user, version, principal))
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect(_apply_url(draft))
    refs = draft.file_ids()
    owned = queries.own_files(user, refs.values())
    files = {r: owned[f] for r, f in refs.items() if f in owned}
    context = {
        "draft": draft,
        "implementation": draft.implementation,
        "version": version,
        "principal": principal,
        "fields": schema_form.build_fields(version.form_schema or {}, draft.form),
        "slots": _slots(
            version,
            files,
            {},
            chosen=draft.licence_ids(),
            chosen_licences=services.chosen_licences(draft),
        ),
    }
    return render(request, "portal/apply_confirm.html", context)


@authenticated
@require_POST
def submit(request: HttpRequest, draft_id: int) -> HttpResponse:
    """File the draft with the case engine; the receipt follows."""
    user = _user(request)
    draft = _draft_or_404(request, draft_id)
    try:
        case = services.submit_draft(draft, actor=user)
    except ValidationError as exc:
        if queries.draft_of(user, draft.pk) is None:  # filed by another click meanwhile
            for message in exc.messages:
                messages.error(request, message)
            return redirect("portal:case_list")
        by_material, rest = schema_form.material_errors(_message_dict(exc))
        if by_material:  # e.g. a licence revoked since: say so next to the material
            return _refused_draft(request, draft, by_material, rest)
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_apply_url(draft))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行该操作"))
        return redirect(_apply_url(draft))
    return redirect("portal:case_receipt", case_no=case.case_no)


def _refused_draft(
    request: HttpRequest,
    draft: ApplicationDraft,
    material_errors: dict[int, list[str]],
    other_errors: dict[str, list[str]],
) -> HttpResponse:
    """The form again, with the engine's refusals next to the materials it named."""
    user = _user(request)
    implementation = draft.implementation
    version = implementation.current_version
    if version is None:
        raise Http404("unpublished item")
    principals = _principals(user)
    by_id = {p.user.pk: p.user for p in principals}
    principal = by_id.get(draft.principal_id or user.pk, user)
    refs = draft.file_ids()
    owned = queries.own_files(user, refs.values())
    field_errors, general = schema_form.field_errors(other_errors)
    return _render_form(
        request,
        implementation=implementation,
        version=version,
        draft=draft,
        principals=principals,
        principal=principal,
        values=dict(draft.form),
        files={r: owned[f] for r, f in refs.items() if f in owned},
        chosen=draft.licence_ids(),
        field_errors=field_errors,
        material_errors=material_errors,
        general_errors=general,
        status=400,
    )
