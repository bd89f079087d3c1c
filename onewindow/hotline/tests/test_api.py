"""``/api/v1/tickets``: staff only, actions under the state table, idempotent writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.hotline.models import Ticket
from onewindow.identity import tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(people):
    def make(name: str) -> dict[str, str]:
        _token, secret = tokens.create_token(people[name], name="test", actor=None)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def test_an_agent_files_and_dispatches_over_the_api(client, categories, bearer):
    agent = bearer("agent")
    body = {
        "kind": "complaint",
        "category": "ROAD",
        "description": "路面坑洼",
        "caller_phone": "13800000001",
    }
    created = client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **agent
    )
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["status"] == "accepted"
    assert ticket["caller_phone"] == "138****0001"
    again = client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **agent
    )
    assert again.json()["ticket_no"] == ticket["ticket_no"]
    assert Ticket.objects.count() == 1
    other = client.post(
        "/api/v1/tickets",
        {**body, "description": "另一件事"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **agent,
    )
    assert other.status_code == 422
    url = f"/api/v1/tickets/{ticket['ticket_no']}/actions"
    done = client.post(url, {"action": "dispatch"}, content_type="application/json", **agent)
    assert done.status_code == 200
    assert done.json()["lead_department"] == "CG"
    signed = client.post(url, {"action": "sign"}, content_type="application/json", **bearer("cg"))
    assert signed.json()["status"] == "signed"
    conflict = client.post(url, {"action": "sign"}, content_type="application/json", **bearer("cg"))
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "invalid_transition"
    bad = client.post(
        url, {"action": "reply", "reply": ""}, content_type="application/json", **bearer("cg")
    )
    assert bad.status_code == 400
    assert "reply" in bad.json()["error"]["details"]["fields"]


def test_outsiders_are_refused_on_every_ticket_operation(client, call, bearer):
    ticket = call()
    for name in ("outsider", "clerk"):
        headers = bearer(name)
        for _method, url, body in [
            ("get", "/api/v1/tickets", None),
            ("get", f"/api/v1/tickets/{ticket.ticket_no}", None),
            ("get", "/api/v1/tickets/stats", None),
            ("get", "/api/v1/tickets/categories", None),
            ("get", "/api/v1/tickets/knowledge?q=路面", None),
            ("post", "/api/v1/tickets", {"kind": "help", "description": "x"}),
            ("post", f"/api/v1/tickets/{ticket.ticket_no}/actions", {"action": "dispatch"}),
        ]:
            if body is None:
                response = client.get(url, **headers)
            else:
                response = client.post(url, body, content_type="application/json", **headers)
            assert response.status_code == 403, (name, url)
            assert response.json()["error"]["code"] == "forbidden"
    assert Ticket.objects.get(pk=ticket.pk).status == "accepted"


def test_a_department_sees_only_its_tickets(client, call, people, bearer):
    from onewindow.hotline import services

    ticket = services.dispatch(call(), actor=people["agent"])
    assert client.get("/api/v1/tickets", **bearer("cg")).json()["total"] == 1
    assert client.get("/api/v1/tickets", **bearer("scjg")).json()["total"] == 0
    assert client.get(f"/api/v1/tickets/{ticket.ticket_no}", **bearer("scjg")).status_code == 404
    too_long = client.get("/api/v1/tickets/stats?from=2020-01-01", **bearer("supervisor"))
    assert too_long.status_code == 400
    since = timezone.localdate() - dt.timedelta(days=10)
    supervisor = client.get(f"/api/v1/tickets/stats?from={since}", **bearer("supervisor"))
    assert supervisor.status_code == 200
    assert supervisor.json()["total"] == 1
