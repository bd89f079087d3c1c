from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "onewindow.org"
    label = "org"
    verbose_name = _("机构与窗口")

    def ready(self) -> None:
        from onewindow.core import page_cache

        page_cache.track_app(self)  # the public pages show departments, centres, regions
