"""Search ranking for real Chinese queries over a small, realistic catalog."""

from __future__ import annotations

import pytest

from onewindow.catalog import search, services
from onewindow.catalog.models import SearchPosting, SynonymGroup
from onewindow.catalog.queries import ItemFilters, find_items

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    scjg = factories.department("SCJG", "市场监督管理局", name_en="Market Regulation Bureau")
    zj = factories.department("ZJ", "住房和城乡建设局")
    sthj = factories.department("STHJ", "生态环境分局")
    rs = factories.department("RS", "人力资源和社会保障局")
    items = {
        "food": factories.item(
            "食品经营许可",
            dept=scjg,
            result_name="食品经营许可证",
            name_en="Food business licence",
            keywords="餐饮 小吃店",
        ),
        "company": factories.item(
            "企业设立登记", dept=scjg, result_name="营业执照", name_en="Company registration"
        ),
        "self_employed": factories.item("个体工商户登记", dept=scjg, result_name="营业执照"),
        "construction": factories.item("建筑工程施工许可证核发", dept=zj, result_name="施工许可证"),
        "fire": factories.item("建设工程消防验收", dept=zj),
        "eia": factories.item("建设项目环境影响评价文件审批", dept=sthj, keywords="环评"),
        "discharge": factories.item("排污许可", dept=sthj, result_name="排污许可证"),
        "unemployment": factories.item("失业保险金申领", dept=rs, item_type="benefit"),
        "social_card": factories.item("社会保障卡申领", dept=rs, item_type="public_service"),
    }
    SynonymGroup.objects.create(terms="营业执照 工商登记 公司注册 开公司")
    SynonymGroup.objects.create(terms="社保 社会保险 社会保障")
    SynonymGroup.objects.create(terms="失业金 失业保险金")
    return items


def _codes(q: str, **filters) -> list[str]:
    page = find_items(ItemFilters(q=q, **filters))
    return [impl.implementation_code for impl in page.results]


def test_the_exact_item_name_ranks_first(catalog):
    assert _codes("食品经营许可")[0] == catalog["food"].code


def test_a_colloquial_question_finds_the_item(catalog):
    assert _codes("开饭店要办什么食品许可")[0] == catalog["food"].code


def test_keywords_count(catalog):
    assert _codes("环评")[0] == catalog["eia"].code


def test_a_synonym_finds_what_the_catalog_calls_otherwise(catalog):
    codes = _codes("工商登记")
    assert set(codes[:2]) == {catalog["company"].code, catalog["self_employed"].code}


def test_colloquial_synonyms(catalog):
    assert _codes("怎么开公司")[0] in {catalog["company"].code, catalog["self_employed"].code}
    assert _codes("领失业金")[0] == catalog["unemployment"].code


def test_a_more_specific_query_prefers_the_specific_item(catalog):
    codes = _codes("施工许可")
    assert codes[0] == catalog["construction"].code
    assert catalog["discharge"].code not in codes[:1]


def test_english_queries(catalog):
    assert _codes("food licence")[0] == catalog["food"].code
    assert _codes("company registration")[0] == catalog["company"].code


def test_filters_narrow_the_ranked_result(catalog):
    codes = _codes("许可", department="STHJ")
    assert codes
    assert all(code.endswith("-STHJ") for code in codes)
    assert _codes("食品", item_type="benefit") == []
    assert _codes("社会保障卡", item_type="public_service") == [catalog["social_card"].code]


def test_codes_are_searchable(catalog):
    assert _codes(catalog["discharge"].item.basic_code) == [catalog["discharge"].code]


def test_nonsense_and_punctuation_find_nothing(catalog):
    assert _codes("？？？！！") == []
    assert _codes("量子引力望远镜") == []


def test_pagination_and_totals(catalog):
    first = find_items(ItemFilters(q="许可"), offset=0, limit=2)
    second = find_items(ItemFilters(q="许可"), offset=2, limit=2)
    assert first.total == second.total >= 4
    assert not {i.pk for i in first.results} & {i.pk for i in second.results}


def test_a_new_version_is_reindexed_and_the_old_words_are_gone(catalog):
    services.edit_item(catalog["discharge"], guide={"name": "排放污染物许可", "result_name": ""})
    assert _codes("排放污染物")[0] == catalog["discharge"].code
    assert not SearchPosting.objects.filter(
        implementation=catalog["discharge"], term="排污许可证"
    ).exists()


def test_withdrawn_items_are_not_found(catalog):
    services.withdraw_implementation(catalog["fire"])
    assert catalog["fire"].code not in _codes("消防验收")


def test_rebuild_gives_the_same_ranking(catalog):
    search.refresh_norms(force=True)  # the incremental index normalised with drifting averages
    before = _codes("许可")
    search.rebuild_index()
    assert _codes("许可") == before


def test_norms_refresh_after_the_catalog_grows(catalog):
    stats_before = search.SearchStats.objects.get(key="bm25")
    for n in range(6):
        factories.item(f"非常长的事项名称用于改变平均文档长度测试第{n}项", summary="内容" * 200)
    assert search.refresh_norms() is True
    stats = search.SearchStats.objects.get(key="bm25")
    assert stats.normalised_with == pytest.approx(stats.average_length)
    assert stats.documents == stats_before.documents + 6
    assert _codes("食品经营许可")[0] == catalog["food"].code


def test_common_terms_only_add_to_documents_a_rarer_term_matched(catalog, monkeypatch):
    # With a low cutoff 许可 (in most items here) becomes a common term, as it is at scale.
    monkeypatch.setattr(search, "COMMON_TERM_MIN_DF", 1)
    monkeypatch.setattr(search, "COMMON_TERM_SHARE", 0.3)
    codes = _codes("食品经营许可")
    assert codes[0] == catalog["food"].code
    assert catalog["discharge"].code not in codes  # matched 许可 alone
    # A query of common terms only still finds everything they match.
    assert catalog["discharge"].code in _codes("许可")
