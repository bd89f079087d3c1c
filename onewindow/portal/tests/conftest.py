"""A small catalog for the portal tests, built through the catalog services.

* ``licence``: 企业设立登记, for enterprises, fully online, with a parallel stage
  (市场监管局 and 税务局 at once) and a material the platform fetches (免提交).
* ``certificate``: 户籍证明, an instant item (即办件) for persons, without stages.
* ``property``: 不动产登记, with a fee and a material that has a blank form and a sample.
* ``eia``: 环评审批, statutory limit in calendar days (日), published twice (two versions).
* ``draft``: an item that was never published.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric, uscc

from onewindow.catalog import services
from onewindow.catalog.models import (
    Duty,
    ItemImplementation,
    MaterialRequirement,
    ServiceItem,
    Theme,
)
from onewindow.catalog.tests import factories
from onewindow.identity import services as identity
from onewindow.identity.models import User
from onewindow.org.models import Department, Region, ServiceCenter

LEGAL_BASIS_LICENCE = "《中华人民共和国市场主体登记管理条例》第三条"


@dataclass
class Catalog:
    region: Region
    center: ServiceCenter
    market: Department
    tax: Department
    police: Department
    land: Department
    environment: Department
    licence: ItemImplementation
    certificate: ItemImplementation
    property: ItemImplementation
    eia: ItemImplementation
    draft: ItemImplementation


def _guide(**fields: object) -> dict[str, object]:
    guide: dict[str, object] = {
        "legal_basis": "《中华人民共和国行政许可法》",
        "conditions": "申请人符合法定条件。",
        "statutory_days": 20,
        "promised_days": 5,
        "location": "市政务服务中心一楼",
        "hours": "周一至周五 9:00-17:00",
        "phone": "021-12345678",
        "complaint_phone": "12345",
    }
    guide.update(fields)
    return guide


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """The search caches figures per index generation; a rolled-back test must not leak them."""
    cache.clear()


@pytest.fixture
def catalog(db: None) -> Catalog:
    region = Region.objects.create(code="310101", name="示范区", level=Region.Level.COUNTY)
    center = ServiceCenter.objects.create(
        code="ZX01",
        name="示范区政务服务中心",
        name_en="Demo District Government Service Centre",
        region=region,
        address="示范路100号",
        phone="021-87654321",
        complaint_phone="021-12345000",
        hours="周一至周五 9:00-17:00",
    )

    def department(code: str, name: str, order: int) -> Department:
        return Department.objects.create(
            code=code, name=name, region=region, sort_order=order, phone="021-5555" + str(order)
        )

    market = department("SCJ", "市场监督管理局", 10)
    market.description = "负责市场主体登记注册。"
    market.name_en = "Market Regulation Bureau"
    market.save()
    tax = department("SWJ", "税务局", 20)
    police = department("GAJ", "公安局", 30)
    land = department("GTJ", "规划和自然资源局", 40)
    environment = department("HBJ", "生态环境局", 50)

    startup = Theme.objects.create(code="startup", name="开办企业", audience="enterprise")
    household = Theme.objects.create(code="household", name="户籍办理", audience="person")
    housing = Theme.objects.create(code="housing", name="住房", audience="person")

    licence = services.create_implementation(
        item=ServiceItem.objects.create(
            basic_code="000101000001", name="企业设立登记", item_type="licensing"
        ),
        department=market,
        region=region,
        center=center,
        guide=_guide(
            name="企业设立登记",
            name_en="Business registration",
            keywords="营业执照 开公司",
            audience="enterprise",
            legal_basis=LEGAL_BASIS_LICENCE,
            conditions="依法设立的企业。",
            statutory_days=15,
            promised_days=3,
            online_depth=4,
            visits_required=0,
            result_name="营业执照",
            result_validity="长期",
            delivery_methods=["mail", "online"],
            faq=[{"q": "可以全程网上办理吗？", "a": "可以，无需到现场。"}],
        ),
        materials=[
            {"name": "公司登记申请书", "required": True, "original": "original"},
            {"name": "法定代表人身份证明", "source": "licence"},
        ],
        stages=[
            {"name": "受理审查", "role": "handler", "departments": [market], "days": 1},
            {
                "name": "并联核准",
                "role": "reviewer",
                "departments": [market, tax],
                "parallel": True,
                "days": 1,
            },
            {"name": "核准决定", "role": "approver", "departments": [market], "days": 1},
        ],
        themes=[startup],
    )
    certificate = services.create_implementation(
        item=ServiceItem.objects.create(
            basic_code="000201000002", name="户籍证明", item_type="confirmation"
        ),
        department=police,
        region=region,
        center=center,
        guide=_guide(
            name="户籍证明开具",
            audience="person",
            handling="instant",
            statutory_days=None,
            promised_days=0,
            online_depth=3,
            visits_required=1,
        ),
        materials=[{"name": "居民身份证", "original": "original"}],
        themes=[household],
    )
    property_item = services.create_implementation(
        item=ServiceItem.objects.create(
            basic_code="000301000003", name="不动产登记", item_type="confirmation"
        ),
        department=land,
        region=region,
        center=center,
        guide=_guide(name="不动产首次登记", audience="both", online_depth=2, visits_required=1),
        materials=[
            {
                "name": "不动产登记申请表",
                "blank_form": "catalog/materials/blank-application.docx",
                "sample": "catalog/materials/sample-application.pdf",
            }
        ],
        fees=[
            {"name": "不动产登记费", "amount": "住宅80元/件", "basis": "发改价格规〔2016〕2559号"}
        ],
        stages=[
            {"name": "审核", "role": "reviewer", "departments": [land], "days": 3},
            {"name": "登簿", "role": "approver", "departments": [land], "days": 2},
        ],
        themes=[housing],
    )
    eia = services.create_implementation(
        item=ServiceItem.objects.create(
            basic_code="000401000004", name="环评审批", item_type="licensing"
        ),
        department=environment,
        region=region,
        center=center,
        guide=_guide(
            name="建设项目环境影响报告书审批",
            audience="enterprise",
            statutory_days=60,
            statutory_unit="day",
            promised_days=20,
            statutory_note="不含专家评审时间",
        ),
        stages=[{"name": "技术评估", "role": "reviewer", "departments": [environment], "days": 20}],
    )
    services.edit_item(
        eia, guide={"change_note": "更新受理条件", "conditions": "已编制环境影响报告书。"}
    )
    draft = services.create_implementation(
        item=ServiceItem.objects.create(
            basic_code="000501000005", name="未发布事项", item_type="licensing"
        ),
        department=market,
        region=region,
        center=center,
        guide=_guide(name="尚未发布的事项"),
        stages=[{"name": "审核", "role": "reviewer", "departments": [market], "days": 1}],
        publish=False,
    )
    Duty.objects.create(
        department=market,
        implementation=licence,
        title="企业设立登记审查责任",
        content="依法审查申请材料。",
        accountability="不依法履行职责的，依法追责。",
    )
    for implementation in (licence, certificate, property_item, eia, draft):
        implementation.refresh_from_db()
    return Catalog(
        region=region,
        center=center,
        market=market,
        tax=tax,
        police=police,
        land=land,
        environment=environment,
        licence=licence,
        certificate=certificate,
        property=property_item,
        eia=eia,
        draft=draft,
    )


# --- The applicant's side: people, an item to apply for, files ---------------------------------

PASSWORD = "Zw!x9-Lk3m"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# A form with every kind of input the demo items use.
APPLICATION_SCHEMA = {
    "type": "object",
    "title": "营业场所消防检查申请表",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "申请人姓名",
            "minLength": 1,
            "maxLength": 50,
        },
        "contact_phone": {
            "type": "string",
            "title": "联系电话",
            "description": "11位手机号码，用于接收办理进度短信",
            "pattern": r"^1\d{10}$",
        },
        "venue": {"type": "string", "title": "场所名称", "minLength": 2, "maxLength": 100},
        "area": {"type": "number", "title": "建筑面积", "minimum": 1, "x-unit": "平方米"},
        "floors": {"type": "integer", "title": "楼层数", "minimum": 1, "maximum": 50},
        "opening": {"type": "string", "format": "date", "title": "拟开业日期"},
        "use": {"type": "string", "title": "场所用途", "enum": ["商场", "影院", "餐饮"]},
        "facilities": {
            "type": "array",
            "title": "消防设施",
            "items": {"type": "string", "enum": ["喷淋", "烟感", "消火栓"]},
            "minItems": 1,
            "uniqueItems": True,
        },
        "notes": {
            "type": "string",
            "title": "情况说明",
            "maxLength": 500,
            "x-widget": "textarea",
        },
        "commitment": {
            "type": "boolean",
            "title": "申请人承诺",
            "const": True,
            "description": "本人承诺所填信息和所交材料真实、合法、有效",
        },
    },
    "required": ["applicant_name", "contact_phone", "venue", "area", "use", "commitment"],
}

VALID_FORM = {
    "f_applicant_name": "张三",
    "f_contact_phone": "13800000001",
    "f_venue": "示例影城",
    "f_area": "1200",
    "f_floors": "3",
    "f_opening": "2027-01-15",
    "f_use": "影院",
    "f_facilities": ["喷淋", "烟感"],
    "f_notes": "",
    "f_commitment": "1",
}


def id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str = "91340300MA2N0P1Q7") -> str:
    return body + uscc.calc_check_digit(body)


def pdf(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class People:
    citizen: User
    other: User
    operator: User
    company: User
    clerk: User
    handler: User
    approver: User


@dataclass
class OnlineItem:
    implementation: ItemImplementation
    application: MaterialRequirement  # 申请书: required, uploaded by the applicant
    plan: MaterialRequirement  # 平面图: optional
    licence: MaterialRequirement  # 营业执照: fetched by the platform (免提交)


@pytest.fixture
def people(db: None) -> People:
    department = factories.department("XFJ", "消防救援支队")
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=id_number("11010519491231002"),
        phone="13800000001",
    )
    other = identity.register_person(
        username="other",
        password=PASSWORD,
        name="李四",
        id_number=id_number("11010519800101001"),
        phone="13800000002",
    )
    operator = identity.register_person(
        username="operator",
        password=PASSWORD,
        name="王五",
        id_number=id_number("11010519700101003"),
        phone="13800000003",
    )
    organization = identity.register_organization(
        username="company",
        password=PASSWORD,
        name="示范影城有限公司",
        credit_code=credit_code(),
        legal_representative="赵六",
        phone="13800000004",
        operator=operator,
    )

    def staff(username: str, roles: list[str], dept: Department | None) -> User:
        return identity.create_staff(
            username=username,
            password=PASSWORD,
            name=username,
            department=dept,
            roles=roles,
            actor=None,
        )

    return People(
        citizen=citizen,
        other=other,
        operator=operator,
        company=organization.account,
        clerk=staff("clerk", ["window_clerk"], None),
        handler=staff("handler", ["handler"], department),
        approver=staff("approver", ["approver"], department),
    )


@pytest.fixture
def online_item(people: People) -> OnlineItem:
    department = factories.department("XFJ", "消防救援支队")
    implementation = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=department,
        online_depth=3,
        delivery_methods=["pickup", "mail"],
        materials=[
            {"name": "消防安全检查申请书", "required": True},
            {"name": "场所平面图", "required": False},
            {"name": "营业执照", "required": True, "source": "shared"},
        ],
        stages=[
            {"name": "承办", "role": "handler", "departments": [department], "days": 2},
            {"name": "审批", "role": "approver", "departments": [department], "days": 2},
        ],
        form_schema=APPLICATION_SCHEMA,
    )
    version = implementation.current_version
    assert version is not None
    materials = {m.name: m for m in version.materials.all()}
    return OnlineItem(
        implementation=implementation,
        application=materials["消防安全检查申请书"],
        plan=materials["场所平面图"],
        licence=materials["营业执照"],
    )


@pytest.fixture
def commit_effects():  # type: ignore[no-untyped-def]
    """Run the on-commit side effects (notices, messages) queued so far, as a real commit
    would: the test's own transaction never commits."""
    from django.db import connection

    def run() -> int:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        return len(pending)

    return run
