from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "platform_name": settings.ONEWINDOW_CENTER_NAME or _("一网通办政务服务平台"),
    }
