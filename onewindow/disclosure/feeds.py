"""RSS 2.0 and Atom 1.0 feeds of published documents (django.contrib.syndication): every
agency together, one agency, or one category of an agency's catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from onewindow.org.models import Department

from . import queries
from .models import Category, Document

FEED_SIZE = 30


class DocumentFeed(Feed):
    """All published documents; subclasses narrow to an agency or one of its categories."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def title(self, obj: Any) -> str:
        return _("政务公开 · 最新公开文件")

    def link(self, obj: Any) -> str:
        return reverse("disclosure:index")

    def description(self, obj: Any) -> str:
        return _("各机关主动公开的政府信息")

    def documents(self, obj: Any) -> QuerySet[Document]:
        return queries.published_documents()

    def items(self, obj: Any) -> list[Document]:
        return list(self.documents(obj)[:FEED_SIZE])

    def item_title(self, item: Document) -> str:
        return item.title

    def item_description(self, item: Document) -> str:
        parts = [item.agency.name]
        if item.doc_number:
            parts.append(item.doc_number)
        if item.summary:
            parts.append(item.summary)
        return " · ".join(parts)

    def item_link(self, item: Document) -> str:
        return reverse("disclosure:document", args=[item.pk])

    def item_guid(self, item: Document) -> str:
        return f"disclosure-document-{item.pk}"

    def item_pubdate(self, item: Document) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Document) -> dt.datetime | None:
        return item.updated_at

    def item_categories(self, item: Document) -> list[str]:
        return [item.category.name]

    def item_author_name(self, item: Document) -> str:
        return item.issuer or item.agency.name


class AgencyFeed(DocumentFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Department:
        return get_object_or_404(Department, code=kwargs["code"], is_active=True)

    def title(self, obj: Department) -> str:
        return _("%(agency)s · 政务公开") % {"agency": obj.name}

    def link(self, obj: Department) -> str:
        return reverse("disclosure:agency", args=[obj.code])

    def description(self, obj: Department) -> str:
        return _("%(agency)s主动公开的政府信息") % {"agency": obj.name}

    def documents(self, obj: Department) -> QuerySet[Document]:
        return queries.published_documents(agency=obj)


class CategoryFeed(DocumentFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Category:
        category = (
            Category.objects.select_related("agency")
            .filter(agency__code=kwargs["code"], agency__is_active=True, code=kwargs["category"])
            .first()
        )
        if category is None:
            raise Http404("no such category")
        return category

    def title(self, obj: Category) -> str:
        return _("%(agency)s · %(category)s") % {"agency": obj.agency.name, "category": obj.name}

    def link(self, obj: Category) -> str:
        return reverse("disclosure:category", args=[obj.agency.code, obj.code])

    def description(self, obj: Category) -> str:
        return obj.description or obj.name

    def documents(self, obj: Category) -> QuerySet[Document]:
        return queries.published_documents(category=obj)


class DocumentAtomFeed(DocumentFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)


class AgencyAtomFeed(AgencyFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Department) -> str:
        return self.description(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Category) -> str:
        return self.description(obj)
