"""Benchmark: the event collector over HTTP on loopback, sustained events per second.

Three processes, as in production: the server (uvicorn with the web app, the API and the
collector's merger child) and a separate load process that posts batches of touch events
with a collector key from ``--connections`` concurrent connections for ``--seconds``.
The load process records every request's latency and which batches were acknowledged
(202). Afterwards the benchmark waits until the merger has moved everything into the
events store and checks that every acknowledged event is there exactly once.

Target (DESIGN.md): at least 20,000 events/s sustained, nothing lost. Prints one row for
docs/benchmarks.md (it does not edit the file).

    python benchmarks/collector.py                         # 60 s, batches of 1,000
    python benchmarks/collector.py --seconds 10 --batch 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

SECRET = "benchmark-" + "x" * 40


def serve(root: Path, port: int) -> None:
    """The server process: what ``touchpath serve`` runs, with the API mounted."""
    import uvicorn

    from touchpath.web import create_app
    from touchpath.web.api import mount_api

    app = create_app(root, secret=SECRET)
    mount_api(app, merger=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="none")


def batch_body(prefix: str, number: int, size: int) -> bytes:
    """A batch of ``size`` distinct touch events (ids ``prefix-number-i``)."""
    events = [
        {
            "event_id": f"{prefix}-{number}-{i}",
            "customer_id": f"bench-{(number * 7919 + i) % 50_000}",
            "ts": f"2026-05-{1 + number % 28:02d}T{i % 24:02d}:{i % 60:02d}:{number % 60:02d}Z",
            "event_name": "page_view",
            "touchpoint": "product_page" if i % 3 else "catalogue_page",
            "source": "yandex",
            "medium": "cpc",
            "url": f"https://shop.example/p/{i % 500}",
        }
        for i in range(size)
    ]
    return json.dumps({"events": events}, separators=(",", ":")).encode()


async def _load(
    url: str, token: str, seconds: float, size: int, connections: int
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    acked: list[int] = []
    failed = 0
    counter = iter(range(10**9))
    stop_at = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    # one body made once; each request puts its own batch number into the ids
    template = batch_body("bench", 0, size).replace(b'"bench-0-', b'"bench-NUMBER-')

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failed
        while time.monotonic() < stop_at:
            number = next(counter)
            body = template.replace(b"NUMBER", str(number).encode())
            started = time.perf_counter()
            try:
                response = await client.post(url, content=body, headers=headers)
            except httpx.HTTPError:
                failed += 1
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code == 202 and response.json()["stored"] == size:
                acked.append(number)
            else:
                failed += 1

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(connections)))
    elapsed = time.monotonic() - started
    return {"acked": acked, "failed": failed, "latencies": latencies, "elapsed": elapsed}


def load(url: str, token: str, seconds: float, size: int, connections: int, out: Path) -> None:
    """The load process: post for ``seconds``, then write what happened to ``out``."""
    result = asyncio.run(_load(url, token, seconds, size, connections))
    out.write_text(json.dumps(result), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _stored(root: Path) -> tuple[int, int] | None:
    import duckdb

    try:
        con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    except duckdb.IOException:
        return None
    try:
        row = con.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM events WHERE event_id LIKE 'bench-%'"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its waited-for children, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(v) for v in fields[11:15]) / ticks


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(v) for v in text.split()]


def run(args: argparse.Namespace) -> None:
    import touchpath.demo
    from touchpath.bootstrap import init_workspace
    from touchpath.catalogue.yaml_io import load_catalogue_yaml
    from touchpath.store import api_keys, migrate
    from touchpath.store.db import create_engine, session_factory

    folder = Path(tempfile.mkdtemp(prefix="touchpath-collector-bench-"))
    root = folder / "shop"
    shop = Path(touchpath.demo.__file__).with_name("data") / "shop.yaml"
    ws = init_workspace(root, catalogue=load_catalogue_yaml(shop))
    migrate.upgrade(ws.metadata_url)
    engine = create_engine(ws.metadata_url)
    with session_factory(engine)() as db:
        _key, token = api_keys.create_api_key(session=db, name="bench", role="collector")
    engine.dispose()

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(root), str(port)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)
        out = folder / "load.json"
        merger = _children(server.pid)
        cpu_before = _cpu_seconds(server.pid), sum(_cpu_seconds(p) for p in merger)
        url = f"http://127.0.0.1:{port}/api/v1/w/shop/collect"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--load",
                url,
                token,
                str(args.seconds),
                str(args.batch),
                str(args.connections),
                str(out),
            ],
            check=True,
        )
        result = json.loads(out.read_text(encoding="utf-8"))
        sent_done = time.monotonic()
        expected = len(result["acked"]) * args.batch
        seen: tuple[int, int] | None = None
        while time.monotonic() - sent_done < args.drain_timeout:
            seen = _stored(root)
            if seen is not None and seen[0] >= expected:
                break
            time.sleep(0.5)
        lag = time.monotonic() - sent_done
        cpu_server = _cpu_seconds(server.pid) - cpu_before[0]
        cpu_merger = sum(_cpu_seconds(p) for p in merger) - cpu_before[1]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    seen = _stored(root) or (0, 0)
    rate = expected / result["elapsed"]
    p50 = _percentile(result["latencies"], 0.50) * 1000
    p99 = _percentile(result["latencies"], 0.99) * 1000
    accounted = seen[0] == seen[1] == expected
    print(
        f"events acknowledged {expected:,} in {result['elapsed']:.1f} s, failed requests "
        f"{result['failed']}, stored {seen[0]:,} (distinct {seen[1]:,}), "
        f"all merged {lag:.1f} s after the load ended"
    )
    print(
        f"CPU seconds: server {cpu_server:.1f} ({expected / cpu_server:,.0f} events per "
        f"CPU-second), merger {cpu_merger:.1f}; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "| date | machine | batch | connections | seconds | events/s | p50 ms | p99 ms | "
        "merged after | every event once |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {date.today().isoformat()} | {platform.machine()}, {os.cpu_count()} CPU | "
        f"{args.batch:,} | {args.connections} | {result['elapsed']:.0f} | {rate:,.0f} | "
        f"{p50:.1f} | {p99:.1f} | {lag:.1f} s | {'yes' if accounted else 'NO'} |"
    )
    if not accounted:
        raise SystemExit("some acknowledged events are missing or stored twice")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        url, token, seconds, size, connections, out = sys.argv[2:8]
        load(url, token, float(seconds), int(size), int(connections), Path(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=1000, help="events per request")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
