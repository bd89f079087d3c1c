"""The demo centre's service items, drawn from /work/shared/reference/items-factsheet.md.

Item codes (``ServiceItem.basic_code``, 12 characters ``[0-9A-Z]``)
---------------------------------------------------------------------
* The three items whose national codes the factsheet verifies keep them, with
  ``national_code=True``: 公司登记注册 ``000131127004``, 个体工商户登记注册 ``000131128000``,
  特种设备使用登记 ``000131011000``.
* Every other item gets a synthetic code (``national_code=False``), to be replaced when the
  national code is known::

      Z + DD + NNN + 000000
      │   │    │     └── padding to 12 characters
      │   │    └──────── the item's number in §4 of the factsheet (001–045); items that are not
      │   │              a factsheet item (e.g. the 企业开办 bundle) use 101 and up
      │   └───────────── the lead department's two-digit number (org_data.DEPARTMENTS)
      └───────────────── "Z": a platform code, not a national one

  e.g. 食品经营许可 (市场监管 01, factsheet item 1) → ``Z01001000000``.

Limits follow the factsheet: ``statutory_unit`` is "day" where the source law says 日 and
"workday" where it says 工作日; ``statutory_days`` is None where no limit exists. Facts the
factsheet marks [R] (recalled, unverified) or [P] (partly verified) are listed in
``SOURCE_NOTES`` at the end of this module; nothing here is a legal basis the factsheet does
not give. Item 35 (网络文化经营许可) is provincial and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .org_data import DEPARTMENT_NUMBERS
from .schemas import (
    COMMITMENT,
    ENTERPRISE,
    PERSON,
    PROJECT,
    Schema,
    choice,
    choices,
    date,
    form,
    id_number,
    integer,
    mobile,
    number,
    optional,
    text,
    textarea,
    uscc,
)
from .schemas import field as f

LICENSING = "licensing"
BENEFIT = "benefit"
CONFIRMATION = "confirmation"
OTHER_POWER = "other_power"
PUBLIC_SERVICE = "public_service"

DAY = "day"
WORKDAY = "workday"

PERSON_AUDIENCE = "person"
ENTERPRISE_AUDIENCE = "enterprise"
BOTH = "both"

ALL_DELIVERY = ("pickup", "mail", "online")

LICENSING_LAW = "《中华人民共和国行政许可法》"


@dataclass(frozen=True)
class StageSpec:
    name: str
    role: str  # handler | reviewer | approver
    departments: tuple[str, ...]
    days: int
    description: str = ""
    parallel: bool = False


@dataclass(frozen=True)
class ItemSpec:
    number: int
    department: str
    name: str
    item_type: str
    name_en: str
    summary: str
    audience: str
    themes: tuple[str, ...]
    windows: tuple[str, ...]
    legal_basis: str
    conditions: str
    statutory_days: int | None
    statutory_unit: str
    promised_days: int
    online_depth: int
    visits_required: int
    result_name: str
    materials: list[dict[str, Any]]
    stages: list[StageSpec]
    form_schema: Schema
    keywords: str
    statutory_note: str = ""
    result_validity: str = ""
    delivery_methods: tuple[str, ...] = ("pickup", "mail")
    fees: list[dict[str, str]] = field(default_factory=list)
    faq: list[dict[str, str]] = field(default_factory=list)
    national_code: str | None = None
    basic_name: str | None = None
    attach_forms: bool = False

    @property
    def basic_code(self) -> str:
        return self.national_code or synthetic_code(self.department, self.number)

    @property
    def handling(self) -> str:
        return "instant" if self.promised_days == 0 else "promised"


def synthetic_code(department: str, number: int) -> str:
    """The platform code of an item without a known national code (see the module docstring)."""
    if not 1 <= number <= 999:
        raise ValueError(f"item number out of range: {number}")
    return f"Z{DEPARTMENT_NUMBERS[department]:02d}{number:03d}000000"


# --- materials -------------------------------------------------------------------------------


def mat(
    name: str,
    *,
    required: bool = True,
    original: str = "original",
    copies: int = 1,
    fmt: str = "both",
    source: str = "applicant",
    basis: str = "",
    notes: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "required": required,
        "original": original,
        "copies": copies,
        "format": fmt,
        "source": source,
        "basis": basis,
        "notes": notes,
    }


def business_licence(name: str = "营业执照") -> dict[str, Any]:
    return mat(
        name,
        original="copy",
        source="licence",
        notes="已归集至电子证照库的，由系统自动调取，申请人免于提交",
    )


def identity(name: str = "申请人有效身份证件", *, original: str = "original") -> dict[str, Any]:
    return mat(
        name,
        original=original,
        source="licence",
        notes="通过实名认证或电子证照库核验的，免于提交复印件",
    )


def shared(name: str, notes: str = "通过部门间数据共享获取，申请人免于提交") -> dict[str, Any]:
    return mat(name, original="copy", fmt="electronic", source="shared", notes=notes)


def agent_papers() -> dict[str, Any]:
    return mat(
        "授权委托书及受托人有效身份证件",
        required=False,
        notes="委托他人代为办理的提供",
    )


def info(name: str, notes: str = "在线填报，无需提交纸质材料") -> dict[str, Any]:
    return mat(name, fmt="electronic", notes=notes)


# --- process templates -----------------------------------------------------------------------


def standard(
    lead: str,
    days: int,
    *,
    handle: str = "受理审查",
    handle_note: str = "审查申请材料，需要现场核查的组织核查，提出承办意见",
    review: str = "审核",
    review_note: str = "审核承办意见",
    approve: str = "审批决定",
    approve_note: str = "作出准予或者不予许可的决定",
) -> list[StageSpec]:
    """Handle → review → approve in the lead department, days split roughly 4:3:3."""
    if days <= 0:
        return []
    if days == 1:
        return [StageSpec(approve, "approver", (lead,), 1, approve_note)]
    if days == 2:
        return [
            StageSpec(handle, "handler", (lead,), 1, handle_note),
            StageSpec(approve, "approver", (lead,), 1, approve_note),
        ]
    handle_days = max(1, round(days * 0.4))
    review_days = max(1, round(days * 0.3))
    approve_days = max(1, days - handle_days - review_days)
    return [
        StageSpec(handle, "handler", (lead,), handle_days, handle_note),
        StageSpec(review, "reviewer", (lead,), review_days, review_note),
        StageSpec(approve, "approver", (lead,), approve_days, approve_note),
    ]


def joint(
    lead: str,
    partners: tuple[str, ...],
    *,
    parallel_name: str,
    parallel_note: str,
    days: tuple[int, int, int, int],
    lead_joins: bool = True,
    parallel_role: str = "reviewer",
    handle: str = "受理审查",
    handle_note: str = "一窗受理，审查申请材料并推送并联部门",
    review: str = "汇总审核",
    review_note: str = "汇总各部门意见，提出审核意见",
    approve: str = "审批决定",
    approve_note: str = "牵头部门作出决定，统一出件",
) -> list[StageSpec]:
    """Handle in the lead department, a parallel stage (并联审批), then the lead's review and
    approval. ``days`` is (handle, parallel, review, approve); a 0 leaves that stage out."""
    handle_days, parallel_days, review_days, approve_days = days
    branch = ((lead,) if lead_joins else ()) + partners
    if len(branch) < 2 or parallel_days < 1 or approve_days < 1:
        raise ValueError("a joint process needs two departments in parallel and a decision")
    stages = []
    if handle_days:
        stages.append(StageSpec(handle, "handler", (lead,), handle_days, handle_note))
    stages.append(
        StageSpec(parallel_name, parallel_role, branch, parallel_days, parallel_note, parallel=True)
    )
    if review_days:
        stages.append(StageSpec(review, "reviewer", (lead,), review_days, review_note))
    stages.append(StageSpec(approve, "approver", (lead,), approve_days, approve_note))
    return stages


def qa(question: str, answer: str) -> dict[str, str]:
    return {"q": question, "a": answer}


# --- shared form fields ----------------------------------------------------------------------

ADDRESS = f("business_address", text("经营场所地址", "填写到门牌号", max_length=200))
BUSINESS_SCOPE = f("business_scope", textarea("经营范围（经营项目）", max_length=1000))
FLOOR_AREA = f("floor_area", number("经营场所面积", "单位：平方米", unit="㎡"))
INVESTMENT = f("total_investment", number("项目总投资", "单位：万元", unit="万元"))


# --- the items -------------------------------------------------------------------------------

ITEMS: list[ItemSpec] = [
    # A. 市场准入 / 市场监管 ------------------------------------------------------------------
    ItemSpec(
        number=1,
        department="SCJG",
        name="食品经营许可",
        item_type=LICENSING,
        name_en="Food Business Licence",
        summary=(
            "在本区从事食品销售和餐饮服务活动的，应当依法取得食品经营许可。"
            "仅销售预包装食品的，向市场监管部门办理备案，无需申请许可。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-permits", "ent-health"),
        windows=("07",),
        legal_basis=(
            "1.《中华人民共和国食品安全法》第三十五条第一款：国家对食品生产经营实行许可制度。\n"
            "2.《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号，"
            "2023年12月1日起施行）。"
        ),
        conditions=(
            "1. 已依法取得营业执照等主体资格；\n"
            "2. 具有与经营的食品品种、数量相适应的经营场所和设备设施，布局和操作流程合理；\n"
            "3. 有食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等规章制度；\n"
            "4. 仅销售预包装食品的，实行备案管理，不适用本事项。"
        ),
        statutory_days=10,
        statutory_unit=WORKDAY,
        statutory_note="经本行政机关负责人批准，可延长5个工作日",
        promised_days=7,
        online_depth=3,
        visits_required=0,
        result_name="食品经营许可证",
        result_validity="5年",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("食品经营许可申请书", basis="《食品经营许可和备案管理办法》"),
            business_licence(),
            mat("与食品经营相适应的主要设备设施布局、操作流程等文件"),
            mat("食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等规章制度"),
            mat(
                "自动售货设备的产品合格证明、具体放置地点等材料",
                required=False,
                notes="利用自动售货设备从事食品销售的提供",
            ),
            agent_papers(),
        ],
        stages=standard(
            "SCJG",
            7,
            handle="受理审查及现场核查",
            handle_note="审查申请材料；需要核实实质内容的，到经营场所现场核查",
        ),
        form_schema=form(
            "食品经营许可申请",
            *ENTERPRISE,
            ADDRESS,
            f(
                "business_form",
                choice("主体业态", ["食品销售经营者", "餐饮服务经营者", "单位食堂"]),
            ),
            BUSINESS_SCOPE,
            FLOOR_AREA,
            f("food_safety_officer", text("食品安全管理人员", max_length=50)),
            COMMITMENT,
        ),
        faq=[
            qa(
                "只销售预包装食品，需要办理食品经营许可吗？",
                "不需要。仅销售预包装食品的，向所在地市场监管部门办理备案即可，无需申请食品经营许可。",
            ),
            qa(
                "食品经营许可证的有效期是多久？到期怎么办？",
                "有效期5年。需要延续的，应当在有效期届满前90个工作日至15个工作日期间提出延续申请。",
            ),
            qa(
                "申请后还会有人到店检查吗？",
                "需要对申请材料实质内容进行核实的，市场监管部门将安排人员到经营场所现场核查，"
                "请保持场所具备经营条件。",
            ),
        ],
        keywords="食品许可 餐饮许可 饭店 小吃店 超市 食品销售 食堂",
        attach_forms=True,
    ),
    ItemSpec(
        number=2,
        department="SCJG",
        name="公司登记注册（设立登记）",
        item_type=LICENSING,
        national_code="000131127004",
        basic_name="公司登记注册",
        name_en="Company Registration (Establishment)",
        summary=(
            "申请设立有限责任公司、股份有限公司，由登记机关核发营业执照。"
            "申请材料齐全、符合法定形式的当场登记；电子营业执照与纸质营业执照具有同等法律效力。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-establishment", "person-employment"),
        windows=("03", "04"),
        legal_basis=(
            "1.《中华人民共和国公司法》；\n"
            "2.《中华人民共和国市场主体登记管理条例》（国务院令第746号）第十六条、第十九条；\n"
            "3.《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）。"
        ),
        conditions=(
            "1. 申请人对提交材料的真实性、合法性和有效性负责；\n"
            "2. 公司名称、住所、注册资本、经营范围等登记事项符合法律法规规定；\n"
            "3. 属于本登记机关的登记管辖范围。"
        ),
        statutory_days=3,
        statutory_unit=WORKDAY,
        statutory_note=(
            "申请材料齐全、符合法定形式的当场登记；不能当场登记的，3个工作日内予以登记；"
            "情形复杂的，经登记机关负责人批准，可以再延长3个工作日"
        ),
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="营业执照",
        result_validity="长期（章程规定营业期限的，以营业期限为准）",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("公司登记（备案）申请书", basis="《市场主体登记管理条例》第十六条"),
            identity("股东（发起人）的主体资格文件或者自然人身份证明"),
            mat("住所（经营场所）使用相关文件", original="copy"),
            mat("公司章程"),
            mat("法定代表人、董事、监事和经理的任职文件"),
            mat(
                "指定代表或者共同委托代理人的授权委托书及其身份证件",
                required=False,
                notes="委托代理人办理的提供",
            ),
        ],
        stages=[],
        form_schema=form(
            "公司设立登记申请",
            f("company_name", text("公司名称", "已通过名称自主申报的名称")),
            f("company_type", choice("公司类型", ["有限责任公司", "股份有限公司"])),
            f("registered_capital", number("注册资本", "单位：万元人民币", unit="万元")),
            f("domicile", text("住所", "填写到门牌号", max_length=200)),
            BUSINESS_SCOPE,
            f("legal_representative", text("法定代表人姓名", max_length=50)),
            f("legal_representative_id", id_number("法定代表人公民身份号码")),
            f("contact_phone", mobile()),
            COMMITMENT,
        ),
        faq=[
            qa(
                "电子营业执照和纸质营业执照有什么区别？",
                "电子营业执照与纸质营业执照具有同等法律效力，可在网上办事时使用。",
            ),
            qa("公司的成立日期怎么确定？", "营业执照签发日期为公司成立日期。"),
            qa("办理公司设立登记收费吗？", "不收费。"),
        ],
        keywords="营业执照 开公司 公司注册 企业登记 工商登记 有限责任公司 设立登记",
        attach_forms=True,
    ),
    ItemSpec(
        number=3,
        department="SCJG",
        name="个体工商户登记注册（设立登记）",
        item_type=LICENSING,
        national_code="000131128000",
        basic_name="个体工商户登记注册",
        name_en="Individual Business Registration (Establishment)",
        summary="自然人从事个体工商业经营的，申请个体工商户设立登记，领取营业执照。",
        audience=PERSON_AUDIENCE,
        themes=("person-employment", "ent-establishment"),
        windows=("03", "04"),
        legal_basis=(
            "1.《中华人民共和国市场主体登记管理条例》（国务院令第746号）；\n"
            "2.《促进个体工商户发展条例》。"
        ),
        conditions=(
            "1. 有经营能力的自然人（家庭经营的，以主持经营者为经营者）；\n"
            "2. 有固定的经营场所；\n"
            "3. 经营项目须经批准的，已取得前置审批文件。"
        ),
        statutory_days=3,
        statutory_unit=WORKDAY,
        statutory_note=(
            "申请材料齐全、符合法定形式的当场登记；不能当场登记的，3个工作日内予以登记；"
            "情形复杂的，经登记机关负责人批准，可以再延长3个工作日"
        ),
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="营业执照",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("个体工商户登记（备案）申请书"),
            identity("经营者身份证明"),
            mat("经营场所使用相关文件", original="copy"),
            mat(
                "前置审批文件",
                required=False,
                notes="从事法律、行政法规规定须经批准的经营项目的提供",
            ),
        ],
        stages=[],
        form_schema=form(
            "个体工商户设立登记申请",
            *PERSON,
            optional("trade_name", text("个体工商户名称", "可不使用名称")),
            f("organization_form", choice("组成形式", ["个人经营", "家庭经营"])),
            ADDRESS,
            BUSINESS_SCOPE,
            COMMITMENT,
        ),
        faq=[
            qa("办理个体工商户登记收费吗？", "不收费。"),
            qa(
                "多长时间能拿到营业执照？",
                "申请材料齐全、符合法定形式的当场登记；网上申请的，审核通过后即可下载电子营业执照。",
            ),
        ],
        keywords="个体户 个体执照 小店 营业执照 摆摊",
    ),
    ItemSpec(
        number=4,
        department="SCJG",
        name="特种设备使用登记",
        item_type=LICENSING,
        national_code="000131011000",
        name_en="Registration of Special Equipment for Use",
        summary=(
            "锅炉、压力容器、电梯、起重机械、场（厂）内专用机动车辆等特种设备，"
            "应当在投入使用前或者投入使用后30日内办理使用登记。资料齐全的当场发证。"
        ),
        audience=BOTH,
        themes=("ent-permits", "ent-work-safety"),
        windows=("07",),
        legal_basis=(
            "1.《中华人民共和国特种设备安全法》第三十三条（在特种设备投入使用前或者投入使用后"
            "三十日内办理使用登记）；\n"
            "2.《特种设备使用管理规则》（TSG 08-2017）。"
        ),
        conditions=(
            "1. 特种设备已经监督检验（或定期检验）合格；\n"
            "2. 在投入使用前或者投入使用后30日内提出申请。"
        ),
        statutory_days=15,
        statutory_unit=WORKDAY,
        statutory_note="登记机关在5个工作日内作出受理或者不予受理的决定",
        promised_days=0,
        online_depth=3,
        visits_required=1,
        result_name="特种设备使用登记证",
        result_validity="无固定有效期（设备报废或转让时办理注销、变更；按期接受定期检验）",
        materials=[
            mat("特种设备使用登记表", copies=2, basis="《特种设备使用管理规则》（TSG 08-2017）"),
            business_licence("使用单位统一社会信用代码证明或者个人身份证明"),
            mat("特种设备产品合格证（含产品数据表）", original="copy"),
            mat("特种设备监督检验证明（或定期检验报告）", original="copy"),
            mat(
                "机动车行驶证或机动车登记证书",
                required=False,
                original="copy",
                notes="移动式压力容器提供行驶证；车用气瓶提供机动车登记证书",
            ),
            mat("锅炉能效证明", required=False, original="copy", notes="锅炉提供"),
        ],
        stages=[],
        form_schema=form(
            "特种设备使用登记申请",
            *ENTERPRISE,
            f(
                "equipment_category",
                choice(
                    "设备类别",
                    [
                        "锅炉",
                        "压力容器",
                        "气瓶",
                        "压力管道",
                        "电梯",
                        "起重机械",
                        "客运索道",
                        "大型游乐设施",
                        "场（厂）内专用机动车辆",
                    ],
                ),
            ),
            f("equipment_code", text("设备代码", "见产品合格证或铭牌", max_length=40)),
            f("install_address", text("设备使用地点", max_length=200)),
            f("commissioning_date", date("投入使用日期")),
        ),
        faq=[
            qa(
                "特种设备投入使用后多久内必须办理使用登记？",
                "应当在投入使用前或者投入使用后30日内办理。",
            ),
            qa(
                "使用登记证有有效期吗？",
                "使用登记证没有固定有效期；设备报废或者转让时应当办理注销或变更，设备仍须按期定期检验。",
            ),
        ],
        keywords="电梯登记 锅炉登记 叉车登记 压力容器 特种设备",
        attach_forms=True,
    ),
    ItemSpec(
        number=5,
        department="SCJG",
        name="药品经营许可（零售）",
        item_type=LICENSING,
        name_en="Drug Retail Licence",
        summary="开办药品零售企业（药店），须经县级以上地方药品监督管理部门批准，取得药品经营许可证。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-permits", "ent-health"),
        windows=("07",),
        legal_basis=(
            "1.《中华人民共和国药品管理法》第五十一条；\n2.《药品经营和使用质量监督管理办法》。"
        ),
        conditions=(
            "1. 有依法经过资格认定的药师或者其他药学技术人员；\n"
            "2. 有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；\n"
            "3. 有与所经营药品相适应的质量管理机构或者人员；\n"
            "4. 有保证药品质量的规章制度。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        statutory_note="准予许可的，自作出决定之日起5日内发给药品经营许可证",
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="药品经营许可证",
        result_validity="5年",
        materials=[
            mat("药品经营许可申请表"),
            business_licence(),
            mat("执业药师或者其他药学技术人员资格证明", original="copy"),
            mat("经营场所和仓储设施使用证明", original="copy"),
            mat("药品质量管理制度文件"),
            mat("直接接触药品人员的健康证明", original="copy"),
        ],
        stages=standard(
            "SCJG",
            10,
            handle="受理审查及现场检查",
            handle_note="审查申请材料，组织对经营场所、设施设备和人员进行现场检查",
        ),
        form_schema=form(
            "药品经营许可（零售）申请",
            *ENTERPRISE,
            ADDRESS,
            FLOOR_AREA,
            f("pharmacist_name", text("执业药师（质量负责人）姓名", max_length=50)),
            f(
                "drug_scope",
                choices("经营范围", ["处方药", "甲类非处方药", "乙类非处方药", "中药饮片"]),
            ),
            COMMITMENT,
        ),
        faq=[
            qa("药品经营许可证有效期多久？", "有效期5年，期满需要继续经营的，应当申请换证。"),
            qa(
                "只经营乙类非处方药可以当天拿证吗？",
                "对只经营乙类非处方药的零售企业，可按告知承诺方式办理，符合条件的当日发证。",
            ),
        ],
        keywords="药店 药房 药品零售 开药店",
    ),
    # B. 工程建设项目 -------------------------------------------------------------------------
    ItemSpec(
        number=6,
        department="FG",
        name="企业投资项目备案",
        item_type=OTHER_POWER,
        name_en="Filing of Enterprise Investment Projects",
        summary=(
            "不属于《政府核准的投资项目目录》的企业投资项目，通过投资项目在线审批监管平台"
            "如实填报项目信息即完成备案，并取得全生命周期唯一的项目代码。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-investment", "ent-construction"),
        windows=("13", "14"),
        legal_basis=(
            "1.《企业投资项目核准和备案管理条例》（国务院令第673号）第三条、第十三条；\n"
            "2.《企业投资项目事中事后监管办法》（国家发展改革委令第14号）第十五条。"
        ),
        conditions=(
            "1. 项目不属于《政府核准的投资项目目录》范围；\n"
            "2. 项目符合国家产业政策；\n"
            "3. 项目单位通过投资项目在线审批监管平台如实、完整填报项目信息。"
        ),
        statutory_days=None,
        statutory_unit=WORKDAY,
        statutory_note="备案机关收到全部信息即为备案；项目代码由在线平台生成",
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="项目备案证明（含项目代码）",
        result_validity=(
            "无有效期；项目自备案后2年内未开工建设或者未办理任何其他手续的，"
            "应当通过在线平台作出说明或者撤回已备案信息"
        ),
        delivery_methods=("online",),
        materials=[
            info("企业基本情况"),
            info("项目名称、建设地点、建设规模、建设内容"),
            info("项目总投资额"),
            info("项目符合产业政策的声明"),
        ],
        stages=[],
        form_schema=form(
            "企业投资项目备案",
            *ENTERPRISE,
            f("project_name", text("项目名称", max_length=200)),
            f("project_location", text("建设地点", max_length=200)),
            f("construction_content", textarea("建设规模和主要建设内容")),
            INVESTMENT,
            f("planned_start", date("计划开工时间")),
            f(
                "policy_declaration",
                choice("产业政策符合性声明", ["项目符合国家产业政策"], "勾选即视为作出声明"),
            ),
        ),
        faq=[
            qa(
                "备案需要多长时间？",
                "通过在线平台如实、完整填报项目信息后，备案机关收到全部信息即为备案，即时完成。",
            ),
            qa(
                "项目代码有什么用？",
                "项目代码是项目全生命周期的唯一标识，一项一码。办理规划、用地、环评、施工许可等后续手续"
                "统一使用该代码，并可凭代码查询办理进度和结果。",
            ),
            qa(
                "备案后两年没有开工怎么办？",
                "决定继续实施的，应当通过在线平台作出说明；不再继续实施的，应当撤回已备案信息。",
            ),
        ],
        keywords="备案 项目备案 立项 投资备案 项目代码",
    ),
    ItemSpec(
        number=7,
        department="FG",
        name="企业投资项目核准",
        item_type=LICENSING,
        name_en="Approval of Enterprise Investment Projects",
        summary=(
            "列入《政府核准的投资项目目录》、属于本级核准权限的企业投资项目，"
            "由项目单位报送项目申请书，发改部门征求规划、用地、生态环境等部门意见后作出核准决定。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-investment", "ent-construction"),
        windows=("13", "14"),
        legal_basis=(
            "1.《企业投资项目核准和备案管理条例》（国务院令第673号）第三条、第六条、第七条；\n"
            "2.《政府核准的投资项目目录》。"
        ),
        conditions=(
            "1. 项目属于《政府核准的投资项目目录》规定的本级核准权限；\n"
            "2. 已取得项目代码；\n"
            "3. 按规定编制项目申请书。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note="项目情况复杂的可以延长核准期限，延长的期限不超过40个工作日；委托评估的时间不计入核准期限",
        promised_days=15,
        online_depth=3,
        visits_required=1,
        result_name="项目核准文件",
        result_validity="2年；需要延期开工的，在期限届满30个工作日前申请延期，只能延期一次，最长不超过1年",
        materials=[
            mat(
                "项目申请书",
                basis="《企业投资项目核准和备案管理条例》第六条",
                notes="包括企业基本情况，项目情况，资源利用和生态环境影响分析，经济和社会影响分析",
            ),
            mat("规划选址、用地预审等文件", source="government", original="copy"),
            business_licence(),
        ],
        stages=joint(
            "FG",
            ("ZRZY", "STHJ"),
            days=(3, 7, 3, 2),
            parallel_name="并联征求部门意见",
            parallel_note="同步征求自然资源和规划、生态环境部门意见，部门在7个工作日内反馈",
        ),
        form_schema=form(
            "企业投资项目核准申请",
            *ENTERPRISE,
            *PROJECT,
            INVESTMENT,
            f("construction_content", textarea("建设规模和主要建设内容")),
            optional("consultant", text("项目申请书编制单位")),
        ),
        faq=[
            qa(
                "哪些项目需要核准？",
                "只有列入《政府核准的投资项目目录》的项目需要核准，其他企业投资项目实行备案。",
            ),
            qa(
                "核准文件有效期多久？",
                "2年内未开工建设需要延期的，应在期限届满30个工作日前申请延期，只能延期一次，最长1年。",
            ),
        ],
        keywords="项目核准 投资核准 核准批复",
    ),
    ItemSpec(
        number=8,
        department="STHJ",
        name="建设项目环境影响报告表审批",
        item_type=LICENSING,
        name_en="Approval of Environmental Impact Report Forms for Construction Projects",
        summary=(
            "依法应当编制环境影响报告表的建设项目，由生态环境部门审批。"
            "审批不收取任何费用；发改部门同步核验项目代码和备案信息。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-environment", "ent-construction"),
        windows=("13", "14"),
        legal_basis="《中华人民共和国环境影响评价法》第十六条、第二十二条、第二十四条。",
        conditions=(
            "1. 建设项目依法应当编制环境影响报告表；\n"
            "2. 报告表由具备相应技术能力的单位编制，内容符合有关技术规范；\n"
            "3. 项目已取得项目代码。"
        ),
        statutory_days=30,
        statutory_unit=DAY,
        statutory_note="报告书自收到之日起60日内、报告表30日内作出审批决定；登记表实行备案管理",
        promised_days=7,
        online_depth=3,
        visits_required=1,
        result_name="建设项目环境影响报告表审批意见（环评批复）",
        result_validity="自批准之日起超过5年方决定开工建设的，环境影响评价文件应当报原审批部门重新审核",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("建设项目环境影响报告表审批申请"),
            mat("建设项目环境影响报告表（全本）"),
            shared("项目代码及备案（核准）文件", "由发改部门通过投资项目在线审批监管平台共享核验"),
            mat("报告表公开版本及删除涉及国家秘密、商业秘密内容的说明", fmt="electronic"),
        ],
        stages=joint(
            "STHJ",
            ("FG",),
            days=(1, 3, 2, 1),
            parallel_name="技术审查与项目信息核验（并联）",
            parallel_note="生态环境分局组织技术审查；发改部门同步核验项目代码和备案信息",
        ),
        form_schema=form(
            "建设项目环境影响报告表审批申请",
            *ENTERPRISE,
            *PROJECT,
            f("industry", text("国民经济行业类别", max_length=100)),
            f("consultant", text("报告表编制单位名称")),
            f("consultant_credit_code", uscc("编制单位统一社会信用代码")),
        ),
        faq=[
            qa(
                "环评审批收费吗？",
                "不收费。审批部门审批、审核建设项目环境影响评价文件，不得收取任何费用。",
            ),
            qa(
                "批复后多久内必须开工？",
                "自批准之日起超过5年方决定开工建设的，环评文件应当报原审批部门重新审核，"
                "原审批部门应当自收到之日起10日内书面通知审核意见。",
            ),
            qa(
                "哪些项目只需要填报登记表？",
                "对环境影响很小、不需要进行环境影响评价的项目，填报环境影响登记表，实行备案管理，无需审批。",
            ),
        ],
        keywords="环评 环评批复 环境影响评价 报告表",
    ),
    ItemSpec(
        number=9,
        department="STHJ",
        name="排污许可",
        item_type=LICENSING,
        name_en="Pollutant Discharge Permit",
        summary=(
            "纳入排污许可管理的企业事业单位，通过全国排污许可证管理信息平台申请排污许可证。"
            "实行排污登记管理的单位只需填报排污登记表。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-environment",),
        windows=("13", "14"),
        legal_basis="《排污许可管理条例》第十二条、第十四条。",
        conditions=(
            "1. 依法取得建设项目环境影响评价文件审批意见或者办理备案；\n"
            "2. 污染防治设施、污染物排放浓度和排放量符合国家和地方规定；\n"
            "3. 自行监测方案符合规定。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        statutory_note="实行简化管理的20日；实行重点管理的30日；对实行重点管理的需要进行现场核查的45日",
        promised_days=8,
        online_depth=4,
        visits_required=0,
        result_name="排污许可证",
        result_validity="5年",
        delivery_methods=("online", "mail"),
        materials=[
            mat("排污许可证申请表", fmt="electronic"),
            business_licence("主体资格证明（营业执照）"),
            shared("建设项目环境影响评价审批文件或者备案文件"),
            mat("自行监测方案及执行报告（自查报告）", fmt="electronic"),
            mat("申请材料真实性承诺书", fmt="electronic"),
        ],
        stages=standard("STHJ", 8),
        form_schema=form(
            "排污许可证申请",
            *ENTERPRISE,
            f("facility_address", text("生产经营场所地址", max_length=200)),
            f("management_type", choice("管理类别", ["简化管理", "重点管理"])),
            f("industry", text("行业类别", max_length=100)),
            f("main_pollutants", textarea("主要污染物种类及排放方式")),
        ),
        faq=[
            qa(
                "排污许可证到期怎么办？",
                "有效期5年。需要延续的，应当在有效期届满60日前提出申请，审批部门在20日内完成审查。",
            ),
            qa(
                "所有排污单位都要申请排污许可证吗？",
                "不是。实行排污登记管理的单位只需填报排污登记表，不需要申请取得排污许可证。",
            ),
            qa(
                "单位名称变更了怎么办？",
                "应当自变更之日起30日内，向审批部门申请办理排污许可证变更手续。",
            ),
        ],
        keywords="排污 排污证 排污许可证",
    ),
    ItemSpec(
        number=10,
        department="ZRZY",
        name="建设用地规划许可证核发",
        item_type=LICENSING,
        name_en="Issuance of Planning Permits for Construction Land",
        summary=(
            "以划拨方式提供国有土地使用权的建设项目申请核发建设用地规划许可证；"
            "以出让方式取得的，持出让合同领取。建设用地规划许可证与建设用地批准书合并办理。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-construction", "ent-property"),
        windows=("13", "14"),
        legal_basis=(
            "1.《中华人民共和国城乡规划法》第三十七条、第三十八条；\n"
            "2. 自然资规〔2019〕2号（规划用地“多审合一、多证合一”改革），"
            "自然资函〔2024〕709号。"
        ),
        conditions=(
            "1. 建设项目已经批准、核准或者备案；\n"
            "2. 划拨用地已取得划拨决定书，出让用地已签订国有土地使用权出让合同；\n"
            "3. 使用集体土地的，已取得村民委员会书面意见。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note="城乡规划法未规定办理时限，适用《中华人民共和国行政许可法》第四十二条",
        promised_days=5,
        online_depth=3,
        visits_required=1,
        result_name="建设用地规划许可证",
        materials=[
            mat("建设用地规划许可申请表"),
            shared("建设项目批准、核准或者备案文件"),
            mat("国有土地使用权出让合同或者划拨决定书", original="copy"),
            mat("用地红线图（宗地图）"),
            mat("村民委员会书面意见", required=False, notes="使用集体土地的提供"),
        ],
        stages=standard("ZRZY", 5),
        form_schema=form(
            "建设用地规划许可申请",
            *ENTERPRISE,
            *PROJECT,
            f("land_area", number("用地面积", "单位：平方米", unit="㎡")),
            f("land_supply", choice("供地方式", ["划拨", "出让"])),
        ),
        keywords="用地规划许可 用地规划证 规划许可",
    ),
    ItemSpec(
        number=11,
        department="ZRZY",
        name="建设工程规划许可证核发",
        item_type=LICENSING,
        name_en="Issuance of Construction Project Planning Permits",
        summary=(
            "在城市、镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设的，"
            "申请办理建设工程规划许可证。由工程建设项目综合窗口受理。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-construction",),
        windows=("13", "14"),
        legal_basis="《中华人民共和国城乡规划法》第四十条、第四十四条（临时建设）。",
        conditions="1. 已依法取得土地使用权；\n2. 建设工程设计方案已经审查通过。",
        statutory_days=20,
        statutory_unit=WORKDAY,
        promised_days=2,
        online_depth=3,
        visits_required=1,
        result_name="建设工程规划许可证",
        materials=[
            mat("建设工程规划许可证申请表"),
            mat("设计方案审查合格证明"),
            mat("财政部门收费证明", original="copy"),
            mat("规划许可公告牌方案"),
            mat("土地权属证明", original="copy"),
            mat("设计方案总平面图"),
        ],
        stages=standard("ZRZY", 2),
        form_schema=form(
            "建设工程规划许可申请",
            *ENTERPRISE,
            *PROJECT,
            f("building_area", number("总建筑面积", "单位：平方米", unit="㎡")),
            f("building_count", integer("建筑物栋数", minimum=1)),
            f("temporary", choice("是否临时建设", ["否", "是"])),
        ),
        faq=[
            qa(
                "临时建设也需要办理规划许可吗？",
                "在城市、镇规划区内进行临时建设的，应当经城乡规划主管部门批准。",
            ),
            qa("在哪里提交申请？", "在中心二楼工程建设项目综合窗口提交，或通过网上办事大厅申报。"),
        ],
        keywords="规划许可证 工程规划证 规划证",
    ),
    ItemSpec(
        number=12,
        department="ZJ",
        name="建筑工程施工许可证核发",
        item_type=LICENSING,
        name_en="Issuance of Construction Permits for Building Projects",
        summary=(
            "建筑工程开工前，建设单位申请领取施工许可证。工程建设项目综合窗口一窗受理，"
            "住建部门与自然资源和规划部门并联核验规划许可和消防、人防设计审查情况。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-construction",),
        windows=("13", "14"),
        legal_basis=(
            "1.《中华人民共和国建筑法》第七条、第八条、第九条；\n"
            "2.《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）。"
        ),
        conditions=(
            "1. 已经办理该建筑工程用地批准手续；\n"
            "2. 依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；\n"
            "3. 需要拆迁的，其拆迁进度符合施工要求；\n"
            "4. 已经确定建筑施工企业；\n"
            "5. 有满足施工需要的资金安排、施工图纸及技术资料；\n"
            "6. 有保证工程质量和安全的具体措施。\n"
            "工程投资额在30万元以下或者建筑面积在300平方米以下的建筑工程，可以不申请办理施工许可证"
            "（省级住房城乡建设主管部门可以调整限额）。"
        ),
        statutory_days=7,
        statutory_unit=DAY,
        statutory_note="自收到申请之日起7日内，对符合条件的申请颁发施工许可证",
        promised_days=3,
        online_depth=3,
        visits_required=1,
        result_name="建筑工程施工许可证",
        result_validity=(
            "自领取之日起3个月内开工；因故不能按期开工的可申请延期，延期以两次为限，每次不超过3个月"
        ),
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("建筑工程施工许可申请表", basis="《建筑工程施工许可管理办法》"),
            shared("建设工程用地批准手续"),
            mat(
                "建设工程规划许可证",
                original="copy",
                source="licence",
                notes="由自然资源和规划部门并联核验，免于提交",
            ),
            mat("中标通知书或者直接发包文件", original="copy"),
            mat("建筑工程施工合同", original="copy"),
            mat("施工图设计文件审查合格书或者告知承诺书"),
            mat("建设资金安排说明及保证工程质量和安全的具体措施"),
        ],
        stages=joint(
            "ZJ",
            ("ZRZY",),
            days=(1, 1, 0, 1),
            parallel_name="并联核验",
            parallel_note="住建部门核验消防、人防设计审查和质量安全监督手续；自然资源和规划部门核验建设工程规划许可",
        ),
        form_schema=form(
            "建筑工程施工许可申请",
            *ENTERPRISE,
            *PROJECT,
            f("building_area", number("建筑面积", "单位：平方米", unit="㎡")),
            f("contract_price", number("合同价格", "单位：万元", unit="万元")),
            f("contractor_name", text("施工单位名称")),
            f("contractor_credit_code", uscc("施工单位统一社会信用代码")),
            f("planned_start", date("计划开工日期")),
        ),
        faq=[
            qa(
                "哪些工程可以不办理施工许可证？",
                "工程投资额在30万元以下或者建筑面积在300平方米以下的建筑工程，可以不申请办理施工许可证；"
                "省级住房城乡建设主管部门可以调整限额。",
            ),
            qa(
                "领证后多久必须开工？",
                "应当自领取之日起3个月内开工。因故不能按期开工的，可以申请延期，延期以两次为限，"
                "每次不超过3个月；既不开工又不申请延期或者超过延期时限的，施工许可证自行废止。",
            ),
            qa(
                "还需要分别到规划部门开证明吗？",
                "不需要。综合窗口一窗受理后，住建部门与自然资源和规划部门并联核验，申请人无需另行跑动。",
            ),
        ],
        keywords="施工许可 施工证 开工 施工许可证 建筑工程",
        attach_forms=True,
    ),
    ItemSpec(
        number=13,
        department="ZJ",
        name="特殊建设工程消防验收",
        item_type=LICENSING,
        name_en="Fire Protection Acceptance of Special Construction Projects",
        summary=(
            "特殊建设工程竣工后，建设单位申请消防验收。本中心实行竣工联合验收，"
            "住建部门的消防验收与自然资源和规划部门的规划条件核实同步进行。"
            "其他建设工程实行备案抽查。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-construction", "ent-fire-safety"),
        windows=("13", "14"),
        legal_basis=(
            "1.《中华人民共和国消防法》第十三条；\n"
            "2.《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）。"
        ),
        conditions=(
            "1. 属于特殊建设工程；\n"
            "2. 建设单位已组织竣工验收，对建设工程是否符合消防要求进行查验，查验合格；\n"
            "3. 消防设施检测合格。"
        ),
        statutory_days=15,
        statutory_unit=DAY,
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="特殊建设工程消防验收意见书",
        materials=[
            mat("消防验收申请表"),
            mat("工程竣工验收报告"),
            mat("涉及消防的建设工程竣工图纸"),
            mat("消防设施检测合格证明或查验合格材料"),
        ],
        stages=joint(
            "ZJ",
            ("ZRZY",),
            days=(2, 5, 2, 1),
            parallel_name="竣工联合验收（并联）",
            parallel_note="住建部门组织消防验收现场评定；自然资源和规划部门同步进行规划条件核实",
        ),
        form_schema=form(
            "特殊建设工程消防验收申请",
            *ENTERPRISE,
            *PROJECT,
            f("building_area", number("建筑面积", "单位：平方米", unit="㎡")),
            f("fire_design_approval_no", text("消防设计审查意见书文号", max_length=60)),
            f("completion_date", date("竣工验收日期")),
        ),
        faq=[
            qa(
                "消防验收现在由哪个部门负责？",
                "建设工程消防设计审查验收职责已由公安消防部门划转至住房和城乡建设主管部门。",
            ),
            qa(
                "不属于特殊建设工程的怎么办？",
                "其他建设工程竣工验收后实行备案，住建部门进行抽查。",
            ),
        ],
        keywords="消防验收 竣工验收 联合验收",
        attach_forms=True,
    ),
    ItemSpec(
        number=14,
        department="ZJ",
        name="城镇污水排入排水管网许可",
        item_type=LICENSING,
        name_en="Permit for Discharging Wastewater into Urban Drainage Networks",
        summary=(
            "从事工业、建筑、餐饮、医疗等活动的企业事业单位、个体工商户向城镇排水设施排放污水的，"
            "应当申请排水许可证。重点排水户实施现场核查，其他排水户抽查。"
        ),
        audience=BOTH,
        themes=("ent-construction", "ent-environment"),
        windows=("13", "14"),
        legal_basis=(
            "1.《城镇排水与污水处理条例》第二十一条；\n"
            "2.《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号，"
            "根据住房和城乡建设部令第56号修正）第六条、第七条、第十条。"
        ),
        conditions=(
            "1. 排放口设置符合城镇排水与污水处理规划要求；\n"
            "2. 按规定建设预处理设施、专用检测井；\n"
            "3. 排放的污水符合国家和地方排放标准。"
        ),
        statutory_days=15,
        statutory_unit=DAY,
        promised_days=8,
        online_depth=3,
        visits_required=0,
        result_name="城镇污水排入排水管网许可证",
        result_validity="5年；因施工作业需要排水的，不超过施工期限",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("排水许可申请表"),
            mat("排水户内部排水管网、专用检测井、雨污水排放口位置和口径的图纸及说明"),
            mat("预处理设施有关材料", required=False, notes="需要建设预处理设施的提供"),
            mat("排水隐蔽工程竣工报告，或者书面承诺"),
            mat("排水水质检测报告，或者书面承诺"),
            mat("自动监测设备有关材料", required=False, notes="列入重点排污单位名录的提供"),
        ],
        stages=standard("ZJ", 8),
        form_schema=form(
            "排水许可申请",
            *ENTERPRISE,
            f("discharge_address", text("排水地点", max_length=200)),
            f("discharge_type", choice("排水户类型", ["一般排水户", "重点排水户", "施工作业排水"])),
            f("daily_volume", number("日排水量", "单位：立方米/日", unit="m³/d")),
            f("outlet_count", integer("排放口数量", minimum=1)),
        ),
        faq=[
            qa(
                "没有水质检测报告可以申请吗？",
                "可以以书面承诺代替排水水质检测报告和排水隐蔽工程竣工报告，许可后接受核查。",
            ),
            qa("排水许可证有效期多久？", "5年；施工作业排水的，不超过施工期限。"),
        ],
        keywords="排水许可 排水证 污水接管",
    ),
    ItemSpec(
        number=15,
        department="CG",
        name="城市建筑垃圾处置核准",
        item_type=LICENSING,
        name_en="Approval of Urban Construction Waste Disposal",
        summary="处置建筑垃圾的单位，应当向城市管理部门申请核准，按核准的运输路线、时间和消纳场所处置。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-construction", "ent-environment"),
        windows=("13", "14"),
        legal_basis=(
            "1.《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；\n"
            "2.《城市建筑垃圾管理规定》（建设部令第139号）第七条。"
        ),
        conditions=(
            "符合《建设部关于纳入国务院决定的十五项行政许可的条件的规定》规定的条件："
            "有建筑垃圾分类处置方案和消纳场所，运输单位和车辆符合规定。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        promised_days=5,
        online_depth=3,
        visits_required=1,
        result_name="城市建筑垃圾处置核准文件",
        result_validity="核准的处置期限内",
        materials=[
            mat("城市建筑垃圾处置核准申请表"),
            mat("建设工程规划许可、施工许可文件", original="copy", source="licence"),
            mat("建筑垃圾处置方案（数量、运输路线、消纳场所）"),
            mat("运输单位及运输车辆清单"),
            mat("消纳场所证明", original="copy"),
        ],
        stages=standard("CG", 5),
        form_schema=form(
            "城市建筑垃圾处置核准申请",
            *ENTERPRISE,
            *PROJECT,
            f("waste_volume", number("建筑垃圾数量", "单位：立方米", unit="m³")),
            f("transport_company", text("运输单位名称")),
            f("disposal_site", text("消纳场所", max_length=200)),
            f("disposal_period_end", date("处置截止日期")),
        ),
        keywords="建筑垃圾 渣土 渣土运输 渣土处置",
    ),
    ItemSpec(
        number=16,
        department="CG",
        name="临时占用城市道路许可",
        item_type=LICENSING,
        name_en="Permit for Temporary Occupation of Urban Roads",
        summary=(
            "因特殊情况需要临时占用城市道路的，经市政工程行政主管部门和公安交通管理部门批准。"
            "本中心一窗受理，城市管理部门与公安交管部门并联审查。"
        ),
        audience=BOTH,
        themes=("ent-construction", "ent-transport"),
        windows=("25",),
        legal_basis="《城市道路管理条例》第三十条、第三十一条。",
        conditions=(
            "1. 因特殊情况需要临时占用城市道路；\n"
            "2. 影响交通安全的，须经公安交通管理部门同意（本中心并联办理）；\n"
            "3. 按照批准的位置、面积、期限占用，期满后清理现场、恢复城市道路原状。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note="《城市道路管理条例》未规定办理时限，适用《中华人民共和国行政许可法》第四十二条",
        promised_days=6,
        online_depth=3,
        visits_required=1,
        result_name="临时占用城市道路许可决定书",
        result_validity="批准的占用期限内；期满应当清理现场、恢复城市道路原状",
        materials=[
            mat("临时占用城市道路申请书"),
            mat("占用位置、面积、期限示意图"),
            identity("申请人身份证明或者营业执照", original="copy"),
            mat("安全保障措施及交通组织方案"),
            mat(
                "公安交通管理部门意见",
                required=False,
                source="government",
                notes="由公安交管部门并联出具，申请人无需自行提交",
            ),
        ],
        stages=joint(
            "CG",
            ("GA",),
            days=(2, 3, 0, 1),
            parallel_name="并联审查",
            parallel_note="城市管理部门审查对市政设施的影响；公安分局交通管理部门审查交通安全影响",
        ),
        form_schema=form(
            "临时占用城市道路申请",
            f("applicant_name", text("申请人（单位）名称")),
            f("applicant_credential", text("身份证件号码或统一社会信用代码", max_length=18)),
            f("contact_phone", mobile()),
            f("road_location", text("占用道路位置", "道路名称及起止点", max_length=200)),
            f("occupied_area", number("占用面积", "单位：平方米", unit="㎡")),
            f("start_date", date("占用开始日期")),
            f("end_date", date("占用结束日期")),
            f("purpose", textarea("占用事由", max_length=500)),
        ),
        faq=[
            qa(
                "需要分别到城管和交警部门申请吗？",
                "不需要。本中心一窗受理，城市管理部门和公安交管部门并联审查，一次出具决定。",
            ),
            qa(
                "需要缴纳城市道路占用费吗？",
                "《城市道路管理条例》规定了城市道路占用费；是否收取及收费标准以现行规定为准，受理时一次性告知。",
            ),
        ],
        keywords="占道 临时占道 占用道路 道路占用 占道施工",
    ),
    # C. 消防 / 公共卫生 / 医疗 --------------------------------------------------------------
    ItemSpec(
        number=17,
        department="XF",
        name="公众聚集场所投入使用、营业前消防安全检查",
        item_type=LICENSING,
        name_en="Fire Safety Inspection of Public Assembly Venues before Opening",
        summary=(
            "宾馆、饭店、商场、集贸市场、客运车站候车室、体育场馆、会堂、公共娱乐场所等公众聚集场所，"
            "投入使用、营业前应当申请消防安全检查。可选择告知承诺方式，1个工作日内出具检查意见书。"
            "同时申请食品经营许可、公共场所卫生许可的，本中心组织一次联合现场检查。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-fire-safety", "ent-permits"),
        windows=("19",),
        legal_basis="《中华人民共和国消防法》第十五条。",
        conditions=(
            "1. 公众聚集场所在投入使用、营业前申请；\n"
            "2. 场所所在建筑已依法通过消防验收或者备案；\n"
            "3. 消防安全制度、灭火和应急疏散预案健全，消防设施完好有效。"
        ),
        statutory_days=13,
        statutory_unit=WORKDAY,
        statutory_note=(
            "一般程序：受理之日起10个工作日内现场检查，检查之日起3个工作日内作出决定；"
            "告知承诺方式：1个工作日内出具检查意见书，20个工作日内现场核查"
        ),
        promised_days=5,
        online_depth=3,
        visits_required=0,
        result_name="公众聚集场所投入使用、营业消防安全检查意见书",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("公众聚集场所投入使用、营业消防安全检查申报表（或告知承诺书）"),
            business_licence(),
            mat("消防安全制度、灭火和应急疏散预案", notes="可在现场检查时提供"),
            mat("场所平面布置图、场所消防设施平面图", notes="可在现场检查时提供"),
            mat("法律、行政法规规定的其他材料", required=False),
        ],
        stages=joint(
            "XF",
            ("SCJG", "WJ"),
            days=(1, 3, 0, 1),
            parallel_name="联合现场检查（并联）",
            parallel_note=(
                "消防救援大队进行消防安全现场检查；场所同时申请食品经营许可、公共场所卫生许可的，"
                "市场监管、卫生健康部门同步现场核查"
            ),
        ),
        form_schema=form(
            "公众聚集场所投入使用、营业前消防安全检查申报",
            *ENTERPRISE,
            f("venue_name", text("场所名称")),
            f("venue_address", text("场所地址", max_length=200)),
            f(
                "venue_type",
                choice(
                    "场所类型",
                    [
                        "宾馆、饭店",
                        "商场、集贸市场",
                        "客运车站候车室",
                        "体育场馆、会堂",
                        "公共娱乐场所",
                        "其他",
                    ],
                ),
            ),
            f("floor_area", number("使用面积", "单位：平方米", unit="㎡")),
            f("procedure", choice("办理方式", ["一般程序", "告知承诺"])),
        ),
        faq=[
            qa(
                "什么是告知承诺方式？",
                "申请人作出场所符合消防安全要求的承诺后，消防救援机构1个工作日内出具检查意见书，"
                "并在20个工作日内进行现场核查。",
            ),
            qa(
                "哪些材料可以在现场检查时提供？",
                "申报表和营业执照通过网上或窗口提交；消防安全制度、预案和平面图可在现场检查时提供。",
            ),
            qa(
                "同时要办食品和卫生许可，现场要检查几次？",
                "本中心组织消防、市场监管、卫生健康部门一次联合现场检查，不再分别上门。",
            ),
        ],
        keywords="消防检查 开业消防检查 消防安全检查 营业前检查",
        attach_forms=True,
    ),
    ItemSpec(
        number=18,
        department="WJ",
        name="公共场所卫生许可",
        item_type=LICENSING,
        name_en="Public Place Hygiene Licence",
        summary="经营依法需要取得卫生许可的公共场所，应当申请公共场所卫生许可证。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-health", "ent-permits"),
        windows=("18",),
        legal_basis=(
            "1.《公共场所卫生管理条例》第四条、第八条；\n"
            "2.《公共场所卫生管理条例实施细则》（卫生部令第80号）。"
        ),
        conditions=(
            "1. 经营的场所属于现行规定中须取得卫生许可的公共场所；\n"
            "2. 场所布局和卫生设施符合卫生标准和要求，卫生检测或评价合格；\n"
            "3. 建立卫生管理制度。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        statutory_note="作出准予许可决定之日起10日内颁发卫生许可证",
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="公共场所卫生许可证",
        result_validity="4年，每2年复核一次",
        materials=[
            mat("公共场所卫生许可证申请表"),
            identity("法定代表人或者负责人身份证明", original="copy"),
            mat("公共场所地址方位示意图、平面图和卫生设施平面布局图"),
            mat("公共场所卫生检测或者评价报告"),
            mat("公共场所卫生管理制度"),
            mat(
                "集中空调通风系统卫生检测或者评价报告",
                required=False,
                notes="使用集中空调通风系统的提供",
            ),
        ],
        stages=standard("WJ", 10),
        form_schema=form(
            "公共场所卫生许可申请",
            *ENTERPRISE,
            f("venue_name", text("场所名称")),
            f("venue_address", text("场所地址", max_length=200)),
            f(
                "venue_category",
                choice("场所类别", ["住宿场所", "沐浴场所", "美容美发场所", "游泳场所", "其他"]),
            ),
            f("floor_area", number("营业面积", "单位：平方米", unit="㎡")),
            f("staff_count", integer("从业人员人数", minimum=1)),
            f("central_air_conditioning", choice("是否使用集中空调通风系统", ["否", "是"])),
        ),
        faq=[
            qa("卫生许可证有效期多久？", "4年，每2年复核一次。"),
            qa("办理卫生许可收费吗？", "不收费。"),
        ],
        keywords="卫生许可 卫生许可证 公共场所卫生 宾馆 美容美发",
    ),
    ItemSpec(
        number=19,
        department="WJ",
        name="医疗机构执业登记",
        item_type=LICENSING,
        name_en="Practice Registration of Medical Institutions",
        summary=(
            "医疗机构执业，必须进行登记，领取《医疗机构执业许可证》。"
            "诊所实行备案管理，向卫生健康部门备案后即可执业。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-health",),
        windows=("18",),
        legal_basis="《医疗机构管理条例》（根据国务院令第752号修订）第十四条。",
        conditions=(
            "1. 按规定需要取得设置医疗机构批准书的，已经取得；\n"
            "2. 有与开展业务相适应的场所、设施、设备和专业卫生技术人员；\n"
            "3. 有相应的规章制度；\n"
            "4. 诊所实行备案管理，不适用本事项。"
        ),
        statutory_days=45,
        statutory_unit=DAY,
        statutory_note="自受理之日起45日内审核（含实地考察和技能测试）",
        promised_days=20,
        online_depth=3,
        visits_required=1,
        result_name="医疗机构执业许可证",
        result_validity="床位不满100张的每年校验1次；床位在100张以上的每3年校验1次",
        materials=[
            mat("医疗机构申请执业登记注册书"),
            mat("设置医疗机构批准书", required=False, original="copy", notes="按规定需要的提供"),
            mat("房屋产权证明或者使用证明", original="copy"),
            mat("医疗机构建筑设计平面图"),
            mat("验资证明或者资产评估报告"),
            mat("卫生技术人员名录及其有关资格证书、执业证书", original="copy"),
            mat("医疗机构规章制度"),
            identity("法定代表人或者主要负责人身份证明", original="copy"),
        ],
        stages=standard("WJ", 20, handle="受理审查及实地考察"),
        form_schema=form(
            "医疗机构执业登记申请",
            *ENTERPRISE,
            f("institution_name", text("医疗机构名称")),
            f(
                "institution_category",
                choice(
                    "医疗机构类别", ["医院", "门诊部", "社区卫生服务中心（站）", "卫生院", "其他"]
                ),
            ),
            f("beds", integer("床位数", minimum=0)),
            f("institution_address", text("执业地址", max_length=200)),
            f("clinical_departments", textarea("诊疗科目", max_length=500)),
        ),
        keywords="医疗机构 执业许可证 开医院 门诊部",
    ),
    ItemSpec(
        number=20,
        department="WJ",
        name="出生医学证明首次签发",
        item_type=PUBLIC_SERVICE,
        name_en="First Issue of the Medical Birth Certificate",
        summary=(
            "新生儿出生后，由助产机构签发《出生医学证明》；在医疗机构外出生的，由区卫生健康部门"
            "指定的妇幼保健机构核实后签发。出生医学证明是申报户口的重要凭证。"
        ),
        audience=PERSON_AUDIENCE,
        themes=("person-birth", "person-health"),
        windows=("15",),
        legal_basis="《中华人民共和国母婴保健法》第二十三条。",
        conditions=(
            "1. 在本区助产机构出生，或者在医疗机构外出生并经核实；\n"
            "2. 一般应在新生儿出生后1个月内申领。"
        ),
        statutory_days=None,
        statutory_unit=DAY,
        statutory_note="新生儿出生后1个月内申领",
        promised_days=0,
        online_depth=2,
        visits_required=1,
        result_name="出生医学证明",
        delivery_methods=("pickup",),
        materials=[
            mat("出生医学证明首次签发登记表"),
            identity("父母双方有效身份证件"),
            mat("结婚证", required=False, notes="按规定需要的提供"),
            agent_papers(),
            mat(
                "分娩病历或者亲子鉴定证明",
                required=False,
                notes="在医疗机构外出生或者超期申领的提供",
            ),
        ],
        stages=[],
        form_schema=form(
            "出生医学证明首次签发登记",
            f("baby_name", text("新生儿姓名", max_length=50)),
            f("baby_sex", choice("新生儿性别", ["男", "女"])),
            f("birth_date", date("出生日期")),
            f("birth_place", text("出生地点", "助产机构名称或具体地址", max_length=200)),
            f("mother_name", text("母亲姓名", max_length=50)),
            f("mother_id_number", id_number("母亲公民身份号码")),
            optional("father_name", text("父亲姓名", max_length=50)),
            optional("father_id_number", id_number("父亲公民身份号码")),
            f("contact_phone", mobile()),
        ),
        faq=[
            qa("出生医学证明收费吗？", "免费签发。"),
            qa(
                "出生医学证明有什么用？",
                "是新生儿申报户口、确定公民身份号码的重要凭证，请妥善保管。",
            ),
        ],
        keywords="出生证 出生证明 新生儿",
    ),
    ItemSpec(
        number=21,
        department="WJ",
        name="生育登记",
        item_type=PUBLIC_SERVICE,
        name_en="Birth Registration (Family Planning Services)",
        summary="夫妻可在孩子出生前或出生后，在网上或户籍地、居住地乡镇（街道）免费办理生育登记。",
        audience=PERSON_AUDIENCE,
        themes=("person-birth",),
        windows=("15",),
        legal_basis=(
            "1.《中华人民共和国人口与计划生育法》；\n"
            "2.《关于完善生育登记制度的指导意见》（国卫办人口发〔2021〕21号）。"
        ),
        conditions="夫妻双方任一方户籍地或现居住地在本区。",
        statutory_days=None,
        statutory_unit=DAY,
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="生育登记服务单（电子凭证）",
        delivery_methods=("online",),
        materials=[
            identity("夫妻双方居民身份证（或居住证）"),
            mat(
                "住院分娩记录或者出生医学证明",
                required=False,
                original="copy",
                fmt="electronic",
                notes="孩子出生后登记的提供",
            ),
        ],
        stages=[],
        form_schema=form(
            "生育登记",
            f("wife_name", text("女方姓名", max_length=50)),
            f("wife_id_number", id_number("女方公民身份号码")),
            f("husband_name", text("男方姓名", max_length=50)),
            f("husband_id_number", id_number("男方公民身份号码")),
            f("child_order", integer("本次登记子女孩次", minimum=1, maximum=9)),
            f("contact_phone", mobile()),
        ),
        faq=[
            qa("生育登记收费吗？", "实行免费登记。"),
            qa(
                "孩子出生后还能登记吗？",
                "可以。孩子出生前或出生后均可办理，出生后登记的提供出生医学证明等材料。",
            ),
        ],
        keywords="准生证 生育服务证 生育登记 怀孕登记",
    ),
    # D. 公安 / 民政 / 人社（个人事项）--------------------------------------------------------
    ItemSpec(
        number=22,
        department="GA",
        name="户口迁入登记",
        item_type=CONFIRMATION,
        name_en="Household Registration: Moving In",
        summary="因结婚、购房、就业、入学等原因迁入本区的，持迁入依据办理户口迁入登记。",
        audience=PERSON_AUDIENCE,
        themes=("person-household",),
        windows=("11",),
        legal_basis="《中华人民共和国户口登记条例》第十条、第十三条。",
        conditions=(
            "1. 符合本地落户政策（夫妻投靠、购房落户、就业落户、学生入学等）；\n"
            "2. 迁入城市的，在到达迁入地3日内申报迁入登记；迁入农村的，在10日内申报。"
        ),
        statutory_days=None,
        statutory_unit=DAY,
        statutory_note="条例规定迁入城市3日内、迁入农村10日内申报，未规定审批办理时限",
        promised_days=3,
        online_depth=2,
        visits_required=1,
        result_name="居民户口簿（户口登记）",
        materials=[
            identity("申请人居民身份证、居民户口簿"),
            mat(
                "迁入依据",
                notes="结婚证（夫妻投靠）、不动产权证书（购房落户）、劳动合同或社保缴纳证明（就业落户）、"
                "录取通知书（学生）等",
            ),
            mat("户口迁移证", required=False, notes="已开具户口迁移证的提供"),
        ],
        stages=standard(
            "GA",
            3,
            handle="受理审查",
            handle_note="审查迁入依据，核对户籍信息",
            approve="审批落户",
            approve_note="审批并办理户口登记",
        ),
        form_schema=form(
            "户口迁入登记申请",
            *PERSON,
            f(
                "reason",
                choice("迁入原因", ["夫妻投靠", "购房落户", "就业落户", "学生入学", "其他"]),
            ),
            f("from_address", text("迁出地户籍地址", max_length=200)),
            f("to_address", text("迁入地址", max_length=200)),
            f("persons", integer("随迁人数", minimum=1, maximum=20)),
        ),
        faq=[
            qa(
                "跨省迁移还需要回原籍开迁移证吗？",
                "已纳入户口迁移“跨省通办”的，可在迁入地一次申请，无需回迁出地开具户口迁移证。",
            ),
            qa("办理户口迁移收费吗？", "不收费。"),
        ],
        keywords="户口 迁户口 落户 户口迁入 户籍",
    ),
    ItemSpec(
        number=23,
        department="GA",
        name="居民身份证申领",
        item_type=CONFIRMATION,
        name_en="Application for the Resident Identity Card",
        summary="办理居民身份证首次申领、有效期满换领、损坏换领和丢失补领；现场采集人像和指纹信息。",
        audience=PERSON_AUDIENCE,
        themes=("person-documents",),
        windows=("11",),
        legal_basis="《中华人民共和国居民身份证法》第七条、第八条、第十二条。",
        conditions=(
            "1. 年满16周岁的中国公民，应当自年满16周岁之日起3个月内申领；未满16周岁的可以申领；\n"
            "2. 证件有效期满、损坏或者丢失的，申请换领或者补领。"
        ),
        statutory_days=60,
        statutory_unit=DAY,
        statutory_note="自提交申领登记表之日起60日内发放；边远地区可以延长，但最长不超过30日",
        promised_days=15,
        online_depth=2,
        visits_required=1,
        result_name="居民身份证",
        result_validity="未满16周岁的5年；16至25周岁的10年；26至45周岁的20年；46周岁以上的长期",
        delivery_methods=("pickup", "mail"),
        fees=[
            {
                "name": "居民身份证工本费（首次申领、有效期满换领）",
                "amount": "20元/证",
                "basis": "居民身份证工本费收费标准（收费文件文号待核实）",
            },
            {
                "name": "居民身份证工本费（丢失补领、损坏换领）",
                "amount": "40元/证",
                "basis": "居民身份证工本费收费标准（收费文件文号待核实）",
            },
        ],
        materials=[
            mat("居民户口簿"),
            mat("人像信息", fmt="electronic", notes="窗口现场采集"),
            mat("指纹信息", fmt="electronic", notes="窗口现场采集"),
            mat("居民身份证申领登记表", notes="窗口现场填写"),
            mat("原居民身份证", required=False, notes="换领的提供"),
        ],
        stages=standard(
            "GA",
            15,
            handle="受理采集",
            handle_note="采集人像、指纹信息，审核户籍信息",
            review="审核制证",
            review_note="审核申领信息并报送制证",
            approve="签发",
            approve_note="签发并通知领取或邮寄",
        ),
        form_schema=form(
            "居民身份证申领",
            f("applicant_name", text("申请人姓名", max_length=50)),
            f("applicant_id_number", id_number()),
            f("contact_phone", mobile()),
            f(
                "apply_type",
                choice("申领类型", ["首次申领", "有效期满换领", "损坏换领", "丢失补领"]),
            ),
            f("delivery", choice("领取方式", ["窗口领取", "邮寄送达"])),
            optional("mail_address", text("邮寄地址", max_length=200)),
        ),
        faq=[
            qa(
                "急用身份证怎么办？",
                "可申请临时居民身份证，一般3日内领取；也可申请加急制证。",
            ),
            qa(
                "身份证有效期怎么确定？",
                "按申领时的年龄确定：未满16周岁5年，16至25周岁10年，26至45周岁20年，46周岁以上长期。",
            ),
            qa("工本费是多少？", "首次申领和有效期满换领20元；丢失补领、损坏换领40元。"),
        ],
        keywords="身份证 办身份证 换身份证 补办身份证 身份证丢了",
    ),
    ItemSpec(
        number=24,
        department="MZ",
        name="结婚登记",
        item_type=CONFIRMATION,
        name_en="Marriage Registration",
        summary="要求结婚的男女双方，共同到婚姻登记机关申请结婚登记；符合条件的当场登记，发给结婚证。",
        audience=PERSON_AUDIENCE,
        themes=("person-marriage",),
        windows=("17",),
        legal_basis=(
            "1.《中华人民共和国民法典》第一千零四十六条至第一千零四十九条；\n"
            "2.《婚姻登记条例》第四条、第七条。"
        ),
        conditions=(
            "1. 男女双方完全自愿；\n"
            "2. 男方年满22周岁，女方年满20周岁；\n"
            "3. 双方均无配偶，且没有直系血亲和三代以内旁系血亲关系；\n"
            "4. 双方共同到婚姻登记机关申请。"
        ),
        statutory_days=None,
        statutory_unit=DAY,
        statutory_note="符合结婚条件的，当场予以登记，发给结婚证",
        promised_days=0,
        online_depth=2,
        visits_required=1,
        result_name="结婚证",
        result_validity="长期",
        delivery_methods=("pickup",),
        materials=[
            mat("本人户口簿", notes="男女双方各提供"),
            identity("本人居民身份证", original="original"),
            mat(
                "本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明",
                notes="窗口现场签署",
            ),
            mat("双方近期半身免冠2寸合影照片", copies=3),
        ],
        stages=[],
        form_schema=form(
            "结婚登记预约",
            f("male_name", text("男方姓名", max_length=50)),
            f("male_id_number", id_number("男方公民身份号码")),
            f("female_name", text("女方姓名", max_length=50)),
            f("female_id_number", id_number("女方公民身份号码")),
            f("contact_phone", mobile()),
            f("appointment_date", date("预约登记日期")),
        ),
        faq=[
            qa("结婚登记收费吗？", "不收费，原结婚证工本费已取消。"),
            qa("可以一方代办吗？", "不可以。结婚登记须男女双方共同亲自到婚姻登记机关办理。"),
            qa("需要提前预约吗？", "可通过网上办事大厅预约登记日期，也可以现场办理。"),
        ],
        keywords="结婚 领证 结婚证 婚姻登记 登记结婚",
    ),
    ItemSpec(
        number=25,
        department="RS",
        name="职工参保登记",
        item_type=CONFIRMATION,
        name_en="Social Insurance Registration of Employees",
        summary=(
            "用人单位应当自用工之日起30日内为职工办理社会保险登记。职工参保登记即时办理；"
            "新设立企业的单位参保登记在企业开办环节同步办理。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-hr", "person-social-security"),
        windows=("16", "03", "04"),
        legal_basis="《中华人民共和国社会保险法》第五十七条、第五十八条。",
        conditions=("1. 用人单位已办理单位社会保险登记；\n2. 自用工之日起30日内为职工申请办理。"),
        statutory_days=15,
        statutory_unit=DAY,
        statutory_note="单位参保登记：社会保险经办机构自收到申请之日起15日内审核；职工参保登记即时办理",
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="社会保险参保登记记录",
        delivery_methods=("online",),
        materials=[
            mat("社会保险参保登记表（职工增员表）", fmt="electronic"),
            business_licence(),
            identity("职工居民身份证"),
            mat("劳动合同", required=False, original="copy", notes="按规定需要的提供"),
        ],
        stages=[],
        form_schema=form(
            "职工参保登记",
            *ENTERPRISE,
            f("employee_name", text("职工姓名", max_length=50)),
            f("employee_id_number", id_number("职工公民身份号码")),
            f("hire_date", date("用工日期")),
            f(
                "insurance_types",
                choices(
                    "参保险种", ["企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险"]
                ),
            ),
        ),
        faq=[
            qa("职工的社会保障号码是什么？", "个人社会保障号码为其公民身份号码。"),
            qa(
                "新招职工多久内要办理参保？",
                "用人单位应当自用工之日起30日内为职工申请办理社会保险登记。",
            ),
        ],
        keywords="社保 参保 社保登记 社会保险 增员",
    ),
    ItemSpec(
        number=26,
        department="RS",
        name="社会保障卡申领",
        item_type=PUBLIC_SERVICE,
        name_en="Application for the Social Security Card",
        summary="参保人员可在即时制卡网点当场领取社会保障卡，也可网上申领、邮寄到家。",
        audience=PERSON_AUDIENCE,
        themes=("person-social-security",),
        windows=("16",),
        legal_basis="1.《中华人民共和国社会保险法》第五十八条；\n2.《社会保障卡管理办法》。",
        conditions="已参加社会保险或者已有社会保障号码的人员。",
        statutory_days=None,
        statutory_unit=WORKDAY,
        statutory_note="即时制卡网点当场领取；网上申领邮寄的，一般15个工作日内送达",
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="社会保障卡（实体卡）及电子社保卡",
        delivery_methods=("pickup", "mail"),
        materials=[
            identity("有效身份证件"),
            mat("近期免冠照片", fmt="electronic", notes="可现场采集或网上上传"),
            mat("监护人身份证明", required=False, notes="未成年人申领的提供"),
        ],
        stages=[],
        form_schema=form(
            "社会保障卡申领",
            *PERSON,
            f("delivery", choice("领取方式", ["即时制卡网点领取", "邮寄到家"])),
            optional("mail_address", text("邮寄地址", max_length=200)),
            optional("bank", text("选择合作银行", max_length=50)),
        ),
        faq=[
            qa("首次申领社保卡收费吗？", "首次申领、换发第三代社会保障卡免费。"),
            qa("哪里可以当场领卡？", "社会保障卡服务中心和合作银行的即时制卡网点可当场领取。"),
        ],
        keywords="社保卡 社会保障卡 办社保卡 电子社保卡",
    ),
    ItemSpec(
        number=27,
        department="RS",
        name="失业保险金申领",
        item_type=BENEFIT,
        name_en="Claim for Unemployment Insurance Benefits",
        summary="符合条件的失业人员办理失业登记后申领失业保险金，按月发放，同时代缴基本医疗保险费。",
        audience=PERSON_AUDIENCE,
        themes=("person-social-security", "person-employment"),
        windows=("16",),
        legal_basis=(
            "1.《中华人民共和国社会保险法》第四十五条、第五十条；\n"
            "2.《失业保险条例》第十四条；\n"
            "3.《失业保险金申领发放办法》。"
        ),
        conditions=(
            "1. 失业前用人单位和本人已经缴纳失业保险费满1年；\n"
            "2. 非因本人意愿中断就业；\n"
            "3. 已经进行失业登记，并有求职要求。"
        ),
        statutory_days=10,
        statutory_unit=DAY,
        statutory_note="经办机构自受理申请之日起10日内对申领者的资格进行审核认定",
        promised_days=5,
        online_depth=4,
        visits_required=0,
        result_name="失业保险金核定结果（按月发放）",
        result_validity="领取期限按累计缴费年限确定，最长12、18或24个月",
        delivery_methods=("online",),
        materials=[
            identity("居民身份证或者社会保障卡"),
            shared("终止或者解除劳动关系的证明"),
            shared("失业登记记录"),
        ],
        stages=standard("RS", 5, handle="资格初审", review="复核", approve="核定"),
        form_schema=form(
            "失业保险金申领",
            *PERSON,
            f("last_employer", text("原工作单位名称")),
            f("separation_date", date("劳动关系终止或解除日期")),
            f("bank_account", text("本人社会保障卡金融账户或银行卡号", max_length=30)),
        ),
        faq=[
            qa("失业保险金从什么时候开始计发？", "自办理失业登记之日起计算。"),
            qa(
                "失业保险金能领多久？",
                "按失业前累计缴费时间确定，最长分别为12个月、18个月或24个月。",
            ),
            qa("还需要提交离职证明吗？", "能够通过部门数据共享获取的，不再要求提交。"),
        ],
        keywords="失业金 失业保险金 失业救济 领失业金",
    ),
    ItemSpec(
        number=28,
        department="MZ",
        name="最低生活保障审核确认",
        item_type=BENEFIT,
        name_en="Approval of Minimum Living Allowance",
        summary=(
            "共同生活的家庭成员人均收入低于当地最低生活保障标准、且财产状况符合规定的家庭，"
            "可申请最低生活保障。经入户调查、信息核对、民主评议和公示后确认。"
        ),
        audience=PERSON_AUDIENCE,
        themes=("person-assistance",),
        windows=("15",),
        legal_basis=(
            "1.《社会救助暂行办法》；\n2.《最低生活保障审核确认办法》（民发〔2021〕57号）。"
        ),
        conditions=(
            "1. 共同生活的家庭成员人均收入低于当地最低生活保障标准；\n"
            "2. 家庭财产状况符合当地规定；\n"
            "3. 由共同生活家庭成员中的一人向户籍所在地或经常居住地乡镇（街道）提出申请。"
        ),
        statutory_days=30,
        statutory_unit=WORKDAY,
        statutory_note="特殊情况可延长至45个工作日；审核确认结果公示7天",
        promised_days=25,
        online_depth=3,
        visits_required=1,
        result_name="最低生活保障金（最低生活保障证）",
        result_validity="按规定定期复核",
        delivery_methods=("pickup", "online"),
        materials=[
            mat("最低生活保障申请书"),
            identity("家庭成员居民身份证、户口簿"),
            mat("家庭经济状况核对授权书", notes="共同生活家庭成员签字"),
            mat("家庭成员收入证明"),
            mat("残疾人证", required=False, original="copy", notes="有残疾人的提供"),
            mat("疾病诊断证明", required=False, original="copy", notes="有重病患者的提供"),
        ],
        stages=[
            StageSpec(
                "受理及入户调查",
                "handler",
                ("MZ",),
                10,
                "乡镇（街道）受理，入户调查，委托开展家庭经济状况信息核对",
            ),
            StageSpec(
                "民主评议及审核", "reviewer", ("MZ",), 10, "组织民主评议，提出审核意见并公示7天"
            ),
            StageSpec("审批确认", "approver", ("MZ",), 5, "民政局确认，自批准次月起发放低保金"),
        ],
        form_schema=form(
            "最低生活保障申请",
            *PERSON,
            f("household_size", integer("共同生活家庭成员人数", minimum=1, maximum=20)),
            f("monthly_income", number("家庭月总收入", "单位：元", unit="元")),
            f("address", text("现居住地址", max_length=200)),
            f("reason", textarea("申请理由", max_length=1000)),
            COMMITMENT,
        ),
        faq=[
            qa("从什么时候开始发放低保金？", "自批准的次月起发放。"),
            qa(
                "审核确认要多长时间？",
                "本中心承诺自受理之日起25个工作日内办结；特殊情况可以延长。审核确认结果公示7天。",
            ),
        ],
        keywords="低保 最低生活保障 低保金 困难救助",
    ),
    ItemSpec(
        number=29,
        department="CL",
        name="残疾人证核发",
        item_type=PUBLIC_SERVICE,
        name_en="Issuance of the Disability Certificate",
        summary="残疾人经指定医疗机构评定残疾类别和等级后，由残联核发第二代残疾人证，不收取工本费。",
        audience=PERSON_AUDIENCE,
        themes=("person-disability",),
        windows=("15",),
        legal_basis=(
            "1.《中华人民共和国残疾人保障法》；\n"
            "2.《中华人民共和国残疾人证管理办法》；\n"
            "3.《残疾人残疾分类和分级》（GB/T 26341-2010）。"
        ),
        conditions="经残联指定的医疗机构评定，符合《残疾人残疾分类和分级》标准。",
        statutory_days=None,
        statutory_unit=WORKDAY,
        promised_days=15,
        online_depth=2,
        visits_required=2,
        result_name="中华人民共和国残疾人证（第二代）",
        result_validity="10年",
        materials=[
            mat("残疾人证申请表"),
            identity("居民身份证或者户口簿"),
            mat("近期2寸免冠照片", copies=2),
            mat("残疾评定结论", source="government", notes="由指定医疗机构评定后出具"),
        ],
        stages=standard(
            "CL",
            15,
            handle="受理并安排评残",
            handle_note="受理申请，开具评残通知，安排到指定医疗机构评定",
            review="审核评残结论",
            review_note="审核评定结论和申请材料",
            approve="核发",
            approve_note="核发残疾人证",
        ),
        form_schema=form(
            "残疾人证申请",
            *PERSON,
            f(
                "disability_type",
                choice(
                    "申请评定的残疾类别",
                    [
                        "视力残疾",
                        "听力残疾",
                        "言语残疾",
                        "肢体残疾",
                        "智力残疾",
                        "精神残疾",
                        "多重残疾",
                    ],
                ),
            ),
            f("address", text("现居住地址", max_length=200)),
            optional("guardian_name", text("监护人姓名", max_length=50)),
        ),
        faq=[
            qa(
                "办理残疾人证收费吗？", "不收取工本费；评残检查费用按规定由申请人承担或者享受补贴。"
            ),
            qa("对评残结论有异议怎么办？", "可以在10个工作日内提出复评申请。"),
            qa(
                "残疾人证有效期多久？",
                "第二代残疾人证有效期10年。视力残疾为红色封皮，其他类别为绿色封皮。",
            ),
        ],
        keywords="残疾证 残疾人证 评残 办残疾证",
    ),
    # E. 人力资源 / 劳动 --------------------------------------------------------------------
    ItemSpec(
        number=30,
        department="RS",
        name="人力资源服务许可",
        item_type=LICENSING,
        name_en="Human Resources Service Licence",
        summary="经营性人力资源服务机构从事职业中介活动的，应当取得人力资源服务许可证。可选择告知承诺方式办理。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-hr", "ent-permits"),
        windows=("16",),
        legal_basis=(
            "1.《人力资源市场暂行条例》（国务院令第700号）第十八条；\n"
            "2.《人力资源服务机构管理规定》（人力资源社会保障部令第50号）。"
        ),
        conditions=(
            "1. 有明确的章程和管理制度；\n"
            "2. 有开展业务必备的固定场所、办公设施和一定数额的开办资金；\n"
            "3. 有3名以上专职工作人员。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="人力资源服务许可证",
        result_validity="5年",
        materials=[
            mat("人力资源服务许可申请书"),
            business_licence(),
            mat("机构章程和管理制度"),
            mat("经营场所所有权证明或者租赁合同", original="copy"),
            mat("专职工作人员基本情况"),
        ],
        stages=standard("RS", 10),
        form_schema=form(
            "人力资源服务许可申请",
            *ENTERPRISE,
            ADDRESS,
            f("staff_count", integer("专职工作人员人数", minimum=3)),
            f("procedure", choice("办理方式", ["一般程序", "告知承诺"])),
        ),
        faq=[
            qa(
                "告知承诺方式有什么不同？",
                "申请人书面承诺符合许可条件的，可当场作出许可决定，之后进行核查。",
            ),
            qa("许可证有效期多久？", "5年。"),
        ],
        keywords="职业中介 人力资源服务 中介许可 猎头",
    ),
    ItemSpec(
        number=31,
        department="RS",
        name="劳务派遣经营许可",
        item_type=LICENSING,
        name_en="Labour Dispatch Business Licence",
        summary="经营劳务派遣业务的，应当向人力资源社会保障部门申请劳务派遣经营许可，注册资本不少于200万元。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-hr", "ent-permits"),
        windows=("16",),
        legal_basis=(
            "1.《中华人民共和国劳动合同法》第五十七条；\n"
            "2.《劳务派遣行政许可实施办法》（人力资源社会保障部令第19号）第八条、第九条、"
            "第十二条、第十三条。"
        ),
        conditions=(
            "1. 注册资本不得少于人民币200万元；\n"
            "2. 有与开展业务相适应的固定的经营场所和设施；\n"
            "3. 有符合法律、行政法规规定的劳务派遣管理制度；\n"
            "4. 法律、行政法规规定的其他条件。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note=(
            "经本行政机关负责人批准，可延长10个工作日；材料不齐全的5个工作日内一次性告知补正；"
            "准予许可的5个工作日内通知领取许可证"
        ),
        promised_days=15,
        online_depth=3,
        visits_required=1,
        result_name="劳务派遣经营许可证",
        result_validity="3年",
        materials=[
            mat("劳务派遣经营许可申请书"),
            business_licence(),
            mat("公司章程以及验资机构出具的验资报告或者财务审计报告"),
            mat("经营场所的使用证明以及与开展业务相适应的办公设施设备、信息管理系统等清单"),
            identity("法定代表人的身份证明", original="copy"),
            mat("劳务派遣管理制度及与用工单位签订的劳务派遣协议样本"),
        ],
        stages=standard("RS", 15),
        form_schema=form(
            "劳务派遣经营许可申请",
            *ENTERPRISE,
            f(
                "registered_capital",
                number("注册资本", "单位：万元，不少于200万元", minimum=200, unit="万元"),
            ),
            ADDRESS,
            f("dispatch_scope", textarea("拟派遣的主要岗位和行业", max_length=500)),
        ),
        faq=[
            qa("许可证到期如何延续？", "应当在有效期届满60日前向许可机关提出延续申请。"),
            qa("办理许可收费吗？", "不收费，许可证免费发放。"),
        ],
        keywords="劳务派遣 派遣许可 劳务公司",
    ),
    ItemSpec(
        number=32,
        department="RS",
        name="民办职业培训学校设立审批",
        item_type=LICENSING,
        name_en="Approval of Private Vocational Training Schools",
        summary="举办实施职业技能培训的民办学校，向人力资源社会保障部门申请筹设和正式设立。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-hr", "ent-permits"),
        windows=("16",),
        legal_basis="《中华人民共和国民办教育促进法》第十三条。",
        conditions=(
            "1. 举办者具备相应资格；\n"
            "2. 有规范的办学章程；\n"
            "3. 有符合要求的校长、教师和财会人员；\n"
            "4. 有与办学规模相适应的资产和办学场所。"
        ),
        statutory_days=30,
        statutory_unit=DAY,
        statutory_note="筹设申请自受理之日起30日内作出决定；正式设立申请自受理之日起3个月内作出决定",
        promised_days=20,
        online_depth=3,
        visits_required=1,
        result_name="民办学校办学许可证（正、副本）",
        materials=[
            mat("申办报告"),
            mat("办学章程"),
            mat("举办者资格证明文件", original="copy"),
            mat("拟任校长、教师、财会人员的资格证明文件", original="copy"),
            mat("资产及其来源的证明文件"),
            mat("办学场所使用证明", original="copy"),
            mat("培训项目（专业）设置及教学计划"),
        ],
        stages=standard("RS", 20, handle="受理审查及实地考察"),
        form_schema=form(
            "民办职业培训学校设立申请",
            *ENTERPRISE,
            f("school_name", text("拟设学校名称")),
            f("school_address", text("办学地址", max_length=200)),
            f("training_programs", textarea("培训项目（专业）", max_length=1000)),
            f("stage", choice("申请阶段", ["筹设", "正式设立"])),
        ),
        keywords="培训学校 职业培训 办学许可 民办学校",
    ),
    # F. 文化 / 出版 / 烟草 ------------------------------------------------------------------
    ItemSpec(
        number=33,
        department="WL",
        name="出版物零售业务经营许可",
        item_type=LICENSING,
        name_en="Publication Retail Business Licence",
        summary="单位和个体工商户从事出版物零售业务的，向出版主管部门申请许可；文化旅游窗口代为受理。",
        audience=BOTH,
        themes=("ent-culture", "ent-permits"),
        windows=("22",),
        legal_basis=(
            "1.《出版管理条例》第三十七条；\n"
            "2.《出版物市场管理规定》（国家新闻出版广电总局、商务部令第10号）。"
        ),
        conditions=(
            "1. 有确定的名称和经营范围；\n2. 有与出版物零售业务相适应的设备和固定的经营场所。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note="准予许可的，报上一级出版行政主管部门备案",
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="出版物经营许可证",
        materials=[
            mat(
                "出版物零售业务经营许可申请书",
                notes="载明单位名称、地址、法定代表人或者主要负责人等",
            ),
            mat("经营场所情况及使用权证明", original="copy"),
            identity("经营者身份证明", original="copy"),
            business_licence(),
        ],
        stages=standard("WL", 10),
        form_schema=form(
            "出版物零售业务经营许可申请",
            *ENTERPRISE,
            ADDRESS,
            FLOOR_AREA,
            f("scope", choices("经营范围", ["图书", "报纸", "期刊", "音像制品", "电子出版物"])),
        ),
        keywords="书店 出版物 卖书 出版物经营许可证",
    ),
    ItemSpec(
        number=34,
        department="WL",
        name="娱乐场所经营许可",
        item_type=LICENSING,
        name_en="Entertainment Venue Business Licence",
        summary=(
            "设立歌舞、游艺等娱乐场所，向文化和旅游部门申请娱乐经营许可证。"
            "本中心并联推送消防救援大队开展消防安全检查。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-culture", "ent-permits"),
        windows=("22",),
        legal_basis=(
            "1.《娱乐场所管理条例》（国务院令第458号）；\n"
            "2.《娱乐场所管理办法》（文化部令第55号，根据文化和旅游部令第10号修订）。"
        ),
        conditions=(
            "1. 已取得营业执照；\n"
            "2. 营业场所符合娱乐场所设置要求；\n"
            "3. 投资人、法定代表人、主要负责人无法律法规禁止的情形；\n"
            "4. 依法需要消防、卫生、环保审批的，取得相应手续。\n"
            "娱乐场所取得营业执照后，应当在15日内向所在地公安部门备案。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        statutory_note="依法举行听证的，听证所需时间不计入办理期限（行政许可法第四十五条）",
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="娱乐经营许可证",
        result_validity="2年",
        materials=[
            mat("娱乐场所经营许可申请书"),
            identity("投资人、法定代表人、主要负责人的有效身份证件", original="copy"),
            mat("投资人、法定代表人、主要负责人无犯罪记录声明"),
            mat("营业场所产权证明或者使用权证明", original="copy"),
            mat("营业场所平面图"),
            mat("娱乐设施设备清单"),
        ],
        stages=joint(
            "WL",
            ("XF",),
            days=(2, 5, 1, 2),
            parallel_name="实地检查与消防安全检查（并联）",
            parallel_note="文化和旅游部门实地检查营业场所；消防救援大队同步开展消防安全检查",
        ),
        form_schema=form(
            "娱乐场所经营许可申请",
            *ENTERPRISE,
            f("venue_name", text("场所名称")),
            f("venue_address", text("场所地址", max_length=200)),
            f("venue_type", choice("场所类型", ["歌舞娱乐场所", "游艺娱乐场所"])),
            f("floor_area", number("营业面积", "单位：平方米", unit="㎡")),
            f("rooms", integer("包厢（房间）数量", minimum=0)),
        ),
        faq=[
            qa(
                "取得许可后还需要办理什么？",
                "娱乐场所取得营业执照后，应当在15日内向所在地公安部门备案。",
            ),
            qa(
                "还需要单独申请消防检查吗？",
                "本中心在受理后并联推送消防救援大队开展消防安全检查，无需另行跑动。",
            ),
        ],
        keywords="KTV 歌舞厅 游艺厅 娱乐场所 娱乐许可证",
    ),
    ItemSpec(
        number=36,
        department="YC",
        name="烟草专卖零售许可",
        item_type=LICENSING,
        name_en="Tobacco Monopoly Retail Licence",
        summary="经营卷烟、雪茄烟零售业务的，向烟草专卖局申请烟草专卖零售许可证，需实地核查零售点布局。",
        audience=BOTH,
        themes=("ent-permits",),
        windows=("23",),
        legal_basis=(
            "1.《中华人民共和国烟草专卖法》第十六条；\n"
            "2.《烟草专卖许可证管理办法》（工业和信息化部令第37号）；\n"
            "3.《烟草专卖许可证管理办法实施细则》（国烟法〔2020〕205号）。"
        ),
        conditions=(
            "1. 有与经营烟草制品零售业务相适应的资金和固定经营场所；\n"
            "2. 符合当地烟草制品零售点合理布局的要求；\n"
            "3. 取得营业执照。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        statutory_note="经本行政机关负责人批准，可延长10日；作出准予许可决定之日起10日内发证",
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="烟草专卖零售许可证",
        result_validity="最长不超过5年",
        materials=[
            mat("烟草专卖零售许可证申请表"),
            business_licence(),
            identity("经营者身份证明", original="copy"),
            mat("经营场所产权证明或者租赁协议", original="copy"),
            mat("住所与经营场所相互独立的说明", required=False, notes="按规定需要的提供"),
        ],
        stages=standard(
            "YC",
            10,
            handle="受理及实地核查",
            handle_note="审查申请材料，实地核查经营场所和零售点合理布局",
        ),
        form_schema=form(
            "烟草专卖零售许可申请",
            f("shop_name", text("店铺名称（字号）")),
            f("credit_code", uscc()),
            f("operator_name", text("经营者姓名", max_length=50)),
            f("operator_id_number", id_number("经营者公民身份号码")),
            f("contact_phone", mobile()),
            ADDRESS,
            FLOOR_AREA,
        ),
        faq=[
            qa(
                "为什么要实地核查？",
                "需要核查经营场所是否符合当地烟草制品零售点合理布局规定，实地核查后作出决定。",
            ),
            qa("许可证有效期多久？", "最长不超过5年，到期需继续经营的应申请延续。"),
        ],
        keywords="烟草证 卖烟 烟草许可证 烟草零售",
    ),
    # G. 应急 / 农业 / 水利 / 林业 -----------------------------------------------------------
    ItemSpec(
        number=37,
        department="YJ",
        name="危险化学品经营许可（不带储存设施）",
        item_type=LICENSING,
        name_en="Hazardous Chemicals Business Licence (without Storage)",
        summary=(
            "从事不带储存设施的危险化学品经营的企业，向应急管理部门申请经营许可证。"
            "剧毒化学品、易制爆危险化学品、加油站和带储存设施的经营由市级部门许可。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-work-safety", "ent-permits"),
        windows=("20",),
        legal_basis=(
            "1.《危险化学品安全管理条例》第三十三条至第三十五条；\n"
            "2.《危险化学品经营许可证管理办法》（原国家安全生产监督管理总局令第55号）。"
        ),
        conditions=(
            "1. 不带储存设施，且不属于市级许可范围；\n"
            "2. 有符合规定的经营场所；\n"
            "3. 主要负责人、安全生产管理人员经考核合格，特种作业人员持证上岗，"
            "其他从业人员培训合格；\n"
            "4. 有健全的安全生产规章制度和岗位操作规程；\n"
            "5. 有生产安全事故应急预案。"
        ),
        statutory_days=30,
        statutory_unit=DAY,
        statutory_note="作出准予许可决定之日起10个工作日内颁发经营许可证",
        promised_days=15,
        online_depth=3,
        visits_required=1,
        result_name="危险化学品经营许可证",
        result_validity="3年",
        materials=[
            mat("危险化学品经营许可证申请文件及申请书"),
            mat("安全生产规章制度和岗位操作规程目录清单"),
            mat(
                "主要负责人、安全生产管理人员、特种作业人员资格证书和其他从业人员培训合格证明",
                original="copy",
            ),
            mat("经营场所产权证明或者租赁证明", original="copy"),
            business_licence(),
            mat("生产安全事故应急预案备案登记表", original="copy"),
        ],
        stages=standard("YJ", 15, handle="受理审查及现场核查"),
        form_schema=form(
            "危险化学品经营许可申请",
            *ENTERPRISE,
            ADDRESS,
            f("chemicals", textarea("拟经营的危险化学品品种", max_length=1000)),
            f("principal_certificate_no", text("主要负责人安全考核合格证编号", max_length=40)),
        ),
        faq=[
            qa(
                "企业名称、负责人、地址变更了怎么办？",
                "应当自变更之日起20个工作日内向发证机关提出变更申请。",
            ),
            qa(
                "经营剧毒化学品在哪里办理？",
                "剧毒、易制爆危险化学品和带储存设施的经营由市级应急管理部门许可。",
            ),
        ],
        keywords="危化品 危险化学品 危化品经营许可证",
    ),
    ItemSpec(
        number=38,
        department="NY",
        name="农药经营许可",
        item_type=LICENSING,
        name_en="Pesticide Business Licence",
        summary="经营农药（限制使用农药除外）的，向县级以上农业农村部门申请农药经营许可证。",
        audience=BOTH,
        themes=("ent-agriculture", "ent-permits"),
        windows=("21",),
        legal_basis=(
            "1.《农药管理条例》第二十四条；\n"
            "2.《农药经营许可管理办法》（农业部令2017年第5号，根据农业农村部令2018年第2号修订）第七条。"
        ),
        conditions=(
            "1. 经营人员具有农学、植保、农药等相关专业中专以上学历，"
            "或者专业教育培训机构56学时以上的学习经历；\n"
            "2. 营业场所不少于30平方米，仓储场所不少于50平方米，"
            "并与其他商品、生活区域、饮用水源有效隔离；\n"
            "3. 配备通风、消防、预防中毒等设施；\n"
            "4. 有可追溯电子信息码扫描设备和电子台账系统；\n"
            "5. 有农药经营管理制度和岗位操作规程。"
        ),
        statutory_days=20,
        statutory_unit=WORKDAY,
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="农药经营许可证",
        result_validity="5年",
        materials=[
            mat("农药经营许可证申请表"),
            business_licence(),
            mat("经营人员学历或者培训证明", original="copy"),
            mat("营业场所和仓储场所地址、面积、平面图等说明材料及照片"),
            mat("计算机管理系统、可追溯电子信息码扫描设备、安全防护设施等清单"),
            mat("农药经营管理制度和岗位操作规程"),
        ],
        stages=standard("NY", 10, handle="受理审查及现场核查"),
        form_schema=form(
            "农药经营许可申请",
            *ENTERPRISE,
            ADDRESS,
            FLOOR_AREA,
            f(
                "storage_area",
                number("仓储场所面积", "单位：平方米，不少于50平方米", minimum=50, unit="㎡"),
            ),
            f(
                "operator_training",
                choice("经营人员资质", ["相关专业中专以上学历", "56学时以上培训"]),
            ),
        ),
        faq=[
            qa(
                "经营限制使用农药在哪里办理？", "限制使用农药的经营许可由省级农业农村主管部门核发。"
            ),
        ],
        keywords="农药 农资店 农药经营许可证",
    ),
    ItemSpec(
        number=39,
        department="NY",
        name="动物防疫条件合格证核发",
        item_type=LICENSING,
        name_en="Issuance of Animal Epidemic Prevention Certificates",
        summary="开办动物饲养场、屠宰加工场所等，应当取得动物防疫条件合格证。",
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-agriculture", "ent-permits"),
        windows=("21",),
        legal_basis=(
            "1.《中华人民共和国动物防疫法》；\n"
            "2.《动物防疫条件审查办法》（农业农村部令2022年第8号）。"
        ),
        conditions="场所选址、布局、设施设备和管理制度符合《动物防疫条件审查办法》规定的动物防疫条件。",
        statutory_days=15,
        statutory_unit=WORKDAY,
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="动物防疫条件合格证",
        result_validity="无固定有效期；应当按规定每年报告动物防疫条件情况",
        materials=[
            mat("动物防疫条件审查申请表"),
            mat("场所地理位置图、各功能区布局平面图"),
            mat("设施设备清单"),
            mat("管理制度文本"),
            mat("人员情况"),
        ],
        stages=standard("NY", 10, handle="受理审查及现场核查"),
        form_schema=form(
            "动物防疫条件审查申请",
            *ENTERPRISE,
            f(
                "site_type",
                choice(
                    "场所类型",
                    [
                        "动物饲养场",
                        "动物隔离场所",
                        "动物屠宰加工场所",
                        "动物和动物产品无害化处理场所",
                    ],
                ),
            ),
            f("site_address", text("场所地址", max_length=200)),
            f("species", text("饲养或处理的动物种类", max_length=100)),
            optional("capacity", integer("设计规模（头/只）", minimum=0)),
        ),
        faq=[
            qa(
                "新版合格证什么时候启用？", "自2024年7月1日起启用新版动物防疫条件合格证和表格样式。"
            ),
        ],
        keywords="动物防疫 养殖场 防疫合格证 屠宰场",
    ),
    ItemSpec(
        number=40,
        department="SL",
        name="取水许可",
        item_type=LICENSING,
        name_en="Water Abstraction Permit",
        summary=(
            "直接从江河、湖泊或者地下取用水资源的单位和个人，应当申请取水许可证。"
            "建设项目需要取水的，须提交水资源论证报告。"
        ),
        audience=BOTH,
        themes=("ent-agriculture", "ent-construction"),
        windows=("21",),
        legal_basis=(
            "1.《中华人民共和国水法》；\n"
            "2.《取水许可和水资源费征收管理条例》（国务院令第460号，根据国务院令第676号修订）"
            "第十一条、第十二条。"
        ),
        conditions="1. 取水符合水资源规划和用水总量控制要求；\n2. 建设项目已开展水资源论证。",
        statutory_days=45,
        statutory_unit=WORKDAY,
        promised_days=20,
        online_depth=3,
        visits_required=1,
        result_name="取水许可证",
        result_validity="一般为5年，最长不超过10年；有效期届满需延续的，应当在届满45日前提出申请",
        materials=[
            mat("取水申请书", basis="《取水许可和水资源费征收管理条例》第十二条"),
            mat("与第三者利害关系的相关说明"),
            shared("建设项目的批准、核准或者备案材料"),
            mat("建设项目水资源论证报告书（表）"),
            mat(
                "项目代码",
                fmt="electronic",
                source="shared",
                notes="由投资项目在线审批监管平台共享",
            ),
        ],
        stages=standard("SL", 20, handle="受理审查及现场查勘"),
        form_schema=form(
            "取水许可申请",
            *ENTERPRISE,
            f("water_source", choice("水源类型", ["地表水", "地下水"])),
            f("intake_location", text("取水地点", max_length=200)),
            f("annual_volume", number("年取水量", "单位：万立方米", unit="万m³")),
            f("purpose", choice("取水用途", ["工业", "农业灌溉", "生活", "其他"])),
        ),
        faq=[
            qa(
                "取水需要交费吗？",
                "申请取水许可不收费；实际取水按规定缴纳水资源费（正逐步改征水资源税）。",
            ),
        ],
        keywords="取水 取水证 打井 取水许可证",
    ),
    ItemSpec(
        number=41,
        department="ZRZY",
        name="林木采伐许可证核发",
        item_type=LICENSING,
        name_en="Issuance of Tree Felling Permits",
        summary="采伐林地上的林木，应当申请林木采伐许可证，按许可证规定的地点、数量、树种、方式和期限采伐。",
        audience=BOTH,
        themes=("ent-agriculture",),
        windows=("05", "06"),
        legal_basis="《中华人民共和国森林法》第五十六条、第五十七条。",
        conditions="1. 采伐的林木权属清楚；\n2. 采伐符合采伐限额和森林经营方案。",
        statutory_days=20,
        statutory_unit=WORKDAY,
        statutory_note="适用《中华人民共和国行政许可法》第四十二条",
        promised_days=5,
        online_depth=3,
        visits_required=1,
        result_name="林木采伐许可证",
        result_validity="许可证载明的采伐期限内",
        materials=[
            mat("林木采伐申请书"),
            mat("林权证或者不动产权证书（林地）", original="copy", source="licence"),
            mat("伐区调查设计文件", required=False, notes="达到规定采伐规模的提供"),
            mat("上年度伐区更新验收证明", required=False, original="copy"),
            identity("申请人身份证明", original="copy"),
        ],
        stages=standard("ZRZY", 5, handle="受理审查及现场核查"),
        form_schema=form(
            "林木采伐许可申请",
            f("applicant_name", text("申请人（单位）名称")),
            f("applicant_credential", text("身份证件号码或统一社会信用代码", max_length=18)),
            f("contact_phone", mobile()),
            f("felling_location", text("采伐地点（林班、小班）", max_length=200)),
            f("tree_species", text("采伐树种", max_length=100)),
            f("felling_volume", number("采伐蓄积", "单位：立方米", unit="m³")),
            f("felling_method", choice("采伐方式", ["皆伐", "择伐", "渐伐", "更新采伐"])),
        ),
        keywords="砍树 采伐证 林木采伐 伐木",
    ),
    # H. 自然资源（不动产）/ 税务 --------------------------------------------------------------
    ItemSpec(
        number=42,
        department="ZRZY",
        name="不动产转移登记",
        item_type=CONFIRMATION,
        name_en="Real Estate Transfer Registration",
        summary=(
            "因买卖、赠与、继承、互换等导致不动产权利转移的，申请转移登记。"
            "不动产登记综合窗口一窗受理，税务部门（契税等）和住建部门（交易备案）并联办理。"
        ),
        audience=BOTH,
        themes=("person-housing", "ent-property"),
        windows=("10",),
        legal_basis="1.《中华人民共和国民法典》物权编；\n2.《不动产登记暂行条例》第二十条。",
        conditions=(
            "1. 不动产已依法办理首次登记，权属清楚，无查封等限制；\n"
            "2. 因买卖、赠与、继承、互换等原因导致不动产权利发生转移。"
        ),
        statutory_days=30,
        statutory_unit=WORKDAY,
        statutory_note="自受理登记申请之日起30个工作日内办结",
        promised_days=5,
        online_depth=3,
        visits_required=1,
        result_name="不动产权证书（不动产登记证明）",
        result_validity="长期",
        delivery_methods=ALL_DELIVERY,
        fees=[
            {
                "name": "不动产登记费（住宅）",
                "amount": "80元/件",
                "basis": "发改价格规〔2016〕2559号",
            },
            {
                "name": "不动产登记费（非住宅）",
                "amount": "550元/件",
                "basis": "发改价格规〔2016〕2559号",
            },
            {
                "name": "不动产登记费（车库、车位、储藏室）",
                "amount": "80元/件",
                "basis": "发改价格规〔2016〕2559号",
            },
            {
                "name": "不动产权属证书工本费",
                "amount": "每件免收第一本证书工本费，每增加一本加收10元",
                "basis": "发改价格规〔2016〕2559号",
            },
        ],
        materials=[
            mat("不动产登记申请书"),
            identity("申请人身份证明"),
            mat("不动产权属证书"),
            mat("不动产权利转移原因证明（买卖合同、赠与合同、继承证明等）"),
            mat(
                "完税凭证",
                source="government",
                original="copy",
                notes="一窗受理时由税务部门并联核验，无需另行提交",
            ),
        ],
        stages=joint(
            "ZRZY",
            ("SW", "ZJ"),
            days=(1, 2, 1, 1),
            handle="一窗受理",
            handle_note="不动产登记综合窗口受理，推送税务、住建部门",
            parallel_name="并行办理",
            parallel_note="不动产登记机构审核权属；税务部门核定征收契税等；住建部门核验存量房交易备案",
            review="登簿",
            review_note="审核通过后记载于不动产登记簿",
            approve="缮证发证",
            approve_note="缮制不动产权证书，统一出件",
        ),
        form_schema=form(
            "不动产转移登记申请",
            f("transferor_name", text("转让方（义务人）姓名或名称")),
            f(
                "transferor_credential",
                text("转让方证件号码", "身份证号码或统一社会信用代码", max_length=18),
            ),
            f("transferee_name", text("受让方（权利人）姓名或名称")),
            f(
                "transferee_credential",
                text("受让方证件号码", "身份证号码或统一社会信用代码", max_length=18),
            ),
            f("contact_phone", mobile()),
            f("property_location", text("不动产坐落", max_length=200)),
            f("certificate_no", text("原不动产权证书号", max_length=60)),
            f("reason", choice("转移原因", ["买卖", "赠与", "继承", "互换", "其他"])),
            f("usage", choice("房屋用途", ["住宅", "非住宅", "车库、车位、储藏室"])),
        ),
        faq=[
            qa(
                "登记费是多少？",
                "住宅80元/件；非住宅550元/件；车库、车位、储藏室80元/件。每件免收第一本证书工本费，"
                "每增加一本加收10元。",
            ),
            qa(
                "还需要分别到税务和住建窗口吗？",
                "不需要。不动产登记综合窗口一窗受理，税务、住建部门并行办理。",
            ),
            qa("多久能拿到新证？", "本中心承诺5个工作日内办结，可选择窗口领取或邮寄送达。"),
        ],
        keywords="过户 房产证 二手房过户 不动产 房屋过户 买房",
        attach_forms=True,
    ),
    ItemSpec(
        number=43,
        department="SW",
        name="新办纳税人涉税信息确认",
        item_type=OTHER_POWER,
        name_en="Tax Information Confirmation for New Taxpayers",
        summary=(
            "实行“多证合一”后，营业执照具有税务登记证的作用。新设立的市场主体首次办理涉税事项时，"
            "确认登记信息、财务会计制度、银行账户等涉税信息，当日办结。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-tax", "ent-establishment"),
        windows=("08", "09", "03", "04"),
        legal_basis=(
            "1.《中华人民共和国税收征收管理法》第十五条；\n"
            "2.《中华人民共和国税收征收管理法实施细则》第十二条；\n"
            "3.《税务登记管理办法》第十三条。"
        ),
        conditions="已领取营业执照的新设立市场主体，自领取营业执照之日起30日内办理。",
        statutory_days=None,
        statutory_unit=WORKDAY,
        statutory_note="《税务登记管理办法》第十三条：资料齐全的当日办理",
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="涉税信息确认结果",
        delivery_methods=("online",),
        materials=[
            business_licence(),
            identity("法定代表人、财务负责人、办税人员身份信息"),
            info("银行账户信息"),
            info("财务会计制度及核算方式"),
        ],
        stages=[],
        form_schema=form(
            "新办纳税人涉税信息确认",
            *ENTERPRISE,
            f("finance_officer", text("财务负责人", max_length=50)),
            f("tax_officer", text("办税人员", max_length=50)),
            f("tax_officer_phone", mobile("办税人员手机号码")),
            f("bank_account", text("银行基本存款账户", max_length=30)),
            f("accounting", choice("会计核算方式", ["独立核算", "非独立核算"])),
        ),
        faq=[
            qa(
                "领了营业执照还需要办税务登记证吗？",
                "不需要。实行“多证合一”后营业执照即具有税务登记证的作用，新办纳税人只需确认涉税信息。",
            ),
            qa("多久内要办理？", "自领取营业执照之日起30日内。"),
        ],
        keywords="税务登记 新办纳税人 报到 涉税信息",
    ),
    ItemSpec(
        number=44,
        department="SW",
        name="发票领用",
        item_type=OTHER_POWER,
        name_en="Obtaining Invoices",
        summary=(
            "纳税人申请核定发票种类、数量和领用方式并领用发票；使用数电发票的，由税务机关核定开票授信额度。"
            "资料齐全的当场办结，免费。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-tax",),
        windows=("08", "09"),
        legal_basis="《中华人民共和国发票管理办法》第十五条。",
        conditions="已办理涉税信息确认的纳税人。",
        statutory_days=5,
        statutory_unit=WORKDAY,
        statutory_note="税务机关确认发票种类、数量和领用方式，在5个工作日内发给发票领用簿",
        promised_days=0,
        online_depth=4,
        visits_required=0,
        result_name="发票票种核定及发票（数电发票授信额度）",
        delivery_methods=("online", "mail"),
        materials=[
            business_licence(),
            identity("经办人身份证明"),
            mat("发票专用章印模"),
            mat("发票票种核定表（纳税人领用发票票种核定表）", fmt="electronic"),
        ],
        stages=[],
        form_schema=form(
            "发票领用申请",
            *ENTERPRISE,
            f(
                "invoice_types",
                choices(
                    "申请发票种类",
                    ["数电发票（增值税专用发票）", "数电发票（普通发票）", "其他发票"],
                ),
            ),
            optional("monthly_quantity", integer("每月领用数量（份）", minimum=0)),
            f("delivery", choice("领取方式", ["网上领用", "邮寄送达"])),
        ),
        faq=[
            qa(
                "使用数电发票还需要领用纸质发票吗？",
                "使用数电发票的纳税人，由税务机关核定开票授信额度，无需领用实物发票。",
            ),
            qa("领用发票收费吗？", "免费。"),
        ],
        keywords="发票 领票 领发票 数电发票 票种核定",
    ),
    # I. 交通运输 -----------------------------------------------------------------------------
    ItemSpec(
        number=45,
        department="JT",
        name="道路货物运输经营许可（普通货物）",
        item_type=LICENSING,
        name_en="Road Freight Transport Business Licence (General Cargo)",
        summary=(
            "从事道路普通货物运输经营的，向交通运输部门申请道路运输经营许可证；"
            "使用总质量4500千克及以下普通货运车辆的，无需申请。"
        ),
        audience=BOTH,
        themes=("ent-transport", "ent-permits"),
        windows=("24",),
        legal_basis=(
            "1.《中华人民共和国道路运输条例》第二十四条；\n2.《道路货物运输及站场管理规定》第八条。"
        ),
        conditions=(
            "1. 有与经营业务相适应并经检测合格的车辆，或者承诺投入符合条件的车辆；\n"
            "2. 有符合规定条件的驾驶人员；\n"
            "3. 有健全的安全生产管理制度。\n"
            "使用总质量4500千克及以下普通货运车辆从事普通货运经营的，无需申请道路运输经营许可证和车辆营运证。"
        ),
        statutory_days=20,
        statutory_unit=DAY,
        promised_days=10,
        online_depth=3,
        visits_required=1,
        result_name="道路运输经营许可证及车辆道路运输证",
        materials=[
            mat("道路货物运输经营申请表"),
            identity("负责人身份证明；委托办理的，经办人身份证明和委托书", original="copy"),
            mat(
                "机动车辆行驶证、车辆技术等级评定结论，或者拟投入车辆承诺书",
                original="copy",
            ),
            mat("聘用或者拟聘用驾驶员的机动车驾驶证、从业资格证", original="copy"),
            mat("安全生产管理制度文本"),
        ],
        stages=standard("JT", 10),
        form_schema=form(
            "道路货物运输经营许可申请",
            *ENTERPRISE,
            ADDRESS,
            f("vehicle_count", integer("拟投入车辆数", minimum=1)),
            f("driver_count", integer("驾驶员人数", minimum=1)),
            f(
                "cargo_scope",
                choice("经营范围", ["道路普通货物运输", "货物专用运输", "大型物件运输"]),
            ),
        ),
        faq=[
            qa(
                "小型货车也要办许可吗？",
                "使用总质量4500千克及以下普通货运车辆从事普通货运经营的，无需申请道路运输经营许可证和车辆营运证。",
            ),
            qa(
                "危险货物运输在哪里办理？",
                "道路危险货物运输经营许可由设区的市级交通运输主管部门办理。",
            ),
        ],
        keywords="货运 营运证 道路运输证 运输许可 物流公司",
    ),
    # A bundle that is not a factsheet item: 企业开办一件事 (number 101) ------------------------
    ItemSpec(
        number=101,
        department="SCJG",
        name="企业开办（设立登记、涉税信息确认、社会保险登记一次办）",
        item_type=PUBLIC_SERVICE,
        name_en="Starting a Business in One Go (Registration, Tax and Social Insurance)",
        summary=(
            "新设立企业在企业开办综合窗口或网上专区一表填报、一次提交，"
            "同步办理营业执照、新办纳税人涉税信息确认（含发票申领）和单位社会保险登记，统一出件。"
        ),
        audience=ENTERPRISE_AUDIENCE,
        themes=("ent-establishment", "ent-tax", "ent-hr"),
        windows=("03", "04"),
        legal_basis=(
            "1.《中华人民共和国市场主体登记管理条例》（国务院令第746号）第十九条；\n"
            "2.《中华人民共和国税收征收管理法》第十五条；\n"
            "3.《中华人民共和国社会保险法》第五十七条。"
        ),
        conditions="申请设立公司、合伙企业、个人独资企业等企业，且属于本区登记管辖范围。",
        statutory_days=3,
        statutory_unit=WORKDAY,
        statutory_note="以企业设立登记时限计：当场登记或3个工作日内登记，情形复杂的经负责人批准可延长3个工作日",
        promised_days=3,
        online_depth=4,
        visits_required=0,
        result_name="营业执照、涉税信息确认结果、单位社会保险登记结果",
        delivery_methods=ALL_DELIVERY,
        materials=[
            mat("企业开办申请表（一表填报）", fmt="electronic"),
            identity("股东、法定代表人等身份证明"),
            mat("住所（经营场所）使用相关文件", original="copy"),
            mat("公司章程（合伙协议）"),
            identity("财务负责人、办税人员身份信息"),
            mat("职工参保信息", required=False, fmt="electronic", notes="已招用职工的填报"),
        ],
        stages=[
            StageSpec(
                "设立登记",
                "handler",
                ("SCJG",),
                1,
                "市场监管部门核准设立登记，生成电子营业执照",
            ),
            StageSpec(
                "涉税信息确认及参保登记（并联）",
                "reviewer",
                ("SW", "RS"),
                1,
                "税务部门确认涉税信息并核定发票；人社部门办理单位社会保险登记",
                parallel=True,
            ),
            StageSpec(
                "统一出件",
                "approver",
                ("SCJG",),
                1,
                "汇总各部门办理结果，营业执照、发票等一次领取或寄递",
            ),
        ],
        form_schema=form(
            "企业开办申请（一表填报）",
            f("company_name", text("企业名称")),
            f(
                "company_type",
                choice("企业类型", ["有限责任公司", "股份有限公司", "合伙企业", "个人独资企业"]),
            ),
            f("registered_capital", number("注册资本（出资额）", "单位：万元", unit="万元")),
            f("domicile", text("住所", max_length=200)),
            BUSINESS_SCOPE,
            f("legal_representative", text("法定代表人（负责人）", max_length=50)),
            f("legal_representative_id", id_number("法定代表人公民身份号码")),
            f("finance_officer", text("财务负责人", max_length=50)),
            f("contact_phone", mobile()),
            f("need_invoice", choice("是否同步申领发票", ["是", "否"])),
            optional("employee_count", integer("已招用职工人数", minimum=0)),
            COMMITMENT,
        ),
        faq=[
            qa(
                "企业开办要跑几个窗口？",
                "只需在企业开办综合窗口或网上专区一次提交，市场监管、税务、人社部门同步办理，统一出件。",
            ),
            qa("营业执照可以邮寄吗？", "可以选择邮寄送达，也可下载电子营业执照。"),
            qa("企业开办收费吗？", "设立登记、涉税信息确认、社保登记和发票申领均不收费。"),
        ],
        keywords="企业开办 开公司 注册公司 一件事 营业执照 开办企业",
        attach_forms=True,
    ),
]


# Facts used above that the factsheet marks [R] (recalled, unverified) or [P] (partly
# verified). Check them against the official text before the demo data is used as fact.
SOURCE_NOTES: list[tuple[int, str, str]] = [
    (1, "食品经营许可 10个工作日 + 5（2023年办法）", "R"),
    (1, "食品经营许可为行政许可、无需并联", "R"),
    (2, "公司登记不收费；任职文件、委托书材料（细则）", "R"),
    (3, "个体工商户登记不收费", "R"),
    (4, "特种设备使用登记 15个工作日（TSG 08）；登记证无固定有效期；不收费", "R"),
    (5, "药品零售许可 20日、5日内发证；告知承诺当日发证；材料清单", "P"),
    (5, "《药品经营和使用质量监督管理办法》令号（未写入）", "R"),
    (6, "备案为其他行政权力；备案信息清单；不收费", "R"),
    (7, "673号令 20个工作日、延长不超过40个工作日、2年+1年有效期；规划选址/用地预审材料", "R"),
    (7, "部门意见7个工作日（旧地方规定）", "P"),
    (8, "环评报告表承诺7日（广东）", "P"),
    (8, "环评审批申请材料清单；环评由生态环境分局实施", "R"),
    (9, "排污许可材料清单（广东）", "P"),
    (9, "排污许可不收费", "R"),
    (10, "城乡规划法第三十七条、第三十八条条文号；自然资规〔2019〕2号", "R"),
    (10, "建设用地规划许可 20个工作日（适用行政许可法）", "P"),
    (10, "申请材料清单；承诺1–5个工作日", "R"),
    (11, "土地权属证明、总平面图等补充材料", "R"),
    (12, "施工许可延期两次、每次3个月（建筑法第九条）", "P"),
    (12, "施工许可实务材料清单；承诺1–3个工作日", "R"),
    (13, "消防验收 15日；材料清单；联合验收；承诺时限", "R"),
    (14, "城镇排水与污水处理条例第二十一条", "R"),
    (15, "建筑垃圾处置核准材料清单；核准期限", "R"),
    (16, "临时占道 20个工作日（适用行政许可法）；材料；城市道路占用费", "R"),
    (17, "消防法第十五条具体表述；两种程序的划分", "R/P"),
    (17, "联合现场检查（市场监管、卫健同步核查）为本演示的地方做法", "R"),
    (18, "饭馆、咖啡馆等不再实行卫生许可（未写入，仅笼统表述）", "R"),
    (19, "医疗机构执业登记 45日（黑龙江实施办法）；条例第十四条为修订后条文号", "P"),
    (19, "医疗机构执业登记材料清单", "R"),
    (20, "出生医学证明为公共服务", "R"),
    (21, "生育登记即办；登记服务单", "R"),
    (22, "户口迁移“跨省通办”无需回迁出地开迁移证；不收费；承诺3个工作日", "R"),
    (23, "身份证工本费 20元/40元；临时身份证3日；加急制证", "P"),
    (23, "身份证工本费收费文件文号", "R"),
    (24, "民法典第一千零四十六条至第一千零四十九条", "P"),
    (25, "职工参保登记材料清单", "R"),
    (26, "社会保障卡管理办法；15个工作日邮寄；首次申领免费", "P"),
    (27, "社会保险法第四十五条、第五十条；领取期限12/18/24个月", "R"),
    (28, "低保 30个工作日、可延长至45个工作日", "R"),
    (28, "家庭经济状况核对授权书", "R"),
    (29, "残疾人证承诺15个工作日为演示设定（无国家时限）", "R"),
    (30, "人力资源服务许可 20日；专职人员材料", "R"),
    (32, "民办学校正式设立3个月内决定的条文号", "R"),
    (32, "办学许可证有效期", "R"),
    (33, "出版管理条例第三十七条；20个工作日（旧规定）", "R/P"),
    (34, "娱乐场所经营许可 20日；许可证2年；材料清单", "R/P"),
    (36, "烟草专卖法第十六条；不收费", "R"),
    (36, "材料清单", "P"),
    (37, "危化条例第三十三条至第三十五条；30日；有效期3年；应急预案备案表", "P"),
    (38, "农药经营许可证5年", "P"),
    (39, "动物防疫法；2022年办法 15个工作日；合格证无固定有效期", "R"),
    (40, "取水许可 45个工作日；最长10年", "R"),
    (40, "取水许可有效期5年、届满45日前申请延续", "P"),
    (41, "森林法第五十六条、第五十七条；20个工作日", "R"),
    (
        42,
        "不动产登记为行政确认；承诺5个工作日（国办发〔2019〕8号）；并联（税务、住建）；材料清单",
        "R",
    ),
    (42, "不动产登记暂行条例第二十条 30个工作日", "P"),
    (43, "涉税信息确认材料；多证合一", "R"),
    (44, "数电发票授信额度；事项类型", "R"),
    (101, "企业开办一件事并联（登记、涉税、社保）", "R"),
]
