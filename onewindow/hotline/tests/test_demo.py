"""The demo centre's hotline set-up (``hotline.demo``, loaded by ``seed_demo``): the dispatch
catalogue, knowledge-base answers linked to the demo items, an Open311 partner without a key."""

from __future__ import annotations

import pytest

from onewindow.catalog.demo import items_data, org_data
from onewindow.catalog.tests.test_seed_demo import demo  # noqa: F401  # the seeded module
from onewindow.hotline import demo as hotline_demo
from onewindow.hotline.models import Category, KnowledgeAnswer, Open311Key, Open311Partner
from onewindow.hotline.search import search_answers, suggest_categories

pytestmark = pytest.mark.django_db

DEMO_DEPARTMENTS = {spec.code for spec in org_data.DEPARTMENTS}


def test_the_dispatch_catalogue_sends_every_category_to_demo_departments(demo):  # noqa: F811
    categories = Category.objects.filter(code__in=[c.code for c in hotline_demo.CATEGORIES])
    assert categories.count() == len(hotline_demo.CATEGORIES) >= 10
    for category in categories:
        category.full_clean()
        assert category.lead_department.code in DEMO_DEPARTMENTS
        assert len(category.keyword_list()) >= 4
        assisting = set(category.assisting_departments.values_list("code", flat=True))
        assert assisting <= DEMO_DEPARTMENTS - {category.lead_department.code}
    assert Category.objects.get(code="BUSINESS").assisting_departments.count() == 2
    assert Category.objects.get(code="ROAD").attributes.filter(required=True).exists()


@pytest.mark.parametrize(
    ("description", "code"),
    [
        ("小区门口的井盖坏了，晚上路灯也不亮", "ROAD"),
        ("饭店后厨很脏，吃了以后拉肚子，怀疑食品变质", "FOOD"),
        ("公司拖欠工资三个月了", "LABOUR"),
        ("楼道里堆满杂物，消防通道堵塞", "FIRE"),
    ],
)
def test_descriptions_suggest_the_right_category(demo, description, code):  # noqa: F811
    assert suggest_categories(description)[0].category.code == code


def test_every_answer_is_kept_by_the_department_of_its_item(demo):  # noqa: F811
    items = {spec.number: spec for spec in items_data.ITEMS}
    answers = KnowledgeAnswer.objects.filter(
        question__in=[spec.question for spec in hotline_demo.ANSWERS]
    )
    assert answers.count() == len(hotline_demo.ANSWERS) >= 12
    for spec in hotline_demo.ANSWERS:
        answer = answers.get(question=spec.question)
        item = items[spec.item]
        implementation = answer.items.get()
        assert implementation.department.code == item.department == answer.department.code
        assert implementation.current_version.name == item.name
        assert answer.category.code == spec.category
        assert org_data.department_phone(item.department) in answer.answer
        if item.promised_days:
            assert f"受理后{item.promised_days}个工作日" in answer.answer
        else:
            assert "当场办结" in answer.answer


def test_the_knowledge_base_finds_the_demo_answers(demo):  # noqa: F811
    hits = search_answers("社保卡怎么办")
    assert hits
    assert hits[0].answer.question == "社保卡怎么申领？"


def test_the_open311_partner_has_no_key_until_one_is_asked_for(demo, client):  # noqa: F811
    partner = Open311Partner.objects.get(name=hotline_demo.PARTNER_NAME)
    assert partner.is_active
    assert not Open311Key.objects.filter(partner=partner).exists()
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    codes = {service["service_code"] for service in response.json()}
    assert {c.code for c in hotline_demo.CATEGORIES} <= codes
