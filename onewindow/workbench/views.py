"""The staff workbench (工作台): inbox per post, the case page and its actions, one-window
intake (一窗受理) with the receipt, and the first-contact log (首问负责).

Views authorise (a role decorator, then the case's visibility: 404 outside the person's
departments), parse, call one service or query, and render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.cases import engine
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseMaterial, Document, Task
from onewindow.catalog import queries as catalog
from onewindow.catalog.models import ItemImplementation, MaterialRequirement
from onewindow.identity.access import require_roles
from onewindow.identity.models import User
from onewindow.licences import queries as licence_queries
from onewindow.licences import services as licence_services
from onewindow.portal import services as portal_services

from . import forms, queries, schema_form, services

PAGE_SIZE = 20
MAX_PAGE = 10_000
INTAKE_SESSION_KEY = "workbench_intake_applicant"
# Content types a browser may show inline; anything else is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})

staff_only = require_roles(*queries.WORKBENCH_ROLES)
clerks_only = require_roles("window_clerk")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _visible_case(request: HttpRequest, case_no: str) -> Case:
    case = queries.case_for(_user(request), case_no)
    if case is None:
        raise Http404("no such case for this person")
    return case


# --- inbox -----------------------------------------------------------------------------------


@staff_only
@require_safe
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    posts = queries.posts_of(user)
    wanted = request.GET.get("post", "")
    post = next((p for p in posts if p.key == wanted), posts[0])
    form = forms.InboxFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else queries.InboxFilters()
    number = _page_number(request.GET.get("page"))
    result = queries.inbox(user, post, filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    page = Paginator(range(result.total), PAGE_SIZE).get_page(number)
    if page.number != number:  # past the end: show the last page
        result = queries.inbox(
            user, post, filters, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    query: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    query["post"] = post.key
    context: dict[str, Any] = {
        "posts": posts,
        "post": post,
        "form": form,
        "filters": filters,
        "result": result,
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "query": urlencode(query),
        "base_query": urlencode({"post": post.key}),
        "alert_labels": queries.ALERT_LABELS,
        "alert_short_labels": queries.ALERT_SHORT_LABELS,
        "alerts": queries.ALERTS,
        "is_clerk": user.has_role("window_clerk"),
    }
    return render(request, "workbench/inbox.html", context)


# --- the case page ---------------------------------------------------------------------------


def _action_forms(
    view: queries.CaseView,
    allowed: queries.AllowedActions,
    bound: tuple[str, forms.ActionForm] | None = None,
    delivery: portal_services.DeliveryChoiceView | None = None,
) -> list[dict[str, Any]]:
    """The forms of the allowed actions, in the state table's order; one per task of mine.
    The deliver form starts from the applicant's delivery choice, if they made one."""
    requirements = view.requirements
    entries: list[dict[str, Any]] = []
    for action in allowed.names:
        targets: list[Task | None] = list(allowed.tasks) if action == "complete_task" else [None]
        for task in targets:
            key = f"task{task.pk}" if task is not None else action
            if bound is not None and bound[0] == key:
                form = bound[1]
            else:
                form = forms.action_form(action, requirements=requirements, task=task)
                if action == "deliver" and delivery is not None:
                    form.initial["method"] = delivery.method
            entries.append({"action": action, "key": key, "task": task, "form": form})
    return entries


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, forms.ActionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    view = queries.case_view(case)
    allowed = queries.allowed_actions(user, case, view.tasks)
    latest = view.events[0] if view.events else None
    fresh = [d for d in view.documents if latest is not None and d.event_id == latest.pk]
    delivery = portal_services.delivery_choice_for(case)
    entries = _action_forms(view, allowed, bound, delivery)
    licences = queries.material_licences(user, view.materials)
    # A refused action this person is not offered (any more): its reasons still show.
    refusal: list[str] = []
    if bound is not None and all(entry["key"] != bound[0] for entry in entries):
        refusal = [str(e) for errors in bound[1].errors.values() for e in errors]
    context: dict[str, Any] = {
        "view": view,
        "case": case,
        "version": case.item_version,
        "allowed": allowed,
        "action_forms": entries,
        "refusal": refusal,
        "open_form": bound[0] if bound else "",
        "fresh_documents": fresh if request.GET.get("done") else [],
        "form_fields": _form_rows(case),
        # A licence is shown as the licence (verified), not as a scan to preview.
        "preview": next(
            (
                m
                for m in view.materials
                if m.file and m.file.content_type in INLINE_TYPES and m.pk not in licences
            ),
            None,
        ),
        "material_licences": licences,
        "delivery_choice": delivery,
        "alert_labels": queries.ALERT_LABELS,
    }
    return render(request, "workbench/case_detail.html", context, status=status)


def _form_rows(case: Case) -> list[tuple[str, Any]]:
    """The application form's values with the schema's titles, in the schema's order."""
    properties = (case.item_version.form_schema or {}).get("properties") or {}
    rows = []
    for key, value in case.form.items():
        spec = properties.get(key) or {}
        title = spec.get("title") if isinstance(spec, dict) else None
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        rows.append((str(title or key), value))
    order = {str((properties.get(k) or {}).get("title") or k): i for i, k in enumerate(properties)}
    return sorted(rows, key=lambda row: order.get(row[0], len(order)))


@staff_only
@require_safe
@never_cache
def case_detail(request: HttpRequest, case_no: str) -> HttpResponse:
    return _render_case(request, _visible_case(request, case_no))


@staff_only
@require_POST
def case_action(request: HttpRequest, case_no: str, action: str) -> HttpResponse:
    """Run one action through ``cases.services.perform``; on refusal the page comes back with
    the engine's reasons next to the form, and nothing has changed."""
    case = _visible_case(request, case_no)
    if action not in forms.ACTION_FORMS:
        raise Http404("unknown action")
    requirements = list(MaterialRequirement.objects.filter(version_id=case.item_version_id))
    task = None
    if action == "complete_task":
        task_id = request.POST.get("task_id", "")
        task = case.tasks.filter(pk=int(task_id)).first() if task_id.isdigit() else None
        if task is None:
            raise Http404("no such task on this case")
    form = forms.action_form(action, request.POST, requirements=requirements, task=task)
    key = form.prefix or action
    if not form.is_valid():
        return _render_case(request, case, bound=(key, form), status=400)
    try:
        services_result = case_services.perform(
            case, action, actor=_user(request), payload=form.payload()
        )
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, reasons in fields.items():
            target = form.error_field(name)
            for reason in reasons:
                form.add_error(target, reason)
        return _render_case(request, case, bound=(key, form), status=400)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("您无权执行该操作"))
        return _render_case(request, case, bound=(key, form), status=403)
    except engine.InvalidTransition as exc:
        message = exc.reason or _("办件当前状态（%(s)s）不允许该操作") % {
            "s": case.get_status_display()
        }
        form.add_error(None, message)
        return _render_case(request, case, bound=(key, form), status=409)
    messages.success(
        request,
        _("已办理：%(action)s。办件状态：%(status)s。")
        % {
            "action": forms.ACTION_LABELS[action],
            "status": services_result.get_status_display(),
        },
    )
    url = reverse("workbench:case_detail", args=[case.case_no])
    return HttpResponseRedirect(f"{url}?{urlencode({'done': action})}")


def _file_response(handle: Any, *, content_type: str, filename: str) -> FileResponse:
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_only
@require_safe
@xframe_options_sameorigin  # shown in the case page's preview frame
def material_file(request: HttpRequest, case_no: str, material_id: int) -> FileResponse:
    """A material's file, after the same visibility check as the case page."""
    case = _visible_case(request, case_no)
    material = CaseMaterial.objects.select_related("file").filter(case=case, pk=material_id).first()
    if material is None or material.file is None:
        raise Http404("no such material on this case")
    licence = licence_queries.licence_for_material(material)
    if licence is not None:  # a department reads a licence: audited access only
        licence_services.record_staff_access(
            licence, actor=_user(request), purpose=f"case_material:{case.case_no}", request=request
        )
    stored = material.file
    return _file_response(
        stored.file.open("rb"), content_type=stored.content_type, filename=stored.name
    )


@staff_only
@require_safe
@xframe_options_sameorigin
def document_file(request: HttpRequest, case_no: str, document_id: int) -> FileResponse:
    case = _visible_case(request, case_no)
    document = Document.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404("no such document on this case")
    return _file_response(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{case.case_no}-{document.kind}.pdf",
    )


# --- one-window intake -----------------------------------------------------------------------


def _intake_applicant(request: HttpRequest) -> User | None:
    pk = request.session.get(INTAKE_SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return (
        User.objects.select_related("organization")
        .filter(pk=pk, is_active=True, kind__in=[User.Kind.PERSON, User.Kind.ORGANIZATION])
        .first()
    )


@clerks_only
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def intake(request: HttpRequest) -> HttpResponse:
    """Step 1: register the walk-in applicant (found by ID number or credit code, or created)."""
    form = forms.ApplicantForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, created = services.register_walk_in(
                kind=data["kind"],
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                actor=_user(request),
                request=request,
            )
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                for reason in reasons:
                    form.add_error(name if name in form.fields else None, reason)
        else:
            request.session[INTAKE_SESSION_KEY] = account.pk
            messages.success(
                request,
                _("已为申请人创建账户。") if created else _("已找到申请人的账户。"),
            )
            return redirect("workbench:intake_items")
    if request.method == "POST":
        status = 400
    context = {"form": form, "applicant": _intake_applicant(request)}
    return render(request, "workbench/intake_applicant.html", context, status=status)


@clerks_only
@require_safe
@never_cache
def intake_items(request: HttpRequest) -> HttpResponse:
    """Step 2: choose any item (一窗受理: a general window accepts every item)."""
    applicant = _intake_applicant(request)
    if applicant is None:
        return redirect("workbench:intake")
    form = forms.ItemSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    found = catalog.find_items(catalog.ItemFilters(q=query), limit=PAGE_SIZE)
    context = {"form": form, "applicant": applicant, "items": found.results, "total": found.total}
    return render(request, "workbench/intake_items.html", context)


@clerks_only
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def intake_form(request: HttpRequest, code: str) -> HttpResponse:
    """Step 3: the item's form, the materials, and accept on the spot or leave it queued."""
    applicant = _intake_applicant(request)
    if applicant is None:
        return redirect("workbench:intake")
    implementation = catalog.get_guide(code) if len(code) <= 40 else None
    if implementation is None or implementation.current_version is None:
        raise Http404("unknown or unpublished item")
    version = implementation.current_version
    requirements = [m for m in version.materials.all() if m.source == "applicant"]
    posted = request.method == "POST"
    application = schema_form.build(version.form_schema, request.POST if posted else None)
    materials = forms.MaterialsForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        requirements=requirements,
    )
    other_errors: list[str] = []
    if posted and application.is_valid() and materials.is_valid():
        try:
            result = services.file_at_window(
                implementation,
                applicant=applicant,
                form=schema_form.cleaned(application),
                uploads=materials.uploads(),
                accept_now=materials.cleaned_data["decision"] == "accept",
                actor=_user(request),
                request=request,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for key, reasons in schema_form.apply_errors(application, errors).items():
                if key in materials.fields:
                    for reason in reasons:
                        materials.add_error(key, reason)
                else:
                    other_errors.extend(reasons)
        except PermissionDenied as exc:
            other_errors.append(str(exc))
        else:
            request.session.pop(INTAKE_SESSION_KEY, None)
            if result.refusal:
                messages.warning(
                    request, _("申请已登记，但未能当场受理：%(r)s") % {"r": result.refusal}
                )
            return redirect("workbench:intake_receipt", case_no=result.case.case_no)
    context = {
        "implementation": implementation,
        "version": version,
        "applicant": applicant,
        "application": application,
        "materials": materials,
        "reused": [m for m in version.materials.all() if m.source != "applicant"],
        "other_errors": other_errors,
    }
    return render(
        request,
        "workbench/intake_form.html",
        context,
        status=400 if posted else 200,
    )


@clerks_only
@require_safe
def intake_receipt(request: HttpRequest, case_no: str) -> HttpResponse:
    """The printable receipt for the applicant (收件回执)."""
    case = _visible_case(request, case_no)
    context = {
        "case": case,
        "version": case.item_version,
        "materials": list(case.materials.select_related("requirement", "file")),
        "accepted": case.accepted_at is not None,
    }
    return render(request, "workbench/intake_receipt.html", context)


# --- first-contact log -----------------------------------------------------------------------


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def first_contacts(request: HttpRequest) -> HttpResponse:
    """Record an enquiry (every one, even when no case follows) and list the log."""
    user = _user(request)
    post = user.posts.filter(window__isnull=False).first()
    form = forms.FirstContactForm(
        request.POST or None, initial={"window": post.window_id if post else None}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            implementation = None
            case = None
            if data["item"]:
                implementation = ItemImplementation.objects.filter(
                    implementation_code=data["item"].strip()
                ).first()
                if implementation is None:
                    form.add_error("item", _("没有该实施编码的事项"))
            if data["case_no"]:
                case = queries.case_for(user, data["case_no"].strip())
                if case is None:
                    form.add_error("case_no", _("没有该办件，或您无权查看"))
            if form.is_valid():
                try:
                    services.record_first_contact(
                        actor=user,
                        enquirer_name=data["enquirer_name"],
                        enquirer_phone=data["enquirer_phone"],
                        question=data["question"],
                        answer=data["answer"],
                        window=data["window"],
                        implementation=implementation,
                        case=case,
                        request=request,
                    )
                except ValidationError as exc:
                    for name, reasons in exc.message_dict.items():
                        for reason in reasons:
                            form.add_error(name if name in form.fields else None, reason)
                else:
                    messages.success(request, _("已登记首问记录。"))
                    return redirect("workbench:first_contacts")
    filter_form = forms.ContactFilterForm(request.GET or None)
    filters = filter_form.filters() if filter_form.is_valid() else queries.ContactFilters()
    page = Paginator(queries.first_contacts(user, filters), PAGE_SIZE).get_page(
        _page_number(request.GET.get("page"))
    )
    kept: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    query = urlencode(kept)
    context = {
        "form": form,
        "filter_form": filter_form,
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "query": query,
    }
    return render(request, "workbench/first_contacts.html", context, status=status)
