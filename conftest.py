"""Test set-up shared by every app: test settings, quiet jieba, media in a temporary folder."""

from __future__ import annotations

import os

os.environ["ONEWINDOW_ENV"] = "test"

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def official_calendar(db):  # type: ignore[no-untyped-def]
    """The holiday table loaded from the installed chinesecalendar package."""
    from onewindow.core.services import sync_calendar_from_package

    return sync_calendar_from_package()
