"""The written notices of a request on application as PDF documents.

Drawn with ReportLab and its built-in CID font STSong-Light (Chinese without font files), as
the case engine draws its notices. Each names the request number, the legal basis in the
Regulations on the Disclosure of Government Information (《中华人民共和国政府信息公开条例》)
and, for a decision, the remedies (art. 51; administrative reconsideration and litigation).
The applicant's name is masked for persons; no ID number, phone or address is printed.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer

from onewindow.core.masking import mask_name
from onewindow.core.pdf import FONT, body_style
from onewindow.core.pdf import chinese_date as _date
from onewindow.core.pdf import paragraph_text as _text

from . import replies
from .models import DisclosureRequest, RequestDocument, RequestDocumentKind, RequestEvent

REGULATIONS = "《中华人民共和国政府信息公开条例》"
REMEDIES = (
    "申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息"
    f"公开工作主管部门投诉、举报（{REGULATIONS}第五十一条），也可以自收到本答复之日起六十日内"
    "依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。"
)

# Chinese titles, fixed so a document reads the same whatever the active language.
TITLES: dict[str, str] = {
    RequestDocumentKind.RECEIPT: "政府信息公开申请登记回执",
    RequestDocumentKind.CLARIFICATION: "补正申请告知书",
    RequestDocumentKind.EXTENSION: "延期答复告知书",
    RequestDocumentKind.CONSULTATION: "征求意见函",
    RequestDocumentKind.REPLY: "政府信息公开申请答复书",
}
NUMBER_MARKS: dict[str, str] = {
    RequestDocumentKind.RECEIPT: "登",
    RequestDocumentKind.CLARIFICATION: "补",
    RequestDocumentKind.EXTENSION: "延",
    RequestDocumentKind.CONSULTATION: "征",
    RequestDocumentKind.REPLY: "答",
}


def styles() -> dict[str, ParagraphStyle]:
    base = body_style()
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "item": ParagraphStyle("item", parent=base, firstLineIndent=0, leftIndent=24),
        "agency": ParagraphStyle(
            "agency",
            parent=base,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            firstLineIndent=0,
            textColor=colors.HexColor("#b00000"),
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, firstLineIndent=0
        ),
        "number": ParagraphStyle(
            "number", parent=base, fontSize=10.5, alignment=TA_CENTER, firstLineIndent=0
        ),
        "sign": ParagraphStyle("sign", parent=base, firstLineIndent=0, alignment=TA_RIGHT),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=9, leading=12, firstLineIndent=0, spaceAfter=0
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=13, leading=22, firstLineIndent=0, spaceBefore=8
        ),
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=9,
            leading=13,
            firstLineIndent=0,
            textColor=colors.HexColor("#444444"),
        ),
    }


def document_number(request: DisclosureRequest, kind: str) -> str:
    agency = request.agency.short_name or request.agency.name
    mark = NUMBER_MARKS[kind]
    return f"{agency}依申请公开{mark}〔{request.received_on.year}〕{request.request_no}号"


def _applicant(request: DisclosureRequest) -> str:
    if request.applicant_kind == "organization":
        return request.applicant_name
    return mask_name(request.applicant_name)


class _Notice:
    def __init__(self, request: DisclosureRequest, kind: str, event: RequestEvent | None) -> None:
        self.r = request
        self.kind = kind
        self.event = event
        self.s = styles()
        self.story: list[Flowable] = []

    def p(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(text, self.s[style]))

    def application(self) -> str:
        r = self.r
        return (
            f"你（单位）于{_date(r.received_on)}向本机关提出的政府信息公开申请"
            f"（申请编号：{_text(r.request_no)}）"
        )

    def build(self) -> list[Flowable]:
        r = self.r
        self.p(_text(r.agency.name), "agency")
        self.story.append(HRFlowable(width="100%", thickness=1.5, color=colors.HexColor("#b00000")))
        self.p(TITLES[self.kind], "title")
        self.p(_text(document_number(r, self.kind)), "number")
        self.story.append(Spacer(1, 4 * mm))
        if self.kind == RequestDocumentKind.CONSULTATION:
            consultation = r.consultations.order_by("-pk").first()
            self.p(f"{_text(consultation.consultee if consultation else '')}：", "plain")
        else:
            self.p(f"{_text(_applicant(r))}：", "plain")
        getattr(self, f"body_{self.kind}")()
        contact = r.agency.phone
        if contact:
            self.p(f"联系电话：{_text(contact)}", "small")
        self.story.append(Spacer(1, 10 * mm))
        self.p("（印章）", "sign")
        self.p(_text(r.agency.name), "sign")
        self.p(_date(self.event.on if self.event else timezone.localdate()), "sign")
        return self.story

    def body_receipt(self) -> None:
        r = self.r
        self.p(
            f"本机关已收到你（单位）的政府信息公开申请，申请编号为{_text(r.request_no)}，"
            f"收到申请日期为{_date(r.received_on)}（{REGULATIONS}第三十一条）。"
        )
        self.p(
            f"本机关将自收到申请之日起20个工作日内予以答复，即不晚于{_date(r.due_date)}；"
            "需要延长答复期限的，经政府信息公开工作机构负责人同意并告知你（单位），延长的期限最长"
            f"不超过20个工作日；征求第三方或者其他机关意见所需时间不计算在上述期限内"
            f"（{REGULATIONS}第三十三条）。"
        )
        self.p("申请内容摘要：", "plain")
        self.p(_text(r.description[:500]), "item")

    def body_clarification(self) -> None:
        r = self.r
        self.p(
            f"{self.application()}，经审查，申请内容不明确。根据{REGULATIONS}第三十条的规定，"
            "现一次性告知需要补正的事项如下："
        )
        self.p(_text(r.clarification_items), "item")
        self.p(
            f"请于{_date(r.clarification_deadline)}前补正。答复期限自本机关收到补正的申请之日起计算。"
            "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"
        )

    def body_extension(self) -> None:
        r = self.r
        self.p(
            f"{self.application()}，因{_text(r.extension_reason)}，不能在规定期限内作出答复。"
            f"经本机关政府信息公开工作机构负责人同意，根据{REGULATIONS}第三十三条第二款的规定，"
            f"答复期限延长{r.extension_workdays}个工作日，至{_date(r.due_date)}。"
        )

    def body_consultation(self) -> None:
        r = self.r
        consultation = r.consultations.order_by("-pk").first()
        article = (
            "第三十四条" if consultation and consultation.kind == "other_agency" else "第三十二条"
        )
        self.p(
            f"本机关于{_date(r.received_on)}收到一项政府信息公开申请（申请编号：{_text(r.request_no)}），"
            f"所申请公开的信息涉及你方。根据{REGULATIONS}{article}的规定，现书面征求你方意见。"
            "请自收到本函之日起15个工作日内提出书面意见；逾期未提出意见的，由本机关依照条例的规定"
            "决定是否公开。"
        )
        if consultation and consultation.note:
            self.p(_text(consultation.note), "item")

    def body_reply(self) -> None:
        r = self.r
        spec = replies.REPLY_TYPES[r.reply_type]
        self.p(f"{self.application()}，本机关已收悉。经审查，现答复如下：")
        body = {
            "already_public": "你（单位）所申请公开的信息本机关已经主动公开，获取方式和途径如下：",
            "disclosed": "你（单位）所申请公开的信息属于可以公开的政府信息，本机关予以公开。",
            "partial": "你（单位）所申请公开的信息中含有不应当公开的内容，本机关对可以公开的部分"
            "予以公开，不予公开的部分及理由如下：",
            "withheld": "你（单位）所申请公开的信息属于不予公开的政府信息，本机关决定不予公开，"
            "理由如下：",
            "not_exist": "经检索，本机关没有你（单位）所申请公开的政府信息。",
            "not_responsible": "你（单位）所申请公开的信息不属于本机关负责公开，理由如下：",
            "repeat": "本机关已就你（单位）的申请作出答复，你（单位）重复申请公开相同政府信息，"
            "本机关不予重复处理。",
            "special_procedure": "你（单位）所申请公开的信息，有关法律、行政法规对信息的获取有特别"
            "规定，请依照有关法律、行政法规的规定办理：",
            "unavailable": "本机关无法提供你（单位）所申请公开的信息，理由如下：",
            "not_processed": "本机关对你（单位）的申请不予处理，理由如下：",
            "other": "本机关对你（单位）的申请作如下处理：",
        }[r.reply_type]
        self.p(body)
        for i, code in enumerate(r.reasons, 1):
            reason = spec.reasons[code] if spec.reasons else None
            label = str(reason.label) if reason else code
            basis = f"（{REGULATIONS}{reason.basis}）" if reason and reason.basis else ""
            self.p(f"{i}. {_text(label)}{_text(basis)}", "item")
        if r.reply_text:
            self.p(_text(r.reply_text), "item")
        if r.responsible_agency:
            self.p(f"负责公开该信息的机关及联系方式：{_text(r.responsible_agency)}", "item")
        if spec.basis:
            self.p(f"依据{REGULATIONS}{spec.basis}的规定，作出本答复。")
        self.p(REMEDIES)


def render(request: DisclosureRequest, kind: str, event: RequestEvent | None = None) -> bytes:
    """One notice of ``request`` as an A4 PDF."""
    if kind not in TITLES:
        raise ValueError(f"unknown document kind {kind!r}")
    story = _Notice(request, kind, event).build()
    number = document_number(request, kind)

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
        title=f"{TITLES[kind]} {request.request_no}",
        author=request.agency.name,
        creator="OneWindow 一网通办",
        lang="zh-CN",
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def issue(
    request: DisclosureRequest, kind: str, event: RequestEvent | None = None
) -> RequestDocument:
    """Render a notice and keep it with the request (the file first, then the row)."""
    pdf = render(request, kind, event)
    document = RequestDocument(
        request=request, kind=kind, event=event, sha256=hashlib.sha256(pdf).hexdigest()
    )
    document.file.save(f"{request.request_no}-{kind}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
