"""Uploaded files (API.md "Files"): type checked from the content, SHA-256, kept through storage.

``store_upload`` is the one way a file enters the platform. It reads the upload once in chunks
(size, SHA-256, the first bytes), decides the type from the content alone — never from the name
or the content type the client sent — and only then writes the file through the ``FileField``'s
storage (the local disk by default, S3-compatible storage when configured) and the row.

Accepted: PDF, JPEG, PNG and three ZIP-based formats — DOCX, XLSX and OFD (GB/T 33190). A ZIP is
opened with ``zipfile`` only after counting its possible entries, and refused when it has more
than ``MAX_ZIP_ENTRIES`` entries, declares more than ``MAX_ZIP_UNCOMPRESSED`` bytes, is encrypted
or cannot be read. Nothing is ever extracted; only the small marker part is read (and its CRC
checked).

Every refusal is an ``UploadRejected`` (an ``ApiError``: the API answers with its status and
the error envelope; pages show its ``message``). Nothing is half-created: a storage failure
leaves no row (and removes whatever it wrote), a failed row removes the written file.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onewindow.core import audit
from onewindow.core.errors import ApiError, storage_message, storage_reason

from .models import StoredFile

log = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED_KINDS",
    "DEFAULT_MAX_BYTES",
    "EmptyFile",
    "FileKind",
    "FileTooLarge",
    "StorageFailed",
    "UnsupportedFileType",
    "UploadRejected",
    "clean_name",
    "max_upload_bytes",
    "store_upload",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
# The marker part of a ZIP-based format ([Content_Types].xml, OFD.xml) is read to check it;
# these parts are a few kilobytes, a larger one is not a document we accept.
MAX_MARKER_BYTES = 4 * 1024 * 1024
MAX_NAME_LENGTH = 200  # StoredFile.name
# The file name inside the storage path: short enough in UTF-8 for any file system (255 bytes
# per name) and for the FileField's 300 characters with the ``files/ab/<sha256>/`` prefix.
MAX_STORAGE_NAME_BYTES = 150
FALLBACK_STEM = "file"

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_CENTRAL_ENTRY = b"PK\x01\x02"
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one given to a mislabelled file

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg", ".jpe"))
PNG = FileKind("PNG", "image/png", (".png",))
OFD = FileKind("OFD", "application/ofd", (".ofd",))
DOCX = FileKind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ACCEPTED_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG, OFD, DOCX, XLSX)

# ZIP-based formats: (kind, parts it must contain, the part read to check the archive).
ZIP_KINDS: tuple[tuple[FileKind, frozenset[str], str], ...] = (
    (DOCX, frozenset({"[Content_Types].xml", "word/document.xml"}), "[Content_Types].xml"),
    (XLSX, frozenset({"[Content_Types].xml", "xl/workbook.xml"}), "[Content_Types].xml"),
    (OFD, frozenset({"OFD.xml"}), "OFD.xml"),
)

# Extensions replaced (not kept) when a file turns out to be of another type: "x.pdf" holding a
# PNG becomes "x.png"; any other suffix stays part of the name ("报告 v1.2" → "报告 v1.2.pdf").
REPLACEABLE_EXTENSIONS = frozenset(
    ext for kind in ACCEPTED_KINDS for ext in kind.extensions
) | frozenset(
    {
        ".bmp", ".doc", ".et", ".exe", ".gif", ".heic", ".htm", ".html", ".jfif", ".rar",
        ".rtf", ".tif", ".tiff", ".txt", ".webp", ".wps", ".xls", ".xml", ".zip", ".7z",
    }
)  # fmt: skip


class UploadRejected(ApiError):
    """An upload the platform does not keep; ``message`` says why, in the user's language."""


class EmptyFile(UploadRejected):
    def __init__(self) -> None:
        message = _("文件为空，请选择有内容的文件")
        super().__init__(400, "invalid_input", message, {"fields": {"file": [message]}})


class FileTooLarge(UploadRejected):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            413,
            "too_large",
            _("文件超过大小上限 %(limit)s") % {"limit": _human_size(max_bytes)},
            {"max_bytes": max_bytes},
        )


class UnsupportedFileType(UploadRejected):
    """Not one of the accepted types, judged by the content; ``reason`` is a stable code."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(
            415,
            "unsupported_media_type",
            message,
            {"reason": reason, "accepted": [kind.label for kind in ACCEPTED_KINDS]},
        )


class StorageFailed(UploadRejected):
    """The storage could not keep the file; ``details.reason`` names the problem:
    ``disk_full`` (no space or quota left), ``not_writable`` (the storage directory refuses
    writes: permissions, a read-only file system) or ``storage_error`` (anything else)."""

    def __init__(self, error: OSError | None = None) -> None:
        reason = storage_reason(error)
        super().__init__(507, "insufficient_storage", storage_message(reason), {"reason": reason})


def max_upload_bytes() -> int:
    return int(getattr(settings, "ONEWINDOW_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return _("%(size)s 字节") % {"size": size}


@dataclass(frozen=True)
class _Scan:
    size: int
    sha256: str
    head: bytes
    zip_entry_signatures: int  # an upper bound of the entries a ZIP's directory can list


def _scan(upload: UploadedFile, max_bytes: int) -> _Scan:
    """One pass over the upload: size (stopping past the limit), SHA-256, first bytes, and how
    often a ZIP central-directory signature occurs (every listed entry starts with one)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    signatures = 0
    tail = b""
    for chunk in upload.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(max_bytes)
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        window = tail + chunk
        signatures += window.count(ZIP_CENTRAL_ENTRY)
        tail = window[-(len(ZIP_CENTRAL_ENTRY) - 1) :]
    return _Scan(size, digest.hexdigest(), head, signatures)


def _claims(upload: UploadedFile, kind: FileKind) -> bool:
    """Whether the client's name or content type says the file is of ``kind``."""
    name = str(upload.name or "").lower()
    claimed_type = str(getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    return claimed_type == kind.content_type or name.endswith(kind.extensions)


def _unsupported(upload: UploadedFile, head: bytes) -> UnsupportedFileType:
    for kind in ACCEPTED_KINDS:
        if _claims(upload, kind):
            return UnsupportedFileType(
                _("文件自称是 %(type)s，但内容不是有效的 %(type)s 文件（文件头不符，可能已损坏）")
                % {"type": kind.label},
                "corrupt",
            )
    if head.startswith(b"MZ"):
        return UnsupportedFileType(_("不接受可执行程序文件"), "executable")
    return UnsupportedFileType(
        _("不支持的文件类型：只接受 PDF、JPEG、PNG、OFD、DOCX、XLSX 文件（按文件内容识别）"),
        "unrecognised",
    )


def _zip_kind(upload: UploadedFile, scan: _Scan) -> FileKind:
    corrupt = UnsupportedFileType(_("压缩格式文件已损坏，无法读取"), "zip_corrupt")
    too_many = UnsupportedFileType(
        _("压缩格式文件包含的条目超过 %(limit)s 个，不予接收") % {"limit": MAX_ZIP_ENTRIES},
        "zip_too_many_entries",
    )
    # zipfile reads the whole central directory when it opens an archive; bound it first.
    if scan.zip_entry_signatures > MAX_ZIP_ENTRIES:
        raise too_many
    fileobj = upload.file
    if fileobj is None:
        raise corrupt
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise too_many
            if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
                raise UnsupportedFileType(
                    _("压缩格式文件解压后超过 %(limit)s，不予接收")
                    % {"limit": _human_size(MAX_ZIP_UNCOMPRESSED)},
                    "zip_too_large_uncompressed",
                )
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise UnsupportedFileType(_("文件已加密，请上传未加密的文件"), "zip_encrypted")
            names = {entry.filename for entry in entries}
            for kind, parts, marker in ZIP_KINDS:
                if parts <= names:
                    _check_part(archive, archive.getinfo(marker), corrupt)
                    return kind
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        # NotImplementedError: a compression method zipfile cannot read; ValueError/EOFError:
        # truncated or inconsistent headers.
        raise corrupt from exc
    finally:
        upload.seek(0)
    raise UnsupportedFileType(
        _("不支持的压缩格式文件：只接受 DOCX、XLSX 和 OFD 文件"), "zip_unrecognised"
    )


def _check_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, corrupt: UnsupportedFileType
) -> None:
    """Read one small part to its end: zipfile checks its CRC there (BadZipFile if wrong)."""
    if entry.file_size > MAX_MARKER_BYTES:
        raise corrupt
    with archive.open(entry) as part:
        data = part.read(MAX_MARKER_BYTES + 1)
    if not data.strip() or len(data) > MAX_MARKER_BYTES:
        raise corrupt


def _detect_kind(upload: UploadedFile, scan: _Scan) -> FileKind:
    head = scan.head
    if head.startswith(PDF_MAGIC):
        return PDF
    if head.startswith(PNG_MAGIC):
        return PNG
    if head.startswith(JPEG_MAGIC):
        return JPEG
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(upload, scan)
    raise _unsupported(upload, head)


def _strip_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # a basename, whatever the client's OS
    # No control or format characters (U+202E RIGHT-TO-LEFT OVERRIDE disguises an extension),
    # no line or paragraph separators; runs of white space become one space.
    name = "".join(
        char for char in name if unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029"
    )
    return " ".join(name.split()).rstrip(" .").lstrip(" ")


def _split(name: str) -> tuple[str, str]:
    """(stem, extension with its dot); "报告 v1.2" → ("报告 v1", ".2"), ".pdf" → ("", ".pdf")."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext and " " not in ext:
        return stem.rstrip(" ."), f".{ext}"
    return name, ""


def clean_name(raw: str, kind: FileKind) -> str:
    """The name kept for a file: a basename without control characters, at most 200
    characters, ending in an extension of its real type (Chinese and other scripts kept)."""
    stem, ext = _split(_strip_name(str(raw or "")))
    if ext.lower() in kind.extensions:
        pass  # the name already fits the content: keep it as written
    elif ext.lower() in REPLACEABLE_EXTENSIONS:
        ext = kind.extension
    else:
        stem, ext = f"{stem}{ext}", kind.extension
    stem = stem.lstrip(" .")[: MAX_NAME_LENGTH - len(ext)].rstrip(" .") or FALLBACK_STEM
    return f"{stem}{ext}"


def _storage_name(name: str) -> str:
    """The file's name inside the storage: the kept name, shortened to a safe byte length,
    with a random part so that this upload's path is its own (see ``_discard``)."""
    stem, ext = _split(name)
    marker = f"-{secrets.token_hex(4)}{ext.lower()}"
    budget = MAX_STORAGE_NAME_BYTES - len(marker.encode())
    encoded = stem.encode()[:budget]
    return encoded.decode(errors="ignore").rstrip(" .") + marker


def _discard(storage: Storage, path: str) -> None:
    try:
        if storage.exists(path):
            storage.delete(path)
    except Exception:  # the original error matters more; leave a trace for the operator
        log.exception("could not remove the stored file %s after a failed upload", path)


def store_upload(
    upload: UploadedFile, *, actor: Any, request: HttpRequest | None = None
) -> StoredFile:
    """Check ``upload`` and keep it: a ``StoredFile`` row, its file in storage, one audit record.

    Raises ``EmptyFile`` (400), ``FileTooLarge`` (413), ``UnsupportedFileType`` (415) or
    ``StorageFailed`` (507); in each case nothing is kept.
    """
    max_bytes = max_upload_bytes()
    if upload.size is not None and upload.size > max_bytes:
        raise FileTooLarge(max_bytes)
    scan = _scan(upload, max_bytes)
    if scan.size == 0:
        raise EmptyFile()
    kind = _detect_kind(upload, scan)
    name = clean_name(str(upload.name or ""), kind)

    stored = StoredFile(
        name=name,
        size=scan.size,
        sha256=scan.sha256,
        content_type=kind.content_type,
        uploaded_by=actor,
    )
    field = stored.file.field
    storage = field.storage
    path = field.generate_filename(stored, _storage_name(name))
    try:
        upload.seek(0)
        stored.file = storage.save(path, upload, max_length=field.max_length)
    except OSError as exc:
        log.exception("could not store an upload of %s bytes at %s", scan.size, path)
        _discard(storage, path)  # a partly written file (disk full while writing)
        raise StorageFailed(exc) from exc

    try:
        with transaction.atomic():
            stored.save()
            audit.record(
                "files.upload",
                actor=actor,
                obj=stored,
                request=request,
                detail={
                    "name": stored.name,
                    "size": stored.size,
                    "sha256": stored.sha256,
                    "type": stored.content_type,
                },
            )
    except BaseException:
        _discard(storage, stored.file.name)
        raise
    return stored
