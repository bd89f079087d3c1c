from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "onewindow.supervision"
    label = "supervision"
    verbose_name = _("电子监察")

    def ready(self) -> None:
        # The case engine colours cases by the one rule of cases.alerts; the per-item
        # thresholds it needs are this app's (AlertThreshold), handed down here because the
        # case engine may not import an app above it.
        from onewindow.cases import alerts

        from . import thresholds

        alerts.register_overrides(thresholds.overrides)
