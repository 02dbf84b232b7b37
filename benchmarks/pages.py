"""Benchmark: p95 time of every web page on the demo with 1M customers (target < 300 ms warm).

Uses the demo group of ``benchmarks/analytics.py`` (built there if absent), logs in as the
demo admin through the login form and, for each page, times the first (cold) request and
then ``--requests`` warm ones through Starlette's test client (the app's own time, no
network). Appends a table to docs/benchmarks.md unless ``--no-record``.

    python benchmarks/pages.py                         # 1M customers
    python benchmarks/pages.py --customers 20000 --no-record
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
import warnings
from datetime import date
from pathlib import Path

from record import add_rows  # benchmarks/record.py, beside this script

from touchpath.bootstrap import build_demo
from touchpath.commands.serve import ensure_demo_login
from touchpath.web import create_app
from touchpath.workspace import find_workspace, group_members

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette asks for httpx2; httpx works the same
    from fastapi.testclient import TestClient

HERE = Path(__file__).resolve().parent
PAGES = [
    "",
    "touchpoints",
    "chains",
    "journey",
    "funnel",
    "paths",
    "journey-graph",
    "attribution",
    "retention",
    "audits",
    "voice",
    "plan",
    "automation",
    "report",
]
TARGET_MS = 300.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    root = HERE / "data" / f"analytics-demo-{args.customers}"
    if not (root / "touchpath.toml").exists():
        build_demo(root, customers=args.customers, seed=1, businesses=["shop"])
    members = [find_workspace(m) for m in group_members(root)]
    login = ensure_demo_login(root, members)
    member = members[0].root.name
    rows = []
    with TestClient(create_app(root)) as client:
        token = CSRF.search(client.get("/login").text)
        assert token is not None
        form = {"username": login.username, "password": login.password}
        response = client.post(
            "/login", data={**form, "csrf_token": token.group(1)}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        for page in PAGES:
            url = f"/w/{member}/{page}"
            start = time.perf_counter()
            first = client.get(url)
            cold = (time.perf_counter() - start) * 1000
            assert first.status_code == 200, (url, first.status_code)
            warm = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(url)
                warm.append((time.perf_counter() - start) * 1000)
            p95 = statistics.quantiles(warm, n=20)[-1]
            rows.append((url, cold, p95))
            print(f"{url:32} cold {cold:9.0f} ms   warm p95 {p95:7.1f} ms", flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    lines = [
        f"| {url} | {p95:.0f} ms — {'met' if p95 < TARGET_MS else 'NOT met'} | {cold:,.0f} ms "
        f"| {machine} | {date.today()} |"
        for url, cold, p95 in rows
    ]
    print("\n".join(lines))
    if not args.no_record:
        add_rows(
            "Web pages",
            f"`benchmarks/pages.py`: each page of the demo with {args.customers:,} customers, "
            f"the first request (cold: the analysis runs) and the p95 of {args.requests} "
            "warm requests (cached per data version), through the test client.",
            "| page | warm p95 (target < 300 ms) | cold | machine | date |\n|---|---|---|---|---|",
            lines,
        )


if __name__ == "__main__":
    main()
