from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    label = "catalog"
    verbose_name = _("事项目录")

    def ready(self) -> None:
        from onewindow.core import page_cache

        from .models import SearchDocument, SearchPosting

        # The public pages show the catalog; an index change saves SearchStats, so the search
        # index's own tables (written in bulk, thousands of rows) need no signal.
        page_cache.track_app(self, exclude=(SearchPosting, SearchDocument))
