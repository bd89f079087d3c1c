"""``seed_demo`` in production: the demo centre's set-up loads, but no demo accounts and no demo
cases (a production platform never gets accounts with a published password)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.cases.models import Case
from onewindow.catalog.demo import accounts
from onewindow.catalog.tests.test_seed_demo import key_settings, run_seed
from onewindow.evaluation.models import AssessmentWeights
from onewindow.identity.models import User
from onewindow.org.models import Post

pytestmark = pytest.mark.django_db


def test_in_production_it_creates_no_demo_accounts_and_no_demo_cases(settings, tmp_path):
    settings.PRODUCTION = True
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, value in key_settings(tmp_path / "keys").items():
        setattr(settings, name, value)

    output, summary = run_seed()

    assert not User.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert not Post.objects.filter(holders__isnull=False).exists()
    assert not Case.objects.exists()
    assert summary["demo_accounts"] == summary["demo_cases"] == summary["ratings"] == 0
    assert accounts.DEMO_PASSWORD not in output
    assert accounts.DEMO_TOTP_SECRET not in output
    assert summary["items"] >= 40
    assert summary["licence_types"] > 0
    assert summary["hotline_categories"] > 0
    assert AssessmentWeights.objects.count() == 1
