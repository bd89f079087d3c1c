"""kill -9 the Celery worker in the middle of issuing licences and notices: after a restart the
queued work resumes, the task it was running is delivered again, and every notice and licence
exists exactly once."""

from __future__ import annotations

import base64
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from onewindow.core.audit import ADVISORY_LOCK_KEY

from . import infra
from .conftest import require

pytestmark = pytest.mark.xdist_group("faults")

BROKER_DB = 3  # a Redis database of its own, on a Redis server of its own


def _queued(redis: Any) -> list[tuple[str, list[Any]]]:
    """(task name, args) of every message waiting in the default queue."""
    out = []
    for raw in redis.lrange("celery", 0, -1):
        message = json.loads(raw)
        body = json.loads(base64.b64decode(message["body"]))
        out.append((message["headers"]["task"], body[0]))
    return out


def test_killed_celery_worker_mid_issuance(pg_cluster, platform_db, data_dir: Path, tmp_path):
    require("redis-server")
    import redis as redis_client

    db = platform_db.rsplit("/", 1)[1]
    with infra.redis_server(tmp_path) as port:
        broker = f"redis://127.0.0.1:{port}/{BROKER_DB}"
        redis = redis_client.Redis(port=port, db=BROKER_DB)
        env = infra.env_for(platform_db, data_dir, CELERY_BROKER_URL=broker)
        infra.scenario(env, "setup", "--cases", "3", "--licences", "--grant")
        queued = _queued(redis)
        notices = sorted(a[0] for t, a in queued if t == "onewindow.cases.tasks.issue_notice")
        licences = sorted(
            a[0] for t, a in queued if t == "onewindow.licences.tasks.issue_case_licence"
        )
        assert len(licences) == 3
        assert len(notices) >= 6  # acceptance and decision notices of each case

        worker_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings"}
        log = tmp_path / "celery.log"
        worker = None
        try:
            with pg_cluster.connect(db) as blocker:
                # Issuing a licence appends to the audit log: holding its lock stops the worker
                # inside the first licence task, after the notices queued before it.
                blocker.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                worker = infra.celery_worker(worker_env, log)
                infra.wait_for(
                    lambda: blocker.execute(
                        "SELECT 1 FROM pg_stat_activity WHERE datname = %s"
                        " AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                        [db],
                    ).fetchall(),
                    90,
                    "the worker to start issuing a licence",
                )
                done_before = _counts(blocker)
                assert done_before["licences"] == 0
                assert redis.hlen("unacked") == 1  # the licence task, delivered, not acked
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(30)
                blocker.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
            assert redis.hlen("unacked") == 1
            waiting = len(_queued(redis))
            assert waiting == len(queued) - done_before["documents"] - 1  # still queued

            worker = infra.celery_worker(worker_env, log)  # the restart
            infra.wait_for(
                lambda: _finished(pg_cluster, db, len(notices), len(licences), redis),
                150,
                "the restarted worker to finish the queued work",
                interval=0.5,
            )
        finally:
            infra.stop_process(worker)

    check = infra.scenario(env, "check")
    assert check["document_events"] == notices  # every notice, once
    assert check["licences"] == len(licences)
    assert set(check["licences_per_case"].values()) == {1}  # one licence per granted case
    assert check["issuances_pending"] == 0
    assert check["audit_ok"], check["audit_reason"]
    assert check["problems"] == []


def _counts(conn: Any) -> dict[str, int]:
    documents = conn.execute("SELECT count(*) FROM cases_document").fetchone()[0]
    licences = conn.execute("SELECT count(*) FROM licences_licence").fetchone()[0]
    return {"documents": documents, "licences": licences}


def _finished(cluster: infra.PgCluster, db: str, notices: int, licences: int, redis: Any) -> bool:
    with cluster.connect(db) as conn:
        counts = _counts(conn)
    return (
        counts == {"documents": notices, "licences": licences}
        and redis.llen("celery") == 0
        and redis.hlen("unacked") == 0
    )
