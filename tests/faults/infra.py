"""Real processes for the fault tests: a throwaway PostgreSQL cluster, a Redis server, the web
server (gunicorn) and a Celery worker, each started on a free local port and stopped by its
process id. Nothing here touches the shared PostgreSQL server or Redis on their usual ports.

PostgreSQL refuses to run as root: as root, ``initdb``, ``pg_ctl`` and the server run as the
``postgres`` account (``runuser``), in a directory created for it under the system's temporary
directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
TEMPLATE_DB = "ow_template"


def pg_bin(name: str) -> str | None:
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return shutil.which(name)


def missing_binaries(*names: str) -> list[str]:
    found = {"initdb": pg_bin, "pg_ctl": pg_bin, "pg_dump": pg_bin, "pg_restore": pg_bin}
    return [name for name in names if (found.get(name, shutil.which))(name) is None]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def stop_process(proc: subprocess.Popen[Any] | None, sig: int = signal.SIGTERM) -> None:
    """Stop one process we started (and its process group), by its id."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class PgCluster:
    """A PostgreSQL cluster of our own, in a temporary directory on a free port."""

    base: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(  # noqa: S603
            [*_as_postgres(), *args],
            check=True,
            capture_output=True,
            timeout=timeout,
            cwd=self.base,
        )

    def init(self) -> PgCluster:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self._run(
            str(pg_bin("initdb")),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # A test cluster: durability traded for speed (these databases live for one test).
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.data}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "40",
            "shared_buffers": "32MB",
        }
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        return self

    def pg_ctl(self, *args: str) -> None:
        self._run(str(pg_bin("pg_ctl")), "-D", str(self.data), "-l", str(self.base / "log"), *args)

    def start(self) -> None:
        self.pg_ctl("-w", "-t", "60", "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-t", "60", "-m", "fast", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.pg_ctl("-w", "-t", "30", "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def connect(self, db: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=db, autocommit=True
        )

    def sql(self, statement: str, db: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(db) as conn:
            cursor = conn.execute(statement)  # type: ignore[call-overload]
            return cursor.fetchall() if cursor.description else []

    def create_db(self, name: str, template: str | None = TEMPLATE_DB) -> str:
        suffix = f" TEMPLATE {template}" if template else ""
        self.sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.sql(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def load_template(self, schema_sql: Path) -> None:
        """The migrated schema as the template database every test copies."""
        self.create_db(TEMPLATE_DB, template=None)
        subprocess.run(  # noqa: S603
            [
                str(pg_bin("psql")),
                "-q",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                TEMPLATE_DB,
                "-f",
                str(schema_sql),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def new_cluster() -> PgCluster:
    base = Path(tempfile.mkdtemp(prefix="onewindow-faults-pg-"))
    cluster = PgCluster(base).init()
    cluster.start()
    return cluster


def migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "onewindow").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_schema(cluster: PgCluster, cache_dir: Path) -> Path:
    """A plain SQL dump of a freshly migrated database, made once for the current migrations
    and shared by every test process (under a file lock); later runs reuse it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"faults-schema-{migrations_digest()}.sql"
    with (cache_dir / "faults-schema.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            url = cluster.create_db("ow_migrate", template=None)
            result = manage(env_for(url, cache_dir / "migrate-data"), "migrate", "-v0", timeout=600)
            assert result.returncode == 0, result.stdout + result.stderr
            partial = target.with_suffix(".partial")
            subprocess.run(  # noqa: S603
                [
                    str(pg_bin("pg_dump")),
                    "--no-owner",
                    "--no-privileges",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(cluster.port),
                    "-U",
                    "postgres",
                    "-f",
                    str(partial),
                    "ow_migrate",
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            partial.rename(target)
            cluster.sql("DROP DATABASE ow_migrate")
    return target


# --- The platform's processes -------------------------------------------------------------


def env_for(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a platform process: its own database, data and media folders, no
    broker (eager Celery) unless given, nothing of the test process's own set-up."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
        and not k.startswith(("CELERY_", "PYTEST_"))
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update(
        ONEWINDOW_ENV="test",
        DJANGO_SETTINGS_MODULE="onewindow.settings",
        DATABASE_URL=database_url,
        ONEWINDOW_DATA_DIR=str(data_dir),
        MEDIA_ROOT=str(data_dir / "media"),
        PYTHONDONTWRITEBYTECODE="1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(
    env: dict[str, str], *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def scenario(env: dict[str, str], *args: str, timeout: float = 300) -> Any:
    """Run ``tests/faults/scenario.py`` in the platform's environment; its last line is JSON."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "tests.faults.scenario", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"scenario {args} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


class WebServer:
    """gunicorn (sync workers) serving the platform on a free port."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebServer:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "onewindow.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "2",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.ready, 90, "the web server to answer")
        return self

    def ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=5):  # noqa: S310
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            return False

    def workers_pids(self) -> list[int]:
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        stop_process(self.proc)


def http(
    method: str,
    url: str,
    *,
    token: str | None = None,
    body: Any = None,
    key: str | None = None,
    timeout: float = 60,
) -> tuple[int, dict[str, str], Any]:
    """One request; (status, headers, JSON body or text). Connection failures raise OSError."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, head, raw = exc.code, dict(exc.headers), exc.read()
    try:
        return status, head, json.loads(raw)
    except ValueError:
        return status, head, raw.decode("utf-8", "replace")


# --- Redis and Celery ---------------------------------------------------------------------


@contextlib.contextmanager
def redis_server(base: Path) -> Iterator[int]:
    """A Redis server of our own (no persistence) on a free port."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [
            str(shutil.which("redis-server")),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(up, 20, "redis-server")
        yield port
    finally:
        stop_process(proc)


def celery_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("ab")
    return subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "onewindow.worker",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"faults-{os.getpid()}@%h",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def migrated_sqlite(cache_dir: Path) -> Path:
    """A migrated, empty SQLite database file, made once for the current migrations."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"faults-sqlite-{migrations_digest()}.sqlite3"
    with (cache_dir / "faults-sqlite.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            partial = cache_dir / f"faults-sqlite-{os.getpid()}.partial"
            partial.unlink(missing_ok=True)
            env = env_for(f"sqlite:///{partial}", cache_dir / "migrate-data")
            result = manage(env, "migrate", "-v0", timeout=600)
            assert result.returncode == 0, result.stdout + result.stderr
            for suffix in ("-wal", "-shm"):
                Path(f"{partial}{suffix}").unlink(missing_ok=True)
            partial.rename(target)
    return target
