"""OneWindow's load scenario: the morning rush at a service centre, as requests per minute.

``bench/load/run.py`` prepares the data (``LOAD_DATA``, a JSON file) and runs this headless;
it can also be run alone against a prepared platform:

    LOAD_DATA=var/prod/load-data.json locust -f bench/load/locustfile.py --headless \\
        -u 4 -r 4 -t 60s --host http://127.0.0.1:8000 MixUser

``MixUser`` is the mix. Its tasks are weighted so that the share of *requests* is:

- 60 % browsing and searching: service guide pages (``/items/<code>/``), the item search
  (``/items/?q=``), the home page and department pages;
- 20 % checking progress with real case numbers and query codes: the public page
  (``/progress/``) and the public API (``/api/v1/public/cases/<no>``);
- 10 % submitting applications with an upload, through the API with an applicant's bearer
  token: ``POST /api/v1/files`` (a PDF) then ``POST /api/v1/cases`` (2 requests a submission);
- 10 % staff actions through the API with staff tokens: open a case, then ``accept`` it or
  ``complete_task`` its active task (2 requests an action). Work is handed from submissions
  to staff through an in-process queue, so no two simulated staff act on the same case (no
  409 from a race the scenario made up); with the queue empty a staff member looks at the
  list of cases waiting for acceptance.

``HealthUser`` requests ``/healthz`` only: the framework's ceiling on this machine.

Each simulated user stands for a stream of visitors, not for one client holding a connection
for the whole run: after ``LOAD_VISIT_TASKS`` tasks (a visit; 10 by default, 0 keeps the
connection) it closes its connection and the next visitor opens a new one, as a crowd of
browsers and client systems does. Both classes do this alike. With a few connections held for
minutes, the listening socket's wake-ups hand most of them to one web worker (measured: one
worker 58 s of CPU, the other 8 s, in a 40 s run), so a run measures one core, not the
platform.

Every request carries ``X-Forwarded-Proto: https``, as the TLS proxy in front sets it.
``LOAD_RESULT`` (a path) receives the exact figures of the run as JSON: locust's own table
rounds its percentiles.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections import deque
from typing import Any

from locust import FastHttpUser, events, task
from sample import PDF  # bench/load/sample.py: locust puts the locustfile's folder on the path

DATA: dict[str, Any] = {}
if os.environ.get("LOAD_DATA"):
    with open(os.environ["LOAD_DATA"], encoding="utf-8") as handle:
        DATA = json.load(handle)

HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}

# Shared by every simulated user (one process, gevent): progress lookups and staff work.
PROGRESS: list[tuple[str, str]] = [tuple(pair) for pair in DATA.get("progress", [])]
WORK: deque[tuple[str, str, int | None]] = deque(
    (case_no, "accept", None) for case_no, _code in DATA.get("to_accept", [])
)

# Exact figures for run.py: (start time, duration in ms, failed) of every request.
SAMPLES: list[tuple[float, float, bool]] = []


@events.request.add_listener
def _record(response_time: float, exception: BaseException | None, **_kwargs: Any) -> None:
    SAMPLES.append((time.time(), float(response_time), exception is not None))


@events.quitting.add_listener
def _write_result(environment: Any, **_kwargs: Any) -> None:
    path = os.environ.get("LOAD_RESULT")
    if not path:
        return
    failures = {
        f"{entry.method} {entry.name}": entry.num_failures
        for entry in environment.stats.entries.values()
        if entry.num_failures
    }
    per_name = {
        f"{entry.method} {entry.name}": {
            "requests": entry.num_requests,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
        for entry in environment.stats.entries.values()
    }
    errors = [
        {"name": f"{e.method} {e.name}", "error": str(e.error)[:300], "count": e.occurrences}
        for e in environment.stats.errors.values()
    ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {"samples": SAMPLES, "failures": failures, "per_name": per_name, "errors": errors},
            out,
        )


VISIT_TASKS = int(os.environ.get("LOAD_VISIT_TASKS", "10"))
WAIT_SECONDS = float(os.environ.get("LOAD_WAIT_SECONDS", "0"))


class VisitorUser(FastHttpUser):
    """A stream of visitors: the connection is closed after every ``VISIT_TASKS`` tasks."""

    abstract = True
    _tasks_done = 0

    def wait_time(self) -> float:
        """Called by locust after every task: count it; at the end of a visit close the
        connection. Then the think time, ``LOAD_WAIT_SECONDS``."""
        if VISIT_TASKS > 0:
            self._tasks_done += 1
            if self._tasks_done % VISIT_TASKS == 0:
                self.client.client.close()
        return WAIT_SECONDS


def _token_headers(token: str) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {token}"}


class MixUser(VisitorUser):
    """A visitor, an applicant or a staff member, one request after another."""

    # --- browsing and searching: 60 % of requests -------------------------------------------
    @task(30)
    def guide_page(self) -> None:
        code = random.choice(DATA["items"])
        self.client.get(f"/items/{code}/", name="/items/[code]/", headers=HEADERS)

    @task(18)
    def search(self) -> None:
        query = random.choice(DATA["queries"])
        self.client.get("/items/", params={"q": query}, name="/items/?q=", headers=HEADERS)

    @task(6)
    def home(self) -> None:
        self.client.get("/", name="/", headers=HEADERS)

    @task(6)
    def department(self) -> None:
        code = random.choice(DATA["departments"])
        self.client.get(f"/departments/{code}/", name="/departments/[code]/", headers=HEADERS)

    # --- checking progress: 20 % ------------------------------------------------------------
    @task(10)
    def progress_page(self) -> None:
        case_no, query_code = random.choice(PROGRESS)
        with self.client.get(
            "/progress/",
            params={"case_no": case_no, "query_code": query_code},
            name="/progress/",
            headers=HEADERS,
            catch_response=True,
        ) as response:
            if case_no not in (response.text or ""):
                response.failure("the progress page does not show the case")

    @task(10)
    def progress_api(self) -> None:
        case_no, query_code = random.choice(PROGRESS)
        self.client.get(
            f"/api/v1/public/cases/{case_no}",
            params={"query_code": query_code},
            name="/api/v1/public/cases/[no]",
            headers=HEADERS,
        )

    # --- submitting applications with an upload: 10 % (2 requests each) -----------------------
    @task(5)
    def submit(self) -> None:
        applicant = random.choice(DATA["applicants"])
        headers = _token_headers(applicant["token"])
        with self.client.post(
            "/api/v1/files",
            name="/api/v1/files",
            headers=headers,
            files={"file": (f"proof-{uuid.uuid4().hex[:8]}.pdf", PDF, "application/pdf")},
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"upload: {response.status_code} {response.text[:200]}")
                return
            file_id = response.json()["file_id"]
        body = {
            "item_code": DATA["item_code"],
            "form": applicant["form"],
            "materials": [
                {"requirement_id": requirement, "file_id": file_id}
                for requirement in DATA["requirements"]
            ],
            "channel": "online",
        }
        with self.client.post(
            "/api/v1/cases",
            name="/api/v1/cases",
            headers=headers,
            json=body,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"submit: {response.status_code} {response.text[:200]}")
                return
            case = response.json()
        PROGRESS.append((case["case_no"], case["query_code"]))
        WORK.append((case["case_no"], "accept", None))

    # --- staff actions: 10 % (2 requests each) -------------------------------------------------
    @task(5)
    def staff_action(self) -> None:
        if not WORK:
            token = DATA["staff"]["accept"]
            self.client.get(
                "/api/v1/cases",
                params={"status": "submitted", "page_size": 20},
                name="/api/v1/cases?status=submitted",
                headers=_token_headers(token),
            )
            return
        case_no, action, role = WORK.popleft()
        staff = DATA["staff"]["accept"] if action == "accept" else DATA["staff"][str(role)]
        headers = _token_headers(staff)
        with self.client.get(
            f"/api/v1/cases/{case_no}",
            name="/api/v1/cases/[no]",
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"open: {response.status_code} {response.text[:200]}")
                return
            case = response.json()
        payload: dict[str, Any] = {"action": action}
        if action == "complete_task":
            active = [t for t in case["tasks"] if t["status"] == "active" and t["role"] == role]
            if not active:
                return
            payload.update(task_id=active[0]["id"], opinion="agree", note="同意")
        with self.client.post(
            f"/api/v1/cases/{case_no}/actions",
            name=f"/api/v1/cases/[no]/actions ({action})",
            headers=headers,
            json=payload,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{action}: {response.status_code} {response.text[:200]}")
                return
            case = response.json()
        for next_task in case["tasks"]:
            if next_task["status"] == "active" and next_task["role"] in DATA["staff"]:
                WORK.append((case_no, "complete_task", next_task["role"]))
                break


class HealthUser(VisitorUser):
    """The trivial JSON endpoint (a ``SELECT 1`` and a small JSON body): the ceiling."""

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz", headers=HEADERS)
