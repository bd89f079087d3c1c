from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "onewindow.disclosure"
    label = "disclosure"
    verbose_name = _("政务公开")

    def ready(self) -> None:
        from onewindow.core import page_cache

        from .models import Document

        page_cache.track(Document)  # emergency notices are pinned on the home page
