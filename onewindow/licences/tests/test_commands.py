"""``onewindow licences-init-ca`` and ``onewindow licences-issue-seal``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.licences.models import Authority, Seal

from .conftest import CREDIT_CODES

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_ca_and_a_seal_are_created_by_commands(key_dir, departments, settings):
    ca = _run("licences_init_ca", "--name", "测试中心")
    assert ca["fingerprint"] == Authority.objects.get().fingerprint
    assert settings.ONEWINDOW_LICENCE_CA_KEY_PATH.exists()
    departments["SCJG"].credit_code = CREDIT_CODES["SCJG"]
    departments["SCJG"].save()
    seal = _run("licences_issue_seal", "scjg")
    assert seal["department"] == "SCJG"
    assert Seal.objects.get(is_active=True).fingerprint == seal["fingerprint"]
    second = _run("licences_issue_seal", "SCJG")
    assert second["fingerprint"] != seal["fingerprint"]
    assert Seal.objects.filter(department=departments["SCJG"]).count() == 2
    assert Seal.objects.filter(department=departments["SCJG"], is_active=True).count() == 1


def test_the_commands_refuse_bad_input(key_dir, departments):
    with pytest.raises(CommandError, match="licences-init-ca"):
        call_command("licences_issue_seal", "SCJG", stdout=StringIO())
    call_command("licences_init_ca", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("licences_init_ca", stdout=StringIO())
    with pytest.raises(CommandError, match="no department"):
        call_command("licences_issue_seal", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError, match="统一社会信用代码"):
        call_command("licences_issue_seal", "XF", stdout=StringIO())
