"""The collector survives a killed server: real processes, real fsync, real kill -9.

The server (uvicorn, with its merger child) runs in a process group of its own; a client
thread sends numbered batches and notes which were acknowledged. Mid-stream the whole
group gets SIGKILL (server and merger, wherever they were: inside a commit, inside an
import). After a restart the client resends every batch — acknowledged or not — and
the events store must then hold every event exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from touchpath.ingest import staging

from .conftest import Keys

SERVE = Path(__file__).with_name("serve.py")
BATCHES = 80
PER_BATCH = 250
KILL_AFTER = 25  # acknowledged batches before the kill


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE), str(self.root), str(self.port)],
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                assert self.process.poll() is None, "the server died while starting"
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def server(site: tuple[Path, Keys]) -> Iterator[Server]:
    instance = Server(site[0])
    yield instance
    instance.stop()
    if instance.process is not None:
        # the merger child stops by itself once its parent is gone
        with pytest.raises(ProcessLookupError):
            time.sleep(3)
            os.killpg(instance.process.pid, 0)


def batch(number: int) -> dict[str, Any]:
    return {
        "events": [
            {
                "event_id": f"fault-{number}-{i}",
                "customer_id": f"fc-{(number * PER_BATCH + i) % 500}",
                "ts": f"2026-04-{1 + number % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
                "touchpoint": "product_page",
                "source": "google",
                "medium": "organic",
            }
            for i in range(PER_BATCH)
        ]
    }


def send_all(
    url: str, token: str, numbers: list[int], acked: set[int], stop: threading.Event
) -> None:
    with httpx.Client(base_url=url, timeout=10.0) as client:
        for number in numbers:
            if stop.is_set():
                return
            try:
                response = client.post(
                    "/api/v1/w/shop/collect",
                    json=batch(number),
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError:
                continue  # unacknowledged: resent later
            if response.status_code == 202:
                acked.add(number)


def stored_ids(root: Path) -> tuple[int, int, set[str]] | None:
    """(rows, distinct ids, ids) of the fault events, or None while the file is locked."""
    try:
        con = duckdb.connect(str(root / "shop" / "events.duckdb"), read_only=True)
    except duckdb.IOException:
        return None
    try:
        rows = con.execute("SELECT event_id FROM events WHERE event_id LIKE 'fault-%'").fetchall()
    finally:
        con.close()
    ids = [r[0] for r in rows]
    return len(ids), len(set(ids)), set(ids)


def test_every_acknowledged_event_is_stored_exactly_once_after_kill_9(
    server: Server, keys: Keys
) -> None:
    token = keys[("shop", "collector")]
    server.start()
    acked: set[int] = set()
    stop = threading.Event()
    client = threading.Thread(
        target=send_all, args=(server.url, token, list(range(BATCHES)), acked, stop)
    )
    client.start()
    deadline = time.monotonic() + 120
    while len(acked) < KILL_AFTER:
        assert time.monotonic() < deadline and client.is_alive(), f"only {len(acked)} acks"
        time.sleep(0.005)
    server.kill()
    acked_before_kill = set(acked)
    stop.set()
    client.join()
    assert KILL_AFTER <= len(acked_before_kill) < BATCHES

    # whatever was acknowledged before the kill is durable: staged, or merged already
    staged = sqlite3.connect(staging.staging_path(server.root / "shop"))
    try:
        kept = {r[0] for r in staged.execute("SELECT item_id FROM ids WHERE kind = 'event'")}
    finally:
        staged.close()
    for number in acked_before_kill:
        assert {f"fault-{number}-{i}" for i in range(PER_BATCH)} <= kept, number
    server.start()
    resent: set[int] = set()
    send_all(server.url, token, list(range(BATCHES)), resent, threading.Event())
    assert resent == set(range(BATCHES))
    expected = {f"fault-{n}-{i}" for n in range(BATCHES) for i in range(PER_BATCH)}

    started = time.monotonic()
    seen = None
    while time.monotonic() - started < 90:
        seen = stored_ids(server.root)
        if seen is not None and seen[2] == expected:
            break
        time.sleep(0.5)
    assert seen is not None
    rows, distinct, ids = seen
    assert ids == expected  # nothing acknowledged is missing (nor anything else)
    assert rows == distinct == BATCHES * PER_BATCH  # and nothing is there twice
