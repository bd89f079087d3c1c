"""Files section of the public API (API.md "Files"): upload a material before filing a case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile

from onewindow.core.api import ErrorOut
from onewindow.identity.api_auth import api_user

from . import files

router = Router(tags=["files"])


class FileOut(Schema):
    file_id: int = Field(description="文件标识，提交办件材料时作为 `file_id` 引用")
    name: str = Field(description="保存的文件名；扩展名与按内容识别的真实类型一致")
    size: int = Field(description="大小（字节）")
    sha256: str = Field(description="内容的 SHA-256，十六进制小写")
    content_type: str = Field(description="按内容识别的类型，如 application/pdf")


UPLOAD_DESCRIPTION = (
    "以 multipart/form-data 上传一个文件，字段名 `file`。接受 PDF、JPEG、PNG、OFD、DOCX、XLSX，"
    "类型按文件内容识别，与文件名和客户端声明的类型无关；名称与内容不符时按真实类型保存并更正"
    "扩展名。大小上限默认 20 MB（由 `ONEWINDOW_UPLOAD_MAX_BYTES` 配置）。空文件 400，"
    "超过上限 413，类型不符、文件头损坏、加密或异常的压缩包（条目过多、解压后过大）415"
    "（`details.reason` 说明原因），存储空间不足 507。需要具有 `write` 授权范围的访问令牌。"
)


@router.post(
    "/files",
    response={
        201: FileOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        507: ErrorOut,
    },
    summary="上传文件",
    description=UPLOAD_DESCRIPTION,
)
def upload_file(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    stored = files.store_upload(file, actor=api_user(request), request=request)
    return Status(
        201,
        {
            "file_id": stored.pk,
            "name": stored.name,
            "size": stored.size,
            "sha256": stored.sha256,
            "content_type": stored.content_type,
        },
    )
