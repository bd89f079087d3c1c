"""Chinese text for the hotline: jieba segmentation, BM25 over the knowledge base, category
suggestions from a description, and word frequencies for the week's hot topics.

The knowledge base is small (hundreds to a few thousand answers), so it is ranked in memory
per query; the catalog's posting-table index (``catalog.search``) is for tens of thousands.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .models import Category, KnowledgeAnswer, Ticket

K1 = 1.2
B = 0.75
MAX_QUERY_LENGTH = 200
HISTORY_TICKETS = 500  # recent tickets per category read for suggestions

STOPWORDS = frozenset(
    (
        "的 了 和 与 及 或 等 在 是 为 对 由 向 从 把 被 之 其 该 并 且 以 于 中 上 下 个 "
        "我 你 他 她 我们 他们 要 想 怎么 如何 什么 哪里 哪些 需要 办理 申请 办 吗 呢 啊 吧 "
        "请问 一下 这个 那个 "
        "这里 那里 还是 就是 没有 已经 可以 不能 能否 是否 现在 今天 昨天 一直 非常 因为 所以 但是 "
        "而且 如果 然后 反映 市民 来电 希望 问题 情况 相关 部门 进行 要求 表示 称 说 有 也 都 很 "
        "the a an of for and or to in on with how what where do i my is are"
    ).split()
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"^[a-z0-9]+$")


def _jieba() -> Any:
    import jieba  # loaded lazily: the dictionary takes a moment on first use

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str, *, search_mode: bool = True) -> list[str]:
    """Words of ``text``: jieba (search mode splits long words too), no stopwords or
    single-character Chinese particles, lower-cased ASCII words."""
    if not text:
        return []
    jieba = _jieba()
    cut = jieba.cut_for_search if search_mode else jieba.cut
    words: list[str] = []
    for token in cut(text.lower()[:10_000]):
        token = token.strip()
        if not token or token in STOPWORDS:
            continue
        if _CJK.search(token):
            if len(token) >= 2:
                words.append(token[:32])
        elif _WORD.match(token) and len(token) >= 2:
            words.append(token[:32])
    return words


@dataclass(frozen=True)
class Hit:
    answer: KnowledgeAnswer
    score: float


def _answer_text(answer: KnowledgeAnswer) -> list[str]:
    # The question and the keywords weigh more than the body of the answer.
    return (
        tokenize(answer.question) * 3
        + tokenize(answer.keywords.replace(",", " ").replace("，", " ")) * 3
        + tokenize(answer.answer)
    )


def search_answers(
    query: str, *, limit: int = 10, answers: Iterable[KnowledgeAnswer] | None = None
) -> list[Hit]:
    """Active knowledge-base answers ranked by BM25 for ``query``."""
    terms = list(dict.fromkeys(tokenize(query[:MAX_QUERY_LENGTH])))
    if not terms:
        return []
    pool = list(
        answers
        if answers is not None
        else KnowledgeAnswer.objects.filter(is_active=True).select_related("department")
    )
    documents = [(answer, Counter(_answer_text(answer))) for answer in pool]
    if not documents:
        return []
    average = sum(sum(c.values()) for _a, c in documents) / len(documents) or 1.0
    frequency = {t: sum(1 for _a, c in documents if t in c) for t in terms}
    total = len(documents)
    hits: list[Hit] = []
    for answer, counts in documents:
        length = sum(counts.values()) or 1
        score = 0.0
        for term in terms:
            tf = counts.get(term, 0)
            if not tf:
                continue
            idf = math.log(1 + (total - frequency[term] + 0.5) / (frequency[term] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        if score > 0:
            hits.append(Hit(answer, score))
    hits.sort(key=lambda h: (-h.score, -h.answer.usage_count, h.answer.pk))
    return hits[:limit]


@dataclass(frozen=True)
class Suggestion:
    category: Category
    score: float
    matched: tuple[str, ...]


def suggest_categories(description: str, *, limit: int = 3) -> list[Suggestion]:
    """Categories for a description: its words scored against each category's name and
    keywords (weight 3 and 2) and against the words of its earlier tickets (history)."""
    words = Counter(tokenize(description[:2000]))
    if not words:
        return []
    categories = list(Category.objects.filter(is_active=True).select_related("lead_department"))
    volume = dict(
        Ticket.objects.filter(category__in=categories)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    suggestions: list[Suggestion] = []
    for category in categories:
        vocabulary: Counter[str] = Counter()
        for word in tokenize(category.name):
            vocabulary[word] += 3
        for keyword in category.keyword_list():
            vocabulary[keyword.lower()] += 3
            for word in tokenize(keyword):
                vocabulary[word] += 2
        history = Counter[str]()
        for text in (
            Ticket.objects.filter(category=category)
            .order_by("-pk")
            .values_list("description", flat=True)[:HISTORY_TICKETS]
        ):
            history.update(set(tokenize(text)))
        seen = max(volume.get(category.pk, 0), 1)
        score = 0.0
        matched: list[str] = []
        for word in words:
            weight = float(vocabulary.get(word, 0))
            if history.get(word):
                weight += min(2.0, 2.0 * history[word] / seen)
            if weight:
                score += weight
                matched.append(word)
        if score > 0:
            suggestions.append(Suggestion(category, round(score, 3), tuple(matched)))
    suggestions.sort(key=lambda s: (-s.score, s.category.sort_order, s.category.code))
    return suggestions[:limit]


def hot_words(texts: Iterable[str], *, limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent words over ``texts`` (each ticket counts a word once)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokenize(text, search_mode=False)))
    return counts.most_common(limit)
