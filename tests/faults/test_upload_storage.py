"""Uploads onto a storage that cannot take them — a file system that is full, a storage
directory that refuses writes, a full spool directory for large uploads (met while the request
is read, before any view) — answer 507 with a Chinese message naming the problem, and keep
nothing: no row, no audit record, no partly written file.

As root the storage is a real small tmpfs (full, or mounted read-only); otherwise the
directory is made read-only with chmod, and a full disk is the kernel's ``/dev/full``."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from onewindow.cases.models import StoredFile
from onewindow.core.models import AuditRecord
from onewindow.identity import services, tokens

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("faults")]

URL = "/api/v1/files"


def pdf(size: int) -> bytes:
    body = hashlib.sha256(b"x").hexdigest().encode() * (size // 64 + 1)
    return b"%PDF-1.4\n" + body[:size] + b"\n%%EOF\n"


@pytest.fixture
def auth() -> dict[str, str]:
    body = "11010519491231002"
    person = services.register_person(
        username="zhangsan",
        password=None,
        name="张三丰",
        id_number=body + ric.calc_check_digit(body + "0"),
        phone="13856785678",
    )
    _token, secret = tokens.create_token(person, name="t", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@contextlib.contextmanager
def tmpfs(path: Path, *options: str) -> Iterator[bool]:
    """A small tmpfs mounted on ``path``; yields False where mounting is not permitted."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    command = [
        shutil.which("mount") or "mount",
        "-t",
        "tmpfs",
        "-o",
        ",".join(("size=256k", "mode=0755", *options)),
    ]
    mounted = (
        subprocess.run(  # noqa: S603
            [*command, "tmpfs", str(path)], capture_output=True, check=False
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run([shutil.which("umount") or "umount", str(path)], check=False)  # noqa: S603


def assert_refused(response, reason: str, words: str, media: Path) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 507, response.content
    error = response.json()["error"]
    assert error["code"] == "insufficient_storage"
    assert error["details"]["reason"] == reason
    assert words in error["message"]
    assert not StoredFile.objects.exists()
    assert not AuditRecord.objects.filter(action="files.upload").exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_full_disk_refuses_the_upload_cleanly(client, auth, settings, tmp_path, monkeypatch):
    media = tmp_path / "media"
    with tmpfs(media) as mounted:
        settings.MEDIA_ROOT = media
        if not mounted:  # no privilege to mount: the kernel's always-full device instead
            original = FileSystemStorage._save

            def onto_dev_full(self, name, content):  # type: ignore[no-untyped-def]
                with open("/dev/full", "wb") as full:
                    for chunk in content.chunks():
                        full.write(chunk)
                    full.flush()
                return original(self, name, content)

            monkeypatch.setattr(FileSystemStorage, "_save", onto_dev_full)
        upload = SimpleUploadedFile("申请书.pdf", pdf(400 * 1024), "application/pdf")
        response = client.post(URL, {"file": upload}, **auth)
        assert_refused(response, "disk_full", "存储空间已满", media)
        # A file that fits is kept as usual: the refusal left nothing behind.
        small = SimpleUploadedFile("申请书.pdf", pdf(8 * 1024), "application/pdf")
        assert client.post(URL, {"file": small}, **auth).status_code == 201


def test_an_unwritable_storage_directory_refuses_the_upload_cleanly(
    client, auth, settings, tmp_path, monkeypatch
):
    media = tmp_path / "media"
    with tmpfs(media, "ro") as mounted:
        if not mounted:
            media.chmod(0o555)  # effective for every user but root
            if os.geteuid() == 0:  # root in a container that may not mount: as the kernel would

                def refuse(self, name, content):  # type: ignore[no-untyped-def]
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)

                monkeypatch.setattr(FileSystemStorage, "_save", refuse)
        settings.MEDIA_ROOT = media
        try:
            upload = SimpleUploadedFile("申请书.pdf", pdf(1024), "application/pdf")
            response = client.post(URL, {"file": upload}, **auth)
            assert_refused(response, "not_writable", "存储目录不可写入", media)
        finally:
            if not mounted:
                media.chmod(0o755)


@contextlib.contextmanager
def full_spool_directory(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Large uploads are spooled to ``FILE_UPLOAD_TEMP_DIR`` while the request is parsed:
    a full tmpfs there, or, without the privilege to mount, writes that fail as on one."""
    with tmpfs(path) as mounted:
        if not mounted:
            from django.core.files.uploadhandler import TemporaryFileUploadHandler

            def no_space(self, raw_data, start):  # type: ignore[no-untyped-def]
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_space)
        else:  # fill it: nothing else may be spooled there
            with contextlib.suppress(OSError), (path / "filler").open("wb") as filler:
                filler.write(b"\0" * (256 * 1024))
        yield


def spooled_files_closed(response) -> bool:  # type: ignore[no-untyped-def]
    """The refused request left no file open (it would keep the tmpfs busy)."""
    spooled = [
        handler.file
        for handler in response.wsgi_request._upload_handlers
        if getattr(handler, "file", None) is not None
    ]
    return bool(spooled) and all(file.closed for file in spooled)


def test_a_large_upload_onto_a_full_spool_directory_is_refused_cleanly(
    client, auth, settings, tmp_path, monkeypatch
):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    big = pdf(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024)
    with full_spool_directory(tmp_path / "spool", monkeypatch):
        response = client.post(
            URL, {"file": SimpleUploadedFile("申请书.pdf", big, "application/pdf")}, **auth
        )
    assert_refused(response, "disk_full", "存储空间已满", media)
    assert spooled_files_closed(response)


def test_a_page_posting_a_large_file_onto_a_full_spool_directory_says_so(
    settings, tmp_path, monkeypatch
):
    from django.test import Client

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    big = pdf(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024)
    # With CSRF enforced the form is read by the CSRF middleware, before any view runs.
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert browser.get("/accounts/login/").status_code == 200  # the CSRF cookie
    with full_spool_directory(tmp_path / "spool", monkeypatch):
        response = browser.post(
            "/accounts/login/",
            {"file": SimpleUploadedFile("申请书.pdf", big, "application/pdf")},
        )
    assert response.status_code == 507
    assert "存储空间已满" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert not StoredFile.objects.exists()
    assert spooled_files_closed(response)
