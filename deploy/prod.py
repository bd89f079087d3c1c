"""Production mode on one machine: the processes a centre runs, started and stopped together.

    python deploy/prod.py start [--seed-demo]   # prepare, then run everything in the background
    python deploy/prod.py run                   # the same in the foreground (Ctrl-C stops)
    python deploy/prod.py stop                  # stop everything (SIGTERM, then SIGKILL)
    python deploy/prod.py status                # processes and /healthz, as JSON
    python deploy/prod.py manage ARGS...        # a management command with the production env

``make prod``, ``make prod-stop`` and ``onewindow prod start|run|stop|status`` call this script.

Configuration is ``var/prod.env`` (mode 0600, never committed): on first start it is written
with fresh secrets (SECRET_KEY, the SM4 and SM3-HMAC keys, the licence CA and seal
passphrases) and the local servers (PostgreSQL database ``onewindow``, Redis databases 0 for
the cache and 1 for the Celery broker); the OIDC signing key goes to
``var/prod/secrets/oidc-key.pem``. A secret missing from an existing file is added; nothing
in it is ever replaced. Values in the file win over the calling environment, so a test
shell's DATABASE_URL or ONEWINDOW_ENV never leaks into production mode.

Start-up prepares what a deployment prepares: the PostgreSQL database (created if missing),
``migrate``, ``collectstatic`` (compressed, hashed files for WhiteNoise) and
``check --deploy --fail-level WARNING``. Then a supervisor process (its pid in
``var/prod/supervisor.pid``) runs the processes of deploy/Procfile: gunicorn with uvicorn
workers (deploy/gunicorn.conf.py), a Celery worker and Celery beat. It forwards SIGTERM and
SIGINT to all of them (SIGHUP to gunicorn: a graceful reload), restarts one that dies
(at most 5 times a minute, then it stops everything) and writes logs to ``var/prod/log/``.

The web tier listens on plain HTTP (``ONEWINDOW_BIND``, default 127.0.0.1:8000) behind the TLS
proxy of docs/deploy.md: production settings redirect to HTTPS unless the proxy's
``X-Forwarded-Proto: https`` arrives, so without nginx send that header yourself
(``curl -H 'X-Forwarded-Proto: https' http://127.0.0.1:8000/healthz``).

Only the standard library is used until the virtualenv's own tools run (psycopg and redis
come from the project's dependencies).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VAR = ROOT / "var"
ENV_FILE = VAR / "prod.env"
STATE = VAR / "prod"
LOGS = STATE / "log"
PID_FILE = STATE / "supervisor.pid"
PYTHON = sys.executable

# Written on first start; edit var/prod.env to change them.
DEFAULTS = {
    "ONEWINDOW_ENV": "production",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/onewindow",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "ONEWINDOW_BIND": "127.0.0.1:8000",
    "ONEWINDOW_DATA_DIR": str(STATE / "data"),
    "STATIC_ROOT": str(STATE / "static"),
    "MEDIA_ROOT": str(STATE / "data" / "media"),
    "LOG_LEVEL": "WARNING",
    "ONEWINDOW_CELERY_CONCURRENCY": "2",
}
# Secrets: generated when missing, never replaced.
SECRETS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "ONEWINDOW_FIELD_KEY": lambda: secrets.token_hex(16),
    "ONEWINDOW_DIGEST_KEY": lambda: secrets.token_hex(16),
    "ONEWINDOW_LICENCE_CA_PASSPHRASE": lambda: secrets.token_urlsafe(32),
    "ONEWINDOW_LICENCE_SEAL_PASSPHRASE": lambda: secrets.token_urlsafe(32),
}
OIDC_KEY = STATE / "secrets" / "oidc-key.pem"

RESTARTS_PER_MINUTE = 5
STOP_SECONDS = 40


def log(message: str) -> None:
    print(f"prod: {message}", flush=True)


# --- configuration --------------------------------------------------------------------------


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 (it must not exist yet)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _oidc_key() -> None:
    if OIDC_KEY.exists():
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_private(
        OIDC_KEY,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    log(f"generated the OIDC signing key {OIDC_KEY.relative_to(ROOT)}")


def ensure_env_file() -> dict[str, str]:
    """var/prod.env with every default and secret (missing ones added, none replaced)."""
    VAR.mkdir(exist_ok=True)
    _oidc_key()
    current = read_env_file()
    added: dict[str, str] = {}
    for key, value in DEFAULTS.items():
        if key not in current:
            added[key] = value
    if "ONEWINDOW_OIDC_PRIVATE_KEY_FILE" not in current:
        added["ONEWINDOW_OIDC_PRIVATE_KEY_FILE"] = str(OIDC_KEY)
    for key, make in SECRETS.items():
        if not current.get(key) and not current.get(f"{key}_FILE"):
            added[key] = make()
    if not ENV_FILE.exists():
        header = (
            "# OneWindow production mode on this machine (deploy/prod.py). Secrets: mode 0600,\n"
            "# never commit or copy this file; see docs/deploy.md for a real deployment.\n"
        )
        _write_private(ENV_FILE, header.encode())
        log(f"generated {ENV_FILE.relative_to(ROOT)} (mode 0600) with new secrets")
    if added:
        os.chmod(ENV_FILE, 0o600)
        with ENV_FILE.open("a", encoding="utf-8") as handle:
            for key, value in added.items():
                handle.write(f"{key}={value}\n")
        if current:
            log(f"added to {ENV_FILE.relative_to(ROOT)}: {', '.join(sorted(added))}")
    return read_env_file()


def production_env() -> dict[str, str]:
    """The environment of every production process: ours, overridden by var/prod.env."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(ensure_env_file())
    env["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def base_url(env: dict[str, str]) -> str:
    first = env.get("ONEWINDOW_BIND", DEFAULTS["ONEWINDOW_BIND"]).split(",")[0].strip()
    if first.startswith("unix:"):
        raise SystemExit("prod: status and start-up checks need a TCP ONEWINDOW_BIND")
    host, _, port = first.rpartition(":")
    if host in {"0.0.0.0", "", "[::]"}:  # noqa: S104 - a bind address, not a listen call
        host = "127.0.0.1"
    return f"http://{host}:{port}"


# --- preparation ----------------------------------------------------------------------------


def ensure_database(env: dict[str, str]) -> None:
    """Create the PostgreSQL database named by DATABASE_URL if it does not exist."""
    from urllib.parse import unquote, urlsplit

    import psycopg
    from psycopg import sql

    url = env["DATABASE_URL"]
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return
    name = unquote(parts.path.lstrip("/"))
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                log(f"created the PostgreSQL database {name}")
    except psycopg.OperationalError as exc:
        raise SystemExit(f"prod: PostgreSQL is not reachable at {parts.hostname}: {exc}") from exc


def ensure_redis(env: dict[str, str]) -> None:
    import redis

    for key in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = env.get(key, "")
        if url.startswith(("redis://", "rediss://")):
            try:
                redis.Redis.from_url(url, socket_connect_timeout=5).ping()
            except redis.RedisError as exc:
                raise SystemExit(f"prod: Redis is not reachable for {key}: {exc}") from exc


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> None:
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    result = subprocess.run(  # noqa: S603
        command, env=env, cwd=ROOT, capture_output=quiet, text=True, check=False
    )
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"prod: manage.py {' '.join(args)} failed ({result.returncode})")


def prepare(env: dict[str, str], seed_demo: bool) -> None:
    for folder in (STATE, LOGS, Path(env["STATIC_ROOT"]), Path(env["MEDIA_ROOT"])):
        folder.mkdir(parents=True, exist_ok=True)
    ensure_database(env)
    ensure_redis(env)
    log("migrate")
    manage(env, "migrate", "--no-input", "-v0")
    log("collectstatic (compressed, hashed)")
    manage(env, "collectstatic", "--no-input", "-v0", quiet=True)
    manage(env, "check", "--deploy", "--fail-level", "WARNING", quiet=True)
    log("check --deploy: no issues")
    if seed_demo:
        log("seed-demo")
        manage(env, "seed_demo", quiet=True)


# --- the processes --------------------------------------------------------------------------


def procfile() -> dict[str, list[str]]:
    """deploy/Procfile: name -> argv, with ``python`` meaning this interpreter."""
    processes: dict[str, list[str]] = {}
    for raw in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        argv = command.split()
        if argv and argv[0] == "python":
            argv[0] = PYTHON
        processes[name.strip()] = argv
    return processes


def _expand(argv: list[str], env: dict[str, str]) -> list[str]:
    """``${NAME}`` in an argument -> its value in ``env``."""
    from string import Template

    return [Template(arg).safe_substitute(env) for arg in argv]


class Supervisor:
    """Runs the Procfile's processes, forwards signals, restarts what dies."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.specs = procfile()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, deque[float]] = {name: deque() for name in self.specs}
        self.stopping = False

    def spawn(self, name: str) -> None:
        argv = _expand(self.specs[name], self.env)
        handle = (LOGS / f"{name}.log").open("ab")
        self.children[name] = subprocess.Popen(  # noqa: S603
            argv, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        log(f"{name}: started (pid {self.children[name].pid}): {' '.join(argv[1:])}")

    def signal_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    child.send_signal(signum)

    def on_signal(self, signum: int, _frame: Any) -> None:
        if signum == signal.SIGHUP:
            web = self.children.get("web")
            if web is not None and web.poll() is None:
                web.send_signal(signal.SIGHUP)
                log("web: reloading (SIGHUP)")
            return
        if not self.stopping:
            log(f"stopping ({signal.Signals(signum).name})")
        self.stopping = True

    def shutdown(self) -> None:
        self.signal_all(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS - 5
        while time.monotonic() < deadline and any(
            child.poll() is None for child in self.children.values()
        ):
            time.sleep(0.2)
        for name, child in self.children.items():
            if child.poll() is None:
                log(f"{name}: did not stop in time, killing pid {child.pid}")
                child.kill()
                child.wait()
        log("stopped")

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.on_signal)
        for name in self.specs:
            self.spawn(name)
        status = 0
        while not self.stopping:
            time.sleep(0.5)
            for name, child in list(self.children.items()):
                code = child.poll()
                if code is None or self.stopping:
                    continue
                now = time.monotonic()
                recent = self.restarts[name]
                while recent and now - recent[0] > 60:
                    recent.popleft()
                if len(recent) >= RESTARTS_PER_MINUTE:
                    log(f"{name}: exited ({code}) {len(recent)} times in a minute; giving up")
                    self.stopping, status = True, 1
                    break
                recent.append(now)
                log(f"{name}: exited ({code}); restarting")
                self.spawn(name)
        self.shutdown()
        return status


# --- commands -------------------------------------------------------------------------------


def running_pid() -> int | None:
    """The live supervisor's pid, or None (a stale pid file is removed)."""
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        os.kill(pid, 0)
    except (OSError, ProcessLookupError):
        cmdline = b""
    if b"prod" not in cmdline:
        PID_FILE.unlink(missing_ok=True)
        return None
    return pid


def healthz(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    request = urllib.request.Request(  # noqa: S310 - our own local address
        f"{url}/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: dict[str, Any] = json.loads(response.read())
            return body
    except (OSError, ValueError, urllib.error.URLError):
        return None


def cmd_supervise(_args: argparse.Namespace) -> int:
    env = production_env()
    PID_FILE.write_text(str(os.getpid()))
    try:
        return Supervisor(env).run()
    finally:
        PID_FILE.unlink(missing_ok=True)


def cmd_start(args: argparse.Namespace) -> int:
    env = production_env()
    url = base_url(env)
    pid = running_pid()
    if pid is not None:
        log(f"already running (supervisor pid {pid}) at {url}")
        if args.seed_demo:
            manage(env, "seed_demo", quiet=True)
        return 0
    prepare(env, args.seed_demo)
    if args.foreground:
        return cmd_supervise(args)
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / "supervisor.log").open("ab") as out:
        supervisor = subprocess.Popen(  # noqa: S603
            [PYTHON, str(Path(__file__).resolve()), "supervise"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            break
        if healthz(url):
            log(f"running at {url} (supervisor pid {supervisor.pid}; logs in var/prod/log/)")
            log("behind no TLS proxy here: send 'X-Forwarded-Proto: https' (docs/deploy.md)")
            return 0
        time.sleep(0.5)
    log(f"did not become healthy in {args.wait:.0f} s; last lines of the logs:")
    for name in ("supervisor", "web", "worker", "beat"):
        path = LOGS / f"{name}.log"
        if path.exists():
            sys.stderr.write(f"--- {name}.log\n")
            sys.stderr.writelines(path.read_text(errors="replace").splitlines(True)[-15:])
    cmd_stop(args)
    return 1


def cmd_stop(_args: argparse.Namespace) -> int:
    pid = running_pid()
    if pid is None:
        log("not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        if running_pid() is None:
            log("stopped")
            return 0
        time.sleep(0.2)
    log(f"supervisor {pid} did not stop in {STOP_SECONDS} s; killing its process group")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    PID_FILE.unlink(missing_ok=True)
    return 1


def _children(pid: int) -> list[dict[str, Any]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:  # the parent pid
            found.append({"pid": int(entry.name), "command": cmdline[:120]})
    return found


def cmd_status(_args: argparse.Namespace) -> int:
    env = {**os.environ, **read_env_file()}
    url = base_url({**DEFAULTS, **env})
    pid = running_pid()
    report = {
        "running": pid is not None,
        "supervisor": pid,
        "processes": _children(pid) if pid else [],
        "url": url,
        "healthz": healthz(url, timeout=10) if pid else None,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if pid is not None and report["healthz"] else 1


def cmd_manage(args: argparse.Namespace) -> int:
    env = production_env()
    command = [PYTHON, str(ROOT / "manage.py"), *args.args]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deploy/prod.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("start", "prepare and start everything in the background"),
        ("run", "prepare and run everything in the foreground"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--seed-demo", action="store_true", help="load the demo centre too")
        sub.add_argument("--wait", type=float, default=90.0, help="seconds to wait for /healthz")
        sub.set_defaults(handler=cmd_start, foreground=name == "run")
    commands.add_parser("stop", help="stop everything").set_defaults(handler=cmd_stop)
    commands.add_parser("status", help="processes and /healthz").set_defaults(handler=cmd_status)
    commands.add_parser("supervise", help=argparse.SUPPRESS).set_defaults(handler=cmd_supervise)
    manage_parser = commands.add_parser("manage", help="manage.py with the production env")
    manage_parser.add_argument("args", nargs=argparse.REMAINDER)
    manage_parser.set_defaults(handler=cmd_manage)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
