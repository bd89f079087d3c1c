"""``onewindow user create`` and ``onewindow token create`` (API.md "Command line")."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric, uscc

from onewindow.catalog.tests import factories
from onewindow.identity import tokens
from onewindow.identity.models import ApiToken, Organization, User

pytestmark = pytest.mark.django_db

PASSWORD = "Zw!x9-Lk3m"
ID_BODY = "11010519491231002"
CREDIT_BODY = "91340300MA2N0P1Q7"
ID_NUMBER = ID_BODY + ric.calc_check_digit(ID_BODY + "0")
CREDIT_CODE = CREDIT_BODY + uscc.calc_check_digit(CREDIT_BODY)


def run(*args: str, stdin: str = "") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    original = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out, stderr=err)
    finally:
        sys.stdin = original
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def create_person(username: str = "zhangsan", *extra: str, stdin: str = "") -> dict:
    out, _err = run(
        "user",
        "create",
        username,
        "--kind",
        "person",
        "--name",
        "张三",
        "--id-number",
        ID_NUMBER,
        "--phone",
        "13856785678",
        *extra,
        stdin=stdin,
    )
    return dict(json.loads(last_line(out)))


def refused(*args: str, stdin: str = "") -> str:
    with pytest.raises(CommandError) as excinfo:
        run(*args, stdin=stdin)
    return str(excinfo.value)


# --- user create ----------------------------------------------------------------------------


def test_a_person_is_created_and_printed_as_json_on_the_last_line():
    assert create_person() == {"username": "zhangsan", "kind": "person", "roles": ["applicant"]}
    user = User.objects.get(username="zhangsan")
    assert user.kind == User.Kind.PERSON
    assert user.id_number == ID_NUMBER
    assert not user.has_usable_password()
    assert not user.is_superuser
    assert not user.is_staff


def test_the_password_is_read_from_standard_input():
    create_person("zhangsan", "--password-stdin", stdin=PASSWORD + "\n")
    assert User.objects.get(username="zhangsan").check_password(PASSWORD)


def test_a_person_may_also_be_made_an_agent():
    assert create_person("zhangsan", "--role", "agent")["roles"] == ["agent", "applicant"]


def test_an_organisation_is_created_with_its_credit_code():
    out, _err = run(
        "user",
        "create",
        "acme",
        "--kind",
        "organization",
        "--name",
        "蚌埠示例科技有限公司",
        "--credit-code",
        CREDIT_CODE,
        "--legal-representative",
        "李四",
        "--phone",
        "13912345678",
    )
    assert json.loads(last_line(out)) == {
        "username": "acme",
        "kind": "organization",
        "roles": ["applicant"],
    }
    organization = Organization.objects.get(credit_code=CREDIT_CODE)
    assert organization.account.username == "acme"
    assert organization.name == "蚌埠示例科技有限公司"


def test_staff_are_created_in_a_department_with_roles():
    department = factories.department()
    out, _err = run(
        "user",
        "create",
        "reviewer1",
        "--kind",
        "staff",
        "--name",
        "王五",
        "--department",
        department.code,
        "--role",
        "reviewer",
        "--role",
        "handler",
    )
    assert json.loads(last_line(out)) == {
        "username": "reviewer1",
        "kind": "staff",
        "roles": ["handler", "reviewer"],
        "department": department.code,
    }
    user = User.objects.get(username="reviewer1")
    assert user.department == department
    assert not user.is_superuser


def test_an_administrator_is_staff_with_one_admin_role_never_a_superuser():
    out, _err = run(
        "user", "create", "sysadmin", "--kind", "staff", "--name", "赵六", "--role", "system_admin"
    )
    assert json.loads(last_line(out))["roles"] == ["system_admin"]
    user = User.objects.get(username="sysadmin")
    assert user.is_staff
    assert not user.is_superuser


PERSON = [
    "user",
    "create",
    "zhangsan",
    "--kind",
    "person",
    "--name",
    "张三",
    "--phone",
    "13856785678",
]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        pytest.param([*PERSON, "--id-number", "110105194912310023"], "--id-number", id="checksum"),
        pytest.param([*PERSON, "--id-number", "1101051949"], "--id-number", id="malformed-id"),
        pytest.param(PERSON, "--id-number", id="missing-id"),
        pytest.param(
            [*PERSON, "--id-number", ID_NUMBER, "--credit-code", CREDIT_CODE],
            "--credit-code",
            id="credit-code-for-a-person",
        ),
        pytest.param(
            [*PERSON, "--id-number", ID_NUMBER, "--role", "handler"],
            "staff roles",
            id="staff-role-for-a-person",
        ),
        pytest.param(
            [*PERSON, "--id-number", ID_NUMBER, "--role", "wizard"],
            "unknown role wizard",
            id="unknown-role",
        ),
        pytest.param([*PERSON[:-1], "12345", "--id-number", ID_NUMBER], "--phone", id="bad-phone"),
        pytest.param(
            [
                *["user", "create", "acme", "--kind", "organization", "--name", "某公司"],
                *["--credit-code", CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1")],
                *["--legal-representative", "李四", "--phone", "13912345678"],
            ],
            "--credit-code",
            id="credit-code-checksum",
        ),
        pytest.param(
            ["user", "create", "acme", "--kind", "organization", "--credit-code", CREDIT_CODE],
            "--name",
            id="organisation-without-name",
        ),
        pytest.param(
            ["user", "create", "w", "--kind", "staff", "--name", "王五", "--role", "handler"],
            "--department",
            id="department-role-without-department",
        ),
        pytest.param(
            ["user", "create", "w", "--kind", "staff", "--name", "王五"],
            "--role",
            id="staff-without-role",
        ),
        pytest.param(
            [
                *["user", "create", "w", "--kind", "staff", "--name", "王五"],
                *["--department", "NOPE", "--role", "handler"],
            ],
            "unknown department",
            id="unknown-department",
        ),
        pytest.param(
            [
                *["user", "create", "w", "--kind", "staff", "--name", "王五"],
                *["--role", "system_admin", "--role", "audit_admin"],
            ],
            "--role",
            id="two-admin-roles",
        ),
        pytest.param(["user", "create", "x", "--kind", "alien"], "invalid choice", id="kind"),
        pytest.param(["user", "create", "--kind", "person"], "username", id="no-username"),
        pytest.param(["user"], "create", id="no-subcommand"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_creates_nothing(args, reason):
    assert reason in refused(*args)
    assert not User.objects.exists()


def test_a_duplicate_username_is_refused():
    create_person()
    message = refused(
        *["user", "create", "ZhangSan", "--kind", "staff", "--name", "王五"],
        *["--role", "supervisor"],
    )
    assert "<username>" in message
    assert User.objects.count() == 1


def test_a_weak_or_missing_password_on_standard_input_is_refused():
    assert "--password-stdin" in refused(*PERSON, "--id-number", ID_NUMBER, "--password-stdin")
    message = refused(*PERSON, "--id-number", ID_NUMBER, "--password-stdin", stdin="123\n")
    assert "--password-stdin" in message
    assert not User.objects.exists()


def test_a_failure_after_the_account_leaves_no_account_behind(monkeypatch):
    from onewindow.identity import services

    def broken(*args, **kwargs):
        raise ValidationError({"roles": ["boom"]})

    monkeypatch.setattr(services, "grant_role", broken)
    assert "boom" in refused(*PERSON, "--id-number", ID_NUMBER, "--role", "agent")
    assert not User.objects.exists()


# --- token create ---------------------------------------------------------------------------


def test_a_token_is_printed_alone_on_the_last_line_and_works():
    create_person()
    out, err = run("token", "create", "zhangsan")
    secret = last_line(out)
    assert secret.startswith("ow_")
    assert " " not in secret
    assert "once" in err
    assert tokens.authenticate_token(secret) == User.objects.get(username="zhangsan")
    token = ApiToken.objects.get()
    assert token.expires_at is None
    assert token.digest != secret
    assert secret not in token.prefix


def test_a_token_may_expire_and_carry_a_name():
    create_person()
    run("token", "create", "zhangsan", "--name", "报送脚本", "--expires-days", "30")
    token = ApiToken.objects.get()
    assert token.name == "报送脚本"
    assert token.expires_at is not None
    assert 29 <= (token.expires_at - token.created_at).days <= 30


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        pytest.param(["nobody"], "no account", id="unknown-user"),
        pytest.param(["zhangsan", "--expires-days", "0"], "--expires-days", id="zero-days"),
        pytest.param(["zhangsan", "--expires-days", "x"], "--expires-days", id="not-a-number"),
        pytest.param(["zhangsan", "--name", " "], "--name", id="blank-name"),
    ],
)
def test_bad_token_requests_are_refused(args, reason):
    create_person()
    assert reason in refused("token", "create", *args)
    assert not ApiToken.objects.exists()


def test_a_deactivated_account_gets_no_token():
    create_person()
    User.objects.update(is_active=False)
    refused("token", "create", "zhangsan")
    assert not ApiToken.objects.exists()


# --- the console command itself -------------------------------------------------------------


def test_the_console_command_exits_non_zero_on_bad_input(tmp_path):
    executable = Path(sys.executable).with_name("onewindow")
    environment = {**os.environ, "ONEWINDOW_ENV": "test", "ONEWINDOW_DATA_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603
        [str(executable), "user", "create", "x", "--kind", "alien"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "invalid choice" in result.stderr
