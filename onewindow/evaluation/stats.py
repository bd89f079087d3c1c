"""Rating figures for other apps (the supervision dashboards and ``stats/summary``), read from
the daily rollup ``EvaluationDaily``: one indexed aggregate over at most a row per day,
channel, department, item and window."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from .models import EvaluationDaily


def rating_counts(
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    department_id: int | None = None,
    implementation_id: int | None = None,
) -> dict[str, int]:
    """Counted ratings (defaulted ones included) with a rating day in
    ``[date_from, date_to]`` (either end open when None): ``{"evaluations": N,
    "satisfied": M}`` where satisfied means level 3 (基本满意) or better."""
    rows = EvaluationDaily.objects.all()
    if date_from is not None:
        rows = rows.filter(day__gte=date_from)
    if date_to is not None:
        rows = rows.filter(day__lte=date_to)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if implementation_id is not None:
        rows = rows.filter(implementation_id=implementation_id)
    totals = rows.aggregate(evaluations=Sum("evaluations"), satisfied=Sum("satisfied"))
    return {"evaluations": totals["evaluations"] or 0, "satisfied": totals["satisfied"] or 0}
