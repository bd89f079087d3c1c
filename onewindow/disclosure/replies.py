"""Reply types of a request on application and the reasons each one needs.

The seven replies of art. 36 of the Regulations (2019), partial disclosure (art. 37), and the
other ways a request ends (arts. 30, 35, 38, 39), each mapped to one row of the annual report's
applications table (国办公开办函〔2021〕30号, table 三, "本年度办理结果").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Reason:
    code: str
    label: StrOrPromise
    basis: str  # the article, printed in the reply


# 不予公开 (art. 36(3)) and the withheld part of a partial disclosure (art. 37).
WITHHOLDING_REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("state_secret", _("属于国家秘密"), "第十四条"),
        Reason("prohibited_by_law", _("其他法律行政法规禁止公开"), "第十四条"),
        Reason("three_securities", _("危及“三安全一稳定”"), "第十四条"),
        Reason("third_party", _("保护第三方合法权益"), "第十五条"),
        Reason("internal_affairs", _("属于三类内部事务信息"), "第十六条第一款"),
        Reason("process_information", _("属于四类过程性信息"), "第十六条第二款"),
        Reason("enforcement_file", _("属于行政执法案卷"), "第十六条第二款"),
    )
}

# 无法提供.
UNAVAILABLE_REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("needs_creation", _("没有现成信息需要另行制作"), "第三十八条"),
        Reason("still_unclear", _("补正后申请内容仍不明确"), "第三十条"),
    )
}

# 不予处理 (art. 36(6) repeats are their own reply type).
NOT_PROCESSED_REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("petition", _("信访举报投诉类申请"), "第三十九条第一款"),
        Reason("publication", _("要求提供公开出版物"), "第三十九条第二款"),
        Reason("excessive", _("无正当理由大量反复申请"), "第三十五条"),
        Reason("confirmation", _("要求行政机关确认或重新出具已获取信息"), "第三十九条"),
    )
}

# 其他处理 (abandonment after no clarification is the request's own status).
OTHER_REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("fee_unpaid", _("申请人逾期未按收费通知要求缴纳费用"), "第四十二条"),
        Reason("other", pgettext_lazy("disclosure reason", "其他"), ""),
    )
}


@dataclass(frozen=True)
class ReplyType:
    code: str
    label: StrOrPromise
    basis: str
    reasons: dict[str, Reason] | None = None  # a reason from this list is required
    needs_note: StrOrPromise = ""  # the reply must say this (the note is required)


REPLY_TYPES: dict[str, ReplyType] = {
    t.code: t
    for t in (
        ReplyType(
            "already_public",
            _("已主动公开，告知获取方式和途径"),
            "第三十六条第（一）项",
            needs_note=_("须告知获取该政府信息的方式和途径"),
        ),
        ReplyType("disclosed", _("予以公开"), "第三十六条第（二）项"),
        ReplyType(
            "partial",
            _("部分公开"),
            "第三十七条",
            reasons=WITHHOLDING_REASONS,
        ),
        ReplyType("withheld", _("不予公开"), "第三十六条第（三）项", reasons=WITHHOLDING_REASONS),
        ReplyType("not_exist", _("经检索没有所申请公开信息"), "第三十六条第（四）项"),
        ReplyType(
            "not_responsible",
            _("不属于本机关负责公开"),
            "第三十六条第（五）项",
            needs_note=_("须说明理由；能够确定负责公开的机关的，须告知其名称和联系方式"),
        ),
        ReplyType("repeat", _("重复申请，不予重复处理"), "第三十六条第（六）项"),
        ReplyType(
            "special_procedure",
            _("依照有关法律、行政法规的规定办理"),
            "第三十六条第（七）项",
            needs_note=_("须说明对信息获取有特别规定的法律、行政法规及办理方式"),
        ),
        ReplyType(
            "unavailable", _("无法提供"), "第三十条、第三十八条", reasons=UNAVAILABLE_REASONS
        ),
        ReplyType(
            "not_processed",
            _("不予处理"),
            "第三十五条、第三十九条",
            reasons=NOT_PROCESSED_REASONS,
        ),
        ReplyType("other", _("其他处理"), "", reasons=OTHER_REASONS),
    )
}

ART_36_TYPES = (
    "already_public",
    "disclosed",
    "withheld",
    "not_exist",
    "not_responsible",
    "repeat",
    "special_procedure",
)

# The rows of the report's "本年度办理结果", in the statutory order: (key, label, level).
RESULT_ROWS: list[tuple[str, StrOrPromise, int]] = [
    ("disclosed", _("（一）予以公开"), 1),
    ("partial", _("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), 1),
    ("withheld", _("（三）不予公开"), 1),
    ("withheld.state_secret", _("1.属于国家秘密"), 2),
    ("withheld.prohibited_by_law", _("2.其他法律行政法规禁止公开"), 2),
    ("withheld.three_securities", _("3.危及“三安全一稳定”"), 2),
    ("withheld.third_party", _("4.保护第三方合法权益"), 2),
    ("withheld.internal_affairs", _("5.属于三类内部事务信息"), 2),
    ("withheld.process_information", _("6.属于四类过程性信息"), 2),
    ("withheld.enforcement_file", _("7.属于行政执法案卷"), 2),
    ("withheld.administrative_query", _("8.属于行政查询事项"), 2),
    ("unavailable", _("（四）无法提供"), 1),
    ("unavailable.not_held", _("1.本机关不掌握相关政府信息"), 2),
    ("unavailable.needs_creation", _("2.没有现成信息需要另行制作"), 2),
    ("unavailable.still_unclear", _("3.补正后申请内容仍不明确"), 2),
    ("not_processed", _("（五）不予处理"), 1),
    ("not_processed.petition", _("1.信访举报投诉类申请"), 2),
    ("not_processed.repeat", _("2.重复申请"), 2),
    ("not_processed.publication", _("3.要求提供公开出版物"), 2),
    ("not_processed.excessive", _("4.无正当理由大量反复申请"), 2),
    ("not_processed.confirmation", _("5.要求行政机关确认或重新出具已获取信息"), 2),
    ("other", _("（六）其他处理"), 1),
    (
        "other.no_clarification",
        _("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        2,
    ),
    (
        "other.fee_unpaid",
        _("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        2,
    ),
    ("other.other", _("3.其他"), 2),
]
# Leaf rows: every closed request falls in exactly one of them.
RESULT_LEAVES = [key for key, _label, _level in RESULT_ROWS if key in {"disclosed", "partial"}] + [
    key for key, _label, level in RESULT_ROWS if level == 2
]


def result_key(reply_type: str, reasons: list[str]) -> str:
    """The leaf row of the report a reply falls in. With several reasons, the first counts
    (the report counts requests, not reasons)."""
    first = reasons[0] if reasons else ""
    if reply_type in {"already_public", "disclosed"}:
        return "disclosed"
    if reply_type == "partial":
        return "partial"
    if reply_type == "withheld":
        return f"withheld.{first}"
    if reply_type == "special_procedure":
        return "withheld.administrative_query"
    if reply_type in {"not_exist", "not_responsible"}:
        return "unavailable.not_held"
    if reply_type == "unavailable":
        return f"unavailable.{first}"
    if reply_type == "repeat":
        return "not_processed.repeat"
    if reply_type == "not_processed":
        return f"not_processed.{first}"
    if reply_type == "other":
        return f"other.{first}"
    raise ValueError(f"unknown reply type {reply_type!r}")


def reason_label(reply_type: str, code: str) -> str:
    spec = REPLY_TYPES.get(reply_type)
    if spec is None or spec.reasons is None or code not in spec.reasons:
        return code
    return str(spec.reasons[code].label)
