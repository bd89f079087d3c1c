from __future__ import annotations

from celery import shared_task

from . import search


@shared_task(name="onewindow.catalog.tasks.refresh_search_stats")
def refresh_search_stats() -> bool:
    """Re-normalise the search index when the catalog's average document length drifted."""
    return search.refresh_norms()
