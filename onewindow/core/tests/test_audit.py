"""The append-only, SM3 hash-chained audit log: recording, verification, the guards at both
levels (application and database trigger), the ``audit`` command and the audit pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from onewindow.core import audit
from onewindow.core.audit_views import EXPORT_LIMIT, export_header
from onewindow.core.models import (
    GENESIS_HASH,
    AppendOnlyError,
    AuditRecord,
    CalendarYear,
    canonical_ip,
)

pytestmark = pytest.mark.django_db

URLS = "onewindow.core.tests.audit_test_urls"
SEARCH = "/audit/"
EXPORT = "/audit/export.csv"


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def guard_lifted() -> Iterator[Any]:
    """Switch the database's append-only trigger off, to simulate tampering by someone with
    direct database access; the trigger is back on when the block ends, whatever happens."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid = 'core_auditrecord'::regclass ORDER BY tgname"
            )
            assert [name for (name,) in cursor.fetchall()] == [
                "core_auditrecord_append_only",
                "core_auditrecord_no_truncate",
            ]
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER USER")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'core_auditrecord' ORDER BY name"
            )
            triggers = cursor.fetchall()
            assert [name for name, _sql in triggers] == [
                "core_auditrecord_no_delete",
                "core_auditrecord_no_update",
            ]
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield cursor
            finally:
                for _name, sql in triggers:
                    cursor.execute(sql)


def tamper(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), guard_lifted() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def audit_log_cleared(transactional_db: None) -> Iterator[None]:
    """Transactional tests end with Django's flush, a plain DELETE on SQLite that the trigger
    refuses; empty the log first, with the trigger lifted."""
    yield
    tamper("DELETE FROM core_auditrecord")


def make_user(username: str, *, can_read: bool = False) -> Any:
    user = get_user_model().objects.create_user(username=username, password="x-Secret-2026")
    if can_read:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="core", codename="view_auditrecord")
        )
    return user


def chain(count: int) -> list[AuditRecord]:
    return [
        audit.record("test.step", object_type="test.thing", object_id=str(n), detail={"n": n})
        for n in range(1, count + 1)
    ]


# --- recording -------------------------------------------------------------------------------


def test_a_chain_of_records_verifies():
    user = make_user("zhangsan")
    agent = make_user("lisi")
    year = CalendarYear.objects.create(year=2026)
    first = audit.record("catalog.publish", actor=user, obj=year, detail={"版本": 2})
    second = audit.record(
        "case.submit",
        actor=agent,
        on_behalf_of=user,
        ip="2001:DB8::1",
        detail={
            "amount": Decimal("80.50"),
            "when": dt.date(2026, 1, 31),
            "ratio": 0.25,
            "whole": 3.0,
            "huge": 1e20,
            "nested": [{"a": None, "b": True}],
        },
    )
    third = audit.record("auth.login_failed", outcome="failure", ip="::ffff:10.0.0.1")

    assert [r.id for r in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.object_type == "core.calendaryear"
    assert first.object_id == str(year.pk)
    assert first.actor_label == "zhangsan"
    assert second.on_behalf_of_label == "zhangsan"
    assert third.actor_label == "system"
    assert audit.verify() == audit.VerifyResult(ok=True, records=3)
    # What the database gives back hashes to the same value.
    for row in AuditRecord.objects.order_by("id"):
        assert row.compute_hash() == row.hash
    assert AuditRecord.objects.get(id=2).detail["huge"] == 10**20


def test_the_hash_is_sm3_over_the_documented_serialisation():
    entry = audit.record("auth.login", ip="192.0.2.7", detail={"method": "password"})
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    expected = (
        '{"action":"auth.login","actor_id":null,"actor_label":"system",'
        f'"at":"{at}","detail":{{"method":"password"}},"id":1,"ip":"192.0.2.7",'
        '"object_id":"","object_type":"","on_behalf_of_id":null,"on_behalf_of_label":"",'
        f'"outcome":"success","prev_hash":"{GENESIS_HASH}"}}'
    )
    assert entry.canonical().decode() == expected
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(expected.encode())
    assert entry.hash == digest.finalize().hex()


def test_ip_addresses_are_canonical_whatever_their_spelling():
    assert canonical_ip("2001:DB8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001"
    assert canonical_ip("::ffff:10.0.0.1") == canonical_ip("::ffff:a00:1")
    assert canonical_ip("10.0.0.1") == "10.0.0.1"
    assert canonical_ip(None) is None


def test_the_request_gives_the_actor_and_the_address(settings):
    factory = RequestFactory()
    user = make_user("wangwu")
    request = factory.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    request.user = user
    entry = audit.record("auth.login", request=request)
    assert (entry.actor_id, entry.actor_label, entry.ip) == (user.pk, "wangwu", "10.1.2.3")

    settings.ONEWINDOW_TRUST_X_FORWARDED_FOR = True
    request = factory.get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    request.user = AnonymousUser()
    entry = audit.record("auth.login_failed", outcome="failure", request=request)
    assert (entry.actor_id, entry.actor_label, entry.ip) == (None, "anonymous", "203.0.113.9")

    request = factory.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="not-an-address")
    request.user = AnonymousUser()
    assert audit.record("auth.logout", request=request).ip == "10.1.2.3"
    assert audit.verify().ok


def test_nul_characters_are_stored_as_replacement_characters():
    entry = audit.record("access.denied", object_id="/a\x00b", detail={"k\x00": ["v\x00"]})
    row = AuditRecord.objects.get(pk=entry.pk)
    assert row.object_id == "/a\ufffdb"
    assert row.detail == {"k\ufffd": ["v\ufffd"]}
    assert audit.verify().ok


def test_secrets_never_enter_the_detail():
    entry = audit.record(
        "auth.password_changed",
        detail={"Password": "hunter2", "form": {"otp_token": "123456", "username": "zs"}},
    )
    assert entry.detail == {"Password": "***", "form": {"otp_token": "***", "username": "zs"}}
    assert "hunter2" not in json.dumps(AuditRecord.objects.get().detail)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "Login"}, "dotted"),
        ({"action": "auth.login", "outcome": "ok"}, "outcome"),
        ({"action": "auth.login", "object_id": "x" * 65}, "object_id"),
        ({"action": "auth.login", "ip": "999.1.1.1"}, "ip"),
        ({"action": "auth.login", "detail": {"bad": float("nan")}}, "NaN"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(kwargs, message):
    with pytest.raises(ValueError, match=message):
        audit.record(**kwargs)
    assert not AuditRecord.objects.exists()


def test_a_rolled_back_record_leaves_no_gap():
    def failing_service() -> None:
        with transaction.atomic():
            audit.record("test.rolled_back")
            raise RuntimeError("the service failed")

    audit.record("test.first")
    with pytest.raises(RuntimeError):
        failing_service()
    third = audit.record("test.second")
    assert third.id == 2
    assert audit.verify() == audit.VerifyResult(ok=True, records=2)


def test_deleting_an_account_leaves_its_records_untouched():
    user = make_user("zhaoliu")
    entry = audit.record("auth.login", actor=user)
    user.delete()
    row = AuditRecord.objects.get(pk=entry.pk)
    assert (row.actor_id, row.actor_label, row.hash) == (entry.actor_id, "zhaoliu", entry.hash)
    assert audit.verify().ok


# --- verification ----------------------------------------------------------------------------


def test_an_empty_log_verifies():
    assert audit.verify() == audit.VerifyResult(ok=True, records=0)


def test_a_modified_record_is_found():
    chain(5)
    tamper("UPDATE core_auditrecord SET object_id = %s WHERE id = %s", ["999", 3])
    result = audit.verify()
    assert (result.ok, result.records, result.first_broken_id) == (False, 5, 3)
    assert "modified" in result.reason


def test_a_modified_detail_is_found():
    chain(3)
    tamper("UPDATE core_auditrecord SET detail = %s WHERE id = %s", ['{"n": 20}', 2])
    assert audit.verify().first_broken_id == 2


def test_a_rehashed_record_breaks_the_link_of_the_next():
    records = chain(4)
    forged = AuditRecord.objects.get(id=2)
    forged.object_id = "forged"
    tamper(
        "UPDATE core_auditrecord SET object_id = %s, hash = %s WHERE id = %s",
        ["forged", forged.compute_hash(), 2],
    )
    result = audit.verify()
    assert (result.ok, result.first_broken_id) == (False, 3)
    assert records[2].id == 3


def test_a_deleted_record_is_found():
    chain(5)
    tamper("DELETE FROM core_auditrecord WHERE id = %s", [3])
    result = audit.verify()
    assert (result.ok, result.records, result.first_broken_id) == (False, 4, 4)
    assert "missing" in result.reason


def test_a_deleted_first_record_is_found():
    chain(3)
    tamper("DELETE FROM core_auditrecord WHERE id = %s", [1])
    result = audit.verify()
    assert (result.ok, result.first_broken_id) == (False, 2)


def test_reordered_records_are_found():
    chain(5)
    tamper("UPDATE core_auditrecord SET id = %s WHERE id = %s", [-1, 3])
    tamper("UPDATE core_auditrecord SET id = %s WHERE id = %s", [3, 4])
    tamper("UPDATE core_auditrecord SET id = %s WHERE id = %s", [4, -1])
    result = audit.verify()
    assert (result.ok, result.first_broken_id) == (False, 3)


def test_an_archived_beginning_verifies_from_its_anchor():
    records = chain(4)
    tamper("DELETE FROM core_auditrecord WHERE id <= %s", [2])
    assert audit.verify().first_broken_id == 3
    assert audit.verify(anchor=(2, records[1].hash)) == audit.VerifyResult(ok=True, records=2)
    assert audit.verify(anchor=(2, records[0].hash)).first_broken_id == 3
    assert audit.verify(anchor=(1, records[0].hash)).first_broken_id == 3
    out = io.StringIO()
    call_command("audit", "verify", anchor=f"2:{records[1].hash}", stdout=out)
    assert _last_json_line(out.getvalue()) == {"ok": True, "records": 2}
    with pytest.raises(CommandError, match="ID:HASH"):
        call_command("audit", "verify", anchor="2")


def test_the_newest_record_is_the_anchor():
    assert audit.head() is None
    last = chain(3)[-1]
    assert audit.head() == (3, last.hash)


# --- the guards ------------------------------------------------------------------------------


def test_the_application_refuses_to_change_or_remove_records():
    entry = chain(2)[0]
    entry.object_id = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(id=entry.id).update(object_id="changed")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(id=entry.id).delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_update([entry], ["object_id"])
    assert AuditRecord.objects.get(id=entry.id).object_id == "1"
    assert audit.verify().ok


def test_records_are_written_only_through_the_service():
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.create(id=1, at=timezone.now(), action="x.y", prev_hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_create([AuditRecord(action="x.y")])
    assert not AuditRecord.objects.exists()


def test_the_database_refuses_update_and_delete():
    entry = chain(2)[0]
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE core_auditrecord SET object_id = 'x' WHERE id = %s", [entry.id])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM core_auditrecord WHERE id = %s", [entry.id])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM core_auditrecord")
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute("TRUNCATE core_auditrecord")
    assert AuditRecord.objects.count() == 2
    assert AuditRecord.objects.get(id=entry.id).object_id == "1"
    assert audit.verify().ok


# --- the command -----------------------------------------------------------------------------


def _last_json_line(text: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return result


def test_the_command_reports_a_sound_chain():
    chain(3)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert _last_json_line(out.getvalue()) == {"ok": True, "records": 3}


def test_the_command_fails_on_a_broken_chain(capsys):
    chain(4)
    tamper("DELETE FROM core_auditrecord WHERE id = %s", [2])
    out = io.StringIO()
    with pytest.raises(CommandError, match="broken at record 3"):
        call_command("audit", "verify", stdout=out)
    report = _last_json_line(out.getvalue())
    assert report["ok"] is False
    assert (report["records"], report["first_broken_id"]) == (3, 3)
    assert report["reason"]

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["onewindow", "audit", "verify"]).execute()
    assert exit_info.value.code != 0
    assert _last_json_line(capsys.readouterr().out)["first_broken_id"] == 3


def test_the_command_prints_the_head():
    last = chain(2)[-1]
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    assert _last_json_line(out.getvalue()) == {"id": 2, "hash": last.hash}


def test_the_command_refuses_an_unknown_subcommand():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("audit", "purge")


# --- concurrency -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(audit_log_cleared):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "the in-memory test database is shared-cache: a second writer fails at once with"
            " 'table is locked' instead of waiting; see the multi-process test on a file"
        )
    writers, per_writer = 4, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(number: int) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            for step in range(per_writer):
                with transaction.atomic():
                    audit.record("test.concurrent", detail={"writer": number, "step": step})
        except BaseException as exc:
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert audit.verify() == audit.VerifyResult(ok=True, records=writers * per_writer)
    rows = list(AuditRecord.objects.order_by("id").values_list("id", "detail"))
    assert [id_ for id_, _detail in rows] == list(range(1, writers * per_writer + 1))
    order = [detail["writer"] for _id, detail in rows]
    assert sum(1 for a, b in itertools.pairwise(order) if a != b) >= writers


WRITER = """
import pathlib, sys, time
import django
django.setup()
from onewindow.core import audit
number, count, writers, folder = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
(pathlib.Path(folder) / f"ready-{number}").touch()
deadline = time.time() + 60
while len(list(pathlib.Path(folder).glob("ready-*"))) < writers and time.time() < deadline:
    time.sleep(0.01)
for step in range(count):
    audit.record("test.concurrent", detail={"writer": number, "step": step})
    time.sleep(0.002)
"""


@pytest.mark.django_db(transaction=True)  # no open transaction: the backup can read
def test_writer_processes_on_a_sqlite_file_keep_one_chain(tmp_path):
    """Several processes append to one SQLite file (WAL, BEGIN IMMEDIATE, as deployed)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only; on PostgreSQL the threaded test runs against the server")
    target = sqlite3.connect(tmp_path / "onewindow.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(target)  # the migrated schema, triggers included
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        ONEWINDOW_ENV="test",
        ONEWINDOW_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="onewindow.settings",
    )
    root = Path(settings.BASE_DIR).parent
    writers, per_writer = 4, 25
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WRITER, str(n), str(per_writer), str(writers), str(tmp_path)],
            cwd=root,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    verify = subprocess.run(
        [sys.executable, "manage.py", "audit", "verify"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert _last_json_line(verify.stdout) == {"ok": True, "records": writers * per_writer}
    with sqlite3.connect(tmp_path / "onewindow.sqlite3") as result:
        rows = result.execute("SELECT detail FROM core_auditrecord ORDER BY id").fetchall()
    writers_in_order = [json.loads(detail)["writer"] for (detail,) in rows]
    assert sorted(writers_in_order) == sorted(
        n for n in range(writers) for _step in range(per_writer)
    )
    turns = sum(1 for a, b in itertools.pairwise(writers_in_order) if a != b)
    assert turns >= writers  # they really did write at the same time


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def reader(client):
    user = make_user("auditor", can_read=True)
    client.force_login(user)
    return user


@pytest.fixture
def events():
    alice = make_user("alice")
    bob = make_user("bob")
    audit.record("auth.login", actor=alice, ip="10.0.0.1")
    audit.record("auth.login_failed", outcome="failure", detail={"username": "bob"})
    audit.record("catalog.publish", actor=bob, object_type="catalog.itemversion", object_id="7")
    audit.record("access.denied", actor=bob, outcome="denied", object_type="url", object_id="/x")
    return {"alice": alice, "bob": bob}


def _actions(response) -> list[str]:
    """The actions listed, leaving out the reader's own (signing in may be audited)."""
    rows = response.context["page"].object_list
    return [record.action for record in rows if record.actor_label != "auditor"]


@pytest.mark.urls(URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, settings):
    settings.LOGIN_URL = "/sign-in/"  # a plain path: independent of the identity pages
    for url in (SEARCH, EXPORT):
        response = client.get(url, {"actor": "bob"})
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    assert not AuditRecord.objects.filter(action__startswith="audit.").exists()


@pytest.mark.urls(URLS)
def test_an_account_without_the_right_is_refused(client, events):
    client.force_login(events["alice"])
    for url in (SEARCH, EXPORT):
        assert client.get(url).status_code == 403
    denied = AuditRecord.objects.filter(action="access.denied", actor_label="alice")
    assert denied.count() == 2
    assert not AuditRecord.objects.filter(action__startswith="audit.").exists()


@pytest.mark.urls(URLS)
def test_the_reader_sees_the_newest_records_first(client, reader, events):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert _actions(response) == [
        "access.denied",
        "catalog.publish",
        "auth.login_failed",
        "auth.login",
    ]
    assert "catalog.itemversion 7" in response.content.decode()
    search = AuditRecord.objects.order_by("-id").first()
    assert (search.action, search.actor_label) == ("audit.search", "auditor")
    assert search.detail == {"filters": {}, "page": 1, "matched": search.id - 1}
    assert audit.verify().ok


@pytest.mark.urls(URLS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "bob"}, ["access.denied", "catalog.publish"]),
        ({"action": "auth"}, ["auth.login_failed", "auth.login"]),
        ({"action": "auth.login_"}, ["auth.login_failed"]),
        ({"outcome": "denied"}, ["access.denied"]),
        ({"object_type": "catalog.itemversion", "object_id": "7"}, ["catalog.publish"]),
        ({"object_id": "8"}, []),
    ],
)
def test_the_filters_narrow_the_list(client, reader, events, query, expected):
    response = client.get(SEARCH, query)
    assert response.status_code == 200
    assert _actions(response) == expected
    if not expected:
        assert "没有符合条件的审计记录" in response.content.decode()
    recorded = AuditRecord.objects.order_by("-id").first()
    assert recorded.detail["filters"] == query


@pytest.mark.urls(URLS)
def test_the_date_filters_take_whole_local_days(client, reader, events):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    yesterday = today - dt.timedelta(days=1)
    assert len(_actions(client.get(SEARCH, {"date_from": today, "date_to": today}))) == 4
    assert _actions(client.get(SEARCH, {"date_from": tomorrow})) == []
    assert _actions(client.get(SEARCH, {"date_to": yesterday})) == []


@pytest.mark.urls(URLS)
def test_the_list_is_paginated_by_fifty(client, reader):
    chain(55)
    first = client.get(SEARCH)
    assert len(first.context["page"].object_list) == 50
    total = AuditRecord.objects.count()  # 55, the first search, the reader's sign-in if audited
    second = client.get(SEARCH, {"page": 2})
    assert len(second.context["page"].object_list) == total - 50
    assert second.context["page"].paginator.count == total
    assert client.get(SEARCH, {"page": "abc"}).status_code == 200


@pytest.mark.urls(URLS)
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "2026-13-45"}, "date_from", "日期格式应为"),
        ({"date_to": "yesterday"}, "date_to", "日期格式应为"),
        ({"date_from": "1000-01-01"}, "date_from", "日期应在"),
        ({"date_to": "9999-12-31"}, "date_to", "日期应在"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to", "不能早于起始日期"),
        ({"outcome": "maybe"}, "outcome", "选择一个有效的选项"),
        ({"actor": "x" * 151}, "actor", "150"),
        ({"object_id": "a\x00b"}, "object_id", "空字符"),
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, reader, events, query, field, message):
    for url in (SEARCH, EXPORT):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        html = response.content.decode()
        assert "查询条件有误" in html
        assert message in html
    failures = AuditRecord.objects.filter(outcome="failure", action__startswith="audit.")
    assert sorted(failures.values_list("action", flat=True)) == ["audit.export", "audit.search"]


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.urls(URLS)
def test_the_export_is_a_csv_with_a_header_and_the_rows(client, reader, events):
    response = client.get(EXPORT, {"actor": "bob"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    assert "X-Audit-Truncated" not in response
    rows = _csv(response)
    assert rows[0] == export_header()
    assert "操作" in rows[0]
    assert [row[7] for row in rows[1:]] == ["access.denied", "catalog.publish"]
    newest = AuditRecord.objects.get(action="access.denied")
    assert rows[1][0] == str(newest.id)
    assert rows[1][-1] == newest.hash
    assert rows[1][-2] == newest.prev_hash
    export = AuditRecord.objects.order_by("-id").first()
    assert (export.action, export.actor_label) == ("audit.export", "auditor")
    assert export.detail == {
        "filters": {"actor": "bob"},
        "limit": EXPORT_LIMIT,
        "truncated": False,
    }


@pytest.mark.urls(URLS)
def test_the_export_defuses_spreadsheet_formulas(client, reader):
    audit.record("auth.login_failed", outcome="failure", object_id="=HYPERLINK(1)")
    rows = _csv(client.get(EXPORT))
    assert rows[1][9] == "'=HYPERLINK(1)"


@pytest.mark.urls(URLS)
def test_the_export_stops_at_the_cap(client, reader, monkeypatch):
    monkeypatch.setattr("onewindow.core.audit_views.EXPORT_LIMIT", 3)
    newest = [str(record.id) for record in chain(5)[::-1]]
    response = client.get(EXPORT)
    assert response["X-Audit-Truncated"] == "first 3 rows"
    assert [row[0] for row in _csv(response)[1:]] == newest[:3]
