"""Two departments completing their parallel tasks at the same moment: both succeed and the
case advances exactly once (row locks on PostgreSQL, serialised writes on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from onewindow.cases import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_audit_log():
    yield
    from onewindow.core.tests.test_audit import tamper

    tamper("DELETE FROM core_auditrecord")


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="threads need a server database; SQLite serialises writes",
)
def test_parallel_completions_advance_the_case_once(submitted, people):
    case = services.accept(submitted, actor=people["clerk"])
    handle = case.tasks.get(stage_name="承办")
    services.complete_task(case, actor=people["handler"], task_id=handle.pk, opinion="agree")
    branches = {t.department.code: t for t in case.tasks.filter(stage_name="并联审查")}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete(user, task):
        try:
            barrier.wait()
            services.complete_task(case, actor=user, task_id=task.pk, opinion="agree")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=complete, args=(people["xf"], branches["XF"])),
        threading.Thread(target=complete, args=(people["wj"], branches["WJ"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    approve = case.tasks.get(stage_name="审批")
    assert approve.status == "active"
    assert case.events.filter(action="complete_task").count() == 3
    assert case.tasks.filter(status="active").count() == 1
