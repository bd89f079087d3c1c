"""The demo centre's 12345 hotline: the dispatch catalogue (派单目录), knowledge-base answers
linked to the demo items, and one Open311 partner app.

Run by ``onewindow seed-demo`` after the catalog's demo. Idempotent: categories by code, their
attributes by (category, code), answers by (department, question), the partner by name; rows
that exist are left as an administrator edited them. The partner gets no api_key here (a key
is shown once, so it is issued when asked: ``onewindow open311-key create 随手拍``).

An answer's facts (time limit, where, whether online, fees, phone) are taken from the item's
demo service guide, so they say what the guide says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from onewindow.catalog.demo import items_data, org_data
from onewindow.catalog.demo.loader import location
from onewindow.catalog.models import ItemImplementation
from onewindow.org.models import Department

from .models import Category, CategoryAttribute, KnowledgeAnswer, Open311Partner

PARTNER_NAME = "随手拍"
PARTNER_CONTACT = "高新区城市管理局信息中心 0552-3100012"


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    group: str
    lead: str
    keywords: str
    description: str
    assisting: tuple[str, ...] = ()


CATEGORIES: list[CategorySpec] = [
    CategorySpec(
        "FOOD",
        "食品安全",
        "市场监管",
        "SCJG",
        "食品 过期 变质 餐馆 饭店 外卖 食物中毒 无证经营 后厨",
        "餐饮服务、食品销售中的食品安全问题，无证经营食品",
    ),
    CategorySpec(
        "CONSUMER",
        "消费维权",
        "市场监管",
        "SCJG",
        "退款 退货 欺诈 虚假宣传 价格 预付卡 商家 维权 质量问题",
        "消费纠纷、价格违法、虚假宣传、预付式消费",
    ),
    CategorySpec(
        "BUSINESS",
        "企业开办与证照",
        "营商环境",
        "SCJG",
        "营业执照 开公司 注册公司 个体户 变更登记 注销 企业开办",
        "企业和个体工商户登记、企业开办一件事",
        assisting=("SW", "RS"),
    ),
    CategorySpec(
        "TAX",
        "税费与发票",
        "营商环境",
        "SW",
        "发票 纳税 退税 税务 个税 开票 税费",
        "发票领用、纳税申报和税费缴纳",
    ),
    CategorySpec(
        "LABOUR",
        "社保就业与劳动保障",
        "社会保障",
        "RS",
        "社保 社保卡 养老保险 失业金 拖欠工资 欠薪 劳动合同 招聘",
        "社会保险、失业保险金、拖欠工资和劳动合同纠纷",
    ),
    CategorySpec(
        "ROAD",
        "道路与市容",
        "城市管理",
        "CG",
        "路面 坑洼 井盖 占道 路灯 垃圾 渣土 乱堆乱放 广告牌",
        "道路、人行道、井盖和路灯损坏，占道经营，市容环境卫生",
        assisting=("ZJ",),
    ),
    CategorySpec(
        "BUILDING",
        "建筑施工",
        "城乡建设",
        "ZJ",
        "施工 工地 夜间施工 噪音 扬尘 物业 违建 无证施工",
        "建筑工地施工扰民、扬尘，物业服务，无证施工",
        assisting=("CG",),
    ),
    CategorySpec(
        "ENVIRONMENT",
        "环境污染",
        "生态环境",
        "STHJ",
        "污水 排污 废气 异味 噪声 污染 偷排 黑烟",
        "企业排放废水、废气、噪声等环境污染",
    ),
    CategorySpec(
        "FIRE",
        "消防安全",
        "应急安全",
        "XF",
        "消防通道 堵塞 灭火器 火灾隐患 电动车充电 楼道堆物 安全出口",
        "消防通道堵塞、消防设施损坏和其他火灾隐患",
    ),
    CategorySpec(
        "HEALTH",
        "医疗卫生",
        "社会事务",
        "WJ",
        "医院 诊所 出生证 出生医学证明 疫苗 生育登记 公共场所卫生",
        "医疗服务、出生医学证明、生育登记和公共场所卫生",
    ),
    CategorySpec(
        "HOUSEHOLD",
        "户籍与证件",
        "社会事务",
        "GA",
        "户口 身份证 落户 迁户口 居住证 户籍",
        "户口登记、迁移和居民身份证",
    ),
    CategorySpec(
        "ASSISTANCE",
        "社会救助与残疾人服务",
        "社会事务",
        "MZ",
        "低保 救助 困难家庭 残疾 残疾人证 婚姻登记",
        "最低生活保障等社会救助、残疾人证和婚姻登记",
        assisting=("CL",),
    ),
]

# Open311 attributes: category code → (code, question, datatype, required, values).
ATTRIBUTES: dict[str, list[tuple[str, str, str, bool, list[dict[str, str]]]]] = {
    "ROAD": [
        (
            "FACILITY",
            "损坏的设施",
            "singlevaluelist",
            True,
            [
                {"key": "road", "name": "路面"},
                {"key": "manhole", "name": "井盖"},
                {"key": "streetlight", "name": "路灯"},
                {"key": "other", "name": "其他"},
            ],
        ),
    ],
    "FOOD": [
        ("SHOP", "商户名称", "string", False, []),
    ],
}


@dataclass(frozen=True)
class AnswerSpec:
    item: int  # ItemSpec.number
    category: str
    question: str
    keywords: str


ANSWERS: list[AnswerSpec] = [
    AnswerSpec(1, "FOOD", "开饭店、小吃店需要办理食品经营许可证吗？", "食品经营许可 餐饮 饭店"),
    AnswerSpec(3, "BUSINESS", "个体工商户营业执照怎么办理？", "个体户 营业执照 个体执照"),
    AnswerSpec(101, "BUSINESS", "开公司能不能一次办完执照、税务和社保？", "企业开办 开公司 一件事"),
    AnswerSpec(44, "TAX", "新办企业怎么领用发票？", "发票 领票 数电发票"),
    AnswerSpec(26, "LABOUR", "社保卡怎么申领？", "社保卡 社会保障卡"),
    AnswerSpec(27, "LABOUR", "失业了怎么申领失业保险金？", "失业金 失业保险金"),
    AnswerSpec(12, "BUILDING", "建筑工程施工许可证怎么办理？", "施工许可证 施工证 开工"),
    AnswerSpec(16, "ROAD", "临时占用道路需要审批吗？", "占道 临时占道 占用道路"),
    AnswerSpec(
        17, "FIRE", "饭店、商场开业前的消防安全检查怎么办理？", "消防检查 开业消防 告知承诺"
    ),
    AnswerSpec(20, "HEALTH", "新生儿的出生医学证明在哪里办？", "出生证 出生医学证明"),
    AnswerSpec(23, "HOUSEHOLD", "身份证到期了怎么换领？", "身份证 换领 补领"),
    AnswerSpec(28, "ASSISTANCE", "家庭困难怎么申请低保？", "低保 最低生活保障"),
]


def _facts(spec: items_data.ItemSpec) -> str:
    """The practical part of an answer, from the item's service guide."""
    if spec.promised_days == 0:
        limit = "即办件：材料齐全、符合法定形式的当场办结。"
    else:
        limit = f"承诺办结时限：受理后{spec.promised_days}个工作日。"
    if spec.online_depth >= 4:
        online = "可全程网上办理，无需到现场。"
    elif spec.online_depth >= 3:
        online = "可在网上办事大厅申请，按通知到现场领取结果或选择邮寄。"
    else:
        online = "需到窗口办理，可先在网上办事大厅查看办事指南、预约。"
    fees = "；".join(f"{fee['name']}{fee['amount']}" for fee in spec.fees) or "不收费"
    return (
        f"{limit}{online}\n"
        f"办理地点：{location(spec.windows)}。\n"
        f"收费：{fees}。咨询电话：{org_data.department_phone(spec.department)}。\n"
        f"详见网上办事大厅“{spec.name}”办事指南。"
    )


def _implementation(spec: items_data.ItemSpec) -> ItemImplementation | None:
    code = ItemImplementation.make_code(spec.basic_code, org_data.ZONE, spec.department)
    return ItemImplementation.objects.filter(implementation_code=code).first()


def _categories(departments: dict[str, Department]) -> tuple[dict[str, Category], int]:
    categories: dict[str, Category] = {}
    created = 0
    for position, spec in enumerate(CATEGORIES, start=1):
        category, was_created = Category.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "group": spec.group,
                "description": spec.description,
                "keywords": spec.keywords,
                "lead_department": departments[spec.lead],
                "sort_order": position * 10,
            },
        )
        if was_created:
            category.assisting_departments.set([departments[c] for c in spec.assisting])
            created += 1
        categories[spec.code] = category
        for order, (code, question, datatype, required, values) in enumerate(
            ATTRIBUTES.get(spec.code, []), start=1
        ):
            _, was_created = CategoryAttribute.objects.get_or_create(
                category=category,
                code=code,
                defaults={
                    "description": question,
                    "datatype": datatype,
                    "required": required,
                    "order": order,
                    "values": values,
                },
            )
            created += int(was_created)
    return categories, created


def _answers(departments: dict[str, Department], categories: dict[str, Category]) -> int:
    items = {spec.number: spec for spec in items_data.ITEMS}
    created = 0
    for spec in ANSWERS:
        item = items[spec.item]
        answer, was_created = KnowledgeAnswer.objects.get_or_create(
            department=departments[item.department],
            question=spec.question,
            defaults={
                "answer": f"{item.summary}\n{_facts(item)}",
                "keywords": spec.keywords,
                "category": categories[spec.category],
            },
        )
        if was_created:
            implementation = _implementation(item)
            if implementation is not None:
                answer.items.set([implementation])
            created += 1
    return created


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Load the demo hotline set-up; returns ``summary()`` with ``created``."""
    codes = [spec.code for spec in org_data.DEPARTMENTS]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    categories, created = _categories(departments)
    created += _answers(departments, categories)
    _, was_created = Open311Partner.objects.get_or_create(
        name=PARTNER_NAME, defaults={"contact": PARTNER_CONTACT}
    )
    created += int(was_created)
    return {**summary(), "created": created > 0}


def summary() -> dict[str, int]:
    return {
        "hotline_categories": Category.objects.filter(
            code__in=[spec.code for spec in CATEGORIES]
        ).count(),
        "knowledge_answers": KnowledgeAnswer.objects.filter(
            question__in=[spec.question for spec in ANSWERS]
        ).count(),
        "open311_partners": Open311Partner.objects.filter(name=PARTNER_NAME).count(),
    }
