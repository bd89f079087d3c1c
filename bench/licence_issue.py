"""E-licence issuance and verification speed (server time, no network).

Creates a scratch SQLite database (unless DATABASE_URL is set) and a platform CA and a
department seal with their keys in a temporary directory, then:

* renders and signs licences (ReportLab PDF with seal and QR code, PAdES signature with
  ECDSA P-256 through pyHanko, SM2 signature over the canonical JSON) — ``--licences`` times,
  in memory: the "render and sign" figure, target p50 under 60 ms;
* issues licences end to end through ``licences.services.issue_licence`` (the above plus the
  serial, storage, the row, the event and the audit record);
* verifies through ``GET /api/v1/licences/verify`` with Django's test client (full request
  stack; the rate limit is off for the run) for ``--seconds``, and checks uploaded PDFs'
  signatures (``licences.queries.check_upload``) for a while too.

    .venv/bin/python bench/licence_issue.py [--licences 60] [--seconds 5]

The last line of output is one JSON object: {"issue_p50_ms": x, "verify_per_s": y}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--licences", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ["MEDIA_ROOT"] = f"{scratch.name}/media"
    os.environ["ONEWINDOW_LICENCE_CA_KEY_PATH"] = f"{scratch.name}/keys/ca-key.pem"
    os.environ["ONEWINDOW_LICENCE_SEAL_KEY_DIR"] = f"{scratch.name}/keys/seals"
    os.environ["ONEWINDOW_LICENCE_VERIFY_PER_MINUTE"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from stdnum.cn import ric, uscc

    from onewindow.identity import services as identity
    from onewindow.licences import queries, rendering, services, signing
    from onewindow.licences.models import LicenceType
    from onewindow.org.models import Department, Region

    call_command("migrate", verbosity=0, interactive=False)
    region = Region.objects.create(code="340371", name="蚌埠市高新技术开发区", level="zone")
    body = "11340300MB1957000"
    department = Department.objects.create(
        code="SCJG",
        name="蚌埠高新区市场监督管理局",
        region=region,
        credit_code=body + uscc.calc_check_digit(body),
    )
    services.init_authority(name="蚌埠高新区政务服务中心")
    services.issue_seal(department)
    licence_type = LicenceType.objects.create(
        code="JY0001",
        name="食品经营许可证",
        department=department,
        validity_months=60,
        fields=[
            {"key": "address", "label": "经营场所"},
            {"key": "kind", "label": "主体业态"},
            {"key": "scope", "label": "经营项目"},
        ],
    )
    id_body = "11010519491231002"
    holder = identity.register_person(
        username="bench",
        password=None,
        name="张三丰",
        id_number=id_body + ric.calc_check_digit(id_body + "0"),
        phone="13800000001",
    )
    data = {
        "address": "安徽省蚌埠市高新区燕南路1000号1幢101室",
        "kind": "餐饮服务经营者（小型餐馆）",
        "scope": "热食类食品制售；冷食类食品制售；自制饮品制售（不含自酿酒）",
    }

    def issue():
        return services.issue_licence(
            licence_type,
            holder_kind="person",
            holder_name=holder.name,
            holder_id_number=holder.id_number,
            holder=holder,
            data=data,
            actor=None,
        )

    template = issue()  # warm-up: fonts, keys, certificate caches
    seal = template.seal

    # 1. Render and sign, in memory.
    render_sign = []
    render_sign_cpu = []
    for _ in range(args.licences):
        started = time.perf_counter()
        cpu_started = time.process_time()
        payload = signing.canonical_json(services.payload_of(template))
        signing.sm2_sign(payload, seal.key_name)
        signing.pades_sign(
            rendering.render_licence(services._sheet(template)),
            key_name=seal.key_name,
            certificate_pem=seal.certificate,
            authority_pem=seal.authority.certificate,
            reason="bench",
        )
        render_sign.append((time.perf_counter() - started) * 1000)
        render_sign_cpu.append((time.process_time() - cpu_started) * 1000)

    # 2. Issue end to end.
    issued = []
    licences = []
    for _ in range(args.licences):
        started = time.perf_counter()
        licences.append(issue())
        issued.append((time.perf_counter() - started) * 1000)

    # 3. Verify through the API.
    client = Client()
    targets = [(x.identifier, x.check_code) for x in licences]
    assert client.get(
        "/api/v1/licences/verify", {"licence_id": targets[0][0], "check_code": targets[0][1]}
    ).json()["valid"]
    verifications = 0
    deadline = time.perf_counter() + args.seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        licence_id, code = targets[verifications % len(targets)]
        response = client.get(
            "/api/v1/licences/verify", {"licence_id": licence_id, "check_code": code}
        )
        assert response.status_code == 200
        verifications += 1
    verify_per_s = verifications / (time.perf_counter() - started)

    # 4. Uploaded PDFs: PAdES validation against the platform root.
    pdfs = [x.pdf.read() for x in licences[:10]]
    uploads = 0
    deadline = time.perf_counter() + min(args.seconds, 3.0)
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        assert queries.check_upload(pdfs[uploads % len(pdfs)]).current
        uploads += 1
    upload_per_s = uploads / (time.perf_counter() - started)

    def p(values: list[float], q: int) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1], 2)

    result = {
        "issue_p50_ms": round(statistics.median(render_sign), 2),
        "verify_per_s": round(verify_per_s, 1),
        "issue_p95_ms": p(render_sign, 95),
        # CPU time of this process: what the machine's other load does not inflate.
        "issue_cpu_p50_ms": round(statistics.median(render_sign_cpu), 2),
        "issue_end_to_end_p50_ms": round(statistics.median(issued), 2),
        "issue_end_to_end_p95_ms": p(issued, 95),
        "upload_checks_per_s": round(upload_per_s, 1),
        "pdf_bytes": len(pdfs[0]),
        "target_issue_p50_ms": 60,
        "database": connection.vendor,
    }
    print(
        f"render+sign one licence: p50 {result['issue_p50_ms']} ms, p95 {result['issue_p95_ms']} ms"
        f" (target p50 < 60 ms), CPU p50 {result['issue_cpu_p50_ms']} ms;"
        f" issue end to end p50 {result['issue_end_to_end_p50_ms']} ms;"
        f" verify API {result['verify_per_s']}/s; uploaded-PDF checks {upload_per_s:.1f}/s"
    )
    connection.close()
    scratch.cleanup()
    print(
        json.dumps(
            {
                "issue_p50_ms": result["issue_p50_ms"],
                "verify_per_s": result["verify_per_s"],
                **result,
            }
        )
    )


if __name__ == "__main__":
    main()
