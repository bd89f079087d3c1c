"""kill -9 a web worker in the middle of a case action: nothing half-written, and the client's
retry with the same Idempotency-Key applies the action once."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from onewindow.core.audit import ADVISORY_LOCK_KEY

from . import infra

pytestmark = pytest.mark.xdist_group("faults")


def _retry(call: Any, timeout: float = 60) -> tuple[int, dict[str, str], Any]:
    """The client's retry loop: the same request again while the answer is a dropped
    connection, 409 "still running" or 503."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, headers, body = call()
        except OSError:
            status, headers, body = 0, {}, None
        retryable = status in {0, 503} or (
            status == 409 and body["error"]["code"] == "request_in_flight"
        )
        if not retryable or time.monotonic() > deadline:
            return status, headers, body
        time.sleep(0.5)


def test_killed_web_worker_mid_action(pg_cluster, platform_db, data_dir: Path, tmp_path: Path):
    env = infra.env_for(platform_db, data_dir)
    setup = infra.scenario(env, "setup", "--cases", "2")
    case_no = setup["case_nos"][0]
    clerk = setup["tokens"]["clerk"]
    db = platform_db.rsplit("/", 1)[1]
    web = infra.WebServer(env, tmp_path / "gunicorn.log").start()
    try:
        url = f"{web.base}/api/v1/cases/{case_no}/actions"

        def accept() -> tuple[int, dict[str, str], Any]:
            return infra.http("POST", url, token=clerk, body={"action": "accept"}, key="acc-1")

        before = infra.scenario(env, "check")
        outcome: dict[str, Any] = {}

        def client() -> None:
            try:
                outcome["response"] = accept()
            except OSError as exc:
                outcome["error"] = exc

        # Hold the audit log's append lock: the action stops inside its transaction, after it
        # has locked the case, written the new state, its tasks and its event, and before its
        # audit record. That is where the worker dies.
        with pg_cluster.connect(db) as blocker:
            blocker.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            thread = threading.Thread(target=client, daemon=True)
            thread.start()
            waiting = infra.wait_for(
                lambda: blocker.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                    " AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                    [db],
                ).fetchall(),
                60,
                "the action to wait for the audit lock",
            )
            in_transaction = blocker.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND xact_start IS NOT NULL",
                [waiting[0][0]],
            ).fetchone()
            assert in_transaction == (1,)
            (worker,) = web.workers_pids()
            os.kill(worker, signal.SIGKILL)
            thread.join(30)
            assert isinstance(outcome.get("error"), OSError), outcome  # the connection dropped
            blocker.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        # The dead worker's database session finds its client gone and rolls back.
        infra.wait_for(
            lambda: (
                not pg_cluster.sql(
                    f"SELECT pid FROM pg_stat_activity WHERE pid = {int(waiting[0][0])}"  # noqa: S608
                )
            ),
            60,
            "the dead worker's session to end",
        )

        after = infra.scenario(env, "check")
        assert after["cases"][case_no] == "submitted"
        assert after["events"] == before["events"]
        assert after["audit_records"] == before["audit_records"]
        assert after["audit_ok"], after["audit_reason"]
        assert after["problems"] == []
        assert after["keys"] == {"acc-1": "in_flight"}  # left by the dead request

        # gunicorn has replaced the worker; the client retries with the same key.
        status, _headers, body = _retry(accept)
        assert status == 200, body
        assert body["status"] == "in_review"
        status, _headers, replay = accept()
        assert status == 200
        assert replay == body  # the first result again, not a second action

        final = infra.scenario(env, "check")
        assert final["events"].get("accept") == before["events"].get("accept", 0) + 1
        assert final["cases"][case_no] == "in_review"
        assert final["audit_ok"], final["audit_reason"]
        assert final["audit_records"] > before["audit_records"]
        assert final["problems"] == []
        assert final["keys"] == {"acc-1": "done"}
    finally:
        web.stop()


def test_workers_killed_at_random_during_a_stream_of_actions(
    pg_cluster, platform_db, data_dir: Path, tmp_path: Path
):
    """Kills land anywhere in a request (before, inside or after its transaction); each action
    still applies exactly once and every case stays consistent."""
    env = infra.env_for(platform_db, data_dir)
    setup = infra.scenario(env, "setup", "--cases", "6")
    clerk = setup["tokens"]["clerk"]
    web = infra.WebServer(env, tmp_path / "gunicorn.log").start()
    delays = [random.uniform(0.0, 0.4) for _ in range(3)]
    timers = []

    def kill_workers() -> None:
        for pid in web.workers_pids():
            os.kill(pid, signal.SIGKILL)

    try:
        answers = {}
        for n, case_no in enumerate(setup["case_nos"]):
            url = f"{web.base}/api/v1/cases/{case_no}/actions"
            if n % 2 == 1:  # every second request meets a kill at a random moment
                timer = threading.Timer(delays[n // 2], kill_workers)
                timers.append(timer)
                timer.start()
            answers[case_no] = _retry(
                lambda url=url, case_no=case_no: infra.http(
                    "POST", url, token=clerk, body={"action": "accept"}, key=f"acc-{case_no}"
                ),
                timeout=90,
            )
        check = infra.scenario(env, "check")
        assert check["audit_ok"], check["audit_reason"]
        assert check["problems"] == [], delays
        assert check["events"]["accept"] == len(setup["case_nos"]), delays  # each exactly once
        for case_no, (status, _headers, body) in answers.items():
            assert check["cases"][case_no] == "in_review"
            # The action and its recorded answer commit together: a retry after a kill that
            # came after the commit gets the first answer again.
            assert status == 200, (delays, body)
            assert body["status"] == "in_review"
    finally:
        for timer in timers:
            timer.cancel()
        web.stop()
