"""The demo duty list (责任清单): six typical duties for every power item of a department.

Articles of the Administrative Licensing Law are cited only where the factsheet verifies them
(第三十二条 acceptance, 第四十二条 time limits, 第四十四条 delivery, 第四十五条 time not counted,
第五十条 renewal); the liability articles are cited in general terms.
"""

from __future__ import annotations

from onewindow.catalog.models import POWER_TYPES

from .items_data import LICENSING, LICENSING_LAW, WORKDAY, ItemSpec

LICENSING_ACCOUNTABILITY = (
    "因不履行或者不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应当承担相应责任：\n"
    "1. 对符合法定条件的申请不予受理的；\n"
    "2. 不在办公场所公示依法应当公示的材料的；\n"
    "3. 申请材料不齐全、不符合法定形式，不一次告知申请人必须补正的全部内容的；\n"
    "4. 对不符合法定条件的申请人准予许可或者超越法定职权作出准予许可决定的；\n"
    "5. 对符合法定条件的申请人不予许可或者不在法定期限内作出准予许可决定的；\n"
    "6. 违法收取费用，或者索取、收受他人财物、谋取其他利益的；\n"
    "7. 不依法履行监督职责或者监督不力，造成严重后果的；\n"
    "8. 其他违反法律法规规章规定的行为。\n"
    "依照《中华人民共和国行政许可法》法律责任章的有关规定追究责任。"
)

GENERAL_ACCOUNTABILITY = (
    "因不履行或者不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应当承担相应责任：\n"
    "1. 对符合条件的申请不予受理、不予办理或者无故拖延的；\n"
    "2. 对不符合条件的申请予以办理的；\n"
    "3. 未一次告知申请人需要补正的全部内容的；\n"
    "4. 违法收取费用，或者索取、收受他人财物、谋取其他利益的；\n"
    "5. 泄露办理过程中知悉的个人信息、商业秘密的；\n"
    "6. 其他违反法律法规规章规定的行为。\n"
    "依照有关法律法规和监察、公务员处分的规定追究责任。"
)


def _first_basis(spec: ItemSpec) -> str:
    """The item's first legal source, without its list number."""
    first = spec.legal_basis.split("\n", 1)[0].strip()
    if len(first) > 2 and first[0].isdigit() and first[1] == ".":
        first = first[2:].strip()
    return first.rstrip("；;。")


def limit_text(spec: ItemSpec) -> str:
    if spec.statutory_days is None:
        limit = "法律法规未规定办理时限"
    else:
        unit = "个工作日" if spec.statutory_unit == WORKDAY else "日"
        limit = f"法定办结时限{spec.statutory_days}{unit}"
    if spec.statutory_note:
        limit = f"{limit}（{spec.statutory_note}）"
    if spec.promised_days:
        return f"{limit}，承诺办结时限{spec.promised_days}个工作日"
    return f"{limit}，即办"


def duties_for(spec: ItemSpec) -> list[dict[str, str]]:
    """Six duty entries for a power item; none for a public service."""
    if spec.item_type not in POWER_TYPES:
        return []
    basis = _first_basis(spec)
    if spec.item_type == LICENSING:
        rows = [
            (
                "受理责任",
                "公示依法应当提交的材料目录和申请书示范文本；申请材料齐全、符合法定形式的予以受理；"
                "材料不齐全或者不符合法定形式的，当场或者在5日内一次告知申请人需要补正的全部内容；"
                "不予受理的，出具加盖印章并注明日期的书面凭证，说明理由。",
                f"{LICENSING_LAW}第三十二条；{basis}",
            ),
            (
                "审查责任",
                "对申请材料进行审查；需要核实申请材料实质内容的，组织现场核查；依法需要听证、检验、检测、"
                "鉴定或者专家评审的，书面告知申请人所需时间（不计入办理期限）；提出审查意见。",
                f"{LICENSING_LAW}第四十五条；{basis}",
            ),
            (
                "决定责任",
                f"在法定期限内作出准予或者不予许可的书面决定；{limit_text(spec)}。"
                "不予许可的，说明理由，并告知申请人享有依法申请行政复议或者提起行政诉讼的权利。",
                f"{LICENSING_LAW}第四十二条；{basis}",
            ),
            (
                "送达责任",
                f"准予许可的，自作出决定之日起10日内颁发、送达《{spec.result_name}》，"
                "可选择窗口领取、邮寄或者网上送达，并依法公开许可结果。",
                f"{LICENSING_LAW}第四十四条",
            ),
            (
                "事后监管责任",
                "建立健全监督检查制度，对被许可人从事许可事项的活动进行监督检查，依法查处违法行为；"
                "被许可人申请延续的，在有效期届满前作出是否准予延续的决定。",
                f"{LICENSING_LAW}第五十条；{basis}",
            ),
            ("其他法定责任", "法律法规规章规定应当履行的其他责任。", spec.legal_basis),
        ]
        accountability = LICENSING_ACCOUNTABILITY
    else:
        rows = [
            (
                "受理责任",
                "公示办理条件、申请材料和办理流程；材料齐全、符合规定的予以受理；"
                "材料不齐全的，一次告知申请人需要补正的全部内容；不予受理的，说明理由。",
                basis,
            ),
            (
                "审查责任",
                "审查申请材料，能够通过数据共享获取的信息不再要求申请人提交；需要核实的，依法核查。",
                basis,
            ),
            ("决定责任", f"依法作出办理决定；{limit_text(spec)}。不予办理的，说明理由。", basis),
            (
                "送达责任",
                f"及时将办理结果（{spec.result_name}）送达申请人，可选择窗口领取、邮寄或者网上送达。",
                basis,
            ),
            ("事后监管责任", "依法开展事后核查和监督检查，发现问题及时纠正。", basis),
            ("其他法定责任", "法律法规规章规定应当履行的其他责任。", spec.legal_basis),
        ]
        accountability = GENERAL_ACCOUNTABILITY
    return [
        {"title": title, "content": content, "basis": row_basis, "accountability": accountability}
        for title, content, row_basis in rows
    ]
