"""Online application: the form from the JSON Schema, uploads, drafts, summary, submit, receipt."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.cases.models import Case, CaseMaterial, Message, StoredFile
from onewindow.portal.models import ApplicationDraft

from .conftest import VALID_FORM, Catalog, OnlineItem, People, pdf

pytestmark = pytest.mark.django_db


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _apply_url(item: OnlineItem) -> str:
    return reverse("portal:apply", args=[item.implementation.implementation_code])


def _signed_in(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def _upload(client: Client, name: str = "申请书.pdf") -> int:
    response = client.post(reverse("portal:upload"), {"file": pdf(name)})
    assert response.status_code == 201, response.content
    return int(response.json()["file_id"])


class TestTheGuide:
    def test_it_offers_online_application_where_the_depth_allows_it(
        self, client: Client, online_item: OnlineItem, catalog: Catalog
    ) -> None:
        page = _html(
            client.get(
                reverse("portal:item_detail", args=[online_item.implementation.implementation_code])
            )
        )
        assert "在线申请" in page
        assert _apply_url(online_item) in page

    def test_an_information_only_item_has_no_apply_button(
        self, client: Client, catalog: Catalog
    ) -> None:
        code = catalog.eia.implementation_code  # depth 1 (the default)
        page = _html(client.get(reverse("portal:item_detail", args=[code])))
        assert reverse("portal:apply", args=[code]) not in page

    def test_applying_for_an_information_only_item_is_refused(
        self, client: Client, catalog: Catalog, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        code = catalog.eia.implementation_code
        response = client.get(reverse("portal:apply", args=[code]), follow=True)
        assert "该事项不支持网上申请，请到窗口办理" in _html(response)
        assert response.redirect_chain[-1][0] == reverse("portal:item_detail", args=[code])

    def test_an_unknown_item_is_404(self, client: Client, people: People) -> None:
        _signed_in(client, people.citizen)
        assert client.get(reverse("portal:apply", args=["NOPE"])).status_code == 404


class TestSignIn:
    @pytest.mark.parametrize(
        "name", ["portal:case_list", "portal:draft_list", "portal:message_list"]
    )
    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client, name: str) -> None:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("identity:login") in response["Location"]

    def test_the_form_needs_an_account(self, client: Client, online_item: OnlineItem) -> None:
        response = client.get(_apply_url(online_item))
        assert response.status_code == 302
        assert reverse("identity:login") in response["Location"]

    def test_an_anonymous_upload_stores_nothing(self, client: Client, db: None) -> None:
        response = client.post(reverse("portal:upload"), {"file": pdf()})
        assert response.status_code == 302
        assert not StoredFile.objects.exists()

    def test_staff_cannot_apply_online(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=people.clerk, name="TOTP", confirmed=True)
        _signed_in(client, people.clerk)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        response = client.get(_apply_url(online_item), follow=True)
        assert "工作人员不能在网上办事大厅提交申请" in _html(response)


class TestTheForm:
    def test_it_is_drawn_from_the_json_schema(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        page = _html(_signed_in(client, people.citizen).get(_apply_url(online_item)))
        # Chinese labels from "title", each bound to its input.
        for key, title in [("venue", "场所名称"), ("area", "建筑面积"), ("use", "场所用途")]:
            assert f'<label class="form-label" for="field-{key}">' in page
            assert title in page
        # Help from "description", tied to the input.
        assert "11位手机号码，用于接收办理进度短信" in page
        assert 'aria-describedby="field-contact_phone-help"' in page
        # HTML5 checks from the schema.
        venue = re.search(r'<input[^>]*id="field-venue"[^>]*>', page, re.S)
        assert venue
        assert 'required="required"' in venue.group(0)
        assert 'minlength="2"' in venue.group(0)
        assert 'maxlength="100"' in venue.group(0)
        phone = re.search(r'<input[^>]*id="field-contact_phone"[^>]*>', page, re.S)
        assert phone
        assert r'pattern="^1\d{10}$"' in phone.group(0)
        floors = re.search(r'<input[^>]*id="field-floors"[^>]*>', page, re.S)
        assert floors
        assert 'type="number"' in floors.group(0)
        assert 'min="1"' in floors.group(0)
        assert 'max="50"' in floors.group(0)
        assert 'step="1"' in floors.group(0)
        assert "required" not in floors.group(0)
        assert re.search(r'<input[^>]*type="date"[^>]*id="field-opening"', page, re.S)
        assert re.search(r'<select[^>]*id="field-use"', page, re.S)
        assert '<option value="影院"' in page
        assert re.search(r'<textarea[^>]*id="field-notes"', page, re.S)
        assert re.search(r'<input[^>]*type="checkbox"[^>]*id="field-commitment"', page, re.S)
        assert 'id="field-facilities-1"' in page
        assert "平方米" in page  # the unit
        # Required marks, read out as text.
        assert page.count("（必填）") >= 6

    def test_it_starts_with_the_applicants_profile(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        page = _html(_signed_in(client, people.citizen).get(_apply_url(online_item)))
        assert re.search(r'id="field-applicant_name"[^>]*value="张三"', page, re.S)
        assert re.search(r'id="field-contact_phone"[^>]*value="13800000001"', page, re.S)

    def test_it_offers_one_upload_per_material_and_marks_what_the_platform_fetches(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        page = _html(_signed_in(client, people.citizen).get(_apply_url(online_item)))
        assert f'name="file_{online_item.application.pk}"' in page
        assert f'name="file_{online_item.plan.pk}"' in page
        assert f'name="file_{online_item.licence.pk}"' not in page
        assert "免提交" in page
        assert f'data-upload-url="{reverse("portal:upload")}"' in page
        assert 'enctype="multipart/form-data"' in page


class TestErrors:
    def test_errors_are_shown_next_to_each_field_and_nothing_is_created(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        data = {
            **VALID_FORM,
            "f_venue": "",
            "f_area": "abc",
            "f_contact_phone": "123",
            "action": "continue",
        }
        data.pop("f_commitment")
        response = client.post(_apply_url(online_item), data)
        page = _html(response)
        assert response.status_code == 200
        # The summary at the top links to each faulty field…
        assert 'id="error-summary"' in page
        assert 'href="#field-venue"' in page
        assert 'href="#field-contact_phone"' in page
        assert 'href="#field-commitment"' in page
        assert f'href="#material-{online_item.application.pk}"' in page
        # …and each message sits next to its field, referenced by the input.
        assert 'id="field-venue-error"' in page
        assert re.search(r'id="field-venue"[^>]*aria-invalid="true"', page, re.S)
        assert "场所名称必填" in page
        assert "建筑面积类型不正确" in page
        assert "联系电话格式不正确" in page
        assert "请上传消防安全检查申请书" in page
        # What was typed stays.
        assert re.search(r'id="field-floors"[^>]*value="3"', page, re.S)
        assert not Case.objects.exists()
        assert not ApplicationDraft.objects.exists()
        assert not StoredFile.objects.exists()

    def test_a_file_of_the_wrong_type_is_refused_next_to_its_material(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        bad = SimpleUploadedFile("申请书.pdf", b"just text", content_type="application/pdf")
        data = {**VALID_FORM, "action": "continue", f"file_{online_item.application.pk}": bad}
        page = _html(client.post(_apply_url(online_item), data))
        assert f'id="material-{online_item.application.pk}-error"' in page
        assert not StoredFile.objects.exists()
        assert not ApplicationDraft.objects.exists()

    def test_someone_elses_file_cannot_be_used(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        other = Client()
        other.force_login(people.other)
        foreign = _upload(other)
        _signed_in(client, people.citizen)
        data = {
            **VALID_FORM,
            "action": "continue",
            f"material_{online_item.application.pk}": str(foreign),
        }
        page = _html(client.post(_apply_url(online_item), data))
        assert "请上传消防安全检查申请书" in page
        assert not ApplicationDraft.objects.exists()


class TestUpload:
    def test_it_answers_json_with_the_stored_file(self, client: Client, people: People) -> None:
        _signed_in(client, people.citizen)
        response = client.post(reverse("portal:upload"), {"file": pdf("平面图.pdf")})
        assert response.status_code == 201
        body = response.json()
        stored = StoredFile.objects.get(pk=body["file_id"])
        assert stored.uploaded_by == people.citizen
        assert body["content_type"] == "application/pdf"
        assert body["sha256"] == stored.sha256

    def test_a_file_that_is_not_an_accepted_type_is_refused(
        self, client: Client, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        response = client.post(
            reverse("portal:upload"),
            {"file": SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")},
        )
        assert response.status_code == 415
        assert response.json()["error"]["message"]
        assert not StoredFile.objects.exists()

    def test_a_post_without_a_file_is_refused(self, client: Client, people: People) -> None:
        _signed_in(client, people.citizen)
        response = client.post(reverse("portal:upload"), {})
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "请选择要上传的文件"


class TestDrafts:
    def test_a_draft_is_saved_with_a_plain_form_post_and_resumed(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        data = {
            "f_venue": "半成品",
            "f_area": "",
            "action": "save",
            f"file_{online_item.application.pk}": pdf(),
        }
        response = client.post(_apply_url(online_item), data)
        draft = ApplicationDraft.objects.get()
        assert response.status_code == 302
        assert response["Location"] == _apply_url(online_item) + f"?draft={draft.pk}"
        assert draft.user == people.citizen
        assert draft.form == {"venue": "半成品"}
        stored = StoredFile.objects.get()
        assert draft.file_ids() == {online_item.application.pk: stored.pk}

        # It is listed under 我的办件 → 草稿, and opens where it was left.
        listing = _html(client.get(reverse("portal:draft_list")))
        assert online_item.implementation.current_version.name in listing
        assert f"?draft={draft.pk}" in listing
        page = _html(client.get(response["Location"]))
        assert re.search(r'id="field-venue"[^>]*value="半成品"', page, re.S)
        assert f'name="material_{online_item.application.pk}"' in page
        assert f'value="{stored.pk}"' in page
        assert stored.name in page

    def test_saving_again_updates_the_same_draft(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        client.post(_apply_url(online_item), {"f_venue": "第一次", "action": "save"})
        draft = ApplicationDraft.objects.get()
        client.post(
            _apply_url(online_item), {"f_venue": "第二次", "action": "save", "draft": draft.pk}
        )
        draft.refresh_from_db()
        assert ApplicationDraft.objects.count() == 1
        assert draft.form == {"venue": "第二次"}

    def test_another_persons_draft_is_404(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        client.post(_apply_url(online_item), {"f_venue": "我的", "action": "save"})
        draft = ApplicationDraft.objects.get()
        _signed_in(client, people.other)
        assert client.get(_apply_url(online_item) + f"?draft={draft.pk}").status_code == 404
        assert client.get(reverse("portal:draft_confirm", args=[draft.pk])).status_code == 404
        assert client.post(reverse("portal:draft_submit", args=[draft.pk])).status_code == 404
        assert client.post(reverse("portal:draft_delete", args=[draft.pk])).status_code == 404
        response = client.post(
            _apply_url(online_item), {"f_venue": "改掉", "action": "save", "draft": draft.pk}
        )
        assert response.status_code == 404
        draft.refresh_from_db()
        assert draft.form == {"venue": "我的"}

    def test_a_draft_is_deleted_after_confirmation(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        client.post(_apply_url(online_item), {"f_venue": "不要了", "action": "save"})
        draft = ApplicationDraft.objects.get()
        url = reverse("portal:draft_delete", args=[draft.pk])
        page = _html(client.get(url))
        assert "确定删除" in page
        assert ApplicationDraft.objects.exists()
        response = client.post(url, follow=True)
        assert "草稿已删除" in _html(response)
        assert not ApplicationDraft.objects.exists()


class TestTheWholeFlow:
    def test_upload_summary_submit_and_receipt(
        self, client: Client, online_item: OnlineItem, people: People, commit_effects
    ) -> None:
        _signed_in(client, people.citizen)
        file_id = _upload(client)  # the script's upload, with progress
        data = {
            **VALID_FORM,
            "action": "continue",
            f"material_{online_item.application.pk}": str(file_id),
        }
        response = client.post(_apply_url(online_item), data)
        draft = ApplicationDraft.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:draft_confirm", args=[draft.pk])
        assert not Case.objects.exists()

        summary = _html(client.get(response["Location"]))
        assert "请核对申请信息" in summary
        for shown in ["示例影城", "1200", "平方米", "影院", "喷淋、烟感", "申请书.pdf", "免提交"]:
            assert shown in summary
        assert reverse("portal:draft_submit", args=[draft.pk]) in summary

        response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:case_receipt", args=[case.case_no])
        assert case.status == "submitted"
        assert case.channel == "online"
        assert case.applicant == people.citizen
        assert case.form["venue"] == "示例影城"
        assert case.form["area"] == 1200
        assert case.form["facilities"] == ["喷淋", "烟感"]
        assert case.form["commitment"] is True
        material = CaseMaterial.objects.get(case=case)
        assert material.requirement == online_item.application
        assert material.file_id == file_id
        assert not ApplicationDraft.objects.exists()

        receipt = _html(client.get(response["Location"]))
        assert case.case_no in receipt
        assert case.query_code in receipt
        assert 'data-action="print"' in receipt
        assert "张*" in receipt  # masked

        commit_effects()
        assert Message.objects.filter(recipient=people.citizen, case=case).exists()

    def test_the_form_post_alone_carries_the_files_without_the_script(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        data = {**VALID_FORM, "action": "continue", f"file_{online_item.application.pk}": pdf()}
        response = client.post(_apply_url(online_item), data)
        draft = ApplicationDraft.objects.get()
        assert response["Location"] == reverse("portal:draft_confirm", args=[draft.pk])
        client.post(reverse("portal:draft_submit", args=[draft.pk]))
        assert Case.objects.get().materials.count() == 1

    def test_submitting_twice_files_one_case(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        data = {**VALID_FORM, "action": "continue", f"file_{online_item.application.pk}": pdf()}
        client.post(_apply_url(online_item), data)
        draft = ApplicationDraft.objects.get()
        client.post(reverse("portal:draft_submit", args=[draft.pk]))
        again = client.post(reverse("portal:draft_submit", args=[draft.pk]))
        assert again.status_code == 404
        assert Case.objects.count() == 1

    def test_a_draft_the_engine_refuses_stays_and_says_why(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        client.post(_apply_url(online_item), {"f_venue": "未填完", "action": "save"})
        draft = ApplicationDraft.objects.get()
        response = client.get(reverse("portal:draft_confirm", args=[draft.pk]), follow=True)
        page = _html(response)
        assert "建筑面积必填" in page
        assert "缺少必要材料：消防安全检查申请书" in page
        response = client.post(reverse("portal:draft_submit", args=[draft.pk]), follow=True)
        assert "建筑面积必填" in _html(response)
        assert not Case.objects.exists()
        assert ApplicationDraft.objects.filter(pk=draft.pk).exists()

    def test_an_operator_applies_for_their_organisation(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.operator)
        page = _html(client.get(_apply_url(online_item)))
        assert "单位：示范影城有限公司" in page
        data = {
            **VALID_FORM,
            "principal": str(people.company.pk),
            "action": "continue",
            f"file_{online_item.application.pk}": pdf(),
        }
        client.post(_apply_url(online_item), data)
        draft = ApplicationDraft.objects.get()
        assert draft.principal == people.company
        client.post(reverse("portal:draft_submit", args=[draft.pk]))
        case = Case.objects.get()
        assert case.applicant == people.company
        assert case.agent == people.operator
        assert case.applicant_kind == "organization"

    def test_nobody_applies_for_someone_they_do_not_represent(
        self, client: Client, online_item: OnlineItem, people: People
    ) -> None:
        _signed_in(client, people.citizen)
        data = {
            **VALID_FORM,
            "principal": str(people.company.pk),
            "action": "continue",
            f"file_{online_item.application.pk}": pdf(),
        }
        page = _html(client.post(_apply_url(online_item), data))
        assert "请选择您有权代为办理的申请主体" in page
        assert not ApplicationDraft.objects.exists()
        assert not StoredFile.objects.exists()


def test_a_new_guide_version_sends_the_draft_back_to_the_form(
    client: Client, online_item: OnlineItem, people: People
) -> None:
    from onewindow.catalog import services as catalog_services

    _signed_in(client, people.citizen)
    data = {**VALID_FORM, "action": "continue", f"file_{online_item.application.pk}": pdf()}
    client.post(_apply_url(online_item), data)
    draft = ApplicationDraft.objects.get()
    catalog_services.edit_item(
        online_item.implementation, guide={"change_note": "修订", "conditions": "新条件"}
    )
    response = client.get(reverse("portal:draft_confirm", args=[draft.pk]), follow=True)
    assert "办事指南已更新" in _html(response)
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]), follow=True)
    assert "办事指南已更新" in _html(response)
    assert not Case.objects.exists()
