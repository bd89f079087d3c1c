"""The annual report on government information disclosure (政府信息公开工作年度报告) in the
statutory format of 国办公开办函〔2021〕30号, computed from the records, never typed in.

Sections: 一 overview (free text); 二 proactive disclosure (rules and normative documents
issued, repealed and in force; licensing, penalty and enforcement decisions; fees); 三 the
applications table (applicant columns × new, carried over, every result and sub-reason,
carried forward); 四 administrative reconsideration and litigation; 五 and 六 free text.

The applications table holds by construction: every request received by the year's end and
not closed before it began is either closed within the year (a result row) or still open at
its end (carried forward), so new + carried over = results total + carried forward in every
column; ``check`` recomputes both sides independently and says so.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import CaseEvent
from onewindow.org.models import Department

from . import replies
from .models import (
    AnnualReport,
    ApplicantCategory,
    DisclosureRequest,
    Document,
    DocumentKind,
    PublishStatus,
    RemedyCase,
    Validity,
)

TZ = ZoneInfo("Asia/Shanghai")
COLUMNS = [c.value for c in ApplicantCategory]
REMEDY_OUTCOMES = ["upheld", "corrected", "other", "pending"]


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _datetime_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime(year, 1, 1, tzinfo=TZ),
        dt.datetime(year + 1, 1, 1, tzinfo=TZ),
    )


def _issued_on(document: Document) -> dt.date | None:
    if document.written_on:
        return document.written_on
    if document.published_at:
        return timezone.localtime(document.published_at, TZ).date()
    return None


def proactive(year: int, agency: Department | None) -> dict[str, Any]:
    start, end = _bounds(year)
    documents = Document.objects.filter(status=PublishStatus.PUBLISHED)
    if agency is not None:
        documents = documents.filter(agency=agency)
    table: dict[str, Any] = {}
    for kind in (DocumentKind.RULE, DocumentKind.NORMATIVE):
        rows = list(documents.filter(kind=kind))
        issued = [d for d in rows if (day := _issued_on(d)) and start <= day <= end]
        repealed = [d for d in rows if d.repealed_on and start <= d.repealed_on <= end]
        in_force = [
            d
            for d in rows
            if (day := _issued_on(d)) and day <= end and d.validity_on(end) == Validity.IN_FORCE
        ]
        table[str(kind)] = {
            "issued": len(issued),
            "repealed": len(repealed),
            "in_force": len(in_force),
        }
    dt_start, dt_end = _datetime_bounds(year)
    decisions = CaseEvent.objects.filter(
        action__in=["grant", "deny"],
        at__gte=dt_start,
        at__lt=dt_end,
        case__implementation__item__item_type="licensing",
    )
    if agency is not None:
        decisions = decisions.filter(case__lead_department=agency)
    table["licensing"] = {"decisions": decisions.values("case_id").distinct().count()}
    for kind in (DocumentKind.PENALTY, DocumentKind.ENFORCEMENT):
        rows = list(documents.filter(kind=kind))
        table[str(kind)] = {
            "decisions": sum(1 for d in rows if (day := _issued_on(d)) and start <= day <= end)
        }
    # The platform records no fee payments: the amount is reported as unknown, not as zero.
    table["fees"] = {"amount_10k_yuan": None}
    return table


def _requests(agency: Department | None) -> Any:
    requests = DisclosureRequest.objects.all()
    if agency is not None:
        requests = requests.filter(agency=agency)
    return requests


def _by_column(rows: Any) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for category in rows.values_list("applicant_category", flat=True):
        counts[category] = counts.get(category, 0) + 1
    return counts


def _with_total(values: dict[str, int]) -> dict[str, int]:
    return {
        **{c: values.get(c, 0) for c in COLUMNS},
        "total": sum(values.get(c, 0) for c in COLUMNS),
    }


def applications(year: int, agency: Department | None) -> dict[str, Any]:
    start, end = _bounds(year)
    requests = _requests(agency)
    new = _by_column(requests.filter(received_on__gte=start, received_on__lte=end))
    carried_over = _by_column(
        requests.filter(received_on__lt=start).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=start)
        )
    )
    carried_forward = _by_column(
        requests.filter(received_on__lte=end).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=end)
        )
    )
    leaves: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    closed = requests.filter(closed_on__gte=start, closed_on__lte=end)
    unknown: list[str] = []
    for result, category in closed.values_list("result", "applicant_category"):
        if result not in replies.RESULT_LEAVES:
            unknown.append(result)
            result = "other.other"
        leaves[result][category] += 1
    rows: list[dict[str, Any]] = [
        {
            "key": "new",
            "label": _("一、本年新收政府信息公开申请数量"),
            "level": 0,
            "values": _with_total(new),
        },
        {
            "key": "carried_over",
            "label": _("二、上年结转政府信息公开申请数量"),
            "level": 0,
            "values": _with_total(carried_over),
        },
        {"key": "results", "label": _("三、本年度办理结果"), "level": 0, "values": None},
    ]
    total = dict.fromkeys(COLUMNS, 0)
    for key, label, level in replies.RESULT_ROWS:
        if key in replies.RESULT_LEAVES:
            values = leaves[key]
        else:  # a heading row: the sum of its sub-reasons
            values = dict.fromkeys(COLUMNS, 0)
            for leaf in replies.RESULT_LEAVES:
                if leaf.startswith(f"{key}."):
                    for column in COLUMNS:
                        values[column] += leaves[leaf][column]
        if level == 1:
            for column in COLUMNS:
                total[column] += values[column]
        rows.append(
            {"key": key, "label": str(label), "level": level, "values": _with_total(values)}
        )
    rows.append(
        {"key": "total", "label": _("（七）总计"), "level": 1, "values": _with_total(total)}
    )
    rows.append(
        {
            "key": "carried_forward",
            "label": _("四、结转下年度继续办理"),
            "level": 0,
            "values": _with_total(carried_forward),
        }
    )
    for row in rows:
        row["cells"] = [row["values"][c] for c in [*COLUMNS, "total"]] if row["values"] else []
    per_column = {}
    for column in [*COLUMNS, "total"]:
        left = _with_total(new)[column] + _with_total(carried_over)[column]
        right = _with_total(total)[column] + _with_total(carried_forward)[column]
        per_column[column] = {"received": left, "accounted": right, "ok": left == right}
    return {
        "columns": [{"key": c.value, "label": str(c.label)} for c in ApplicantCategory]
        + [{"key": "total", "label": _("总计")}],
        "rows": rows,
        "check": {
            "ok": all(v["ok"] for v in per_column.values()) and not unknown,
            "rule": _("本年新收 + 上年结转 = 本年度办理结果总计 + 结转下年度继续办理"),
            "columns": per_column,
        },
    }


def remedies(year: int, agency: Department | None) -> dict[str, Any]:
    start, end = _bounds(year)
    cases = RemedyCase.objects.filter(filed_on__gte=start, filed_on__lte=end)
    if agency is not None:
        cases = cases.filter(agency=agency)
    table: dict[str, dict[str, int]] = {
        kind.value: dict.fromkeys([*REMEDY_OUTCOMES, "total"], 0) for kind in RemedyCase.Kind
    }
    for kind, outcome, decided_on in cases.values_list("kind", "outcome", "decided_on"):
        if decided_on is None or decided_on > end:
            outcome = "pending"  # as the year ended
        table[kind][outcome] += 1
        table[kind]["total"] += 1
    return {
        "kinds": [{"key": k.value, "label": str(k.label)} for k in RemedyCase.Kind],
        "outcomes": [{"key": o, "label": str(RemedyCase.Outcome(o).label)} for o in REMEDY_OUTCOMES]
        + [{"key": "total", "label": _("总计")}],
        "values": table,
        "rows": [
            {
                "key": kind.value,
                "label": str(kind.label),
                "cells": [table[kind.value][o] for o in [*REMEDY_OUTCOMES, "total"]],
            }
            for kind in RemedyCase.Kind
        ],
    }


def build(year: int, agency: Department | None) -> dict[str, Any]:
    """The whole report of ``year`` for ``agency`` (None: every agency together)."""
    text = AnnualReport.objects.filter(year=year, agency=agency).first()
    return {
        "year": year,
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
        "title": _("%(name)s%(year)s年政府信息公开工作年度报告")
        % {"name": agency.name if agency else "", "year": year},
        "generated_at": timezone.now().isoformat(),
        "published_at": text.published_at.isoformat() if text and text.published_at else None,
        "sections": {
            "overview": text.overview if text else "",
            "problems": text.problems if text else "",
            "other_matters": text.other_matters if text else "",
        },
        "proactive": proactive(year, agency),
        "applications": applications(year, agency),
        "remedies": remedies(year, agency),
    }


# --------------------------------------------------------------------------- exports

PROACTIVE_ROWS: list[tuple[str, str, str]] = [
    ("第二十条第（一）项", "rule", "规章"),
    ("第二十条第（一）项", "normative", "行政规范性文件"),
    ("第二十条第（五）项", "licensing", "行政许可"),
    ("第二十条第（六）项", "penalty", "行政处罚"),
    ("第二十条第（六）项", "enforcement", "行政强制"),
    ("第二十条第（八）项", "fees", "行政事业性收费"),
]
SECTION_TITLES = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "remedies": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}


def _proactive_lines(data: dict[str, Any]) -> list[list[Any]]:
    p = data["proactive"]
    lines: list[list[Any]] = []
    lines.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    for key in ("rule", "normative"):
        label = {k: lab for _a, k, lab in PROACTIVE_ROWS}[key]
        lines.append([label, p[key]["issued"], p[key]["repealed"], p[key]["in_force"]])
    lines.append(["信息内容", "本年处理决定数量", "", ""])
    for key, label in (
        ("licensing", "行政许可"),
        ("penalty", "行政处罚"),
        ("enforcement", "行政强制"),
    ):
        lines.append([label, p[key]["decisions"], "", ""])
    lines.append(["信息内容", "本年收费金额（单位：万元）", "", ""])
    amount = p["fees"]["amount_10k_yuan"]
    lines.append(["行政事业性收费", "—" if amount is None else amount, "", ""])
    return lines


def _application_lines(data: dict[str, Any]) -> list[list[Any]]:
    table = data["applications"]
    keys = [c["key"] for c in table["columns"]]
    lines: list[list[Any]] = [["", *[c["label"] for c in table["columns"]]]]
    for row in table["rows"]:
        indent = "　" * row["level"]
        values = row["values"]
        lines.append(
            [indent + row["label"], *([values[k] for k in keys] if values else [""] * len(keys))]
        )
    return lines


def _remedy_lines(data: dict[str, Any]) -> list[list[Any]]:
    table = data["remedies"]
    outcomes = [o["key"] for o in table["outcomes"]]
    head = [""]
    for kind in table["kinds"]:
        head += [f"{kind['label']}·{o['label']}" for o in table["outcomes"]]
    values: list[Any] = ["件数"]
    for kind in table["kinds"]:
        values += [table["values"][kind["key"]][o] for o in outcomes]
    return [head, values]


def export_response(data: dict[str, Any], fmt: str) -> HttpResponse:
    """The report as a download: ``xlsx`` (Excel) or ``pdf``."""
    agency = data["agency"]["code"] if data["agency"] else "all"
    name = f"disclosure-annual-report-{data['year']}-{agency}"
    if fmt == "xlsx":
        return HttpResponse(
            to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return HttpResponse(
        to_pdf(data),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


def to_xlsx(data: dict[str, Any]) -> bytes:
    """The report as an Excel workbook: one sheet per statutory table, the text sections too."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="888888")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "报告正文"
    sheet["A1"] = data["title"]
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for key in ("overview", "problems", "other_matters"):
        sheet.cell(row=row, column=1, value=SECTION_TITLES[key]).font = Font(bold=True)
        cell = sheet.cell(row=row + 1, column=1, value=data["sections"][key] or "")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 3
    sheet.column_dimensions["A"].width = 100

    def table_sheet(title: str, lines: list[list[Any]]) -> None:
        ws = workbook.create_sheet(title[:31])
        ws.append([title])
        ws["A1"].font = Font(bold=True)
        for line in lines:
            ws.append(line)
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions["A"].width = 60
        for letter in "BCDEFGHIJKLMNOP":
            ws.column_dimensions[letter].width = 14

    table_sheet("二、主动公开", _proactive_lines(data))
    table_sheet("三、依申请公开", _application_lines(data))
    table_sheet("四、复议诉讼", _remedy_lines(data))
    check = workbook["三、依申请公开"]
    check.append([])
    ok = data["applications"]["check"]["ok"]
    check.append([str(data["applications"]["check"]["rule"]), "✓" if ok else "✗"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .documents import FONT, styles

    s = styles()
    story: list[Any] = [Paragraph(str(data["title"]), s["title"]), Spacer(1, 4 * mm)]

    def text(key: str) -> None:
        story.append(Paragraph(SECTION_TITLES[key], s["heading"]))
        body = (data["sections"][key] or "").strip() or "—"
        for paragraph in body.splitlines():
            if paragraph.strip():
                story.append(Paragraph(_escape(paragraph), s["body"]))

    def table(key: str, lines: list[list[Any]], widths: list[float] | None = None) -> None:
        story.append(Paragraph(SECTION_TITLES[key], s["heading"]))
        cells = [[Paragraph(_escape(str(v)), s["cell"]) for v in line] for line in lines]
        t = Table(cells, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story.append(t)

    text("overview")
    table("proactive", _proactive_lines(data), [90 * mm, 50 * mm, 50 * mm, 50 * mm])
    app_lines = _application_lines(data)
    table("applications", app_lines, [95 * mm] + [22 * mm] * (len(app_lines[0]) - 1))
    check = data["applications"]["check"]
    story.append(
        Paragraph(_escape(f"{check['rule']}：{'相符' if check['ok'] else '不符'}"), s["small"])
    )
    remedy = _remedy_lines(data)
    transposed = [[head, value] for head, value in zip(remedy[0][1:], remedy[1][1:], strict=True)]
    table("remedies", [["类别·结果", "件数"], *transposed], [120 * mm, 40 * mm])
    text("problems")
    text("other_matters")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=str(data["title"]),
        creator="OneWindow 一网通办",
        lang="zh-CN",
    )
    doc.build(story)
    return buffer.getvalue()


def _escape(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value)
