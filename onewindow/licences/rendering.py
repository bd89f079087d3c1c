"""The licence as a PDF (ReportLab): the built-in CID font STSong-Light for Chinese (no font
files), the department's seal drawn as vectors (red ring, star, the department's name along the
arc), and a QR code to the public verification page that carries only the identifier and the
check code. Personal data is minimised: a person's ID number is masked; an organisation's
credit code is public anyway.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from onewindow.core.pdf import FONT
from onewindow.core.pdf import register_font as _register_font

SEAL_RED = colors.HexColor("#d0021b")
FRAME = colors.HexColor("#9b1c1c")
GOLD = colors.HexColor("#b08d3c")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
VERIFY_PATH = "/licences/verify/"


def verify_url(identifier: str, check_code: str) -> str:
    """The public verification page for one licence: identifier and check code, nothing else."""
    base = str(getattr(settings, "ONEWINDOW_PUBLIC_URL", "") or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}{VERIFY_PATH}?{urlencode({'licence_id': identifier, 'check_code': check_code})}"


def chinese_date(value: dt.date | None) -> str:
    if value is None:
        return "长期"
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class LicenceSheet:
    """Everything printed on a licence."""

    title: str
    identifier: str
    check_code: str
    holder_label: str
    holder_name: str
    holder_number_label: str
    holder_number: str
    fields: Sequence[tuple[str, str]]
    issued_on: dt.date
    expires_on: dt.date | None
    department: str
    seal_text: str
    version: int


# --------------------------------------------------------------------------- flowables


class QRCode(Flowable):
    """A QR code as vector rectangles: one per horizontal run of dark modules."""

    def __init__(self, data: str, size: float = 28 * mm) -> None:
        super().__init__()
        # A fixed mask pattern: choosing the best of eight is most of segno's time, and any
        # mask reads the same.
        qr = segno.make(data, error="m", micro=False, mask=0)
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
        path = canvas.beginPath()
        for y, row in enumerate(self.rows):
            x = 0
            while x < n:
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < n and row[x]:
                    x += 1
                path.rect(
                    start * module, self.size - (y + 1) * module, (x - start) * module, module
                )
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def draw_seal(canvas: Any, cx: float, cy: float, radius: float, name: str, text: str) -> None:
    """A round official seal: red ring, five-pointed star, ``name`` along the upper arc and
    ``text`` across the bottom. Drawn slightly translucent so the text under it shows."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    if hasattr(canvas, "setFillAlpha"):
        canvas.setFillAlpha(0.85)
        canvas.setStrokeAlpha(0.85)
    ring = radius * 0.06
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, radius - ring / 2, stroke=1, fill=0)
    # The star, pointing up.
    outer, inner = radius * 0.3, radius * 0.3 * 0.382
    path = canvas.beginPath()
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        r = outer if i % 2 == 0 else inner
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    # The name along the arc, upright characters facing outwards.
    chars = list(name)[:20] or [" "]
    size = min(radius * 0.26, radius * 4.2 / max(len(chars), 1))
    canvas.setFont(FONT, size)
    span = math.radians(min(250, 20 + 17 * len(chars)))
    text_radius = radius - ring - size * 0.95
    for i, char in enumerate(chars):
        fraction = 0.5 if len(chars) == 1 else i / (len(chars) - 1)
        angle = math.pi / 2 + span / 2 - fraction * span
        canvas.saveState()
        canvas.translate(cx + text_radius * math.cos(angle), cy + text_radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        canvas.drawCentredString(0, 0, char)
        canvas.restoreState()
    if text:
        small = min(radius * 0.17, radius * 1.3 / max(len(text), 1) * 1.1)
        canvas.setFont(FONT, small)
        canvas.drawCentredString(cx, cy - radius * 0.55, text)
    canvas.restoreState()


class SealBlock(Flowable):
    """The issuer's name and the date, with the seal pressed over them."""

    def __init__(self, department: str, date_text: str, seal_text: str) -> None:
        super().__init__()
        self.department = department
        self.date_text = date_text
        self.seal_text = seal_text
        self.width = 80 * mm
        self.height = 46 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, 13)
        right = self.width
        canvas.drawRightString(right, 20 * mm, f"发证机关：{self.department}")
        canvas.drawRightString(right, 12 * mm, self.date_text)
        canvas.restoreState()
        draw_seal(canvas, right - 24 * mm, 22 * mm, 21 * mm, self.department, self.seal_text)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=28, leading=38, alignment=TA_CENTER, textColor=FRAME
        ),
        "number": ParagraphStyle("number", parent=base, fontSize=9.5, alignment=TA_CENTER),
        "label": ParagraphStyle("label", parent=base, alignment=TA_RIGHT, textColor=FRAME),
        "value": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")
        ),
        "qr": ParagraphStyle("qr", parent=base, fontSize=8.5, leading=12, alignment=TA_CENTER),
    }


def _text(value: Any) -> str:
    return escape(str(value or "").strip()).replace("\n", "<br/>")


def _frame(canvas: Any, doc: Any) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(2.4)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor("#666666"))
    canvas.drawCentredString(width / 2, 17.5 * mm, f"{doc.licence_identifier}　第{doc.page}页")
    canvas.restoreState()


def render_licence(sheet: LicenceSheet) -> bytes:
    """One licence as an A4 PDF (unsigned)."""
    _register_font()
    s = _styles()
    story: list[Flowable] = [
        Spacer(1, 6 * mm),
        Paragraph(_text(sheet.title), s["title"]),
        Spacer(1, 2 * mm),
        Paragraph(f"证照编号：{_text(sheet.identifier)}", s["number"]),
        Spacer(1, 8 * mm),
    ]
    rows = [
        (sheet.holder_label, sheet.holder_name),
        (sheet.holder_number_label, sheet.holder_number),
        *sheet.fields,
        ("有效期限", f"{chinese_date(sheet.issued_on)} 至 {chinese_date(sheet.expires_on)}"),
    ]
    if sheet.version > 1:
        rows.append(("版本", f"第{sheet.version}版"))
    table = Table(
        [
            [Paragraph(_text(label), s["label"]), Paragraph(_text(value), s["value"])]
            for label, value in rows
        ],
        colWidths=[38 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d9c9a3")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story.append(table)
    qr = [
        QRCode(verify_url(sheet.identifier, sheet.check_code)),
        Paragraph("扫码查验真伪", s["qr"]),
    ]
    footer = Table(
        [[qr, SealBlock(sheet.department, chinese_date(sheet.issued_on), sheet.seal_text)]],
        colWidths=[40 * mm, None],
    )
    footer.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(
        KeepTogether(
            [
                Spacer(1, 12 * mm),
                footer,
                Spacer(1, 4 * mm),
                Paragraph(
                    "本证照由发证机关加盖电子印章（数字签名），与纸质证照具有同等效力。"
                    "可扫描二维码或登录一网通办平台“电子证照查验”核验真伪、状态和有效期；"
                    "签章后文件的任何改动都会使签名失效。",
                    s["small"],
                ),
            ]
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=26 * mm,
        rightMargin=26 * mm,
        topMargin=26 * mm,
        bottomMargin=24 * mm,
        title=f"{sheet.title} {sheet.identifier}",
        author=sheet.department,
        subject=sheet.identifier,
        keywords=sheet.identifier,
        creator="OneWindow 一网通办 电子证照",
        lang="zh-CN",
    )
    doc.licence_identifier = sheet.identifier
    doc.build(story, onFirstPage=_frame, onLaterPages=_frame)
    return buffer.getvalue()
