"""Service guide page render time on the demo centre (server time, no network).

Loads the demo centre into a scratch SQLite database (unless DATABASE_URL is set), then
renders every published item's guide page through Django's full request stack (middleware,
URL routing, queries, templates) with the test client, several rounds each.

    .venv/bin/python bench/guide_page.py [--rounds 10]

The last line of output is one JSON object: {"pages", "p50_ms", "p95_ms", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory()
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    # The demo seed writes seal keys and files under the data directory: a scratch one.
    data = tempfile.TemporaryDirectory(prefix="onewindow_bench_data_")
    os.environ["ONEWINDOW_DATA_DIR"] = data.name
    os.environ["MEDIA_ROOT"] = str(os.path.join(data.name, "media"))
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from onewindow.catalog.queries import published_implementations

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    codes = list(published_implementations().values_list("implementation_code", flat=True))
    client = Client()
    for code in codes:  # warm-up
        assert client.get(reverse("portal:item_detail", args=[code])).status_code == 200
    timings = []
    for _ in range(args.rounds):
        for code in codes:
            started = time.perf_counter()
            response = client.get(reverse("portal:item_detail", args=[code]))
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    cut = statistics.quantiles(timings, n=100)
    result = {
        "pages": len(codes),
        "renders": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cut[94], 2),
        "max_ms": round(max(timings), 2),
        "target_ms": 50,
        "p95_vs_target": round(cut[94] / 50, 2),
        "database": connection.vendor,
    }
    print(
        f"{len(codes)} guide pages × {args.rounds}: p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms (target < 50 ms)"
    )
    connection.close()
    if scratch is not None:
        scratch.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
