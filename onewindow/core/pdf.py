"""What every PDF the platform draws with ReportLab shares: the built-in CID font STSong-Light
(Chinese without font files), registered once per process with Chinese line-breaking
punctuation, dates written the Chinese way in Beijing time, escaped paragraph text, and the
body style of a notice. The case notices, the disclosure documents and the licences use it."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils import timezone
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import paragraph as rl_paragraph

FONT = "STSong-Light"
TZ = ZoneInfo("Asia/Shanghai")

# Full-width punctuation that must not start a line. ReportLab's CJK wrapping lets such a
# character hang in the margin instead, but its list lacks the Chinese comma, semicolon, colon
# and the closing book-title mark, so a line could start with "，".
_CANNOT_START = "，。、；：？！）》〉」』】〕…"

_font_lock = threading.Lock()


def register_font() -> None:
    """Register the CID font once; safe to call from any thread, any number of times."""
    if FONT in pdfmetrics.getRegisteredFontNames() and _punctuation_ready():
        return
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        if not _punctuation_ready():
            # Only ever adds characters, so other CJK paragraphs in the process can only gain.
            # Both copies: one-fragment paragraphs wrap in textsplit, the others in paragraph.
            for module in (rl_textsplit, rl_paragraph):
                missing = "".join(c for c in _CANNOT_START if c not in module.ALL_CANNOT_START)
                module.ALL_CANNOT_START += missing


def _punctuation_ready() -> bool:
    return all(
        c in module.ALL_CANNOT_START
        for module in (rl_textsplit, rl_paragraph)
        for c in _CANNOT_START
    )


def chinese_date(value: dt.date | dt.datetime | None) -> str:
    """``2025年3月4日``; a datetime is first turned into its Beijing date; "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, TZ).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def paragraph_text(value: Any) -> str:
    """Escape text for a Paragraph (which reads a small XML markup); keep line breaks."""
    return escape(str(value or "").strip()).replace("\r\n", "\n").replace("\n", "<br/>")


def body_style() -> ParagraphStyle:
    """The body text of a notice (12 pt, justified, first line indented two characters);
    the other styles of a document derive from it. Registers the font."""
    register_font()
    return ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=12,
        leading=20,
        wordWrap="CJK",
        alignment=TA_JUSTIFY,
        firstLineIndent=24,
        spaceAfter=4,
    )
