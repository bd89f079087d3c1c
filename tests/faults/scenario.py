"""Set up and inspect a platform for the fault tests, in the platform's own process.

``python -m tests.faults.scenario setup [--cases N] [--licences] [--grant]`` populates the
database named by ``DATABASE_URL``: departments, an item with two review stages, an applicant
and staff with API tokens, N submitted cases with a stored file each; ``--licences`` adds a
platform CA, seals and a licence type for the item; ``--grant`` drives every case to its grant
(so notices and licences are queued). ``check`` reports what the tests assert on. Each prints
one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

PASSWORD = "Zw!x9-Lk3m"


def _id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def pdf_bytes(label: str, size: int = 2048) -> bytes:
    head = f"%PDF-1.4\n% {label}\n1 0 obj<<>>endobj\n".encode()
    filler = hashlib.sha256(label.encode()).hexdigest().encode() * (size // 64 + 1)
    return head + filler[: max(0, size - len(head) - 20)] + b"\ntrailer<<>>\n%%EOF\n"


def store_pdf(user: Any, label: str, size: int = 2048) -> Any:
    from onewindow.cases.models import StoredFile

    data = pdf_bytes(label, size)
    stored = StoredFile(
        name=f"{label}.pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        uploaded_by=user,
    )
    stored.file.save(f"{label}.pdf", ContentFile(data), save=False)
    stored.save()
    return stored


def setup(cases: int, licences: bool, grant: bool, file_size: int = 2048) -> dict[str, Any]:
    from onewindow.cases import services as case_services
    from onewindow.catalog.tests import factories
    from onewindow.identity import services as identity
    from onewindow.identity.tokens import create_token

    scjg = factories.department("SCJG", "市场监督管理局")
    item = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        dept=scjg,
        statutory_days=20,
        promised_days=10,
        materials=[{"name": "申请书", "required": True}],
        stages=[
            {"name": "承办", "role": "handler", "departments": [scjg], "days": 2},
            {"name": "审批", "role": "approver", "departments": [scjg], "days": 2},
        ],
        form_schema={
            "type": "object",
            "properties": {
                "venue": {"type": "string", "title": "场所名称", "minLength": 1},
                "area": {"type": "number", "title": "建筑面积", "minimum": 1},
            },
            "required": ["venue", "area"],
        },
    )
    citizen = identity.register_person(
        username="citizen",
        password=PASSWORD,
        name="张三",
        id_number=_id_number("11010519491231002"),
        phone="13800000001",
    )
    staff = {
        name: identity.create_staff(
            username=name,
            password=PASSWORD,
            name=name,
            department=None if name == "clerk" else scjg,
            roles=[role],
            actor=None,
        )
        for name, role in (
            ("clerk", "window_clerk"),
            ("handler", "handler"),
            ("approver", "approver"),
        )
    }
    tokens = {
        user.username: create_token(user, name="faults", actor=user)[1]
        for user in (citizen, *staff.values())
    }
    if licences:
        from onewindow.licences import services as licence_services
        from onewindow.licences.models import LicenceItem, LicenceType

        licence_services.init_authority(name="测试政务服务中心")
        scjg.credit_code = _credit_code("11340300MB1957000")
        scjg.save(update_fields=["credit_code"])
        licence_services.issue_seal(scjg)
        licence_type = LicenceType.objects.create(
            code="XFAQ0001",
            name="公众聚集场所投入使用、营业前消防安全检查合格证",
            department=scjg,
            holder_kind=LicenceType.HolderKind.BOTH,
            validity_months=60,
            fields=[
                {"key": "venue", "label": "场所名称"},
                {"key": "area", "label": "建筑面积（平方米）"},
            ],
        )
        LicenceItem.objects.create(implementation=item, licence_type=licence_type)

    requirement = item.current_version.materials.get(name="申请书")
    case_nos = []
    for n in range(cases):
        stored = store_pdf(citizen, f"申请书-{n}", file_size)
        case = case_services.submit_case(
            item,
            form={"venue": f"示例影城{n}号厅", "area": 1200 + n},
            channel="online",
            materials=[{"requirement_id": requirement.pk, "file_id": stored.pk}],
            actor=citizen,
        )
        if grant:
            case = case_services.accept(case, actor=staff["clerk"])
            for task in case.tasks.order_by("stage", "id"):
                actor = staff["handler"] if task.role == "handler" else staff["approver"]
                case = case_services.complete_task(
                    case, actor=actor, task_id=task.pk, opinion="agree"
                )
            case = case_services.grant(case, actor=staff["approver"])
        case_nos.append(case.case_no)
    spare = [store_pdf(citizen, f"材料-{n}").pk for n in range(3)]
    return {
        "tokens": tokens,
        "item_code": item.implementation_code,
        "requirement_id": requirement.pk,
        "case_nos": case_nos,
        "spare_file_ids": spare,
    }


def case_problems() -> list[str]:
    """Every way a case's state, its events and its audit records disagree."""
    from onewindow.cases.models import Case, CaseEvent
    from onewindow.core.models import AuditRecord

    problems = []
    events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.order_by("id"):
        events.setdefault(event.case_id, []).append(event)
    audits: dict[str, list[AuditRecord]] = {}
    for record in AuditRecord.objects.filter(
        object_type="cases.case", action__startswith="case."
    ).order_by("id"):
        audits.setdefault(record.object_id, []).append(record)
    for case in Case.objects.order_by("id"):
        chain = events.get(case.pk, [])
        trail = audits.get(str(case.pk), [])
        if not chain:
            problems.append(f"{case.case_no}: no events")
            continue
        if chain[-1].to_status != case.status:
            problems.append(f"{case.case_no}: status {case.status}, last event {chain[-1].action}")
        for before, after in itertools.pairwise(chain):
            if before.to_status != after.from_status:
                problems.append(f"{case.case_no}: event {after.pk} does not follow {before.pk}")
        actions = [f"case.{e.action}" for e in chain]
        if actions != [r.action for r in trail]:
            recorded = [r.action for r in trail]
            problems.append(f"{case.case_no}: events {actions} vs audit {recorded}")
        elif any(
            (r.detail.get("from"), r.detail.get("to")) != (e.from_status, e.to_status)
            for e, r in zip(chain, trail, strict=True)
        ):
            problems.append(f"{case.case_no}: audit records disagree with events")
    return problems


def check() -> dict[str, Any]:
    from django.db.models import Count

    from onewindow.cases.models import Case, CaseEvent, Document, StoredFile
    from onewindow.core import audit
    from onewindow.core.models import AuditRecord, IdempotencyKey
    from onewindow.licences.models import Issuance, Licence

    result = audit.verify()
    return {
        "audit_ok": result.ok,
        "audit_records": result.records,
        "audit_reason": result.reason,
        "problems": case_problems(),
        "cases": {c.case_no: c.status for c in Case.objects.all()},
        "events": {
            row["action"]: row["n"]
            for row in CaseEvent.objects.values("action").annotate(n=Count("id"))
        },
        "documents": Document.objects.count(),
        "document_events": sorted(Document.objects.values_list("event_id", flat=True)),
        "licences": Licence.objects.count(),
        "licences_per_case": {
            row["case_no"]: row["n"]
            for row in Licence.objects.values("case_no").annotate(n=Count("id"))
        },
        "issuances_pending": Issuance.objects.filter(licence=None).count(),
        "files": StoredFile.objects.count(),
        "upload_audits": AuditRecord.objects.filter(action="files.upload").count(),
        "keys": {k.key: k.state for k in IdempotencyKey.objects.all()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("setup")
    make.add_argument("--cases", type=int, default=3)
    make.add_argument("--licences", action="store_true")
    make.add_argument("--grant", action="store_true")
    make.add_argument("--file-size", type=int, default=2048)
    sub.add_parser("check")
    args = parser.parse_args()
    if args.command == "setup":
        out = setup(args.cases, args.licences, args.grant, args.file_size)
    else:
        out = check()
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
