"""The e-licences a case produced, for the applicant's case page (``licences_of_case``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from onewindow.licences import queries as licence_queries
from onewindow.licences.models import Licence

register = template.Library()


@dataclass(frozen=True)
class CaseLicence:
    licence: Licence
    status: str
    status_label: str
    downloadable: bool  # the viewer holds it or receives results for the holder


@register.simple_tag(takes_context=True)
def case_licences(context: dict[str, Any], case: Any) -> list[CaseLicence]:
    """Every version of every licence the case produced, oldest first."""
    request = context.get("request")
    user = getattr(request, "user", None)
    licences = list(licence_queries.licences_of_case(case.case_no))
    if not licences or user is None:
        return []
    mine = set(
        licence_queries.holder_licences(user)
        .filter(pk__in=[licence.pk for licence in licences])
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    result = []
    for licence in licences:
        status = licence.current_status(today)
        result.append(
            CaseLicence(
                licence=licence,
                status=status,
                status_label=str(Licence.Status(status).label),
                downloadable=licence.pk in mine,
            )
        )
    return result
