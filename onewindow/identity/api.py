"""Identity section of the public API (API.md "Identity"): who is calling."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onewindow.core.api import ErrorOut

from .api_auth import READ_SCOPES, ApiBearer, api_user
from .models import OrganizationMember, User

router = Router(tags=["identity"])


class OrganizationOut(Schema):
    name: str
    credit_code: str


class OperatedOrganizationOut(Schema):
    name: str
    credit_code: str
    role: str = Field(description="legal_representative、administrator 或 operator")


class DepartmentRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    kind: str = Field(description="person（自然人）、organization（法人）或 staff（工作人员）")
    name: str = Field(description="姓名（已脱敏，如 张*）；法人账户为单位全称")
    roles: list[str] = Field(description="角色名，见 API.md 身份一节")
    organization: OrganizationOut | None = Field(
        None, description="法人账户本身所属的单位；自然人和工作人员为 null"
    )
    operates_for: list[OperatedOrganizationOut] = Field(
        default_factory=list, description="自然人作为经办人可代为办理的单位"
    )
    department: DepartmentRef | None = Field(None, description="工作人员的所属部门")


ME_DESCRIPTION = (
    "当前访问令牌所代表的账户。`organization` 只在法人账户上出现，是该账户本身的单位"
    "（名称和统一社会信用代码）；自然人作为经办人可代办的单位另列于 `operates_for`。"
    "接受个人 API 令牌，以及含 `openid`、`read` 或 `write` 授权范围的 OAuth2/OIDC 访问令牌。"
)


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut, 403: ErrorOut},
    summary="当前账户",
    description=ME_DESCRIPTION,
    auth=ApiBearer(read_scopes=READ_SCOPES | {"openid"}),
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = api_user(request)
    return me_payload(user)


def me_payload(user: User) -> dict[str, Any]:
    organization = None
    if user.kind == User.Kind.ORGANIZATION:
        own = getattr(user, "organization", None)
        if own is not None:
            organization = {"name": own.name, "credit_code": own.credit_code}
    operates_for = [
        {
            "name": membership.organization.name,
            "credit_code": membership.organization.credit_code,
            "role": membership.role,
        }
        for membership in OrganizationMember.objects.filter(person=user)
        .select_related("organization")
        .order_by("organization__name")
    ]
    department = None
    if user.department_id is not None and user.department is not None:
        department = {"code": user.department.code, "name": user.department.name}
    return {
        "username": user.get_username(),
        "kind": user.kind,
        "name": user.masked_name,
        "roles": sorted(user.role_names()),
        "organization": organization,
        "operates_for": operates_for,
        "department": department,
    }
