"""Scheduled work of the evaluation app (``ONEWINDOW_SCHEDULE`` entry ``evaluation-sweep``)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="onewindow.evaluation.tasks.sweep_evaluations")
def sweep_evaluations() -> dict[str, int]:
    """Default ratings for cases unrated 7 days after completion (基本满意), and flag the
    rectifications past their 15-working-day deadline."""
    return {
        "defaulted": services.apply_default_ratings(),
        "overdue_rectifications": services.mark_overdue_rectifications(),
    }
