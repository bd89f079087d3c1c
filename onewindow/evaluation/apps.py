from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "onewindow.evaluation"
    label = "evaluation"
    verbose_name = _("好差评与窗口考核")
