"""The audit administrator's pages: search the audit log and export it as CSV.

Only ``can_read_audit`` users get in; anonymous visitors go to the sign-in page, others get
403. Every search and export is itself recorded in the log.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import audit
from .models import AuditRecord, canonical_at, canonical_detail

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 2000
# The log starts after the platform does; bounds keep date arithmetic inside datetime's range.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
# Text cells that a spreadsheet would run as a formula get a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def can_read_audit(user: Any) -> bool:
    """Who may read the audit log (the audit administrator, 审计管理员)."""
    return bool(user.is_authenticated and user.has_perm("core.view_auditrecord"))


class AuditReaderRule:
    """The access rule ``AccessMiddleware`` reads from the view (``view.access``).

    Declared here with the same shape as ``identity.access.AccessRule`` because ``core``
    cannot import ``identity``; it defers to ``can_read_audit``.
    """

    public = False
    roles: frozenset[str] = frozenset()
    description = "audit readers (can_read_audit)"

    def allows(self, user: Any) -> bool:
        return can_read_audit(user)


def audit_reader_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Anonymous → sign-in page; signed in without the right → 403 (and audited)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can_read_audit(request.user):
            audit.record(
                "access.denied",
                outcome=AuditRecord.Outcome.DENIED,
                request=request,
                object_type="url",
                object_id=request.path[:64],
                detail={"reason": AuditReaderRule.description, "method": request.method},
            )
            raise PermissionDenied(AuditReaderRule.description)
        return view(request, *args, **kwargs)

    wrapper.access = AuditReaderRule()  # type: ignore[attr-defined]
    return wrapper


OUTCOME_CHOICES = [("", _("全部")), *AuditRecord.Outcome.choices]
DATE_ERRORS = {"invalid": _("日期格式应为“年-月-日”，例如 2026-01-31。")}


class AuditFilterForm(forms.Form):
    """The filters of the audit search; every field is optional, a bad value is an error."""

    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.CharField(label=_("操作（前缀）"), required=False, max_length=100)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=OUTCOME_CHOICES)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=64)

    def _clean_date(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("日期应在 %(earliest)s 至 %(latest)s 之间。"),
                code="out_of_range",
                params={"earliest": EARLIEST_DATE, "latest": LATEST_DATE},
            )
        return value

    def clean_date_from(self) -> dt.date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of ``audit.find_records``; dates are whole local days."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start: dt.date | None = data["date_from"]
        end: dt.date | None = data["date_to"]
        return {
            "actor": data["actor"].strip(),
            "action": data["action"].strip(),
            "outcome": data["outcome"],
            "since": dt.datetime.combine(start, dt.time(), zone) if start else None,
            "until": (
                dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone) if end else None
            ),
            "object_type": data["object_type"].strip(),
            "object_id": data["object_id"].strip(),
        }

    def summary(self) -> dict[str, str]:
        """The filters as given, for the audit record of the search (empty ones left out)."""
        if self.is_bound and hasattr(self, "cleaned_data") and not self.errors:
            return {key: str(value) for key, value in self.cleaned_data.items() if value}
        return {key: str(self.data.get(key, ""))[:200] for key in self.fields if self.data.get(key)}


def _invalid(request: HttpRequest, form: AuditFilterForm, action: str) -> HttpResponse:
    audit.record(
        action,
        outcome=AuditRecord.Outcome.FAILURE,
        request=request,
        detail={"filters": form.summary(), "errors": sorted(form.errors)},
    )
    context = {"form": form, "page": None, "export_query": "", "export_limit": EXPORT_LIMIT}
    return render(request, "core/audit_search.html", context, status=400)


@never_cache
@require_safe
@audit_reader_required
def audit_search(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(request, form, "audit.search")
    paginator = Paginator(audit.find_records(**form.filters()), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)  # read before this search is itself recorded
    for row in rows:
        row.detail_text = canonical_detail(row.detail)
    page.object_list = rows
    audit.record(
        "audit.search",
        request=request,
        detail={"filters": form.summary(), "page": page.number, "matched": paginator.count},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "export_query": query.urlencode(),
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "core/audit_search.html", context)


class _Echo:
    """A file-like object whose ``write`` hands the CSV line back to the generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_header() -> list[str]:
    names = [
        "id",
        "at",
        "actor",
        "actor_label",
        "on_behalf_of",
        "on_behalf_of_label",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "ip",
        "detail",
        "prev_hash",
        "hash",
    ]
    header = [
        str(getattr(AuditRecord._meta.get_field(name), "verbose_name", name)) for name in names
    ]
    header[1] = str(_("时间（UTC）"))
    header.insert(2, str(_("时间（本地）")))
    return header


def export_row(row: AuditRecord) -> list[Any]:
    """One CSV row: the hashed fields as ``AuditRecord.canonical()`` has them, plus local time."""
    return [
        row.id,
        canonical_at(row.at),
        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
        row.actor_id if row.actor_id is not None else "",
        _cell(row.actor_label),
        row.on_behalf_of_id if row.on_behalf_of_id is not None else "",
        _cell(row.on_behalf_of_label),
        _cell(row.action),
        _cell(row.object_type),
        _cell(row.object_id),
        row.outcome,
        row.ip or "",
        _cell(canonical_detail(row.detail)),
        row.prev_hash,
        row.hash,
    ]


def _csv_lines(rows: Iterable[AuditRecord]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_header())  # the BOM tells Excel it is UTF-8
    for row in rows:
        yield writer.writerow(export_row(row))


@never_cache
@require_safe
@audit_reader_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(request, form, "audit.export")
    records = audit.find_records(**form.filters())
    truncated = records.values_list("id", flat=True)[EXPORT_LIMIT : EXPORT_LIMIT + 1].exists()
    entry = audit.record(
        "audit.export",
        request=request,
        detail={"filters": form.summary(), "limit": EXPORT_LIMIT, "truncated": truncated},
    )
    # The records as they were when the export was asked for (not its own record, nor later).
    rows = records.filter(id__lt=entry.id)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    if truncated:
        response["X-Audit-Truncated"] = f"first {EXPORT_LIMIT} rows"
    return response
