"""Chinese full-text search over published documents and interpretations.

The catalog's approach (docs/adr/0004-catalog-search.md): jieba search-mode segmentation
(``catalog.search.tokenize``, the same stopwords and English stemming) and BM25 ranking over
postings kept in the database, written in the same transaction that publishes or withdraws.
Only published items have postings, so a search can never surface a draft.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q

from onewindow.catalog.search import MAX_QUERY_TERMS, MAX_TERM_LENGTH, tokenize

from .models import Document, Interpretation, PublishStatus, SearchPosting

K1 = 1.2
B = 0.75
WEIGHTS = {"title": 4.0, "doc_number": 4.0, "keywords": 3.0, "summary": 1.5, "body": 1.0}


@dataclass(frozen=True)
class Hit:
    obj: Document | Interpretation
    score: float

    @property
    def kind(self) -> str:
        return "document" if isinstance(self.obj, Document) else "interpretation"


def _fields(obj: Document | Interpretation) -> dict[str, str]:
    fields = {"title": obj.title, "summary": obj.summary, "body": obj.body}
    if isinstance(obj, Document):
        fields["doc_number"] = obj.doc_number
        fields["keywords"] = f"{obj.keywords} {obj.issuer}"
    else:
        fields["body"] += " " + " ".join(
            f"{entry.get('q', '')} {entry.get('a', '')}" for entry in obj.qa or []
        )
    return fields


def _terms(obj: Document | Interpretation) -> dict[str, float]:
    counts: dict[str, float] = defaultdict(float)
    for field, text in _fields(obj).items():
        for term in tokenize(text or ""):
            counts[term[:MAX_TERM_LENGTH]] += WEIGHTS[field]
    return counts


def _owner(obj: Document | Interpretation) -> Q:
    if isinstance(obj, Document):
        return Q(document=obj)
    return Q(interpretation=obj)


def index(obj: Document | Interpretation) -> None:
    """(Re-)index a published item; remove any other item from the index."""
    SearchPosting.objects.filter(_owner(obj)).delete()
    if obj.status != PublishStatus.PUBLISHED:
        type(obj).objects.filter(pk=obj.pk).update(search_length=0.0)
        return
    counts = _terms(obj)
    length = float(sum(counts.values()))
    type(obj).objects.filter(pk=obj.pk).update(search_length=length)
    owner: dict[str, Any] = (
        {"document": obj} if isinstance(obj, Document) else {"interpretation": obj}
    )
    SearchPosting.objects.bulk_create(
        SearchPosting(term=term, tf=tf, **owner) for term, tf in counts.items()
    )


def search(query: str, *, agency_id: int | None = None, limit: int = 50) -> list[Hit]:
    """Published documents and interpretations ranked by BM25 for ``query``."""
    terms = list(dict.fromkeys(tokenize(query)))[:MAX_QUERY_TERMS]
    if not terms:
        return []
    published = PublishStatus.PUBLISHED
    docs = Document.objects.filter(status=published)
    interps = Interpretation.objects.filter(status=published)
    if agency_id is not None:
        docs = docs.filter(agency_id=agency_id)
        interps = interps.filter(agency_id=agency_id)
    stats_d = docs.aggregate(n=Count("pk"), avg=Avg("search_length"))
    stats_i = interps.aggregate(n=Count("pk"), avg=Avg("search_length"))
    total = (stats_d["n"] or 0) + (stats_i["n"] or 0)
    if not total:
        return []
    average = (
        (stats_d["avg"] or 0) * (stats_d["n"] or 0) + (stats_i["avg"] or 0) * (stats_i["n"] or 0)
    ) / total or 1.0
    postings = SearchPosting.objects.filter(term__in=terms)
    if agency_id is not None:
        postings = postings.filter(
            Q(document__agency_id=agency_id) | Q(interpretation__agency_id=agency_id)
        )
    rows = list(postings.values_list("term", "document_id", "interpretation_id", "tf"))
    df: dict[str, int] = defaultdict(int)
    for term, *_rest in rows:
        df[term] += 1
    scores: dict[tuple[str, int], float] = defaultdict(float)
    lengths = {("d", pk): length for pk, length in docs.values_list("pk", "search_length")}
    lengths.update({("i", pk): length for pk, length in interps.values_list("pk", "search_length")})
    for term, document_id, interpretation_id, tf in rows:
        key = ("d", document_id) if document_id else ("i", interpretation_id)
        if key not in lengths:
            continue
        idf = math.log(1 + (total - df[term] + 0.5) / (df[term] + 0.5))
        length = lengths[key] or average
        scores[key] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0][0], -item[0][1]))[:limit]
    doc_ids = [pk for (kind, pk), _s in ranked if kind == "d"]
    interp_ids = [pk for (kind, pk), _s in ranked if kind == "i"]
    objects: dict[tuple[str, int], Document | Interpretation] = {
        ("d", d.pk): d for d in Document.objects.filter(pk__in=doc_ids).select_related("agency")
    }
    objects.update(
        {
            ("i", i.pk): i
            for i in Interpretation.objects.filter(pk__in=interp_ids).select_related("agency")
        }
    )
    return [Hit(objects[key], score) for key, score in ranked if key in objects]
