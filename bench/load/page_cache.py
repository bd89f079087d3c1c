"""The public page cache against production mode: a stored page, a rendered one and /healthz.

    .venv/bin/python bench/load/page_cache.py [--rounds 2] [--no-start]

One request at a time (no concurrency, so the figures are each request's own cost plus the
loopback and this client), through gunicorn, the middleware stack and Redis exactly as a
visitor's request goes, for every guide page, department page, the home page and the
searches of bench/load/run.py:

- *miss*: the page with a query parameter never seen before (``?_bench=<random>``), so it is
  rendered and stored: the cost of the uncached page;
- *hit*: the same page again once it is stored (the response must say ``X-Cache: hit``);
- *healthz*: ``/healthz`` right after, the framework's trivial endpoint.

Production mode is started as ``run.py`` starts it (with the demo centre) when it is not
running, and stopped again at the end. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # bench/load/run.py


def _get(base: str, path: str) -> tuple[float, str]:
    request = urllib.request.Request(base + path, headers=run.HEADERS)  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
        marker = response.headers.get("X-Cache") or ""
    return (time.perf_counter() - started) * 1000, marker


def _figures(samples: list[float]) -> dict[str, float]:
    cut = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(cut[94], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages")
    parser.add_argument("--no-start", action="store_true", help="require production mode")
    args = parser.parse_args()
    base, started = run.ensure_production(argparse.Namespace(no_start=args.no_start))
    try:
        api = run.Platform(base)
        items = [row["code"] for row in api.get("/api/v1/items?page_size=100")["results"]]
        departments = [
            row["code"] for row in api.get("/api/v1/departments?page_size=100")["results"]
        ]
        paths = (
            ["/"]
            + [f"/items/{code}/" for code in items]
            + [f"/departments/{code}/" for code in departments]
            + [f"/items/?q={urllib.parse.quote(q)}" for q in run.QUERIES]
        )
        samples: dict[str, list[float]] = {"miss": [], "hit": [], "healthz": []}
        for _ in range(args.rounds):
            for path in paths:
                joiner = "&" if "?" in path else "?"
                elapsed, marker = _get(base, f"{path}{joiner}_bench={secrets.token_hex(6)}")
                if marker != "miss":
                    raise SystemExit(
                        f"page_cache: {path} was not stored ({marker or 'no X-Cache'})"
                    )
                samples["miss"].append(elapsed)
                _get(base, path)
                elapsed, marker = _get(base, path)
                if marker != "hit":
                    raise SystemExit(f"page_cache: {path} was not served from the cache")
                samples["hit"].append(elapsed)
                samples["healthz"].append(_get(base, "/healthz")[0])
    finally:
        if started:
            run.prod_cli("stop")
    result = {name: _figures(values) for name, values in samples.items()}
    for name, figures in result.items():
        print(
            f"{name:8} {len(samples[name]):5} requests  p50 {figures['p50_ms']:7.2f} ms  "
            f"p95 {figures['p95_ms']:7.2f} ms"
        )
    print(
        json.dumps(
            {
                "pages": len(paths),
                "hit_p50_ms": result["hit"]["p50_ms"],
                "hit_p95_ms": result["hit"]["p95_ms"],
                "miss_p50_ms": result["miss"]["p50_ms"],
                "miss_p95_ms": result["miss"]["p95_ms"],
                "healthz_p50_ms": result["healthz"]["p50_ms"],
                "healthz_p95_ms": result["healthz"]["p95_ms"],
                "miss_over_hit": round(result["miss"]["p50_ms"] / result["hit"]["p50_ms"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
