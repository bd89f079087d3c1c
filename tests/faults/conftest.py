"""Fixtures of the fault tests: one throwaway PostgreSQL cluster per test process, holding the
migrated schema as a template; a fresh database copied from it for each test.

The migrated schema is made once per set of migrations and kept in ``var/cache/`` (migrating
takes most of a minute; copying the template takes a fraction of a second).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import infra

CACHE_DIR = infra.ROOT / "var" / "cache"
POSTGRES_TOOLS = ("initdb", "pg_ctl", "pg_dump", "pg_restore", "psql")
_names = itertools.count()


def require(*binaries: str) -> None:
    needed = list(binaries)
    if os.geteuid() == 0 and any(b in POSTGRES_TOOLS for b in binaries):
        needed.append("runuser")
    missing = infra.missing_binaries(*needed)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (not installed)")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[infra.PgCluster]:
    require(*POSTGRES_TOOLS)
    cluster = infra.new_cluster()
    try:
        cluster.load_template(infra.migrated_schema(cluster, CACHE_DIR))
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def platform_db(pg_cluster: infra.PgCluster) -> str:
    """A database of its own for the test, migrated, empty."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return pg_cluster.create_db(f"faults_{worker}_{next(_names)}")


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "var"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)
