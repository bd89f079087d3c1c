"""Personas and helpers of the account tests: a citizen, another citizen (the agent), a window
clerk (staff) with and without an authenticator, a system administrator, and the clock."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from onewindow.identity import services
from onewindow.identity.models import Role, User

PASSWORD = "Zw!x9-Lk3m"
NEW_PASSWORD = "Qa#7-Rt2vXy"


def id_number(body: str = "11010519491231002") -> str:
    """A valid ID number: 17 digits and their check digit (``calc_check_digit`` wants 18)."""
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str = "91340300MA2N0P1Q7") -> str:
    return body + uscc.calc_check_digit(body)


def token_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The device's code now (or ``offset_steps`` later, for a second code in one test)."""
    device.refresh_from_db()
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - offset_steps * device.step,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{code:0{device.digits}d}"


def wrong_token(device: TOTPDevice) -> str:
    right = {token_for(device, offset_steps=steps) for steps in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in right)


def sign_in_verified(client: Client, user: User, device: TOTPDevice | None = None) -> None:
    """A signed-in session, past the second step for staff."""
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def citizen(db) -> User:  # type: ignore[no-untyped-def]
    return services.register_person(
        username="zhangsan",
        password=PASSWORD,
        name="张三",
        id_number=id_number("11010519491231002"),
        phone="13856785678",
    )


@pytest.fixture
def agent(db) -> User:  # type: ignore[no-untyped-def]
    return services.register_person(
        username="lisi",
        password=PASSWORD,
        name="李四",
        id_number=id_number("11010519800101001"),
        phone="13912345678",
    )


@pytest.fixture
def clerk(db) -> User:  # type: ignore[no-untyped-def]
    """A window clerk without an authenticator yet."""
    return services.create_staff(
        username="clerk",
        password=PASSWORD,
        name="王窗口",
        department=None,
        roles=[Role.WINDOW_CLERK],
        actor=None,
    )


@pytest.fixture
def clerk_device(clerk: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=clerk, name="TOTP", confirmed=True)


@pytest.fixture
def sysadmin(db) -> User:  # type: ignore[no-untyped-def]
    return services.create_staff(
        username="sysadmin",
        password=PASSWORD,
        name="赵管理",
        department=None,
        roles=[Role.SYSTEM_ADMIN],
        actor=None,
    )


@pytest.fixture
def sysadmin_device(sysadmin: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=sysadmin, name="TOTP", confirmed=True)


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Move the clock of ``django.utils.timezone.now`` (and of ``time.time``, for TOTP)."""
    real_time = time.time

    def to(moment: dt.datetime) -> None:
        shift = moment.timestamp() - real_time()
        monkeypatch.setattr(timezone, "now", lambda: moment)
        monkeypatch.setattr(time, "time", lambda: real_time() + shift)

    return to


@pytest.fixture
def no_otp_throttle(settings) -> None:  # type: ignore[no-untyped-def]
    """django-otp's own back-off (1, 2, 4… seconds) would hide our count of wrong codes."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
