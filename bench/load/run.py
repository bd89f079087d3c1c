"""Load benchmark: the locust mix against production mode on this machine, and its ceiling.

    .venv/bin/python bench/load/run.py [--duration 60] [--users 8] [--ceiling-duration 20]
    make load

1. Production mode (deploy/prod.py): used if it is running, otherwise started with the demo
   centre (``--no-start`` refuses to start it; one started here is stopped at the end unless
   ``--keep-running``).
2. Data, through the platform's own interfaces: the demo catalog (``onewindow seed-demo``),
   applicant and staff accounts (``onewindow user create``) and their personal API tokens
   (``onewindow token create``), kept in var/prod/load-accounts.json (0600) for later runs;
   then ``--seed-cases`` applications filed through the API, whose case numbers and query
   codes the progress lookups use and which wait for the staff.
3. A short warm-up, then bench/load/locustfile.py headless: ``MixUser`` for ``--duration``
   seconds, then ``HealthUser`` (``/healthz``, the trivial JSON endpoint) for
   ``--ceiling-duration`` seconds with the same number of users: the framework's ceiling.

It prints locust's tables and the figures, and last one JSON line:
``{"rps", "p50_ms", "p95_ms", "p99_ms", "errors", "ceiling_rps", "ratio", …}`` where
``ratio`` is the mix's rate over the ceiling's. Target: rps ≥ 400, p95 < 250 ms, no error,
ratio ≥ 0.5.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(HERE))

import prod  # noqa: E402  (deploy/prod.py)
from sample import PDF  # noqa: E402  (bench/load/sample.py)

PYTHON = sys.executable
ACCOUNTS = prod.STATE / "load-accounts.json"
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
QUERIES = [
    "营业执照",
    "公司注册",
    "个体工商户",
    "食品经营许可",
    "药品零售",
    "失业保险金",
    "社保卡",
    "参保登记",
    "身份证",
    "户口迁入",
    "结婚登记",
    "生育登记",
    "不动产转移登记",
    "施工许可",
    "消防验收",
    "排污许可",
    "环评",
    "低保",
    "残疾人证",
    "发票领用",
    "烟草专卖",
    "出版物零售",
    "货物运输",
    "取水许可",
    "林木采伐",
    "危险化学品",
    "农药经营",
    "娱乐场所",
    "公共场所卫生",
    "人力资源服务",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]
ROLE_NAMES = {"handler": "经办", "reviewer": "复核", "approver": "审批"}


class Platform:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 30,
    ) -> tuple[int, Any]:
        headers = dict(HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(  # noqa: S310 - the local platform
            self.base + path, data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def get(self, path: str, token: str | None = None) -> Any:
        status, body = self.call("GET", path, token=token)
        if status != 200:
            raise SystemExit(f"load: GET {path} answered {status}: {str(body)[:300]}")
        return body


# --- production mode ------------------------------------------------------------------------


def prod_cli(*args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [PYTHON, str(ROOT / "deploy" / "prod.py"), *args],
        cwd=ROOT,
        capture_output=capture,
        text=True,
        check=False,
    )


def ensure_production(args: argparse.Namespace) -> tuple[str, bool]:
    """The base URL, and whether this run started production mode."""
    started = False
    status = prod_cli("status", capture=True)
    if not json.loads(status.stdout or "{}").get("running"):
        if args.no_start:
            raise SystemExit("load: production mode is not running (make prod)")
        print("load: starting production mode (deploy/prod.py start --seed-demo)", flush=True)
        if prod_cli("start", "--seed-demo").returncode != 0:
            raise SystemExit("load: production mode did not start")
        started = True
    env = {**prod.DEFAULTS, **prod.read_env_file()}
    return prod.base_url(env), started


def manage(*args: str, may_fail: bool = False) -> str:
    result = prod_cli("manage", *args, capture=True)
    if result.returncode != 0 and not may_fail:
        raise SystemExit(f"load: onewindow {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


# --- accounts and data ----------------------------------------------------------------------


def _id_number(index: int) -> str:
    from stdnum.cn import ric

    birth = f"{1985 + index % 15:04d}{1 + index % 12:02d}{1 + index % 28:02d}"
    body = f"340302{birth}{index % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)]


def _create_applicant(index: int) -> dict[str, str]:
    username = f"load-applicant-{index:02d}"
    person = {
        "username": username,
        "name": _name(index),
        "id_number": _id_number(index),
        "phone": f"139{index:08d}",
    }
    manage(  # an account left by an earlier run whose tokens were lost: a new token suffices
        "user",
        "create",
        username,
        "--kind",
        "person",
        "--name",
        person["name"],
        "--id-number",
        person["id_number"],
        "--phone",
        person["phone"],
        may_fail=True,
    )
    person["token"] = manage("token", "create", username, "--name", "负载测试")
    return person


def _create_staff(department: str, role: str, index: int) -> dict[str, str]:
    username = f"load-{department.lower()}-{role}"
    name = f"{SURNAMES[(index * 7) % len(SURNAMES)]}{ROLE_NAMES.get(role, '')}"
    manage(
        "user",
        "create",
        username,
        "--kind",
        "staff",
        "--name",
        name,
        "--department",
        department,
        "--role",
        role,
        may_fail=True,
    )
    return {"username": username, "token": manage("token", "create", username, "--name", "负载")}


def ensure_accounts(api: Platform, args: argparse.Namespace, guide: dict[str, Any]) -> Any:
    """Applicants and the staff of the item's stages, created once and kept with their tokens."""
    departments = {d["code"] for stage in guide["stages"] for d in stage["departments"]}
    if departments != {guide["department"]["code"]}:
        raise SystemExit(f"load: {args.item} is handled by several departments; pick another")
    department = guide["department"]["code"]
    roles = sorted({stage["role"] for stage in guide["stages"]} | {"handler"})
    known: dict[str, Any] = {"applicants": [], "staff": {}}
    if ACCOUNTS.exists():
        known = json.loads(ACCOUNTS.read_text(encoding="utf-8"))

    def valid(account: dict[str, str]) -> bool:
        return api.call("GET", "/api/v1/me", token=account["token"])[0] == 200

    applicants = [a for a in known["applicants"] if valid(a)][: args.applicants]
    staff = {
        role: account
        for role, account in known["staff"].get(department, {}).items()
        if role in roles and valid(account)
    }
    have = {a["username"] for a in applicants}
    missing_applicants = [
        i for i in range(1, args.applicants + 1) if f"load-applicant-{i:02d}" not in have
    ]
    missing_staff = [role for role in roles if role not in staff]
    if missing_applicants or missing_staff:
        print(
            f"load: creating {len(missing_applicants)} applicants and {len(missing_staff)} "
            "staff accounts with their tokens (onewindow user create, token create)",
            flush=True,
        )
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            people = pool.map(_create_applicant, missing_applicants)
            posts = pool.map(
                lambda pair: (pair[1], _create_staff(department, pair[1], pair[0])),
                enumerate(missing_staff),
            )
            applicants.extend(people)
            staff.update(dict(posts))
    known["applicants"] = applicants
    known["staff"].setdefault(department, {}).update(staff)
    ACCOUNTS.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        ACCOUNTS.unlink()
    fd = os.open(ACCOUNTS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(known, out, ensure_ascii=False, indent=1)
    return applicants, staff


def fill_form(schema: dict[str, Any], person: dict[str, str]) -> dict[str, Any]:
    """A valid answer to an item's form (JSON Schema) for ``person``."""
    form: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        kind = prop.get("type", "string")
        if "enum" in prop:
            form[key] = prop["enum"][0]
        elif kind in {"integer", "number"}:
            form[key] = max(prop.get("minimum", 1), 1)
        elif kind == "boolean":
            form[key] = True
        elif kind == "array":
            continue
        elif prop.get("format") == "date":
            form[key] = (dt.date.today() - dt.timedelta(days=30)).isoformat()
        elif prop.get("pattern") == r"^\d{17}[\dX]$":
            form[key] = person["id_number"]
        elif prop.get("pattern") == r"^1\d{10}$":
            form[key] = person["phone"]
        elif "name" in key:
            form[key] = person["name"]
        else:
            form[key] = (prop.get("title") or "测试")[: prop.get("maxLength", 100)]
    return form


def submit_case(api: Platform, data: dict[str, Any], applicant: dict[str, Any]) -> list[str]:
    boundary = "loadboundary7d1c2a"
    upload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="proof.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, stored = api.call(
        "POST",
        "/api/v1/files",
        token=applicant["token"],
        body=upload,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    if status != 201:
        raise SystemExit(f"load: upload answered {status}: {stored}")
    body = {
        "item_code": data["item_code"],
        "form": applicant["form"],
        "materials": [
            {"requirement_id": r, "file_id": stored["file_id"]} for r in data["requirements"]
        ],
        "channel": "online",
    }
    status, case = api.call(
        "POST", "/api/v1/cases", token=applicant["token"], body=json.dumps(body).encode()
    )
    if status != 201:
        raise SystemExit(f"load: filing a case answered {status}: {case}")
    return [case["case_no"], case["query_code"]]


def prepare(api: Platform, args: argparse.Namespace) -> dict[str, Any]:
    status, guide = api.call("GET", f"/api/v1/items/{args.item}")
    if status == 404:
        print("load: loading the demo centre (onewindow seed-demo)", flush=True)
        manage("seed_demo")
        guide = api.get(f"/api/v1/items/{args.item}")
    elif status != 200:
        raise SystemExit(f"load: GET /api/v1/items/{args.item} answered {status}")
    items: list[str] = []
    page = 1
    while True:
        listing = api.get(f"/api/v1/items?page={page}&page_size=100")
        items.extend(row["code"] for row in listing["results"])
        if len(items) >= listing["total"] or not listing["results"]:
            break
        page += 1
    departments = [row["code"] for row in api.get("/api/v1/departments?page_size=100")["results"]]
    applicants, staff = ensure_accounts(api, args, guide)
    for person in applicants:
        person["form"] = fill_form(guide["form_schema"], person)
    data: dict[str, Any] = {
        "items": items,
        "departments": departments,
        "queries": QUERIES,
        "item_code": args.item,
        "requirements": [m["id"] for m in guide["materials"] if m["required"]],
        "applicants": applicants,
        "staff": {"accept": staff["handler"]["token"]}
        | {role: account["token"] for role, account in staff.items()},
    }
    print(f"load: filing {args.seed_cases} applications for the progress lookups", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        cases = list(
            pool.map(
                lambda i: submit_case(api, data, applicants[i % len(applicants)]),
                range(args.seed_cases),
            )
        )
    data["progress"] = cases
    data["to_accept"] = cases
    return data


def warm_up(api: Platform, data: dict[str, Any], seconds: float) -> None:
    """Every worker process loads its search dictionary and templates before the clock runs."""
    paths = [f"/items/?q={urllib.parse.quote(q)}" for q in data["queries"]]
    paths += [f"/items/{code}/" for code in data["items"]] + ["/", "/healthz"]
    deadline = time.monotonic() + seconds

    def loop(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            api.call("GET", paths[index % len(paths)])
            index += 7

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(loop, range(8)))


# --- locust ---------------------------------------------------------------------------------


ROLES = (
    ("web", ("gunicorn",)),
    ("worker", ("celery",)),
    ("database", ("postgres",)),
    ("cache", ("redis",)),
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by the running processes of each role (Linux ``/proc``; empty
    elsewhere). A process that ends between two readings takes its time with it: the
    database's backends and the workers stay up for a whole phase."""
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        role = next((name for name, marks in ROLES if any(m in command for m in marks)), None)
        if role:
            # utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
            ticks = int(fields[11]) + int(fields[12])
            totals[role] = totals.get(role, 0.0) + ticks / CLOCK_TICKS
    return totals


def children_cpu() -> float:
    """CPU seconds of this script's finished child processes (locust, the load generator)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_locust(
    base: str, data_path: Path, user_class: str, users: int, seconds: int, result: Path
) -> dict[str, Any]:
    env = {**os.environ, "LOAD_DATA": str(data_path), "LOAD_RESULT": str(result)}
    command = [
        str(Path(PYTHON).parent / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        user_class,
    ]
    print(f"\nload: {user_class}: {users} users for {seconds} s against {base}", flush=True)
    before, load_before = cpu_by_role(), children_cpu()
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603
    after = cpu_by_role()
    cpu = {role: max(0.0, after.get(role, 0.0) - before.get(role, 0.0)) for role in after}
    cpu["load generator"] = children_cpu() - load_before
    raw = json.loads(result.read_text(encoding="utf-8"))
    samples = raw["samples"]
    if not samples:
        raise SystemExit(f"load: {user_class} made no request")
    started = min(s[0] - s[1] / 1000 for s in samples)
    ended = max(s[0] for s in samples)
    durations = sorted(s[1] for s in samples)
    cut = statistics.quantiles(durations, n=100, method="inclusive")
    return {
        "requests": len(samples),
        "seconds": round(ended - started, 2),
        "rps": round(len(samples) / (ended - started), 1),
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(cut[94], 1),
        "p99_ms": round(cut[98], 1),
        "max_ms": round(durations[-1], 1),
        "errors": sum(1 for s in samples if s[2]),
        "error_detail": raw["errors"],
        "per_name": raw["per_name"],
        # Machine time per request, by role: where the two vCPUs went.
        "cpu_ms_per_request": {
            role: round(seconds_used * 1000 / len(samples), 2)
            for role, seconds_used in sorted(cpu.items())
        },
    }


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} CPUs ({model or platform.machine()}){memory}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mix")
    parser.add_argument("--ceiling-duration", type=int, default=20, help="seconds of /healthz")
    parser.add_argument("--users", type=int, default=8, help="concurrent simulated users")
    parser.add_argument("--applicants", type=int, default=8, help="applicant accounts")
    parser.add_argument("--seed-cases", type=int, default=40, help="applications filed first")
    parser.add_argument("--item", default="Z10027000000-340371-RS", help="item applied for")
    parser.add_argument("--warm-up", type=float, default=8.0, help="seconds of warm-up")
    parser.add_argument("--no-start", action="store_true", help="require production mode")
    parser.add_argument(
        "--keep-running", action="store_true", help="leave production mode running if started"
    )
    args = parser.parse_args()

    base, started = ensure_production(args)
    api = Platform(base)
    try:
        data = prepare(api, args)
        with tempfile.TemporaryDirectory(prefix="onewindow-load-") as scratch:
            data_path = Path(scratch) / "data.json"
            data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            print(f"load: warming up for {args.warm_up:.0f} s", flush=True)
            warm_up(api, data, args.warm_up)
            mix = run_locust(
                base, data_path, "MixUser", args.users, args.duration, Path(scratch) / "mix.json"
            )
            ceiling = run_locust(
                base,
                data_path,
                "HealthUser",
                args.users,
                args.ceiling_duration,
                Path(scratch) / "ceiling.json",
            )
    finally:
        if started and not args.keep_running:
            prod_cli("stop")

    print(f"\nmachine: {machine()}; web workers: {os.environ.get('WEB_CONCURRENCY') or 'default'}")
    print(f"{'request':<48} {'count':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in sorted(mix["per_name"].items(), key=lambda kv: -kv[1]["requests"]):
        print(f"{name:<48} {row['requests']:>7} {row['p50_ms']:>8} {row['p95_ms']:>8}")
    for label, figures in (("mix", mix), ("ceiling (/healthz)", ceiling)):
        print(
            f"{label}: {figures['requests']} requests in {figures['seconds']} s = "
            f"{figures['rps']} req/s; p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms; "
            f"errors {figures['errors']}"
        )
        for error in figures["error_detail"]:
            print(f"  {error['count']} × {error['name']}: {error['error']}")
        shares = ", ".join(f"{role} {ms}" for role, ms in figures["cpu_ms_per_request"].items())
        print(f"  CPU ms per request: {shares}")
    ratio = round(mix["rps"] / ceiling["rps"], 3) if ceiling["rps"] else 0.0
    met = mix["rps"] >= 400 and mix["p95_ms"] < 250 and mix["errors"] == 0 and ratio >= 0.5
    verdict = "met" if met else "not met"
    print(f"target (≥ 400 req/s, p95 < 250 ms, no error, ratio ≥ 0.5): {verdict}")
    print(
        json.dumps(
            {
                "rps": mix["rps"],
                "p50_ms": mix["p50_ms"],
                "p95_ms": mix["p95_ms"],
                "p99_ms": mix["p99_ms"],
                "errors": mix["errors"],
                "requests": mix["requests"],
                "ceiling_rps": ceiling["rps"],
                "ceiling_p50_ms": ceiling["p50_ms"],
                "ceiling_p95_ms": ceiling["p95_ms"],
                "ceiling_p99_ms": ceiling["p99_ms"],
                "ceiling_errors": ceiling["errors"],
                "ratio": ratio,
                "users": args.users,
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
                "cpu_ms_per_request": mix["cpu_ms_per_request"],
                "ceiling_cpu_ms_per_request": ceiling["cpu_ms_per_request"],
            }
        )
    )


if __name__ == "__main__":
    main()
