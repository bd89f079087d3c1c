"""The header offers each person the areas their roles open, and nothing they would be refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.identity import services as identity

from .conftest import PASSWORD, People

pytestmark = pytest.mark.django_db


def _areas(client: Client, user) -> set[str]:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onewindow.identity.tests.conftest import sign_in_verified

    device = None
    if user.kind == "staff":
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    sign_in_verified(client, user, device)
    page = client.get(reverse("portal:home")).content.decode()
    return {
        url
        for url in (
            "/workbench/",
            "/hotline/",
            "/supervision/",
            "/evaluation/staff/",
            "/licences/staff/",
            "/disclosure/manage/",
        )
        if f'href="{url}"' in page
    }


def test_each_person_sees_the_areas_their_roles_open(client: Client, people: People) -> None:
    assert _areas(client, people.citizen) == set()
    assert "/workbench/" in _areas(Client(), people.clerk)
    assert "/supervision/" not in _areas(Client(), people.clerk)
    supervisor = identity.create_staff(
        username="supervisor",
        password=PASSWORD,
        name="监察",
        department=None,
        roles=["supervisor"],
        actor=None,
    )
    seen = _areas(Client(), supervisor)
    assert "/supervision/" in seen
    assert "/hotline/" not in seen
    for url in seen:  # every offered area opens
        signed = Client()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from onewindow.identity.tests.conftest import sign_in_verified

        sign_in_verified(signed, supervisor, TOTPDevice.objects.get(user=supervisor))
        assert signed.get(url).status_code == 200, url


def test_citizens_see_their_licences_and_everyone_the_public_pages(
    client: Client, people: People
) -> None:
    page = client.get(reverse("portal:home")).content.decode()
    for url in ("/licences/verify/", "/statistics/", "/disclosure/"):
        assert f'href="{url}"' in page
    assert 'href="/licences/mine/"' not in page
    client.force_login(people.citizen)
    assert 'href="/licences/mine/"' in client.get(reverse("portal:home")).content.decode()
