"""The formal notices of a case (受理、补正、不予受理、准予、不予许可、终止) as PDF documents.

DESIGN.md, "The case engine": every notice is a PDF with the case number, the legal basis and
the remedies, kept with the case. ``render_notice`` draws one with ReportLab (the built-in CID
font STSong-Light, so no font file is needed); ``issue_document`` stores it as a ``Document``.

Only the articles of the Administrative Licensing Law verified in
``shared/reference/items-factsheet.md`` §1 are cited: 32 (acceptance, one-time notice of
corrections, refusal), 44 (certificate within ten days), 45 (special procedures not counted).
The remedies are stated in the general form of the Administrative Reconsideration Law and the
Administrative Litigation Law.

The QR code on every notice links to the public progress page with the case number only: no
personal data. The applicant's name is masked for persons; the ID number is never printed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from onewindow.cases.models import Case, Document
from onewindow.core.masking import mask_name
from onewindow.core.pdf import FONT, TZ, body_style
from onewindow.core.pdf import chinese_date as _date
from onewindow.core.pdf import paragraph_text as _text
from onewindow.core.pdf import register_font as _register_font

__all__ = ["issue_document", "progress_url", "render_notice"]

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

LICENSING_LAW = "《中华人民共和国行政许可法》"
REMEDIES = (
    "申请人如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者六个月内依法提起行政诉讼。"
)

# The Chinese titles, fixed here so that a notice reads the same whatever the active language
# (``Document.Kind`` labels are translatable); a test checks that they match the labels.
TITLES: dict[str, str] = {
    Document.Kind.ACCEPTANCE: "受理通知书",
    Document.Kind.CORRECTIONS: "补正材料通知书",
    Document.Kind.REJECTION: "不予受理决定书",
    Document.Kind.GRANT: "准予行政许可决定书",
    Document.Kind.DENIAL: "不予行政许可决定书",
    Document.Kind.TERMINATION: "终止办理通知书",
}

# --------------------------------------------------------------------------- text helpers


def progress_url(case: Case) -> str:
    """The public progress page of a case: the only thing the QR code holds."""
    base = str(getattr(settings, "ONEWINDOW_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}/progress/?{urlencode({'case_no': case.case_no})}"


def _limit(days: int, unit: str) -> str:
    return f"{days}个工作日" if unit == "workday" else f"{days}日"


def _applicant(case: Case) -> str:
    if case.applicant_kind == "organization":
        return case.applicant_name.strip()
    return mask_name(case.applicant_name)


def _you(case: Case) -> str:
    return "你单位" if case.applicant_kind == "organization" else "你"


def _clean_list(values: Iterable[Any] | None) -> list[str]:
    return [str(v).strip() for v in values or () if str(v or "").strip()]


# --------------------------------------------------------------------------- flowables


class QRCode(Flowable):
    """A QR code drawn as vector rectangles (crisp at any zoom, nothing to embed)."""

    def __init__(self, data: str, size: float = 26 * mm) -> None:
        super().__init__()
        qr = segno.make(data, error="m", micro=False)
        self.rows = [list(row) for row in qr.matrix_iter(scale=1, border=2)]
        self.size = size
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        n = len(self.rows)
        module = self.size / n
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.rows):
            x = 0
            while x < n:
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < n and row[x]:
                    x += 1
                # One rectangle per horizontal run of dark modules.
                canvas.rect(
                    start * module,
                    self.size - (y + 1) * module,
                    (x - start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
        canvas.restoreState()


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of a notice, made once per process (``body_style`` registers the
    font first). Flowables only read their style, so every notice can share them."""
    base = body_style()
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "item": ParagraphStyle("item", parent=base, firstLineIndent=0, leftIndent=24),
        "dept": ParagraphStyle(
            "dept",
            parent=base,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            firstLineIndent=0,
            textColor=colors.HexColor("#b00000"),
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=22,
            leading=32,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=6,
            spaceAfter=2,
        ),
        "number": ParagraphStyle(
            "number",
            parent=base,
            fontSize=10.5,
            leading=16,
            alignment=TA_CENTER,
            firstLineIndent=0,
        ),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=10.5, leading=15, firstLineIndent=0, spaceAfter=0
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=base,
            fontSize=10.5,
            leading=15,
            firstLineIndent=0,
            spaceAfter=0,
            alignment=TA_CENTER,
        ),
        "sign": ParagraphStyle(
            "sign", parent=base, firstLineIndent=0, alignment=TA_RIGHT, spaceAfter=0
        ),
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=9,
            leading=13,
            firstLineIndent=0,
            spaceAfter=0,
            textColor=colors.HexColor("#444444"),
        ),
    }


# --------------------------------------------------------------------------- the bodies


class _Notice:
    """Builds the story (list of flowables) of one notice."""

    def __init__(
        self,
        case: Case,
        kind: str,
        *,
        reasons: Sequence[str] | None,
        corrections: Sequence[dict[str, Any]] | None,
        note: str,
        today: dt.date,
    ) -> None:
        self.case = case
        self.version = case.item_version
        self.kind = kind
        self.reasons = _clean_list(case.reasons if reasons is None else reasons)
        self.corrections = list(case.corrections if corrections is None else corrections)
        self.note = (note or "").strip()
        self.today = today
        self.s = _styles()
        self.story: list[Flowable] = []

    # small builders
    def p(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(text, self.s[style]))

    def numbered(self, items: Sequence[str]) -> None:
        for i, item in enumerate(items, 1):
            self.p(f"{i}. {_text(item)}", "item")

    def labelled(self, label: str, value: str) -> None:
        self.p(f"{label}：{_text(value)}", "plain")

    def remedies(self) -> None:
        self.p(REMEDIES)

    def application(self) -> str:
        """``你于2025年3月3日提交的“某事项”申请（办件编号：…）``."""
        case = self.case
        when = f"于{_date(case.submitted_at)}" if case.submitted_at else ""
        return (
            f"{_you(case)}{when}提交的“{_text(self.version.name)}”申请"
            f"（办件编号：{_text(case.case_no)}）"
        )

    def accepted_clause(self) -> str:
        if self.case.accepted_at:
            return f"，本机关已于{_date(self.case.accepted_at)}受理"
        return ""

    # the document
    def build(self) -> list[Flowable]:
        case = self.case
        self.p(_text(case.lead_department.name), "dept")
        self.story.append(
            HRFlowable(
                width="100%",
                thickness=1.5,
                color=colors.HexColor("#b00000"),
                spaceBefore=2,
                spaceAfter=4,
            )
        )
        self.p(TITLES[self.kind], "title")
        self.p(f"文书编号：{_text(document_number(case, self.kind))}", "number")
        self.story.append(Spacer(1, 4 * mm))
        self.header_table()
        self.story.append(Spacer(1, 4 * mm))
        self.p(f"{_text(_applicant(case))}：", "plain")
        getattr(self, f"body_{self.kind}")()
        if self.note and self.kind != Document.Kind.TERMINATION:
            self.labelled("说明", self.note)
        self.contact()
        self.footer()
        return self.story

    def header_table(self) -> None:
        case = self.case
        rows = [
            ("申请人", _applicant(case)),
            ("申请事项", self.version.name),
            ("办件编号", case.case_no),
        ]
        data = [
            [Paragraph(label, self.s["cell_head"]), Paragraph(_text(value), self.s["cell"])]
            for label, value in rows
        ]
        table = Table(data, colWidths=[28 * mm, None])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(table)

    def body_acceptance(self) -> None:
        case, version = self.case, self.version
        accepted = case.accepted_at or timezone.now()
        self.p(
            f"{self.application()}，经审查，申请材料齐全、符合法定形式。根据{LICENSING_LAW}"
            f"第三十二条的规定，本机关决定予以受理，受理日期为{_date(accepted)}。"
        )
        if version.instant:
            limits = "本事项为即办件，当场办结。"
        else:
            limits = f"本事项承诺办结时限为{_limit(version.promised_days, 'workday')}"
            if case.promised_due_date:
                limits += f"，承诺办结日期为{_date(case.promised_due_date)}"
            limits += "；"
            if version.statutory_days is not None:
                limits += f"法定办结时限为{_limit(version.statutory_days, version.statutory_unit)}"
                if case.statutory_due_date:
                    limits += f"，法定办结日期为{_date(case.statutory_due_date)}"
                limits += "。"
            else:
                limits = limits[:-1] + "。"
            limits += "办结时限自受理次日起计算。"
            if case.clock_provisional:
                limits += "上述日期按临时工作日历推算，如节假日安排调整，以调整后的日期为准。"
        self.p(limits)
        if version.statutory_note:
            self.labelled("时限说明", version.statutory_note)
        self.p(
            "依法需要听证、检验、检测、检疫、鉴定或者专家评审的，所需时间不计算在办结时限内，"
            f"本机关将书面告知所需时间（{LICENSING_LAW}第四十五条）。"
        )
        self.p(
            f"你可凭办件编号{_text(case.case_no)}和查询码{_text(case.query_code)}"
            "在一网通办平台查询办理进度，也可扫描本通知书下方的二维码查询。"
        )

    def body_corrections(self) -> None:
        self.p(
            f"{self.application()}，经审查，申请材料不齐全或者不符合法定形式。根据{LICENSING_LAW}"
            "第三十二条第一款第（四）项的规定，现一次性告知需要补正的全部材料如下："
        )
        head = [Paragraph(t, self.s["cell_head"]) for t in ("序号", "材料名称", "补正原因")]
        data: list[list[Any]] = [head]
        for i, item in enumerate(self.corrections, 1):
            data.append(
                [
                    Paragraph(str(i), self.s["cell_head"]),
                    Paragraph(_text(item.get("name")), self.s["cell"]),
                    Paragraph(_text(item.get("reason")), self.s["cell"]),
                ]
            )
        table = Table(data, colWidths=[14 * mm, 60 * mm, None], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 3 * mm))
        self.p(
            f"请{_you(self.case)}按上述要求一次性补正全部材料（共{len(self.corrections)}项）"
            "后重新提交。补正后的申请材料齐全、符合法定形式的，本机关将依法予以受理。"
        )

    def body_rejection(self) -> None:
        self.p(f"{self.application()}，经审查，本机关决定不予受理。理由如下：")
        self.numbered(self.reasons or ["—"])
        self.p(f"依据{LICENSING_LAW}第三十二条的规定，作出本决定。")
        self.remedies()

    def body_grant(self) -> None:
        version = self.version
        result = version.result_name.strip() or "行政许可证件"
        self.p(
            f"{self.application()}{self.accepted_clause()}。经审查，申请符合法定条件、标准，"
            "本机关决定准予行政许可。"
        )
        self.labelled("许可结果", result)
        if version.result_validity.strip():
            self.labelled("有效期", version.result_validity)
        self.labelled("设定依据", version.legal_basis)
        self.p(
            f"根据{LICENSING_LAW}第四十四条的规定，本机关自作出本决定之日起十日内"
            f"向{_you(self.case)}颁发、送达{_text(result)}。"
        )

    def body_denial(self) -> None:
        self.p(
            f"{self.application()}{self.accepted_clause()}。经审查，本机关决定不予行政许可。"
            "理由如下："
        )
        self.numbered(self.reasons or ["—"])
        self.labelled("设定依据", self.version.legal_basis)
        self.remedies()

    def body_termination(self) -> None:
        self.p(f"{self.application()}，本机关决定终止办理。")
        reasons = ([self.note] if self.note else []) + self.reasons
        if reasons:
            self.p("理由如下：", "plain")
            self.numbered(reasons)

    def contact(self) -> None:
        version, dept = self.version, self.case.lead_department
        phone = version.phone or dept.phone
        complaint = version.complaint_phone or dept.complaint_phone
        parts = []
        if phone:
            parts.append(f"咨询电话：{_text(phone)}")
        if complaint:
            parts.append(f"监督投诉电话：{_text(complaint)}")
        if parts:
            self.story.append(Spacer(1, 2 * mm))
            self.p("　".join(parts), "small")

    def footer(self) -> None:
        s = self.s
        signature = [
            Paragraph("（印章）", s["sign"]),
            Spacer(1, 4 * mm),
            Paragraph(_text(self.case.lead_department.name), s["sign"]),
            Paragraph(_date(self.today), s["sign"]),
        ]
        qr = [
            QRCode(progress_url(self.case)),
            Paragraph("扫码查询办理进度", s["small"]),
        ]
        table = Table([[qr, signature]], colWidths=[40 * mm, None])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                ]
            )
        )
        self.story.append(KeepTogether([Spacer(1, 8 * mm), table]))


def document_number(case: Case, kind: str) -> str:
    return f"{case.case_no}-{kind}"


def render_notice(
    case: Case,
    kind: str,
    *,
    reasons: list[str] | None = None,
    corrections: list[dict[str, Any]] | None = None,
    note: str = "",
) -> bytes:
    """One notice of ``case`` as an A4 PDF.

    ``reasons`` and ``corrections`` default to the case's own (``case.reasons``,
    ``case.corrections``); ``note`` is printed as an explanation (for a termination, as the
    first reason).
    """
    if kind not in TITLES:
        raise ValueError(f"unknown document kind {kind!r}")
    _register_font()
    today = timezone.localdate(timezone=TZ)
    story = _Notice(
        case, kind, reasons=reasons, corrections=corrections, note=note, today=today
    ).build()
    number = document_number(case, kind)

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{number}　第{doc.page}页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{TITLES[kind]} {case.case_no}",
        author=case.lead_department.name,
        subject=case.item_version.name,
        creator="OneWindow 一网通办",
        lang="zh-CN",
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def issue_document(case: Case, kind: str, **kwargs: Any) -> Document:
    """Render a notice and keep it with the case: one ``Document`` row and its file.

    Call it inside the caller's transaction (or from its ``on_commit``); it writes nothing
    else. The file is stored first, so a failed insert can leave an unreferenced file but
    never a row without its file.
    """
    event = kwargs.pop("event", None)
    pdf = render_notice(case, kind, **kwargs)
    document = Document(case=case, kind=kind, event=event, sha256=hashlib.sha256(pdf).hexdigest())
    document.file.save(f"{case.case_no}-{kind}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
