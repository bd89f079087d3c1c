"""The API's error envelope: ``{"error": {"code", "message", "details"}}``, and the names of
the storage failures (a full disk, an unwritable directory) that every write of a file reports
alike."""

from __future__ import annotations

import errno
from typing import Any

from django.utils.translation import gettext as _

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
NOT_WRITABLE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class ApiError(Exception):
    """An error the API reports to its caller with a status and a stable code."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class NotFound(ApiError):
    def __init__(self, message: str, details: dict[str, Any] | None = None):
        super().__init__(404, "not_found", message, details)


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def storage_reason(error: BaseException | None) -> str:
    """``disk_full`` (no space or quota left), ``not_writable`` (permissions, a read-only file
    system) or ``storage_error`` (any other failure to write a file)."""
    code = getattr(error, "errno", None)
    if code in DISK_FULL_ERRNOS:
        return "disk_full"
    if code in NOT_WRITABLE_ERRNOS:
        return "not_writable"
    return "storage_error"


def storage_message(reason: str) -> str:
    return {
        "disk_full": _("服务器存储空间已满，文件未保存，请稍后重试或联系管理员"),
        "not_writable": _("服务器存储目录不可写入，文件未保存，请联系管理员"),
    }.get(reason, _("服务器存储暂时无法写入，文件未保存，请稍后重试"))


def is_storage_failure(error: BaseException | None) -> bool:
    """An ``OSError`` that says the server's disk is full or refuses writes: the request may
    be fine, the server cannot keep what it sent (507)."""
    return isinstance(error, OSError) and storage_reason(error) != "storage_error"
