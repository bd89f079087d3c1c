"""The demo centre's licence library: the platform CA, a seal for every department that issues
a licence, licence types and the items whose grant issues them (``LicenceItem``).

Run by ``onewindow seed-demo`` after the catalog's demo (it needs the departments' credit
codes and the items). Idempotent: the CA is created only if there is none, a seal only for a
department without an active one, types by code, mappings by implementation. Key files are
never overwritten: if the CA's key file exists without its certificate (a database created
again with the same data directory), the key is opened with the configured passphrase and
certified again; if it does not open, set-up stops with a warning and the rest of the demo
loads without seals (a licence then waits until a seal exists).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from onewindow.catalog.demo import accounts, items_data, org_data
from onewindow.catalog.models import ItemImplementation
from onewindow.core import audit
from onewindow.org.models import Department

from . import services, signing
from .models import Authority, Licence, LicenceItem, LicenceType, Seal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TypeSpec:
    """A licence type and the demo items (``ItemSpec.number``) whose grant issues it."""

    code: str
    name: str
    items: tuple[int, ...]
    validity_months: int | None
    fields: tuple[tuple[str, str], ...]  # (form field key, label on the licence)
    holder_kind: str = LicenceType.HolderKind.BOTH
    material_names: str = ""


ENTITY = (("entity_name", "名称"), ("credit_code", "统一社会信用代码"))
LEGAL = (("legal_representative", "法定代表人（负责人）"),)

# Validity as the items' guides state it (``result_validity``); empty: permanent.
LICENCE_TYPES: list[TypeSpec] = [
    TypeSpec(
        "YYZZ",
        "营业执照",
        (2, 3, 101),
        None,
        (
            ("company_name", "名称"),
            ("trade_name", "名称"),
            ("company_type", "类型"),
            ("organization_form", "组成形式"),
            ("applicant_name", "经营者"),
            ("legal_representative", "法定代表人"),
            ("registered_capital", "注册资本（万元）"),
            ("domicile", "住所"),
            ("business_address", "经营场所"),
            ("business_scope", "经营范围"),
        ),
        material_names="统一社会信用代码证明",
    ),
    TypeSpec(
        "SPJY",
        "食品经营许可证",
        (1,),
        60,
        (
            *ENTITY,
            *LEGAL,
            ("business_address", "经营场所"),
            ("business_form", "主体业态"),
            ("business_scope", "经营项目"),
        ),
    ),
    TypeSpec(
        "TZSBSY",
        "特种设备使用登记证",
        (4,),
        None,
        (
            ("entity_name", "使用单位"),
            ("equipment_category", "设备类别"),
            ("equipment_code", "设备代码"),
            ("install_address", "设备使用地点"),
        ),
    ),
    TypeSpec(
        "YPJY",
        "药品经营许可证",
        (5,),
        60,
        (
            ("entity_name", "企业名称"),
            ("credit_code", "统一社会信用代码"),
            ("legal_representative", "法定代表人"),
            ("pharmacist_name", "质量负责人"),
            ("business_address", "经营地址"),
        ),
    ),
    TypeSpec(
        "PWXK",
        "排污许可证",
        (9,),
        60,
        (
            *ENTITY,
            ("facility_address", "生产经营场所地址"),
            ("industry", "行业类别"),
            ("management_type", "管理类别"),
        ),
    ),
    TypeSpec(
        "JSYDGH",
        "建设用地规划许可证",
        (10,),
        None,
        (
            ("entity_name", "用地单位"),
            ("project_name", "项目名称"),
            ("project_code", "项目代码"),
            ("project_location", "用地位置"),
            ("land_area", "用地面积（平方米）"),
        ),
    ),
    TypeSpec(
        "JSGCGH",
        "建设工程规划许可证",
        (11,),
        None,
        (
            ("entity_name", "建设单位"),
            ("project_name", "建设项目名称"),
            ("project_location", "建设位置"),
            ("building_area", "建设规模（平方米）"),
        ),
    ),
    TypeSpec(
        "SGXK",
        "建筑工程施工许可证",
        (12,),
        None,
        (
            ("entity_name", "建设单位"),
            ("project_name", "工程名称"),
            ("project_location", "建设地址"),
            ("building_area", "建设规模（平方米）"),
            ("contract_price", "合同价格（万元）"),
            ("contractor_name", "施工单位"),
            ("planned_start", "计划开工日期"),
        ),
    ),
    TypeSpec(
        "PSXK",
        "城镇污水排入排水管网许可证",
        (14,),
        60,
        (
            ("entity_name", "排水户名称"),
            ("discharge_address", "排水地点"),
            ("discharge_type", "排水户类型"),
            ("daily_volume", "日排水量（立方米）"),
        ),
    ),
    TypeSpec(
        "GGCSWS",
        "公共场所卫生许可证",
        (18,),
        48,
        (
            ("entity_name", "单位名称"),
            ("legal_representative", "法定代表人（负责人）"),
            ("venue_address", "地址"),
            ("venue_category", "许可项目"),
        ),
    ),
    TypeSpec(
        "YLJGZY",
        "医疗机构执业许可证",
        (19,),
        None,
        (
            ("institution_name", "机构名称"),
            ("institution_address", "地址"),
            ("institution_category", "类别"),
            ("clinical_departments", "诊疗科目"),
            ("beds", "床位"),
        ),
    ),
    TypeSpec(
        "CJRZ",
        "中华人民共和国残疾人证",
        (29,),
        120,
        (("disability_type", "残疾类别"), ("address", "住址")),
        holder_kind=LicenceType.HolderKind.PERSON,
    ),
    TypeSpec(
        "RLZYFW",
        "人力资源服务许可证",
        (30,),
        60,
        (*ENTITY, *LEGAL, ("business_address", "住所")),
    ),
    TypeSpec(
        "LWPQ",
        "劳务派遣经营许可证",
        (31,),
        36,
        (*ENTITY, *LEGAL, ("business_address", "住所"), ("registered_capital", "注册资本（万元）")),
    ),
    TypeSpec(
        "YLJY",
        "娱乐经营许可证",
        (34,),
        24,
        (
            ("venue_name", "场所名称"),
            ("venue_address", "地址"),
            ("venue_type", "经营范围"),
            ("floor_area", "营业面积（平方米）"),
        ),
    ),
    TypeSpec(
        "YCZMLS",
        "烟草专卖零售许可证",
        (36,),
        60,
        (
            ("shop_name", "企业（字号）名称"),
            ("operator_name", "负责人（经营者）"),
            ("business_address", "经营场所"),
        ),
    ),
    TypeSpec(
        "WHPJY",
        "危险化学品经营许可证",
        (37,),
        36,
        (*ENTITY, *LEGAL, ("business_address", "经营场所"), ("chemicals", "许可范围")),
    ),
    TypeSpec(
        "NYJY",
        "农药经营许可证",
        (38,),
        60,
        (*ENTITY, *LEGAL, ("business_address", "经营场所")),
    ),
    TypeSpec(
        "DWFY",
        "动物防疫条件合格证",
        (39,),
        None,
        (
            ("entity_name", "单位名称"),
            ("site_type", "场所类型"),
            ("site_address", "场所地址"),
            ("species", "经营范围"),
        ),
    ),
    TypeSpec(
        "QSXK",
        "取水许可证",
        (40,),
        60,
        (
            ("entity_name", "取水权人名称"),
            ("intake_location", "取水地点"),
            ("water_source", "水源类型"),
            ("purpose", "取水用途"),
            ("annual_volume", "取水量（万立方米/年）"),
        ),
    ),
    TypeSpec(
        "LMCF",
        "林木采伐许可证",
        (41,),
        None,
        (
            ("applicant_name", "采伐单位（个人）"),
            ("felling_location", "采伐地点"),
            ("tree_species", "树种"),
            ("felling_method", "采伐方式"),
            ("felling_volume", "采伐蓄积（立方米）"),
        ),
    ),
    TypeSpec(
        "BDCQ",
        "不动产权证书",
        (42,),
        None,
        (
            ("transferee_name", "权利人"),
            ("property_location", "坐落"),
            ("usage", "用途"),
        ),
    ),
    TypeSpec(
        "DLYS",
        "道路运输经营许可证",
        (45,),
        None,
        (*ENTITY, ("business_address", "地址"), ("cargo_scope", "经营范围")),
    ),
]


def _items_by_number() -> dict[int, items_data.ItemSpec]:
    return {spec.number: spec for spec in items_data.ITEMS}


def _implementation(spec: items_data.ItemSpec) -> ItemImplementation | None:
    code = ItemImplementation.make_code(spec.basic_code, org_data.ZONE, spec.department)
    return ItemImplementation.objects.filter(implementation_code=code).first()


def issuing_departments() -> list[str]:
    """Codes of the departments that issue a demo licence type, in the centre's order."""
    by_number = _items_by_number()
    wanted = {by_number[spec.items[0]].department for spec in LICENCE_TYPES}
    return [d.code for d in org_data.DEPARTMENTS if d.code in wanted]


# --- the CA and the seals --------------------------------------------------------------------


def _recertify(name: str) -> Authority:
    """A root certificate for the CA key file that outlived its database row."""
    key = signing.load_ca_key()
    now = timezone.now()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} 电子证照根证书"[:64]),
        ]
    )
    not_before = now - dt.timedelta(minutes=5)
    not_after = now + dt.timedelta(days=365 * signing.CA_YEARS)
    public = key.public_key()
    usage = x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    authority = Authority.objects.create(
        name=name,
        certificate=pem,
        fingerprint=signing.fingerprint(pem),
        not_before=not_before,
        not_after=not_after,
    )
    audit.record(
        "licence.ca_create",
        actor=None,
        obj=authority,
        detail={
            "fingerprint": authority.fingerprint,
            "key_file": str(signing.ca_key_path()),
            "existing_key": True,
        },
    )
    return authority


def _authority() -> tuple[Authority, bool]:
    current = services.current_authority()
    if current is not None:
        return current, False
    name = org_data.CENTER["name"]
    if signing.ca_key_path().exists():
        return _recertify(name), True
    return services.init_authority(name=name), True


def _seals(departments: dict[str, Department]) -> int:
    created = 0
    for code in issuing_departments():
        department = departments[code]
        if Seal.objects.filter(department=department, is_active=True).exists():
            continue
        services.issue_seal(department)
        created += 1
    return created


# --- types and mappings ----------------------------------------------------------------------


def _types(departments: dict[str, Department]) -> int:
    by_number = _items_by_number()
    created = 0
    for spec in LICENCE_TYPES:
        department = departments[by_number[spec.items[0]].department]
        licence_type, was_created = LicenceType.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "department": department,
                "holder_kind": spec.holder_kind,
                "validity_months": spec.validity_months,
                "fields": [{"key": key, "label": label} for key, label in spec.fields],
                "material_names": spec.material_names,
            },
        )
        created += int(was_created)
        for number in spec.items:
            implementation = _implementation(by_number[number])
            if implementation is None or implementation.department_id != department.pk:
                continue
            _, was_created = LicenceItem.objects.get_or_create(
                implementation=implementation, defaults={"licence_type": licence_type}
            )
            created += int(was_created)
    return created


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Set up the demo licence library; returns ``summary()`` with ``created``."""
    codes = [spec.code for spec in org_data.DEPARTMENTS]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    created = _types(departments)
    try:
        with transaction.atomic():
            _, was_created = _authority()
            created += int(was_created) + _seals(departments)
    except (services.LicenceError, signing.KeyFileError, ImproperlyConfigured) as exc:
        log.warning("demo licences: no CA or seals (%s); licences wait for a seal", exc)
    return {**summary(), "created": created > 0}


def summary() -> dict[str, int]:
    codes = [spec.code for spec in LICENCE_TYPES]
    return {
        "licence_types": LicenceType.objects.filter(code__in=codes).count(),
        "licence_items": LicenceItem.objects.filter(licence_type__code__in=codes).count(),
        "seals": Seal.objects.filter(
            is_active=True, department__code__in=issuing_departments()
        ).count(),
        "licences": Licence.objects.filter(licence_type__code__in=codes).count(),
    }


def notes() -> list[str]:
    """Lines for the seed's output: where to verify the demo accounts' licences."""
    licences = Licence.objects.filter(
        holder__username__in=accounts.USERNAMES,
        licence_type__code__in=[t.code for t in LICENCE_TYPES],
    ).select_related("licence_type")
    base = f"{settings.ONEWINDOW_PUBLIC_URL.rstrip('/')}/licences/verify/"
    return [
        f"演示证照 {licence.licence_type.name}（{licence.holder_name}）查验："
        f"{base}?{urlencode({'licence_id': licence.identifier, 'check_code': licence.check_code})}"
        for licence in licences.order_by("pk")
    ]
