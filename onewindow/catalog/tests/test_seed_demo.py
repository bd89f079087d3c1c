"""The demo centre (``manage.py seed_demo``): it loads, it is idempotent and the data is sound."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from onewindow.catalog.demo import accounts, items_data, org_data
from onewindow.catalog.demo.pdf import minimal_pdf
from onewindow.catalog.models import (
    Duty,
    Fee,
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ProcessStage,
    SearchPosting,
    ServiceItem,
    SynonymGroup,
    Theme,
)
from onewindow.catalog.queries import ItemFilters, find_items
from onewindow.core.models import CalendarDay
from onewindow.identity.models import Organization, User
from onewindow.org.models import Department, Post, Region, ServiceCenter, Window

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
NATIONAL_CODES = {
    "000131127004": "公司登记注册",
    "000131128000": "个体工商户登记注册",
    "000131011000": "特种设备使用登记",
}
COUNTED_MODELS = (
    Region,
    Department,
    ServiceCenter,
    Window,
    Post,
    Theme,
    SynonymGroup,
    ServiceItem,
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    Fee,
    ProcessStage,
    Duty,
    SearchPosting,
    CalendarDay,
)


def run_seed() -> tuple[str, dict]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    return text, json.loads(text.strip().splitlines()[-1])


def key_settings(keys) -> dict[str, object]:
    """Licence key files in a temporary folder (the seed creates the CA and seals)."""
    return {
        "ONEWINDOW_LICENCE_CA_KEY_PATH": keys / "ca-key.pem",
        "ONEWINDOW_LICENCE_SEAL_KEY_DIR": keys / "seals",
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module, inside a transaction rolled back at the end. The side
    effects a commit would run (notices, licences) stay queued and are dropped with it."""
    media = tmp_path_factory.mktemp("media")
    keys = tmp_path_factory.mktemp("keys")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), **key_settings(keys)),
        transaction.atomic(),
    ):
        output, summary = run_seed()
        yield {"output": output, "summary": summary, "media": media, "keys": keys}
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def published():
    return ItemVersion.objects.filter(
        status=ItemVersion.Status.PUBLISHED,
        implementation__center__code=org_data.CENTER_CODE,
    ).select_related("implementation__item", "implementation__department")


def test_it_prints_a_one_line_json_summary_last(demo):
    summary = demo["summary"]
    assert demo["output"].strip().splitlines()[-1].startswith("{")
    assert summary["created"] is True
    assert summary["regions"] == 4
    assert summary["departments"] >= 10
    assert summary["windows"] >= 8
    assert summary["items"] >= 40
    assert summary["parallel_items"] >= 5
    assert summary["items"] == published().count()


def test_a_second_run_changes_nothing(demo):
    before = {model.__name__: model.objects.count() for model in COUNTED_MODELS}
    every_table = row_counts()
    files_before = sorted(p.name for p in demo["media"].rglob("*") if p.is_file())
    keys_before = sorted(p.name for p in demo["keys"].rglob("*") if p.is_file())

    _, again = run_seed()

    assert {model.__name__: model.objects.count() for model in COUNTED_MODELS} == before
    assert row_counts() == every_table
    assert sorted(p.name for p in demo["media"].rglob("*") if p.is_file()) == files_before
    assert sorted(p.name for p in demo["keys"].rglob("*") if p.is_file()) == keys_before
    assert again == {**demo["summary"], "created": False}


def test_the_summary_counts_the_newer_apps_demo(demo):
    summary = demo["summary"]
    assert summary["demo_accounts"] == len(accounts.USERNAMES)
    assert summary["demo_staff"] == len(accounts.STAFF)
    for key in ("licence_types", "licence_items", "seals", "hotline_categories"):
        assert summary[key] > 0, key
    assert summary["knowledge_answers"] >= 12
    assert summary["assessment_weights"] == 1
    assert summary["demo_cases"] >= 4
    assert summary["ratings"] >= 1
    assert list(summary)[-1] == "created"


def test_departments_have_valid_credit_codes(demo):
    codes = dict(
        Department.objects.filter(code__in=[d.code for d in org_data.DEPARTMENTS]).values_list(
            "code", "credit_code"
        )
    )
    assert codes == org_data.CREDIT_CODES
    assert len(set(codes.values())) == len(codes)
    for code, credit_code in codes.items():
        assert uscc.validate(credit_code) == credit_code
        assert credit_code[:2] == ("13" if code == "CL" else "11")  # 机关; 群团
        assert credit_code[2:8] == "340300"
        # the organisation code carries its own GB 11714 check character
        assert org_data.organisation_code(credit_code[8:16]) == credit_code[8:17]


def test_the_organisation_code_check_character_follows_gb_11714():
    assert org_data.organisation_code("60003734") == "600037341"  # of 91110000600037341L
    with pytest.raises(ValueError, match="8 digits or capitals"):
        org_data.organisation_code("6000373")
    assert uscc.is_valid(org_data.credit_code("91", "MA2N7C3K"))


def test_a_department_loaded_without_a_credit_code_gets_one(demo):
    department = Department.objects.get(code="FG")
    department.credit_code = ""
    department.save(update_fields=["credit_code"])
    run_seed()
    department.refresh_from_db()
    assert department.credit_code == org_data.CREDIT_CODES["FG"]


def test_it_creates_the_demo_accounts_with_the_documented_password(demo):
    for username in accounts.USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(accounts.DEMO_PASSWORD), username
        assert user.password_changed_at is not None
        validate_password(accounts.DEMO_PASSWORD, user)  # the password policy holds
    for spec in accounts.STAFF:
        user = User.objects.get(username=spec.username)
        assert user.kind == User.Kind.STAFF
        assert user.role_names() == set(spec.roles)
        assert (user.department.code if user.department else None) == spec.department
    assert User.objects.get(username="scjg-handler").holds(
        "handler", Department.objects.get(code="SCJG").pk
    )
    for spec in accounts.PEOPLE:
        person = User.objects.get(username=spec.username)
        assert ric.validate(person.id_number) == spec.id_number
    organization = Organization.objects.get(account__username="enterprise")
    assert uscc.is_valid(organization.credit_code)
    assert organization.members.filter(person__username="citizen").exists()
    assert "Demo-2026!" in demo["output"]
    assert accounts.DEMO_TOTP_SECRET in demo["output"]


def test_demo_staff_sign_in_with_the_documented_totp_secret(demo, client):
    import base64

    code = f"{totp(base64.b32decode(accounts.DEMO_TOTP_SECRET)):06d}"
    assert TOTPDevice.objects.filter(confirmed=True).count() >= len(accounts.STAFF)
    response = client.post(
        "/accounts/login/", {"username": "scjg-handler", "password": accounts.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post("/accounts/login/verify/", {"token": code})
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200
    assert accounts.totp_uri().startswith("otpauth://totp/")
    assert f"secret={accounts.DEMO_TOTP_SECRET}" in accounts.totp_uri()


def test_the_general_window_clerk_holds_a_post_at_a_general_window(demo):
    clerk = User.objects.get(username="clerk")
    assert clerk.department is None
    post = clerk.posts.get()
    assert post.window.kind == "general"
    assert post.window.center.code == org_data.CENTER_CODE


def test_it_loads_the_region_tree_and_the_zone_centre(demo):
    zone = Region.objects.get(code="340371")
    assert zone.level == "zone"
    assert zone.statistical_code is True
    assert zone.parent.code == "340300"
    assert zone.parent.parent.code == "340000"
    assert Region.objects.get(code="340323").name == "固镇县"
    center = ServiceCenter.objects.get(code=org_data.CENTER_CODE)
    assert center.name == "蚌埠高新区政务服务中心"
    assert center.region == zone
    assert "9:00" in center.hours
    assert center.address
    assert center.phone
    assert center.transport


def test_departments_have_english_names_posts_and_realistic_regions(demo):
    departments = Department.objects.filter(code__in=[d.code for d in org_data.DEPARTMENTS])
    assert departments.count() >= 12
    for department in departments:
        assert re.fullmatch(r"[A-Z]{2,16}", department.code)
        assert department.name_en
        roles = set(department.posts.values_list("role", flat=True))
        assert {"window_clerk", "handler", "reviewer", "approver", "department_head"} <= roles
        holders = User.objects.filter(posts__department=department)
        assert not holders.exclude(username__in=accounts.USERNAMES).exists()
    assert Department.objects.get(code="SW").kind == "vertical"
    assert Department.objects.get(code="STHJ").kind == "branch"
    assert Department.objects.get(code="YC").region.code == "340300"


def test_the_hall_has_general_delivery_consultation_and_proxy_windows(demo):
    windows = Window.objects.filter(center__code=org_data.CENTER_CODE)
    assert windows.filter(kind="general").count() >= 4
    names = set(windows.filter(kind="general").values_list("name", flat=True))
    assert {"企业开办综合窗口", "工程建设项目综合窗口", "社会事务综合窗口", "通用综合窗口"} <= names
    for kind in ("delivery", "consultation", "proxy"):
        assert windows.filter(kind=kind).exists()
    assert windows.filter(kind="department").count() >= 5


def test_every_published_item_passes_full_clean(demo):
    versions = list(published())
    assert len(versions) >= 40
    for version in versions:
        version.full_clean()
        for material in version.materials.all():
            material.full_clean()
        for fee in version.fees.all():
            fee.full_clean()
        for stage in version.stages.all():
            stage.full_clean()


def test_fully_online_items_need_no_visit(demo):
    assert published().filter(online_depth=4).exists()
    assert not published().filter(online_depth=4).exclude(visits_required=0).exists()


def test_promised_limits_stay_within_workday_statutory_limits(demo):
    for version in published().filter(statutory_unit="workday", statutory_days__isnull=False):
        assert version.promised_days <= version.statutory_days, version.name


def test_instant_items_promise_zero_days_and_others_have_stages(demo):
    for version in published():
        if version.handling == "instant":
            assert version.promised_days == 0, version.name
        else:
            assert version.promised_days > 0, version.name
            assert version.stages.exists(), version.name
            assert sum(s.days for s in version.stages.all()) <= version.promised_days


def test_every_item_has_a_legal_basis_and_a_chinese_form(demo):
    for version in published():
        assert CJK.search(version.legal_basis), version.name
        assert version.conditions, version.name
        assert version.result_name, version.name
        assert version.name_en, version.name
        assert version.location.startswith("蚌埠高新区政务服务中心")
        assert re.fullmatch(r"0552-3100\d{3}", version.phone)
        schema = version.form_schema
        assert schema["type"] == "object"
        properties = schema["properties"]
        assert len(properties) >= 3, version.name
        assert set(schema["required"]) <= set(properties)
        for key, prop in properties.items():
            assert CJK.search(prop["title"]), f"{version.name}: {key}"
        assert version.materials.exists(), version.name


def test_identifier_fields_carry_their_patterns(demo):
    patterns = set()
    for version in published():
        for prop in version.form_schema["properties"].values():
            if "pattern" in prop:
                re.compile(prop["pattern"])
                patterns.add(prop["pattern"])
    assert r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$" in patterns
    assert r"^1\d{10}$" in patterns
    assert re.fullmatch(
        r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", "91340300MA2N0000X1"
    )


def test_several_items_run_departments_in_parallel_before_the_lead_decides(demo):
    parallel_items = 0
    for version in published().prefetch_related("stages__departments"):
        stages = list(version.stages.all())
        fan_out = [s for s in stages if s.parallel and len(s.departments.all()) >= 2]
        if not fan_out:
            continue
        parallel_items += 1
        last = stages[-1]
        lead = version.implementation.department
        assert last.role == "approver", version.name
        assert list(last.departments.all()) == [lead], version.name
        assert last.position > fan_out[-1].position
    assert parallel_items >= 6


def test_the_verified_national_codes_are_used(demo):
    for code, name in NATIONAL_CODES.items():
        item = ServiceItem.objects.get(basic_code=code)
        assert item.national_code is True
        assert item.name == name
        assert item.implementations.filter(center__code=org_data.CENTER_CODE).exists()
    others = ServiceItem.objects.filter(implementations__center__code=org_data.CENTER_CODE).exclude(
        basic_code__in=NATIONAL_CODES
    )
    assert others.exists()
    for item in others:
        assert re.fullmatch(r"Z\d{11}", item.basic_code)
        assert item.national_code is False


def test_synthetic_codes_follow_the_documented_rule():
    assert items_data.synthetic_code("SCJG", 1) == "Z01001000000"
    assert items_data.synthetic_code("JT", 45) == "Z18045000000"
    codes = [spec.basic_code for spec in items_data.ITEMS]
    assert len(codes) == len(set(codes))
    assert 35 not in {spec.number for spec in items_data.ITEMS}  # provincial item left out


def test_limits_and_fees_follow_the_factsheet(demo):
    by_name = {v.name: v for v in published()}
    permit = by_name["建筑工程施工许可证核发"]
    assert (permit.statutory_days, permit.statutory_unit) == (7, "day")
    eia = by_name["建设项目环境影响报告表审批"]
    assert (eia.statutory_days, eia.statutory_unit) == (30, "day")
    assert eia.is_free
    dispatch = by_name["劳务派遣经营许可"]
    assert (dispatch.statutory_days, dispatch.statutory_unit) == (20, "workday")
    assert "10个工作日" in dispatch.statutory_note
    assert by_name["企业投资项目备案"].statutory_days is None
    transfer = by_name["不动产转移登记"]
    fees = {fee.name: fee for fee in transfer.fees.all()}
    assert fees["不动产登记费（住宅）"].amount == "80元/件"
    assert fees["不动产登记费（非住宅）"].amount == "550元/件"
    assert all("2559号" in fee.basis for fee in fees.values())
    assert sum(1 for v in by_name.values() if v.is_free) >= 40


def test_blank_forms_and_samples_are_valid_pdfs(demo, settings):
    settings.MEDIA_ROOT = demo["media"]  # the root conftest gives every test its own folder
    materials = MaterialRequirement.objects.filter(
        version__in=published(), blank_form__gt="", sample__gt=""
    )
    assert materials.values("version").distinct().count() >= 5
    for material in materials:
        for attached in (material.blank_form, material.sample):
            with attached.open("rb") as fh:
                assert_valid_pdf(fh.read())


def assert_valid_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    xref_at = int(data[data.rindex(b"startxref") :].split()[1])
    assert data[xref_at:].startswith(b"xref")
    lines = data[xref_at:].split(b"\n")
    count = int(lines[1].split()[1])
    for number, entry in enumerate(lines[3 : 2 + count], start=1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def test_the_pdf_writer_rejects_text_it_cannot_render():
    assert_valid_pdf(minimal_pdf("Title (with parens)", ["a\\b"], [("Label", "value")]))
    with pytest.raises(ValueError, match="ASCII"):
        minimal_pdf("申请表")


def test_main_departments_have_duty_lists(demo):
    duties = Duty.objects.filter(implementation__center__code=org_data.CENTER_CODE)
    departments = set(duties.values_list("department__code", flat=True))
    assert {"SCJG", "ZJ", "FG", "STHJ", "ZRZY", "RS", "XF"} <= departments
    for implementation in ItemImplementation.objects.filter(
        center__code=org_data.CENTER_CODE, item__item_type="licensing"
    ):
        titles = set(implementation.duties.values_list("title", flat=True))
        assert {"受理责任", "审查责任", "决定责任", "送达责任", "事后监管责任"} <= titles
        acceptance = implementation.duties.get(title="受理责任")
        assert "第三十二条" in acceptance.basis
        assert acceptance.accountability


def test_themes_synonyms_and_calendar_are_loaded(demo):
    themes = Theme.objects.filter(code__in=[t[0] for t in org_data.THEMES])
    assert themes.filter(audience="person").count() >= 6
    assert themes.filter(audience="enterprise").count() >= 6
    assert all(theme.name_en for theme in themes)
    assert SynonymGroup.objects.count() >= 12
    assert CalendarDay.objects.exists()
    for version in published():
        assert version.themes.exists(), version.name


def test_search_finds_items_by_their_everyday_names(demo):
    def top(query: str) -> list[str]:
        return [i.current_version.name for i in find_items(ItemFilters(q=query), limit=3).results]

    assert "公司登记注册（设立登记）" in top("开公司")
    assert top("过户")[0] == "不动产转移登记"
    assert top("环评")[0] == "建设项目环境影响报告表审批"
    assert top("失业金")[0] == "失业保险金申领"
