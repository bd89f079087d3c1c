"""一次一评: the window's page with its QR code and the public rating pad, rate-limited per
address, one rating per page load."""

from __future__ import annotations

import re

import pytest

from onewindow.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the pad form carries a one-time token"
    return match.group(1)


def pad(client, window):
    return f"/evaluation/windows/{window.pk}/rate/"


def test_the_window_page_shows_a_qr_code_of_the_pad(client, hall):
    window = hall["scjg"]
    response = client.get(f"/evaluation/windows/{window.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert f"/evaluation/windows/{window.pk}/rate/" in body
    qr = client.get(f"/evaluation/windows/{window.pk}/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"


def test_an_anonymous_visitor_rates_a_window(client, hall, people):
    window = hall["general"]
    page = client.get(pad(client, window))
    assert page.status_code == 200
    response = client.post(
        pad(client, window),
        {
            "token": token_of(page),
            "level": "4",
            "ind_attitude": "5",
            "ind_service_level": "4",
            "clerk": str(people["clerk"].pk),
            "comment": "很热情",
        },
    )
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert evaluation.source == "window"
    assert evaluation.window == window
    assert evaluation.department is None  # a general window counts for the centre
    assert evaluation.clerk == people["clerk"]
    assert evaluation.rater is None
    assert evaluation.indicators == {"overall": 4, "service_level": 4, "attitude": 5}


def test_a_token_rates_once(client, hall):
    window = hall["scjg"]
    token = token_of(client.get(pad(client, window)))
    assert client.post(pad(client, window), {"token": token, "level": "5"}).status_code == 200
    again = client.post(pad(client, window), {"token": token, "level": "5"})
    assert "页面已过期" in again.content.decode()
    assert Evaluation.objects.count() == 1
    assert Evaluation.objects.get().department_id == window.departments.get().pk


def test_a_bad_window_rating_needs_reasons(client, hall):
    window = hall["scjg"]
    token = token_of(client.get(pad(client, window)))
    response = client.post(pad(client, window), {"token": token, "level": "1"})
    assert response.status_code == 200
    assert "须选择差评原因" in response.content.decode()
    assert not Evaluation.objects.exists()
    retry = client.post(
        pad(client, window),
        {"token": token_of(response), "level": "1", "reasons": ["attitude"], "contact_phone": "x"},
    )
    assert not Evaluation.objects.exists()  # the phone number is not valid
    assert "手机号应为11位数字" in retry.content.decode()
    client.post(
        pad(client, window),
        {"token": token_of(retry), "level": "1", "reasons": ["attitude"]},
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.rectification.status == "open"


def test_someone_not_at_the_window_cannot_be_named(client, hall, people):
    window = hall["scjg"]
    token = token_of(client.get(pad(client, window)))
    client.post(pad(client, window), {"token": token, "level": "5", "clerk": people["handler"].pk})
    assert not Evaluation.objects.exists()


def test_floods_from_one_address_are_refused(client, hall, settings):
    settings.ONEWINDOW_RATING_PAD_LIMIT = 3
    window = hall["scjg"]
    statuses = []
    for _ in range(5):
        token = token_of(client.get(pad(client, window)))
        statuses.append(
            client.post(pad(client, window), {"token": token, "level": "5"}).status_code
        )
    assert statuses == [200, 200, 200, 429, 429]
    assert Evaluation.objects.count() == 3
    other = client.post(
        pad(client, window), {"token": "x", "level": "5"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 200  # another address is not limited


def test_an_unknown_window_is_not_found(client):
    assert client.get("/evaluation/windows/999999/rate/").status_code == 404
