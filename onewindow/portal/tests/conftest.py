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

from onewindow.catalog import services
from onewindow.catalog.models import Duty, ItemImplementation, ServiceItem, Theme
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
