"""Chinese full-text search over the catalog: jieba segmentation and BM25 ranking.

The index lives in the database (``SearchPosting``/``SearchDocument``), so every web process
and node sees the same index and publishing a version re-indexes it in the same transaction.
Each posting stores its BM25 term-frequency part already normalised by document length, so a
query is one aggregate over the postings of its terms (docs/adr/0004-catalog-search.md).
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count, QuerySet

from .models import (
    ItemImplementation,
    ItemVersion,
    SearchDocument,
    SearchPosting,
    SearchStats,
    SynonymGroup,
)

K1 = 1.2
B = 0.75
MAX_TERM_LENGTH = 64
MAX_QUERY_TERMS = 32
NORM_DRIFT = 0.05
# A term in more than this share of the documents is "common" (like 许可, 登记): it adds to
# the score of documents that match a rarer query term but does not by itself make a match,
# unless every query term is common (the common-terms query of Lucene/Elasticsearch).
COMMON_TERM_SHARE = 0.2
COMMON_TERM_MIN_DF = 50  # re-normalise every posting when the average length drifts by 5 %

# Field weights: a word in the name counts four times a word in the summary.
FIELD_WEIGHTS = {
    "name": 4.0,
    "keywords": 3.0,
    "result_name": 2.0,
    "name_en": 3.0,
    "department": 1.0,
    "summary": 1.0,
    "materials": 0.5,
    "conditions": 0.3,
    "legal_basis": 0.3,
    "code": 4.0,
}

STOPWORDS = frozenset(
    (
        "的 了 和 与 及 或 等 在 是 为 对 由 向 从 把 被 之 其 该 并 且 以 于 中 上 下 个 我 要 想 "
        "怎么 如何 什么 哪里 哪些 需要 办理 申请 办 吗 呢 啊 吧 请问 "
        "the a an of for and or to in on with how what where do i my"
    ).split()
)

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _jieba() -> Any:
    import jieba  # loaded lazily: the dictionary takes a moment on first use

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """Segment text into index terms: jieba search-mode words, plus ASCII words."""
    if not text:
        return []
    text = text.lower()
    terms: list[str] = []
    for token in _jieba().cut_for_search(text):
        token = token.strip()
        if not token or token in STOPWORDS:
            continue
        if _CJK.search(token):
            terms.append(token[:MAX_TERM_LENGTH])
        else:
            for word in _ASCII_WORD.findall(token):
                if word not in STOPWORDS:
                    terms.append(_stem(word)[:MAX_TERM_LENGTH])
    return terms


def _stem(word: str) -> str:
    """A light English plural stemmer: licences → licence, permits → permit."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _document_fields(version: ItemVersion) -> dict[str, str]:
    implementation = version.implementation
    department = implementation.department
    return {
        "name": version.name,
        "keywords": version.keywords,
        "result_name": version.result_name,
        "name_en": f"{version.name_en} {department.name_en}",
        "department": f"{department.name} {department.short_name}",
        "summary": version.summary,
        "materials": " ".join(m.name for m in version.materials.all()),
        "conditions": version.conditions,
        "legal_basis": version.legal_basis,
        "code": f"{implementation.item.basic_code} {implementation.implementation_code}",
    }


def _weighted_terms(version: ItemVersion) -> dict[str, float]:
    counts: dict[str, float] = defaultdict(float)
    for field, text in _document_fields(version).items():
        weight = FIELD_WEIGHTS[field]
        if field == "code":
            for code in text.lower().split():
                counts[code[:MAX_TERM_LENGTH]] += weight
            continue
        for term in tokenize(text):
            counts[term] += weight
    return counts


def _norm(tf: float, length: float, average: float) -> float:
    average = average or length or 1.0
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))


@transaction.atomic
def index_implementation(implementation: ItemImplementation) -> None:
    """(Re-)index an implementation's current version; remove it if it has none."""
    SearchPosting.objects.filter(implementation=implementation).delete()
    if implementation.current_version_id is None:
        SearchDocument.objects.filter(implementation=implementation).delete()
        _update_stats()
        return
    version = (
        ItemVersion.objects.select_related("implementation__department", "implementation__item")
        .prefetch_related("materials")
        .filter(pk=implementation.current_version_id, status=ItemVersion.Status.PUBLISHED)
        .first()
    )
    if version is None:
        SearchDocument.objects.filter(implementation=implementation).delete()
        _update_stats()
        return
    counts = _weighted_terms(version)
    length = float(sum(counts.values()))
    SearchDocument.objects.update_or_create(
        implementation=implementation, defaults={"length": length}
    )
    stats = _update_stats()
    average = stats.normalised_with or stats.average_length
    SearchPosting.objects.bulk_create(
        SearchPosting(
            term=term, implementation=implementation, tf=tf, score=_norm(tf, length, average)
        )
        for term, tf in counts.items()
    )


def remove_implementation(implementation: ItemImplementation) -> None:
    with transaction.atomic():
        SearchPosting.objects.filter(implementation=implementation).delete()
        SearchDocument.objects.filter(implementation=implementation).delete()
        _update_stats()


def _update_stats() -> SearchStats:
    stats, _ = SearchStats.objects.select_for_update().get_or_create(key="bm25")
    figures = SearchDocument.objects.aggregate(documents=Count("pk"), average=Avg("length"))
    stats.documents = figures["documents"]
    stats.average_length = figures["average"] or 0.0
    if not stats.normalised_with:
        stats.normalised_with = stats.average_length
    stats.generation = _new_generation()
    stats.save()
    return stats


def bump_generation() -> None:
    """Invalidate every cached search figure (after a synonym or index change)."""
    SearchStats.objects.get_or_create(key="bm25")
    SearchStats.objects.filter(key="bm25").update(generation=_new_generation())


def _new_generation() -> int:
    """A random generation: a rolled-back change can never bring back a cached one."""
    return secrets.randbits(62)


@transaction.atomic
def refresh_norms(*, force: bool = False) -> bool:
    """Re-normalise every posting when the average document length drifted; True if done."""
    stats = _update_stats()
    average = stats.average_length
    if not average:
        return False
    drift = abs(average - stats.normalised_with) / average if stats.normalised_with else 1.0
    if not force and drift < NORM_DRIFT:
        return False
    lengths = dict(SearchDocument.objects.values_list("implementation_id", "length"))
    batch: list[SearchPosting] = []
    for posting in SearchPosting.objects.only("id", "implementation_id", "tf").iterator(
        chunk_size=5000
    ):
        posting.score = _norm(posting.tf, lengths.get(posting.implementation_id, average), average)
        batch.append(posting)
        if len(batch) >= 5000:
            SearchPosting.objects.bulk_update(batch, ["score"])
            batch.clear()
    if batch:
        SearchPosting.objects.bulk_update(batch, ["score"])
    stats.normalised_with = average
    stats.save(update_fields=["normalised_with", "updated_at"])
    return True


def rebuild_index() -> int:
    """Index every implementation from scratch; returns the number of documents."""
    with transaction.atomic():
        SearchPosting.objects.all().delete()
        SearchDocument.objects.all().delete()
        SearchStats.objects.all().delete()
        implementations = list(ItemImplementation.objects.exclude(current_version=None))
        for implementation in implementations:
            index_implementation(implementation)
    refresh_norms(force=True)
    return SearchDocument.objects.count()


CACHE_SECONDS = 3600
# Synonyms already added to jieba's (process-wide) dictionary, by index generation.
_jieba_words: dict[str, int] = {"generation": -1}


def _synonyms(generation: int) -> list[list[str]]:
    key = f"search:synonyms:{generation}"
    groups = cache.get(key)
    if groups is None:
        groups = [group.term_list() for group in SynonymGroup.objects.filter(is_active=True)]
        cache.set(key, groups, CACHE_SECONDS)
    if _jieba_words["generation"] != generation:
        jieba = _jieba()
        for group in groups:
            for term in group:
                jieba.add_word(term)  # keep a synonym whole when segmenting
        _jieba_words["generation"] = generation
    return groups


def query_terms(query: str, generation: int | None = None) -> dict[str, float]:
    """Query terms with their weights: the query's own words (1.0) and synonyms (0.8)."""
    if generation is None:
        stats = SearchStats.objects.filter(key="bm25").first()
        generation = stats.generation if stats else 0
    groups = _synonyms(generation)
    lowered = query.lower()
    weights: dict[str, float] = {}
    expansions: list[str] = []
    for group in groups:
        if any(term.lower() in lowered for term in group):
            expansions.extend(t for t in group if t.lower() not in lowered)
    for term in tokenize(query):
        weights[term] = 1.0
    for text in expansions:
        for term in tokenize(text):
            weights.setdefault(term, 0.8)
    return dict(list(weights.items())[:MAX_QUERY_TERMS])


@dataclass(frozen=True)
class SearchPage:
    ids: list[int]
    total: int


def _rounded(expression: str) -> str:
    """``expression`` rounded to 9 decimals: scores that are equal but for the order their
    floating-point terms were added in must tie, so the item id decides between them the same
    way after a rebuild as before it."""
    if connection.vendor == "postgresql":
        return f"ROUND(CAST({expression} AS NUMERIC), 9)"
    return f"ROUND({expression}, 9)"


def search(
    query: str,
    candidates: QuerySet[Any, Any] | None = None,
    *,
    offset: int = 0,
    limit: int = 20,
) -> SearchPage:
    """Implementation ids ranked by BM25 for ``query``, best first.

    ``candidates`` narrows the result (filters of the caller); ``offset``/``limit`` page it.
    """
    stats = SearchStats.objects.filter(key="bm25").first()
    documents = stats.documents if stats else 0
    if stats is None or not documents:
        return SearchPage(ids=[], total=0)
    terms = query_terms(query, stats.generation)
    if not terms:
        return SearchPage(ids=[], total=0)
    df = _document_frequencies(terms, stats.generation)
    idf = {
        term: math.log(1 + (documents - df[term] + 0.5) / (df[term] + 0.5)) * weight
        for term, weight in terms.items()
        if df.get(term)
    }
    if not idf:
        return SearchPage(ids=[], total=0)
    present = list(idf)
    table = SearchPosting._meta.db_table
    marks = ", ".join(["%s"] * len(present))
    case = " ".join("WHEN %s THEN %s" for _ in present)
    case_params: list[Any] = []
    for term in present:
        case_params.extend([term, idf[term]])
    where = f"p.term IN ({marks})"
    params: list[Any] = [*present]
    source = f"{table} p"
    cutoff = max(COMMON_TERM_MIN_DF, documents * COMMON_TERM_SHARE)
    rare = [term for term in present if df[term] <= cutoff]
    if rare and len(rare) < len(present):
        # Score only the documents a rare term matched: join them to their postings.
        rare_marks = ", ".join(["%s"] * len(rare))
        # SQLite's CROSS JOIN keeps the (small) candidate set as the outer loop.
        join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
        source = (
            f"(SELECT DISTINCT implementation_id AS id FROM {table} "  # noqa: S608
            f"WHERE term IN ({rare_marks})) c "
            f"{join} {table} p ON p.implementation_id = c.id"
        )
        params = [*rare, *params]
    if candidates is not None:
        sub_sql, sub_params = candidates.values("id").query.sql_with_params()
        where += f" AND p.implementation_id IN ({sub_sql})"
        params.extend(sub_params)
    # One pass: the window count gives the number of matching items next to the page.
    ranked_sql = (
        "SELECT p.implementation_id, "  # noqa: S608
        f"{_rounded(f'SUM((CASE p.term {case} ELSE 0 END) * p.score)')} AS rank, "
        "COUNT(*) OVER () AS total "
        f"FROM {source} WHERE {where} GROUP BY p.implementation_id "
        "ORDER BY rank DESC, p.implementation_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked_sql, [*case_params, *params, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return SearchPage(ids=[row[0] for row in rows], total=rows[0][2])
        if offset == 0:
            return SearchPage(ids=[], total=0)
        count_sql = f"SELECT COUNT(DISTINCT p.implementation_id) FROM {source} WHERE {where}"  # noqa: S608
        cursor.execute(count_sql, params)
        return SearchPage(ids=[], total=cursor.fetchone()[0])


def _document_frequencies(terms: Iterable[str], generation: int) -> dict[str, int]:
    """Document frequency per term, cached for the index generation."""
    keys = {f"search:df:{generation}:{term}": term for term in terms}
    cached = cache.get_many(list(keys))
    found = {keys[key]: value for key, value in cached.items()}
    missing = [term for key, term in keys.items() if key not in cached]
    if missing:
        counted = dict(
            SearchPosting.objects.filter(term__in=missing)
            .values_list("term")
            .annotate(n=Count("id"))
            .values_list("term", "n")
        )
        fresh = {term: counted.get(term, 0) for term in missing}
        cache.set_many(
            {f"search:df:{generation}:{term}": n for term, n in fresh.items()}, CACHE_SECONDS
        )
        found.update(fresh)
    return found
