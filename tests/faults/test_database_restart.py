"""Restart PostgreSQL under load (a throwaway cluster of the test's own, never the shared
server): requests fail cleanly with 503, Retry-After and a Chinese message, succeed again
after, and nothing is written twice."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from . import infra
from .conftest import CACHE_DIR

pytestmark = pytest.mark.xdist_group("faults")


# Production's connection pool (no health check before each use: a connection the restart
# dropped fails once with a 503 and is replaced), and persistent connections per thread.
CONNECTIONS = {
    "pool": {"DATABASE_POOL": "1"},
    "persistent": {"DATABASE_POOL": "0", "DATABASE_CONN_MAX_AGE": "60"},
}


@pytest.mark.parametrize("connections", sorted(CONNECTIONS))
def test_database_restart_during_requests(
    pg_cluster, data_dir: Path, tmp_path: Path, connections: str
):
    schema = infra.migrated_schema(pg_cluster, CACHE_DIR)
    cluster = infra.new_cluster()
    web = None
    try:
        cluster.load_template(schema)
        url = cluster.create_db("restart")
        # Connections kept between requests: they must survive the restart too.
        env = infra.env_for(url, data_dir, **CONNECTIONS[connections])
        setup = infra.scenario(env, "setup", "--cases", "0")
        citizen = setup["tokens"]["citizen"]
        application = {
            "item_code": setup["item_code"],
            "form": {"venue": "示例影城", "area": 1200},
            "materials": [
                {"requirement_id": setup["requirement_id"], "file_id": setup["spare_file_ids"][0]}
            ],
        }
        web = infra.WebServer(env, tmp_path / "gunicorn.log").start()
        base = web.base
        answers: list[tuple[str, int, dict[str, str], Any]] = []
        stop = threading.Event()

        def submit(key: str) -> tuple[int, dict[str, str], Any]:
            return infra.http(
                "POST", f"{base}/api/v1/cases", token=citizen, body=application, key=key
            )

        def load() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                key = f"case-{n}"
                answers.append((key, *submit(key)))
                answers.append(("", *infra.http("GET", f"{base}/api/v1/cases", token=citizen)))
                # The home page may come from the public page cache (it then survives the
                # outage); the progress page always reads the database.
                answers.append(("", *infra.http("GET", f"{base}/")))
                answers.append(
                    ("", *infra.http("GET", f"{base}/progress/?case_no=OW0&query_code=X"))
                )

        thread = threading.Thread(target=load, daemon=True)
        thread.start()
        infra.wait_for(lambda: sum(1 for a in answers if a[1] == 201) >= 2, 60, "writes")
        cluster.stop()
        down_from = len(answers)
        infra.wait_for(lambda: len(answers) >= down_from + 6, 60, "requests while down")
        cluster.start()
        up_from = len(answers)
        infra.wait_for(
            lambda: sum(1 for a in answers[up_from:] if a[1] == 201) >= 2, 60, "writes after"
        )
        stop.set()
        thread.join(60)

        statuses = {status for _key, status, _h, _b in answers}
        assert statuses <= {200, 201, 503}, statuses  # no 500, no dropped connection
        outages = [a for a in answers if a[1] == 503]
        assert outages, "no request met the restart"
        for _key, _status, headers, body in outages:
            assert int(headers["Retry-After"]) > 0
            text = body["error"]["message"] if isinstance(body, dict) else body
            assert "数据库暂时不可用" in text
            if isinstance(body, dict):
                assert body["error"]["code"] == "service_unavailable"
        assert any(not isinstance(a[3], dict) for a in outages)  # a page, not only the API

        # Every refused write is retried with its key: each applies once.
        keys = [key for key, *_ in answers if key]
        final: dict[str, Any] = {}
        for key, status, _headers, body in answers:
            if key and status == 201:
                final[key] = body["case_no"]
        for key in keys:
            if key in final:
                continue
            deadline = time.monotonic() + 60
            while True:
                status, _headers, body = submit(key)
                if status == 201 or time.monotonic() > deadline:
                    break
                assert status == 503 or body["error"]["code"] == "request_in_flight", body
                time.sleep(0.5)
            assert status == 201, body
            final[key] = body["case_no"]
        for key in keys[:3]:  # and a replay answers with the same case
            assert submit(key)[2]["case_no"] == final[key]
    finally:
        if web is not None:
            web.stop()
        check = infra.scenario(env, "check") if web is not None else None
        cluster.destroy()

    assert check is not None
    assert sorted(check["cases"]) == sorted(set(final.values()))
    assert len(final) == len(keys) == len(set(final.values()))  # nothing written twice
    assert check["audit_ok"], check["audit_reason"]
    assert check["problems"] == []
