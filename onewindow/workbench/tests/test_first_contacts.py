"""The first-contact log (首问负责): every enquiry is recorded, with or without a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from onewindow.core.models import AuditRecord
from onewindow.org.models import ServiceCenter, Window
from onewindow.workbench.models import FirstContact

pytestmark = pytest.mark.django_db

URL = "/workbench/first-contacts/"


def entry(**overrides):
    data = {
        "enquirer_name": "赵大妈",
        "enquirer_phone": "13700001234",
        "question": "办理公共场所卫生许可需要带什么材料？",
        "answer": "带营业执照和卫生管理制度，可在网上预审。",
    }
    data.update(overrides)
    return data


def test_an_enquiry_without_a_case_is_recorded_and_listed_masked(people, sign_in):
    clerk = sign_in(people["clerk"])
    response = clerk.post(URL, entry())
    assert response.status_code == 302
    record = FirstContact.objects.get()
    assert record.clerk == people["clerk"]
    assert record.case is None
    assert record.implementation is None
    assert record.enquirer_phone == "13700001234"
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT enquirer_phone FROM workbench_firstcontact")
        assert "13700001234" not in cursor.fetchone()[0]
    listed = clerk.get(URL)
    assert "赵**" in listed.text
    assert "137****1234" in listed.text
    assert "13700001234" not in listed.text
    assert "赵大妈" not in listed.text
    assert "卫生许可需要带什么材料" in listed.text
    assert AuditRecord.objects.filter(action="workbench.first_contact").exists()


def test_missing_question_and_answer_are_refused_by_field(people, sign_in):
    response = sign_in(people["clerk"]).post(
        URL, entry(question="", answer=" ", enquirer_phone="123")
    )
    assert response.status_code == 400
    assert 'id="id_question_error"' in response.text
    assert 'id="id_answer_error"' in response.text
    assert 'id="id_enquirer_phone_error"' in response.text
    assert not FirstContact.objects.exists()


def test_the_item_window_and_resulting_case_are_linked(people, sign_in, item, submit):
    center = ServiceCenter.objects.create(code="C1", name="政务服务中心", region=item.region)
    window = Window.objects.create(center=center, number="8", name="综合窗口", kind="general")
    case = submit()
    clerk = sign_in(people["clerk"])
    response = clerk.post(
        URL,
        entry(item=item.implementation_code, case_no=case.case_no, window=window.pk),
    )
    assert response.status_code == 302
    record = FirstContact.objects.get()
    assert (record.implementation, record.case, record.window) == (item, case, window)
    listed = clerk.get(URL)
    assert f"/workbench/cases/{case.case_no}/" in listed.text
    response = clerk.post(URL, entry(item="NOPE", case_no="19990101000001"))
    assert response.status_code == 400
    assert 'id="id_item_error"' in response.text
    assert 'id="id_case_no_error"' in response.text
    assert FirstContact.objects.count() == 1


def test_filters_by_date_and_item(people, sign_in, item):
    clerk = sign_in(people["clerk"])
    clerk.post(URL, entry(question="关于消防检查", item=item.implementation_code))
    clerk.post(URL, entry(question="关于停车"))
    old = FirstContact.objects.get(question="关于停车")
    old.at = timezone.now() - dt.timedelta(days=40)
    old.save()
    today = timezone.localdate().isoformat()
    listed = clerk.get(f"{URL}?date_from={today}")
    assert "关于消防检查" in listed.text
    assert "关于停车" not in listed.text
    listed = clerk.get(f"{URL}?item=消防安全检查")
    assert "关于消防检查" in listed.text
    assert "关于停车" not in listed.text
    listed = clerk.get(
        f"{URL}?date_to={(timezone.localdate() - dt.timedelta(days=30)).isoformat()}"
    )
    assert "关于停车" in listed.text
    assert "关于消防检查" not in listed.text


def test_clerks_read_their_own_entries_managers_all(people, sign_in):
    sign_in(people["clerk"]).post(URL, entry(question="窗口问题"))
    sign_in(people["handler"]).post(URL, entry(question="承办问题"))
    assert "承办问题" not in sign_in(people["clerk"]).get(URL).text
    manager = sign_in(people["manager"]).get(URL).text
    assert "窗口问题" in manager
    assert "承办问题" in manager


def test_applicants_cannot_use_the_log(people, sign_in, client):
    assert sign_in(people["citizen"]).get(URL).status_code == 403
    assert sign_in(people["citizen"]).post(URL, entry()).status_code == 403
    assert client.get(URL).status_code == 302
    assert not FirstContact.objects.exists()
