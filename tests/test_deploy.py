"""Production settings pass Django's deployment checks and allow no superuser."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_env(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "oidc.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    # Nothing of the test process's own set-up (its database, the browser tests' async
    # allowance) may reach the production process.
    test_only = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        ONEWINDOW_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="zwfw.example.gov.cn",
        ONEWINDOW_FIELD_KEY=secrets.token_hex(16),
        ONEWINDOW_DIGEST_KEY=secrets.token_hex(16),
        ONEWINDOW_OIDC_PRIVATE_KEY_FILE=str(pem),
        ONEWINDOW_DATA_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
    )
    return env


def _manage(env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_at_warning_level(production_env):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_create_a_superuser(production_env):
    assert _manage(production_env, "migrate", "-v0").returncode == 0
    result = _manage(
        production_env,
        "createsuperuser",
        "--no-input",
        "--username",
        "root",
        "--email",
        "root@example.org",
    )
    assert result.returncode != 0
    assert "no superuser" in result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ONEWINDOW_FIELD_KEY",
        "ONEWINDOW_DIGEST_KEY",
        "ONEWINDOW_OIDC_PRIVATE_KEY_FILE",
    ],
)
def test_production_fails_loudly_without_its_secrets(production_env, missing):
    del production_env[missing]
    result = _manage(production_env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
