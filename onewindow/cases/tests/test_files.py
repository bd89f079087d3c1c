"""Uploads (API.md "Files"): ``POST /api/v1/files`` and ``cases.files.store_upload``."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
import segno
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from onewindow.cases import files
from onewindow.cases.models import StoredFile
from onewindow.core.models import AuditRecord
from onewindow.identity import services, tokens
from onewindow.identity.models import User

pytestmark = pytest.mark.django_db

URL = "/api/v1/files"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- tiny real files ------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(64) + b"\xff\xd9"
)


def png() -> bytes:
    buffer = io.BytesIO()
    segno.make("x").save(buffer, kind="png")
    return buffer.getvalue()


def zipped(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'


def docx(compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": "<w:document><w:body>申请</w:body></w:document>".encode(),
        },
        compression,
    )


def xlsx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def ofd() -> bytes:
    return zipped(
        {
            "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


# --- accounts and requests --------------------------------------------------------------------


def id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def person() -> User:
    return services.register_person(
        username="zhangsan",
        password=None,
        name="张三丰",
        id_number=id_number("11010519491231002"),
        phone="13856785678",
    )


@pytest.fixture
def auth(person: User) -> dict[str, str]:
    _token, secret = tokens.create_token(person, name="t", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def upload(client, auth):  # type: ignore[no-untyped-def]
    def post(name: str, data: bytes, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
        return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type)}, **auth)

    return post


def media_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_refused(response, status: int, code: str, settings) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert not StoredFile.objects.exists()
    assert media_files(settings) == []
    assert not AuditRecord.objects.filter(action="files.upload").exists()
    return body["error"]


# --- accepted types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("申请书.pdf", lambda: PDF, "application/pdf"),
        ("照片.jpg", lambda: JPEG, "image/jpeg"),
        ("二维码.png", png, "image/png"),
        ("说明.docx", docx, DOCX_TYPE),
        ("清单.xlsx", xlsx, XLSX_TYPE),
        ("营业执照.ofd", ofd, "application/ofd"),
    ],
)
def test_it_accepts_each_type_and_keeps_its_digest(
    upload, person, settings, name, make, content_type
):  # type: ignore[no-untyped-def]
    data = make()
    response = upload(name, data)

    assert response.status_code == 201, response.content
    body = response.json()
    stored = StoredFile.objects.get()
    assert body == {
        "file_id": stored.pk,
        "name": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": content_type,
    }
    assert stored.uploaded_by == person
    assert (stored.name, stored.size, stored.content_type) == (name, len(data), content_type)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.file.name.startswith(f"files/{stored.sha256[:2]}/{stored.sha256}/")
    with stored.file.open("rb") as kept:
        assert kept.read() == data
    record = AuditRecord.objects.get(action="files.upload")
    assert record.actor_id == person.pk
    assert record.object_id == str(stored.pk)
    assert record.detail == {
        "name": name,
        "size": len(data),
        "sha256": stored.sha256,
        "type": content_type,
    }


def test_it_reads_the_type_from_a_file_spooled_to_disk(upload, settings):  # type: ignore[no-untyped-def]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16  # the upload arrives as a TemporaryUploadedFile
    data = docx()
    response = upload("说明.docx", data)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == DOCX_TYPE
    with StoredFile.objects.get().file.open("rb") as kept:
        assert kept.read() == data


def test_it_stores_a_mislabelled_file_as_what_it_is(upload):  # type: ignore[no-untyped-def]
    response = upload("x.pdf", png(), "application/pdf")
    assert response.status_code == 201
    assert response.json()["name"] == "x.png"
    assert response.json()["content_type"] == "image/png"
    stored = StoredFile.objects.get()
    assert stored.content_type == "image/png"
    assert stored.file.name.endswith(".png")


def test_it_gives_a_pdf_without_a_fitting_name_the_pdf_extension(upload):  # type: ignore[no-untyped-def]
    assert upload("扫描件", PDF).json()["name"] == "扫描件.pdf"
    assert upload("报告 v1.2", PDF).json()["name"] == "报告 v1.2.pdf"
    assert upload("note.txt", PDF).json()["name"] == "note.pdf"
    assert upload("PHOTO.JPEG", JPEG).json()["name"] == "PHOTO.JPEG"


def test_a_docx_named_as_a_spreadsheet_is_stored_as_a_docx(upload):  # type: ignore[no-untyped-def]
    response = upload("表.xlsx", docx(), XLSX_TYPE)
    assert response.status_code == 201
    assert response.json()["name"] == "表.docx"
    assert response.json()["content_type"] == DOCX_TYPE


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("营业执照（副本）.pdf", "营业执照（副本）.pdf"),
        ("C:\\Users\\张三\\Desktop\\申请表.pdf", "申请表.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("a\x00b\x1fc\r\n.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),
        ("  多个   空格  .pdf ", "多个 空格.pdf"),
        ("", "file.pdf"),
        (".pdf", "file.pdf"),
        ("...", "file.pdf"),
        (".bashrc", "bashrc.pdf"),
        ("a. b", "a. b.pdf"),
    ],
)
def test_it_cleans_the_name(raw, expected):  # type: ignore[no-untyped-def]
    assert files.clean_name(raw, files.PDF) == expected


def test_it_shortens_a_long_name_and_keeps_the_extension(upload):  # type: ignore[no-untyped-def]
    response = upload("长" * 250 + ".pdf", PDF)
    assert response.status_code == 201
    name = response.json()["name"]
    assert len(name) == 200
    assert name == "长" * 196 + ".pdf"
    stored_name = Path(StoredFile.objects.get().file.name).name
    assert len(stored_name.encode()) <= 255
    assert stored_name.endswith(".pdf")


def test_the_same_file_twice_makes_two_rows_with_their_own_files(upload):  # type: ignore[no-untyped-def]
    assert upload("a.pdf", PDF).status_code == 201
    assert upload("a.pdf", PDF).status_code == 201
    first, second = StoredFile.objects.order_by("pk")
    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name
    assert default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)


# --- size -------------------------------------------------------------------------------------


def test_it_refuses_a_file_over_the_limit_with_413(upload, settings):  # type: ignore[no-untyped-def]
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = len(PDF) - 1
    error = assert_refused(upload("a.pdf", PDF), 413, "too_large", settings)
    assert error["details"] == {"max_bytes": len(PDF) - 1}


def test_a_file_of_exactly_the_limit_is_accepted(upload, settings):  # type: ignore[no-untyped-def]
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = len(PDF)
    assert upload("a.pdf", PDF).status_code == 201


def test_the_default_limit_is_20_mb(settings):  # type: ignore[no-untyped-def]
    del settings.ONEWINDOW_UPLOAD_MAX_BYTES
    assert files.max_upload_bytes() == 20 * 1024 * 1024


def test_the_limit_holds_while_streaming_whatever_the_upload_says_its_size_is(  # type: ignore[no-untyped-def]
    person, settings
):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 10
    upload = SimpleUploadedFile("a.pdf", PDF)
    upload.size = 1
    with pytest.raises(files.FileTooLarge):
        files.store_upload(upload, actor=person)
    assert not StoredFile.objects.exists()


def test_it_refuses_an_empty_file_with_400(upload, settings):  # type: ignore[no-untyped-def]
    error = assert_refused(upload("a.pdf", b""), 400, "invalid_input", settings)
    assert list(error["details"]["fields"]) == ["file"]


def test_it_asks_for_the_file_field(client, auth, settings):  # type: ignore[no-untyped-def]
    response = client.post(URL, {"other": SimpleUploadedFile("a.pdf", PDF)}, **auth)
    error = assert_refused(response, 400, "invalid_input", settings)
    assert set(error["details"]["fields"]) == {"file"}


# --- types refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("说明.txt", "这是一个纯文本文件。\n".encode(), "unrecognised"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(64), "executable"),
        ("photo.pdf", b"MZ\x90\x00" + bytes(64), "corrupt"),
        ("page.html", b"<html><body>hi</body></html>", "unrecognised"),
        ("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "unrecognised"),
    ],
)
def test_it_refuses_other_types_with_415(upload, settings, name, data, reason):  # type: ignore[no-untyped-def]
    error = assert_refused(upload(name, data), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == reason
    assert error["details"]["accepted"] == ["PDF", "JPEG", "PNG", "OFD", "DOCX", "XLSX"]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF1.4\n" + PDF[9:],  # the dash lost
        b"%PFD-1.4\n" + PDF[9:],  # letters swapped
        b"\x00" + PDF,  # a byte before the header
        b"\x00" * 5 + PDF[5:],  # the header zeroed
    ],
)
def test_it_refuses_a_pdf_with_a_corrupted_header(upload, settings, data):  # type: ignore[no-untyped-def]
    error = assert_refused(
        upload("申请书.pdf", data, "application/pdf"), 415, "unsupported_media_type", settings
    )
    assert error["details"]["reason"] == "corrupt"
    assert "PDF" in error["message"]


def test_it_ignores_the_type_the_client_claims(upload, settings):  # type: ignore[no-untyped-def]
    assert_refused(
        upload("a.pdf", b"just text", "application/pdf"), 415, "unsupported_media_type", settings
    )


# --- ZIP-based formats ------------------------------------------------------------------------


def test_it_refuses_a_zip_that_is_no_document(upload, settings):  # type: ignore[no-untyped-def]
    data = zipped({"readme.txt": b"hello", "word/document.xml": b"<w:document/>"})
    error = assert_refused(
        upload("a.docx", data, DOCX_TYPE), 415, "unsupported_media_type", settings
    )
    assert error["details"]["reason"] == "zip_unrecognised"


def test_an_ofd_needs_ofd_xml_at_the_root(upload, settings):  # type: ignore[no-untyped-def]
    data = zipped({"Doc_0/OFD.xml": b"<ofd:OFD/>"})
    error = assert_refused(upload("a.ofd", data), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == "zip_unrecognised"


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A DOCX whose one extra part inflates to 201 MB (it is about 200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        megabyte = bytes(1024 * 1024)
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as part:
            for _ in range(201):
                part.write(megabyte)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb(upload, settings, zip_bomb):  # type: ignore[no-untyped-def]
    assert len(zip_bomb) < 1024 * 1024
    error = assert_refused(upload("bomb.docx", zip_bomb), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == "zip_too_large_uncompressed"


def test_it_refuses_a_zip_whose_declared_sizes_add_up_past_the_limit(upload, settings):  # type: ignore[no-untyped-def]
    # Sizes taken from the archive's directory, lying or not: 2 × 101 MB declared.
    data = bytearray(zipped({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>"}))
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        struct.pack_into("<L", data, position + 24, 101 * 1024 * 1024)
        position += 4
    error = assert_refused(upload("a.docx", bytes(data)), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == "zip_too_large_uncompressed"


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        for number in range(count - 2):
            archive.writestr(f"word/media/{number}", b"")
    return buffer.getvalue()


def test_it_refuses_a_zip_with_more_than_10000_entries(upload, settings):  # type: ignore[no-untyped-def]
    error = assert_refused(
        upload("a.docx", many_entries(10_001)), 415, "unsupported_media_type", settings
    )
    assert error["details"]["reason"] == "zip_too_many_entries"


def test_a_zip_with_10000_entries_is_accepted(upload):  # type: ignore[no-untyped-def]
    response = upload("a.docx", many_entries(10_000))
    assert response.status_code == 201
    assert response.json()["content_type"] == DOCX_TYPE


def test_it_counts_entries_before_zipfile_reads_the_directory(person, monkeypatch):  # type: ignore[no-untyped-def]
    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("zipfile must not read a directory of more than 10 000 entries")

    data = many_entries(10_001)
    monkeypatch.setattr(files.zipfile, "ZipFile", never)
    with pytest.raises(files.UnsupportedFileType) as raised:
        files.store_upload(SimpleUploadedFile("a.docx", data), actor=person)
    assert raised.value.details["reason"] == "zip_too_many_entries"


def set_encrypted_flag(data: bytes) -> bytes:
    patched = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = 0
        while (position := patched.find(signature, position)) != -1:
            (flags,) = struct.unpack_from("<H", patched, position + flag_offset)
            struct.pack_into("<H", patched, position + flag_offset, flags | 0x1)
            position += 4
    return bytes(patched)


def test_it_refuses_an_encrypted_zip(upload, settings):  # type: ignore[no-untyped-def]
    error = assert_refused(
        upload("a.docx", set_encrypted_flag(docx())), 415, "unsupported_media_type", settings
    )
    assert error["details"]["reason"] == "zip_encrypted"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + bytes(100),  # a local header and nothing else: no directory
        docx()[:-30],  # cut short: the end of the directory missing
        docx()[: len(docx()) // 2],
    ],
)
def test_it_refuses_a_corrupt_zip(upload, settings, data):  # type: ignore[no-untyped-def]
    error = assert_refused(upload("a.docx", data), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == "zip_corrupt"


def test_it_refuses_a_zip_whose_marker_part_fails_its_checksum(upload, settings):  # type: ignore[no-untyped-def]
    data = docx(zipfile.ZIP_STORED)
    position = data.index(CONTENT_TYPES)
    damaged = (
        data[:position]
        + CONTENT_TYPES.replace(b"Types", b"Typos")
        + data[position + len(CONTENT_TYPES) :]
    )
    error = assert_refused(upload("a.docx", damaged), 415, "unsupported_media_type", settings)
    assert error["details"]["reason"] == "zip_corrupt"


# --- storage failures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [OSError(28, "No space left on device"), PermissionError(13, "Permission denied")],
)
def test_a_storage_failure_answers_507_and_keeps_nothing(upload, settings, monkeypatch, error):  # type: ignore[no-untyped-def]
    def fail(name, content):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(default_storage, "_save", fail)
    refused = assert_refused(upload("a.pdf", PDF), 507, "insufficient_storage", settings)
    assert "存储" in refused["message"]


def test_a_file_partly_written_before_the_disk_filled_is_removed(upload, settings, monkeypatch):  # type: ignore[no-untyped-def]
    write = default_storage._save

    def fill_the_disk(name, content):  # type: ignore[no-untyped-def]
        write(name, content)  # the bytes land, then the write fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_storage, "_save", fill_the_disk)
    assert_refused(upload("a.pdf", PDF), 507, "insufficient_storage", settings)


def test_a_failed_row_removes_the_written_file(person, settings, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database gone")

    monkeypatch.setattr(files.audit, "record", broken)
    with pytest.raises(RuntimeError):
        files.store_upload(SimpleUploadedFile("a.pdf", PDF), actor=person)
    assert not StoredFile.objects.exists()
    assert media_files(settings) == []


# --- access and the API's description ---------------------------------------------------------


def test_an_anonymous_caller_is_refused_with_401(client, settings):  # type: ignore[no-untyped-def]
    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert_refused(response, 401, "unauthenticated", settings)


def test_a_wrong_token_is_refused_with_401(client, settings):  # type: ignore[no-untyped-def]
    response = client.post(
        URL, {"file": SimpleUploadedFile("a.pdf", PDF)}, HTTP_AUTHORIZATION="Bearer ow_nope"
    )
    assert_refused(response, 401, "unauthenticated", settings)


def test_a_session_cookie_is_not_enough(client, person, settings):  # type: ignore[no-untyped-def]
    client.force_login(person)
    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert_refused(response, 401, "unauthenticated", settings)


def test_the_openapi_describes_the_upload(client):  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/files"]["post"]
    assert {"201", "400", "401", "413", "415", "507"} <= set(operation["responses"])
    assert operation["security"] == [{"ApiBearer": []}]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in body:
        body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert body["required"] == ["file"]
    assert body["properties"]["file"]["format"] == "binary"
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    schema = spec["components"]["schemas"][created["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["properties"]) == {"file_id", "name", "size", "sha256", "content_type"}
