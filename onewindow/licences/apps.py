from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "onewindow.licences"
    label = "licences"
    verbose_name = _("电子证照")

    def ready(self) -> None:
        from onewindow.cases.signals import case_decided

        from .issuance import on_case_decided

        case_decided.connect(on_case_decided, dispatch_uid="onewindow.licences.issue_on_grant")
