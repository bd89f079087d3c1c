"""Personas, an item with stages and a clock fixed to a day, for the supervision tests.

The case engine's personas and items are reused from its own test fixtures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from onewindow.cases import services as case_services
from onewindow.cases.tests import conftest as engine_fixtures
from onewindow.cases.tests.conftest import _staff, on_day, upload

# The case engine's personas and items, as fixtures of these tests too.
departments = engine_fixtures.departments
item = engine_fixtures.item
instant_item = engine_fixtures.instant_item
people = engine_fixtures.people
submitted = engine_fixtures.submitted
commit_effects = engine_fixtures.commit_effects
__all__ = ["on_day", "upload"]

# A stretch of ordinary working days (no holiday, no adjusted weekend): Monday 2 March 2026.
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def overseers(departments, people) -> dict[str, Any]:
    return {
        "supervisor": _staff("supervisor", None, ["supervisor"]),
        "manager": _staff("manager", None, ["centre_manager"]),
        "head": _staff("head", departments["SCJG"], ["department_head"]),
        "xf_head": _staff("xf_head", departments["XF"], ["department_head"]),
    }


@pytest.fixture
def accepted_on(monkeypatch, people, submitted):
    """Accept the submitted case on a given day (the engine's clock set to it)."""

    def accept(day: dt.date = MONDAY):
        on_day(monkeypatch, day)
        return case_services.accept(submitted, actor=people["clerk"])

    return accept


@pytest.fixture
def sweep_on():
    from onewindow.supervision import sweep

    def run(day: dt.date, hour: int = 10) -> dict[str, Any]:
        return sweep.run(at(day, hour))

    return run


def sign_in(client, user) -> None:
    """Sign ``user`` in; staff with a confirmed TOTP device, as the sign-in requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="TOTP", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
