"""The case notices (DESIGN.md "The case engine"): PDF, hash, case number, legal basis, remedies."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from django.utils import timezone
from django.utils.translation import override
from stdnum.cn import ric

from onewindow.cases import documents
from onewindow.cases.models import Case, Document
from onewindow.catalog.tests import factories
from onewindow.identity import services

pytestmark = pytest.mark.django_db

ID_BODY = "11010519491231002"
ID_NUMBER = ID_BODY + ric.calc_check_digit(ID_BODY + "0")
CASE_NO = "OW20250303000017"
PDFTOTEXT = shutil.which("pdftotext")

CORRECTIONS = [
    {"requirement_id": 1, "name": "申请书", "reason": "未签字"},
    {
        "requirement_id": 2,
        "name": "营业执照复印件",
        "reason": "复印件不清晰，无法辨认统一社会信用代码",
    },
    {"requirement_id": 3, "name": "经营场所使用证明", "reason": "租赁合同已过期"},
]
REASONS = ["申请事项依法不需要取得行政许可", "申请材料存在<虚假>内容 & 无法核实"]


@pytest.fixture
def case() -> Case:
    impl = factories.item(
        "食品经营许可（新办）",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        result_name="食品经营许可证",
        result_validity="5年",
        statutory_days=20,
        statutory_unit="workday",
        promised_days=10,
    )
    user = services.register_person(
        username="zhangsan",
        password=None,
        name="张三丰",
        id_number=ID_NUMBER,
        phone="13856785678",
    )
    version = impl.current_version
    assert version is not None
    return Case.objects.create(
        case_no=CASE_NO,
        query_code="K7P2Q9",
        implementation=impl,
        item_version=version,
        lead_department=impl.department,
        channel="online",
        status="accepted",
        applicant=user,
        applicant_kind="person",
        applicant_name="张三丰",
        applicant_id_number=ID_NUMBER,
        applicant_id_digest="0" * 64,
        filed_by=user,
        submitted_at=timezone.make_aware(dt.datetime(2025, 3, 3, 23, 30)),
        accepted_at=dt.datetime(2025, 3, 3, 16, 30, tzinfo=dt.UTC),  # 4 March in Beijing
        promised_due_date=dt.date(2025, 3, 18),
        statutory_due_date=dt.date(2025, 4, 1),
    )


def text_of(path: str) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed")
    result = subprocess.run(  # noqa: S603 - fixed executable, our own file
        [PDFTOTEXT, "-enc", "UTF-8", path, "-"], capture_output=True, check=True, timeout=30
    )
    # pdftotext may break a long line anywhere; compare without whitespace.
    return "".join(result.stdout.decode("utf-8").split())


def issue(case: Case, kind: str, **kwargs) -> tuple[Document, bytes, str]:
    document = documents.issue_document(case, kind, **kwargs)
    document.refresh_from_db()
    with document.file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    assert len(data) > 3000
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.case == case
    assert document.kind == kind
    assert document.file.name.endswith(".pdf")
    assert CASE_NO in document.file.name
    return document, data, text_of(document.file.path)


COMMON = ["市场监督管理局", "食品经营许可（新办）", "张**", "（印章）", "扫码查询办理进度"]

EXPECTED: dict[str, tuple[dict, list[str]]] = {
    "acceptance": (
        {},
        [
            "受理通知书",
            "第三十二条",
            "2025年3月4日",  # accepted_at in Asia/Shanghai
            "2025年3月18日",
            "2025年4月1日",
            "10个工作日",
            "20个工作日",
            "K7P2Q9",
        ],
    ),
    "corrections": (
        {"corrections": CORRECTIONS},
        [
            "补正材料通知书",
            "一次性",
            "第三十二条第一款第（四）项",
            "共3项",
            *[c["name"] for c in CORRECTIONS],
            *[c["reason"] for c in CORRECTIONS],
        ],
    ),
    "rejection": (
        {"reasons": REASONS},
        ["不予受理决定书", "第三十二条", "行政复议", "行政诉讼", "六十日", "六个月", *REASONS],
    ),
    "grant": (
        {},
        [
            "准予行政许可决定书",
            "食品经营许可证",
            "5年",
            "《中华人民共和国食品安全法》第三十五条",
            "第四十四条",
            "十日内",
        ],
    ),
    "denial": (
        {"reasons": ["经现场核查，经营场所不符合食品安全要求"]},
        [
            "不予行政许可决定书",
            "经现场核查，经营场所不符合食品安全要求",
            "《中华人民共和国食品安全法》第三十五条",
            "行政复议",
            "行政诉讼",
        ],
    ),
    "termination": (
        {"note": "申请人死亡，无继承人申请继续办理"},
        ["终止办理通知书", "申请人死亡，无继承人申请继续办理"],
    ),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_every_kind_is_a_pdf_with_the_case_number_and_its_key_phrases(case, kind):
    kwargs, phrases = EXPECTED[kind]
    _document, _data, text = issue(case, kind, **kwargs)
    assert CASE_NO in text
    assert f"{CASE_NO}-{kind}" in text  # the document number
    for phrase in [*COMMON, *phrases]:
        assert phrase.replace(" ", "") in text, phrase
    # Personal data: the ID number never, the name only masked.
    assert ID_NUMBER not in text
    assert ID_NUMBER[-6:] not in text
    assert "张三丰" not in text


def test_the_titles_are_the_document_kind_labels():
    with override("zh-hans"):
        assert {k.value: str(k.label) for k in Document.Kind} == documents.TITLES


def test_the_notice_is_chinese_whatever_the_active_language(case):
    with override("en"):
        _document, _data, text = issue(case, "acceptance")
    assert "受理通知书" in text


def test_an_organisation_is_named_in_full(case):
    case.applicant_kind = "organization"
    case.applicant_name = "蚌埠市某某食品有限公司"
    case.save()
    _document, _data, text = issue(case, "grant")
    assert "蚌埠市某某食品有限公司" in text
    assert "你单位" in text


def test_reasons_and_corrections_default_to_the_case(case):
    case.reasons = ["材料不符合法定形式"]
    case.corrections = CORRECTIONS[:1]
    case.save()
    _d, _b, rejection = issue(case, "rejection")
    assert "材料不符合法定形式" in rejection
    _d, _b, corrections = issue(case, "corrections")
    assert "未签字" in corrections
    assert "共1项" in corrections


def test_the_qr_code_links_to_the_progress_page_without_personal_data(case, settings):
    settings.ONEWINDOW_PUBLIC_URL = "https://zwfw.example.gov.cn/"
    url = documents.progress_url(case)
    assert url == f"https://zwfw.example.gov.cn/progress/?case_no={CASE_NO}"
    qr = documents.QRCode(url)
    assert len(qr.rows) == len(qr.rows[0]) > 20
    del settings.ONEWINDOW_PUBLIC_URL
    assert documents.progress_url(case).startswith("http://127.0.0.1:8000/progress/?case_no=")


def test_a_long_corrections_list_wraps_onto_a_second_page(case):
    many = [
        {"requirement_id": i, "name": f"材料{i}", "reason": "内容不完整，" * 12} for i in range(12)
    ]
    assert b"/Count 1" in documents.render_notice(case, "corrections", corrections=many[:2])
    assert b"/Count 2" in documents.render_notice(case, "corrections", corrections=many)


def test_issuing_twice_keeps_both_documents(case):
    first = documents.issue_document(case, "corrections", corrections=CORRECTIONS)
    second = documents.issue_document(case, "corrections", corrections=CORRECTIONS[:1])
    assert first.file.name != second.file.name
    assert case.documents.count() == 2


def test_an_instant_item_has_no_due_dates(case):
    impl = factories.item("个体工商户登记（即办）", handling="instant", promised_days=0)
    case.implementation = impl
    case.item_version = impl.current_version
    case.promised_due_date = case.statutory_due_date = None
    case.save()
    _d, _b, text = issue(case, "acceptance")
    assert "即办件" in text


def test_an_unknown_kind_is_refused(case):
    with pytest.raises(ValueError, match="unknown document kind"):
        documents.render_notice(case, "licence")
    assert not Document.objects.exists()


def test_font_registration_is_idempotent():
    documents._register_font()
    documents._register_font()
