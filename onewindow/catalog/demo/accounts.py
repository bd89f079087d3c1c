"""The demo centre's accounts: staff for its posts, two citizens and one enterprise.

Only outside production (``settings.PRODUCTION``): a production platform never gets accounts
with a published password. Every account is created through ``identity.services`` and signs in
with ``DEMO_PASSWORD``. Staff also need a TOTP code (the platform has no switch that relaxes
it), so each demo staff account gets a confirmed TOTP device with the same published secret
``DEMO_TOTP_SECRET``: one entry in an authenticator app (``totp_uri()``) serves every demo
staff account. Accounts are looked up by username and created only if missing. The password
is hashed once and the hash given to every new account (hashing is deliberately slow; the
password is public anyway), so the services get ``password=None`` and the hash is set after.

ID numbers and the enterprise's credit code are fictitious with valid check characters; the
phone numbers are fictitious.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric

from onewindow.identity import services as identity
from onewindow.identity.models import User
from onewindow.org.models import Department, Post

from . import org_data

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105  # published on purpose: demo accounts only
# Base32 (RFC 4648), 20 bytes: what an authenticator app asks for as the "key".
DEMO_TOTP_SECRET = "ONEWINDOWDEMOSTAFFTOTPSECRETKEYS"  # noqa: S105
TOTP_DEVICE_NAME = "演示验证器"


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    roles: tuple[str, ...]
    department: str | None = None
    # (department code, post name) the account holds, e.g. a window clerk's window post.
    post: tuple[str, str] | None = None
    note: str = ""


@dataclass(frozen=True)
class PersonSpec:
    username: str
    name: str
    id_body: str  # the first 17 digits; the check character is computed
    phone: str

    @property
    def id_number(self) -> str:
        return self.id_body + ric.calc_check_digit(self.id_body + "0")


@dataclass(frozen=True)
class EnterpriseSpec:
    username: str
    name: str
    organisation_body: str  # 8 characters of the organisation code (GB 11714)
    legal_representative: str
    phone: str
    operator: str  # username of the person who administers the account

    @property
    def credit_code(self) -> str:
        return org_data.credit_code("91", self.organisation_body)  # 工商·企业


STAFF: list[StaffSpec] = [
    StaffSpec(
        "clerk",
        "陈静",
        ("window_clerk",),
        post=("SCJG", "企业开办综合窗口受理岗"),
        note="综合窗口受理人员（03号窗口），受理各部门事项、送达",
    ),
    StaffSpec("scjg-handler", "刘洋", ("handler",), "SCJG", note="市场监管分局承办人"),
    StaffSpec("scjg-reviewer", "赵敏", ("reviewer",), "SCJG", note="市场监管分局审核人"),
    StaffSpec("scjg-approver", "孙伟", ("approver",), "SCJG", note="市场监管分局审批人"),
    StaffSpec("scjg-head", "周建国", ("department_head",), "SCJG", note="市场监管分局负责人"),
    StaffSpec("sw-reviewer", "吴磊", ("reviewer",), "SW", note="税务局审核人（企业开办并联环节）"),
    StaffSpec("rs-reviewer", "郑丽", ("reviewer",), "RS", note="人社局审核人（企业开办并联环节）"),
    StaffSpec("manager", "黄志明", ("centre_manager",), note="中心管理人员"),
    StaffSpec("supervisor", "林晓", ("supervisor",), note="监察人员"),
    StaffSpec("hotline", "何芳", ("hotline_agent",), note="12345热线话务员"),
    StaffSpec(
        "disclosure",
        "马超",
        ("disclosure_officer",),
        "SCJG",
        note="市场监管分局政府信息公开工作人员",
    ),
    StaffSpec("sysadmin", "系统管理员", ("system_admin",), note="系统管理员（后台 /admin/）"),
]

PEOPLE: list[PersonSpec] = [
    PersonSpec("citizen", "张伟", "34030219900315003", "13905520001"),
    PersonSpec("citizen2", "李娜", "34030419920708002", "13905520002"),
]

ENTERPRISES: list[EnterpriseSpec] = [
    EnterpriseSpec(
        "enterprise",
        "蚌埠示例商贸有限公司",
        "MA2N7C3K",
        legal_representative="张伟",
        phone="13905520003",
        operator="citizen",
    ),
]

USERNAMES: tuple[str, ...] = tuple(
    spec.username for group in (STAFF, PEOPLE, ENTERPRISES) for spec in group
)


def enabled() -> bool:
    """Demo accounts exist only outside production."""
    return not settings.PRODUCTION


def totp_uri(label: str = "demo-staff") -> str:
    """The ``otpauth://`` URI of the demo staff's shared TOTP secret (for an authenticator)."""
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "OneWindow").replace(":", "")
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(label)}?secret={DEMO_TOTP_SECRET}"
        f"&algorithm=SHA1&digits=6&period=30&issuer={quote(issuer)}"
    )


def _totp_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def _with_password(user: User, password_hash: str) -> User:
    user.password = password_hash
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    return user


def _staff(
    spec: StaffSpec, departments: dict[str, Department], password_hash: str
) -> tuple[User, bool]:
    """The demo staff account; a new one also gets the shared TOTP device and its post (an
    existing account of that name is left alone: never a published secret on a real one)."""
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user, False
    user = identity.create_staff(
        username=spec.username,
        password=None,
        name=spec.name,
        department=departments[spec.department] if spec.department else None,
        roles=spec.roles,
        actor=None,
    )
    _with_password(user, password_hash)
    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=_totp_key_hex(), confirmed=True)
    if spec.post is not None:
        code, name = spec.post
        Post.objects.get(department=departments[code], name=name).holders.add(user)
    return user, True


def _person(spec: PersonSpec, password_hash: str) -> tuple[User, bool]:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user, False
    user = identity.register_person(
        username=spec.username,
        password=None,
        name=spec.name,
        id_number=spec.id_number,
        phone=spec.phone,
    )
    return _with_password(user, password_hash), True


def _enterprise(
    spec: EnterpriseSpec, people: dict[str, User], password_hash: str
) -> tuple[User, bool]:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user, False
    organization = identity.register_organization(
        username=spec.username,
        password=None,
        name=spec.name,
        credit_code=spec.credit_code,
        legal_representative=spec.legal_representative,
        phone=spec.phone,
        operator=people[spec.operator],
    )
    return _with_password(organization.account, password_hash), True


@transaction.atomic
def load_accounts() -> dict[str, object]:
    """Create the missing demo accounts (nothing in production); returns ``summary()`` with
    ``created``."""
    if not enabled():
        return {**summary(), "created": False}
    codes = {code for spec in STAFF for code in (spec.department, (spec.post or ("",))[0]) if code}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    created = False
    missing = set(USERNAMES) - set(
        User.objects.filter(username__in=USERNAMES).values_list("username", flat=True)
    )
    password_hash = make_password(DEMO_PASSWORD) if missing else ""
    for spec in STAFF:
        created = _staff(spec, departments, password_hash)[1] or created
    people: dict[str, User] = {}
    for person in PEOPLE:
        people[person.username], was_created = _person(person, password_hash)
        created = was_created or created
    for enterprise in ENTERPRISES:
        created = _enterprise(enterprise, people, password_hash)[1] or created
    return {**summary(), "created": created}


def summary() -> dict[str, int]:
    accounts = User.objects.filter(username__in=USERNAMES)
    return {
        "demo_accounts": accounts.count(),
        "demo_staff": accounts.filter(kind=User.Kind.STAFF).count(),
    }
