"""``onewindow open311-key create <partner>``: prints a working key on the last line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from onewindow.cli import main
from onewindow.hotline import services
from onewindow.hotline.models import Open311Key, Open311Partner

pytestmark = pytest.mark.django_db


def test_the_command_creates_the_partner_and_prints_a_key(capsys, monkeypatch):
    # A command run from the command line closes every database connection when it ends;
    # here that would be the test's own connection (and its transaction) on PostgreSQL.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    main(["onewindow", "open311-key", "create", "随手拍", "--contact", "李工 0552-1234567"])
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert secret.startswith("o311_")
    partner = Open311Partner.objects.get(name="随手拍")
    assert services.authenticate_open311_key(secret).partner == partner
    key = Open311Key.objects.get()
    assert key.digest != secret
    assert secret.startswith(key.prefix)
    out = io.StringIO()
    call_command("open311_key", "create", "随手拍", stdout=out, stderr=io.StringIO())
    assert Open311Key.objects.filter(partner=partner).count() == 2
    call_command("open311_key", "revoke", key.prefix, stdout=io.StringIO())
    assert services.authenticate_open311_key(secret) is None


def test_bad_input_fails_loudly():
    with pytest.raises(CommandError):
        call_command("open311_key", "create", " ", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("open311_key", "revoke", "o311_nothere", stdout=io.StringIO())


def test_the_system_administrator_may_issue_keys_in_the_admin(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="role:system_admin")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_open311partner", "change_open311partner", "change_category"} <= codenames
