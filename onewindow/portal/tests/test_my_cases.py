"""My cases: list, detail, documents, corrections, withdrawal, delivery choice, message centre;
and nobody opens anyone else's case."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import files as case_files
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseMaterial, Message
from onewindow.identity.models import User
from onewindow.portal.models import DeliveryChoice

from .conftest import OnlineItem, People, pdf

pytestmark = pytest.mark.django_db


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def file_case(item: OnlineItem, applicant: User) -> Case:
    stored = case_files.store_upload(pdf(), actor=applicant)
    return case_services.submit_case(
        item.implementation,
        form={
            "applicant_name": applicant.name,
            "contact_phone": "13800000001",
            "venue": "示例影城",
            "area": 1200,
            "use": "影院",
            "commitment": True,
        },
        materials=[{"requirement_id": item.application.pk, "file_id": stored.pk}],
        channel="online",
        actor=applicant,
    )


@pytest.fixture
def case(online_item: OnlineItem, people: People) -> Case:
    return file_case(online_item, people.citizen)


@pytest.fixture
def citizen(client: Client, people: People) -> Client:
    client.force_login(people.citizen)
    return client


def detail(case: Case) -> str:
    return reverse("portal:case_detail", args=[case.case_no])


def _grant(case: Case, people: People) -> Case:
    case = case_services.accept(case, actor=people.handler)
    for task in case.tasks.order_by("stage"):
        actor = people.handler if task.role == "handler" else people.approver
        case = case_services.complete_task(case, actor=actor, task_id=task.pk, opinion="agree")
    return case_services.grant(case, actor=people.approver)


class TestList:
    def test_it_lists_my_cases_with_a_status_filter(
        self, citizen: Client, online_item: OnlineItem, people: People, case: Case
    ) -> None:
        second = file_case(online_item, people.citizen)
        accepted = case_services.accept(second, actor=people.handler)
        file_case(online_item, people.other)  # not mine
        page = _html(citizen.get(reverse("portal:case_list")))
        assert case.case_no in page
        assert accepted.case_no in page
        assert "共 2 件" in page
        filtered = _html(citizen.get(reverse("portal:case_list") + "?status=in_review"))
        assert accepted.case_no in filtered
        assert case.case_no not in filtered

    def test_it_pages(self, citizen: Client, online_item: OnlineItem, people: People) -> None:
        numbers = [file_case(online_item, people.citizen).case_no for _ in range(12)]
        first = _html(citizen.get(reverse("portal:case_list")))
        second = _html(citizen.get(reverse("portal:case_list") + "?page=2"))
        assert numbers[-1] in first
        assert numbers[0] not in first
        assert numbers[0] in second
        assert numbers[-1] not in second
        assert "page=2" in first

    def test_rows_become_labelled_cards_on_a_phone(self, citizen: Client, case: Case) -> None:
        page = _html(citizen.get(reverse("portal:case_list")))
        assert 'class="table ow-stack-table' in page
        assert 'data-label="办件编号"' in page


class TestDetail:
    def test_it_shows_the_timeline_the_stage_and_the_due_dates(
        self, citizen: Client, case: Case, people: People
    ) -> None:
        case = case_services.accept(case, actor=people.handler)
        page = _html(citizen.get(detail(case)))
        assert case.case_no in page
        assert case.query_code in page
        assert "提交申请" in page
        assert "受理" in page
        assert "当前环节" in page
        assert "承办" in page
        assert case.promised_due_date is not None
        assert case.promised_due_date.strftime("%Y-%m-%d") in page
        assert case.statutory_due_date is not None
        assert case.statutory_due_date.strftime("%Y-%m-%d") in page
        assert "张*" in page  # masked

    def test_it_shows_a_suspension(self, citizen: Client, case: Case, people: People) -> None:
        case = case_services.accept(case, actor=people.handler)
        case_services.suspend(case, actor=people.approver, kind="site_inspection", max_workdays=5)
        page = _html(citizen.get(detail(case)))
        assert "特别程序中" in page
        assert "现场核查" in page

    def test_notices_are_downloaded_by_the_applicant_only(
        self, client: Client, case: Case, people: People, commit_effects
    ) -> None:
        case = case_services.accept(case, actor=people.handler)
        commit_effects()
        notice = case.documents.get()
        url = reverse("portal:case_document", args=[case.case_no, notice.pk])
        client.force_login(people.citizen)
        assert url in _html(client.get(detail(case)))
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        client.force_login(people.other)
        assert client.get(url).status_code == 404


class TestOutsiders:
    def test_another_persons_case_is_404_everywhere(
        self, client: Client, case: Case, people: People
    ) -> None:
        client.force_login(people.other)
        no = case.case_no
        for name in ["case_detail", "case_receipt", "case_withdraw"]:
            assert client.get(reverse(f"portal:{name}", args=[no])).status_code == 404, name
        for name in ["case_resubmit", "case_withdraw", "case_delivery"]:
            assert client.post(reverse(f"portal:{name}", args=[no])).status_code == 404, name
        assert client.get(reverse("portal:case_document", args=[no, 1])).status_code == 404
        assert no not in _html(client.get(reverse("portal:case_list")))
        case.refresh_from_db()
        assert case.status == "submitted"

    def test_an_unknown_or_overlong_case_number_is_404(self, citizen: Client, case: Case) -> None:
        assert citizen.get(reverse("portal:case_detail", args=["NOPE"])).status_code == 404
        assert citizen.get(reverse("portal:case_detail", args=["9" * 200])).status_code == 404

    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client, case: Case) -> None:
        response = client.get(detail(case))
        assert response.status_code == 302
        assert reverse("identity:login") in response["Location"]


class TestCorrections:
    @pytest.fixture
    def asked(self, case: Case, online_item: OnlineItem, people: People) -> Case:
        return case_services.request_corrections(
            case,
            actor=people.handler,
            corrections=[{"requirement_id": online_item.application.pk, "reason": "缺少签字"}],
        )

    def test_the_notice_marks_each_faulty_material(
        self, citizen: Client, asked: Case, online_item: OnlineItem
    ) -> None:
        page = _html(citizen.get(detail(asked)))
        assert "补正材料通知（一次性告知）" in page
        assert "缺少签字" in page
        assert "需补正" in page
        assert f'name="file_{online_item.application.pk}"' in page
        assert reverse("portal:case_resubmit", args=[asked.case_no]) in page

    def test_resubmitting_without_the_material_is_refused_and_changes_nothing(
        self, citizen: Client, asked: Case, online_item: OnlineItem
    ) -> None:
        response = citizen.post(reverse("portal:case_resubmit", args=[asked.case_no]), {})
        page = _html(response)
        assert response.status_code == 200
        assert "请重新上传消防安全检查申请书" in page
        assert f'href="#material-{online_item.application.pk}"' in page
        asked.refresh_from_db()
        assert asked.status == "corrections_requested"
        assert asked.materials.count() == 1

    def test_the_faulty_material_is_uploaded_again_and_the_case_resubmitted(
        self, citizen: Client, asked: Case, online_item: OnlineItem
    ) -> None:
        response = citizen.post(
            reverse("portal:case_resubmit", args=[asked.case_no]),
            {f"file_{online_item.application.pk}": pdf("申请书（签字）.pdf"), "note": "已补签"},
            follow=True,
        )
        assert "补正材料已提交" in _html(response)
        asked.refresh_from_db()
        assert asked.status == "submitted"
        assert asked.corrections == []
        latest = CaseMaterial.objects.filter(case=asked).order_by("-round").first()
        assert latest is not None
        assert latest.round == 2
        assert latest.requirement == online_item.application

    def test_the_file_may_come_from_the_upload_script(
        self, citizen: Client, asked: Case, online_item: OnlineItem
    ) -> None:
        file_id = citizen.post(reverse("portal:upload"), {"file": pdf()}).json()["file_id"]
        citizen.post(
            reverse("portal:case_resubmit", args=[asked.case_no]),
            {f"material_{online_item.application.pk}": str(file_id)},
        )
        asked.refresh_from_db()
        assert asked.status == "submitted"

    def test_resubmitting_a_case_that_needs_no_corrections_is_refused(
        self, citizen: Client, case: Case, online_item: OnlineItem
    ) -> None:
        response = citizen.post(
            reverse("portal:case_resubmit", args=[case.case_no]),
            {f"file_{online_item.application.pk}": pdf()},
            follow=True,
        )
        assert "不能进行该操作" in _html(response)
        case.refresh_from_db()
        assert case.status == "submitted"
        assert case.materials.count() == 1


class TestWithdrawal:
    def test_it_asks_then_withdraws(self, citizen: Client, case: Case) -> None:
        url = reverse("portal:case_withdraw", args=[case.case_no])
        assert url in _html(citizen.get(detail(case)))
        page = _html(citizen.get(url))
        assert "确定撤回" in page
        case.refresh_from_db()
        assert case.status == "submitted"
        response = citizen.post(url, {"note": "不再需要"}, follow=True)
        assert "申请已撤回" in _html(response)
        case.refresh_from_db()
        assert case.status == "withdrawn"
        assert case.events.filter(action="withdraw", note="不再需要").exists()

    def test_a_decided_case_cannot_be_withdrawn(
        self, citizen: Client, case: Case, people: People
    ) -> None:
        case = _grant(case, people)
        assert reverse("portal:case_withdraw", args=[case.case_no]) not in _html(
            citizen.get(detail(case))
        )
        response = citizen.post(reverse("portal:case_withdraw", args=[case.case_no]), follow=True)
        assert "办件已作出决定或已结束，不能撤回" in _html(response)
        case.refresh_from_db()
        assert case.status == "granted"

    def test_withdrawing_twice_is_refused(self, citizen: Client, case: Case) -> None:
        url = reverse("portal:case_withdraw", args=[case.case_no])
        citizen.post(url)
        response = citizen.post(url, follow=True)
        assert "不能撤回" in _html(response)
        assert case.events.filter(action="withdraw").count() == 1


class TestDelivery:
    def test_mail_needs_an_address_and_nothing_is_kept_without_one(
        self, citizen: Client, case: Case
    ) -> None:
        response = citizen.post(
            reverse("portal:case_delivery", args=[case.case_no]),
            {"method": "mail", "recipient": "张三", "phone": "123", "address": ""},
        )
        page = _html(response)
        assert response.status_code == 200
        assert 'id="delivery-address-error"' in page
        assert 'id="delivery-phone-error"' in page
        assert "邮寄地址须为5至200个字" in page
        assert not DeliveryChoice.objects.exists()

    def test_the_applicant_chooses_mail_with_an_address(
        self, citizen: Client, case: Case, people: People
    ) -> None:
        response = citizen.post(
            reverse("portal:case_delivery", args=[case.case_no]),
            {
                "method": "mail",
                "recipient": "张三",
                "phone": "13800000001",
                "address": "示范区示范路100号3单元",
            },
            follow=True,
        )
        assert "送达方式已选择" in _html(response)
        choice = DeliveryChoice.objects.get(case=case)
        assert choice.method == "mail"
        assert choice.address == "示范区示范路100号3单元"
        assert choice.chosen_by == people.citizen
        # and may change it while the case is open
        citizen.post(reverse("portal:case_delivery", args=[case.case_no]), {"method": "pickup"})
        choice.refresh_from_db()
        assert choice.method == "pickup"
        assert choice.address == ""

    def test_a_method_the_item_does_not_offer_is_refused(self, citizen: Client, case: Case) -> None:
        page = _html(citizen.get(detail(case)))
        assert 'id="delivery-online"' not in page  # the item offers pickup and mail
        response = citizen.post(
            reverse("portal:case_delivery", args=[case.case_no]), {"method": "online"}
        )
        assert "请选择本事项提供的送达方式" in _html(response)
        assert not DeliveryChoice.objects.exists()

    def test_a_finished_case_takes_no_choice(
        self, citizen: Client, case: Case, people: People
    ) -> None:
        case = _grant(case, people)
        case_services.deliver(case, actor=people.handler, delivery={"method": "pickup"})
        response = citizen.post(
            reverse("portal:case_delivery", args=[case.case_no]), {"method": "pickup"}, follow=True
        )
        assert "不能再选择送达方式" in _html(response)
        assert not DeliveryChoice.objects.exists()
        assert "已送达" in _html(citizen.get(detail(case)))


class TestMessages:
    def test_messages_are_listed_counted_in_the_header_and_marked_read(
        self, citizen: Client, case: Case, people: People, commit_effects
    ) -> None:
        commit_effects()
        message = Message.objects.get(recipient=people.citizen)
        page = _html(citizen.get(reverse("portal:home")))
        assert re.search(r'ow-unread">1<span class="visually-hidden">条未读', page)
        listing = _html(citizen.get(reverse("portal:message_list")))
        assert message.subject in listing
        assert case.case_no in listing
        response = citizen.post(reverse("portal:message_read", args=[message.pk]))
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.read_at is not None
        assert "ow-unread" not in _html(citizen.get(reverse("portal:home")))

    def test_another_persons_message_is_404_and_stays_unread(
        self, client: Client, case: Case, people: People, commit_effects
    ) -> None:
        commit_effects()
        message = Message.objects.get(recipient=people.citizen)
        client.force_login(people.other)
        assert client.post(reverse("portal:message_read", args=[message.pk])).status_code == 404
        assert message.subject not in _html(client.get(reverse("portal:message_list")))
        message.refresh_from_db()
        assert message.read_at is None

    def test_all_are_marked_read_at_once(
        self, citizen: Client, online_item: OnlineItem, people: People, commit_effects
    ) -> None:
        file_case(online_item, people.citizen)
        file_case(online_item, people.citizen)
        commit_effects()
        assert Message.objects.filter(recipient=people.citizen, read_at=None).count() == 2
        unread = _html(citizen.get(reverse("portal:message_list") + "?unread=1"))
        assert unread.count("标为已读") >= 2
        citizen.post(reverse("portal:messages_read_all"))
        assert not Message.objects.filter(recipient=people.citizen, read_at=None).exists()

    def test_mark_read_goes_back_only_to_this_site(
        self, citizen: Client, case: Case, people: People, commit_effects
    ) -> None:
        commit_effects()
        message = Message.objects.get(recipient=people.citizen)
        response = citizen.post(
            reverse("portal:message_read", args=[message.pk]), {"next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("portal:message_list")
