from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = _("基础服务")

    def ready(self) -> None:
        from . import calendar  # noqa: F401  # connects the signals that reload the calendar
