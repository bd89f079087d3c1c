"""The demo centre's evaluation set-up and its demo cases.

* The centre's assessment weights (the defaults: attendance 20, conduct 15, case handling 15,
  efficiency 15, ratings 15, callbacks 10, case-file review 10).
* Outside production, and when the demo accounts exist, a few cases driven through
  ``cases.services`` by the demo staff, so the workbench inboxes, the progress page, the
  licence library and the statistics have something to show. They live here because the last
  of them ends in a rating:

  =========================  =========================================================
  食品经营许可 (enterprise)     submitted: waits in the window clerk's inbox
  企业开办 (citizen2)           in review: handled; of the parallel stage (SW + RS) SW
                               has agreed, RS still has to
  药品经营许可 (enterprise)     granted: its licence is issued when the loader commits
  个体工商户登记 (citizen)      completed (delivered online) and rated 非常满意 (5)
  特种设备使用登记 (enterprise)  completed and rated 不满意 (2): a rectification is open
  =========================  =========================================================

Idempotent: a demo case exists when its applicant has a case of its item (whatever its state);
then it is left alone. The notices and licences of the actions are produced after the
loader's transaction commits, like every case action's side effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from onewindow.cases import files
from onewindow.cases import services as cases
from onewindow.cases.models import Case
from onewindow.catalog.demo import accounts, items_data, org_data
from onewindow.catalog.demo.pdf import minimal_pdf
from onewindow.catalog.models import ItemImplementation
from onewindow.identity.models import User
from onewindow.org.models import ServiceCenter

from . import services
from .models import AssessmentWeights, Evaluation

DEMO_AFTER = ("licences",)  # a granted demo case issues its licence: types and seals first

# The steps a demo case goes through after submission, in order.
ACCEPT, HANDLE, REVIEW, PARALLEL_SW, GRANT, DELIVER, RATE = (
    "accept",
    "handle",
    "review",
    "parallel_sw",
    "grant",
    "deliver",
    "rate",
)


@dataclass(frozen=True)
class CaseSpec:
    item: int  # ItemSpec.number
    applicant: str  # demo username
    form: dict[str, Any]
    steps: tuple[str, ...]
    rating: dict[str, Any] = field(default_factory=dict)
    delivery: str = "online"


def _enterprise_fields() -> dict[str, Any]:
    enterprise = accounts.ENTERPRISES[0]
    return {
        "entity_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.legal_representative,
        "contact_name": enterprise.legal_representative,
        "contact_phone": enterprise.phone,
    }


def _person(username: str) -> accounts.PersonSpec:
    return next(p for p in accounts.PEOPLE if p.username == username)


def case_specs() -> list[CaseSpec]:
    citizen, citizen2 = _person("citizen"), _person("citizen2")
    return [
        CaseSpec(
            1,
            "enterprise",
            {
                **_enterprise_fields(),
                "business_address": "安徽省蚌埠市高新区示例路88号一层",
                "business_form": "餐饮服务经营者",
                "business_scope": "热食类食品制售；冷食类食品制售",
                "floor_area": 160,
                "food_safety_officer": "王芳",
                "commitment": True,
            },
            (),
        ),
        CaseSpec(
            101,
            "citizen2",
            {
                "company_name": "蚌埠示例餐饮管理有限公司",
                "company_type": "有限责任公司",
                "registered_capital": 50,
                "domicile": "安徽省蚌埠市高新区示例路66号",
                "business_scope": "餐饮管理；餐饮服务；食品销售",
                "legal_representative": citizen2.name,
                "legal_representative_id": citizen2.id_number,
                "finance_officer": "王芳",
                "contact_phone": citizen2.phone,
                "need_invoice": "是",
                "employee_count": 3,
                "commitment": True,
            },
            (ACCEPT, HANDLE, PARALLEL_SW),
        ),
        CaseSpec(
            5,
            "enterprise",
            {
                **_enterprise_fields(),
                "business_address": "安徽省蚌埠市高新区示例路88号二层",
                "floor_area": 120,
                "pharmacist_name": "王芳",
                "drug_scope": ["甲类非处方药", "乙类非处方药"],
                "commitment": True,
            },
            (ACCEPT, HANDLE, REVIEW, GRANT),
        ),
        CaseSpec(
            3,
            "citizen",
            {
                "applicant_name": citizen.name,
                "applicant_id_number": citizen.id_number,
                "contact_phone": citizen.phone,
                "trade_name": "蚌埠高新区张记便利店",
                "organization_form": "个人经营",
                "business_address": "安徽省蚌埠市高新区示例路12号",
                "business_scope": "日用百货零售；预包装食品销售",
                "commitment": True,
            },
            (ACCEPT, GRANT, DELIVER, RATE),
            rating={
                "level": 5,
                "indicators": {
                    "efficiency": 5,
                    "guide_accuracy": 5,
                    "convenience": 5,
                    "platform_usability": 4,
                },
                "comment": "网上提交后当天就拿到了电子营业执照，很方便。",
            },
        ),
        CaseSpec(
            4,
            "enterprise",
            {
                **_enterprise_fields(),
                "equipment_category": "电梯",
                "equipment_code": "3110340300202600012",
                "install_address": "安徽省蚌埠市高新区示例路88号",
                "commissioning_date": "2026-10-15",
            },
            (ACCEPT, GRANT, DELIVER, RATE),
            rating={
                "level": 2,
                "reasons": ["repeated_materials"],
                "comment": "网上已上传产品合格证，窗口又要求提交一份复印件。",
            },
            delivery="pickup",
        ),
    ]


def enabled() -> bool:
    return not settings.PRODUCTION


def _implementation(number: int) -> ItemImplementation:
    spec = next(s for s in items_data.ITEMS if s.number == number)
    code = ItemImplementation.make_code(spec.basic_code, org_data.ZONE, spec.department)
    return ItemImplementation.objects.select_related("current_version").get(
        implementation_code=code
    )


def _materials(implementation: ItemImplementation, actor: User) -> list[dict[str, int]]:
    """A placeholder PDF for every material the applicant must upload."""
    chosen = []
    requirements = implementation.current_version.materials.filter(  # type: ignore[union-attr]
        required=True, source="applicant"
    ).order_by("pk")
    for requirement in requirements:
        data = minimal_pdf(
            "Demo material",
            [f"Item: {implementation.implementation_code}", "Placeholder for the demo."],
        )
        upload = SimpleUploadedFile(
            f"{requirement.name[:40]}.pdf", data, content_type="application/pdf"
        )
        stored = files.store_upload(upload, actor=actor)
        chosen.append({"requirement_id": requirement.pk, "file_id": stored.pk})
    return chosen


def _complete(case: Case, *, role: str, department: str, actor: User) -> Case:
    task = case.tasks.get(role=role, department__code=department, status="active")
    return cases.complete_task(case, actor=actor, task_id=task.pk, opinion="agree", note="同意")


def _drive(spec: CaseSpec, users: dict[str, User]) -> Case:
    implementation = _implementation(spec.item)
    applicant = users[spec.applicant]
    case = cases.submit_case(
        implementation,
        form=spec.form,
        materials=_materials(implementation, applicant),
        channel="online",
        actor=applicant,
    )
    for step in spec.steps:
        if step == ACCEPT:
            case = cases.accept(case, actor=users["clerk"], note="材料齐全，予以受理")
        elif step == HANDLE:
            case = _complete(case, role="handler", department="SCJG", actor=users["scjg-handler"])
        elif step == REVIEW:
            case = _complete(case, role="reviewer", department="SCJG", actor=users["scjg-reviewer"])
        elif step == PARALLEL_SW:
            case = _complete(case, role="reviewer", department="SW", actor=users["sw-reviewer"])
        elif step == GRANT:
            if case.tasks.filter(role="approver", status="active").exists():
                case = _complete(
                    case, role="approver", department="SCJG", actor=users["scjg-approver"]
                )
            case = cases.grant(case, actor=users["scjg-approver"], note="符合条件，准予许可")
        elif step == DELIVER:
            case = cases.deliver(case, actor=users["clerk"], delivery={"method": spec.delivery})
        elif step == RATE:
            services.rate_case(
                case,
                actor=applicant,
                level=spec.rating["level"],
                indicators=spec.rating.get("indicators"),
                reasons=spec.rating.get("reasons"),
                comment=spec.rating.get("comment", ""),
            )
    return case


def _demo_cases() -> int:
    users = {u.username: u for u in User.objects.filter(username__in=accounts.USERNAMES)}
    if set(users) != set(accounts.USERNAMES):
        return 0  # the demo accounts are missing (production, or deleted): no demo cases
    created = 0
    for spec in case_specs():
        implementation = _implementation(spec.item)
        applicant = users[spec.applicant]
        if Case.objects.filter(implementation=implementation, applicant=applicant).exists():
            continue
        _drive(spec, users)
        created += 1
    return created


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Load the centre's weights and (outside production) the demo cases; returns
    ``summary()`` with ``created``."""
    center = ServiceCenter.objects.get(code=org_data.CENTER_CODE)
    created = not AssessmentWeights.objects.filter(center=center).exists()
    services.weights_for(center)
    if enabled():
        created = _demo_cases() > 0 or created
    return {**summary(), "created": created}


def summary() -> dict[str, int]:
    applicants = User.objects.filter(username__in=accounts.USERNAMES)
    demo_cases = Case.objects.filter(
        applicant__in=applicants, implementation__center__code=org_data.CENTER_CODE
    )
    return {
        "assessment_weights": AssessmentWeights.objects.filter(
            center__code=org_data.CENTER_CODE
        ).count(),
        "demo_cases": demo_cases.count(),
        "ratings": Evaluation.objects.filter(case__in=demo_cases).count(),
    }
