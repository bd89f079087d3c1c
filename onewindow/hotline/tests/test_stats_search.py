"""Statistics (``stats.summary``), the knowledge base search and category suggestions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.hotline import search, services, stats
from onewindow.hotline.models import KnowledgeAnswer

pytestmark = pytest.mark.django_db


def test_the_summary_counts_by_kind_category_department_channel_and_rates(call, people):
    on_time = services.dispatch(call(), actor=people["agent"])
    on_time = services.reply(
        services.sign(on_time, actor=people["cg"]), actor=people["cg"], reply="已修复"
    )
    services.callback(on_time, actor=people["agent"], result="satisfied")
    other = services.dispatch(
        call(kind="help", category="NOISE", description="夜间施工噪音扰民"), actor=people["agent"]
    )
    other = services.reply(
        services.sign(other, actor=people["zj"]), actor=people["zj"], reply="已责令停工"
    )
    other.replied_on_time = False
    other.save()
    services.callback(other, actor=people["agent"], result="unsatisfied", note="仍有噪音")
    duplicate = services.merge(
        call(), actor=people["agent"], into=on_time.__class__.objects.get(pk=other.pk)
    )
    assert duplicate.status == "merged"
    today = timezone.localdate()
    summary = stats.summary(today - dt.timedelta(days=6), today)
    assert summary["total"] == 2
    assert summary["merged"] == 1
    assert summary["by_kind"]["complaint"] == 1
    assert summary["by_kind"]["help"] == 1
    assert summary["by_channel"]["phone"] == 2
    assert {row["code"] for row in summary["by_category"]} == {"ROAD", "NOISE"}
    assert {row["code"]: row["on_time"] for row in summary["by_department"]} == {"CG": 1, "ZJ": 0}
    assert summary["replied"] == 1  # the reopened one waits for a new reply
    assert summary["on_time_reply_rate"] == 1.0
    assert summary["callbacks"] == 2
    assert summary["satisfaction_rate"] == 0.5
    assert summary["reopened"] == 1
    words = [topic["word"] for topic in summary["hot_topics"]]
    assert "噪音" in words or "施工" in words


def test_an_empty_period_has_no_rates():
    summary = stats.summary(dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    assert summary["total"] == 0
    assert summary["on_time_reply_rate"] is None
    assert summary["satisfaction_rate"] is None
    assert summary["hot_topics"] == []


def test_the_knowledge_base_ranks_chinese_questions(departments):
    licence = KnowledgeAnswer.objects.create(
        department=departments["SCJG"],
        question="营业执照遗失怎么补办",
        answer="登录一网通办，选择营业执照补领",
        keywords="营业执照 补领",
    )
    KnowledgeAnswer.objects.create(
        department=departments["CG"], question="占道经营如何投诉", answer="拨打12345"
    )
    KnowledgeAnswer.objects.create(
        department=departments["SCJG"], question="营业执照停用", answer="x", is_active=False
    )
    hits = search.search_answers("我的营业执照丢了")
    assert [hit.answer for hit in hits] == [licence]
    assert search.search_answers("的 了 吗") == []


def test_category_suggestions_use_keywords_and_history(categories, call):
    top = search.suggest_categories("小区门口井盖破损很危险")[0]
    assert top.category.code == "ROAD"
    assert "井盖" in top.matched
    # a word only the history knows: earlier tickets of the category taught it
    call(category="FOOD", kind="report", description="某烧烤店卫生条件差")
    assert search.suggest_categories("烧烤店")[0].category.code == "FOOD"
    assert search.suggest_categories("") == []
